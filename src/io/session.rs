//! Session files (RON): the parameters, the input's provenance (name and hash) and the full
//! network after some exchanges, so a saved session reopens with the same map. Versioned;
//! a corrupt, foreign or newer file is refused with a message and changes nothing.

use std::path::{Path, PathBuf};

use super::legacy::OptionsV1;
use super::text_file::{self, TextFileError};
use crate::model::engine_stats::EngineStats;
use crate::model::network::{Network, NetworkError};
use crate::model::options::{AnalysisOptions, EngineKind};
use crate::model::params::ParamError;
use crate::text::kill_words::KillSource;

/// The format version this build writes; it reads this one and version 1 (whose option block
/// is converted, see `io::legacy`).
pub const SESSION_VERSION: u32 = 2;

/// Largest session file read (a 10-million-connection network is ~1 GB of RON; a file larger
/// than this is refused before reading).
pub const MAX_SESSION_BYTES: u64 = 2 << 30;

/// Everything needed to continue a run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SessionFile {
    /// Format version ([`SESSION_VERSION`]).
    pub version: u32,
    /// The conversation file (absolute when known) or `sample`.
    pub source: String,
    /// FNV-1a 64 of the conversation's text, to check it is the same conversation.
    pub text_hash: u64,
    /// The options of the run.
    pub options: AnalysisOptions,
    /// The kill list of the run (version 1 files did not store it: the bundled English list).
    #[serde(default)]
    pub kill: KillSource,
    /// Fingerprint of the kill words the run used (`KillList::fingerprint`), to know that the
    /// list reads the same when the session reopens (absent in files of earlier builds).
    #[serde(default)]
    pub kill_fingerprint: Option<u64>,
    /// Exchanges done.
    pub done: usize,
    /// Engine counters (the window count keys the random draws).
    pub stats: EngineStats,
    /// The network.
    pub network: Network,
}

