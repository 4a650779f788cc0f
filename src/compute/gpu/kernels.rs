//! Pipelines of the WGSL kernels and one-shot dispatch helpers (upload, run, read back) used by
//! the parity tests and `huey gpu-info`. The GPU backend will reuse the pipelines with buffers
//! that stay on the device.

use wgpu::util::DeviceExt as _;

use super::device::{GpuDevice, GpuError};
use super::shaders;
use crate::compute::TimingMethod;

/// `Params` of common.wgsl: 8 words.
#[derive(Clone, Copy, Debug, Default)]
pub struct Params {
    /// Neurons (ids) in the activation buffer.
    pub n_neurons: u32,
    /// Edges in the edge buffer.
    pub n_edges: u32,
    /// Read only low→high edges (the reference's vectorised kernel).
    pub low_high_only: bool,
    /// Activation decay.
    pub decay: f32,
    /// Activation floor.
    pub floor: f32,
}

impl Params {
    fn words(&self) -> [u32; 8] {
        [
            self.n_neurons,
            self.n_edges,
            u32::from(self.low_high_only),
            0,
            self.decay.to_bits(),
            self.floor.to_bits(),
            0,
            0,
        ]
    }
}

/// Seconds one kernel took, and how they were measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Seconds.
    pub secs: f64,
    /// GPU timestamps around the pass, or host wall clock around submit-and-wait.
    pub method: TimingMethod,
}

/// The activation kernels' pipelines, built once per device.
#[derive(Debug)]
pub struct ActivationKernels {
    decay: wgpu::ComputePipeline,
    accumulate: wgpu::ComputePipeline,
    activate: wgpu::ComputePipeline,
}

fn pipeline(gpu: &GpuDevice, label: &str, source: &str, entry: &str) -> wgpu::ComputePipeline {
    let module = gpu.device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(label),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    gpu.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(label),
        layout: None,
        module: &module,
        entry_point: Some(entry),
        compilation_options: wgpu::PipelineCompilationOptions::default(),
        cache: None,
    })
}

const WORKGROUP: u32 = 64;

fn groups(n: u32) -> u32 {
    n.div_ceil(WORKGROUP).max(1)
}

impl ActivationKernels {
    /// Compile the kernels; shader errors surface through [`GpuDevice::take_error`].
    pub fn new(gpu: &GpuDevice) -> Result<Self, GpuError> {
        let kernels = Self {
            decay: pipeline(gpu, "activation_decay", shaders::ACTIVATION_DECAY, "main"),
            accumulate: pipeline(gpu, "activation_spread.accumulate", shaders::ACTIVATION_SPREAD, "accumulate"),
            activate: pipeline(gpu, "activation_spread.activate", shaders::ACTIVATION_SPREAD, "activate"),
        };
        gpu.take_error().map_or(Ok(kernels), Err)
    }

    /// Run `activation_decay` over `activations` (uploaded, dispatched, read back).
    pub fn decay(&self, gpu: &GpuDevice, activations: &mut [f32], decay: f32, floor: f32) -> Result<Timing, GpuError> {
        let params = Params { n_neurons: len_u32(activations.len()), decay, floor, ..Params::default() };
        let run = OneShot::new(gpu, params, activations, &[])?;
        let bind = run.bind(gpu, &self.decay, false, false);
        let timing = run.dispatch(gpu, &[(&self.decay, &bind, groups(params.n_neurons))])?;
        run.read_activations(gpu, activations)?;
        Ok(timing)
    }

    /// Run `activation_spread` (accumulate, then activate) with `edges` = (from, to, strength).
    pub fn spread(
        &self,
        gpu: &GpuDevice,
        activations: &mut [f32],
        edges: &[(u32, u32, f32)],
        low_high_only: bool,
    ) -> Result<Timing, GpuError> {
        let words: Vec<u32> = edges.iter().flat_map(|&(f, t, s)| [f, t, s.to_bits(), 1]).collect();
        let params = Params {
            n_neurons: len_u32(activations.len()),
            n_edges: len_u32(edges.len()),
            low_high_only,
            ..Params::default()
        };
        gpu.check_binding("the edge buffer", words.len() as u64 * 4)?;
        let run = OneShot::new(gpu, params, activations, &words)?;
        let accumulate = run.bind(gpu, &self.accumulate, true, true);
        let activate = run.bind(gpu, &self.activate, false, true);
        let timing = run.dispatch(
            gpu,
            &[
                (&self.accumulate, &accumulate, groups(params.n_edges)),
                (&self.activate, &activate, groups(params.n_neurons)),
            ],
        )?;
        run.read_activations(gpu, activations)?;
        Ok(timing)
    }
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Buffers for one upload-dispatch-readback round.
struct OneShot {
    params: wgpu::Buffer,
    activations: wgpu::Buffer,
    edges: wgpu::Buffer,
    sums: wgpu::Buffer,
    bytes: u64,
}

impl OneShot {
    fn new(gpu: &GpuDevice, params: Params, activations: &[f32], edges: &[u32]) -> Result<Self, GpuError> {
        let bytes = (activations.len().max(1) * 4) as u64;
        gpu.check_binding("the activation buffer", bytes)?;
        let storage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST;
        let init = |label, contents: &[u8], usage| {
            gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor { label: Some(label), contents, usage })
        };
        let padded_edges: Vec<u32> = if edges.is_empty() { vec![0; 4] } else { edges.to_vec() };
        let padded_acts: Vec<f32> = if activations.is_empty() { vec![0.0] } else { activations.to_vec() };
        Ok(Self {
            params: init("params", bytemuck::cast_slice(&params.words()), wgpu::BufferUsages::UNIFORM),
            activations: init("activations", bytemuck::cast_slice(&padded_acts), storage),
            edges: init("edges", bytemuck::cast_slice(&padded_edges), wgpu::BufferUsages::STORAGE),
            sums: init("sums", &vec![0u8; bytes as usize], storage),
            bytes,
        })
    }

