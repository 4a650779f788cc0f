//! Figures the panels derive from a worker frame: computed on first use and kept until the
//! next frame arrives (or the query they answer changes), never recomputed per UI frame.

use crate::analysis::stats::{self, Association, NetworkStats, Shared};
use crate::run::worker::{Frame, LoadSummary};

/// What the inspector shows for one concept.
#[derive(Clone, Debug, Default)]
pub struct Inspected {
    /// The concept (lower case).
    pub word: String,
    /// Its neuron, when it is one now.
    pub id: Option<u32>,
    /// Outgoing associations, strongest first.
    pub outgoing: Vec<Association>,
    /// Incoming associations, strongest first.
    pub incoming: Vec<Association>,
    /// Its first 50 occurrences in context.
    pub contexts: Vec<Kwic>,
}

/// One occurrence in context: the exchange, its speaker, and up to 50 characters either side
/// of the keyword (line breaks as spaces).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kwic {
    /// Exchange index.
    pub exchange: usize,
    /// Its speaker.
    pub speaker: String,
    /// Text before the keyword, the keyword as written, text after it.
    pub left: String,
    /// See `left`.
    pub keyword: String,
    /// See `left`.
    pub right: String,
}

/// The occurrence of `word` at byte `at` of `text` lower-cased, in context. Where lower-casing
/// changed the text's length (a few scripts), the lower-cased text is shown so the offset
/// stays exact.
fn kwic(exchange: usize, speaker: &str, text: &str, at: usize, word: &str) -> Kwic {
    let lower = text.to_lowercase();
    let same = lower.len() == text.len() && text.is_char_boundary(at) && text.is_char_boundary(at + word.len());
    let shown = if same { text } else { lower.as_str() };
    let end = (at + word.len()).min(shown.len());
    let from = shown[..at].char_indices().rev().nth(50).map_or(0, |(i, _)| i);
    let to = shown[end..].char_indices().nth(50).map_or(shown.len(), |(i, _)| end + i);
    let flat = |s: &str| s.replace(['\n', '\r'], " ");
    Kwic {
        exchange,
        speaker: speaker.to_owned(),
        left: flat(&shown[from..at]),
        keyword: flat(&shown[at..end]),
        right: flat(&shown[end..to]),
    }
}

/// Results derived from one frame (cleared when the next arrives).
#[derive(Clone, Debug, Default)]
pub struct Derived {
    stats: Option<NetworkStats>,
    flow: Option<Option<f64>>,
    speaker_concepts: Option<Vec<Vec<(String, usize)>>>,
    inspected: Option<Inspected>,
    links: Option<(String, Vec<(usize, f64)>)>,
    masses: Option<Vec<f64>>,
    shared: Option<(String, Vec<Shared>)>,
}

impl Derived {
    /// Network totals, strongest connections, asymmetry.
    pub fn stats(&mut self, frame: &Frame) -> &NetworkStats {
        self.stats.get_or_insert_with(|| stats::network_stats(&frame.network))
    }

    /// Flow efficiency over the map's concepts.
    pub fn flow(&mut self, frame: &Frame) -> Option<f64> {
        *self.flow.get_or_insert_with(|| stats::flow_efficiency(&frame.network, &frame.map.ids))
    }

    /// Per speaker, the concepts used most.
    pub fn speaker_concepts(&mut self, frame: &Frame, summary: &LoadSummary) -> &[Vec<(String, usize)>] {
        self.speaker_concepts
            .get_or_insert_with(|| stats::speaker_concepts(&frame.network, &summary.speaker_tokens, 12))
    }

    /// Associations and occurrences of `word` (lower case).
    pub fn inspected(&mut self, frame: &Frame, summary: Option<&LoadSummary>, word: &str) -> &Inspected {
        if self.inspected.as_ref().is_none_or(|i| i.word != word) {
            let net = &frame.network;
            let id = net.word_index().get(word).copied();
            let (outgoing, incoming) = id.map(|id| stats::associations(net, id)).unwrap_or_default();
            let contexts = summary.map_or_else(Vec::new, |s| {
                let found = stats::occurrences(&s.exchange_text, word, 50);
                found
                    .into_iter()
                    .map(|(k, at)| kwic(k, &s.exchange_text[k].0, &s.exchange_text[k].1, at, word))
                    .collect()
            });
            self.inspected = Some(Inspected { word: word.to_owned(), id, outgoing, incoming, contexts });
        }
        self.inspected.get_or_insert_with(Inspected::default)
    }

    /// The map concept `selected`'s connections to other map concepts, as (map index of the
    /// other end, strength), strongest first.
    pub fn links(&mut self, frame: &Frame, selected: &str) -> &[(usize, f64)] {
        if self.links.as_ref().is_none_or(|(label, _)| label != selected) {
            let map = &frame.map;
            let mut links = Vec::new();
            if let Some(id) = map.labels.iter().position(|l| l == selected).map(|sel| map.ids[sel]) {
                let index: rustc_hash::FxHashMap<u32, usize> =
                    map.ids.iter().enumerate().map(|(j, &n)| (n, j)).collect();
                for c in &frame.network.connections {
                    let other = match (c.from == id, c.to == id) {
                        (true, _) => c.to,
                        (_, true) => c.from,
                        _ => continue,
                    };
                    if let Some(&j) = index.get(&other) {
                        links.push((j, c.strength));
                    }
                }
                links.sort_by(|a, b| b.1.total_cmp(&a.1));
            }
            self.links = Some((selected.to_owned(), links));
        }
        self.links.as_ref().map_or(&[], |(_, l)| l.as_slice())
    }

    /// Concept mass of every neuron.
    pub fn masses(&mut self, frame: &Frame) -> &[f64] {
        self.masses.get_or_insert_with(|| crate::analysis::mass::concept_masses(&frame.network))
    }

    /// Associations the comma-separated `query` concepts share (strength ≥ 0.05).
    pub fn shared(&mut self, frame: &Frame, query: &str) -> &[Shared] {
        if self.shared.as_ref().is_none_or(|(q, _)| q != query) {
            let concepts: Vec<String> = split_query(query);
            let rows = stats::shared_associations(&frame.network, &concepts, 0.05);
            self.shared = Some((query.to_owned(), rows));
        }
        self.shared.as_ref().map_or(&[], |(_, r)| r.as_slice())
    }
}

/// The lower-cased, trimmed, non-empty items of a comma-separated query.
pub fn split_query(query: &str) -> Vec<String> {
    query.split(',').map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn kwic_cuts_context_around_the_keyword() {
        let k = super::kwic(3, "Ana", "Der Himmel\nist BLAU heute", 15, "blau");
        assert_eq!((k.left.as_str(), k.keyword.as_str(), k.right.as_str()), ("Der Himmel ist ", "BLAU", " heute"));
        // Lower-casing that changes the length shows the lower-cased text.
        let k = super::kwic(0, "X", "İ blau", 4, "blau");
        assert_eq!((k.left.as_str(), k.keyword.as_str()), ("i̇ ", "blau"));
    }
}
