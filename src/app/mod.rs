//! The desktop application (eframe/egui): open a conversation, watch the network learn on the
//! compute thread, explore the concept map, compare CPU and GPU.
//!
//! `HueyApp` owns the settings, the [`view::View`], the compute worker's handle and the job
//! threads. Per frame, `logic` (rerun's split) drains the worker's events and the jobs'
//! answers within a time budget and applies the user's [`Action`]s; `ui` only draws the
//! panels, which push `Action`s. The UI thread never waits on the worker and never touches a
//! file: reads and writes are [`jobs`] that answer as events.

mod action;
mod browser;
mod derived;
mod export;
mod icon;
pub mod jobs;
mod logic;
mod panels;
mod script;
mod scrub_bench;
pub(crate) mod shortcuts;
pub mod timeline;
pub mod view;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use action::Action;
pub use derived::Inspected;
use jobs::Jobs;
pub use script::Script;
pub use scrub_bench::{ScrubError, scrub_times};
use view::View;

use crate::io::settings::Settings;
use crate::model::options::EngineKind;
use crate::run::worker::{ComputeHandle, spawn_worker};

/// The bundled sample conversation's name in the app.
pub const SAMPLE_NAME: &str = "sample conversation (bundled)";

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

/// How `huey` opens the window: the file (or the sample), this session's overrides, and an
/// optional scripted start.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Conversation to open; the bundled sample when `None`.
    pub file: Option<PathBuf>,
    /// Vocabulary cap for this session (not saved).
    pub max_neurons: Option<usize>,
    /// Learning engine for this session (not saved).
    pub engine: Option<EngineKind>,
    /// Start from this preset's options (the engine as chosen).
    pub preset: Option<crate::model::options::Preset>,
    /// Scripted start (screenshots, responsiveness runs).
    pub script: Option<Script>,
}

/// Whether the settings file may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsStatus {
    /// Not read yet: nothing is saved until it is.
    Pending,
    /// Read (or absent): saves go to it.
    Usable,
    /// Damaged, newer or unreadable: never written over this session.
    Unusable,
}

/// The application.
pub struct HueyApp {
    /// Persisted settings.
    pub settings: Settings,
    /// Everything the panels show.
    pub view: View,
    settings_path: Option<PathBuf>,
    settings_status: SettingsStatus,
    /// A native file dialog is open (on a job thread).
    dialog_open: bool,
    /// The in-app file browser, while it is open.
    browser: Option<browser::Browser>,
    /// How native dialogs are shown (tests put their own).
    native_dialog: jobs::NativeDialog,
    /// A native dialog was missing or failed this session: the in-app browser is used.
    native_failed: bool,
    /// The window title and theme last sent to the window.
    title_shown: String,
    theme_shown: Option<crate::io::settings::Theme>,
    worker: ComputeHandle,
    jobs: Jobs,
    source: Option<Source>,
    /// The latest conversation request; older answers are ignored.
    request: u64,
    /// Timeline and ensemble requests made (each answer names its own; the view keeps the latest).
    job_requests: u64,
    /// Corpus requests made (the Corpus tab keeps the latest folder's answer).
    corpus_requests: u64,
    /// What to open once the settings have been read.
    pending_start: Option<Launch>,
    script: Option<script::Autopilot>,
    /// Run the next conversation as soon as it is loaded (a first launch on the sample, so the
    /// window never opens on an empty map).
    autorun: bool,
    /// The kill-list choice the conversation on show was loaded with: opening another
    /// conversation returns to the automatic choice only from this one (a list chosen since
    /// is meant for the next conversation).
    kill_of_run: Option<crate::text::kill_words::KillSource>,
    /// A system font read by its job, added to the drawing context at the next frame.
    pending_font: Option<(PathBuf, Vec<u8>)>,
}

impl HueyApp {
    /// A new app whose threads wake `ctx`. With `settings_path`, the settings are read by a
    /// job (the app starts on the defaults and applies them when they arrive).
    pub fn new(ctx: &egui::Context, settings_path: Option<PathBuf>) -> std::io::Result<Self> {
        let waker_ctx = ctx.clone();
        let wake: Arc<dyn Fn() + Send + Sync> =
            Arc::new(move || waker_ctx.request_repaint_after(Duration::from_millis(5)));
        let worker_wake = Arc::clone(&wake);
        let worker = spawn_worker(Box::new(move || worker_wake()))?;
        let jobs = Jobs::new(wake)?;
        jobs.load_cjk_font();
        jobs::watch_rfd_errors();
        if let Some(path) = &settings_path {
            jobs.load_settings(path.clone());
        }
        let settings_status = if settings_path.is_some() { SettingsStatus::Pending } else { SettingsStatus::Usable };
        Ok(Self {
            settings: Settings::default(),
            view: View::default(),
            settings_status,
            dialog_open: false,
            browser: None,
            native_dialog: Arc::new(jobs::rfd_dialog),
            native_failed: false,
            title_shown: String::new(),
            theme_shown: None,
            settings_path,
            worker,
            jobs,
            source: None,
            request: 0,
            job_requests: 0,
            corpus_requests: 0,
            pending_start: None,
            script: None,
            autorun: false,
            kill_of_run: None,
            pending_font: None,
        })
    }

    /// Start as `launch` says: its file or the bundled sample, after the settings arrive when
    /// they are being read.
    pub fn start(&mut self, launch: Launch) {
        if self.settings_path.is_some() {
            self.pending_start = Some(launch);
        } else {
            self.begin(launch);
        }
    }

