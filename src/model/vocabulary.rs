//! Word ↔ neuron-id interning with a capacity cap.

use rustc_hash::FxHashMap;

use crate::model::network::NeuronId;

/// Dense ids in order of first appearance, up to `capacity` words.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    ids: FxHashMap<String, NeuronId>,
    words: Vec<String>,
    capacity: usize,
}

impl Vocabulary {
    /// An empty vocabulary that accepts at most `capacity` words.
    pub fn with_capacity(capacity: usize) -> Self {
        Self { ids: FxHashMap::default(), words: Vec::new(), capacity }
    }

    /// Id of `word`, creating it while below capacity; `None` when full and unknown.
    pub fn intern(&mut self, word: &str) -> Option<NeuronId> {
        if let Some(&id) = self.ids.get(word) {
            return Some(id);
        }
        if self.words.len() >= self.capacity {
            return None;
        }
        let id = NeuronId::try_from(self.words.len()).ok()?;
        self.ids.insert(word.to_owned(), id);
        self.words.push(word.to_owned());
        Some(id)
    }

    /// Intern `words` in order until the vocabulary is full (a benchmark's warm start).
    pub fn intern_until_full<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        for w in words {
            if self.intern(w).is_none() {
                break;
            }
        }
    }

    /// Id of a known word.
    pub fn get(&self, word: &str) -> Option<NeuronId> {
        self.ids.get(word).copied()
    }

    /// Words by id.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word has been seen.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}
