//! The float types engines and kernels compute in (f64: the reference mode; f32: what GPU
//! kernels compute), and the fixed-point sums that make sums independent of thread order:
//! as the GPU keeps them (`u32` words, `shaders/precision/sums_*.wgsl`) and, for the CPU f32
//! engines, as one `i64` with the same bits.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// The float types the kernels run in.
pub trait Real:
    Copy
    + bytemuck::Pod
    + std::fmt::Debug
    + PartialEq
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// Accumulator of sums over many terms: f64 adds in order (the reference's arithmetic);
    /// f32 adds in 64-bit fixed point like the GPU kernels, where threads add in any order.
    type Sum: Copy + PartialEq + Default + std::fmt::Debug + Send;
    /// `sum + v`.
    fn sum_add(sum: Self::Sum, v: Self) -> Self::Sum;
    /// The sum's value.
    fn sum_value(sum: Self::Sum) -> Self;
    /// 0.
    const ZERO: Self;
    /// 1/2.
    const HALF: Self;
    /// 1.
    const ONE: Self;
    /// The smallest positive normal value.
    const MIN_POSITIVE: Self;
    /// Whether this is f64 (the shaders' `real` is then f64 too).
    const IS_F64: bool;
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
    /// `u32` words per fixed-point sum on the GPU (2 for f32: 32 fractional bits; 3 for f64:
    /// 64 fractional bits).
    const SUM_WORDS: usize;
    /// `fixed_add` of `sums_*.wgsl`: add `v`, rounded toward zero to the fixed-point grid, to
    /// the two's-complement sum in `words` (low word first).
    fn fixed_add(words: &mut [u32], v: Self);
    /// `take_sum` of `sums_*.wgsl`: the sum's value (the shader's operations) and whether it
    /// is exactly 0; the words return to 0.
    fn take_sum(words: &mut [u32]) -> (Self, bool);
}

macro_rules! real {
    ($t:ty, $sum:ty, $add:expr, $value:expr, $words:literal, $fixed_add:ident, $take_sum:ident) => {
        impl Real for $t {
            type Sum = $sum;
            #[inline]
            fn sum_add(sum: $sum, v: Self) -> $sum {
                $add(sum, v)
            }
            #[inline]
            fn sum_value(sum: $sum) -> Self {
                $value(sum)
            }
            const ZERO: Self = 0.0;
            const HALF: Self = 0.5;
            const ONE: Self = 1.0;
            const MIN_POSITIVE: Self = <$t>::MIN_POSITIVE;
            const IS_F64: bool = std::mem::size_of::<$t>() == 8;
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
            const SUM_WORDS: usize = $words;
            fn fixed_add(words: &mut [u32], v: Self) {
                $fixed_add(words, v);
            }
            fn take_sum(words: &mut [u32]) -> (Self, bool) {
                $take_sum(words)
            }
        }
    };
}
real!(f32, i64, |sum: i64, v: f32| sum.wrapping_add(to_fixed(v)), from_fixed, 2, fixed_add_f32, take_sum_f32);
real!(f64, f64, |sum: f64, v: f64| sum + v, |sum| sum, 3, fixed_add_f64, take_sum_f64);

fn fixed_add_f32(words: &mut [u32], v: f32) {
    let sum = words_to_i64(words).wrapping_add(to_fixed(v));
    words[0] = sum as u32;
    words[1] = (sum >> 32) as u32;
}

fn take_sum_f32(words: &mut [u32]) -> (f32, bool) {
    let sum = words_to_i64(words);
    words[..2].fill(0);
    (from_fixed(sum), sum == 0)
}

fn words_to_i64(words: &[u32]) -> i64 {
    ((u64::from(words[1]) << 32) | u64::from(words[0])) as i64
}

const MASK_96: u128 = (1 << 96) - 1;

/// `|v|·2⁶⁴` truncated (exact: v·2⁶⁴ is representable, |v| ≤ 2³⁰), negated for v < 0, as a
/// 96-bit two's-complement integer — the shader's split into three words.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "|v|·2⁶⁴ < 2⁹⁵, truncation is the rule")]
fn to_fixed_96(value: f64) -> u128 {
    let v = value.clamp(-1_073_741_824.0, 1_073_741_824.0);
    let magnitude = (v.abs() * 18_446_744_073_709_551_616.0) as u128;
    if v < 0.0 { magnitude.wrapping_neg() & MASK_96 } else { magnitude }
}

