//! Background jobs: every file the app reads or writes, and the measurements of the Compare
//! tab, run here, off the UI thread, and report back as [`JobDone`] events that `logic`
//! drains. A blocking path (a FIFO, a slow disk) blocks a job thread, never the window.
//!
//! Reads and measurements get a thread each; writes go through one writer thread in the
//! order they were asked for, so a later settings save never lands before an earlier one.

pub mod corpus;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::Source;
use crate::io::document::{self, LoadError, LoadWarning};
use crate::io::kill_list::KillListError;
use crate::io::listing::{ListError, Listing, NoNativeDialog};
use crate::io::session::{SessionError, SessionFile};
use crate::io::settings::{Settings, SettingsError};
use crate::io::text_file::{self, TextFileError};
use crate::model::options::AnalysisOptions;
use crate::model::params::ParamError;
use crate::run::compare::{BackendRun, compare_backends};
use crate::run::session::Opened;
use crate::run::sweep::{SweepRow, SweepStep, parse_rows, rows_reporting};
use crate::text::SAMPLE_CONVERSATION;
use crate::text::kill_words::{KillList, KillSource};

/// Largest sweep JSON file read.
const MAX_SWEEP_BYTES: u64 = 16 << 20;

/// Where a conversation comes from.
#[derive(Clone, Debug)]
pub enum SourceRequest {
    /// A file to read.
    File(PathBuf),
    /// The bundled sample.
    Sample,
    /// A conversation already read (a restart).
    Loaded(Source),
}

/// What a job was asked to write, for the message when it is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteKind {
    /// A session file.
    Session,
    /// An export (CSV, Markdown).
    Export,
    /// A screenshot or a scripted report.
    Script,
}

/// A job failed; nothing in the app changed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The conversation could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A corpus could not be opened, pooled or compared.
    #[error(transparent)]
    Corpus(#[from] corpus::CorpusJobError),
    /// The kill list could not be read.
    #[error(transparent)]
    Kill(#[from] KillListError),
    /// A session could not be read or written.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// A session could not be opened (its file, conversation, kill list or state).
    #[error("session not opened: {0}")]
    OpenSession(#[from] crate::run::session::OpenError),
    /// The settings could not be read or written.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// A small text file could not be read.
    #[error(transparent)]
    Text(#[from] TextFileError),
    /// The file is not sweep output.
    #[error("{} is not `huey bench --sweep --json` output: {detail}", path.display())]
    NotSweep {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] crate::io::atomic::WriteError),
    /// A screenshot could not be encoded.
    #[error("cannot encode {}: {source}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A figure could not be rendered.
    #[error("cannot render {}: {source}", path.display())]
    Figure {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::export::figure::FigureError,
    },
    /// A measurement's options were rejected.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A measurement's engine failed.
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// A timeline's animation could not be made.
    #[error("cannot write {}: {source}", path.display())]
    Animation {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::export::animation::AnimationError,
    },
    /// A job thread stopped without an answer.
    #[error("a background job stopped unexpectedly")]
    Lost,
}

/// A conversation read and its kill list loaded, ready for the worker.
#[derive(Debug)]
pub struct Prepared {
    /// The request this answers (older answers are ignored).
    pub request: u64,
    /// The conversation.
    pub source: Source,
    /// The kill list, its description and where it came from.
    pub kill: KillList,
    /// See `kill`.
    pub kill_name: String,
    /// See `kill`.
    pub kill_source: KillSource,
    /// Compromises made reading the file.
    pub warnings: Vec<LoadWarning>,
}

/// What a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A conversation to open.
    OpenConversation,
    /// A session to open.
    OpenSession,
    /// Where to save the session.
    SaveSession,
    /// Where to export the concepts (CSV).
    ExportConcepts,
    /// Where to export the report (Markdown).
    ExportReport,
    /// A kill-list file.
    KillListFile,
    /// A sweep JSON file.
    LoadSweep,
    /// Where to export in an interchange format.
    Export(crate::export::Format),
    /// Where to write a figure.
    Figure(FigureFile),
    /// Where to write the timeline (CSV tables or the animation).
    Timeline(TimelineFile),
    /// A folder to open as a corpus.
    OpenCorpus,
    /// Where to write the comparison's tables and joint map.
    ExportComparison,
}

/// What of the timeline the app writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineFile {
    /// Its CSV tables (`x.csv` → `x_rows.csv`, `x_trajectories.csv`, …).
    Csv,
    /// The aligned map's animation (GIF).
    Animation,
}

