//! What the panels show, as plain data in four parts: the run as the worker reports it
//! ([`RunView`]), the widgets' own state ([`Widgets`]), results of background measurements
//! ([`Results`]) and messages ([`Notices`]); plus the app's frame costs. No drawing here.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::derived::Derived;
use super::jobs::JobError;
use super::timeline::{Point, Timeline};
use crate::io::settings::SettingsError;
use crate::kernel::TimingMethod;
use crate::model::options::{AnalysisOptions, Backend};
use crate::run::compare::BackendRun;
use crate::run::notice::Notice;
use crate::run::sweep::{SweepRow, SweepStep};
use crate::run::worker::WorkerError;
use crate::run::worker::{Frame, LoadSummary, Progress};

/// The central tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// Concept map, 2-D or 3-D.
    #[default]
    Map,
    /// Kernel timings and throughput.
    Timing,
    /// Eigenvalue spectrum.
    Spectrum,
    /// Selected concept: associations and keyword in context.
    Inspector,
    /// Speakers' self-concept mass.
    Speakers,
    /// Network statistics and shared associations.
    Network,
    /// Activation cascade.
    Cascade,
    /// CPU and GPU side by side, and the crossover chart.
    Compare,
    /// The map's concepts in a sortable table: clusters and centralities.
    Concepts,
    /// The conversation over time: the aligned map with trails, timelines, play controls.
    Time,
    /// Many conversations: a folder's table, the corpus network, comparisons.
    Corpus,
}

/// An activation cascade being explored.
#[derive(Clone, Debug)]
pub struct CascadeView {
    /// The computed cascade.
    pub run: crate::analysis::cascade::Cascade,
    /// Words by neuron id at the time it ran.
    pub words: Vec<String>,
    /// Step shown.
    pub step: usize,
    /// Advancing by itself.
    pub playing: bool,
    /// When the step last advanced.
    pub advanced: Instant,
    /// Colour the map by this cascade's activations.
    pub on_map: bool,
}

/// Camera of the concept map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// 3-D (orbit) or 2-D.
    pub three_d: bool,
    /// Eigen-axes shown on x, y (and z in 3-D).
    pub axes: [usize; 3],
    /// Orbit angles (radians).
    pub yaw: f32,
    /// See `yaw`.
    pub pitch: f32,
    /// Zoom factor.
    pub zoom: f32,
    /// Pan in screen points.
    pub pan: [f32; 2],
}

impl Default for Camera {
    fn default() -> Self {
        Self { three_d: false, axes: [0, 1, 2], yaw: 0.6, pitch: 0.4, zoom: 1.0, pan: [0.0, 0.0] }
    }
}

impl Camera {
    /// Project map coordinates (already on the chosen axes) to a unit-scaled 2-D point and a
    /// depth (larger is nearer), by yaw then pitch in 3-D.
    pub fn project(&self, p: [f64; 3]) -> ([f32; 2], f32) {
        let [x, y, z] = p.map(|v| v as f32);
        if !self.three_d {
            return ([x, y], 0.0);
        }
        let (sy, cy) = self.yaw.sin_cos();
        let (sp, cp) = self.pitch.sin_cos();
        let x1 = cy * x + sy * z;
        let z1 = -sy * x + cy * z;
        let y2 = cp * y - sp * z1;
        let z2 = sp * y + cp * z1;
        ([x1, y2], z2)
    }
}

/// The run as the worker reports it.
#[derive(Default)]
pub struct RunView {
    /// The loaded conversation.
    pub summary: Option<LoadSummary>,
    /// The options of the loaded run.
    pub options: Option<AnalysisOptions>,
    /// Latest progress.
    pub progress: Option<Progress>,
    /// Latest frame.
    pub frame: Option<Arc<Frame>>,
    /// The run reached the end.
    pub finished: bool,
    /// The worker died.
    pub worker_dead: bool,
    /// Timing history: segments per backend, switches, live rates.
    pub timeline: Timeline,
    /// A backend being started (the GPU takes a while), until the worker answers.
    pub starting: Option<Backend>,
    /// Why the GPU could not be used, from the last attempt (shown on the GPU button); cleared
    /// when a switch to it succeeds.
    pub gpu_problem: Option<String>,
    /// The run's timeline (the Time tab), once computed.
    pub time: TimeView,
    /// The run's replicate ensemble (the map's ellipses, the inspector's intervals).
    pub stability: StabilityView,
}

