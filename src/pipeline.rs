//! File → speakers → tokens → Hebbian network → concept map, as one call or step by step.
//!
//! [`Pipeline`] owns the tokenized exchanges and an engine, advances one exchange per
//! [`Pipeline::step`], and can be observed between steps ([`Pipeline::progress`],
//! [`Pipeline::network`]); [`analyze_text`] runs it to the end and builds the map.

use std::time::Instant;

use crate::analysis::concept_map::{ConceptMap, MapOptions, concept_map};
use crate::analysis::mass::speaker_self_mass;
use crate::compute::{KernelRow, KernelTimes, TimingMethod};
use crate::engine::temporal::{TemporalEngine, TemporalStats};
use crate::engine::windowed::{WindowedEngine, WindowedParams, WindowedStats};
use crate::model::network::Network;
use crate::model::params::{ParamError, TemporalParams};
use crate::text::kill_words::KillList;
use crate::text::speakers::{DetectOptions, Detection, Exchange, detect};
use crate::text::tokenize::{TokenSink, Tokenizer};

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
    /// Concept-map options.
    pub map: MapOptions,
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

/// Exchanges below which tokenization stays on one thread.
const PARALLEL_MIN_EXCHANGES: usize = 4096;

/// Tokens of every exchange, flattened into one arena.
#[derive(Clone, Debug, Default)]
pub struct TokenStream {
    tokens: TokenSink,
    /// Tokens produced before kill-word filtering (the reference's `tokens`).
    n_raw: usize,
    /// `ends[k]` is one past the last token of exchange `k`.
    ends: Vec<usize>,
}

impl TokenStream {
    /// Tokenize every exchange and drop kill words.
    pub fn build(detection: &Detection, tokenizer: Tokenizer, kill: &KillList) -> Self {
        let exchanges = &detection.exchanges;
        // Exchanges are independent: large conversations are tokenized in two halves at once.
        if exchanges.len() < PARALLEL_MIN_EXCHANGES {
            return Self::build_part(exchanges, tokenizer, kill);
        }
        let (a, b) = exchanges.split_at(exchanges.len() / 2);
        let (mut first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| Self::build_part(b, tokenizer, kill));
            let first = Self::build_part(a, tokenizer, kill);
            (first, second.join().unwrap_or_else(|_| Self::build_part(b, tokenizer, kill)))
        });
        first.append(&second);
        first
    }

    fn build_part(exchanges: &[Exchange], tokenizer: Tokenizer, kill: &KillList) -> Self {
        let mut tokens = TokenSink::default();
        let mut ends = Vec::with_capacity(exchanges.len());
        let mut n_raw = 0;
        for ex in exchanges {
            let start = tokens.len();
            tokenizer.tokenize_into(&ex.text, &mut tokens);
            n_raw += tokens.len() - start;
            tokens.retain_from(start, |t| !kill.contains(t));
            ends.push(tokens.len());
        }
        Self { tokens, n_raw, ends }
    }

    fn append(&mut self, other: &Self) {
        let offset = self.tokens.len();
        self.tokens.extend(&other.tokens);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
        self.n_raw += other.n_raw;
    }

    /// Tokens before kill-word filtering.
    pub fn n_raw_tokens(&self) -> usize {
        self.n_raw
    }

    /// Number of exchanges.
    pub fn n_exchanges(&self) -> usize {
        self.ends.len()
    }

    /// Tokens kept after kill-word filtering.
    pub fn n_tokens(&self) -> usize {
        self.tokens.len()
    }

    /// Tokens of exchange `k`.
    pub fn exchange(&self, k: usize) -> impl Iterator<Item = &str> {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        self.tokens.iter_range(start..self.ends[k])
    }
}

/// Counters of whichever engine ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "engine")]
pub enum EngineStats {
    /// Temporal-engine counters.
    Temporal(TemporalStats),
    /// Windowed-engine counters.
    Windowed(WindowedStats),
}

impl EngineStats {
    /// Engine steps so far: learning exchanges (temporal) or windows (windowed).
    pub fn steps(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.learning_steps,
            Self::Windowed(s) => s.windows,
        }
    }

    /// Tokens consumed so far.
    pub fn tokens(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.tokens,
            Self::Windowed(s) => s.tokens,
        }
    }

    /// Pair updates visited (the reference's `pairs`).
    pub fn pairs(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.pairs,
            Self::Windowed(s) => s.pairs,
        }
    }

    /// Tokens dropped at a full vocabulary (temporal) — the windowed engine evicts instead.
    pub fn tokens_skipped(&self) -> u64 {
        match self {
            Self::Temporal(s) => s.tokens_skipped,
            Self::Windowed(_) => 0,
        }
    }
}

#[derive(Clone, Debug)]
enum Engine {
    Temporal(TemporalEngine),
    Windowed(WindowedEngine),
}

/// A conversation being learned, one exchange per step.
#[derive(Clone, Debug)]
pub struct Pipeline {
    stream: TokenStream,
    speakers: Vec<String>,
    engine: Engine,
    next: usize,
}

