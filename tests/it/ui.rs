//! The desktop app driven through egui_kittest (AccessKit labels, no window): load a
//! conversation, run it, switch backend mid-run, inspect a concept, save and reopen a session,
//! and image snapshots of the map (2-D, and 3-D on the light background), the spectrum and the timing view.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use huey::app::jobs::JobError;
use huey::app::view::{Info, Message};
use huey::app::{Action, HueyApp};
use huey::io::document::LoadError;
use huey::io::file::{FileError, Kind};
use huey::io::session::{SessionError, SessionFile};
use huey::model::options::AnalysisOptions;
use huey::model::options::Backend;
use huey::run::pipeline::analyze_text;
use huey::run::session::OpenError;
use huey::text::kill_words::KillSource;

use super::fixture;

fn new_app() -> HueyApp {
    HueyApp::new(&egui::Context::default(), None).unwrap()
}

fn harness(app: HueyApp) -> Harness<'static, HueyApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut HueyApp| app.frame_ui(ui), app)
}

/// A seeded synthetic conversation of `words` words over `vocabulary`, in a folder removed
/// when the returned guard drops.
fn synthetic(words: usize, vocabulary: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let spec = huey::text::synthetic::SynthSpec { words, vocabulary, ..Default::default() };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synthetic.txt");
    std::fs::write(&path, huey::text::synthetic::conversation(&spec)).unwrap();
    (dir, path)
}

/// Step frames until `done` holds (the worker runs on its own thread).
fn until(h: &mut Harness<'static, HueyApp>, what: &str, done: impl Fn(&HueyApp) -> bool) {
    let started = Instant::now();
    while !done(h.state()) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}: {:?}",
            h.state().view.notices
        );
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.step();
}

#[test]
fn load_run_and_inspect_a_concept() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    assert_eq!(h.state().view.run.summary.as_ref().unwrap().speakers, ["Ana", "Ben", "Cleo"]);
    // The status bar answers "opening …" once the conversation is loaded.
    h.get_by_label_contains("labeled_three_speakers.txt: 6 exchanges");
    h.get_by_label("Run").click();
    until(&mut h, "the end of the run", |a| a.view.run.finished);
    // The app shows what `huey analyze` computes for the same file and settings.
    let text = std::fs::read_to_string(fixture("labeled_three_speakers.txt")).unwrap();
    let kill = huey::text::kill_words::KillList::bundled("en").unwrap();
    let cli = analyze_text(&text, &AnalysisOptions::default(), &kill).unwrap();
    assert_eq!(h.state().view.run.frame.as_ref().unwrap().network, cli.network);

    h.get_by_label("Inspector").click();
    h.run();
    h.get_by_label("beans").click();
    h.run();
    assert_eq!(h.state().view.widgets.selected.as_deref(), Some("beans"));
    h.get_by_label_contains("beans: flow asymmetry");
    h.get_by_label("Outgoing");
    // The strongest association in the table is the network's strongest link from "beans".
    let net = &cli.network;
    let id = net.word_index()["beans"];
    let (outgoing, _) = huey::analysis::stats::associations(net, id);
    assert!(h.query_all_by_label(&outgoing[0].0).count() >= 1, "{outgoing:?}");
    assert!(h.query_all_by_label_contains("Ana: …").count() >= 2, "keyword in context lists the exchanges");
    h.state_mut().view.widgets.pair_with = "trees".to_owned();
    h.run();
    let p = huey::analysis::stats::pair(net, "beans", "trees").unwrap();
    h.get_by_label_contains(&format!("beans -> trees: s {:.4}", p.forward.0));

    // The network tab: totals and the associations "beans" and "trees" share.
    h.get_by_label("Network").click();
    h.state_mut().view.widgets.shared_query = "beans, trees".to_owned();
    h.run();
    h.get_by_label_contains(&format!("{} connections", cli.network.connections.len()));
    h.state_mut().view.widgets.mass_query = "beans, trees, nowhere".to_owned();
    h.run();
    h.get_by_label("not in the network: nowhere");
    h.get_by_label_contains("found: beans");
    let shared = huey::analysis::stats::shared_associations(net, &["beans".to_owned(), "trees".to_owned()], 0.05);
    assert!(shared[0].shared == 2, "{shared:?}");
    assert!(h.query_all_by_label("beans, trees").count() >= 1, "a row shared with both");

    // An activation cascade from "beans", stepped to its end.
    h.get_by_label("Cascade").click();
    h.state_mut().view.widgets.cascade_inputs = "beans".to_owned();
    h.run();
    h.get_by_label("Run cascade").click();
    h.run();
    let steps = h.state().view.widgets.cascade.as_ref().map(|c| c.run.steps.len()).unwrap();
    let want = huey::analysis::cascade::cascade(net, &[id], 1.0, 100);
    assert_eq!(steps, want.steps.len());
    assert!(steps > 2);
    h.state_mut().view.widgets.cascade.as_mut().unwrap().step = 2;
    h.run();
    h.get_by_label_contains("newly active:");
}

#[test]
fn switch_to_gpu_mid_run_and_back() {
    if super::gpu::gpu_or_skip().is_none() {
        return;
    }
    let (_dir, path) = synthetic(20_000, 3_000);
    let mut app = new_app();
    app.settings.kill = KillSource::None;
    app.apply(Action::Open(path.clone()));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some());
    h.get_by_label("Step").click();
    until(&mut h, "one step", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == 1));
    h.get_by_label("GPU").click();
    until(&mut h, "the GPU", |a| a.view.run.frame.as_ref().is_some_and(|f| f.backend == Backend::Gpu));
    assert!(h.state().view.run.frame.as_ref().unwrap().device.contains("f64"), "same precision on the GPU");
    h.get_by_label("Run").click();
    until(&mut h, "some progress on the GPU", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done > 50));
    h.get_by_label("CPU").click();
    until(&mut h, "the CPU again", |a| a.view.run.frame.as_ref().is_some_and(|f| f.backend == Backend::Cpu));
    until(&mut h, "the end of the run", |a| a.view.run.finished);
    assert!(
        h.state().view.notices.any(|m| matches!(m, Message::App(Info::NowRunningOn(_)))),
        "{:?}",
        h.state().view.notices
    );
    // Same numbers as a run that never switched (f64 on both backends; 1e-9 apart at most).
    let text = std::fs::read_to_string(&path).unwrap();
    let opts = AnalysisOptions::default();
    let cpu = analyze_text(&text, &opts, &huey::text::kill_words::KillList::empty()).unwrap();
    let got = &h.state().view.run.frame.as_ref().unwrap().network;
    assert_eq!(got.words, cpu.network.words);
    assert_eq!(got.connections.len(), cpu.network.connections.len());
    let rel = (got.sum_strength() - cpu.network.sum_strength()).abs() / cpu.network.sum_strength();
    assert!(rel < 1e-9, "{rel}");
}

#[test]
fn save_and_reopen_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("talk.ron");
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    let saved = h.state().view.run.frame.as_ref().unwrap().network.clone();
    h.state_mut().apply(Action::SaveSession(session.clone()));
    until(&mut h, "the session file", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::SessionSaved(_)))));
    assert!(session.exists(), "{:?}", h.state().view.notices);

    // Exports of the same state.
    let (csv, md) = (dir.path().join("concepts.csv"), dir.path().join("report.md"));
    h.state_mut().apply(Action::ExportConcepts(csv.clone()));
    h.state_mut().apply(Action::ExportReport(md.clone()));
    until(&mut h, "both exports", |a| {
        a.view.notices.list.iter().filter(|(m, _)| matches!(m, Message::App(Info::Wrote(_)))).count() == 2
    });
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(csv.starts_with("concept,neuron_id,mass,activation,detection,confidence\n"));
    assert_eq!(csv.lines().count(), saved.n_neurons() + 1);
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.starts_with("# Huey analysis report") && md.contains("| Ana |") && md.contains("beans"), "{md}");
    let text = std::fs::read_to_string(fixture("labeled_three_speakers.txt")).unwrap();
    let hash = huey::run::provenance::sha256_hex(&text);
    for needle in
        ["## Clusters", "Leiden clusters", "## Methods", "(SHA-256 ", "τ = 3", "## Provenance", "engine.common.eta"]
    {
        assert!(md.contains(needle), "the report lacks {needle}:\n{md}");
    }
    assert!(md.contains(&hash), "{md}");

    // Started on the file, as a double-click on a session starts `huey FILE`: a `.ron` file
    // opens as a session, not as a conversation.
    let mut other = new_app();
    other.start(huey::app::Launch {
        file: Some(session.clone()),
        max_neurons: None,
        engine: None,
        preset: None,
        script: None,
    });
    let mut h2 = harness(other);
    until(&mut h2, "the restored network", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done > 0));
    assert_eq!(h2.state().view.run.frame.as_ref().unwrap().network, saved);

    // A damaged session changes nothing and says why.
    let good_text = std::fs::read_to_string(&session).unwrap();
    std::fs::write(&session, "(version: 1, source: \"x\"").unwrap();
    let before = h2.state().view.run.frame.as_ref().unwrap().network.clone();
    h2.state_mut().apply(Action::OpenSession(session.clone()));
    until(&mut h2, "the refusal", |a| {
        a.view
            .notices
            .any(|m| matches!(m, Message::Job(JobError::OpenSession(OpenError::Session(SessionError::Corrupt { .. })))))
    });
    assert_eq!(h2.state().view.run.frame.as_ref().unwrap().network, before);

    // So does a well-formed session no run could reach (other options, a NaN strength): the
    // settings stay as they were too.
    let mut impossible = SessionFile::parse(&good_text, &session).unwrap();
    impossible.options.engine.common.eta = 0.5;
    impossible.network.connections[0].strength = f64::NAN;
    std::fs::write(&session, impossible.to_ron().unwrap()).unwrap();
    let settings = h2.state().settings.options.clone();
    h2.state_mut().apply(Action::OpenSession(session));
    until(&mut h2, "the refusal", |a| {
        a.view
            .notices
            .any(|m| matches!(m, Message::Job(JobError::OpenSession(OpenError::Session(SessionError::Invalid { .. })))))
    });
    assert_eq!(h2.state().view.run.frame.as_ref().unwrap().network, before);
    assert_eq!(h2.state().settings.options, settings);
}

