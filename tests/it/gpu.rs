//! The GPU engines against the CPU engines in f32, on whatever adapter the machine has (Mesa's
//! lavapipe on CI). Without an adapter these tests print why and pass, unless `REQUIRE_GPU=1`
//! (set by .ci/run, which installs lavapipe), where a missing GPU fails them.

use huey::engine::gpu::GpuDevice;
use huey::engine::gpu::windowed::GpuWindowedEngine;
use huey::kernel::TimingMethod;
use huey::model::options::{AnalysisOptions, Backend, EngineKind, Precision};
use huey::model::params::{Common, WindowedParams};
use huey::run::notice::Notice;
use huey::run::pipeline::{Analysis, analyze_text, prepare};
use huey::text::kill_words::KillList;

use super::parity::{reference_setup, windowed_reference};

/// The shared device, or `None` with the reason printed (a failure under `REQUIRE_GPU=1`).
pub fn gpu_or_skip() -> Option<GpuDevice> {
    gpu()
}

fn gpu() -> Option<GpuDevice> {
    match GpuDevice::shared() {
        Ok(device) => {
            println!("GPU tests on {}", device.info);
            Some(device)
        }
        Err(e) if std::env::var("REQUIRE_GPU").is_ok_and(|v| v == "1") => panic!("REQUIRE_GPU=1 but {e}"),
        Err(e) => {
            println!("skipped: {e} (set REQUIRE_GPU=1 to fail instead)");
            None
        }
    }
}

fn connection_prob(opts: &AnalysisOptions) -> f64 {
    match &opts.engine.specific {
        huey::model::params::Specific::Windowed(w) => w.connection_prob,
        huey::model::params::Specific::Temporal(_) => 1.0,
    }
}

fn on(backend: Backend, precision: Precision, opts: &AnalysisOptions) -> AnalysisOptions {
    AnalysisOptions { backend, precision, ..opts.clone() }
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(1e-300)
}

fn top20(a: &Analysis) -> Vec<String> {
    let masses = huey::analysis::mass::concept_masses(&a.network);
    huey::analysis::mass::top_concepts(&a.network, &masses, 20).into_iter().map(|(w, _)| w).collect()
}

/// The agreement rule: neurons equal, connections within 0.1%, Σs and Σm within 1e-4
/// relative, the same top-20 concepts by mass; the GPU really ran (no fallback).
fn assert_agree(cpu: &Analysis, gpu: &Analysis, what: &str) {
    assert_eq!(gpu.backend, Backend::Gpu, "{what}: fell back: {:?}", gpu.warnings);
    assert!(gpu.warnings.iter().all(|w| !w.is_gpu_fallback()), "{what}: {:?}", gpu.warnings);
    let (c, g) = (&cpu.network, &gpu.network);
    assert_eq!(c.n_neurons(), g.n_neurons(), "{what}: neurons");
    let (nc, ng) = (c.connections.len() as f64, g.connections.len() as f64);
    assert!((nc - ng).abs() <= 0.001 * nc, "{what}: connections {nc} vs {ng}");
    assert!(rel(c.sum_strength(), g.sum_strength()) <= 1e-4, "{what}: Σs {} vs {}", c.sum_strength(), g.sum_strength());
    assert!(rel(c.sum_mass(), g.sum_mass()) <= 1e-4, "{what}: Σm {} vs {}", c.sum_mass(), g.sum_mass());
    assert_eq!(top20(cpu), top20(gpu), "{what}: top-20 concepts");
}

fn drift(f64_run: &Analysis, f32_run: &Analysis) -> String {
    format!(
        "connections {} vs {}, Σs rel {:.1e}, Σm rel {:.1e}",
        f64_run.network.connections.len(),
        f32_run.network.connections.len(),
        rel(f64_run.network.sum_strength(), f32_run.network.sum_strength()),
        rel(f64_run.network.sum_mass(), f32_run.network.sum_mass())
    )
}

