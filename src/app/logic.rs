//! The app's logic, apart from drawing: start-up, the user's actions, and the events of the
//! compute worker and the job threads, drained within a time budget per frame.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::jobs::{JobDone, Measurement, Prepared, Purpose, SourceRequest, WriteKind};
use super::view::{Info, Play, TimeConcepts};
use super::{Action, HueyApp, Launch, SettingsStatus, export, script};

use crate::io::settings::FileChooser;
use crate::model::options::{AnalysisOptions, Backend};
use crate::run::notice::Notice;
use crate::run::worker::{Command, Event, LoadRequest, WorkerError};
use crate::text::kill_words::KillSource;

/// Time per frame for draining events.
const DRAIN_BUDGET: Duration = Duration::from_millis(5);

/// Most replicates the map's stability control runs (the CLI takes up to 100,000).
pub const MAX_APP_REPLICATES: usize = 1000;

impl HueyApp {
    /// Apply `launch`'s overrides and script, then open its file or the sample.
    pub(super) fn begin(&mut self, launch: Launch) {
        if let Some(preset) = launch.preset {
            let o = &mut self.settings.options;
            *o = AnalysisOptions { backend: o.backend, ..AnalysisOptions::preset(preset, o.engine.kind()) };
        }
        if let Some(n) = launch.max_neurons {
            self.settings.options.engine.common.max_neurons = n;
        }
        if let Some(engine) = launch.engine {
            self.settings.options.engine.set_kind(engine);
        }
        self.script = launch.script.map(script::Autopilot::new);
        match launch.file {
            Some(path) => self.apply(Action::open(path)),
            None => {
                // Without a file, the sample runs on its own (a script decides for itself).
                self.autorun = self.script.is_none();
                self.apply(Action::OpenSample);
            }
        }
    }

    /// Per-frame work outside drawing: the worker's events and the jobs' answers (within a
    /// time budget), and a dead worker noticed.
    pub fn logic(&mut self) {
        let started = Instant::now();
        while started.elapsed() < DRAIN_BUDGET {
            let Some(event) = self.worker.try_recv() else { break };
            self.on_event(event);
        }
        while started.elapsed() < DRAIN_BUDGET {
            let Some(done) = self.jobs.try_recv() else { break };
            self.on_job(done);
        }
        self.view.results.measuring = self.jobs.measuring;
        self.play_step();
        if self.worker.is_dead() && !self.view.run.worker_dead {
            self.view.run.worker_dead = true;
            self.view.notices.push(Info::WorkerDied);
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Loaded(summary) => {
                self.view.run.starting = None;
                self.view.run.options = Some(summary.options.clone());
                for w in &summary.warnings {
                    self.view.run.note_gpu(w);
                    self.view.notices.push(w.clone());
                }
                // "opening …" is answered (a warning pushed meanwhile stays the latest).
                let opening = matches!(self.view.notices.last(), Some(super::view::Message::App(Info::Opening(_))));
                if opening && summary.warnings.is_empty() {
                    self.view.notices.push(Info::Loaded(summary.name.clone(), summary.exchanges, summary.tokens));
                }
                self.view.run.summary = Some(*summary);
                if std::mem::take(&mut self.autorun) {
                    self.send(Command::Run);
                }
            }
            Event::Progress(p) => self.view.run.on_progress(p),
            Event::Frame(frame) => self.view.on_frame(frame),
            Event::Notice(n) => {
                self.view.run.note_gpu(&n);
                self.view.notices.push(n);
            }
            Event::BackendSwitched { backend, device } => {
                self.view.run.starting = None;
                if backend == Backend::Gpu {
                    self.view.run.gpu_problem = None;
                }
                self.view.notices.push(Info::NowRunningOn(device));
            }
            Event::Finished => self.view.run.finished = true,
            Event::Failed(e) => {
                if matches!(e, WorkerError::Seek { .. }) {
                    self.view.widgets.time.play = None;
                }
                if matches!(e, WorkerError::Switch { .. }) {
                    self.view.run.starting = None;
                }
                if let WorkerError::Switch { backend: Backend::Gpu, reason } = &e {
                    self.view.run.gpu_problem = Some(reason.to_string());
                }
                self.view.notices.push(e);
            }
        }
    }

