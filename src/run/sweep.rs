//! `huey bench --sweep`: both engines on both backends (f32, like for like) over a range of
//! network sizes on synthetic corpora, side by side in one run, so the cost per step can be
//! read against size and the crossover where the GPU starts to win is visible.
//!
//! Protocol per (size N, engine): a seeded Zipf conversation over 2N distinct words with 8N
//! words (at least 20,000); the N most frequent words are created as neurons first (a warm
//! start, since filling N neurons from scratch costs Σ O(n) per window), then the engine steps
//! through the conversation until it ends or the time budget is spent. Figures are per step
//! (a window, or an exchange of the temporal engine) over the steps done.

use std::time::Instant;

use super::RunError;
use super::pipeline::prepare;
use crate::kernel::{Kernel, TimingMethod};
use crate::model::options::{AnalysisOptions, Backend, EngineKind, Precision};
use crate::text::kill_words::KillList;
use crate::text::synthetic::{SynthSpec, conversation, word};

/// One (size, engine) measurement.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SweepRow {
    /// Engine.
    pub engine: String,
    /// Backend and device.
    pub backend: Backend,
    /// See `backend`.
    pub device: String,
    /// Requested network size (max_neurons).
    pub max_neurons: usize,
    /// Live neurons and connections at the end.
    pub neurons: usize,
    /// See `neurons`.
    pub connections: usize,
    /// Steps done and words consumed.
    pub steps: u64,
    /// See `steps`.
    pub words: u64,
    /// Whether the whole corpus was processed (false: the time budget ended the run).
    pub complete: bool,
    /// Engine wall seconds.
    pub secs: f64,
    /// Words per second.
    pub words_per_sec: f64,
    /// Microseconds per step, total and per kernel (`kernel`, µs/step, timing method).
    pub us_per_step: f64,
    /// See `us_per_step`.
    pub kernels: Vec<(String, f64, TimingMethod)>,
    /// Bytes of engine state at the end.
    pub memory_bytes: usize,
    /// Estimated bytes moved per second (windowed engine), in GB/s.
    pub effective_gb_per_sec: Option<f64>,
    /// GPU rows: the CPU row's µs/step over this row's (> 1: the GPU is faster).
    pub speedup_vs_cpu: Option<f64>,
}

/// The measurement a sweep is starting: which (size, engine, backend), and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepStep {
    /// Measurements done before this one, and in all.
    pub done: usize,
    /// See `done`.
    pub total: usize,
    /// The network size.
    pub max_neurons: usize,
    /// The engine.
    pub engine: EngineKind,
    /// The backend.
    pub backend: Backend,
}

impl std::fmt::Display for SweepStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "measurement {} of {}: {} neurons, {} engine on the {}",
            self.done + 1,
            self.total,
            self.max_neurons,
            self.engine.as_str(),
            self.backend.as_str().to_uppercase()
        )
    }
}

/// Measure every (size, engine, backend), calling `on_row` as each row is done; GPU rows only
/// where an adapter opens (their `speedup_vs_cpu` is set).
pub fn rows(sizes: &[usize], secs_per_run: f64, on_row: impl FnMut(&SweepRow)) -> Result<Vec<SweepRow>, RunError> {
    rows_reporting(sizes, secs_per_run, |_| {}, on_row)
}

/// [`rows`], calling `on_start` as each measurement starts.
pub fn rows_reporting(
    sizes: &[usize],
    secs_per_run: f64,
    mut on_start: impl FnMut(&SweepStep),
    mut on_row: impl FnMut(&SweepRow),
) -> Result<Vec<SweepRow>, RunError> {
    let backends: &[Backend] =
        if super::devices::gpu().is_ok() { &[Backend::Cpu, Backend::Gpu] } else { &[Backend::Cpu] };
    let total = sizes.len() * 2 * backends.len();
    let mut rows = Vec::new();
    for &n in sizes {
        let spec = SynthSpec { words: (8 * n).max(20_000), vocabulary: 2 * n, ..SynthSpec::default() };
        let text = conversation(&spec);
        for engine in [EngineKind::Temporal, EngineKind::Windowed] {
            let mut cpu_us = None;
            for &backend in backends {
                on_start(&SweepStep { done: rows.len(), total, max_neurons: n, engine, backend });
                let mut row = measure(&text, n, engine, backend, secs_per_run)?;
                if backend == Backend::Gpu && row.backend == Backend::Gpu {
                    row.speedup_vs_cpu = cpu_us.map(|c: f64| c / row.us_per_step);
                } else {
                    cpu_us = Some(row.us_per_step);
                }
                on_row(&row);
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

fn measure(
    text: &str,
    n: usize,
    engine: EngineKind,
    backend: Backend,
    secs_per_run: f64,
) -> Result<SweepRow, RunError> {
    // The reference preset: the figures in docs/BENCHMARKS.md stay comparable across the
    // change of default tokenizer (synthetic words have no punctuation either way).
    let mut opts = AnalysisOptions { backend, precision: Precision::F32, ..AnalysisOptions::reference(engine) };
    opts.detect.exchange_limit = crate::model::options::MAX_EXCHANGES;
    opts.engine.common.max_neurons = n;
    let mut prepared = prepare(text, &opts, &KillList::empty())?;
    let pipeline = &mut prepared.pipeline;
    let vocabulary: Vec<String> = (0..n).map(word).collect();
    pipeline.prefill(vocabulary.iter().map(String::as_str))?;
    let started = Instant::now();
    let mut complete = true;
    let mut bytes_moved = 0usize;
    loop {
        if started.elapsed().as_secs_f64() > secs_per_run {
            complete = false;
            break;
        }
        let before = pipeline.stats().steps();
        // Many exchanges per call: a GPU engine submits them together and reads back once.
        if !pipeline.step_many(64) {
            break;
        }
        let steps = pipeline.stats().steps() - before;
        bytes_moved += pipeline.bytes_per_step().unwrap_or(0) * steps as usize;
    }
    let secs = started.elapsed().as_secs_f64();
    let stats = pipeline.stats();
    let steps = stats.steps().max(1);
    let times = pipeline.kernel_times();
    let kernels = Kernel::all()
        .filter(|&k| times.calls(k) > 0)
        .map(|k| (k.name().to_owned(), times.secs(k) * 1e6 / steps as f64, pipeline.timing_method()))
        .collect();
    let (neurons, connections) = pipeline.size();
    Ok(SweepRow {
        engine: engine.as_str().to_owned(),
        backend: pipeline.backend(),
        device: pipeline.device(),
        max_neurons: n,
        neurons,
        connections,
        steps: stats.steps(),
        words: stats.tokens(),
        complete,
        secs,
        words_per_sec: stats.tokens() as f64 / secs,
        us_per_step: secs * 1e6 / steps as f64,
        kernels,
        memory_bytes: pipeline.memory_bytes(),
        effective_gb_per_sec: (engine == EngineKind::Windowed).then(|| bytes_moved as f64 / secs / 1e9),
        speedup_vs_cpu: None,
    })
}

/// Sweep rows from the text of a `huey bench --sweep --json` file.
pub fn parse_rows(json: &str) -> Result<Vec<SweepRow>, serde_json::Error> {
    serde_json::from_str(json)
}
