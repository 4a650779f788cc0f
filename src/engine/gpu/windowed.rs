//! The windowed engine on the GPU, in f32 or (with `SHADER_F64`) f64: the whole network lives
//! on the device for the whole run (shaders/windowed/*.wgsl). The host interns words to indices, uploads each run's steps
//! and tokens once, records many steps per submission and reads state back only for
//! snapshots, growth checks and timing samples.
//!
//! Same semantics as `engine::windowed::WindowedEngine` (its CPU twin), kernel by kernel. In
//! f32 sums are fixed point on both sides, so they agree bit for bit and a run does not depend
//! on thread order; remaining differences are the device's `exp` and division (a few ulp). In
//! f64 the device sums in 96-bit fixed point and the CPU in order (~1e-16 apart).

use rustc_hash::FxHashMap;

use super::device::{GpuDevice, GpuError};
use super::resident::{
    Array, Sampler, bind_buffers, bytes_of, check_precision, grid, pipeline, read_back, real_bytes, reals,
    state_layout, wait, words,
};
use super::shaders::Source;
use crate::engine::{EngineError, LearningEngine};
use crate::kernel::{Kernel, KernelTimes, TimingMethod, WindowedKernel, pair_rng};
use crate::model::engine_stats::{EngineStats, WindowedStats};
use crate::model::network::{Connection, Network};
use crate::model::options::{Backend, EngineKind};
use crate::model::params::{Common, EngineParams, Specific, WindowedParams};
use crate::model::tokens::TokenStream;

const DEAD: u32 = u32::MAX;
const SPEAKER_FIRST: u32 = 1;
/// Steps recorded per submission (one of them timed).
const STEPS_PER_SUBMIT: usize = 256;
/// Steps uploaded at once (bounds the input buffer).
const STEPS_PER_UPLOAD: usize = 1 << 18;
const N_COUNTERS: u64 = 16;
// Indices into `counters` (windowed/state.wgsl).
const NEXT_ID: usize = 2;
const N_LIVE: usize = 3;
const HW: usize = 4;
const FREE_TOP: usize = 5;
const EVICTIONS: usize = 7;
const REFUSED: usize = 8;
const OVERFLOW: usize = 9;

/// The kernels of one step, in dispatch order: (timing name, WGSL source, entry point).
const KERNELS: [(Kernel, Source, &str); 7] = [
    (Kernel::Windowed(WindowedKernel::Eviction), Source::WResolve, "main"),
    (Kernel::Windowed(WindowedKernel::ActivationDecay), Source::WActivationDecay, "main"),
    (Kernel::Windowed(WindowedKernel::ConnectionDecay), Source::WConnectionDecay, "main"),
    (Kernel::Windowed(WindowedKernel::PairUpdate), Source::WPairUpdate, "main"),
    (Kernel::Windowed(WindowedKernel::Prune), Source::WPrune, "main"),
    (Kernel::Windowed(WindowedKernel::ActivationSpread), Source::WActivationSpread, "accumulate"),
    (Kernel::Windowed(WindowedKernel::ActivationSpread), Source::WActivationSpread, "activate"),
];

/// What each kernel's grid covers.
#[derive(Clone, Copy)]
enum Span {
    One,
    Ids,
    SlotsBefore,
    SlotsAfter,
}
const SPANS: [Span; 7] =
    [Span::One, Span::Ids, Span::SlotsBefore, Span::One, Span::SlotsAfter, Span::SlotsAfter, Span::Ids];

#[derive(Debug)]
struct Buffers {
    params: wgpu::Buffer,
    counters: wgpu::Buffer,
    input: Array,
    word_neuron: Array,
    act: Array,
    neuron_word: Array,
    out_degree: Array,
    pos: Array,
    sums: Array,
    slot_ends: Array,
    slot_val: Array,
    slot_meta: Array,
    free_stack: Array,
    scratch: Array,
}

