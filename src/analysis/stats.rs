//! Network statistics and multi-concept queries (the original's Stats and Concepts tabs, read
//! from the live network): totals, strongest connections, flow asymmetry, and the associations
//! several concepts share.

use std::collections::HashMap;

use crate::model::network::{Network, NeuronId};
use crate::model::tokens::TokenStream;

/// Whole-network figures.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkStats {
    /// Live neurons.
    pub neurons: usize,
    /// Live connections.
    pub connections: usize,
    /// Σ s.
    pub total_strength: f64,
    /// Σ m.
    pub total_mass: f64,
    /// Strongest connections as (from, to, s, m), strongest first (at most 20).
    pub strongest: Vec<(String, String, f64, f64)>,
    /// Σ|s_ij − s_ji| / Σ(s_ij + s_ji) over neuron pairs (0: symmetric, 1: one-way only).
    pub asymmetry: f64,
    /// Pairs with |s_ij − s_ji| > 0.1.
    pub strong_asymmetric_pairs: usize,
}

/// Figures of `net` (self-connections count in totals, not in asymmetry).
pub fn network_stats(net: &Network) -> NetworkStats {
    let mut pairs: HashMap<(NeuronId, NeuronId), (f64, f64)> = HashMap::new();
    for c in net.connections.iter().filter(|c| c.from != c.to) {
        let (key, forward) = if c.from < c.to { ((c.from, c.to), true) } else { ((c.to, c.from), false) };
        let e = pairs.entry(key).or_default();
        if forward {
            e.0 += c.strength;
        } else {
            e.1 += c.strength;
        }
    }
    let (diff, sum) = pairs.values().fold((0.0, 0.0), |(d, s), (a, b)| (d + (a - b).abs(), s + a + b));
    let mut strongest: Vec<(String, String, f64, f64)> = net
        .connections
        .iter()
        .map(|c| (net.words[c.from as usize].clone(), net.words[c.to as usize].clone(), c.strength, c.mass))
        .collect();
    strongest.sort_by(|a, b| b.2.total_cmp(&a.2));
    strongest.truncate(20);
    NetworkStats {
        neurons: net.n_neurons(),
        connections: net.connections.len(),
        total_strength: net.sum_strength(),
        total_mass: net.sum_mass(),
        strongest,
        asymmetry: if sum > 0.0 { diff / sum } else { 0.0 },
        strong_asymmetric_pairs: pairs.values().filter(|(a, b)| (a - b).abs() > 0.1).count(),
    }
}

/// One associate shared by several query concepts.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The associated concept.
    pub concept: String,
    /// Its mean strength (both directions) over the query concepts it is linked to.
    pub mean_strength: f64,
    /// With how many of the query concepts it is linked.
    pub shared: usize,
    /// Which ones.
    pub with: Vec<String>,
}

