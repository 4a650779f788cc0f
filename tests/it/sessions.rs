//! Sessions (issue 9): a session saved mid-run continues to exactly the result of an
//! uninterrupted run; every kind of damaged, foreign, impossible or stale session is refused
//! by `huey session check` with a message naming the problem, and the file is left as it is.

use std::path::{Path, PathBuf};
use std::process::Command;

use huey::io::session::SessionFile;
use huey::model::options::{AnalysisOptions, EngineKind};
use huey::run::pipeline::{analyze_text, prepare};
use huey::run::session::{RunState, open, record};
use huey::text::kill_words::{KillList, KillSource};

use super::fixture;

fn huey(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huey")).args(args).output().unwrap()
}

/// A session of `file` after `done` exchanges of `kind`, with no kill list.
fn session_after(file: &Path, kind: EngineKind, done: usize) -> SessionFile {
    let text = std::fs::read_to_string(file).unwrap();
    let opts = AnalysisOptions::reference(kind);
    let kill = KillList::empty();
    let mut prepared = prepare(&text, &opts, &kill).unwrap();
    assert!(prepared.detection.exchanges.len() > done, "the fixture is long enough");
    for _ in 0..done {
        prepared.pipeline.step();
    }
    let network = prepared.pipeline.network();
    record(RunState {
        file: Some(file),
        text: &text,
        options: &opts,
        kill_source: &KillSource::None,
        kill: &kill,
        done,
        stats: prepared.pipeline.stats(),
        network: &network,
    })
}