#[test]
fn cpu_and_gpu_agree_on_every_reference_file() {
    if gpu().is_none() {
        return;
    }
    let Some((shared, reference, kill)) = reference_setup() else { return };
    let settings = [
        ("temporal", AnalysisOptions::reference(EngineKind::Temporal)),
        ("windowed", windowed_reference()),
        ("windowed", AnalysisOptions::reference(EngineKind::Windowed)),
    ];
    for (section, opts) in &settings {
        for entry in reference[*section].as_array().unwrap() {
            let file = entry["file"].as_str().unwrap();
            let text = huey::io::document::read(&shared.join("huey_data").join(file)).unwrap().text;
            let run = |backend, precision| analyze_text(&text, &on(backend, precision, opts), &kill).unwrap();
            let (cpu, gpu, f64_run) = (
                run(Backend::Cpu, Precision::F32),
                run(Backend::Gpu, Precision::F32),
                run(Backend::Cpu, Precision::F64),
            );
            let what = format!("{section} p={} {file}", connection_prob(opts));
            assert_agree(&cpu, &gpu, &what);
            println!("{what}: GPU f32 vs CPU f32 agree; f32 drift against f64: {}", drift(&f64_run, &gpu));
        }
    }
}

#[test]
fn cpu_and_gpu_agree_on_a_100k_word_synthetic_run() {
    if gpu().is_none() {
        return;
    }
    let spec = huey::text::synthetic::SynthSpec { words: 100_000, vocabulary: 20_000, ..Default::default() };
    let text = huey::text::synthetic::conversation(&spec);
    let kill = KillList::default();
    for engine in [EngineKind::Temporal, EngineKind::Windowed] {
        let mut opts = AnalysisOptions::reference(engine);
        opts.engine.common.max_neurons = 4_000;
        let cpu = analyze_text(&text, &on(Backend::Cpu, Precision::F32, &opts), &kill).unwrap();
        let gpu = analyze_text(&text, &on(Backend::Gpu, Precision::F32, &opts), &kill).unwrap();
        assert!(gpu.stats.tokens() >= 95_000, "{}", gpu.stats.tokens());
        assert_agree(&cpu, &gpu, &format!("{} 100k synthetic", engine.as_str()));
        println!(
            "{} 100k words: {} neurons, {} connections, GPU state {:.1} MiB, engine {:.2} s on {}",
            engine.as_str(),
            gpu.network.n_neurons(),
            gpu.network.connections.len(),
            gpu.memory_bytes as f64 / (1 << 20) as f64,
            gpu.times.engine_secs,
            gpu.device
        );
    }
}

#[test]
fn a_gpu_failure_mid_run_falls_back_to_the_cpu_announced() {
    if gpu().is_none() {
        return;
    }
    let text = huey::text::SAMPLE_CONVERSATION;
    let kill = KillList::bundled("en").unwrap();
    for engine in [EngineKind::Temporal, EngineKind::Windowed] {
        let opts = AnalysisOptions { precision: Precision::F32, ..AnalysisOptions::reference(engine) };
        let cpu = analyze_text(text, &opts, &kill).unwrap();
        let mut prepared = prepare(text, &on(Backend::Gpu, Precision::F32, &opts), &kill).unwrap();
        let pipeline = &mut prepared.pipeline;
        assert_eq!(pipeline.backend(), Backend::Gpu);
        for _ in 0..5 {
            pipeline.step();
        }
        pipeline.inject_gpu_failure();
        pipeline.run_to_end();
        assert_eq!(pipeline.backend(), Backend::Cpu, "the CPU took over");
        let notices = pipeline.notices();
        assert!(matches!(notices, [Notice::GpuFallback { done: 5, .. }]), "{notices:?}");
        assert_eq!(pipeline.network(), cpu.network, "{}: the CPU replay gives the CPU's own result", engine.as_str());
    }
}

#[test]
fn state_over_the_adapter_limit_is_refused_up_front() {
    let Some(device) = gpu() else { return };
    let common = Common { max_neurons: 10_000_000, ..Common::default() };
    let needed = 16 * 4 * 10_000_000u64;
    match GpuWindowedEngine::<f32>::new(device.clone(), common, WindowedParams::default()) {
        Err(e) => {
            assert!(needed > device.info.max_storage_binding, "refused although it fits: {e}");
            assert!(e.to_string().contains("max_storage_buffer_binding_size"), "{e}");
        }
        Ok(_) => assert!(needed <= device.info.max_storage_binding, "accepted over the limit"),
    }
}