    /// A bind group for `pipeline` with the bindings its entry point uses (auto layouts hold
    /// only those): params and activations always, edges and sums as given.
    fn bind(
        &self,
        gpu: &GpuDevice,
        pipeline: &wgpu::ComputePipeline,
        with_edges: bool,
        with_sums: bool,
    ) -> wgpu::BindGroup {
        let layout = pipeline.get_bind_group_layout(0);
        let mut entries = vec![
            wgpu::BindGroupEntry { binding: 0, resource: self.params.as_entire_binding() },
            wgpu::BindGroupEntry { binding: 1, resource: self.activations.as_entire_binding() },
        ];
        if with_edges {
            entries.push(wgpu::BindGroupEntry { binding: 2, resource: self.edges.as_entire_binding() });
        }
        if with_sums {
            entries.push(wgpu::BindGroupEntry { binding: 3, resource: self.sums.as_entire_binding() });
        }
        gpu.device.create_bind_group(&wgpu::BindGroupDescriptor { label: None, layout: &layout, entries: &entries })
    }

    /// One compute pass per dispatch, timed with pass timestamps when the device has them.
    fn dispatch(
        &self,
        gpu: &GpuDevice,
        passes: &[(&wgpu::ComputePipeline, &wgpu::BindGroup, u32)],
    ) -> Result<Timing, GpuError> {
        let n_queries = 2 * passes.len() as u32;
        let queries = gpu.info.timestamps.then(|| {
            gpu.device.create_query_set(&wgpu::QuerySetDescriptor {
                label: Some("kernel timestamps"),
                ty: wgpu::QueryType::Timestamp,
                count: n_queries,
            })
        });
        let started = std::time::Instant::now();
        let mut encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("kernels") });
        for (k, (pipeline, bind, groups)) in passes.iter().enumerate() {
            let k = k as u32;
            let timestamp_writes = queries.as_ref().map(|q| wgpu::ComputePassTimestampWrites {
                query_set: q,
                beginning_of_pass_write_index: Some(2 * k),
                end_of_pass_write_index: Some(2 * k + 1),
            });
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes });
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, *bind, &[]);
            pass.dispatch_workgroups(*groups, 1, 1);
        }
        let resolved = queries.as_ref().map(|q| {
            let size = u64::from(n_queries) * 8;
            let resolve = gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("timestamps"),
                size,
                usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            });
            let staging = staging(gpu, size);
            encoder.resolve_query_set(q, 0..n_queries, &resolve, 0);
            encoder.copy_buffer_to_buffer(&resolve, 0, &staging, 0, size);
            staging
        });
        gpu.queue.submit([encoder.finish()]);
        wait(gpu)?;
        let wall = started.elapsed().as_secs_f64();
        if let Some(e) = gpu.take_error() {
            return Err(e);
        }
        match resolved {
            Some(buffer) => {
                let ticks: Vec<u64> = bytemuck::cast_slice(&read(gpu, &buffer)?).to_vec();
                let period = f64::from(gpu.queue.get_timestamp_period());
                let secs = ticks.chunks_exact(2).map(|t| t[1].saturating_sub(t[0]) as f64 * period * 1e-9).sum();
                Ok(Timing { secs, method: TimingMethod::GpuTimestamp })
            }
            None => Ok(Timing { secs: wall, method: TimingMethod::Wall }),
        }
    }

    fn read_activations(&self, gpu: &GpuDevice, out: &mut [f32]) -> Result<(), GpuError> {
        let buffer = staging(gpu, self.bytes);
        let mut encoder =
            gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("read back") });
        encoder.copy_buffer_to_buffer(&self.activations, 0, &buffer, 0, self.bytes);
        gpu.queue.submit([encoder.finish()]);
        let bytes = read(gpu, &buffer)?;
        let values: &[f32] = bytemuck::cast_slice(&bytes);
        out.copy_from_slice(&values[..out.len()]);
        Ok(())
    }
}

fn staging(gpu: &GpuDevice, size: u64) -> wgpu::Buffer {
    gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("staging"),
        size,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

fn wait(gpu: &GpuDevice) -> Result<(), GpuError> {
    gpu.device.poll(wgpu::PollType::wait_indefinitely()).map(|_| ()).map_err(|e| GpuError::Runtime(e.to_string()))
}

/// Map a staging buffer (after its copy was submitted) and return its bytes.
fn read(gpu: &GpuDevice, buffer: &wgpu::Buffer) -> Result<Vec<u8>, GpuError> {
    let slice = buffer.slice(..);
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    wait(gpu)?;
    rx.recv().map_err(|e| GpuError::Readback(e.to_string()))?.map_err(|e| GpuError::Readback(e.to_string()))?;
    let bytes = slice.get_mapped_range().map_err(|e| GpuError::Readback(e.to_string()))?.to_vec();
    buffer.unmap();
    Ok(bytes)
}
