//! Text → speakers → tokens → Hebbian network → concept map, as one call or step by step.
//!
//! [`Pipeline`] owns the tokenized exchanges and an engine, advances one exchange per
//! [`Pipeline::step`], and can be observed between steps ([`Pipeline::progress`],
//! [`Pipeline::network`]); [`analyze_text`] runs it to the end and builds the map.

use std::time::Instant;

use super::factory::{cpu_engine, engine_on};
use super::notice::Notice;
use crate::analysis::concept_map::{ConceptMap, concept_map};
use crate::analysis::mass::speaker_self_mass;
use crate::analysis::structure::Structure;
use crate::engine::{EngineError, LearningEngine};
use crate::kernel::{KernelRow, KernelTimes, TimingMethod};
use crate::model::engine_stats::EngineStats;
use crate::model::network::Network;
use crate::model::options::{AnalysisOptions, Backend, EngineKind, Precision, Tokenizer};
use crate::model::params::ParamError;
use crate::model::tokens::TokenStream;
use crate::text::kill_words::KillList;
use crate::text::speakers::{Detection, apply_edits, detect};

/// Why a saved state cannot continue this run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RestoreError {
    /// The state says more exchanges were done than the conversation has.
    #[error("the session has {done} exchanges done, the conversation only {total}")]
    BeyondEnd {
        /// Exchanges done in the saved state.
        done: usize,
        /// Exchanges in the conversation.
        total: usize,
    },
    /// The engine refused the state.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A history has no checkpoint at or before the exchange asked for.
    #[error("no checkpoint at or before exchange {t}")]
    NoCheckpoint {
        /// The exchange asked for.
        t: usize,
    },
}

/// Wall time of each stage, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageTimes {
    /// Speaker detection.
    pub detect_secs: f64,
    /// Tokenization and kill-word filtering.
    pub tokenize_secs: f64,
    /// The engine over all exchanges.
    pub engine_secs: f64,
    /// Concept mass, speaker mass and the map.
    pub map_secs: f64,
    /// The map's structure: clusters (every stability run) and centralities.
    #[serde(default)]
    pub structure_secs: f64,
}

impl StageTimes {
    /// Sum of the stages.
    pub fn total_secs(&self) -> f64 {
        self.detect_secs + self.tokenize_secs + self.engine_secs + self.map_secs + self.structure_secs
    }
}

/// Progress of a running pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Exchanges processed.
    pub done: usize,
    /// Exchanges in total.
    pub total: usize,
}

/// A conversation being learned, one exchange per step.
///
/// A GPU engine that cannot start, or fails mid-run, is replaced by the CPU engine of the same
/// kind and precision, which replays the exchanges already done (so the state is exactly the
/// CPU's); each such fallback is announced in [`Pipeline::notices`], never silent.
#[derive(Debug)]
pub struct Pipeline {
    stream: TokenStream,
    speakers: Vec<String>,
    opts: AnalysisOptions,
    engine: Box<dyn LearningEngine>,
    next: usize,
    notices: Vec<Notice>,
    fail_next: bool,
    /// Wall seconds inside the current engine's `run` calls (its kernels' times are part of it).
    engine_secs: f64,
}

/// Estimated pair updates above which a run is announced as heavy: minutes of engine work at
/// the rates measured in docs/ROBUSTNESS.md.
pub const HEAVY_PAIRS: f64 = 1e9;

/// Pair updates a run over `stream` costs, and the longest exchange's length in tokens. The
/// temporal engine's vocabulary admits the first `max_neurons` distinct words and skips later
/// new ones, so its count is exact: Σ n(n−1)/2 over the tokens each exchange keeps. The
/// windowed engine evicts, so its count is an upper bound over all tokens: C(W+1, 2) per window.
/// Hashing every token costs a few milliseconds per million (part of each run's set-up).
pub fn work_estimate(stream: &TokenStream, opts: &AnalysisOptions) -> (f64, usize) {
    let mut longest = 0;
    let mut pairs = 0.0;
    let cap = opts.engine.common.max_neurons;
    let mut admitted: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    for k in 0..stream.n_exchanges() {
        let (n, cost) = match &opts.engine.specific {
            crate::model::params::Specific::Temporal(_) => {
                let n = stream
                    .exchange(k)
                    .filter(|t| admitted.contains(t) || (admitted.len() < cap && admitted.insert(*t)))
                    .count();
                (n, (n as f64) * (n.saturating_sub(1) as f64) / 2.0)
            }
            crate::model::params::Specific::Windowed(w) => {
                let n = stream.exchange_len(k);
                // A turn shorter than the window makes no window (§3.4).
                let windows = (n + 1).saturating_sub(w.window) as f64;
                (n, windows * ((w.window + 1) * w.window) as f64 / 2.0)
            }
        };
        longest = longest.max(n);
        pairs += cost;
    }
    (pairs, longest)
}

