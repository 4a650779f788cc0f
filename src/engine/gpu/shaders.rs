//! WGSL sources, assembled in one place per [`Kernel`]: a precision prelude
//! (`precision/f32.wgsl` or `f64.wgsl`: the `real` type and `exp_real`), for the windowed
//! engine its fixed-point sums (`precision/sums_*.wgsl`), the engine's `state.wgsl` (bindings,
//! constants, helpers), for the pair updates the shared `mass.wgsl`, then the kernel's file
//! ([`Kernel::wgsl`], included by the kernel table itself).

use crate::kernel::{Kernel, TemporalKernel, WindowedKernel};

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

/// The complete WGSL module of `kernel` in f64 (`SHADER_F64` adapters) or f32.
pub fn wgsl(kernel: Kernel, f64: bool) -> String {
    let (state, sums) = match (kernel, f64) {
        (Kernel::Windowed(_), false) => (WINDOWED, SUMS_F32),
        (Kernel::Windowed(_), true) => (WINDOWED, SUMS_F64),
        (Kernel::Temporal(_), _) => (TEMPORAL, ""),
    };
    let pair_update =
        matches!(kernel, Kernel::Windowed(WindowedKernel::PairUpdate) | Kernel::Temporal(TemporalKernel::PairUpdate));
    [if f64 { F64 } else { F32 }, sums, state, if pair_update { MASS } else { "" }, kernel.wgsl()].concat()
}