/// The windowed engine resident on a GPU.
#[derive(Debug)]
pub struct GpuWindowedEngine {
    gpu: GpuDevice,
    common: Common,
    params: WindowedParams,
    f64: bool,
    layout: wgpu::BindGroupLayout,
    pipelines: Vec<wgpu::ComputePipeline>,
    bufs: Buffers,
    bind: wgpu::BindGroup,
    word_ids: FxHashMap<String, u32>,
    words: Vec<String>,
    words_on_device: usize,
    /// Upper bounds of `NEXT_ID` and `HW` on the device (exact after each read-back).
    ids_bound: u64,
    slots_bound: u64,
    counters: Vec<u32>,
    stats: WindowedStats,
    sampler: Sampler,
    submits: u64,
}

impl GpuWindowedEngine {
    /// Open the engine on `gpu` with room for `params.max_neurons`, in f64 or f32; refused up
    /// front when that state cannot fit the adapter's storage-binding limit, or f64 is asked
    /// of an adapter without `SHADER_F64`.
    pub fn new(gpu: GpuDevice, common: Common, params: WindowedParams, f64: bool) -> Result<Self, EngineError> {
        EngineParams { common: common.clone(), specific: Specific::Windowed(params.clone()) }.validate()?;
        check_precision(&gpu, f64)?;
        let r: u64 = if f64 { 8 } else { 4 };
        let n = common.max_neurons as u64;
        // Up front: the neuron arrays at capacity and slots for 4 connections per neuron.
        gpu.check_binding("neuron sums for max_neurons", 8 * (n + 1024))?;
        gpu.check_binding("connection metadata for 4 connections per neuron", 16 * 4 * n)?;
        if gpu.info.max_storage_buffers < 13 {
            return Err(EngineError::Gpu(GpuError::Runtime(format!(
                "the adapter allows {} storage buffers per shader stage; the GPU engine needs 13",
                gpu.info.max_storage_buffers
            ))));
        }
        let ids = n + 1024;
        let slots = (4 * n).max(4096);
        let wl = params.window as u64 + 1;
        let bufs = Buffers {
            params: gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("params"),
                size: 48 + 16 * r,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            counters: Array::new(&gpu, "counters", 4, N_COUNTERS)?.buffer,
            input: Array::new(&gpu, "steps and tokens", 4, 1 << 16)?,
            word_neuron: Array::new(&gpu, "word → neuron table", 8, 4096)?,
            act: Array::new(&gpu, "activations", r, ids)?,
            neuron_word: Array::new(&gpu, "neuron → word table", 4, ids)?,
            out_degree: Array::new(&gpu, "out-degrees", 4, ids)?,
            pos: Array::new(&gpu, "window positions", 8, ids)?,
            sums: Array::new(&gpu, "neuron sums", if f64 { 12 } else { 8 }, ids)?,
            slot_ends: Array::new(&gpu, "connection ends", 8, slots)?,
            slot_val: Array::new(&gpu, "connection values", 2 * r, slots)?,
            slot_meta: Array::new(&gpu, "connection metadata", 16, slots)?,
            free_stack: Array::new(&gpu, "free connection slots", 4, slots)?,
            scratch: Array::new(&gpu, "window scratch", 4, wl + wl * wl)?,
        };
        let layout = state_layout(&gpu, "windowed", 13, |b| b == 2);
        let pipeline_layout = gpu.device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("windowed"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipelines = KERNELS
            .iter()
            .map(|(kernel, source, entry)| pipeline(&gpu, kernel.name(), &pipeline_layout, source.wgsl(f64), entry))
            .collect();
        gpu.queue.write_buffer(&bufs.scratch.buffer, 0, &bytes_of(&vec![DEAD; (wl + wl * wl) as usize]));
        let bind = bind_group(&gpu, &layout, &bufs);
        let sampler = Sampler::new(&gpu, KERNELS.iter().map(|k| k.0).collect(), 64);
        let mut engine = Self {
            gpu,
            common,
            params,
            f64,
            layout,
            pipelines,
            bufs,
            bind,
            word_ids: FxHashMap::default(),
            words: Vec::new(),
            words_on_device: 0,
            ids_bound: 0,
            slots_bound: 0,
            counters: vec![0; N_COUNTERS as usize],
            stats: WindowedStats::default(),
            sampler,
            submits: 0,
        };
        engine.import(&Network::default(), WindowedStats::default())?;
        Ok(engine)
    }

    /// Replace the state with `network` (as a snapshot of either backend left it) and the
    /// counters `stats`: the window count keys the random draws, so the run continues exactly.
    pub fn import(&mut self, network: &Network, stats: WindowedStats) -> Result<(), GpuError> {
        let n_ids = network.words.len() as u64;
        let n_slots = network.connections.len() as u64;
        let mut neuron_word = Vec::with_capacity(network.words.len());
        for w in &network.words {
            neuron_word.push(if w.is_empty() { DEAD } else { self.intern(w) });
        }
        // The whole word → neuron table in one upload: (neuron or DEAD, speaker flag) per word.
        let mut rows = word_rows(&self.words);
        for (id, &w) in neuron_word.iter().enumerate() {
            if w != DEAD {
                rows[2 * w as usize] = id as u32;
            }
        }
        if self.bufs.word_neuron.write(&self.gpu, 0, &bytes_of(&rows))? {
            self.rebind();
        }
        self.words_on_device = self.words.len();
        let mut out_degree = vec![0u32; network.words.len()];
        for c in &network.connections {
            out_degree[c.from as usize] += 1;
        }
        let acts = real_bytes(network.activations.iter().copied(), self.f64);
        let ends: Vec<u32> = network.connections.iter().flat_map(|c| [c.from, c.to]).collect();
        let vals = real_bytes(network.connections.iter().flat_map(|c| [c.strength, c.mass]), self.f64);
        let meta: Vec<u32> = (0..n_slots as u32).flat_map(|k| [0, 0, k, 0]).collect();
        let pos = vec![DEAD; 2 * network.words.len()];
        let g = &self.gpu;
        let b = &mut self.bufs;
        b.act.write(g, 0, &acts)?;
        b.neuron_word.write(g, 0, &bytes_of(&neuron_word))?;
        b.out_degree.write(g, 0, &bytes_of(&out_degree))?;
        b.pos.write(g, 0, &bytes_of(&pos))?;
        b.sums.reserve(g, n_ids)?;
        b.slot_ends.write(g, 0, &bytes_of(&ends))?;
        b.slot_val.write(g, 0, &vals)?;
        b.slot_meta.write(g, 0, &bytes_of(&meta))?;
        b.free_stack.reserve(g, n_slots)?;
        let live = network.n_neurons() as u32;
        let mut counters = vec![0u32; N_COUNTERS as usize];
        counters[NEXT_ID] = n_ids as u32;
        counters[N_LIVE] = live;
        counters[HW] = n_slots as u32;
        counters[EVICTIONS] = stats.evictions as u32;
        counters[REFUSED] = stats.refused as u32;
        g.queue.write_buffer(&b.counters, 0, &bytes_of(&counters));
        self.counters = counters;
        self.ids_bound = n_ids;
        self.slots_bound = n_slots;
        self.stats = stats;
        self.rebind();
        wait(&self.gpu)
    }

    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&w) = self.word_ids.get(word) {
            return w;
        }
        let w = self.words.len() as u32;
        self.word_ids.insert(word.to_owned(), w);
        self.words.push(word.to_owned());
        w
    }

    /// Upload table rows (DEAD, speaker flag) for words interned since the last upload.
    fn upload_words(&mut self) -> Result<(), GpuError> {
        let rows = word_rows(&self.words[self.words_on_device..]);
        if self.bufs.word_neuron.write(&self.gpu, self.words_on_device as u64, &bytes_of(&rows))? {
            self.rebind();
        }
        self.words_on_device = self.words.len();
        Ok(())
    }

    fn rebind(&mut self) {
        self.bind = bind_group(&self.gpu, &self.layout, &self.bufs);
    }

    fn write_params(&self, tokens_offset: u32) {
        let p = &self.params;
        let m = &self.common.mass;
        let seed = p.seed;
        let u = [
            p.window as u32,
            self.common.max_neurons as u32,
            p.max_connections_per_neuron.min(u32::MAX as usize) as u32,
            pair_rng::threshold(p.connection_prob),
            seed as u32,
            (seed >> 32) as u32,
            p.dense_kernel_min_ids,
            self.bufs.act.cap() as u32,
            self.bufs.slot_ends.cap() as u32,
            tokens_offset,
            0,
            0,
        ];
        let f = [
            self.common.eta,
            p.activation_decay,
            p.activation_floor,
            p.connection_decay,
            p.decay_floor,
            p.removal_threshold,
            p.prune_threshold,
            m.m_max,
            m.a0,
            m.k,
            m.homeostatic,
            m.ltd_threshold,
            m.rate,
            0.0,
            0.0,
            0.0,
        ];
        let mut bytes = bytes_of(&u);
        bytes.extend(real_bytes(f, self.f64));
        self.gpu.queue.write_buffer(&self.bufs.params, 0, &bytes);
    }

    /// Process `exchanges` of `stream` as speaker turns, exactly as the CPU engine's
    /// `step_turn` does, on the device.
    pub fn run(
        &mut self,
        stream: &TokenStream,
        speakers: &[String],
        exchanges: std::ops::Range<usize>,
    ) -> Result<(), GpuError> {
        let w = self.params.window;
        let pairs = (w * (w + 1) / 2) as u64;
        let mut steps: Vec<[u32; 4]> = Vec::new();
        let mut tokens: Vec<u32> = Vec::new();
        for k in exchanges {
            let turn: Vec<&str> = stream.exchange(k).collect();
            self.stats.turns += 1;
            self.stats.tokens += turn.len() as u64;
            let speaker = self.intern(&speakers[k].to_lowercase());
            let base = tokens.len() as u32;
            for t in &turn {
                let id = self.intern(t);
                tokens.push(id);
            }
            if turn.len() < w {
                steps.push([base, speaker, 0, SPEAKER_FIRST]);
            } else {
                for start in 0..=turn.len() - w {
                    self.stats.windows += 1;
                    self.stats.pairs += pairs;
                    let window = u32::try_from(self.stats.windows)
                        .map_err(|_| GpuError::Runtime("more than 2³² windows in one run".to_owned()))?;
                    steps.push([base + start as u32, speaker, window, if start == 0 { SPEAKER_FIRST } else { 0 }]);
                }
            }
            if steps.len() >= STEPS_PER_UPLOAD {
                self.execute(&steps, &tokens)?;
                steps.clear();
                tokens.clear();
            }
        }
        if !steps.is_empty() {
            self.execute(&steps, &tokens)?;
        }
        self.sync()?;
        self.sampler.collect(&self.gpu)
    }

    /// Read the counters back; fail on an overflow or a device error.
    fn sync(&mut self) -> Result<(), GpuError> {
        let bytes = read_back(&self.gpu, &[(&self.bufs.counters, 0, N_COUNTERS * 4)])?.remove(0);
        self.counters = words(&bytes);
        if self.counters[OVERFLOW] != 0 {
            return Err(GpuError::Runtime(format!(
                "device state overflowed (flags {}): capacity planning bug",
                self.counters[OVERFLOW]
            )));
        }
        self.ids_bound = u64::from(self.counters[NEXT_ID]);
        self.slots_bound = u64::from(self.counters[HW]);
        self.stats.evictions = u64::from(self.counters[EVICTIONS]);
        self.stats.refused = u64::from(self.counters[REFUSED]);
        Ok(())
    }

    fn execute(&mut self, steps: &[[u32; 4]], tokens: &[u32]) -> Result<(), GpuError> {
        self.upload_words()?;
        let mut input: Vec<u32> = steps.iter().flatten().copied().collect();
        input.extend_from_slice(tokens);
        if self.bufs.input.write(&self.gpu, 0, &bytes_of(&input))? {
            self.rebind();
        }
        self.gpu.queue.write_buffer(&self.bufs.counters, 0, &0u32.to_le_bytes());
        self.write_params(4 * steps.len() as u32);
        let w = self.params.window as u64;
        let pairs = w * (w + 1) / 2;
        for batch in steps.chunks(STEPS_PER_SUBMIT) {
            let ids_growth: u64 =
                batch.iter().map(|s| u64::from(s[3] & SPEAKER_FIRST) + if s[2] != 0 { w } else { 0 }).sum();
            let slot_growth = pairs * batch.iter().filter(|s| s[2] != 0).count() as u64;
            if self.ids_bound + ids_growth > self.bufs.act.cap()
                || self.slots_bound + slot_growth > self.bufs.slot_ends.cap()
            {
                self.sync()?;
                self.reserve(self.ids_bound + ids_growth, self.slots_bound + slot_growth, 4 * steps.len() as u32)?;
            }
            self.record(batch, w, pairs)?;
        }
        Ok(())
    }

    fn reserve(&mut self, ids: u64, slots: u64, tokens_offset: u32) -> Result<(), GpuError> {
        let g = &self.gpu;
        let b = &mut self.bufs;
        let mut grew = false;
        for a in [&mut b.act, &mut b.neuron_word, &mut b.out_degree, &mut b.pos, &mut b.sums] {
            grew |= a.reserve(g, ids)?;
        }
        for a in [&mut b.slot_ends, &mut b.slot_val, &mut b.slot_meta, &mut b.free_stack] {
            grew |= a.reserve(g, slots)?;
        }
        if grew {
            self.rebind();
            self.write_params(tokens_offset);
        }
        Ok(())
    }

    /// Record one submission: the first window step timed kernel by kernel, the rest in one pass.
    fn record(&mut self, batch: &[[u32; 4]], w: u64, pairs: u64) -> Result<(), GpuError> {
        let mut encoder =
            self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("steps") });
        let sample_at = batch.iter().position(|s| s[2] != 0);
        let wall_sample = !self.gpu.info.timestamps && self.submits.is_multiple_of(16);
        let timed = sample_at.filter(|_| self.sampler.has_room() || wall_sample);
        let mut rest = 0..batch.len();
        if let Some(at) = timed {
            // Steps before the timed one, then the timed one pass by pass.
            self.record_pass(&mut encoder, &batch[..at], w, pairs);
            if wall_sample {
                self.gpu.queue.submit([encoder.finish()]);
                wait(&self.gpu)?;
                self.time_step_by_wall(&batch[at], w, pairs)?;
                encoder =
                    self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("steps") });
            } else {
                let spans = self.spans(&batch[at], w, pairs);
                for (k, &(x, y)) in spans.iter().enumerate() {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some(KERNELS[k].0.name()),
                        timestamp_writes: self.sampler.writes(k),
                    });
                    pass.set_pipeline(&self.pipelines[k]);
                    pass.set_bind_group(0, &self.bind, &[]);
                    pass.dispatch_workgroups(x, y, 1);
                }
                self.sampler.recorded();
                self.count(&batch[at]);
            }
            rest = at + 1..batch.len();
        }
        self.record_pass(&mut encoder, &batch[rest], w, pairs);
        self.gpu.queue.submit([encoder.finish()]);
        self.submits += 1;
        if !self.sampler.has_room() && self.gpu.info.timestamps {
            self.sampler.collect(&self.gpu)?;
        }
        Ok(())
    }

    /// Grids of the step's kernels from the host's bounds, advancing them.
    fn spans(&mut self, step: &[u32; 4], w: u64, pairs: u64) -> Vec<(u32, u32)> {
        self.ids_bound += u64::from(step[3] & SPEAKER_FIRST) + if step[2] != 0 { w } else { 0 };
        let ids = self.ids_bound.min(self.bufs.act.cap());
        let before = self.slots_bound.min(self.bufs.slot_ends.cap());
        if step[2] != 0 {
            self.slots_bound += pairs;
        }
        let after = self.slots_bound.min(self.bufs.slot_ends.cap());
        let n = if step[2] == 0 { 1 } else { SPANS.len() };
        SPANS[..n]
            .iter()
            .map(|span| match span {
                Span::One => (1, 1),
                Span::Ids => grid(ids),
                Span::SlotsBefore => grid(before),
                Span::SlotsAfter => grid(after),
            })
            .collect()
    }

    fn count(&mut self, step: &[u32; 4]) {
        let n = if step[2] == 0 { 1 } else { KERNELS.len() };
        for k in 0..n {
            self.sampler.count(k, 1);
        }
    }

    fn record_pass(&mut self, encoder: &mut wgpu::CommandEncoder, steps: &[[u32; 4]], w: u64, pairs: u64) {
        if steps.is_empty() {
            return;
        }
        let grids: Vec<Vec<(u32, u32)>> = steps.iter().map(|s| self.spans(s, w, pairs)).collect();
        for s in steps {
            self.count(s);
        }
        let mut pass =
            encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("steps"), timestamp_writes: None });
        pass.set_bind_group(0, &self.bind, &[]);
        for spans in &grids {
            for (k, &(x, y)) in spans.iter().enumerate() {
                pass.set_pipeline(&self.pipelines[k]);
                pass.dispatch_workgroups(x, y, 1);
            }
        }
    }

    /// No timestamps: run the step kernel by kernel, each submitted and waited for.
    fn time_step_by_wall(&mut self, step: &[u32; 4], w: u64, pairs: u64) -> Result<(), GpuError> {
        let spans = self.spans(step, w, pairs);
        self.count(step);
        for (k, &(x, y)) in spans.iter().enumerate() {
            let started = std::time::Instant::now();
            let mut encoder = self.gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
            {
                let mut pass =
                    encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
                pass.set_pipeline(&self.pipelines[k]);
                pass.set_bind_group(0, &self.bind, &[]);
                pass.dispatch_workgroups(x, y, 1);
            }
            self.gpu.queue.submit([encoder.finish()]);
            wait(&self.gpu)?;
            self.sampler.add_wall(k, started.elapsed().as_secs_f64());
        }
        Ok(())
    }

    /// The current network, read back (connections in creation order).
    pub fn snapshot(&self) -> Result<Network, GpuError> {
        let b = &self.bufs;
        let c = words(&read_back(&self.gpu, &[(&b.counters, 0, N_COUNTERS * 4)])?.remove(0));
        let (ids, hw) = (u64::from(c[NEXT_ID]), u64::from(c[HW]));
        let r = if self.f64 { 8 } else { 4 };
        let parts = read_back(
            &self.gpu,
            &[
                (&b.neuron_word.buffer, 0, 4 * ids),
                (&b.act.buffer, 0, r * ids),
                (&b.slot_ends.buffer, 0, 8 * hw),
                (&b.slot_val.buffer, 0, 2 * r * hw),
                (&b.slot_meta.buffer, 0, 16 * hw),
            ],
        )?;
        let neuron_word = words(&parts[0]);
        let act = reals(&parts[1], self.f64);
        let ends = words(&parts[2]);
        let vals = reals(&parts[3], self.f64);
        let meta = words(&parts[4]);
        let mut live: Vec<(u64, Connection)> = (0..hw as usize)
            .filter(|&k| ends[2 * k] != DEAD)
            .map(|k| {
                let stamp = (u64::from(meta[4 * k + 1]) << 32) | u64::from(meta[4 * k + 2]);
                let c =
                    Connection { from: ends[2 * k], to: ends[2 * k + 1], strength: vals[2 * k], mass: vals[2 * k + 1] };
                (stamp, c)
            })
            .collect();
        live.sort_unstable_by_key(|(stamp, _)| *stamp);
        let words = neuron_word
            .iter()
            .map(|&w| if w == DEAD { String::new() } else { self.words[w as usize].clone() })
            .collect();
        let activations = neuron_word.iter().zip(&act).map(|(&w, &a)| if w == DEAD { 0.0 } else { a }).collect();
        Ok(Network { words, activations, connections: live.into_iter().map(|(_, c)| c).collect() })
    }

    /// Live neurons and connections at the last read-back.
    pub fn size(&self) -> (usize, usize) {
        let c = &self.counters;
        (c[N_LIVE] as usize, (c[HW] - c[FREE_TOP]) as usize)
    }

    /// Device bytes allocated for the state.
    pub fn memory_bytes(&self) -> usize {
        let b = &self.bufs;
        [
            &b.input,
            &b.word_neuron,
            &b.act,
            &b.neuron_word,
            &b.out_degree,
            &b.pos,
            &b.sums,
            &b.slot_ends,
            &b.slot_val,
            &b.slot_meta,
            &b.free_stack,
            &b.scratch,
        ]
        .iter()
        .map(|a| a.bytes() as usize)
        .sum()
    }

    /// Bytes one window moves, by the kernels' access patterns (for effective bandwidth).
    pub fn bytes_per_window(&self) -> usize {
        let (ids, slots) = (self.counters[NEXT_ID] as usize, self.counters[HW] as usize);
        ids * (4 * 4 + 8 * 2) + slots * (8 * 4 + 8 * 3 + 4)
    }

    /// The device.
    pub fn gpu(&self) -> &GpuDevice {
        &self.gpu
    }
}

