//! The document around a conversation: which physical lines are front matter, headings,
//! licence boilerplate, tables of contents, link lines, page numbers or rules, so that the
//! transcript detector reads only the rest (and reports what it left out).

/// Why a line is not part of the conversation's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOut {
    /// YAML/TOML front matter (`---` … `---` at the top).
    FrontMatter,
    /// Licence boilerplate: a Project Gutenberg header or footer.
    Boilerplate,
    /// Markdown headings (`# …`).
    Heading,
    /// A table of contents (`Contents` and its entries, dot-leader lines).
    Contents,
    /// A line that is only a link (a URL, `[text](url)`, `<url>`).
    Link,
    /// A line that is only a page number.
    PageNumber,
    /// A horizontal rule (`---`, `***`, `___`, `===`).
    Rule,
    /// A document key such as `Title:`, `Location:`, `DOI:` and the lines it heads.
    DocumentKey,
    /// Chat system lines: joins, parts, quits, actions (`*** nick has joined`, `* nick waves`).
    SystemLine,
    /// Stage directions and action lines of a play or screenplay.
    StageDirection,
    /// Text before the first speaker label, or after a document key, outside any turn.
    OutsideTurns,
}

impl LeftOut {
    /// Every kind, in the order reports list them.
    pub const ALL: [Self; 11] = [
        Self::FrontMatter,
        Self::Boilerplate,
        Self::Heading,
        Self::Contents,
        Self::Link,
        Self::PageNumber,
        Self::Rule,
        Self::DocumentKey,
        Self::SystemLine,
        Self::StageDirection,
        Self::OutsideTurns,
    ];

    /// What the lines are, in a report's words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::FrontMatter => "front matter",
            Self::Boilerplate => "licence boilerplate",
            Self::Heading => "headings",
            Self::Contents => "table of contents",
            Self::Link => "link lines",
            Self::PageNumber => "page numbers",
            Self::Rule => "rules",
            Self::DocumentKey => "document keys (Title:, Location:, …)",
            Self::SystemLine => "chat system lines (joins, parts, actions)",
            Self::StageDirection => "stage directions",
            Self::OutsideTurns => "text outside any speaker's turn",
        }
    }

    /// Whether such a line ends the turn it falls into (a page number or a link inside a turn
    /// does not: page breaks and pasted links sit in the middle of speech).
    pub fn ends_turn(self) -> bool {
        !matches!(self, Self::PageNumber | Self::Link | Self::SystemLine)
    }
}

/// A run of physical lines, classified. Compact (12 bytes) and merged (a run of blank lines
/// is one entry, a run of lines left out for one reason is one entry), so that even a file of
/// nothing but newlines holds little: the memory follows the file's text lines, not its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// Empty or whitespace-only lines.
    Blank,
    /// `lines` lines that are not the conversation's text.
    Skip {
        /// Why.
        kind: LeftOut,
        /// How many.
        lines: u32,
    },
    /// One line of text: its trimmed bytes `start..start + len` of the content, and its
    /// indentation in columns (a tab to the next multiple of 8, at most 255).
    Text {
        /// Byte offset in the content.
        start: u32,
        /// Byte length.
        len: u32,
        /// Indentation.
        indent: u8,
    },
}

/// Most bytes of a text the transcript detector reads (offsets are 32-bit); the readers cut
/// files far below this (`io::document::DEFAULT_MAX_BYTES`).
pub const MAX_CONTENT_BYTES: usize = u32::MAX as usize;

/// Physical lines of `content`: a leading BOM and the `\r` of CRLF endings dropped, each with
/// its byte offset.
fn physical_lines(content: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    content.split('\n').map(move |l| {
        let at = start;
        start += l.len() + 1;
        (at, l.strip_suffix('\r').unwrap_or(l))
    })
}

/// The content the lines' offsets refer to: `content` without a leading BOM, and at most
/// [`MAX_CONTENT_BYTES`] of it.
pub fn content_of(content: &str) -> &str {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut end = content.len().min(MAX_CONTENT_BYTES);
    while !content.is_char_boundary(end) {
        end -= 1;
    }
    &content[..end]
}

