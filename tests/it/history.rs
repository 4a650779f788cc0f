//! A run's history (`run::history`): the network restored at exchange t — nearest checkpoint
//! plus replay — equals a fresh run of the same conversation cut at t (`--exchange-limit t`),
//! for both engines on the CPU and, where an adapter has f64, on the GPU; and the history's
//! memory stays bounded however long the run; timeline maps aligned row to row never flip.

use huey::model::network::Network;
use huey::model::options::{AnalysisOptions, Backend, EngineKind, Precision};
use huey::run::history::{History, MAX_CHECKPOINTS};
use huey::run::pipeline::prepare;
use huey::text::kill_words::KillList;

fn same(a: &Network, b: &Network, what: &str) {
    assert_eq!(a.words, b.words, "{what}: neurons");
    assert_eq!(a.connections.len(), b.connections.len(), "{what}: connections");
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1e-300);
    for (x, y) in a.connections.iter().zip(&b.connections) {
        assert!((x.from, x.to) == (y.from, y.to), "{what}: {x:?} vs {y:?}");
        assert!(close(x.strength, y.strength) && close(x.mass, y.mass), "{what}: {x:?} vs {y:?}");
    }
    let sum = |n: &Network| n.connections.iter().map(|c| c.strength).sum::<f64>();
    assert!(close(sum(a), sum(b)), "{what}: Σs");
}

fn fresh(text: &str, opts: &AnalysisOptions, kill: &KillList, t: usize) -> Network {
    let mut cut = opts.clone();
    cut.detect.exchange_limit = t;
    let mut p = prepare(text, &cut, kill).unwrap().pipeline;
    assert_eq!(p.progress().total, t, "the cut conversation has t exchanges");
    p.run_to_end();
    p.network()
}

fn check(text: &str, opts: &AnalysisOptions, every: usize) {
    let kill = KillList::empty();
    let mut p = prepare(text, opts, &kill).unwrap().pipeline;
    let total = p.progress().total;
    let mut history = History::new(every);
    history.record_run(&mut p);
    assert_eq!(p.progress().done, total);
    let end = p.network();
    let mut scrub = prepare(text, opts, &kill).unwrap().pipeline;
    for t in [1, 2, every, every + 1, total / 2, total - 1, total, 3] {
        let t = t.clamp(1, total);
        let replayed = history.restore(&mut scrub, t).unwrap();
        assert!(replayed < history.every(), "t = {t}: replayed {replayed}");
        let what = format!("{} on {:?}, t = {t}", opts.engine.kind().as_str(), opts.backend);
        same(&scrub.network(), &fresh(text, opts, &kill, t), &what);
    }
    // Back at the end, the network is the run's own.
    history.restore(&mut scrub, total).unwrap();
    same(&scrub.network(), &end, "the end again");
}

#[test]
fn the_network_at_any_exchange_equals_a_fresh_run_cut_there() {
    let text = huey::text::SAMPLE_CONVERSATION;
    for engine in [EngineKind::Temporal, EngineKind::Windowed] {
        check(text, &AnalysisOptions::preset(huey::model::options::Preset::Default, engine), 4);
    }
    if let Some(shared) = crate::shared_dir() {
        let text = std::fs::read_to_string(shared.join("huey_data/DeepConvo.txt")).unwrap();
        for engine in [EngineKind::Temporal, EngineKind::Windowed] {
            check(&text, &AnalysisOptions::reference(engine), 16);
        }
    }
}

#[test]
fn the_gpu_history_equals_a_fresh_gpu_run_in_f64() {
    let text = huey::text::SAMPLE_CONVERSATION;
    for engine in [EngineKind::Temporal, EngineKind::Windowed] {
        let opts = AnalysisOptions {
            backend: Backend::Gpu,
            precision: Precision::F64,
            ..AnalysisOptions::preset(huey::model::options::Preset::Default, engine)
        };
        let p = prepare(text, &opts, &KillList::empty()).unwrap().pipeline;
        if p.backend() != Backend::Gpu {
            assert!(std::env::var_os("REQUIRE_GPU").is_none(), "REQUIRE_GPU is set: {:?}", p.notices());
            eprintln!("skipped: no GPU with f64 here ({:?})", p.notices());
            return;
        }
        check(text, &opts, 3);
    }
}

