//! Speaker labels on one line, in each layout transcripts use: `Name: text` (with bold,
//! brackets, timestamps and full-width colons), chat lines (`<nick> text`), play labels
//! (`HIGGINS. text`) and screenplay cues (`PICARD` alone). Hand-written scanners rather than
//! regexes: every line of a large transcript goes through each of them.

use std::borrow::Cow;

/// A label layout (the transcript detector tries each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `Name: text`, `Name:` alone, `**Name:**`, `[Name]:`, timestamps before or after.
    Colon,
    /// `<nick> text` or `[10:32] nick: text`; system lines.
    Chat,
    /// `NAME. text`, `NAME: text`, `NAME [direction] text`.
    Play,
    /// `NAME` alone on a line (an extension such as `(V.O.)` allowed), the speech below.
    Screenplay,
}

impl Family {
    /// Every layout, in the order they are tried (ties go to the earlier one).
    pub const ALL: [Self; 4] = [Self::Colon, Self::Chat, Self::Play, Self::Screenplay];

    /// Whether a turn ends at a blank line (plays and screenplays: what follows a speech
    /// after a blank line is a stage direction), or runs on to the next label.
    pub fn blank_ends_turn(self) -> bool {
        matches!(self, Self::Play | Self::Screenplay)
    }

    /// Whether a label used once can still be a speaker: where the layout is unambiguous
    /// (a timestamp, bold, brackets, a chat nick). Upper-case play and screenplay names
    /// need two uses, as any colon label without such a mark.
    pub fn allows_single(self) -> bool {
        matches!(self, Self::Colon | Self::Chat)
    }
}

/// What one line is, for a layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// No label: text.
    Text,
    /// A speaker label and the text after it (empty when the label stands alone).
    Label {
        /// The name as written (bold marks and extensions removed, spaces collapsed).
        name: Cow<'a, str>,
        /// The speech on the same line.
        text: &'a str,
        /// Marked unambiguously (timestamp, bold, brackets, chat nick).
        strong: bool,
    },
    /// A chat system line: join, part, quit, action, server notice.
    System,
}

/// Read `line` (trimmed, non-empty) in layout `family`.
pub fn parse(line: &str, family: Family) -> Parsed<'_> {
    match family {
        Family::Colon => colon_label(line, false).unwrap_or(Parsed::Text),
        Family::Chat => chat_line(line),
        Family::Play => play_label(line).unwrap_or(Parsed::Text),
        Family::Screenplay => screenplay_cue(line).unwrap_or(Parsed::Text),
    }
}

/// A timestamp at the start of `s` (`[00:01:46]`, `00:01:46`, `(10:32)`, `10:32 PM`,
/// `2019-10-08T09:41:39`, `2019-10-08 09:41:39Z`), and the rest after it and its blanks.
pub fn strip_timestamp(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let close = match b.first()? {
        b'[' => Some(b']'),
        b'(' => Some(b')'),
        c if c.is_ascii_digit() => None,
        _ => return None,
    };
    let mut i = usize::from(close.is_some());
    let digits = |i: usize, n: usize| b.len() >= i + n && b[i..i + n].iter().all(u8::is_ascii_digit);
    if digits(i, 4)
        && b.get(i + 4) == Some(&b'-')
        && digits(i + 5, 2)
        && b.get(i + 7) == Some(&b'-')
        && digits(i + 8, 2)
    {
        i += 10;
        if matches!(b.get(i), Some(b'T' | b' ')) {
            i += 1;
        } else {
            return None;
        }
    }
    let hour = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&hour) || b.get(i + hour) != Some(&b':') || !digits(i + hour + 1, 2) {
        return None;
    }
    i += hour + 3;
    if b.get(i) == Some(&b':') && digits(i + 1, 2) {
        i += 3;
    }
    if matches!(b.get(i), Some(b'.' | b',')) && digits(i + 1, 1) {
        i += 1;
        i += b[i..].iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    }
    let am_pm =
        |i: usize| matches!(b.get(i), Some(b'a' | b'A' | b'p' | b'P')) && matches!(b.get(i + 1), Some(b'm' | b'M'));
    if am_pm(i) {
        i += 2;
    } else if b.get(i) == Some(&b' ') && am_pm(i + 1) {
        i += 3;
    }
    if b.get(i) == Some(&b'Z') {
        i += 1;
    } else if matches!(b.get(i), Some(b'+' | b'-')) && digits(i + 1, 2) {
        i += 3;
        i += usize::from(b.get(i) == Some(&b':'));
        i += if digits(i, 2) { 2 } else { 0 };
    }
    if let Some(close) = close {
        if b.get(i) != Some(&close) {
            return None;
        }
        i += 1;
    } else if b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    // What follows may be a separator (`00:01:46 - Name:`).
    let rest = s[i..].trim_start();
    let rest = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("| ")).unwrap_or(rest);
    Some(rest.trim_start())
}

