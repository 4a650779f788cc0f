//! The network as plain data: words, activations and directed connections in creation order.
//!
//! Every engine can produce a [`Network`]; the concept map, statistics and reports read only
//! this type. Creation order matters: the reference iterates Python dicts in insertion order,
//! and the map's "later key wins" rule (§4.2) depends on it.

use std::collections::HashMap;

/// Identifier of a neuron (dense, in order of first appearance).
pub type NeuronId = u32;

/// One directed connection `from → to`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Connection {
    /// Source neuron (earlier in the window).
    pub from: NeuronId,
    /// Target neuron (later in the window).
    pub to: NeuronId,
    /// Strength `s`.
    pub strength: f64,
    /// Inertial mass `m`.
    pub mass: f64,
}

/// A snapshot of a network's state, detached from any engine.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Network {
    /// Word of each neuron id (`words[id]`); evicted neurons keep an empty string.
    pub words: Vec<String>,
    /// Activation of each neuron id.
    pub activations: Vec<f64>,
    /// Live connections, ordered by creation (oldest first).
    pub connections: Vec<Connection>,
}

impl Network {
    /// Number of live neurons (non-empty words).
    pub fn n_neurons(&self) -> usize {
        self.words.iter().filter(|w| !w.is_empty()).count()
    }

    /// Id of `word`, if it is a neuron (linear index built on demand; call once per query batch).
    pub fn word_index(&self) -> HashMap<&str, NeuronId> {
        self.words
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.is_empty())
            .map(|(id, w)| (w.as_str(), id as NeuronId))
            .collect()
    }

    /// Σ s over connections.
    pub fn sum_strength(&self) -> f64 {
        self.connections.iter().map(|c| c.strength).sum()
    }

    /// Σ m over connections.
    pub fn sum_mass(&self) -> f64 {
        self.connections.iter().map(|c| c.mass).sum()
    }

    /// Largest mass (0 when there are no connections).
    pub fn max_mass(&self) -> f64 {
        self.connections.iter().map(|c| c.mass).fold(0.0, f64::max)
    }

    /// Number of self-connections `(i, i)`.
    pub fn n_self_connections(&self) -> usize {
        self.connections.iter().filter(|c| c.from == c.to).count()
    }
}

#[cfg(test)]
impl Network {
    /// A test network: `words` with activation 1, connections `(from, to, mass)` with strength
    /// 0.5 (the views under test read masses only).
    pub(crate) fn from_masses(words: &[&str], conns: &[(NeuronId, NeuronId, f64)]) -> Self {
        Self {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            activations: vec![1.0; words.len()],
            connections: conns.iter().map(|&(from, to, mass)| Connection { from, to, strength: 0.5, mass }).collect(),
        }
    }
}