#[test]
fn snapshots_of_the_map_spectrum_and_timing_views() {
    if super::gpu::gpu_or_skip().is_none() {
        return;
    }
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = Harness::builder()
        .with_size(egui::vec2(900.0, 600.0))
        .wgpu()
        .build_ui_state(|ui, app: &mut HueyApp| app.frame_ui(ui), app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    // Rates, frame costs and the CPU's thread count change between runs and machines: keep
    // the snapshot to what the data decides.
    let still = |app: &mut HueyApp| {
        app.view.perf.work.clear();
        app.view.notices.list.clear();
        if let Some(p) = &mut app.view.run.progress {
            p.words_per_sec = 0.0;
        }
        if let Some(f) = &mut app.view.run.frame {
            std::sync::Arc::make_mut(f).device = "CPU".to_owned();
        }
    };
    still(h.state_mut());
    h.step();
    h.snapshot("map");
    // 3-D on the light background with a concept's links: gizmo, depth cue, link scale.
    h.state_mut().view.widgets.camera.three_d = true;
    h.state_mut().settings.map_background = huey::io::settings::MapBackground::Light;
    h.state_mut().apply(Action::Select(Some("beans".to_owned())));
    h.run();
    still(h.state_mut());
    h.step();
    h.snapshot("map3d_light");
    h.get_by_label("Spectrum").click();
    h.run();
    still(h.state_mut());
    h.step();
    h.snapshot("spectrum");
    // The Time tab: the aligned map at the end with the trail of the selected concept (beans),
    // and the timelines.
    h.get_by_label("Time").click();
    h.run();
    h.get_by_label("Compute timeline").click();
    until(&mut h, "the timeline", |a| a.view.run.time.timeline.is_some());
    h.run();
    still(h.state_mut());
    h.step();
    h.snapshot("time");

    // The timing view, fed a fixed history (real timings differ run to run): 3 s on the CPU,
    // a switch, 3 s on the GPU whose sampled kernels add up to more than its engine time.
    use huey::app::timeline::{Point, Timeline};
    use huey::kernel::{Kernel, TemporalKernel};
    let (pair, prune) = (Kernel::Temporal(TemporalKernel::PairUpdate), Kernel::Temporal(TemporalKernel::Prune));
    let mut timeline = Timeline::default();
    for k in 0..21u32 {
        let t = f64::from(k) * 0.3;
        let (backend, j) = if k < 10 { (Backend::Cpu, f64::from(k)) } else { (Backend::Gpu, f64::from(k - 10)) };
        let steps = (j * 100.0) as u64;
        let (pair_secs, prune_secs, engine) = match backend {
            Backend::Cpu => (j * 0.0008 * (1.0 + j / 20.0), j * 0.0016, j * 0.003),
            Backend::Gpu => (j * 0.0012, j * 0.0006, j * 0.0015),
        };
        timeline.push(Point {
            t: t + if backend == Backend::Gpu { 0.5 } else { 0.0 },
            backend,
            running: k != 15,
            steps,
            tokens: steps * 20,
            engine_secs: engine,
            kernels: vec![(pair, pair_secs), (prune, prune_secs)],
        });
    }
    let view = &mut h.state_mut().view;
    view.run.timeline = timeline;
    h.get_by_label("Timing").click();
    h.run();
    still(h.state_mut());
    h.step();
    h.snapshot("timing");

    // The map with the 95% ellipses of a bootstrap ensemble (8 replicates), in 2-D.
    h.get_by_label("Map").click();
    h.state_mut().view.widgets.camera = huey::app::view::Camera::default();
    h.state_mut().apply(Action::Select(None));
    h.state_mut().view.widgets.stability =
        huey::app::view::StabilityWidgets { replicates: 8, bootstrap: true, ellipses: true };
    h.run();
    h.get_by_label("Run stability").click();
    until(&mut h, "the ensemble", |a| a.view.run.stability.ensemble.is_some());
    h.run();
    still(h.state_mut());
    h.step();
    h.snapshot("map_stability");
}

/// Issue 15 in the app: the map runs a replicate ensemble of the run on show and draws each
/// concept's 95% ellipse; the inspector shows the selected concept's interval; the concepts
/// export carries the same numbers as columns.
#[test]
fn the_map_draws_stability_ellipses_and_the_inspector_shows_intervals() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    // The temporal engine without a bootstrap repeats one run: the app says so.
    h.state_mut().view.widgets.stability.replicates = 3;
    h.state_mut().apply(Action::ComputeStability);
    assert!(h.state().view.notices.any(|m| matches!(m, Message::App(Info::IdenticalReplicates(_)))));
    until(&mut h, "the identical ensemble", |a| a.view.run.stability.computing.is_none());
    h.state_mut().view.run.stability = Default::default();
    h.state_mut().view.widgets.stability.replicates = 12;
    h.state_mut().view.widgets.stability.bootstrap = true;
    h.run();
    assert!(h.query_by_label_contains("Stability over").is_none(), "nothing before a run");
    h.get_by_label("Run stability").click();
    h.step();
    until(&mut h, "the ensemble", |a| a.view.run.stability.ensemble.is_some());
    h.run();
    let e = h.state().view.run.stability.ensemble.clone().unwrap();
    assert_eq!(e.replicates.len(), 12);
    let map = h.state().view.run.frame.as_ref().unwrap().map.clone();
    let with =
        map.labels.iter().filter(|l| e.concepts.iter().any(|c| &&c.concept == l && c.position_cov.is_some())).count();
    assert!(with > 0, "some concept has a covariance");
    h.get_by_label(&format!(
        "Stability over 12 replicates, bootstrap: 95% ellipses for {with} of {} concepts",
        map.labels.len()
    ));
    assert_eq!(h.state().view.run.stability.drawn, Some(with), "an ellipse per concept with a covariance");
    // On an earlier exchange the map is another map: no ellipses there, and the header says so.
    h.state_mut().apply(Action::Seek(2));
    until(&mut h, "the seek", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == 2));
    h.run();
    assert_eq!(h.state().view.run.stability.drawn, None);
    h.get_by_label_contains("(shown at the end of the run only)");
    let total = h.state().view.run.frame.as_ref().unwrap().total;
    h.state_mut().apply(Action::Seek(total));
    until(&mut h, "the end again", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == total));
    h.run();
    assert_eq!(h.state().view.run.stability.drawn, Some(with));
    // Off, then on other axes: none drawn (the ensemble's positions are in axes 1–3).
    h.state_mut().view.widgets.stability.ellipses = false;
    h.run();
    assert_eq!(h.state().view.run.stability.drawn, None);
    h.state_mut().view.widgets.stability.ellipses = true;
    h.state_mut().view.widgets.camera.axes = [1, 0, 2];
    h.run();
    assert_eq!(h.state().view.run.stability.drawn, None);
    h.get_by_label_contains("(shown on axes 1–3 only)");

    h.get_by_label("Inspector").click();
    h.run();
    h.get_by_label("beans").click();
    h.run();
    let c = e.concepts.iter().find(|c| c.concept == "beans").unwrap();
    h.get_by_label_contains(&format!(
        "Over 12 replicates: mass {:.3} (95% interval {:.3} – {:.3})",
        c.mass_mean, c.mass_low, c.mass_high
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("concepts.csv");
    h.state_mut().apply(Action::ExportConcepts(path.clone()));
    until(&mut h, "the export", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::Wrote(p)) if *p == path)));
    let csv = std::fs::read_to_string(&path).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",mass_mean,mass_low_95,mass_high_95,top_frequency,var_x,cov_xy,var_y"), "{header}");
    let beans = csv.lines().find(|l| l.starts_with("beans,")).unwrap();
    assert!(beans.contains(&format!(",{},{},{},", c.mass_mean, c.mass_low, c.mass_high)), "{beans}");
}

