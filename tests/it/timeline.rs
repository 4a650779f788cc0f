//! The conversation over time (issue 13): a fixed concept set maps the same concepts in every
//! row where they exist (absent, not at the origin, before); tracked concepts' mass and
//! strongest associations equal a fresh run's cut at each row; `huey timeline` writes CSV
//! tables and an animated GIF that independent readers (Python's csv, Pillow) read back with a
//! frame per row; impossible animations are refused before anything is written.

use std::path::Path;
use std::process::Command;

use huey::model::network::Network;
use huey::model::options::{AnalysisOptions, EngineKind, Preset};
use huey::run::pipeline::prepare;
use huey::run::timeline::{ConceptSet, TimelineSpec, timeline};
use huey::text::kill_words::KillList;

fn huey(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huey")).args(args).output().unwrap()
}

/// 24 exchanges: a garden talk in which "market" and "harvest" first come up at exchange 13.
fn conversation() -> String {
    let early = ["garden light trees", "light sun morning garden", "trees trim beans garden", "beans sun corner"];
    let late = ["harvest market beans", "market prices garden", "harvest sun trees", "market beans stall"];
    (0..24)
        .map(|k| {
            let words = if k < 12 { early[k % 4] } else { late[k % 4] };
            format!("{}: {words} talk{}\n", ["Ana", "Ben", "Cleo"][k % 3], k % 5)
        })
        .collect()
}

fn options() -> AnalysisOptions {
    AnalysisOptions::preset(Preset::Default, EngineKind::Temporal)
}

fn fresh(text: &str, t: usize) -> Network {
    let mut cut = options();
    cut.detect.exchange_limit = t;
    let mut p = prepare(text, &cut, &KillList::empty()).unwrap().pipeline;
    p.run_to_end();
    p.network()
}

#[test]
fn a_fixed_concept_set_maps_its_concepts_where_they_exist() {
    let text = conversation();
    let opts = options();
    let kill = KillList::empty();
    let spec = TimelineSpec { concepts: ConceptSet::AtEnd, ..TimelineSpec::every(3) };
    let tl = timeline(prepare(&text, &opts, &kill).unwrap(), &opts, &spec);
    let end = huey::run::pipeline::analyze_text(&text, &opts, &kill).unwrap();
    let set: std::collections::BTreeSet<&String> = end.map.labels.iter().collect();
    assert!(set.contains(&"market".to_owned()), "the end's top N has the late concept: {set:?}");
    let last = tl.rows.last().unwrap();
    assert_eq!(last.map.labels.iter().collect::<std::collections::BTreeSet<_>>(), set, "the end maps the set");
    for row in &tl.rows {
        let net = fresh(&text, row.exchange);
        let masses = huey::analysis::mass::concept_masses(&net);
        let exists = |w: &str| net.words.iter().position(|x| x == w).is_some_and(|i| masses[i] > 0.0);
        for label in &row.map.labels {
            assert!(set.contains(label), "t = {}: {label} is not in the set", row.exchange);
        }
        for concept in &set {
            assert_eq!(row.map.labels.contains(concept), exists(concept), "t = {}: {concept}", row.exchange);
        }
        assert_eq!(row.map.labels.contains(&"market".to_owned()), row.exchange > 12, "t = {}", row.exchange);
        assert_eq!(row.masses.len(), row.map.labels.len());
        assert!(row.masses.iter().all(|&m| m > 0.0), "absent concepts are not mapped at zero");
    }
    // The top N after exchange 12, in every row: "market" (first said at 13) is not among them.
    let spec = TimelineSpec { concepts: ConceptSet::AtExchange(12), ..TimelineSpec::every(4) };
    let tl = timeline(prepare(&text, &opts, &kill).unwrap(), &opts, &spec);
    let mut cut = opts.clone();
    cut.detect.exchange_limit = 12;
    let at12 = huey::run::pipeline::analyze_text(&text, &cut, &kill).unwrap();
    let set12: std::collections::BTreeSet<&String> = at12.map.labels.iter().collect();
    assert!(!set12.contains(&"market".to_owned()));
    let row12 = tl.rows.iter().find(|r| r.exchange == 12).unwrap();
    assert_eq!(row12.map.labels.iter().collect::<std::collections::BTreeSet<_>>(), set12, "exchange 12 maps the set");
    assert!(tl.rows.iter().all(|r| r.map.labels.iter().all(|l| set12.contains(l))));
    // A given set, with a word the conversation never has: never mapped.
    let spec = TimelineSpec {
        concepts: ConceptSet::Given(vec!["garden".into(), "market".into(), "nowhere".into()]),
        ..TimelineSpec::every(6)
    };
    let tl = timeline(prepare(&text, &opts, &kill).unwrap(), &opts, &spec);
    for row in &tl.rows {
        let want: Vec<&str> = if row.exchange > 12 { vec!["garden", "market"] } else { vec!["garden"] };
        let mut got: Vec<&str> = row.map.labels.iter().map(String::as_str).collect();
        got.sort_unstable();
        assert_eq!(got, want, "t = {}", row.exchange);
    }
}