/// `Name: text` in its variants. `lenient` (chat lines after a timestamp) accepts a nick in
/// any case.
fn colon_label(line: &str, lenient: bool) -> Option<Parsed<'_>> {
    let (rest, timestamped) = match strip_timestamp(line) {
        Some(rest) => (rest, true),
        None => (line, false),
    };
    let lenient = lenient || timestamped;
    let (s, bold) = match rest.strip_prefix("**").or_else(|| rest.strip_prefix("__")) {
        Some(s) => (s, true),
        None => (rest, false),
    };
    let (name, after, bracketed) = if let Some(inner) = s.strip_prefix('[') {
        // `[Alex]: text` or `[Alex] text`.
        let close = inner.find(']')?;
        let after = &inner[close + 1..];
        let after = after.strip_prefix("**").unwrap_or(after);
        let (after, colon) = match after.strip_prefix(':') {
            Some(a) => (a, true),
            None => (after, false),
        };
        (&inner[..close], after, colon)
    } else {
        // The first colon, within the first 64 bytes: a name is short.
        let head = &s.as_bytes()[..s.len().min(64)];
        let ascii = memchr::memchr(b':', head);
        let wide = s[..floor_boundary(s, head.len())].find('：');
        let (colon, width) = match (ascii, wide) {
            (Some(a), Some(w)) if w < a => (w, '：'.len_utf8()),
            (Some(a), _) => (a, 1),
            (None, Some(w)) => (w, '：'.len_utf8()),
            (None, None) => return None,
        };
        let name = &s[..colon];
        let name = name.strip_suffix("**").or_else(|| name.strip_suffix("__")).unwrap_or(name);
        let after = &s[colon + width..];
        let after = after.strip_prefix("**").or_else(|| after.strip_prefix("__")).unwrap_or(after);
        if width == 1 && !(after.is_empty() || after.starts_with(char::is_whitespace)) {
            return None; // `re:use`, `10:30`, `https://…`
        }
        (name, after, false)
    };
    let name = name.trim();
    if !name_shape(name, lenient) {
        return None;
    }
    let mut text = after.trim();
    let mut strong = timestamped || bold || bracketed;
    if let Some(rest) = strip_timestamp(text) {
        text = rest; // `I: [00:00:06] text`
        strong = true;
    }
    Some(Parsed::Label { name: collapse_spaces(name), text, strong })
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn collapse_spaces(name: &str) -> Cow<'_, str> {
    if name.contains(|c: char| c.is_whitespace() && c != ' ') || name.contains("  ") {
        Cow::Owned(name.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Cow::Borrowed(name)
    }
}

/// Particles that may stand in lower case inside a name (`Ana de la Cruz`, `Ludwig van Beethoven`).
const PARTICLES: [&str; 20] = [
    "de", "del", "della", "der", "den", "di", "da", "do", "dos", "du", "la", "le", "van", "von", "y", "bin", "ibn",
    "al", "el", "zu",
];

/// Whether `name` looks like a person's label: one to five words, each capitalised (`Tim`,
/// `Dr.`, `O'Brien`, `P1`, `Q`), a number after the first (`Speaker 1`), a particle after
/// the first, or a word of a script without case (`李明`); at most 40 characters. Lower-case
/// prose before a colon (`was:`, `the question is:`) is not a name. `lenient` also accepts
/// a chat nick (`bob_42`).
pub fn name_shape(name: &str, lenient: bool) -> bool {
    if name.is_empty() || name.chars().count() > 40 || !name.chars().any(char::is_alphabetic) {
        return false;
    }
    if lenient && is_nick(name) {
        return true;
    }
    let mut n_words = 0;
    for (k, word) in name.split_whitespace().enumerate() {
        n_words += 1;
        let ok = capitalised(word)
            || caseless(word)
            || (k > 0 && (word.bytes().all(|b| b.is_ascii_digit()) || PARTICLES.contains(&word)));
        if !ok || n_words > 5 {
            return false;
        }
    }
    n_words > 0
}

/// `Tim`, `Dr.`, `O'Brien`, `P1`, `Smith-Jones`, `Speaker_A`, `Q`.
fn capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.' | '_') || is_mark(c))
}

/// A word of a script without upper and lower case (Han, Kana, Hangul, Arabic, Hebrew, …).
fn caseless(word: &str) -> bool {
    word.chars().all(|c| (c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()) || matches!(c, '·' | '・'))
}