#[test]
fn compare_backends_and_chart_a_sweep() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some());
    h.get_by_label("Compare").click();
    h.run();
    h.get_by_label("Run on CPU and GPU").click();
    until(&mut h, "the comparison", |a| a.view.results.comparison.is_some());
    let runs = h.state().view.results.comparison.clone().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].backend, Backend::Cpu);
    if super::gpu::gpu_or_skip().is_some() {
        assert_eq!(runs[1].backend, Backend::Gpu, "{:?}", runs[1].fallbacks);
    }
    h.get_by_label("engine total");

    // Sweep rows as `huey bench --sweep --json` writes them, loaded into the crossover chart.
    let rows = huey::run::sweep::rows(&[250], 0.2, |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("sweep.json");
    std::fs::write(&json, serde_json::to_string(&rows).unwrap()).unwrap();
    h.state_mut().apply(Action::LoadSweep(json));
    until(&mut h, "the sweep rows", |a| a.view.results.sweep.is_some());
    assert_eq!(h.state().view.results.sweep.as_ref().map(Vec::len), Some(rows.len()));
    h.get_by_label_contains("log-log");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[{\"engine\": 1}]").unwrap();
    h.state_mut().apply(Action::LoadSweep(bad));
    until(&mut h, "the refusal", |a| a.view.notices.any(|m| matches!(m, Message::Job(JobError::NotSweep { .. }))));
}

#[test]
fn speakers_tab_and_an_edited_kill_list() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    assert!(h.state().view.run.frame.as_ref().unwrap().network.word_index().contains_key("beans"));
    h.get_by_label("Speakers").click();
    h.run();
    assert!(h.query_all_by_label("Cleo").count() >= 2, "Cleo's column (and her settings row)");
    assert!(h.query_all_by_label_contains("beans (").count() >= 2, "beans in two speakers' lists");
    // The temporal engine's equal self-concept masses are explained, the bars named.
    h.get_by_label_contains("has no speaker neurons");

    // "beans" becomes a kill word: after a restart it is no concept.
    h.state_mut().settings.kill = KillSource::Custom("beans\nthe".to_owned());
    h.get_by_label("Restart").click();
    h.step(); // the click is handled here: the old run is forgotten before we wait for the new one
    until(&mut h, "reloading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    assert!(!h.state().view.run.frame.as_ref().unwrap().network.word_index().contains_key("beans"));
}

/// The UI thread touches no file (issue 8), and a path that would block a reader — a FIFO
/// with no writer — is refused by the job that opens it (issue 9) while the window goes on
/// drawing: opening it returns at once and every frame stays short.
#[test]
fn a_blocking_path_never_freezes_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("talk.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut h = harness(new_app());
    let started = Instant::now();
    h.state_mut().apply(Action::Open(fifo.clone()));
    assert!(started.elapsed() < Duration::from_millis(250), "opening took {:?}", started.elapsed());
    let refused = |a: &HueyApp| {
        a.view.notices.any(|m| {
            matches!(m, Message::Job(JobError::Load(LoadError::File(FileError::NotRegular { kind: Kind::Fifo, .. }))))
        })
    };
    for _ in 0..40 {
        let started = Instant::now();
        h.step();
        assert!(started.elapsed() < Duration::from_millis(250), "a frame took {:?}", started.elapsed());
        std::thread::sleep(Duration::from_millis(5));
    }
    until(&mut h, "the refusal", refused);
    assert!(h.state().view.run.summary.is_none(), "nothing was loaded");
    let last = h.state().view.notices.last().unwrap().to_string();
    assert!(last.starts_with("a named pipe (FIFO) is not a regular file and is not read: "), "{last}");
}

/// A settings file the app cannot use (newer, damaged) is reported and never written over —
/// not when a file is opened, not on restart, not at exit; a usable one is saved.
#[test]
fn unusable_settings_files_are_left_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    for (k, content) in ["(version: 99, kill: Bundled(De))", "(kill: "].into_iter().enumerate() {
        let path = dir.path().join(format!("settings-{k}.ron"));
        std::fs::write(&path, content).unwrap();
        let mut app = HueyApp::new(&egui::Context::default(), Some(path.clone())).unwrap();
        app.start(huey::app::Launch { file: Some(fixture("labeled_three_speakers.txt")), ..Default::default() });
        let mut h = harness(app);
        until(&mut h, "the conversation", |a| a.view.run.summary.is_some());
        assert!(h.state().view.notices.any(|m| matches!(m, Message::Settings(_))), "{:?}", h.state().view.notices);
        assert!(h.state().view.notices.any(|m| matches!(m, Message::App(Info::SettingsNotSaved))));
        h.state_mut().apply(Action::Restart);
        until(&mut h, "the restart", |a| a.view.run.summary.is_some());
        h.state_mut().shutdown();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), content, "the file stays as it was");
    }
    let path = dir.path().join("fresh.ron");
    let mut app = HueyApp::new(&egui::Context::default(), Some(path.clone())).unwrap();
    app.start(huey::app::Launch { file: Some(fixture("labeled_three_speakers.txt")), ..Default::default() });
    let mut h = harness(app);
    until(&mut h, "the conversation", |a| a.view.run.summary.is_some());
    // Options edited into an invalid state are not what is written: the file still loads.
    h.state_mut().settings.options.engine.common.eta = 1e300;
    h.state_mut().shutdown();
    let (saved, problem) = huey::io::settings::Settings::load(&path);
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(saved.recent, [fixture("labeled_three_speakers.txt")], "a usable file is saved with the recent file");
    assert_eq!(saved.options.engine.common.eta, 0.1, "the run's options stand in");
}

/// Every class of bad session (the list `huey session check` is tested on) opened in the app:
/// a notice with the same reason, and neither the loaded run, the settings nor the file change.
#[test]
fn every_bad_session_is_refused_by_the_app_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, cases) = super::sessions::bad_sessions(dir.path());
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    let network = h.state().view.run.frame.as_ref().unwrap().network.clone();
    let settings = h.state().settings.options.clone();
    let is_refusal = |m: &Message| matches!(m, Message::Job(JobError::OpenSession(_)));
    for case in cases {
        let path = dir.path().join(case.name);
        std::fs::write(&path, &case.text).unwrap();
        h.state_mut().view.notices.list.clear();
        h.state_mut().apply(Action::OpenSession(path.clone()));
        until(&mut h, case.name, |a| a.view.notices.any(is_refusal));
        let said = h.state().view.notices.list.iter().find(|(m, _)| is_refusal(m)).unwrap().0.to_string();
        assert!(said.contains(case.expected), "{}: expected {:?} in {said}", case.name, case.expected);
        assert_eq!(h.state().view.run.frame.as_ref().unwrap().network, network, "{}", case.name);
        assert_eq!(h.state().settings.options, settings, "{}", case.name);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), case.text, "{}", case.name);
    }
}

/// Without any GPU driver the GPU button says why it cannot be used. The check runs in a child
/// process of this test binary whose Vulkan loader finds no driver, on every machine.
#[test]
fn without_a_gpu_driver_the_gpu_button_says_why() {
    let o = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "ui::gpu_button_without_a_driver", "--nocapture"])
        .env("WGPU_BACKEND", "vulkan")
        .env("VK_ICD_FILENAMES", "/nonexistent.json")
        .env_remove("REQUIRE_GPU")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && out.contains("1 passed"), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
#[ignore = "run by without_a_gpu_driver_the_gpu_button_says_why, in a process without a GPU driver"]
fn gpu_button_without_a_driver() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("GPU").click();
    until(&mut h, "the refusal", |a| a.view.run.gpu_problem.is_some());
    let why = h.state().view.run.gpu_problem.clone().unwrap();
    assert!(why.to_lowercase().contains("adapter"), "{why}");
    let _ = h.get_by_label("GPU (unavailable)");
    assert_eq!(h.state().view.run.frame.as_ref().unwrap().backend, Backend::Cpu, "the run stays on the CPU");
    assert!(h.state().view.notices.any(|m| matches!(m, Message::Worker(_))), "{:?}", h.state().view.notices);
}

/// Open `path` (or the three-speaker fixture) and run it to the end, on the Map tab.
fn mapped(path: Option<std::path::PathBuf>) -> Harness<'static, HueyApp> {
    let mut app = new_app();
    app.apply(Action::Open(path.unwrap_or_else(|| fixture("labeled_three_speakers.txt"))));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    h.run();
    h
}

#[test]
fn the_map_has_a_legend_labelled_axes_and_a_3d_gizmo() {
    let mut h = mapped(None);
    let map = h.state().view.run.frame.as_ref().unwrap().map.clone();
    let (min, max) = map.masses.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    // Clusters by default: the legend names each cluster by its top concepts and gives the modularity.
    let structure = h.state().view.run.frame.as_ref().unwrap().structure.clone();
    let c = &structure.clusters;
    assert!(c.problem.is_none() && !c.is_empty(), "{:?}", c.problem);
    h.get_by_label(&format!("Legend · colour: Leiden cluster (modularity {:.3})", c.modularity));
    for k in 0..c.len().min(huey::export::figure::LEGEND_CLUSTERS) {
        h.get_by_label(&format!("{} {} ({})", k + 1, c.name(&structure.graph, k), c.members[k].len()));
    }
    h.state_mut().view.widgets.map_colour = huey::export::figure::Colouring::Mass;
    h.run();
    h.get_by_label("Legend · colour: concept mass (viridis)");
    assert!(h.query_by_label_contains("Leiden cluster").is_none(), "one legend at a time");
    assert!(h.query_all_by_label(&format!("{min:.3}")).count() >= 1, "the scale's minimum");
    assert!(h.query_all_by_label(&format!("{max:.3}")).count() >= 1, "the scale's maximum");
    h.get_by_label(&format!("size: area proportional to mass (largest {max:.3})"));
    // Axis lines labelled with their dimension, eigenvalue and sign.
    let axis = |k: usize| {
        let l = map.eigenvalues[k];
        format!("dim {}: λ = {l:.3}{}", k + 1, if l < 0.0 { " (negative)" } else { "" })
    };
    h.get_by_label(&axis(0));
    h.get_by_label(&axis(1));
    let negative = map.eigenvalues.iter().position(|&l| l < -1e-10).expect("a negative eigenvalue");
    h.state_mut().view.widgets.camera.axes[1] = negative;
    h.run();
    h.get_by_label(&axis(negative));
    assert!(axis(negative).ends_with("(negative)"));
    assert!(h.query_by_label("depth: farther points smaller and dimmer").is_none(), "2-D has no depth cue");
    assert!(h.query_by_label("λ1").is_none(), "2-D has no gizmo");

    // 3-D: a third axis, the orientation gizmo with λ labels, and the depth cue explained.
    h.get_by_label("3-D").click();
    h.run();
    h.get_by_label(&axis(2));
    for k in [1, negative + 1, 3] {
        h.get_by_label(&format!("λ{k}"));
    }
    h.get_by_label("depth: farther points smaller and dimmer");

    // The selected concept's links get their own scale.
    assert!(h.query_by_label_contains("links of").is_none());
    h.state_mut().apply(Action::Select(Some("beans".to_owned())));
    h.run();
    h.get_by_label("links of beans (15 strongest): width and colour by strength");

    // The cascade overlay names itself and its range instead of looking like mass.
    h.get_by_label("Cascade").click();
    h.state_mut().view.widgets.cascade_inputs = "beans".to_owned();
    h.run();
    h.get_by_label("Run cascade").click();
    h.run();
    h.state_mut().view.widgets.cascade.as_mut().unwrap().step = 2;
    h.get_by_label("Map").click();
    h.run();
    h.get_by_label("Legend · colour: cascade activation at step 2");
    h.get_by_label("inactive");
    assert!(h.query_by_label("Legend · colour: concept mass (viridis)").is_none());
}