#[test]
fn gpu_kernels_are_timed_and_labelled_with_the_device() {
    if gpu().is_none() {
        return;
    }
    let kill = KillList::bundled("en").unwrap();
    for engine in [EngineKind::Temporal, EngineKind::Windowed] {
        let opts =
            AnalysisOptions { backend: Backend::Gpu, precision: Precision::F32, ..AnalysisOptions::reference(engine) };
        let a = analyze_text(huey::text::SAMPLE_CONVERSATION, &opts, &kill).unwrap();
        assert_eq!(a.backend, Backend::Gpu);
        assert!(a.device.contains(&GpuDevice::shared().unwrap().info.name), "{}", a.device);
        assert!(matches!(a.timing, TimingMethod::GpuTimestampSampled | TimingMethod::WallSampled));
        assert!(
            !a.kernels.is_empty() && a.kernels.iter().all(|k| k.calls > 0 && k.total_secs > 0.0),
            "{:?}",
            a.kernels
        );
        let names: Vec<&str> = a.kernels.iter().map(|k| k.kernel.name()).collect();
        assert!(names.contains(&"pair_update") && names.contains(&"prune"), "{names:?}");
    }
}

#[test]
fn without_any_adapter_the_cli_says_so_and_runs_on_the_cpu() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huey"))
        .args(["analyze", "--backend", "gpu"])
        .env("VK_ICD_FILENAMES", "/nonexistent.json")
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GPU backend unavailable") && stderr.contains("running on the CPU"), "{stderr}");
}

#[test]
fn switching_backend_mid_run_keeps_the_state() {
    if gpu().is_none() {
        return;
    }
    let Some((shared, _, kill)) = reference_setup() else { return };
    let text = huey::io::document::read(&shared.join("huey_data/DeepConvo.txt")).unwrap().text;
    for engine in [EngineKind::Temporal, EngineKind::Windowed] {
        let opts = AnalysisOptions { precision: Precision::F32, ..AnalysisOptions::reference(engine) };
        let cpu = analyze_text(&text, &opts, &kill).unwrap();
        for (start, other) in [(Backend::Cpu, Backend::Gpu), (Backend::Gpu, Backend::Cpu)] {
            let mut prepared = prepare(&text, &on(start, Precision::F32, &opts), &kill).unwrap();
            let p = &mut prepared.pipeline;
            let half = p.progress().total / 2;
            p.step_many(half);
            let before = p.network();
            p.switch_backend(other).unwrap();
            assert_eq!(p.backend(), other);
            let after = p.network();
            assert_eq!(before.words, after.words, "{engine:?} {start:?}→{other:?}: neurons survive the switch");
            assert_eq!(before.connections.len(), after.connections.len());
            p.run_to_end();
            let mut switched = cpu.clone();
            switched.network = p.network();
            switched.backend = Backend::Gpu; // assert_agree checks the GPU side ran
            switched.warnings.clear();
            assert!(p.notices().is_empty(), "{:?}", p.notices());
            assert_agree(&cpu, &switched, &format!("{engine:?} switched {start:?}→{other:?} at exchange {half}"));
        }
    }
}

#[test]
fn gpu_f64_matches_cpu_f64_where_the_adapter_has_shader_f64() {
    let Some(device) = gpu() else { return };
    let Some((shared, reference, kill)) = reference_setup() else { return };
    for (section, opts) in
        [("temporal", AnalysisOptions::reference(EngineKind::Temporal)), ("windowed", windowed_reference())]
    {
        for entry in reference[section].as_array().unwrap() {
            let file = entry["file"].as_str().unwrap();
            let text = huey::io::document::read(&shared.join("huey_data").join(file)).unwrap().text;
            let cpu = analyze_text(&text, &on(Backend::Cpu, Precision::F64, &opts), &kill).unwrap();
            let gpu = analyze_text(&text, &on(Backend::Gpu, Precision::F64, &opts), &kill).unwrap();
            let what = format!("{section} f64 {file}");
            if !device.info.shader_f64 {
                assert_eq!(gpu.backend, Backend::Cpu, "{what}");
                assert!(
                    gpu.warnings.iter().any(|w| w.is_gpu_fallback() && w.to_string().contains("SHADER_F64")),
                    "{what}: {:?}",
                    gpu.warnings
                );
                continue;
            }
            assert_eq!(gpu.backend, Backend::Gpu, "{what}: {:?}", gpu.warnings);
            let (c, g) = (&cpu.network, &gpu.network);
            assert_eq!(c.words, g.words, "{what}: neurons");
            assert_eq!(c.connections.len(), g.connections.len(), "{what}: connections");
            for (x, y) in c.connections.iter().zip(&g.connections) {
                assert_eq!((x.from, x.to), (y.from, y.to), "{what}: creation order");
                assert!(rel(x.strength, y.strength) <= 1e-9 && rel(x.mass, y.mass) <= 1e-9, "{what}: {x:?} vs {y:?}");
            }
            assert!(rel(c.sum_strength(), g.sum_strength()) <= 1e-9, "{what}: Σs");
            assert_eq!(top20(&cpu), top20(&gpu), "{what}: top-20");
        }
    }
}

