//! The background compute thread: it owns the pipeline (the single writer of network state),
//! takes closed `Command`s from the UI and answers with `Event`s, never blocking the UI.
//!
//! Running, it advances in chunks sized to ~20 ms of engine work, drains commands between
//! chunks (pause, step, backend switch take effect within one chunk), sends lossy progress
//! after each chunk and a full `Frame` (network, concept map, timings) a few times a second.
//! The UI is woken through a plain closure, so this module never sees egui.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use super::notice::Notice;
use super::pipeline::{Pipeline, Prepared, prepare};
use crate::analysis::concept_map::{ConceptMap, concept_map};
use crate::analysis::mass::speaker_self_mass;
use crate::analysis::structure::Structure;
use crate::engine::EngineError;
use crate::kernel::{KernelRow, TimingMethod};
use crate::model::engine_stats::EngineStats;
use crate::model::network::Network;
use crate::model::options::{AnalysisOptions, Backend, MapOptions};
use crate::model::params::ParamError;
use crate::text::kill_words::{KillList, KillSource};

/// How often a running worker sends a full frame.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(300);
const CHUNK_TARGET: Duration = Duration::from_millis(20);

/// A conversation to learn, with everything that shapes the run.
#[derive(Clone, Debug)]
pub struct LoadRequest {
    /// Name shown to the user (file name, or "sample").
    pub name: String,
    /// The text (shared with the app, not copied).
    pub text: Arc<String>,
    /// Analysis options (engine, backend, parameters, map).
    pub opts: AnalysisOptions,
    /// Kill list.
    pub kill: KillList,
    /// Its description (for the UI and reports).
    pub kill_name: String,
    /// Where it came from (a session records it).
    pub kill_source: KillSource,
}

/// UI → worker.
#[derive(Debug)]
pub enum Command {
    /// Detect, tokenize and set up the engine (replaces any current run).
    Load(Box<LoadRequest>),
    /// Take over a conversation prepared elsewhere (an opened session's pipeline, already
    /// restored, with the history its replay recorded): replaces any current run, and cannot
    /// fail.
    Adopt(Box<(LoadRequest, Prepared, super::history::History)>),
    /// Run to the end, in chunks.
    Run,
    /// Stop after the current chunk.
    Pause,
    /// Process one exchange, then pause.
    Step,
    /// Move the run to the other backend, state included.
    SwitchBackend(Backend),
    /// Learning speed: at most this many exchanges per second (a frame after each), or
    /// `None` for as fast as possible.
    Speed(Option<f64>),
    /// Recompute and send a frame now (e.g. after the map options changed).
    Frame(MapOptions),
    /// Pause and put the run at exchange `t`: the nearest checkpoint of its history plus a
    /// replay (exactly a fresh run stopped at `t`), then send its frame.
    Seek(usize),
    /// Stop the thread.
    Shutdown,
}

/// What the UI shows about a loaded conversation.
#[derive(Clone, Debug)]
pub struct LoadSummary {
    /// Name of the input.
    pub name: String,
    /// SHA-256 of its text (the provenance of every export).
    pub input_sha256: String,
    /// Detection strategy and confidence.
    pub strategy: String,
    /// See `strategy`.
    pub confidence: f64,
    /// Speakers in order of first appearance (after the user's edits).
    pub speakers: Vec<String>,
    /// The speakers as detected, before the user's edits (the rows that edit them).
    pub detected_speakers: Vec<String>,
    /// Their turns (`detected_speakers` order).
    pub detected_turns: Vec<usize>,
    /// Speakers that look like chat bots.
    pub bots: Vec<String>,
    /// The detector that ran (`transcript`, `reference`).
    pub detector: crate::model::options::Detector,
    /// Per speaker (`speakers` order), each token they used, with counts, most used first:
    /// the tokens the engine learns from.
    pub speaker_tokens: Arc<Vec<Vec<(String, usize)>>>,
    /// Exchanges to learn.
    pub exchanges: usize,
    /// Tokens kept after kill words.
    pub tokens: usize,
    /// Warnings (detection, GPU fallback).
    pub warnings: Vec<Notice>,
    /// Each exchange's speaker and text, for keyword-in-context views.
    pub exchange_text: Arc<Vec<(String, String)>>,
    /// The options the run was loaded with.
    pub options: AnalysisOptions,
    /// The kill list of the run, its description and source.
    pub kill: KillList,
    /// See `kill`.
    pub kill_name: String,
    /// See `kill`.
    pub kill_source: KillSource,
}