    fn on_job(&mut self, done: JobDone) {
        match done {
            JobDone::Settings(settings, problem) => {
                self.settings = *settings;
                self.settings_status = match problem {
                    Some(p) => {
                        self.view.notices.push(p);
                        self.view.notices.push(Info::SettingsNotSaved);
                        SettingsStatus::Unusable
                    }
                    None => SettingsStatus::Usable,
                };
                if let Some(launch) = self.pending_start.take() {
                    self.begin(launch);
                }
            }
            JobDone::Prepared(prepared) => {
                if prepared.request == self.request {
                    if let Some(path) = prepared.source.path.clone() {
                        self.settings.remember(&path);
                        self.save_settings();
                    }
                    self.load(*prepared);
                }
            }
            JobDone::SessionOpened(opened) => {
                let (request, opened, path) = *opened;
                if request == self.request {
                    self.adopt(opened);
                    self.view.notices.push(Info::SessionOpened(path));
                }
            }
            JobDone::Timeline(request, timeline) => {
                if self.view.run.time.computing == Some(request) {
                    self.view.run.time.computing = None;
                    match timeline {
                        Ok(timeline) => self.view.run.time.timeline = Some(timeline),
                        Err(e) => self.view.notices.push(e),
                    }
                }
            }
            JobDone::Ensemble(request, ensemble) => {
                if self.view.run.stability.computing == Some(request) {
                    self.view.run.stability.computing = None;
                    match ensemble {
                        Ok(ensemble) => self.view.run.stability.set(ensemble),
                        Err(e) => self.view.notices.push(e),
                    }
                }
            }
            JobDone::Corpus(request, corpus) => {
                if self.view.corpus.opening == Some(request) {
                    self.view.corpus.opening = None;
                    match corpus {
                        Ok(corpus) => {
                            let c = &mut self.view.corpus;
                            (c.corpus, c.pooled, c.compared) = (Some(corpus), None, None);
                            c.group_a.clear();
                            c.group_b.clear();
                        }
                        Err(e) => self.view.notices.push(e),
                    }
                }
            }
            JobDone::Pooled(pooled) => {
                self.view.corpus.working = None;
                match pooled {
                    Ok(pooled) => self.view.corpus.pooled = Some(pooled),
                    Err(e) => self.view.notices.push(e),
                }
            }
            JobDone::CorpusCompared(compared) => {
                self.view.corpus.working = None;
                match compared {
                    Ok(compared) => self.view.corpus.compared = Some(compared),
                    Err(e) => self.view.notices.push(e),
                }
            }
            JobDone::Font(Some(font)) => self.pending_font = Some(font),
            JobDone::Font(None) => {}
            JobDone::SweepLoaded(rows) => self.view.results.sweep = Some(rows),
            JobDone::SweepProgress(step) => self.view.results.sweep_step = Some(step),
            JobDone::Measured(result) => {
                self.jobs.measuring = None;
                self.view.results.sweep_step = None;
                match result {
                    Ok(Measurement::Compared(runs)) => {
                        for n in runs.iter().flat_map(|r| &r.fallbacks) {
                            self.view.notices.push(n.clone());
                        }
                        self.view.results.comparison = Some(runs);
                    }
                    Ok(Measurement::Swept(rows)) => self.view.results.sweep = Some(rows),
                    Err(e) => self.view.notices.push(e),
                }
            }
            JobDone::Chosen(purpose, answer) => {
                self.dialog_open = false;
                match answer {
                    Ok(Some(path)) => self.apply(purpose.action(path)),
                    Ok(None) => {}
                    Err(why) => {
                        // Never silent: say so, and offer the built-in browser (from now on).
                        self.native_failed = true;
                        self.view.notices.push(Info::NativeDialog(why));
                        self.open_browser(purpose);
                    }
                }
            }
            JobDone::Listed(folder, listing) => {
                if listing.as_ref().is_ok_and(|l| l.truncated) {
                    self.view.notices.push(Info::FolderTruncated(folder.clone()));
                }
                if let Some(browser) = &mut self.browser {
                    browser.listed(folder, listing);
                }
            }
            JobDone::Written(path, WriteKind::Session) => self.view.notices.push(Info::SessionSaved(path)),
            JobDone::Written(path, _) => self.view.notices.push(Info::Wrote(path)),
            JobDone::SettingsSaved | JobDone::Flushed => {}
            JobDone::Failed(e) => self.view.notices.push(e),
        }
    }