/// An ensemble of the run on show (at its end) and its per-concept stability.
#[derive(Debug, Default)]
pub struct StabilityView {
    /// The ensemble, once computed.
    pub ensemble: Option<Arc<crate::run::ensemble::Ensemble>>,
    /// Each concept's row in the ensemble, by label (looked up per map entry and frame).
    index: rustc_hash::FxHashMap<String, usize>,
    /// An ensemble is being computed (the request it answers).
    pub computing: Option<u64>,
    /// Ellipses the map drew in its last frame (`None`: none were asked for or possible).
    pub drawn: Option<usize>,
}

impl StabilityView {
    /// Show `ensemble`.
    pub fn set(&mut self, ensemble: Arc<crate::run::ensemble::Ensemble>) {
        self.index = ensemble.concepts.iter().enumerate().map(|(k, c)| (c.concept.clone(), k)).collect();
        self.ensemble = Some(ensemble);
    }

    /// The stability of the concept labelled `label`, if the ensemble has it.
    pub fn of(&self, label: &str) -> Option<&crate::analysis::stability::ConceptStability> {
        self.ensemble.as_ref()?.concepts.get(*self.index.get(label)?)
    }
}

/// The Time tab's results.
#[derive(Debug, Default)]
pub struct TimeView {
    /// The timeline of the run on show.
    pub timeline: Option<Arc<crate::run::timeline::Timeline>>,
    /// A timeline is being computed (the request it answers).
    pub computing: Option<u64>,
}

impl RunView {
    /// Remember why the GPU could not be used, if `notice` says so.
    pub fn note_gpu(&mut self, notice: &Notice) {
        match notice {
            Notice::GpuUnavailable { reason } | Notice::GpuFallback { reason, .. } => {
                self.gpu_problem = Some(reason.to_string());
            }
            _ => {}
        }
    }

    /// A progress event.
    pub fn on_progress(&mut self, p: Progress) {
        self.progress = Some(p);
    }

    /// A frame: keep it and add its figures to the timeline.
    pub fn on_frame(&mut self, frame: Arc<Frame>) {
        self.timeline.push(Point {
            t: frame.elapsed_secs,
            backend: frame.backend,
            running: frame.running,
            steps: frame.stats.steps(),
            tokens: frame.stats.tokens(),
            engine_secs: frame.engine_secs,
            kernels: frame.kernels.iter().map(|k| (k.kernel, k.total_secs)).collect(),
        });
        self.frame = Some(frame);
    }

    /// The timing method of the latest frame.
    pub fn timing_method(&self) -> Option<TimingMethod> {
        self.frame.as_ref().map(|f| f.timing)
    }
}

