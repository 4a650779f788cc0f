// precision/sums_f64.wgsl: fixed-point sums of the windowed engine in f64: 96-bit (64 fractional
// bits) in three u32 atomics; the CPU f64 engines add in order instead (~1e-16 apart).
const SUM_WORDS: u32 = 3u;

fn fixed_add(i: u32, value: f64) {
    let v = clamp(value, -1073741824.0, 1073741824.0);
    let a = abs(v);
    let whole = floor(a);
    let f1 = (a - whole) * 4294967296.0;
    let w1 = floor(f1);
    var lo = u32((f1 - w1) * 4294967296.0);
    var mid = u32(w1);
    var hi = u32(whole);
    if (v < 0.0) {
        let c0 = select(0u, 1u, lo == 0u);
        let c1 = select(0u, 1u, lo == 0u && mid == 0u);
        lo = ~lo + 1u;
        mid = ~mid + c0;
        hi = ~hi + c1;
    }
    let old0 = atomicAdd(&sums[3u * i], lo);
    let c0 = select(0u, 1u, old0 + lo < old0);
    let m = mid + c0;
    let wrapped = select(0u, 1u, m < mid);
    let old1 = atomicAdd(&sums[3u * i + 1u], m);
    let c1 = wrapped + select(0u, 1u, old1 + m < old1);
    atomicAdd(&sums[3u * i + 2u], hi + c1);
}

fn take_sum(i: u32) -> vec2<f64> {
    let lo = atomicExchange(&sums[3u * i], 0u);
    let mid = atomicExchange(&sums[3u * i + 1u], 0u);
    let hi = atomicExchange(&sums[3u * i + 2u], 0u);
    let value = f64(bitcast<i32>(hi)) + f64(mid) * 2.3283064365386963e-10 + f64(lo) * 5.421010862427522e-20;
    return vec2<f64>(value, f64(select(0u, 1u, lo == 0u && mid == 0u && hi == 0u)));
}