/// Word-table rows (no neuron yet, speaker flag) for `words`.
fn word_rows(words: &[String]) -> Vec<u32> {
    words.iter().flat_map(|w| [DEAD, u32::from(w.starts_with("speaker_"))]).collect()
}

fn bind_group(gpu: &GpuDevice, layout: &wgpu::BindGroupLayout, b: &Buffers) -> wgpu::BindGroup {
    let buffers = [
        &b.params,
        &b.counters,
        &b.input.buffer,
        &b.word_neuron.buffer,
        &b.act.buffer,
        &b.neuron_word.buffer,
        &b.out_degree.buffer,
        &b.pos.buffer,
        &b.sums.buffer,
        &b.slot_ends.buffer,
        &b.slot_val.buffer,
        &b.slot_meta.buffer,
        &b.free_stack.buffer,
        &b.scratch.buffer,
    ];
    bind_buffers(gpu, "windowed", layout, &buffers)
}

impl LearningEngine for GpuWindowedEngine {
    fn run(
        &mut self,
        stream: &TokenStream,
        speakers: &[String],
        exchanges: std::ops::Range<usize>,
    ) -> Result<(), EngineError> {
        Ok(GpuWindowedEngine::run(self, stream, speakers, exchanges)?)
    }
    fn snapshot(&self) -> Result<Network, EngineError> {
        Ok(GpuWindowedEngine::snapshot(self)?)
    }
    fn stats(&self) -> EngineStats {
        EngineStats::Windowed(self.stats)
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
        GpuWindowedEngine::memory_bytes(self)
    }
    fn size(&self) -> (usize, usize) {
        GpuWindowedEngine::size(self)
    }
    fn bytes_per_step(&self) -> Option<usize> {
        Some(self.bytes_per_window())
    }
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError> {
        let mut network = GpuWindowedEngine::snapshot(self)?;
        let mut live = network.n_neurons();
        let mut known: rustc_hash::FxHashSet<String> = network.words.iter().cloned().collect();
        for w in words {
            if live >= self.common.max_neurons {
                break;
            }
            if known.insert(w.to_owned()) {
                network.words.push(w.to_owned());
                network.activations.push(1.0);
                live += 1;
            }
        }
        Ok(self.import(&network, self.stats)?)
    }
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError> {
        let EngineStats::Windowed(stats) = stats else {
            return Err(EngineError::KindMismatch { engine: EngineKind::Windowed, found: stats.kind() });
        };
        Ok(self.import(network, stats)?)
    }
}