#[test]
fn map_search_says_when_nothing_matches_and_enter_selects_the_first_match() {
    use egui::accesskit::Role;
    let mut h = mapped(None);
    assert!(h.query_by_label("no match").is_none());
    h.get_by_role_and_label(Role::TextInput, "Search").focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Search").type_text("zzz");
    h.run();
    h.get_by_label("no match");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().view.widgets.selected, None, "Enter without a match selects nothing");

    // With the reference tokenizer "beans" is also inside "beans,": the exact match comes first.
    h.state_mut().view.widgets.search = "beans".to_owned();
    h.get_by_role_and_label(Role::TextInput, "Search").focus();
    h.run();
    assert!(h.query_by_label("no match").is_none());
    let labels = h.state().view.run.frame.as_ref().unwrap().map.labels.clone();
    let n = labels.iter().filter(|l| l.contains("beans")).count();
    assert!(n >= 1, "{labels:?}");
    h.get_by_label(&if n == 1 { "1 match".to_owned() } else { format!("{n} matches") });
    let pan = h.state().view.widgets.camera.pan;
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().view.widgets.selected.as_deref(), Some("beans"));
    // Centred: the pan now puts "beans" where the origin was.
    let after = h.state().view.widgets.camera.pan;
    assert_ne!(pan, after, "the view moved to the match");
    h.get_by_label_contains("links of beans");
}

#[test]
fn speakers_can_be_left_out_of_the_map() {
    // Speakers' names are words here ("ana", "ben", "cleo" are said), so they are neurons.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("names.txt");
    std::fs::write(
        &path,
        "Ana: ben the garden needs light and ana waters beans\n\
         Ben: ana says the garden gets light but trees shade ben\n\
         Cleo: ana and ben planted beans near trees cleo likes\n\
         Ana: cleo trims trees and ben moves beans into light\n\
         Ben: ana ben cleo garden beans trees light\n",
    )
    .unwrap();
    let mut h = mapped(Some(path));
    let speakers = ["ana", "ben", "cleo"];
    let labels = |h: &Harness<'static, HueyApp>| h.state().view.run.frame.as_ref().unwrap().map.labels.clone();
    let has_speaker = |l: &[String]| l.iter().any(|w| speakers.contains(&w.as_str()) || w.starts_with("Speaker_"));
    // The default preset leaves them out; unticking maps them, ticking again leaves them out.
    assert!(h.state().settings.options.map.leave_out_speakers, "the default preset leaves them out");
    h.get_by_label("leave out speakers").click();
    until(&mut h, "the map with speakers", |a| {
        a.view.run.frame.as_ref().is_some_and(|f| f.map.labels.iter().any(|w| w == "ana"))
    });
    let with = labels(&h);
    assert!(speakers.iter().all(|s| with.iter().any(|w| w == s)), "{with:?}");
    h.get_by_label("leave out speakers").click();
    until(&mut h, "the map without speakers", |a| {
        a.view.run.frame.as_ref().is_some_and(|f| !f.map.labels.iter().any(|w| w == "ana"))
    });
    let without = labels(&h);
    assert!(!has_speaker(&without), "{without:?}");
    assert!(without.iter().any(|w| w == "beans"), "{without:?}");
    // The map was solved without them (the same as the analysis with the option), not hidden.
    let frame = h.state().view.run.frame.clone().unwrap();
    let opts = huey::model::options::MapOptions { leave_out_speakers: true, ..Default::default() };
    let want = huey::analysis::concept_map::concept_map(&frame.network, &frame.speaker_mass, &opts);
    assert_eq!(frame.map.labels, want.labels);
    assert_eq!(frame.map.eigenvalues, want.eigenvalues);

    h.get_by_label("leave out speakers").click();
    until(&mut h, "the map with speakers", |a| {
        a.view.run.frame.as_ref().is_some_and(|f| f.map.labels.iter().any(|w| w == "ana"))
    });
    let with = labels(&h);
    assert!(speakers.iter().all(|s| with.iter().any(|w| w == s)), "{with:?}");
    assert_ne!(with.len(), without.len(), "{with:?} vs {without:?}");

    h.get_by_label("leave out speakers").click();
    until(&mut h, "the map without speakers", |a| {
        a.view.run.frame.as_ref().is_some_and(|f| !f.map.labels.iter().any(|w| w == "ana"))
    });
    assert_eq!(labels(&h), without);
    // The reference preset maps them, as the original did.
    h.get_by_label("Reference settings").click();
    h.run();
    assert!(!h.state().settings.options.map.leave_out_speakers);
}

/// Edits to the kill list add to the chosen list (never replace it), are shown one by one,
/// each undoable, and the list in use is named.
#[test]
fn kill_edits_add_to_the_chosen_list_and_are_named() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    // The automatic choice found English, and says so.
    h.get_by_label_contains("in use: English (bundled 'en' list)");
    let field = h.get_by_label("Add kill words");
    field.focus();
    field.set_text_value_accesskit("beans");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    let kill = h.state().settings.kill.clone();
    assert_eq!(kill.base(), &KillSource::Auto, "{kill:?}");
    assert_eq!(kill.edits().0, ["beans"]);
    h.get_by_label("+beans ×");
    h.get_by_label("Apply and restart").click();
    h.step();
    until(&mut h, "reloading", |a| {
        a.view.run.summary.as_ref().is_some_and(|s| s.kill_name.contains("added")) && a.view.run.frame.is_some()
    });
    h.get_by_label_contains("+ 1 added, − 0 removed");
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    let words = h
        .state()
        .view
        .run
        .frame
        .as_ref()
        .unwrap()
        .network
        .word_index()
        .keys()
        .map(|w| w.to_string())
        .collect::<Vec<_>>();
    assert!(!words.iter().any(|w| w == "beans"), "the added word is killed");
    assert!(!words.iter().any(|w| w == "the" || w == "and"), "and the English list still applies: {words:?}");
    assert!(words.iter().any(|w| w == "garden"), "{words:?}");
    // Undo the edit: the list is English again.
    h.get_by_label("+beans ×").click();
    h.run();
    assert_eq!(h.state().settings.kill, KillSource::Auto);
    // A list chosen for the next conversation applies to it; the conversation after that
    // starts from the automatic choice again (unless the list is pinned).
    let zh = KillSource::Bundled(huey::text::kill_words::Language::Zh);
    h.state_mut().settings.kill = zh.clone();
    h.state_mut().apply(Action::Open(fixture("chinese_two_speakers.txt")));
    assert_eq!(h.state().settings.kill, zh);
    until(&mut h, "the Chinese file", |a| a.view.run.summary.as_ref().is_some_and(|s| s.name.contains("chinese")));
    h.state_mut().apply(Action::Open(fixture("labeled_three_speakers.txt")));
    assert_eq!(h.state().settings.kill, KillSource::Auto, "the Chinese list does not follow to an English file");
    h.state_mut().settings.kill = zh.clone();
    h.state_mut().settings.kill_pinned = true;
    h.state_mut().apply(Action::Open(fixture("chinese_two_speakers.txt")));
    until(&mut h, "the Chinese file", |a| a.view.run.summary.as_ref().is_some_and(|s| s.name.contains("chinese")));
    h.state_mut().apply(Action::Open(fixture("labeled_three_speakers.txt")));
    assert_eq!(h.state().settings.kill, zh, "a pinned list stays");
}

/// A merge is undoable and resettable; the detected speakers stay listed; edits belong to the
/// conversation, not to the next file.
#[test]
fn a_speaker_merge_can_be_undone_and_reset() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    // Tall enough for the whole settings panel.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 1600.0))
        .build_ui_state(|ui, app: &mut HueyApp| app.frame_ui(ui), app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    let restart = |h: &mut Harness<'static, HueyApp>| {
        h.get_by_label("Apply and restart").click();
        h.step();
        until(h, "reloading", |a| {
            a.view.run.summary.as_ref().is_some_and(|s| s.options.speaker_edits == a.settings.options.speaker_edits)
                && a.view.run.frame.is_some()
        });
    };
    // Ben's row: merge Ben into Ana.
    let ben = h.query_all_by_label("as").nth(1).unwrap();
    ben.focus();
    h.run();
    h.query_all_by_label("as").nth(1).unwrap().set_text_value_accesskit("Ana");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().settings.options.speaker_edits.renames, [("Ben".to_owned(), "Ana".to_owned())]);
    restart(&mut h);
    assert_eq!(h.state().view.run.summary.as_ref().unwrap().speakers, ["Ana", "Cleo"]);
    h.get_by_label("Ben"); // still listed, so the merge can be taken back
    h.get_by_label("Undo speaker edit").click();
    h.run();
    assert!(h.state().settings.options.speaker_edits.renames.is_empty());
    restart(&mut h);
    assert_eq!(h.state().view.run.summary.as_ref().unwrap().speakers, ["Ana", "Ben", "Cleo"]);
    // Leave Cleo out, then reset.
    h.get_by_label("Cleo").click();
    h.run();
    assert_eq!(h.state().settings.options.speaker_edits.excluded, ["Cleo"]);
    h.get_by_label("Reset speakers").click();
    h.run();
    assert_eq!(h.state().settings.options.speaker_edits, Default::default());
    // An edit does not follow the user to the next conversation.
    h.get_by_label("Cleo").click();
    h.run();
    h.state_mut().apply(Action::OpenSample);
    assert_eq!(h.state().settings.options.speaker_edits, Default::default());
}

