//! The temporal engine on the GPU, in f32 or (with `SHADER_F64`) f64: connections resident on
//! the device, decaying lazily as on the CPU (`kernel::temporal::Binding`,
//! `shaders/temporal/`). The vocabulary never evicts, so the host interns words and uploads
//! each exchange as its distinct ids and their positions; the device finds the existing
//! connections (one pass over the slots) and updates every key in parallel.
//!
//! CPU twins: `kernel::temporal::<name>`; the CPU engine is `engine::cpu::temporal`. Same
//! power and lag tables, same operation order, so the two agree to a few ulp (the device's
//! division).

use std::ops::Range;

use super::buffers::{bytes_of, elements, grid};
use super::device::{GpuDevice, GpuError};
use super::executor::{Dispatch, Executor};
use super::layout::temporal_params;
use super::resident::Resident;
use crate::engine::{EngineError, LearningEngine, StatsKind as _};
use crate::kernel::temporal::{self as twin, Binding, Counter, DEAD, Exchange, N_COUNTERS, NONE, Params, State};
use crate::kernel::{Kernel, TemporalKernel};
use crate::model::engine_stats::{EngineStats, TemporalStats};
use crate::model::network::{Connection, Network, NeuronId};
use crate::model::params::{Common, EngineParams, Specific, TemporalParams};
use crate::model::real::Real;
use crate::model::tokens::TokenStream;
use crate::model::vocabulary::Vocabulary;

/// Exchanges per submission (the counters are read back after each, to size the next).
const EXCHANGES_PER_SUBMIT: usize = 256;
/// Distinct words one exchange may have on the GPU (its key table is d²).
const MAX_DISTINCT: usize = 4096;
/// Longest power table the GPU accepts (a connection decay this slow is refused).
const MAX_POW_LEN: usize = 1 << 22;
const RECORD_BYTES: u64 = std::mem::size_of::<Exchange>() as u64;
/// Bindings growing with the connection slots.
const SLOT_ARRAYS: [Binding; 5] =
    [Binding::SlotEnds, Binding::SlotVal, Binding::SlotLife, Binding::SlotStamp, Binding::FreeStack];

/// The temporal engine resident on a GPU, in precision `R`.
#[derive(Debug)]
pub struct GpuTemporalEngine<R: Real> {
    gpu: GpuDevice,
    common: Common,
    params: TemporalParams,
    vocab: Vocabulary,
    /// (1 − decay)^k and e^(−lag/τ) as the CPU engine computes them in the run's precision.
    pow: Vec<R>,
    lag: Vec<R>,
    state: Resident,
    records: wgpu::Buffer,
    record_bind: wgpu::BindGroup,
    record_stride: u64,
    executor: Executor,
    counters: [u32; N_COUNTERS],
    stats: TemporalStats,
}

/// The CPU engine's power table (repeated multiplication in the run's precision) down to the
/// smallest normal value, then 0: a connection that old is below any prune threshold unless
/// its strength is astronomical, and the binary search for its death needs the terminator.
fn power_table<R: Real>(decay: f64) -> Result<Vec<R>, GpuError> {
    let factor = R::ONE - R::from_f64(decay);
    let mut pow = vec![R::ONE];
    while pow[pow.len() - 1] >= R::MIN_POSITIVE {
        if pow.len() >= MAX_POW_LEN {
            return Err(GpuError::Unsupported(format!(
                "connection decay {decay} is too slow for the GPU's power table ({MAX_POW_LEN} entries)"
            )));
        }
        let last = pow[pow.len() - 1];
        pow.push(last * factor);
    }
    let end = pow.len() - 1;
    pow[end] = R::ZERO;
    Ok(pow)
}