/// The widgets' own state: tab, camera, selection and the text of every query box.
#[derive(Default)]
pub struct Widgets {
    /// Central tab.
    pub tab: Tab,
    /// Map camera.
    pub camera: Camera,
    /// Map search text.
    pub search: String,
    /// Selected concept (label).
    pub selected: Option<String>,
    /// Concepts (comma-separated) whose shared associations the Network tab lists.
    pub shared_query: String,
    /// The second concept of the inspector's pair view.
    pub pair_with: String,
    /// The inspector's look-up field (any word of the network).
    pub lookup: String,
    /// Undo history of the speaker edits (the conversation's; cleared when another opens).
    pub speaker_undo: SpeakerUndo,
    /// Learning speed in exchanges per second, when limited (`None`: as fast as possible).
    pub speed: Option<f64>,
    /// Kill words being typed to add to the chosen list.
    pub kill_add: String,
    /// Kill words being typed to take out of the chosen list.
    pub kill_remove: String,
    /// Concepts (comma-separated) whose masses the Network tab compares.
    pub mass_query: String,
    /// Cascade inputs (comma-separated words) and strength.
    pub cascade_inputs: String,
    /// See `cascade_inputs`.
    pub cascade_strength: f64,
    /// The cascade on show.
    pub cascade: Option<CascadeView>,
    /// The help window (shortcuts, version) is shown.
    pub help_open: bool,
    /// How the map colours its concepts (by mass, or by Leiden cluster with a legend).
    pub map_colour: crate::export::figure::Colouring,
    /// Figures and questionnaires from the Export menu: size, DPI, background, questions.
    pub figure: FigureSettings,
    /// The concepts table's sort: column and whether ascending (the default, `(Mass, false)`,
    /// puts the heaviest concept first).
    pub concepts_sort: (ConceptColumn, bool),
    /// The Time tab's choices and playback.
    pub time: TimeWidgets,
    /// The map's stability ensemble: size, resampling, whether ellipses are drawn.
    pub stability: StabilityWidgets,
}

/// What the map's stability ensemble runs, and whether its ellipses are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StabilityWidgets {
    /// Replicates (seeds `S`, `S + 1`, …).
    pub replicates: usize,
    /// Each replicate also resamples the exchanges (bootstrap).
    pub bootstrap: bool,
    /// Draw each concept's 95% ellipse on the map.
    pub ellipses: bool,
}

impl Default for StabilityWidgets {
    fn default() -> Self {
        Self { replicates: 32, bootstrap: false, ellipses: true }
    }
}

/// What the Time tab computes and how it plays.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeWidgets {
    /// A row every this many exchanges (0: about a hundred rows over the run).
    pub every: usize,
    /// Which concepts each row maps.
    pub concepts: TimeConcepts,
    /// Concepts (comma-separated) whose mass and associations are followed and trails drawn;
    /// the selected concept is followed too.
    pub track: String,
    /// Playback speed, exchanges per second.
    pub speed: f64,
    /// Playing: forward or back.
    pub play: Option<Play>,
    /// The animation's frames per second and size in pixels (the Export menu's GIF).
    pub fps: f64,
    /// See `fps`.
    pub size_px: [u32; 2],
}

impl Default for TimeWidgets {
    fn default() -> Self {
        let a = crate::export::animation::AnimationOptions::default();
        Self {
            every: 0,
            concepts: TimeConcepts::AtEnd,
            track: String::new(),
            speed: 10.0,
            play: None,
            fps: a.fps,
            size_px: [a.width, a.height],
        }
    }
}

/// Which concepts the Time tab's rows map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeConcepts {
    /// Each row its own top N (as the map at that exchange).
    EachRow,
    /// The end's top N in every row (positions compare over time).
    AtEnd,
    /// The top N at the exchange on show when the timeline is computed, in every row.
    OnShow,
}

/// Playback in progress: the slider moves by itself, one seek at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Play {
    /// Towards the end (or the start).
    pub forward: bool,
    /// When the last step was sent.
    pub last: std::time::Instant,
    /// The exchange the last seek asked for, until its frame arrives.
    pub awaiting: Option<usize>,
}

/// What the Export menu's figures and questionnaire are made with.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureSettings {
    /// Width in millimetres.
    pub width_mm: f64,
    /// Height in millimetres.
    pub height_mm: f64,
    /// PNG resolution.
    pub dpi: f64,
    /// No background.
    pub transparent: bool,
    /// The questionnaire's choices.
    pub questions: crate::export::questionnaire::Choices,
}

impl Default for FigureSettings {
    fn default() -> Self {
        let f = crate::export::figure::FigureOptions::default();
        Self {
            width_mm: f.width_mm,
            height_mm: f.height_mm,
            dpi: 300.0,
            transparent: false,
            questions: crate::export::questionnaire::Choices::default(),
        }
    }
}