    /// The current input.
    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    /// A measurement or file job the tests can wait for.
    pub fn measuring(&self) -> Option<&'static str> {
        self.jobs.measuring
    }

    /// Show native file dialogs with `dialog` instead of `rfd` (tests).
    pub fn set_native_dialog(&mut self, dialog: jobs::NativeDialog) {
        self.native_dialog = dialog;
    }

    /// Whether a file chooser (native or in-app) is open.
    pub fn choosing_file(&self) -> bool {
        self.dialog_open || self.browser.is_some()
    }

    /// The folder the in-app file browser shows, while it is open.
    pub fn browser_folder(&self) -> Option<&std::path::Path> {
        self.browser.as_ref().map(browser::Browser::folder)
    }

    /// Whether there is a run to save (a conversation, its summary and a frame).
    pub fn can_save(&self) -> bool {
        self.source.is_some() && self.view.run.summary.is_some() && self.view.run.frame.is_some()
    }

    /// Whether there is a network to export.
    pub fn can_export(&self) -> bool {
        self.view.run.frame.is_some()
    }

    /// Whether the run is going.
    pub fn running(&self) -> bool {
        self.view.run.progress.as_ref().is_some_and(|p| p.running)
    }

    /// Whether Run (or Step) can go on.
    pub fn can_run(&self) -> bool {
        self.view.run.summary.is_some() && !self.view.run.finished
    }

    /// The window title: "Huey — " and the conversation's name.
    pub fn window_title(&self) -> String {
        match &self.source {
            Some(s) => format!("Huey — {}", s.name),
            None => "Huey".to_owned(),
        }
    }

    /// One frame: the logic, then the drawing (what eframe does in two calls; tests use this).
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        self.logic();
        self.ui_root(ui);
        self.view.perf.record(started.elapsed().as_secs_f64());
    }

    /// Draw everything into `ui` (the root of the window, or a test harness).
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        if let Some((path, bytes)) = self.pending_font.take() {
            // Last in every family: egui's fonts draw what they can, this one the rest (CJK).
            use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
            let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
                .map(|family| InsertFontFamily { family, priority: FontPriority::Lowest });
            ui.ctx().add_font(FontInsert::new("cjk", egui::FontData::from_owned(bytes), families.to_vec()));
            self.view.cjk_font = Some(path);
        }
        let ctx = ui.ctx().clone();
        self.window_state(&ctx);
        let mut actions = Vec::new();
        shortcuts::shortcuts(&ctx, self, &mut actions);
        panels::root_ui(ui, self, &mut actions);
        let closed = self.browser.as_mut().and_then(|b| b.show(&ctx).map(|closed| (b.purpose, closed)));
        match closed {
            Some((purpose, closed)) => {
                self.browser = None;
                if let browser::Closed::Chosen(path) = closed {
                    actions.push(purpose.action(path));
                }
            }
            None => {
                if let Some(browser) = &mut self.browser {
                    for folder in browser.take_wanted() {
                        self.jobs.list_folder(folder);
                    }
                }
            }
        }
        if self.view.widgets.time.play.is_some() {
            // Playback steps on its own: frames keep coming until it stops.
            ctx.request_repaint_after(Duration::from_millis(15));
        }
        if self.dialog_open {
            // The dialog's answer wakes the window, but nothing else may while it is open:
            // keep frames coming so the window never looks frozen behind it.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        for action in actions {
            self.apply(action);
        }
    }

    /// Send the window its title and theme when they change.
    fn window_state(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.title_shown {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = title;
        }
        if self.theme_shown != Some(self.settings.theme) {
            use crate::io::settings::Theme;
            ctx.set_theme(match self.settings.theme {
                Theme::System => egui::ThemePreference::System,
                Theme::Light => egui::ThemePreference::Light,
                Theme::Dark => egui::ThemePreference::Dark,
            });
            self.theme_shown = Some(self.settings.theme);
        }
    }
}

impl eframe::App for HueyApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let dropped = ctx.input(|i| {
            i.raw.dropped_files.first().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.apply(Action::open(path));
        }
        let started = Instant::now();
        self.logic();
        if self.script_step(ctx) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.view.perf.record(started.elapsed().as_secs_f64());
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        self.ui_root(ui);
        if let Some(last) = self.view.perf.work.last_mut() {
            *last += started.elapsed().as_secs_f64();
        }
    }

    /// Save the settings and wait (a bounded time) for every write asked for, so nothing is
    /// lost with the process.
    fn on_exit(&mut self) {
        self.shutdown();
    }
}

/// The window could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("cannot open the app window: {0}")]
pub struct AppError(#[from] eframe::Error);

/// Open the window (`huey` with no subcommand) as `launch` says.
pub fn run(launch: Launch) -> Result<(), AppError> {
    let options = eframe::NativeOptions {
        viewport: {
            let v = egui::ViewportBuilder::default()
                .with_inner_size([1280.0, 800.0])
                .with_title("Huey")
                .with_app_id(icon::APP_ID);
            match icon::icon() {
                Some(i) => v.with_icon(std::sync::Arc::new(i)),
                None => v,
            }
        },
        ..Default::default()
    };
    eframe::run_native(
        "Huey",
        options,
        Box::new(move |cc| {
            let mut app = HueyApp::new(&cc.egui_ctx, Settings::default_path())?;
            app.start(launch);
            Ok(Box::new(app))
        }),
    )?;
    Ok(())
}
