//! Replicate ensembles: R independent runs of one conversation — replicate `r` draws the
//! windowed engine's connections with seed `S + r`, and with `Resample::Exchanges` learns from
//! a bootstrap resample of the exchanges — then each concept's stability over them
//! ([`crate::analysis::stability`]). On the CPU the replicates run on all cores. On the GPU
//! the windowed engine's replicates run as batches: up to [`MAX_BATCH`] of them side by side
//! in device memory, every kernel dispatched once for all, one read-back per batch
//! (`engine::gpu::windowed`); the temporal engine's replicates run one after another.
//!
//! Replicate 0 with the run's own seed and no resample is exactly the plain run, so an
//! ensemble of one equals `huey analyze` (a test checks it). The plain run's map fixes the
//! concept set every replicate's positions are computed over.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::analysis::concept_map::{ConceptMap, concept_map, concept_map_over, ranked_concepts};
use crate::analysis::mass::speaker_self_mass;
use crate::analysis::stability::{self, ConceptStability, Replicate};
use crate::engine::gpu::windowed::ReplicateInput;
use crate::model::network::Network;
use crate::model::options::{AnalysisOptions, Backend, MapOptions};
use crate::model::params::Specific;
use crate::model::rng::SplitMix;
use crate::model::tokens::TokenStream;
use crate::run::RunError;
use crate::run::factory::{engine_on, gpu_windowed_batch};

/// What varies between replicates besides the seed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resample {
    /// Every replicate learns from the whole conversation (only the seed varies).
    #[default]
    None,
    /// Each replicate learns from n exchanges drawn with replacement from the n, kept in
    /// conversation order (a repeated exchange is learned twice in a row).
    Exchanges,
}

/// How an ensemble runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnsembleSpec {
    /// Number of replicates (at least 1).
    pub replicates: usize,
    /// What each replicate resamples.
    pub resample: Resample,
    /// Base seed `S`: replicate `r` uses `S + r` for the windowed engine's draws and for its
    /// resample.
    pub seed: u64,
    /// Where the engines run.
    pub backend: Backend,
    /// CPU threads (0: all cores).
    pub threads: usize,
}

/// The conversation an ensemble learns from.
#[derive(Clone, Copy, Debug)]
pub struct Conversation<'a> {
    /// Tokens of every exchange.
    pub stream: &'a TokenStream,
    /// Speaker of each exchange.
    pub speakers: &'a [String],
    /// The detected speakers (their self-concept mass decides the map's speaker concepts).
    pub people: &'a [String],
}

/// One replicate, as summarised in the report.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ReplicateSummary {
    /// Index `r`.
    pub index: usize,
    /// Its seed `S + r` (draws and resample; none for the temporal engine without a resample).
    pub seed: Option<u64>,
    /// Distinct exchanges learned from (all of them without resampling).
    pub distinct_exchanges: usize,
    /// Live neurons at the end.
    pub neurons: usize,
    /// Live connections at the end.
    pub connections: usize,
}

/// A finished ensemble.
#[derive(Clone, Debug)]
pub struct Ensemble {
    /// Per concept, heaviest mean mass first.
    pub concepts: Vec<ConceptStability>,
    /// Per replicate.
    pub replicates: Vec<ReplicateSummary>,
    /// What each replicate contributed (masses, top concepts, positions; ids into `labels`).
    pub data: Vec<Replicate>,
    /// The concept labels `data`'s ids name.
    pub labels: Vec<String>,
    /// The plain run's map (seed `S`, every exchange): the concept set positions are computed
    /// over.
    pub reference_map: ConceptMap,
    /// What the replicates resampled.
    pub resample: Resample,
    /// Where the engines ran, and on which device.
    pub backend: Backend,
    /// See `backend`.
    pub device: String,
    /// Wall seconds for all replicates (engines, maps and statistics).
    pub secs: f64,
}