impl<R: Real> GpuTemporalEngine<R> {
    /// Open the engine on `gpu`; refused up front when `max_neurons` or the decay's power table
    /// cannot fit the adapter, or f64 is asked of one without it.
    pub fn new(gpu: GpuDevice, common: Common, params: TemporalParams) -> Result<Self, EngineError> {
        EngineParams { common: common.clone(), specific: Specific::Temporal(params.clone()) }.validate()?;
        gpu.check_f64(R::IS_F64)?;
        let n = common.max_neurons as u64;
        gpu.check_binding("neuron positions for max_neurons", 4 * n)?;
        gpu.check_binding("connections for 4 per neuron", 16 * 4 * n)?;
        let pow = power_table::<R>(params.connection_decay)?;
        let cap = |b: Binding| match b {
            Binding::Counters => N_COUNTERS as u64,
            Binding::Input | Binding::KeySlot => 1 << 16,
            Binding::PowTable => pow.len() as u64,
            Binding::LagWeight => 1024,
            Binding::Dpos => n,
            Binding::SlotEnds | Binding::SlotVal | Binding::SlotStamp | Binding::FreeStack | Binding::SlotLife => {
                (4 * n).max(4096)
            }
        };
        let uniform = temporal_params(&Params::<R>::new(&common, &params, 0, 0)).len() as u64;
        let mut state = Resident::for_state::<State<R>>(&gpu, "temporal", uniform, cap)?;
        state.write(Binding::PowTable as u32, 0, bytemuck::cast_slice(&pow))?;
        state.write(Binding::Dpos as u32, 0, bytes_of(&vec![NONE; n as usize]))?;
        state.write(Binding::KeySlot as u32, 0, bytes_of(&vec![NONE; 1 << 16]))?;
        let record_stride = u64::from(gpu.device.limits().min_uniform_buffer_offset_alignment).max(RECORD_BYTES);
        let records = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("exchange records"),
            size: record_stride * (EXCHANGES_PER_SUBMIT as u64 + 1),
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let record_layout = record_layout(&gpu);
        let record_bind = gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("exchange record"),
            layout: &record_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: &records,
                    offset: 0,
                    size: wgpu::BufferSize::new(RECORD_BYTES),
                }),
            }],
        });
        let kernels: Vec<Kernel> = TemporalKernel::ALL.iter().map(|&k| k.into()).collect();
        let executor = Executor::new(&gpu, &kernels, &[state.layout(), &record_layout], R::IS_F64, 3);
        let engine = Self {
            vocab: Vocabulary::with_capacity(common.max_neurons),
            gpu,
            common,
            params,
            pow,
            lag: Vec::new(),
            state,
            records,
            record_bind,
            record_stride,
            executor,
            counters: [0; N_COUNTERS],
            stats: TemporalStats::default(),
        };
        engine.write_params();
        super::buffers::wait(&engine.gpu)?;
        Ok(engine)
    }

    fn kernel_params(&self) -> Params<R> {
        Params::new(&self.common, &self.params, self.pow.len(), self.state.cap(Binding::SlotEnds as u32))
    }

    fn write_params(&self) {
        self.state.write_uniform(&temporal_params(&self.kernel_params()));
    }

    /// Lag weights `e^(−lag/τ)` up to `max_lag`, computed as the CPU engine does.
    fn ensure_lags(&mut self, max_lag: usize) -> Result<(), GpuError> {
        if self.lag.len() > max_lag {
            return Ok(());
        }
        let from = self.lag.len();
        for l in from..=max_lag.max(1023) {
            self.lag.push(R::from_f64(1.0 * (-(l as f64) / self.params.tau).exp()));
        }
        self.state.write(Binding::LagWeight as u32, from as u64, bytemuck::cast_slice(&self.lag[from..]))?;
        Ok(())
    }

    /// The exchanges of `exchanges` as uploaded (distinct ids, occurrence offsets, positions)
    /// and their records, in batches for `on_batch`, exactly as the CPU engine's `step` sees
    /// them; the counters advance.
    fn prepare(
        &mut self,
        stream: &TokenStream,
        exchanges: Range<usize>,
        mut on_batch: impl FnMut(&mut Self, &[Exchange], &[u32]) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let mut input: Vec<u32> = Vec::new();
        let mut batch: Vec<Exchange> = Vec::new();
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
                return Err(
                    GpuError::Unsupported(format!("an exchange of {len} tokens (the GPU takes < 65,536)")).into()
                );
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
                ))
                .into());
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
            let d_offset = input.len() as u32;
            input.extend_from_slice(&distinct);
            let occ_start = input.len() as u32;
            input.extend_from_slice(&starts);
            let occ_pos = input.len() as u32;
            input.extend_from_slice(&positions);
            batch.push(Exchange::new(d_offset, occ_start, occ_pos, distinct.len() as u32, len as u32, now));
            if batch.len() == EXCHANGES_PER_SUBMIT {
                on_batch(self, &batch, &input)?;
                batch.clear();
                input.clear();
            }
        }
        if !batch.is_empty() {
            on_batch(self, &batch, &input)?;
        }
        Ok(())
    }

    /// Upload a batch's input and records and make room for every key it may create.
    fn upload(&mut self, batch: &[Exchange], input: &[u32]) -> Result<(), GpuError> {
        let keys = |e: &Exchange| u64::from(e.d) * u64::from(e.d);
        let max_keys = batch.iter().map(keys).max().unwrap_or(0);
        let new_keys: u64 = batch.iter().map(keys).sum();
        let mut grew = self.state.write(Binding::Input as u32, 0, bytes_of(input))?;
        let old = self.state.cap(Binding::KeySlot as u32);
        if max_keys > old {
            grew |= self.state.reserve(Binding::KeySlot as u32, max_keys)?;
            let cap = self.state.cap(Binding::KeySlot as u32);
            self.state.write(Binding::KeySlot as u32, old, bytes_of(&vec![NONE; (cap - old) as usize]))?;
        }
        let slots = u64::from(self.counters[Counter::Hw as usize]) + new_keys;
        for b in SLOT_ARRAYS {
            grew |= self.state.reserve(b as u32, slots)?;
        }
        if grew {
            self.write_params();
        }
        let mut records = vec![0u8; (self.record_stride * batch.len() as u64) as usize];
        for (j, e) in batch.iter().enumerate() {
            let at = j * self.record_stride as usize;
            records[at..at + RECORD_BYTES as usize].copy_from_slice(bytemuck::bytes_of(e));
        }
        self.gpu.queue.write_buffer(&self.records, 0, &records);
        Ok(())
    }

    /// The dispatches of exchange `j` of a batch: begin over its ids, prune over the slots,
    /// pair update over its keys.
    fn plan(&self, j: usize, e: &Exchange, slot_bound: u64) -> Vec<Dispatch> {
        let offset = Some((j as u64 * self.record_stride) as u32);
        let d = u64::from(e.d);
        let one =
            |kernel: TemporalKernel, groups| Dispatch { kernel: kernel.into(), entry: 0, groups, layers: 1, offset };
        vec![
            one(TemporalKernel::Begin, grid(d.max(1))),
            one(TemporalKernel::Prune, grid(slot_bound)),
            one(TemporalKernel::PairUpdate, grid(d * d)),
        ]
    }

    /// Record one batch of exchanges in one submission, then commit.
    fn execute(&mut self, batch: &[Exchange], input: &[u32]) -> Result<(), EngineError> {
        self.upload(batch, input)?;
        let mut slot_bound = u64::from(self.counters[Counter::Hw as usize]);
        let mut plan = Vec::with_capacity(batch.len());
        for (j, e) in batch.iter().enumerate() {
            plan.push(self.plan(j, e, slot_bound));
            slot_bound += u64::from(e.d) * u64::from(e.d);
        }
        self.executor.submit(&plan, &[self.state.bind(), &self.record_bind])?;
        Ok(self.commit()?)
    }

    /// A `begin` with no ids (it commits the last exchange's new slots), its empty record
    /// written past the submission's records.
    fn empty_begin(&self) -> Dispatch {
        let at = EXCHANGES_PER_SUBMIT as u64 * self.record_stride;
        self.gpu.queue.write_buffer(&self.records, at, bytemuck::bytes_of(&Exchange::default()));
        Dispatch { kernel: TemporalKernel::Begin.into(), entry: 0, groups: (1, 1), layers: 1, offset: Some(at as u32) }
    }

    /// Commit the last exchange's new slots (a `begin` with no ids) and read the counters.
    fn commit(&mut self) -> Result<(), GpuError> {
        let begin = self.empty_begin();
        self.executor.run_now(&[begin], &[self.state.bind(), &self.record_bind])?;
        self.sync()
    }

    fn sync_counters(&mut self) -> Result<(), GpuError> {
        let words: Vec<u32> = elements(&self.state.read(&[(Binding::Counters as u32, N_COUNTERS as u64)])?[0]);
        self.counters.copy_from_slice(&words[..N_COUNTERS]);
        Ok(())
    }

    fn sync(&mut self) -> Result<(), GpuError> {
        self.sync_counters()?;
        if u64::from(self.counters[Counter::Hw as usize]) > self.state.cap(Binding::SlotEnds as u32)
            || self.counters[Counter::New as usize] != 0
        {
            return Err(GpuError::Runtime("connection slots overflowed: capacity planning bug".to_owned()));
        }
        Ok(())
    }

    /// The smallest `j` with `|s|·pow[j] < prune`, in the run's precision (the shader's rule).
    fn steps_until_pruned(&self, s: R) -> u32 {
        let (v, prune) = (s.abs(), R::from_f64(self.params.prune_threshold));
        if v < prune {
            return 0;
        }
        self.pow.partition_point(|&p| v * p >= prune) as u32
    }

    /// Continue from `network` (a snapshot of either backend) and counters `stats`: each
    /// connection's strength is its reference value now and its death is rescheduled.
    fn import(&mut self, network: &Network, stats: TemporalStats) -> Result<(), GpuError> {
        self.vocab = Vocabulary::with_capacity(self.common.max_neurons);
        for w in &network.words {
            self.vocab.intern(w);
        }
        let now =
            u32::try_from(stats.learning_steps).map_err(|_| GpuError::Runtime("more than 2³² exchanges".to_owned()))?;
        let n = network.connections.len();
        let (mut ends, mut vals, mut life, mut stamps) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        for (k, c) in network.connections.iter().enumerate() {
            let s = R::from_f64(c.strength);
            ends.push([c.from, c.to]);
            vals.push([s, R::from_f64(c.mass)]);
            life.push([now, now + self.steps_until_pruned(s)]);
            stamps.push([0, k as u32]);
        }
        let st = &mut self.state;
        let mut grew = st.write(Binding::SlotEnds as u32, 0, bytemuck::cast_slice(&ends))?;
        grew |= st.write(Binding::SlotVal as u32, 0, bytemuck::cast_slice(&vals))?;
        grew |= st.write(Binding::SlotLife as u32, 0, bytemuck::cast_slice(&life))?;
        grew |= st.write(Binding::SlotStamp as u32, 0, bytemuck::cast_slice(&stamps))?;
        grew |= st.reserve(Binding::FreeStack as u32, n as u64)?;
        let counters = [n as u32, 0, 0, 0];
        st.write(Binding::Counters as u32, 0, bytes_of(&counters))?;
        if grew {
            self.write_params();
        }
        self.counters = counters;
        self.stats = stats;
        super::buffers::wait(&self.gpu)
    }

    /// The conformance test's walk (`tests/it/kernels.rs`): run `exchanges` one kernel at a
    /// time, each exchange's three kernels then the final commit (a `begin` with no ids); before
    /// each kernel the state is read back, the twin runs on a copy, the shader on the device,
    /// and `check(kernel, before, twin, shader)` sees all three; the twin's state continues.
    #[doc(hidden)]
    pub fn check_kernels(
        &mut self,
        stream: &TokenStream,
        exchanges: Range<usize>,
        mut check: impl FnMut(TemporalKernel, &State<R>, &State<R>, &State<R>),
    ) -> Result<(), EngineError> {
        self.prepare(stream, exchanges, |e, batch, input| {
            e.upload(batch, input)?;
            for (j, ex) in batch.iter().enumerate() {
                for d in e.plan(j, ex, 0) {
                    let Kernel::Temporal(k) = d.kernel else { unreachable!("a temporal plan") };
                    e.check_one(k, d, ex, &mut check)?;
                }
                e.sync_counters()?;
            }
            Ok(())
        })?;
        let commit = self.empty_begin();
        self.check_one(TemporalKernel::Begin, commit, &Exchange::default(), &mut check)?;
        Ok(self.sync()?)
    }

    fn check_one(
        &mut self,
        k: TemporalKernel,
        d: Dispatch,
        ex: &Exchange,
        check: &mut impl FnMut(TemporalKernel, &State<R>, &State<R>, &State<R>),
    ) -> Result<(), GpuError> {
        let params = self.kernel_params();
        let dispatches = |before: &State<R>| {
            let groups = match k {
                TemporalKernel::Begin => d.groups,
                TemporalKernel::Prune => grid(u64::from(before.counters[Counter::Hw as usize])),
                TemporalKernel::PairUpdate => grid(u64::from(ex.d) * u64::from(ex.d)),
            };
            vec![Dispatch { groups, ..d }]
        };
        self.state.check_kernel(
            &self.executor,
            &[&self.record_bind],
            dispatches,
            |cpu: &mut State<R>| twin::run(k, cpu, &params, ex),
            |before, cpu, gpu| check(k, before, cpu, gpu),
        )
    }
}