/// Keyword in context finds a CJK character inside a run of characters, highlighted, and the
/// inspector looks up any word of the network.
#[test]
fn kwic_finds_a_cjk_character() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("chinese_two_speakers.txt")));
    let mut h = harness(app);
    // With a system CJK font (CI installs fonts-droid-fallback) the app adds it and every
    // glyph must draw (kittest panics on a missing one); without, boxes stand in (the app's
    // own policy), said here.
    until(&mut h, "the font job", |a| a.view.cjk_font.is_some() || !any_cjk_font());
    if h.state().view.cjk_font.is_none() {
        println!("no CJK system font here: glyphs drawn as boxes");
        h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    }
    until(&mut h, "loading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    assert_eq!(h.state().view.run.summary.as_ref().unwrap().speakers, ["Li", "Wang"]);
    h.get_by_label_contains("in use: Chinese");
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    h.get_by_label("Inspector").click();
    h.run();
    let lookup = h.get_by_label("Look up any word of the network:");
    lookup.focus();
    lookup.set_text_value_accesskit("蓝");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.run();
    assert_eq!(h.state().view.widgets.selected.as_deref(), Some("蓝"));
    let lines = h.query_all_by_label_contains("Li: …").count() + h.query_all_by_label_contains("Wang: …").count();
    assert!(lines >= 4, "every exchange with 蓝 is listed: {lines}");
}

/// Whether this machine has one of the CJK fonts the app looks for.
fn any_cjk_font() -> bool {
    huey::io::fonts::CJK_FONTS.iter().any(|p| std::path::Path::new(p).is_file())
}

/// Step shows every exchange: the map after each step is the network after that exchange.
#[test]
fn step_changes_the_map_and_shows_no_eta() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    let mut seen = Vec::new();
    for k in 1..=3 {
        h.get_by_label("Step").click();
        until(&mut h, "the step's frame", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == k));
        let f = h.state().view.run.frame.clone().unwrap();
        seen.push((f.map.labels.clone(), f.map.eigenvalues.clone()));
    }
    assert!(seen.windows(2).all(|w| w[0] != w[1]), "each step changes the map: {seen:?}");
    h.get_by_label_contains("exchange 3/6 · paused");
    assert_eq!(h.query_all_by_label_contains("ETA").count(), 0, "no ETA while stepping");
}

/// A learning speed paces the run (the second exchange is due 1/speed after the first), and
/// the window opened without a file runs the bundled sample on its own.
#[test]
fn speed_control_paces_the_run_and_the_sample_runs_on_first_launch() {
    let mut app = new_app();
    app.start(huey::app::Launch::default());
    let mut h = harness(app);
    until(&mut h, "the sample, run on its own", |a| a.view.run.finished);
    assert!(h.state().view.run.frame.as_ref().is_some_and(|f| !f.map.labels.is_empty()));

    h.get_by_label("slow").click();
    h.run();
    assert_eq!(h.state().view.widgets.speed, Some(5.0));
    h.state_mut().apply(Action::Open(fixture("labeled_three_speakers.txt")));
    until(&mut h, "loading", |a| {
        a.view.run.summary.as_ref().is_some_and(|s| s.name.contains("labeled")) && a.view.run.frame.is_some()
    });
    let started = Instant::now();
    h.get_by_label("Run").click();
    until(&mut h, "three exchanges", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done >= 3));
    // At 5 exchanges/s the third is due 0.4 s after the first.
    assert!(started.elapsed() >= Duration::from_millis(380), "{:?}", started.elapsed());
    until(&mut h, "the end", |a| a.view.run.finished);
}

/// The presets: *Reference settings* sets the original's options exactly, *Default settings*
/// the clean ones, and the panel names the preset in use.
#[test]
fn presets_set_every_option() {
    let mut h = harness(new_app());
    h.run();
    h.get_by_label("Preset: default");
    h.get_by_label("Reference settings").click();
    h.run();
    let kind = h.state().settings.options.engine.kind();
    assert_eq!(h.state().settings.options, AnalysisOptions::reference(kind));
    h.get_by_label("Preset: reference");
    h.get_by_label("Default settings").click();
    h.run();
    assert_eq!(h.state().settings.options, AnalysisOptions::default());
}

/// Step frames until `found` holds for the harness (a widget appeared, a job answered).
fn until_h(h: &mut Harness<'static, HueyApp>, what: &str, found: impl Fn(&Harness<'static, HueyApp>) -> bool) {
    let started = Instant::now();
    while !found(h) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}: {:?}",
            h.state().view.notices
        );
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A folder with a conversation, a file the conversation chooser does not list, a folder.
fn browsing_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("labeled_three_speakers.txt"), dir.path().join("talk.txt")).unwrap();
    std::fs::write(dir.path().join("notes.csv"), "a,b\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    dir
}

/// Whether the widget labelled `label` is disabled.
fn disabled(h: &Harness<'static, HueyApp>, label: &str) -> bool {
    use egui_kittest::kittest::NodeT as _;
    h.get_by_label(label).accesskit_node().is_disabled()
}

/// A harness for tests that use the in-app browser: `egui_file` gives its path and file-name
/// boxes no accessible name, which the harness's accessibility check refuses (a limitation
/// of the crate, listed in the README).
fn browser_harness(app: HueyApp) -> Harness<'static, HueyApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut HueyApp| app.frame_ui(ui), app)
}

/// A native dialog the test must never see asked for.
fn no_native_dialog(app: &mut HueyApp) {
    app.set_native_dialog(std::sync::Arc::new(|p| panic!("the native dialog was asked for ({p:?})")));
}

/// Issue 10's acceptance: on a desktop with no portal (no D-Bus session bus) and no zenity,
/// *Open…* says so in the status bar and the in-app browser opens the file. The check runs in
/// a child process of this test binary whose environment has neither, on every machine.
#[test]
fn without_a_portal_the_built_in_browser_opens_a_file() {
    let dir = browsing_folder();
    let empty = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "ui::browser_without_a_portal", "--nocapture"])
        .env("HOME", dir.path())
        .env("PATH", empty.path())
        .env("XDG_RUNTIME_DIR", empty.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && out.contains("1 passed"), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
#[ignore = "run by without_a_portal_the_built_in_browser_opens_a_file, in a process without a portal or zenity"]
fn browser_without_a_portal() {
    use huey::app::jobs::DialogError;
    use huey::io::listing::NoNativeDialog;
    let home = std::path::PathBuf::from(std::env::var_os("HOME").unwrap());
    let mut h = browser_harness(new_app()); // the real native dialog (rfd), nothing injected
    h.get_by_label("Open…").click();
    until(&mut h, "the built-in browser", |a| a.browser_folder().is_some());
    assert_eq!(h.state().browser_folder(), Some(home.as_path()), "it opens in the home folder");
    let said = |a: &HueyApp| {
        a.view.notices.any(|m| {
            matches!(m, Message::App(Info::NativeDialog(DialogError::Unavailable(NoNativeDialog::NoPortalNoZenity))))
        })
    };
    assert!(said(h.state()), "{:?}", h.state().view.notices);
    h.get_by_label_contains("no desktop portal");
    until_h(&mut h, "the folder's listing", |h| h.query_by_label("🗋 talk.txt").is_some());
    h.get_by_label("🗀 sub");
    assert!(h.query_by_label("🗋 notes.csv").is_none(), "the conversation chooser lists conversations");
    h.get_by_label("🗋 talk.txt").click();
    h.run();
    h.get_by_label("Open").click();
    until(&mut h, "the conversation", |a| a.view.run.summary.is_some());
    let source = h.state().source().unwrap();
    assert_eq!(source.path.as_deref(), Some(home.join("talk.txt").as_path()));
    assert!(h.state().browser_folder().is_none(), "the browser closed");
    assert_eq!(h.state().view.run.summary.as_ref().unwrap().speakers, ["Ana", "Ben", "Cleo"]);
    // The next chooser goes straight to the browser (no second failed native attempt).
    h.get_by_label("Open session…").click();
    until(&mut h, "the browser again", |a| a.browser_folder().is_some());
}

/// A native dialog that fails is announced and the in-app browser takes over; one that answers
/// a path is used as it is.
#[test]
fn a_failed_native_dialog_is_announced_and_the_browser_opens() {
    use huey::app::jobs::DialogError;
    let mut app = new_app();
    app.set_native_dialog(std::sync::Arc::new(|_| Err(DialogError::Failed)));
    let mut h = browser_harness(app);
    h.get_by_label("Open…").click();
    until(&mut h, "the built-in browser", |a| a.browser_folder().is_some());
    assert!(h.state().view.notices.any(|m| matches!(m, Message::App(Info::NativeDialog(DialogError::Failed)))));
    assert_eq!(
        h.state().view.notices.last().unwrap().to_string(),
        "the native file dialog failed; using the built-in file browser"
    );
    // Esc closes it.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().browser_folder().is_none());

    let mut app = new_app();
    app.set_native_dialog(std::sync::Arc::new(|_| Ok(Some(fixture("labeled_three_speakers.txt")))));
    let mut h = harness(app);
    h.get_by_label("Open…").click();
    until(&mut h, "the conversation", |a| a.view.run.summary.is_some());
    assert!(h.state().browser_folder().is_none());
}

/// While a native dialog is open the window keeps asking for frames (the dialog runs on a job
/// thread and nothing else may wake the window); once it closes it stops.
#[test]
fn an_open_native_dialog_never_stops_the_redraws() {
    let (release, released) = crossbeam_channel::bounded::<()>(1);
    let released = std::sync::Mutex::new(released);
    let mut app = new_app();
    app.set_native_dialog(std::sync::Arc::new(move |_| {
        let _ = released.lock().unwrap().recv();
        Ok(None)
    }));
    let mut h = harness(app);
    let delay = |h: &Harness<'static, HueyApp>| h.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    h.step();
    assert!(delay(&h) > Duration::from_secs(1), "idle before: {:?}", delay(&h));
    h.get_by_label("Open…").click();
    for _ in 0..5 {
        h.step();
        assert!(h.state().choosing_file());
        assert!(delay(&h) <= Duration::from_millis(100), "a frame is asked for within 100 ms: {:?}", delay(&h));
    }
    release.send(()).unwrap();
    until(&mut h, "the cancelled dialog", |a| !a.choosing_file());
    h.step();
    assert!(delay(&h) > Duration::from_secs(1), "idle after: {:?}", delay(&h));
    assert!(h.state().source().is_none(), "a cancelled dialog opens nothing");
}

/// The built-in browser chosen in the settings: Ctrl+S offers `session.huey.ron` in the
/// conversation's folder and *Save* writes it there; the native dialog is never asked.
#[test]
fn the_built_in_browser_saves_a_session_where_the_conversation_is() {
    let dir = browsing_folder();
    let mut app = new_app();
    no_native_dialog(&mut app);
    app.settings.file_chooser = huey::io::settings::FileChooser::BuiltIn;
    app.apply(Action::Open(dir.path().join("talk.txt")));
    let mut h = browser_harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    until(&mut h, "the browser", |a| a.browser_folder().is_some());
    assert_eq!(h.state().browser_folder(), Some(dir.path()));
    h.get_by_label_contains("Save the session");
    until_h(&mut h, "the folder's listing", |h| h.query_by_label("🗋 notes.csv").is_some());
    h.get_by_label("Save").click();
    until(&mut h, "the session file", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::SessionSaved(_)))));
    assert!(dir.path().join("session.huey.ron").is_file(), "{:?}", h.state().view.notices);
}

