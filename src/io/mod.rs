//! The file layer: input documents, corpora and batch records, kill lists, session and settings files, system fonts,
//! bounded text reads and atomic writes, folder listings for the in-app file browser. The only
//! module that calls the file system; depends on `model` and `text` only.

pub mod atomic;
pub mod corpus;
pub mod document;
pub mod file;
pub mod fonts;
pub mod kill_list;
mod legacy;
pub mod listing;
pub mod pdf;
pub mod session;
pub mod settings;
pub mod text_file;