/// A figure the app writes: what it shows, as SVG or PNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FigureFile {
    /// The plot.
    pub kind: crate::export::figure::FigureKind,
    /// PNG (at the chosen DPI) rather than SVG.
    pub png: bool,
}

/// Why no native file dialog answered (the in-app browser opens instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DialogError {
    /// This desktop has none.
    #[error("no native file dialog: {0}")]
    Unavailable(#[from] NoNativeDialog),
    /// It was asked for and failed (rfd logged an error, or its thread stopped).
    #[error("the native file dialog failed")]
    Failed,
}

/// How a native file dialog is shown (on a job thread): the path chosen, none when cancelled.
/// [`rfd_dialog`] in the app; tests put their own.
pub type NativeDialog = Arc<dyn Fn(Purpose) -> Result<Option<PathBuf>, DialogError> + Send + Sync>;

/// Errors `rfd` logged since the start (its only report of a failed dialog: a failure and a
/// cancel both answer `None`).
static RFD_ERRORS: AtomicU64 = AtomicU64::new(0);

/// Counts `rfd`'s error records and drops every record (nothing is logged without it either).
struct RfdErrors;

impl log::Log for RfdErrors {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Error && metadata.target().starts_with("rfd")
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            RFD_ERRORS.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {}
}

/// Watch `rfd`'s errors, unless another logger was installed first (then only the check for a
/// portal or zenity tells a missing dialog from a cancelled one).
pub fn watch_rfd_errors() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if log::set_logger(&RfdErrors).is_ok() {
            log::set_max_level(log::LevelFilter::Error);
        }
    });
}

/// The system's file dialog through `rfd`, blocking this (job) thread until it closes: first
/// whether this desktop can have one at all (a session bus for the portal, or zenity). `rfd`
/// answers `None` both when the user cancels and when neither the desktop portal nor zenity
/// could show a dialog; the second is told apart by the error it logs.
pub fn rfd_dialog(purpose: Purpose) -> Result<Option<PathBuf>, DialogError> {
    crate::io::listing::native_dialog_possible()?;
    let dialog = rfd::AsyncFileDialog::new();
    let dialog = match purpose {
        Purpose::OpenConversation => dialog.add_filter("conversation", &["txt", "md", "pdf"]),
        Purpose::OpenSession | Purpose::SaveSession => {
            dialog.add_filter("Huey session", &["ron"]).set_file_name(purpose.file_name().unwrap_or_default())
        }
        Purpose::ExportConcepts
        | Purpose::ExportReport
        | Purpose::Export(_)
        | Purpose::Figure(_)
        | Purpose::Timeline(_) => dialog.set_file_name(purpose.file_name().unwrap_or_default()),
        Purpose::ExportComparison => dialog.set_file_name(purpose.file_name().unwrap_or_default()),
        Purpose::KillListFile | Purpose::OpenCorpus => dialog,
        Purpose::LoadSweep => dialog.add_filter("sweep", &["json"]),
    };
    let errors_before = RFD_ERRORS.load(Ordering::Relaxed);
    let chosen = if purpose.saves() {
        pollster::block_on(dialog.save_file())
    } else if purpose == Purpose::OpenCorpus {
        pollster::block_on(dialog.pick_folder())
    } else {
        pollster::block_on(dialog.pick_file())
    };
    match chosen {
        Some(file) => Ok(Some(file.path().to_path_buf())),
        None if RFD_ERRORS.load(Ordering::Relaxed) > errors_before => Err(DialogError::Failed),
        None => Ok(None),
    }
}

impl Purpose {
    /// Whether the path chosen is written (a save dialog) rather than read.
    pub fn saves(self) -> bool {
        matches!(
            self,
            Self::SaveSession
                | Self::ExportConcepts
                | Self::ExportReport
                | Self::Export(_)
                | Self::Figure(_)
                | Self::Timeline(_)
                | Self::ExportComparison
        )
    }