#[test]
fn a_session_saved_mid_run_continues_to_the_uninterrupted_result() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    for kind in [EngineKind::Temporal, EngineKind::Windowed] {
        let path = dir.path().join(format!("{}.ron", kind.as_str()));
        session_after(&file, kind, 2).save(&path).unwrap();
        let o = huey(&["session", "check", path.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(stdout.contains("can continue") && stdout.contains("2 of "), "{stdout}");

        let opened = open(&path).unwrap();
        let continued = huey::run::pipeline::finish(opened.prepared, &opened.session.options);
        let text = std::fs::read_to_string(&file).unwrap();
        let whole = analyze_text(&text, &AnalysisOptions::reference(kind), &KillList::empty()).unwrap();
        same_network(&continued.network, &whole.network, kind);

        let json = dir.path().join("r.json");
        let o = huey(&["session", "continue", path.to_str().unwrap(), "--json", json.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(report["connections"].as_u64().unwrap() as usize, whole.network.connections.len());
    }
}

/// The same words and connections in the same order, masses equal, strengths equal to a few
/// ulp: a restored connection's decay restarts from its materialised strength, so
/// `s·d^a·d^b` stands where the uninterrupted run computes `s·d^(a+b)`.
fn same_network(a: &huey::model::network::Network, b: &huey::model::network::Network, kind: EngineKind) {
    assert_eq!(a.words, b.words, "{kind:?}");
    assert_eq!(a.activations, b.activations, "{kind:?}");
    assert_eq!(a.connections.len(), b.connections.len(), "{kind:?}");
    for (x, y) in a.connections.iter().zip(&b.connections) {
        assert_eq!((x.from, x.to, x.mass), (y.from, y.to, y.mass), "{kind:?}");
        assert!((x.strength - y.strength).abs() <= 1e-13 * y.strength.abs(), "{kind:?}: {x:?} vs {y:?}");
    }
}

/// Write `text` as a session file, run `huey session check` on it, and return its stderr
/// after checking that it failed and left the file as it was.
fn refused(dir: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let o = huey(&["session", "check", path.to_str().unwrap()]);
    assert!(!o.status.success(), "{name} was accepted");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{name} was changed");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(stderr.starts_with("error: ") && stderr.lines().count() == 1, "{name}: {stderr}");
    stderr
}

/// A bad session: its file name, its text, and words the refusal must contain.
pub struct BadSession {
    /// File name (also names the case in failures).
    pub name: &'static str,
    /// The file's text.
    pub text: String,
    /// Part of the message that says why it is refused.
    pub expected: &'static str,
}

/// A good temporal session of the three-speaker fixture after 2 exchanges, and every class of
/// bad session derived from it (some need files in `dir`: a short conversation, a FIFO). The
/// CLI test and the app test (tests/it/ui.rs) both go through all of them.
pub fn bad_sessions(dir: &Path) -> (SessionFile, Vec<BadSession>) {
    let file = fixture("labeled_three_speakers.txt");
    let good = session_after(&file, EngineKind::Temporal, 2);
    let ron = good.to_ron().unwrap();
    let edit = |f: &dyn Fn(&mut SessionFile)| {
        let mut s = good.clone();
        f(&mut s);
        s.to_ron().unwrap()
    };
    let bad = |name, text, expected| BadSession { name, text, expected };
    let mut cases = vec![
        bad("empty.ron", String::new(), "the file is empty"),
        bad("binary.ron", "\u{0}\u{1}\u{2}binary".repeat(10), "not a readable Huey session"),
        bad("truncated.ron", ron[..ron.len() / 2].to_owned(), "not a readable Huey session"),
        bad("newer.ron", ron.replacen("version: 2", "version: 99", 1), "version 99"),
        bad("zero.ron", ron.replacen("version: 2", "version: 0", 1), "version 0"),
        bad("nan.ron", edit(&|s| s.network.connections[0].strength = f64::NAN), "strength NaN"),
        bad(
            "inf.ron",
            ron.replacen(&format!("strength: {:?}", good.network.connections[0].strength), "strength: inf", 1),
            "strength inf",
        ),
        bad("negative-mass.ron", edit(&|s| s.network.connections[0].mass = -1.0), "mass -1"),
        bad("dangling.ron", edit(&|s| s.network.connections[0].to = 10_000), "neuron 10000"),
        bad("twice.ron", edit(&|s| s.network.words[1] = s.network.words[0].clone()), "is two neurons"),
        bad("counters.ron", edit(&|s| s.done = 1), "counters count 2"),
        bad("eta.ron", edit(&|s| s.options.engine.common.eta = 1e300), "eta"),
        bad(
            "negative-tau.ron",
            edit(&|s| {
                if let huey::model::params::Specific::Temporal(t) = &mut s.options.engine.specific {
                    t.tau = -3.0;
                }
            }),
            "tau = -3",
        ),
        bad("zero-neurons.ron", edit(&|s| s.options.engine.common.max_neurons = 0), "max-neurons = 0"),
        bad("beyond.ron", edit(&|s| s.options.detect.exchange_limit = 1), "exchange limit"),
        bad("too-many.ron", edit(&|s| s.options.engine.common.max_neurons = 2), "more than the 2 this run allows"),
        bad("changed.ron", edit(&|s| s.text_hash ^= 1), "changed since the session was saved"),
        bad("kill.ron", edit(&|s| s.kill_fingerprint = Some(7)), "kill list"),
        bad("missing.ron", edit(&|s| s.source = "/nonexistent/talk.txt".to_owned()), "/nonexistent/talk.txt"),
        bad("device-source.ron", edit(&|s| s.source = "/dev/zero".to_owned()), "not a regular file"),
        bad(
            "mismatch.ron",
            edit(&|s| {
                s.stats = huey::model::engine_stats::EngineStats::Windowed(huey::model::engine_stats::WindowedStats {
                    turns: 2,
                    ..Default::default()
                });
            }),
            "counters are the windowed engine's",
        ),
    ];
    // A session whose state lies beyond its conversation.
    let short = dir.join("short.txt");
    std::fs::write(&short, "Ana: one two three four\n").unwrap();
    let beyond = edit(&|s| {
        s.source = short.display().to_string();
        s.text_hash = huey::io::session::text_hash("Ana: one two three four\n");
    });
    cases.push(bad("beyond-end.ron", beyond, "the conversation only"));
    // A session whose conversation is a FIFO nobody writes to: refused, not waited on.
    #[cfg(unix)]
    {
        let fifo = dir.join("talk.fifo");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        cases.push(bad("fifo-source.ron", edit(&|s| s.source = fifo.display().to_string()), "not a regular file"));
    }
    (good, cases)
}

#[test]
fn every_kind_of_bad_session_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, cases) = bad_sessions(d);
    for BadSession { name, text, expected } in cases {
        let stderr = refused(d, name, &text);
        assert!(stderr.contains(expected), "{name}: expected {expected:?} in {stderr}");
    }
    // A session file that is a FIFO or a directory is refused without blocking.
    #[cfg(unix)]
    {
        let fifo = d.join("session.fifo");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let o = huey(&["session", "check", fifo.to_str().unwrap()]);
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("not a regular file"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = huey(&["session", "check", d.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("directory"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The windowed engine never evicts a neuron of the current window, so with a cap below a
/// window's size its network holds more than `max_neurons` neurons: its own session opens.
#[test]
fn a_windowed_session_over_a_small_cap_is_its_own_valid_session() {
    let dir = tempfile::tempdir().unwrap();
    let session = dir.path().join("w.ron");
    let file = fixture("labeled_three_speakers.txt");
    let (f, s) = (file.to_str().unwrap(), session.to_str().unwrap());
    let o = huey(&["analyze", f, "--engine", "windowed", "--max-neurons", "2", "--window", "3", "--save-session", s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let saved = SessionFile::load(&session).unwrap();
    assert!(saved.network.words.iter().filter(|w| !w.is_empty()).count() > 2, "the window's neurons stayed");
    let o = huey(&["session", "check", s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A session records its kill list by absolute path, and the reference default as what it
/// was (`./KILL.txt` or the bundled list), so it opens from any working directory.
#[test]
fn a_session_means_the_same_kill_list_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (here, elsewhere) = (dir.path().join("here"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(&here).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(here.join("kl.txt"), "the\nand\n").unwrap();
    std::fs::write(here.join("KILL.txt"), "the\n").unwrap();
    std::fs::write(elsewhere.join("kl.txt"), "other\n").unwrap();
    std::fs::write(elsewhere.join("KILL.txt"), "other\n").unwrap();
    let file = fixture("labeled_three_speakers.txt");
    let run = |cwd: &Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_huey")).args(args).current_dir(cwd).output().unwrap()
    };
    for (name, kill) in [("file.ron", &["--kill-list", "kl.txt"][..]), ("default.ron", &[][..])] {
        let mut args = vec!["analyze", file.to_str().unwrap(), "--save-session", name];
        args.extend_from_slice(kill);
        let o = run(&here, &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = run(&elsewhere, &["session", "check", here.join(name).to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
    }
}

/// A session keeps its run's history: opened, it can show any exchange before the one it was
/// saved at, equal to a fresh run cut there (the replay on opening rebuilt the checkpoints).
#[test]
fn an_opened_session_shows_exchanges_before_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    for kind in [EngineKind::Temporal, EngineKind::Windowed] {
        let path = dir.path().join(format!("{}.ron", kind.as_str()));
        let saved_at = 5;
        session_after(&file, kind, saved_at).save(&path).unwrap();
        let mut opened = open(&path).unwrap();
        assert_eq!(opened.history_lost, None, "{kind:?}: the replay reached the saved network");
        assert_eq!(opened.prepared.pipeline.progress().done, saved_at, "left at the saved exchange");
        for t in [1, 3, saved_at - 1, saved_at] {
            opened.history.restore(&mut opened.prepared.pipeline, t).unwrap();
            let mut cut = AnalysisOptions::reference(kind);
            cut.detect.exchange_limit = t;
            let fresh = analyze_text(&text, &cut, &KillList::empty()).unwrap();
            same_network(&opened.prepared.pipeline.network(), &fresh.network, kind);
        }
        let o = huey(&["session", "check", path.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(stdout.contains(&format!("replayed to exchange {saved_at}")), "{stdout}");

        // A session whose network is not what its conversation replays to keeps only its own
        // state, and says so.
        let mut forged = SessionFile::load(&path).unwrap();
        forged.network.connections[0].strength *= 1.5;
        forged.save(&path).unwrap();
        let o = huey(&["session", "continue", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success() && stderr.contains("warning: the saved network is not what"), "{stderr}");
        let mut opened = open(&path).unwrap();
        assert_eq!(opened.history_lost, Some(huey::run::session::HistoryLost { done: saved_at }));
        assert!(opened.history.restore(&mut opened.prepared.pipeline, 1).is_err(), "nothing before {saved_at}");
        opened.history.restore(&mut opened.prepared.pipeline, saved_at).unwrap();
        assert_eq!(opened.prepared.pipeline.network().connections[0].strength, forged.network.connections[0].strength);
    }
}
