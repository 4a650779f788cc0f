//! A corpus on disk: the conversations a list of files and folders names (folders searched
//! for `.txt`, `.md` and `.pdf`, bounded), and a batch's output folder — one record per
//! conversation (`reports/KEY.json` for a report, `failures/KEY.txt` for an error), written
//! atomically, so a record that exists is complete and a rerun can skip it.

use std::path::{Path, PathBuf};

/// Most conversations one corpus holds (a folder with more is refused, not half-read).
pub const MAX_CONVERSATIONS: usize = 1_000_000;
/// Deepest folder nesting searched under a folder input.
const MAX_DEPTH: usize = 32;
/// The file kinds a folder is searched for (what `huey analyze` reads).
pub const EXTENSIONS: &[&str] = &["txt", "md", "pdf"];

/// One conversation of a corpus.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conversation {
    /// Its name in the corpus, unique, `/`-separated: the path under its folder input, or
    /// the file name of a file input. Reports and summaries are keyed and sorted by it.
    pub key: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes when listed (a batch starts the largest first, so the last to
    /// finish is not a long one started late).
    pub bytes: u64,
}

/// The conversations of a corpus, and what was passed over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corpus {
    /// Sorted by key.
    pub conversations: Vec<Conversation>,
    /// Files left out, each with the reason (a name that is not UTF-8, a link loop, …).
    pub skipped: Vec<(PathBuf, String)>,
}

/// Why a corpus cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// An input does not exist or cannot be read.
    #[error("{}: {source}", .path.display())]
    Unreadable {
        /// The input.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An input is neither a regular file nor a folder.
    #[error("{}: not a file or a folder (a FIFO or a device is not read as a corpus)", .0.display())]
    NotFileOrFolder(PathBuf),
    /// Two inputs would have the same name in the corpus.
    #[error("{} and {} both have the name '{key}' in the corpus (give them from one folder, or rename one)", .first.display(), .second.display())]
    SameKey {
        /// The name.
        key: String,
        /// One input.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// More conversations than [`MAX_CONVERSATIONS`].
    #[error("more than {MAX_CONVERSATIONS} conversations: split the corpus")]
    TooMany,
    /// No conversation at all.
    #[error("no conversation (.txt, .md, .pdf) in the inputs")]
    Empty,
}

/// The conversations `inputs` name: each file as given (any extension), each folder searched
/// recursively for [`EXTENSIONS`] (hidden entries left out, links followed, each folder
/// once: a link loop is listed once and said). `exclude` (the kill list in use, a command's
/// own output folder) is never read as a conversation, nor is anything under it.
pub fn list(inputs: &[PathBuf], exclude: &[PathBuf]) -> Result<Corpus, CorpusError> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let mut walk = Walk {
        excluded: exclude.iter().filter_map(|p| canonical(p)).collect(),
        visited: std::collections::HashSet::new(),
        corpus: Corpus::default(),
    };
    for input in inputs {
        let meta =
            std::fs::metadata(input).map_err(|source| CorpusError::Unreadable { path: input.clone(), source })?;
        if meta.is_dir() {
            walk.folder(input, "", 0)?;
        } else if meta.is_file() {
            let corpus = &mut walk.corpus;
            match input.file_name().and_then(|n| n.to_str()) {
                Some(name) if !name.contains(char::is_control) => corpus.conversations.push(Conversation {
                    key: name.to_owned(),
                    path: input.clone(),
                    bytes: meta.len(),
                }),
                _ => corpus
                    .skipped
                    .push((input.clone(), "its name is not UTF-8, or holds a control character".to_owned())),
            }
        } else {
            return Err(CorpusError::NotFileOrFolder(input.clone()));
        }
        if walk.corpus.conversations.len() > MAX_CONVERSATIONS {
            return Err(CorpusError::TooMany);
        }
    }
    let mut corpus = walk.corpus;
    corpus.conversations.sort();
    for pair in corpus.conversations.windows(2) {
        if pair[0].key == pair[1].key {
            return Err(CorpusError::SameKey {
                key: pair[0].key.clone(),
                first: pair[0].path.clone(),
                second: pair[1].path.clone(),
            });
        }
    }
    if corpus.conversations.is_empty() {
        return Err(CorpusError::Empty);
    }
    Ok(corpus)
}