/// Before anything is loaded there is nothing to save or export: the buttons say so by being
/// disabled, and Ctrl+S says so in the status bar.
#[test]
fn save_and_export_are_disabled_until_something_is_loaded() {
    let mut app = new_app();
    no_native_dialog(&mut app);
    let mut h = harness(app);
    h.run();
    assert!(disabled(&h, "Save session…"));
    assert!(disabled(&h, "Export"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    assert_eq!(h.state().view.notices.last().map(|m| m.to_string()).as_deref(), Some("nothing to save yet"));
    assert!(!h.state().choosing_file());
    h.state_mut().apply(Action::Open(fixture("labeled_three_speakers.txt")));
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    assert!(!disabled(&h, "Save session…"));
    assert!(!disabled(&h, "Export"));
}

/// Ctrl+O opens the chooser; Space runs (not while a text field has focus); F1 and ? show and
/// hide the help window with the shortcuts and the version.
#[test]
fn keyboard_shortcuts() {
    let mut app = new_app();
    no_native_dialog(&mut app);
    app.settings.file_chooser = huey::io::settings::FileChooser::BuiltIn;
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());

    h.key_press(egui::Key::F1);
    h.run();
    h.get_by_label("Keyboard shortcuts");
    h.get_by_label(concat!("Huey ", env!("CARGO_PKG_VERSION")));
    h.get_by_label("Ctrl+O");
    h.key_press(egui::Key::F1);
    h.run();
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    h.key_press(egui::Key::Questionmark);
    h.run();
    h.get_by_label("Keyboard shortcuts");
    h.get_by_label("?").click();
    h.run();
    assert!(h.query_by_label("Keyboard shortcuts").is_none(), "the ? button toggles it too");

    // Space while typing in a field is the field's.
    h.query_all_by_label("as").next().unwrap().focus();
    h.run();
    h.key_press(egui::Key::Space);
    for _ in 0..10 {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    let idle =
        |a: &HueyApp| !a.running() && !a.view.run.finished && a.view.run.frame.as_ref().is_some_and(|f| f.done == 0);
    assert!(idle(h.state()), "Space in a text field started the run");
    h.ctx.memory_mut(|m| m.stop_text_input());
    h.run();
    h.key_press(egui::Key::Space);
    until(&mut h, "the run", |a| a.running() || a.view.run.finished);

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    until(&mut h, "the browser", |a| a.browser_folder().is_some());
    h.get_by_label_contains("Open a conversation");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.step(); // not `run`: the browser's unnamed boxes fail the accessibility check (see browser_harness)
    assert_eq!(h.state().view.notices.last().map(|m| m.to_string()).as_deref(), Some("a file dialog is already open"));
}

/// The window title names the conversation; the theme setting reaches the window.
#[test]
fn window_title_and_theme() {
    let mut h = harness(new_app());
    h.step();
    assert_eq!(h.state().window_title(), "Huey");
    h.state_mut().apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let want = "Huey — labeled_three_speakers.txt";
    until_h(&mut h, "the title", |h| {
        h.output().viewport_output[&egui::ViewportId::ROOT]
            .commands
            .iter()
            .any(|c| matches!(c, egui::ViewportCommand::Title(t) if t == want))
    });
    assert_eq!(h.state().window_title(), want);
    use huey::io::settings::Theme;
    for (theme, want) in [(Theme::Dark, egui::Theme::Dark), (Theme::Light, egui::Theme::Light)] {
        h.state_mut().settings.theme = theme;
        h.run();
        assert_eq!(h.ctx.theme(), want);
    }
}

/// Run until `more` exchanges are done from where the run stands, then pause (a chunk or more
/// of running between two frames: one live rate).
fn run_a_little(h: &mut Harness<'static, HueyApp>, more: usize) {
    let from = h.state().view.run.progress.as_ref().map_or(0, |p| p.done);
    h.get_by_label("Run").click();
    until(h, "some progress", |a| {
        a.view.run.progress.as_ref().is_some_and(|p| p.done >= from + more || !p.running && p.done > from)
    });
    let p = h.state().view.run.progress.clone();
    assert!(!h.state().view.run.finished, "the run ended too soon for the test: {p:?}");
    h.get_by_label("Pause").click();
    until(h, "the pause", |a| a.view.run.progress.as_ref().is_some_and(|p| !p.running));
    // The paused frame follows the paused progress: wait for it too, or the timeline's last
    // point is still a running one.
    let done = h.state().view.run.progress.as_ref().map_or(0, |p| p.done);
    until(h, "the paused frame", |a| a.view.run.frame.as_ref().is_some_and(|f| !f.running && f.done >= done));
}

#[test]
fn a_cpu_gpu_cpu_run_is_three_segments_with_two_switch_markers() {
    if super::gpu::gpu_or_skip().is_none() {
        return;
    }
    let (_dir, path) = synthetic(200_000, 3_000);
    let mut app = new_app();
    app.settings.kill = KillSource::None;
    app.apply(Action::Open(path.clone()));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    // Nothing has run yet: the timing view says so instead of drawing empty plots.
    h.get_by_label("Timing").click();
    h.run();
    assert!(h.query_all_by_label_contains("no data yet").count() >= 1);

    run_a_little(&mut h, 20);
    // The GPU takes a while to start: the app says so, and Stop stays usable meanwhile.
    h.get_by_label("GPU").click();
    h.step();
    assert_eq!(h.state().view.run.starting, Some(Backend::Gpu));
    until(&mut h, "the GPU", |a| a.view.run.frame.as_ref().is_some_and(|f| f.backend == Backend::Gpu));
    assert_eq!(h.state().view.run.starting, None);
    run_a_little(&mut h, 20);
    h.get_by_label("CPU").click();
    until(&mut h, "the CPU again", |a| a.view.run.frame.as_ref().is_some_and(|f| f.backend == Backend::Cpu));
    run_a_little(&mut h, 20);

    let tl = &h.state().view.run.timeline;
    let backends: Vec<Backend> = tl.segments.iter().map(|s| s.backend).collect();
    assert_eq!(backends, [Backend::Cpu, Backend::Gpu, Backend::Cpu], "{tl:?}");
    assert_eq!(tl.switches.len(), 2);
    assert_eq!((tl.switches[0].from, tl.switches[0].to), (Backend::Cpu, Backend::Gpu));
    assert_eq!((tl.switches[1].from, tl.switches[1].to), (Backend::Gpu, Backend::Cpu));
    // Every segment has live rates of its own backend, and no line bridges a switch or a pause.
    for (i, seg) in tl.segments.iter().enumerate() {
        let rates: Vec<_> = tl.rates.iter().filter(|r| r.segment == i).collect();
        assert!(!rates.is_empty(), "segment {i} has no rate: {tl:?}");
        assert!(rates.iter().all(|r| r.backend == seg.backend && r.words_per_sec > 0.0 && r.us_per_step > 0.0));
        assert!(seg.steps() > 0);
        let fit = seg.attribution();
        let sum: f64 = fit.rows.iter().map(|r| r.1).sum::<f64>() + fit.other;
        assert!((sum - seg.engine_secs()).abs() < 1e-9 * seg.engine_secs().max(1.0));
    }
    for stretch in tl.stretches() {
        assert!(stretch.iter().all(|r| r.segment == stretch[0].segment));
    }
    let t_switch = tl.switches.iter().map(|s| s.t).collect::<Vec<_>>();
    assert!(t_switch[0] < t_switch[1]);
    // The view draws them: one row per segment, each named by its backend.
    h.run();
    h.get_by_label("Segments (share of each segment's engine time)");
    assert_eq!(h.query_all_by_label("on CPU").count(), 2, "the two CPU segments' rows");
    assert_eq!(h.query_all_by_label("on GPU").count(), 1, "the GPU segment's row");
}

#[test]
fn the_compare_rows_sum_to_the_total() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some());
    h.get_by_label("Compare").click();
    h.run();
    h.get_by_label("Run on CPU and GPU").click();
    until(&mut h, "the comparison", |a| a.view.results.comparison.is_some());
    let runs = h.state().view.results.comparison.clone().unwrap();
    for r in &runs {
        let fit = &r.attribution;
        let rows: f64 = fit.rows.iter().map(|row| row.1).sum::<f64>();
        assert!((rows + fit.other - r.engine_secs).abs() <= 1e-12 * r.engine_secs.max(1.0), "{r:?}");
        assert!(rows <= r.engine_secs * (1.0 + 1e-12), "kernels never exceed the total: {r:?}");
        assert!(
            !fit.rows.is_empty() && fit.rows.iter().all(|row| row.1 > 0.0),
            "every kernel that ran has time: {r:?}"
        );
        // Scaled only where the kernels' own figures summed to more than the total.
        let own: f64 = r.kernels.iter().map(|k| k.total_secs).sum();
        assert_eq!(fit.scaled(), own > r.engine_secs, "{r:?}");
    }
    h.get_by_label("other (host, transfers, unattributed)");
    h.get_by_label("engine total");
    assert!(h.query_all_by_label_contains("other = engine total − kernels").count() == runs.len());
    // The table's cells, as shown (3 decimals in ms), add up to the total shown.
    for (col, r) in runs.iter().enumerate() {
        let shown = |ms: f64| format!("{ms:.3}").parse::<f64>().unwrap();
        let sum: f64 =
            r.attribution.rows.iter().map(|row| shown(row.1 * 1e3)).sum::<f64>() + shown(r.attribution.other * 1e3);
        let n = r.attribution.rows.len() as f64 + 1.0;
        assert!(
            (sum - shown(r.engine_secs * 1e3)).abs() <= 0.0005 * n + 1e-9,
            "column {col}: {sum} vs {}",
            r.engine_secs * 1e3
        );
    }
}

