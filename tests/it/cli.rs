//! The `huey` binary end to end: summary, JSON fields, bundled sample, bench, errors.

use std::process::Command;

use super::fixture;

fn huey(args: &[&str]) -> std::process::Output {
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
    assert!(stdout.contains("labeled_speakers") && stdout.contains("Ana, Ben, Cleo"), "{stdout}");
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
    assert!(stdout.contains("sample_conversation.txt") && stdout.contains("Maya, Tom, Priya"), "{stdout}");
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
    assert_eq!(json["tokenizer"], "reference_windowed", "the tokenizer actually used");
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
    assert!(String::from_utf8_lossy(&o.stdout).contains("Speaker_A, Speaker_B"));
}