/// A folder walk's state: what it leaves out, the folders seen (by resolved path), the result.
struct Walk {
    excluded: Vec<PathBuf>,
    visited: std::collections::HashSet<PathBuf>,
    corpus: Corpus,
}

impl Walk {
    fn folder(&mut self, dir: &Path, prefix: &str, depth: usize) -> Result<(), CorpusError> {
        let skip = |corpus: &mut Corpus, why: &str| corpus.skipped.push((dir.to_path_buf(), why.to_owned()));
        match std::fs::canonicalize(dir) {
            // Each folder once, however many links lead to it (a loop would never end).
            Ok(real) if !self.visited.insert(real.clone()) => {
                skip(&mut self.corpus, "a folder already listed (a link loop, or two links to it)");
                return Ok(());
            }
            Ok(real) if self.excluded.iter().any(|x| real.starts_with(x)) => {
                skip(&mut self.corpus, "the output folder, not read as input");
                return Ok(());
            }
            Ok(_) => {}
            Err(_) => {
                skip(&mut self.corpus, "unreadable");
                return Ok(());
            }
        }
        if depth > MAX_DEPTH {
            skip(&mut self.corpus, &format!("deeper than {MAX_DEPTH} folders"));
            return Ok(());
        }
        let unreadable = |source| CorpusError::Unreadable { path: dir.to_path_buf(), source };
        for entry in std::fs::read_dir(dir).map_err(unreadable)? {
            let entry = entry.map_err(unreadable)?;
            let path = entry.path();
            let corpus = &mut self.corpus;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                corpus.skipped.push((path, "its name is not UTF-8".to_owned()));
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            // Links are followed (a corpus folder of links to the data is common).
            let Ok(meta) = std::fs::metadata(&path) else {
                corpus.skipped.push((path, "a dangling link or unreadable".to_owned()));
                continue;
            };
            let wanted = Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
            if meta.is_dir() {
                self.folder(&path, &key, depth + 1)?;
            } else if !wanted {
                continue;
            } else if !meta.is_file() {
                // A FIFO would block the batch, a device never end.
                corpus.skipped.push((path, "not a regular file (a FIFO, socket or device)".to_owned()));
            } else if name.contains(char::is_control) {
                // Its key could not be written as one CSV cell and read back the same.
                corpus.skipped.push((path, "its name holds a control character (a line break?)".to_owned()));
            } else if std::fs::canonicalize(&path).is_ok_and(|c| self.excluded.iter().any(|x| c.starts_with(x))) {
                corpus.skipped.push((path, "the kill list in use, or under the output folder".to_owned()));
            } else {
                corpus.conversations.push(Conversation { key, path, bytes: meta.len() });
                if corpus.conversations.len() > MAX_CONVERSATIONS {
                    return Err(CorpusError::TooMany);
                }
            }
        }
        Ok(())
    }
}

/// What a batch's output folder holds for one conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// Its report, the text `huey analyze --json` writes.
    Report(String),
    /// Why it failed.
    Failure(String),
}

/// Where a record of `key` lives under `out` (`kind`: `reports` or `failures`).
fn record_path(out: &Path, kind: &str, key: &str) -> PathBuf {
    let mut path = out.join(kind);
    for part in key.split('/') {
        path.push(part);
    }
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(if kind == REPORTS { ".json" } else { ".txt" });
    path.set_file_name(name);
    path
}

const REPORTS: &str = "reports";
const FAILURES: &str = "failures";
/// Records and stamps are small; a larger one is not ours.
const MAX_RECORD_BYTES: u64 = 1 << 30;

/// The path of `key`'s report under `out`.
pub fn report_path(out: &Path, key: &str) -> PathBuf {
    record_path(out, REPORTS, key)
}

/// The record of `key` under `out`, if one was written (an unreadable one counts as none, so
/// the conversation is done again).
pub fn read_record(out: &Path, key: &str) -> Option<Record> {
    let read = |path: PathBuf| {
        let bytes = super::file::read_bounded(&path, MAX_RECORD_BYTES, "record").ok()?;
        String::from_utf8(bytes).ok()
    };
    read(record_path(out, REPORTS, key))
        .map(Record::Report)
        .or_else(|| read(record_path(out, FAILURES, key)).map(Record::Failure))
}

