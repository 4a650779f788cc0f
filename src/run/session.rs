//! Sessions as runs: recording a run's state as a [`SessionFile`], and opening one — the file
//! checked, its conversation read and matched, its kill list loaded and matched, and a
//! pipeline restored to the saved state — all before anything else is replaced, so a session
//! that cannot continue changes nothing (the app installs the ready pipeline in one step; the
//! CLI's `huey session check` reports on it).
//!
//! The session keeps its run's history without storing it: learning is deterministic, so
//! opening replays the conversation from the start to the saved exchange, taking the history's
//! checkpoints on the way, and checks that the replay ends on the saved network. When it does
//! not (a run that crossed backends in f32), only the saved state is kept and a notice says so.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::history::History;
use super::pipeline::{Pipeline, Prepared, RestoreError, prepare};
use crate::io::document::{self, LoadError, LoadWarning};
use crate::io::kill_list::KillListError;
use crate::io::session::{SESSION_VERSION, SessionError, SessionFile, text_hash};
use crate::model::engine_stats::EngineStats;
use crate::model::network::Network;
use crate::model::options::AnalysisOptions;
use crate::model::params::ParamError;
use crate::text::SAMPLE_CONVERSATION;
use crate::text::kill_words::{KillList, KillSource};

/// How a session names the bundled sample as its conversation.
pub const SAMPLE_SOURCE: &str = "sample";

/// What a run is made of, to record it.
#[derive(Clone, Copy, Debug)]
pub struct RunState<'a> {
    /// The conversation's file (`None`: the bundled sample).
    pub file: Option<&'a Path>,
    /// Its text.
    pub text: &'a str,
    /// The run's options.
    pub options: &'a AnalysisOptions,
    /// Where its kill list came from, and the list.
    pub kill_source: &'a KillSource,
    /// See `kill_source`.
    pub kill: &'a KillList,
    /// Exchanges done.
    pub done: usize,
    /// Engine counters.
    pub stats: EngineStats,
    /// The network.
    pub network: &'a Network,
}

/// The session file that records `state` (its conversation named by absolute path, so it
/// reopens from any folder).
pub fn record(state: RunState<'_>) -> SessionFile {
    SessionFile {
        version: SESSION_VERSION,
        source: state.file.map_or_else(
            || SAMPLE_SOURCE.to_owned(),
            |p| std::path::absolute(p).unwrap_or_else(|_| p.to_owned()).display().to_string(),
        ),
        text_hash: text_hash(state.text),
        options: state.options.clone(),
        kill: state.kill_source.clone(),
        kill_fingerprint: Some(state.kill.fingerprint()),
        done: state.done,
        stats: state.stats,
        network: state.network.clone(),
    }
}

/// Why a session cannot be opened; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The session file itself is unreadable, damaged, newer or impossible.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Its conversation cannot be read.
    #[error("the session's conversation cannot be read: {0}")]
    Source(LoadError),
    /// Its conversation is not the text the session learned from.
    #[error("the conversation changed since the session was saved: {}", file.display())]
    SourceChanged {
        /// The conversation's file.
        file: PathBuf,
    },
    /// Its kill list cannot be read.
    #[error("the session's kill list cannot be read: {0}")]
    Kill(#[from] KillListError),
    /// Its kill list reads differently now (an edited file, another `./KILL.txt`).
    #[error("the session's kill list ({0}) changed since the session was saved")]
    KillChanged(String),
    /// Its parameters were refused.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// Its state cannot continue the conversation.
    #[error("cannot restore the session: {0}")]
    Restore(#[from] RestoreError),
}

/// A session opened: its conversation and kill list, and a pipeline at the saved state.
#[derive(Debug)]
pub struct Opened {
    /// The session file (its network already in the pipeline).
    pub session: SessionFile,
    /// The conversation's file (`None`: the sample), display name and text.
    pub file: Option<PathBuf>,
    /// See `file`.
    pub name: String,
    /// See `file`.
    pub text: Arc<String>,
    /// Compromises made reading the conversation.
    pub load_warnings: Vec<LoadWarning>,
    /// The kill list and its description.
    pub kill: KillList,
    /// See `kill`.
    pub kill_name: String,
    /// Detection, tokens and the pipeline, restored to `session.done` exchanges.
    pub prepared: Prepared,
    /// Checkpoints of the replay up to `session.done` (the time slider's history).
    pub history: History,
    /// Set when the replay did not end on the saved network: the history holds the saved
    /// state only, so earlier exchanges cannot be shown.
    pub history_lost: Option<HistoryLost>,
}

/// The replay of a session's conversation did not reach its saved network.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the saved network is not what the session's conversation replays to (the file was edited, or the run moved between backends in f32): it continues from the saved network, and exchanges before {done} cannot be shown"
)]
pub struct HistoryLost {
    /// The saved exchange.
    pub done: usize,
}

