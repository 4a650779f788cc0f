//! `huey analyze`: one file through the whole pipeline, a readable summary, optional JSON.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{CliError, Outputs, emit};
use crate::io::document;
use crate::model::options::{
    AnalysisOptions, Backend, ClusterOptions, ClusterQuality, Detector, EngineKind, LabelPattern, Precision, Preset,
    Tokenizer,
};
use crate::model::params::Specific;
use crate::run::notice::Notice;
use crate::run::pipeline::{Analysis, finish, prepare};
use crate::run::report::Report;
use crate::run::session::RunState;
use crate::text::SAMPLE_CONVERSATION;
use crate::text::kill_words::{KillList, KillSource, Language};

/// Learning engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The golden temporal engine (HUEY_REFERENCE.md §3.3).
    #[default]
    Temporal,
    /// The windowed engine with speaker neurons (HUEY_REFERENCE.md §3.4).
    Windowed,
}

impl EngineArg {
    /// The engine it names.
    pub fn kind(self) -> EngineKind {
        match self {
            Self::Temporal => EngineKind::Temporal,
            Self::Windowed => EngineKind::Windowed,
        }
    }
}

/// Arithmetic precision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum PrecisionArg {
    /// The reference mode.
    #[default]
    F64,
    /// Single precision, as the GPU kernels compute.
    F32,
}

/// Where the engine runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// Rust on the CPU.
    #[default]
    Cpu,
    /// wgpu compute shaders, network resident on the GPU (f32); falls back to the CPU, announced.
    Gpu,
}

/// Tokenizer choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TokenizerArg {
    /// Clean Unicode words: contractions and hyphenated words whole, no punctuation, no
    /// speaker labels, CJK by character (the default).
    Words,
    /// Whitespace split, punctuation kept, CJK characters (the reference).
    Reference,
}

/// Speaker-detector choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DetectorArg {
    /// Speaker labels as real transcripts write them; the document around them left out (the default).
    Transcript,
    /// The original's detector, rule by rule.
    Reference,
}

/// Label layout for the transcript detector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LabelPatternArg {
    /// The layout that fits best.
    #[default]
    Auto,
    /// `Name: text`, `Name:` alone above the turn, bold, brackets, timestamps.
    Colon,
    /// Chat and IRC logs (`<nick> text`, `[10:32] nick: text`).
    Chat,
    /// Plays (`NAME. text`).
    Play,
    /// Screenplays (a name alone on a line, the speech below).
    Screenplay,
    /// No speakers: the text's sentences.
    PlainText,
}

impl LabelPatternArg {
    /// The pattern it names.
    pub fn pattern(self) -> LabelPattern {
        match self {
            Self::Auto => LabelPattern::Auto,
            Self::Colon => LabelPattern::Colon,
            Self::Chat => LabelPattern::Chat,
            Self::Play => LabelPattern::Play,
            Self::Screenplay => LabelPattern::Screenplay,
            Self::PlainText => LabelPattern::PlainText,
        }
    }
}

/// A named set of defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// Clean concepts: the `words` tokenizer, the reference's engine parameters.
    #[default]
    Default,
    /// The original exactly: its tokenizer and every one of its defaults.
    Reference,
}

impl PresetArg {
    /// The preset it names.
    pub fn preset(self) -> Preset {
        match self {
            Self::Default => Preset::Default,
            Self::Reference => Preset::Reference,
        }
    }
}

/// Options of `huey analyze`: the conversation, the analysis options and the outputs.
#[derive(Clone, Debug, Default, Args)]
// A negative value reaches its parser and is refused there by name (not as an unknown flag).
#[command(allow_negative_numbers = true)]
pub struct AnalyzeArgs {
    /// Conversation file (.txt, .md, .pdf); the bundled sample when omitted.
    pub file: Option<PathBuf>,
    /// How the conversation is analysed.
    #[command(flatten)]
    pub flags: AnalysisFlags,
    /// Write the full report as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Save the finished run as a session file (`huey session check|continue` reads it; so
    /// does the app's Open session).
    #[arg(long, value_name = "OUT")]
    pub save_session: Option<PathBuf>,
    /// Write outputs through a symbolic link, or onto a device.
    #[arg(long)]
    pub force: bool,
    /// Concepts listed in the printed summary.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
}

