//! Building blocks of the device-resident engines: growable storage arrays checked against the
//! adapter's limits, read-back, dispatch grids, and sampled per-kernel timing.

use super::device::{GpuDevice, GpuError};
use crate::kernel::{Kernel, KernelTimes, TimingMethod};

/// Threads per workgroup of the per-neuron and per-slot kernels (`WG` in the WGSL).
pub const WORKGROUP: u64 = 64;
const MAX_GROUPS: u64 = 65_535;

/// Workgroups covering `n` threads, as a 2-D grid when one dimension is not enough (the WGSL
/// reads the index back with `thread_index`).
pub fn grid(n: u64) -> (u32, u32) {
    let groups = n.div_ceil(WORKGROUP).max(1);
    let x = groups.min(MAX_GROUPS);
    (x as u32, groups.div_ceil(x) as u32)
}

/// A storage buffer of `cap` elements of `elem` bytes that grows (contents kept) on demand.
#[derive(Debug)]
pub struct Array {
    /// The buffer.
    pub buffer: wgpu::Buffer,
    elem: u64,
    cap: u64,
    what: &'static str,
}

impl Array {
    /// A zeroed array; refused when larger than a storage binding may be.
    pub fn new(gpu: &GpuDevice, what: &'static str, elem: u64, cap: u64) -> Result<Self, GpuError> {
        let cap = cap.max(1);
        let size = (elem * cap).next_multiple_of(4);
        gpu.check_binding(what, size)?;
        let buffer = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(what),
            size,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Ok(Self { buffer, elem, cap, what })
    }

    /// Elements it can hold.
    pub fn cap(&self) -> u64 {
        self.cap
    }

    /// Bytes allocated.
    pub fn bytes(&self) -> u64 {
        self.buffer.size()
    }

    /// Make room for `needed` elements (doubling), copying the contents on the device.
    /// Returns whether the buffer was replaced (bind groups must then be rebuilt).
    pub fn reserve(&mut self, gpu: &GpuDevice, needed: u64) -> Result<bool, GpuError> {
        if needed <= self.cap {
            return Ok(false);
        }
        let cap = needed.max(self.cap * 2);
        let cap = if self.elem * cap > gpu.info.max_storage_binding { needed } else { cap };
        let grown = Self::new(gpu, self.what, self.elem, cap)?;
        let mut encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("grow") });
        encoder.copy_buffer_to_buffer(&self.buffer, 0, &grown.buffer, 0, self.buffer.size());
        gpu.queue.submit([encoder.finish()]);
        *self = grown;
        Ok(true)
    }

    /// Upload `data` at element `at` (growing first when needed).
    pub fn write(&mut self, gpu: &GpuDevice, at: u64, data: &[u8]) -> Result<bool, GpuError> {
        let grew = self.reserve(gpu, at + (data.len() as u64).div_ceil(self.elem))?;
        if !data.is_empty() {
            gpu.queue.write_buffer(&self.buffer, at * self.elem, data);
        }
        Ok(grew)
    }
}

/// Wait for all submitted work.
pub fn wait(gpu: &GpuDevice) -> Result<(), GpuError> {
    gpu.device.poll(wgpu::PollType::wait_indefinitely()).map(|_| ()).map_err(|e| GpuError::Runtime(e.to_string()))?;
    gpu.take_error().map_or(Ok(()), Err)
}

/// Copy byte ranges `(buffer, offset, len)` to the host in one submission.
pub fn read_back(gpu: &GpuDevice, parts: &[(&wgpu::Buffer, u64, u64)]) -> Result<Vec<Vec<u8>>, GpuError> {
    let sizes: Vec<u64> = parts.iter().map(|p| p.2.next_multiple_of(4)).collect();
    let total: u64 = sizes.iter().sum::<u64>().max(4);
    let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("read back"),
        size: total,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("read back") });
    let mut at = 0;
    for (&(buffer, offset, _), &size) in parts.iter().zip(&sizes) {
        if size > 0 {
            encoder.copy_buffer_to_buffer(buffer, offset, &staging, at, size);
        }
        at += size;
    }
    gpu.queue.submit([encoder.finish()]);
    let slice = staging.slice(..);
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    wait(gpu)?;
    rx.recv().map_err(|e| GpuError::Readback(e.to_string()))?.map_err(|e| GpuError::Readback(e.to_string()))?;
    let bytes = slice.get_mapped_range().map_err(|e| GpuError::Readback(e.to_string()))?.to_vec();
    staging.unmap();
    let mut out = Vec::with_capacity(parts.len());
    let mut at = 0usize;
    for (part, &size) in parts.iter().zip(&sizes) {
        out.push(bytes[at..at + part.2 as usize].to_vec());
        at += size as usize;
    }
    Ok(out)
}

