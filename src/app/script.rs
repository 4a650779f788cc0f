//! Scripted start for screenshots and measurements (`huey --run --tab … --exit-after …`):
//! run at once, show a tab, select a concept, then write a screenshot and a responsiveness
//! report (through the jobs) and close.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::{Receiver, bounded};

use super::HueyApp;
use super::jobs::WriteKind;
use super::view::Tab;
use crate::app::Action;

/// What the script does.
#[derive(Clone, Debug, Default)]
pub struct Script {
    /// Start running as soon as the conversation is loaded.
    pub run: bool,
    /// Tab to show: map, map3d, timing, spectrum, inspector, speakers, concepts, clusters, time
    /// (its timeline computed when the run ends), stability (the map with the ellipses of a
    /// 32-replicate ensemble — seeds, and a bootstrap for the temporal engine — computed when
    /// the run ends).
    pub tab: Option<String>,
    /// Concept to select.
    pub select: Option<String>,
    /// Seconds after the run's end to take the screenshot / write the report and close.
    pub exit_after: Option<f64>,
    /// Save a screenshot (PNG) here before closing.
    pub screenshot: Option<PathBuf>,
    /// Write frame-cost and map-refresh figures (JSON) here before closing.
    pub report: Option<PathBuf>,
}

/// A script in progress.
pub(super) struct Autopilot {
    script: Script,
    started: bool,
    finished_at: Option<Instant>,
    wrote_report: bool,
    shot: Option<Receiver<Arc<egui::ColorImage>>>,
    shot_queued: bool,
    /// The Time tab's timeline (or the map's ensemble) was asked for.
    timeline_asked: bool,
}

impl Autopilot {
    pub(super) fn new(script: Script) -> Self {
        Self {
            script,
            started: false,
            finished_at: None,
            wrote_report: false,
            shot: None,
            shot_queued: false,
            timeline_asked: false,
        }
    }
}

impl HueyApp {
    /// Drive the script; returns whether the window should close now.
    pub(super) fn script_step(&mut self, ctx: &egui::Context) -> bool {
        let Some(mut pilot) = self.script.take() else { return false };
        let mut close = false;
        if !pilot.started && self.view.run.summary.is_some() {
            pilot.started = true;
            let widgets = &mut self.view.widgets;
            match pilot.script.tab.as_deref() {
                Some("map3d") => widgets.camera.three_d = true,
                Some("timing") => widgets.tab = Tab::Timing,
                Some("spectrum") => widgets.tab = Tab::Spectrum,
                Some("inspector") => widgets.tab = Tab::Inspector,
                Some("speakers") => widgets.tab = Tab::Speakers,
                Some("concepts") => widgets.tab = Tab::Concepts,
                Some("time") => widgets.tab = Tab::Time,
                Some("corpus") => widgets.tab = Tab::Corpus,
                Some("clusters") => widgets.map_colour = crate::export::figure::Colouring::Clusters,
                Some("stability") => {
                    // Seeds alone vary the windowed engine; the temporal engine needs a resample.
                    let bootstrap = self.settings.options.engine.kind() == crate::model::options::EngineKind::Temporal;
                    widgets.stability =
                        crate::app::view::StabilityWidgets { replicates: 32, bootstrap, ellipses: true };
                }
                _ => {}
            }
            widgets.selected.clone_from(&pilot.script.select);
            if pilot.script.run {
                self.apply(Action::Run);
            }
        }
        // The Time tab's shot waits for its timeline, the stability shot for its ensemble,
        // computed once the run is done.
        let (wants_timeline, wants_ensemble) =
            (pilot.script.tab.as_deref() == Some("time"), pilot.script.tab.as_deref() == Some("stability"));
        if self.view.run.finished && (wants_timeline || wants_ensemble) && !pilot.timeline_asked {
            self.apply(if wants_timeline { Action::ComputeTimeline } else { Action::ComputeStability });
            pilot.timeline_asked = true;
        }
        // Asked and answered (a result, or a failure in the status bar).
        let computing = self.view.run.time.computing.is_some() || self.view.run.stability.computing.is_some();
        let timeline_due = (wants_timeline || wants_ensemble) && (!pilot.timeline_asked || computing);
        if self.view.run.finished && !timeline_due && pilot.finished_at.is_none() {
            pilot.finished_at = Some(Instant::now());
        }
        if let (Some(at), Some(after)) = (pilot.finished_at, pilot.script.exit_after)
            && at.elapsed().as_secs_f64() >= after
        {
            if let Some(path) = pilot.script.report.clone()
                && !pilot.wrote_report
            {
                let report = self.view.perf.responsiveness();
                let json = serde_json::to_string_pretty(&report).unwrap_or_default();
                self.jobs.write(path, json.into_bytes(), WriteKind::Script);
                pilot.wrote_report = true;
            }
            match (&pilot.script.screenshot, &pilot.shot) {
                (Some(_), None) => {
                    let (tx, rx) = bounded(1);
                    ctx.request_screenshot(move |image| {
                        let _ = tx.send(image);
                    });
                    pilot.shot = Some(rx);
                }
                (Some(path), Some(rx)) => {
                    if let Ok(image) = rx.try_recv() {
                        self.jobs.write_png(path.clone(), image);
                        pilot.shot_queued = true;
                    }
                    // Close once the writer has it (writes run in order, and on exit the
                    // settings save waits behind it).
                    close = pilot.shot_queued;
                }
                (None, _) => close = true,
            }
        }
        // Polled while something is due (the start, the run's end, the timer to close); a
        // plain `--run` with nothing left to do lets the window go idle.
        let due = !pilot.started || !self.view.run.finished || pilot.script.exit_after.is_some() || timeline_due;
        if due {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        self.script = Some(pilot);
        close
    }
}