/// The options of replicate `r`: the windowed engine's seed becomes `S + r`.
pub fn replicate_options(opts: &AnalysisOptions, spec: &EnsembleSpec, r: usize) -> AnalysisOptions {
    let mut o = opts.clone();
    o.backend = spec.backend;
    if let Specific::Windowed(w) = &mut o.engine.specific {
        w.seed = spec.seed.wrapping_add(r as u64);
    }
    o
}

/// The exchanges replicate `r` learns from, in conversation order.
pub fn picks(n: usize, spec: &EnsembleSpec, r: usize) -> Vec<usize> {
    match spec.resample {
        Resample::None => (0..n).collect(),
        Resample::Exchanges => {
            let mut rng = SplitMix(spec.seed.wrapping_add(r as u64) ^ 0xB007_57A4_A11E_5EED);
            let mut p: Vec<usize> = if n == 0 { Vec::new() } else { (0..n).map(|_| rng.below(n)).collect() };
            p.sort_unstable();
            p
        }
    }
}

/// Bytes an ensemble keeps per (replicate, concept) at most: the mass (id and value, 16), the
/// concept's value in its interval's column (8), and where the concept is mapped, its position
/// and aligned copy (32 + 24).
pub const BYTES_PER_ENTRY: u64 = 80;

/// Most (replicate, concept) entries an ensemble keeps: 1 GiB at [`BYTES_PER_ENTRY`] each.
pub const MAX_ENTRIES: u64 = (1 << 30) / BYTES_PER_ENTRY;

/// Worker threads of a CPU ensemble: as asked (0: every core), never more than the cores
/// (each holds a network and, resampling, a copy of the tokens) or the replicates after the
/// first (which runs before them).
pub fn threads_for(spec: &EnsembleSpec) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let asked = if spec.threads == 0 { cores } else { spec.threads };
    asked.min(cores).min(spec.replicates.saturating_sub(1)).max(1)
}

/// Concept labels as ids, one table for all replicates (a replicate's thread interns its
/// labels in one short critical section, after its engine has run).
#[derive(Debug, Default)]
struct Labels {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Labels {
    fn id(&mut self, label: &str) -> u32 {
        if let Some(&id) = self.ids.get(label) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(label.to_owned(), id);
        self.names.push(label.to_owned());
        id
    }
}

/// Refuse an ensemble whose masses would not fit [`MAX_ENTRIES`]: a replicate has at most as
/// many concepts as the vocabulary cap and as the conversation has words (and speakers).
pub fn check_size(conv: Conversation<'_>, opts: &AnalysisOptions, replicates: usize) -> Result<(), RunError> {
    let mut words: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    for k in 0..conv.stream.n_exchanges() {
        words.extend(conv.stream.exchange(k));
    }
    // The windowed engine never evicts a neuron of the current window, so its network can
    // exceed the cap by a window's neurons.
    let slack = match &opts.engine.specific {
        Specific::Windowed(w) => w.window + 1,
        Specific::Temporal(_) => 0,
    };
    let concepts = (opts.engine.common.max_neurons + slack).min(words.len() + 2 * conv.people.len()).max(1);
    if replicates as u64 * concepts as u64 > MAX_ENTRIES {
        return Err(RunError::EnsembleTooLarge {
            replicates,
            concepts,
            max: MAX_ENTRIES,
            fits: MAX_ENTRIES / concepts as u64,
        });
    }
    Ok(())
}

/// Why every replicate of `spec` would be the same run, if it would: nothing drawn (the
/// temporal engine, or the windowed engine with every connection allowed) and nothing
/// resampled, or a resample of one exchange (which every resample repeats).
pub fn identical_replicates(opts: &AnalysisOptions, spec: &EnsembleSpec, exchanges: usize) -> Option<String> {
    if spec.replicates < 2 {
        return None;
    }
    let nothing_drawn = match &opts.engine.specific {
        Specific::Temporal(_) => "the temporal engine draws nothing",
        Specific::Windowed(w) if w.connection_prob >= 1.0 => "with connection probability 1 nothing is drawn",
        Specific::Windowed(_) => return None,
    };
    let same = "every replicate is the same run";
    match spec.resample {
        Resample::None => Some(format!("{nothing_drawn} and nothing is resampled: {same}")),
        Resample::Exchanges if exchanges <= 1 => {
            Some(format!("{nothing_drawn}, and a resample of one exchange is that exchange: {same}"))
        }
        Resample::Exchanges => None,
    }
}

/// Most replicates in one GPU batch (the goal's R; more run as further batches).
pub const MAX_BATCH: usize = 1024;

/// Device bytes one batch may hold at first (it grows from there as its networks do).
const BATCH_BYTES: u64 = 2 << 30;

/// What one replicate of a GPU batch holds at first, for sizing batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicateRoom {
    /// Neuron rows.
    pub ids: u64,
    /// Connection slots (the engine takes at least four per neuron and 4,096).
    pub slots: u64,
    /// Word-table rows (the conversation's words and speakers).
    pub words: u64,
    /// The window W (the scratch table is (W + 1) + (W + 1)² words).
    pub window: u64,
}