/// How a conversation is analysed: every option `huey analyze` shares with `export`,
/// `figure`, `timeline` and `batch` (the outputs are each command's own).
#[derive(Clone, Debug, Default, Args)]
#[command(allow_negative_numbers = true)]
pub struct AnalysisFlags {
    /// Learning engine.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineArg,
    /// Defaults for every option; flags given as well override them.
    #[arg(long, value_enum, default_value_t)]
    pub preset: PresetArg,
    /// Tokenizer [default: the preset's: words, or reference with `--preset reference`].
    #[arg(long, value_enum)]
    pub tokenizer: Option<TokenizerArg>,
    /// Speaker detector [default: the preset's: transcript, or reference with `--preset reference`].
    #[arg(long, value_enum)]
    pub detector: Option<DetectorArg>,
    /// Speaker-label layout the transcript detector reads.
    #[arg(long, value_enum, default_value_t)]
    pub label_pattern: LabelPatternArg,
    /// A label that is not a speaker (its lines are read as text of the turn); repeatable.
    #[arg(long, value_name = "LABEL")]
    pub not_speaker: Vec<String>,
    /// Kill-word file in the reference format. Default: ./KILL.txt if present (as the
    /// reference does), else the bundled English list.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["kill_lang", "no_kill"])]
    pub kill_list: Option<PathBuf>,
    /// Use a bundled kill list: en de es fr it is hi ta zh ja ko, or `auto` (the text's language).
    #[arg(long, value_name = "CODE", conflicts_with = "no_kill")]
    pub kill_lang: Option<String>,
    /// Keep every token.
    #[arg(long)]
    pub no_kill: bool,
    /// Vocabulary cap.
    #[arg(long, default_value_t = 250)]
    pub max_neurons: usize,
    /// Concepts in the map (any number; more than the network means all).
    #[arg(long, default_value_t = 50)]
    pub concepts: usize,
    /// Keep the speakers' neurons in the map (the default preset leaves them out; the
    /// reference preset keeps them).
    #[arg(long)]
    pub map_speakers: bool,
    /// Minimum concept mass for the map.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub min_mass: f64,
    /// Where the engine runs.
    #[arg(long, value_enum, default_value_t)]
    pub backend: BackendArg,
    /// Arithmetic precision (f64: the reference mode; f32: as the GPU kernels compute).
    /// Default: f64 on the CPU, f32 on the GPU.
    #[arg(long, value_enum)]
    pub precision: Option<PrecisionArg>,
    /// Windowed engine: tokens per window [default: 7].
    #[arg(long)]
    pub window: Option<usize>,
    /// Windowed engine: probability that a new connection is created (1.0 = deterministic)
    /// [default: 0.35].
    #[arg(long, allow_negative_numbers = true)]
    pub connection_prob: Option<f64>,
    /// Windowed engine: seed of the connection draws [default: 0].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Temporal engine: decay constant τ [default: 3].
    #[arg(long, allow_negative_numbers = true)]
    pub tau: Option<f64>,
    /// Hebbian constant η (at most 1000).
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub eta: f64,
    /// Treat the file as one author's text, not a conversation.
    #[arg(long)]
    pub no_conversation: bool,
    /// Analyse at most this many exchanges.
    #[arg(long, default_value_t = 10_000)]
    pub exchange_limit: usize,
    /// Truncate exchanges longer than this many characters.
    #[arg(long, default_value_t = 10_000)]
    pub max_exchange_chars: usize,
    /// Read at most this many MiB of the file (1 to 16384).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=16_384))]
    pub max_input_mib: u64,
    /// Clusters: the quality function Leiden optimises.
    #[arg(long, value_enum, default_value_t)]
    pub quality: QualityArg,
    /// Clusters: resolution γ (> 0; larger: more, smaller clusters).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub resolution: f64,
    /// Clusters: seed of Leiden's random node order (same seed, same clusters).
    #[arg(long, default_value_t = 0)]
    pub cluster_seed: u64,
    /// Clusters: seeds (`--cluster-seed`, +1, …) each concept's cluster stability is measured
    /// over (1 to 1000; 1: none).
    #[arg(long, default_value_t = 10)]
    pub cluster_runs: usize,
}

/// The quality function of the clusters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum QualityArg {
    /// Newman–Girvan modularity with resolution γ.
    #[default]
    Modularity,
    /// The constant Potts model (γ: a density threshold in association weight).
    Cpm,
}