/// Classify every physical line of `content` (see [`content_of`]; leading and trailing
/// whitespace trimmed).
pub fn classify(content: &str) -> Vec<Line> {
    let content = content_of(content);
    let front = front_matter(content);
    let (start, end) = gutenberg(content);
    let mut lines: Vec<Line> = Vec::new();
    for (i, (at, raw)) in physical_lines(content).enumerate() {
        let line = if front.as_ref().is_some_and(|r| r.contains(&i)) {
            Line::Skip { kind: LeftOut::FrontMatter, lines: 1 }
        } else if start.is_some_and(|s| i <= s) || end.is_some_and(|e| i >= e) {
            Line::Skip { kind: LeftOut::Boilerplate, lines: 1 }
        } else {
            classify_line(content, at, raw)
        };
        match (lines.last_mut(), line) {
            (Some(Line::Blank), Line::Blank) => {}
            (Some(Line::Skip { kind, lines }), Line::Skip { kind: k, .. }) if *kind == k && *lines < u32::MAX => {
                *lines += 1;
            }
            _ => lines.push(line),
        }
    }
    mark_contents(content, &mut lines);
    lines
}

/// The trimmed text of a `Line::Text` entry.
pub fn text_of(content: &str, line: Line) -> Option<&str> {
    match line {
        Line::Text { start, len, .. } => content.get(start as usize..(start + len) as usize),
        _ => None,
    }
}

fn indentation(line: &str) -> u8 {
    let columns = line
        .chars()
        .take_while(|c| c.is_whitespace())
        .take(255)
        .fold(0u32, |col, c| if c == '\t' { (col / 8 + 1) * 8 } else { col + 1 });
    u8::try_from(columns).unwrap_or(u8::MAX)
}

fn classify_line(content: &str, at: usize, raw: &str) -> Line {
    let line = raw.trim();
    if line.is_empty() {
        return Line::Blank;
    }
    let skip = |kind| Line::Skip { kind, lines: 1 };
    if is_heading(line) {
        return skip(LeftOut::Heading);
    }
    if is_rule(line) {
        return skip(LeftOut::Rule);
    }
    if is_link(line) {
        return skip(LeftOut::Link);
    }
    if line.len() <= 4 && line.bytes().all(|b| b.is_ascii_digit()) {
        return skip(LeftOut::PageNumber);
    }
    if is_dot_leader(line) {
        return skip(LeftOut::Contents);
    }
    // Offsets fit: the content is at most `MAX_CONTENT_BYTES`.
    let start = line.as_ptr() as usize - content.as_ptr() as usize;
    debug_assert!(start >= at && start + line.len() <= content.len());
    Line::Text {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        len: u32::try_from(line.len()).unwrap_or(0),
        indent: indentation(raw),
    }
}

/// `# Title` … `###### Title` (a `#` run then a space: `#hashtag` is text).
fn is_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t'])
}

/// Three or more of one of `-*_=~`, spaces allowed between them.
fn is_rule(line: &str) -> bool {
    let mut marks = line.chars().filter(|c| !c.is_whitespace());
    let Some(first) = marks.next() else { return false };
    matches!(first, '-' | '*' | '_' | '=' | '~') && marks.clone().all(|c| c == first) && marks.count() >= 2
}

