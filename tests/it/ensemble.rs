//! Replicate ensembles (issue 15): an ensemble of one is the plain run; a bootstrap's
//! presence frequencies and intervals match their known answers on a synthetic case; each
//! GPU replicate agrees with the CPU replicate of the same seed (lavapipe on CI); the CLI
//! writes the JSON and CSV an independent reader loads.

use huey::model::options::{AnalysisOptions, Backend, EngineKind, Precision, Preset};
use huey::run::ensemble::{Conversation, EnsembleSpec, Resample, picks, replicate_network};
use huey::run::pipeline::{analyze_text, prepare};
use huey::text::kill_words::KillList;

use super::fixture;

fn windowed() -> AnalysisOptions {
    AnalysisOptions::preset(Preset::Default, EngineKind::Windowed)
}

fn spec(replicates: usize, resample: Resample, backend: Backend) -> EnsembleSpec {
    EnsembleSpec { replicates, resample, seed: 0, backend, threads: 2 }
}

fn kill() -> KillList {
    KillList::bundled("en").unwrap()
}

#[test]
fn an_ensemble_of_one_is_the_plain_run() {
    let text = std::fs::read_to_string(fixture("labeled_three_speakers.txt")).unwrap();
    for opts in [windowed(), AnalysisOptions::default()] {
        let plain = analyze_text(&text, &opts, &kill()).unwrap();
        let prepared = prepare(&text, &opts, &kill()).unwrap();
        let (stream, speakers) = prepared.pipeline.tokens();
        let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
        let one = spec(1, Resample::None, Backend::Cpu);
        assert_eq!(replicate_network(conv, &opts, &one, 0).unwrap().network, plain.network);
        let e = huey::run::ensemble::run(conv, &opts, &one).unwrap();
        assert_eq!(e.reference_map.labels, plain.map.labels);
        assert_eq!(e.concepts.len(), plain.map.labels.len());
        for (label, &mass) in plain.map.labels.iter().zip(&plain.map.masses) {
            let c = e.concepts.iter().find(|c| &c.concept == label).unwrap();
            // One replicate: the mean and both ends of the interval are its mass.
            assert_eq!((c.mass_mean, c.mass_low, c.mass_high, c.top_frequency), (mass, mass, mass, 1.0), "{label}");
            assert_eq!(c.mapped, 1);
            assert!(c.position_cov.is_none(), "no covariance from one position");
        }
    }
}

/// Seeds differ, so replicates differ (p = 0.35), and the threads' order does not matter.
#[test]
fn replicates_are_seeded_and_independent_of_the_thread_count() {
    let text = std::fs::read_to_string(fixture("labeled_three_speakers.txt")).unwrap();
    let opts = windowed();
    let prepared = prepare(&text, &opts, &kill()).unwrap();
    let (stream, speakers) = prepared.pipeline.tokens();
    let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
    let one_thread = EnsembleSpec { threads: 1, ..spec(6, Resample::Exchanges, Backend::Cpu) };
    let a = huey::run::ensemble::run(conv, &opts, &one_thread).unwrap();
    let b = huey::run::ensemble::run(conv, &opts, &EnsembleSpec { threads: 3, ..one_thread }).unwrap();
    assert_eq!(named(&a), named(&b));
    assert_eq!(a.concepts, b.concepts);
    assert_eq!(a.replicates.iter().map(|r| r.seed).collect::<Vec<_>>(), (0..6).map(Some).collect::<Vec<_>>());
    let masses = named(&a);
    assert!(masses.windows(2).any(|w| w[0] != w[1]), "replicates differ");
}

/// Each replicate's masses by label (ids depend on which thread interned a label first).
fn named(e: &huey::run::ensemble::Ensemble) -> Vec<Vec<(String, f64)>> {
    e.data
        .iter()
        .map(|d| {
            let mut m: Vec<(String, f64)> = d.masses.iter().map(|&(c, m)| (e.labels[c as usize].clone(), m)).collect();
            m.sort_by(|x, y| x.0.cmp(&y.0));
            m
        })
        .collect()
}

