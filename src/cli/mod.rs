//! The command line: `huey analyze`, `huey bench`, `huey synth`, `huey gpu-info`, and
//! `huey [FILE]` (the desktop app on FILE or the bundled sample; `--print` analyses instead).

/// Append one formatted line to a `String` (CLI output is built, then written once by [`emit`]).
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

mod analyze;
mod bench;
mod gpu_info;
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use analyze::AnalyzeArgs;
pub use bench::BenchArgs;
pub use synth::SynthArgs;

/// Huey: Hebbian concept networks from conversations.
#[derive(Debug, Parser)]
#[command(name = "huey", version, about, args_conflicts_with_subcommands = true)]
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
    /// App: start running at once (scripts/screenshots.sh, responsiveness runs).
    #[arg(long, hide = true)]
    pub run: bool,
    /// App: tab to show (map, map3d, timing, spectrum, inspector, speakers).
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
    /// Time the whole pipeline on files, several repetitions, and report medians.
    Bench(BenchArgs),
    /// Write a seeded synthetic conversation (Zipf words, several speakers) to a file.
    Synth(SynthArgs),
    /// Show the GPU adapter Huey would use, and run the bundled sample on the CPU and the GPU.
    GpuInfo,
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
    /// Writing the JSON failed.
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Some(Command::Analyze(args)) => analyze::run(&args),
        Some(Command::Bench(args)) => bench::run(&args),
        Some(Command::Synth(args)) => synth::run(&args),
        Some(Command::GpuInfo) => gpu_info::run(),
        None if cli.print => analyze::run(&AnalyzeArgs::for_file(cli.file)),
        None => match crate::app::run(launch(&cli)) {
            Ok(()) => Ok(()),
            Err(e) => {
                eprintln!("{e}; printing the analysis instead");
                analyze::run(&AnalyzeArgs::for_file(cli.file))
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What the app needs from the command line: the file, this session's overrides, and a
/// scripted start (screenshots, responsiveness runs).
fn launch(cli: &Cli) -> crate::app::Launch {
    let scripted = cli.run || cli.tab.is_some() || cli.exit_after.is_some() || cli.screenshot.is_some();
    crate::app::Launch {
        file: cli.file.clone(),
        max_neurons: cli.max_neurons,
        engine: cli.engine.map(analyze::EngineArg::kind),
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

/// Write `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    Ok(crate::io::atomic::write(path, bytes)?)
}
