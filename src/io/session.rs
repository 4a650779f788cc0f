//! Session files (RON): the parameters, the input's provenance (name and hash) and the full
//! network after some exchanges, so a saved session reopens with the same map. Versioned;
//! a corrupt, foreign or newer file is refused with a message and changes nothing.

use std::path::{Path, PathBuf};

use crate::engine::EngineStats;
use crate::model::network::Network;
use crate::pipeline::AnalysisOptions;

/// The format version this build writes and reads.
pub const SESSION_VERSION: u32 = 1;

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
    /// Reading or writing failed.
    #[error("cannot access the session file {}: {source}", path.display())]
    Io {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
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
        super::atomic::write(path, text.as_bytes()).map_err(|source| SessionError::Io { source, path: path.to_owned() })
    }

    /// Read and check a session file.
    pub fn load(path: &Path) -> Result<Self, SessionError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| SessionError::Io { source, path: path.to_owned() })?;
        // The version first, so a newer file says so instead of failing to parse.
        #[derive(serde::Deserialize)]
        struct Version {
            version: u32,
        }
        let corrupt =
            |e: &dyn std::fmt::Display| SessionError::Corrupt { detail: e.to_string(), path: path.to_owned() };
        let options = ron::Options::default();
        let version: Version = options.from_str(&text).map_err(|e| corrupt(&e))?;
        if version.version > SESSION_VERSION {
            return Err(SessionError::Newer { found: version.version, path: path.to_owned() });
        }
        let session: Self = options.from_str(&text).map_err(|e| corrupt(&e))?;
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
            done: 2,
            stats: EngineStats::Temporal(crate::engine::temporal::TemporalStats::default()),
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
        let newer = std::fs::read_to_string(&path).unwrap().replacen("version: 1", "version: 7", 1);
        std::fs::write(&bad, newer).unwrap();
        let e = SessionFile::load(&bad).unwrap_err();
        assert!(matches!(e, SessionError::Newer { found: 7, .. }), "{e}");
        let mut broken = s.clone();
        broken.network.connections[0].to = 9;
        broken.save(&bad).unwrap();
        assert!(SessionFile::load(&bad).is_err());
        assert_ne!(text_hash("a"), text_hash("b"));
    }
}
