//! Concept mass (HUEY_REFERENCE.md §4.1) and speaker self-concept mass (§3.8).

use crate::model::network::{Network, NeuronId};

/// Pronouns that make up a speaker's self-concept.
pub const SELF_PRONOUNS: [&str; 4] = ["i", "me", "my", "myself"];

/// `M(k) = Σ m_ij` over connections touching `k` (a self-connection counted once), by neuron id.
pub fn concept_masses(net: &Network) -> Vec<f64> {
    let mut masses = vec![0.0; net.words.len()];
    for c in &net.connections {
        masses[c.from as usize] += c.mass;
        if c.to != c.from {
            masses[c.to as usize] += c.mass;
        }
    }
    masses
}

/// The `n` heaviest concepts as (word, mass), heaviest first, ties in id order.
///
/// Like the reference's outputs, nothing is excluded (its UI hid a few fragments such as `re`
/// from one list; its reported masses keep them).
pub fn top_concepts(net: &Network, masses: &[f64], n: usize) -> Vec<(String, f64)> {
    let mut ids: Vec<usize> = (0..net.words.len()).filter(|&id| !net.words[id].is_empty()).collect();
    ids.sort_by(|&a, &b| masses[b].total_cmp(&masses[a]));
    ids.truncate(n);
    ids.into_iter().map(|id| (net.words[id].clone(), masses[id])).collect()
}

/// A speaker's neuron: `speaker_<name>` if present, else `<name>` (lower-cased).
pub fn speaker_neuron(index: &std::collections::HashMap<&str, NeuronId>, speaker: &str) -> Option<NeuronId> {
    let lower = speaker.to_lowercase();
    index.get(format!("speaker_{lower}").as_str()).or_else(|| index.get(lower.as_str())).copied()
}

/// Self-concept mass of each speaker (§3.8), in the order given.
pub fn speaker_self_mass(net: &Network, speakers: &[String]) -> Vec<(String, f64)> {
    let index = net.word_index();
    let pronouns: Vec<NeuronId> = SELF_PRONOUNS.iter().filter_map(|p| index.get(p).copied()).collect();
    // Only connections that touch a pronoun matter (both branches below read nothing else):
    // one pass picks them out, in network order, so every sum runs in the same order as a
    // scan of all connections would.
    let mut is_pronoun = vec![false; net.words.len()];
    for &p in &pronouns {
        is_pronoun[p as usize] = true;
    }
    let touched: Vec<&crate::model::network::Connection> = net
        .connections
        .iter()
        .filter(|c| {
            is_pronoun.get(c.from as usize).copied().unwrap_or(false)
                || is_pronoun.get(c.to as usize).copied().unwrap_or(false)
        })
        .collect();
    // Lookup of (low, high) connections for the speaker-neuron branch; masses by key.
    let mut by_key = std::collections::HashMap::new();
    for c in &touched {
        by_key.insert((c.from, c.to), **c);
    }
    let act = |id: NeuronId| net.activations.get(id as usize).copied().unwrap_or(0.0);
    // Without a speaker neuron every speaker gets the mass around the self pronouns.
    let pronoun_mass: f64 = pronouns
        .iter()
        .map(|&p| {
            touched.iter().filter(|c| c.from == p || c.to == p).map(|c| c.mass).filter(|&m| m > 0.001).sum::<f64>()
        })
        .sum();
    speakers
        .iter()
        .map(|speaker| {
            let mass = match speaker_neuron(&index, speaker) {
                Some(s) => pronouns
                    .iter()
                    .map(|&p| {
                        let k = (s.min(p), s.max(p));
                        match by_key.get(&k) {
                            Some(c) => c.mass,
                            None => 100.0 * act(s) * act(p),
                        }
                    })
                    .filter(|&m| m > 0.001)
                    .sum(),
                None => pronoun_mass,
            };
            (speaker.clone(), mass)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concept_mass_counts_self_connections_once() {
        let n = Network::from_masses(&["a", "b"], &[(0, 1, 2.0), (0, 0, 3.0)]);
        assert_eq!(concept_masses(&n), [5.0, 2.0]);
    }

    #[test]
    fn top_concepts_keep_id_order_on_ties() {
        let n = Network::from_masses(&["re", "x", "y", "z", ""], &[(0, 1, 4.0), (2, 3, 2.0)]);
        let m = concept_masses(&n);
        let top = top_concepts(&n, &m, 3);
        assert_eq!(top, [("re".to_owned(), 4.0), ("x".to_owned(), 4.0), ("y".to_owned(), 2.0)]);
    }

    #[test]
    fn self_mass_without_speaker_neuron_sums_pronoun_connections() {
        // `me` touches two connections (2 + 0.0005, the latter below the 0.001 floor), `my` one.
        let n = Network::from_masses(&["me", "x", "my"], &[(0, 1, 2.0), (1, 0, 0.0005), (2, 1, 1.5)]);
        let got = speaker_self_mass(&n, &["Ana".to_owned(), "Ben".to_owned()]);
        assert_eq!(got, [("Ana".to_owned(), 3.5), ("Ben".to_owned(), 3.5)]);
    }

    #[test]
    fn self_mass_with_speaker_neuron_reads_low_high_pairs() {
        // Speaker `ana` (id 0) and pronouns `me` (1, connected) and `my` (2, not connected).
        let n = Network::from_masses(&["ana", "me", "my"], &[(0, 1, 2.5)]);
        let got = speaker_self_mass(&n, &["Ana".to_owned()]);
        // (0,1) has mass 2.5; (0,2) is absent so the reference uses 100·a_s·a_p = 100.
        assert_eq!(got, [("Ana".to_owned(), 102.5)]);
    }
}
