//! `huey ensemble FILE --replicates R [--resample exchanges] [--seed S] [--backend cpu|gpu]
//! --json OUT`: R independent runs of one conversation with every option of `huey analyze`,
//! and how stable each concept's mass, rank and map position is over them.

use super::analyze::{AnalysisFlags, load_file};
use super::{CliError, Outputs, emit};
use crate::model::options::AnalysisOptions;
use crate::model::params::Specific;
use crate::run::ensemble::{Conversation, Ensemble, EnsembleSpec, Resample};
use crate::run::pipeline::prepare;

/// `huey ensemble` arguments.
#[derive(clap::Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct EnsembleArgs {
    /// Conversation file (.txt, .md, .pdf); the bundled sample when omitted.
    pub file: Option<std::path::PathBuf>,
    /// The analysis options, as `huey analyze`. `--seed S` is the ensemble's base seed:
    /// replicate r draws the windowed engine's connections, and its resample, with S + r.
    /// `--backend gpu` runs the replicates on the GPU; without one it is an error (no
    /// fallback). The cluster options change nothing here.
    #[command(flatten)]
    pub flags: AnalysisFlags,
    /// Number of replicates (1 to 100,000).
    #[arg(long, default_value_t = 32, value_parser = super::count_in(1, 100_000))]
    pub replicates: usize,
    /// What else varies between replicates: nothing (only the seed), or a bootstrap resample
    /// of the exchanges (n drawn with replacement from the n, kept in conversation order).
    #[arg(long, value_enum, default_value_t = ResampleArg::None)]
    pub resample: ResampleArg,
    /// CPU threads the replicates share (0: all cores; never more than the cores).
    #[arg(long, default_value_t = 0, value_parser = super::count_in(0, 4096))]
    pub threads: usize,
    /// Write the ensemble as JSON to this file: per concept its stability, per replicate its
    /// seed, distinct exchanges, neurons and connections, and the options.
    #[arg(long, value_name = "OUT")]
    pub json: Option<std::path::PathBuf>,
    /// Write the per-concept stability as a CSV table to this file.
    #[arg(long, value_name = "OUT")]
    pub csv: Option<std::path::PathBuf>,
    /// Write outputs through a symbolic link, or onto a device.
    #[arg(long)]
    pub force: bool,
    /// Concepts listed in the printed summary.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
}

/// `--resample`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ResampleArg {
    /// Only the seed varies.
    None,
    /// A bootstrap resample of the exchanges.
    Exchanges,
}

impl EnsembleArgs {
    /// The analysis options and the ensemble's spec. `--seed` is taken as the base seed for
    /// either engine (the temporal engine draws nothing, but a resample does).
    pub fn options(&self) -> Result<(AnalysisOptions, EnsembleSpec), CliError> {
        let mut flags = self.flags.clone();
        let seed = flags.seed;
        if flags.engine.kind() == crate::model::options::EngineKind::Temporal {
            flags.seed = None;
        }
        let opts = flags.options()?;
        let base = match &opts.engine.specific {
            Specific::Windowed(w) => w.seed,
            Specific::Temporal(_) => seed.unwrap_or(0),
        };
        let resample = match self.resample {
            ResampleArg::None => Resample::None,
            ResampleArg::Exchanges => Resample::Exchanges,
        };
        let spec = EnsembleSpec {
            replicates: self.replicates,
            resample,
            seed: base,
            backend: opts.backend,
            threads: self.threads,
        };
        Ok((opts, spec))
    }
}