impl Pipeline {
    /// Prepare the engine over a tokenized conversation; `speakers[k]` speaks exchange `k`.
    /// Each engine validates its own parameters. A GPU that cannot be used falls back to the
    /// CPU with a notice.
    pub fn new(stream: TokenStream, speakers: Vec<String>, opts: &AnalysisOptions) -> Result<Self, ParamError> {
        opts.validate()?;
        let mut notices = Vec::new();
        let (pairs, longest) = work_estimate(&stream, opts);
        if pairs > HEAVY_PAIRS {
            notices.push(Notice::HeavyRun { pairs, longest });
        }
        let engine = match engine_on(opts.backend, opts) {
            Ok(engine) => engine,
            Err(EngineError::Params(e)) => return Err(e),
            Err(reason) => {
                notices.push(Notice::GpuUnavailable { reason });
                cpu_engine(opts)?
            }
        };
        Ok(Self { stream, speakers, opts: opts.clone(), engine, next: 0, notices, fail_next: false, engine_secs: 0.0 })
    }

    /// Replace a failed GPU engine by the CPU engine, replaying exchanges `0..next`. The CPU
    /// engines cannot fail at run time and were validated when the pipeline was built.
    fn fall_back(&mut self, reason: EngineError) {
        let mut engine = match cpu_engine(&self.opts) {
            Ok(engine) => engine,
            Err(e) => unreachable!("parameters were validated when the pipeline was built: {e}"),
        };
        let replay = Instant::now();
        let _ = engine.run(&self.stream, &self.speakers, 0..self.next);
        self.engine_secs = replay.elapsed().as_secs_f64();
        self.notices.push(Notice::GpuFallback { done: self.next, total: self.stream.n_exchanges(), reason });
        self.engine = engine;
    }

    fn advance(&mut self, end: usize) {
        let started = Instant::now();
        let result = if std::mem::take(&mut self.fail_next) && self.engine.backend() == Backend::Gpu {
            Err(EngineError::Gpu(crate::engine::gpu::GpuError::Runtime("device lost (injected by a test)".to_owned())))
        } else {
            self.engine.run(&self.stream, &self.speakers, self.next..end)
        };
        if let Err(e) = result {
            self.fall_back(e);
            let rest = Instant::now();
            let _ = self.engine.run(&self.stream, &self.speakers, self.next..end);
            self.engine_secs += rest.elapsed().as_secs_f64();
        } else {
            self.engine_secs += started.elapsed().as_secs_f64();
        }
        self.next = end;
    }

    /// Fallbacks and other events a user must see (empty when everything ran as asked).
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Where the engine runs now.
    pub fn backend(&self) -> Backend {
        self.engine.backend()
    }

    /// The device running the engine, for labelling timings.
    pub fn device(&self) -> String {
        self.engine.device()
    }

    /// How kernel times are measured.
    pub fn timing_method(&self) -> TimingMethod {
        self.engine.timing_method()
    }

    /// Continue from a saved state: `network` and `stats` after `done` exchanges of this
    /// same conversation (a session file).
    pub fn restore(&mut self, network: &Network, stats: EngineStats, done: usize) -> Result<(), RestoreError> {
        if done > self.stream.n_exchanges() {
            return Err(RestoreError::BeyondEnd { done, total: self.stream.n_exchanges() });
        }
        self.engine.load(network, stats)?;
        self.next = done;
        Ok(())
    }

    /// Move the run to `backend` mid-run: the current engine's state is read (a GPU snapshot
    /// read-back) and loaded into the other backend's engine, which continues from there.
    /// Changes nothing when it fails (e.g. no GPU, or f64 asked of the GPU).
    pub fn switch_backend(&mut self, backend: Backend) -> Result<(), EngineError> {
        if backend == self.engine.backend() {
            return Ok(());
        }
        let mut next = engine_on(backend, &self.opts)?;
        let network = self.engine.snapshot()?;
        next.load(&network, self.engine.stats())?;
        self.engine = next;
        self.engine_secs = 0.0;
        Ok(())
    }

    /// Make the next GPU run fail as a lost device would (tests of the fallback path).
    #[doc(hidden)]
    pub fn inject_gpu_failure(&mut self) {
        self.fail_next = true;
    }

    /// Process the next exchange; `false` when all are done.
    pub fn step(&mut self) -> bool {
        if self.next >= self.stream.n_exchanges() {
            return false;
        }
        self.advance(self.next + 1);
        true
    }

    /// Process up to `n` more exchanges in one engine call; `false` when none were left.
    pub fn step_many(&mut self, n: usize) -> bool {
        let total = self.stream.n_exchanges();
        if self.next >= total {
            return false;
        }
        self.advance((self.next + n).min(total));
        true
    }

