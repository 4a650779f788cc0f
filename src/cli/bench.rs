//! `huey bench`: the whole pipeline (detection + tokenize + engine + map) timed over several
//! repetitions per file, medians reported. File reading is excluded (done once).

use std::path::PathBuf;

use clap::Args;

use super::analyze::{AnalyzeArgs, load_input};
use super::{CliError, Outputs, count_in, emit, number_in};
use crate::model::options::{Backend, Precision};
use crate::run::devices;
use crate::run::pipeline::{StageTimes, analyze_text};
use crate::run::sweep::rows;

/// Options of `huey bench`.
#[derive(Clone, Debug, Args)]
// A negative value reaches its parser and is refused there by name (not as an unknown flag).
#[command(allow_negative_numbers = true)]
pub struct BenchArgs {
    /// Files to time (the bundled sample when none).
    pub files: Vec<PathBuf>,
    /// Timed repetitions per file, after one warm-up run (1 to 100,000) [default: 21; 3 with
    /// `--ensemble`].
    #[arg(long, value_parser = count_in(1, 100_000))]
    pub reps: Option<usize>,
    /// Kill-word file (default as for `analyze`).
    #[arg(long, value_name = "PATH")]
    pub kill_list: Option<PathBuf>,
    /// Learning engine.
    #[arg(long, value_enum, default_value_t)]
    pub engine: super::analyze::EngineArg,
    /// Defaults for every option (`reference`: the tokenizer the figures in
    /// docs/BENCHMARKS.md before the clean default were measured with).
    #[arg(long, value_enum, default_value_t)]
    pub preset: super::analyze::PresetArg,
    /// Where the engine runs (files mode; the sweep runs both).
    #[arg(long, value_enum, default_value_t)]
    pub backend: super::analyze::BackendArg,
    /// Precision (files mode): f64 on the CPU, f32 on the GPU by default.
    #[arg(long, value_enum)]
    pub precision: Option<super::analyze::PrecisionArg>,
    /// Windowed engine: connection probability [default: 0.35].
    #[arg(long, allow_negative_numbers = true)]
    pub connection_prob: Option<f64>,
    /// Vocabulary cap (reference: 250).
    #[arg(long, default_value_t = 250)]
    pub max_neurons: usize,
    /// Concepts in the map (reference: 50).
    #[arg(long, default_value_t = 50)]
    pub concepts: usize,
    /// Exchange limit (reference: 10,000).
    #[arg(long, default_value_t = 10_000)]
    pub exchange_limit: usize,
    /// Also time N seeks per file as the app's time slider makes them (restore the nearest
    /// checkpoint, replay, and compute the frame's map and structure), spread over the run.
    #[arg(long, default_value_t = 0, value_parser = count_in(0, 100_000), conflicts_with = "sweep")]
    pub seeks: usize,
    /// Also time N slider moves through the app itself (a headless window: the action, the
    /// worker's seek and frame, the channel, and the UI frame that shows it), spread over the
    /// run: the time from the move to the frame drawn with the new state.
    #[arg(long, default_value_t = 0, value_parser = count_in(0, 100_000), conflicts_with = "sweep")]
    pub scrubs: usize,
    /// Write results as JSON.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write the JSON through a symbolic link, or onto a device.
    #[arg(long)]
    pub force: bool,
    /// Instead of files: both engines over `--sizes` on synthetic corpora (see docs/BENCHMARKS.md).
    #[arg(long, conflicts_with = "files")]
    pub sweep: bool,
    /// Instead: the same replicate ensemble (always the windowed engine in f32, seeds 0…R−1;
    /// `--engine`, `--precision` and `--backend` do not apply) of the first file (the bundled
    /// sample when none) on the CPU's cores and on the GPU, side by side: replicates per
    /// second and the ratio.
    #[arg(long, conflicts_with_all = ["sweep", "seeks", "scrubs"])]
    pub ensemble: bool,
    /// Replicates of `--ensemble` (1 to 100,000).
    #[arg(long, default_value_t = 64, value_parser = count_in(1, 100_000))]
    pub replicates: usize,
    /// Network sizes (max_neurons) of the sweep, each 2 to 10,000,000.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "250,1000,4000,16000,64000,256000,1000000",
        value_parser = count_in(2, 10_000_000)
    )]
    pub sizes: Vec<usize>,
    /// Time budget per (size, engine) of the sweep, in seconds (up to a day).
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true, value_parser = number_in(0.001, 86_400.0))]
    pub secs_per_run: f64,
}

