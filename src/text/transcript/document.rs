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

/// One physical line, classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// Empty or whitespace only.
    Blank,
    /// Not the conversation's text.
    Skip(LeftOut),
    /// Text, trimmed.
    Text(&'a str),
}

/// Classify every physical line of `content` (a leading BOM and `\r` of CRLF endings are
/// dropped; trailing and leading whitespace trimmed), with each line's indentation in
/// columns (a tab to the next multiple of 8).
pub fn classify(content: &str) -> (Vec<Line<'_>>, Vec<u32>) {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let raw: Vec<&str> = content.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut lines: Vec<Line<'_>> = raw.iter().map(|l| classify_line(l)).collect();
    mark_front_matter(&raw, &mut lines);
    mark_gutenberg(&raw, &mut lines);
    mark_contents(&mut lines);
    let indents = raw.iter().map(|l| indentation(l)).collect();
    (lines, indents)
}

fn indentation(line: &str) -> u32 {
    line.chars().take_while(|c| c.is_whitespace()).fold(0, |col, c| if c == '\t' { (col / 8 + 1) * 8 } else { col + 1 })
}

fn classify_line(raw: &str) -> Line<'_> {
    let line = raw.trim();
    if line.is_empty() {
        return Line::Blank;
    }
    if is_heading(line) {
        return Line::Skip(LeftOut::Heading);
    }
    if is_rule(line) {
        return Line::Skip(LeftOut::Rule);
    }
    if is_link(line) {
        return Line::Skip(LeftOut::Link);
    }
    if line.len() <= 4 && line.bytes().all(|b| b.is_ascii_digit()) {
        return Line::Skip(LeftOut::PageNumber);
    }
    if is_dot_leader(line) {
        return Line::Skip(LeftOut::Contents);
    }
    Line::Text(line)
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
/// closes it within 200 lines (`...` also closes YAML). Without a closing fence it is text.
fn mark_front_matter(raw: &[&str], lines: &mut [Line<'_>]) {
    let Some(open) = raw.iter().position(|l| !l.trim().is_empty()) else { return };
    let fence = raw[open].trim();
    if fence != "---" && fence != "+++" {
        return;
    }
    let close = raw.iter().enumerate().skip(open + 1).take(200).find(|(_, l)| {
        let l = l.trim();
        l == fence || (fence == "---" && l == "...")
    });
    if let Some((close, _)) = close {
        for line in &mut lines[open..=close] {
            *line = Line::Skip(LeftOut::FrontMatter);
        }
    }
}

/// A Project Gutenberg header (everything up to its `*** START OF …` line) and footer (from
/// its `*** END OF …` or `End of the Project Gutenberg …` line).
fn mark_gutenberg(raw: &[&str], lines: &mut [Line<'_>]) {
    let marker = |l: &str, word: &str| {
        let l = l.trim().trim_start_matches('*').trim_start().to_ascii_uppercase();
        (l.starts_with(&format!("{word} OF THE PROJECT GUTENBERG"))
            || l.starts_with(&format!("{word} OF THIS PROJECT GUTENBERG")))
            || (word == "END" && l.starts_with("END OF PROJECT GUTENBERG"))
    };
    // Only lines that mention Gutenberg are compared (a cheap filter on large files).
    let mentions = |l: &&str| {
        l.len() < 400 && (memchr::memmem::find(l.as_bytes(), b"utenberg").is_some() || l.contains("UTENBERG"))
    };
    if let Some(start) = raw.iter().position(|l| mentions(l) && marker(l, "START")) {
        for line in &mut lines[..=start] {
            *line = Line::Skip(LeftOut::Boilerplate);
        }
    }
    if let Some(end) = raw.iter().rposition(|l| mentions(l) && marker(l, "END")) {
        for line in &mut lines[end..] {
            *line = Line::Skip(LeftOut::Boilerplate);
        }
    }
}

/// Most entry lines a table of contents takes.
const MAX_CONTENTS_ENTRIES: usize = 100;

/// `Contents` (or `Table of contents`, `Inhalt`, `Índice`, a play's `Cast`, …) alone on a line, and the short
/// entry lines after it up to the first blank line that follows an entry (at most
/// [`MAX_CONTENTS_ENTRIES`], so a file without that blank line keeps its text).
fn mark_contents(lines: &mut [Line<'_>]) {
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
        let is_title = matches!(lines[k], Line::Text(t)
            if t.len() < 40 && {
                let t = t.trim_end_matches([':', '.']);
                TITLES.iter().any(|title| t.len() == title.len() && t.to_lowercase() == *title)
            });
        if !is_title {
            k += 1;
            continue;
        }
        lines[k] = Line::Skip(LeftOut::Contents);
        let mut entries = 0;
        k += 1;
        while k < lines.len() {
            match lines[k] {
                Line::Text(t) if t.chars().count() <= 80 && entries < MAX_CONTENTS_ENTRIES => {
                    lines[k] = Line::Skip(LeftOut::Contents);
                    entries += 1;
                }
                Line::Blank if entries == 0 => {}
                Line::Skip(LeftOut::Contents) => entries += 1,
                _ => break,
            }
            k += 1;
        }
    }
}
