//! Batches of windowed replicates on the GPU (issue 15): R networks side by side in device
//! memory, every kernel dispatched once for all. Each replicate equals the CPU engine run
//! alone with seed + r — with one input all replicates share, with an input per replicate
//! (bootstrap resamples of different lengths, so shorter ones are padded), across arrays that
//! must grow (restrided per replicate), at capacity (evictions), and across the seed's 32-bit
//! carry. Lavapipe on CI (`REQUIRE_GPU=1`).

use huey::engine::cpu::windowed::WindowedEngine;
use huey::engine::gpu::windowed::{GpuWindowedEngine, ReplicateInput};
use huey::engine::{LearningEngine, StatsKind as _};
use huey::model::network::Network;
use huey::model::options::{AnalysisOptions, EngineKind, Precision, Preset};
use huey::model::params::{Common, Specific, WindowedParams};
use huey::model::tokens::TokenStream;
use huey::run::pipeline::prepare;
use huey::text::kill_words::KillList;

use huey::text::synthetic::SynthSpec;

/// A synthetic conversation's tokens and speakers (3,000 words over 600 distinct ones, so the
/// default 250 neurons evict), and the default windowed parameters.
fn conversation() -> (TokenStream, Vec<String>, Common, WindowedParams) {
    let spec = SynthSpec { words: 3_000, vocabulary: 600, ..SynthSpec::default() };
    let text = huey::text::synthetic::conversation(&spec);
    let opts =
        AnalysisOptions { precision: Precision::F32, ..AnalysisOptions::preset(Preset::Default, EngineKind::Windowed) };
    let prepared = prepare(&text, &opts, &KillList::bundled("en").unwrap()).unwrap();
    let (stream, speakers) = prepared.pipeline.tokens();
    let Specific::Windowed(params) = opts.engine.specific.clone() else { unreachable!() };
    (stream.clone(), speakers.to_vec(), opts.engine.common.clone(), params)
}

/// Every token and lowercased speaker: the batch's vocabulary.
fn vocabulary(stream: &TokenStream, speakers: &[String]) -> Vec<String> {
    let mut words: Vec<String> =
        (0..stream.n_exchanges()).flat_map(|k| stream.exchange(k).map(str::to_owned)).collect();
    words.extend(speakers.iter().map(|s| s.to_lowercase()));
    words.sort_unstable();
    words.dedup();
    words
}

/// The CPU engine alone, f32, on `exchanges` of `stream` with `seed`.
fn cpu_run(common: &Common, params: &WindowedParams, seed: u64, stream: &TokenStream, speakers: &[String]) -> Network {
    let mut engine = WindowedEngine::<f32>::new(common.clone(), WindowedParams { seed, ..params.clone() }).unwrap();
    engine.run(stream, speakers, 0..stream.n_exchanges()).unwrap();
    engine.snapshot().unwrap()
}

/// The same neurons, the same connections in the same order, strengths and masses within a
/// few f32 ulp of `exp` and division.
fn assert_same(cpu: &Network, gpu: &Network, what: &str) {
    if let Some(at) = (0..cpu.words.len().max(gpu.words.len())).find(|&k| cpu.words.get(k) != gpu.words.get(k)) {
        panic!(
            "{what}: neurons differ first at id {at} of {} vs {}: {:?} vs {:?}",
            cpu.words.len(),
            gpu.words.len(),
            cpu.words.get(at),
            gpu.words.get(at)
        );
    }
    assert_eq!(cpu.connections.len(), gpu.connections.len(), "{what}: connections");
    assert!(!cpu.connections.is_empty(), "{what}: a network was learned");
    for (c, g) in cpu.connections.iter().zip(&gpu.connections) {
        assert_eq!((c.from, c.to), (g.from, g.to), "{what}: connection order");
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-4 * a.abs().max(1e-6);
        assert!(close(c.strength, g.strength), "{what}: strength {} vs {}", c.strength, g.strength);
        assert!(close(c.mass, g.mass), "{what}: mass {} vs {}", c.mass, g.mass);
    }
}

/// A bootstrap resample of the exchanges (in order), different for each `r`.
fn resample(stream: &TokenStream, speakers: &[String], r: u64) -> (TokenStream, Vec<String>) {
    let n = stream.n_exchanges();
    let mut rng = huey::model::rng::SplitMix(r.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 7);
    let mut picks: Vec<usize> = (0..n - (r as usize % 3)).map(|_| rng.below(n)).collect();
    picks.sort_unstable();
    (stream.resampled(&picks), picks.iter().map(|&k| speakers[k].clone()).collect())
}

