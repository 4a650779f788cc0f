//! Tokenizers (the rules of `model::options::Tokenizer`): `words`, the default (clean Unicode
//! words: UAX #29, contractions and hyphenated words whole, no punctuation, no speaker labels),
//! `reference` (the golden engine's whitespace split with its CJK rules, §1.3) and
//! `reference_windowed` (the windowed engine's rule: non-word characters become spaces).

use unicode_segmentation::UnicodeSegmentation as _;

use super::pystr::{is_py_space, py_split};
use crate::model::options::Tokenizer;
use crate::model::tokens::TokenSink;

/// Tokenize `text` with `tokenizer` into `sink` (appending).
pub fn tokenize_into(tokenizer: Tokenizer, text: &str, sink: &mut TokenSink) {
    match tokenizer {
        Tokenizer::Reference => reference_tokens(text, sink),
        Tokenizer::ReferenceWindowed => {
            static NON_WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
                #[expect(clippy::expect_used, reason = "constant pattern")]
                regex::Regex::new(r"[^\w\s']").expect("valid regex")
            });
            let lower = text.to_lowercase();
            sink.push_lower_split(&NON_WORD.replace_all(&lower, " "), is_py_space);
        }
        Tokenizer::Words => word_tokens(text, sink),
    }
}

/// Apostrophes that mean `'` inside a word (typographic, modifier letter, full width): `we’re`
/// and `we're` are one concept.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\u{2019}' | '\u{02BC}' | '\u{FF07}')
}

/// A segment that joins two words into one hyphenated word when nothing separates them.
fn is_hyphen(segment: &str) -> bool {
    matches!(segment, "-" | "\u{2010}" | "\u{2011}")
}

/// Clean words: the UAX #29 word segments that hold a letter or digit, lower-cased, with
/// apostrophes normalised; `a-b` (no space around the hyphen) is one word.
fn word_tokens(text: &str, out: &mut TokenSink) {
    let mut word = String::new();
    // The previous segment was a hyphen right after a word, so a word now continues it.
    let mut joining = false;
    for segment in text.split_word_bounds() {
        if segment.chars().any(char::is_alphanumeric) {
            if !joining && !word.is_empty() {
                out.push(&word);
                word.clear();
            } else if joining {
                word.push('-');
            }
            word.extend(segment.chars().flat_map(char::to_lowercase).map(|c| if is_apostrophe(c) { '\'' } else { c }));
            joining = false;
        } else if is_hyphen(segment) && !word.is_empty() && !joining {
            joining = true;
        } else {
            if !word.is_empty() {
                out.push(&word);
                word.clear();
            }
            joining = false;
        }
    }
    if !word.is_empty() {
        out.push(&word);
    }
}

/// The conversation's speaker labels (`Alice:` and `alice :` for a speaker `Alice`), so the
/// clean tokenizer never makes them concepts: label artefacts inside an exchange (a turn the
/// detector joined, a quoted exchange) are removed before tokenizing. Found from each colon
/// backwards, by a set lookup, so the cost does not grow with the number of speakers.
#[derive(Debug, Default)]
pub struct SpeakerLabels {
    /// Lower-cased names.
    names: rustc_hash::FxHashSet<String>,
    /// The longest name, in bytes (how far back from a colon a label can start).
    longest: usize,
    /// The most words in a name (how many word starts back from a colon are tried).
    most_words: usize,
}

/// Names longer than this (bytes or words) are no labels: they bound the work per colon.
const MAX_LABEL_BYTES: usize = 256;
const MAX_LABEL_WORDS: usize = 8;

impl SpeakerLabels {
    /// Labels of `speakers` (names as detected).
    pub fn new<'a>(speakers: impl IntoIterator<Item = &'a str>) -> Self {
        let names: rustc_hash::FxHashSet<String> = speakers
            .into_iter()
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.len() <= MAX_LABEL_BYTES)
            .filter(|n| n.split_whitespace().count() <= MAX_LABEL_WORDS)
            .map(str::to_lowercase)
            .collect();
        let longest = names.iter().map(String::len).max().unwrap_or(0);
        let most_words = names.iter().map(|n| n.split_whitespace().count()).max().unwrap_or(0);
        Self { names, longest, most_words }
    }

    /// `text` without the labels (each replaced by a space). A label is a speaker's name at the
    /// start of the text or after whitespace, then optional whitespace and `:`; the longest name
    /// wins (`Ann Lee:` over `Lee:`).
    pub fn strip<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if self.names.is_empty() || !text.contains(':') {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        for (colon, _) in text.match_indices(':') {
            let before = text[..colon].trim_end();
            let floor = before.len().saturating_sub(self.longest);
            let found = before
                .char_indices()
                .rev()
                .take_while(|&(i, _)| i >= floor)
                .map(|(i, _)| i)
                .filter(|&i| before[..i].chars().next_back().is_none_or(char::is_whitespace))
                .take(self.most_words)
                .filter(|&i| self.names.contains(&before[i..].to_lowercase()))
                .last();
            if let Some(start) = found
                && cuts.last().is_none_or(|&(_, end)| start >= end)
            {
                cuts.push((start, colon + 1));
            }
        }
        if cuts.is_empty() {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in cuts {
            out.push_str(&text[at..start]);
            out.push(' ');
            at = end;
        }
        out.push_str(&text[at..]);
        std::borrow::Cow::Owned(out)
    }
}

