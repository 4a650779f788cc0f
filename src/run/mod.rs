//! The run layer: everything that strings the lower layers together into a run — the
//! pipeline (detect → tokenize → learn → map), engine construction and the announced GPU →
//! CPU fallback, typed notices, the compute worker thread the app drives, size sweeps,
//! CPU-vs-GPU comparisons and the JSON report. It touches no file itself.

pub mod batch;
pub mod compare;
pub mod corpus;
pub mod devices;
pub mod ensemble;
pub mod factory;
pub mod history;
pub mod notice;
pub mod pipeline;
pub mod provenance;
pub mod report;
pub mod session;
pub mod sweep;
pub mod timeline;
pub mod timeline_export;
pub mod worker;

use crate::engine::EngineError;
use crate::model::params::ParamError;

/// Why a run could not be set up or measured: the run layer's error to the app and the CLI.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// A parameter was rejected.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// An engine could not be built or failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// An ensemble would keep more masses than its memory bound allows.
    #[error(
        "{replicates} replicates of up to {concepts} concepts each would keep over {max} masses in memory; use at most {fits} replicates or a lower --max-neurons"
    )]
    EnsembleTooLarge {
        /// Replicates asked for.
        replicates: usize,
        /// Concepts a replicate can have (the vocabulary cap, or the conversation's words).
        concepts: usize,
        /// The bound on replicates × concepts.
        max: u64,
        /// Replicates that fit.
        fits: u64,
    },
}