    /// The file name a save dialog proposes.
    pub fn file_name(self) -> Option<String> {
        match self {
            Self::SaveSession => Some("session.huey.ron".to_owned()),
            Self::ExportConcepts => Some("concepts.csv".to_owned()),
            Self::ExportReport => Some("report.md".to_owned()),
            Self::Export(format) => Some(format.suggested_name("huey")),
            Self::Figure(f) => Some(format!("{}.{}", f.kind.as_str(), if f.png { "png" } else { "svg" })),
            Self::Timeline(TimelineFile::Csv) => Some("timeline.csv".to_owned()),
            Self::Timeline(TimelineFile::Animation) => Some("timeline.gif".to_owned()),
            Self::ExportComparison => Some("comparison.csv".to_owned()),
            _ => None,
        }
    }

    /// The extensions (lower case) the chooser lists; none for every file.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::OpenConversation => &["txt", "md", "pdf"],
            Self::OpenSession => &["ron"],
            Self::LoadSweep => &["json"],
            _ => &[],
        }
    }

    /// The chooser's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::OpenConversation => "Open a conversation",
            Self::OpenSession => "Open a session",
            Self::SaveSession => "Save the session",
            Self::ExportConcepts => "Export the concepts (CSV)",
            Self::ExportReport => "Export the report (Markdown)",
            Self::KillListFile => "Choose a kill-list file",
            Self::LoadSweep => "Load sweep rows (JSON)",
            Self::Export(format) => format.title().trim_end_matches('…'),
            Self::Figure(_) => "Save the figure",
            Self::Timeline(TimelineFile::Csv) => "Export the timeline (CSV tables)",
            Self::Timeline(TimelineFile::Animation) => "Save the timeline's animation (GIF)",
            Self::OpenCorpus => "Open a folder of conversations as a corpus",
            Self::ExportComparison => "Export the comparison (CSV tables and the joint map)",
        }
    }
}

/// A measurement's result.
#[derive(Debug)]
pub enum Measurement {
    /// The conversation on both backends.
    Compared(Vec<BackendRun>),
    /// A size sweep measured in the app.
    Swept(Vec<SweepRow>),
}

/// A job's answer.
#[derive(Debug)]
pub enum JobDone {
    /// Settings read at start (the defaults and why, when the file was damaged or newer).
    Settings(Box<Settings>, Option<SettingsError>),
    /// A conversation is ready to load.
    Prepared(Box<Prepared>),
    /// A session was opened (the request it answers, the session, its file): its conversation
    /// and kill list match and its pipeline is restored, ready for the worker.
    SessionOpened(Box<(u64, Opened, PathBuf)>),
    /// A system font with CJK glyphs (its path and bytes), or none found.
    Font(Option<(PathBuf, Vec<u8>)>),
    /// Rows of a sweep JSON file.
    SweepLoaded(Vec<SweepRow>),
    /// A timeline computed (the request it answers; its run's options were refused).
    Timeline(u64, Result<Arc<crate::run::timeline::Timeline>, JobError>),
    /// A replicate ensemble computed (the request it answers).
    Ensemble(u64, Result<Arc<crate::run::ensemble::Ensemble>, JobError>),
    /// A size sweep is starting its next measurement.
    SweepProgress(SweepStep),
    /// A measurement ended (the only answer that ends one).
    Measured(Result<Measurement, JobError>),
    /// A folder opened as a corpus (the request it answers).
    Corpus(u64, Result<Arc<corpus::Corpus>, JobError>),
    /// The corpus network.
    Pooled(Result<Arc<crate::run::pipeline::Analysis>, JobError>),
    /// Two sides compared.
    CorpusCompared(Result<Arc<corpus::Compared>, JobError>),
    /// A native file dialog closed: the path chosen, none (cancelled), or why there was none.
    Chosen(Purpose, Result<Option<PathBuf>, DialogError>),
    /// A folder listed for the in-app file browser.
    Listed(PathBuf, Result<Listing, ListError>),
    /// A file was written.
    Written(PathBuf, WriteKind),
    /// The settings were saved.
    SettingsSaved,
    /// Every write asked for before a flush is done.
    Flushed,
    /// A job failed.
    Failed(JobError),
}