    /// Hand a prepared conversation to the worker (replaces any current run).
    fn load(&mut self, prepared: Prepared) {
        let Prepared { source, kill, kill_name, kill_source, warnings, .. } = prepared;
        for w in warnings {
            self.view.notices.push(Notice::Load(w));
        }
        let request = LoadRequest {
            name: source.name.clone(),
            text: std::sync::Arc::clone(&source.text),
            opts: self.settings.options.clone(),
            kill,
            kill_name,
            kill_source,
        };
        self.view.reset_run();
        self.view.run.starting = Some(request.opts.backend).filter(|&b| b == Backend::Gpu);
        self.source = Some(source);
        self.send(Command::Load(Box::new(request)));
    }

    /// Make an opened session the current run: its options and kill list become the
    /// settings, its restored pipeline goes to the worker whole.
    fn adopt(&mut self, opened: crate::run::session::Opened) {
        let crate::run::session::Opened {
            session,
            file,
            name,
            text,
            load_warnings,
            kill,
            kill_name,
            prepared,
            history,
            history_lost,
        } = opened;
        let request = LoadRequest {
            name: name.clone(),
            text: std::sync::Arc::clone(&text),
            opts: session.options.clone(),
            kill,
            kill_name,
            kill_source: session.kill.clone(),
        };
        // Nothing changes here unless the worker took the session.
        if !self.worker.send(Command::Adopt(Box::new((request, prepared, history)))) {
            self.view.notices.push(Info::WorkerBusy);
            return;
        }
        if let Some(lost) = history_lost {
            self.view.notices.push(Notice::HistoryLost(lost));
        }
        for w in load_warnings {
            self.view.notices.push(Notice::Load(w));
        }
        self.settings.options = session.options;
        self.settings.kill = session.kill;
        self.kill_of_run = Some(self.settings.kill.clone());
        self.view.reset_run();
        self.source = Some(super::Source { name, path: file, text });
    }

    /// Another conversation is being opened: what belonged to the last one goes (its speaker
    /// edits and their undo history; the kill list it was loaded with, unless pinned, returns
    /// to the automatic choice).
    fn new_conversation(&mut self) {
        self.settings.options.speaker_edits = Default::default();
        self.view.widgets.speaker_undo = Default::default();
        if !self.settings.kill_pinned && self.kill_of_run.as_ref() == Some(&self.settings.kill) {
            self.settings.kill = KillSource::Auto;
        }
    }

    /// Ask a job for a conversation; the newest request wins.
    fn open(&mut self, source: SourceRequest) {
        self.request += 1;
        if let SourceRequest::File(path) = &source {
            self.view.notices.push(Info::Opening(path.clone()));
        }
        self.kill_of_run = Some(self.settings.kill.clone());
        self.jobs.prepare(self.request, source, self.settings.kill.clone());
    }

    fn send(&mut self, command: Command) {
        if !self.worker.send(command) {
            self.view.notices.push(Info::WorkerBusy);
        }
    }

