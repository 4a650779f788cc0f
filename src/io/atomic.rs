//! Atomic file writes: the bytes go to a temporary file with a unique name in the target's
//! folder, are flushed to disk (fsync), and the temporary file is renamed over the target — so
//! the target is, at any moment and after a crash or a kill, either the old file or the whole
//! new one, and writers racing for one path never share a temporary file. On failure nothing
//! is left behind. A target that is one of the run's inputs, a directory, a device, a FIFO or a
//! socket, or a symbolic link is refused (devices and links only when the user forces it).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::file::{Kind, kind_of};

/// What a write may do to the target path.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rules<'a> {
    /// Files that must never be written over (the run's inputs).
    pub inputs: &'a [&'a Path],
    /// Write through a symbolic link to its target, and onto a device (in place: a device
    /// cannot be replaced atomically) — the user asked for it.
    pub force: bool,
}

/// Writing a file failed or was refused; the target is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The operating system refused.
    #[error("cannot write file: {source}: {}", path.display())]
    Io {
        /// The underlying error.
        source: std::io::Error,
        /// The target.
        path: PathBuf,
    },
    /// The target is one of the run's inputs.
    #[error("refusing to write over the input file: {}", path.display())]
    IsInput {
        /// The target.
        path: PathBuf,
    },
    /// The target is not a regular file.
    #[error("refusing to write to {kind}{}: {}", if matches!(kind, Kind::CharDevice | Kind::BlockDevice) { " (use --force to write to it anyway)" } else { "" }, path.display())]
    NotRegular {
        /// What it is.
        kind: Kind,
        /// The target.
        path: PathBuf,
    },
    /// The target is a symbolic link.
    #[error("refusing to write through a symbolic link (use --force to write to its target): {}", path.display())]
    Symlink {
        /// The target.
        path: PathBuf,
    },
    /// The target's folder does not exist.
    #[error("cannot write file: the folder {} does not exist: {}", folder.display(), path.display())]
    NoFolder {
        /// The target.
        path: PathBuf,
        /// Its folder.
        folder: PathBuf,
    },
}

/// Where a checked write goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A regular file (or none yet) at this path: replaced atomically.
    File(PathBuf),
    /// A device the user forced: written in place.
    Device(PathBuf),
}

fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Whether two output paths name one file: the same place once folders and links are
/// resolved (`a/../x` and `x`, a link and its target, a path through a linked folder), or one
/// existing file under two names (a hard link). Two outputs of one command must not, or the
/// later write would silently replace the earlier.
pub fn same_target(a: &Path, b: &Path) -> bool {
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b))
        && same_file(&x, &y)
    {
        return true;
    }
    match (resolved(a, 8), resolved(b, 8)) {
        (Some(x), Some(y)) => x == y,
        _ => std::path::absolute(a).ok() == std::path::absolute(b).ok(),
    }
}

/// Where a write to `path` lands: its canonical folder joined with its name, after following
/// `path` itself if it is a link (`depth` links at most), whether or not the file exists yet.
fn resolved(path: &Path, depth: usize) -> Option<PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if depth > 0
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && let Ok(target) = std::fs::read_link(path)
    {
        return resolved(&parent.join(target), depth - 1);
    }
    Some(std::fs::canonicalize(parent).ok()?.join(path.file_name()?))
}

/// Check that `path` may be written under `rules`, without writing; where the bytes will go.
/// The CLI calls it before a long analysis, so a bad output path fails at once.
pub fn check(path: &Path, rules: Rules<'_>) -> Result<Target, WriteError> {
    let io = |source| WriteError::Io { source, path: path.to_owned() };
    let mut target = path.to_owned();
    if let Ok(link) = std::fs::symlink_metadata(path)
        && link.file_type().is_symlink()
    {
        if !rules.force {
            return Err(WriteError::Symlink { path: path.to_owned() });
        }
        target = std::fs::canonicalize(path).map_err(io)?;
    }
    match std::fs::metadata(&target) {
        Ok(meta) => {
            for input in rules.inputs {
                let same = std::fs::metadata(input).is_ok_and(|m| same_file(&m, &meta))
                    || std::fs::canonicalize(input).ok() == std::fs::canonicalize(&target).ok();
                if same {
                    return Err(WriteError::IsInput { path: path.to_owned() });
                }
            }
            if meta.is_file() {
                return Ok(Target::File(target));
            }
            let kind = kind_of(&meta);
            if rules.force && matches!(kind, Kind::CharDevice | Kind::BlockDevice) {
                return Ok(Target::Device(target));
            }
            Err(WriteError::NotRegular { kind, path: path.to_owned() })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if folder.is_dir() {
                Ok(Target::File(target))
            } else {
                Err(WriteError::NoFolder { path: path.to_owned(), folder: folder.to_owned() })
            }
        }
        Err(source) => Err(WriteError::Io { source, path: path.to_owned() }),
    }
}

/// Temporary files being written now, removed by [`remove_pending`] when the process is
/// interrupted (a signal ends it without running destructors: a cancelled 1 GB export would
/// otherwise stay behind as a hidden `.name.XXXX.tmp`).
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// One temporary file on the [`PENDING`] list while it lives.
struct Pending(PathBuf);

