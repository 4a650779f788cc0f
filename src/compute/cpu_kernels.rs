//! CPU twins of the WGSL kernels, generic over f32/f64: the f64 engine runs them, and the GPU
//! parity tests compare the WGSL kernels against them in f32. Same loop shape as the shaders.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// The float types the kernels run in.
pub trait Real:
    Copy
    + PartialEq
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// 0.
    const ZERO: Self;
    /// 1/2.
    const HALF: Self;
    /// 1.
    const ONE: Self;
    /// e^self.
    fn exp(self) -> Self;
    /// The larger of the two (as `f64::max`).
    fn max(self, other: Self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Nearest value of this type.
    fn from_f64(v: f64) -> Self;
    /// Widen to f64.
    fn to_f64(self) -> f64;
}

macro_rules! real {
    ($t:ty) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const HALF: Self = 0.5;
            const ONE: Self = 1.0;
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            fn max(self, other: Self) -> Self {
                <$t>::max(self, other)
            }
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[allow(clippy::cast_possible_truncation, reason = "rounding to the kernel's precision is the point")]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
        }
    };
}
real!(f32);
real!(f64);

/// `activation_decay.wgsl`: `a ← max(a·(1 − decay), floor)` for every id.
pub fn activation_decay<R: Real>(activations: &mut [R], decay: R, floor: R) {
    let factor = R::ONE - decay;
    for a in activations {
        *a = (*a * factor).max(floor);
    }
}

/// `activation_spread.wgsl`: `a ← σ(W a)` with `W` symmetric from `edges` (from, to, s);
/// edges with `from > to` are skipped when `low_high_only`. `sums` is scratch space.
pub fn activation_spread<R: Real>(
    activations: &mut [R],
    sums: &mut Vec<R>,
    edges: impl IntoIterator<Item = (u32, u32, R)>,
    low_high_only: bool,
) {
    sums.clear();
    sums.resize(activations.len(), R::ZERO);
    for (from, to, s) in edges {
        if low_high_only && from > to {
            continue;
        }
        let (f, t) = (from as usize, to as usize);
        sums[t] = sums[t] + s * activations[f];
        sums[f] = sums[f] + s * activations[t];
    }
    for (a, &sum) in activations.iter_mut().zip(sums.iter()) {
        // σ(0) = 1/(1+e⁰) = 0.5 exactly; most neurons of a large network are isolated.
        *a = if sum == R::ZERO { R::HALF } else { R::ONE / (R::ONE + (-sum).exp()) };
    }
}