impl<R: Real + Send> LearningEngine for GpuTemporalEngine<R> {
    fn run(&mut self, stream: &TokenStream, _speakers: &[String], exchanges: Range<usize>) -> Result<(), EngineError> {
        self.prepare(stream, exchanges, |e, batch, input| e.execute(batch, input))?;
        self.commit()?;
        Ok(self.executor.collect()?)
    }

    /// The network, read back (connections in creation order; strengths materialised).
    fn snapshot(&self) -> Result<Network, EngineError> {
        let hw = u64::from(self.counters[Counter::Hw as usize]);
        let parts = self.state.read(&[
            (Binding::SlotEnds as u32, hw),
            (Binding::SlotVal as u32, hw),
            (Binding::SlotLife as u32, hw),
            (Binding::SlotStamp as u32, hw),
        ])?;
        let ends: Vec<[u32; 2]> = elements(&parts[0]);
        let vals: Vec<[R; 2]> = elements(&parts[1]);
        let life: Vec<[u32; 2]> = elements(&parts[2]);
        let stamps: Vec<[u32; 2]> = elements(&parts[3]);
        let now = self.stats.learning_steps;
        let mut live: Vec<(u64, Connection)> = (0..ends.len())
            .filter(|&k| ends[k][0] != DEAD && u64::from(life[k][1]) > now)
            .map(|k| {
                let age = now - u64::from(life[k][0]);
                let factor = self.pow.get(age as usize).copied().unwrap_or(R::ZERO);
                let stamp = (u64::from(stamps[k][0]) << 32) | u64::from(stamps[k][1]);
                let [from, to] = ends[k];
                let c = Connection { from, to, strength: (vals[k][0] * factor).to_f64(), mass: vals[k][1].to_f64() };
                (stamp, c)
            })
            .collect();
        live.sort_unstable_by_key(|(stamp, _)| *stamp);
        Ok(Network {
            words: self.vocab.words().to_vec(),
            activations: vec![1.0; self.vocab.len()],
            connections: live.into_iter().map(|(_, c)| c).collect(),
        })
    }

    fn stats(&self) -> EngineStats {
        EngineStats::Temporal(self.stats)
    }

    resident_engine_methods!();

    fn memory_bytes(&self) -> usize {
        self.state.memory_bytes() + self.records.size() as usize
    }

    /// Live neurons and connections (connections past their death are freed lazily: they are
    /// counted from a read-back, once per call).
    fn size(&self) -> (usize, usize) {
        let live = self.snapshot().map_or(0, |n| n.connections.len());
        (self.vocab.len(), live)
    }

    /// Intern `words` (up to capacity) without learning, as a warm start for benchmarks.
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError> {
        self.vocab.intern_until_full(words);
        Ok(())
    }

    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError> {
        let stats = stats.temporal()?;
        network.validate(&self.common.network_limits(None))?;
        Ok(self.import(network, stats)?)
    }
}

/// Group 1: the exchange record, a uniform bound at a dynamic offset per dispatch.
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
