//! The map's structure in one value: its concept graph, Leiden clusters and centralities,
//! computed together wherever a map is (the worker's frames, `huey analyze`/`export`/`figure`).

use super::centrality::{Centrality, centrality};
use super::clusters::{Clusters, clusters};
use super::concept_map::ConceptMap;
use super::graph::ConceptGraph;
use crate::model::network::Network;
use crate::model::options::ClusterOptions;

/// The concept graph of a map, its clusters and its centralities.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Structure {
    /// The map's concepts and the connections among them.
    pub graph: ConceptGraph,
    /// Their Leiden clusters.
    pub clusters: Clusters,
    /// Their centralities.
    pub centrality: Centrality,
}

impl Structure {
    /// The structure of `map`'s concepts in `net`.
    pub fn of(net: &Network, map: &ConceptMap, opts: &ClusterOptions) -> Self {
        let graph = ConceptGraph::of_map(net, map);
        Self { clusters: clusters(&graph, opts), centrality: centrality(&graph), graph }
    }

    /// The node of map entry `entry`, if it is one (a neuron listed twice is its later entry).
    pub fn node_of_entry(&self, entry: usize) -> Option<usize> {
        self.graph.entries.iter().position(|&e| e == entry)
    }
}