enum Write {
    File(PathBuf, Vec<u8>, WriteKind),
    Png(PathBuf, Arc<egui::ColorImage>),
    /// A figure's SVG, rasterised here (resvg takes a while at print DPI).
    Figure(PathBuf, String, FigurePng),
    /// A timeline's CSV tables, rendered here (a long timeline's are hundreds of MB), each
    /// file named from the chosen path.
    TimelineCsv(PathBuf, Arc<crate::run::timeline::Timeline>, Box<crate::export::Provenance>),
    /// A timeline's animation, drawn and encoded here.
    Animation(PathBuf, Arc<crate::run::timeline::Timeline>, Box<crate::export::animation::AnimationOptions>),
    /// A comparison's tables and joint map, rendered here, each file named from the path.
    Comparison(PathBuf, Arc<corpus::Compared>),
    Session(PathBuf, Box<SessionFile>),
    Settings(PathBuf, Box<Settings>),
    /// Nothing: acknowledged once every earlier write is done.
    Flush,
}

/// How a figure's SVG becomes a PNG: its size in millimetres, the DPI, and the provenance
/// the file carries.
#[derive(Clone, Debug, PartialEq)]
pub struct FigurePng {
    /// Width in millimetres.
    pub width_mm: f64,
    /// Height in millimetres.
    pub height_mm: f64,
    /// Dots per inch.
    pub dpi: f64,
    /// The provenance lines, kept in the PNG's `iTXt` "Description".
    pub provenance: String,
}

/// The app's end of the job threads.
pub struct Jobs {
    done_tx: Sender<JobDone>,
    done_rx: Receiver<JobDone>,
    writer: Sender<(Write, Option<Sender<()>>)>,
    waker: Arc<dyn Fn() + Send + Sync>,
    /// The measurement running, if any (at most one at a time).
    pub measuring: Option<&'static str>,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs").field("measuring", &self.measuring).finish_non_exhaustive()
    }
}

impl Jobs {
    /// Job threads that call `waker` after every answer.
    pub fn new(waker: Arc<dyn Fn() + Send + Sync>) -> std::io::Result<Self> {
        let (done_tx, done_rx) = unbounded();
        let (writer, writes) = unbounded::<(Write, Option<Sender<()>>)>();
        let (tx, wake) = (done_tx.clone(), Arc::clone(&waker));
        std::thread::Builder::new().name("huey writer".to_owned()).spawn(move || {
            for (write, ack) in writes {
                let _ = tx.send(perform(write));
                wake();
                if let Some(ack) = ack {
                    let _ = ack.send(());
                }
            }
        })?;
        Ok(Self { done_tx, done_rx, writer, waker, measuring: None })
    }

    /// The next answer, if any.
    pub fn try_recv(&self) -> Option<JobDone> {
        self.done_rx.try_recv().ok()
    }