/// `--min-mass` decides which concepts are a replicate's top N, never their masses: a concept
/// under the threshold in one replicate counts with its mass there, not with 0.
#[test]
fn the_minimum_mass_cuts_the_top_not_the_masses() {
    let text = std::fs::read_to_string(fixture("labeled_three_speakers.txt")).unwrap();
    let mut opts = windowed();
    let prepared = prepare(&text, &opts, &kill()).unwrap();
    let (stream, speakers) = prepared.pipeline.tokens();
    let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
    let s = spec(8, Resample::Exchanges, Backend::Cpu);
    let all = huey::run::ensemble::run(conv, &opts, &s).unwrap();
    // Just above the lightest concept's largest mass in any replicate: it is never in a top N.
    let lightest = &all.concepts.last().unwrap().concept;
    let id = all.labels.iter().position(|l| l == lightest).unwrap() as u32;
    let heaviest_there =
        all.data.iter().flat_map(|d| d.masses.iter().filter(|m| m.0 == id).map(|m| m.1)).fold(0.0, f64::max);
    opts.map.min_mass = heaviest_there + 1e-9;
    let cut = huey::run::ensemble::run(conv, &opts, &s).unwrap();
    assert!(cut.concepts.len() < all.concepts.len(), "the threshold cuts the concepts");
    for c in &cut.concepts {
        let same = all.concepts.iter().find(|a| a.concept == c.concept).unwrap();
        assert_eq!(
            (c.mass_mean, c.mass_low, c.mass_high),
            (same.mass_mean, same.mass_low, same.mass_high),
            "{}",
            c.concept
        );
        assert!(c.top_frequency <= same.top_frequency);
    }
}

/// Replicate 0 without a resample is the plain run, so every concept of the plain run's map
/// is in its top N — speakers' entries too, which the map keeps whatever `--min-mass` says.
#[test]
fn the_plain_runs_map_concepts_are_in_replicate_zeros_top() {
    let text = std::fs::read_to_string(fixture("labeled_three_speakers.txt")).unwrap();
    // No kill words: the self pronouns give the speakers their self-concept mass.
    let none = KillList::empty();
    let mut opts = AnalysisOptions::preset(Preset::Reference, EngineKind::Windowed);
    opts.map.leave_out_speakers = false;
    let plain = analyze_text(&text, &opts, &none).unwrap();
    let speaker = plain.map.labels.iter().position(|l| l.starts_with("Speaker_")).expect("a speaker's entry");
    // Above that entry's mass: the map keeps it anyway.
    opts.map.min_mass = plain.map.masses[speaker] + 1.0;
    let plain = analyze_text(&text, &opts, &none).unwrap();
    assert!(plain.map.labels.iter().any(|l| l.starts_with("Speaker_")), "{:?}", plain.map.labels);
    let prepared = prepare(&text, &opts, &none).unwrap();
    let (stream, speakers) = prepared.pipeline.tokens();
    let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
    let e = huey::run::ensemble::run(conv, &opts, &spec(3, Resample::None, Backend::Cpu)).unwrap();
    let top0: Vec<&str> = e.data[0].top.iter().map(|&c| e.labels[c as usize].as_str()).collect();
    assert_eq!(top0, plain.map.labels.iter().map(String::as_str).collect::<Vec<_>>());
}

