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

/// Languages with a bundled list in `assets/kill/`.
pub const BUNDLED_LANGUAGES: [(&str, &str); 11] = [
    ("en", include_str!("../../assets/kill/en.txt")),
    ("de", include_str!("../../assets/kill/de.txt")),
    ("es", include_str!("../../assets/kill/es.txt")),
    ("fr", include_str!("../../assets/kill/fr.txt")),
    ("it", include_str!("../../assets/kill/it.txt")),
    ("is", include_str!("../../assets/kill/is.txt")),
    ("hi", include_str!("../../assets/kill/hi.txt")),
    ("ta", include_str!("../../assets/kill/ta.txt")),
    ("zh", include_str!("../../assets/kill/zh.txt")),
    ("ja", include_str!("../../assets/kill/ja.txt")),
    ("ko", include_str!("../../assets/kill/ko.txt")),
];

/// A set of kill words.
#[derive(Clone, Debug, Default)]
pub struct KillList {
    words: HashSet<String>,
}

/// Reading a user kill list failed.
#[derive(Debug, thiserror::Error)]
pub enum KillListError {
    /// The file could not be read.
    #[error("cannot read kill list: {source}: {}", path.display())]
    Io {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// No bundled list for that language.
    #[error("no bundled kill list for language '{0}' (available: en de es fr it is hi ta zh ja ko)")]
    UnknownLanguage(String),
}

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
    pub fn bundled(lang: &str) -> Result<Self, KillListError> {
        BUNDLED_LANGUAGES
            .iter()
            .find(|(code, _)| *code == lang)
            .map(|(_, text)| Self::parse(text))
            .ok_or_else(|| KillListError::UnknownLanguage(lang.to_owned()))
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
        for (code, _) in BUNDLED_LANGUAGES {
            let list = KillList::bundled(code).unwrap();
            assert!(list.len() >= 20, "{code} has {} words", list.len());
        }
        assert!(KillList::bundled("xx").is_err());
    }
}
