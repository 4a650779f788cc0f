//! `huey batch INPUT… --out DIR` and `huey merge DIR… --out DIR`: a corpus analysed on all
//! cores, one `huey analyze --json` report per conversation and a summary table; resumable,
//! shardable (`--shard I/N`, one part per SLURM array task), failures recorded, not fatal.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::analyze::{AnalysisFlags, analyse_file};
use super::{CliError, emit, printable};
use crate::io::corpus::{self, Conversation, Record};
use crate::run::batch::{Shard, SummaryRow, summary_csv};
use crate::run::report::Report;

/// Options of `huey batch`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct BatchArgs {
    /// Conversations: files, or folders searched (recursively) for .txt, .md and .pdf.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder: `reports/NAME.json` per conversation (what `huey analyze --json`
    /// writes), `failures/NAME.txt` per failed one, `summary.csv`, `batch-options.txt`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Conversations analysed at once [default: all cores].
    #[arg(long, value_name = "N", value_parser = super::count_in(1, 1024))]
    pub jobs: Option<usize>,
    /// Analyse only the I-th of N parts of the corpus (1-based; each conversation's part is
    /// fixed by its name, whatever the order of the inputs).
    #[arg(long, value_name = "I/N", value_parser = Shard::parse, default_value = "1/1")]
    pub shard: Shard,
    /// Try the conversations that failed before again (by default a rerun skips them, as it
    /// skips the finished ones).
    #[arg(long)]
    pub retry_failed: bool,
    /// How each conversation is analysed, as `huey analyze`.
    #[command(flatten)]
    pub flags: AnalysisFlags,
}

/// Options of `huey merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Output folders of `huey batch` (its shards).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where the combined reports, failures and summary go (the layout `huey batch` writes).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Why a batch or merge stopped (a conversation's own failure never stops one).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The inputs could not be listed.
    #[error(transparent)]
    Corpus(#[from] corpus::CorpusError),
    /// The output folder holds the records of a batch with other options.
    #[error(
        "{}: its records were made with other options, another kill list or another version of huey; use the same, or another --out (there: {there}; now: {now})",
        .dir.display()
    )]
    OtherOptions {
        /// The folder.
        dir: PathBuf,
        /// Its stamp's first differing line.
        there: String,
        /// This run's.
        now: String,
    },
    /// A merged folder is not the output of `huey batch`.
    #[error("{}: not the output folder of huey batch (no batch-options.txt)", .0.display())]
    NotABatch(PathBuf),
    /// A merged folder does not exist.
    #[error("{}: no such folder", .0.display())]
    NoFolder(PathBuf),
    /// The folder's stamp or lock.
    #[error(transparent)]
    Stamp(#[from] corpus::StampError),
    /// Two merged folders hold different records of one conversation.
    #[error("'{key}' is in both {} and {} with different results (shards of different batches?)", .first.display(), .second.display())]
    Conflict {
        /// The conversation.
        key: String,
        /// One folder.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
}

/// The stamp of a batch's options: what must not change between a batch and its resumption
/// or its other shards, or the summary would mix results made differently.
/// The kill list is loaded here, once: a list that cannot be read stops the batch before it
/// starts (not as a failure of every conversation), and its words' fingerprint is stamped, so
/// a list edited between runs is noticed.
fn stamp(flags: &AnalysisFlags) -> Result<String, CliError> {
    // Options and kill sources are plain data: RON cannot fail on them, but is not unwrapped.
    let ron = |v: Result<String, ron::Error>| v.unwrap_or_else(|e| format!("<{e}>"));
    let (kill, _) = flags.kill_list()?;
    Ok(format!(
        "huey {}\noptions {}\nkill {} (words {:016x})\nmax_input_mib {}\n",
        env!("CARGO_PKG_VERSION"),
        ron(ron::to_string(&flags.options()?)),
        ron(ron::to_string(&flags.kill_source()?)),
        kill.fingerprint(),
        flags.max_input_mib
    ))
}

/// Refuse `dir` when its stamp is not `now`; give it `now` when it has none.
fn claim(dir: &Path, now: &str) -> Result<(), CliError> {
    match corpus::read_stamp(dir).map_err(BatchError::from)? {
        Some(there) => same_options(dir, &there, now),
        None => Ok(corpus::write_stamp(dir, now)?),
    }
}

/// Refuse `dir`, whose stamp is `there`, unless it equals `now` (naming the first line that differs).
fn same_options(dir: &Path, there: &str, now: &str) -> Result<(), CliError> {
    if there == now {
        return Ok(());
    }
    let (a, b) = there.lines().zip(now.lines()).find(|(a, b)| a != b).unwrap_or((there, now));
    Err(BatchError::OtherOptions { dir: dir.to_owned(), there: a.to_owned(), now: b.to_owned() }.into())
}

/// How one conversation went.
enum Outcome {
    /// Its report was written.
    Done,
    /// Its failure was recorded.
    Failed,
}

/// Analyse one conversation and write its record. Only a write that fails is an error (the
/// batch stops: the disk is full or gone); the conversation's own failure is its record.
fn process(out: &Path, conversation: &Conversation, flags: &AnalysisFlags) -> Result<Outcome, CliError> {
    // A panic is one conversation's failure, not the batch's end.
    let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyse_file(Some(&conversation.path), flags).and_then(|done| {
            let report = Report::new(&done.name, &done.kill_name, &done.analysis);
            Ok(serde_json::to_string_pretty(&report)?)
        })
    }));
    let (record, outcome) = match analysed {
        Ok(Ok(json)) => (Record::Report(json), Outcome::Done),
        Ok(Err(e)) => (Record::Failure(printable(&e)), Outcome::Failed),
        Err(_) => (Record::Failure("internal error (a panic): please report it".to_owned()), Outcome::Failed),
    };
    corpus::write_record(out, &conversation.key, &record)?;
    Ok(outcome)
}

