//! The desktop app driven through egui_kittest (AccessKit labels, no window): load a
//! conversation, run it, switch backend mid-run, inspect a concept, save and reopen a session,
//! and image snapshots of the map, the spectrum and the timing view.

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
    let spec = huey::text::synthetic::SynthSpec { words: 20_000, vocabulary: 3_000, ..Default::default() };
    let path = std::env::temp_dir().join(format!("huey-ui-switch-{}.txt", std::process::id()));
    std::fs::write(&path, huey::text::synthetic::conversation(&spec)).unwrap();
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
    let _ = std::fs::remove_file(path);
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
    assert!(csv.starts_with("concept,neuron_id,mass,activation\n"));
    assert_eq!(csv.lines().count(), saved.n_neurons() + 1);
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.starts_with("# Huey analysis report") && md.contains("| Ana |") && md.contains("beans"), "{md}");

    let mut other = new_app();
    other.apply(Action::OpenSession(session.clone()));
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
    h.get_by_label("Spectrum").click();
    h.run();
    still(h.state_mut());
    h.step();
    h.snapshot("spectrum");

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
    h.get_by_label("Cleo: concepts used most");
    assert!(h.query_all_by_label_contains("beans (").count() >= 2, "beans in two speakers' lists");

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
}

#[test]
fn a_cpu_gpu_cpu_run_is_three_segments_with_two_switch_markers() {
    if super::gpu::gpu_or_skip().is_none() {
        return;
    }
    let spec = huey::text::synthetic::SynthSpec { words: 200_000, vocabulary: 3_000, ..Default::default() };
    let path = std::env::temp_dir().join(format!("huey-ui-segments-{}.txt", std::process::id()));
    std::fs::write(&path, huey::text::synthetic::conversation(&spec)).unwrap();
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
    let _ = std::fs::remove_file(path);
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