    /// Carry out an action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Choose(purpose) => {
                if self.dialog_open || self.browser.is_some() {
                    self.view.notices.push(Info::DialogOpen);
                } else if self.settings.file_chooser == FileChooser::BuiltIn || self.native_failed {
                    self.open_browser(purpose);
                } else {
                    self.dialog_open = true;
                    self.jobs.choose_file(purpose, std::sync::Arc::clone(&self.native_dialog));
                }
            }
            Action::Open(path) => {
                self.autorun = false;
                self.new_conversation();
                self.open(SourceRequest::File(path));
            }
            Action::OpenSample => {
                self.new_conversation();
                self.open(SourceRequest::Sample);
            }
            Action::ToggleHelp => self.view.widgets.help_open = !self.view.widgets.help_open,
            Action::SaveSettings => self.save_settings(),
            Action::UseKillFile(path) => {
                self.settings.kill_file = Some(path.clone());
                let (added, removed) = self.settings.kill.edits();
                let (added, removed) = (added.to_vec(), removed.to_vec());
                self.settings.kill = KillSource::File(path).edited(added, removed);
            }
            Action::Restart => {
                if let Some(source) = self.source.clone() {
                    self.save_settings();
                    self.open(SourceRequest::Loaded(source));
                }
            }
            Action::Run => self.send(Command::Run),
            Action::Pause => self.send(Command::Pause),
            Action::Step => self.send(Command::Step),
            Action::Seek(t) => self.send(Command::Seek(t)),
            Action::Stop => {
                self.send(Command::Pause);
                self.view.run.finished = true;
                self.view.notices.push(Info::Stopped);
            }
            Action::SwitchBackend(b) => {
                self.settings.options.backend = b;
                if self.worker.send(Command::SwitchBackend(b)) {
                    // The worker answers only when a run is loaded.
                    self.view.run.starting = self.view.run.summary.as_ref().map(|_| b);
                } else {
                    self.view.notices.push(Info::WorkerBusy);
                }
            }
            Action::Speed(speed) => self.send(Command::Speed(speed)),
            Action::Remap => {
                let map = self.settings.options.map.clone();
                self.send(Command::Frame(map));
            }
            Action::SaveSession(path) => self.save_session(path),
            Action::OpenSession(path) => {
                self.request += 1;
                self.jobs.open_session(self.request, path);
            }
            Action::Select(label) => self.view.widgets.selected = label,
            Action::CompareBackends => {
                let (Some(source), Some(summary)) = (&self.source, &self.view.run.summary) else { return };
                // The comparison uses the options and kill list of the run on show.
                let (text, opts, kill) =
                    (std::sync::Arc::clone(&source.text), summary.options.clone(), summary.kill.clone());
                if !self.jobs.compare(text, opts, kill) {
                    self.view.notices.push(Info::MeasurementRunning);
                }
            }
            Action::RunSweep(sizes, secs) => {
                if !self.jobs.sweep(sizes, secs) {
                    self.view.notices.push(Info::MeasurementRunning);
                }
            }
            Action::ExportConcepts(path) => {
                let text = export::concepts_csv(&self.view);
                self.export(path, text);
            }
            Action::ExportReport(path) => {
                let text = export::provenance(&self.view, &self.settings.options.map)
                    .and_then(|p| export::report_markdown(&self.view, &p));
                self.export(path, text);
            }
            Action::Export(format, path) => self.export_format(format, &path),
            Action::Figure(figure, path) => self.export_figure(figure, path),
            Action::LoadSweep(path) => self.jobs.load_sweep(path),
            Action::ComputeTimeline => self.compute_timeline(),
            Action::ComputeStability => self.compute_stability(),
            Action::Play(direction) => {
                self.view.widgets.time.play =
                    direction.map(|forward| super::view::Play { forward, last: Instant::now(), awaiting: None });
            }
            Action::ExportTimeline(file, path) => self.export_timeline(file, &path),
            Action::OpenCorpus(folder) => {
                self.corpus_requests += 1;
                self.view.corpus.opening = Some(self.corpus_requests);
                let opts = self.settings.options.clone();
                self.jobs.open_corpus(self.corpus_requests, folder, opts, self.settings.kill.clone());
            }
            Action::PoolCorpus => self.pool_corpus(),
            Action::CompareGroups => self.compare_groups(),
            Action::CompareSpeakers(a, b) => self.compare_speakers(a, b),
            Action::ExportComparison(path) => match self.view.corpus.compared.clone() {
                Some(compared) => self.jobs.write_comparison(path, compared),
                None => self.view.notices.push(Info::NothingToExport),
            },
        }
    }

    /// The corpus rows `rows` as pool or side members (rows that failed are left out).
    fn corpus_members(&self, rows: impl Iterator<Item = usize>) -> Vec<super::jobs::corpus::OwnedMember> {
        let Some(corpus) = &self.view.corpus.corpus else { return Vec::new() };
        rows.filter_map(|k| corpus.rows.get(k))
            .filter_map(|r| r.text.as_ref().map(|t| (r.key.clone(), std::sync::Arc::clone(t), None)))
            .collect()
    }

    /// Pool every conversation of the corpus (in name order) into one network.
    fn pool_corpus(&mut self) {
        let n = self.view.corpus.corpus.as_ref().map_or(0, |c| c.rows.len());
        let members = self.corpus_members(0..n);
        if members.is_empty() || self.view.corpus.working.is_some() {
            self.view.notices.push(Info::NothingToExport);
            return;
        }
        self.view.corpus.working = Some("pooling the corpus");
        self.jobs.pool_corpus(members, self.settings.options.clone(), self.settings.kill.clone());
    }

    /// Compare the corpus's group A with its group B.
    fn compare_groups(&mut self) {
        let c = &self.view.corpus;
        let (a, b) = (self.corpus_members(c.group_a.iter().copied()), self.corpus_members(c.group_b.iter().copied()));
        if a.is_empty() || b.is_empty() || c.working.is_some() {
            self.view.notices.push(Info::NothingToExport);
            return;
        }
        let name = |side: &[super::jobs::corpus::OwnedMember]| match side {
            [one] => one.0.clone(),
            more => format!("{} conversations", more.len()),
        };
        let sides = crate::export::comparison::Sides { a: format!("A: {}", name(&a)), b: format!("B: {}", name(&b)) };
        self.view.corpus.working = Some("comparing the groups");
        self.jobs.compare_corpus((a, b), sides, self.settings.options.clone(), self.settings.kill.clone());
    }

    /// Compare two speakers of the conversation on show (its options and kill list).
    fn compare_speakers(&mut self, a: String, b: String) {
        let (Some(source), Some(summary)) = (&self.source, &self.view.run.summary) else {
            self.view.notices.push(Info::NothingToExport);
            return;
        };
        if a == b || self.view.corpus.working.is_some() {
            return;
        }
        let side =
            |speaker: &str| vec![(source.name.clone(), std::sync::Arc::clone(&source.text), Some(speaker.to_owned()))];
        let sides = crate::export::comparison::Sides { a: a.clone(), b: b.clone() };
        let opts = summary.options.clone();
        let kill = self.kill_of_run.clone().unwrap_or_else(|| self.settings.kill.clone());
        self.view.corpus.working = Some("comparing the speakers");
        self.jobs.compare_corpus((side(&a), side(&b)), sides, opts, kill);
    }

    /// Ask a job for the timeline of the run on show, as the Time tab's choices say.
    fn compute_timeline(&mut self) {
        use crate::run::timeline::{ConceptSet, MAX_TRACKED, TimelineSpec};
        let (Some(source), Some(summary)) = (&self.source, &self.view.run.summary) else {
            self.view.notices.push(Info::NothingToExport);
            return;
        };
        let w = &self.view.widgets.time;
        // As typed (any case, commas), then the selected concept; each once.
        let selected = self.view.widgets.selected.as_deref().unwrap_or_default();
        let mut track = crate::run::timeline::concept_words([w.track.as_str(), selected]);
        track.truncate(MAX_TRACKED);
        let every = if w.every == 0 { summary.exchanges.div_ceil(100).max(1) } else { w.every };
        let spec = TimelineSpec {
            every,
            emergence_mass: 1.0,
            concepts: match w.concepts {
                TimeConcepts::EachRow => ConceptSet::EachRow,
                TimeConcepts::AtEnd => ConceptSet::AtEnd,
                TimeConcepts::OnShow => {
                    ConceptSet::AtExchange(self.view.run.frame.as_ref().map_or(summary.exchanges, |f| f.done))
                }
            },
            track,
        };
        self.job_requests += 1;
        let request = self.job_requests;
        self.view.run.time.computing = Some(request);
        // On the CPU whatever the run's backend: the worker may hold the GPU, and a GPU that
        // failed here would fall back unannounced (the job returns rows, not notices).
        let opts = AnalysisOptions { backend: Backend::Cpu, ..summary.options.clone() };
        let run = (std::sync::Arc::clone(&source.text), opts, summary.kill.clone());
        self.jobs.timeline(request, run, spec);
    }

    /// The replicate ensemble of the run on show, with the map's stability choices: on the
    /// CPU's cores (the worker may hold the GPU), seeds from the run's own.
    fn compute_stability(&mut self) {
        use crate::run::ensemble::{EnsembleSpec, Resample};
        let (Some(source), Some(summary)) = (&self.source, &self.view.run.summary) else {
            self.view.notices.push(Info::NothingToExport);
            return;
        };
        let w = self.view.widgets.stability;
        let opts = AnalysisOptions { backend: Backend::Cpu, ..summary.options.clone() };
        let seed = match &opts.engine.specific {
            crate::model::params::Specific::Windowed(p) => p.seed,
            crate::model::params::Specific::Temporal(_) => 0,
        };
        let spec = EnsembleSpec {
            replicates: w.replicates.clamp(1, MAX_APP_REPLICATES),
            resample: if w.bootstrap { Resample::Exchanges } else { Resample::None },
            seed,
            backend: Backend::Cpu,
            threads: 0,
        };
        if let Some(why) = crate::run::ensemble::identical_replicates(&opts, &spec, summary.exchanges) {
            self.view.notices.push(Info::IdenticalReplicates(why));
        }
        self.job_requests += 1;
        let request = self.job_requests;
        self.view.run.stability.computing = Some(request);
        let run = (std::sync::Arc::clone(&source.text), opts, summary.kill.clone());
        self.jobs.ensemble(request, run, spec);
    }

    /// Playback: once the last seek's frame is on show (or a second has passed), the next
    /// exchange(s) due at the chosen speed; at either end it stops.
    fn play_step(&mut self) {
        let Some(mut play) = self.view.widgets.time.play else { return };
        let Some(frame) = &self.view.run.frame else {
            self.view.widgets.time.play = None;
            return;
        };
        if play.awaiting.is_some_and(|t| t != frame.done) && play.last.elapsed() < Duration::from_secs(1) {
            return;
        }
        let speed = self.view.widgets.time.speed.clamp(0.1, 10_000.0);
        let due = (play.last.elapsed().as_secs_f64() * speed).floor() as usize;
        if due == 0 {
            self.view.widgets.time.play = Some(Play { awaiting: None, ..play });
            return;
        }
        let t = if play.forward { (frame.done + due).min(frame.total) } else { frame.done.saturating_sub(due) };
        if t == frame.done {
            self.view.widgets.time.play = None;
            return;
        }
        play.last = Instant::now();
        play.awaiting = Some(t);
        self.view.widgets.time.play = Some(play);
        self.send(Command::Seek(t));
    }

    /// The timeline's CSV tables (with the run's provenance) or its animation.
    fn export_timeline(&mut self, file: super::jobs::TimelineFile, path: &Path) {
        let Some(timeline) = self.view.run.time.timeline.clone() else {
            self.view.notices.push(Info::NothingToExport);
            return;
        };
        match file {
            super::jobs::TimelineFile::Csv => {
                let Some(provenance) = export::provenance(&self.view, &self.settings.options.map) else {
                    self.view.notices.push(Info::NothingToExport);
                    return;
                };
                self.jobs.write_timeline_csv(path.to_path_buf(), timeline, provenance);
            }
            super::jobs::TimelineFile::Animation => {
                let trails = timeline
                    .rows
                    .first()
                    .map_or_else(Vec::new, |r| r.tracked.iter().map(|t| t.concept.clone()).collect::<Vec<String>>());
                let title = self.source.as_ref().map_or_else(String::new, |s| s.name.clone());
                let w = &self.view.widgets.time;
                let opts = crate::export::animation::AnimationOptions {
                    trails,
                    title,
                    fps: w.fps,
                    width: w.size_px[0],
                    height: w.size_px[1],
                    ..crate::export::animation::AnimationOptions::default()
                };
                // Refused here, with the reason, rather than on the writer's thread.
                if let Err(source) = opts.check(timeline.rows.len()) {
                    self.view.notices.push(super::jobs::JobError::Animation { path: path.to_path_buf(), source });
                    return;
                }
                self.jobs.write_animation(path.to_path_buf(), timeline, opts);
            }
        }
    }

    /// Open the in-app file browser for `purpose`, in the current conversation's folder (or
    /// the latest recent file's, or the home folder).
    fn open_browser(&mut self, purpose: Purpose) {
        let folder = self
            .source
            .as_ref()
            .and_then(|s| s.path.as_deref())
            .or_else(|| self.settings.recent.first().map(PathBuf::as_path))
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from));
        self.browser = Some(super::browser::Browser::open(purpose, folder));
    }

    fn export(&mut self, path: PathBuf, text: Option<String>) {
        match text {
            Some(text) => self.jobs.write(path, text.into_bytes(), WriteKind::Export),
            None => self.view.notices.push(Info::NothingToExport),
        }
    }

    /// Every file of `format` for the frame on show, named after `path`.
    fn export_format(&mut self, format: crate::export::Format, path: &Path) {
        if let Some(frame) = &self.view.run.frame
            && format == crate::export::Format::Questionnaire
            && frame.structure.graph.len() < 2
        {
            self.view.notices.push(Info::TooFewToAsk(frame.structure.graph.len()));
            return;
        }
        let files = export::provenance(&self.view, &self.settings.options.map)
            .and_then(|p| export::interchange(&self.view, format, &p, &self.view.widgets.figure.questions));
        match files {
            Some(files) => {
                for file in files {
                    self.jobs.write(file.path_for(path), file.text.into_bytes(), WriteKind::Export);
                }
            }
            None => self.view.notices.push(Info::NothingToExport),
        }
    }

    /// A figure of the frame on show, as the map is drawn (axes, colouring) and the figure
    /// settings say; a PNG is rendered on the writer's thread.
    fn export_figure(&mut self, figure: super::jobs::FigureFile, path: PathBuf) {
        let f = &self.view.widgets.figure;
        let camera = &self.view.widgets.camera;
        let opts = crate::export::figure::FigureOptions {
            width_mm: f.width_mm,
            height_mm: f.height_mm,
            axes: [camera.axes[0], camera.axes[1]],
            colouring: self.view.widgets.map_colour,
            transparent: f.transparent,
        };
        let dpi = f.dpi;
        let Some(provenance) = export::provenance(&self.view, &self.settings.options.map) else {
            self.view.notices.push(Info::NothingToExport);
            return;
        };
        match export::figure_svg(&self.view, figure.kind, &provenance, &opts) {
            None => self.view.notices.push(Info::NothingToExport),
            Some(Err(e)) => self.view.notices.push(Info::Figure(e.to_string())),
            Some(Ok(svg)) if figure.png => {
                let png = super::jobs::FigurePng {
                    width_mm: opts.width_mm,
                    height_mm: opts.height_mm,
                    dpi,
                    provenance: provenance.lines(),
                };
                self.jobs.write_figure_png(path, svg, png);
            }
            Some(Ok(svg)) => self.jobs.write(path, svg.into_bytes(), WriteKind::Export),
        }
    }

    fn save_session(&mut self, path: PathBuf) {
        let (Some(source), Some(frame), Some(summary)) = (&self.source, &self.view.run.frame, &self.view.run.summary)
        else {
            self.view.notices.push(Info::NothingToSave);
            return;
        };
        let session = crate::run::session::record(crate::run::session::RunState {
            file: source.path.as_deref(),
            text: &source.text,
            options: &summary.options,
            kill_source: &summary.kill_source,
            kill: &summary.kill,
            done: frame.done,
            stats: frame.stats,
            network: &frame.network,
        });
        self.jobs.save_session(path, session);
    }

    /// Save the settings, unless they were never read or the file could not be used (a damaged
    /// or newer file is left as it is).
    pub(super) fn save_settings(&mut self) {
        if let (Some(path), SettingsStatus::Usable) = (&self.settings_path, self.settings_status) {
            let mut settings = self.settings.clone();
            // Options left mid-edit in an invalid state are not written (the next start would
            // refuse the whole file): the loaded run's options stand in, or nothing is saved.
            if settings.options.validate().is_err() {
                match self.view.run.options.as_ref().filter(|o| o.validate().is_ok()) {
                    Some(valid) => settings.options = valid.clone(),
                    None => return,
                }
            }
            self.jobs.save_settings(path.clone(), settings);
        }
    }

    /// When the window closes: save the settings (as above) and wait, a bounded time, for
    /// every write asked for.
    pub fn shutdown(&mut self) {
        self.save_settings();
        self.jobs.flush(Duration::from_secs(5));
    }

    /// Whether `path` is the current conversation's file.
    pub fn is_current(&self, path: &Path) -> bool {
        self.source.as_ref().and_then(|s| s.path.as_deref()) == Some(path)
    }
}
