//! Tokenizers: `reference` (the golden engine's whitespace split with its CJK rules, §1.3) and
//! `words` (Unicode word segmentation, lower-cased, punctuation stripped).

use unicode_segmentation::UnicodeSegmentation as _;

use super::pystr::{is_py_space, py_split};

/// Which tokenizer turns an exchange's text into tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tokenizer {
    /// The reference: `text.lower().split()`, punctuation kept (`hood,` ≠ `hood`); CJK text is
    /// split into characters except for a list of protected units.
    #[default]
    Reference,
    /// The windowed engine's reference rule: lower-case, every character that is not a word
    /// character, whitespace or `'` becomes a space, then whitespace split.
    ReferenceWindowed,
    /// Unicode words (UAX #29), lower-cased, punctuation stripped, inner apostrophes kept.
    Words,
}

impl Tokenizer {
    /// Name as used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::ReferenceWindowed => "reference_windowed",
            Self::Words => "words",
        }
    }

    /// Tokenize `text` into `sink` (appending).
    pub fn tokenize_into(self, text: &str, sink: &mut TokenSink) {
        match self {
            Self::Reference => reference_tokens(text, sink),
            Self::ReferenceWindowed => {
                static NON_WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
                    #[expect(clippy::expect_used, reason = "constant pattern")]
                    regex::Regex::new(r"[^\w\s']").expect("valid regex")
                });
                let lower = text.to_lowercase();
                sink.push_lower_split(&NON_WORD.replace_all(&lower, " "));
            }
            Self::Words => {
                for word in text.unicode_words() {
                    sink.push(&word.to_lowercase());
                }
            }
        }
    }

    /// Tokenize `text` into a new vector.
    pub fn tokenize(self, text: &str) -> Vec<String> {
        let mut sink = TokenSink::default();
        self.tokenize_into(text, &mut sink);
        sink.iter().map(str::to_owned).collect()
    }
}

/// Tokens stored back to back in one string, with their byte spans (few allocations).
#[derive(Clone, Debug, Default)]
pub struct TokenSink {
    arena: String,
    spans: Vec<(usize, usize)>,
}

impl TokenSink {
    /// Append one token.
    pub fn push(&mut self, token: &str) {
        let start = self.arena.len();
        self.arena.push_str(token);
        self.spans.push((start, self.arena.len()));
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Tokens `range`.
    pub fn iter_range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &str> {
        self.spans[range].iter().map(|&(a, b)| &self.arena[a..b])
    }

    /// All tokens.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.iter_range(0..self.spans.len())
    }

    /// Append all tokens of `other`.
    pub fn extend(&mut self, other: &Self) {
        let offset = self.arena.len();
        self.arena.push_str(&other.arena);
        self.spans.extend(other.spans.iter().map(|&(a, b)| (a + offset, b + offset)));
    }

    /// Keep tokens `from..` for which `keep` is true (order preserved).
    pub fn retain_from(&mut self, from: usize, mut keep: impl FnMut(&str) -> bool) {
        let mut write = from;
        for read in from..self.spans.len() {
            let (a, b) = self.spans[read];
            if keep(&self.arena[a..b]) {
                self.spans[write] = (a, b);
                write += 1;
            }
        }
        self.spans.truncate(write);
    }

    /// `text.lower().split()`: lower-case into the arena, record the whitespace-separated parts.
    fn push_lower_split(&mut self, text: &str) {
        let start = self.arena.len();
        if text.is_ascii() {
            self.arena.push_str(text);
            self.arena[start..].make_ascii_lowercase();
        } else {
            self.arena.push_str(&text.to_lowercase());
        }
        let region = &self.arena[start..];
        if region.is_ascii() {
            // ASCII fast path; CPython's ASCII whitespace is \t \n \v \f \r, 0x1c–0x1f and space.
            let is_space = |b: u8| matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ');
            let bytes = region.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                while i < bytes.len() && is_space(bytes[i]) {
                    i += 1;
                }
                let t = i;
                while i < bytes.len() && !is_space(bytes[i]) {
                    i += 1;
                }
                if i > t {
                    self.spans.push((start + t, start + i));
                }
            }
            return;
        }
        let mut token_start = None;
        for (i, c) in region.char_indices() {
            match (is_py_space(c), token_start) {
                (true, Some(t)) => {
                    self.spans.push((start + t, start + i));
                    token_start = None;
                }
                (false, None) => token_start = Some(i),
                _ => {}
            }
        }
        if let Some(t) = token_start {
            self.spans.push((start + t, self.arena.len()));
        }
    }
}