/// The per-turn self-mass and the emergence list agree with fresh runs cut at each exchange.
#[test]
fn turns_and_emergence_agree_with_runs_cut_there() {
    let text = huey::text::SAMPLE_CONVERSATION;
    let opts = AnalysisOptions::reference(EngineKind::Temporal);
    let kill = KillList::empty();
    let threshold = 2.0;
    let tl = huey::run::timeline::timeline(
        prepare(text, &opts, &kill).unwrap(),
        &opts,
        &huey::run::timeline::TimelineSpec { emergence_mass: threshold, ..huey::run::timeline::TimelineSpec::every(5) },
    );
    let total = tl.turns.len();
    assert_eq!(total, 15, "a turn per exchange");
    let mass_at = |t: usize, word: &str| {
        let net = fresh(text, &opts, &kill, t);
        let masses = huey::analysis::mass::concept_masses(&net);
        net.words.iter().position(|w| w == word).map_or(0.0, |i| masses[i])
    };
    for turn in &tl.turns {
        let net = fresh(text, &opts, &kill, turn.exchange);
        let want = huey::analysis::mass::speaker_self_mass(&net, std::slice::from_ref(&turn.speaker))[0].1;
        assert!((turn.self_mass - want).abs() <= 1e-12 * want.abs().max(1.0), "{turn:?} vs {want}");
    }
    assert!(tl.turns.iter().any(|t| t.self_mass > 0.0), "the reference preset maps speakers' self-mass");
    assert!(!tl.emergence.is_empty());
    assert!(tl.emergence.windows(2).all(|w| w[0].1 <= w[1].1), "in order of emergence");
    for (word, t) in &tl.emergence {
        assert!(mass_at(*t, word) >= threshold, "{word} at {t}");
        if *t > 1 {
            assert!(mass_at(t - 1, word) < threshold, "{word} had emerged before {t}");
        }
    }
}

#[test]
fn a_long_run_keeps_a_bounded_history() {
    let text: String =
        (0..600).map(|k| format!("{}: word{} and word{}\n", ["Ana", "Ben"][k % 2], k % 37, k % 11)).collect();
    let opts = AnalysisOptions::preset(huey::model::options::Preset::Default, EngineKind::Temporal);
    let mut p = prepare(&text, &opts, &KillList::empty()).unwrap().pipeline;
    let total = p.progress().total;
    assert!(total >= 500, "{total}");
    let mut history = History::new(1);
    history.record_run(&mut p);
    let n = history.checkpoints().len();
    assert!((MAX_CHECKPOINTS / 2..=MAX_CHECKPOINTS).contains(&n), "{n} checkpoints");
    assert!(history.every() >= total / MAX_CHECKPOINTS, "spacing {}", history.every());
    assert!(history.checkpoints().windows(2).all(|w| w[1].done - w[0].done == history.every()));
    assert_eq!(history.checkpoints()[0].done, 0);
}

/// Timeline maps aligned row to row (signs, then Procrustes) move continuously: on the corpus
/// files no axis flips between checkpoints, and alignment never leaves a row farther from the
/// previous one than its raw coordinates are.
#[test]
fn aligned_trajectories_have_no_sign_flips_between_checkpoints() {
    use huey::analysis::procrustes::residual;
    let mut texts = vec![("sample".to_owned(), huey::text::SAMPLE_CONVERSATION.to_owned())];
    match crate::shared_dir() {
        Some(shared) => {
            for name in ["DeepConvo.txt", "TrumpInterview.txt", "FeynmanYoung.txt"] {
                texts.push((name.to_owned(), std::fs::read_to_string(shared.join("huey_data").join(name)).unwrap()));
            }
        }
        None => eprintln!("../shared is absent: only the sample is checked"),
    }
    let opts = AnalysisOptions::preset(huey::model::options::Preset::Default, EngineKind::Temporal);
    for (name, text) in texts {
        let prepared = prepare(&text, &opts, &KillList::empty()).unwrap();
        let every = (prepared.pipeline.progress().total / 12).max(1);
        let rows =
            huey::run::timeline::timeline(prepared, &opts, &huey::run::timeline::TimelineSpec::every(every)).rows;
        assert!(rows.len() >= 10, "{name}: {} rows", rows.len());
        assert_eq!(rows[0].aligned_coords, rows[0].map.coords, "the first row is its own frame");
        let mut flips_raw = 0;
        for w in rows.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let (mut prev, mut raw, mut aligned) = (Vec::new(), Vec::new(), Vec::new());
            for (k, label) in b.map.labels.iter().enumerate() {
                if let Some(j) = a.map.labels.iter().position(|l| l == label) {
                    prev.push(a.aligned_coords[j]);
                    raw.push(b.map.coords[k]);
                    aligned.push(b.aligned_coords[k]);
                }
            }
            if prev.len() < 4 {
                continue;
            }
            let dot = |x: &[[f64; 3]], axis: usize| prev.iter().zip(x).map(|(p, q)| p[axis] * q[axis]).sum::<f64>();
            for axis in 0..2 {
                assert!(dot(&aligned, axis) >= 0.0, "{name}: axis {} flips at exchange {}", axis + 1, b.exchange);
                flips_raw += usize::from(dot(&raw, axis) < 0.0);
            }
            assert!(
                residual(&aligned, &prev) <= residual(&raw, &prev) + 1e-9,
                "{name} at exchange {}: aligned {} vs raw {}",
                b.exchange,
                residual(&aligned, &prev),
                residual(&raw, &prev)
            );
        }
        eprintln!("{name}: {} rows, raw maps flipped an axis {flips_raw} times, aligned ones never", rows.len());
    }
}
