//! WGSL sources, assembled in one place: a precision prelude (`precision/f32.wgsl` or
//! `f64.wgsl`: the `real` type and `exp_real`), for the windowed engine its fixed-point sums
//! (`precision/sums_*.wgsl`), the engine's `state.wgsl` (bindings and helpers), for the pair
//! updates the shared `mass.wgsl`, then one kernel file.

macro_rules! shader {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/", $path))
    };
}

const F32: &str = shader!("precision/f32.wgsl");
const F64: &str = shader!("precision/f64.wgsl");
const SUMS_F32: &str = shader!("precision/sums_f32.wgsl");
const SUMS_F64: &str = shader!("precision/sums_f64.wgsl");
const WINDOWED: &str = shader!("windowed/state.wgsl");
const TEMPORAL: &str = shader!("temporal/state.wgsl");
const MASS: &str = shader!("mass.wgsl");

/// A kernel file of one engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Windowed: word → neuron resolution with eviction (one workgroup).
    WResolve,
    /// Windowed: activation decay.
    WActivationDecay,
    /// Windowed: window marking and connection decay.
    WConnectionDecay,
    /// Windowed: Hebbian pair update (one invocation).
    WPairUpdate,
    /// Windowed: prune.
    WPrune,
    /// Windowed: activation spread (`accumulate`, `activate`).
    WActivationSpread,
    /// Temporal: commit new slots, enter the exchange's ids.
    TBegin,
    /// Temporal: free dead connections, find the exchange's existing ones.
    TPrune,
    /// Temporal: the Hebbian update of every key of the exchange.
    TPairUpdate,
}

impl Source {
    /// Every kernel file.
    pub const ALL: [Self; 9] = [
        Self::WResolve,
        Self::WActivationDecay,
        Self::WConnectionDecay,
        Self::WPairUpdate,
        Self::WPrune,
        Self::WActivationSpread,
        Self::TBegin,
        Self::TPrune,
        Self::TPairUpdate,
    ];

    fn parts(self) -> (&'static str, &'static str) {
        match self {
            Self::WResolve => (WINDOWED, shader!("windowed/eviction.wgsl")),
            Self::WActivationDecay => (WINDOWED, shader!("windowed/activation_decay.wgsl")),
            Self::WConnectionDecay => (WINDOWED, shader!("windowed/connection_decay.wgsl")),
            Self::WPairUpdate => (WINDOWED, shader!("windowed/pair_update.wgsl")),
            Self::WPrune => (WINDOWED, shader!("windowed/prune.wgsl")),
            Self::WActivationSpread => (WINDOWED, shader!("windowed/activation_spread.wgsl")),
            Self::TBegin => (TEMPORAL, shader!("temporal/begin.wgsl")),
            Self::TPrune => (TEMPORAL, shader!("temporal/prune.wgsl")),
            Self::TPairUpdate => (TEMPORAL, shader!("temporal/pair_update.wgsl")),
        }
    }

    /// The complete WGSL module in f64 (`SHADER_F64` adapters) or f32.
    pub fn wgsl(self, f64: bool) -> String {
        let (state, kernel) = self.parts();
        let sums = match (state == WINDOWED, f64) {
            (false, _) => "",
            (true, false) => SUMS_F32,
            (true, true) => SUMS_F64,
        };
        let mass = if matches!(self, Self::WPairUpdate | Self::TPairUpdate) { MASS } else { "" };
        [if f64 { F64 } else { F32 }, sums, state, mass, kernel].concat()
    }
}