/// Timing summary of one file.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FileBench {
    /// Where the engine ran, and on what.
    pub backend: Backend,
    /// See `backend`.
    pub device: String,
    /// File name.
    pub file: String,
    /// Exchanges analysed.
    pub exchanges: usize,
    /// Neurons and mapped concepts of the result.
    pub neurons: usize,
    /// See `neurons`.
    pub concepts: usize,
    /// Tokens kept after kill-word filtering.
    pub tokens: usize,
    /// Kept tokens per second at the median.
    pub tokens_per_sec: f64,
    /// Repetitions.
    pub reps: usize,
    /// Median total seconds.
    pub median_secs: f64,
    /// Fastest and slowest total.
    pub min_secs: f64,
    /// See `min_secs`.
    pub max_secs: f64,
    /// Median of each stage.
    pub median_stage: StageTimes,
    /// The time slider's seeks in the worker (`--seeks`), if timed.
    pub seeks: Option<Latency>,
    /// The time slider's moves through the app (`--scrubs`), if timed.
    pub scrubs: Option<Latency>,
}

/// Latencies of N timed moves.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Latency {
    /// Moves timed.
    pub n: usize,
    /// Median seconds.
    pub median_secs: f64,
    /// 90th percentile.
    pub p90_secs: f64,
    /// Slowest.
    pub max_secs: f64,
}

impl Latency {
    fn of(times: &[f64]) -> Self {
        let mut sorted = times.to_vec();
        sorted.sort_by(f64::total_cmp);
        let p90 = sorted.get((sorted.len() * 9 / 10).min(sorted.len().saturating_sub(1))).copied().unwrap_or(0.0);
        let max_secs = sorted.last().copied().unwrap_or(0.0);
        Self { n: times.len(), median_secs: median(sorted), p90_secs: p90, max_secs }
    }

