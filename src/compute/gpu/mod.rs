//! The wgpu side of the compute layer: a headless device and the WGSL kernels with their
//! dispatch code. Only this module names `wgpu`.
//!
//! Status: the device layer and the activation kernels (with CPU twins and parity tests) are
//! here; the GPU backend that keeps a whole network on the device is the next step.

pub mod device;
pub mod kernels;
pub mod shaders;

pub use device::{GpuDevice, GpuError, GpuInfo};