/// Replicates per GPU batch: every replicate's widest array (its 16-byte slot metadata with
/// room to double once, its 8-byte word-table rows, or its scratch table) within one storage
/// binding, and its whole state (~48 bytes per neuron row, 44 per slot, 8 per word, the
/// scratch) within 2 GiB.
pub fn batch_size(max_binding: u64, room: ReplicateRoom, remaining: usize) -> usize {
    let slots = (4 * room.ids).max(4096).max(room.slots);
    let wl = room.window + 1;
    let scratch = 4 * (wl + wl * wl);
    let widest = (2 * 16 * slots).max(8 * room.words).max(scratch);
    let whole = 2 * (48 * room.ids + 44 * slots) + 8 * room.words + scratch;
    let fits = (max_binding / widest).min(BATCH_BYTES / whole);
    remaining.min(MAX_BATCH).min(usize::try_from(fits).unwrap_or(usize::MAX)).max(1)
}

/// Every token and lowercased speaker of `conv`: a GPU batch's word table. Sorted: the table's
/// order does not matter (neuron ids come from the device), but a run should not depend on a
/// hash seed.
fn vocabulary(conv: Conversation<'_>) -> Vec<String> {
    let mut words: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    let mut speakers: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    for k in 0..conv.stream.n_exchanges() {
        words.extend(conv.stream.exchange(k));
        speakers.insert(conv.speakers[k].to_lowercase());
    }
    let mut all: Vec<String> = words.into_iter().map(str::to_owned).chain(speakers).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Replicates `first..first + count` of a windowed ensemble as one GPU batch over `words`
/// ([`vocabulary`]), `room` for each at first: each network and the distinct exchanges it
/// read.
fn gpu_batch(
    conv: Conversation<'_>,
    opts: &AnalysisOptions,
    spec: &EnsembleSpec,
    (first, count): (usize, usize),
    words: &[String],
    room: ReplicateRoom,
) -> Result<Vec<(Network, usize)>, RunError> {
    let n = conv.stream.n_exchanges();
    let seed = spec.seed.wrapping_add(first as u64);
    let Some(mut batch) = gpu_windowed_batch(opts, seed, count, words.to_vec(), (room.ids, room.slots))? else {
        unreachable!("only the windowed engine runs in batches")
    };
    let picks: Vec<Vec<usize>> = (first..first + count).map(|r| picks(n, spec, r)).collect();
    match spec.resample {
        Resample::None => {
            let whole = ReplicateInput { stream: conv.stream, speakers: conv.speakers, exchanges: 0..n, order: None };
            batch.run_all(&[whole])?;
        }
        Resample::Exchanges => {
            // Each replicate walks its picks over the one conversation (no copy of its tokens).
            let inputs: Vec<ReplicateInput<'_>> = picks
                .iter()
                .map(|p| ReplicateInput {
                    stream: conv.stream,
                    speakers: conv.speakers,
                    exchanges: 0..p.len(),
                    order: Some(p),
                })
                .collect();
            batch.run_all(&inputs)?;
        }
    }
    let networks = batch.networks()?;
    Ok(networks
        .into_iter()
        .zip(picks)
        .map(|(net, mut p)| {
            p.dedup();
            (net, p.len())
        })
        .collect())
}

/// What a replicate's work gives: its contribution and its summary, or why it failed.
type Outcome = Result<(Replicate, ReplicateSummary), RunError>;

/// The seed of replicate `r`, `S + r` (its draws and its resample), or `None` where it has
/// none to use (the temporal engine without a resample).
pub fn replicate_seed(opts: &AnalysisOptions, spec: &EnsembleSpec, r: usize) -> Option<u64> {
    match (replicate_options(opts, spec, r).engine.specific, spec.resample) {
        (Specific::Windowed(w), _) => Some(w.seed),
        (Specific::Temporal(_), Resample::Exchanges) => Some(spec.seed.wrapping_add(r as u64)),
        (Specific::Temporal(_), Resample::None) => None,
    }
}

/// What replicate `r` learned: the network, the distinct exchanges it read, the device.
#[derive(Debug)]
pub struct Learned {
    /// The network at the end.
    pub network: Network,
    /// Distinct exchanges learned from.
    pub distinct: usize,
    /// The device the engine ran on.
    pub device: String,
}

/// The network replicate `r` learns.
pub fn replicate_network(
    conv: Conversation<'_>,
    opts: &AnalysisOptions,
    spec: &EnsembleSpec,
    r: usize,
) -> Result<Learned, RunError> {
    let o = replicate_options(opts, spec, r);
    let mut engine = engine_on(spec.backend, &o)?;
    let n = conv.stream.n_exchanges();
    let distinct = match spec.resample {
        Resample::None => {
            engine.run(conv.stream, conv.speakers, 0..n)?;
            n
        }
        Resample::Exchanges => {
            let p = picks(n, spec, r);
            let stream = conv.stream.resampled(&p);
            let speakers: Vec<String> = p.iter().map(|&k| conv.speakers[k].clone()).collect();
            engine.run(&stream, &speakers, 0..p.len())?;
            let mut distinct = p;
            distinct.dedup();
            distinct.len()
        }
    };
    Ok(Learned { network: engine.snapshot()?, distinct, device: engine.device() })
}

/// The windowed engine's window W (0 for the temporal engine).
fn opts_window(opts: &AnalysisOptions) -> u64 {
    match &opts.engine.specific {
        Specific::Windowed(w) => w.window as u64,
        Specific::Temporal(_) => 0,
    }
}

/// Run the ensemble. Fails on the first replicate that fails (a GPU that cannot start or is
/// lost is an error, never a silent CPU run).
pub fn run(conv: Conversation<'_>, opts: &AnalysisOptions, spec: &EnsembleSpec) -> Result<Ensemble, RunError> {
    run_reporting(conv, opts, spec, &|_| {})
}

/// [`run`], calling `progress` with the number of replicates done after each one (from the
/// threads that run them, so in any order of completion but with a growing count).
pub fn run_reporting(
    conv: Conversation<'_>,
    opts: &AnalysisOptions,
    spec: &EnsembleSpec,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Ensemble, RunError> {
    let started = Instant::now();
    let spec = EnsembleSpec { replicates: spec.replicates.max(1), ..*spec };
    check_size(conv, opts, spec.replicates)?;
    // Replicate 0 first. The plain run's map (replicate 0's without resampling) fixes the
    // concept set every replicate is positioned over: the concepts the map on show has.
    let Learned { network: net0, distinct: distinct0, device } = replicate_network(conv, opts, &spec, 0)?;
    let plain = match spec.resample {
        Resample::None => None,
        Resample::Exchanges => {
            Some(replicate_network(conv, opts, &EnsembleSpec { resample: Resample::None, ..spec }, 0)?.network)
        }
    };
    let reference_net = plain.as_ref().unwrap_or(&net0);
    let reference_map = concept_map(reference_net, &speaker_self_mass(reference_net, conv.people), &opts.map);
    let reference: Vec<String> = reference_map.labels.clone();
    let labels = std::sync::Mutex::new(Labels::default());
    let one = |r: usize, net: &Network, distinct: usize| -> (Replicate, ReplicateSummary) {
        let speaker_mass = speaker_self_mass(net, conv.people);
        // Every concept's mass, also below `--min-mass` (a concept under the threshold is
        // there, not at 0); the map's own selection (the threshold, the speakers' entries)
        // decides which concepts are the top N.
        let everything = MapOptions { min_mass: f64::NEG_INFINITY, ..opts.map.clone() };
        let ranked = ranked_concepts(net, &speaker_mass, &everything);
        let shown = ranked_concepts(net, &speaker_mass, &opts.map);
        let over = concept_map_over(net, &speaker_mass, &opts.map, &reference);
        let summary = ReplicateSummary {
            index: r,
            seed: replicate_seed(opts, &spec, r),
            distinct_exchanges: distinct,
            neurons: net.words.iter().filter(|w| !w.is_empty()).count(),
            connections: net.connections.len(),
        };
        // A panic elsewhere cannot leave the table half-written (inserts are whole), so a
        // poisoned lock is still a good table.
        let mut table = labels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let masses: Vec<(u32, f64)> = ranked.iter().map(|(c, m)| (table.id(c), *m)).collect();
        let top = shown.iter().take(opts.map.n_concepts).map(|(c, _)| table.id(c)).collect();
        let positions = over.labels.iter().zip(&over.coords).map(|(c, p)| (table.id(c), *p)).collect();
        drop(table);
        (Replicate { masses, top, positions }, summary)
    };
    let mut results: Vec<Option<Outcome>> = (0..spec.replicates).map(|_| None).collect();
    results[0] = Some(Ok(one(0, &net0, distinct0)));
    let finished = AtomicUsize::new(1);
    progress(1);
    let work = |r: usize| {
        let out = replicate_network(conv, opts, &spec, r).map(|l| one(r, &l.network, l.distinct));
        progress(finished.fetch_add(1, Ordering::Relaxed) + 1);
        out
    };
    match spec.backend {
        // The windowed engine: batches of replicates side by side on the device.
        Backend::Gpu if matches!(opts.engine.specific, Specific::Windowed(_)) => {
            let gpu = crate::engine::gpu::GpuDevice::shared().map_err(crate::engine::EngineError::from)?;
            // Room for what the first replicate grew to (its ids, vocabulary and re-created
            // words, and a window more; its connections and a quarter more); the arrays grow
            // when a replicate needs more.
            let words = vocabulary(conv);
            let room = ReplicateRoom {
                ids: net0.words.len() as u64 + opts_window(opts) + 2,
                slots: net0.connections.len() as u64 * 5 / 4,
                words: words.len() as u64,
                window: opts_window(opts),
            };
            let mut first = 1;
            while first < spec.replicates {
                let count = batch_size(gpu.info.max_storage_binding, room, spec.replicates - first);
                match gpu_batch(conv, opts, &spec, (first, count), &words, room) {
                    Ok(learned) => {
                        for (i, (net, distinct)) in learned.iter().enumerate() {
                            results[first + i] = Some(Ok(one(first + i, net, *distinct)));
                            progress(finished.fetch_add(1, Ordering::Relaxed) + 1);
                        }
                    }
                    Err(e) => {
                        results[first] = Some(Err(e));
                        break;
                    }
                }
                first += count;
            }
        }
        // One device: the temporal engine's replicates queue on it in turn.
        Backend::Gpu => {
            for (r, slot) in results.iter_mut().enumerate().skip(1) {
                let outcome = work(r);
                let failed = outcome.is_err();
                *slot = Some(outcome);
                if failed {
                    break;
                }
            }
        }
        Backend::Cpu => {
            let threads = threads_for(&spec);
            let next = AtomicUsize::new(1);
            // After a failure no worker starts another replicate (the ensemble fails anyway).
            let failed = AtomicBool::new(false);
            let drain = || {
                let mut mine = Vec::new();
                loop {
                    let r = next.fetch_add(1, Ordering::Relaxed);
                    if r >= spec.replicates || failed.load(Ordering::Relaxed) {
                        break mine;
                    }
                    let outcome = work(r);
                    if outcome.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    mine.push((r, outcome));
                }
            };
            let done: Vec<Vec<(usize, Outcome)>> = std::thread::scope(|s| {
                // A thread the system refuses (a process limit) is one fewer worker: the
                // others, or this thread, take its replicates.
                let handles: Vec<_> = (0..threads - 1)
                    .map_while(|_| std::thread::Builder::new().name("replicate".into()).spawn_scoped(s, drain).ok())
                    .collect();
                let mut done = vec![drain()];
                // A panicking replicate is a bug; re-raise it on this thread.
                done.extend(handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))));
                done
            });
            for (r, result) in done.into_iter().flatten() {
                results[r] = Some(result);
            }
        }
    }
    let mut data = Vec::with_capacity(spec.replicates);
    let mut replicates = Vec::with_capacity(spec.replicates);
    // Every index was claimed exactly once (replicate 0 above, the rest by the workers).
    for result in results.into_iter().flatten() {
        let (d, s) = result?;
        data.push(d);
        replicates.push(s);
    }
    let names = labels.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).names;
    let concepts = stability::stability(&data, &names);
    Ok(Ensemble {
        concepts,
        replicates,
        data,
        labels: names,
        reference_map,
        resample: spec.resample,
        backend: spec.backend,
        device,
        secs: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_fit_the_binding_and_the_budget() {
        // Small networks: the goal's 1,024 at most, and never more than remain.
        let room = |ids, slots, words, window| ReplicateRoom { ids, slots, words, window };
        assert_eq!(batch_size(4 << 30, room(500, 0, 800, 7), 5_000), MAX_BATCH);
        assert_eq!(batch_size(4 << 30, room(500, 0, 800, 7), 7), 7);
        // 128 MiB bindings and 4,096 slots of 16 bytes, doubled: 1,024 replicates.
        assert_eq!(batch_size(128 << 20, room(100, 0, 800, 7), 5_000), 1_024);
        // Many neurons: the binding decides (64,000 slots · 32 bytes per replicate).
        assert_eq!(batch_size(128 << 20, room(16_000, 0, 800, 7), 5_000), (128 << 20) / (32 * 64_000));
        // Many known connections: they decide, not four per neuron.
        assert_eq!(batch_size(128 << 20, room(100, 40_000, 800, 7), 5_000), (128 << 20) / (32 * 40_000));
        // A long conversation's word table (8 bytes a word per replicate) decides.
        assert_eq!(batch_size(128 << 20, room(100, 0, 1_000_000, 7), 5_000), (128 << 20) / 8_000_000);
        // A huge window: the scratch table (4·(W+1)(W+2) bytes) decides.
        assert_eq!(batch_size(128 << 20, room(100, 0, 800, 1000), 5_000), (128 << 20) / (4 * 1001 * 1002));
        // Nothing fits: still one replicate per batch (its allocation then says why it fails).
        assert_eq!(batch_size(1 << 10, room(1 << 20, 0, 800, 7), 3), 1);
    }
}