/// A column of the concepts table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConceptColumn {
    /// The label.
    Concept,
    /// Leiden cluster.
    Cluster,
    /// Fraction of seeds in its modal cluster.
    Stability,
    /// Concept mass.
    #[default]
    Mass,
    /// Weighted out-degree.
    StrengthOut,
    /// Weighted in-degree.
    StrengthIn,
    /// Betweenness.
    Betweenness,
    /// Eigenvector centrality.
    Eigenvector,
    /// PageRank.
    PageRank,
}

/// Undo history of a conversation's speaker edits.
#[derive(Clone, Debug, Default)]
pub struct SpeakerUndo {
    /// Earlier edits, the latest last (at most 100).
    pub steps: Vec<crate::model::options::SpeakerEdits>,
    /// The edits when a rename field took focus (one undo step when it loses focus).
    pub typing: Option<crate::model::options::SpeakerEdits>,
}

impl SpeakerUndo {
    /// Remember `edits` as the state to return to.
    pub fn push(&mut self, edits: crate::model::options::SpeakerEdits) {
        self.steps.push(edits);
        if self.steps.len() > 100 {
            self.steps.remove(0);
        }
    }
}

/// Results of background measurements.
#[derive(Default)]
pub struct Results {
    /// The measurement running, if any (what the jobs report).
    pub measuring: Option<&'static str>,
    /// The conversation on both backends.
    pub comparison: Option<Vec<BackendRun>>,
    /// Size-sweep rows for the crossover chart.
    pub sweep: Option<Vec<SweepRow>>,
    /// The measurement a running sweep is at.
    pub sweep_step: Option<SweepStep>,
}

/// What the app itself has to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Info {
    /// A conversation file is being read.
    Opening(PathBuf),
    /// A conversation is loaded and ready (its name, exchanges, tokens kept).
    Loaded(String, usize, usize),
    /// A session was opened.
    SessionOpened(PathBuf),
    /// A session was saved.
    SessionSaved(PathBuf),
    /// An export or script output was written.
    Wrote(PathBuf),
    /// The run moved to another backend.
    NowRunningOn(String),
    /// The run was stopped.
    Stopped,
    /// The compute thread did not take a command.
    WorkerBusy,
    /// The compute thread is gone.
    WorkerDied,
    /// A measurement is already running.
    MeasurementRunning,
    /// An export before the first frame.
    NothingToExport,
    /// A figure could not be drawn (an axis the map lacks, a size out of bounds).
    Figure(String),
    /// A questionnaire needs two concepts to pair; the map has this many.
    TooFewToAsk(usize),
    /// A session save before the first frame.
    NothingToSave,
    /// A file dialog is already open.
    DialogOpen,
    /// A folder has more entries than the built-in browser lists.
    FolderTruncated(PathBuf),
    /// No native file dialog answered: the in-app browser is shown instead.
    NativeDialog(super::jobs::DialogError),
    /// The settings could not be read: this session's settings are not saved over them.
    SettingsNotSaved,
    /// None of the cascade's inputs is a concept.
    NoCascadeInput,
    /// The stability ensemble asked for would repeat one run (why).
    IdenticalReplicates(String),
}

impl std::fmt::Display for Info {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Opening(p) => write!(f, "opening {}…", p.display()),
            Self::Loaded(name, exchanges, tokens) => {
                write!(f, "{name}: {exchanges} exchanges, {tokens} tokens kept")
            }
            Self::SessionOpened(p) => write!(f, "session {} opened", p.display()),
            Self::SessionSaved(p) => write!(f, "session saved to {}", p.display()),
            Self::Wrote(p) => write!(f, "wrote {}", p.display()),
            Self::NowRunningOn(device) => write!(f, "now running on {device}"),
            Self::Stopped => f.write_str("run stopped; Restart runs it again"),
            Self::WorkerBusy => f.write_str("the compute thread is busy or stopped; try again"),
            Self::WorkerDied => f.write_str("the compute thread stopped unexpectedly; restart Huey"),
            Self::MeasurementRunning => f.write_str("a measurement is already running"),
            Self::NothingToExport => f.write_str("nothing to export yet"),
            Self::Figure(e) => write!(f, "no figure: {e}"),
            Self::TooFewToAsk(n) => {
                write!(f, "no questionnaire: it pairs at least 2 concepts, and the map has {n}")
            }
            Self::NothingToSave => f.write_str("nothing to save yet"),
            Self::DialogOpen => f.write_str("a file dialog is already open"),
            Self::FolderTruncated(p) => write!(
                f,
                "{} has more than {} entries: the first ones are listed (type a path to go elsewhere)",
                p.display(),
                crate::io::listing::MAX_ENTRIES
            ),
            Self::NativeDialog(why) => write!(f, "{why}; using the built-in file browser"),
            Self::NoCascadeInput => f.write_str("none of the cascade inputs is a concept of the network"),
            Self::IdenticalReplicates(why) => write!(f, "{why}; tick bootstrap exchanges to vary them"),
            Self::SettingsNotSaved => {
                f.write_str("this session's settings will not be saved, so the settings file stays as it is")
            }
        }
    }
}