/// The summary rows of `keys` as recorded under `dir` (a key without a record is a failed row).
fn rows(dir: &Path, keys: impl Iterator<Item = String>) -> Vec<SummaryRow> {
    keys.map(|key| match corpus::read_record(dir, &key) {
        Some(Record::Report(json)) => SummaryRow::of_report(&key, &json),
        Some(Record::Failure(error)) => SummaryRow::failed(&key, &error),
        None => SummaryRow::failed(&key, "no record (the batch did not finish it)"),
    })
    .collect()
}

/// Progress on standard error: one rewritten line on a terminal, a line per conversation
/// otherwise (a job's log).
struct Progress {
    total: usize,
    done: usize,
    failed: usize,
    start: Instant,
    last_draw: Option<Instant>,
    terminal: bool,
}

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal as _;
        Self {
            total,
            done: 0,
            failed: 0,
            start: Instant::now(),
            last_draw: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn step(&mut self, key: &str, outcome: &Outcome) {
        self.done += 1;
        if matches!(outcome, Outcome::Failed) {
            self.failed += 1;
        }
        let elapsed = self.start.elapsed().as_secs_f64();
        let rate = self.done as f64 / elapsed.max(1e-9);
        let eta = (self.total - self.done) as f64 / rate.max(1e-9);
        if self.terminal {
            let now = Instant::now();
            if self.done < self.total && self.last_draw.is_some_and(|t| now - t < Duration::from_millis(200)) {
                return;
            }
            self.last_draw = Some(now);
            eprint!(
                "\r[{}/{}] {:.1}% · {} failed · {:.1} files/s · ETA {}   ",
                self.done,
                self.total,
                100.0 * self.done as f64 / self.total.max(1) as f64,
                self.failed,
                rate,
                clock(eta)
            );
            if self.done == self.total {
                eprintln!();
            }
        } else {
            let what = if matches!(outcome, Outcome::Failed) { "failed" } else { "ok" };
            eprintln!("[{}/{}] {}: {what} (ETA {})", self.done, self.total, printable(&key), clock(eta));
        }
    }
}

