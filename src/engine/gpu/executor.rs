//! The one executor both GPU engines record through: a pipeline per kernel entry point, and
//! batches of steps — each step a list of [`Dispatch`]es — recorded together: the steps before
//! the timed one in one compute pass, the timed step pass by pass (with timestamps; without
//! them, each of its dispatches submitted and waited for by the wall clock), the steps after
//! it in another pass.

use super::buffers::{pipeline, wait};
use super::device::{GpuDevice, GpuError};
use super::shaders;
use super::timing::Sampler;
use crate::kernel::{Kernel, KernelTimes, TimingMethod};

/// One dispatch of a kernel entry point over a grid of workgroups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dispatch {
    /// The kernel.
    pub kernel: Kernel,
    /// Which of its entry points ([`Kernel::entry_points`]).
    pub entry: u8,
    /// Workgroups in x and y.
    pub groups: (u32, u32),
    /// Workgroups in z: the replicates side by side (1 for a single network).
    pub layers: u32,
    /// Dynamic offset of bind group 1 (the temporal engine's exchange record), if any.
    pub offset: Option<u32>,
}

/// Pipelines and timing of one engine's kernels.
#[derive(Debug)]
pub struct Executor {
    gpu: GpuDevice,
    pipelines: Vec<(Kernel, Vec<wgpu::ComputePipeline>)>,
    sampler: Sampler,
    submits: u64,
}

impl Executor {
    /// Pipelines for every entry point of `kernels` (assembled in f64 or f32) over bind-group
    /// `layouts`; timing for steps of up to `per_step` dispatches.
    pub fn new(
        gpu: &GpuDevice,
        kernels: &[Kernel],
        layouts: &[&wgpu::BindGroupLayout],
        f64: bool,
        per_step: u32,
    ) -> Self {
        let layouts: Vec<Option<&wgpu::BindGroupLayout>> = layouts.iter().copied().map(Some).collect();
        let pipeline_layout = gpu.device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("huey"),
            bind_group_layouts: &layouts,
            immediate_size: 0,
        });
        let pipelines = kernels
            .iter()
            .map(|&k| {
                let entries = k
                    .entry_points()
                    .iter()
                    .map(|entry| {
                        pipeline(gpu, &format!("{}:{entry}", k.path()), &pipeline_layout, shaders::wgsl(k, f64), entry)
                    })
                    .collect();
                (k, entries)
            })
            .collect();
        Self { gpu: gpu.clone(), pipelines, sampler: Sampler::new(gpu, 64, per_step), submits: 0 }
    }

    /// The pipeline of `d`'s entry point; a kernel this executor was not built for is a
    /// programming error, reported instead of running another shader.
    fn pipeline(&self, d: &Dispatch) -> Result<&wgpu::ComputePipeline, GpuError> {
        self.pipelines
            .iter()
            .find(|(k, _)| *k == d.kernel)
            .and_then(|(_, entries)| entries.get(usize::from(d.entry)))
            .ok_or_else(|| GpuError::Unsupported(format!("no pipeline for {} entry {}", d.kernel.path(), d.entry)))
    }

    fn encoder(&self, label: &str) -> wgpu::CommandEncoder {
        self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) })
    }

    /// Record `steps` in one pass of `encoder` (untimed).
    fn record(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        steps: &[Vec<Dispatch>],
        groups: &[&wgpu::BindGroup],
    ) -> Result<(), GpuError> {
        if steps.iter().all(Vec::is_empty) {
            return Ok(());
        }
        let mut pass =
            encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("steps"), timestamp_writes: None });
        pass.set_bind_group(0, groups[0], &[]);
        for d in steps.iter().flatten() {
            pass.set_pipeline(self.pipeline(d)?);
            if let (Some(offset), Some(group)) = (d.offset, groups.get(1)) {
                pass.set_bind_group(1, *group, &[offset]);
            }
            pass.dispatch_workgroups(d.groups.0, d.groups.1, d.layers);
        }
        Ok(())
    }

    /// Record `steps` into one submission and submit it; one step (the first with the most
    /// dispatches) is timed when the sampler wants a sample. Every step counts one call of each
    /// kernel it dispatches.
    pub fn submit(&mut self, steps: &[Vec<Dispatch>], groups: &[&wgpu::BindGroup]) -> Result<(), GpuError> {
        for step in steps {
            self.sampler.count(step.iter().map(|d| d.kernel));
        }
        let most = steps.iter().map(Vec::len).max().unwrap_or(0);
        let timed =
            steps.iter().position(|s| s.len() == most && most > 0).filter(|_| self.sampler.wants_sample(self.submits));
        let mut encoder = self.encoder("steps");
        if let Some(at) = timed {
            self.record(&mut encoder, &steps[..at], groups)?;
            if self.sampler.has_timestamps() {
                let kernels: Vec<Kernel> = steps[at].iter().map(|d| d.kernel).collect();
                for (i, d) in steps[at].iter().enumerate() {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some(d.kernel.name()),
                        timestamp_writes: self.sampler.writes(i),
                    });
                    pass.set_pipeline(self.pipeline(d)?);
                    pass.set_bind_group(0, groups[0], &[]);
                    if let (Some(offset), Some(group)) = (d.offset, groups.get(1)) {
                        pass.set_bind_group(1, *group, &[offset]);
                    }
                    pass.dispatch_workgroups(d.groups.0, d.groups.1, d.layers);
                }
                self.sampler.recorded(kernels);
            } else {
                self.gpu.queue.submit([encoder.finish()]);
                wait(&self.gpu)?;
                let mut secs = Vec::with_capacity(steps[at].len());
                for d in &steps[at] {
                    let started = std::time::Instant::now();
                    let mut one = self.encoder(d.kernel.name());
                    self.record(&mut one, &[vec![*d]], groups)?;
                    self.gpu.queue.submit([one.finish()]);
                    wait(&self.gpu)?;
                    secs.push((d.kernel, started.elapsed().as_secs_f64()));
                }
                self.sampler.add_wall(&secs);
                encoder = self.encoder("steps");
            }
            self.record(&mut encoder, &steps[at + 1..], groups)?;
        } else {
            self.record(&mut encoder, steps, groups)?;
        }
        self.gpu.queue.submit([encoder.finish()]);
        self.submits += 1;
        if self.sampler.is_full() {
            self.sampler.collect(&self.gpu)?;
        }
        Ok(())
    }

    /// Run `dispatches` now, untimed and uncounted (bookkeeping, the conformance test), and
    /// wait for them.
    pub fn run_now(&self, dispatches: &[Dispatch], groups: &[&wgpu::BindGroup]) -> Result<(), GpuError> {
        let mut encoder = self.encoder("now");
        self.record(&mut encoder, &[dispatches.to_vec()], groups)?;
        self.gpu.queue.submit([encoder.finish()]);
        wait(&self.gpu)
    }

    /// Read pending timestamp samples (at the end of a run call).
    pub fn collect(&mut self) -> Result<(), GpuError> {
        self.sampler.collect(&self.gpu)
    }

    /// Per-kernel totals so far.
    pub fn times(&self) -> KernelTimes {
        self.sampler.times()
    }

    /// How kernels are timed.
    pub fn method(&self) -> TimingMethod {
        self.sampler.method()
    }
}
