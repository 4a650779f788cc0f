//! Building engines: the CPU engine of an engine kind and precision, or its GPU engine on the
//! shared device. The pipeline's fallback policy (announced, never silent) lives in
//! `pipeline`; this module only constructs.

use crate::engine::cpu::temporal::TemporalEngine;
use crate::engine::cpu::windowed::WindowedEngine;
use crate::engine::gpu::GpuDevice;
use crate::engine::gpu::temporal::GpuTemporalEngine;
use crate::engine::gpu::windowed::GpuWindowedEngine;
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

/// The engine for `opts` on `backend`.
pub fn engine_on(backend: Backend, opts: &AnalysisOptions) -> Result<Box<dyn LearningEngine>, EngineError> {
    match backend {
        Backend::Cpu => Ok(cpu_engine(opts)?),
        Backend::Gpu => gpu_engine(opts),
    }
}
