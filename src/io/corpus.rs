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
/// recursively for [`EXTENSIONS`] (hidden entries left out, links followed up to a depth).
/// `exclude` (the kill list in use) is never read as a conversation.
pub fn list(inputs: &[PathBuf], exclude: &[PathBuf]) -> Result<Corpus, CorpusError> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let excluded: Vec<PathBuf> = exclude.iter().filter_map(|p| canonical(p)).collect();
    let mut corpus = Corpus::default();
    for input in inputs {
        let meta =
            std::fs::metadata(input).map_err(|source| CorpusError::Unreadable { path: input.clone(), source })?;
        if meta.is_dir() {
            walk(input, "", 0, &excluded, &mut corpus)?;
        } else if meta.is_file() {
            match input.file_name().and_then(|n| n.to_str()) {
                Some(name) => corpus.conversations.push(Conversation {
                    key: name.to_owned(),
                    path: input.clone(),
                    bytes: meta.len(),
                }),
                None => corpus.skipped.push((input.clone(), "its name is not UTF-8".to_owned())),
            }
        } else {
            return Err(CorpusError::NotFileOrFolder(input.clone()));
        }
        if corpus.conversations.len() > MAX_CONVERSATIONS {
            return Err(CorpusError::TooMany);
        }
    }
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

fn walk(dir: &Path, prefix: &str, depth: usize, excluded: &[PathBuf], corpus: &mut Corpus) -> Result<(), CorpusError> {
    if depth > MAX_DEPTH {
        corpus.skipped.push((dir.to_path_buf(), format!("deeper than {MAX_DEPTH} folders (a link loop?)")));
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).map_err(|source| CorpusError::Unreadable { path: dir.to_path_buf(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| CorpusError::Unreadable { path: dir.to_path_buf(), source })?;
        let path = entry.path();
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
            walk(&path, &key, depth + 1, excluded, corpus)?;
        } else if !wanted {
            continue;
        } else if !meta.is_file() {
            // A FIFO would block the batch, a device never end.
            corpus.skipped.push((path, "not a regular file (a FIFO, socket or device)".to_owned()));
        } else {
            if std::fs::canonicalize(&path).is_ok_and(|c| excluded.contains(&c)) {
                corpus.skipped.push((path, "the kill list in use".to_owned()));
                continue;
            }
            corpus.conversations.push(Conversation { key, path, bytes: meta.len() });
            if corpus.conversations.len() > MAX_CONVERSATIONS {
                return Err(CorpusError::TooMany);
            }
        }
    }
    Ok(())
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

/// The stamp of the options a batch folder's records were made with (`batch-options.txt`),
/// if it has one.
pub fn read_stamp(out: &Path) -> Option<String> {
    let bytes = super::file::read_bounded(&out.join(STAMP), MAX_RECORD_BYTES, "batch stamp").ok()?;
    String::from_utf8(bytes).ok()
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
        assert_eq!(read_stamp(out), None);
        write_stamp(out, "x").unwrap();
        assert_eq!(read_stamp(out).as_deref(), Some("x"));
    }
}
