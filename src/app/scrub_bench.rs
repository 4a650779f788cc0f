//! `huey bench --scrubs N`: the time slider timed through the app itself, headless — the app
//! in an `egui::Context` of its own, the conversation opened and run to the end as the window
//! does, then each slider move timed from the action to the end of the first UI frame that
//! shows the exchange asked for (the worker's seek and frame, the channel, the app's logic and
//! egui's layout; only the GPU's painting is left out).

use std::time::{Duration, Instant};

use super::{Action, HueyApp};

/// Why the measurement stopped.
#[derive(Debug, thiserror::Error)]
pub enum ScrubError {
    /// The app's worker could not start.
    #[error("cannot start the app: {0}")]
    Start(std::io::Error),
    /// The app never got where it was asked to (an hour, or its worker died).
    #[error("the app never showed {0}")]
    NeverShown(String),
}

/// `n` slider moves through the app, headless: the conversation at `path` (the sample when
/// `None`) opened and run to the end as the app does, then each move timed from the action to
/// the end of the first UI frame (the app's logic and egui's layout; painting on the GPU left
/// out) that shows the exchange asked for.
pub fn scrub_times(
    path: Option<&std::path::Path>,
    opts: &crate::model::options::AnalysisOptions,
    kill: crate::text::kill_words::KillSource,
    n: usize,
) -> Result<Vec<f64>, ScrubError> {
    let ctx = egui::Context::default();
    let mut app = HueyApp::new(&ctx, None).map_err(ScrubError::Start)?;
    app.settings.options = opts.clone();
    app.settings.kill = kill;
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0))),
        ..Default::default()
    };
    // Frames until `done`, a millisecond apart (the app's waker asks for about that).
    let frames_until = |app: &mut HueyApp, what: &str, done: &dyn Fn(&HueyApp) -> bool| {
        let started = Instant::now();
        loop {
            // Nothing paints here: the textures egui hands over are dropped on purpose.
            ctx.run_ui(input(), |ui| app.frame_ui(ui)).textures_delta.clear();
            if done(app) {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(3_600) || app.view.run.worker_dead {
                return Err(ScrubError::NeverShown(what.to_owned()));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    app.apply(path.map_or(Action::OpenSample, |p| Action::Open(p.to_path_buf())));
    frames_until(&mut app, "the conversation", &|a| a.view.run.summary.is_some() && a.view.run.frame.is_some())?;
    app.apply(Action::Run);
    frames_until(&mut app, "the end of the run", &|a| a.view.run.finished)?;
    let total = app.view.run.frame.as_ref().map_or(0, |f| f.total).max(1);
    let mut times = Vec::with_capacity(n);
    for k in 0..n {
        // Spread over the run, as a drag jumps about: a fixed stride modulo total.
        let mut t = (k * 7_919) % total + 1;
        if app.view.run.frame.as_ref().is_some_and(|f| f.done == t) {
            t = t % total + 1; // a move to where it is shows nothing new
        }
        let start = Instant::now();
        app.apply(Action::Seek(t));
        frames_until(&mut app, "the exchange asked for", &|a| {
            a.view.run.frame.as_ref().is_some_and(|f| f.done == t && !f.running)
        })?;
        times.push(start.elapsed().as_secs_f64());
    }
    Ok(times)
}
