//! The temporal engine on the GPU, in f32 or (with `SHADER_F64`) f64: connections resident on the device, decaying lazily
//! as on the CPU (shaders/temporal/*.wgsl). The vocabulary never evicts, so the host interns
//! words and uploads each exchange as its distinct ids and their positions; the device finds
//! the existing connections (one pass over the slots) and updates every key in parallel.
//!
//! CPU twin: `engine::temporal::TemporalEngine`; same power and lag tables, same operation
//! order, so the two agree to a few ulp (the device's division).

use super::device::{GpuDevice, GpuError};
use super::resident::{
    Array, Sampler, bind_buffers, bytes_of, check_precision, grid, pipeline, read_back, real_bytes, reals,
    state_layout, wait, words,
};
use super::shaders::Source;
use crate::engine::{EngineError, LearningEngine};
use crate::kernel::{Kernel, KernelTimes, TemporalKernel, TimingMethod};
use crate::model::engine_stats::{EngineStats, TemporalStats};
use crate::model::network::{Connection, Network, NeuronId};
use crate::model::options::{Backend, EngineKind};
use crate::model::params::{Common, EngineParams, Specific, TemporalParams};
use crate::model::tokens::TokenStream;
use crate::model::vocabulary::Vocabulary;

const DEAD: u32 = u32::MAX;
const N_COUNTERS: u64 = 4;
const HW: usize = 0;
const NEW: usize = 2;
/// Exchanges per submission (the counters are read back after each, to size the next).
const EXCHANGES_PER_SUBMIT: usize = 256;
/// Distinct words one exchange may have on the GPU (its key table is d²).
const MAX_DISTINCT: usize = 4096;
/// Longest power table the GPU accepts (a connection decay this slow is refused).
const MAX_POW_LEN: usize = 1 << 22;
const RECORD_BYTES: u64 = 32;

const KERNELS: [(Kernel, &str, Source); 3] = [
    (Kernel::Temporal(TemporalKernel::Begin), "begin", Source::TBegin),
    (Kernel::Temporal(TemporalKernel::Prune), "prune", Source::TPrune),
    (Kernel::Temporal(TemporalKernel::PairUpdate), "pair_update", Source::TPairUpdate),
];

#[derive(Debug)]
struct Buffers {
    params: wgpu::Buffer,
    counters: wgpu::Buffer,
    input: Array,
    pow: Array,
    lag: Array,
    dpos: Array,
    slot_ends: Array,
    slot_val: Array,
    slot_life: Array,
    slot_stamp: Array,
    free_stack: Array,
    key_slot: Array,
    records: wgpu::Buffer,
}

/// The temporal engine resident on a GPU.
#[derive(Debug)]
pub struct GpuTemporalEngine {
    gpu: GpuDevice,
    common: Common,
    params: TemporalParams,
    f64: bool,
    vocab: Vocabulary,
    /// (1 − decay)^k and e^(−lag/τ) as the CPU engine computes them in the run's precision.
    pow: Vec<f64>,
    lag: Vec<f64>,
    layouts: [wgpu::BindGroupLayout; 2],
    pipelines: Vec<wgpu::ComputePipeline>,
    bufs: Buffers,
    bind: wgpu::BindGroup,
    record_bind: wgpu::BindGroup,
    record_stride: u64,
    counters: Vec<u32>,
    stats: TemporalStats,
    sampler: Sampler,
}

/// One exchange as uploaded: distinct ids, then d + 1 offsets, then positions.
struct Prepared {
    record: [u32; 8],
    d: u64,
}

