//! A headless wgpu device for compute: its own instance, adapter and queue (it never borrows a
//! renderer's device), optional timestamp queries and f64, and an uncaptured-error hook.

use std::sync::{Arc, Mutex};

/// Why no GPU could be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GpuError {
    /// No adapter matched (no driver, or all hidden by `WGPU_BACKEND` / `VK_ICD_FILENAMES`).
    #[error("no GPU adapter found ({0}); install a Vulkan driver (e.g. Mesa's lavapipe: mesa-vulkan-drivers)")]
    NoAdapter(String),
    /// The adapter refused the device.
    #[error("the GPU adapter refused to create a device: {0}")]
    Device(String),
    /// A validation or out-of-memory error reported by the device.
    #[error("GPU error: {0}")]
    Runtime(String),
    /// The request cannot be served by the GPU engines.
    #[error("{0}")]
    Unsupported(String),
    /// A buffer could not be read back.
    #[error("GPU read-back failed: {0}")]
    Readback(String),
    /// The adapter cannot run f64 shaders.
    #[error("{adapter} offers no SHADER_F64: f64 runs on the CPU only")]
    NoF64 {
        /// The adapter's name.
        adapter: String,
    },
    /// The adapter allows fewer storage buffers per shader stage than an engine binds.
    #[error("the adapter allows {allowed} storage buffers per shader stage; the GPU engine needs {needed}")]
    TooFewBindings {
        /// Storage buffers the engine binds.
        needed: u32,
        /// The adapter's limit.
        allowed: u32,
    },
    /// The requested state does not fit the adapter's limits.
    #[error("{what} needs {needed} bytes but the adapter allows at most {limit} ({limit_name})")]
    TooLarge {
        /// What was being allocated.
        what: &'static str,
        /// Bytes needed.
        needed: u64,
        /// The limit.
        limit: u64,
        /// The limit's wgpu name.
        limit_name: &'static str,
    },
}

/// What the device is, for labelling every timing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GpuInfo {
    /// Adapter name (e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`).
    pub name: String,
    /// Backend (Vulkan, Metal, Dx12, Gl).
    pub backend: String,
    /// Driver and its version.
    pub driver: String,
    /// Discrete, integrated, virtual, CPU, other.
    pub device_type: String,
    /// Whether pass timestamps are available.
    pub timestamps: bool,
    /// Whether shaders may use f64.
    pub shader_f64: bool,
    /// Largest storage-buffer binding in bytes.
    pub max_storage_binding: u64,
    /// Storage buffers one shader stage may bind.
    pub max_storage_buffers: u32,
}

impl std::fmt::Display for GpuInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}, {}, {}; timestamps {}, f64 {})",
            self.name,
            self.backend,
            self.device_type,
            self.driver,
            if self.timestamps { "yes" } else { "no" },
            if self.shader_f64 { "yes" } else { "no" }
        )
    }
}

/// A device and queue for compute, plus what they can do.
#[derive(Clone, Debug)]
pub struct GpuDevice {
    /// The device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
    /// What it is.
    pub info: GpuInfo,
    errors: Arc<Mutex<Vec<String>>>,
}

impl GpuDevice {
    /// Open the best adapter the environment allows (`WGPU_BACKEND`, `VK_ICD_FILENAMES` are
    /// honoured), requesting timestamps and f64 only where offered.
    pub fn new() -> Result<Self, GpuError> {
        pollster::block_on(Self::open())
    }

    /// One device per process, opened on first use (opening costs 0.05–0.5 s); engines share it.
    pub fn shared() -> Result<Self, GpuError> {
        static SHARED: std::sync::OnceLock<Result<GpuDevice, GpuError>> = std::sync::OnceLock::new();
        SHARED.get_or_init(Self::new).clone()
    }

    async fn open() -> Result<Self, GpuError> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let offered = adapter.features();
        let wanted = wgpu::Features::TIMESTAMP_QUERY | wgpu::Features::SHADER_F64;
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("huey compute"),
                required_features: offered & wanted,
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::Device(e.to_string()))?;
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&errors);
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut list) = sink.lock() {
                list.push(e.to_string());
            }
        }));
        let a = adapter.get_info();
        let info = GpuInfo {
            name: a.name,
            backend: format!("{:?}", a.backend),
            driver: format!("{} {}", a.driver, a.driver_info).trim().to_owned(),
            device_type: format!("{:?}", a.device_type),
            timestamps: offered.contains(wgpu::Features::TIMESTAMP_QUERY),
            shader_f64: offered.contains(wgpu::Features::SHADER_F64),
            max_storage_binding: limits.max_storage_buffer_binding_size.min(limits.max_buffer_size),
            max_storage_buffers: limits.max_storage_buffers_per_shader_stage,
        };
        Ok(Self { device, queue, info, errors })
    }

    /// The first error the device reported since the last call, if any.
    pub fn take_error(&self) -> Option<GpuError> {
        let mut list = self.errors.lock().ok()?;
        let first = list.first().cloned();
        list.clear();
        first.map(GpuError::Runtime)
    }

    /// The same device, told that it has no timestamp queries: kernels are then timed by the
    /// wall clock (for tests of that path on adapters that have them).
    pub fn without_timestamps(&self) -> Self {
        let mut gpu = self.clone();
        gpu.info.timestamps = false;
        gpu
    }

    /// Refuse f64 work on an adapter without `SHADER_F64`.
    pub fn check_f64(&self, f64: bool) -> Result<(), GpuError> {
        if f64 && !self.info.shader_f64 {
            return Err(GpuError::NoF64 { adapter: self.info.name.clone() });
        }
        Ok(())
    }

    /// Refuse an allocation larger than a storage binding may be.
    pub fn check_binding(&self, what: &'static str, bytes: u64) -> Result<(), GpuError> {
        if bytes > self.info.max_storage_binding {
            return Err(GpuError::TooLarge {
                what,
                needed: bytes,
                limit: self.info.max_storage_binding,
                limit_name: "max_storage_buffer_binding_size",
            });
        }
        Ok(())
    }
}