    /// Run `job` on its own thread; a panic in it answers `lost` (so no job goes unanswered).
    fn spawn(
        &self,
        name: &str,
        job: impl FnOnce() -> JobDone + Send + 'static,
        lost: impl FnOnce() -> JobDone + Send + Clone + 'static,
    ) {
        let (tx, wake) = (self.done_tx.clone(), Arc::clone(&self.waker));
        let lost_here = lost.clone();
        let spawned = std::thread::Builder::new().name(format!("huey {name}")).spawn(move || {
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|_| lost());
            let _ = tx.send(done);
            wake();
        });
        if spawned.is_err() {
            let _ = self.done_tx.send(lost_here());
        }
    }

    fn read_job(&self, name: &str, job: impl FnOnce() -> JobDone + Send + 'static) {
        self.spawn(name, job, || JobDone::Failed(JobError::Lost));
    }

    /// Find and read a system font with CJK glyphs.
    pub fn load_cjk_font(&self) {
        self.read_job("font", || JobDone::Font(crate::io::fonts::first_readable(&crate::io::fonts::CJK_FONTS)));
    }

    /// Read the settings file.
    pub fn load_settings(&self, path: PathBuf) {
        self.read_job("settings", move || {
            let (settings, problem) = Settings::load(&path);
            JobDone::Settings(Box::new(settings), problem)
        });
    }

    /// Read a conversation (unless already read) and its kill list.
    pub fn prepare(&self, request: u64, source: SourceRequest, kill: KillSource) {
        self.read_job("open", move || match prepare(request, source, &kill) {
            Ok(p) => JobDone::Prepared(Box::new(p)),
            Err(e) => JobDone::Failed(e),
        });
    }

    /// Read a session, its conversation (checking that it did not change) and its kill list.
    pub fn open_session(&self, request: u64, path: PathBuf) {
        self.read_job("session", move || match crate::run::session::open(&path) {
            Ok(opened) => JobDone::SessionOpened(Box::new((request, opened, path))),
            Err(e) => JobDone::Failed(e.into()),
        });
    }

    /// Show the native file dialog for `purpose` with `native` on a job thread, so the window
    /// keeps redrawing while it is open. The answer is the path chosen, none (cancelled), or
    /// why there was no dialog.
    pub fn choose_file(&self, purpose: Purpose, native: NativeDialog) {
        self.spawn(
            "file dialog",
            move || JobDone::Chosen(purpose, native(purpose)),
            move || JobDone::Chosen(purpose, Err(DialogError::Failed)),
        );
    }

    /// List the folder `path` for the in-app file browser.
    pub fn list_folder(&self, path: PathBuf) {
        self.read_job("folder", move || {
            let listing = crate::io::listing::list(&path, crate::io::listing::MAX_ENTRIES);
            JobDone::Listed(path, listing)
        });
    }

    /// Read sweep rows from a `huey bench --sweep --json` file.
    pub fn load_sweep(&self, path: PathBuf) {
        self.read_job("sweep file", move || {
            let text = match text_file::read(&path, MAX_SWEEP_BYTES, "sweep file") {
                Ok(t) => t,
                Err(e) => return JobDone::Failed(e.into()),
            };
            match parse_rows(&text) {
                Ok(rows) => JobDone::SweepLoaded(rows),
                Err(e) => JobDone::Failed(JobError::NotSweep { path, detail: e.to_string() }),
            }
        });
    }

    /// Run the replicate ensemble `spec` of the conversation `text` with `opts` and `kill`.
    pub fn ensemble(
        &self,
        request: u64,
        (text, opts, kill): (Arc<String>, AnalysisOptions, KillList),
        spec: crate::run::ensemble::EnsembleSpec,
    ) {
        self.spawn(
            "ensemble",
            move || {
                let ensemble =
                    crate::run::pipeline::prepare(&text, &opts, &kill).map_err(JobError::from).and_then(|prepared| {
                        let (stream, speakers) = prepared.pipeline.tokens();
                        let conv = crate::run::ensemble::Conversation {
                            stream,
                            speakers,
                            people: &prepared.detection.speakers,
                        };
                        crate::run::ensemble::run(conv, &opts, &spec).map(Arc::new).map_err(JobError::from)
                    });
                JobDone::Ensemble(request, ensemble)
            },
            move || JobDone::Ensemble(request, Err(JobError::Lost)),
        );
    }

    /// Run the conversation on both backends; `false` when a measurement is running.
    pub fn compare(&mut self, text: Arc<String>, opts: AnalysisOptions, kill: KillList) -> bool {
        self.measure("CPU/GPU comparison", move || {
            compare_backends(&text, &opts, &kill).map(Measurement::Compared).map_err(JobError::from)
        })
    }

    /// The size sweep over `sizes`, `secs` per run; `false` when a measurement is running.
    pub fn sweep(&mut self, sizes: Vec<usize>, secs: f64) -> bool {
        let (tx, wake) = (self.done_tx.clone(), Arc::clone(&self.waker));
        let progress = move |step: &SweepStep| {
            let _ = tx.send(JobDone::SweepProgress(*step));
            wake();
        };
        self.measure("size sweep", move || {
            rows_reporting(&sizes, secs, progress, |_| {}).map(Measurement::Swept).map_err(JobError::from)
        })
    }

    fn measure(
        &mut self,
        what: &'static str,
        job: impl FnOnce() -> Result<Measurement, JobError> + Send + 'static,
    ) -> bool {
        if self.measuring.is_some() {
            return false;
        }
        self.measuring = Some(what);
        self.spawn(what, move || JobDone::Measured(job()), || JobDone::Measured(Err(JobError::Lost)));
        true
    }

    /// Open `folder` as a corpus: read and analyse each conversation (CPU).
    pub fn open_corpus(&self, request: u64, folder: PathBuf, opts: AnalysisOptions, kill: KillSource) {
        self.spawn(
            "corpus",
            move || JobDone::Corpus(request, corpus::open(&folder, &opts, &kill).map(Arc::new).map_err(JobError::from)),
            move || JobDone::Corpus(request, Err(JobError::Lost)),
        );
    }

    /// Pool `members` into one corpus network.
    pub fn pool_corpus(&self, members: Vec<corpus::OwnedMember>, opts: AnalysisOptions, kill: KillSource) {
        self.spawn(
            "pool",
            move || JobDone::Pooled(corpus::pool(&members, &opts, &kill).map(Arc::new).map_err(JobError::from)),
            || JobDone::Pooled(Err(JobError::Lost)),
        );
    }

    /// Compare side `a` with side `b`.
    pub fn compare_corpus(
        &self,
        (a, b): (Vec<corpus::OwnedMember>, Vec<corpus::OwnedMember>),
        sides: crate::export::comparison::Sides,
        opts: AnalysisOptions,
        kill: KillSource,
    ) {
        self.spawn(
            "compare",
            move || {
                let done = corpus::compare(&a, &b, sides, &opts, &kill);
                JobDone::CorpusCompared(done.map(Arc::new).map_err(JobError::from))
            },
            || JobDone::CorpusCompared(Err(JobError::Lost)),
        );
    }

    /// Write a comparison's files, named from `path`.
    pub fn write_comparison(&self, path: PathBuf, compared: Arc<corpus::Compared>) {
        self.queue(Write::Comparison(path, compared), None);
    }

    /// Write `bytes` to `path` atomically, after every write asked for before.
    pub fn write(&self, path: PathBuf, bytes: Vec<u8>, kind: WriteKind) {
        self.queue(Write::File(path, bytes, kind), None);
    }

    /// Encode `image` as PNG and write it to `path`.
    pub fn write_png(&self, path: PathBuf, image: Arc<egui::ColorImage>) {
        self.queue(Write::Png(path, image), None);
    }

    /// Render a figure's `svg` to PNG as `png` says and write it to `path`.
    pub fn write_figure_png(&self, path: PathBuf, svg: String, png: FigurePng) {
        self.queue(Write::Figure(path, svg, png), None);
    }

    /// Draw `timeline`'s animation as `opts` say and write it to `path`.
    pub fn write_animation(
        &self,
        path: PathBuf,
        timeline: Arc<crate::run::timeline::Timeline>,
        opts: crate::export::animation::AnimationOptions,
    ) {
        self.queue(Write::Animation(path, timeline, Box::new(opts)), None);
    }

    /// Render `timeline`'s CSV tables and write them, named from `path`.
    pub fn write_timeline_csv(
        &self,
        path: PathBuf,
        timeline: Arc<crate::run::timeline::Timeline>,
        provenance: crate::export::Provenance,
    ) {
        self.queue(Write::TimelineCsv(path, timeline, Box::new(provenance)), None);
    }

    /// The timeline of `text` as `spec` says (a fresh run of the conversation on show, on a
    /// job thread of its own); answered as [`JobDone::Timeline`] tagged with `request`.
    pub fn timeline(
        &self,
        request: u64,
        (text, opts, kill): (Arc<String>, AnalysisOptions, KillList),
        spec: crate::run::timeline::TimelineSpec,
    ) {
        self.spawn(
            "timeline",
            move || {
                let timeline = crate::run::pipeline::prepare(&text, &opts, &kill)
                    .map(|prepared| Arc::new(crate::run::timeline::timeline(prepared, &opts, &spec)))
                    .map_err(JobError::from);
                JobDone::Timeline(request, timeline)
            },
            move || JobDone::Timeline(request, Err(JobError::Lost)),
        );
    }

    /// Wait up to `timeout` until every write asked for so far is done (used when the window
    /// closes, so nothing asked for is lost with the process).
    pub fn flush(&self, timeout: Duration) {
        let (ack, acked) = crossbeam_channel::bounded(1);
        self.queue(Write::Flush, Some(ack));
        let _ = acked.recv_timeout(timeout);
    }

    /// Save a session file.
    pub fn save_session(&self, path: PathBuf, session: SessionFile) {
        self.queue(Write::Session(path, Box::new(session)), None);
    }

    /// Save the settings.
    pub fn save_settings(&self, path: PathBuf, settings: Settings) {
        self.queue(Write::Settings(path, Box::new(settings)), None);
    }

    fn queue(&self, write: Write, ack: Option<Sender<()>>) {
        if self.writer.send((write, ack)).is_err() {
            let _ = self.done_tx.send(JobDone::Failed(JobError::Lost));
        }
    }
}

