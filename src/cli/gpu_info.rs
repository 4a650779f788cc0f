//! `huey gpu-info`: the adapter Huey would use, and the bundled sample on the CPU and the GPU
//! (f32, both engines) side by side.

use super::{CliError, emit};
use crate::model::options::{AnalysisOptions, Backend, EngineKind, Precision};
use crate::run::devices;
use crate::run::pipeline::analyze_text;
use crate::text::SAMPLE_CONVERSATION;
use crate::text::kill_words::{KillList, Language};

/// Show the adapter, and run the bundled sample on both backends with both engines.
pub(super) fn run() -> Result<(), CliError> {
    let info = devices::gpu()?;
    let kill = KillList::of_language(Language::En);
    let mut out = format!("GPU: {info}\n");
    for engine in [EngineKind::Temporal, EngineKind::Windowed] {
        let mut opts = AnalysisOptions { precision: Precision::F32, ..AnalysisOptions::reference(engine) };
        let cpu = analyze_text(SAMPLE_CONVERSATION, &opts, &kill)?;
        opts.backend = Backend::Gpu;
        let gpu = analyze_text(SAMPLE_CONVERSATION, &opts, &kill)?;
        if let Some(w) = gpu.warnings.iter().find(|w| w.is_gpu_fallback()) {
            outln!(out, "{} engine: {w}", engine.as_str());
            continue;
        }
        let (c, g) = (&cpu.network, &gpu.network);
        outln!(
            out,
            "{} engine on the bundled sample, f32: CPU {} neurons / {} connections / Σs {:.6}; GPU {} / {} / {:.6}",
            engine.as_str(),
            c.n_neurons(),
            c.connections.len(),
            c.sum_strength(),
            g.n_neurons(),
            g.connections.len(),
            g.sum_strength()
        );
    }
    emit(&out);
    Ok(())
}