/// Little-endian u32 words of read-back bytes.
pub fn words(bytes: &[u8]) -> Vec<u32> {
    bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// Per-kernel timing of a resident engine. Recording every dispatch in its own timed pass
/// would serialise the GPU, so one step per submission is recorded pass by pass and timed
/// (GPU timestamps where offered, else wall clock around a submit-and-wait of each kernel);
/// per-call means come from those samples and totals are mean × calls.
#[derive(Debug)]
pub struct Sampler {
    queries: Option<wgpu::QuerySet>,
    resolve: Option<wgpu::Buffer>,
    kernels: Vec<Kernel>,
    pending: u32,
    capacity: u32,
    sum_secs: Vec<f64>,
    samples: Vec<u64>,
    calls: Vec<u64>,
    /// The first sample includes the driver's pipeline compilation; it is dropped.
    warm: bool,
}

impl Sampler {
    /// Up to `capacity` samples between read-backs, for a step of `kernels` (in dispatch order).
    pub fn new(gpu: &GpuDevice, kernels: Vec<Kernel>, capacity: u32) -> Self {
        let n = 2 * kernels.len() as u32 * capacity;
        let (queries, resolve) = if gpu.info.timestamps {
            let q = gpu.device.create_query_set(&wgpu::QuerySetDescriptor {
                label: Some("kernel timestamps"),
                ty: wgpu::QueryType::Timestamp,
                count: n,
            });
            let b = gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("timestamps"),
                size: u64::from(n) * 8,
                usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            });
            (Some(q), Some(b))
        } else {
            (None, None)
        };
        let len = kernels.len();
        Self {
            queries,
            resolve,
            kernels,
            pending: 0,
            capacity,
            sum_secs: vec![0.0; len],
            samples: vec![0; len],
            calls: vec![0; len],
            warm: false,
        }
    }

    /// How kernels are timed.
    pub fn method(&self) -> TimingMethod {
        if self.queries.is_some() { TimingMethod::GpuTimestampSampled } else { TimingMethod::WallSampled }
    }

    /// Whether a timestamp sample can be recorded now (else read back first).
    pub fn has_room(&self) -> bool {
        self.queries.is_some() && self.pending < self.capacity
    }

    /// Timestamp writes for kernel `k` of the next sample.
    pub fn writes(&self, k: usize) -> Option<wgpu::ComputePassTimestampWrites<'_>> {
        let base = 2 * (self.pending * self.kernels.len() as u32 + k as u32);
        self.queries.as_ref().map(|q| wgpu::ComputePassTimestampWrites {
            query_set: q,
            beginning_of_pass_write_index: Some(base),
            end_of_pass_write_index: Some(base + 1),
        })
    }

    /// The sample whose passes were just recorded is complete.
    pub fn recorded(&mut self) {
        self.pending += 1;
    }

    /// Add a wall-clock sample of kernel `k` (the first step's samples are dropped).
    pub fn add_wall(&mut self, k: usize, secs: f64) {
        if !self.warm {
            self.warm = k + 1 == self.kernels.len();
            return;
        }
        self.sum_secs[k] += secs;
        self.samples[k] += 1;
    }

    /// Count `n` dispatches of kernel `k`.
    pub fn count(&mut self, k: usize, n: u64) {
        self.calls[k] += n;
    }

    /// Resolve and read the pending timestamp samples.
    pub fn collect(&mut self, gpu: &GpuDevice) -> Result<(), GpuError> {
        let (Some(queries), Some(resolve)) = (&self.queries, &self.resolve) else { return Ok(()) };
        if self.pending == 0 {
            return Ok(());
        }
        let n = 2 * self.pending * self.kernels.len() as u32;
        let mut encoder =
            gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("timestamps") });
        encoder.resolve_query_set(queries, 0..n, resolve, 0);
        gpu.queue.submit([encoder.finish()]);
        let bytes = read_back(gpu, &[(resolve, 0, u64::from(n) * 8)])?.remove(0);
        let ticks: Vec<u64> =
            bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect();
        let period = f64::from(gpu.queue.get_timestamp_period()) * 1e-9;
        let skip = if self.warm { 0 } else { self.kernels.len() };
        self.warm = true;
        for (j, pair) in ticks.chunks_exact(2).enumerate().skip(skip) {
            let k = j % self.kernels.len();
            self.sum_secs[k] += pair[1].saturating_sub(pair[0]) as f64 * period;
            self.samples[k] += 1;
        }
        self.pending = 0;
        Ok(())
    }

    /// Totals per kernel: the mean of the samples × calls, summed over a kernel's dispatches;
    /// its calls are counted once (from its first dispatch).
    pub fn times(&self) -> KernelTimes {
        let mut times = KernelTimes::default();
        for (k, &kernel) in self.kernels.iter().enumerate() {
            let mean = if self.samples[k] > 0 { self.sum_secs[k] / self.samples[k] as f64 } else { 0.0 };
            let first = self.kernels.iter().position(|&other| other == kernel) == Some(k);
            times.add(kernel, mean * self.calls[k] as f64, if first { self.calls[k] } else { 0 });
        }
        times
    }
}

