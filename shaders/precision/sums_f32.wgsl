// precision/sums_f32.wgsl: fixed-point sums of the windowed engine in f32: 64-bit (32 fractional
// bits) in two u32 atomics, the CPU f32 engines' `Real::Sum` bit for bit.
const SUM_WORDS: u32 = 2u;

// Add v to neuron i's sum: v·2³² rounded toward zero, a 64-bit two's-complement integer
// (model::real::to_fixed; the twins' word form is Real::fixed_add). |v| splits exactly into whole and fraction.
fn fixed_add(i: u32, value: f32) {
    let v = clamp(value, -1073741824.0, 1073741824.0);
    let a = abs(v);
    let whole = floor(a);
    var lo = u32((a - whole) * 4294967296.0);
    var hi = u32(whole);
    if (v < 0.0) {
        hi = ~hi + select(0u, 1u, lo == 0u);
        lo = ~lo + 1u;
    }
    let old = atomicAdd(&sums[2u * i], lo);
    let carry = select(0u, 1u, old + lo < old);
    atomicAdd(&sums[2u * i + 1u], hi + carry);
}

// Neuron i's sum (and whether it is exactly 0), reset to 0 for the next use.
fn take_sum(i: u32) -> vec2<f32> {
    let lo = atomicExchange(&sums[2u * i], 0u);
    let hi = atomicExchange(&sums[2u * i + 1u], 0u);
    let value = f32(bitcast<i32>(hi)) + f32(lo) * 2.3283064365386963e-10;
    return vec2<f32>(value, select(0.0, 1.0, lo == 0u && hi == 0u));
}