/// Combining marks (Devanagari vowel signs, accents written apart) count as part of a word.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957)
}

/// A chat nick: one word of letters, digits and `_-[]\^{}|.` with a letter in it.
fn is_nick(name: &str) -> bool {
    name.chars().count() <= 32
        && name.chars().all(|c| c.is_alphanumeric() || "_-[]\\^{}|`.".contains(c))
        && name.chars().any(char::is_alphabetic)
}

/// A chat line: `[ts] <nick> text`, `[ts] nick: text`, or a system line.
fn chat_line(line: &str) -> Parsed<'_> {
    let rest = strip_timestamp(line);
    let timestamped = rest.is_some();
    let rest = rest.unwrap_or(line);
    if is_system(rest, timestamped) {
        return Parsed::System;
    }
    if let Some(inner) = rest.strip_prefix('<') {
        let Some(close) = inner.find('>') else { return Parsed::Text };
        let nick = inner[..close].trim_start_matches(['@', '+', '%', '~', '&']).trim();
        if is_nick(nick) {
            return Parsed::Label { name: Cow::Borrowed(nick), text: inner[close + 1..].trim(), strong: true };
        }
        return Parsed::Text;
    }
    if timestamped && let Some(label) = colon_label(line, true) {
        return label;
    }
    Parsed::Text
}

/// Joins, parts, quits, actions and notices: `*** nick has joined`, `-!- nick quit`,
/// `--> nick`, `* nick waves` (the last only after a timestamp, where it cannot be a list
/// item).
fn is_system(rest: &str, timestamped: bool) -> bool {
    ["***", "-!-", "-->", "<--", "--", "==="].iter().any(|p| rest.starts_with(p))
        || (timestamped && (rest.starts_with("* ") || rest.starts_with("! ")))
        || (rest.starts_with("* ") && rest.len() < 200 && rest.split_whitespace().nth(1).is_some_and(is_nick))
}

/// An upper-case name word: `HIGGINS`, `O'BRIEN`, `MRS.`, `#2`, `2ND`.
fn caps_word(word: &str) -> bool {
    word.chars().any(char::is_uppercase)
        && word
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '\'' | '’' | '-' | '.' | '&' | '#'))
}

/// Abbreviations a play name may contain before its final full stop (`MRS. PEARCE.`).
const ABBREVIATIONS: [&str; 12] = ["MR", "MRS", "MS", "DR", "ST", "MME", "MLLE", "SR", "JR", "HR", "FR", "PROF"];

/// `HIGGINS. text`, `MRS. PEARCE: text`, `THE MOTHER [aside] text`, `LIZA (crying). text`.
fn play_label(line: &str) -> Option<Parsed<'_>> {
    let mut name_end = 0; // bytes of `line` that are the name
    let mut pos = 0;
    let mut n_words = 0;
    loop {
        let rest = &line[pos..];
        let word_len = rest.find(' ').unwrap_or(rest.len());
        let word = &rest[..word_len];
        if word.starts_with(['[', '(']) {
            // A direction ends the name: skip it, and a `.`/`:` after it.
            let close = if word.starts_with('[') { ']' } else { ')' };
            let end = rest.find(close)?;
            let after = rest[end + 1..].trim_start();
            let after = after.strip_prefix(['.', ':']).unwrap_or(after).trim_start();
            return finish_play(line, name_end, n_words, after);
        }
        let core = word.trim_end_matches(['.', ':']);
        if core.is_empty() || !caps_word(core) {
            return None;
        }
        n_words += 1;
        name_end = pos + core.len();
        let ends = word.len() > core.len() && !(word.ends_with('.') && ABBREVIATIONS.contains(&core));
        if ends {
            return finish_play(line, name_end, n_words, rest[word_len..].trim_start());
        }
        if word_len == rest.len() || n_words >= 4 {
            return None;
        }
        pos += word_len + 1;
    }
}

fn finish_play<'a>(line: &'a str, name_end: usize, n_words: usize, text: &'a str) -> Option<Parsed<'a>> {
    let name = line[..name_end].trim();
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    (n_words >= 1 && letters >= 2 && !text.is_empty()).then(|| Parsed::Label {
        name: collapse_spaces(name),
        text,
        strong: false,
    })
}

