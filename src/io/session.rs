//! Session files (RON): the parameters, the input's provenance (name and hash) and the full
//! network after some exchanges, so a saved session reopens with the same map. Versioned;
//! a corrupt, foreign or newer file is refused with a message and changes nothing.

use std::path::{Path, PathBuf};

use super::legacy::OptionsV1;
use super::text_file::{self, TextFileError};
use crate::model::engine_stats::EngineStats;
use crate::model::network::Network;
use crate::model::options::AnalysisOptions;
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
    /// Written by a newer Huey.
    #[error("{} is a version {found} session; this Huey reads version {SESSION_VERSION}", path.display())]
    Newer {
        /// Version in the file.
        found: u32,
        /// The file.
        path: PathBuf,
    },
}

/// FNV-1a 64 of `text`: stable across builds and platforms, enough to tell files apart.
pub fn text_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl SessionFile {
    /// Write atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), SessionError> {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| SessionError::Corrupt { detail: e.to_string(), path: path.to_owned() })?;
        Ok(super::atomic::write(path, text.as_bytes())?)
    }

    /// Read and check a session file.
    pub fn load(path: &Path) -> Result<Self, SessionError> {
        let text = text_file::read(path, MAX_SESSION_BYTES, "session file")?;
        Self::parse(&text, path)
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
        let options = ron::Options::default();
        let version: Version = options.from_str(text).map_err(|e| corrupt(&e))?;
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
                done: v.done,
                stats: v.stats,
                network: v.network,
            }
        } else {
            options.from_str(text).map_err(|e| corrupt(&e))?
        };
        let n = session.network.words.len();
        if session.network.activations.len() != n
            || session.network.connections.iter().any(|c| c.from as usize >= n || c.to as usize >= n)
        {
            return Err(corrupt(&"the network refers to neurons it does not have"));
        }
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
            done: 2,
            stats: EngineStats::Temporal(crate::model::engine_stats::TemporalStats::default()),
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
        assert!(SessionFile::load(&bad).is_err());
        assert_ne!(text_hash("a"), text_hash("b"));
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