impl AnalyzeArgs {
    /// Defaults for `huey [FILE]`.
    pub fn for_file(file: Option<PathBuf>) -> Self {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: AnalyzeArgs,
        }
        // Parsing an empty command line yields exactly the declared defaults.
        let mut args = Wrapper::try_parse_from(["huey"]).map(|w| w.args).unwrap_or_default();
        args.file = file;
        args
    }

    /// The analysis options (see [`AnalysisFlags::options`]).
    pub fn options(&self) -> Result<AnalysisOptions, CliError> {
        self.flags.options()
    }

    /// The files this run reads (never written over).
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut inputs: Vec<PathBuf> = self.file.iter().cloned().collect();
        inputs.extend(self.flags.inputs());
        inputs
    }

    /// Where the kill words come from.
    pub fn kill_source(&self) -> Result<KillSource, CliError> {
        self.flags.kill_source()
    }

    /// The kill list these arguments select, with a description of its source.
    pub fn kill_list(&self) -> Result<(KillList, String), CliError> {
        self.flags.kill_list()
    }
}

impl AnalysisFlags {
    /// The analysis options these flags describe; a flag of the other engine is refused
    /// (it would change nothing).
    pub fn options(&self) -> Result<AnalysisOptions, CliError> {
        let mut opts = AnalysisOptions::preset(self.preset.preset(), self.engine.kind());
        opts.detect.conversation_mode = !self.no_conversation;
        opts.detect.exchange_limit = self.exchange_limit;
        opts.detect.max_exchange_chars = self.max_exchange_chars;
        match self.tokenizer {
            Some(TokenizerArg::Reference) => opts.tokenizer = Tokenizer::Reference,
            Some(TokenizerArg::Words) => opts.tokenizer = Tokenizer::Words,
            None => {}
        }
        match self.detector {
            Some(DetectorArg::Transcript) => opts.detect.detector = Detector::Transcript,
            Some(DetectorArg::Reference) => opts.detect.detector = Detector::Reference,
            None => {}
        }
        let transcript_only = |flag| CliError::OtherDetector { flag };
        if opts.detect.detector == Detector::Reference {
            if self.label_pattern != LabelPatternArg::Auto {
                return Err(transcript_only("--label-pattern"));
            }
            if !self.not_speaker.is_empty() {
                return Err(transcript_only("--not-speaker"));
            }
        }
        opts.speaker_edits.pattern = self.label_pattern.pattern();
        opts.speaker_edits.not_speakers.clone_from(&self.not_speaker);
        opts.engine.common.max_neurons = self.max_neurons;
        opts.engine.common.eta = self.eta;
        let other = |flag: &'static str, engine: &'static str| CliError::OtherEngine { flag, engine };
        match &mut opts.engine.specific {
            Specific::Temporal(t) => {
                if self.window.is_some() {
                    return Err(other("--window", "windowed"));
                }
                if self.connection_prob.is_some() {
                    return Err(other("--connection-prob", "windowed"));
                }
                if self.seed.is_some() {
                    return Err(other("--seed", "windowed"));
                }
                if let Some(tau) = self.tau {
                    t.tau = tau;
                }
            }
            Specific::Windowed(w) => {
                if self.tau.is_some() {
                    return Err(other("--tau", "temporal"));
                }
                w.window = self.window.unwrap_or(w.window);
                w.connection_prob = self.connection_prob.unwrap_or(w.connection_prob);
                w.seed = self.seed.unwrap_or(w.seed);
            }
        }
        opts.backend = match self.backend {
            BackendArg::Cpu => Backend::Cpu,
            BackendArg::Gpu => Backend::Gpu,
        };
        opts.precision = match (self.precision, self.backend) {
            (Some(PrecisionArg::F64), _) | (None, BackendArg::Cpu) => Precision::F64,
            (Some(PrecisionArg::F32), _) | (None, BackendArg::Gpu) => Precision::F32,
        };
        opts.map.n_concepts = self.concepts;
        opts.map.min_mass = self.min_mass;
        if self.map_speakers {
            opts.map.leave_out_speakers = false;
        }
        opts.map.clusters = ClusterOptions {
            quality: match self.quality {
                QualityArg::Modularity => ClusterQuality::Modularity,
                QualityArg::Cpm => ClusterQuality::Cpm,
            },
            resolution: self.resolution,
            seed: self.cluster_seed,
            runs: self.cluster_runs,
        };
        opts.validate()?;
        Ok(opts)
    }