/// Write `key`'s record under `out` atomically, removing a record of the other kind.
pub fn write_record(out: &Path, key: &str, record: &Record) -> Result<(), super::atomic::WriteError> {
    let (kind, other, text) = match record {
        Record::Report(text) => (REPORTS, FAILURES, text),
        Record::Failure(text) => (FAILURES, REPORTS, text),
    };
    let path = record_path(out, kind, key);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|source| super::atomic::WriteError::Io { path: path.clone(), source })?;
    }
    super::atomic::write(&path, text.as_bytes())?;
    let _ = std::fs::remove_file(record_path(out, other, key));
    Ok(())
}

/// Remove `key`'s failure record (before it is tried again).
pub fn forget_failure(out: &Path, key: &str) {
    let _ = std::fs::remove_file(record_path(out, FAILURES, key));
}

/// The keys of every record under `out` (for `huey merge`), sorted.
pub fn recorded_keys(out: &Path) -> Result<Vec<String>, CorpusError> {
    let mut keys = Vec::new();
    for (kind, suffix) in [(REPORTS, ".json"), (FAILURES, ".txt")] {
        let dir = out.join(kind);
        if dir.is_dir() {
            collect_keys(&dir, "", suffix, 0, &mut keys)?;
        }
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

fn collect_keys(
    dir: &Path,
    prefix: &str,
    suffix: &str,
    depth: usize,
    keys: &mut Vec<String>,
) -> Result<(), CorpusError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let unreadable = |source| CorpusError::Unreadable { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        // Temporary files of writes in progress start with a dot.
        if name.starts_with('.') {
            continue;
        }
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let kind = entry.file_type().map_err(unreadable)?;
        if kind.is_dir() {
            collect_keys(&entry.path(), &key, suffix, depth + 1, keys)?;
        } else if let Some(key) = key.strip_suffix(suffix) {
            keys.push(key.to_owned());
            if keys.len() > MAX_CONVERSATIONS {
                return Err(CorpusError::TooMany);
            }
        }
    }
    Ok(())
}

/// The stamp of the options a batch folder's records were made with (`batch-options.txt`):
/// `Ok(None)` when the folder has neither a stamp nor records (a new batch), an error when
/// the stamp is unreadable or missing beside records (whose options are then unknown).
pub fn read_stamp(out: &Path) -> Result<Option<String>, StampError> {
    let path = out.join(STAMP);
    if std::fs::symlink_metadata(&path).is_err() {
        let records = [REPORTS, FAILURES].iter().any(|k| out.join(k).exists());
        return if records { Err(StampError::Missing(path)) } else { Ok(None) };
    }
    let bytes = super::file::read_bounded(&path, 1 << 20, "batch stamp")
        .map_err(|e| StampError::Unreadable(path.clone(), e.to_string()))?;
    String::from_utf8(bytes).map(Some).map_err(|_| StampError::Unreadable(path, "not UTF-8 text".to_owned()))
}

/// A batch folder's stamp cannot tell the options its records were made with.
#[derive(Debug, thiserror::Error)]
pub enum StampError {
    /// Records, but no stamp.
    #[error("{}: missing beside the folder's records, so the options they were made with are unknown (use another --out)", .0.display())]
    Missing(PathBuf),
    /// A stamp that cannot be read.
    #[error("{}: {} (use another --out)", .0.display(), .1)]
    Unreadable(PathBuf, String),
    /// Another batch holds the folder.
    #[error("{}: another huey batch or merge is writing this folder (it holds the lock)", .0.display())]
    Busy(PathBuf),
    /// The lock file cannot be made.
    #[error("{}: cannot lock the folder: {}", .0.display(), .1)]
    Lock(PathBuf, std::io::Error),
}

/// The folder `out` for this process alone while the guard lives (an advisory lock on
/// `out/.huey-batch.lock`, released by the system when the process ends, however it ends: a
/// killed batch leaves no stale lock).
pub fn lock(out: &Path) -> Result<std::fs::File, StampError> {
    make_folder(out).map_err(|e| StampError::Lock(out.to_path_buf(), std::io::Error::other(e.to_string())))?;
    let path = out.join(".huey-batch.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StampError::Lock(path.clone(), e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StampError::Busy(out.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(StampError::Lock(path, e)),
    }
}

/// Write the stamp of a batch folder, creating the folder.
pub fn write_stamp(out: &Path, stamp: &str) -> Result<(), super::atomic::WriteError> {
    make_folder(out)?;
    super::atomic::write(&out.join(STAMP), stamp.as_bytes())
}

const STAMP: &str = "batch-options.txt";

/// Create the folder `dir` (and its parents) if it does not exist.
pub fn make_folder(dir: &Path) -> Result<(), super::atomic::WriteError> {
    std::fs::create_dir_all(dir).map_err(|source| super::atomic::WriteError::Io { path: dir.to_path_buf(), source })
}

/// Whether `dir` exists and is not an empty folder.
pub fn holds_entries(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => dir.exists(),
    }
}

