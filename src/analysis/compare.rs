//! Two networks side by side (two conversations, two speakers, two groups): each concept's
//! mass on either side — absolute, and as a share of the side's total mass, since a longer
//! conversation has more of everything — with the difference, which concepts only one side
//! has, and the associations both sides share.

use std::collections::BTreeMap;

use super::mass::concept_masses;
use crate::model::network::Network;

/// One concept on both sides (`None`: the side has no such concept).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ConceptRow {
    /// The word.
    pub word: String,
    /// Its mass on side A.
    pub mass_a: Option<f64>,
    /// Its mass on side B.
    pub mass_b: Option<f64>,
    /// Its mass as a share of side A's total concept mass (0 when absent).
    pub share_a: f64,
    /// See `share_a`.
    pub share_b: f64,
}

impl ConceptRow {
    /// `share_b − share_a`: positive where B gives the concept more weight.
    pub fn share_difference(&self) -> f64 {
        self.share_b - self.share_a
    }

    /// `mass_b − mass_a` (an absent side counts 0).
    pub fn mass_difference(&self) -> f64 {
        self.mass_b.unwrap_or(0.0) - self.mass_a.unwrap_or(0.0)
    }

    /// `a`, `b` or `both`.
    pub fn sides(&self) -> &'static str {
        match (self.mass_a.is_some(), self.mass_b.is_some()) {
            (true, false) => "a",
            (false, true) => "b",
            _ => "both",
        }
    }
}

/// An association (an unordered pair of concepts) both sides have.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SharedAssociation {
    /// The pair, in alphabetical order.
    pub words: (String, String),
    /// Its strength on side A: both directions' connection strengths added.
    pub strength_a: f64,
    /// See `strength_a`.
    pub strength_b: f64,
}

/// Two networks compared.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Comparison {
    /// Every concept of either side, by combined share (largest first), ties by word.
    pub concepts: Vec<ConceptRow>,
    /// Associations both sides have (self-connections left out), strongest (A + B) first,
    /// ties by words.
    pub shared: Vec<SharedAssociation>,
}

impl Comparison {
    /// The concepts only side A (`a`) or only side B (`b`) has.
    pub fn only(&self, side: &str) -> impl Iterator<Item = &ConceptRow> {
        self.concepts.iter().filter(move |c| c.sides() == side)
    }
}

/// Concepts with mass, as word → mass (a neuron without connections is no concept).
fn masses_by_word(net: &Network) -> BTreeMap<&str, f64> {
    let masses = concept_masses(net);
    net.words.iter().zip(masses).filter(|(w, m)| !w.is_empty() && *m > 0.0).map(|(w, m)| (w.as_str(), m)).collect()
}

/// Unordered pairs (self-connections left out) → both directions' strengths added.
fn associations(net: &Network) -> BTreeMap<(&str, &str), f64> {
    let mut pairs = BTreeMap::new();
    for c in net.connections.iter().filter(|c| c.from != c.to) {
        let (a, b) = (net.words[c.from as usize].as_str(), net.words[c.to as usize].as_str());
        let key = if a <= b { (a, b) } else { (b, a) };
        *pairs.entry(key).or_insert(0.0) += c.strength;
    }
    pairs
}

/// Compare network `a` with network `b`.
pub fn compare(a: &Network, b: &Network) -> Comparison {
    let (ma, mb) = (masses_by_word(a), masses_by_word(b));
    let (ta, tb) = (ma.values().sum::<f64>(), mb.values().sum::<f64>());
    let share = |m: Option<f64>, total: f64| if total > 0.0 { m.unwrap_or(0.0) / total } else { 0.0 };
    let mut words: Vec<&str> = ma.keys().chain(mb.keys()).copied().collect();
    words.sort_unstable();
    words.dedup();
    let mut concepts: Vec<ConceptRow> = words
        .into_iter()
        .map(|w| {
            let (mass_a, mass_b) = (ma.get(w).copied(), mb.get(w).copied());
            ConceptRow { word: w.to_owned(), mass_a, mass_b, share_a: share(mass_a, ta), share_b: share(mass_b, tb) }
        })
        .collect();
    concepts.sort_by(|x, y| (y.share_a + y.share_b).total_cmp(&(x.share_a + x.share_b)).then(x.word.cmp(&y.word)));
    let (pa, pb) = (associations(a), associations(b));
    let mut shared: Vec<SharedAssociation> = pa
        .iter()
        .filter_map(|(pair, &sa)| {
            pb.get(pair).map(|&sb| SharedAssociation {
                words: (pair.0.to_owned(), pair.1.to_owned()),
                strength_a: sa,
                strength_b: sb,
            })
        })
        .collect();
    shared.sort_by(|x, y| {
        (y.strength_a + y.strength_b).total_cmp(&(x.strength_a + x.strength_b)).then(x.words.cmp(&y.words))
    });
    Comparison { concepts, shared }
}

