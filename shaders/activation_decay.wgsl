// activation_decay.wgsl: a ← max(a·(1 − decay), floor) for every neuron id.
// CPU twin: compute::cpu_kernels::activation_decay.
// Bindings: 0 params (uniform), 1 activations (f32, read_write).
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> activations: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= params.n_neurons || i >= arrayLength(&activations)) {
        return;
    }
    activations[i] = max(activations[i] * (1.0 - params.decay), params.floor);
}
