// common.wgsl: prepended to every kernel by src/compute/gpu/shaders.rs.
// Params mirrors compute::gpu::kernels::Params (8 words, 32 bytes).
struct Params {
    n_neurons: u32,
    n_edges: u32,
    low_high_only: u32,
    _pad0: u32,
    decay: f32,
    floor: f32,
    _pad1: f32,
    _pad2: f32,
}