    /// Run all remaining exchanges (one call into the engine).
    pub fn run_to_end(&mut self) {
        self.advance(self.stream.n_exchanges());
    }

    /// Exchanges done and total.
    pub fn progress(&self) -> Progress {
        Progress { done: self.next, total: self.stream.n_exchanges() }
    }

    /// The current network as plain data (a failed GPU read-back falls back to the CPU).
    pub fn network(&mut self) -> Network {
        match self.engine.snapshot() {
            Ok(network) => network,
            Err(e) => {
                self.fall_back(e);
                self.engine.snapshot().unwrap_or_default()
            }
        }
    }

    /// Wall time per kernel so far.
    pub fn kernel_times(&self) -> KernelTimes {
        self.engine.kernel_times()
    }

    /// Wall seconds the current engine has spent stepping (since it started, or took over
    /// after a switch or fallback): the total its kernel times are part of.
    pub fn engine_secs(&self) -> f64 {
        self.engine_secs
    }

    /// Create neurons for `words` before the first step (benchmark warm start).
    pub fn prefill<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) -> Result<(), EngineError> {
        self.engine.prefill(&mut words.into_iter())
    }

    /// Bytes held by the engine's state.
    pub fn memory_bytes(&self) -> usize {
        self.engine.memory_bytes()
    }

    /// Live neurons and connections.
    pub fn size(&self) -> (usize, usize) {
        self.engine.size()
    }

    /// Estimated bytes moved per engine step (windowed: per window; temporal: not modelled).
    pub fn bytes_per_step(&self) -> Option<usize> {
        self.engine.bytes_per_step()
    }

    /// Engine counters.
    pub fn stats(&self) -> EngineStats {
        self.engine.stats()
    }

    /// The tokens the engine learns from, and each exchange's speaker.
    pub fn tokens(&self) -> (&TokenStream, &[String]) {
        (&self.stream, &self.speakers)
    }
}

/// A finished analysis.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The engine that ran, in which precision, with which tokenizer (the effective one: the
    /// windowed engine's reference rule differs from the temporal engine's).
    pub engine: EngineKind,
    /// See `engine`.
    pub precision: Precision,
    /// See `engine`.
    pub tokenizer: Tokenizer,
    /// Where the engine ran (at the end: the CPU after a GPU fallback).
    pub backend: Backend,
    /// The device that ran it.
    pub device: String,
    /// How the kernel times were measured.
    pub timing: TimingMethod,
    /// Speaker detection result.
    pub detection: Detection,
    /// The learned network.
    pub network: Network,
    /// Engine counters.
    pub stats: EngineStats,
    /// Tokens before kill-word filtering.
    pub n_raw_tokens: usize,
    /// Tokens after kill-word filtering.
    pub n_tokens: usize,
    /// Self-concept mass per speaker.
    pub speaker_mass: Vec<(String, f64)>,
    /// The concept map.
    pub map: ConceptMap,
    /// Its concepts' graph, clusters and centralities.
    pub structure: Structure,
    /// Stage timings.
    pub times: StageTimes,
    /// Per-kernel timings of the engine.
    pub kernels: Vec<KernelRow>,
    /// Bytes held by the engine's state at the end (device memory for a GPU engine).
    pub memory_bytes: usize,
    /// What the user must know (detection limits, GPU fallback, empty results).
    pub warnings: Vec<Notice>,
}

impl Analysis {
    /// Tokens as the reference reports them: its temporal engine counts before kill-word
    /// filtering, its windowed tokenizer drops kill words itself.
    pub fn reference_tokens(&self) -> usize {
        match self.engine {
            EngineKind::Temporal => self.n_raw_tokens,
            EngineKind::Windowed => self.n_tokens,
        }
    }
}

/// A conversation detected, tokenized and ready to step.
#[derive(Debug)]
pub struct Prepared {
    /// Speaker detection result.
    pub detection: Detection,
    /// The pipeline at exchange 0.
    pub pipeline: Pipeline,
    /// Tokens before and after kill-word filtering.
    pub n_raw_tokens: usize,
    /// See `n_raw_tokens`.
    pub n_tokens: usize,
    /// Detection and tokenization times (the engine and map fields stay 0).
    pub times: StageTimes,
    /// The tokenizer actually used.
    pub tokenizer: Tokenizer,
    /// The speakers as detected, before the user's edits.
    pub detected_speakers: Vec<String>,
    /// Their turns (`detected_speakers` order), before the user's edits.
    pub detected_turns: Vec<usize>,
}