/// Tokenize `text` with `tokenizer` into a new vector.
pub fn tokenize(tokenizer: Tokenizer, text: &str) -> Vec<String> {
    let mut sink = TokenSink::default();
    tokenize_into(tokenizer, text, &mut sink);
    sink.iter().map(str::to_owned).collect()
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
        out.push_lower_split(text, is_py_space);
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
        assert_eq!(tokenize(Tokenizer::Reference, "The Hood, it."), ["the", "hood,", "it."]);
        // ASCII and non-ASCII paths split on the same (CPython) whitespace.
        assert_eq!(tokenize(Tokenizer::Reference, " a\x1fB\x0bc "), ["a", "b", "c"]);
        assert_eq!(tokenize(Tokenizer::Reference, " é\x1fB\u{a0}c\u{2003}d"), ["é", "b", "c", "d"]);
    }

    #[test]
    fn reference_cjk_units_and_characters() {
        // `我们` is lost to `我` first (reference quirk); `很` is protected; `，` is dropped.
        let tokens = tokenize(Tokenizer::Reference, "我们很好，OK");
        assert_eq!(tokens, ["我", "们", "很", "好", "o", "k"]);
    }

    #[test]
    fn reference_devanagari_is_split_but_lowercase_applies() {
        let tokens = tokenize(Tokenizer::Reference, "नम A");
        assert_eq!(tokens, ["न", "म", "a"]);
    }

    #[test]
    fn windowed_reference_replaces_punctuation_keeps_apostrophes() {
        let tokens = tokenize(Tokenizer::ReferenceWindowed, "Don't stop, Hood!—the end.");
        assert_eq!(tokens, ["don't", "stop", "hood", "the", "end"]);
    }

    #[test]
    fn words_strip_punctuation_keep_apostrophes() {
        let tokens = tokenize(Tokenizer::Words, "Don't stop, Hood! \"The\" end.");
        assert_eq!(tokens, ["don't", "stop", "hood", "the", "end"]);
    }

    #[test]
    fn words_keep_contractions_whole_with_any_apostrophe() {
        let tokens =
            tokenize(Tokenizer::Words, "We’re here; we're HERE. Don’t, isnʼt, rock 'n' roll, the students' 'quote'");
        assert_eq!(
            tokens,
            ["we're", "here", "we're", "here", "don't", "isn't", "rock", "n", "roll", "the", "students", "quote"]
        );
    }

    #[test]
    fn words_keep_hyphenated_words_whole() {
        let tokens = tokenize(Tokenizer::Words, "A well-known, self‐made man — mid- and long-term: x--y, -z, q-");
        assert_eq!(tokens, ["a", "well-known", "self-made", "man", "mid", "and", "long-term", "x", "y", "z", "q"]);
    }

    #[test]
    fn words_never_make_punctuation_a_concept() {
        let tokens = tokenize(Tokenizer::Words, "country. country, countries; that, that. that: — … -- ?! « »  “ ” :");
        assert_eq!(tokens, ["country", "country", "countries", "that", "that", "that"]);
        // Numbers are words; a decimal or grouped number stays whole.
        assert_eq!(tokenize(Tokenizer::Words, "In 1984, 3.5 or 1,000."), ["in", "1984", "3.5", "or", "1,000"]);
    }

    #[test]
    fn words_segment_cjk_by_character_and_keep_hangul_words() {
        // Ideographs one per token (both engines use this rule); CJK punctuation dropped.
        assert_eq!(tokenize(Tokenizer::Words, "我们很好，蓝天。"), ["我", "们", "很", "好", "蓝", "天"]);
        assert_eq!(tokenize(Tokenizer::Words, "안녕하세요 세계!"), ["안녕하세요", "세계"]);
        assert_eq!(tokenize(Tokenizer::Words, "カタカナ と ひら"), ["カタカナ", "と", "ひ", "ら"]);
        // The clean tokenizer lower-cases every script that has case; the reference did not.
        assert_eq!(tokenize(Tokenizer::Words, "ÉCOLE Straße"), ["école", "straße"]);
    }

    #[test]
    fn speaker_labels_are_stripped_before_tokenizing() {
        let labels = SpeakerLabels::new(["Feynman", "Ann Lee", "Q"]);
        let text = "Yes. FEYNMAN: I think so.\nAnn Lee : right, Q: why? feynman said: no";
        let stripped = labels.strip(text);
        assert_eq!(
            tokenize(Tokenizer::Words, &stripped),
            ["yes", "i", "think", "so", "right", "why", "feynman", "said", "no"]
        );
        assert_eq!(SpeakerLabels::new([]).strip("A: b"), "A: b");
        // A name is a literal, matched whole: not inside a word, not a name's tail.
        assert_eq!(SpeakerLabels::new(["a.b"]).strip("axb: c a.b: d"), "axb: c   d");
        assert_eq!(SpeakerLabels::new(["Lee"]).strip("Ann Lee: x; Kalee: y"), "Ann   x; Kalee: y");
        assert_eq!(SpeakerLabels::new(["Ann Lee", "Lee"]).strip("Ann Lee: x"), "  x");
        // Many speakers cost no more per colon.
        let many: Vec<String> = (0..100_000).map(|k| format!("Sp{k}")).collect();
        let labels = SpeakerLabels::new(many.iter().map(String::as_str));
        assert_eq!(labels.strip("Sp99999: hi sp5 : there"), "  hi   there");
    }
}
