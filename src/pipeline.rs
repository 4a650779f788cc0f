//! File → speakers → tokens → Hebbian network → concept map, as one call or step by step.
//!
//! [`Pipeline`] owns the tokenized exchanges and an engine, advances one exchange per
//! [`Pipeline::step`], and can be observed between steps ([`Pipeline::progress`],
//! [`Pipeline::network`]); [`analyze_text`] runs it to the end and builds the map.

use std::time::Instant;

use crate::analysis::concept_map::{ConceptMap, MapOptions, concept_map};
use crate::analysis::mass::speaker_self_mass;
use crate::compute::gpu::temporal::GpuTemporalEngine;
use crate::compute::gpu::windowed::GpuWindowedEngine;
use crate::compute::gpu::{GpuDevice, GpuError};
use crate::compute::{Backend, KernelRow, KernelTimes, TimingMethod};
pub use crate::engine::EngineStats;
use crate::engine::LearningEngine;
use crate::engine::temporal::TemporalEngine;
use crate::engine::windowed::{WindowedEngine, WindowedParams};
use crate::model::network::Network;
use crate::model::params::{ParamError, TemporalParams};
use crate::text::kill_words::KillList;
use crate::text::speakers::{DetectOptions, Detection, detect};
use crate::text::token_stream::TokenStream;
use crate::text::tokenize::Tokenizer;

/// Which learning engine runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    /// The golden temporal engine: one update per exchange (§3.3).
    #[default]
    Temporal,
    /// The windowed engine: sliding windows with a speaker neuron (§3.4).
    Windowed,
}

impl EngineKind {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Temporal => "temporal",
            Self::Windowed => "windowed",
        }
    }
}

/// Arithmetic precision of an engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// f64: the reference mode.
    #[default]
    F64,
    /// f32: what GPU kernels compute in.
    F32,
}

impl Precision {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::F64 => "f64",
            Self::F32 => "f32",
        }
    }
}

/// Everything that shapes an analysis, with the reference's defaults.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AnalysisOptions {
    /// Speaker detection.
    pub detect: DetectOptions,
    /// Tokenizer (`Reference` means the chosen engine's reference rule).
    pub tokenizer: Tokenizer,
    /// Learning engine.
    pub engine: EngineKind,
    /// Temporal-engine parameters.
    pub temporal: TemporalParams,
    /// Windowed-engine parameters.
    pub windowed: WindowedParams,
    /// Arithmetic precision of the engine.
    pub precision: Precision,
    /// Where the engine runs.
    pub backend: Backend,
    /// Concept-map options.
    pub map: MapOptions,
    /// Speakers renamed, merged or left out after detection.
    pub speaker_edits: SpeakerEdits,
}

/// Changes a user makes to the detected speakers: renaming to an existing name merges.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SpeakerEdits {
    /// (detected name, new name), applied in order.
    pub renames: Vec<(String, String)>,
    /// Speakers (after renaming) whose exchanges are left out.
    pub excluded: Vec<String>,
}

impl SpeakerEdits {
    /// Apply to a detection: exchanges renamed or dropped, speakers listed again in order of
    /// first appearance.
    pub fn apply(&self, detection: &mut Detection) {
        if self.renames.is_empty() && self.excluded.is_empty() {
            return;
        }
        for e in &mut detection.exchanges {
            for (from, to) in &self.renames {
                if &e.speaker == from {
                    e.speaker.clone_from(to);
                }
            }
        }
        detection.exchanges.retain(|e| !self.excluded.contains(&e.speaker));
        let mut speakers: Vec<String> = Vec::new();
        for e in &detection.exchanges {
            if !speakers.contains(&e.speaker) {
                speakers.push(e.speaker.clone());
            }
        }
        detection.speakers = speakers;
    }
}

impl AnalysisOptions {
    /// Check the chosen engine's parameters.
    pub fn validate(&self) -> Result<(), ParamError> {
        match self.engine {
            EngineKind::Temporal => self.temporal.validate(),
            EngineKind::Windowed => self.windowed.validate(),
        }
    }
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
}

