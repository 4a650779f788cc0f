//! The `huey` binary end to end: summary, JSON fields, bundled sample, bench, errors.

use std::path::PathBuf;
use std::process::Command;

use super::fixture;

pub fn huey(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huey")).args(args).output().unwrap()
}

#[test]
fn analyze_writes_json_with_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let file = fixture("labeled_three_speakers.txt");
    let kill = fixture("kill_small.txt");
    let o = huey(&[
        "analyze",
        file.to_str().unwrap(),
        "--kill-list",
        kill.to_str().unwrap(),
        "--json",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("speaker_labels") && stdout.contains("Ana (3), Ben (2), Cleo (1)"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for field in [
        "file",
        "strategy",
        "exchanges",
        "speakers",
        "tokens",
        "neurons",
        "connections",
        "sum_strength",
        "sum_mass",
        "max_mass",
        "top_mass",
        "map",
        "seconds_processing",
    ] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    assert_eq!(json["backend"], "cpu");
    assert!(json["device"].as_str().unwrap().starts_with("CPU"));
    let kernels: Vec<&str> =
        json["kernels"].as_array().unwrap().iter().map(|k| k["kernel"].as_str().unwrap()).collect();
    assert_eq!(kernels, ["pair_update", "prune"], "temporal engine kernels");
    assert!(json["kernels"][0]["calls"].as_u64().unwrap() > 0 && json["kernels"][0]["method"] == "wall");
    for field in ["n", "labels", "eigenvalues", "coords", "warp", "variance_top3_pct", "variance_as_shipped_pct"] {
        assert!(json["map"].get(field).is_some(), "missing map.{field}");
    }
    assert_eq!(json["exchanges"], 6);
    assert_eq!(json["speakers"], serde_json::json!(["Ana", "Ben", "Cleo"]));
    let n = json["map"]["n"].as_u64().unwrap() as usize;
    assert_eq!(json["map"]["coords"].as_array().unwrap().len(), n);
    assert_eq!(json["map"]["eigenvalues"].as_array().unwrap().len(), n);
    assert!(json["top_mass"][0][0].is_string() && json["top_mass"][0][1].is_number());
}

#[test]
fn no_file_prints_the_bundled_sample_with_print() {
    let o = huey(&["--print"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("sample_conversation.txt") && stdout.contains("Maya (5), Tom (5), Priya (5)"), "{stdout}");
}

#[test]
fn bench_reports_medians() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bench.json");
    let o = huey(&[
        "bench",
        fixture("labeled_three_speakers.txt").to_str().unwrap(),
        "--reps",
        "3",
        "--json",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json[0]["reps"], 3);
    assert!(json[0]["median_secs"].as_f64().unwrap() > 0.0);
    // Seeks as the time slider makes them.
    let o = huey(&["bench", fixture("labeled_three_speakers.txt").to_str().unwrap(), "--reps", "1", "--seeks", "9"]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && said.contains("seek: median") && said.contains("over 9 seeks"), "{said}");
    // And through the app itself, headless; both in the JSON.
    let o = huey(&[
        "bench",
        fixture("labeled_three_speakers.txt").to_str().unwrap(),
        "--reps",
        "1",
        "--scrubs",
        "5",
        "--seeks",
        "4",
        "--json",
        out.to_str().unwrap(),
        "--force",
    ]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && said.contains("scrub through the app: median") && said.contains("over 5 slider moves"),
        "{said} {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!((json[0]["scrubs"]["n"].as_u64(), json[0]["seeks"]["n"].as_u64()), (Some(5), Some(4)));
    assert!(json[0]["scrubs"]["median_secs"].as_f64().unwrap() > 0.0);
}

#[test]
fn errors_are_one_clear_line_and_a_failure_code() {
    let o = huey(&["analyze", "/nonexistent/file.txt"]);
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.starts_with("error: cannot read file") && stderr.contains("/nonexistent/file.txt"), "{stderr}");
    let o = huey(&["analyze", "--max-neurons", "0"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("max-neurons"));
    assert!(!o.status.success());
}

#[test]
fn windowed_engine_reports_its_kernels() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w.json");
    let file = fixture("labeled_three_speakers.txt");
    let o = huey(&[
        "analyze",
        file.to_str().unwrap(),
        "--engine",
        "windowed",
        "--window",
        "3",
        "--json",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["engine"], "windowed");
    assert_eq!(json["tokenizer"], "words", "the clean tokenizer is the default for both engines");
    let kernels: Vec<&str> =
        json["kernels"].as_array().unwrap().iter().map(|k| k["kernel"].as_str().unwrap()).collect();
    assert_eq!(kernels, ["activation_decay", "connection_decay", "pair_update", "prune", "activation_spread"]);
    let windows = json["kernels"][0]["calls"].as_u64().unwrap();
    assert!(windows > 0 && json["kernels"].as_array().unwrap().iter().all(|k| k["calls"].as_u64() == Some(windows)));
    assert!(json["neurons"].as_u64().unwrap() > 3, "speaker neurons and words");
}

#[test]
fn sweep_measures_both_engines_on_both_backends_per_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep.json");
    let o = huey(&["bench", "--sweep", "--sizes", "250,1000", "--secs-per-run", "1", "--json", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    let gpu_rows = rows.iter().filter(|r| r["backend"] == "gpu").count();
    if std::env::var("REQUIRE_GPU").is_ok_and(|v| v == "1") {
        assert_eq!(gpu_rows, 4, "a GPU row per size and engine");
    }
    assert_eq!(rows.len(), 4 + gpu_rows);
    for row in rows {
        let size = row["max_neurons"].as_u64().unwrap();
        assert!(row["neurons"].as_u64().unwrap() <= size);
        assert!(row["steps"].as_u64().unwrap() > 0 && row["us_per_step"].as_f64().unwrap() > 0.0);
        assert!(row["memory_bytes"].as_u64().unwrap() > 0);
        let speedup = row["speedup_vs_cpu"].as_f64();
        assert_eq!(speedup.is_some(), row["backend"] == "gpu", "GPU rows carry the ratio: {row}");
        assert!(speedup.is_none_or(|x| x > 0.0));
    }
    // The warm start fills the network to its size, on either backend.
    for row in rows.iter().filter(|r| r["engine"] == "windowed" && r["max_neurons"] == 1000) {
        assert_eq!(row["neurons"], 1000, "{row}");
    }
}

#[test]
fn synth_writes_a_conversation_that_analyzes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("synth.txt");
    let o = huey(&["synth", file.to_str().unwrap(), "--words", "3000", "--vocabulary", "500", "--speakers", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = huey(&["analyze", file.to_str().unwrap(), "--engine", "windowed", "--no-kill"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Speaker_A ("));
}

/// Every flag whose value decides a size or a loop count is refused by name when out of range,
/// before any work: exit status 1 or 2 (clap's), one `error:` line naming the flag, no panic.
#[test]
fn out_of_range_values_are_refused_by_name() {
    let max = "18446744073709551615";
    let cases: &[(&[&str], &str)] = &[
        (&["bench", "--reps", max], "--reps"),
        (&["bench", "--sweep", "--sizes", max], "--sizes"),
        (&["synth", "never.txt", "--vocabulary", max], "--vocabulary"),
        (&["synth", "never.txt", "--words", max], "--words"),
        (&["synth", "never.txt", "--words", "18446744073709551600"], "--words"),
        (&["synth", "never.txt", "--speakers", "0"], "--speakers"),
        (&["analyze", "--max-neurons", "-0"], "--max-neurons"),
        (&["analyze", "--max-neurons", "-5"], "--max-neurons"),
        (&["analyze", "--concepts", "-1"], "--concepts"),
        (&["analyze", "--max-input-mib", "0"], "--max-input-mib"),
        (&["analyze", "--exchange-limit", max], "exchange"),
        (&["analyze", "--eta", "NaN"], "eta"),
        (&["analyze", "--eta", "1.7976931348623157e308"], "eta"),
        (&["analyze", "--eta", "3e38", "--precision", "f32"], "eta"),
        (&["analyze", "--tau", "inf"], "tau"),
        (&["analyze", "--tau", "-3"], "tau"),
        (&["analyze", "--window", "3"], "--window"),
        (&["analyze", "--engine", "windowed", "--tau", "3"], "--tau"),
        (&["analyze", "--engine", "windowed", "--connection-prob", "2"], "connection-prob"),
        (&["bench", "--secs-per-run", "inf", "--sweep"], "--secs-per-run"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (args, name) in cases {
        let o = Command::new(env!("CARGO_BIN_EXE_huey")).args(*args).current_dir(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(matches!(o.status.code(), Some(1 | 2)), "{args:?}: {:?} {stderr}", o.status);
        assert!(stderr.starts_with("error:") && stderr.contains(name), "{args:?} should name {name}: {stderr}");
        assert!(!stderr.contains("panicked") && o.stdout.is_empty(), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing was written");
}

/// `--json` onto the conversation, the kill list or through a link is refused before the
/// analysis runs, and every byte of what is there stays.
#[test]
fn outputs_never_replace_inputs_links_or_devices() {
    let dir = tempfile::tempdir().unwrap();
    let talk = dir.path().join("talk.txt");
    std::fs::copy(fixture("labeled_three_speakers.txt"), &talk).unwrap();
    let kill = dir.path().join("kill.txt");
    std::fs::copy(fixture("kill_small.txt"), &kill).unwrap();
    let link = dir.path().join("link.json");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&talk, &link).unwrap();
    let before = std::fs::read(&talk).unwrap();
    let kill_before = std::fs::read(&kill).unwrap();
    let missing = dir.path().join("missing/r.json");
    let (t, k, l) = (talk.to_str().unwrap(), kill.to_str().unwrap(), link.to_str().unwrap());
    let cases: &[&[&str]] = &[
        &["analyze", t, "--json", t],
        &["analyze", t, "--kill-list", k, "--json", k],
        &["analyze", t, "--save-session", t],
        &["analyze", t, "--json", l],
        &["analyze", t, "--json", "/dev/null"],
        &["analyze", t, "--json", dir.path().to_str().unwrap()],
        &["analyze", t, "--json", missing.to_str().unwrap()],
    ];
    let session = dir.path().join("s.ron");
    assert!(huey(&["analyze", t, "--kill-list", k, "--save-session", session.to_str().unwrap()]).status.success());
    let s = session.to_str().unwrap();
    let (onto_talk, onto_kill) = (["session", "continue", s, "--json", t], ["session", "continue", s, "--json", k]);
    let cases: Vec<&[&str]> = cases.iter().copied().chain([&onto_talk[..], &onto_kill[..]]).collect();
    for args in cases {
        let o = huey(args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
        assert!(o.stdout.is_empty(), "refused before the analysis ran: {args:?}");
    }
    assert_eq!(std::fs::read(&talk).unwrap(), before);
    assert_eq!(std::fs::read(&kill).unwrap(), kill_before);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["kill.txt", "link.json", "s.ron", "talk.txt"], "no temporary file left behind");
}

/// Writers racing on one `--json` path each use their own temporary file: all succeed and the
/// file left is one whole report.
#[test]
fn concurrent_writers_of_one_report_all_succeed_and_leave_valid_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let writers: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_huey"))
                .args(["analyze", "--json", out.to_str().unwrap()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for w in writers {
        let o = w.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["engine"], "temporal");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the report");
}

/// A writer killed at any moment leaves the old report or the whole new one, never a torn
/// file (a `.report.json.*.tmp` may stay behind after SIGKILL: nothing can remove it then).
#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_file_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let old = "{\"the\": \"old report\"}";
    let start = std::time::Instant::now();
    let o = huey(&["analyze", "--json", out.to_str().unwrap()]);
    assert!(o.status.success());
    let whole = start.elapsed();
    for k in 0..12u32 {
        std::fs::write(&out, old).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_huey"))
            .args(["analyze", "--json", out.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * k / 10);
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&out).unwrap();
        let ok =
            text == old || serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|j| j["engine"] == "temporal");
        assert!(ok, "kill after {k}/10 of a run left {} bytes that are neither", text.len());
    }
}

/// `huey [FILE] --print` (also the app's fallback without a display) applies the overrides it
/// is given, validated as `analyze` validates them.
#[test]
fn print_applies_the_app_overrides() {
    let file = fixture("labeled_three_speakers.txt");
    let f = file.to_str().unwrap();
    let o = huey(&[f, "--print", "--max-neurons", "5"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains(" 5 neurons"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = huey(&[f, "--print", "--engine", "windowed", "--preset", "reference"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("tokenizer reference_windowed"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = huey(&[f, "--print", "--max-neurons", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("max-neurons"));
}

/// A file name with control characters cannot forge a second line of output or reach the
/// terminal as an escape sequence.
#[test]
fn control_characters_in_messages_are_escaped() {
    let o = huey(&["analyze", "/nonexistent/a\u{1b}[31mred\nerror: forged"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains('\u{1b}') && stderr.contains("\\u{1b}[31mred\\nerror: forged"), "{stderr}");
}

/// `huey timeline --json`: each row at exchange t is what `huey analyze --exchange-limit t`
/// reports (network summary, speakers' self-mass, the map), with the same options.
#[test]
fn timeline_rows_match_analyze_cut_at_each_exchange() {
    let dir = tempfile::tempdir().unwrap();
    let (file, every, options): (PathBuf, &str, &[&str]) = match crate::shared_dir() {
        Some(shared) => (shared.join("huey_data/DeepConvo.txt"), "40", &["--preset", "reference", "--map-speakers"]),
        None => (fixture("labeled_three_speakers.txt"), "2", &[]),
    };
    let f = file.to_str().unwrap();
    let out = dir.path().join("timeline.json");
    let mut args = vec!["timeline", f, "--every", every, "--json", out.to_str().unwrap()];
    args.extend_from_slice(options);
    let o = huey(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    let total = doc["exchanges"].as_u64().unwrap();
    let every: u64 = every.parse().unwrap();
    assert_eq!(rows.len() as u64, total.div_ceil(every), "a row every K and one at the end");
    assert_eq!(rows.last().unwrap()["exchange"].as_u64(), Some(total));
    let close = |a: &serde_json::Value, b: &serde_json::Value| {
        let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-9)
    };
    for row in rows {
        let t = row["exchange"].as_u64().unwrap().to_string();
        let report = dir.path().join(format!("at{t}.json"));
        let mut args = vec!["analyze", f, "--exchange-limit", &t, "--json", report.to_str().unwrap()];
        args.extend_from_slice(options);
        let o = huey(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        for key in ["neurons", "connections"] {
            assert_eq!(row[key], r[key], "t = {t}: {key}");
        }
        for key in ["sum_strength", "sum_mass", "max_mass"] {
            assert!(close(&row[key], &r[key]), "t = {t}: {key} {} vs {}", row[key], r[key]);
        }
        let (mine, theirs) = (row["speaker_self_mass"].as_array().unwrap(), r["speaker_self_mass"].as_array().unwrap());
        assert_eq!(mine.len(), theirs.len(), "t = {t}: speakers so far");
        for (a, b) in mine.iter().zip(theirs) {
            assert_eq!(a[0], b[0]);
            assert!(close(&a[1], &b[1]), "t = {t}: {a} vs {b}");
        }
        assert_eq!(row["map"]["labels"], r["map"]["labels"], "t = {t}: mapped concepts");
        for (a, b) in
            row["map"]["eigenvalues"].as_array().unwrap().iter().zip(r["map"]["eigenvalues"].as_array().unwrap())
        {
            assert!((a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-9, "t = {t}: eigenvalues");
        }
        for (a, b) in row["map"]["coords"].as_array().unwrap().iter().zip(r["map"]["coords"].as_array().unwrap()) {
            for k in 0..3 {
                assert!((a[k].as_f64().unwrap() - b[k].as_f64().unwrap()).abs() < 1e-9, "t = {t}: coords");
            }
        }
    }
    // No output, or a session, is refused by name.
    let o = huey(&["timeline", f, "--every", "5"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("--json"));
}
