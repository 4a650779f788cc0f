// activation_spread.wgsl: a ← σ(W a), W symmetric from the live edges (low → high only when
// low_high_only, the reference's vectorised kernel). Two entry points, dispatched in order:
//   accumulate (one invocation per edge): sums[dst] += s·a[src], sums[src] += s·a[dst];
//   activate (one invocation per neuron): a = σ(sums) (0.5 exactly for 0), sums reset to 0.
// CPU twin: compute::cpu_kernels::activation_spread.
// Bindings: 0 params (uniform), 1 activations (f32), 2 edges (4 words each: src, dst,
// strength bits, live), 3 sums (f32 bits in atomic u32).
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> activations: array<f32>;
@group(0) @binding(2) var<storage, read> edges: array<u32>;
@group(0) @binding(3) var<storage, read_write> sums: array<atomic<u32>>;

// WGSL has no floating-point atomics (and storage pointers cannot be function arguments):
// add to sums[i], an f32 stored as u32 bits, with a compare-exchange loop.
fn add_to_sum(i: u32, value: f32) {
    var old = atomicLoad(&sums[i]);
    loop {
        let next = bitcast<u32>(bitcast<f32>(old) + value);
        let result = atomicCompareExchangeWeak(&sums[i], old, next);
        if (result.exchanged) {
            break;
        }
        old = result.old_value;
    }
}

@compute @workgroup_size(64)
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>) {
    let e = gid.x;
    if (e >= params.n_edges || 4u * e + 3u >= arrayLength(&edges)) {
        return;
    }
    let src = edges[4u * e];
    let dst = edges[4u * e + 1u];
    let strength = bitcast<f32>(edges[4u * e + 2u]);
    if (edges[4u * e + 3u] == 0u || (params.low_high_only != 0u && src > dst)) {
        return;
    }
    if (src >= params.n_neurons || dst >= params.n_neurons) {
        return;
    }
    add_to_sum(dst, strength * activations[src]);
    add_to_sum(src, strength * activations[dst]);
}

@compute @workgroup_size(64)
fn activate(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= params.n_neurons || i >= arrayLength(&activations)) {
        return;
    }
    let sum = bitcast<f32>(atomicLoad(&sums[i]));
    activations[i] = select(1.0 / (1.0 + exp(-sum)), 0.5, sum == 0.0);
    atomicStore(&sums[i], 0u);
}
