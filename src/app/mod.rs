//! The desktop application (eframe/egui): open a conversation, watch the network learn on the
//! compute thread, explore the concept map, compare CPU and GPU.
//!
//! `HueyApp` owns the settings, the view state and the handle of the compute worker. Per frame,
//! `logic` drains the worker's events within a time budget; `ui` draws the panels, which
//! return `Action`s applied in one place (`apply`). The UI thread never waits on the worker.

pub mod compare;
pub mod export;
mod panels;
pub mod settings;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::compute::Backend;
use crate::compute::worker::{Command, ComputeHandle, Event, LoadRequest, spawn_worker};
use crate::io::session::{SESSION_VERSION, SessionFile, text_hash};
use crate::text::kill_words::KillList;
pub use settings::Settings;
use view::View;

/// The bundled sample conversation.
pub const SAMPLE_NAME: &str = "sample conversation (bundled)";

/// Something the user asked for; panels return these, `apply` carries them out.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Read and load a conversation file.
    Open(PathBuf),
    /// Load the bundled sample.
    OpenSample,
    /// Reload the current conversation with the current settings (a fresh run).
    Restart,
    /// Run to the end.
    Run,
    /// Pause.
    Pause,
    /// One exchange.
    Step,
    /// End the run where it is (cancel): the network so far stays on show.
    Stop,
    /// Move the run to a backend.
    SwitchBackend(Backend),
    /// Recompute the map with the current map options.
    Remap,
    /// Save the current state as a session file.
    SaveSession(PathBuf),
    /// Reopen a session file.
    OpenSession(PathBuf),
    /// Select a concept by label (`None` clears).
    Select(Option<String>),
    /// Run the current conversation on the CPU and the GPU, side by side.
    CompareBackends,
    /// Run the size sweep (sizes, seconds per run) for the crossover chart.
    RunSweep(Vec<usize>, f64),
    /// Load sweep rows from `huey bench --sweep --json` output.
    LoadSweep(PathBuf),
    /// Write the concepts (word, id, mass, activation) as CSV.
    ExportConcepts(PathBuf),
    /// Write a Markdown analysis report.
    ExportReport(PathBuf),
}

/// The input being analysed.
#[derive(Clone, Debug)]
pub struct Source {
    /// Display name.
    pub name: String,
    /// File path, when it came from a file.
    pub path: Option<PathBuf>,
    /// The text.
    pub text: Arc<String>,
}

/// Scripted start for screenshots and measurements (`huey --run --tab … --exit-after …`).
#[derive(Clone, Debug, Default)]
pub struct Autopilot {
    /// Start running as soon as the conversation is loaded.
    pub run: bool,
    /// Tab to show: map, map3d, timing, spectrum, inspector, speakers.
    pub tab: Option<String>,
    /// Concept to select.
    pub select: Option<String>,
    /// Seconds after the run's end to take the screenshot / write the report and close.
    pub exit_after: Option<f64>,
    /// Save a screenshot (PNG) here before closing.
    pub screenshot: Option<PathBuf>,
    /// Write frame-cost and map-refresh figures (JSON) here before closing.
    pub report: Option<PathBuf>,
    pub(crate) started: bool,
    pub(crate) finished_at: Option<Instant>,
    pub(crate) requested: bool,
    pub(crate) shot_done: Arc<std::sync::atomic::AtomicBool>,
}

/// The application.
pub struct HueyApp {
    /// Scripted start, if any.
    pub autopilot: Option<Autopilot>,
    /// Persisted settings.
    pub settings: Settings,
    settings_path: Option<PathBuf>,
    /// Everything the panels show.
    pub view: View,
    worker: ComputeHandle,
    source: Option<Source>,
    jobs: compare::Jobs,
}

impl HueyApp {
    /// A new app whose worker wakes `ctx`; settings from `settings_path` when given.
    pub fn new(ctx: &egui::Context, settings_path: Option<PathBuf>) -> std::io::Result<Self> {
        let waker_ctx = ctx.clone();
        let worker = spawn_worker(Box::new(move || waker_ctx.request_repaint_after(Duration::from_millis(5))))?;
        let mut view = View::default();
        let settings = match &settings_path {
            Some(path) => {
                let (settings, problem) = Settings::load(path);
                if let Some(p) = problem {
                    view.notify(p);
                }
                settings
            }
            None => Settings::default(),
        };
        Ok(Self {
            autopilot: None,
            settings,
            settings_path,
            view,
            worker,
            source: None,
            jobs: compare::Jobs::default(),
        })
    }