/// A bootstrap over n exchanges leaves out a given exchange with probability (1 − 1/n)ⁿ, so a
/// word said only there is in a replicate's network with probability 1 − (1 − 1/n)ⁿ ≈ 0.637
/// at n = 40; its 95% interval starts at 0 (absent in over 2.5% of replicates) and a word said
/// in every exchange never goes missing.
#[test]
fn a_bootstrap_matches_its_known_answer() {
    let n = 40;
    let mut text = String::new();
    for k in 0..n {
        let (who, extra) = if k == 17 { ("Ana", " zephyr quasar") } else { ("Ben", "") };
        text.push_str(&format!("{who}: talking about rivers and mountains today number{k}{extra}\n"));
    }
    let mut opts = AnalysisOptions::default();
    opts.map.n_concepts = 100_000;
    let prepared = prepare(&text, &opts, &kill()).unwrap();
    let (stream, speakers) = prepared.pipeline.tokens();
    assert_eq!(stream.n_exchanges(), n);
    let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
    let r = 400;
    let s = spec(r, Resample::Exchanges, Backend::Cpu);
    let e = huey::run::ensemble::run(conv, &opts, &s).unwrap();
    // Exactly: present in the replicates whose resample drew exchange 17.
    let drawn = (0..r).filter(|&k| picks(n, &s, k).contains(&17)).count();
    let zephyr = e.concepts.iter().find(|c| c.concept == "zephyr").unwrap();
    assert_eq!(zephyr.top_frequency, drawn as f64 / r as f64);
    let p = 1.0 - (1.0 - 1.0 / n as f64).powi(n as i32);
    let sd = (p * (1.0 - p) / r as f64).sqrt();
    assert!((zephyr.top_frequency - p).abs() < 4.0 * sd, "{} vs {p} ± {sd}", zephyr.top_frequency);
    assert_eq!(zephyr.mass_low, 0.0);
    assert!(zephyr.mass_high > 0.0 && zephyr.mass_mean > 0.0);
    let rivers = e.concepts.iter().find(|c| c.concept == "rivers").unwrap();
    assert_eq!(rivers.top_frequency, 1.0);
    // The interval recomputed here from each replicate's mass: NumPy's default percentile
    // (linear between order statistics at h = (n − 1)·q).
    let id = e.labels.iter().position(|l| l == "rivers").unwrap() as u32;
    let mut masses: Vec<f64> =
        e.data.iter().map(|d| d.masses.iter().find(|m| m.0 == id).map_or(0.0, |m| m.1)).collect();
    masses.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let h = (masses.len() - 1) as f64 * q;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        masses[lo] + (h - h.floor()) * (masses[hi] - masses[lo])
    };
    assert_eq!((rivers.mass_low, rivers.mass_high), (at(0.025), at(0.975)));
    assert!(rivers.mass_low > 0.0 && rivers.mass_high > rivers.mass_low, "{rivers:?}");
    // Each resample holds n exchanges, about 63% of them distinct.
    let distinct: f64 = e.replicates.iter().map(|x| x.distinct_exchanges as f64).sum::<f64>() / r as f64;
    assert!((distinct / n as f64 - p).abs() < 0.03, "{distinct}");
}

/// Each GPU replicate equals the CPU replicate with the same seed and resample (f32 on both;
/// the GPU's windowed sums are the CPU f32 engine's fixed point, so the networks are equal).
#[test]
fn gpu_replicates_equal_cpu_replicates() {
    if super::gpu::gpu_or_skip().is_none() {
        return;
    }
    let text = std::fs::read_to_string(fixture("labeled_three_speakers.txt")).unwrap();
    for engine in [EngineKind::Windowed, EngineKind::Temporal] {
        let opts = AnalysisOptions { precision: Precision::F32, ..AnalysisOptions::preset(Preset::Default, engine) };
        let prepared = prepare(&text, &opts, &kill()).unwrap();
        let (stream, speakers) = prepared.pipeline.tokens();
        let conv = Conversation { stream, speakers, people: &prepared.detection.speakers };
        let cpu = huey::run::ensemble::run(conv, &opts, &spec(3, Resample::Exchanges, Backend::Cpu)).unwrap();
        let gpu = huey::run::ensemble::run(conv, &opts, &spec(3, Resample::Exchanges, Backend::Gpu)).unwrap();
        assert_eq!(gpu.backend, Backend::Gpu);
        assert_ne!(gpu.device, cpu.device, "the GPU ran");
        for r in 0..3 {
            let c = replicate_network(conv, &opts, &spec(3, Resample::Exchanges, Backend::Cpu), r).unwrap().network;
            let g = replicate_network(conv, &opts, &spec(3, Resample::Exchanges, Backend::Gpu), r).unwrap().network;
            assert_eq!(c.words, g.words, "{engine:?} replicate {r}: neurons");
            assert_eq!(c.connections.len(), g.connections.len(), "{engine:?} replicate {r}: connections");
            let rel = |a: f64, b: f64| (a - b).abs() / a.abs().max(1e-300);
            assert!(rel(c.sum_mass(), g.sum_mass()) <= 1e-4, "{engine:?} replicate {r}: Σm");
            assert!(rel(c.sum_strength(), g.sum_strength()) <= 1e-4, "{engine:?} replicate {r}: Σs");
        }
        // What the ensemble itself kept per replicate (the windowed engine's replicates 1 and 2
        // ran as one GPU batch): the same concepts with the same masses.
        for r in 0..3 {
            let masses = |e: &huey::run::ensemble::Ensemble| {
                let mut m: Vec<(String, f64)> =
                    e.data[r].masses.iter().map(|&(id, m)| (e.labels[id as usize].clone(), m)).collect();
                m.sort_by(|a, b| a.0.cmp(&b.0));
                m
            };
            let (c, g) = (masses(&cpu), masses(&gpu));
            assert_eq!(c.len(), g.len(), "{engine:?} replicate {r}: concepts");
            for (a, b) in c.iter().zip(&g) {
                assert_eq!(a.0, b.0, "{engine:?} replicate {r}");
                assert!((a.1 - b.1).abs() <= 1e-4 * a.1.abs().max(1e-9), "{engine:?} replicate {r}: {}", a.0);
            }
        }
        for (a, b) in cpu.concepts.iter().zip(&gpu.concepts) {
            assert_eq!(a.concept, b.concept);
            assert!((a.mass_mean - b.mass_mean).abs() <= 1e-4 * a.mass_mean.abs().max(1e-9), "{}", a.concept);
        }
    }
}

