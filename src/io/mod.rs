//! Reading input documents from disk (the only place that touches conversation files).

pub mod document;
pub mod kill_list;