/// A bare URL, `<url>` or `[text](url)`, alone on its line.
fn is_link(line: &str) -> bool {
    let url = |s: &str| {
        (s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www."))
            && !s.contains(char::is_whitespace)
    };
    if url(line) {
        return true;
    }
    if let Some(inner) = line.strip_prefix('<').and_then(|l| l.strip_suffix('>')) {
        return url(inner);
    }
    let markdown = line.strip_prefix('[').and_then(|l| l.split_once("](")).and_then(|(_, rest)| rest.strip_suffix(')'));
    markdown.is_some_and(url)
}

/// A contents entry: `Chapter One ........ 12` (a run of four or more dots, then a number).
fn is_dot_leader(line: &str) -> bool {
    let Some(k) = line.find("....") else { return false };
    let tail = line[k..].trim_start_matches(['.', ' ', '\u{a0}']);
    !tail.is_empty() && tail.len() <= 8 && tail.chars().all(|c| c.is_ascii_digit() || "ivxlcdmIVXLCDM".contains(c))
}

/// Front matter: the first non-blank line is `---` (YAML) or `+++` (TOML) and the same fence
/// closes it within 200 lines (`...` also closes YAML): the range of its line numbers. Without
/// a closing fence it is text.
fn front_matter(content: &str) -> Option<std::ops::RangeInclusive<usize>> {
    let mut lines = physical_lines(content).map(|(_, l)| l.trim()).enumerate().skip_while(|(_, l)| l.is_empty());
    let (open, fence) = lines.next()?;
    if fence != "---" && fence != "+++" {
        return None;
    }
    let (close, _) = lines.take(200).find(|(_, l)| *l == fence || (fence == "---" && *l == "..."))?;
    Some(open..=close)
}

/// A Project Gutenberg header (the line numbers up to its `*** START OF …` line) and footer
/// (from its `*** END OF …` or `End of the Project Gutenberg …` line).
fn gutenberg(content: &str) -> (Option<usize>, Option<usize>) {
    // Only files and lines that mention Gutenberg are looked at (a cheap filter).
    if memchr::memmem::find(content.as_bytes(), b"utenberg").is_none() && !content.contains("UTENBERG") {
        return (None, None);
    }
    let marker = |l: &str, word: &str| {
        let l = l.trim().trim_start_matches('*').trim_start().to_ascii_uppercase();
        (l.starts_with(&format!("{word} OF THE PROJECT GUTENBERG"))
            || l.starts_with(&format!("{word} OF THIS PROJECT GUTENBERG")))
            || (word == "END" && l.starts_with("END OF PROJECT GUTENBERG"))
    };
    let mentions = |l: &str| {
        l.len() < 400 && (memchr::memmem::find(l.as_bytes(), b"utenberg").is_some() || l.contains("UTENBERG"))
    };
    let mut start = None;
    let mut end = None;
    for (i, (_, l)) in physical_lines(content).enumerate() {
        if mentions(l) {
            if start.is_none() && marker(l, "START") {
                start = Some(i);
            } else if marker(l, "END") {
                end = Some(i);
            }
        }
    }
    (start, end)
}

/// Most entry lines a table of contents takes.
const MAX_CONTENTS_ENTRIES: usize = 100;

/// `Contents` (or `Table of contents`, `Inhalt`, `Índice`, a play's `Cast`, …) alone on a line, and the short
/// entry lines after it up to the first blank line that follows an entry (at most
/// [`MAX_CONTENTS_ENTRIES`], so a file without that blank line keeps its text).
fn mark_contents(content: &str, lines: &mut [Line]) {
    // Tables of contents, and the lists of names at the top of plays and screenplays.
    const TITLES: [&str; 16] = [
        "contents",
        "table of contents",
        "inhalt",
        "inhaltsverzeichnis",
        "índice",
        "indice",
        "contenido",
        "sommaire",
        "cast",
        "sets",
        "characters",
        "dramatis personae",
        "persons of the play",
        "the persons of the play",
        "personen",
        "personajes",
    ];
    let mut k = 0;
    while k < lines.len() {
        let is_title = text_of(content, lines[k]).is_some_and(|t| {
            let t = t.trim_end_matches([':', '.']);
            t.len() < 40 && TITLES.iter().any(|title| t.len() == title.len() && t.to_lowercase() == *title)
        });
        if !is_title {
            k += 1;
            continue;
        }
        let contents = Line::Skip { kind: LeftOut::Contents, lines: 1 };
        lines[k] = contents;
        let mut entries = 0;
        k += 1;
        while k < lines.len() {
            match (lines[k], text_of(content, lines[k])) {
                (_, Some(t)) if t.chars().count() <= 80 && entries < MAX_CONTENTS_ENTRIES => {
                    lines[k] = contents;
                    entries += 1;
                }
                (Line::Blank, _) if entries == 0 => {}
                (Line::Skip { kind: LeftOut::Contents, .. }, _) => entries += 1,
                _ => break,
            }
            k += 1;
        }
    }
}