/// A message for the user, typed by where it comes from.
#[derive(Debug, thiserror::Error)]
pub enum Message {
    /// About the run (a GPU fallback, detection limits, a lossy file, …).
    #[error(transparent)]
    Run(#[from] Notice),
    /// A command to the compute thread failed.
    #[error(transparent)]
    Worker(#[from] WorkerError),
    /// A background job failed.
    #[error(transparent)]
    Job(#[from] JobError),
    /// The settings file was not usable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// What the app did.
    #[error("{0}")]
    App(Info),
}

impl From<Info> for Message {
    fn from(info: Info) -> Self {
        Self::App(info)
    }
}

/// Messages for the user, newest last (at most 50).
#[derive(Debug, Default)]
pub struct Notices {
    /// Each message and when it came.
    pub list: Vec<(Message, Instant)>,
}

impl Notices {
    /// Show a message.
    pub fn push(&mut self, message: impl Into<Message>) {
        self.list.push((message.into(), Instant::now()));
        if self.list.len() > 50 {
            self.list.remove(0);
        }
    }

    /// The newest message.
    pub fn last(&self) -> Option<&Message> {
        self.list.last().map(|(m, _)| m)
    }

    /// Whether any message satisfies `pred` (tests).
    pub fn any(&self, pred: impl Fn(&Message) -> bool) -> bool {
        self.list.iter().any(|(m, _)| pred(m))
    }
}

/// How responsive the app was during a run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Responsiveness {
    /// Frames drawn.
    pub ui_frames: usize,
    /// The app's own work per frame (event draining and building the UI; not rendering).
    pub work_median_ms: f64,
    /// See `work_median_ms`.
    pub work_p99_ms: f64,
    /// See `work_median_ms`.
    pub work_max_ms: f64,
    /// Worker frames (network + map) received.
    pub map_refreshes: usize,
    /// Their rate while the run lasted.
    pub map_refreshes_per_sec: f64,
    /// The longest wait between two of them.
    pub longest_map_gap_secs: f64,
}

/// The app's own cost per frame and when worker frames arrived.
#[derive(Default)]
pub struct FramePerf {
    /// Seconds of the app's own work per frame (everything but the renderer).
    pub work: Vec<f64>,
    /// When each worker frame (map refresh) arrived.
    pub arrivals: Vec<Instant>,
}

impl FramePerf {
    /// Figures for docs/BENCHMARKS.md: the app's work per frame and how often the map refreshed.
    pub fn responsiveness(&self) -> Responsiveness {
        let (median, p99) = percentiles(&self.work).unwrap_or((0.0, 0.0));
        let gaps: Vec<f64> = self.arrivals.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect();
        let max_gap = gaps.iter().copied().fold(0.0, f64::max);
        let span = match (self.arrivals.first(), self.arrivals.last()) {
            (Some(a), Some(b)) => (*b - *a).as_secs_f64(),
            _ => 0.0,
        };
        Responsiveness {
            ui_frames: self.work.len(),
            work_median_ms: median,
            work_p99_ms: p99,
            work_max_ms: self.work.iter().copied().fold(0.0, f64::max) * 1e3,
            map_refreshes: self.arrivals.len(),
            map_refreshes_per_sec: if span > 0.0 { (self.arrivals.len() - 1) as f64 / span } else { 0.0 },
            longest_map_gap_secs: max_gap,
        }
    }

    /// Record one frame's work (the oldest half is dropped past 200,000 frames).
    pub fn record(&mut self, secs: f64) {
        if self.work.len() >= 200_000 {
            self.work.drain(..100_000);
        }
        self.work.push(secs);
    }

    /// Record a worker frame's arrival (the oldest half is dropped past 200,000).
    pub fn arrived(&mut self) {
        if self.arrivals.len() >= 200_000 {
            self.arrivals.drain(..100_000);
        }
        self.arrivals.push(Instant::now());
    }

    /// Median and 99th percentile over the last 300 frames, in ms (the status bar).
    pub fn recent_ms(&self) -> Option<(f64, f64)> {
        percentiles(&self.work[self.work.len().saturating_sub(300)..])
    }
}

/// Everything the panels read.
#[derive(Default)]
pub struct View {
    /// The run.
    pub run: RunView,
    /// Widget state.
    pub widgets: Widgets,
    /// Measurement results.
    pub results: Results,
    /// Figures derived from the frame on show, computed once per frame and only when a panel
    /// asks (not in every UI frame).
    pub derived: Derived,
    /// Messages.
    pub notices: Notices,
    /// Frame costs.
    pub perf: FramePerf,
    /// The system font added for CJK glyphs, if one was found.
    pub cjk_font: Option<std::path::PathBuf>,
    /// The Corpus tab: the folder opened, its pool and the comparison on show.
    pub corpus: CorpusView,
}

/// The Corpus tab's results and choices (they outlive the run on show).
#[derive(Debug, Default)]
pub struct CorpusView {
    /// The folder opened as a corpus.
    pub corpus: Option<Arc<super::jobs::corpus::Corpus>>,
    /// A folder is being read (the request it answers).
    pub opening: Option<u64>,
    /// The corpus network.
    pub pooled: Option<Arc<crate::run::pipeline::Analysis>>,
    /// The comparison on show.
    pub compared: Option<Arc<super::jobs::corpus::Compared>>,
    /// A pool or comparison is being computed (what).
    pub working: Option<&'static str>,
    /// The rows (by index) in group A and in group B.
    pub group_a: std::collections::BTreeSet<usize>,
    /// See `group_a`.
    pub group_b: std::collections::BTreeSet<usize>,
    /// The two speakers of the conversation on show to compare.
    pub speaker_a: String,
    /// See `speaker_a`.
    pub speaker_b: String,
}

impl View {
    /// Forget the previous run.
    pub fn reset_run(&mut self) {
        self.run = RunView::default();
        self.derived = Derived::default();
    }

    /// A frame from the worker.
    pub fn on_frame(&mut self, frame: Arc<Frame>) {
        self.run.on_frame(frame);
        self.derived = Derived::default();
        self.perf.arrived();
    }
}

fn percentiles(samples: &[f64]) -> Option<(f64, f64)> {
    if samples.is_empty() {
        return None;
    }
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize] * 1e3;
    Some((at(0.5), at(0.99)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camera_projection_is_identity_in_2d_and_a_rotation_in_3d() {
        let mut c = Camera::default();
        assert_eq!(c.project([1.0, 2.0, 3.0]).0, [1.0, 2.0]);
        c.three_d = true;
        for p in [[1.0, 0.0, 0.0], [0.3, -2.0, 1.5]] {
            let ([x, y], z) = c.project(p);
            let len = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) as f32;
            assert!((x * x + y * y + z * z - len).abs() < 1e-5, "rotations keep lengths");
        }
        c.yaw = 0.0;
        c.pitch = 0.0;
        assert_eq!(c.project([1.0, 2.0, 3.0]), ([1.0, 2.0], 3.0));
    }
}
