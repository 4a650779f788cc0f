//! Small text files read whole with a size bound (sessions, settings, sweep JSON): a file over
//! the bound is refused before it is read, so a wrong or hostile path cannot exhaust memory,
//! and only regular files are read (see `io::file`).

use std::path::{Path, PathBuf};

use super::file::{FileError, read_bounded};

/// Reading a small text file failed.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    /// It could not be opened or read, is not a regular file, or is over the bound.
    #[error(transparent)]
    File(#[from] FileError),
    /// It is not UTF-8 text.
    #[error("not UTF-8 text: {}", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
    },
}

/// Read `path` as UTF-8, refusing more than `max_bytes` (`what` names the file in messages).
pub fn read(path: &Path, max_bytes: u64, what: &'static str) -> Result<String, TextFileError> {
    let bytes = read_bounded(path, max_bytes, what)?;
    String::from_utf8(bytes).map_err(|_| TextFileError::NotText { path: path.to_owned() })
}
