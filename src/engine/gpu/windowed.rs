//! The windowed engine on the GPU, in f32 or (with `SHADER_F64`) f64: the whole network lives
//! on the device for the whole run (`kernel::windowed::Binding`, `shaders/windowed/`). The
//! host interns words to indices, uploads each run's steps and tokens in large chunks, records
//! many steps per submission through the [`Executor`] and reads state back only for
//! snapshots, growth checks and timing samples.
//!
//! A *batch* holds R replicates side by side in the same buffers, one row per replicate
//! (shaders/windowed/state.wgsl); each dispatch covers them all, so R networks cost one
//! step's dispatches and submissions, and one read-back at the end ([`GpuWindowedEngine::snapshots`]). An
//! ensemble runs on it (`run::ensemble`); a single network is a batch of one.
//!
//! Same semantics as `engine::cpu::windowed::WindowedEngine`, kernel by kernel; each kernel's
//! twin is `kernel::windowed::<name>`. In f32 sums are fixed point on both sides, so they
//! agree bit for bit and a run does not depend on thread order; remaining differences are the
//! device's `exp` and division (a few ulp). In f64 the device sums in 96-bit fixed point and
//! the CPU engine in order (~1e-16 apart).

use std::marker::PhantomData;
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use super::buffers::{bytes_of, elements, grid};
use super::device::{GpuDevice, GpuError};
use super::executor::{Dispatch, Executor};
use super::layout::windowed_params;
use super::resident::Resident;
use crate::engine::{EngineError, LearningEngine, StatsKind as _};
use crate::kernel::windowed::{
    self as twin, Binding, Counter, DEAD, N_COUNTERS, Params, SPEAKER_FIRST, State, StepRecord,
};
use crate::kernel::{Kernel, WindowedKernel};
use crate::model::engine_stats::{EngineStats, WindowedStats};
use crate::model::network::{Connection, Network};
use crate::model::params::{Common, EngineParams, Specific, WindowedParams};
use crate::model::real::Real;
use crate::model::tokens::TokenStream;

/// Steps recorded per submission (one of them timed).
const STEPS_PER_SUBMIT: usize = 256;
/// Input words uploaded at once for one network (bounds the input buffer: about 2¹⁸ steps).
const INPUT_WORDS: usize = 5 << 18;
/// Input words uploaded at once for a batch, all replicates together (bounds the input buffer
/// and the host's copy of it).
const BATCH_INPUT_WORDS: usize = 1 << 24;
/// Dispatches of a window step.
const DISPATCHES_PER_STEP: u32 = 7;

/// Bindings growing with the neuron ids (one row each; the quiet tree's rows are
/// `quiet_words(ids)` long).
const ID_ARRAYS: [Binding; 7] = [
    Binding::Act,
    Binding::NeuronWord,
    Binding::OutDegree,
    Binding::Pos,
    Binding::Sums,
    Binding::NState,
    Binding::Explicit,
];
/// Bindings growing with the connection slots.
const SLOT_ARRAYS: [Binding; 4] = [Binding::SlotEnds, Binding::SlotVal, Binding::SlotMeta, Binding::FreeStack];

/// What one replicate of a batch learns from: these exchanges of this conversation, in order,
/// each a speaker turn.
#[derive(Clone, Debug)]
pub struct ReplicateInput<'a> {
    /// Tokens of every exchange.
    pub stream: &'a TokenStream,
    /// Speaker of each exchange.
    pub speakers: &'a [String],
    /// The exchanges to learn from (positions in `order` when there is one).
    pub exchanges: Range<usize>,
    /// The exchanges of the walk, in order, repeats allowed (a bootstrap resample, learned
    /// without copying its tokens); `None`: the exchanges themselves.
    pub order: Option<&'a [usize]>,
}

/// The windowed engine resident on a GPU, in precision `R`: one network, or a batch of
/// replicates side by side in device memory ([`Self::batch`]), every kernel dispatched once
/// for all of them. Replicate r draws with the parameters' seed + r.
#[derive(Debug)]
pub struct GpuWindowedEngine<R: Real> {
    gpu: GpuDevice,
    common: Common,
    params: WindowedParams,
    state: Resident,
    executor: Executor,
    /// Replicates side by side (1: a single network, the `LearningEngine`).
    reps: u64,
    word_ids: FxHashMap<String, u32>,
    words: Vec<String>,
    words_on_device: usize,
    /// Per-replicate rows of the id arrays, the slot arrays and (in a batch) the word table.
    ids_cap: u64,
    slots_cap: u64,
    words_cap: u64,
    /// Upper bounds of `NEXT_ID` and `HW` over the replicates (exact after each read-back).
    ids_bound: u64,
    slots_bound: u64,
    /// Upper bound of the explicit list's length over the replicates (exact after a read-back).
    listed_bound: u64,
    tokens_offset: u32,
    input_stride: u32,
    /// Input words per replicate and chunk, when a test sets it (see `chunk_words`).
    chunk_words: Option<usize>,
    /// Per replicate: the counters at the last read-back, and the run's statistics.
    counters: Vec<[u32; N_COUNTERS]>,
    stats: Vec<WindowedStats>,
    real: PhantomData<R>,
}