impl StageTimes {
    /// Sum of the stages.
    pub fn total_secs(&self) -> f64 {
        self.detect_secs + self.tokenize_secs + self.engine_secs + self.map_secs
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
    notices: Vec<String>,
    fail_next: bool,
}

fn cpu_engine(opts: &AnalysisOptions) -> Result<Box<dyn LearningEngine>, ParamError> {
    Ok(match (opts.engine, opts.precision) {
        (EngineKind::Temporal, Precision::F64) => Box::new(TemporalEngine::<f64>::new(opts.temporal.clone())?),
        (EngineKind::Temporal, Precision::F32) => Box::new(TemporalEngine::<f32>::new(opts.temporal.clone())?),
        (EngineKind::Windowed, Precision::F64) => Box::new(WindowedEngine::<f64>::new(opts.windowed.clone())?),
        (EngineKind::Windowed, Precision::F32) => Box::new(WindowedEngine::<f32>::new(opts.windowed.clone())?),
    })
}

/// A GPU engine for `opts` on the shared device.
pub fn gpu_engine(opts: &AnalysisOptions) -> Result<Box<dyn LearningEngine>, GpuError> {
    let gpu = GpuDevice::shared()?;
    let f64 = opts.precision == Precision::F64;
    match opts.engine {
        EngineKind::Windowed => Ok(Box::new(GpuWindowedEngine::new(gpu, opts.windowed.clone(), f64)?)),
        EngineKind::Temporal => Ok(Box::new(GpuTemporalEngine::new(gpu, opts.temporal.clone(), f64)?)),
    }
}

impl Pipeline {
    /// Prepare the engine over a tokenized conversation; `speakers[k]` speaks exchange `k`.
    /// Each engine validates its own parameters. A GPU that cannot be used falls back to the
    /// CPU with a notice.
    pub fn new(stream: TokenStream, speakers: Vec<String>, opts: &AnalysisOptions) -> Result<Self, ParamError> {
        let mut notices = Vec::new();
        let engine = match opts.backend {
            Backend::Cpu => cpu_engine(opts)?,
            Backend::Gpu => {
                opts.validate()?;
                match gpu_engine(opts) {
                    Ok(engine) => engine,
                    Err(e) => {
                        notices.push(format!("GPU backend unavailable: {e}; running on the CPU instead"));
                        cpu_engine(opts)?
                    }
                }
            }
        };
        Ok(Self { stream, speakers, opts: opts.clone(), engine, next: 0, notices, fail_next: false })
    }

    /// Replace a failed GPU engine by the CPU engine, replaying exchanges `0..next`.
    fn fall_back(&mut self, error: &GpuError) {
        let mut engine = cpu_engine(&self.opts).expect("parameters were validated when the pipeline was built");
        let _ = engine.run(&self.stream, &self.speakers, 0..self.next);
        self.notices.push(format!(
            "GPU failed after {} of {} exchanges: {error}; continuing on the CPU ({} exchanges replayed there)",
            self.next,
            self.stream.n_exchanges(),
            self.next
        ));
        self.engine = engine;
    }

    fn advance(&mut self, end: usize) {
        let result = if std::mem::take(&mut self.fail_next) && self.engine.backend() == Backend::Gpu {
            Err(GpuError::Runtime("device lost (injected by a test)".to_owned()))
        } else {
            self.engine.run(&self.stream, &self.speakers, self.next..end)
        };
        if let Err(e) = result {
            self.fall_back(&e);
            let _ = self.engine.run(&self.stream, &self.speakers, self.next..end);
        }
        self.next = end;
    }

