//! Views computed from a [`crate::model::network::Network`]: concept mass, speaker self-concept
//! mass, and the concept map. Pure functions over plain data.

pub mod cascade;
pub mod concept_map;
pub mod lanczos;
pub mod mass;
pub mod stats;
