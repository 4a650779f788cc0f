//! Tokens of a whole conversation in one arena, exchange by exchange: what engines consume.

use super::kill_words::KillList;
use super::speakers::{Detection, Exchange};
use super::tokenize::{TokenSink, Tokenizer};

/// Exchanges below which tokenization stays on one thread.
const PARALLEL_MIN_EXCHANGES: usize = 4096;

/// Tokens of every exchange, flattened into one arena.
#[derive(Clone, Debug, Default)]
pub struct TokenStream {
    tokens: TokenSink,
    /// Tokens produced before kill-word filtering (the reference's `tokens`).
    n_raw: usize,
    /// `ends[k]` is one past the last token of exchange `k`.
    ends: Vec<usize>,
}

impl TokenStream {
    /// Tokenize every exchange and drop kill words.
    pub fn build(detection: &Detection, tokenizer: Tokenizer, kill: &KillList) -> Self {
        let exchanges = &detection.exchanges;
        // Exchanges are independent: large conversations are tokenized in two halves at once.
        if exchanges.len() < PARALLEL_MIN_EXCHANGES {
            return Self::build_part(exchanges, tokenizer, kill);
        }
        let (a, b) = exchanges.split_at(exchanges.len() / 2);
        let (mut first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| Self::build_part(b, tokenizer, kill));
            let first = Self::build_part(a, tokenizer, kill);
            (first, second.join().unwrap_or_else(|_| Self::build_part(b, tokenizer, kill)))
        });
        first.append(&second);
        first
    }

    fn build_part(exchanges: &[Exchange], tokenizer: Tokenizer, kill: &KillList) -> Self {
        let mut tokens = TokenSink::default();
        let mut ends = Vec::with_capacity(exchanges.len());
        let mut n_raw = 0;
        for ex in exchanges {
            let start = tokens.len();
            tokenizer.tokenize_into(&ex.text, &mut tokens);
            n_raw += tokens.len() - start;
            tokens.retain_from(start, |t| !kill.contains(t));
            ends.push(tokens.len());
        }
        Self { tokens, n_raw, ends }
    }

    fn append(&mut self, other: &Self) {
        let offset = self.tokens.len();
        self.tokens.extend(&other.tokens);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
        self.n_raw += other.n_raw;
    }

    /// Tokens before kill-word filtering.
    pub fn n_raw_tokens(&self) -> usize {
        self.n_raw
    }

    /// Number of exchanges.
    pub fn n_exchanges(&self) -> usize {
        self.ends.len()
    }

    /// Tokens kept after kill-word filtering.
    pub fn n_tokens(&self) -> usize {
        self.tokens.len()
    }

    /// Tokens of exchange `k`.
    pub fn exchange(&self, k: usize) -> impl Iterator<Item = &str> {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        self.tokens.iter_range(start..self.ends[k])
    }
}
