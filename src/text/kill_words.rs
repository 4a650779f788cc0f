//! Kill-word (stop-word) lists: the reference's file format and the bundled per-language lists.
//!
//! Format (HUEY_REFERENCE.md §1.3): each line is lower-cased and split on whitespace; every
//! non-word character is removed from each piece (`IT'S` → `its`); non-empty pieces are kill
//! words. Lines starting with `#` or `===` (the later reference kill-file headers) are skipped.

use rustc_hash::FxHashSet as HashSet;
use std::path::PathBuf;
use std::sync::LazyLock;

use regex::Regex;

use super::pystr::py_split;

/// A language with a bundled kill list in `assets/kill/` (our own lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// German.
    De,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// Italian.
    It,
    /// Icelandic.
    Is,
    /// Hindi.
    Hi,
    /// Tamil.
    Ta,
    /// Chinese.
    Zh,
    /// Japanese.
    Ja,
    /// Korean.
    Ko,
}

impl Language {
    /// Every language with a bundled list.
    pub const ALL: [Self; 11] =
        [Self::En, Self::De, Self::Es, Self::Fr, Self::It, Self::Is, Self::Hi, Self::Ta, Self::Zh, Self::Ja, Self::Ko];

    /// ISO 639-1 code (`--kill-lang`).
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Es => "es",
            Self::Fr => "fr",
            Self::It => "it",
            Self::Is => "is",
            Self::Hi => "hi",
            Self::Ta => "ta",
            Self::Zh => "zh",
            Self::Ja => "ja",
            Self::Ko => "ko",
        }
    }

    /// English name of the language.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::De => "German",
            Self::Es => "Spanish",
            Self::Fr => "French",
            Self::It => "Italian",
            Self::Is => "Icelandic",
            Self::Hi => "Hindi",
            Self::Ta => "Tamil",
            Self::Zh => "Chinese",
            Self::Ja => "Japanese",
            Self::Ko => "Korean",
        }
    }

    /// The language of `code`.
    pub fn from_code(code: &str) -> Result<Self, UnknownLanguage> {
        Self::ALL.into_iter().find(|l| l.code() == code).ok_or_else(|| UnknownLanguage(code.to_owned()))
    }

    /// The bundled list's text.
    fn text(self) -> &'static str {
        match self {
            Self::En => include_str!("../../assets/kill/en.txt"),
            Self::De => include_str!("../../assets/kill/de.txt"),
            Self::Es => include_str!("../../assets/kill/es.txt"),
            Self::Fr => include_str!("../../assets/kill/fr.txt"),
            Self::It => include_str!("../../assets/kill/it.txt"),
            Self::Is => include_str!("../../assets/kill/is.txt"),
            Self::Hi => include_str!("../../assets/kill/hi.txt"),
            Self::Ta => include_str!("../../assets/kill/ta.txt"),
            Self::Zh => include_str!("../../assets/kill/zh.txt"),
            Self::Ja => include_str!("../../assets/kill/ja.txt"),
            Self::Ko => include_str!("../../assets/kill/ko.txt"),
        }
    }
}

/// Where the kill words come from; `io::kill_list::load` turns it into a [`KillList`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KillSource {
    /// As the reference does: `./KILL.txt` when the working directory has one, else the
    /// bundled English list (the command line's default).
    ReferenceDefault,
    /// No kill words.
    None,
    /// A bundled list.
    Bundled(Language),
    /// A file in the reference format.
    File(PathBuf),
    /// Words edited by the user, in the reference format (one or more per line).
    Custom(String),
}

impl Default for KillSource {
    fn default() -> Self {
        Self::Bundled(Language::En)
    }
}

/// The file the reference loads from the working directory (`KillSource::ReferenceDefault`).
pub const REFERENCE_KILL_FILE: &str = "KILL.txt";

impl KillSource {
    /// The file this source reads, if any (`./KILL.txt` for the reference default, whether or
    /// not it exists yet): outputs must never be written over it.
    pub fn file(&self) -> Option<std::path::PathBuf> {
        match self {
            Self::File(path) => Some(path.clone()),
            Self::ReferenceDefault => Some(PathBuf::from(REFERENCE_KILL_FILE)),
            Self::None | Self::Bundled(_) | Self::Custom(_) => None,
        }
    }

    /// A short description for reports and the UI (`File` gives the path).
    pub fn describe(&self) -> String {
        match self {
            Self::ReferenceDefault => "KILL.txt if present, else the bundled English list".to_owned(),
            Self::None => "none".to_owned(),
            Self::Bundled(lang) => format!("bundled '{}' list", lang.code()),
            Self::File(path) => path.display().to_string(),
            Self::Custom(text) => format!("custom ({} words)", KillList::parse(text).len()),
        }
    }
}

/// A set of kill words.
#[derive(Clone, Debug, Default)]
pub struct KillList {
    words: HashSet<String>,
}

/// No bundled kill list for a language code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no bundled kill list for language '{0}' (available: en de es fr it is hi ta zh ja ko)")]
pub struct UnknownLanguage(pub String);

static NON_WORD: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::expect_used, reason = "constant pattern")]
    Regex::new(r"[^\w]").expect("valid regex")
});

impl KillList {
    /// An empty list.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parse the reference format.
    pub fn parse(text: &str) -> Self {
        let mut words = HashSet::default();
        for line in text.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with('#') || trimmed.starts_with("===") {
                continue;
            }
            for piece in py_split(&line.to_lowercase()) {
                let word = NON_WORD.replace_all(piece, "");
                if !word.is_empty() {
                    words.insert(word.into_owned());
                }
            }
        }
        Self { words }
    }

    /// A bundled list by language code.
    pub fn bundled(code: &str) -> Result<Self, UnknownLanguage> {
        Ok(Self::of_language(Language::from_code(code)?))
    }

    /// The bundled list of `lang`.
    pub fn of_language(lang: Language) -> Self {
        Self::parse(lang.text())
    }

    /// Whether `token` is a kill word (exact match).
    pub fn contains(&self, token: &str) -> bool {
        self.words.contains(token)
    }

    /// Number of kill words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// A fingerprint of the words (their sorted list), the same for the same list wherever
    /// it was read from.
    pub fn fingerprint(&self) -> u64 {
        let words = self.sorted_words();
        crate::model::fingerprint::fnv1a(words.iter().flat_map(|w| w.bytes().chain([b'\n'])))
    }

    /// The words, sorted (for display and editing).
    pub fn sorted_words(&self) -> Vec<&str> {
        let mut words: Vec<&str> = self.words.iter().map(String::as_str).collect();
        words.sort_unstable();
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_format_rules() {
        let list = KillList::parse("THE\nIT'S\nDon\n# comment\n=== X Kill File ===\nA B\n");
        assert_eq!(list.sorted_words(), ["a", "b", "don", "its", "the"]);
        assert!(!list.contains("the,"));
    }

    #[test]
    fn every_bundled_list_parses_non_empty() {
        for lang in Language::ALL {
            let code = lang.code();
            let list = KillList::bundled(code).unwrap();
            assert!(list.len() >= 20, "{code} has {} words", list.len());
        }
        assert!(KillList::bundled("xx").is_err());
    }
}
