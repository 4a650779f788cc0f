//! The windowed engine on the GPU, in f32 or (with `SHADER_F64`) f64: the whole network lives
//! on the device for the whole run (`kernel::windowed::Binding`, `shaders/windowed/`). The
//! host interns words to indices, uploads each run's steps and tokens once, records many steps
//! per submission through the [`Executor`] and reads state back only for snapshots, growth
//! checks and timing samples.
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
/// Steps uploaded at once (bounds the input buffer).
const STEPS_PER_UPLOAD: usize = 1 << 18;
/// Dispatches of a window step.
const DISPATCHES_PER_STEP: u32 = 7;

/// Bindings growing with the neuron ids.
const ID_ARRAYS: [Binding; 5] = [Binding::Act, Binding::NeuronWord, Binding::OutDegree, Binding::Pos, Binding::Sums];
/// Bindings growing with the connection slots.
const SLOT_ARRAYS: [Binding; 4] = [Binding::SlotEnds, Binding::SlotVal, Binding::SlotMeta, Binding::FreeStack];

/// The windowed engine resident on a GPU, in precision `R`.
#[derive(Debug)]
pub struct GpuWindowedEngine<R: Real> {
    gpu: GpuDevice,
    common: Common,
    params: WindowedParams,
    state: Resident,
    executor: Executor,
    word_ids: FxHashMap<String, u32>,
    words: Vec<String>,
    words_on_device: usize,
    /// Upper bounds of `NEXT_ID` and `HW` on the device (exact after each read-back).
    ids_bound: u64,
    slots_bound: u64,
    tokens_offset: u32,
    counters: [u32; N_COUNTERS],
    stats: WindowedStats,
    real: PhantomData<R>,
}

impl<R: Real> GpuWindowedEngine<R> {
    /// Open the engine on `gpu` with room for `common.max_neurons`; refused up front when that
    /// state cannot fit the adapter's storage-binding limit, or f64 is asked of an adapter
    /// without `SHADER_F64`.
    pub fn new(gpu: GpuDevice, common: Common, params: WindowedParams) -> Result<Self, EngineError> {
        EngineParams { common: common.clone(), specific: Specific::Windowed(params.clone()) }.validate()?;
        gpu.check_f64(R::IS_F64)?;
        let n = common.max_neurons as u64;
        // Up front: the neuron arrays at capacity and slots for 4 connections per neuron.
        gpu.check_binding("neuron sums for max_neurons", Binding::Sums.elem_bytes::<R>() * (n + 1024))?;
        gpu.check_binding("connection metadata for 4 connections per neuron", 16 * 4 * n)?;
        let wl = params.window as u64 + 1;
        let cap = |b: Binding| match b {
            Binding::Counters => N_COUNTERS as u64,
            Binding::Input => 1 << 16,
            Binding::WordNeuron => 4096,
            Binding::Act | Binding::NeuronWord | Binding::OutDegree | Binding::Pos | Binding::Sums => n + 1024,
            Binding::SlotEnds | Binding::SlotVal | Binding::SlotMeta | Binding::FreeStack => (4 * n).max(4096),
            Binding::Scratch => wl + wl * wl,
        };
        let uniform = windowed_params(&Params::<R>::new(&common, &params, 0, 0, 0)).len() as u64;
        let mut state = Resident::for_state::<State<R>>(&gpu, "windowed", uniform, cap)?;
        state.write(Binding::Scratch as u32, 0, bytes_of(&vec![DEAD; (wl + wl * wl) as usize]))?;
        let kernels: Vec<Kernel> = WindowedKernel::ALL.iter().map(|&k| k.into()).collect();
        let executor = Executor::new(&gpu, &kernels, &[state.layout()], R::IS_F64, DISPATCHES_PER_STEP);
        let mut engine = Self {
            gpu,
            common,
            params,
            state,
            executor,
            word_ids: FxHashMap::default(),
            words: Vec::new(),
            words_on_device: 0,
            ids_bound: 0,
            slots_bound: 0,
            tokens_offset: 0,
            counters: [0; N_COUNTERS],
            stats: WindowedStats::default(),
            real: PhantomData,
        };
        engine.import(&Network::default(), WindowedStats::default())?;
        Ok(engine)
    }