impl Pending {
    fn new(path: &Path) -> Self {
        if let Ok(mut list) = PENDING.lock() {
            list.push(path.to_owned());
        }
        Self(path.to_owned())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut list) = PENDING.lock() {
            list.retain(|p| *p != self.0);
        }
    }
}

/// Remove every temporary file being written now (from a signal handler's thread, just before
/// the process exits). A file already renamed into place is not there to remove any more.
pub fn remove_pending() {
    let list = match PENDING.lock() {
        Ok(list) => list.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    for path in list {
        let _ = std::fs::remove_file(path);
    }
}

/// Whether `path` can be the chosen path of a multi-file output (`x.csv` → `x_rows.csv`, …):
/// absent or a regular file (following links), with a file name to make the names from.
pub fn usable_stem(path: &Path) -> bool {
    path.file_stem().is_some() && std::fs::metadata(path).map_or(true, |m| m.is_file())
}

/// A test hook: `HUEY_TEST_WRITE_PAUSE_MS` holds every write this long with its temporary file
/// written and not yet renamed, so a test can interrupt a write in progress (at most 10 s).
fn test_pause() {
    if let Some(ms) = std::env::var("HUEY_TEST_WRITE_PAUSE_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(10_000)));
    }
}

/// Write `bytes` to `path` atomically, refusing inputs, non-regular files and links.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_with(path, bytes, Rules::default())
}

/// Write `bytes` to `path` under `rules`.
pub fn write_with(path: &Path, bytes: &[u8], rules: Rules<'_>) -> Result<(), WriteError> {
    let io = |source| WriteError::Io { source, path: path.to_owned() };
    let target = match check(path, rules)? {
        Target::Device(device) => {
            let mut f = std::fs::OpenOptions::new().write(true).open(&device).map_err(io)?;
            return f.write_all(bytes).map_err(io);
        }
        Target::File(target) => target,
    };
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map_or_else(|| "huey".into(), |n| n.to_string_lossy().into_owned());
    let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let mut tmp =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(folder).map_err(io)?;
    let _pending = Pending::new(tmp.path());
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    test_pause();
    if let Some(permissions) = existing {
        tmp.as_file().set_permissions(permissions).map_err(io)?;
    } else {
        set_default_permissions(tmp.as_file()).map_err(io)?;
    }
    // On failure the temporary file is removed when `tmp` drops.
    tmp.persist(&target).map_err(|e| io(e.error))?;
    // The rename itself reaches the disk with the folder's entry.
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A new file's permissions: readable by others as `std::fs::write` makes it (0644 less the
/// umask is what most users have), not the temporary file's private 0600.
fn set_default_permissions(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn replaces_atomically_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(dir.path().join("out.json.tmp"), "the user's own file").unwrap();
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_to_string(dir.path().join("out.json.tmp")).unwrap(), "the user's own file");
        assert_eq!(leftovers(dir.path()), ["out.json.tmp"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        }
    }

    #[test]
    fn inputs_devices_directories_links_and_missing_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("talk.txt");
        std::fs::write(&input, "Ana: hi").unwrap();
        let rules = Rules { inputs: &[&input], force: false };
        assert!(matches!(write_with(&input, b"x", rules), Err(WriteError::IsInput { .. })));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "Ana: hi");
        let err = write(Path::new("/dev/null"), b"x").unwrap_err();
        assert!(matches!(err, WriteError::NotRegular { kind: Kind::CharDevice, .. }), "{err}");
        assert!(matches!(write(dir.path(), b"x"), Err(WriteError::NotRegular { kind: Kind::Directory, .. })));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(matches!(write(&link, b"x"), Err(WriteError::Symlink { .. })));
            // Forced, a link to the input is still the input.
            let forced = Rules { inputs: &[&input], force: true };
            assert!(matches!(write_with(&link, b"x", forced), Err(WriteError::IsInput { .. })));
            let other = dir.path().join("other.json");
            std::fs::write(&other, "old").unwrap();
            let link2 = dir.path().join("link2.json");
            std::os::unix::fs::symlink(&other, &link2).unwrap();
            write_with(&link2, b"new", Rules { inputs: &[], force: true }).unwrap();
            assert_eq!(std::fs::read_to_string(&other).unwrap(), "new");
            assert!(std::fs::symlink_metadata(&link2).unwrap().file_type().is_symlink(), "the link stays a link");
            write_with(Path::new("/dev/null"), b"x", Rules { inputs: &[], force: true }).unwrap();
            assert!(err.to_string().contains("--force"), "a device can be forced: {err}");
            // A FIFO is refused even when forced (a write would wait for a reader), and the
            // message does not offer --force.
            let fifo = dir.path().join("pipe.json");
            if std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
                let err = write_with(&fifo, b"x", Rules { inputs: &[], force: true }).unwrap_err();
                assert!(matches!(err, WriteError::NotRegular { kind: Kind::Fifo, .. }), "{err}");
                assert!(!err.to_string().contains("--force"), "{err}");
                std::fs::remove_file(&fifo).unwrap();
            }
        }
        let missing = dir.path().join("nowhere/out.json");
        assert!(matches!(write(&missing, b"x"), Err(WriteError::NoFolder { .. })));
        assert!(leftovers(dir.path()).is_empty());
    }
}
