//! Building engines: the CPU engine of an engine kind and precision, or its GPU engine on the
//! shared device. The pipeline's fallback policy (announced, never silent) lives in
//! `pipeline`; this module only constructs.

use crate::engine::cpu::temporal::TemporalEngine;
use crate::engine::cpu::windowed::WindowedEngine;
use crate::engine::gpu::GpuDevice;
use crate::engine::gpu::temporal::GpuTemporalEngine;
use crate::engine::gpu::windowed::{GpuWindowedEngine, ReplicateBatch};
use crate::engine::{EngineError, LearningEngine};
use crate::model::options::{AnalysisOptions, Backend, Precision};
use crate::model::params::{ParamError, Specific};

/// The CPU engine for `opts` (its kind and precision).
pub fn cpu_engine(opts: &AnalysisOptions) -> Result<Box<dyn LearningEngine>, ParamError> {
    let common = opts.engine.common.clone();
    Ok(match (&opts.engine.specific, opts.precision) {
        (Specific::Temporal(p), Precision::F64) => Box::new(TemporalEngine::<f64>::new(common, p.clone())?),
        (Specific::Temporal(p), Precision::F32) => Box::new(TemporalEngine::<f32>::new(common, p.clone())?),
        (Specific::Windowed(p), Precision::F64) => Box::new(WindowedEngine::<f64>::new(common, p.clone())?),
        (Specific::Windowed(p), Precision::F32) => Box::new(WindowedEngine::<f32>::new(common, p.clone())?),
    })
}

/// The GPU engine for `opts` on the shared device.
pub fn gpu_engine(opts: &AnalysisOptions) -> Result<Box<dyn LearningEngine>, EngineError> {
    let gpu = GpuDevice::shared()?;
    let common = opts.engine.common.clone();
    Ok(match (&opts.engine.specific, opts.precision) {
        (Specific::Windowed(p), Precision::F64) => Box::new(GpuWindowedEngine::<f64>::new(gpu, common, p.clone())?),
        (Specific::Windowed(p), Precision::F32) => Box::new(GpuWindowedEngine::<f32>::new(gpu, common, p.clone())?),
        (Specific::Temporal(p), Precision::F64) => Box::new(GpuTemporalEngine::<f64>::new(gpu, common, p.clone())?),
        (Specific::Temporal(p), Precision::F32) => Box::new(GpuTemporalEngine::<f32>::new(gpu, common, p.clone())?),
    })
}

/// A batch of `reps` windowed replicates on the shared device, replicate r drawing with
/// `seed + r` (the rest of the engine as `opts` says), for runs that name only `words`, with
/// room for `room` = (neurons, connections) each at first. `None` when `opts` is not the
/// windowed engine.
pub fn gpu_windowed_batch(
    opts: &AnalysisOptions,
    seed: u64,
    reps: usize,
    words: Vec<String>,
    room: (u64, u64),
) -> Result<Option<Box<dyn ReplicateBatch>>, EngineError> {
    let Specific::Windowed(p) = &opts.engine.specific else { return Ok(None) };
    let gpu = GpuDevice::shared()?;
    let common = opts.engine.common.clone();
    let params = crate::model::params::WindowedParams { seed, ..p.clone() };
    Ok(Some(match opts.precision {
        Precision::F64 => Box::new(GpuWindowedEngine::<f64>::batch(gpu, common, params, reps, words, room)?),
        Precision::F32 => Box::new(GpuWindowedEngine::<f32>::batch(gpu, common, params, reps, words, room)?),
    }))
}

/// The engine for `opts` on `backend`.
pub fn engine_on(backend: Backend, opts: &AnalysisOptions) -> Result<Box<dyn LearningEngine>, EngineError> {
    match backend {
        Backend::Cpu => Ok(cpu_engine(opts)?),
        Backend::Gpu => gpu_engine(opts),
    }
}