    /// Start with `file`, or the bundled sample.
    pub fn start(&mut self, file: Option<&Path>) {
        match file {
            Some(path) => self.apply(Action::Open(path.to_owned())),
            None => self.apply(Action::OpenSample),
        }
    }

    /// The current input.
    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    fn kill_list(&mut self) -> KillList {
        match self.settings.kill.as_str() {
            "none" => KillList::empty(),
            "custom" => KillList::parse(&self.settings.kill_custom),
            "file" => match self.settings.kill_file.as_deref().map(crate::io::kill_list::read) {
                Some(Ok(k)) => k,
                Some(Err(e)) => {
                    self.view.notify(format!("kill list not used: {e}"));
                    KillList::empty()
                }
                None => KillList::empty(),
            },
            lang => KillList::bundled(lang).unwrap_or_default(),
        }
    }

    fn load(&mut self, source: Source) {
        let request = LoadRequest {
            name: source.name.clone(),
            text: Arc::clone(&source.text),
            opts: self.settings.options.clone(),
            kill: self.kill_list(),
        };
        self.view.reset_run();
        self.source = Some(source);
        self.send(Command::Load(Box::new(request)));
    }

    fn send(&mut self, command: Command) {
        if !self.worker.send(command) {
            self.view.notify("the compute thread is busy or stopped; try again".to_owned());
        }
    }