impl<R: Real> GpuWindowedEngine<R> {
    /// Open the engine on `gpu` with room for `common.max_neurons`; refused up front when that
    /// state cannot fit the adapter's storage-binding limit, or f64 is asked of an adapter
    /// without `SHADER_F64`.
    pub fn new(gpu: GpuDevice, common: Common, params: WindowedParams) -> Result<Self, EngineError> {
        let n = common.max_neurons as u64;
        // Up front: the neuron arrays at capacity and slots for 4 connections per neuron.
        gpu.check_binding("neuron sums for max_neurons", Binding::Sums.elem_bytes::<R>() * (n + 1024))?;
        gpu.check_binding("connection metadata for 4 connections per neuron", 16 * 4 * n)?;
        let mut engine = Self::open(gpu, common, params, 1, (n + 1024, 0), 0)?;
        engine.import(&Network::default(), WindowedStats::default())?;
        Ok(engine)
    }

    /// A batch of `reps` empty replicates whose runs will name only `words` (every token and
    /// lowercased speaker of their conversations: the word table is per replicate and does
    /// not grow). Room for `ids` neurons and at least `slots` connections each at first (the
    /// arrays grow as needed).
    pub fn batch(
        gpu: GpuDevice,
        common: Common,
        params: WindowedParams,
        reps: usize,
        words: impl IntoIterator<Item = String>,
        (ids, slots): (u64, u64),
    ) -> Result<Self, EngineError> {
        let mut engine = Self::open(gpu, common, params, reps.max(1) as u64, (ids, slots), 0)?;
        for w in words {
            engine.intern(&w);
        }
        engine.words_cap = engine.words.len().max(1) as u64;
        let rows: Vec<[u32; 2]> = (0..engine.reps).flat_map(|_| word_rows(&engine.words)).collect();
        engine.state.write(Binding::WordNeuron as u32, 0, bytemuck::cast_slice(&rows))?;
        engine.words_on_device = engine.words.len();
        engine.write_params();
        super::buffers::wait(&engine.gpu)?;
        Ok(engine)
    }

    /// The device state for `reps` replicates, `ids` neuron rows and at least `slots` slot rows
    /// each (four per neuron, 4,096 at least); counters at zero.
    fn open(
        gpu: GpuDevice,
        common: Common,
        params: WindowedParams,
        reps: u64,
        (ids, slots): (u64, u64),
        words: u64,
    ) -> Result<Self, EngineError> {
        EngineParams { common: common.clone(), specific: Specific::Windowed(params.clone()) }.validate()?;
        gpu.check_f64(R::IS_F64)?;
        let wl = params.window as u64 + 1;
        let ids = ids.max(wl + 2);
        let slots = (4 * ids).max(4096).max(slots);
        let cap = |b: Binding| match b {
            Binding::Counters => N_COUNTERS as u64 * reps,
            Binding::Input => 1 << 16,
            Binding::WordNeuron => words.max(4096) * reps,
            Binding::Act
            | Binding::NeuronWord
            | Binding::OutDegree
            | Binding::Pos
            | Binding::Sums
            | Binding::NState
            | Binding::Explicit => ids * reps,
            Binding::Quiet => twin::quiet_words(ids) * reps,
            Binding::SlotEnds | Binding::SlotVal | Binding::SlotMeta | Binding::FreeStack => slots * reps,
            Binding::Scratch => (wl + wl * wl) * reps,
        };
        let uniform = windowed_params(&Params::<R>::new(&common, &params, 0, 0, 0)).len() as u64;
        let mut state = Resident::for_state::<State<R>>(&gpu, "windowed", uniform, cap)?;
        state.write(Binding::Scratch as u32, 0, bytes_of(&vec![DEAD; ((wl + wl * wl) * reps) as usize]))?;
        let kernels: Vec<Kernel> = WindowedKernel::ALL.iter().map(|&k| k.into()).collect();
        let executor = Executor::new(&gpu, &kernels, &[state.layout()], R::IS_F64, DISPATCHES_PER_STEP);
        let words_cap = state.cap(Binding::WordNeuron as u32) / reps;
        Ok(Self {
            gpu,
            common,
            params,
            state,
            executor,
            reps,
            word_ids: FxHashMap::default(),
            words: Vec::new(),
            words_on_device: 0,
            ids_cap: ids,
            slots_cap: slots,
            words_cap,
            ids_bound: 0,
            slots_bound: 0,
            listed_bound: 0,
            tokens_offset: 0,
            input_stride: 0,
            chunk_words: None,
            counters: vec![[0; N_COUNTERS]; reps as usize],
            stats: vec![WindowedStats::default(); reps as usize],
            real: PhantomData,
        })
    }

