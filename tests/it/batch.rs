//! `huey batch` and `huey merge` through the real binary: reports equal `huey analyze --json`,
//! shards merge to the unsharded summary byte for byte, a killed batch resumes with the rest
//! only, failures are recorded without stopping the batch, other options are refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn huey(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huey")).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = huey(args);
    assert!(o.status.success(), "huey {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A report with its measured times removed (the only fields two runs may differ in).
fn untimed(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    let o = v.as_object_mut().unwrap();
    assert!(o.remove("seconds_processing").is_some() && o.remove("stage_seconds").is_some());
    for k in o["kernels"].as_array_mut().unwrap() {
        assert!(k.as_object_mut().unwrap().remove("total_secs").is_some());
    }
    v
}

fn report(out: &Path, key: &str) -> String {
    std::fs::read_to_string(out.join("reports").join(format!("{key}.json"))).unwrap()
}

/// A corpus of `n` small synthetic conversations.
fn synthetic(dir: &Path, n: usize, words: usize) -> PathBuf {
    let corpus = dir.join("corpus");
    ok(&["synth", s(&corpus), "--count", &n.to_string(), "--words", &words.to_string(), "--vocabulary", "2000"]);
    corpus
}

#[test]
fn batch_reports_equal_analyze_and_shards_merge_to_the_unsharded_summary() {
    let Some(shared) = crate::shared_dir() else {
        eprintln!("skipped: ../shared/huey_data is absent");
        return;
    };
    let data = shared.join("huey_data");
    let kill = data.join("KILL.txt");
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let printed = ok(&["batch", s(&data), "--out", s(&whole), "--kill-list", s(&kill), "--jobs", "2"]);
    assert!(printed.contains("skipped"), "the kill list in use is not a conversation: {printed}");
    let files: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && p != &kill)
        .collect();
    assert!(files.len() >= 5);
    for file in &files {
        let key = file.file_name().unwrap().to_str().unwrap();
        let json = tmp.path().join("one.json");
        ok(&["analyze", s(file), "--kill-list", s(&kill), "--json", s(&json)]);
        let alone = std::fs::read_to_string(&json).unwrap();
        assert_eq!(untimed(&report(&whole, key)), untimed(&alone), "{key}");
    }
    let summary = std::fs::read_to_string(whole.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), files.len() + 1, "{summary}");
    assert!(summary.lines().skip(1).all(|l| l.contains(",ok,")), "{summary}");
    // Shards, given the inputs in another order (files, not the folder).
    let mut shards = Vec::new();
    for i in 1..=3 {
        let dir = tmp.path().join(format!("shard-{i}"));
        let mut args = vec!["batch".to_owned()];
        args.extend(files.iter().rev().map(|f| s(f).to_owned()));
        args.extend(
            ["--out", s(&dir), "--shard", &format!("{i}/3"), "--kill-list", s(&kill), "--jobs", "1"].map(str::to_owned),
        );
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        shards.push(dir);
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|d| s(d)));
    args.extend(["--out", s(&merged)]);
    ok(&args);
    assert_eq!(std::fs::read(merged.join("summary.csv")).unwrap(), summary.as_bytes(), "byte-identical summary");
    for file in &files {
        let key = file.file_name().unwrap().to_str().unwrap();
        assert_eq!(untimed(&report(&merged, key)), untimed(&report(&whole, key)), "{key}");
    }
    // A folder of another batch's options cannot be merged in, nor resumed with other options.
    let other = tmp.path().join("other");
    ok(&["batch", s(&files[0]), "--out", s(&other), "--max-neurons", "100"]);
    let o = huey(&["merge", s(&shards[0]), s(&other), "--out", s(&tmp.path().join("bad"))]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("other options"));
    let o = huey(&["batch", s(&files[0]), "--out", s(&other)]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("max_neurons"), "{o:?}");
    let o = huey(&["merge", s(tmp.path()), "--out", s(&tmp.path().join("bad"))]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("not the output folder"));
}

#[test]
fn a_killed_batch_resumes_with_the_rest_only() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = synthetic(tmp.path(), 40, 3000);
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_huey"))
        .args(["batch", s(&corpus), "--out", s(&out), "--jobs", "1"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let reports = out.join("reports");
    let count = || {
        std::fs::read_dir(&reports)
            .map_or(0, |d| d.filter(|e| !e.as_ref().unwrap().file_name().to_str().unwrap().starts_with('.')).count())
    };
    let start = std::time::Instant::now();
    while count() < 5 {
        assert!(start.elapsed().as_secs() < 120, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = count();
    assert!((5..40).contains(&done), "killed midway: {done} done");
    let before: Vec<_> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name(), e.metadata().unwrap().modified().unwrap())
        })
        .collect();
    let printed = ok(&["batch", s(&corpus), "--out", s(&out), "--jobs", "2"]);
    assert!(
        printed.contains(&format!("{} to analyse", 40 - done)) && printed.contains(&format!("{done} already done")),
        "{printed}"
    );
    for (name, modified) in before {
        if !name.to_str().unwrap().starts_with('.') {
            let now = std::fs::metadata(reports.join(&name)).unwrap().modified().unwrap();
            assert_eq!(now, modified, "{name:?} was done again");
        }
    }
    let clean = tmp.path().join("clean");
    ok(&["batch", s(&corpus), "--out", s(&clean)]);
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), std::fs::read(clean.join("summary.csv")).unwrap());
    // Nothing half-written is left by the kill: no temporary file is read as a report.
    assert_eq!(
        std::fs::read_to_string(out.join("summary.csv")).unwrap().lines().filter(|l| l.contains(",ok,")).count(),
        40
    );
}

