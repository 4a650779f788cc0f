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

    /// Check that an engine could have produced this network under `limits` (every engine's
    /// `load` calls it, so a damaged or hand-edited session is refused, never half-loaded).
    pub fn validate(&self, limits: &NetworkLimits) -> Result<(), NetworkError> {
        if self.activations.len() != self.words.len() {
            return Err(NetworkError::Lengths { words: self.words.len(), activations: self.activations.len() });
        }
        if self.words.len() > NeuronId::MAX as usize {
            return Err(NetworkError::TooManyNeurons { live: self.words.len(), max: limits.max_neurons });
        }
        let mut seen = std::collections::HashSet::with_capacity(self.words.len());
        for (id, word) in self.words.iter().enumerate() {
            if word.is_empty() {
                if !limits.evictions {
                    return Err(NetworkError::EmptyWord { id });
                }
            } else if !seen.insert(word.as_str()) {
                return Err(NetworkError::DuplicateWord { word: word.clone() });
            }
            let a = self.activations[id];
            if !(a.is_finite() && (0.0..=1.0).contains(&a)) {
                return Err(NetworkError::Activation { id, value: a });
            }
        }
        if seen.len() > limits.max_neurons {
            return Err(NetworkError::TooManyNeurons { live: seen.len(), max: limits.max_neurons });
        }
        let mut keys = std::collections::HashSet::with_capacity(self.connections.len());
        for (index, c) in self.connections.iter().enumerate() {
            for id in [c.from, c.to] {
                if self.words.get(id as usize).is_none_or(String::is_empty) {
                    return Err(NetworkError::Dangling { index, id });
                }
            }
            if !keys.insert((c.from, c.to)) {
                return Err(NetworkError::DuplicateConnection { index, from: c.from, to: c.to });
            }
            if !(c.strength.is_finite() && c.strength >= 0.0 && c.strength <= MAX_STRENGTH) {
                return Err(NetworkError::Strength { index, value: c.strength });
            }
            if !(c.mass.is_finite() && (0.0..=limits.m_max).contains(&c.mass)) {
                return Err(NetworkError::Mass { index, value: c.mass, m_max: limits.m_max });
            }
            if c.from == c.to && !limits.self_connections {
                return Err(NetworkError::SelfConnection { index, id: c.from });
            }
        }
        Ok(())
    }
}

/// Largest strength a network may hold: every strength must fit an f32 (the GPU engines').
pub const MAX_STRENGTH: f64 = f32::MAX as f64;

/// What the engine about to continue a network allows (see `EngineParams::network_limits`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetworkLimits {
    /// Most live neurons.
    pub max_neurons: usize,
    /// Largest mass (the mass model's `M_max`).
    pub m_max: f64,
    /// Whether evicted neurons (empty words) may exist: the windowed engine evicts, the
    /// temporal engine never does.
    pub evictions: bool,
    /// Whether a neuron may connect to itself (the temporal engine's repeated words do; the
    /// windowed engine skips such pairs).
    pub self_connections: bool,
}

/// Why a network cannot be continued: no engine could have produced it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NetworkError {
    /// Every neuron needs one activation.
    #[error("the network has {words} words but {activations} activations")]
    Lengths {
        /// Words.
        words: usize,
        /// Activations.
        activations: usize,
    },
    /// More neurons than the run allows.
    #[error("the network has {live} neurons, more than the {max} this run allows")]
    TooManyNeurons {
        /// Live neurons.
        live: usize,
        /// The cap.
        max: usize,
    },
    /// A word names two neurons.
    #[error("the word {word:?} is two neurons")]
    DuplicateWord {
        /// The word.
        word: String,
    },
    /// An empty word where the engine never evicts.
    #[error("neuron {id} has no word (this engine never evicts)")]
    EmptyWord {
        /// The neuron.
        id: usize,
    },
    /// An activation outside [0, 1].
    #[error("neuron {id} has activation {value}, not a number in [0, 1]")]
    Activation {
        /// The neuron.
        id: usize,
        /// Its activation.
        value: f64,
    },
    /// A connection to a neuron that does not exist (or was evicted).
    #[error("connection {index} refers to neuron {id}, which the network does not have")]
    Dangling {
        /// Position in the list.
        index: usize,
        /// The neuron.
        id: NeuronId,
    },
    /// A pair connected twice.
    #[error("connection {index} ({from} → {to}) appears twice")]
    DuplicateConnection {
        /// Position of the second one.
        index: usize,
        /// Source.
        from: NeuronId,
        /// Target.
        to: NeuronId,
    },
    /// A strength that is negative, not finite or beyond f32.
    #[error("connection {index} has strength {value}, not a number in [0, 3.4e38]")]
    Strength {
        /// Position in the list.
        index: usize,
        /// The strength.
        value: f64,
    },
    /// A mass outside [0, M_max].
    #[error("connection {index} has mass {value}, not a number in [0, {m_max}]")]
    Mass {
        /// Position in the list.
        index: usize,
        /// The mass.
        value: f64,
        /// The mass model's maximum.
        m_max: f64,
    },
    /// A self-connection where the engine never makes one.
    #[error("connection {index} connects neuron {id} to itself (this engine never does)")]
    SelfConnection {
        /// Position in the list.
        index: usize,
        /// The neuron.
        id: NeuronId,
    },
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
