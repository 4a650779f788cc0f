//! Compute kernels as named, timed units. Each [`Kernel`] is one WGSL file
//! (`shaders/<engine>/<name>.wgsl`), one public CPU twin of the same name in [`windowed`] or
//! [`temporal`] (over a CPU mirror of the device state), one timing row, and one row of the
//! per-kernel conformance test (`tests/it/kernels.rs`). The CPU engines time their own phases
//! under the same names.

pub mod pair_rng;
#[macro_use]
mod state;
pub mod temporal;
pub mod windowed;

use std::time::{Duration, Instant};

use crate::model::options::EngineKind;
pub use state::DeviceState;

/// Declares an engine's kernels once: the enum, its order, names, entry points and the
/// descriptions below come from one table, so nothing mirrors it by hand.
macro_rules! kernels {
    ($(#[$doc:meta])* $enum:ident ($engine:ident, $dir:literal) { $($(#[$vdoc:meta])* $variant:ident = $name:literal [$($entry:literal),+],)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $enum {
            $($(#[$vdoc])* $variant,)+
        }

        impl $enum {
            /// Every kernel of the engine, in the order reports list them.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The WGSL file stem, the timing row's name and the pipeline label.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The WGSL entry points, dispatched in this order for one call of the kernel.
            pub fn entry_points(self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant => &[$($entry),+],)+
                }
            }

            /// The kernel's WGSL file, `shaders/<engine>/<name>.wgsl` (included at build time, so
            /// the file's name is the kernel's by construction).
            pub fn wgsl(self) -> &'static str {
                match self {
                    $(Self::$variant => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/", $dir, "/", $name, ".wgsl")),)+
                }
            }
        }

        impl From<$enum> for Kernel {
            fn from(k: $enum) -> Self {
                Kernel::$engine(k)
            }
        }
    };
}

kernels! {
    /// The windowed engine's kernels (`shaders/windowed/`), one pass each per window.
    WindowedKernel (Windowed, "windowed") {
        /// Resolve the window's words to neurons, evicting the least important at capacity.
        Eviction = "eviction" ["main"],
        /// `a ← max((1−d)·a, floor)` over every neuron.
        ActivationDecay = "activation_decay" ["main"],
        /// Mark the window's connections; decay the others, removing those at the threshold.
        ConnectionDecay = "connection_decay" ["main"],
        /// Hebbian strength and mass update of the window's pairs.
        PairUpdate = "pair_update" ["main"],
        /// Remove connections below the prune threshold.
        Prune = "prune" ["main"],
        /// `a ← σ(W a)`: scatter `s·a` over the connections, then σ per neuron.
        ActivationSpread = "activation_spread" ["accumulate", "activate"],
    }
}

kernels! {
    /// The temporal engine's kernels (`shaders/temporal/`), one pass each per exchange.
    TemporalKernel (Temporal, "temporal") {
        /// Commit the previous exchange's new connections; enter this exchange's neurons.
        Begin = "begin" ["main"],
        /// Hebbian strength and mass update of every pair of the exchange.
        PairUpdate = "pair_update" ["main"],
        /// Free connections whose scheduled death has come (on the GPU, before the next
        /// exchange's update, which it also finds its existing connections for).
        Prune = "prune" ["main"],
    }
}

/// A kernel of either engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kernel {
    /// A windowed-engine kernel.
    Windowed(WindowedKernel),
    /// A temporal-engine kernel.
    Temporal(TemporalKernel),
}

const N_WINDOWED: usize = WindowedKernel::ALL.len();
const N_KERNELS: usize = N_WINDOWED + TemporalKernel::ALL.len();

impl Kernel {
    /// Every kernel: the windowed engine's, then the temporal engine's.
    pub fn all() -> impl Iterator<Item = Self> {
        WindowedKernel::ALL.iter().map(|&k| k.into()).chain(TemporalKernel::ALL.iter().map(|&k| k.into()))
    }

    /// The engine it belongs to.
    pub fn engine(self) -> EngineKind {
        match self {
            Self::Windowed(_) => EngineKind::Windowed,
            Self::Temporal(_) => EngineKind::Temporal,
        }
    }

    /// The WGSL file stem (unique within its engine), used in reports and plots.
    pub fn name(self) -> &'static str {
        match self {
            Self::Windowed(k) => k.name(),
            Self::Temporal(k) => k.name(),
        }
    }

    /// The WGSL file, relative to `shaders/`.
    pub fn path(self) -> String {
        format!("{}/{}.wgsl", self.engine().as_str(), self.name())
    }

    /// The kernel's own WGSL source (its file, without the preludes).
    pub fn wgsl(self) -> &'static str {
        match self {
            Self::Windowed(k) => k.wgsl(),
            Self::Temporal(k) => k.wgsl(),
        }
    }

    /// The WGSL entry points of one call, in dispatch order.
    pub fn entry_points(self) -> &'static [&'static str] {
        match self {
            Self::Windowed(k) => k.entry_points(),
            Self::Temporal(k) => k.entry_points(),
        }
    }

    /// Dense index over [`Kernel::all`].
    pub fn index(self) -> usize {
        match self {
            Self::Windowed(k) => k as usize,
            Self::Temporal(k) => N_WINDOWED + k as usize,
        }
    }
}

impl serde::Serialize for Kernel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// How a kernel's time was measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingMethod {
    /// Host wall clock around the kernel.
    Wall,
    /// GPU timestamps around each kernel of one sampled step per submission; each sample stands
    /// for the kernel's calls since the previous one (timing every dispatch would serialise the
    /// GPU).
    GpuTimestampSampled,
    /// Wall clock around a submit-and-wait of each kernel of sampled steps (no timestamps).
    WallSampled,
}

