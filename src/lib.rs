//! Huey: a Hebbian concept-network explorer for conversations.
//!
//! Data flows top to bottom through the modules:
//! - [`io`]: files on disk → text (encodings, PDF, size limits);
//! - [`text`]: text → speakers and exchanges → tokens (kill lists, tokenizers);
//! - [`engine`]: tokens → Hebbian network, one exchange per step;
//! - [`model`]: the plain data every stage shares (network, parameters, mass model);
//! - [`analysis`]: network → concept mass, speaker self-concept, concept map;
//! - [`pipeline`]: the stages above as one steppable run; [`report`]: its JSON form;
//! - [`cli`]: the `huey` command line.

pub mod analysis;
pub mod cli;
pub mod engine;
pub mod io;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod text;
