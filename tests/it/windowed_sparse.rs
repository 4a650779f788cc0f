//! The differential test of the flat-cost windowed engine: `WindowedEngine` (explicit state for
//! connected and touched neurons only) against `DenseWindowedEngine` (every neuron every window,
//! the engine as first written), over many seeds, sizes and parameter corners and over every
//! corpus file: the same network bit for bit in f64 and f32, the same counters, after every turn.

use huey::engine::LearningEngine;
use huey::engine::cpu::dense_windowed::DenseWindowedEngine;
use huey::engine::cpu::windowed::WindowedEngine;
use huey::model::options::{AnalysisOptions, EngineKind};
use huey::model::params::{Common, WindowedParams};
use huey::model::real::Real;
use huey::model::tokens::TokenStream;
use huey::text::kill_words::KillList;
use huey::text::synthetic::{SynthSpec, conversation};

/// Tokens and speakers as the pipeline prepares them (the windowed engine's tokenizer).
fn tokens(text: &str, kill: &KillList) -> (TokenStream, Vec<String>) {
    let mut opts = AnalysisOptions::reference(EngineKind::Windowed);
    opts.detect.exchange_limit = huey::model::options::MAX_EXCHANGES;
    let prepared = huey::run::pipeline::prepare(text, &opts, kill).unwrap();
    let (stream, speakers) = prepared.pipeline.tokens();
    let per_exchange = (0..stream.n_exchanges()).map(|k| speakers[k].clone()).collect();
    (stream.clone(), per_exchange)
}

/// Run both engines turn by turn, comparing snapshots and counters after each `every` turns
/// (and at the end); returns the number of evictions, so callers can check they were exercised.
fn differ<R: Real + std::fmt::Debug + Send>(
    label: &str,
    common: &Common,
    params: &WindowedParams,
    stream: &TokenStream,
    speakers: &[String],
    every: usize,
    prefill: &[String],
) -> u64 {
    let mut dense = DenseWindowedEngine::<R>::new(common.clone(), params.clone()).unwrap();
    let mut sparse = WindowedEngine::<R>::new(common.clone(), params.clone()).unwrap();
    dense.prefill(&mut prefill.iter().map(String::as_str)).unwrap();
    sparse.prefill(&mut prefill.iter().map(String::as_str)).unwrap();
    let n = stream.n_exchanges();
    let mut k = 0;
    while k < n {
        let end = (k + every).min(n);
        dense.run(stream, speakers, k..end).unwrap();
        sparse.run(stream, speakers, k..end).unwrap();
        let (a, b) = (dense.snapshot().unwrap(), sparse.snapshot().unwrap());
        assert!(a == b, "{label}: networks differ after exchange {end} of {n}");
        assert_eq!(dense.stats(), sparse.stats(), "{label}: counters after exchange {end}");
        assert_eq!(dense.size(), sparse.size(), "{label}: sizes after exchange {end}");
        k = end;
    }
    match sparse.stats() {
        huey::model::engine_stats::EngineStats::Windowed(s) => s.evictions,
        other => panic!("{other:?}"),
    }
}

#[test]
fn sparse_equals_dense_on_synthetic_runs_over_seeds_and_sizes() {
    let mut evictions = 0;
    let mut cases = 0;
    for seed in 1..=12u64 {
        for &(max_neurons, vocabulary) in &[(8, 40), (30, 200), (64, 120), (250, 2_000), (1_000, 600)] {
            let spec = SynthSpec { words: 3_000, vocabulary, seed, median_turn: 9.0, ..SynthSpec::default() };
            let (stream, speakers) = tokens(&conversation(&spec), &KillList::empty());
            let common = Common { max_neurons, ..Common::default() };
            // Corners: the kernel's low → high switch early and late, every draw allowed, a
            // tight out-degree cap, windows of 2 and 9, and a strong activation decay.
            let params = WindowedParams {
                seed,
                window: [2, 3, 7, 9][seed as usize % 4],
                connection_prob: [0.35, 1.0, 0.1][seed as usize % 3],
                dense_kernel_min_ids: [30, 2, 10_000][seed as usize % 3],
                max_connections_per_neuron: if seed % 5 == 0 { 3 } else { 250 },
                activation_decay: if seed % 4 == 1 { 0.5 } else { 0.02 },
                ..WindowedParams::default()
            };
            let label = format!("seed {seed}, {max_neurons} neurons, {params:?}");
            let every = 1 + seed as usize % 7;
            evictions += differ::<f64>(&label, &common, &params, &stream, &speakers, every, &[]);
            differ::<f32>(&label, &common, &params, &stream, &speakers, every * 3, &[]);
            cases += 1;
        }
    }
    assert_eq!(cases, 60);
    assert!(evictions > 10_000, "eviction must be exercised: {evictions}");
}

#[test]
fn sparse_equals_dense_after_a_prefill_and_after_loading_a_snapshot() {
    let spec = SynthSpec { words: 4_000, vocabulary: 900, seed: 7, ..SynthSpec::default() };
    let (stream, speakers) = tokens(&conversation(&spec), &KillList::empty());
    let common = Common { max_neurons: 300, ..Common::default() };
    let params = WindowedParams::default();
    // Prefilled neurons hold activation 1 until the first kernel: explicit, then quiet.
    let prefill: Vec<String> = (0..300).map(huey::text::synthetic::word).collect();
    assert!(differ::<f64>("prefill", &common, &params, &stream, &speakers, 5, &prefill) > 0);
    // Both continue from one snapshot taken halfway (the backend switch's path; a load lays
    // the slots out anew, so both engines must load for their sums to add in one order).
    let half = stream.n_exchanges() / 2;
    let mut first = DenseWindowedEngine::<f64>::new(common.clone(), params.clone()).unwrap();
    first.run(&stream, &speakers, 0..half).unwrap();
    let (net, stats) = (first.snapshot().unwrap(), first.stats());
    let mut dense = DenseWindowedEngine::<f64>::new(common.clone(), params.clone()).unwrap();
    dense.load(&net, stats).unwrap();
    let mut sparse = WindowedEngine::<f64>::new(common, params).unwrap();
    sparse.load(&net, stats).unwrap();
    dense.run(&stream, &speakers, half..stream.n_exchanges()).unwrap();
    sparse.run(&stream, &speakers, half..stream.n_exchanges()).unwrap();
    assert!(dense.snapshot().unwrap() == sparse.snapshot().unwrap());
    assert_eq!(dense.stats(), sparse.stats());
}

#[test]
fn sparse_equals_dense_on_every_corpus_file() {
    let Some(shared) = crate::shared_dir() else {
        println!("skipped: ../shared absent (the corpus files are never copied here)");
        return;
    };
    let data = shared.join("huey_data");
    let kill = KillList::parse(&std::fs::read_to_string(data.join("KILL.txt")).unwrap());
    let mut files: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && !p.ends_with("KILL.txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let (stream, speakers) = tokens(&text, &kill);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // The reference's cap (250) evicts on every long file; seeds 1 and 2.
        for seed in [1, 2] {
            let params = WindowedParams { seed, ..WindowedParams::default() };
            let every = stream.n_exchanges().div_ceil(8).max(1);
            differ::<f64>(&name, &Common::default(), &params, &stream, &speakers, every, &[]);
        }
        let params = WindowedParams::default();
        differ::<f32>(&name, &Common::default(), &params, &stream, &speakers, stream.n_exchanges(), &[]);
    }
}
