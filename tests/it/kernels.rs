//! Per-kernel conformance: every WGSL kernel against its CPU twin (`huey::kernel::windowed::*`,
//! `huey::kernel::temporal::*`) on the same inputs, in both precisions the adapter offers
//! (lavapipe on CI has f64). Each engine walks a small conversation kernel by kernel: before
//! each kernel the device state is read back, the twin runs on a copy, the shader runs on the
//! device, and the two results are compared (integers exactly — the free-slot stack and new
//! slots as sets, their order being the threads' — reals within a few ulp).
//!
//! One `#[test]` per kernel comes from the table in `conformance!`, and
//! `every_kernel_has_a_conformance_row` fails when a kernel is missing from it, so a kernel
//! cannot be added without its test. Every row also asserts that its kernel really ran and
//! changed the state (and hit its interesting branches), so no row passes vacuously.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use huey::engine::gpu::GpuDevice;
use huey::engine::gpu::temporal::GpuTemporalEngine;
use huey::engine::gpu::windowed::GpuWindowedEngine;
use huey::kernel::{Kernel, TemporalKernel, WindowedKernel, temporal, windowed};
use huey::model::params::{Common, TemporalParams, WindowedParams};
use huey::model::real::Real;
use huey::model::tokens::TokenStream;

/// What the walk saw of one kernel in one precision.
#[derive(Clone, Debug, Default)]
struct Seen {
    calls: usize,
    changed: usize,
    failures: Vec<String>,
    events: BTreeSet<&'static str>,
}

type Walk = BTreeMap<Kernel, Seen>;

