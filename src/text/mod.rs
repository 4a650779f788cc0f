//! Text → speakers → tokens: speaker detection (the reference's and the transcript
//! detector), tokenizers, kill lists, the bundled sample and
//! synthetic conversations. Pure: no I/O, no egui, no wgpu; depends only on `model`.

pub mod kill_words;
pub mod pystr;
pub mod speakers;
pub mod synthetic;
pub mod token_stream;
pub mod tokenize;
pub mod transcript;

/// The bundled sample conversation (our own text), used when no file is given.
pub const SAMPLE_CONVERSATION: &str = include_str!("../../assets/sample_conversation.txt");
