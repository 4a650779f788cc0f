//! Views computed from a [`crate::model::network::Network`]: concept mass, speaker self-concept
//! mass, the concept map (with its Lanczos solver), the map's concept graph with its Leiden
//! clusters and centralities, network statistics and associations, and the activation
//! cascade, two networks compared, and the Galileo alignment of two spaces. Pure functions over
//! plain data.

pub mod cascade;
pub mod centrality;
pub mod clusters;
pub mod compare;
pub mod concept_map;
pub mod galileo;
pub mod graph;
pub mod lanczos;
pub mod mass;
pub mod procrustes;
pub mod stability;
pub mod stats;
pub mod structure;
