//! Seeded synthetic conversations for benchmarks and scale tests: Zipf-distributed words,
//! several speakers, turns of realistic (log-normal) lengths. Pure and deterministic.

use std::fmt::Write as _;

use crate::model::rng::SplitMix;

/// Shape of a synthetic conversation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynthSpec {
    /// Total words.
    pub words: usize,
    /// Distinct words available (the Zipf support).
    pub vocabulary: usize,
    /// Zipf exponent (natural language ≈ 1).
    pub zipf_s: f64,
    /// Number of speakers taking turns.
    pub speakers: usize,
    /// Median turn length in words.
    pub median_turn: f64,
    /// Seed.
    pub seed: u64,
}

impl Default for SynthSpec {
    fn default() -> Self {
        Self { words: 10_000, vocabulary: 5_000, zipf_s: 1.0, speakers: 3, median_turn: 18.0, seed: 1 }
    }
}

/// A pronounceable, unique word for rank `k` (so kill lists and tokenizers see real words).
pub fn word(mut k: usize) -> String {
    const ONSETS: [&str; 16] = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "sh"];
    const VOWELS: [&str; 8] = ["a", "e", "i", "o", "u", "ai", "ou", "ea"];
    let mut w = String::new();
    loop {
        w.push_str(ONSETS[k % 16]);
        k /= 16;
        w.push_str(VOWELS[k % 8]);
        k /= 8;
        if k == 0 {
            break;
        }
        k -= 1;
    }
    w
}

/// Generate the conversation as `Speaker_k: text` lines.
pub fn conversation(spec: &SynthSpec) -> String {
    let mut rng = SplitMix(spec.seed ^ 0x005E_ED0F_4E11);
    let vocabulary = spec.vocabulary.max(1);
    // Zipf CDF over ranks 1..=V.
    let mut cdf = Vec::with_capacity(vocabulary);
    let mut total = 0.0;
    for r in 1..=vocabulary {
        total += 1.0 / (r as f64).powf(spec.zipf_s);
        cdf.push(total);
    }
    let words: Vec<String> = (0..vocabulary).map(word).collect();
    let mut out = String::with_capacity(spec.words * 7);
    let mut written = 0;
    let mut speaker = 0;
    while written < spec.words {
        // Log-normal turn length (σ = 0.8), at least one word.
        let normal = (-2.0 * rng.unit().ln()).sqrt() * (std::f64::consts::TAU * rng.unit()).cos();
        let len =
            ((spec.median_turn.ln() + 0.8 * normal).exp().round() as usize).clamp(1, 400).min(spec.words - written);
        let _ = write!(out, "Speaker_{}:", (b'A' + (speaker % 26) as u8) as char);
        for _ in 0..len {
            let u = rng.unit() * total;
            let rank = cdf.partition_point(|&c| c < u).min(vocabulary - 1);
            out.push(' ');
            out.push_str(&words[rank]);
        }
        out.push('\n');
        written += len;
        speaker = (speaker + 1) % spec.speakers.max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_sized_and_zipfian() {
        let spec = SynthSpec { words: 20_000, vocabulary: 2_000, ..SynthSpec::default() };
        let text = conversation(&spec);
        assert_eq!(text, conversation(&spec));
        let tokens: Vec<&str> = text.split_whitespace().filter(|t| !t.ends_with(':')).collect();
        assert_eq!(tokens.len(), 20_000);
        let top = tokens.iter().filter(|t| **t == word(0)).count() as f64 / tokens.len() as f64;
        // Rank 1 of a Zipf(1) law over 2,000 words has probability 1/H(2000) ≈ 0.12.
        assert!((top - 0.12).abs() < 0.02, "{top}");
        let distinct: std::collections::HashSet<&str> = tokens.iter().copied().collect();
        assert!(distinct.len() > 1_000);
    }

    #[test]
    fn words_are_unique() {
        let words: std::collections::HashSet<String> = (0..100_000).map(word).collect();
        assert_eq!(words.len(), 100_000);
    }
}