impl TimingMethod {
    /// Words for a summary line.
    pub fn label(self) -> &'static str {
        match self {
            Self::Wall => "wall-clock",
            Self::GpuTimestampSampled => "sampled GPU-timestamp",
            Self::WallSampled => "sampled wall-clock",
        }
    }
}

/// Accumulated time and call count per kernel.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KernelTimes {
    total: [Duration; N_KERNELS],
    calls: [u64; N_KERNELS],
}

impl KernelTimes {
    /// Run `f` as one call of `kernel`, adding its wall time.
    #[inline]
    pub fn time<T>(&mut self, kernel: impl Into<Kernel>, f: impl FnOnce() -> T) -> T {
        let k = kernel.into().index();
        let start = Instant::now();
        let out = f();
        self.total[k] += start.elapsed();
        self.calls[k] += 1;
        out
    }

    /// Add `secs` over `calls` calls of `kernel`.
    pub fn add(&mut self, kernel: impl Into<Kernel>, secs: f64, calls: u64) {
        let k = kernel.into().index();
        self.total[k] += Duration::from_secs_f64(secs.max(0.0));
        self.calls[k] += calls;
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
        Kernel::all()
            .filter(|&k| self.calls(k) > 0)
            .map(|k| KernelRow { kernel: k, total_secs: self.secs(k), calls: self.calls(k), method })
            .collect()
    }
}

/// One kernel's line in a report.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
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

/// Kernel times fitted to the engine's measured wall time, so the rows add up to it: what the
/// kernels account for, and the rest (host work, transfers, waits, anything unattributed).
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// Each kernel's seconds, scaled by `scale`.
    pub rows: Vec<(Kernel, f64)>,
    /// The engine's time the kernels do not account for (never negative).
    pub other: f64,
    /// Factor applied to the kernels' own figures: 1 unless they summed to more than the wall
    /// time (sampled GPU estimates can: a sampled step may include the driver's pipeline
    /// compilation or a submit-and-wait's latency), then `total / Σ kernels`.
    pub scale: f64,
    /// The engine's wall time; `Σ rows + other == total`.
    pub total: f64,
}

impl Attribution {
    /// Split `total` seconds of engine wall time among `kernels` (their own figures): kernels
    /// summing to more than `total` are scaled down to it in proportion, and what they do not
    /// cover is `other`.
    pub fn fit(kernels: &[(Kernel, f64)], total: f64) -> Self {
        let total = if total.is_finite() { total.max(0.0) } else { 0.0 };
        let clean = |s: f64| if s.is_finite() { s.max(0.0) } else { 0.0 };
        let sum: f64 = kernels.iter().map(|&(_, s)| clean(s)).sum();
        let scale = if sum > total && sum > 0.0 { total / sum } else { 1.0 };
        let rows: Vec<(Kernel, f64)> = kernels.iter().map(|&(k, s)| (k, clean(s) * scale)).collect();
        let covered: f64 = rows.iter().map(|r| r.1).sum();
        Self { rows, other: (total - covered).max(0.0), scale, total }
    }

    /// Whether the kernels' own figures were scaled down to fit.
    pub fn scaled(&self) -> bool {
        self.scale < 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_has_a_distinct_index_and_file() {
        let all: Vec<Kernel> = Kernel::all().collect();
        assert_eq!(all.len(), N_KERNELS);
        for (i, k) in all.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
        let mut paths: Vec<String> = all.iter().map(|k| k.path()).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), N_KERNELS);
        assert_eq!(Kernel::from(WindowedKernel::ActivationSpread).entry_points(), ["accumulate", "activate"]);
    }

    #[test]
    fn attribution_rows_and_other_add_up_to_the_total() {
        let (a, b) = (Kernel::from(TemporalKernel::PairUpdate), Kernel::from(TemporalKernel::Prune));
        // Kernels under the total: kept as they are, the rest is other.
        let fit = Attribution::fit(&[(a, 0.25), (b, 0.5)], 1.0);
        assert_eq!(fit.rows, vec![(a, 0.25), (b, 0.5)]);
        assert_eq!((fit.other, fit.scale, fit.scaled()), (0.25, 1.0, false));
        // Sampled kernels over the total (7.5 s against 2.25 s): scaled by 0.3, nothing left over.
        let fit = Attribution::fit(&[(a, 5.0), (b, 2.5)], 2.25);
        assert!((fit.scale - 0.3).abs() < 1e-15 && fit.scaled());
        assert!((fit.rows[0].1 - 1.5).abs() < 1e-12 && (fit.rows[1].1 - 0.75).abs() < 1e-12);
        assert_eq!(fit.other, 0.0);
        // Kernels read as 0 (timestamps that never advanced): everything is other.
        let fit = Attribution::fit(&[(a, 0.0), (b, 0.0)], 0.097);
        assert_eq!((fit.other, fit.scale), (0.097, 1.0));
        // Non-finite or negative figures count as 0.
        let fit = Attribution::fit(&[(a, f64::NAN), (b, -1.0)], 1.0);
        assert_eq!(fit.other, 1.0);
        for fit in [Attribution::fit(&[(a, 0.3), (b, 0.9)], 1.0), Attribution::fit(&[(a, 0.1)], 0.5)] {
            let sum: f64 = fit.rows.iter().map(|r| r.1).sum::<f64>() + fit.other;
            assert!((sum - fit.total).abs() < 1e-12);
        }
    }
}
