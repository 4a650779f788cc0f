//! Per-kernel timing of the resident engines. Timing every dispatch in its own pass would
//! serialise the GPU, so one step per submission is recorded pass by pass and timed: with GPU
//! timestamps where the adapter offers them, else by the wall clock around a submit-and-wait
//! of each of its dispatches (on the first two submissions and every 16th). A kernel's
//! sample is the sum of its dispatches in the step, and it stands for that kernel's calls
//! since its previous sample (calls after the latest sample are extrapolated from it), so
//! totals follow the recent samples and their growth is a live rate. The very first sample may
//! include the driver's pipeline compilation, so it counts only while it is the only one (a
//! short run still gets real rows): the next sample stands for its calls too. These are
//! estimates; a report that needs rows adding up to the engine's wall time fits them to it
//! ([`crate::kernel::Attribution`]).

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
    /// The kernel of each dispatch of each sample recorded but not yet read, with the call
    /// counts when it was recorded.
    pending: Vec<(Vec<Kernel>, [u64; N])>,
    tally: Tally,
}

/// Calls and sampled seconds per kernel (no device: unit-tested on its own).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    calls: [u64; N],
    /// Seconds attributed to the calls `covered` by samples so far.
    attributed: [f64; N],
    /// See `attributed`.
    covered: [u64; N],
    /// The latest sample of each kernel (the first one, pipeline compilation perhaps included,
    /// until another comes).
    latest: [Option<f64>; N],
    /// Whether the first sample has been taken.
    warm: bool,
}

impl Tally {
    /// One step ran with these dispatches: each kernel among them made one call.
    pub fn count(&mut self, kernels: impl Iterator<Item = Kernel>) {
        let mut seen = [false; N];
        for k in kernels {
            if !std::mem::replace(&mut seen[k.index()], true) {
                self.calls[k.index()] += 1;
            }
        }
    }

    /// The call counts now (a sample taken now stands for the calls up to these).
    pub fn calls(&self) -> [u64; N] {
        self.calls
    }

    /// A sample (seconds of each dispatch of one step) taken when the counts were `calls`.
    pub fn sample(&mut self, dispatches: impl Iterator<Item = (Kernel, f64)>, calls: [u64; N]) {
        let mut step = [None::<f64>; N];
        for (kernel, secs) in dispatches {
            *step[kernel.index()].get_or_insert(0.0) += if secs.is_finite() { secs.max(0.0) } else { 0.0 };
        }
        if !std::mem::replace(&mut self.warm, true) {
            self.latest = step;
            return;
        }
        for (k, secs) in step.iter().enumerate() {
            if let Some(s) = *secs {
                let upto = calls[k].max(self.covered[k]);
                self.attributed[k] += s * (upto - self.covered[k]) as f64;
                self.covered[k] = upto;
                self.latest[k] = Some(s);
            }
        }
    }

    /// Totals per kernel: the attributed seconds, and the calls since each kernel's latest
    /// sample at that sample's time.
    pub fn times(&self) -> KernelTimes {
        let mut times = KernelTimes::default();
        for kernel in Kernel::all() {
            let k = kernel.index();
            if self.calls[k] > 0 {
                let rest = self.calls[k].saturating_sub(self.covered[k]) as f64;
                times.add(kernel, self.attributed[k] + self.latest[k].unwrap_or(0.0) * rest, self.calls[k]);
            }
        }
        times
    }
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
        Self { queries, capacity, per_sample, pending: Vec::new(), tally: Tally::default() }
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
        self.pending.push((kernels, self.tally.calls()));
    }

    /// Whether the query set is full (read it back before recording more samples).
    pub fn is_full(&self) -> bool {
        self.queries.is_some() && self.pending.len() as u32 >= self.capacity
    }

    /// A wall-clock sample: seconds of each dispatch of one step (of the submission just
    /// counted).
    pub fn add_wall(&mut self, dispatches: &[(Kernel, f64)]) {
        let calls = self.tally.calls();
        self.tally.sample(dispatches.iter().copied(), calls);
    }

    /// One step ran with these dispatches: each kernel among them made one call.
    pub fn count(&mut self, kernels: impl Iterator<Item = Kernel>) {
        self.tally.count(kernels);
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
        for (s, (kernels, calls)) in std::mem::take(&mut self.pending).into_iter().enumerate() {
            let base = 2 * s * per_sample;
            let secs = kernels.into_iter().enumerate().map(|(i, kernel)| {
                let (start, end) = (ticks[base + 2 * i], ticks[base + 2 * i + 1]);
                (kernel, end.saturating_sub(start) as f64 * period)
            });
            self.tally.sample(secs, calls);
        }
        Ok(())
    }

    /// Totals per kernel (see [`Tally::times`]).
    pub fn times(&self) -> KernelTimes {
        self.tally.times()
    }
}

const _: () = assert!(N >= crate::kernel::WindowedKernel::ALL.len() + crate::kernel::TemporalKernel::ALL.len());

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::TemporalKernel;

    #[test]
    fn each_sample_stands_for_the_calls_since_the_previous_one() {
        let (a, b): (Kernel, Kernel) = (TemporalKernel::PairUpdate.into(), TemporalKernel::Prune.into());
        let mut t = Tally::default();
        let steps = |t: &mut Tally, n: usize| (0..n).for_each(|_| t.count([a, b].into_iter()));
        // The first sample (compilation included, 1 s) is used while it is the only one.
        steps(&mut t, 10);
        t.sample([(a, 1.0), (b, 0.5)].into_iter(), t.calls());
        assert_eq!((t.times().secs(a), t.times().calls(a)), (10.0, 10));
        // The next one (2 ms) replaces it for the first 10 calls and its own 10.
        steps(&mut t, 10);
        t.sample([(a, 0.002), (b, 0.001)].into_iter(), t.calls());
        assert!((t.times().secs(a) - 0.040).abs() < 1e-12);
        // 10 more calls at 4 ms: the total grows by 40 ms, not by the mean (3 ms) × 30 − 40 ms.
        steps(&mut t, 10);
        t.sample([(a, 0.004)].into_iter(), t.calls());
        assert!((t.times().secs(a) - 0.080).abs() < 1e-12);
        // Calls after the latest sample are extrapolated from it (b's latest is 1 ms).
        steps(&mut t, 5);
        assert!((t.times().secs(a) - 0.100).abs() < 1e-12);
        assert!((t.times().secs(b) - (0.001 * 20.0 + 0.001 * 15.0)).abs() < 1e-12);
        assert_eq!(t.times().calls(b), 35);
    }
}