fn fixed_add_f64(words: &mut [u32], v: f64) {
    let sum = (words_to_u96(words) + to_fixed_96(v)) & MASK_96;
    words[0] = sum as u32;
    words[1] = (sum >> 32) as u32;
    words[2] = (sum >> 64) as u32;
}

fn words_to_u96(words: &[u32]) -> u128 {
    u128::from(words[0]) | (u128::from(words[1]) << 32) | (u128::from(words[2]) << 64)
}

/// The shader's value of the three words: `f64(i32(hi)) + f64(mid)·2⁻³² + f64(lo)·2⁻⁶⁴`.
fn take_sum_f64(words: &mut [u32]) -> (f64, bool) {
    let (lo, mid, hi) = (words[0], words[1], words[2]);
    words[..3].fill(0);
    let value = f64::from(hi as i32) + f64::from(mid) * 2.3283064365386963e-10 + f64::from(lo) * 5.421010862427522e-20;
    (value, lo == 0 && mid == 0 && hi == 0)
}

/// `v·2³²` rounded toward zero, as a 64-bit integer (`fixed_add` in
/// shaders/precision/sums_f32.wgsl computes the same integer from an exact split of |v| into whole
/// and fraction). v·2³² is exact in f64 (24-bit mantissa) and |v| ≤ 2³⁰ keeps it in range.
#[allow(clippy::cast_possible_truncation, reason = "|x| ≤ 2⁶², truncation toward zero is the rule")]
#[inline]
pub fn to_fixed(value: f32) -> i64 {
    (f64::from(value.clamp(-1_073_741_824.0, 1_073_741_824.0)) * 4_294_967_296.0) as i64
}

/// The f32 value of a fixed-point sum (`take_sum` in precision/sums_f32.wgsl, same operations).
#[allow(clippy::cast_possible_truncation, reason = "the high and low words, as the shader splits them")]
#[inline]
pub fn from_fixed(sum: i64) -> f32 {
    let hi = (sum >> 32) as i32;
    let lo = sum as u32;
    hi as f32 + lo as f32 * (1.0 / 4_294_967_296.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shader's form (`fixed_add`): |v| split exactly into whole and fraction, words
    /// negated in two's complement for negative v.
    #[allow(clippy::cast_possible_truncation, reason = "the shader's u32 conversions")]
    fn split_form(value: f32) -> i64 {
        let v = value.clamp(-1_073_741_824.0, 1_073_741_824.0);
        let a = v.abs();
        let whole = a.floor();
        let mut lo = ((a - whole) * 4_294_967_296.0) as u32;
        let mut hi = whole as u32;
        if v < 0.0 {
            hi = (!hi).wrapping_add(u32::from(lo == 0));
            lo = (!lo).wrapping_add(1);
        }
        ((u64::from(hi) << 32) | u64::from(lo)) as i64
    }

    #[test]
    fn fixed_point_matches_the_shader_form_and_round_trips() {
        let mut x = 0x1234_5678u32;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let v = f32::from_bits(x);
            if !v.is_finite() {
                continue;
            }
            assert_eq!(to_fixed(v), split_form(v), "{v:e}");
        }
        for v in [0.0f32, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-12, -1e-12, 3.75, -3.75, 2e9, -2e9] {
            assert_eq!(to_fixed(v), split_form(v), "{v:e}");
        }
        // Exact for values on the 2⁻³² grid, and order-independent by construction.
        for v in [0.25f32, -7.5, 1234.125] {
            assert_eq!(from_fixed(to_fixed(v)), v);
        }
        // The word forms of the twins: any order of adds gives the same words and value.
        let mut words = [0u32; 3];
        for t in [0.1f64, -2.5, 1e-12, 3.0, -0.6] {
            f64::fixed_add(&mut words, t);
        }
        let (value, zero) = f64::take_sum(&mut words);
        assert!((value - (0.1 - 2.5 + 1e-12 + 3.0 - 0.6)).abs() < 1e-15 && !zero, "{value}");
        assert_eq!(words, [0, 0, 0]);
        let mut words = [0u32; 2];
        f32::fixed_add(&mut words, 1.5);
        f32::fixed_add(&mut words, -1.5);
        assert_eq!(f32::take_sum(&mut words), (0.0, true));
        let terms = [0.1f32, 1e-7, 3.3, -2.2, 1e-3];
        let forward = terms.iter().fold(0i64, |s, &t| s.wrapping_add(to_fixed(t)));
        let backward = terms.iter().rev().fold(0i64, |s, &t| s.wrapping_add(to_fixed(t)));
        assert_eq!(forward, backward);
    }
}