#[test]
fn failing_conversations_are_recorded_and_do_not_stop_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::write(corpus.join("good.txt"), "Alice: the river runs cold today\nBob: cold river, warm tea\n").unwrap();
    std::fs::write(corpus.join("empty.txt"), "").unwrap();
    std::fs::write(corpus.join("sub/binary.txt"), [0u8, 159, 146, 150, 0, 0, 7, 255].repeat(100)).unwrap();
    std::fs::write(corpus.join("notes.csv"), "not,a,conversation\n").unwrap();
    #[cfg(unix)]
    {
        let fifo = corpus.join("pipe.txt");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    }
    let out = tmp.path().join("out");
    let printed = ok(&["batch", s(&corpus), "--out", s(&out)]);
    #[cfg(unix)]
    assert!(printed.contains("pipe.txt: not a regular file"), "{printed}");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines.len(), 4, "{summary}");
    assert!(lines[1].starts_with("empty.txt,failed,") && lines[1].contains("empty"), "{summary}");
    assert!(lines[2].starts_with("good.txt,ok,2,2,"), "{summary}");
    assert!(lines[3].starts_with("sub/binary.txt,failed,"), "{summary}");
    assert!(out.join("failures/sub/binary.txt.txt").is_file());
    // A rerun skips the failures; --retry-failed tries them again (and they fail again).
    assert!(ok(&["batch", s(&corpus), "--out", s(&out)]).contains("0 to analyse"));
    let printed = ok(&["batch", s(&corpus), "--out", s(&out), "--retry-failed"]);
    assert!(printed.contains("2 to analyse"), "{printed}");
    assert_eq!(std::fs::read_to_string(out.join("summary.csv")).unwrap(), summary);
    // Bad inputs and shards are refused by name.
    let o = huey(&["batch", s(&tmp.path().join("none")), "--out", s(&out)]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("none"));
    let o = huey(&["batch", s(&corpus), "--out", s(&out), "--shard", "4/3"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("I/N"));
}

/// The red team's findings, each now refused or handled: a link loop walked once, the output
/// folder inside the input never read back, a truncated report made again, records without
/// their stamp refused, a kill list that cannot be read stopping the batch before it starts,
/// an edited kill list noticed, a second batch into a held folder refused, synth never
/// writing into a folder that holds files.
#[test]
fn hostile_folders_and_records_are_refused_or_made_again() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = synthetic(tmp.path(), 3, 300);
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", corpus.join("loop")).unwrap();
    let out = corpus.join("out");
    let printed = ok(&["batch", s(&corpus), "--out", s(&out)]);
    assert!(printed.contains("3 conversations") && printed.contains("3 to analyse"), "{printed}");
    #[cfg(unix)]
    assert!(printed.contains("a folder already listed"), "{printed}");
    // Rerun: its own reports and failures are not conversations.
    let printed = ok(&["batch", s(&corpus), "--out", s(&out)]);
    assert!(printed.contains("3 conversations") && printed.contains("3 already done"), "{printed}");
    // A truncated report is made again.
    let report = out.join("reports/synth-00002.txt.json");
    let whole = std::fs::read(&report).unwrap();
    std::fs::write(&report, &whole[..200]).unwrap();
    assert!(ok(&["batch", s(&corpus), "--out", s(&out)]).contains("1 to analyse"));
    assert!(std::fs::read_to_string(&report).unwrap().len() > 200);
    // A kill list that cannot be read stops the batch at once, non-zero.
    let o =
        huey(&["batch", s(&corpus), "--out", s(&tmp.path().join("k")), "--kill-list", s(&tmp.path().join("none.txt"))]);
    assert!(!o.status.success(), "{o:?}");
    assert!(!tmp.path().join("k/reports").exists(), "nothing was analysed");
    // An edited kill list is other options.
    let kill = tmp.path().join("kill.txt");
    std::fs::write(&kill, "the\n").unwrap();
    let k = tmp.path().join("k2");
    ok(&["batch", s(&corpus), "--out", s(&k), "--kill-list", s(&kill)]);
    std::fs::write(&kill, "the\nand\n").unwrap();
    let o = huey(&["batch", s(&corpus), "--out", s(&k), "--kill-list", s(&kill)]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("other options"), "{o:?}");
    // Records whose stamp is gone are of unknown options.
    std::fs::remove_file(k.join("batch-options.txt")).unwrap();
    let o = huey(&["batch", s(&corpus), "--out", s(&k), "--kill-list", s(&kill)]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("missing beside"), "{o:?}");
    // A folder another batch holds is refused while it runs.
    let busy = tmp.path().join("busy");
    let big = synthetic(&tmp.path().join("big"), 30, 3000);
    let mut first = Command::new(env!("CARGO_BIN_EXE_huey"))
        .args(["batch", s(&big), "--out", s(&busy), "--jobs", "1"])
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    while !busy.join("batch-options.txt").exists() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let o = huey(&["batch", s(&big), "--out", s(&busy)]);
    let still_running = first.try_wait().unwrap().is_none();
    first.kill().ok();
    first.wait().unwrap();
    if still_running {
        assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("another huey batch"), "{o:?}");
    }
    // Killed, its lock is released with it: the rerun goes on.
    ok(&["batch", s(&big), "--out", s(&busy)]);
    // huey synth --count never writes into a folder that holds files.
    let o = huey(&["synth", s(&corpus), "--count", "2", "--words", "10"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("not an empty folder"), "{o:?}");
}