    fn line(&self) -> String {
        format!(
            "median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
            self.median_secs * 1e3,
            self.p90_secs * 1e3,
            self.max_secs * 1e3
        )
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// The analysis options of `huey bench`'s flags, for `file`.
fn analyze_args(args: &BenchArgs, file: Option<PathBuf>) -> AnalyzeArgs {
    let mut a = AnalyzeArgs::for_file(file);
    a.flags.kill_list.clone_from(&args.kill_list);
    a.flags.engine = args.engine;
    a.flags.preset = args.preset;
    a.flags.backend = args.backend;
    a.flags.precision = args.precision;
    a.flags.connection_prob = args.connection_prob;
    a.flags.max_neurons = args.max_neurons;
    a.flags.concepts = args.concepts;
    a.flags.exchange_limit = args.exchange_limit;
    a
}

pub(super) fn run(args: &BenchArgs) -> Result<(), CliError> {
    let inputs: Vec<PathBuf> = args.files.iter().chain(&args.kill_list).cloned().collect();
    let outputs = Outputs::checked(&[args.json.as_deref()], inputs, args.force)?;
    if args.sweep {
        return sweep(&args.sizes, args.secs_per_run, args.json.as_deref().map(|p| (p, &outputs)));
    }
    if args.ensemble {
        return ensemble(args, args.json.as_deref().map(|p| (p, &outputs)));
    }
    let reps = args.reps.unwrap_or(21);
    let files: Vec<Option<PathBuf>> =
        if args.files.is_empty() { vec![None] } else { args.files.iter().cloned().map(Some).collect() };
    let mut results = Vec::new();
    emit(&format!(
        "{:<34} {:>9} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12}\n",
        "file", "exchanges", "tokens", "median ms", "detect", "engine", "map", "structure", "tokens/s"
    ));
    for file in files {
        let path = file.clone();
        let a = analyze_args(args, file);
        let opts = a.options()?;
        let (kill, _) = a.kill_list()?;
        let (name, text, _) = load_input(&a)?;
        let first = analyze_text(&text, &opts, &kill)?;
        for w in first.warnings.iter().filter(|w| w.is_gpu_fallback()) {
            eprintln!("warning: {}", super::printable(w));
        }
        let mut runs = Vec::with_capacity(reps);
        for _ in 0..reps.max(1) {
            runs.push(analyze_text(&text, &opts, &kill)?.times);
        }
        let pick = |f: fn(&StageTimes) -> f64| median(runs.iter().map(f).collect());
        let totals: Vec<f64> = runs.iter().map(StageTimes::total_secs).collect();
        let mut result = FileBench {
            file: name,
            backend: first.backend,
            device: first.device.clone(),
            exchanges: first.detection.exchanges.len(),
            neurons: first.network.n_neurons(),
            concepts: first.map.labels.len(),
            tokens: first.n_tokens,
            reps: runs.len(),
            median_secs: median(totals.clone()),
            min_secs: totals.iter().copied().fold(f64::INFINITY, f64::min),
            max_secs: totals.iter().copied().fold(0.0, f64::max),
            tokens_per_sec: first.n_tokens as f64 / median(totals),
            median_stage: StageTimes {
                detect_secs: pick(|t| t.detect_secs),
                tokenize_secs: pick(|t| t.tokenize_secs),
                engine_secs: pick(|t| t.engine_secs),
                map_secs: pick(|t| t.map_secs),
                structure_secs: pick(|t| t.structure_secs),
            },
            seeks: None,
            scrubs: None,
        };
        // One line per file as soon as it is measured.
        emit(&format!(
            "{:<34} {:>9} {:>7} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>10.3} {:>12.0}\n",
            result.file,
            result.exchanges,
            result.tokens,
            result.median_secs * 1e3,
            result.median_stage.detect_secs * 1e3,
            result.median_stage.engine_secs * 1e3,
            result.median_stage.map_secs * 1e3,
            result.median_stage.structure_secs * 1e3,
            result.tokens_per_sec
        ));
        if args.seeks > 0 {
            let (every, checkpoints, times) = seeks(&text, &opts, &kill, args.seeks)?;
            let l = Latency::of(&times);
            emit(&format!(
                "  seek: {} over {} seeks (a checkpoint every {every} exchanges, {checkpoints} kept)\n",
                l.line(),
                l.n
            ));
            result.seeks = Some(l);
        }
        if args.scrubs > 0 {
            let times = crate::app::scrub_times(path.as_deref(), &opts, a.kill_source()?, args.scrubs)
                .map_err(|e| CliError::Seek(e.to_string()))?;
            let l = Latency::of(&times);
            emit(&format!("  scrub through the app: {} over {} slider moves\n", l.line(), l.n));
            result.scrubs = Some(l);
        }
        results.push(result);
    }
    if let Some(out) = &args.json {
        outputs.write(out, serde_json::to_string_pretty(&results)?.as_bytes())?;
    }
    Ok(())
}

/// `n` seeks as the app's worker makes them, each timed: restore from the run's history, then
/// the frame's speaker self-mass, map and structure. Returns (spacing, checkpoints, seconds).
fn seeks(
    text: &str,
    opts: &crate::model::options::AnalysisOptions,
    kill: &crate::text::kill_words::KillList,
    n: usize,
) -> Result<(usize, usize, Vec<f64>), CliError> {
    use crate::run::history::History;
    let prepared = crate::run::pipeline::prepare(text, opts, kill)?;
    let speakers = prepared.detection.speakers.clone();
    let mut pipeline = prepared.pipeline;
    let total = pipeline.progress().total.max(1);
    let mut history = History::for_run(total);
    history.record_run(&mut pipeline);
    let mut times = Vec::with_capacity(n);
    for k in 0..n {
        // Spread over the run, not in order (a drag jumps about): a fixed stride modulo total.
        let t = (k * 7_919) % total + 1;
        let start = std::time::Instant::now();
        history.restore(&mut pipeline, t).map_err(|e| CliError::Seek(e.to_string()))?;
        let network = pipeline.network();
        let speaker_mass = crate::analysis::mass::speaker_self_mass(&network, &speakers);
        let map = crate::analysis::concept_map::concept_map(&network, &speaker_mass, &opts.map);
        let structure = crate::analysis::structure::Structure::of(&network, &map, &opts.map.clusters);
        std::hint::black_box(&structure);
        times.push(start.elapsed().as_secs_f64());
    }
    Ok((history.every(), history.checkpoints().len(), times))
}

/// The size sweep, printed row by row as each is measured.
fn sweep(sizes: &[usize], secs_per_run: f64, json: Option<(&std::path::Path, &Outputs)>) -> Result<(), CliError> {
    let gpu = devices::gpu();
    let mut header = format!("sweep, f32 on both backends; CPU: {}\n", devices::cpu(Precision::F32));
    match &gpu {
        Ok(info) => header.push_str(&format!("GPU: {info}\n")),
        Err(e) => header.push_str(&format!("GPU: none ({e}); CPU rows only\n")),
    }
    header.push_str(&format!(
        "{:<9} {:<4} {:>8} {:>8} {:>9} {:>8} {:>11} {:>11} {:>9} {:>7} {:>8}  kernels µs/step\n",
        "engine", "on", "size", "neurons", "conns", "steps", "µs/step", "words/s", "mem MiB", "GB/s", "GPU×"
    ));
    emit(&header);
    let rows = rows(sizes, secs_per_run, |row| {
        let kernels: Vec<String> = row.kernels.iter().map(|(k, us, _)| format!("{k} {us:.2}")).collect();
        emit(&format!(
            "{:<9} {:<4} {:>8} {:>8} {:>9} {:>8}{} {:>11.2} {:>11.0} {:>9.1} {:>7} {:>8}  {}\n",
            row.engine,
            row.backend.as_str(),
            row.max_neurons,
            row.neurons,
            row.connections,
            row.steps,
            if row.complete { " " } else { "*" },
            row.us_per_step,
            row.words_per_sec,
            row.memory_bytes as f64 / f64::from(1 << 20),
            row.effective_gb_per_sec.map_or_else(|| "—".to_owned(), |g| format!("{g:.2}")),
            row.speedup_vs_cpu.map_or_else(|| "—".to_owned(), |x| format!("{x:.2}")),
            kernels.join(", ")
        ));
    })?;
    emit(
        "* = time budget reached before the end of the corpus; figures are over the steps done\nGPU× = CPU µs/step ÷ GPU µs/step at the same size and engine\n",
    );
    if let Some((path, outputs)) = json {
        outputs.write(path, serde_json::to_string_pretty(&rows)?.as_bytes())?;
    }
    Ok(())
}

/// One backend's row of `huey bench --ensemble`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EnsembleBench {
    /// Where the replicates ran, and on what.
    pub backend: Backend,
    /// See `backend`.
    pub device: String,
    /// CPU threads (0 for the GPU).
    pub threads: usize,
    /// Replicates per ensemble.
    pub replicates: usize,
    /// Timed ensembles.
    pub reps: usize,
    /// Median seconds per ensemble.
    pub median_secs: f64,
    /// Replicates per second at the median.
    pub replicates_per_sec: f64,
    /// This backend's replicates/s over the CPU's (`None` for the CPU row).
    pub speedup_vs_cpu: Option<f64>,
}

/// The same ensemble on the CPU's cores and on the GPU, one after the other, medians of
/// `--reps` ensembles each after a warm-up one.
fn ensemble(args: &BenchArgs, json: Option<(&std::path::Path, &Outputs)>) -> Result<(), CliError> {
    use crate::run::ensemble::{Conversation, EnsembleSpec, Resample};
    let mut a = analyze_args(args, args.files.first().cloned());
    a.flags.engine = super::analyze::EngineArg::Windowed;
    a.flags.backend = super::analyze::BackendArg::Cpu;
    a.flags.precision = Some(super::analyze::PrecisionArg::F32);
    let opts = a.options()?;
    let (kill, _) = a.kill_list()?;
    let (name, text, warnings) = load_input(&a)?;
    for w in &warnings {
        eprintln!("warning: {}", super::printable(w));
    }
    if args.files.len() > 1 {
        eprintln!("warning: --ensemble times the first file only");
    }
    let prepared = crate::run::pipeline::prepare(&text, &opts, &kill)?;
    let (stream, speakers) = prepared.pipeline.tokens();
    let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
    let reps = args.reps.unwrap_or(3).max(1);
    let mut header = format!(
        "ensemble of {} replicates of {name} ({} exchanges), windowed engine, f32, median of {reps}\n",
        args.replicates,
        stream.n_exchanges()
    );
    let gpu = devices::gpu();
    if let Err(e) = &gpu {
        header.push_str(&format!("GPU: none ({e}); CPU row only\n"));
    }
    header.push_str(&format!(
        "{:<4} {:<44} {:>7} {:>11} {:>13} {:>8}\n",
        "on", "device", "threads", "median s", "replicates/s", "GPU×"
    ));
    emit(&header);
    let mut rows: Vec<EnsembleBench> = Vec::new();
    let backends: &[Backend] = if gpu.is_ok() { &[Backend::Cpu, Backend::Gpu] } else { &[Backend::Cpu] };
    for &backend in backends {
        let spec = EnsembleSpec { replicates: args.replicates, resample: Resample::None, seed: 0, backend, threads: 0 };
        let warm = crate::run::ensemble::run(conv, &opts, &spec)?;
        let mut secs = Vec::with_capacity(reps);
        for _ in 0..reps {
            secs.push(crate::run::ensemble::run(conv, &opts, &spec)?.secs);
        }
        let median_secs = median(secs);
        let replicates_per_sec = args.replicates as f64 / median_secs.max(1e-12);
        let speedup_vs_cpu = rows.first().map(|cpu| replicates_per_sec / cpu.replicates_per_sec);
        let row = EnsembleBench {
            backend,
            device: warm.device,
            threads: if backend == Backend::Cpu { crate::run::ensemble::threads_for(&spec) } else { 0 },
            replicates: args.replicates,
            reps,
            median_secs,
            replicates_per_sec,
            speedup_vs_cpu,
        };
        emit(&format!(
            "{:<4} {:<44} {:>7} {:>11.3} {:>13.1} {:>8}\n",
            backend.as_str(),
            super::printable(&row.device),
            row.threads,
            row.median_secs,
            row.replicates_per_sec,
            row.speedup_vs_cpu.map_or_else(|| "—".to_owned(), |x| format!("{x:.2}"))
        ));
        rows.push(row);
    }
    if let Some((path, outputs)) = json {
        outputs.write(path, serde_json::to_string_pretty(&rows)?.as_bytes())?;
    }
    Ok(())
}