/// Detect speakers, tokenize and set up the engine, without stepping it.
pub fn prepare(text: &str, opts: &AnalysisOptions, kill: &KillList) -> Result<Prepared, ParamError> {
    opts.validate()?;
    let t0 = Instant::now();
    let mut detection = detect(text, &opts.detect, &opts.speaker_edits);
    let detected_speakers = detection.speakers.clone();
    let detected_turns = detection.turns.clone();
    let mut label_names = detected_speakers.clone();
    apply_edits(&opts.speaker_edits, &mut detection);
    label_names.extend(detection.speakers.iter().cloned());
    let detect_secs = t0.elapsed().as_secs_f64();
    let mut prepared = prepare_detected(detection, &label_names, opts, kill)?;
    prepared.times.detect_secs = detect_secs;
    prepared.detected_speakers = detected_speakers;
    prepared.detected_turns = detected_turns;
    Ok(prepared)
}

/// Tokenize a detection (a conversation's, or several pooled) and set up the engine;
/// `label_names` are the speaker labels the tokens leave out. The detected speakers are the
/// detection's own.
pub fn prepare_detected(
    detection: Detection,
    label_names: &[String],
    opts: &AnalysisOptions,
    kill: &KillList,
) -> Result<Prepared, ParamError> {
    opts.validate()?;
    let t1 = Instant::now();
    let tokenizer = opts.tokenizer.effective(opts.engine.kind());
    let stream = crate::text::token_stream::build_labelled(&detection, tokenizer, kill, label_names);
    let times = StageTimes { tokenize_secs: t1.elapsed().as_secs_f64(), ..StageTimes::default() };
    let (n_raw_tokens, n_tokens) = (stream.n_raw_tokens(), stream.n_tokens());
    let speakers = detection.exchanges.iter().map(|e| e.speaker.clone()).collect();
    let pipeline = Pipeline::new(stream, speakers, opts)?;
    let (detected_speakers, detected_turns) = (detection.speakers.clone(), detection.turns.clone());
    Ok(Prepared { detection, pipeline, n_raw_tokens, n_tokens, times, tokenizer, detected_speakers, detected_turns })
}

/// Analyse a document's text from start to finish.
pub fn analyze_text(text: &str, opts: &AnalysisOptions, kill: &KillList) -> Result<Analysis, ParamError> {
    Ok(finish(prepare(text, opts, kill)?, opts))
}

/// Run a prepared conversation from wherever its pipeline stands (exchange 0, or a restored
/// session's state) to the end, and map it; `opts` are the options it was prepared with.
pub fn finish(prepared: Prepared, opts: &AnalysisOptions) -> Analysis {
    let Prepared { detection, mut pipeline, n_raw_tokens, n_tokens, mut times, tokenizer, .. } = prepared;
    let t2 = Instant::now();
    pipeline.run_to_end();
    let network = pipeline.network();
    let stats = pipeline.stats();
    let timing = pipeline.timing_method();
    let kernels = pipeline.kernel_times().rows(timing);
    let t3 = Instant::now();
    let speaker_mass = speaker_self_mass(&network, &detection.speakers);
    let map = concept_map(&network, &speaker_mass, &opts.map);
    let t4 = Instant::now();
    let structure = Structure::of(&network, &map, &opts.map.clusters);
    let t5 = Instant::now();
    let mut warnings: Vec<Notice> = detection.warnings.iter().cloned().map(Notice::Detection).collect();
    warnings.extend(pipeline.notices().iter().cloned());
    if !detection.exchanges.is_empty() && n_tokens == 0 {
        warnings.push(Notice::AllKilled);
    } else if network.connections.is_empty() && n_tokens > 0 {
        warnings.push(match stats.pairs() {
            0 => match (&opts.engine.specific, stats) {
                (crate::model::params::Specific::Windowed(w), EngineStats::Windowed(ws)) if ws.windows == 0 => {
                    Notice::NoWindow { window: w.window }
                }
                _ => Notice::NoConnections,
            },
            pairs => Notice::NoneSurvived { pairs },
        });
    }
    if stats.tokens_skipped() > 0 {
        warnings.push(Notice::VocabularyFull {
            max_neurons: opts.engine.common.max_neurons,
            skipped: stats.tokens_skipped(),
        });
    }
    if !map.converged {
        warnings.push(Notice::MapNotConverged);
    }
    times.engine_secs = (t3 - t2).as_secs_f64();
    times.map_secs = (t4 - t3).as_secs_f64();
    times.structure_secs = (t5 - t4).as_secs_f64();
    Analysis {
        engine: opts.engine.kind(),
        precision: opts.precision,
        tokenizer,
        backend: pipeline.backend(),
        device: pipeline.device(),
        memory_bytes: pipeline.memory_bytes(),
        timing,
        times,
        kernels,
        detection,
        network,
        stats,
        n_raw_tokens,
        n_tokens,
        speaker_mass,
        map,
        structure,
        warnings,
    }
}