/// A concept of a joint map: where it sits in the common space, and each side's mass of it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct JointPoint {
    /// The concept.
    pub label: String,
    /// Its position in the common space (the pooled network's map).
    pub coords: [f64; 3],
    /// Its mass on side A (0: absent there).
    pub mass_a: f64,
    /// See `mass_a`.
    pub mass_b: f64,
}

/// The concepts of `map` (the pooled network's) with both sides' mass from `comparison`.
pub fn joint_points(map: &crate::analysis::concept_map::ConceptMap, comparison: &Comparison) -> Vec<JointPoint> {
    let rows: std::collections::HashMap<&str, &ConceptRow> =
        comparison.concepts.iter().map(|c| (c.word.as_str(), c)).collect();
    map.labels
        .iter()
        .zip(&map.coords)
        .map(|(label, coords)| {
            let row = rows.get(label.as_str());
            JointPoint {
                label: label.clone(),
                coords: *coords,
                mass_a: row.and_then(|r| r.mass_a).unwrap_or(0.0),
                mass_b: row.and_then(|r| r.mass_b).unwrap_or(0.0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Connection;

    fn net(words: &[&str], links: &[(u32, u32, f64, f64)]) -> Network {
        Network {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            activations: vec![0.0; words.len()],
            connections: links
                .iter()
                .map(|&(from, to, strength, mass)| Connection { from, to, strength, mass })
                .collect(),
        }
    }

    /// By hand: A has river–tea (mass 2, strengths 0.5 + 0.25) and river–cold (mass 1);
    /// B has river–tea (mass 3, strength 1) and tea–sun (mass 1).
    /// Masses A: river 3, tea 2, cold 1 (total 6); B: river 3, tea 4, sun 1 (total 8).
    #[test]
    fn hand_computed_masses_shares_and_shared_associations() {
        let a = net(&["river", "tea", "cold"], &[(0, 1, 0.5, 1.5), (1, 0, 0.25, 0.5), (0, 2, 0.1, 1.0)]);
        let b = net(&["tea", "river", "sun", "unused"], &[(1, 0, 1.0, 3.0), (0, 2, 0.2, 1.0)]);
        let c = compare(&a, &b);
        let row = |w: &str| c.concepts.iter().find(|r| r.word == w).unwrap();
        assert_eq!((row("river").mass_a, row("river").mass_b), (Some(3.0), Some(3.0)));
        assert_eq!((row("tea").share_a, row("tea").share_b), (2.0 / 6.0, 4.0 / 8.0));
        assert!((row("tea").share_difference() - (0.5 - 1.0 / 3.0)).abs() < 1e-15);
        assert_eq!(row("tea").mass_difference(), 2.0);
        assert_eq!((row("cold").sides(), row("sun").sides(), row("river").sides()), ("a", "b", "both"));
        assert_eq!(row("sun").share_a, 0.0);
        assert!(c.concepts.iter().all(|r| r.word != "unused"), "no mass, no concept");
        // Order by combined share: river 3/6 + 3/8, tea 2/6 + 4/8, cold 1/6, sun 1/8.
        let order: Vec<&str> = c.concepts.iter().map(|r| r.word.as_str()).collect();
        assert_eq!(order, ["river", "tea", "cold", "sun"]);
        assert_eq!(c.only("a").map(|r| r.word.as_str()).collect::<Vec<_>>(), ["cold"]);
        assert_eq!(
            c.shared,
            [SharedAssociation { words: ("river".into(), "tea".into()), strength_a: 0.75, strength_b: 1.0 }]
        );
    }
}
