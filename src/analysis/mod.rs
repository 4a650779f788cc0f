//! Views computed from a [`crate::model::network::Network`]: concept mass, speaker self-concept
//! mass, the concept map (with its Lanczos solver), network statistics and associations, and
//! the activation cascade. Pure functions over plain data.

pub mod cascade;
pub mod concept_map;
pub mod lanczos;
pub mod mass;
pub mod stats;