impl GpuTemporalEngine {
    /// Open the engine on `gpu` in f64 or f32; refused up front when `max_neurons` or the
    /// decay's power table cannot fit the adapter, or f64 is asked of one without it.
    pub fn new(gpu: GpuDevice, common: Common, params: TemporalParams, f64: bool) -> Result<Self, EngineError> {
        EngineParams { common: common.clone(), specific: Specific::Temporal(params.clone()) }.validate()?;
        check_precision(&gpu, f64)?;
        let r: u64 = if f64 { 8 } else { 4 };
        let n = common.max_neurons as u64;
        gpu.check_binding("neuron positions for max_neurons", 4 * n)?;
        gpu.check_binding("connections for 4 per neuron", 16 * 4 * n)?;
        if gpu.info.max_storage_buffers < 11 {
            return Err(EngineError::Gpu(GpuError::Runtime(format!(
                "the adapter allows {} storage buffers per shader stage; the GPU engine needs 11",
                gpu.info.max_storage_buffers
            ))));
        }
        // The CPU's table (repeated multiplication in the run's precision) down to the smallest
        // normal value, then 0: a connection that old is below any prune threshold unless its
        // strength is astronomical, and the binary search for its death needs the terminator.
        let (factor, floor) = if f64 {
            (1.0 - params.connection_decay, f64::MIN_POSITIVE)
        } else {
            (f64::from(1.0f32 - params.connection_decay as f32), f64::from(f32::MIN_POSITIVE))
        };
        let mut pow = vec![1.0f64];
        while pow[pow.len() - 1] >= floor {
            if pow.len() >= MAX_POW_LEN {
                return Err(EngineError::Gpu(GpuError::Unsupported(format!(
                    "connection decay {} is too slow for the GPU's power table ({MAX_POW_LEN} entries)",
                    params.connection_decay
                ))));
            }
            let last = pow[pow.len() - 1];
            pow.push(if f64 { last * factor } else { f64::from(last as f32 * factor as f32) });
        }
        *pow.last_mut().unwrap_or(&mut 0.0) = 0.0;
        let record_stride = u64::from(gpu.device.limits().min_uniform_buffer_offset_alignment).max(RECORD_BYTES);
        let slots = (4 * n).max(4096);
        let mut bufs = Buffers {
            params: gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("params"),
                size: 16 + 8 * r,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            counters: Array::new(&gpu, "counters", 4, N_COUNTERS)?.buffer,
            input: Array::new(&gpu, "exchanges", 4, 1 << 16)?,
            pow: Array::new(&gpu, "decay powers", r, pow.len() as u64)?,
            lag: Array::new(&gpu, "lag weights", r, 1024)?,
            dpos: Array::new(&gpu, "exchange positions", 4, n)?,
            slot_ends: Array::new(&gpu, "connection ends", 8, slots)?,
            slot_val: Array::new(&gpu, "connection values", 2 * r, slots)?,
            slot_life: Array::new(&gpu, "connection lifetimes", 8, slots)?,
            slot_stamp: Array::new(&gpu, "connection stamps", 8, slots)?,
            free_stack: Array::new(&gpu, "free connection slots", 4, slots)?,
            key_slot: Array::new(&gpu, "exchange key table", 4, 1 << 16)?,
            records: gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("exchange records"),
                size: record_stride * (EXCHANGES_PER_SUBMIT as u64 + 1),
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
        };
        bufs.pow.write(&gpu, 0, &real_bytes(pow.iter().copied(), f64))?;
        bufs.dpos.write(&gpu, 0, &bytes_of(&vec![DEAD; n as usize]))?;
        bufs.key_slot.write(&gpu, 0, &bytes_of(&vec![DEAD; 1 << 16]))?;
        let layouts = [state_layout(&gpu, "temporal", 11, |b| (2..=4).contains(&b)), record_layout(&gpu)];
        let pipeline_layout = gpu.device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("temporal"),
            bind_group_layouts: &[Some(&layouts[0]), Some(&layouts[1])],
            immediate_size: 0,
        });
        let pipelines = KERNELS
            .iter()
            .map(|(_, label, source)| pipeline(&gpu, label, &pipeline_layout, source.wgsl(f64), "main"))
            .collect();
        let bind = state_bind(&gpu, &layouts[0], &bufs);
        let record_bind = record_bind(&gpu, &layouts[1], &bufs.records);
        let sampler = Sampler::new(&gpu, KERNELS.iter().map(|k| k.0).collect(), 64);
        let engine = Self {
            vocab: Vocabulary::with_capacity(common.max_neurons),
            gpu,
            common,
            params,
            f64,
            pow,
            lag: Vec::new(),
            layouts,
            pipelines,
            bufs,
            bind,
            record_bind,
            record_stride,
            counters: vec![0; N_COUNTERS as usize],
            stats: TemporalStats::default(),
            sampler,
        };
        engine.write_params();
        wait(&engine.gpu)?;
        Ok(engine)
    }

    fn write_params(&self) {
        let p = &self.params;
        let m = &self.common.mass;
        let target = if self.f64 { m.target_in(1.0f64) } else { f64::from(m.target_in(1.0f32)) };
        let u = [self.pow.len() as u32, self.bufs.slot_ends.cap() as u32, 0, 0];
        let f = [1.0, self.common.eta, p.prune_threshold, target, m.m_max, m.rate, m.homeostatic, m.ltd_threshold];
        let mut bytes = bytes_of(&u);
        bytes.extend(real_bytes(f, self.f64));
        self.gpu.queue.write_buffer(&self.bufs.params, 0, &bytes);
    }

    fn rebind(&mut self) {
        self.bind = state_bind(&self.gpu, &self.layouts[0], &self.bufs);
        self.write_params();
    }

    /// Lag weights `e^(−lag/τ)` up to `max_lag`, computed as the CPU engine does.
    fn ensure_lags(&mut self, max_lag: usize) -> Result<(), GpuError> {
        if self.lag.len() > max_lag {
            return Ok(());
        }
        let from = self.lag.len();
        for l in from..=max_lag.max(1023) {
            let w = 1.0 * (-(l as f64) / self.params.tau).exp();
            self.lag.push(if self.f64 { w } else { f64::from(w as f32) });
        }
        let bytes = real_bytes(self.lag[from..].iter().copied(), self.f64);
        if self.bufs.lag.write(&self.gpu, from as u64, &bytes)? {
            self.rebind();
        }
        Ok(())
    }

    /// Process `exchanges` of `stream` exactly as the CPU engine's `step` does, on the device.
    pub fn run(&mut self, stream: &TokenStream, exchanges: std::ops::Range<usize>) -> Result<(), GpuError> {
        let mut input: Vec<u32> = Vec::new();
        let mut batch: Vec<Prepared> = Vec::new();
        let mut seen = vec![DEAD; self.common.max_neurons];
        for k in exchanges {
            self.stats.exchanges += 1;
            let mut seq: Vec<NeuronId> = Vec::new();
            for token in stream.exchange(k) {
                self.stats.tokens += 1;
                match self.vocab.intern(token) {
                    Some(id) => seq.push(id),
                    None => self.stats.tokens_skipped += 1,
                }
            }
            let len = seq.len();
            if len <= 1 {
                continue;
            }
            if len >= 1 << 16 {
                return Err(GpuError::Unsupported(format!("an exchange of {len} tokens (the GPU takes < 65,536)")));
            }
            self.stats.learning_steps += 1;
            self.stats.pairs += (len * (len - 1) / 2) as u64;
            let now = u32::try_from(self.stats.learning_steps - 1)
                .map_err(|_| GpuError::Runtime("more than 2³² exchanges".to_owned()))?;
            // Distinct ids in order of first occurrence, and their positions, grouped.
            let mut distinct: Vec<u32> = Vec::new();
            for &id in &seq {
                if seen[id as usize] == DEAD {
                    seen[id as usize] = distinct.len() as u32;
                    distinct.push(id);
                }
            }
            if distinct.len() > MAX_DISTINCT {
                return Err(GpuError::Unsupported(format!(
                    "an exchange with {} distinct words (the GPU takes up to {MAX_DISTINCT})",
                    distinct.len()
                )));
            }
            let mut starts = vec![0u32; distinct.len() + 1];
            for &id in &seq {
                starts[seen[id as usize] as usize + 1] += 1;
            }
            for a in 0..distinct.len() {
                starts[a + 1] += starts[a];
            }
            let mut fill = starts.clone();
            let mut positions = vec![0u32; len];
            for (p, &id) in seq.iter().enumerate() {
                let a = seen[id as usize] as usize;
                positions[fill[a] as usize] = p as u32;
                fill[a] += 1;
            }
            for &id in &distinct {
                seen[id as usize] = DEAD;
            }
            self.ensure_lags(len)?;
            let d = distinct.len() as u32;
            let d_offset = input.len() as u32;
            input.extend_from_slice(&distinct);
            let occ_start = input.len() as u32;
            input.extend_from_slice(&starts);
            let occ_pos = input.len() as u32;
            input.extend_from_slice(&positions);
            batch.push(Prepared { record: [d_offset, occ_start, occ_pos, d, len as u32, now, 0, 0], d: u64::from(d) });
            if batch.len() == EXCHANGES_PER_SUBMIT {
                self.submit(&batch, &input)?;
                batch.clear();
                input.clear();
            }
        }
        if !batch.is_empty() {
            self.submit(&batch, &input)?;
        }
        self.commit()?;
        self.sampler.collect(&self.gpu)
    }

    /// Upload one batch of exchanges and record them in one submission.
    fn submit(&mut self, batch: &[Prepared], input: &[u32]) -> Result<(), GpuError> {
        let g = &self.gpu;
        let max_keys = batch.iter().map(|e| e.d * e.d).max().unwrap_or(0);
        let new_keys: u64 = batch.iter().map(|e| e.d * e.d).sum();
        let hw = u64::from(self.counters[HW]);
        let mut grew = self.bufs.input.write(g, 0, &bytes_of(input))?;
        if max_keys > self.bufs.key_slot.cap() {
            let old = self.bufs.key_slot.cap();
            grew |= self.bufs.key_slot.reserve(g, max_keys)?;
            let cap = self.bufs.key_slot.cap();
            self.bufs.key_slot.write(g, old, &bytes_of(&vec![DEAD; (cap - old) as usize]))?;
        }
        let slots = hw + new_keys;
        let b = &mut self.bufs;
        for a in [&mut b.slot_ends, &mut b.slot_val, &mut b.slot_life, &mut b.slot_stamp, &mut b.free_stack] {
            grew |= a.reserve(g, slots)?;
        }
        if grew {
            self.rebind();
        }
        let mut records = vec![0u8; (self.record_stride * batch.len() as u64) as usize];
        for (j, e) in batch.iter().enumerate() {
            let at = j * self.record_stride as usize;
            records[at..at + 32].copy_from_slice(&bytes_of(&e.record));
        }
        self.gpu.queue.write_buffer(&self.bufs.records, 0, &records);
        let mut encoder =
            self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("exchanges") });
        let mut slot_bound = hw;
        for (j, e) in batch.iter().enumerate() {
            let offset = (j as u64 * self.record_stride) as u32;
            let grids = [grid(e.d.max(1)), grid(slot_bound), grid(e.d * e.d)];
            slot_bound += e.d * e.d;
            let timed = j == 0 && self.sampler.has_room();
            if timed {
                for (k, &(x, y)) in grids.iter().enumerate() {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some(KERNELS[k].1),
                        timestamp_writes: self.sampler.writes(k),
                    });
                    pass.set_pipeline(&self.pipelines[k]);
                    pass.set_bind_group(0, &self.bind, &[]);
                    pass.set_bind_group(1, &self.record_bind, &[offset]);
                    pass.dispatch_workgroups(x, y, 1);
                }
                self.sampler.recorded();
            } else {
                let mut pass =
                    encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
                pass.set_bind_group(0, &self.bind, &[]);
                pass.set_bind_group(1, &self.record_bind, &[offset]);
                for (k, &(x, y)) in grids.iter().enumerate() {
                    pass.set_pipeline(&self.pipelines[k]);
                    pass.dispatch_workgroups(x, y, 1);
                }
            }
            for k in 0..KERNELS.len() {
                self.sampler.count(k, 1);
            }
        }
        self.gpu.queue.submit([encoder.finish()]);
        if !self.sampler.has_room() {
            self.sampler.collect(&self.gpu)?;
        }
        self.commit()
    }

    /// Commit the last exchange's new slots (a `begin` with no ids) and read the counters.
    fn commit(&mut self) -> Result<(), GpuError> {
        let last = EXCHANGES_PER_SUBMIT as u64 * self.record_stride;
        self.gpu.queue.write_buffer(&self.bufs.records, last, &[0u8; 32]);
        let mut encoder =
            self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("commit") });
        {
            let mut pass =
                encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
            pass.set_pipeline(&self.pipelines[0]);
            pass.set_bind_group(0, &self.bind, &[]);
            pass.set_bind_group(1, &self.record_bind, &[last as u32]);
            pass.dispatch_workgroups(1, 1, 1);
        }
        self.gpu.queue.submit([encoder.finish()]);
        let bytes = read_back(&self.gpu, &[(&self.bufs.counters, 0, N_COUNTERS * 4)])?.remove(0);
        self.counters = words(&bytes);
        if u64::from(self.counters[HW]) > self.bufs.slot_ends.cap() || self.counters[NEW] != 0 {
            return Err(GpuError::Runtime("connection slots overflowed: capacity planning bug".to_owned()));
        }
        Ok(())
    }

    /// The current network, read back (connections in creation order).
    pub fn snapshot(&self) -> Result<Network, GpuError> {
        let b = &self.bufs;
        let hw = u64::from(self.counters[HW]);
        let r = if self.f64 { 8 } else { 4 };
        let parts = read_back(
            &self.gpu,
            &[
                (&b.slot_ends.buffer, 0, 8 * hw),
                (&b.slot_val.buffer, 0, 2 * r * hw),
                (&b.slot_life.buffer, 0, 8 * hw),
                (&b.slot_stamp.buffer, 0, 8 * hw),
            ],
        )?;
        let (ends, vals) = (words(&parts[0]), reals(&parts[1], self.f64));
        let (life, stamps) = (words(&parts[2]), words(&parts[3]));
        let now = self.stats.learning_steps;
        let mut live: Vec<(u64, Connection)> = (0..hw as usize)
            .filter(|&k| ends[2 * k] != DEAD && u64::from(life[2 * k + 1]) > now)
            .map(|k| {
                let age = now - u64::from(life[2 * k]);
                let strength = self.round(vals[2 * k] * self.pow.get(age as usize).copied().unwrap_or(0.0));
                let stamp = (u64::from(stamps[2 * k]) << 32) | u64::from(stamps[2 * k + 1]);
                (stamp, Connection { from: ends[2 * k], to: ends[2 * k + 1], strength, mass: vals[2 * k + 1] })
            })
            .collect();
        live.sort_unstable_by_key(|(stamp, _)| *stamp);
        Ok(Network {
            words: self.vocab.words().to_vec(),
            activations: vec![1.0; self.vocab.len()],
            connections: live.into_iter().map(|(_, c)| c).collect(),
        })
    }

    /// Continue from `network` (a snapshot of either backend) and counters `stats`: each
    /// connection's strength is its reference value now and its death is rescheduled.
    pub fn import(&mut self, network: &Network, stats: TemporalStats) -> Result<(), GpuError> {
        self.vocab = Vocabulary::with_capacity(self.common.max_neurons);
        for w in &network.words {
            self.vocab.intern(w);
        }
        let now =
            u32::try_from(stats.learning_steps).map_err(|_| GpuError::Runtime("more than 2³² exchanges".to_owned()))?;
        let n = network.connections.len();
        let (mut ends, mut life, mut stamps) = (Vec::with_capacity(2 * n), Vec::with_capacity(2 * n), Vec::new());
        let mut vals = Vec::with_capacity(2 * n);
        for (k, c) in network.connections.iter().enumerate() {
            let s = self.round(c.strength);
            ends.extend([c.from, c.to]);
            vals.extend([s, self.round(c.mass)]);
            life.extend([now, now + self.steps_until_pruned(s)]);
            stamps.extend([0, k as u32]);
        }
        let vals = real_bytes(vals, self.f64);
        let g = &self.gpu;
        let b = &mut self.bufs;
        let mut grew = b.slot_ends.write(g, 0, &bytes_of(&ends))?;
        grew |= b.slot_val.write(g, 0, &vals)?;
        grew |= b.slot_life.write(g, 0, &bytes_of(&life))?;
        grew |= b.slot_stamp.write(g, 0, &bytes_of(&stamps))?;
        grew |= b.free_stack.reserve(g, n as u64)?;
        let counters = [n as u32, 0, 0, 0];
        g.queue.write_buffer(&b.counters, 0, &bytes_of(&counters));
        if grew {
            self.rebind();
        }
        self.counters = counters.to_vec();
        self.stats = stats;
        wait(&self.gpu)
    }

    /// `v` in the run's precision.
    fn round(&self, v: f64) -> f64 {
        if self.f64 { v } else { f64::from(v as f32) }
    }

    /// The shader's death rule: smallest j with |s|·pow[j] < prune, in the run's precision.
    fn steps_until_pruned(&self, s: f64) -> u32 {
        let (v, prune) = (s.abs(), self.round(self.params.prune_threshold));
        if v < prune {
            return 0;
        }
        self.pow.partition_point(|&p| self.round(v * p) >= prune) as u32
    }

    /// Device bytes allocated for the state.
    pub fn memory_bytes(&self) -> usize {
        let b = &self.bufs;
        [
            &b.input,
            &b.pow,
            &b.lag,
            &b.dpos,
            &b.slot_ends,
            &b.slot_val,
            &b.slot_life,
            &b.slot_stamp,
            &b.free_stack,
            &b.key_slot,
        ]
        .iter()
        .map(|a| a.bytes() as usize)
        .sum()
    }
}