impl Pipeline {
    /// Prepare the engine over a tokenized conversation; `speakers[k]` speaks exchange `k`.
    pub fn new(stream: TokenStream, speakers: Vec<String>, opts: &AnalysisOptions) -> Result<Self, ParamError> {
        let engine = match opts.engine {
            EngineKind::Temporal => Engine::Temporal(TemporalEngine::new(opts.temporal.clone())?),
            EngineKind::Windowed => Engine::Windowed(WindowedEngine::new(opts.windowed.clone())?),
        };
        Ok(Self { stream, speakers, engine, next: 0 })
    }

    /// Process the next exchange; `false` when all are done.
    pub fn step(&mut self) -> bool {
        if self.next >= self.stream.n_exchanges() {
            return false;
        }
        let tokens = self.stream.exchange(self.next);
        match &mut self.engine {
            Engine::Temporal(e) => e.step(tokens),
            Engine::Windowed(e) => e.step_turn(&self.speakers[self.next], tokens),
        }
        self.next += 1;
        true
    }

    /// Run all remaining exchanges.
    pub fn run_to_end(&mut self) {
        while self.step() {}
    }

    /// Exchanges done and total.
    pub fn progress(&self) -> Progress {
        Progress { done: self.next, total: self.stream.n_exchanges() }
    }

    /// The current network as plain data.
    pub fn network(&self) -> Network {
        match &self.engine {
            Engine::Temporal(e) => e.snapshot(),
            Engine::Windowed(e) => e.snapshot(),
        }
    }

    /// Wall time per kernel so far.
    pub fn kernel_times(&self) -> KernelTimes {
        match &self.engine {
            Engine::Temporal(e) => e.kernel_times(),
            Engine::Windowed(e) => e.kernel_times(),
        }
    }

    /// Create neurons for `words` before the first step (benchmark warm start).
    pub fn prefill<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        match &mut self.engine {
            Engine::Temporal(e) => e.prefill(words),
            Engine::Windowed(e) => e.prefill(words),
        }
    }

    /// Bytes held by the engine's state.
    pub fn memory_bytes(&self) -> usize {
        match &self.engine {
            Engine::Temporal(e) => e.memory_bytes(),
            Engine::Windowed(e) => e.memory_bytes(),
        }
    }

    /// Live neurons and connections.
    pub fn size(&self) -> (usize, usize) {
        match &self.engine {
            Engine::Temporal(e) => (e.n_neurons(), e.n_connections()),
            Engine::Windowed(e) => (e.n_neurons(), e.n_connections()),
        }
    }

    /// Estimated bytes moved per engine step (windowed: per window; temporal: not modelled).
    pub fn bytes_per_step(&self) -> Option<usize> {
        match &self.engine {
            Engine::Temporal(_) => None,
            Engine::Windowed(e) => Some(e.bytes_per_window()),
        }
    }

    /// Engine counters.
    pub fn stats(&self) -> EngineStats {
        match &self.engine {
            Engine::Temporal(e) => EngineStats::Temporal(e.stats()),
            Engine::Windowed(e) => EngineStats::Windowed(e.stats()),
        }
    }
}

/// A finished analysis.
#[derive(Clone, Debug)]
pub struct Analysis {
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
    /// Warnings for the user (detection, empty results).
    pub warnings: Vec<String>,
}

/// A conversation detected, tokenized and ready to step.
#[derive(Clone, Debug)]
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
}

/// Detect speakers, tokenize and set up the engine, without stepping it.
pub fn prepare(text: &str, opts: &AnalysisOptions, kill: &KillList) -> Result<Prepared, ParamError> {
    match opts.engine {
        EngineKind::Temporal => opts.temporal.validate()?,
        EngineKind::Windowed => opts.windowed.validate()?,
    }
    let t0 = Instant::now();
    let detection = detect(text, &opts.detect);
    let t1 = Instant::now();
    let tokenizer = match (opts.engine, opts.tokenizer) {
        (EngineKind::Windowed, Tokenizer::Reference) => Tokenizer::ReferenceWindowed,
        (_, t) => t,
    };
    let stream = TokenStream::build(&detection, tokenizer, kill);
    let (n_raw_tokens, n_tokens) = (stream.n_raw_tokens(), stream.n_tokens());
    let speakers = detection.exchanges.iter().map(|e| e.speaker.clone()).collect();
    let pipeline = Pipeline::new(stream, speakers, opts)?;
    let times = StageTimes {
        detect_secs: (t1 - t0).as_secs_f64(),
        tokenize_secs: t1.elapsed().as_secs_f64(),
        ..StageTimes::default()
    };
    Ok(Prepared { detection, pipeline, n_raw_tokens, n_tokens, times })
}

/// Analyse a document's text from start to finish.
pub fn analyze_text(text: &str, opts: &AnalysisOptions, kill: &KillList) -> Result<Analysis, ParamError> {
    let Prepared { detection, mut pipeline, n_raw_tokens, n_tokens, mut times } = prepare(text, opts, kill)?;
    let t2 = Instant::now();
    pipeline.run_to_end();
    let network = pipeline.network();
    let stats = pipeline.stats();
    let kernels = pipeline.kernel_times().rows(TimingMethod::Wall);
    let t3 = Instant::now();
    let speaker_mass = speaker_self_mass(&network, &detection.speakers);
    let map = concept_map(&network, &speaker_mass, &opts.map);
    let t4 = Instant::now();
    let mut warnings = detection.warnings.clone();
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
    Ok(Analysis { times, kernels, detection, network, stats, n_raw_tokens, n_tokens, speaker_mass, map, warnings })
}