    /// The files besides the conversations these flags read (never written over).
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut inputs: Vec<PathBuf> = self.kill_list.iter().cloned().collect();
        if let Ok(source) = self.kill_source() {
            inputs.extend(source.file());
        }
        inputs
    }

    /// Where the kill words come from.
    pub fn kill_source(&self) -> Result<KillSource, CliError> {
        Ok(if self.no_kill {
            KillSource::None
        } else if let Some(path) = &self.kill_list {
            KillSource::File(path.clone())
        } else if let Some(code) = &self.kill_lang {
            if code == "auto" { KillSource::Auto } else { KillSource::Bundled(Language::from_code(code)?) }
        } else {
            KillSource::ReferenceDefault
        })
    }

    /// The kill list these arguments select, with a description of its source.
    pub fn kill_list(&self) -> Result<(KillList, String), CliError> {
        Ok(crate::io::kill_list::load(&self.kill_source()?)?)
    }
}

/// Load the input text: the file, or the bundled sample. Returns (name, text, warnings).
pub fn load_input(args: &AnalyzeArgs) -> Result<(String, String, Vec<Notice>), CliError> {
    load_file(args.file.as_deref(), &args.flags)
}

/// Load `file` (the bundled sample when `None`) within the flags' size bound. Returns (name,
/// text, warnings).
pub(super) fn load_file(
    file: Option<&std::path::Path>,
    flags: &AnalysisFlags,
) -> Result<(String, String, Vec<Notice>), CliError> {
    match file {
        None => Ok(("sample_conversation.txt (bundled)".to_owned(), SAMPLE_CONVERSATION.to_owned(), Vec::new())),
        Some(path) => {
            let doc = document::read_with_limit(path, flags.max_input_mib.saturating_mul(1 << 20))?;
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            Ok((name, doc.text, doc.warnings.into_iter().map(Notice::Load).collect()))
        }
    }
}

/// A finished analysis of the file `AnalyzeArgs` name, with what made it.
pub(super) struct Analysed {
    /// The input's name.
    pub name: String,
    /// Its text.
    pub text: String,
    /// The options it ran with.
    pub opts: AnalysisOptions,
    /// The kill list's source (resolved: `auto` became a language), the list and its name.
    pub kill_source: KillSource,
    /// See `kill_source`.
    pub kill: KillList,
    /// See `kill_source`.
    pub kill_name: String,
    /// The result, its warnings after the load's.
    pub analysis: Analysis,
}

impl Analysed {
    /// Where the results came from (every export and figure carries it).
    pub fn provenance(&self) -> crate::export::Provenance {
        crate::run::provenance::of_analysis(&self.name, &self.text, &self.kill_name, &self.opts, &self.analysis)
    }
}

/// Load, detect, learn and map the file `args` name (outputs are checked by the caller first).
pub(super) fn analyse(args: &AnalyzeArgs) -> Result<Analysed, CliError> {
    analyse_file(args.file.as_deref(), &args.flags)
}

/// Load, detect, learn and map `file` (the bundled sample when `None`) as `flags` say.
pub(super) fn analyse_file(file: Option<&std::path::Path>, flags: &AnalysisFlags) -> Result<Analysed, CliError> {
    let opts = flags.options()?;
    let (name, text, load_warnings) = load_file(file, flags)?;
    // `--kill-lang auto` becomes the list of the text's language.
    let kill_source = flags.kill_source()?.for_text(&text);
    let (kill, kill_name) = crate::io::kill_list::load(&kill_source)?;
    let prepared = prepare(&text, &opts, &kill)?;
    // A heavy run says so before it starts, not after.
    for n in prepared.pipeline.notices().iter().filter(|n| matches!(n, Notice::HeavyRun { .. })) {
        eprintln!("warning: {}", super::printable(n));
    }
    let mut analysis = finish(prepared, &opts);
    analysis.warnings.retain(|n| !matches!(n, Notice::HeavyRun { .. }));
    let mut warnings = load_warnings;
    warnings.append(&mut analysis.warnings);
    analysis.warnings = warnings;
    Ok(Analysed {
        name,
        text,
        opts,
        kill_source: crate::io::kill_list::resolve(&kill_source),
        kill,
        kill_name,
        analysis,
    })
}

pub(super) fn run(args: &AnalyzeArgs) -> Result<(), CliError> {
    args.options()?;
    // Every output is checked before the analysis, so a bad path fails at once.
    let outputs = Outputs::checked(&[args.json.as_deref(), args.save_session.as_deref()], args.inputs(), args.force)?;
    let done = analyse(args)?;
    emit(&report_and_summary(args, &outputs, &done)?);
    Ok(())
}

