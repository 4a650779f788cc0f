//! The command line: `huey analyze`, `huey batch`, `huey merge`, `huey compare`,
//! `huey align`, `huey ensemble`, `huey export`, `huey figure`, `huey bench`, `huey synth`, `huey gpu-info`, `huey completions`, `huey manpage`, and
//! `huey [FILE]` (the desktop app on FILE or the bundled sample; `--print` analyses instead).

/// Append one formatted line to a `String` (CLI output is built, then written once by [`emit`]).
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

mod analyze;
mod batch;
mod bench;
mod compare;
mod ensemble;
mod export;
mod gpu_info;
mod manual;
mod session;
mod synth;
mod timeline;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use analyze::{AnalysisFlags, AnalyzeArgs};
pub use batch::{BatchArgs, MergeArgs};
pub use bench::BenchArgs;
pub use compare::{AlignArgs, CompareArgs};
pub use ensemble::EnsembleArgs;
pub use export::{ExportArgs, FigureArgs};
pub use session::SessionArgs;
pub use synth::SynthArgs;
pub use timeline::TimelineArgs;

/// Huey: Hebbian concept networks from conversations.
#[derive(Debug, Parser)]
#[command(name = "huey", version, about, args_conflicts_with_subcommands = true, allow_negative_numbers = true)]
pub struct Cli {
    /// What to do; without one, analyse FILE (or the bundled sample) and print a summary.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Conversation to open in the app (the bundled sample when omitted).
    pub file: Option<PathBuf>,
    /// Print the analysis instead of opening the app (also the fallback without a display).
    #[arg(long)]
    pub print: bool,
    /// App: vocabulary cap for this session (overrides the saved setting).
    #[arg(long)]
    pub max_neurons: Option<usize>,
    /// App: learning engine for this session (overrides the saved setting).
    #[arg(long, value_enum)]
    pub engine: Option<analyze::EngineArg>,
    /// App: start from this preset's options (`reference`: the original exactly).
    #[arg(long, value_enum)]
    pub preset: Option<analyze::PresetArg>,
    /// App: start running at once (scripts/screenshots.sh, responsiveness runs).
    #[arg(long, hide = true)]
    pub run: bool,
    /// App: tab to show (map, map3d, timing, spectrum, inspector, speakers, concepts, time; clusters: the map by cluster; stability: the map with a bootstrap ensemble's ellipses).
    #[arg(long, hide = true)]
    pub tab: Option<String>,
    /// App: concept to select.
    #[arg(long, hide = true)]
    pub select: Option<String>,
    /// App: close this many seconds after the run ends.
    #[arg(long, hide = true)]
    pub exit_after: Option<f64>,
    /// App: save a screenshot (PNG) before closing.
    #[arg(long, hide = true)]
    pub screenshot: Option<PathBuf>,
    /// App: write frame-cost and map-refresh figures (JSON) before closing.
    #[arg(long, hide = true)]
    pub report: Option<PathBuf>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse one conversation file and print (or write as JSON) the results.
    Analyze(AnalyzeArgs),
    /// Analyse one conversation and write its map, clusters and centralities for Gephi,
    /// VOSviewer, R or Python (GEXF, GraphML, Pajek, VOSviewer, CSV, JSON), or the Quey
    /// questionnaire.
    Export(ExportArgs),
    /// Analyse one conversation and draw its map, spectrum or kernel timing as SVG or PNG.
    Figure(FigureArgs),
    /// Analyse one conversation over time: a row (network summary, concept map, speakers'
    /// self-concept mass) after every K exchanges, as JSON.
    Timeline(TimelineArgs),
    /// Run one conversation R times (seeds of the windowed engine's draws, bootstrap
    /// resamples of the exchanges) and report how stable each concept's mass, rank and map
    /// position is: mean, 95% interval, top-N frequency, aligned position and covariance.
    Ensemble(EnsembleArgs),
    /// Analyse a corpus (files and folders) on all cores: a report per conversation and a
    /// summary table; reruns skip what is done; `--shard I/N` for cluster job arrays.
    Batch(BatchArgs),
    /// Combine the output folders of `huey batch --shard` runs into one, with the summary an
    /// unsharded run writes.
    Merge(MergeArgs),
    /// Compare two conversations, two groups (folders) or two speakers: concept masses and
    /// their differences, concepts only one side has, shared associations, a joint map.
    Compare(CompareArgs),
    /// Rotate one map onto another over their shared concepts (the original's Galileo
    /// alignment) and report each concept's displacement.
    Align(AlignArgs),
    /// Time the whole pipeline on files, several repetitions, and report medians.
    Bench(BenchArgs),
    /// Write a seeded synthetic conversation (Zipf words, several speakers) to a file.
    Synth(SynthArgs),
    /// Check a saved session, or continue it to the end.
    Session(SessionArgs),
    /// Show the GPU adapter Huey would use, and run the bundled sample on the CPU and the GPU.
    GpuInfo,
    /// Print shell completions for bash, zsh, fish, elvish or PowerShell
    /// (e.g. `huey completions bash > ~/.local/share/bash-completion/completions/huey`).
    Completions(manual::CompletionsArgs),
    /// Print the man page (roff) of huey or of one subcommand (`huey manpage ensemble | man -l -`).
    Manpage(manual::ManpageArgs),
}

