//! Counters of what an engine has consumed, the same on every backend (a session stores them:
//! the windowed engine's window count keys its random draws).

/// Counters of the temporal engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TemporalStats {
    /// Exchanges stepped.
    pub exchanges: u64,
    /// Tokens offered after kill-word filtering.
    pub tokens: u64,
    /// Tokens dropped because the vocabulary was full.
    pub tokens_skipped: u64,
    /// Hebbian pair updates performed.
    pub pairs: u64,
    /// Exchanges with at least two neurons (those that decay and prune).
    pub learning_steps: u64,
}

/// Counters of the windowed engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WindowedStats {
    /// Speaker turns stepped.
    pub turns: u64,
    /// Tokens offered.
    pub tokens: u64,
    /// Windows processed.
    pub windows: u64,
    /// Ordered position pairs visited (`C(W+1, 2)` per window).
    pub pairs: u64,
    /// Neurons evicted at capacity.
    pub evictions: u64,
    /// New connections refused by the out-degree cap or the random draw.
    pub refused: u64,
}

/// Counters of whichever engine ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "engine")]
pub enum EngineStats {
    /// Temporal-engine counters.
    Temporal(TemporalStats),
    /// Windowed-engine counters.
    Windowed(WindowedStats),
}

impl EngineStats {
    /// Which engine these counters belong to.
    pub fn kind(&self) -> super::options::EngineKind {
        match self {
            Self::Temporal(_) => super::options::EngineKind::Temporal,
            Self::Windowed(_) => super::options::EngineKind::Windowed,
        }
    }

    /// Engine steps so far: learning exchanges (temporal) or windows (windowed).
    pub fn steps(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.learning_steps,
            Self::Windowed(s) => s.windows,
        }
    }

    /// Tokens consumed so far.
    pub fn tokens(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.tokens,
            Self::Windowed(s) => s.tokens,
        }
    }

    /// Pair updates visited (the reference's `pairs`).
    pub fn pairs(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.pairs,
            Self::Windowed(s) => s.pairs,
        }
    }

    /// Tokens dropped at a full vocabulary (temporal) — the windowed engine evicts instead.
    pub fn tokens_skipped(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.tokens_skipped,
            Self::Windowed(_) => 0,
        }
    }
}