/// The files of a multi-file export, each named from `path` and written atomically; the first
/// failure is the answer, else the last file written is.
fn write_files(path: PathBuf, files: Vec<crate::export::ExportFile>) -> JobDone {
    let mut last = None;
    for file in files {
        let target = file.path_for(&path);
        if let Err(e) = crate::io::atomic::write(&target, file.text.as_bytes()) {
            return JobDone::Failed(e.into());
        }
        last = Some(target);
    }
    JobDone::Written(last.unwrap_or(path), WriteKind::Export)
}

fn perform(write: Write) -> JobDone {
    match write {
        Write::File(path, bytes, kind) => match crate::io::atomic::write(&path, &bytes) {
            Ok(()) => JobDone::Written(path, kind),
            Err(e) => JobDone::Failed(e.into()),
        },
        Write::Png(path, image) => match png(&image) {
            Ok(bytes) => match crate::io::atomic::write(&path, &bytes) {
                Ok(()) => JobDone::Written(path, WriteKind::Script),
                Err(e) => JobDone::Failed(e.into()),
            },
            Err(source) => JobDone::Failed(JobError::Encode { path, source }),
        },
        Write::Figure(path, svg, p) => {
            match crate::export::png::render(&svg, p.width_mm, p.height_mm, p.dpi, &p.provenance) {
                Ok(bytes) => match crate::io::atomic::write(&path, &bytes) {
                    Ok(()) => JobDone::Written(path, WriteKind::Export),
                    Err(e) => JobDone::Failed(e.into()),
                },
                Err(source) => JobDone::Failed(JobError::Figure { path, source }),
            }
        }
        Write::Comparison(path, compared) => write_files(path, corpus::comparison_files(&compared)),
        Write::TimelineCsv(path, timeline, provenance) => write_files(path, timeline.csv_files(&provenance)),
        Write::Animation(path, timeline, opts) => {
            let total = timeline.rows.last().map_or(0, |r| r.exchange);
            match crate::export::animation::gif(&timeline.frames(), total, &opts) {
                Ok(bytes) => match crate::io::atomic::write(&path, &bytes) {
                    Ok(()) => JobDone::Written(path, WriteKind::Export),
                    Err(e) => JobDone::Failed(e.into()),
                },
                Err(source) => JobDone::Failed(JobError::Animation { path, source }),
            }
        }
        Write::Flush => JobDone::Flushed,
        Write::Session(path, session) => match session.save(&path) {
            Ok(()) => JobDone::Written(path, WriteKind::Session),
            Err(e) => JobDone::Failed(e.into()),
        },
        Write::Settings(path, settings) => match settings.save(&path) {
            Ok(()) => JobDone::SettingsSaved,
            Err(e) => JobDone::Failed(e.into()),
        },
    }
}