pub(super) fn run(args: &EnsembleArgs) -> Result<(), CliError> {
    let (opts, spec) = args.options()?;
    let mut inputs: Vec<std::path::PathBuf> = args.file.iter().cloned().collect();
    inputs.extend(args.flags.inputs());
    let outputs = Outputs::checked(&[args.json.as_deref(), args.csv.as_deref()], inputs, args.force)?;
    let (name, text, warnings) = load_file(args.file.as_deref(), &args.flags)?;
    for w in &warnings {
        eprintln!("warning: {}", super::printable(w));
    }
    let kill_source = args.flags.kill_source()?.for_text(&text);
    let (kill, _) = crate::io::kill_list::load(&kill_source)?;
    let prepared = prepare(&text, &opts, &kill)?;
    let (stream, speakers) = prepared.pipeline.tokens();
    let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
    crate::run::ensemble::check_size(conv, &opts, spec.replicates)?;
    for w in &prepared.detection.warnings {
        eprintln!("warning: {}", super::printable(&crate::run::notice::Notice::Detection(w.clone())));
    }
    if stream.n_exchanges() > 0 && stream.n_tokens() == 0 {
        eprintln!("warning: {}", super::printable(&crate::run::notice::Notice::AllKilled));
    }
    if let Some(why) = crate::run::ensemble::identical_replicates(&opts, &spec, stream.n_exchanges()) {
        eprintln!("warning: {why} (--resample exchanges varies them)");
    }
    if spec.backend == crate::model::options::Backend::Gpu && args.threads != 0 {
        eprintln!(
            "warning: --threads has no effect with --backend gpu (the replicates run as batches on the one device)"
        );
    }
    // Progress on a terminal only (a log or a test gets the summary alone).
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let total = spec.replicates;
    let progress = move |done: usize| {
        if tty && (done == total || done.is_multiple_of((total / 20).max(1))) {
            eprint!("\rreplicates: {done}/{total}");
            if done == total {
                eprintln!();
            }
        }
    };
    let ensemble = crate::run::ensemble::run_reporting(conv, &opts, &spec, &progress)?;
    if ensemble.concepts.is_empty() {
        eprintln!("warning: no replicate has a concept (no connection formed); the table is empty");
    }
    let mut out = summary(&name, &spec, &ensemble, args.top);
    if let Some(path) = args.json.as_deref() {
        let doc = serde_json::json!({
            "file": name,
            "replicates": spec.replicates,
            "resample": resample_name(spec.resample),
            "seed": spec.seed,
            "backend": ensemble.backend.as_str(),
            "device": ensemble.device,
            "secs": ensemble.secs,
            "replicates_per_second": spec.replicates as f64 / ensemble.secs.max(1e-9),
            "concepts": ensemble.concepts,
            "runs": ensemble.replicates,
            "options": opts,
        });
        outputs.write(path, serde_json::to_string_pretty(&doc)?.as_bytes())?;
        outln!(out, "ensemble written to {}", path.display());
    }
    if let Some(path) = args.csv.as_deref() {
        outputs.write(path, crate::export::stability::csv(&ensemble.concepts).as_bytes())?;
        outln!(out, "stability table written to {}", path.display());
    }
    emit(&out);
    Ok(())
}

fn resample_name(r: Resample) -> &'static str {
    match r {
        Resample::None => "none",
        Resample::Exchanges => "exchanges",
    }
}

/// The printed summary: the run, then the heaviest concepts with their intervals.
fn summary(name: &str, spec: &EnsembleSpec, e: &Ensemble, top: usize) -> String {
    let mut out = String::new();
    outln!(
        out,
        "{}: {} replicates (resample: {}, seeds {}…), {} on {}, {:.2} s ({:.1} replicates/s)",
        super::printable(&name),
        spec.replicates,
        resample_name(spec.resample),
        spec.seed,
        e.backend.as_str(),
        super::printable(&e.device),
        e.secs,
        spec.replicates as f64 / e.secs.max(1e-9)
    );
    let top_n = format!("top {}", e.reference_map.labels.len().max(1));
    outln!(out, "  {:<24} {:>10} {:>21} {:>7} {:>9}", "concept", "mass mean", "95% interval", top_n, "pos. sd");
    for c in e.concepts.iter().take(top) {
        let sd = c.position_cov.map_or_else(
            || "-".to_owned(),
            |cov| format!("{:.3}", (cov[0][0] + cov[1][1] + cov[2][2]).max(0.0).sqrt()),
        );
        outln!(
            out,
            "  {:<24} {:>10.3} [{:>8.3}, {:>9.3}] {:>6.0}% {:>9}",
            super::printable(&c.concept),
            c.mass_mean,
            c.mass_low,
            c.mass_high,
            c.top_frequency * 100.0,
            sd
        );
    }
    outln!(
        out,
        "  (95% interval: 2.5th–97.5th percentile of the replicates' masses; top N: share of replicates with the \
         concept among their N; pos. sd: √(total variance) of its aligned 3-D position)"
    );
    out
}