/// Bytes of `values` as the shaders' `real`: f64, or f32 (rounded to nearest).
pub fn real_bytes(values: impl IntoIterator<Item = f64>, f64: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        if f64 {
            out.extend_from_slice(&v.to_le_bytes());
        } else {
            out.extend_from_slice(&(v as f32).to_le_bytes());
        }
    }
    out
}

/// Read-back `real`s, widened to f64.
pub fn reals(bytes: &[u8], f64: bool) -> Vec<f64> {
    if f64 {
        bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect()
    } else {
        bytes.chunks_exact(4).map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]]))).collect()
    }
}

/// The shaders' compile-time precision, refused when the adapter lacks f64.
pub fn check_precision(gpu: &GpuDevice, f64: bool) -> Result<(), GpuError> {
    if f64 && !gpu.info.shader_f64 {
        return Err(GpuError::Unsupported(format!("{} offers no SHADER_F64: f64 runs on the CPU only", gpu.info.name)));
    }
    Ok(())
}

/// Little-endian bytes of u32 words (what every upload is made of).
pub fn bytes_of(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// A compute bind-group layout: binding 0 a uniform, bindings 1..=`n_storage` storage buffers
/// (read-only where `read_only(binding)`), the same for every kernel of an engine.
pub fn state_layout(
    gpu: &GpuDevice,
    label: &str,
    n_storage: u32,
    read_only: impl Fn(u32) -> bool,
) -> wgpu::BindGroupLayout {
    let entry = |binding, ty| wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
        count: None,
    };
    let mut entries = vec![entry(0, wgpu::BufferBindingType::Uniform)];
    entries.extend((1..=n_storage).map(|b| entry(b, wgpu::BufferBindingType::Storage { read_only: read_only(b) })));
    gpu.device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: Some(label), entries: &entries })
}

/// A bind group with `buffers[k]` whole at binding `k`.
pub fn bind_buffers(
    gpu: &GpuDevice,
    label: &str,
    layout: &wgpu::BindGroupLayout,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry> = buffers
        .iter()
        .enumerate()
        .map(|(k, buf)| wgpu::BindGroupEntry { binding: k as u32, resource: buf.as_entire_binding() })
        .collect();
    gpu.device.create_bind_group(&wgpu::BindGroupDescriptor { label: Some(label), layout, entries: &entries })
}

/// A compute pipeline from WGSL source and entry point, with an explicit layout.
pub fn pipeline(
    gpu: &GpuDevice,
    label: &str,
    layout: &wgpu::PipelineLayout,
    wgsl: String,
    entry: &str,
) -> wgpu::ComputePipeline {
    let module = gpu.device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(label),
        source: wgpu::ShaderSource::Wgsl(wgsl.into()),
    });
    gpu.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(label),
        layout: Some(layout),
        module: &module,
        entry_point: Some(entry),
        compilation_options: wgpu::PipelineCompilationOptions::default(),
        cache: None,
    })
}
