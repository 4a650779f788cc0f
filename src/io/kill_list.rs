//! Read a user kill-word file (reference format, decoded lossily).

use std::path::Path;

use crate::text::kill_words::{KillList, KillListError};

/// Load a kill list from `path`.
pub fn read(path: &Path) -> Result<KillList, KillListError> {
    let bytes = std::fs::read(path).map_err(|source| KillListError::Io { source, path: path.to_owned() })?;
    Ok(KillList::parse(&String::from_utf8_lossy(&bytes)))
}
