//! Learning engines: they turn token sequences into a Hebbian network, one exchange at a time.

pub mod pair_rng;
pub mod temporal;
pub mod vocabulary;
pub mod windowed;
