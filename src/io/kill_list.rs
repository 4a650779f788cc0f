//! Kill lists from their source: bundled, none, edited words, or a file in the reference
//! format (decoded lossily). The one place a [`KillSource`] becomes a [`KillList`].

use std::path::Path;

use crate::text::kill_words::{KillList, KillListError, KillSource, Language};

/// Load a kill list from `path`.
pub fn read(path: &Path) -> Result<KillList, KillListError> {
    let bytes = std::fs::read(path).map_err(|source| KillListError::Io { source, path: path.to_owned() })?;
    Ok(KillList::parse(&String::from_utf8_lossy(&bytes)))
}

/// The kill list of `source`, and a description of what was used (for reports: the reference
/// default says whether `./KILL.txt` was found).
pub fn load(source: &KillSource) -> Result<(KillList, String), KillListError> {
    Ok(match source {
        KillSource::ReferenceDefault => {
            let cwd_kill = Path::new("KILL.txt");
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
    })
}
