//! A whole conversation tokenized into one [`TokenStream`], exchange by exchange, kill words
//! dropped (and, with the clean tokenizer, speaker labels): what the engines consume.

use super::kill_words::KillList;
use super::speakers::{Detection, Exchange};
use super::tokenize::{SpeakerLabels, tokenize_into};
use crate::model::options::Tokenizer;
use crate::model::tokens::TokenStream;

/// Exchanges below which tokenization stays on one thread.
const PARALLEL_MIN_EXCHANGES: usize = 4096;

/// Tokenize every exchange of `detection` and drop kill words; the clean tokenizer also drops
/// the labels of `detection`'s speakers.
pub fn build(detection: &Detection, tokenizer: Tokenizer, kill: &KillList) -> TokenStream {
    build_labelled(detection, tokenizer, kill, &detection.speakers)
}

/// [`build`], with the speaker names whose labels the clean tokenizer drops (the detected names
/// and their edited ones: the text still carries the detected labels).
pub fn build_labelled(
    detection: &Detection,
    tokenizer: Tokenizer,
    kill: &KillList,
    speakers: &[String],
) -> TokenStream {
    let labels = match tokenizer {
        Tokenizer::Words => SpeakerLabels::new(speakers.iter().map(String::as_str)),
        Tokenizer::Reference | Tokenizer::ReferenceWindowed => SpeakerLabels::new([]),
    };
    let exchanges = &detection.exchanges;
    let part = |exchanges| build_part(exchanges, tokenizer, kill, &labels);
    // Exchanges are independent: large conversations are tokenized in two halves at once.
    if exchanges.len() < PARALLEL_MIN_EXCHANGES {
        return part(exchanges);
    }
    let (a, b) = exchanges.split_at(exchanges.len() / 2);
    let (mut first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| part(b));
        let first = part(a);
        (first, second.join().unwrap_or_else(|_| part(b)))
    });
    first.append(&second);
    first
}

fn build_part(exchanges: &[Exchange], tokenizer: Tokenizer, kill: &KillList, labels: &SpeakerLabels) -> TokenStream {
    let mut stream = TokenStream::default();
    for ex in exchanges {
        let tokens = stream.tokens_mut();
        let start = tokens.len();
        tokenize_into(tokenizer, &labels.strip(&ex.text), tokens);
        let raw = tokens.len() - start;
        match tokenizer {
            // Clean words meet kill lists as the reference format stores them (`it's` → `its`).
            Tokenizer::Words => tokens.retain_from(start, |t| !kill.contains_word(t)),
            Tokenizer::Reference | Tokenizer::ReferenceWindowed => tokens.retain_from(start, |t| !kill.contains(t)),
        }
        stream.end_exchange(raw);
    }
    stream
}
