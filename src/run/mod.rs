//! The run layer: everything that strings the lower layers together into a run — the
//! pipeline (detect → tokenize → learn → map), engine construction and the announced GPU →
//! CPU fallback, typed notices, the compute worker thread the app drives, size sweeps,
//! CPU-vs-GPU comparisons and the JSON report. It touches no file itself.

pub mod compare;
pub mod factory;
pub mod notice;
pub mod pipeline;
pub mod report;
pub mod sweep;
pub mod worker;