/// CJK ideographs, kana, Hangul and Devanagari switch the reference to character tokens.
fn is_asian_trigger(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3040}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{0900}'..='\u{097F}')
}

/// Tokens containing one of these are kept as they are; others are lower-cased (no Devanagari).
fn is_cjk_kana_hangul(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3040}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}'
        | '\u{AC00}'..='\u{D7AF}')
}

/// The reference's protected units, in its order. Single characters come before the longer
/// units that contain them, so `我们` never survives (a quirk we keep for parity).
const PROTECTED_UNITS: [&str; 38] = [
    "我",
    "你",
    "他",
    "她",
    "我们",
    "你们",
    "他们",
    "我的",
    "你的",
    "他的",
    "她的",
    "我们的",
    "你们的",
    "他们的",
    "您",
    "您的",
    "あなた",
    "あなたの",
    "わたし",
    "わたくし",
    "わたしの",
    "きみ",
    "きみの",
    "ぼく",
    "ぼくの",
    "おれ",
    "这是",
    "那是",
    "可以",
    "不是",
    "没有",
    "有",
    "很",
    "非常",
    "です",
    "ます",
    "である",
    "できる",
];

/// Characters dropped when a part is split into single characters.
fn is_dropped_char(c: char) -> bool {
    "，。！？；：、\u{3000}\n\r\t -1*".contains(c)
}

fn reference_tokens(text: &str, out: &mut TokenSink) {
    if text.is_ascii() || !text.chars().any(is_asian_trigger) {
        out.push_lower_split(text);
        return;
    }
    let mut work = text.to_owned();
    let mut placeholders: Vec<(String, &str)> = Vec::new();
    for (k, unit) in PROTECTED_UNITS.iter().enumerate() {
        if work.contains(unit) {
            let placeholder = format!("__UNIT_{k}__");
            work = work.replace(unit, &format!(" {placeholder} "));
            placeholders.push((placeholder, unit));
        }
    }
    let mut raw: Vec<String> = Vec::new();
    for part in py_split(&work) {
        if let Some((_, unit)) = placeholders.iter().find(|(p, _)| p == part) {
            raw.push((*unit).to_owned());
        } else if part.starts_with("__UNIT_") && part.ends_with("__") {
            raw.push(part.to_owned());
        } else {
            raw.extend(part.chars().filter(|&c| !is_dropped_char(c)).map(String::from));
        }
    }
    for token in raw {
        if token.is_empty() || token.chars().all(is_py_space) {
            continue;
        }
        if token.chars().any(is_cjk_kana_hangul) {
            out.push(&token);
        } else {
            out.push(&token.to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_keeps_punctuation_and_lowercases() {
        assert_eq!(Tokenizer::Reference.tokenize("The Hood, it."), ["the", "hood,", "it."]);
        // ASCII and non-ASCII paths split on the same (CPython) whitespace.
        assert_eq!(Tokenizer::Reference.tokenize(" a\x1fB\x0bc "), ["a", "b", "c"]);
        assert_eq!(Tokenizer::Reference.tokenize(" é\x1fB\u{a0}c\u{2003}d"), ["é", "b", "c", "d"]);
    }

    #[test]
    fn reference_cjk_units_and_characters() {
        // `我们` is lost to `我` first (reference quirk); `很` is protected; `，` is dropped.
        let tokens = Tokenizer::Reference.tokenize("我们很好，OK");
        assert_eq!(tokens, ["我", "们", "很", "好", "o", "k"]);
    }

    #[test]
    fn reference_devanagari_is_split_but_lowercase_applies() {
        let tokens = Tokenizer::Reference.tokenize("नम A");
        assert_eq!(tokens, ["न", "म", "a"]);
    }

    #[test]
    fn windowed_reference_replaces_punctuation_keeps_apostrophes() {
        let tokens = Tokenizer::ReferenceWindowed.tokenize("Don't stop, Hood!—the end.");
        assert_eq!(tokens, ["don't", "stop", "hood", "the", "end"]);
    }

    #[test]
    fn words_strip_punctuation_keep_apostrophes() {
        let tokens = Tokenizer::Words.tokenize("Don't stop, Hood! \"The\" end.");
        assert_eq!(tokens, ["don't", "stop", "hood", "the", "end"]);
    }
}
