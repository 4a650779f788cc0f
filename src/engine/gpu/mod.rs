//! The wgpu side of the engine layer: a headless device, device state as bindings
//! ([`resident`]), uniform layouts checked against the WGSL ([`layout`]), shader assembly, the
//! one [`executor`] both engines record through, sampled kernel timing, and the two GPU
//! engines. Only this module names `wgpu`.

/// The `LearningEngine` methods both resident engines answer alike from their device and
/// executor, defined once.
macro_rules! resident_engine_methods {
    () => {
        fn kernel_times(&self) -> $crate::kernel::KernelTimes {
            self.executor.times()
        }

        fn timing_method(&self) -> $crate::kernel::TimingMethod {
            self.executor.method()
        }

        fn backend(&self) -> $crate::model::options::Backend {
            $crate::model::options::Backend::Gpu
        }

        fn device(&self) -> String {
            let precision = if <R as $crate::model::real::Real>::IS_F64 { "f64" } else { "f32" };
            format!("{} ({precision})", self.gpu.info)
        }
    };
}

pub mod buffers;
pub mod device;
pub mod executor;
pub mod layout;
pub mod resident;
pub mod shaders;
pub mod temporal;
pub mod timing;
pub mod windowed;

pub use device::{GpuDevice, GpuError, GpuInfo};
