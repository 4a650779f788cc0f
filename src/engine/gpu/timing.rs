//! Per-kernel timing of the resident engines. Timing every dispatch in its own pass would
//! serialise the GPU, so one step per submission is recorded pass by pass and timed: with GPU
//! timestamps where the adapter offers them, else by the wall clock around a submit-and-wait
//! of each of its dispatches (on the first two submissions and every 16th). A kernel's
//! sample is the sum of its dispatches in the step; per-call means come from the samples and
//! totals are mean × calls. The very first sample may include the driver's pipeline
//! compilation, so it counts only while it is the only one (a short run still gets real rows).

use super::buffers::{elements, read_back};
use super::device::{GpuDevice, GpuError};
use crate::kernel::{Kernel, KernelTimes, TimingMethod};

const N: usize = 16;

/// Timing samples and call counts per kernel.
#[derive(Debug)]
pub struct Sampler {
    queries: Option<(wgpu::QuerySet, wgpu::Buffer)>,
    /// Samples the query set holds between read-backs.
    capacity: u32,
    /// Timestamp pairs reserved per sample (the most dispatches a step has).
    per_sample: u32,
    /// The kernel of each dispatch of each sample recorded but not yet read.
    pending: Vec<Vec<Kernel>>,
    secs: [f64; N],
    samples: [u64; N],
    calls: [u64; N],
    /// The first sample of each kernel (pipeline compilation perhaps included), used only while
    /// there is no other.
    first: [Option<f64>; N],
    /// Whether the first sample has been taken.
    warm: bool,
}

impl Sampler {
    /// Up to `capacity` samples of up to `per_sample` dispatches between read-backs.
    pub fn new(gpu: &GpuDevice, capacity: u32, per_sample: u32) -> Self {
        let n = 2 * per_sample * capacity;
        let queries = gpu.info.timestamps.then(|| {
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
            (q, b)
        });
        Self {
            queries,
            capacity,
            per_sample,
            pending: Vec::new(),
            secs: [0.0; N],
            samples: [0; N],
            calls: [0; N],
            first: [None; N],
            warm: false,
        }
    }

    /// How kernels are timed.
    pub fn method(&self) -> TimingMethod {
        if self.queries.is_some() { TimingMethod::GpuTimestampSampled } else { TimingMethod::WallSampled }
    }

    /// Whether submission number `submit` should time a step.
    pub fn wants_sample(&self, submit: u64) -> bool {
        match self.queries {
            Some(_) => (self.pending.len() as u32) < self.capacity,
            None => submit < 2 || submit.is_multiple_of(16),
        }
    }

    /// Whether samples are taken by timestamps (else by the wall clock).
    pub fn has_timestamps(&self) -> bool {
        self.queries.is_some()
    }

    /// Timestamp writes for dispatch `i` of the sample being recorded.
    pub fn writes(&self, i: usize) -> Option<wgpu::ComputePassTimestampWrites<'_>> {
        let base = 2 * (self.pending.len() as u32 * self.per_sample + i as u32);
        self.queries.as_ref().map(|(q, _)| wgpu::ComputePassTimestampWrites {
            query_set: q,
            beginning_of_pass_write_index: Some(base),
            end_of_pass_write_index: Some(base + 1),
        })
    }

    /// The sample whose dispatches (of `kernels`) were just recorded with timestamps.
    pub fn recorded(&mut self, kernels: Vec<Kernel>) {
        self.pending.push(kernels);
    }

    /// Whether the query set is full (read it back before recording more samples).
    pub fn is_full(&self) -> bool {
        self.queries.is_some() && self.pending.len() as u32 >= self.capacity
    }

    /// A wall-clock sample: seconds of each dispatch of one step.
    pub fn add_wall(&mut self, dispatches: &[(Kernel, f64)]) {
        self.add_sample(dispatches.iter().copied());
    }

    fn add_sample(&mut self, dispatches: impl Iterator<Item = (Kernel, f64)>) {
        let mut step = [None::<f64>; N];
        for (kernel, secs) in dispatches {
            *step[kernel.index()].get_or_insert(0.0) += secs;
        }
        if !self.warm {
            self.warm = true;
            self.first = step;
            return;
        }
        for (k, secs) in step.iter().enumerate() {
            if let Some(s) = secs {
                self.secs[k] += s;
                self.samples[k] += 1;
            }
        }
    }

    /// One step ran with these dispatches: each kernel among them made one call.
    pub fn count(&mut self, kernels: impl Iterator<Item = Kernel>) {
        let mut seen = [false; N];
        for k in kernels {
            if !std::mem::replace(&mut seen[k.index()], true) {
                self.calls[k.index()] += 1;
            }
        }
    }

    /// Resolve and read the pending timestamp samples.
    pub fn collect(&mut self, gpu: &GpuDevice) -> Result<(), GpuError> {
        let Some((queries, resolve)) = &self.queries else { return Ok(()) };
        if self.pending.is_empty() {
            return Ok(());
        }
        let n = 2 * self.per_sample * self.pending.len() as u32;
        let mut encoder =
            gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("timestamps") });
        encoder.resolve_query_set(queries, 0..n, resolve, 0);
        gpu.queue.submit([encoder.finish()]);
        let ticks: Vec<u64> = elements(&read_back(gpu, &[(resolve, 0, u64::from(n) * 8)])?.remove(0));
        let period = f64::from(gpu.queue.get_timestamp_period()) * 1e-9;
        let per_sample = self.per_sample as usize;
        for (s, kernels) in std::mem::take(&mut self.pending).into_iter().enumerate() {
            let base = 2 * s * per_sample;
            let secs = kernels.into_iter().enumerate().map(|(i, kernel)| {
                let (start, end) = (ticks[base + 2 * i], ticks[base + 2 * i + 1]);
                (kernel, end.saturating_sub(start) as f64 * period)
            });
            self.add_sample(secs);
        }
        Ok(())
    }

    /// Totals per kernel: the mean sample × calls (the first sample when it is the only one).
    pub fn times(&self) -> KernelTimes {
        let mut times = KernelTimes::default();
        for kernel in Kernel::all() {
            let k = kernel.index();
            if self.calls[k] > 0 {
                let mean = if self.samples[k] > 0 {
                    self.secs[k] / self.samples[k] as f64
                } else {
                    self.first[k].unwrap_or(0.0)
                };
                times.add(kernel, mean * self.calls[k] as f64, self.calls[k]);
            }
        }
        times
    }
}

const _: () = assert!(N >= crate::kernel::WindowedKernel::ALL.len() + crate::kernel::TemporalKernel::ALL.len());