#[test]
fn a_shared_input_batch_equals_each_replicate_run_alone() {
    let Some(gpu) = super::gpu::gpu_or_skip() else { return };
    let (stream, speakers, common, params) = conversation();
    // Room for 8 neurons at first, so the arrays grow (restrided) during the run.
    let words = vocabulary(&stream, &speakers);
    let mut batch = GpuWindowedEngine::<f32>::batch(gpu, common.clone(), params.clone(), 5, words, (8, 0)).unwrap();
    let exchanges = 0..stream.n_exchanges();
    batch.run_batch(&[ReplicateInput { stream: &stream, speakers: &speakers, exchanges, order: None }]).unwrap();
    let nets = batch.snapshots().unwrap();
    assert_eq!(nets.len(), 5);
    for (r, net) in nets.iter().enumerate() {
        let cpu = cpu_run(&common, &params, params.seed + r as u64, &stream, &speakers);
        assert_same(&cpu, net, &format!("replicate {r}"));
    }
    assert_ne!(nets[0].connections.len(), 0);
    assert!(nets.windows(2).any(|w| w[0].connections != w[1].connections), "the seeds differ");
}

/// One input per resample, each learned whole.
fn inputs_of(resamples: &[(TokenStream, Vec<String>)]) -> Vec<ReplicateInput<'_>> {
    resamples
        .iter()
        .map(|(s, sp)| ReplicateInput { stream: s, speakers: sp, exchanges: 0..s.n_exchanges(), order: None })
        .collect()
}

#[test]
fn a_batch_of_resamples_equals_each_resample_run_alone() {
    let Some(gpu) = super::gpu::gpu_or_skip() else { return };
    let (stream, speakers, common, params) = conversation();
    let resamples: Vec<(TokenStream, Vec<String>)> = (0..4).map(|r| resample(&stream, &speakers, r)).collect();
    let inputs = inputs_of(&resamples);
    let words = vocabulary(&stream, &speakers);
    let mut batch = GpuWindowedEngine::<f32>::batch(gpu, common.clone(), params.clone(), 4, words, (8, 0)).unwrap();
    batch.run_batch(&inputs).unwrap();
    for (r, (net, (s, sp))) in batch.snapshots().unwrap().iter().zip(&resamples).enumerate() {
        let cpu = cpu_run(&common, &params, params.seed + r as u64, s, sp);
        assert_same(&cpu, net, &format!("resample {r}"));
        let stats = batch.replicate_stats(r).unwrap();
        assert_eq!(stats.turns, s.n_exchanges() as u64, "resample {r}: its own turns");
    }
}

#[test]
fn a_batch_at_capacity_evicts_per_replicate_and_carries_the_seed() {
    let Some(gpu) = super::gpu::gpu_or_skip() else { return };
    let (stream, speakers, common, params) = conversation();
    // Every replicate evicts (600 words, 250 neurons); the seed's low word wraps between
    // replicates.
    let params = WindowedParams { seed: u64::from(u32::MAX) - 1, ..params };
    let words = vocabulary(&stream, &speakers);
    let mut batch = GpuWindowedEngine::<f32>::batch(gpu, common.clone(), params.clone(), 4, words, (8, 0)).unwrap();
    let exchanges = 0..stream.n_exchanges();
    batch.run_batch(&[ReplicateInput { stream: &stream, speakers: &speakers, exchanges, order: None }]).unwrap();
    for (r, net) in batch.snapshots().unwrap().iter().enumerate() {
        let cpu = cpu_run(&common, &params, params.seed + r as u64, &stream, &speakers);
        assert_same(&cpu, net, &format!("replicate {r} (seed {})", params.seed + r as u64));
        assert!(batch.replicate_stats(r).unwrap().evictions > 0, "replicate {r} evicted");
    }
}

#[test]
fn a_batch_refuses_what_replaces_one_network() {
    let Some(gpu) = super::gpu::gpu_or_skip() else { return };
    let (stream, speakers, common, params) = conversation();
    let words = vocabulary(&stream, &speakers);
    let mut batch = GpuWindowedEngine::<f32>::batch(gpu, common, params, 2, words, (8, 0)).unwrap();
    let e = batch.load(&Network::default(), huey::model::engine_stats::EngineStats::Windowed(Default::default()));
    assert!(e.unwrap_err().to_string().contains("batch of 2"));
    // Three inputs for two replicates is a caller's error, not a panic.
    let input = ReplicateInput { stream: &stream, speakers: &speakers, exchanges: 0..1, order: None };
    let e = batch.run_batch(&[input.clone(), input.clone(), input]).unwrap_err();
    assert!(e.to_string().contains("3 inputs for 2 replicates"), "{e}");
}

/// A conversation of `turns` as (speaker, tokens).
fn stream_of(turns: &[(String, Vec<String>)]) -> (TokenStream, Vec<String>) {
    let mut s = TokenStream::default();
    for (_, tokens) in turns {
        for t in tokens {
            s.tokens_mut().push(t);
        }
        s.end_exchange(tokens.len());
    }
    (s, turns.iter().map(|(speaker, _)| speaker.clone()).collect())
}