/// A screenshot as PNG bytes.
fn png(image: &egui::ColorImage) -> std::io::Result<Vec<u8>> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, rgba)
        .ok_or_else(|| std::io::Error::other("screenshot size mismatch"))?;
    let mut out = std::io::Cursor::new(Vec::new());
    buffer.write_to(&mut out, image::ImageFormat::Png).map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn prepare(request: u64, source: SourceRequest, kill: &KillSource) -> Result<Prepared, JobError> {
    let (source, warnings) = match source {
        SourceRequest::File(path) => {
            let doc = document::read(&path)?;
            (Source { name: file_name(&path), path: Some(path), text: Arc::new(doc.text) }, doc.warnings)
        }
        SourceRequest::Sample => (sample(), Vec::new()),
        SourceRequest::Loaded(source) => (source, Vec::new()),
    };
    // The automatic choice becomes the list of this conversation's language.
    let kill = &kill.for_text(&source.text);
    let (list, kill_name) = crate::io::kill_list::load(kill)?;
    Ok(Prepared { request, source, kill: list, kill_name, kill_source: crate::io::kill_list::resolve(kill), warnings })
}

/// The bundled sample as a source.
pub fn sample() -> Source {
    Source { name: super::SAMPLE_NAME.to_owned(), path: None, text: Arc::new(SAMPLE_CONVERSATION.to_owned()) }
}