    /// The kernels' parameters with the current capacities.
    fn kernel_params(&self) -> Params<R> {
        let (ids, slots) = (self.state.cap(Binding::Act as u32), self.state.cap(Binding::SlotEnds as u32));
        Params::new(&self.common, &self.params, ids, slots, self.tokens_offset)
    }

    fn write_params(&self) {
        self.state.write_uniform(&windowed_params(&self.kernel_params()));
    }

    /// Replace the state with `network` (as a snapshot of either backend left it) and the
    /// counters `stats`: the window count keys the random draws, so the run continues exactly.
    fn import(&mut self, network: &Network, stats: WindowedStats) -> Result<(), GpuError> {
        let n_ids = network.words.len() as u64;
        let n_slots = network.connections.len() as u64;
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
        let s = &mut self.state;
        s.write(Binding::Act as u32, 0, bytemuck::cast_slice(&act))?;
        s.write(Binding::NeuronWord as u32, 0, bytes_of(&neuron_word))?;
        s.write(Binding::OutDegree as u32, 0, bytes_of(&out_degree))?;
        s.write(Binding::Pos as u32, 0, bytemuck::cast_slice(&pos))?;
        s.reserve(Binding::Sums as u32, n_ids)?;
        s.write(Binding::SlotEnds as u32, 0, bytemuck::cast_slice(&ends))?;
        s.write(Binding::SlotVal as u32, 0, bytemuck::cast_slice(&vals))?;
        s.write(Binding::SlotMeta as u32, 0, bytemuck::cast_slice(&meta))?;
        s.reserve(Binding::FreeStack as u32, n_slots)?;
        let mut counters = [0u32; N_COUNTERS];
        counters[Counter::NextId as usize] = n_ids as u32;
        counters[Counter::NLive as usize] = network.n_neurons() as u32;
        counters[Counter::Hw as usize] = n_slots as u32;
        counters[Counter::Evictions as usize] = stats.evictions as u32;
        counters[Counter::Refused as usize] = stats.refused as u32;
        s.write(Binding::Counters as u32, 0, bytes_of(&counters))?;
        self.counters = counters;
        self.ids_bound = n_ids;
        self.slots_bound = n_slots;
        self.stats = stats;
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

    /// Upload table rows (DEAD, speaker flag) for words interned since the last upload.
    fn upload_words(&mut self) -> Result<(), GpuError> {
        let rows = word_rows(&self.words[self.words_on_device..]);
        self.state.write(Binding::WordNeuron as u32, self.words_on_device as u64, bytemuck::cast_slice(&rows))?;
        self.words_on_device = self.words.len();
        Ok(())
    }

    /// The step records and tokens of `exchanges` as speaker turns, exactly as the CPU
    /// engine's `step_turn` walks them; the counters advance.
    fn prepare(
        &mut self,
        stream: &TokenStream,
        speakers: &[String],
        exchanges: Range<usize>,
        mut on_upload: impl FnMut(&mut Self, &[StepRecord], &[u32]) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let w = self.params.window;
        let pairs = (w * (w + 1) / 2) as u64;
        let mut steps: Vec<StepRecord> = Vec::new();
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
                steps.push(StepRecord { token_offset: base, speaker_word: speaker, window: 0, flags: SPEAKER_FIRST });
            } else {
                for start in 0..=turn.len() - w {
                    self.stats.windows += 1;
                    self.stats.pairs += pairs;
                    let window = u32::try_from(self.stats.windows)
                        .map_err(|_| GpuError::Runtime("more than 2³² windows in one run".to_owned()))?;
                    let flags = if start == 0 { SPEAKER_FIRST } else { 0 };
                    steps.push(StepRecord { token_offset: base + start as u32, speaker_word: speaker, window, flags });
                }
            }
            if steps.len() >= STEPS_PER_UPLOAD {
                on_upload(self, &steps, &tokens)?;
                steps.clear();
                tokens.clear();
            }
        }
        if !steps.is_empty() {
            on_upload(self, &steps, &tokens)?;
        }
        Ok(())
    }

    /// Upload a batch's words, steps and tokens; the cursor starts at its first step.
    fn upload(&mut self, steps: &[StepRecord], tokens: &[u32]) -> Result<(), GpuError> {
        self.upload_words()?;
        let mut input: Vec<u32> = bytemuck::cast_slice(steps).to_vec();
        input.extend_from_slice(tokens);
        self.state.write(Binding::Input as u32, 0, bytes_of(&input))?;
        self.gpu.queue.write_buffer(self.state.buffer(Binding::Counters as u32), 0, bytes_of(&[0]));
        self.tokens_offset = (twin::STEP_WORDS * steps.len()) as u32;
        self.write_params();
        Ok(())
    }

    fn execute(&mut self, steps: &[StepRecord], tokens: &[u32]) -> Result<(), EngineError> {
        self.upload(steps, tokens)?;
        let w = self.params.window as u64;
        for batch in steps.chunks(STEPS_PER_SUBMIT) {
            let ids_growth: u64 =
                batch.iter().map(|s| u64::from(s.flags & SPEAKER_FIRST) + if s.window != 0 { w } else { 0 }).sum();
            let slot_growth = w * (w + 1) / 2 * batch.iter().filter(|s| s.window != 0).count() as u64;
            self.make_room(ids_growth, slot_growth)?;
            let plan: Vec<Vec<Dispatch>> = batch.iter().map(|s| self.plan(s)).collect();
            self.executor.submit(&plan, &[self.state.bind()])?;
        }
        Ok(())
    }

    /// Grow the arrays when the bounds could pass the capacities after `ids` more ids and
    /// `slots` more slots (reading the exact counters first).
    fn make_room(&mut self, ids: u64, slots: u64) -> Result<(), GpuError> {
        let fits = |e: &Self| {
            e.ids_bound + ids <= e.state.cap(Binding::Act as u32)
                && e.slots_bound + slots <= e.state.cap(Binding::SlotEnds as u32)
        };
        if fits(self) {
            return Ok(());
        }
        self.sync()?;
        let mut grew = false;
        for b in ID_ARRAYS {
            grew |= self.state.reserve(b as u32, self.ids_bound + ids)?;
        }
        for b in SLOT_ARRAYS {
            grew |= self.state.reserve(b as u32, self.slots_bound + slots)?;
        }
        if grew {
            self.write_params();
        }
        Ok(())
    }

    /// Read the counters back; fail on an overflow or a device error.
    fn sync(&mut self) -> Result<(), GpuError> {
        let bytes = self.state.read(&[(Binding::Counters as u32, N_COUNTERS as u64)])?.remove(0);
        let words: Vec<u32> = elements(&bytes);
        self.counters.copy_from_slice(&words[..N_COUNTERS]);
        if self.counters[Counter::Overflow as usize] != 0 {
            return Err(GpuError::Runtime(format!(
                "device state overflowed (flags {}): capacity planning bug",
                self.counters[Counter::Overflow as usize]
            )));
        }
        self.ids_bound = u64::from(self.counters[Counter::NextId as usize]);
        self.slots_bound = u64::from(self.counters[Counter::Hw as usize]);
        self.stats.evictions = u64::from(self.counters[Counter::Evictions as usize]);
        self.stats.refused = u64::from(self.counters[Counter::Refused as usize]);
        Ok(())
    }

    /// The dispatches of one step, with grids from the host's bounds (advanced here).
    fn plan(&mut self, step: &StepRecord) -> Vec<Dispatch> {
        let one =
            |kernel: WindowedKernel, entry: u8, groups| Dispatch { kernel: kernel.into(), entry, groups, offset: None };
        let w = self.params.window as u64;
        self.ids_bound += u64::from(step.flags & SPEAKER_FIRST) + if step.window != 0 { w } else { 0 };
        if step.window == 0 {
            return vec![one(WindowedKernel::Eviction, 0, (1, 1))];
        }
        let ids = grid(self.ids_bound.min(self.state.cap(Binding::Act as u32)));
        let before = grid(self.slots_bound.min(self.state.cap(Binding::SlotEnds as u32)));
        self.slots_bound += w * (w + 1) / 2;
        let after = grid(self.slots_bound.min(self.state.cap(Binding::SlotEnds as u32)));
        vec![
            one(WindowedKernel::Eviction, 0, (1, 1)),
            one(WindowedKernel::ActivationDecay, 0, ids),
            one(WindowedKernel::ConnectionDecay, 0, before),
            one(WindowedKernel::PairUpdate, 0, (1, 1)),
            one(WindowedKernel::Prune, 0, after),
            one(WindowedKernel::ActivationSpread, 0, after),
            one(WindowedKernel::ActivationSpread, 1, ids),
        ]
    }

    /// The conformance test's walk (`tests/it/kernels.rs`): run `exchanges` one kernel at a
    /// time; before each kernel the state is read back, the twin runs on a copy, the shader runs
    /// on the device, and `check(kernel, before, twin, shader)` sees all three; the twin's state
    /// then continues (so one difference never hides the next).
    #[doc(hidden)]
    pub fn check_kernels(
        &mut self,
        stream: &TokenStream,
        speakers: &[String],
        exchanges: Range<usize>,
        mut check: impl FnMut(WindowedKernel, &State<R>, &State<R>, &State<R>),
    ) -> Result<(), EngineError> {
        self.prepare(stream, speakers, exchanges, |e, steps, tokens| {
            e.upload(steps, tokens)?;
            let w = e.params.window as u64;
            for step in steps {
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
                        let ids = u64::from(before.counters[Counter::NextId as usize]);
                        let slots = u64::from(before.counters[Counter::Hw as usize]);
                        part.iter()
                            .map(|d| {
                                let groups = match (k, d.entry) {
                                    (WindowedKernel::Eviction | WindowedKernel::PairUpdate, _) => (1, 1),
                                    (WindowedKernel::ActivationDecay, _) | (WindowedKernel::ActivationSpread, 1) => {
                                        grid(ids)
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

    /// Live neurons and connections at the last read-back.
    fn live(&self) -> (usize, usize) {
        let c = &self.counters;
        (c[Counter::NLive as usize] as usize, (c[Counter::Hw as usize] - c[Counter::FreeTop as usize]) as usize)
    }
}

/// Word-table rows (no neuron yet, speaker flag) for `words`.
fn word_rows(words: &[String]) -> Vec<[u32; 2]> {
    words.iter().map(|w| [DEAD, u32::from(w.starts_with("speaker_"))]).collect()
}

impl<R: Real + Send> LearningEngine for GpuWindowedEngine<R> {
    fn run(&mut self, stream: &TokenStream, speakers: &[String], exchanges: Range<usize>) -> Result<(), EngineError> {
        self.prepare(stream, speakers, exchanges, |e, steps, tokens| e.execute(steps, tokens))?;
        self.sync()?;
        Ok(self.executor.collect()?)
    }

    /// The network, read back (connections in creation order).
    fn snapshot(&self) -> Result<Network, EngineError> {
        let counters: Vec<u32> = elements(&self.state.read(&[(Binding::Counters as u32, N_COUNTERS as u64)])?[0]);
        let (ids, hw) = (u64::from(counters[Counter::NextId as usize]), u64::from(counters[Counter::Hw as usize]));
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
        let mut live: Vec<(u64, Connection)> = (0..ends.len())
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
            neuron_word.iter().zip(&act).map(|(&w, &a)| if w == DEAD { 0.0 } else { a.to_f64() }).collect();
        Ok(Network { words, activations, connections: live.into_iter().map(|(_, c)| c).collect() })
    }

    fn stats(&self) -> EngineStats {
        EngineStats::Windowed(self.stats)
    }

    resident_engine_methods!();

    fn memory_bytes(&self) -> usize {
        self.state.memory_bytes()
    }

    fn size(&self) -> (usize, usize) {
        self.live()
    }

    /// Bytes one window moves, by the kernels' access patterns (for effective bandwidth).
    fn bytes_per_step(&self) -> Option<usize> {
        let c = &self.counters;
        let (ids, slots) = (c[Counter::NextId as usize] as usize, c[Counter::Hw as usize] as usize);
        Some(ids * (4 * 4 + 8 * 2) + slots * (8 * 4 + 8 * 3 + 4))
    }

    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError> {
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
        Ok(self.import(&network, self.stats)?)
    }

    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError> {
        let stats = stats.windowed()?;
        network.validate(&self.common.network_limits(Some(&self.params)))?;
        Ok(self.import(network, stats)?)
    }
}
