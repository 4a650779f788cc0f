//! The wgpu side of the compute layer: a headless device, the building blocks of resident
//! state, and the GPU engines. Only this module names `wgpu`.

pub mod device;
pub mod resident;
pub mod shaders;
pub mod temporal;
pub mod windowed;

pub use device::{GpuDevice, GpuError, GpuInfo};