/// `PICARD`, `WOMAN'S COM VOICE`, `DATA (V.O.)`, `GUARD #2` alone on a line (not columns
/// of a cast list, `PICARD      SARAH`).
fn screenplay_cue(line: &str) -> Option<Parsed<'_>> {
    if line.chars().count() > 40 || !line.starts_with(char::is_alphabetic) || line.contains("  ") || line.contains('\t')
    {
        return None;
    }
    let name = match line.find('(') {
        Some(k) if line.ends_with(')') => line[..k].trim_end(),
        Some(_) => return None,
        None => line,
    };
    let mut n_words = 0;
    for word in name.split_whitespace() {
        n_words += 1;
        if !caps_word(word) || n_words > 5 {
            return None;
        }
    }
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= 2 && !name.ends_with(':')).then(|| Parsed::Label {
        name: collapse_spaces(name.trim_end_matches('.')),
        text: "",
        strong: false,
    })
}

/// Keys of a document, not speakers: front-matter and header fields, section words, notes
/// and transcript annotations, screenplay transitions (English, German, Spanish, French).
/// Compared in lower case, with a trailing `.` removed.
const DOCUMENT_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "date",
    "time",
    "location",
    "place",
    "venue",
    "duration",
    "length",
    "source",
    "sources",
    "url",
    "link",
    "links",
    "doi",
    "isbn",
    "issn",
    "abstract",
    "summary",
    "keywords",
    "keyword",
    "tags",
    "tag",
    "aliases",
    "alias",
    "comment",
    "comments",
    "note",
    "notes",
    "nb",
    "ps",
    "agenda",
    "minutes",
    "attendees",
    "participants",
    "present",
    "absent",
    "apologies",
    "speakers",
    "cast",
    "characters",
    "dramatis personae",
    "persons",
    "author",
    "authors",
    "editor",
    "editors",
    "translator",
    "translated by",
    "transcriber",
    "transcript",
    "transcription",
    "recorded",
    "recording",
    "published",
    "posted",
    "updated",
    "created",
    "modified",
    "version",
    "copyright",
    "license",
    "licence",
    "language",
    "subject",
    "topic",
    "topics",
    "re",
    "from",
    "to",
    "cc",
    "bcc",
    "sent",
    "email",
    "e-mail",
    "phone",
    "tel",
    "fax",
    "website",
    "web",
    "address",
    "chapter",
    "part",
    "section",
    "act",
    "scene",
    "episode",
    "session",
    "interview",
    "contents",
    "index",
    "appendix",
    "figure",
    "fig",
    "table",
    "exhibit",
    "release date",
    "produced by",
    "credits",
    "category",
    "categories",
    "type",
    "id",
    "status",
    "key",
    "warning",
    "error",
    "debug",
    "result",
    "setting",
    "layout",
    "draft",
    "description",
    "inaudible",
    "crosstalk",
    "laughter",
    "laughs",
    "applause",
    "music",
    "silence",
    "pause",
    "unintelligible",
    "end",
    "the end",
    "titel",
    "datum",
    "zeit",
    "ort",
    "dauer",
    "quelle",
    "anmerkung",
    "anmerkungen",
    "hinweis",
    "notiz",
    "teilnehmer",
    "teilnehmende",
    "anwesend",
    "kapitel",
    "teil",
    "abschnitt",
    "akt",
    "szene",
    "inhalt",
    "thema",
    "betreff",
    "título",
    "fecha",
    "hora",
    "lugar",
    "duración",
    "fuente",
    "nota",
    "notas",
    "participantes",
    "asistentes",
    "capítulo",
];

/// First words that make any label a document key or a screenplay transition
/// (`INT. BRIDGE`, `FADE IN`, `ACT ONE`, `Chapter 3`, `Part I`).
const KEY_FIRST_WORDS: &[&str] = &[
    "int",
    "ext",
    "int./ext",
    "fade",
    "cut",
    "dissolve",
    "smash",
    "match",
    "act",
    "scene",
    "chapter",
    "part",
    "session",
    "end",
    "teaser",
    "continued",
];

/// Whether a label is a document key (never a speaker; its lines are left out).
pub fn is_document_key(name: &str) -> bool {
    let lower = name.trim_end_matches('.').to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("").trim_end_matches('.');
    DOCUMENT_KEYS.contains(&lower.as_str()) || KEY_FIRST_WORDS.contains(&first)
}

/// Whether a chat nick looks like a bot's (`ChanServ`, `github-bot`, `dependabot[bot]`).
pub fn looks_like_bot(nick: &str) -> bool {
    let lower = nick.to_lowercase();
    lower.ends_with("bot") || lower.ends_with("[bot]") || lower.ends_with("serv") || lower.starts_with("bot")
}

/// Remove `[…]` stage directions and annotations (`[laughs]`, `[00:12:01]`) from speech,
/// up to 200 characters each, and collapse the blanks they leave.
pub fn without_brackets(text: &str) -> Cow<'_, str> {
    if !text.contains('[') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').filter(|&c| c <= 200) else { break };
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out.split_whitespace().collect::<Vec<_>>().join(" "))
}