/// Why a session could not be saved or opened.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Writing failed or was refused.
    #[error(transparent)]
    Write(#[from] super::atomic::WriteError),
    /// The session could not be encoded.
    #[error("cannot encode the session: {0}")]
    Encode(String),
    /// The file could not be read as text within the bound.
    #[error(transparent)]
    Read(#[from] TextFileError),
    /// Not a session file, or damaged.
    #[error("{} is not a readable Huey session: {detail}", path.display())]
    Corrupt {
        /// What the parser said.
        detail: String,
        /// The file.
        path: PathBuf,
    },
    /// Readable, but not a state any run could have reached.
    #[error("{} is not a session Huey can continue: {problem}", path.display())]
    Invalid {
        /// What is wrong.
        problem: SessionProblem,
        /// The file.
        path: PathBuf,
    },
    /// Written by a newer Huey.
    #[error("{} is a version {found} session; this Huey reads version {SESSION_VERSION}", path.display())]
    Newer {
        /// Version in the file.
        found: u32,
        /// The file.
        path: PathBuf,
    },
}

/// Why a well-formed session file still cannot continue a run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SessionProblem {
    /// A parameter is out of range.
    #[error("{0}")]
    Params(#[from] ParamError),
    /// The counters belong to the other engine.
    #[error("its options are for the {} engine but its counters are the {} engine's", options.as_str(), counters.as_str())]
    EngineMismatch {
        /// The engine of the options.
        options: EngineKind,
        /// The engine of the counters.
        counters: EngineKind,
    },
    /// The counters disagree with the exchanges done.
    #[error("it says {done} exchanges were done but its counters count {counted}")]
    Counters {
        /// Exchanges done.
        done: usize,
        /// Exchanges the counters count.
        counted: u64,
    },
    /// More exchanges done than the run's limit allows.
    #[error("it says {done} exchanges were done, more than its exchange limit of {limit}")]
    BeyondLimit {
        /// Exchanges done.
        done: usize,
        /// The limit.
        limit: usize,
    },
    /// The network is not one the engine could have produced.
    #[error("{0}")]
    Network(#[from] NetworkError),
}

/// FNV-1a 64 of `text`: stable across builds and platforms, enough to tell files apart.
pub fn text_hash(text: &str) -> u64 {
    crate::model::fingerprint::fnv1a(text.bytes())
}

impl SessionFile {
    /// Write atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), SessionError> {
        Ok(super::atomic::write(path, self.to_ron()?.as_bytes())?)
    }

    /// The file's text.
    pub fn to_ron(&self) -> Result<String, SessionError> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| SessionError::Encode(e.to_string()))
    }

    /// Read and check a session file.
    pub fn load(path: &Path) -> Result<Self, SessionError> {
        let text = text_file::read(path, MAX_SESSION_BYTES, "session file")?;
        Self::parse(&text, path)
    }

    /// Check that a run could have reached this state: valid parameters, counters of the
    /// options' engine that count `done` exchanges, and a network that engine could continue.
    pub fn check(&self) -> Result<(), SessionProblem> {
        self.options.validate()?;
        let (options, counters) = (self.options.engine.kind(), self.stats.kind());
        if options != counters {
            return Err(SessionProblem::EngineMismatch { options, counters });
        }
        let counted = match self.stats {
            EngineStats::Temporal(s) => s.exchanges,
            EngineStats::Windowed(s) => s.turns,
        };
        if counted != self.done as u64 {
            return Err(SessionProblem::Counters { done: self.done, counted });
        }
        if self.done > self.options.detect.exchange_limit {
            return Err(SessionProblem::BeyondLimit { done: self.done, limit: self.options.detect.exchange_limit });
        }
        Ok(self.network.validate(&self.options.engine.network_limits())?)
    }

    /// Check the text of a session file (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self, SessionError> {
        // The version first, so a newer file says so instead of failing to parse.
        #[derive(serde::Deserialize)]
        struct Version {
            version: u32,
        }
        #[derive(serde::Deserialize)]
        struct V1 {
            source: String,
            text_hash: u64,
            options: OptionsV1,
            done: usize,
            stats: EngineStats,
            network: Network,
        }
        let corrupt =
            |e: &dyn std::fmt::Display| SessionError::Corrupt { detail: e.to_string(), path: path.to_owned() };
        if text.trim().is_empty() {
            return Err(corrupt(&"the file is empty"));
        }
        let options = ron::Options::default();
        let version: Version = options.from_str(text).map_err(|e| corrupt(&e))?;
        if version.version == 0 {
            return Err(corrupt(&"version 0 does not exist"));
        }
        if version.version > SESSION_VERSION {
            return Err(SessionError::Newer { found: version.version, path: path.to_owned() });
        }
        let session: Self = if version.version == 1 {
            let v: V1 = options.from_str(text).map_err(|e| corrupt(&e))?;
            Self {
                version: SESSION_VERSION,
                source: v.source,
                text_hash: v.text_hash,
                options: v.options.into(),
                kill: KillSource::default(),
                kill_fingerprint: None,
                done: v.done,
                stats: v.stats,
                network: v.network,
            }
        } else {
            options.from_str(text).map_err(|e| corrupt(&e))?
        };
        session.check().map_err(|problem| SessionError::Invalid { problem, path: path.to_owned() })?;
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Connection;

    fn session() -> SessionFile {
        SessionFile {
            version: SESSION_VERSION,
            source: "talk.txt".to_owned(),
            text_hash: text_hash("A: hi\nB: hello"),
            options: AnalysisOptions::default(),
            kill: KillSource::None,
            kill_fingerprint: None,
            done: 2,
            stats: EngineStats::Temporal(crate::model::engine_stats::TemporalStats {
                exchanges: 2,
                ..Default::default()
            }),
            network: Network {
                words: vec!["hi".to_owned(), "hello".to_owned()],
                activations: vec![1.0, 1.0],
                connections: vec![Connection { from: 0, to: 1, strength: 0.1, mass: 1.5 }],
            },
        }
    }

    #[test]
    fn round_trips_and_refuses_bad_files_without_touching_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ron");
        let s = session();
        s.save(&path).unwrap();
        assert_eq!(SessionFile::load(&path).unwrap(), s);
        assert!(!dir.path().join("s.ron.tmp").exists());

        let bad = dir.path().join("bad.ron");
        std::fs::write(&bad, "(version: 1, source: ").unwrap();
        assert!(matches!(SessionFile::load(&bad), Err(SessionError::Corrupt { .. })));
        std::fs::write(&bad, "\u{0}\u{1}binary").unwrap();
        assert!(matches!(SessionFile::load(&bad), Err(SessionError::Corrupt { .. })));
        let newer = std::fs::read_to_string(&path).unwrap().replacen("version: 2", "version: 7", 1);
        std::fs::write(&bad, newer).unwrap();
        let e = SessionFile::load(&bad).unwrap_err();
        assert!(matches!(e, SessionError::Newer { found: 7, .. }), "{e}");
        let mut broken = s.clone();
        broken.network.connections[0].to = 9;
        broken.save(&bad).unwrap();
        let e = SessionFile::load(&bad).unwrap_err();
        assert!(matches!(e, SessionError::Invalid { problem: SessionProblem::Network(_), .. }), "{e}");
        std::fs::write(&bad, std::fs::read_to_string(&path).unwrap().replacen("version: 2", "version: 0", 1)).unwrap();
        assert!(matches!(SessionFile::load(&bad), Err(SessionError::Corrupt { .. })));
        assert_ne!(text_hash("a"), text_hash("b"));
    }

    #[test]
    fn states_no_run_could_reach_are_named() {
        let mut s = session();
        s.done = 5;
        assert_eq!(s.check(), Err(SessionProblem::Counters { done: 5, counted: 2 }));
        let mut s = session();
        s.options.engine.common.eta = f64::INFINITY;
        assert!(matches!(s.check(), Err(SessionProblem::Params(e)) if e.name == "eta"));
        let mut s = session();
        s.stats = EngineStats::Windowed(crate::model::engine_stats::WindowedStats { turns: 2, ..Default::default() });
        assert!(matches!(s.check(), Err(SessionProblem::EngineMismatch { .. })));
        let mut s = session();
        s.options.detect.exchange_limit = 1;
        assert_eq!(s.check(), Err(SessionProblem::BeyondLimit { done: 2, limit: 1 }));
        let mut s = session();
        s.network.connections[0].mass = -1.0;
        assert!(matches!(s.check(), Err(SessionProblem::Network(NetworkError::Mass { .. }))));
        session().check().unwrap();
    }

    #[test]
    fn a_session_from_before_leave_out_speakers_maps_them_as_it_did() {
        let mut s = session();
        s.options.map.leave_out_speakers = true;
        let text = s.to_ron().unwrap();
        assert!(text.contains("leave_out_speakers: true"), "{text}");
        let old: String = text.lines().filter(|l| !l.contains("leave_out_speakers")).collect::<Vec<_>>().join("\n");
        assert!(!old.contains("leave_out_speakers"), "{old}");
        let read = SessionFile::parse(&old, Path::new("old.ron")).unwrap();
        assert!(!read.options.map.leave_out_speakers, "absent means off, as the map was computed then");
        assert_eq!(SessionFile::parse(&text, Path::new("new.ron")).unwrap(), s);
    }

    #[test]
    fn a_version_1_session_opens_with_its_engine_block_converted() {
        let v1 = r#"(version: 1, source: "talk.txt", text_hash: 7,
            options: (engine: windowed, windowed: (window: 5, max_neurons: 300, eta: 0.2, seed: 9),
                      temporal: (max_neurons: 17)),
            done: 3, stats: (engine: "windowed", turns: 3, tokens: 9, windows: 4, pairs: 60, evictions: 0, refused: 1),
            network: (words: ["a"], activations: [0.5], connections: []))"#;
        let s = SessionFile::parse(v1, Path::new("old.ron")).unwrap();
        assert_eq!(s.version, SESSION_VERSION);
        let e = &s.options.engine;
        assert_eq!((e.common.max_neurons, e.common.eta), (300, 0.2));
        let crate::model::params::Specific::Windowed(w) = &e.specific else { panic!("{e:?}") };
        assert_eq!((w.window, w.seed), (5, 9));
        assert_eq!(s.done, 3);
    }
}
