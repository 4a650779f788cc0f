//! Side-by-side measurements the app runs off the UI thread: the current conversation on the
//! CPU and on the GPU (same options, f32), and the size sweep of `huey bench --sweep` for the
//! crossover chart (or its JSON, loaded from a file).

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::cli::sweep::SweepRow;
use crate::compute::{Backend, KernelRow};
use crate::pipeline::{AnalysisOptions, Precision, analyze_text};
use crate::text::kill_words::KillList;

/// One backend's run of the conversation.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendRun {
    /// Where it ran (the CPU after an announced fallback).
    pub backend: Backend,
    /// On what.
    pub device: String,
    /// Engine seconds.
    pub engine_secs: f64,
    /// Per-kernel totals.
    pub kernels: Vec<KernelRow>,
    /// Fallback notices and other warnings.
    pub warnings: Vec<String>,
}

/// What a job delivers.
#[derive(Debug)]
pub enum JobResult {
    /// CPU and GPU runs of the conversation.
    Compare(Vec<BackendRun>),
    /// Sweep rows.
    Sweep(Vec<SweepRow>),
    /// The job failed.
    Failed(String),
}

/// At most one background job at a time.
#[derive(Debug, Default)]
pub struct Jobs {
    rx: Option<Receiver<JobResult>>,
    /// What is running, for the UI.
    pub running: Option<&'static str>,
}

impl Jobs {
    fn spawn(&mut self, what: &'static str, job: impl FnOnce() -> JobResult + Send + 'static) -> bool {
        if self.running.is_some() {
            return false;
        }
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new().name(format!("huey {what}")).spawn(move || {
            let _ = tx.send(job());
        });
        if spawned.is_err() {
            return false;
        }
        self.rx = Some(rx);
        self.running = Some(what);
        true
    }

    /// Run `text` on both backends with `opts` in f32.
    pub fn compare(&mut self, text: std::sync::Arc<String>, opts: AnalysisOptions, kill: KillList) -> bool {
        self.spawn("CPU/GPU comparison", move || {
            let mut runs = Vec::new();
            for backend in [Backend::Cpu, Backend::Gpu] {
                let o = AnalysisOptions { backend, precision: Precision::F32, ..opts.clone() };
                match analyze_text(&text, &o, &kill) {
                    Ok(a) => runs.push(BackendRun {
                        backend: a.backend,
                        device: a.device,
                        engine_secs: a.times.engine_secs,
                        kernels: a.kernels,
                        warnings: a.warnings.into_iter().filter(|w| w.contains("GPU")).collect(),
                    }),
                    Err(e) => return JobResult::Failed(e.to_string()),
                }
            }
            JobResult::Compare(runs)
        })
    }

    /// The size sweep over `sizes`, `secs` per run.
    pub fn sweep(&mut self, sizes: Vec<usize>, secs: f64) -> bool {
        self.spawn("size sweep", move || match crate::cli::sweep::rows(&sizes, secs, |_| {}) {
            Ok(rows) => JobResult::Sweep(rows),
            Err(e) => JobResult::Failed(e.to_string()),
        })
    }

    /// A finished job's result, if any.
    pub fn poll(&mut self) -> Option<JobResult> {
        let rx = self.rx.as_ref()?;
        match rx.try_recv() {
            Ok(result) => {
                self.rx = None;
                self.running = None;
                Some(result)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.rx = None;
                self.running = None;
                Some(JobResult::Failed("the measurement thread stopped".to_owned()))
            }
        }
    }
}

/// Sweep rows from a `huey bench --sweep --json` file.
pub fn load_sweep(path: &std::path::Path) -> Result<Vec<SweepRow>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not `huey bench --sweep --json` output: {e}", path.display()))
}