#[test]
fn the_cli_writes_json_and_csv_that_readers_load() {
    let dir = tempfile::tempdir().unwrap();
    let (json, csv) = (dir.path().join("e.json"), dir.path().join("e.csv"));
    let file = fixture("labeled_three_speakers.txt");
    let out = super::cli::huey(&[
        "ensemble",
        file.to_str().unwrap(),
        "--engine",
        "windowed",
        "--replicates",
        "5",
        "--resample",
        "exchanges",
        "--seed",
        "7",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("5 replicates (resample: exchanges, seeds 7…)"), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["replicates"], 5);
    assert_eq!(doc["runs"].as_array().unwrap().len(), 5);
    assert_eq!(doc["runs"][4]["seed"], 11);
    let concepts = doc["concepts"].as_array().unwrap();
    assert!(!concepts.is_empty());
    // Python's csv module reads the table back: a row per concept, the JSON's numbers.
    let read = std::process::Command::new("python3")
        .args([
            "-c",
            "import csv,sys; rows=list(csv.DictReader(open(sys.argv[1]))); \
             print('\\n'.join(r['concept']+' '+r['mass_low_95']+' '+r['mass_mean']+' '+r['mass_high_95']+' '+r['top_frequency'] for r in rows))",
            csv.to_str().unwrap(),
        ])
        .output();
    match read {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let rows: Vec<&str> = text.lines().collect();
            assert_eq!(rows.len(), concepts.len());
            for (row, c) in rows.iter().zip(concepts) {
                let cells: Vec<&str> = row.split(' ').collect();
                assert_eq!(cells[0], c["concept"].as_str().unwrap());
                for (cell, key) in cells[1..].iter().zip(["mass_low", "mass_mean", "mass_high", "top_frequency"]) {
                    // serde_json's default float parsing may be an ulp off; Python's is exact.
                    let (a, b) = (cell.parse::<f64>().unwrap(), c[key].as_f64().unwrap());
                    assert!((a - b).abs() <= 1e-14 * a.abs().max(1.0), "{key} of {row}: {a} vs {b}");
                }
            }
        }
        Ok(o) => panic!("python3 could not read the CSV: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) if std::env::var("REQUIRE_READERS").is_ok_and(|v| v == "1") => panic!("REQUIRE_READERS=1 but {e}"),
        Err(e) => println!("skipped the Python reader: {e}"),
    }
    // Refused: zero replicates, and the temporal engine's --seed is taken (as the resample's).
    let bad = super::cli::huey(&["ensemble", file.to_str().unwrap(), "--replicates", "0"]);
    assert!(!bad.status.success());
    let temporal = super::cli::huey(&["ensemble", file.to_str().unwrap(), "--replicates", "2", "--seed", "3"]);
    assert!(temporal.status.success(), "{}", String::from_utf8_lossy(&temporal.stderr));
    assert!(
        String::from_utf8_lossy(&temporal.stderr)
            .contains("the temporal engine draws nothing and nothing is resampled: every replicate is the same run")
    );
    // Two outputs naming one file, however spelled, are refused before anything runs.
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let same = dir.path().join("same.out");
    let dotted = dir.path().join("sub/../same.out");
    let twice = super::cli::huey(&[
        "ensemble",
        file.to_str().unwrap(),
        "--replicates",
        "2",
        "--json",
        dotted.to_str().unwrap(),
        "--csv",
        same.to_str().unwrap(),
    ]);
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("two outputs name the same file"));
    assert!(!same.exists());
    #[cfg(unix)]
    {
        let link = dir.path().join("link.out");
        std::os::unix::fs::symlink(&same, &link).unwrap();
        let through = super::cli::huey(&[
            "ensemble",
            file.to_str().unwrap(),
            "--replicates",
            "2",
            "--json",
            same.to_str().unwrap(),
            "--csv",
            link.to_str().unwrap(),
            "--force",
        ]);
        assert!(String::from_utf8_lossy(&through.stderr).contains("two outputs name the same file"));
    }
    // Refused up front: more entries than the memory bound (1 GiB at 80 bytes each), with what would fit.
    let spec = huey::text::synthetic::SynthSpec { words: 10_000, vocabulary: 5_000, ..Default::default() };
    let big = dir.path().join("big.txt");
    std::fs::write(&big, huey::text::synthetic::conversation(&spec)).unwrap();
    let too_many =
        super::cli::huey(&["ensemble", big.to_str().unwrap(), "--replicates", "100000", "--max-neurons", "1000"]);
    assert!(!too_many.status.success());
    let err = String::from_utf8_lossy(&too_many.stderr);
    assert!(err.contains("use at most 13421 replicates"), "{err}");
    assert!(!err.contains("same run"), "refused before any warning: {err}");
}