    /// Carry out an action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Open(path) => match crate::io::document::read(&path) {
                Ok(doc) => {
                    for w in &doc.warnings {
                        self.view.notify(w.clone());
                    }
                    self.settings.remember(&path);
                    self.save_settings();
                    let name = path
                        .file_name()
                        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
                    self.load(Source { name, path: Some(path), text: Arc::new(doc.text) });
                }
                Err(e) => self.view.notify(e.to_string()),
            },
            Action::OpenSample => self.load(Source {
                name: SAMPLE_NAME.to_owned(),
                path: None,
                text: Arc::new(crate::cli::SAMPLE_CONVERSATION.to_owned()),
            }),
            Action::Restart => {
                if let Some(source) = self.source.clone() {
                    self.save_settings();
                    self.load(source);
                }
            }
            Action::Run => self.send(Command::Run),
            Action::Pause => self.send(Command::Pause),
            Action::Step => self.send(Command::Step),
            Action::Stop => {
                self.send(Command::Pause);
                self.view.finished = true;
                self.view.notify("run stopped; Restart runs it again".to_owned());
            }
            Action::SwitchBackend(b) => {
                self.settings.options.backend = b;
                self.send(Command::SwitchBackend(b));
            }
            Action::Remap => {
                let map = self.settings.options.map.clone();
                self.send(Command::Frame(map));
            }
            Action::SaveSession(path) => self.save_session(&path),
            Action::OpenSession(path) => self.open_session(&path),
            Action::Select(label) => self.view.selected = label,
            Action::CompareBackends => {
                let Some(source) = &self.source else { return };
                let (text, opts) = (Arc::clone(&source.text), self.settings.options.clone());
                let kill = self.kill_list();
                if !self.jobs.compare(text, opts, kill) {
                    self.view.notify("a measurement is already running".to_owned());
                }
            }
            Action::RunSweep(sizes, secs) => {
                if !self.jobs.sweep(sizes, secs) {
                    self.view.notify("a measurement is already running".to_owned());
                }
            }
            Action::ExportConcepts(path) => self.export(&path, export::concepts_csv),
            Action::ExportReport(path) => self.export(&path, export::report_markdown),
            Action::LoadSweep(path) => match compare::load_sweep(&path) {
                Ok(rows) => self.view.sweep = Some(rows),
                Err(e) => self.view.notify(e),
            },
        }
    }

    fn export(&mut self, path: &Path, render: fn(&view::View) -> Option<String>) {
        let Some(text) = render(&self.view) else {
            return self.view.notify("nothing to export yet".to_owned());
        };
        match crate::io::atomic::write(path, text.as_bytes()) {
            Ok(()) => self.view.notify(format!("wrote {}", path.display())),
            Err(e) => self.view.notify(format!("cannot write {}: {e}", path.display())),
        }
    }

    fn save_session(&mut self, path: &Path) {
        let (Some(source), Some(frame)) = (&self.source, &self.view.frame) else {
            self.view.notify("nothing to save yet".to_owned());
            return;
        };
        let session = SessionFile {
            version: SESSION_VERSION,
            source: source.path.as_ref().map_or_else(|| "sample".to_owned(), |p| p.display().to_string()),
            text_hash: text_hash(&source.text),
            options: self.view.run_options.clone().unwrap_or_else(|| self.settings.options.clone()),
            done: frame.done,
            stats: frame.stats,
            network: frame.network.clone(),
        };
        match session.save(path) {
            Ok(()) => self.view.notify(format!("session saved to {} ({} exchanges done)", path.display(), frame.done)),
            Err(e) => self.view.notify(e.to_string()),
        }
    }

    fn open_session(&mut self, path: &Path) {
        let session = match SessionFile::load(path) {
            Ok(s) => s,
            Err(e) => return self.view.notify(e.to_string()),
        };
        let text = if session.source == "sample" {
            crate::cli::SAMPLE_CONVERSATION.to_owned()
        } else {
            match crate::io::document::read(Path::new(&session.source)) {
                Ok(doc) => doc.text,
                Err(e) => return self.view.notify(format!("the session's conversation cannot be read: {e}")),
            }
        };
        if text_hash(&text) != session.text_hash {
            return self
                .view
                .notify(format!("{} changed since the session was saved; session not opened", session.source));
        }
        let (name, file) = if session.source == "sample" {
            (SAMPLE_NAME.to_owned(), None)
        } else {
            (
                Path::new(&session.source)
                    .file_name()
                    .map_or(session.source.clone(), |n| n.to_string_lossy().into_owned()),
                Some(PathBuf::from(&session.source)),
            )
        };
        self.settings.options = session.options.clone();
        self.load(Source { name, path: file, text: Arc::new(text) });
        self.send(Command::Restore(Box::new((session.network, session.stats, session.done))));
        self.view.notify(format!("session {} opened", path.display()));
    }

    fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            self.view.notify(format!("settings not saved: {e}"));
        }
    }

    /// Per-frame work outside drawing: drain the worker's events within ~5 ms.
    pub fn drain_events(&mut self) {
        let budget = Instant::now();
        while budget.elapsed() < Duration::from_millis(5) {
            let Some(event) = self.worker.try_recv() else { break };
            match event {
                Event::Loaded(summary) => {
                    self.view.run_options = Some(self.settings.options.clone());
                    for w in &summary.warnings {
                        self.view.notify(w.clone());
                    }
                    self.view.summary = Some(*summary);
                }
                Event::Progress(p) => self.view.on_progress(p),
                Event::Frame(frame) => self.view.on_frame(frame),
                Event::Notice(n) => self.view.notify(n),
                Event::Finished => self.view.finished = true,
                Event::Failed(e) => self.view.notify(e),
            }
        }
        self.view.job = self.jobs.running;
        match self.jobs.poll() {
            Some(compare::JobResult::Compare(runs)) => {
                for w in runs.iter().flat_map(|r| &r.warnings) {
                    self.view.notify(w.clone());
                }
                self.view.comparison = Some(runs);
            }
            Some(compare::JobResult::Sweep(rows)) => self.view.sweep = Some(rows),
            Some(compare::JobResult::Failed(e)) => self.view.notify(e),
            None => {}
        }
        if self.worker.is_dead() && !self.view.worker_dead {
            self.view.worker_dead = true;
            self.view.notify("the compute thread stopped unexpectedly; restart Huey".to_owned());
        }
    }

    /// Draw everything into `ui` (the root of the window, or a test harness).
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        self.drain_events();
        let mut actions = Vec::new();
        egui::Panel::top("top").show(ui, |ui| panels::top_bar_ui(ui, self, &mut actions));
        egui::Panel::bottom("status").show(ui, |ui| panels::status_ui(ui, &mut self.view));
        egui::Panel::left("settings").resizable(true).default_size(280.0).show(ui, |ui| {
            egui::ScrollArea::vertical()
                .show(ui, |ui| panels::settings_ui(ui, &mut self.settings, &self.view, &mut actions));
        });
        egui::CentralPanel::default()
            .show(ui, |ui| panels::central_ui(ui, &mut self.view, &mut self.settings, &mut actions));
        for action in actions {
            self.apply(action);
        }
        self.view.record_frame_work(started.elapsed().as_secs_f64());
    }
}