/// Seconds as `1h 02m`, `3m 05s` or `12s`.
fn clock(secs: f64) -> String {
    let s = secs.round().clamp(0.0, 1e9) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// `huey batch`.
pub(super) fn run_batch(args: &BatchArgs) -> Result<(), CliError> {
    let now = stamp(&args.flags)?;
    // One batch at a time per folder (two would each pass the options check, then mix).
    let _lock = corpus::lock(&args.out).map_err(BatchError::from)?;
    // Neither the kill list nor anything under the output folder is a conversation.
    let mut excluded = args.flags.inputs();
    excluded.push(args.out.clone());
    let listed = corpus::list(&args.inputs, &excluded).map_err(BatchError::from)?;
    for (path, why) in &listed.skipped {
        eprintln!("skipped {}: {why}", printable(&path.display()));
    }
    let mine: Vec<&Conversation> = listed.conversations.iter().filter(|c| args.shard.holds(&c.key)).collect();
    claim(&args.out, &now)?;
    let mut todo: Vec<&Conversation> = mine
        .iter()
        .copied()
        .filter(|c| match corpus::read_record(&args.out, &c.key) {
            // A report that does not read back (truncated, edited) is made again.
            Some(Record::Report(json)) => SummaryRow::of_report(&c.key, &json).outcome.is_err(),
            Some(Record::Failure(_)) => args.retry_failed,
            None => true,
        })
        .collect();
    // Largest first: the batch does not end waiting on a long conversation started last.
    todo.sort_by_key(|c| std::cmp::Reverse(c.bytes));
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1);
    let skipped = mine.len() - todo.len();
    let shard = if args.shard == Shard::ALL {
        String::new()
    } else {
        format!(" (shard {}/{})", args.shard.index, args.shard.count)
    };
    eprintln!(
        "{} conversations{shard}: {} to analyse on {} threads, {skipped} already done",
        mine.len(),
        todo.len(),
        jobs.min(todo.len().max(1))
    );
    let start = Instant::now();
    let (sender, receiver) = crossbeam_channel::unbounded();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut progress = Progress::new(todo.len());
    let mut first_error = None;
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(todo.len()) {
            let sender = sender.clone();
            let (todo, next, stop, out, flags) = (&todo, &next, &stop, &args.out, &args.flags);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(conversation) = todo.get(k) else { break };
                    let result = process(out, conversation, flags);
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    if sender.send((k, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (k, result) in receiver {
            match result {
                Ok(outcome) => progress.step(&todo[k].key, &outcome),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
    });
    if let Some(e) = first_error {
        return Err(e);
    }
    let rows = rows(&args.out, mine.iter().map(|c| c.key.clone()));
    let summary = args.out.join("summary.csv");
    crate::io::atomic::write(&summary, summary_csv(&rows).as_bytes())?;
    let failed = rows.iter().filter(|r| r.outcome.is_err()).count();
    let secs = start.elapsed().as_secs_f64();
    let mut out = String::new();
    outln!(
        out,
        "{} conversations: {} analysed in {:.1} s ({:.2} files/s), {skipped} already done, {failed} failed",
        rows.len(),
        todo.len(),
        secs,
        todo.len() as f64 / secs.max(1e-9)
    );
    for row in rows.iter().filter(|r| r.outcome.is_err()).take(20) {
        if let Err(e) = &row.outcome {
            outln!(out, "  failed: {}: {}", printable(&row.key), printable(e));
        }
    }
    outln!(out, "summary written to {}", summary.display());
    emit(&out);
    Ok(())
}

/// `huey merge`.
pub(super) fn run_merge(args: &MergeArgs) -> Result<(), CliError> {
    let mut stamp = None::<String>;
    let mut owner: std::collections::BTreeMap<String, (PathBuf, Record)> = std::collections::BTreeMap::new();
    let _lock = corpus::lock(&args.out).map_err(BatchError::from)?;
    for dir in &args.dirs {
        if !dir.is_dir() {
            return Err(BatchError::NoFolder(dir.clone()).into());
        }
        let there =
            corpus::read_stamp(dir).map_err(BatchError::from)?.ok_or_else(|| BatchError::NotABatch(dir.clone()))?;
        match &stamp {
            None => stamp = Some(there),
            Some(first) => same_options(dir, &there, first)?,
        }
        for key in corpus::recorded_keys(dir).map_err(BatchError::from)? {
            let Some(record) = corpus::read_record(dir, &key) else { continue };
            match owner.get(&key) {
                Some((first, seen)) if seen != &record => {
                    return Err(BatchError::Conflict { key, first: first.clone(), second: dir.clone() }.into());
                }
                Some(_) => {}
                None => {
                    owner.insert(key, (dir.clone(), record));
                }
            }
        }
    }
    let stamp = stamp.unwrap_or_default();
    claim(&args.out, &stamp)?;
    for (key, (dir, record)) in &owner {
        if !corpus::same_folder(dir, &args.out) {
            corpus::write_record(&args.out, key, record)?;
        }
    }
    let rows = rows(&args.out, owner.keys().cloned());
    let summary = args.out.join("summary.csv");
    crate::io::atomic::write(&summary, summary_csv(&rows).as_bytes())?;
    let failed = rows.iter().filter(|r| r.outcome.is_err()).count();
    emit(&format!(
        "{} conversations from {} folders ({failed} failed); summary written to {}\n",
        rows.len(),
        args.dirs.len(),
        summary.display()
    ));
    Ok(())
}