/// `huey bench --ensemble`: the same ensemble on both backends side by side, replicates/s and
/// the GPU's ratio to the CPU (lavapipe on CI, where the GPU row must be there).
#[test]
fn the_ensemble_bench_measures_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let out = super::cli::huey(&[
        "bench",
        "--ensemble",
        "--replicates",
        "3",
        "--reps",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ensemble of 3 replicates"), "{stdout}");
    let rows: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows[0]["backend"], "cpu");
    assert!(rows[0]["replicates_per_sec"].as_f64().unwrap() > 0.0);
    assert!(rows[0]["speedup_vs_cpu"].is_null());
    let gpu_required = std::env::var("REQUIRE_GPU").is_ok_and(|v| v == "1");
    if gpu_required || rows.len() > 1 {
        assert_eq!(rows.len(), 2, "{stdout}");
        assert_eq!(rows[1]["backend"], "gpu");
        let ratio = rows[1]["speedup_vs_cpu"].as_f64().unwrap();
        let want = rows[1]["replicates_per_sec"].as_f64().unwrap() / rows[0]["replicates_per_sec"].as_f64().unwrap();
        assert!((ratio - want).abs() <= 1e-9 * want, "{ratio} vs {want}");
    }
}

/// A GPU ensemble without an adapter is an error naming why, and writes nothing: no replicate
/// runs on the CPU under the GPU's name.
#[test]
fn a_gpu_ensemble_without_an_adapter_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("e.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huey"))
        .args(["ensemble", "--engine", "windowed", "--replicates", "3", "--backend", "gpu", "--json"])
        .arg(&json)
        .env("VK_ICD_FILENAMES", "/nonexistent.json")
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no GPU adapter"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!json.exists());
}
