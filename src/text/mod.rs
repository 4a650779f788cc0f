//! Text → speakers → tokens: speaker detection, tokenizers and kill lists (pure, no I/O).

pub mod kill_words;
pub mod pystr;
pub mod speakers;
pub mod token_stream;
pub mod tokenize;
