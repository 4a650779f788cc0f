//! A run's history: checkpoints of the network every `every` exchanges, in bounded memory, and
//! the network as of any exchange `t` = the nearest checkpoint at or before `t` plus a
//! deterministic replay of the exchanges after it — equal to a fresh run stopped at `t`
//! (the app's time slider; a session rebuilds its history when opened).
//!
//! Memory: at most [`MAX_CHECKPOINTS`] networks and [`MAX_BYTES`] of them. When a run outgrows
//! either the spacing doubles and every other checkpoint is dropped, so a conversation of any
//! length keeps a bounded number, and a restore replays fewer than `every` exchanges.

use super::pipeline::{Pipeline, RestoreError};
use crate::model::engine_stats::EngineStats;
use crate::model::network::Network;

/// Most checkpoints a history keeps (exchange 0 included).
pub const MAX_CHECKPOINTS: usize = 64;

/// Most bytes a history's networks hold (estimated: 24 per connection, 32 plus the text per
/// word); past it the spacing doubles as past [`MAX_CHECKPOINTS`].
pub const MAX_BYTES: usize = 512 << 20;

/// The estimated bytes of `network` in a checkpoint.
fn bytes(network: &Network) -> usize {
    network.connections.len() * 24 + network.words.iter().map(|w| 32 + w.len()).sum::<usize>()
}

/// The state after `done` exchanges.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// Exchanges done.
    pub done: usize,
    /// The network then.
    pub network: Network,
    /// The engine's counters then.
    pub stats: EngineStats,
}

/// Checkpoints of one run, every `every` exchanges.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    every: usize,
    checkpoints: Vec<Checkpoint>,
}

impl History {
    /// An empty history taking a checkpoint every `every` exchanges (at least 1).
    pub fn new(every: usize) -> Self {
        Self { every: every.max(1), checkpoints: Vec::new() }
    }

    /// A history for a run of `total` exchanges: a spacing that keeps about
    /// [`MAX_CHECKPOINTS`] checkpoints over the whole run (the app's worker and the seek
    /// benchmark use it).
    pub fn for_run(total: usize) -> Self {
        Self::new(total.div_ceil(MAX_CHECKPOINTS - 1).max(1))
    }

    /// The spacing now (it doubles as a run outgrows [`MAX_CHECKPOINTS`]).
    pub fn every(&self) -> usize {
        self.every
    }

    /// The checkpoints, in order of `done`.
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// Record `pipeline`'s state if it stands on the spacing (or has no checkpoint yet) and
    /// is past the last checkpoint.
    pub fn observe(&mut self, pipeline: &mut Pipeline) {
        let done = pipeline.progress().done;
        let due = done.is_multiple_of(self.every) && self.checkpoints.last().is_none_or(|c| c.done < done);
        if !due {
            return;
        }
        self.checkpoints.push(Checkpoint { done, network: pipeline.network(), stats: pipeline.stats() });
        let held = |cs: &[Checkpoint]| cs.iter().map(|c| bytes(&c.network)).sum::<usize>();
        while self.checkpoints.len() > MAX_CHECKPOINTS
            || (self.checkpoints.len() > 1 && held(&self.checkpoints) > MAX_BYTES)
        {
            self.every *= 2;
            let (every, first) = (self.every, self.checkpoints[0].done);
            // The first checkpoint stays even off the spacing (see `keep`).
            self.checkpoints.retain(|c| c.done.is_multiple_of(every) || c.done == first);
        }
    }

    /// Record `pipeline`'s state as a checkpoint whether or not it stands on the spacing (the
    /// first checkpoint of a history that cannot start at exchange 0: a session whose replay
    /// failed). Later checkpoints must come after it.
    pub fn keep(&mut self, pipeline: &mut Pipeline) {
        let done = pipeline.progress().done;
        self.checkpoints.retain(|c| c.done < done);
        self.checkpoints.push(Checkpoint { done, network: pipeline.network(), stats: pipeline.stats() });
    }

    /// Run `pipeline` (at exchange 0 or any checkpoint of this run) to its end, taking the
    /// checkpoints on the way.
    pub fn record_run(&mut self, pipeline: &mut Pipeline) {
        self.observe(pipeline);
        while pipeline.step_many(self.every - pipeline.progress().done % self.every) {
            self.observe(pipeline);
        }
    }

    /// The nearest checkpoint at or before exchange `t`.
    pub fn nearest(&self, t: usize) -> Option<&Checkpoint> {
        self.checkpoints.iter().take_while(|c| c.done <= t).last()
    }

    /// Put `pipeline` (of the same conversation and options) at exchange `t`: load the
    /// nearest checkpoint and replay the exchanges from there. Returns the exchanges replayed.
    pub fn restore(&self, pipeline: &mut Pipeline, t: usize) -> Result<usize, RestoreError> {
        let total = pipeline.progress().total;
        if t > total {
            return Err(RestoreError::BeyondEnd { done: t, total });
        }
        let c = self.nearest(t).ok_or(RestoreError::NoCheckpoint { t })?;
        pipeline.restore(&c.network, c.stats, c.done)?;
        let replayed = t - c.done;
        if replayed > 0 {
            pipeline.step_many(replayed);
        }
        Ok(replayed)
    }
}