fn record(walk: &mut Walk, kernel: Kernel, changed: bool, diff: Option<String>, events: &[&'static str]) {
    let seen = walk.entry(kernel).or_default();
    seen.calls += 1;
    seen.changed += usize::from(changed);
    if let Some(d) = diff
        && seen.failures.len() < 5
    {
        seen.failures.push(format!("call {}: {d}", seen.calls));
    }
    seen.events.extend(events);
}

/// A seeded stream of `turns` exchanges over `vocabulary` words (small ids more frequent),
/// lengths `min..=max`, with repeats.
fn stream(turns: usize, vocabulary: u32, min: usize, max: usize, seed: u32) -> TokenStream {
    let mut x = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    let mut s = TokenStream::default();
    for _ in 0..turns {
        let len = min + (next() as usize) % (max - min + 1);
        for _ in 0..len {
            // The product of two uniforms: low ids come up more often (a skewed vocabulary).
            let w = (next() % vocabulary) * (next() % vocabulary) / vocabulary;
            s.tokens_mut().push(&format!("w{w}"));
        }
        s.end_exchange(len);
    }
    s
}

fn tolerance<R: Real>() -> f64 {
    if std::mem::size_of::<R>() == 8 { 1e-12 } else { 2e-5 }
}

fn windowed_walk<R: Real + Send>(gpu: &GpuDevice) -> Walk {
    // Few neurons for many words (evictions), a fast decay with a high removal threshold
    // (removals by decay), p < 1 (refusals), a dense-kernel switch the ids pass.
    let common = Common { max_neurons: 14, ..Common::default() };
    let params = WindowedParams {
        window: 4,
        connection_decay: 0.4,
        removal_threshold: 0.007,
        connection_prob: 0.7,
        max_connections_per_neuron: 6,
        seed: 11,
        dense_kernel_min_ids: 24,
        ..WindowedParams::default()
    };
    let mut engine = GpuWindowedEngine::<R>::new(gpu.clone(), common, params).unwrap();
    let tokens = stream(60, 40, 1, 11, 0x9e37_79b9);
    let speakers: Vec<String> =
        (0..60).map(|k| if k % 3 == 0 { "Speaker_A".to_owned() } else { "Bob".to_owned() }).collect();
    let mut walk = Walk::new();
    let counter = |s: &windowed::State<R>, c: windowed::Counter| s.counters[c as usize];
    engine
        .check_kernels(&tokens, &speakers, 0..60, |k, before, cpu, gpu| {
            use windowed::Counter as C;
            let grew = |c| counter(cpu, c) > counter(before, c);
            let mut events = Vec::new();
            if grew(C::Evictions) {
                events.push("eviction");
            }
            if grew(C::FreeTop) {
                events.push("slot freed");
            }
            if grew(C::Refused) {
                events.push("refused");
            }
            if grew(C::Hw) || counter(cpu, C::FreeTop) < counter(before, C::FreeTop) {
                events.push("slot taken");
            }
            if k == WindowedKernel::ActivationSpread && counter(before, C::NextId) >= 24 {
                events.push("low-high kernel");
            }
            // The sparse rule's paths: who an eviction took, a quiet neuron touched, one gone
            // quiet, the explicit lists swapped.
            let listed = |s: &windowed::State<R>, id: usize| s.nstate[id] & windowed::EXPLICIT != 0;
            let live = |s: &windowed::State<R>, id: usize| s.neuron_word.get(id).is_some_and(|&w| w != windowed::DEAD);
            for id in 0..counter(before, C::NextId) as usize {
                if live(before, id) && !live(cpu, id) {
                    events.push(if listed(before, id) { "explicit victim" } else { "quiet victim" });
                }
                if k == WindowedKernel::Eviction && live(cpu, id) && !listed(before, id) && listed(cpu, id) {
                    events.push("quiet touched");
                }
            }
            if k == WindowedKernel::ActivationSpread && cpu.quiet != before.quiet {
                events.push("went quiet");
            }
            if k == WindowedKernel::Eviction && counter(before, C::ExplSwap) != 0 {
                events.push("lists swapped");
            }
            record(&mut walk, k.into(), before != cpu, cpu.diff(gpu, tolerance::<R>()), &events);
        })
        .unwrap();
    walk
}

fn temporal_walk<R: Real + Send>(gpu: &GpuDevice) -> Walk {
    // A fast decay (connections die and their slots are reused), a cap the vocabulary passes.
    let common = Common { max_neurons: 30, ..Common::default() };
    let params = TemporalParams { connection_decay: 0.3, ..TemporalParams::default() };
    let mut engine = GpuTemporalEngine::<R>::new(gpu.clone(), common, params).unwrap();
    let tokens = stream(80, 45, 1, 14, 0x85eb_ca6b);
    let mut walk = Walk::new();
    let counter = |s: &temporal::State<R>, c: temporal::Counter| s.counters[c as usize];
    engine
        .check_kernels(&tokens, 0..80, |k, before, cpu, gpu| {
            use temporal::Counter as C;
            let mut events = Vec::new();
            if counter(cpu, C::FreeTop) > counter(before, C::FreeTop) {
                events.push("slot freed");
            }
            if counter(cpu, C::New) > 0 && counter(before, C::FreeTop) > 0 {
                events.push("slot reused");
            }
            if counter(cpu, C::Hw) > counter(before, C::Hw) {
                events.push("committed");
            }
            if k == TemporalKernel::PairUpdate && cpu.slot_ends != before.slot_ends {
                events.push("new connection");
            }
            record(&mut walk, k.into(), before != cpu, cpu.diff(gpu, tolerance::<R>()), &events);
        })
        .unwrap();
    walk
}

/// Each engine's walk in each precision the adapter offers, computed once for all its rows
/// (the two engines' walks run in parallel).
fn walks(kernel: Kernel) -> Option<&'static Vec<(&'static str, Walk)>> {
    static WINDOWED: OnceLock<Option<Vec<(&'static str, Walk)>>> = OnceLock::new();
    static TEMPORAL: OnceLock<Option<Vec<(&'static str, Walk)>>> = OnceLock::new();
    type WalkFn = fn(&GpuDevice) -> Walk;
    let (cell, f32_walk, f64_walk): (_, WalkFn, WalkFn) = match kernel {
        Kernel::Windowed(_) => (&WINDOWED, windowed_walk::<f32>, windowed_walk::<f64>),
        Kernel::Temporal(_) => (&TEMPORAL, temporal_walk::<f32>, temporal_walk::<f64>),
    };
    cell.get_or_init(|| {
        let gpu = super::gpu::gpu_or_skip()?;
        let mut all = vec![("f32", f32_walk(&gpu))];
        if gpu.info.shader_f64 {
            all.push(("f64", f64_walk(&gpu)));
        } else {
            println!("{} has no SHADER_F64: f64 kernels are not checked here", gpu.info.name);
        }
        Some(all)
    })
    .as_ref()
}

/// The row of `kernel`: it ran, changed the state, hit `events`, and matched its twin.
fn check(kernel: Kernel, events: &[&str]) {
    let Some(walks) = walks(kernel) else { return };
    for (precision, walk) in walks {
        let what = format!("{} in {precision}", kernel.path());
        let seen = walk.get(&kernel).unwrap_or_else(|| panic!("{what}: never dispatched"));
        println!("{what}: {} calls, {} changed the state, events {:?}", seen.calls, seen.changed, seen.events);
        assert!(seen.failures.is_empty(), "{what}: shader and twin differ: {:#?}", seen.failures);
        assert!(seen.calls >= 20 && seen.changed >= 5, "{what}: too little exercised: {seen:?}");
        for e in events {
            assert!(seen.events.contains(e), "{what}: the walk never hit '{e}': {seen:?}");
        }
    }
}

/// One test per kernel, and a check that the table lists every kernel.
macro_rules! conformance {
    ($($name:ident: $kernel:expr, [$($event:literal),*];)+) => {
        $(
            #[test]
            fn $name() {
                check($kernel.into(), &[$($event),*]);
            }
        )+

        #[test]
        fn every_kernel_has_a_conformance_row() {
            let rows: Vec<Kernel> = vec![$($kernel.into()),+];
            for kernel in Kernel::all() {
                assert!(rows.contains(&kernel), "{} has no conformance row", kernel.path());
            }
            assert_eq!(rows.len(), Kernel::all().count(), "a kernel is listed twice");
        }
    };
}

conformance! {
    windowed_eviction: WindowedKernel::Eviction,
        ["eviction", "slot freed", "quiet victim", "explicit victim", "quiet touched", "lists swapped"];
    windowed_activation_decay: WindowedKernel::ActivationDecay, [];
    windowed_connection_decay: WindowedKernel::ConnectionDecay, ["slot freed"];
    windowed_pair_update: WindowedKernel::PairUpdate, ["refused", "slot taken"];
    windowed_prune: WindowedKernel::Prune, ["slot freed"];
    windowed_activation_spread: WindowedKernel::ActivationSpread, ["low-high kernel", "went quiet"];
    temporal_begin: TemporalKernel::Begin, ["committed"];
    temporal_pair_update: TemporalKernel::PairUpdate, ["new connection", "slot reused"];
    temporal_prune: TemporalKernel::Prune, ["slot freed"];
}
