//! Kill lists from their source: bundled, none, edited words, or a file in the reference
//! format (decoded lossily, at most [`MAX_KILL_LIST_BYTES`]). The one place a [`KillSource`]
//! becomes a [`KillList`].

use std::path::Path;

use super::file::{FileError, read_bounded};
use crate::text::kill_words::{KillList, KillSource, Language, REFERENCE_KILL_FILE};

/// Largest kill-list file read (the bundled lists are a few KiB; a larger file is refused).
pub const MAX_KILL_LIST_BYTES: u64 = 16 << 20;

/// Reading a kill list failed.
#[derive(Debug, thiserror::Error)]
pub enum KillListError {
    /// The file could not be read, is not a regular file, or is over the bound.
    #[error("cannot use the kill list: {0}")]
    File(#[from] FileError),
}

/// Load a kill list from `path`.
pub fn read(path: &Path) -> Result<KillList, KillListError> {
    let bytes = read_bounded(path, MAX_KILL_LIST_BYTES, "kill list")?;
    Ok(KillList::parse(&String::from_utf8_lossy(&bytes)))
}

/// `source` as a session records it: a file by its absolute path, and the reference default
/// as what it turned out to be here (`./KILL.txt`, absolute, or the bundled English list), so
/// the session means the same list from any working directory.
pub fn resolve(source: &KillSource) -> KillSource {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    match source {
        KillSource::File(path) => KillSource::File(absolute(path)),
        KillSource::ReferenceDefault if Path::new(REFERENCE_KILL_FILE).is_file() => {
            KillSource::File(absolute(Path::new(REFERENCE_KILL_FILE)))
        }
        KillSource::ReferenceDefault => KillSource::Bundled(Language::En),
        KillSource::Edited { base, added, removed } => {
            KillSource::Edited { base: Box::new(resolve(base)), added: added.clone(), removed: removed.clone() }
        }
        other => other.clone(),
    }
}

/// The kill list of `source`, and a description of what was used (for reports: the reference
/// default says whether `./KILL.txt` was found).
pub fn load(source: &KillSource) -> Result<(KillList, String), KillListError> {
    Ok(match source {
        KillSource::ReferenceDefault => {
            let cwd_kill = Path::new(REFERENCE_KILL_FILE);
            if cwd_kill.is_file() {
                (read(cwd_kill)?, "KILL.txt (working directory)".to_owned())
            } else {
                (KillList::of_language(Language::En), KillSource::Bundled(Language::En).describe())
            }
        }
        KillSource::None => (KillList::empty(), source.describe()),
        KillSource::Bundled(lang) => (KillList::of_language(*lang), source.describe()),
        KillSource::File(path) => (read(path)?, source.describe()),
        KillSource::Custom(text) => (KillList::parse(text), source.describe()),
        // Without the conversation's text (`KillSource::for_text` resolves it first), the
        // automatic choice is English.
        KillSource::Auto => (KillList::of_language(Language::En), KillSource::Bundled(Language::En).describe()),
        KillSource::Edited { base, added, removed } => {
            let (list, name) = load(base)?;
            (list.with_edits(added, removed), format!("{name} + {} added, − {} removed", added.len(), removed.len()))
        }
    })
}
