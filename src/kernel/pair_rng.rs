//! Counter-based random draws for connection creation, keyed by (seed, step, pair).
//!
//! Every draw is a pure function of its key, so the CPU and a GPU kernel (WGSL has only 32-bit
//! integers) produce identical decisions in any order. Built from the PCG hash (Jarzynski &
//! Olano, "Hash Functions for GPU Rendering", 2020) chained over the key's 32-bit words.

/// One round of the PCG hash.
pub const fn pcg_hash(x: u32) -> u32 {
    let state = x.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
    let word = ((state >> ((state >> 28) + 4)) ^ state).wrapping_mul(277_803_737);
    (word >> 22) ^ word
}

/// 32 random bits for the pair `from → to` at window `step`.
pub const fn pair_bits(seed: u64, step: u64, from: u32, to: u32) -> u32 {
    let mut h = pcg_hash(seed as u32 ^ pcg_hash((seed >> 32) as u32));
    h = pcg_hash(h ^ step as u32);
    h = pcg_hash(h ^ (step >> 32) as u32);
    h = pcg_hash(h ^ from);
    pcg_hash(h ^ to)
}

/// Integer threshold of probability `p` on 24-bit draws (`p = 1` always passes).
pub fn threshold(p: f64) -> u32 {
    (p.clamp(0.0, 1.0) * f64::from(1u32 << 24)).round() as u32
}

/// Whether a new connection `from → to` may be created at `step` (draw < threshold).
pub const fn allows(seed: u64, step: u64, from: u32, to: u32, threshold: u32) -> bool {
    (pair_bits(seed, step, from, to) >> 8) < threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_uniform_enough_and_keyed() {
        let t = threshold(0.35);
        let n = 100_000u32;
        let hits = (0..n).filter(|&k| allows(7, u64::from(k / 97), k % 97, k % 89, t)).count() as f64;
        assert!((hits / f64::from(n) - 0.35).abs() < 0.01, "{}", hits / f64::from(n));
        assert_ne!(pair_bits(1, 2, 3, 4), pair_bits(1, 2, 4, 3));
        assert_ne!(pair_bits(1, 2, 3, 4), pair_bits(2, 2, 3, 4));
        assert!((0..1000).all(|k| allows(k, k, 1, 2, threshold(1.0))));
        assert!((0..1000).all(|k| !allows(k, k, 1, 2, threshold(0.0))));
    }
}