/// Lossy progress, after every chunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Exchanges done and in total.
    pub done: usize,
    /// See `done`.
    pub total: usize,
    /// Tokens per second over the current run.
    pub words_per_sec: f64,
    /// Estimated seconds to the end.
    pub eta_secs: f64,
    /// Whether the worker is running (not paused).
    pub running: bool,
}

/// A full view of the run, a few times a second.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The network.
    pub network: Network,
    /// Its concept map.
    pub map: ConceptMap,
    /// The map's concept graph, clusters and centralities.
    pub structure: Arc<Structure>,
    /// Self-concept mass per speaker.
    pub speaker_mass: Vec<(String, f64)>,
    /// Per-kernel totals since the engine started, with their timing method.
    pub kernels: Vec<KernelRow>,
    /// How kernels are timed.
    pub timing: TimingMethod,
    /// Engine counters.
    pub stats: EngineStats,
    /// Where it runs and on what.
    pub backend: Backend,
    /// See `backend`.
    pub device: String,
    /// Exchanges done and in total.
    pub done: usize,
    /// See `done`.
    pub total: usize,
    /// Seconds since the worker started this conversation.
    pub elapsed_secs: f64,
    /// Wall seconds the current engine has spent stepping (since it started or took over): the
    /// total its kernel times are part of.
    pub engine_secs: f64,
    /// Whether the run is going on (false: loaded, paused, stepped, finished), so the time
    /// since the previous frame was all running only when both frames say so.
    pub running: bool,
}

/// Why a command failed; the worker keeps its previous state.
#[derive(Clone, Debug, thiserror::Error)]
pub enum WorkerError {
    /// The options of a load were rejected.
    #[error("invalid parameters: {0}")]
    InvalidParameters(#[from] ParamError),
    /// The run could not be put at an exchange.
    #[error("cannot show exchange {t}: {reason}")]
    Seek {
        /// The exchange asked for.
        t: usize,
        /// Why not.
        reason: super::pipeline::RestoreError,
    },
    /// The run could not move to another backend.
    #[error("cannot switch to {}: {reason}", backend.as_str())]
    Switch {
        /// The backend asked for.
        backend: Backend,
        /// Why not.
        reason: EngineError,
    },
}

/// Worker → UI.
#[derive(Debug)]
pub enum Event {
    /// A conversation is ready to run.
    Loaded(Box<LoadSummary>),
    /// Progress of a run.
    Progress(Progress),
    /// A full frame.
    Frame(Arc<Frame>),
    /// Something the user must see about the run (a GPU fallback, …).
    Notice(Notice),
    /// The run moved to another backend and now runs on `device`.
    BackendSwitched {
        /// The backend now running.
        backend: Backend,
        /// Its device label.
        device: String,
    },
    /// The run reached the end.
    Finished,
    /// A command failed; the previous state is kept.
    Failed(WorkerError),
}

/// The UI's end of the worker: send commands, drain events; dropping it stops the thread.
#[derive(Debug)]
pub struct ComputeHandle {
    commands: Sender<Command>,
    events: Receiver<Event>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ComputeHandle {
    /// Send a command without blocking; `false` when the queue is full or the worker is gone.
    pub fn send(&self, command: Command) -> bool {
        self.commands.try_send(command).is_ok()
    }

    /// The next event, if any.
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// Whether the worker thread has stopped (it only stops on `Shutdown` or a bug).
    pub fn is_dead(&self) -> bool {
        self.thread.as_ref().is_none_or(std::thread::JoinHandle::is_finished)
    }
}

impl Drop for ComputeHandle {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Start the worker; `waker` is called after every event so the UI repaints.
pub fn spawn_worker(waker: Box<dyn Fn() + Send>) -> std::io::Result<ComputeHandle> {
    let (commands, command_rx) = bounded(64);
    let (event_tx, events) = bounded(1024);
    let thread = std::thread::Builder::new().name("compute".to_owned()).spawn(move || {
        Worker {
            commands: command_rx,
            events: event_tx,
            waker,
            run: None,
            running: false,
            map: MapOptions::default(),
            speed: None,
        }
        .run();
    })?;
    Ok(ComputeHandle { commands, events, thread: Some(thread) })
}

struct Run {
    pipeline: Pipeline,
    /// Checkpoints every `history.every()` exchanges (chunks end on them), for seeking.
    history: super::history::History,
    speakers: Vec<String>,
    started: Instant,
    run_started: Instant,
    run_tokens: u64,
    /// Exchanges done when the current run (Run) began: the ETA's rate counts from there.
    run_done: usize,
    chunk: usize,
    last_frame: Instant,
    notices_sent: usize,
}

struct Worker {
    commands: Receiver<Command>,
    events: Sender<Event>,
    waker: Box<dyn Fn() + Send>,
    run: Option<Run>,
    running: bool,
    map: MapOptions,
    /// Exchanges per second while running, or as fast as possible.
    speed: Option<f64>,
}

impl Worker {
    fn run(mut self) {
        loop {
            let command = if self.running {
                match self.wait_for_speed() {
                    // Under a speed limit, wait for the next exchange's time, answering
                    // commands meanwhile.
                    Some(wait) => match self.commands.recv_timeout(wait) {
                        Ok(c) => Some(c),
                        Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
                        Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
                    },
                    None => self.commands.try_recv().ok(),
                }
            } else {
                match self.commands.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return, // the UI is gone
                }
            };
            if let Some(command) = command {
                if !self.handle(command) {
                    return;
                }
                continue; // drain every pending command before the next chunk
            }
            if self.running {
                self.chunk();
            }
        }
    }

