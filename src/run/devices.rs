//! What runs the engines: the CPU's label, and the GPU adapter a GPU run would use (`huey
//! gpu-info`, the sweep's header).

use super::RunError;
use crate::engine::cpu::cpu_device;
use crate::engine::gpu::{GpuDevice, GpuInfo};
use crate::model::options::Precision;

/// The CPU engines' device label in `precision`.
pub fn cpu(precision: Precision) -> String {
    match precision {
        Precision::F64 => cpu_device::<f64>(),
        Precision::F32 => cpu_device::<f32>(),
    }
}

/// The GPU adapter of this process, or why there is none.
pub fn gpu() -> Result<GpuInfo, RunError> {
    Ok(GpuDevice::shared().map_err(crate::engine::EngineError::from)?.info)
}
