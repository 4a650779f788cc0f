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
    /// The bundled list of the conversation's language, guessed from its text
    /// ([`guess_language`]); a run records the list it became.
    Auto,
    /// Another list with words added and removed by the user (kept in the order given).
    Edited {
        /// The list edited.
        base: Box<KillSource>,
        /// Words added (lower case).
        added: Vec<String>,
        /// Words taken out (lower case).
        removed: Vec<String>,
    },
}

impl Default for KillSource {
    fn default() -> Self {
        Self::Bundled(Language::En)
    }
}

/// Pieces of a text read to guess its language (enough for a stable guess, bounded work).
const GUESS_TOKENS: usize = 20_000;

/// The bundled language `text` is most likely in: by script for Hangul, kana and Han, Tamil
/// and Devanagari; else the list whose words cover most of its first 20,000 whitespace
/// pieces (English on a tie or when nothing matches).
pub fn guess_language(text: &str) -> Language {
    let (mut han, mut kana, mut hangul, mut deva, mut tamil, mut latin) = (0usize, 0, 0, 0, 0, 0);
    for c in text.chars().take(GUESS_TOKENS * 8) {
        match c {
            '\u{3040}'..='\u{30FF}' => kana += 1,
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => han += 1,
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' => hangul += 1,
            '\u{0900}'..='\u{097F}' => deva += 1,
            '\u{0B80}'..='\u{0BFF}' => tamil += 1,
            c if c.is_alphabetic() => latin += 1,
            _ => {}
        }
    }
    let most = *[han + kana, hangul, deva, tamil, latin].iter().max().unwrap_or(&0);
    if most > 0 && most != latin {
        return if most == hangul {
            Language::Ko
        } else if most == deva {
            Language::Hi
        } else if most == tamil {
            Language::Ta
        } else if kana * 10 >= han + kana {
            // Japanese mixes kana into Han text; Chinese has none.
            Language::Ja
        } else {
            Language::Zh
        };
    }
    let pieces: Vec<String> = text
        .split_whitespace()
        .take(GUESS_TOKENS)
        .map(|p| NON_WORD.replace_all(&p.to_lowercase(), "").into_owned())
        .collect();
    let latin_langs = [Language::En, Language::De, Language::Es, Language::Fr, Language::It, Language::Is];
    let mut best = (Language::En, 0usize);
    for lang in latin_langs {
        let list = KillList::of_language(lang);
        let hits = pieces.iter().filter(|p| list.contains(p)).count();
        if hits > best.1 {
            best = (lang, hits);
        }
    }
    best.0
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
            Self::Edited { base, .. } => base.file(),
            Self::None | Self::Bundled(_) | Self::Custom(_) | Self::Auto => None,
        }
    }

    /// This source for a conversation with `text`: `Auto` becomes the bundled list of its
    /// language (also inside an edited list); other sources stay as they are.
    pub fn for_text(&self, text: &str) -> Self {
        match self {
            Self::Auto => Self::Bundled(guess_language(text)),
            Self::Edited { base, added, removed } => {
                Self::Edited { base: Box::new(base.for_text(text)), added: added.clone(), removed: removed.clone() }
            }
            other => other.clone(),
        }
    }

    /// The list edited, if this is an edited list; else this list.
    pub fn base(&self) -> &Self {
        match self {
            Self::Edited { base, .. } => base,
            other => other,
        }
    }

    /// This list's base with `added` and `removed` (an empty edit is the base itself).
    pub fn edited(&self, added: Vec<String>, removed: Vec<String>) -> Self {
        let base = self.base().clone();
        if added.is_empty() && removed.is_empty() {
            base
        } else {
            Self::Edited { base: Box::new(base), added, removed }
        }
    }

    /// Words added and removed by edits (empty for an unedited list).
    pub fn edits(&self) -> (&[String], &[String]) {
        match self {
            Self::Edited { added, removed, .. } => (added, removed),
            _ => (&[], &[]),
        }
    }

    /// A short description for reports and the UI (`File` gives the path).
    pub fn describe(&self) -> String {
        match self {
            Self::ReferenceDefault => "KILL.txt if present, else the bundled English list".to_owned(),
            Self::None => "none".to_owned(),
            Self::Bundled(lang) => format!("{} (bundled '{}' list)", lang.name(), lang.code()),
            Self::File(path) => path.display().to_string(),
            Self::Custom(text) => format!("custom ({} words)", KillList::parse(text).len()),
            Self::Auto => "the conversation's language (bundled list, chosen automatically)".to_owned(),
            Self::Edited { base, added, removed } => {
                format!("{} + {} added, − {} removed", base.describe(), added.len(), removed.len())
            }
        }
    }

    /// A short name for the UI: the language's name, the file's name, "none", "custom".
    pub fn short_name(&self) -> String {
        match self {
            Self::ReferenceDefault => "KILL.txt or English".to_owned(),
            Self::None => "none".to_owned(),
            Self::Bundled(lang) => lang.name().to_owned(),
            Self::File(path) => {
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
            }
            Self::Custom(_) => "custom".to_owned(),
            Self::Auto => "automatic (by language)".to_owned(),
            Self::Edited { base, added, removed } => {
                format!("{} +{} −{}", base.short_name(), added.len(), removed.len())
            }
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

    /// Whether the clean word `token` is a kill word: an exact match, or a match without its
    /// apostrophes and hyphens, as the reference format stores words (`IT'S` → `its`), so
    /// `it's` and `don't` are killed by lists that hold them.
    pub fn contains_word(&self, token: &str) -> bool {
        self.words.contains(token)
            || (token.contains(['\'', '-']) && self.words.contains(&token.replace(['\'', '-'], "")))
    }

    /// This list with `added` words (in the reference format's rule: lower-cased, non-word
    /// characters removed) and without `removed` ones.
    pub fn with_edits(mut self, added: &[String], removed: &[String]) -> Self {
        let clean = |w: &String| NON_WORD.replace_all(&w.to_lowercase(), "").into_owned();
        for w in added.iter().map(clean).filter(|w| !w.is_empty()) {
            self.words.insert(w);
        }
        for w in removed.iter().map(clean) {
            self.words.remove(&w);
        }
        self
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

    #[test]
    fn edits_add_to_and_remove_from_the_chosen_list() {
        let base = KillSource::Bundled(Language::En);
        let edited = base.edited(vec!["Umm".to_owned()], vec!["the".to_owned()]);
        assert_eq!(edited.base(), &base);
        assert_eq!(edited.edits().0, ["Umm"]);
        assert_eq!(edited.short_name(), "English +1 −1");
        assert!(edited.describe().starts_with("English (bundled 'en' list) + 1 added"));
        let (added, removed) = edited.edits();
        let list = KillList::of_language(Language::En).with_edits(added, removed);
        let english = KillList::of_language(Language::En);
        assert_eq!(list.len(), english.len(), "one in, one out");
        assert!(list.contains("umm") && !list.contains("the") && list.contains("and"));
        // An empty edit is the list itself; editing an edited list edits its base.
        assert_eq!(edited.edited(vec![], vec![]), base);
        assert_eq!(edited.edited(vec!["x".to_owned()], vec![]).base(), &base);
    }

    #[test]
    fn clean_words_match_the_reference_format() {
        let list = KillList::parse("IT'S\nDon't\n");
        assert!(list.contains_word("it's") && list.contains_word("don't") && list.contains_word("its"));
        assert!(!list.contains("it's"), "the reference matches raw tokens only");
        assert!(!list.contains_word("it"));
    }

    #[test]
    fn the_language_is_guessed_from_the_text() {
        assert_eq!(guess_language("The cat and the dog were in the house, and it was good."), Language::En);
        assert_eq!(guess_language("Der Hund und die Katze sind nicht in dem Haus, und das ist gut."), Language::De);
        assert_eq!(guess_language("El perro y el gato no están en la casa, y eso es bueno."), Language::Es);
        assert_eq!(guess_language("Le chien et le chat ne sont pas dans la maison, et c'est bien."), Language::Fr);
        assert_eq!(guess_language("天空是蓝色的。我们很好。"), Language::Zh);
        assert_eq!(guess_language("空は青いです。わたしはげんきです。"), Language::Ja);
        assert_eq!(guess_language("하늘은 파랗습니다"), Language::Ko);
        assert_eq!(guess_language(""), Language::En);
        assert_eq!(KillSource::Auto.for_text("天空是蓝色的"), KillSource::Bundled(Language::Zh));
        let edited = KillSource::Auto.edited(vec!["x".to_owned()], vec![]);
        assert_eq!(edited.for_text("天空").base(), &KillSource::Bundled(Language::Zh));
    }
}