/// Associates of the `concepts` (words of the network), most shared first, then strongest;
/// links with s ≤ `min_strength` are ignored (the original used 0.05).
pub fn shared_associations(net: &Network, concepts: &[String], min_strength: f64) -> Vec<Shared> {
    let index = net.word_index();
    let ids: Vec<(NeuronId, &String)> =
        concepts.iter().filter_map(|c| index.get(c.as_str()).map(|&id| (id, c))).collect();
    let mut by_associate: HashMap<NeuronId, Vec<(usize, f64)>> = HashMap::new();
    for c in net.connections.iter().filter(|c| c.strength > min_strength) {
        for (q, (id, _)) in ids.iter().enumerate() {
            let other = if c.from == *id {
                c.to
            } else if c.to == *id {
                c.from
            } else {
                continue;
            };
            if ids.iter().any(|(i, _)| *i == other) {
                continue;
            }
            by_associate.entry(other).or_default().push((q, c.strength));
        }
    }
    let mut out: Vec<Shared> = by_associate
        .into_iter()
        .map(|(other, links)| {
            let mut with: Vec<usize> = links.iter().map(|l| l.0).collect();
            with.sort_unstable();
            with.dedup();
            Shared {
                concept: net.words[other as usize].clone(),
                mean_strength: links.iter().map(|l| l.1).sum::<f64>() / links.len() as f64,
                shared: with.len(),
                with: with.iter().map(|&q| ids[q].1.clone()).collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.shared.cmp(&a.shared).then(b.mean_strength.total_cmp(&a.mean_strength)).then(a.concept.cmp(&b.concept))
    });
    out
}

/// (concept, strength, mass).
pub type Association = (String, f64, f64);

/// Outgoing and incoming associations of neuron `id`, strongest first (self-loops left out).
pub fn associations(net: &Network, id: NeuronId) -> (Vec<Association>, Vec<Association>) {
    let mut outgoing: Vec<Association> = net
        .connections
        .iter()
        .filter(|c| c.from == id && c.to != id)
        .map(|c| (net.words[c.to as usize].clone(), c.strength, c.mass))
        .collect();
    let mut incoming: Vec<Association> = net
        .connections
        .iter()
        .filter(|c| c.to == id && c.from != id)
        .map(|c| (net.words[c.from as usize].clone(), c.strength, c.mass))
        .collect();
    outgoing.sort_by(|a, b| b.1.total_cmp(&a.1));
    incoming.sort_by(|a, b| b.1.total_cmp(&a.1));
    (outgoing, incoming)
}

/// Per speaker (in `speakers` order), how often they used each token the engine learned from
/// (the run's tokenizer, kill words dropped), most used first; `exchange_speakers[k]` is
/// exchange `k`'s speaker.
pub fn speaker_token_counts(
    stream: &TokenStream,
    exchange_speakers: &[String],
    speakers: &[String],
) -> Vec<Vec<(String, usize)>> {
    let mut counts: Vec<HashMap<&str, usize>> = vec![HashMap::new(); speakers.len()];
    let which: HashMap<&str, usize> = speakers.iter().enumerate().map(|(k, s)| (s.as_str(), k)).collect();
    for (k, speaker) in exchange_speakers.iter().enumerate().take(stream.n_exchanges()) {
        let Some(&s) = which.get(speaker.as_str()) else { continue };
        for token in stream.exchange(k) {
            *counts[s].entry(token).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|c| {
            let mut top: Vec<(String, usize)> = c.into_iter().map(|(w, n)| (w.to_owned(), n)).collect();
            top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            top
        })
        .collect()
}

/// Per speaker, the network's concepts they use most: the entries of `counts` (from
/// [`speaker_token_counts`]) that are neurons now, at most `max` each.
pub fn speaker_concepts(net: &Network, counts: &[Vec<(String, usize)>], max: usize) -> Vec<Vec<(String, usize)>> {
    let index = net.word_index();
    counts
        .iter()
        .map(|top| top.iter().filter(|(w, _)| index.contains_key(w.as_str())).take(max).cloned().collect())
        .collect()
}

/// The first `max` exchanges where `word` occurs as a whole word (case-insensitive), as
/// (exchange index, byte offset of the occurrence in the lower-cased text).
pub fn occurrences(exchanges: &[(String, String)], word: &str, max: usize) -> Vec<(usize, usize)> {
    if word.is_empty() {
        return Vec::new();
    }
    exchanges
        .iter()
        .enumerate()
        .filter_map(|(k, (_, text))| find_word(&text.to_lowercase(), word).map(|at| (k, at)))
        .take(max)
        .collect()
}

/// Characters every tokenizer makes a word of their own (Han ideographs, hiragana), so they
/// occur inside a run of letters: 蓝 in 蓝色的.
fn stands_alone(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{309F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// Byte offset of `word` in `text` as a whole word: no letter or digit joins it on either
/// side, unless the character on that side of the word stands alone.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let (first, last) = (word.chars().next()?, word.chars().next_back()?);
    let free = |c: char, edge: char| !c.is_alphanumeric() || stands_alone(c) || stands_alone(edge);
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back().is_none_or(|c| free(c, first));
        let after = text[i + word.len()..].chars().next().is_none_or(|c| free(c, last));
        before && after
    })
}

/// Both directions of the connection between two concepts (the later prototypes' connection
/// inspector, for the strength matrix): `None` when a word is not a concept.
#[derive(Clone, Debug, PartialEq)]
pub struct PairView {
    /// s(a → b) and its mass (0 when absent).
    pub forward: (f64, f64),
    /// s(b → a) and its mass.
    pub backward: (f64, f64),
}

impl PairView {
    /// `|s_ab − s_ba| / (s_ab + s_ba)`, 0 when unconnected.
    pub fn asymmetry(&self) -> f64 {
        let (f, b) = (self.forward.0, self.backward.0);
        if f + b > 0.0 { (f - b).abs() / (f + b) } else { 0.0 }
    }
}

/// The connection between `a` and `b` in both directions.
pub fn pair(net: &Network, a: &str, b: &str) -> Option<PairView> {
    let index = net.word_index();
    let (&ia, &ib) = (index.get(a)?, index.get(b)?);
    let find = |from, to| {
        net.connections.iter().find(|c| c.from == from && c.to == to).map_or((0.0, 0.0), |c| (c.strength, c.mass))
    };
    Some(PairView { forward: find(ia, ib), backward: find(ib, ia) })
}

/// The original Flow tab's "flow efficiency": max Re λ / mean Re λ of the forward matrix
/// `F[i][j] = s(i → j)` over `ids`, capped at 10; `None` for fewer than two concepts or a mean
/// of zero or below.
pub fn flow_efficiency(net: &Network, ids: &[NeuronId]) -> Option<f64> {
    let n = ids.len();
    if n < 2 {
        return None;
    }
    let pos: HashMap<NeuronId, usize> = ids.iter().enumerate().map(|(k, &id)| (id, k)).collect();
    let mut f = nalgebra::DMatrix::<f64>::zeros(n, n);
    for c in &net.connections {
        if let (Some(&i), Some(&j)) = (pos.get(&c.from), pos.get(&c.to)) {
            f[(i, j)] += c.strength;
        }
    }
    let re: Vec<f64> = f.complex_eigenvalues().iter().map(|l| l.re).collect();
    let mean = re.iter().sum::<f64>() / n as f64;
    let max = re.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (mean > 1e-12).then(|| (max / mean).min(10.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Connection;

    fn net() -> Network {
        let words = ["a", "b", "c", "d"].map(str::to_owned).to_vec();
        let c = |from, to, strength| Connection { from, to, strength, mass: 1.0 };
        Network {
            activations: vec![1.0; 4],
            words,
            connections: vec![c(0, 2, 0.5), c(1, 2, 0.3), c(0, 3, 0.2), c(2, 0, 0.1), c(3, 3, 1.0)],
        }
    }

    #[test]
    fn hand_computed_stats() {
        let s = network_stats(&net());
        assert_eq!((s.neurons, s.connections), (4, 5));
        assert!((s.total_strength - 2.1).abs() < 1e-12 && (s.total_mass - 5.0).abs() < 1e-12);
        // Pairs: (a,c) 0.5 vs 0.1, (b,c) 0.3 vs 0, (a,d) 0.2 vs 0 → |Δ| 0.4+0.3+0.2 over 1.1.
        assert!((s.asymmetry - 0.9 / 1.1).abs() < 1e-12, "{}", s.asymmetry);
        assert_eq!(s.strong_asymmetric_pairs, 3);
        assert_eq!(s.strongest[0], ("d".to_owned(), "d".to_owned(), 1.0, 1.0));
    }

    #[test]
    fn flow_efficiency_by_hand() {
        // F = [[0, 0.5], [0.1, 0]] on (a, c) plus nothing else: λ = ±√0.05, mean 0 → None;
        // with the self-loop of d and the pair (a, d): trace/n > 0.
        let n = net();
        assert_eq!(flow_efficiency(&n, &[0, 2]), None);
        // Over (c, d): F = [[0, 0], [0, 1]] (d → d = 1): λ = {0, 1}, max 1 / mean 0.5 = 2.
        assert!((flow_efficiency(&n, &[2, 3]).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(flow_efficiency(&n, &[0]), None);
    }

    #[test]
    fn associations_speaker_concepts_and_occurrences() {
        let (out, inc) = associations(&net(), 0);
        assert_eq!(out.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), ["c", "d"]);
        assert_eq!(inc, [("c".to_owned(), 0.1, 1.0)]);
        let talk = [("X".to_owned(), "A c c, d".to_owned()), ("Y".to_owned(), "ca b".to_owned())];
        // Counted over the tokens the engine learned from (here: the clean tokenizer's).
        let mut stream = TokenStream::default();
        for (_, text) in &talk {
            let tokens =
                text.to_lowercase().split([' ', ',']).filter(|t| !t.is_empty()).map(str::to_owned).collect::<Vec<_>>();
            for t in &tokens {
                stream.tokens_mut().push(t);
            }
            stream.end_exchange(tokens.len());
        }
        let speakers = ["X".to_owned(), "Y".to_owned()];
        let exchange_speakers = ["X".to_owned(), "Y".to_owned()];
        let counts = speaker_token_counts(&stream, &exchange_speakers, &speakers);
        assert_eq!(counts[0], [("c".to_owned(), 2), ("a".to_owned(), 1), ("d".to_owned(), 1)]);
        let per = speaker_concepts(&net(), &counts, 2);
        assert_eq!(per[0], [("c".to_owned(), 2), ("a".to_owned(), 1)], "at most 2, network words only");
        assert_eq!(per[1], [("b".to_owned(), 1)], "`ca` is no concept");
        assert_eq!(occurrences(&talk, "c", 10), [(0, 2)]);
        assert_eq!(occurrences(&talk, "b", 10), [(1, 3)]);
        assert_eq!(occurrences(&talk, "", 10), []);
    }

    #[test]
    fn occurrences_find_cjk_characters_inside_runs_of_letters() {
        let talk = [("X".to_owned(), "天空是蓝色的。".to_owned()), ("Y".to_owned(), "蓝".to_owned())];
        assert_eq!(occurrences(&talk, "蓝", 10), [(0, 9), (1, 0)]);
        // A Latin word inside another word is still no occurrence; next to a CJK character it is.
        let mixed = [("X".to_owned(), "blueish 蓝blue".to_owned())];
        assert_eq!(occurrences(&mixed, "blue", 10), [(0, 11)]);
    }

    #[test]
    fn a_pair_in_both_directions() {
        let p = pair(&net(), "a", "c").unwrap();
        assert_eq!((p.forward, p.backward), ((0.5, 1.0), (0.1, 1.0)));
        assert!((p.asymmetry() - 0.4 / 0.6).abs() < 1e-12);
        assert_eq!(pair(&net(), "b", "d").unwrap().asymmetry(), 0.0);
        assert!(pair(&net(), "a", "zzz").is_none());
    }

    #[test]
    fn shared_associates_are_ranked_by_how_many_share_them() {
        let shared = shared_associations(&net(), &["a".to_owned(), "b".to_owned()], 0.05);
        assert_eq!(shared[0].concept, "c");
        assert_eq!(shared[0].shared, 2);
        assert_eq!(shared[0].with, ["a", "b"]);
        assert!((shared[0].mean_strength - 0.3).abs() < 1e-12, "(0.5 + 0.1 + 0.3) / 3");
        assert_eq!(shared[1].concept, "d");
        assert_eq!(shared[1].shared, 1);
    }
}
