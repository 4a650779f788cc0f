//! Sessions as runs: recording a run's state as a [`SessionFile`], and opening one — the file
//! checked, its conversation read and matched, its kill list loaded and matched, and a
//! pipeline restored to the saved state — all before anything else is replaced, so a session
//! that cannot continue changes nothing (the app installs the ready pipeline in one step; the
//! CLI's `huey session check` reports on it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::pipeline::{Prepared, RestoreError, prepare};
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
    prepared.pipeline.restore(&session.network, session.stats, session.done)?;
    Ok(Opened { session, file, name, text: Arc::new(text), load_warnings, kill, kill_name, prepared })
}
