//! Atomic file writes: a temporary file beside the target, then a rename, so a crash or a full
//! disk never leaves a half-written report, session or settings file.

use std::path::{Path, PathBuf};

/// Write `bytes` to `path` through `path.tmp` and a rename.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
