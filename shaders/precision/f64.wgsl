// precision/f64.wgsl: prepended first when the engines run in f64 (SHADER_F64 adapters).
// `real` is f64.
// SPIR-V's exp is 32-bit only: exp_real is Cody–Waite reduction and a degree-13 Taylor
// polynomial, within a few ulp.
alias real = f64;

fn exp_real(x_in: f64) -> f64 {
    let x = clamp(x_in, -700.0, 700.0);
    let k = floor(x * 1.4426950408889634 + 0.5);
    let r = (x - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
    var term: f64 = 1.0;
    var sum: f64 = 1.0;
    for (var n = 1; n <= 13; n++) {
        term = term * r / f64(n);
        sum = sum + term;
    }
    // 2^k by squaring: exact, |k| ≤ 1010.
    var e = i32(k);
    var base: f64 = 2.0;
    if (e < 0) {
        base = 0.5;
        e = -e;
    }
    var scale: f64 = 1.0;
    loop {
        if (e == 0) {
            break;
        }
        if ((e & 1) == 1) {
            scale = scale * base;
        }
        base = base * base;
        e = e >> 1u;
    }
    return sum * scale;
}