impl LearningEngine for GpuTemporalEngine {
    fn run(
        &mut self,
        stream: &TokenStream,
        _speakers: &[String],
        exchanges: std::ops::Range<usize>,
    ) -> Result<(), EngineError> {
        Ok(GpuTemporalEngine::run(self, stream, exchanges)?)
    }
    fn snapshot(&self) -> Result<Network, EngineError> {
        Ok(GpuTemporalEngine::snapshot(self)?)
    }
    fn stats(&self) -> EngineStats {
        EngineStats::Temporal(self.stats)
    }
    fn kernel_times(&self) -> KernelTimes {
        self.sampler.times()
    }
    fn timing_method(&self) -> TimingMethod {
        self.sampler.method()
    }
    fn backend(&self) -> Backend {
        Backend::Gpu
    }
    fn device(&self) -> String {
        format!("{} ({})", self.gpu.info, if self.f64 { "f64" } else { "f32" })
    }
    fn memory_bytes(&self) -> usize {
        GpuTemporalEngine::memory_bytes(self)
    }
    fn size(&self) -> (usize, usize) {
        // Connections past their death are freed lazily; count the live ones exactly.
        let live = GpuTemporalEngine::snapshot(self).map_or(0, |n| n.connections.len());
        (self.vocab.len(), live)
    }
    fn bytes_per_step(&self) -> Option<usize> {
        None
    }
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError> {
        for w in words {
            if self.vocab.intern(w).is_none() {
                break;
            }
        }
        Ok(())
    }
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError> {
        let EngineStats::Temporal(stats) = stats else {
            return Err(EngineError::KindMismatch { engine: EngineKind::Temporal, found: stats.kind() });
        };
        Ok(self.import(network, stats)?)
    }
}

