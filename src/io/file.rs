//! How the io layer opens and reads files: only regular files, opened without blocking (a FIFO
//! with no writer, a device, a directory are refused at once, whatever the path looked like
//! when it was chosen), and read with a bound on the bytes taken.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// What a path is, when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A directory.
    Directory,
    /// A named pipe (FIFO).
    Fifo,
    /// A socket.
    Socket,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device.
    BlockDevice,
    /// Something else.
    Other,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Directory => "a directory",
            Self::Fifo => "a named pipe (FIFO)",
            Self::Socket => "a socket",
            Self::CharDevice => "a character device",
            Self::BlockDevice => "a block device",
            Self::Other => "not a regular file",
        })
    }
}

/// Opening or reading a file failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The operating system refused.
    #[error("cannot read file: {source}: {}", path.display())]
    Io {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// Not a regular file (read from a FIFO or a device could block or never end).
    #[error("{kind} is not a regular file and is not read: {}", path.display())]
    NotRegular {
        /// What it is.
        kind: Kind,
        /// The path.
        path: PathBuf,
    },
    /// Larger than the bound for this kind of file.
    #[error("larger than the {what} limit of {} (a larger file is refused unread): {}", human(*limit), path.display())]
    TooLarge {
        /// What kind of file (`session file`, …).
        what: &'static str,
        /// The bound in bytes.
        limit: u64,
        /// The file.
        path: PathBuf,
    },
}

/// Bytes as `64 MiB`, `1 KiB`, `12 bytes`.
pub fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// The kind of a non-regular file from its metadata.
pub fn kind_of(meta: &std::fs::Metadata) -> Kind {
    let t = meta.file_type();
    if t.is_dir() {
        return Kind::Directory;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return Kind::Fifo;
        }
        if t.is_socket() {
            return Kind::Socket;
        }
        if t.is_char_device() {
            return Kind::CharDevice;
        }
        if t.is_block_device() {
            return Kind::BlockDevice;
        }
    }
    Kind::Other
}

/// Open `path` for reading if it is a regular file, with its size. Opened non-blocking (on
/// Unix) so that a FIFO without a writer cannot block, then checked on the open file itself,
/// so a path swapped after it was chosen is caught too.
pub fn open_regular(path: &Path) -> Result<(File, u64), FileError> {
    let io = |source| FileError::Io { source, path: path.to_owned() };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular { kind: kind_of(&meta), path: path.to_owned() });
    }
    Ok((file, meta.len()))
}

/// Read all of a regular file at `path`, refusing one larger than `limit` bytes (`what` names
/// the kind of file in the message). At most `limit + 1` bytes are ever read, even when the file
/// grows while it is read.
pub fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, FileError> {
    let (file, len) = open_regular(path)?;
    let too_large = || FileError::TooLarge { what, limit, path: path.to_owned() };
    if len > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| FileError::Io { source, path: path.to_owned() })?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Read at most `limit` bytes of the regular file at `path` (a longer file is cut), with the
/// file's size.
pub fn read_prefix(path: &Path, limit: u64) -> Result<(Vec<u8>, u64), FileError> {
    let (file, len) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(limit)).unwrap_or(0));
    file.take(limit).read_to_end(&mut bytes).map_err(|source| FileError::Io { source, path: path.to_owned() })?;
    Ok((bytes, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifos_devices_and_directories_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let err = open_regular(&fifo).unwrap_err();
        assert!(matches!(err, FileError::NotRegular { kind: Kind::Fifo, .. }), "{err}");
        let err = read_bounded(Path::new("/dev/zero"), 1 << 20, "test").unwrap_err();
        assert!(matches!(err, FileError::NotRegular { kind: Kind::CharDevice, .. }), "{err}");
        let err = open_regular(dir.path()).unwrap_err();
        assert!(matches!(err, FileError::NotRegular { kind: Kind::Directory, .. }), "{err}");
        assert!(err.to_string().starts_with("a directory is not a regular file and is not read: "), "{err}");
    }

    #[test]
    fn bounds_refuse_or_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, vec![b'a'; 100]).unwrap();
        assert_eq!(read_bounded(&path, 100, "test").unwrap().len(), 100);
        let err = read_bounded(&path, 99, "kill list").unwrap_err();
        assert!(err.to_string().starts_with("larger than the kill list limit of 99 bytes"), "{err}");
        assert_eq!(read_prefix(&path, 10).unwrap(), (vec![b'a'; 10], 100));
        assert_eq!(human(64 << 20), "64 MiB");
        assert_eq!(human(2 << 30), "2 GiB");
    }
}