#[test]
fn tracked_concepts_are_a_fresh_runs_mass_and_strongest_associations() {
    let text = conversation();
    let opts = options();
    let spec = TimelineSpec { track: vec!["market".into(), "garden".into()], ..TimelineSpec::every(4) };
    let tl = timeline(prepare(&text, &opts, &KillList::empty()).unwrap(), &opts, &spec);
    assert_eq!(tl.rows.len(), 6);
    for row in &tl.rows {
        let net = fresh(&text, row.exchange);
        let masses = huey::analysis::mass::concept_masses(&net);
        assert_eq!(row.tracked.len(), 2);
        for t in &row.tracked {
            let id = net.words.iter().position(|w| *w == t.concept);
            assert_eq!(t.mass, id.map(|i| masses[i]), "t = {}: {}", row.exchange, t.concept);
            let want: Vec<(String, f64)> = id.map_or_else(Vec::new, |i| {
                let mut out: Vec<(String, f64)> = net
                    .connections
                    .iter()
                    .filter(|c| c.from as usize == i && c.to as usize != i)
                    .map(|c| (net.words[c.to as usize].clone(), c.strength))
                    .collect();
                out.sort_by(|a, b| b.1.total_cmp(&a.1));
                out.truncate(huey::run::timeline::TRACKED_ASSOCIATIONS);
                out
            });
            assert_eq!(t.associations, want, "t = {}: {}", row.exchange, t.concept);
        }
        assert_eq!(row.tracked[0].mass.is_some(), row.exchange > 12, "market is tracked before it exists as absent");
    }
}

/// Each frame of the GIF at `path` as (width, height, delay), read by the gif crate's decoder.
pub fn gif_frames(path: &Path) -> Vec<(u16, u16, u16)> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(std::fs::File::open(path).unwrap()).unwrap();
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        frames.push((frame.width, frame.height, frame.delay));
    }
    frames
}