/// The printed summary of `done`, after writing the JSON report and session `args` ask for.
pub(super) fn report_and_summary(args: &AnalyzeArgs, outputs: &Outputs, done: &Analysed) -> Result<String, CliError> {
    let analysis = &done.analysis;
    let report = Report::new(&done.name, &done.kill_name, analysis);
    let mut out = summary(&report, analysis, args.top);
    let run = RunState {
        file: args.file.as_deref(),
        text: &done.text,
        options: &done.opts,
        kill_source: &done.kill_source,
        kill: &done.kill,
        done: analysis.detection.exchanges.len(),
        stats: analysis.stats,
        network: &analysis.network,
    };
    super::write_results(&mut out, outputs, (args.json.as_deref(), args.save_session.as_deref()), &report, run)?;
    Ok(out)
}

/// The readable summary of a finished analysis (warnings go to standard error).
pub(super) fn summary(r: &Report, a: &Analysis, top: usize) -> String {
    let mut out = String::new();
    for w in &r.warnings {
        eprintln!("warning: {}", super::printable(w));
    }
    outln!(out, "{}", r.file);
    outln!(
        out,
        "  speakers   {} via {} ({} detector, confidence {:.2}): {}",
        r.speakers.len(),
        r.strategy,
        r.detector,
        r.confidence,
        preview(&r.speaker_turns.iter().map(|(s, n)| format!("{s} ({n})")).collect::<Vec<_>>(), 8)
    );
    outln!(out, "  exchanges  {}   tokens {} ({} kept)   pairs {}", r.exchanges, r.tokens, r.tokens_kept, r.pairs);
    outln!(out, "  kill list  {}   tokenizer {}", r.kill_list, r.tokenizer);
    outln!(
        out,
        "  network    {} neurons, {} connections ({} self), Σs {:.4}, Σm {:.4}, max m {:.4}",
        r.neurons,
        r.connections,
        r.self_connections,
        r.sum_strength,
        r.sum_mass,
        r.max_mass
    );
    outln!(out, "  top concepts by mass:");
    for (word, mass) in r.top_mass.iter().take(top) {
        outln!(out, "    {word:<24} {mass:>10.4}");
    }
    let m = &r.map;
    let eig: Vec<String> = m.eigenvalues.iter().take(6).map(|l| format!("{l:.4}")).collect();
    outln!(out, "  map        {} concepts, {:?} spectrum, eigenvalues {}", m.n, m.spectrum, eig.join(" "));
    match (a.map.warp, m.variance_top3_pct, m.variance_as_shipped_pct) {
        (Some(w), Some(v), Some(s)) => outln!(
            out,
            "             warp {w:.4} ({} positive, {} negative); variance top-3 {v:.2}% (reference printed {s:.2}%)",
            m.n_positive,
            m.n_negative
        ),
        _ => outln!(out, "             warp and variance need the full spectrum (use fewer concepts)"),
    }
    let c = &a.structure.clusters;
    match &c.problem {
        Some(problem) => outln!(out, "  clusters   none: {problem}"),
        None => {
            let o = &c.options;
            let stable = c.stability.iter().sum::<f64>() / c.stability.len().max(1) as f64;
            outln!(
                out,
                "  clusters   {} (Leiden, {} γ {}, seed {}), modularity {:.4}, mean stability {:.2} over {} seeds",
                c.len(),
                o.quality.as_str(),
                o.resolution,
                o.seed,
                c.modularity,
                stable,
                o.runs
            );
            for k in 0..c.len().min(top.min(8)) {
                outln!(out, "    {:>2} {}", k + 1, c.name(&a.structure.graph, k));
            }
        }
    }
    let timing = r.kernels.first().map_or("no", |k| k.method.label());
    outln!(out, "  kernels    on {} ({timing} timing)", r.device);
    for k in &r.kernels {
        outln!(
            out,
            "    {:<20} {:>9.3} ms  {:>8} calls  {:>8.2} µs/call",
            k.kernel.name(),
            k.total_secs * 1e3,
            k.calls,
            k.total_secs * 1e6 / k.calls.max(1) as f64
        );
    }
    let t = &r.stage_seconds;
    outln!(
        out,
        "  time       {:.2} ms (detect {:.2}, tokenize {:.2}, engine {:.2}, map {:.2}, structure {:.2})",
        r.seconds_processing * 1e3,
        t.detect_secs * 1e3,
        t.tokenize_secs * 1e3,
        t.engine_secs * 1e3,
        t.map_secs * 1e3,
        t.structure_secs * 1e3
    );
    out
}

fn preview(items: &[String], n: usize) -> String {
    let mut s = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        s.push_str(&format!(", … (+{})", items.len() - n));
    }
    s
}