impl HueyApp {
    /// Drive the scripted start; returns whether the window should close now.
    fn autopilot_step(&mut self, ctx: &egui::Context) -> bool {
        let Some(mut pilot) = self.autopilot.take() else { return false };
        let mut close = false;
        if !pilot.started && self.view.summary.is_some() {
            pilot.started = true;
            match pilot.tab.as_deref() {
                Some("map3d") => self.view.camera.three_d = true,
                Some("timing") => self.view.tab = view::Tab::Timing,
                Some("spectrum") => self.view.tab = view::Tab::Spectrum,
                Some("inspector") => self.view.tab = view::Tab::Inspector,
                Some("speakers") => self.view.tab = view::Tab::Speakers,
                _ => {}
            }
            self.view.selected.clone_from(&pilot.select);
            if pilot.run {
                self.apply(Action::Run);
            }
        }
        if self.view.finished && pilot.finished_at.is_none() {
            pilot.finished_at = Some(Instant::now());
        }
        if let (Some(at), Some(after)) = (pilot.finished_at, pilot.exit_after)
            && at.elapsed().as_secs_f64() >= after
        {
            if let Some(path) = &pilot.report {
                let report = self.view.responsiveness();
                let _ = std::fs::write(path, serde_json::to_string_pretty(&report).unwrap_or_default());
            }
            match (&pilot.screenshot, pilot.requested) {
                (Some(path), false) => {
                    let (path, done) = (path.clone(), Arc::clone(&pilot.shot_done));
                    ctx.request_screenshot(move |image| {
                        let _ = write_png(&path, &image);
                        done.store(true, std::sync::atomic::Ordering::Release);
                    });
                    pilot.requested = true;
                }
                (Some(_), true) => close = pilot.shot_done.load(std::sync::atomic::Ordering::Acquire),
                (None, _) => close = true,
            }
        }
        ctx.request_repaint_after(Duration::from_millis(50));
        self.autopilot = Some(pilot);
        close
    }
}

/// A screenshot as PNG.
fn write_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, rgba).ok_or("screenshot size mismatch")?;
    buffer.save(path).map_err(|e| e.to_string())
}

impl eframe::App for HueyApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let dropped = ui.ctx().input(|i| {
            i.raw.dropped_files.first().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.apply(Action::Open(path));
        }
        self.ui_root(ui);
        if self.autopilot_step(ui.ctx()) {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn on_exit(&mut self) {
        self.save_settings();
    }
}

/// Settings given on the command line for one session (not saved).
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    /// Vocabulary cap.
    pub max_neurons: Option<usize>,
    /// Learning engine.
    pub engine: Option<crate::pipeline::EngineKind>,
}

/// Open the window (`huey` with no subcommand); `file` or the bundled sample; `overrides`
/// apply to this session; `autopilot` scripts the start.
pub fn run(file: Option<PathBuf>, overrides: Overrides, autopilot: Option<Autopilot>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1280.0, 800.0]).with_title("Huey"),
        ..Default::default()
    };
    eframe::run_native(
        "Huey",
        options,
        Box::new(move |cc| {
            let mut app = HueyApp::new(&cc.egui_ctx, Settings::default_path())?;
            if let Some(n) = overrides.max_neurons {
                app.settings.options.temporal.max_neurons = n;
                app.settings.options.windowed.max_neurons = n;
            }
            if let Some(engine) = overrides.engine {
                app.settings.options.engine = engine;
            }
            app.autopilot = autopilot;
            app.start(file.as_deref());
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| e.to_string())
}
