//! What the app's file choosers need from the file system, asked on job threads: a folder's
//! entries for the in-app file browser (bounded, links followed, sorted folders first), and
//! whether this desktop can show a native file dialog at all (a D-Bus session bus for the
//! desktop portal, or `zenity` on `PATH`).

use std::path::{Path, PathBuf};

/// Most entries listed from one folder (the rest are left out, and the listing says so).
pub const MAX_ENTRIES: usize = 20_000;

/// What an entry of a folder is (links followed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A folder.
    Dir,
    /// A regular file.
    File,
    /// Anything else: a FIFO, a socket, a device, a dangling link.
    Other,
}

/// One entry of a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its full path.
    pub path: PathBuf,
    /// Its name (lossy UTF-8).
    pub name: String,
    /// What it is.
    pub kind: EntryKind,
}

/// A folder's entries, folders first, then by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// The entries (at most [`MAX_ENTRIES`]).
    pub entries: Vec<Entry>,
    /// Entries were left out past [`MAX_ENTRIES`].
    pub truncated: bool,
}

/// A folder could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot list the folder {}: {source}", path.display())]
pub struct ListError {
    /// The underlying error.
    pub source: std::io::Error,
    /// The folder.
    pub path: PathBuf,
}

/// The entries of the folder `path`, at most `max` of them.
pub fn list(path: &Path, max: usize) -> Result<Listing, ListError> {
    let err = |source| ListError { source, path: path.to_owned() };
    let mut listing = Listing::default();
    for entry in std::fs::read_dir(path).map_err(err)? {
        let Ok(entry) = entry else { continue };
        if listing.entries.len() >= max {
            listing.truncated = true;
            break;
        }
        let path = entry.path();
        // Links are followed, as a file chooser shows them.
        let kind = match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => EntryKind::Dir,
            Ok(m) if m.is_file() => EntryKind::File,
            _ => EntryKind::Other,
        };
        listing.entries.push(Entry { name: entry.file_name().to_string_lossy().into_owned(), path, kind });
    }
    listing
        .entries
        .sort_by(|a, b| (b.kind == EntryKind::Dir).cmp(&(a.kind == EntryKind::Dir)).then(a.name.cmp(&b.name)));
    Ok(listing)
}

/// Why no native file dialog can be shown here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoNativeDialog {
    /// Neither a session bus (for the desktop portal) nor `zenity` was found.
    #[error("no desktop portal (no D-Bus session bus) and no zenity on PATH")]
    NoPortalNoZenity,
}

/// Whether a native file dialog can be shown: on Linux and the BSDs, `rfd` asks the desktop
/// portal over the D-Bus session bus and falls back to `zenity`; elsewhere the system has one.
/// A session bus without a portal still passes: the dialog's own failure is caught then.
pub fn native_dialog_possible() -> Result<(), NoNativeDialog> {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return Ok(());
    }
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists());
    if bus || on_path("zenity").is_some() { Ok(()) } else { Err(NoNativeDialog::NoPortalNoZenity) }
}

/// The first executable file called `program` in the folders of `PATH`.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_first_then_names_and_the_bound_holds() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.txt", "a.txt", "c.md"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("zeta")).unwrap();
        let all = list(dir.path(), MAX_ENTRIES).unwrap();
        let names: Vec<&str> = all.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["zeta", "a.txt", "b.txt", "c.md"]);
        assert_eq!(all.entries[0].kind, EntryKind::Dir);
        assert!(!all.truncated);
        let some = list(dir.path(), 2).unwrap();
        assert_eq!(some.entries.len(), 2);
        assert!(some.truncated);
        assert!(list(&dir.path().join("missing"), 10).is_err());
    }
}
