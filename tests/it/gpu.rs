//! The WGSL kernels against their CPU twins, on whatever adapter the machine has (Mesa's
//! lavapipe on CI). Without an adapter these tests print why and pass, unless `REQUIRE_GPU=1`
//! (set by .ci/run, which installs lavapipe), where a missing GPU fails them.

use huey::compute::TimingMethod;
use huey::compute::cpu_kernels;
use huey::compute::gpu::GpuDevice;
use huey::compute::gpu::kernels::ActivationKernels;

fn gpu() -> Option<(GpuDevice, ActivationKernels)> {
    match GpuDevice::new() {
        Ok(device) => {
            println!("GPU tests on {}", device.info);
            let kernels = ActivationKernels::new(&device).expect("kernels compile");
            Some((device, kernels))
        }
        Err(e) if std::env::var("REQUIRE_GPU").is_ok_and(|v| v == "1") => panic!("REQUIRE_GPU=1 but {e}"),
        Err(e) => {
            println!("skipped: {e} (set REQUIRE_GPU=1 to fail instead)");
            None
        }
    }
}

fn values(n: usize, seed: u32) -> Vec<f32> {
    (0..n)
        .map(|k| ((k as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) >> 8) as f32 / (1u32 << 24) as f32)
        .collect()
}

#[test]
fn activation_decay_matches_cpu_twin_bit_for_bit() {
    let Some((device, kernels)) = gpu() else { return };
    for n in [1, 63, 64, 65, 10_000] {
        let mut on_gpu = values(n, 7);
        on_gpu.iter_mut().step_by(5).for_each(|a| *a *= 0.001); // some below the floor
        let mut on_cpu = on_gpu.clone();
        let timing = kernels.decay(&device, &mut on_gpu, 0.02, 0.01).unwrap();
        cpu_kernels::activation_decay(&mut on_cpu, 0.02, 0.01);
        assert_eq!(on_gpu, on_cpu, "n = {n}");
        let method = if device.info.timestamps { TimingMethod::GpuTimestamp } else { TimingMethod::Wall };
        assert_eq!(timing.method, method);
        assert!(timing.secs >= 0.0);
    }
}

#[test]
fn activation_spread_matches_cpu_twin() {
    let Some((device, kernels)) = gpu() else { return };
    let n = 2_000;
    let picks = values(2 * 12_000, 3);
    let strengths = values(12_000, 11);
    // A hub (id 0, like a speaker neuron) plus random pairs in both directions; some ids isolated.
    let edges: Vec<(u32, u32, f32)> = (0..12_000)
        .map(|k| {
            let a = if k % 4 == 0 { 0 } else { (picks[2 * k] * 1_500.0) as u32 };
            let b = (picks[2 * k + 1] * 1_500.0) as u32 + 1;
            (a, b.min(n as u32 - 1), 0.01 + strengths[k])
        })
        .collect();
    for low_high_only in [false, true] {
        let mut on_gpu = values(n, 5);
        let mut on_cpu = on_gpu.clone();
        kernels.spread(&device, &mut on_gpu, &edges, low_high_only).unwrap();
        let mut sums = Vec::new();
        cpu_kernels::activation_spread(&mut on_cpu, &mut sums, edges.iter().copied(), low_high_only);
        // f32 sums are accumulated in a different order on the GPU (atomics): compare with a
        // relative tolerance; isolated neurons are exactly 0.5 on both.
        for (k, (g, c)) in on_gpu.iter().zip(&on_cpu).enumerate() {
            assert!((g - c).abs() <= 1e-5 * c.abs(), "neuron {k}: gpu {g} cpu {c} (low_high_only {low_high_only})");
        }
        assert!(on_gpu[1_600..].iter().all(|&a| a == 0.5), "isolated neurons are exactly σ(0)");
    }
}

#[test]
fn an_oversized_buffer_is_refused_up_front() {
    let Some((device, _)) = gpu() else { return };
    let err = device.check_binding("the edge buffer", device.info.max_storage_binding + 1).unwrap_err();
    assert!(err.to_string().contains("max_storage_buffer_binding_size"), "{err}");
}
