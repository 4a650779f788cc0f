//! A whole conversation tokenized into one [`TokenStream`], exchange by exchange, kill words
//! dropped: what the engines consume.

use super::kill_words::KillList;
use super::speakers::{Detection, Exchange};
use super::tokenize::tokenize_into;
use crate::model::options::Tokenizer;
use crate::model::tokens::TokenStream;

/// Exchanges below which tokenization stays on one thread.
const PARALLEL_MIN_EXCHANGES: usize = 4096;

/// Tokenize every exchange of `detection` and drop kill words.
pub fn build(detection: &Detection, tokenizer: Tokenizer, kill: &KillList) -> TokenStream {
    let exchanges = &detection.exchanges;
    // Exchanges are independent: large conversations are tokenized in two halves at once.
    if exchanges.len() < PARALLEL_MIN_EXCHANGES {
        return build_part(exchanges, tokenizer, kill);
    }
    let (a, b) = exchanges.split_at(exchanges.len() / 2);
    let (mut first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| build_part(b, tokenizer, kill));
        let first = build_part(a, tokenizer, kill);
        (first, second.join().unwrap_or_else(|_| build_part(b, tokenizer, kill)))
    });
    first.append(&second);
    first
}

fn build_part(exchanges: &[Exchange], tokenizer: Tokenizer, kill: &KillList) -> TokenStream {
    let mut stream = TokenStream::default();
    for ex in exchanges {
        let tokens = stream.tokens_mut();
        let start = tokens.len();
        tokenize_into(tokenizer, &ex.text, tokens);
        let raw = tokens.len() - start;
        tokens.retain_from(start, |t| !kill.contains(t));
        stream.end_exchange(raw);
    }
    stream
}