    fn emit(&self, event: Event) {
        let lossy = matches!(event, Event::Progress(_) | Event::Frame(_));
        match self.events.try_send(event) {
            Ok(()) => {}
            Err(TrySendError::Full(event)) if !lossy => {
                let _ = self.events.send(event);
            }
            Err(_) => {}
        }
        (self.waker)();
    }

    /// Returns `false` on shutdown.
    fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::Shutdown => return false,
            Command::Load(request) => self.load(*request),
            Command::Adopt(ready) => {
                let (request, prepared, history) = *ready;
                self.install(request, prepared, Some(history));
            }
            Command::Run => {
                if let Some(run) = self.run.as_mut() {
                    run.run_started = Instant::now();
                    run.run_tokens = run.pipeline.stats().tokens();
                    run.run_done = run.pipeline.progress().done;
                    self.running = true;
                }
                // Marks where the running stretch starts (the time before it was idle).
                self.send_frame();
            }
            Command::Pause => {
                self.running = false;
                self.progress();
                self.send_frame();
            }
            Command::Step => {
                self.running = false;
                if let Some(run) = self.run.as_mut() {
                    run.pipeline.step();
                    run.history.observe(&mut run.pipeline);
                }
                self.after_chunk();
                self.send_frame();
            }
            Command::SwitchBackend(backend) => {
                if let Some(run) = self.run.as_mut() {
                    match run.pipeline.switch_backend(backend) {
                        Ok(()) => {
                            let device = run.pipeline.device();
                            self.emit(Event::BackendSwitched { backend, device });
                            self.send_frame();
                        }
                        Err(reason) => self.emit(Event::Failed(WorkerError::Switch { backend, reason })),
                    }
                }
            }
            Command::Frame(map) => {
                self.map = map;
                self.send_frame();
            }
            Command::Seek(t) => {
                self.running = false;
                if let Some(run) = self.run.as_mut() {
                    match run.history.restore(&mut run.pipeline, t) {
                        Ok(_) => {
                            run.history.observe(&mut run.pipeline);
                            self.progress();
                            self.send_frame();
                        }
                        Err(reason) => self.emit(Event::Failed(WorkerError::Seek { t, reason })),
                    }
                }
            }
            Command::Speed(speed) => {
                self.speed = speed.filter(|s| s.is_finite() && *s > 0.0);
                if let Some(run) = self.run.as_mut() {
                    // The limit counts from now.
                    run.run_started = Instant::now();
                    run.run_tokens = run.pipeline.stats().tokens();
                    run.run_done = run.pipeline.progress().done;
                }
            }
        }
        true
    }

    fn load(&mut self, request: LoadRequest) {
        self.running = false;
        match prepare(&request.text, &request.opts, &request.kill) {
            Ok(prepared) => self.install(request, prepared, None),
            Err(e) => self.emit(Event::Failed(e.into())),
        }
    }