#[test]
fn a_size_sweep_says_which_measurement_it_is_at() {
    let mut app = new_app();
    app.apply(Action::OpenSample);
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some());
    h.get_by_label("Compare").click();
    h.run();
    h.state_mut().apply(Action::RunSweep(vec![250], 0.2));
    let mut seen = Vec::new();
    let started = Instant::now();
    while h.state().measuring().is_some() {
        assert!(started.elapsed() < Duration::from_secs(120), "the sweep took too long");
        h.step();
        if let Some(step) = h.state().view.results.sweep_step
            && !seen.contains(&step.done)
        {
            h.get_by_label_contains(&format!("measurement {} of {}", step.done + 1, step.total));
            seen.push(step.done);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    until(&mut h, "the rows", |a| a.view.results.sweep.is_some());
    assert!(seen.contains(&0), "the first measurement was announced: {seen:?}");
    assert!(h.state().view.results.sweep_step.is_none());
    h.get_by_label_contains("log-log");
}

/// Above the dense limit the map's header counts the eigenvalues it computed (not "0
/// positive / 0 negative" beside a spectrum of positive bars).
#[test]
fn a_partial_spectrum_is_counted_in_the_map_header() {
    let (_dir, path) = synthetic(8_000, 600);
    let mut app = new_app();
    app.settings.kill = KillSource::None;
    app.settings.options.map.n_concepts = 120;
    app.settings.options.map.dense_limit = 40;
    app.apply(Action::Open(path));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.summary.is_some() && a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    let map = &h.state().view.run.frame.as_ref().unwrap().map;
    assert_eq!(map.spectrum, huey::analysis::concept_map::Spectrum::Partial);
    let positive = map.eigenvalues.iter().filter(|&&l| l > 1e-10).count();
    assert!(positive > 0);
    h.get_by_label_contains(&format!("{positive} positive / "));
    h.get_by_label_contains("eigenvalues computed (partial spectrum)");
}

/// Once the built-in browser shows `browsing_folder()`'s listing, click *Save* (its suggested name).
fn save_in_the_browser(h: &mut Harness<'static, HueyApp>) {
    until(h, "the browser", |a| a.browser_folder().is_some());
    until_h(h, "the folder's listing", |h| h.query_by_label("🗋 notes.csv").is_some());
    h.get_by_label("Save").click();
}

/// Issue 12's app half: the Export menu lists every interchange format and figure; choosing
/// one writes it through the chooser (here the built-in browser), and what it writes is the
/// network on screen (GEXF) and the figure at the chosen size and DPI (PNG).
#[test]
fn the_export_menu_writes_a_gexf_and_a_png_figure() {
    let dir = browsing_folder();
    let mut app = new_app();
    no_native_dialog(&mut app);
    app.settings.file_chooser = huey::io::settings::FileChooser::BuiltIn;
    app.apply(Action::Open(dir.path().join("talk.txt")));
    let mut h = browser_harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    h.run();
    let graph = h.state().view.run.frame.as_ref().unwrap().structure.graph.clone();
    assert!(graph.len() > 10);

    h.get_by_label("Export").click();
    h.run();
    for format in huey::export::Format::ALL {
        h.get_by_label(format.title());
    }
    for kind in ["Map", "Spectrum", "Timing"] {
        h.get_by_label(&format!("{kind} as SVG…"));
        h.get_by_label(&format!("{kind} as PNG…"));
    }
    h.get_by_label("GEXF (Gephi)…").click();
    save_in_the_browser(&mut h);
    let gexf = dir.path().join("huey.gexf");
    until(&mut h, "the GEXF", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::Wrote(p)) if *p == gexf)));
    let text = std::fs::read_to_string(&gexf).unwrap();
    assert!(text.contains("<gexf xmlns=\"http://gexf.net/1.3\""), "{text}");
    assert_eq!(text.matches("<node ").count(), graph.len());
    assert_eq!(text.matches("<edge ").count(), graph.edges.len());
    assert!(text.contains("talk.txt"), "provenance names the conversation");

    // A smaller PNG than the default, so the test stays quick.
    h.state_mut().view.widgets.figure.width_mm = 80.0;
    h.state_mut().view.widgets.figure.height_mm = 60.0;
    h.state_mut().view.widgets.figure.dpi = 100.0;
    h.get_by_label("Export").click();
    h.run();
    h.get_by_label("Map as PNG…").click();
    save_in_the_browser(&mut h);
    let png = dir.path().join("map.png");
    until(&mut h, "the PNG", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::Wrote(p)) if *p == png)));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let info = decoder.read_info().unwrap();
    let (w, h_px) = info.info().size();
    assert_eq!((w, h_px), ((80.0f64 / 25.4 * 100.0).round() as u32, (60.0f64 / 25.4 * 100.0).round() as u32));
}

/// The concepts table sorts by any column (a header click; again to reverse) and a row
/// selects its concept, which the inspector then shows with its cluster and centralities.
#[test]
fn the_concepts_table_sorts_and_selects() {
    use huey::app::view::ConceptColumn;
    let mut h = mapped(None);
    h.get_by_label("Concepts").click();
    h.run();
    h.get_by_label("mass ⏷");
    h.get_by_label("betweenness").click();
    h.run();
    assert_eq!(h.state().view.widgets.concepts_sort, (ConceptColumn::Betweenness, false), "largest first");
    h.get_by_label("betweenness ⏷").click();
    h.run();
    assert_eq!(h.state().view.widgets.concepts_sort, (ConceptColumn::Betweenness, true));
    h.get_by_label("concept").click();
    h.run();
    assert_eq!(h.state().view.widgets.concepts_sort, (ConceptColumn::Concept, true), "labels sort A to Z first");
    h.get_by_label("beans").click();
    h.run();
    assert_eq!(h.state().view.widgets.selected.as_deref(), Some("beans"));
    h.get_by_label("Inspector").click();
    h.run();
    assert!(h.query_by_label_contains("stability").is_some(), "the inspector shows the cluster's stability");
    assert!(h.query_by_label_contains("PageRank").is_some(), "and the centralities");
}

/// Issue 13's first step in the app: the map's time slider puts the run at any exchange —
/// the same network as stepping there — and back at the end, the end's network.
#[test]
fn the_time_slider_shows_the_network_as_of_any_exchange() {
    let mut app = new_app();
    app.apply(Action::Open(fixture("labeled_three_speakers.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    let mut stepped = Vec::new();
    for k in 1..=6 {
        h.get_by_label("Step").click();
        until(&mut h, "the step", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == k && !f.running));
        stepped.push(h.state().view.run.frame.as_ref().unwrap().network.clone());
    }
    let end = stepped.last().unwrap().clone();
    h.get_by_label("Map").click();
    h.run();
    assert!(h.query_all_by_label("exchange shown").count() >= 1, "the time slider");
    for t in [3, 1, 5, 2, 6] {
        h.state_mut().apply(Action::Seek(t));
        until(&mut h, "the seek", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == t && !f.running));
        assert_eq!(h.state().view.run.frame.as_ref().unwrap().network, stepped[t - 1], "exchange {t}");
    }
    assert_eq!(h.state().view.run.frame.as_ref().unwrap().network, end);
    // The arrow keys step through time.
    h.key_press(egui::Key::ArrowLeft);
    until(&mut h, "one back", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == 5));
    assert_eq!(h.state().view.run.frame.as_ref().unwrap().network, stepped[4]);
    h.key_press(egui::Key::ArrowRight);
    until(&mut h, "one forward", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == 6));
    assert_eq!(h.state().view.run.frame.as_ref().unwrap().network, end);
}

