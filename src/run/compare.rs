//! The current conversation on the CPU and on the GPU, side by side (same options, f32), for
//! the app's Compare tab.

use super::notice::Notice;
use super::pipeline::analyze_text;
use crate::kernel::{Attribution, KernelRow, TimingMethod};
use crate::model::options::{AnalysisOptions, Backend, Precision};
use crate::model::params::ParamError;
use crate::text::kill_words::KillList;

/// One backend's run of the conversation.
#[derive(Clone, Debug)]
pub struct BackendRun {
    /// Where it ran (the CPU after an announced fallback).
    pub backend: Backend,
    /// On what.
    pub device: String,
    /// Engine seconds.
    pub engine_secs: f64,
    /// Per-kernel totals as the engine measured them (sampled estimates on the GPU).
    pub kernels: Vec<KernelRow>,
    /// How they were measured.
    pub timing: TimingMethod,
    /// The kernels fitted to `engine_secs`: rows plus "other" add up to it.
    pub attribution: Attribution,
    /// GPU fallback notices, if the GPU could not be used.
    pub fallbacks: Vec<Notice>,
}

/// Run `text` with `opts` on the CPU, then on the GPU, both in f32.
pub fn compare_backends(text: &str, opts: &AnalysisOptions, kill: &KillList) -> Result<Vec<BackendRun>, ParamError> {
    let mut runs = Vec::new();
    for backend in [Backend::Cpu, Backend::Gpu] {
        let o = AnalysisOptions { backend, precision: Precision::F32, ..opts.clone() };
        let a = analyze_text(text, &o, kill)?;
        let own: Vec<_> = a.kernels.iter().map(|r| (r.kernel, r.total_secs)).collect();
        runs.push(BackendRun {
            backend: a.backend,
            device: a.device,
            engine_secs: a.times.engine_secs,
            attribution: Attribution::fit(&own, a.times.engine_secs),
            timing: a.timing,
            kernels: a.kernels,
            fallbacks: a.warnings.into_iter().filter(Notice::is_gpu_fallback).collect(),
        });
    }
    Ok(runs)
}
