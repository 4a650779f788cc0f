//! Building blocks of the device-resident engines: growable storage arrays checked against the
//! adapter's limits, read-back in one submission, dispatch grids, pipelines.

use super::device::{GpuDevice, GpuError};

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

    /// Bytes per element.
    pub fn elem(&self) -> u64 {
        self.elem
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

    /// Lay the array out again as `reps` rows of `per_rep` elements (was: rows of
    /// `old_per_rep`), each row's contents kept at its start: how arrays with one part per
    /// replicate grow. With one replicate this is a growth that keeps the contents.
    pub fn restride(&mut self, gpu: &GpuDevice, old_per_rep: u64, per_rep: u64, reps: u64) -> Result<(), GpuError> {
        let grown = Self::new(gpu, self.what, self.elem, per_rep * reps)?;
        let mut encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("grow") });
        let row = (old_per_rep.min(per_rep) * self.elem).min(self.bytes());
        for r in 0..reps {
            let (from, to) = (r * old_per_rep * self.elem, r * per_rep * self.elem);
            // Copies are in whole words (every element is a multiple of 4 bytes).
            let len = row.min(self.bytes().saturating_sub(from)) & !3;
            if len > 0 {
                encoder.copy_buffer_to_buffer(&self.buffer, from, &grown.buffer, to, len);
            }
        }
        gpu.queue.submit([encoder.finish()]);
        *self = grown;
        Ok(())
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

/// Little-endian bytes of u32 words (what every upload is made of).
pub fn bytes_of(words: &[u32]) -> &[u8] {
    bytemuck::cast_slice(words)
}

/// Elements of type `T` from read-back bytes (whole elements; alignment need not hold).
pub fn elements<T: bytemuck::Pod>(bytes: &[u8]) -> Vec<T> {
    bytes.chunks_exact(std::mem::size_of::<T>()).map(bytemuck::pod_read_unaligned).collect()
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