/// Issue 13 in the app: the Time tab computes the timeline of the run on show (a fresh run),
/// shows the aligned map at the exchange on show and the timelines; playing back and forward
/// moves the run through time one seek at a time (each the network as of that exchange) and
/// stops at either end; the Export menu writes the timeline's animation, a frame per row.
#[test]
fn the_time_tab_computes_a_timeline_plays_through_time_and_exports_an_animation() {
    let dir = browsing_folder();
    let mut app = new_app();
    no_native_dialog(&mut app);
    app.settings.file_chooser = huey::io::settings::FileChooser::BuiltIn;
    app.apply(Action::Open(dir.path().join("talk.txt")));
    let mut h = browser_harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    let end = h.state().view.run.frame.as_ref().unwrap().network.clone();
    let total = h.state().view.run.frame.as_ref().unwrap().total;
    h.get_by_label("Time").click();
    h.run();
    assert!(h.query_by_label_contains("compute the timeline").is_some(), "says what to do first");
    assert!(h.query_by_label("Timeline animation (GIF)…").is_none(), "the Export menu is closed");
    h.state_mut().view.widgets.time.track = "beans, nowhere".to_owned();
    h.get_by_label("Compute timeline").click();
    until(&mut h, "the timeline", |a| a.view.run.time.timeline.is_some());
    let timeline = h.state().view.run.time.timeline.clone().unwrap();
    assert_eq!(timeline.rows.len(), total, "about a hundred rows: here one per exchange");
    assert_eq!(timeline.rows.last().unwrap().exchange, total);
    let tracked: Vec<&str> = timeline.rows[0].tracked.iter().map(|t| t.concept.as_str()).collect();
    assert_eq!(tracked, ["beans", "nowhere"]);
    assert!(timeline.rows.iter().all(|r| r.tracked[1].mass.is_none()), "a word never said is never there");
    h.run();
    h.get_by_label_contains(&format!("Aligned map at exchange {total}"));
    h.get_by_label("Self-concept mass after each turn");
    h.get_by_label_contains("Emergence:");

    // Back to the start, one seek at a time, then forward to the end.
    h.state_mut().view.widgets.time.speed = 20.0;
    h.get_by_label("◀ Play back").click();
    h.step();
    assert!(h.state().view.widgets.time.play.is_some_and(|p| !p.forward), "playing back");
    let mut seen = vec![total];
    let started = Instant::now();
    while h.state().view.widgets.time.play.is_some() {
        assert!(started.elapsed() < Duration::from_secs(60), "playback never stopped: {seen:?}");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
        let done = h.state().view.run.frame.as_ref().unwrap().done;
        if seen.last() != Some(&done) {
            seen.push(done);
        }
    }
    until(&mut h, "the start", |a| a.view.run.frame.as_ref().is_some_and(|f| f.done == 0));
    assert!(seen.len() >= 3 && seen.windows(2).all(|w| w[1] < w[0]), "played back through time: {seen:?}");
    h.get_by_label("Play ▶").click();
    h.run();
    until(&mut h, "playback to the end", |a| {
        a.view.widgets.time.play.is_none() && a.view.run.frame.as_ref().is_some_and(|f| f.done == total)
    });
    assert_eq!(h.state().view.run.frame.as_ref().unwrap().network, end, "the end's network again");

    h.get_by_label("Export").click();
    h.run();
    h.get_by_label("Timeline animation (GIF)…").click();
    save_in_the_browser(&mut h);
    let gif = dir.path().join("timeline.gif");
    until(&mut h, "the GIF", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::Wrote(p)) if *p == gif)));
    assert_eq!(super::timeline::gif_frames(&gif).len(), timeline.rows.len(), "a frame per row");
    // The tables, rendered and written on the writer's thread.
    h.get_by_label("Export").click();
    h.run();
    h.get_by_label("Timeline tables (CSV)…").click();
    save_in_the_browser(&mut h);
    let last = dir.path().join("timeline_provenance.txt");
    until(&mut h, "the tables", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::Wrote(p)) if *p == last)));
    let rows = std::fs::read_to_string(dir.path().join("timeline_rows.csv")).unwrap();
    assert_eq!(rows.lines().count(), timeline.rows.len() + 1, "a header and a line per row");
}

/// Issue 14: a folder opened as a corpus through the Corpus tab's *Open folder…* (its table,
/// a failed file recorded in it), pooled into one network (equal to the conversations learned
/// one after the other), two groups and two speakers compared (a speaker's side equals the
/// analysis of their lines alone), and the comparison exported.
#[test]
fn the_corpus_tab_opens_a_folder_pools_it_and_compares_groups_and_speakers() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for name in ["compare_morning.txt", "compare_evening.txt"] {
        std::fs::copy(fixture(name), corpus.join(name)).unwrap();
    }
    std::fs::write(corpus.join("empty.txt"), "").unwrap();
    let export = dir.path().join("cmp.csv");
    let mut app = new_app();
    let (folder, out) = (corpus.clone(), export.clone());
    app.set_native_dialog(std::sync::Arc::new(move |p| match p {
        huey::app::jobs::Purpose::OpenCorpus => Ok(Some(folder.clone())),
        huey::app::jobs::Purpose::ExportComparison => Ok(Some(out.clone())),
        other => panic!("unexpected dialog {other:?}"),
    }));
    app.apply(Action::Open(corpus.join("compare_morning.txt")));
    let mut h = harness(app);
    until(&mut h, "loading", |a| a.view.run.frame.is_some());
    h.get_by_label("Run").click();
    until(&mut h, "the end", |a| a.view.run.finished);
    h.get_by_label("Corpus").click();
    h.run();
    h.get_by_label("Open folder…").click();
    until(&mut h, "the corpus", |a| a.view.corpus.corpus.is_some());
    h.run();
    let c = h.state().view.corpus.corpus.clone().unwrap();
    let keys: Vec<&str> = c.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["compare_evening.txt", "compare_morning.txt", "empty.txt"]);
    assert_eq!(c.rows[0].figures.as_ref().unwrap().exchanges, 4);
    assert_eq!(c.rows[1].figures.as_ref().unwrap().exchanges, 5);
    assert!(c.rows[2].figures.is_err(), "the empty file is a failed row");
    h.get_by_label_contains("3 conversations in");
    h.get_by_label_contains("failed:");

    // Pooled: the two conversations learned one after the other (evening first, by name).
    h.get_by_label("Pool into one network").click();
    until(&mut h, "the pool", |a| a.view.corpus.pooled.is_some());
    h.run();
    let pooled = h.state().view.corpus.pooled.clone().unwrap();
    let both = std::fs::read_to_string(fixture("compare_evening.txt")).unwrap()
        + &std::fs::read_to_string(fixture("compare_morning.txt")).unwrap();
    let kill = huey::text::kill_words::KillList::of_language(huey::text::kill_words::Language::En);
    let alone = huey::run::pipeline::analyze_text(&both, &AnalysisOptions::default(), &kill).unwrap();
    assert_eq!(pooled.network, alone.network);
    assert_eq!(pooled.detection.speakers.len(), 4, "each conversation's speakers its own");
    h.get_by_label_contains("Corpus network: 9 exchanges by 4 speakers");

    // Group A (morning) against group B (evening).
    h.get_all_by_label("A").nth(1).unwrap().click();
    h.get_all_by_label("B").next().unwrap().click();
    h.run();
    assert_eq!(h.state().view.corpus.group_a.iter().copied().collect::<Vec<_>>(), [1]);
    assert_eq!(h.state().view.corpus.group_b.iter().copied().collect::<Vec<_>>(), [0]);
    h.get_by_label("Compare A with B").click();
    until(&mut h, "the group comparison", |a| a.view.corpus.compared.is_some() && a.view.corpus.working.is_none());
    h.run();
    let cmp = h.state().view.corpus.compared.clone().unwrap();
    let sides = |w: &str| cmp.result.comparison.concepts.iter().find(|r| r.word == w).map(|r| r.sides());
    assert_eq!((sides("coffee"), sides("wine"), sides("garden")), (Some("a"), Some("b"), Some("both")));
    h.get_by_label_contains("A: compare_morning.txt (5 exchanges) vs B: compare_evening.txt (4 exchanges)");

    // Two speakers of the conversation on show (the morning), chosen in the combo boxes' state.
    h.state_mut().view.corpus.speaker_a = "Ana".to_owned();
    h.state_mut().view.corpus.speaker_b = "Ben".to_owned();
    h.run();
    h.get_by_label("Compare speakers").click();
    until(&mut h, "the speaker comparison", |a| {
        a.view.corpus.working.is_none() && a.view.corpus.compared.as_ref().is_some_and(|c| c.sides.a == "Ana")
    });
    h.run();
    let cmp = h.state().view.corpus.compared.clone().unwrap();
    let ana: String = std::fs::read_to_string(fixture("compare_morning.txt"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("Ana:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let ana = huey::run::pipeline::analyze_text(&ana, &AnalysisOptions::default(), &kill).unwrap();
    assert_eq!(cmp.result.a.network, ana.network, "Ana's side is her lines alone");
    h.get_by_label_contains("Ana (3 exchanges) vs Ben (2 exchanges)");
    h.get_by_label_contains("Joint map");

    h.get_by_label("Export comparison…").click();
    // The notice names the last file written (the files are written in one job, in order).
    let written = dir.path().join("cmp_displacements.csv");
    until(&mut h, "the export", |a| a.view.notices.any(|m| matches!(m, Message::App(Info::Wrote(p)) if *p == written)));
    h.get_by_label_contains("Galileo alignment of A's map onto B's");
    for suffix in
        ["_concepts.csv", "_associations.csv", "_joint_map.csv", "_joint_map.svg", "_joint.gexf", "_displacements.csv"]
    {
        assert!(dir.path().join(format!("cmp{suffix}")).is_file(), "{suffix}");
    }
}