fn record_layout(gpu: &GpuDevice) -> wgpu::BindGroupLayout {
    gpu.device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("exchange record"),
        entries: &[wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: true,
                min_binding_size: wgpu::BufferSize::new(RECORD_BYTES),
            },
            count: None,
        }],
    })
}

fn state_bind(gpu: &GpuDevice, layout: &wgpu::BindGroupLayout, b: &Buffers) -> wgpu::BindGroup {
    let buffers = [
        &b.params,
        &b.counters,
        &b.input.buffer,
        &b.pow.buffer,
        &b.lag.buffer,
        &b.dpos.buffer,
        &b.slot_ends.buffer,
        &b.slot_val.buffer,
        &b.slot_stamp.buffer,
        &b.free_stack.buffer,
        &b.key_slot.buffer,
        &b.slot_life.buffer,
    ];
    bind_buffers(gpu, "temporal", layout, &buffers)
}

fn record_bind(gpu: &GpuDevice, layout: &wgpu::BindGroupLayout, records: &wgpu::Buffer) -> wgpu::BindGroup {
    gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("exchange record"),
        layout,
        entries: &[wgpu::BindGroupEntry {
            binding: 0,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer: records,
                offset: 0,
                size: wgpu::BufferSize::new(RECORD_BYTES),
            }),
        }],
    })
}
