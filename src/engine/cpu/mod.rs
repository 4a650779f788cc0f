//! The CPU engines: the best algorithms we know for each engine's rules, in f64 (the
//! reference's arithmetic) or f32 (the GPU kernels' arithmetic, fixed-point sums included).

pub mod temporal;
pub mod dense_windowed;
pub mod windowed;

use crate::model::real::Real;

/// What runs a CPU engine of precision `R`, for labelling every timing.
pub fn cpu_device<R: Real>() -> String {
    let precision = if R::IS_F64 { "f64" } else { "f32" };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    format!("CPU ({}, {threads} hardware threads, {precision})", std::env::consts::ARCH)
}
