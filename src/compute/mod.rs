//! Compute kernels as named, timed units: the vocabulary shared by the CPU engines and the GPU
//! backend (one kernel, one WGSL file, one CPU twin, one timing row).

pub mod cpu_kernels;
pub mod gpu;
pub mod worker;

use std::time::{Duration, Instant};

/// The kernels of the engines, in the order a window runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kernel {
    /// Resolve words to neurons, evicting the least important neuron at capacity (windowed).
    Eviction,
    /// `a ← max((1−d)·a, floor)` over live neurons (windowed engine).
    ActivationDecay,
    /// Decay connections outside the current window or exchange.
    ConnectionDecay,
    /// Hebbian strength and mass update of the window's or exchange's pairs.
    PairUpdate,
    /// Remove connections below the prune threshold.
    Prune,
    /// `a ← σ(W a)` over live neurons (windowed engine).
    ActivationSpread,
}

impl Kernel {
    /// Every kernel, in run order.
    pub const ALL: [Self; 6] = [
        Self::Eviction,
        Self::ActivationDecay,
        Self::ConnectionDecay,
        Self::PairUpdate,
        Self::Prune,
        Self::ActivationSpread,
    ];

    /// Name used in reports, plots and (later) WGSL file stems.
    pub fn name(self) -> &'static str {
        match self {
            Self::Eviction => "eviction",
            Self::ActivationDecay => "activation_decay",
            Self::ConnectionDecay => "connection_decay",
            Self::PairUpdate => "pair_update",
            Self::Prune => "prune",
            Self::ActivationSpread => "activation_spread",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// Where an engine's kernels run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// Rust on the CPU.
    #[default]
    Cpu,
    /// WGSL compute shaders through wgpu, with the network resident on the device.
    Gpu,
}

impl Backend {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Gpu => "gpu",
        }
    }
}

/// How a kernel's time was measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingMethod {
    /// Host wall clock around the kernel.
    Wall,
    /// GPU timestamp queries around the compute pass.
    GpuTimestamp,
    /// GPU timestamps around each kernel of one sampled step per submission; totals are the
    /// samples' mean × calls (timing every dispatch would serialise the GPU).
    GpuTimestampSampled,
    /// Wall clock around a submit-and-wait of each kernel of sampled steps (no timestamps).
    WallSampled,
}

impl TimingMethod {
    /// Words for a summary line.
    pub fn label(self) -> &'static str {
        match self {
            Self::Wall => "wall-clock",
            Self::GpuTimestamp => "GPU-timestamp",
            Self::GpuTimestampSampled => "sampled GPU-timestamp",
            Self::WallSampled => "sampled wall-clock",
        }
    }
}

/// Accumulated time and call count per kernel.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KernelTimes {
    total: [Duration; 6],
    calls: [u64; 6],
}

impl KernelTimes {
    /// Run `f` as one call of `kernel`, adding its wall time.
    #[inline]
    pub fn time<T>(&mut self, kernel: Kernel, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.total[kernel.index()] += start.elapsed();
        self.calls[kernel.index()] += 1;
        out
    }

    /// Add `secs` spread over `calls` calls of `kernel` (a kernel of several dispatches adds
    /// each dispatch's time with the same call count, which is kept once).
    pub fn add(&mut self, kernel: Kernel, secs: f64, calls: u64) {
        self.total[kernel.index()] += Duration::from_secs_f64(secs.max(0.0));
        self.calls[kernel.index()] = self.calls[kernel.index()].max(calls);
    }

    /// Total seconds of `kernel`.
    pub fn secs(&self, kernel: Kernel) -> f64 {
        self.total[kernel.index()].as_secs_f64()
    }

    /// Calls of `kernel`.
    pub fn calls(&self, kernel: Kernel) -> u64 {
        self.calls[kernel.index()]
    }

    /// Report rows for kernels that ran, measured with `method`.
    pub fn rows(&self, method: TimingMethod) -> Vec<KernelRow> {
        Kernel::ALL
            .iter()
            .filter(|k| self.calls(**k) > 0)
            .map(|&k| KernelRow { kernel: k, total_secs: self.secs(k), calls: self.calls(k), method })
            .collect()
    }
}

/// One kernel's line in a report.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KernelRow {
    /// The kernel.
    pub kernel: Kernel,
    /// Total seconds over the run.
    pub total_secs: f64,
    /// Number of calls.
    pub calls: u64,
    /// How it was timed.
    pub method: TimingMethod,
}

/// What ran the kernels, for labelling every figure (`precision`: "f64" or "f32").
pub fn cpu_device(precision: &str) -> String {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    format!("CPU ({}, {threads} hardware threads, {precision})", std::env::consts::ARCH)
}
