//! Files: input documents, kill lists, session files, atomic writes (the only place besides
//! the CLI and the app's dialogs that touches the disk).

pub mod atomic;
pub mod document;
pub mod kill_list;
pub mod session;
