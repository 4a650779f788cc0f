// precision/f32.wgsl: prepended first when the engines run in f32 (src/engine/gpu/shaders.rs).
// `real` is the engines' float type.
alias real = f32;

fn exp_real(x: f32) -> f32 {
    return exp(x);
}