/// Whether two networks have the same neurons and connections with strengths and masses equal
/// to 1e-9: a session continued from a session differs from an uninterrupted run by a few ulp
/// (a restored connection's decay restarts from its materialised strength).
fn close(a: &Network, b: &Network) -> bool {
    let near = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1e-300);
    a.words == b.words
        && a.connections.len() == b.connections.len()
        && a.connections
            .iter()
            .zip(&b.connections)
            .all(|(x, y)| (x.from, x.to) == (y.from, y.to) && near(x.strength, y.strength) && near(x.mass, y.mass))
}

/// Replay `pipeline` (at exchange 0) to `done`, recording its history.
fn replay_history(pipeline: &mut Pipeline, done: usize) -> History {
    let mut history = History::for_run(pipeline.progress().total);
    history.observe(pipeline);
    while pipeline.progress().done < done {
        let every = history.every();
        let at = pipeline.progress().done;
        if !pipeline.step_many((every - at % every).min(done - at)) {
            break;
        }
        history.observe(pipeline);
    }
    history
}

/// Open the session at `path`: see the module's documentation.
pub fn open(path: &Path) -> Result<Opened, OpenError> {
    let session = SessionFile::load(path)?;
    let (file, name, text, load_warnings) = if session.source == SAMPLE_SOURCE {
        (None, SAMPLE_SOURCE.to_owned(), SAMPLE_CONVERSATION.to_owned(), Vec::new())
    } else {
        let file = PathBuf::from(&session.source);
        let doc = document::read(&file).map_err(OpenError::Source)?;
        let name = file.file_name().map_or_else(|| session.source.clone(), |n| n.to_string_lossy().into_owned());
        (Some(file), name, doc.text, doc.warnings)
    };
    if text_hash(&text) != session.text_hash {
        return Err(OpenError::SourceChanged { file: file.unwrap_or_else(|| SAMPLE_SOURCE.into()) });
    }
    let (kill, kill_name) = crate::io::kill_list::load(&session.kill)?;
    if session.kill_fingerprint.is_some_and(|f| f != kill.fingerprint()) {
        return Err(OpenError::KillChanged(kill_name));
    }
    let mut prepared = prepare(&text, &session.options, &kill)?;
    if session.done > prepared.pipeline.progress().total {
        let total = prepared.pipeline.progress().total;
        return Err(RestoreError::BeyondEnd { done: session.done, total }.into());
    }
    let mut history = replay_history(&mut prepared.pipeline, session.done);
    let replayed =
        prepared.pipeline.progress().done == session.done && close(&prepared.pipeline.network(), &session.network);
    prepared.pipeline.restore(&session.network, session.stats, session.done)?;
    let history_lost = (!replayed).then_some(HistoryLost { done: session.done });
    if history_lost.is_some() {
        history = History::for_run(prepared.pipeline.progress().total);
        history.keep(&mut prepared.pipeline);
    }
    Ok(Opened {
        session,
        file,
        name,
        text: Arc::new(text),
        load_warnings,
        kill,
        kill_name,
        prepared,
        history,
        history_lost,
    })
}