    /// Make `prepared` the current run and announce it; `history`: its checkpoints so far (a
    /// session's), or none (a run at exchange 0).
    fn install(&mut self, request: LoadRequest, prepared: Prepared, history: Option<super::history::History>) {
        self.running = false;
        self.map = request.opts.map.clone();
        let d = &prepared.detection;
        let summary = LoadSummary {
            input_sha256: crate::run::provenance::sha256_hex(&request.text),
            name: request.name,
            strategy: d.strategy.as_str().to_owned(),
            confidence: d.confidence,
            speakers: d.speakers.clone(),
            detected_speakers: prepared.detected_speakers.clone(),
            detected_turns: prepared.detected_turns.clone(),
            bots: d
                .warnings
                .iter()
                .find_map(|w| match w {
                    crate::text::speakers::DetectionWarning::Bots { names } => Some(names.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
            detector: d.detector,
            speaker_tokens: {
                let (stream, exchange_speakers) = prepared.pipeline.tokens();
                Arc::new(crate::analysis::stats::speaker_token_counts(stream, exchange_speakers, &d.speakers))
            },
            exchanges: d.exchanges.len(),
            tokens: prepared.n_tokens,
            warnings: d
                .warnings
                .iter()
                .cloned()
                .map(Notice::Detection)
                .chain(prepared.pipeline.notices().iter().cloned())
                .collect(),
            exchange_text: Arc::new(d.exchanges.iter().map(|e| (e.speaker.clone(), e.text.clone())).collect()),
            options: request.opts,
            kill: request.kill,
            kill_name: request.kill_name,
            kill_source: request.kill_source,
        };
        let notices_sent = prepared.pipeline.notices().len();
        let mut pipeline = prepared.pipeline;
        let mut history = history.unwrap_or_else(|| super::history::History::for_run(pipeline.progress().total));
        history.observe(&mut pipeline);
        self.run = Some(Run {
            history,
            pipeline,
            speakers: d.speakers.clone(),
            started: Instant::now(),
            run_started: Instant::now(),
            run_tokens: 0,
            run_done: 0,
            chunk: 1,
            last_frame: Instant::now(),
            notices_sent,
        });
        self.emit(Event::Loaded(Box::new(summary)));
        self.progress();
        self.send_frame();
    }

    /// Under a speed limit, how long until the next exchange is due (`None`: due now, or no
    /// limit).
    fn wait_for_speed(&self) -> Option<Duration> {
        let (speed, run) = (self.speed?, self.run.as_ref()?);
        let done = run.pipeline.progress().done.saturating_sub(run.run_done);
        let due = Duration::from_secs_f64(done as f64 / speed);
        due.checked_sub(run.run_started.elapsed()).filter(|d| !d.is_zero())
    }

    fn chunk(&mut self) {
        let speed = self.speed;
        let Some(run) = self.run.as_mut() else {
            self.running = false;
            return;
        };
        let t = Instant::now();
        // Under a speed limit, the exchanges due by now (at least one), each shown.
        let n = match speed {
            Some(speed) => {
                let due = (run.run_started.elapsed().as_secs_f64() * speed).floor() as usize + 1;
                due.saturating_sub(run.pipeline.progress().done.saturating_sub(run.run_done)).clamp(1, run.chunk.max(1))
            }
            None => run.chunk,
        };
        // Chunks end on the history's checkpoints, so each is taken.
        let every = run.history.every();
        let n = n.min(every - run.pipeline.progress().done % every);
        let more = run.pipeline.step_many(n);
        run.history.observe(&mut run.pipeline);
        // Aim at CHUNK_TARGET per chunk so commands are answered quickly.
        let took = t.elapsed();
        if took < CHUNK_TARGET / 2 {
            run.chunk = (run.chunk * 2).min(4096);
        } else if took > CHUNK_TARGET * 2 && run.chunk > 1 {
            run.chunk /= 2;
        }
        self.after_chunk();
        let done = self.run.as_ref().is_none_or(|r| r.pipeline.progress().done >= r.pipeline.progress().total);
        if !more || done {
            self.running = false;
            self.progress();
            self.send_frame();
            self.emit(Event::Finished);
        } else if self.run.as_ref().is_some_and(|r| {
            // Watching it learn (a speed limit): the map after every exchange, up to 30 a second.
            let interval = match speed {
                Some(s) if s <= 30.0 => Duration::ZERO,
                Some(_) => Duration::from_millis(33),
                None => FRAME_INTERVAL,
            };
            r.last_frame.elapsed() >= interval
        }) {
            self.send_frame();
        }
    }

    fn after_chunk(&mut self) {
        let Some(run) = self.run.as_mut() else { return };
        let notices: Vec<Notice> = run.pipeline.notices()[run.notices_sent..].to_vec();
        run.notices_sent = run.pipeline.notices().len();
        for n in notices {
            self.emit(Event::Notice(n));
        }
        self.progress();
    }

    fn progress(&self) {
        let Some(run) = self.run.as_ref() else { return };
        let p = run.pipeline.progress();
        let secs = run.run_started.elapsed().as_secs_f64().max(1e-9);
        let words = run.pipeline.stats().tokens().saturating_sub(run.run_tokens) as f64;
        // Exchanges per second of this run (since Run, not counting paused time or steps).
        let rate = (p.done - run.run_done.min(p.done)).max(1) as f64 / secs;
        self.emit(Event::Progress(Progress {
            done: p.done,
            total: p.total,
            words_per_sec: words / secs,
            eta_secs: (p.total - p.done) as f64 / rate,
            running: self.running,
        }));
    }

    fn send_frame(&mut self) {
        let map = self.map.clone();
        let Some(run) = self.run.as_mut() else { return };
        run.last_frame = Instant::now();
        let network = run.pipeline.network();
        let speaker_mass = speaker_self_mass(&network, &run.speakers);
        let concepts = concept_map(&network, &speaker_mass, &map);
        let structure = Arc::new(Structure::of(&network, &concepts, &map.clusters));
        let map = concepts;
        let timing = run.pipeline.timing_method();
        let p = run.pipeline.progress();
        let frame = Frame {
            kernels: run.pipeline.kernel_times().rows(timing),
            timing,
            stats: run.pipeline.stats(),
            backend: run.pipeline.backend(),
            device: run.pipeline.device(),
            done: p.done,
            total: p.total,
            elapsed_secs: run.started.elapsed().as_secs_f64(),
            engine_secs: run.pipeline.engine_secs(),
            running: self.running,
            network,
            map,
            structure,
            speaker_mass,
        };
        self.emit(Event::Frame(Arc::new(frame)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> LoadRequest {
        LoadRequest {
            name: "t".to_owned(),
            text: Arc::new(text.to_owned()),
            opts: AnalysisOptions::default(),
            kill: KillList::empty(),
            kill_name: "none".to_owned(),
            kill_source: KillSource::None,
        }
    }

    /// Wait (bounded) for a frame with at least `done` exchanges.
    fn frame_at(handle: &ComputeHandle, done: usize) -> Arc<Frame> {
        let started = Instant::now();
        loop {
            assert!(started.elapsed() < Duration::from_secs(30), "no frame at {done}");
            match handle.try_recv() {
                Some(Event::Frame(f)) if f.done >= done => return f,
                Some(_) => {}
                None => std::thread::sleep(Duration::from_millis(1)),
            }
        }
    }

    #[test]
    fn a_speed_limit_paces_exchanges_and_sends_a_frame_for_each() {
        let text: String = (0..20).map(|k| format!("A: alpha beta w{k}\nB: gamma delta w{k}\n")).collect();
        let handle = spawn_worker(Box::new(|| {})).unwrap();
        assert!(handle.send(Command::Speed(Some(20.0))));
        assert!(handle.send(Command::Load(Box::new(request(&text)))));
        frame_at(&handle, 0);
        let started = Instant::now();
        assert!(handle.send(Command::Run));
        let mut seen = Vec::new();
        while seen.last().is_none_or(|&d| d < 6) {
            seen.push(frame_at(&handle, seen.last().map_or(1, |d| d + 1)).done);
        }
        // Exchange k is due k/20 s after the run starts: the 6th at 0.25 s.
        assert!(started.elapsed() >= Duration::from_millis(240), "{:?}", started.elapsed());
        assert_eq!(seen[..3], [1, 2, 3], "a frame after every exchange: {seen:?}");
        // As fast as possible again: the rest at once.
        assert!(handle.send(Command::Speed(None)));
        assert_eq!(frame_at(&handle, 40).done, 40);
    }
}