#[test]
fn huey_timeline_writes_csv_tables_and_an_animation_with_a_frame_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let conv = dir.path().join("garden.txt");
    std::fs::write(&conv, conversation()).unwrap();
    let (json, table, gif) = (dir.path().join("t.json"), dir.path().join("t.csv"), dir.path().join("t.gif"));
    let o = huey(&[
        "timeline",
        conv.to_str().unwrap(),
        "--every",
        "3",
        "--concept-set",
        "end",
        "--track",
        "market,garden",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        table.to_str().unwrap(),
        "--animation",
        gif.to_str().unwrap(),
        "--fps",
        "5",
        "--width",
        "320",
        "--height",
        "240",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    assert_eq!(doc["concepts"], "at_end");
    // The GIF: a frame per row, of the size asked for, 1/5 s each (the gif crate's decoder).
    assert_eq!(gif_frames(&gif), vec![(320, 240, 20); rows.len()]);

    // Python's csv module and Pillow, independent readers.
    let have = Command::new("python3").args(["-c", "import PIL"]).output().is_ok_and(|o| o.status.success());
    if !have {
        assert!(std::env::var_os("REQUIRE_READERS").is_none(), "REQUIRE_READERS is set but Pillow is missing");
        eprintln!("skipped: Pillow is not installed; .ci/run installs it");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers/read_timeline.py");
    let o = Command::new("python3").arg(&script).arg(&gif).arg(&table).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(read["gif"]["frames"].as_u64(), Some(rows.len() as u64));
    assert_eq!(read["gif"]["size"], serde_json::json!([320, 240]));
    assert!(read["gif"]["durations"].as_array().unwrap().iter().all(|d| d.as_u64() == Some(200)));
    assert_eq!(read["gif"]["loop"].as_u64(), Some(0), "loops forever");
    let csv = &read["csv"];
    let number = |v: &serde_json::Value| v.as_str().unwrap().parse::<f64>().unwrap();
    // serde_json parses without exact round-trip (its float_roundtrip feature is off): 1 ulp.
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-14 * a.abs().max(b.abs());
    assert_eq!(csv["rows"].as_array().unwrap().len(), rows.len());
    let trajectories = csv["trajectories"].as_array().unwrap();
    let mut k = 0;
    for (row, line) in rows.iter().zip(csv["rows"].as_array().unwrap()) {
        assert_eq!(line["exchange"].as_str().unwrap(), row["exchange"].to_string());
        assert!(same(number(&line["sum_mass"]), row["sum_mass"].as_f64().unwrap()));
        for (label, p) in row["map"]["labels"].as_array().unwrap().iter().zip(row["aligned_coords"].as_array().unwrap())
        {
            let t = &trajectories[k];
            k += 1;
            assert_eq!(t["concept"], *label);
            for (axis, name) in ["x", "y", "z"].iter().enumerate() {
                assert!(same(number(&t[*name]), p[axis].as_f64().unwrap()), "{label} {name}");
            }
        }
    }
    assert_eq!(k, trajectories.len(), "one trajectory line per mapped concept and row");
    assert_eq!(csv["turns"].as_array().unwrap().len(), 24, "a turn per exchange");
    assert_eq!(csv["emergence"].as_array().unwrap().len(), doc["emergence"].as_array().unwrap().len());
    let market: Vec<&serde_json::Value> =
        csv["tracked"].as_array().unwrap().iter().filter(|l| l["concept"] == "market").collect();
    assert!(market.iter().any(|l| l["mass"] == "") && market.iter().any(|l| l["associate"] != ""));
}

#[test]
fn impossible_timelines_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let conv = dir.path().join("garden.txt");
    std::fs::write(&conv, conversation().repeat(7)).unwrap();
    let (json, gif) = (dir.path().join("t.json"), dir.path().join("t.gif"));
    let (c, j, g) = (conv.to_str().unwrap(), json.to_str().unwrap(), gif.to_str().unwrap());
    let refused = |args: &[&str], says: &str| {
        let o = huey(args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && stderr.contains(says), "{args:?}: {stderr}");
        assert!(!json.exists() && !gif.exists(), "{args:?} wrote a file");
    };
    refused(&["timeline", c], "say where it goes");
    refused(&["timeline", c, "--animation", g, "--fps", "0"], "--fps");
    refused(&["timeline", c, "--animation", g, "--width", "10"], "--width");
    // 168 rows of 2000 × 2000 pixels: more than the encoder is allowed.
    let many = ["timeline", c, "--every", "1", "--json", j, "--animation", g, "--width", "2000", "--height", "2000"];
    refused(&many[..], "raise --every or lower the size");
    let tracked: String = (0..101).map(|k| format!("w{k},")).collect();
    refused(&["timeline", c, "--json", j, "--track", &tracked], "at most 100");
    // The tables' names are made from the path: a device or a folder is no name to make them from.
    let d = dir.path().to_str().unwrap();
    refused(&["timeline", c, "--csv", "/dev/null"], "not a file name");
    refused(&["timeline", c, "--csv", d], "not a file name");
    refused(&["export", c, "--format", "csv", "--out", "/dev/null"], "not a file name");
    assert!(!Path::new("/dev/null_rows.csv").exists() && !Path::new("/dev/null_nodes.csv").exists());
}

/// What the words given mean: as the tokenizer writes them (lower case), each once; a word the
/// conversation never has, and a raised spacing, are said.
#[test]
fn timeline_options_say_what_they_did() {
    let dir = tempfile::tempdir().unwrap();
    let conv = dir.path().join("garden.txt");
    std::fs::write(&conv, conversation()).unwrap();
    let json = dir.path().join("t.json");
    let o = huey(&[
        "timeline",
        conv.to_str().unwrap(),
        "--every",
        "1",
        "--json",
        json.to_str().unwrap(),
        "--track",
        "MARKET,market, Nowhere",
        "--concepts-at",
        "1000",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("--track nowhere: not a concept of this conversation"), "{stderr}");
    assert!(!stderr.contains("--track market"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let row = doc["rows"].as_array().unwrap().last().unwrap();
    let tracked: Vec<&str> =
        row["tracked"].as_array().unwrap().iter().map(|t| t["concept"].as_str().unwrap()).collect();
    assert_eq!(tracked, ["market", "nowhere"], "lower case, each once");
    assert_eq!(doc["concepts"]["at_exchange"], 24, "the end, as used");
    assert!(doc["warnings"].is_array());
    // 12,000 listed concepts in every row of 240 exchanges: at most 83 rows, so the spacing is
    // raised, and the summary says so.
    std::fs::write(&conv, conversation().repeat(10)).unwrap();
    let many: String = (0..12_000).map(|k| format!("w{k},")).collect();
    let o = huey(&[
        "timeline",
        conv.to_str().unwrap(),
        "--every",
        "1",
        "--json",
        json.to_str().unwrap(),
        "--force",
        "--map-concepts",
        &many,
        "--max-neurons",
        "100000",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && stdout.contains("--every 1 raised to"), "{stdout}");
}

/// A run cancelled while it writes (SIGTERM, as `timeout` or a cluster's scheduler sends)
/// leaves no hidden temporary file behind, and no partial output. The test hook
/// `HUEY_TEST_WRITE_PAUSE_MS` holds the write with its temporary file on disk.
#[test]
fn a_write_cancelled_by_a_signal_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let conv = dir.path().join("garden.txt");
    std::fs::write(&conv, conversation()).unwrap();
    let out = dir.path().join("t.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_huey"))
        .args(["timeline", conv.to_str().unwrap(), "--every", "2", "--json"])
        .arg(&out)
        .env("HUEY_TEST_WRITE_PAUSE_MS", "10000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let temporary =
        || std::fs::read_dir(dir.path()).unwrap().flatten().any(|e| e.file_name().to_string_lossy().ends_with(".tmp"));
    let started = std::time::Instant::now();
    while !temporary() {
        assert!(child.try_wait().unwrap().is_none(), "the run ended before its write was caught");
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "no write started");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "ended by the handler");
    assert!(started.elapsed() < std::time::Duration::from_secs(9), "not after the pause: the signal ended it");
    assert!(!temporary(), "a temporary file was left behind");
    assert!(!out.exists(), "no partial output");
}
