//! Small text files read whole with a size bound (sessions, settings, sweep JSON): a file over
//! the bound is refused before it is read, so a wrong or hostile path cannot exhaust memory.

use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Reading a small text file failed.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    /// It could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// It is larger than the bound.
    #[error("{} is larger than {limit} bytes", path.display())]
    TooLarge {
        /// The bound in bytes.
        limit: u64,
        /// The file.
        path: PathBuf,
    },
    /// It is not UTF-8 text.
    #[error("{} is not UTF-8 text", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
    },
}

/// Read `path` as UTF-8, refusing more than `max_bytes`.
pub fn read(path: &Path, max_bytes: u64) -> Result<String, TextFileError> {
    let io = |source| TextFileError::Io { source, path: path.to_owned() };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(TextFileError::TooLarge { limit: max_bytes, path: path.to_owned() });
    }
    String::from_utf8(bytes).map_err(|_| TextFileError::NotText { path: path.to_owned() })
}
