//! The leaf layer: plain data every other layer shares — the network and its vocabulary, the
//! float types and fixed-point sums, the mass model, every option and parameter, engine
//! counters and tokens. No I/O, no egui, no wgpu; depends on nothing else in the crate.

pub mod engine_stats;
pub mod fingerprint;
pub mod mass;
pub mod network;
pub mod options;
pub mod params;
pub mod real;
pub mod rng;
pub mod tokens;
pub mod vocabulary;