/// Issue 8: on an adapter without timestamp queries both GPU engines time their kernels by the
/// wall clock around submit-and-wait, and report real (non-zero) rows so labelled.
#[test]
fn without_timestamps_kernels_are_timed_by_the_wall_clock() {
    use huey::engine::gpu::temporal::GpuTemporalEngine;
    use huey::model::params::TemporalParams;
    let Some(device) = gpu() else { return };
    let device = device.without_timestamps();
    let spec = huey::text::synthetic::SynthSpec { words: 12_000, vocabulary: 800, ..Default::default() };
    let text = huey::text::synthetic::conversation(&spec);
    let detection =
        huey::text::speakers::detect(&text, &huey::model::options::DetectOptions::reference(), &Default::default());
    let speakers: Vec<String> = detection.exchanges.iter().map(|e| e.speaker.clone()).collect();
    let kill = KillList::default();
    let common = Common { max_neurons: 2_000, ..Common::default() };
    use huey::engine::LearningEngine as _;
    let mut engines: Vec<(Box<dyn huey::engine::LearningEngine>, &[&str])> = vec![
        (
            Box::new(GpuTemporalEngine::<f32>::new(device.clone(), common.clone(), TemporalParams::default()).unwrap()),
            &["begin", "pair_update", "prune"],
        ),
        (
            Box::new(GpuWindowedEngine::<f32>::new(device.clone(), common.clone(), WindowedParams::default()).unwrap()),
            &["eviction", "activation_decay", "connection_decay", "pair_update", "prune", "activation_spread"],
        ),
    ];
    // A short run (one submission) still has real rows: its only sample counts.
    let mut short = GpuTemporalEngine::<f32>::new(device.clone(), common.clone(), TemporalParams::default()).unwrap();
    let sample = huey::text::speakers::detect(
        huey::text::SAMPLE_CONVERSATION,
        &huey::model::options::DetectOptions::reference(),
        &Default::default(),
    );
    let sample_stream = huey::text::token_stream::build(&sample, huey::model::options::Tokenizer::Reference, &kill);
    let sample_speakers: Vec<String> = sample.exchanges.iter().map(|e| e.speaker.clone()).collect();
    short.run(&sample_stream, &sample_speakers, 0..sample_stream.n_exchanges()).unwrap();
    let rows = short.kernel_times().rows(short.timing_method());
    assert!(!rows.is_empty() && rows.iter().all(|r| r.total_secs > 0.0), "{rows:?}");
    for (engine, names) in &mut engines {
        let tokenizer = huey::model::options::Tokenizer::Reference.effective(engine.stats().kind());
        let stream = huey::text::token_stream::build(&detection, tokenizer, &kill);
        engine.run(&stream, &speakers, 0..stream.n_exchanges()).unwrap();
        assert_eq!(engine.timing_method(), TimingMethod::WallSampled);
        let rows = engine.kernel_times().rows(engine.timing_method());
        let got: Vec<&str> = rows.iter().map(|r| r.kernel.name()).collect();
        assert_eq!(&got, names, "{rows:?}");
        for r in &rows {
            assert!(r.calls > 0 && r.total_secs > 0.0, "{}: a zero row {r:?}", r.kernel.path());
            assert_eq!(r.method, TimingMethod::WallSampled);
        }
        println!("{}: {rows:?}", engine.device());
    }
}
