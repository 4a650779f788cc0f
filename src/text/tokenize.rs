//! Tokenizers (the rules of `model::options::Tokenizer`): `reference` (the golden engine's
//! whitespace split with its CJK rules, §1.3), `reference_windowed` (the windowed engine's rule:
//! non-word characters become spaces) and `words` (Unicode word segmentation, lower-cased,
//! punctuation stripped).

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
        Tokenizer::Words => {
            for word in text.unicode_words() {
                sink.push(&word.to_lowercase());
            }
        }
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
}