/// Whether `a` and `b` are one folder (both exist and resolve to the same path).
pub fn same_folder(a: &Path, b: &Path) -> bool {
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_folders_recursively_sorted_and_refuses_equal_names() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("b/sub")).unwrap();
        for f in ["a.txt", "b/sub/c.md", "b/x.TXT", "notes.csv", ".hidden.txt"] {
            std::fs::write(d.join(f), "A: hi\nB: ho\n").unwrap();
        }
        let kill = d.join("b/kill.txt");
        std::fs::write(&kill, "the\n").unwrap();
        let corpus = list(&[d.to_path_buf()], &[kill]).unwrap();
        let keys: Vec<&str> = corpus.conversations.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["a.txt", "b/sub/c.md", "b/x.TXT"]);
        assert_eq!(corpus.skipped.len(), 1);
        let twice = list(&[d.join("a.txt"), d.join("a.txt")], &[]);
        assert!(matches!(twice, Err(CorpusError::SameKey { .. })), "{twice:?}");
        assert!(matches!(list(&[d.join("b/sub/none")], &[]), Err(CorpusError::Unreadable { .. })));
        // A link loop is walked once; an output folder inside the input is left out.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(".", d.join("b/loop")).unwrap();
            std::os::unix::fs::symlink("..", d.join("b/sub/up")).unwrap();
            std::fs::create_dir(d.join("out")).unwrap();
            std::fs::write(d.join("out/report.txt"), "A: x\n").unwrap();
            let corpus = list(&[d.to_path_buf()], &[d.join("out")]).unwrap();
            let keys: Vec<&str> = corpus.conversations.iter().map(|c| c.key.as_str()).collect();
            assert_eq!(keys, ["a.txt", "b/kill.txt", "b/sub/c.md", "b/x.TXT"]);
        }
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(list(&[empty.path().to_path_buf()], &[]), Err(CorpusError::Empty)));
    }

    #[test]
    fn records_round_trip_replace_each_other_and_list_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        assert_eq!(read_record(out, "a/b.txt"), None);
        write_record(out, "a/b.txt", &Record::Failure("bad".into())).unwrap();
        assert_eq!(read_record(out, "a/b.txt"), Some(Record::Failure("bad".into())));
        write_record(out, "a/b.txt", &Record::Report("{}".into())).unwrap();
        write_record(out, "c.txt", &Record::Failure("worse".into())).unwrap();
        assert_eq!(read_record(out, "a/b.txt"), Some(Record::Report("{}".into())));
        assert!(report_path(out, "a/b.txt").ends_with("reports/a/b.txt.json"));
        assert_eq!(recorded_keys(out).unwrap(), ["a/b.txt", "c.txt"]);
        assert!(matches!(read_stamp(out), Err(StampError::Missing(_))), "records without a stamp");
        write_stamp(out, "x").unwrap();
        assert_eq!(read_stamp(out).unwrap().as_deref(), Some("x"));
        let fresh = tempfile::tempdir().unwrap();
        assert_eq!(read_stamp(fresh.path()).unwrap(), None);
        let held = lock(fresh.path()).unwrap();
        assert!(matches!(lock(fresh.path()), Err(StampError::Busy(_))));
        drop(held);
        assert!(lock(fresh.path()).is_ok(), "released with its guard");
    }
}
