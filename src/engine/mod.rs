//! Learning engines: they turn token sequences into a Hebbian network, one exchange at a time.

pub mod pair_rng;
pub mod temporal;
pub mod vocabulary;
pub mod windowed;

use crate::compute::cpu_kernels::Real;
use crate::compute::gpu::GpuError;
use crate::compute::{Backend, KernelTimes, TimingMethod, cpu_device};
use crate::model::network::Network;
use crate::text::token_stream::TokenStream;
use temporal::{TemporalEngine, TemporalStats};
use windowed::{WindowedEngine, WindowedStats};

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

/// What a pipeline needs from an engine: advance exchange by exchange, and be observed.
/// Implemented by each engine in each precision on the CPU, and by the GPU engines; only a GPU
/// engine can fail (device lost, out of memory, over the adapter's limits).
pub trait LearningEngine: std::fmt::Debug + Send {
    /// Process `exchanges` of `stream` in order; `speakers[k]` speaks exchange `k`. One call
    /// runs many exchanges, so the per-token loop is monomorphised, not dynamically dispatched.
    fn run(
        &mut self,
        stream: &TokenStream,
        speakers: &[String],
        exchanges: std::ops::Range<usize>,
    ) -> Result<(), GpuError>;
    /// The current network as plain data.
    fn snapshot(&self) -> Result<Network, GpuError>;
    /// Counters so far.
    fn stats(&self) -> EngineStats;
    /// Time per kernel so far.
    fn kernel_times(&self) -> KernelTimes;
    /// How `kernel_times` were measured.
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
    fn bytes_per_step(&self) -> Option<usize>;
    /// Create neurons for `words` without learning (benchmark warm start).
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), GpuError>;
    /// Continue from a snapshot of any engine of the same kind (`stats` of that kind), e.g.
    /// when the pipeline switches backend mid-run.
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), GpuError>;
}

fn kind_mismatch() -> GpuError {
    GpuError::Unsupported("a snapshot of one engine kind cannot continue on the other".to_owned())
}

fn precision_name<R: Real>() -> &'static str {
    if std::mem::size_of::<R>() == 4 { "f32" } else { "f64" }
}

impl<R: Real + std::fmt::Debug + Send> LearningEngine for TemporalEngine<R> {
    fn run(
        &mut self,
        stream: &TokenStream,
        _speakers: &[String],
        exchanges: std::ops::Range<usize>,
    ) -> Result<(), GpuError> {
        for k in exchanges {
            self.step(stream.exchange(k));
        }
        Ok(())
    }
    fn snapshot(&self) -> Result<Network, GpuError> {
        Ok(TemporalEngine::snapshot(self))
    }
    fn stats(&self) -> EngineStats {
        EngineStats::Temporal(TemporalEngine::stats(self))
    }
    fn kernel_times(&self) -> KernelTimes {
        TemporalEngine::kernel_times(self)
    }
    fn device(&self) -> String {
        cpu_device(precision_name::<R>())
    }
    fn memory_bytes(&self) -> usize {
        TemporalEngine::memory_bytes(self)
    }
    fn size(&self) -> (usize, usize) {
        (self.n_neurons(), self.n_connections())
    }
    fn bytes_per_step(&self) -> Option<usize> {
        None
    }
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), GpuError> {
        TemporalEngine::prefill(self, words);
        Ok(())
    }
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), GpuError> {
        let EngineStats::Temporal(stats) = stats else { return Err(kind_mismatch()) };
        TemporalEngine::load(self, network, stats);
        Ok(())
    }
}

impl<R: Real + std::fmt::Debug + Send> LearningEngine for WindowedEngine<R> {
    fn run(
        &mut self,
        stream: &TokenStream,
        speakers: &[String],
        exchanges: std::ops::Range<usize>,
    ) -> Result<(), GpuError> {
        for k in exchanges {
            self.step_turn(&speakers[k], stream.exchange(k));
        }
        Ok(())
    }
    fn snapshot(&self) -> Result<Network, GpuError> {
        Ok(WindowedEngine::snapshot(self))
    }
    fn stats(&self) -> EngineStats {
        EngineStats::Windowed(WindowedEngine::stats(self))
    }
    fn kernel_times(&self) -> KernelTimes {
        WindowedEngine::kernel_times(self)
    }
    fn device(&self) -> String {
        cpu_device(precision_name::<R>())
    }
    fn memory_bytes(&self) -> usize {
        WindowedEngine::memory_bytes(self)
    }
    fn size(&self) -> (usize, usize) {
        (self.n_neurons(), self.n_connections())
    }
    fn bytes_per_step(&self) -> Option<usize> {
        Some(self.bytes_per_window())
    }
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), GpuError> {
        WindowedEngine::prefill(self, words);
        Ok(())
    }
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), GpuError> {
        let EngineStats::Windowed(stats) = stats else { return Err(kind_mismatch()) };
        WindowedEngine::load(self, network, stats);
        Ok(())
    }
}