/// Replicates at different kinds of step at once: one learns from long turns over a small
/// vocabulary (a window every step, few connections), the other from long runs of short turns
/// by ever new speakers (each lists a neuron, no window trims the list; at capacity evicted
/// ones stay listed until a window) between a few long turns. The explicit lists' grids must
/// follow the replicate whose list is longest, not the one that just ran a window.
#[test]
fn replicates_at_windows_and_short_turns_at_once_equal_their_runs_alone() {
    let Some(gpu) = super::gpu::gpu_or_skip() else { return };
    let (_, _, common, params) = conversation();
    let word = |k: usize| format!("w{}", k % 5);
    let a: Vec<(String, Vec<String>)> =
        (0..6).map(|t| ("Alpha".to_owned(), (0..800).map(|k| word(k + t)).collect())).collect();
    let mut b = Vec::new();
    for round in 0..4 {
        for s in 0..900 {
            b.push((format!("Speaker_{round}_{s}"), vec!["x".to_owned()]));
        }
        b.push(("Beta".to_owned(), (0..40).map(|k| format!("b{}", (k * 7 + round) % 30)).collect()));
    }
    let (sa, spa) = stream_of(&a);
    let (sb, spb) = stream_of(&b);
    let mut words = vocabulary(&sa, &spa);
    words.extend(vocabulary(&sb, &spb));
    let inputs = [
        ReplicateInput { stream: &sa, speakers: &spa, exchanges: 0..sa.n_exchanges(), order: None },
        ReplicateInput { stream: &sb, speakers: &spb, exchanges: 0..sb.n_exchanges(), order: None },
    ];
    let mut batch = GpuWindowedEngine::<f32>::batch(gpu, common.clone(), params.clone(), 2, words, (8, 0)).unwrap();
    batch.run_batch(&inputs).unwrap();
    let nets = batch.snapshots().unwrap();
    assert_same(&cpu_run(&common, &params, params.seed, &sa, &spa), &nets[0], "long turns");
    let cpu_b = cpu_run(&common, &params, params.seed + 1, &sb, &spb);
    assert_same(&cpu_b, &nets[1], "short turns");
    let mut engine = WindowedEngine::<f32>::new(common, WindowedParams { seed: params.seed + 1, ..params }).unwrap();
    engine.run(&sb, &spb, 0..sb.n_exchanges()).unwrap();
    assert_eq!(batch.replicate_stats(1).unwrap().evictions, engine.stats().windowed().unwrap().evictions);
    assert!(batch.replicate_stats(1).unwrap().evictions > 1_000, "the short turns evicted");
}

/// Uploads in chunks of a few dozen input words: long turns are split between chunks (a
/// window's tokens travel with it), short turns carry no tokens; a single network and a batch
/// of resamples still equal their CPU runs.
#[test]
fn long_turns_split_between_small_chunks_change_nothing() {
    let Some(gpu) = super::gpu::gpu_or_skip() else { return };
    let (stream, speakers, common, params) = conversation();
    let mut single = GpuWindowedEngine::<f32>::new(gpu.clone(), common.clone(), params.clone()).unwrap();
    single.chunk_words(37);
    single.run(&stream, &speakers, 0..stream.n_exchanges()).unwrap();
    assert_same(&cpu_run(&common, &params, params.seed, &stream, &speakers), &single.snapshot().unwrap(), "single");
    let resamples: Vec<(TokenStream, Vec<String>)> = (0..3).map(|r| resample(&stream, &speakers, r)).collect();
    let inputs = inputs_of(&resamples);
    let words = vocabulary(&stream, &speakers);
    let mut batch = GpuWindowedEngine::<f32>::batch(gpu, common.clone(), params.clone(), 3, words, (8, 0)).unwrap();
    batch.chunk_words(23);
    batch.run_batch(&inputs).unwrap();
    for (r, (net, (s, sp))) in batch.snapshots().unwrap().iter().zip(&resamples).enumerate() {
        assert_same(&cpu_run(&common, &params, params.seed + r as u64, s, sp), net, &format!("resample {r}"));
        assert_eq!(batch.replicate_stats(r).unwrap().turns, s.n_exchanges() as u64, "resample {r}: turns once each");
    }
}

/// Wide windows of distinct words: the pair update's walk stays O(W²) (a word that does not
/// recur is not searched for again), and a walk a driver cuts short is an error, never a
/// wrong network (lavapipe stops an invocation's loops after ~65,535 iterations: W = 300 is
/// refused there, equal to the CPU elsewhere).
#[test]
fn wide_windows_are_equal_to_the_cpu_or_refused() {
    let Some(gpu) = super::gpu::gpu_or_skip() else { return };
    for w in [42, 120, 300] {
        let params = WindowedParams { window: w, connection_prob: 1.0, ..WindowedParams::default() };
        let common = Common { max_neurons: 400, ..Common::default() };
        let (stream, speakers) = stream_of(&[
            ("Alice".to_owned(), (0..w).map(|k| format!("zq{k}")).collect()),
            ("Bob".to_owned(), vec!["hello".to_owned()]),
        ]);
        let cpu = cpu_run(&common, &params, params.seed, &stream, &speakers);
        let mut engine = GpuWindowedEngine::<f32>::new(gpu.clone(), common, params).unwrap();
        match engine.run(&stream, &speakers, 0..2) {
            Ok(()) => assert_same(&cpu, &engine.snapshot().unwrap(), &format!("W = {w}")),
            Err(e) => {
                assert!(w > 200, "W = {w} must run: {e}");
                assert!(e.to_string().contains("finished their pair update"), "{e}");
            }
        }
    }
}