/// Errors that end a command; printed once by [`run`].
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Reading the input failed.
    #[error(transparent)]
    Load(#[from] crate::io::document::LoadError),
    /// A parameter was rejected.
    #[error(transparent)]
    Param(#[from] crate::model::params::ParamError),
    /// The kill list could not be loaded.
    #[error(transparent)]
    Kill(#[from] crate::io::kill_list::KillListError),
    /// No bundled list for the language asked for.
    #[error(transparent)]
    Language(#[from] crate::text::kill_words::UnknownLanguage),
    /// Reading a file failed.
    #[error(transparent)]
    Read(#[from] crate::io::text_file::TextFileError),
    /// Writing an output file failed or was refused.
    #[error(transparent)]
    Write(#[from] crate::io::atomic::WriteError),
    /// A run could not be set up, or an engine failed (no usable GPU, …).
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// A session could not be saved or encoded.
    #[error(transparent)]
    Session(#[from] crate::io::session::SessionError),
    /// A session could not be opened.
    #[error(transparent)]
    Open(#[from] crate::run::session::OpenError),
    /// Writing the JSON failed.
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A flag of the engine not chosen (it would change nothing).
    #[error("{flag} is a {engine}-engine parameter; add --engine {engine} or leave it out")]
    OtherEngine {
        /// The flag.
        flag: &'static str,
        /// The engine it belongs to.
        engine: &'static str,
    },
    /// A flag of the transcript detector with the reference's detector (it would change nothing).
    #[error("{flag} is a transcript-detector option; leave out --detector reference / --preset reference, or the flag")]
    OtherDetector {
        /// The flag.
        flag: &'static str,
    },
    /// A figure could not be made.
    #[error(transparent)]
    Figure(#[from] crate::export::figure::FigureError),
    /// A figure's file is neither `.svg` nor `.png`.
    #[error("{}: a figure is written as .svg or .png", .0.display())]
    FigureType(PathBuf),
    /// `--ask` names an empty concept or too many.
    #[error("--ask: {0}")]
    Ask(String),
    /// The questionnaire would ask nothing.
    #[error(
        "the questionnaire needs at least 2 different concepts to pair, not {0} (use --ask A --ask B, or a map with more concepts)"
    )]
    Questionnaire(usize),
    /// A benchmark seek failed (never for a history of the run itself).
    #[error("seek failed: {0}")]
    Seek(String),
    /// A multi-file output's chosen path is a device, a FIFO or a folder.
    #[error("{}: the files' names are made from this path (x.csv → x_rows.csv, …), and it is not a file name (a device, FIFO or folder)", .0.display())]
    NotAStem(PathBuf),
    /// An animation cannot be made.
    #[error("huey timeline --animation: {0}")]
    Animation(crate::export::animation::AnimationError),
    /// `huey timeline`'s outputs are not as it needs them.
    #[error("huey timeline: {0}")]
    TimelineOutput(&'static str),
    /// `--reference-pair` is not two different concepts.
    #[error("--reference-pair '{0}' is not two different concepts as A,B")]
    ReferencePair(String),
    /// A batch or merge could not go on.
    #[error(transparent)]
    Batch(#[from] batch::BatchError),
    /// `huey synth --count` into a folder that holds files.
    #[error("{}: not an empty folder; huey synth --count writes a new corpus (--force: write into it anyway, replacing synth-*.txt)", .0.display())]
    SynthFolder(PathBuf),
    /// A pool or comparison could not be made.
    #[error(transparent)]
    Corpus(crate::run::corpus::CorpusError),
    /// Two maps cannot be aligned.
    #[error("huey align: {0}")]
    Align(String),
    /// `huey manpage NAME` names no subcommand.
    #[error("no subcommand '{0}' (huey --help lists them)")]
    NoSubcommand(String),
    /// A man page could not be rendered.
    #[error("cannot render the man page: {0}")]
    Manpage(String),
    /// Two outputs of one command name the same file.
    #[error("two outputs name the same file: {}", .0.display())]
    SameOutput(PathBuf),
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    // Ctrl-C, SIGTERM or SIGHUP (a cancelled job, `timeout`): the temporary files of writes in
    // progress are removed before the process ends, so none is left behind. Without the
    // handler (another was installed first) the process ends as the signal says.
    let _ = ctrlc::set_handler(|| {
        crate::io::atomic::remove_pending();
        std::process::exit(130);
    });
    let result = match cli.command {
        Some(Command::Analyze(args)) => analyze::run(&args),
        Some(Command::Batch(args)) => batch::run_batch(&args),
        Some(Command::Merge(args)) => batch::run_merge(&args),
        Some(Command::Compare(args)) => compare::run_compare(&args),
        Some(Command::Align(args)) => compare::run_align(&args),
        Some(Command::Bench(args)) => bench::run(&args),
        Some(Command::Export(args)) => export::run_export(&args),
        Some(Command::Figure(args)) => export::run_figure(&args),
        Some(Command::Timeline(args)) => timeline::run(&args),
        Some(Command::Ensemble(args)) => ensemble::run(&args),
        Some(Command::Synth(args)) => synth::run(&args),
        Some(Command::Session(args)) => session::run(&args),
        Some(Command::GpuInfo) => gpu_info::run(),
        Some(Command::Completions(args)) => manual::completions(&args),
        Some(Command::Manpage(args)) => manual::manpage(&args),
        None if cli.print => analyze::run(&printed(&cli)),
        None => match crate::app::run(launch(&cli)) {
            Ok(()) => Ok(()),
            Err(e) => {
                eprintln!("{}; printing the analysis instead", printable(&e));
                analyze::run(&printed(&cli))
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", printable(&e));
            ExitCode::FAILURE
        }
    }
}

/// A message as one line of plain text: control characters (from a file name or a token) are
/// escaped, so a name cannot forge another line or move the terminal's cursor.
pub(crate) fn printable(message: &impl std::fmt::Display) -> String {
    let text = message.to_string();
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// `huey [FILE] --print` (and the app's fallback without a display): `analyze` with the
/// defaults and this command line's overrides, which `analyze` then validates.
fn printed(cli: &Cli) -> AnalyzeArgs {
    let mut args = AnalyzeArgs::for_file(cli.file.clone());
    if let Some(n) = cli.max_neurons {
        args.flags.max_neurons = n;
    }
    if let Some(engine) = cli.engine {
        args.flags.engine = engine;
    }
    if let Some(preset) = cli.preset {
        args.flags.preset = preset;
    }
    args
}

/// What the app needs from the command line: the file, this session's overrides, and a
/// scripted start (screenshots, responsiveness runs).
fn launch(cli: &Cli) -> crate::app::Launch {
    let scripted = cli.run || cli.tab.is_some() || cli.exit_after.is_some() || cli.screenshot.is_some();
    crate::app::Launch {
        file: cli.file.clone(),
        max_neurons: cli.max_neurons,
        engine: cli.engine.map(analyze::EngineArg::kind),
        preset: cli.preset.map(analyze::PresetArg::preset),
        script: scripted.then(|| crate::app::Script {
            run: cli.run,
            tab: cli.tab.clone(),
            select: cli.select.clone(),
            exit_after: cli.exit_after,
            screenshot: cli.screenshot.clone(),
            report: cli.report.clone(),
        }),
    }
}

/// Write `text` to standard output; a closed pipe (`huey … | head`) ends output quietly.
pub fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    // Any write error (closed pipe, full disk) only means the reader is gone: nothing to do.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// A command's output files, checked before its work starts (a bad path fails at once, not
/// after a long run); each is then written atomically under the same rules: never over one
/// of the command's inputs, never through a link or onto a device unless `--force`.
#[derive(Debug)]
pub struct Outputs {
    inputs: Vec<PathBuf>,
    force: bool,
}

impl Outputs {
    /// Check every given path in `paths` against `inputs` and the rules.
    pub fn checked(paths: &[Option<&Path>], inputs: Vec<PathBuf>, force: bool) -> Result<Self, CliError> {
        let outputs = Self { inputs, force };
        let given: Vec<&Path> = paths.iter().flatten().copied().collect();
        for (k, a) in given.iter().enumerate() {
            if given[k + 1..].iter().any(|b| crate::io::atomic::same_target(a, b)) {
                return Err(CliError::SameOutput(a.to_path_buf()));
            }
            let inputs: Vec<&Path> = outputs.inputs.iter().map(PathBuf::as_path).collect();
            crate::io::atomic::check(a, crate::io::atomic::Rules { inputs: &inputs, force })?;
        }
        Ok(outputs)
    }

    /// Refuse `stem` as the chosen path of a multi-file output (`x.csv` → `x_rows.csv`, …)
    /// when it names something other than a regular file (a device, a FIFO, a folder): the
    /// files would be made next to it under names nobody asked for (`/dev/null_rows.csv`).
    pub fn stem(stem: &Path) -> Result<(), CliError> {
        if crate::io::atomic::usable_stem(stem) { Ok(()) } else { Err(CliError::NotAStem(stem.to_path_buf())) }
    }

    /// Write `bytes` to `path` atomically under the rules.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
        let inputs: Vec<&Path> = self.inputs.iter().map(PathBuf::as_path).collect();
        Ok(crate::io::atomic::write_with(path, bytes, crate::io::atomic::Rules { inputs: &inputs, force: self.force })?)
    }
}

/// A finished run's results where the command line asked for them: the JSON report, and the
/// session the app would save of `run`; each file written is named in `out`.
fn write_results(
    out: &mut String,
    outputs: &Outputs,
    (json, save_session): (Option<&Path>, Option<&Path>),
    report: &crate::run::report::Report,
    run: crate::run::session::RunState<'_>,
) -> Result<(), CliError> {
    if let Some(path) = json {
        outputs.write(path, serde_json::to_string_pretty(report)?.as_bytes())?;
        outln!(out, "JSON written to {}", path.display());
    }
    if let Some(path) = save_session {
        outputs.write(path, crate::run::session::record(run).to_ron()?.as_bytes())?;
        outln!(out, "session saved to {}", path.display());
    }
    Ok(())
}

/// A clap parser for a finite number in `[low, high]` (NaN and ∞ are refused by name).
fn number_in(low: f64, high: f64) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        let v: f64 = s.trim().parse().map_err(|_| format!("'{s}' is not a number"))?;
        if v.is_finite() && (low..=high).contains(&v) {
            Ok(v)
        } else {
            Err(format!("must be a number between {low} and {high}"))
        }
    }
}

/// A clap parser for a count in `[low, high]`.
fn count_in(low: u64, high: u64) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(low..=high)
}
