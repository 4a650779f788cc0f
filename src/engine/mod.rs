//! Learning engines: they turn token sequences into a Hebbian network, one exchange at a time,
//! on the CPU ([`cpu`]) or with the network resident on a GPU ([`gpu`]). Every engine
//! implements [`LearningEngine`] once, directly; the run layer holds a `Box<dyn LearningEngine>`.

pub mod cpu;
pub mod gpu;

use std::ops::Range;

use crate::kernel::{KernelTimes, TimingMethod};
use crate::model::engine_stats::{EngineStats, TemporalStats, WindowedStats};
use crate::model::network::Network;
use crate::model::options::{Backend, EngineKind};
use crate::model::params::ParamError;
use crate::model::tokens::TokenStream;

/// Why an engine could not be built or could not go on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    /// A parameter was rejected.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A snapshot of the other engine kind was offered.
    #[error("a snapshot of the {} engine cannot continue on the {} engine", found.as_str(), engine.as_str())]
    KindMismatch {
        /// The engine asked to continue.
        engine: EngineKind,
        /// The kind of the snapshot.
        found: EngineKind,
    },
    /// The network offered to `load` is not one this engine could have produced.
    #[error("the network cannot be continued: {0}")]
    Network(#[from] crate::model::network::NetworkError),
    /// The GPU refused or failed (only GPU engines return it).
    #[error(transparent)]
    Gpu(#[from] gpu::GpuError),
}

/// The counters of `stats` when they are the temporal engine's, else why they cannot be.
pub trait StatsKind {
    /// The temporal engine's counters.
    fn temporal(self) -> Result<TemporalStats, EngineError>;
    /// The windowed engine's counters.
    fn windowed(self) -> Result<WindowedStats, EngineError>;
}

impl StatsKind for EngineStats {
    fn temporal(self) -> Result<TemporalStats, EngineError> {
        match self {
            Self::Temporal(s) => Ok(s),
            other => Err(EngineError::KindMismatch { engine: EngineKind::Temporal, found: other.kind() }),
        }
    }

    fn windowed(self) -> Result<WindowedStats, EngineError> {
        match self {
            Self::Windowed(s) => Ok(s),
            other => Err(EngineError::KindMismatch { engine: EngineKind::Windowed, found: other.kind() }),
        }
    }
}

/// What a pipeline needs from an engine: advance exchange by exchange, and be observed.
/// Implemented by each engine in each precision on the CPU, and by the GPU engines; only a GPU
/// engine fails at run time (device lost, out of memory, over the adapter's limits).
pub trait LearningEngine: std::fmt::Debug + Send {
    /// Process `exchanges` of `stream` in order; `speakers[k]` speaks exchange `k`. One call
    /// runs many exchanges, so the per-token loop is monomorphised, not dynamically dispatched.
    fn run(&mut self, stream: &TokenStream, speakers: &[String], exchanges: Range<usize>) -> Result<(), EngineError>;
    /// The current network as plain data.
    fn snapshot(&self) -> Result<Network, EngineError>;
    /// Counters so far.
    fn stats(&self) -> EngineStats;
    /// Time per kernel so far.
    fn kernel_times(&self) -> KernelTimes;
    /// How `kernel_times` were measured (the CPU engines: the wall clock around each call).
    fn timing_method(&self) -> TimingMethod {
        TimingMethod::Wall
    }
    /// Where the engine runs.
    fn backend(&self) -> Backend {
        Backend::Cpu
    }
    /// The device that runs it, for labelling timings.
    fn device(&self) -> String;
    /// Bytes held by the engine's state.
    fn memory_bytes(&self) -> usize;
    /// Live neurons and connections.
    fn size(&self) -> (usize, usize);
    /// Estimated bytes moved per step, where modelled.
    fn bytes_per_step(&self) -> Option<usize> {
        None
    }
    /// Create neurons for `words` without learning (benchmark warm start).
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError>;
    /// Continue from a snapshot of any engine of the same kind (`stats` of that kind), e.g.
    /// when the pipeline switches backend mid-run.
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError>;
}
