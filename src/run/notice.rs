//! What a run tells the user besides its result: typed, so callers match on variants (a GPU
//! fallback is `Notice::GpuFallback`, never a substring), and displayed once where shown.

use crate::engine::EngineError;
use crate::io::document::LoadWarning;
use crate::text::speakers::DetectionWarning;

/// Something the user must see about a run.
#[derive(Clone, Debug, thiserror::Error)]
pub enum Notice {
    /// Reading the input needed a compromise (lossy decoding, truncation).
    #[error(transparent)]
    Load(LoadWarning),
    /// Speaker detection hit a limit or fell back to plain text.
    #[error(transparent)]
    Detection(DetectionWarning),
    /// The GPU engine could not start; the CPU engine ran from the first exchange.
    #[error("GPU backend unavailable: {reason}; running on the CPU instead")]
    GpuUnavailable {
        /// Why.
        reason: EngineError,
    },
    /// The GPU failed mid-run; the CPU engine replayed the exchanges done and went on.
    #[error(
        "GPU failed after {done} of {total} exchanges: {reason}; continuing on the CPU ({done} exchanges replayed there)"
    )]
    GpuFallback {
        /// Exchanges done (and replayed on the CPU).
        done: usize,
        /// Exchanges in the conversation.
        total: usize,
        /// Why.
        reason: EngineError,
    },
    /// Every token was a kill word.
    #[error("every token was a kill word: the network is empty (try --kill-list or --no-kill)")]
    AllKilled,
    /// Windowed engine: no turn was as long as the window, so nothing was learned.
    #[error("no connections formed: no turn has {window} kept tokens, the window's length (try a smaller --window)")]
    NoWindow {
        /// The window's length in tokens.
        window: usize,
    },
    /// Tokens were kept but no pair of them ever met.
    #[error("no connections formed: no exchange has two kept tokens")]
    NoConnections,
    /// Pairs met, but no connection is left at the end.
    #[error(
        "no connections left: {pairs} pair updates, but every connection fell below the prune threshold or was refused (windowed engine: the connection draw and the out-degree cap)"
    )]
    NoneSurvived {
        /// Pair updates done.
        pairs: u64,
    },
    /// The temporal engine's vocabulary filled up and later new words were skipped.
    #[error("vocabulary full at {max_neurons} neurons: {skipped} later token(s) skipped (raise --max-neurons)")]
    VocabularyFull {
        /// The cap.
        max_neurons: usize,
        /// Tokens skipped.
        skipped: u64,
    },
    /// The run will take long: its pair updates grow with the square of an exchange's (or a
    /// window's) length, and this conversation has very long ones.
    #[error(
        "this run costs up to {pairs:.1e} pair updates (its longest exchange keeps {longest} tokens): expect minutes or more; --max-exchange-chars bounds an exchange's length"
    )]
    HeavyRun {
        /// Estimated pair updates.
        pairs: f64,
        /// Tokens of the longest exchange.
        longest: usize,
    },
    /// An opened session's history could not be rebuilt (its replay ended elsewhere).
    #[error(transparent)]
    HistoryLost(super::session::HistoryLost),
    /// The partial eigen-solver stopped before converging.
    #[error("the partial eigen-solver did not fully converge; map axes are approximate")]
    MapNotConverged,
}

impl Notice {
    /// Whether the run left the GPU for the CPU (at the start or mid-run).
    pub fn is_gpu_fallback(&self) -> bool {
        matches!(self, Self::GpuUnavailable { .. } | Self::GpuFallback { .. })
    }
}