    /// The kernels' parameters with the current capacities and input layout.
    fn kernel_params(&self) -> Params<R> {
        let mut p = Params::new(&self.common, &self.params, self.ids_cap, self.slots_cap, self.tokens_offset);
        p.input_stride = self.input_stride;
        // A single network's word table grows as a prefix; a batch's rows are fixed.
        p.words_cap = if self.reps == 1 { 0 } else { self.words_cap as u32 };
        p
    }

    fn write_params(&self) {
        self.state.write_uniform(&windowed_params(&self.kernel_params()));
    }

    /// Replace the state of a single network with `network` (as a snapshot of either backend
    /// left it) and the counters `stats`: the window count keys the random draws, so the run
    /// continues exactly.
    fn import(&mut self, network: &Network, stats: WindowedStats) -> Result<(), GpuError> {
        let n_ids = network.words.len() as u64;
        let n_slots = network.connections.len() as u64;
        self.grow(n_ids, n_slots)?;
        let neuron_word: Vec<u32> =
            network.words.iter().map(|w| if w.is_empty() { DEAD } else { self.intern(w) }).collect();
        // The whole word → neuron table in one upload: (neuron or DEAD, speaker flag) per word.
        let mut rows = word_rows(&self.words);
        for (id, &w) in neuron_word.iter().enumerate() {
            if w != DEAD {
                rows[w as usize][0] = id as u32;
            }
        }
        self.state.write(Binding::WordNeuron as u32, 0, bytemuck::cast_slice(&rows))?;
        self.words_on_device = self.words.len();
        let mut out_degree = vec![0u32; network.words.len()];
        for c in &network.connections {
            out_degree[c.from as usize] += 1;
        }
        let act: Vec<R> = network.activations.iter().map(|&a| R::from_f64(a)).collect();
        let ends: Vec<[u32; 2]> = network.connections.iter().map(|c| [c.from, c.to]).collect();
        let vals: Vec<[R; 2]> =
            network.connections.iter().map(|c| [R::from_f64(c.strength), R::from_f64(c.mass)]).collect();
        let meta: Vec<[u32; 4]> = (0..n_slots as u32).map(|k| [0, 0, k, 0]).collect();
        let pos = vec![[DEAD; 2]; network.words.len()];
        // The sparse rule's classes (engine::cpu::windowed's `classify`): explicit where
        // connected or not at ½, quiet otherwise.
        let mut nstate = vec![0u32; network.words.len()];
        for c in &network.connections {
            nstate[c.from as usize] += 1;
            nstate[c.to as usize] += 1;
        }
        let mut listed: Vec<[u32; 2]> = Vec::new();
        let mut quiet = vec![0u32; twin::quiet_words(self.ids_cap) as usize];
        for (id, &w) in neuron_word.iter().enumerate() {
            if w == DEAD {
                continue;
            }
            if nstate[id] > 0 || act[id] != R::HALF {
                nstate[id] |= twin::EXPLICIT;
                listed.push([id as u32, DEAD]);
            } else {
                twin::quiet_insert(&mut quiet, id as u32);
            }
        }
        let s = &mut self.state;
        s.write(Binding::NState as u32, 0, bytes_of(&nstate))?;
        s.write(Binding::Explicit as u32, 0, bytemuck::cast_slice(&listed))?;
        s.write(Binding::Quiet as u32, 0, bytes_of(&quiet))?;
        s.write(Binding::Act as u32, 0, bytemuck::cast_slice(&act))?;
        s.write(Binding::NeuronWord as u32, 0, bytes_of(&neuron_word))?;
        s.write(Binding::OutDegree as u32, 0, bytes_of(&out_degree))?;
        s.write(Binding::Pos as u32, 0, bytemuck::cast_slice(&pos))?;
        s.write(Binding::SlotEnds as u32, 0, bytemuck::cast_slice(&ends))?;
        s.write(Binding::SlotVal as u32, 0, bytemuck::cast_slice(&vals))?;
        s.write(Binding::SlotMeta as u32, 0, bytemuck::cast_slice(&meta))?;
        let mut counters = [0u32; N_COUNTERS];
        counters[Counter::NextId as usize] = n_ids as u32;
        counters[Counter::NLive as usize] = network.n_neurons() as u32;
        counters[Counter::Hw as usize] = n_slots as u32;
        counters[Counter::Evictions as usize] = stats.evictions as u32;
        counters[Counter::Refused as usize] = stats.refused as u32;
        counters[Counter::ExplN as usize] = listed.len() as u32;
        // Windows are fewer than 2³² (checked as they are planned).
        counters[Counter::Done as usize] = stats.windows as u32;
        s.write(Binding::Counters as u32, 0, bytes_of(&counters))?;
        self.counters = vec![counters];
        self.ids_bound = n_ids;
        self.slots_bound = n_slots;
        self.listed_bound = listed.len() as u64;
        self.stats = vec![stats];
        self.write_params();
        super::buffers::wait(&self.gpu)
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

    /// Upload table rows (DEAD, speaker flag) for words interned since the last upload (a
    /// single network's table grows; a batch's holds every word from the start).
    fn upload_words(&mut self) -> Result<(), GpuError> {
        if self.words.len() > self.words_on_device && self.reps > 1 {
            return Err(GpuError::Runtime(format!(
                "a batch's run names a word outside its vocabulary: {:?}",
                self.words[self.words_on_device]
            )));
        }
        let rows = word_rows(&self.words[self.words_on_device..]);
        self.state.write(Binding::WordNeuron as u32, self.words_on_device as u64, bytemuck::cast_slice(&rows))?;
        self.words_on_device = self.words.len();
        Ok(())
    }

    /// Append the steps of `input` from `cursor` on (an exchange, and the window of it to
    /// start from) to `steps`, with the tokens their windows read to `tokens`, exactly as the
    /// CPU engine's `step_turn` walks them, until about `want` input words (four per step, one
    /// per token) are there or the exchanges run out; a long turn is split between chunks.
    /// `stats` counts them (the window count keys the draws).
    fn fill(
        &mut self,
        input: &ReplicateInput<'_>,
        cursor: &mut (usize, usize),
        stats: &mut WindowedStats,
        want: usize,
        steps: &mut Vec<StepRecord>,
        tokens: &mut Vec<u32>,
    ) -> Result<(), GpuError> {
        let w = self.params.window;
        let pairs = (w * (w + 1) / 2) as u64;
        let used = |steps: &Vec<StepRecord>, tokens: &Vec<u32>| twin::STEP_WORDS * steps.len() + tokens.len();
        while cursor.0 < input.exchanges.end && used(steps, tokens) < want {
            let (k, first) = *cursor;
            let x = input.order.map_or(k, |order| order[k]);
            let turn: Vec<&str> = input.stream.exchange(x).collect();
            if first == 0 {
                stats.turns += 1;
                stats.tokens += turn.len() as u64;
            }
            let speaker = self.intern(&input.speakers[x].to_lowercase());
            if turn.len() < w {
                // A short turn resolves only its speaker: no token is read.
                steps.push(StepRecord { token_offset: 0, speaker_word: speaker, window: 0, flags: SPEAKER_FIRST });
                *cursor = (k + 1, 0);
                continue;
            }
            // Windows first..end of this turn: the first reads W tokens, each next one more.
            let room = (want - used(steps, tokens)).saturating_sub(w) / (twin::STEP_WORDS + 1) + 1;
            let end = (turn.len() - w + 1).min(first + room);
            let base = tokens.len() as u32;
            for t in &turn[first..end - 1 + w] {
                let id = self.intern(t);
                tokens.push(id);
            }
            for start in first..end {
                stats.windows += 1;
                stats.pairs += pairs;
                let window = u32::try_from(stats.windows)
                    .map_err(|_| GpuError::Runtime("more than 2³² windows in one run".to_owned()))?;
                let flags = if start == 0 { SPEAKER_FIRST } else { 0 };
                let token_offset = base + (start - first) as u32;
                steps.push(StepRecord { token_offset, speaker_word: speaker, window, flags });
            }
            *cursor = if end == turn.len() - w + 1 { (k + 1, 0) } else { (k, end) };
        }
        Ok(())
    }

    /// Walk `inputs` (one per replicate, or one all replicates share) in chunks of steps,
    /// calling `on_chunk` with each replicate's steps and tokens (one part when shared); the
    /// statistics advance.
    fn prepare(
        &mut self,
        inputs: &[ReplicateInput<'_>],
        mut on_chunk: impl FnMut(&mut Self, &[(Vec<StepRecord>, Vec<u32>)]) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let shared = inputs.len() == 1;
        if !shared && inputs.len() as u64 != self.reps {
            return Err(GpuError::Runtime(format!("{} inputs for {} replicates", inputs.len(), self.reps)).into());
        }
        // Input words per part: the batch's budget shared out, at least a few submissions' worth.
        let want =
            self.chunk_words.unwrap_or((BATCH_INPUT_WORDS / inputs.len()).clamp(8 * STEPS_PER_SUBMIT, INPUT_WORDS));
        let mut next: Vec<(usize, usize)> = inputs.iter().map(|i| (i.exchanges.start, 0)).collect();
        loop {
            let mut parts = Vec::with_capacity(inputs.len());
            for (i, input) in inputs.iter().enumerate() {
                let (mut steps, mut tokens) = (Vec::new(), Vec::new());
                let mut stats = self.stats[i];
                self.fill(input, &mut next[i], &mut stats, want, &mut steps, &mut tokens)?;
                self.stats[i] = stats;
                parts.push((steps, tokens));
            }
            if parts.iter().all(|(steps, _)| steps.is_empty()) {
                break;
            }
            on_chunk(self, &parts)?;
        }
        if shared {
            // Every replicate walked the same steps.
            let walked = self.stats[0];
            for s in &mut self.stats[1..] {
                *s = WindowedStats { evictions: s.evictions, refused: s.refused, ..walked };
            }
        }
        Ok(())
    }

    /// Upload a chunk: the words, each part's steps (padded with steps that do nothing to the
    /// longest part) and tokens, one row per replicate (one row all read when shared); every
    /// replicate's cursor starts at its first step. Returns the steps of the chunk as the
    /// host plans them: per step, the flags and window of any replicate, and whether every
    /// replicate is in a window there.
    fn upload(&mut self, parts: &[(Vec<StepRecord>, Vec<u32>)]) -> Result<Vec<Planned>, GpuError> {
        self.upload_words()?;
        let len = parts.iter().map(|(steps, _)| steps.len()).max().unwrap_or(0);
        let rows: Vec<Vec<u32>> = parts
            .iter()
            .map(|(steps, tokens)| {
                let mut row: Vec<u32> = bytemuck::cast_slice(steps).to_vec();
                row.resize(twin::STEP_WORDS * len, 0);
                row.extend_from_slice(tokens);
                row
            })
            .collect();
        let stride = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut input = Vec::with_capacity(stride * rows.len());
        for row in &rows {
            input.extend_from_slice(row);
            input.resize(input.len().next_multiple_of(stride.max(1)), 0);
        }
        self.state.write(Binding::Input as u32, 0, bytes_of(&input))?;
        let counters = self.state.buffer(Binding::Counters as u32);
        for r in 0..self.reps {
            let at = (r * N_COUNTERS as u64 + Counter::Cur as u64) * 4;
            self.gpu.queue.write_buffer(counters, at, bytes_of(&[0]));
        }
        self.tokens_offset = (twin::STEP_WORDS * len) as u32;
        self.input_stride = if rows.len() == 1 { 0 } else { stride as u32 };
        self.write_params();
        Ok((0..len)
            .map(|s| {
                let mut any = StepRecord::default();
                let mut all_windows = true;
                for (steps, _) in parts {
                    let step = steps.get(s).copied().unwrap_or_default();
                    any.flags |= step.flags;
                    any.window = any.window.max(step.window);
                    all_windows &= step.window != 0;
                }
                Planned { any, all_windows }
            })
            .collect())
    }

    fn execute(&mut self, parts: &[(Vec<StepRecord>, Vec<u32>)]) -> Result<(), EngineError> {
        let steps = self.upload(parts)?;
        let w = self.params.window as u64;
        for batch in steps.chunks(STEPS_PER_SUBMIT) {
            let ids_growth: u64 = batch.iter().map(|s| s.items(w)).sum();
            let slot_growth = w * (w + 1) / 2 * batch.iter().filter(|s| s.any.window != 0).count() as u64;
            self.make_room(ids_growth, slot_growth)?;
            let plan: Vec<Vec<Dispatch>> = batch.iter().map(|s| self.plan(s)).collect();
            self.executor.submit(&plan, &[self.state.bind()])?;
        }
        Ok(())
    }

    /// Grow the arrays when the bounds could pass the capacities after `ids` more ids and
    /// `slots` more slots (reading the exact counters first).
    fn make_room(&mut self, ids: u64, slots: u64) -> Result<(), GpuError> {
        if self.ids_bound + ids <= self.ids_cap && self.slots_bound + slots <= self.slots_cap {
            return Ok(());
        }
        self.sync()?;
        self.grow(self.ids_bound + ids, self.slots_bound + slots)
    }

    /// Room for `ids` neuron rows and `slots` slot rows per replicate (doubling; every array of
    /// a group keeps one row length, which the kernels' `ids_cap` and `slots_cap` are).
    fn grow(&mut self, ids: u64, slots: u64) -> Result<(), GpuError> {
        let mut grew = false;
        for (needed, cap, group) in [(ids, self.ids_cap, &ID_ARRAYS[..]), (slots, self.slots_cap, &SLOT_ARRAYS[..])] {
            if needed <= cap {
                continue;
            }
            let widest = group.iter().map(|&b| self.state.elem(b as u32)).max().unwrap_or(4);
            let doubled = needed.max(2 * cap);
            let rows = if widest * doubled * self.reps > self.gpu.info.max_storage_binding { needed } else { doubled };
            for &b in group {
                self.state.restride(b as u32, cap, rows, self.reps)?;
            }
            if group[0] == ID_ARRAYS[0] {
                let (old, new) = (twin::quiet_words(cap), twin::quiet_words(rows));
                self.state.restride(Binding::Quiet as u32, old, new, self.reps)?;
                self.ids_cap = rows;
            } else {
                self.slots_cap = rows;
            }
            grew = true;
        }
        if grew {
            self.write_params();
        }
        Ok(())
    }

    /// Read every replicate's counters back; fail on an overflow or a device error.
    fn sync(&mut self) -> Result<(), GpuError> {
        let n = N_COUNTERS as u64 * self.reps;
        let words: Vec<u32> = elements(&self.state.read(&[(Binding::Counters as u32, n)])?.remove(0));
        for (r, c) in words.chunks_exact(N_COUNTERS).enumerate() {
            self.counters[r].copy_from_slice(c);
        }
        if let Some((r, c)) = self.counters.iter().enumerate().find(|(_, c)| c[Counter::Overflow as usize] != 0) {
            return Err(GpuError::Runtime(format!(
                "device state of replicate {r} overflowed (flags {}): capacity planning bug",
                c[Counter::Overflow as usize]
            )));
        }
        self.ids_bound = self.counters.iter().map(|c| u64::from(c[Counter::NextId as usize])).max().unwrap_or(0);
        self.slots_bound = self.counters.iter().map(|c| u64::from(c[Counter::Hw as usize])).max().unwrap_or(0);
        // The list the next kernels read: the survivors' when a swap is pending.
        let listed = |c: &[u32; N_COUNTERS]| {
            let pending = c[Counter::ExplSwap as usize] != 0;
            u64::from(c[if pending { Counter::ExplNext } else { Counter::ExplN } as usize])
        };
        self.listed_bound = self.counters.iter().map(listed).max().unwrap_or(0);
        for (stats, c) in self.stats.iter_mut().zip(&self.counters) {
            stats.evictions = u64::from(c[Counter::Evictions as usize]);
            stats.refused = u64::from(c[Counter::Refused as usize]);
        }
        Ok(())
    }

    /// The dispatches of one step (over every replicate), with grids from the host's bounds
    /// (advanced here).
    fn plan(&mut self, planned: &Planned) -> Vec<Dispatch> {
        let step = &planned.any;
        let layers = self.reps as u32;
        let one = |kernel: WindowedKernel, entry: u8, groups| Dispatch {
            kernel: kernel.into(),
            entry,
            groups,
            layers,
            offset: None,
        };
        let w = self.params.window as u64;
        // Each item resolved may list one neuron (touched or new).
        let items = planned.items(w);
        self.ids_bound += items;
        self.listed_bound += items;
        if step.window == 0 {
            return vec![one(WindowedKernel::Eviction, 0, (1, 1))];
        }
        // Decay and activation run over the explicit list, not over every neuron.
        let listed = grid(self.listed_bound.min(self.ids_bound).min(self.ids_cap));
        let before = grid(self.slots_bound.min(self.slots_cap));
        self.slots_bound += w * (w + 1) / 2;
        let after = grid(self.slots_bound.min(self.slots_cap));
        // After the kernel only connected neurons stay listed: two per live slot at most. A
        // replicate that resolved only a short turn's speaker here ran no kernel: its list
        // keeps growing, so the bound holds until every replicate has had a window.
        if planned.all_windows {
            self.listed_bound = self.listed_bound.min(2 * self.slots_bound);
        }
        vec![
            one(WindowedKernel::Eviction, 0, (1, 1)),
            one(WindowedKernel::ActivationDecay, 0, listed),
            one(WindowedKernel::ConnectionDecay, 0, before),
            one(WindowedKernel::PairUpdate, 0, (1, 1)),
            one(WindowedKernel::Prune, 0, after),
            one(WindowedKernel::ActivationSpread, 0, after),
            one(WindowedKernel::ActivationSpread, 1, listed),
        ]
    }

    /// Run every replicate of a batch: `inputs` holds one input per replicate, or one that all
    /// of them learn from (their draws still differ by seed). Many windows per submission; the
    /// counters are read back only when the arrays may have to grow, and at the end.
    pub fn run_batch(&mut self, inputs: &[ReplicateInput<'_>]) -> Result<(), EngineError> {
        self.prepare(inputs, |e, parts| e.execute(parts))?;
        self.sync()?;
        // Every window's pair update must have run to its end: a driver that cuts a long
        // invocation short (lavapipe stops one after ~65,535 loop iterations) would otherwise
        // leave a wrong network without a word.
        for (r, (c, stats)) in self.counters.iter().zip(&self.stats).enumerate() {
            let done = c[Counter::Done as usize];
            if u64::from(done) != stats.windows {
                return Err(GpuError::Runtime(format!(
                    "replicate {r}: {done} of {} windows finished their pair update on the device \
                     (the driver cut a kernel short; a smaller --window may fit)",
                    stats.windows
                ))
                .into());
            }
        }
        Ok(self.executor.collect()?)
    }

    /// Every replicate's network, in one read-back (connections in creation order).
    pub fn snapshots(&self) -> Result<Vec<Network>, EngineError> {
        let n = N_COUNTERS as u64 * self.reps;
        let counters: Vec<u32> = elements(&self.state.read(&[(Binding::Counters as u32, n)])?[0]);
        let counter = |r: u64, c: Counter| u64::from(counters[(r * N_COUNTERS as u64) as usize + c as usize]);
        // Rows up to the last replicate's used part.
        let last = self.reps - 1;
        let ids = last * self.ids_cap + (0..self.reps).map(|r| counter(r, Counter::NextId)).max().unwrap_or(0);
        let hw = last * self.slots_cap + (0..self.reps).map(|r| counter(r, Counter::Hw)).max().unwrap_or(0);
        let parts = self.state.read(&[
            (Binding::NeuronWord as u32, ids),
            (Binding::Act as u32, ids),
            (Binding::SlotEnds as u32, hw),
            (Binding::SlotVal as u32, hw),
            (Binding::SlotMeta as u32, hw),
        ])?;
        let neuron_word: Vec<u32> = elements(&parts[0]);
        let act: Vec<R> = elements(&parts[1]);
        let ends: Vec<[u32; 2]> = elements(&parts[2]);
        let vals: Vec<[R; 2]> = elements(&parts[3]);
        let meta: Vec<[u32; 4]> = elements(&parts[4]);
        let mut out = Vec::with_capacity(self.reps as usize);
        for r in 0..self.reps {
            let (i0, s0) = ((r * self.ids_cap) as usize, (r * self.slots_cap) as usize);
            let (ids, hw) = (counter(r, Counter::NextId) as usize, counter(r, Counter::Hw) as usize);
            let neuron_word = &neuron_word[i0..i0 + ids];
            let act = &act[i0..i0 + ids];
            let mut live: Vec<(u64, Connection)> = (s0..s0 + hw)
                .filter(|&k| ends[k][0] != DEAD)
                .map(|k| {
                    let stamp = (u64::from(meta[k][1]) << 32) | u64::from(meta[k][2]);
                    let [from, to] = ends[k];
                    (stamp, Connection { from, to, strength: vals[k][0].to_f64(), mass: vals[k][1].to_f64() })
                })
                .collect();
            live.sort_unstable_by_key(|(stamp, _)| *stamp);
            let words = neuron_word
                .iter()
                .map(|&w| if w == DEAD { String::new() } else { self.words[w as usize].clone() })
                .collect();
            let activations =
                neuron_word.iter().zip(act).map(|(&w, &a)| if w == DEAD { 0.0 } else { a.to_f64() }).collect();
            out.push(Network { words, activations, connections: live.into_iter().map(|(_, c)| c).collect() });
        }
        Ok(out)
    }

    /// Upload at most about `words` input words per replicate at once (tests: long turns split
    /// across many chunks).
    #[doc(hidden)]
    pub fn chunk_words(&mut self, words: usize) {
        self.chunk_words = Some(words.max(1));
    }

    /// Replicate `r`'s statistics (windows, pairs, evictions, refusals) at the last read-back.
    pub fn replicate_stats(&self, r: usize) -> Option<WindowedStats> {
        self.stats.get(r).copied()
    }

    /// The conformance test's walk (`tests/it/kernels.rs`): run `exchanges` one kernel at a
    /// time; before each kernel the state is read back, the twin runs on a copy, the shader runs
    /// on the device, and `check(kernel, before, twin, shader)` sees all three; the twin's state
    /// then continues (so one difference never hides the next). A single network only.
    #[doc(hidden)]
    pub fn check_kernels(
        &mut self,
        stream: &TokenStream,
        speakers: &[String],
        exchanges: Range<usize>,
        mut check: impl FnMut(WindowedKernel, &State<R>, &State<R>, &State<R>),
    ) -> Result<(), EngineError> {
        let input = ReplicateInput { stream, speakers, exchanges, order: None };
        self.prepare(&[input], |e, parts| {
            let steps = e.upload(parts)?;
            let w = e.params.window as u64;
            for step in &steps {
                e.make_room(w + 1, w * (w + 1) / 2)?;
                let plan = e.plan(step);
                let params = e.kernel_params();
                let mut done = 0;
                while done < plan.len() {
                    let kernel = plan[done].kernel;
                    let Kernel::Windowed(k) = kernel else { unreachable!("a windowed plan") };
                    let count = plan[done..].iter().take_while(|d| d.kernel == kernel).count();
                    let part = &plan[done..done + count];
                    // Grids from the exact state (the host's bounds are upper bounds).
                    let dispatches = |before: &State<R>| -> Vec<Dispatch> {
                        let listed = u64::from(before.counters[Counter::ExplN as usize]);
                        let slots = u64::from(before.counters[Counter::Hw as usize]);
                        part.iter()
                            .map(|d| {
                                let groups = match (k, d.entry) {
                                    (WindowedKernel::Eviction | WindowedKernel::PairUpdate, _) => (1, 1),
                                    (WindowedKernel::ActivationDecay, _) | (WindowedKernel::ActivationSpread, 1) => {
                                        grid(listed)
                                    }
                                    _ => grid(slots),
                                };
                                Dispatch { groups, ..*d }
                            })
                            .collect()
                    };
                    e.state.check_kernel(
                        &e.executor,
                        &[],
                        dispatches,
                        |cpu: &mut State<R>| twin::run(k, cpu, &params),
                        |before, cpu, gpu| check(k, before, cpu, gpu),
                    )?;
                    done += count;
                }
                e.sync()?;
            }
            Ok(())
        })
    }

    /// Refuse `what` on a batch (it replaces one network's state).
    fn single(&self, what: &str) -> Result<(), GpuError> {
        if self.reps == 1 {
            return Ok(());
        }
        Err(GpuError::Unsupported(format!("{what} on a batch of {} replicates", self.reps)))
    }

    /// Live neurons and connections at the last read-back (replicate 0).
    fn live(&self) -> (usize, usize) {
        let c = &self.counters[0];
        (c[Counter::NLive as usize] as usize, (c[Counter::Hw as usize] - c[Counter::FreeTop as usize]) as usize)
    }
}

/// One step of a chunk as the host plans it over every replicate.
#[derive(Clone, Copy, Debug)]
struct Planned {
    /// The flags and window of any replicate (a window if any replicate has one).
    any: StepRecord,
    /// Whether every replicate is in a window (so every one runs the activation kernel).
    all_windows: bool,
}

impl Planned {
    /// Items the step resolves at most, in any replicate: the speaker and W tokens.
    fn items(&self, w: u64) -> u64 {
        u64::from(self.any.flags & SPEAKER_FIRST) + if self.any.window != 0 { w } else { 0 }
    }
}

/// A batch of windowed replicates, whatever its precision (what an ensemble holds).
pub trait ReplicateBatch {
    /// [`GpuWindowedEngine::run_batch`].
    fn run_all(&mut self, inputs: &[ReplicateInput<'_>]) -> Result<(), EngineError>;
    /// [`GpuWindowedEngine::snapshots`].
    fn networks(&self) -> Result<Vec<Network>, EngineError>;
}

impl<R: Real> ReplicateBatch for GpuWindowedEngine<R> {
    fn run_all(&mut self, inputs: &[ReplicateInput<'_>]) -> Result<(), EngineError> {
        self.run_batch(inputs)
    }

    fn networks(&self) -> Result<Vec<Network>, EngineError> {
        self.snapshots()
    }
}

/// Word-table rows (no neuron yet, speaker flag) for `words`.
fn word_rows(words: &[String]) -> Vec<[u32; 2]> {
    words.iter().map(|w| [DEAD, u32::from(w.starts_with("speaker_"))]).collect()
}

impl<R: Real + Send> LearningEngine for GpuWindowedEngine<R> {
    /// Run `exchanges`; in a batch every replicate learns them.
    fn run(&mut self, stream: &TokenStream, speakers: &[String], exchanges: Range<usize>) -> Result<(), EngineError> {
        self.run_batch(&[ReplicateInput { stream, speakers, exchanges, order: None }])
    }

    /// The network (replicate 0 of a batch), read back (connections in creation order).
    fn snapshot(&self) -> Result<Network, EngineError> {
        let mut all = self.snapshots()?;
        Ok(all.swap_remove(0))
    }

    fn stats(&self) -> EngineStats {
        EngineStats::Windowed(self.stats[0])
    }

    resident_engine_methods!();

    fn memory_bytes(&self) -> usize {
        self.state.memory_bytes()
    }

    fn size(&self) -> (usize, usize) {
        self.live()
    }

    /// Bytes one window moves, by the kernels' access patterns (for effective bandwidth): the
    /// explicit neurons' passes and the slots' (quiet neurons are not touched).
    fn bytes_per_step(&self) -> Option<usize> {
        let c = &self.counters[0];
        let pending = c[Counter::ExplSwap as usize] != 0;
        let listed = c[if pending { Counter::ExplNext } else { Counter::ExplN } as usize] as usize;
        let slots = c[Counter::Hw as usize] as usize;
        Some(listed * (4 * 4 + 8 * 2 + 4 * 3) + slots * (8 * 4 + 8 * 3 + 4))
    }

    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError> {
        self.single("prefill")?;
        let mut network = self.snapshot()?;
        let mut live = network.n_neurons();
        let mut known: FxHashSet<String> = network.words.iter().cloned().collect();
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
        Ok(self.import(&network, self.stats[0])?)
    }

    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError> {
        self.single("load")?;
        let stats = stats.windowed()?;
        network.validate(&self.common.network_limits(Some(&self.params)))?;
        Ok(self.import(network, stats)?)
    }
}