    /// Fallbacks and other events a user must see (empty when everything ran as asked).
    pub fn notices(&self) -> &[String] {
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
    pub fn restore(&mut self, network: &Network, stats: EngineStats, done: usize) -> Result<(), GpuError> {
        if done > self.stream.n_exchanges() {
            return Err(GpuError::Unsupported(format!(
                "the session has {done} exchanges done, the conversation only {}",
                self.stream.n_exchanges()
            )));
        }
        self.engine.load(network, stats)?;
        self.next = done;
        Ok(())
    }

    /// Move the run to `backend` mid-run: the current engine's state is read (a GPU snapshot
    /// read-back) and loaded into the other backend's engine, which continues from there.
    /// Changes nothing when it fails (e.g. no GPU, or f64 asked of the GPU).
    pub fn switch_backend(&mut self, backend: Backend) -> Result<(), GpuError> {
        if backend == self.engine.backend() {
            return Ok(());
        }
        let mut next: Box<dyn LearningEngine> = match backend {
            Backend::Gpu => gpu_engine(&self.opts)?,
            Backend::Cpu => cpu_engine(&self.opts).map_err(|e| GpuError::Unsupported(e.to_string()))?,
        };
        let network = self.engine.snapshot()?;
        next.load(&network, self.engine.stats())?;
        self.engine = next;
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
                self.fall_back(&e);
                self.engine.snapshot().unwrap_or_default()
            }
        }
    }

    /// Wall time per kernel so far.
    pub fn kernel_times(&self) -> KernelTimes {
        self.engine.kernel_times()
    }

    /// Create neurons for `words` before the first step (benchmark warm start).
    pub fn prefill<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) -> Result<(), GpuError> {
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
    /// Stage timings.
    pub times: StageTimes,
    /// Per-kernel timings of the engine.
    pub kernels: Vec<KernelRow>,
    /// Bytes held by the engine's state at the end (device memory for a GPU engine).
    pub memory_bytes: usize,
    /// Warnings for the user (detection, empty results).
    pub warnings: Vec<String>,
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
}

/// Detect speakers, tokenize and set up the engine, without stepping it.
pub fn prepare(text: &str, opts: &AnalysisOptions, kill: &KillList) -> Result<Prepared, ParamError> {
    opts.validate()?;
    let t0 = Instant::now();
    let mut detection = detect(text, &opts.detect);
    opts.speaker_edits.apply(&mut detection);
    let t1 = Instant::now();
    let tokenizer = match (opts.engine, opts.tokenizer) {
        (EngineKind::Windowed, Tokenizer::Reference) => Tokenizer::ReferenceWindowed,
        (_, t) => t,
    };
    let stream = TokenStream::build(&detection, tokenizer, kill);
    let times = StageTimes {
        detect_secs: (t1 - t0).as_secs_f64(),
        tokenize_secs: t1.elapsed().as_secs_f64(),
        ..StageTimes::default()
    };
    let (n_raw_tokens, n_tokens) = (stream.n_raw_tokens(), stream.n_tokens());
    let speakers = detection.exchanges.iter().map(|e| e.speaker.clone()).collect();
    let pipeline = Pipeline::new(stream, speakers, opts)?;
    Ok(Prepared { detection, pipeline, n_raw_tokens, n_tokens, times, tokenizer })
}

/// Analyse a document's text from start to finish.
pub fn analyze_text(text: &str, opts: &AnalysisOptions, kill: &KillList) -> Result<Analysis, ParamError> {
    let Prepared { detection, mut pipeline, n_raw_tokens, n_tokens, mut times, tokenizer } = prepare(text, opts, kill)?;
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
    let mut warnings = detection.warnings.clone();
    warnings.extend(pipeline.notices().iter().cloned());
    if !detection.exchanges.is_empty() && n_tokens == 0 {
        warnings.push("every token was a kill word: the network is empty (try --kill-list or --no-kill)".to_owned());
    } else if network.connections.is_empty() && n_tokens > 0 {
        warnings.push("no connections formed: exchanges have fewer than two kept tokens".to_owned());
    }
    if stats.tokens_skipped() > 0 {
        warnings.push(format!(
            "vocabulary full at {} neurons: {} later token(s) skipped (raise --max-neurons)",
            opts.temporal.max_neurons,
            stats.tokens_skipped()
        ));
    }
    if !map.converged {
        warnings.push("the partial eigen-solver did not fully converge; map axes are approximate".to_owned());
    }
    times.engine_secs = (t3 - t2).as_secs_f64();
    times.map_secs = (t4 - t3).as_secs_f64();
    Ok(Analysis {
        engine: opts.engine,
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
        warnings,
    })
}
