//! The map's concepts as a graph: its nodes (one per neuron on the map) and every connection
//! between them, directed, with strength and mass — what clusters, centralities and exports
//! read — and the symmetric association weights `s_ij + s_ji` clustering runs on.

use rustc_hash::FxHashMap;

use super::concept_map::ConceptMap;
use crate::model::network::{Network, NeuronId};

/// A directed connection between two nodes of a [`ConceptGraph`] (node indices, not ids).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GraphEdge {
    /// Source node.
    pub from: usize,
    /// Target node.
    pub to: usize,
    /// Strength `s`.
    pub strength: f64,
    /// Inertial mass `m`.
    pub mass: f64,
}

/// The map's concepts and the network's connections among them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConceptGraph {
    /// Neuron id of each node.
    pub ids: Vec<NeuronId>,
    /// Label of each node (the map's: `Speaker_<name>` for a speaker entry).
    pub labels: Vec<String>,
    /// Concept mass of each node.
    pub masses: Vec<f64>,
    /// The map entry of each node (its coordinates: `ConceptMap::axis_coords(a)[entry]`).
    pub entries: Vec<usize>,
    /// Every connection between two nodes (self-connections included), in creation order.
    pub edges: Vec<GraphEdge>,
}

impl ConceptGraph {
    /// The graph of `map`'s concepts in `net`. A neuron the map lists twice (a speaker entry
    /// and its word, with speakers on the map) is one node: the later entry, as the map's own
    /// association matrix keeps it.
    pub fn of_map(net: &Network, map: &ConceptMap) -> Self {
        let mut last: FxHashMap<NeuronId, usize> = FxHashMap::default();
        for (entry, &id) in map.ids.iter().enumerate() {
            last.insert(id, entry);
        }
        let mut graph = Self::default();
        let mut node_of: FxHashMap<NeuronId, usize> = FxHashMap::default();
        for (entry, &id) in map.ids.iter().enumerate() {
            if last.get(&id) == Some(&entry) {
                node_of.insert(id, graph.ids.len());
                graph.ids.push(id);
                graph.labels.push(map.labels[entry].clone());
                graph.masses.push(map.masses[entry]);
                graph.entries.push(entry);
            }
        }
        for c in &net.connections {
            if let (Some(&from), Some(&to)) = (node_of.get(&c.from), node_of.get(&c.to)) {
                graph.edges.push(GraphEdge { from, to, strength: c.strength, mass: c.mass });
            }
        }
        graph
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The symmetric association graph: one `(a, b, s_ab + s_ba)` per linked pair `a < b`,
    /// self-connections left out, sorted by `(a, b)` so every consumer sees one order.
    pub fn undirected(&self) -> Vec<(usize, usize, f64)> {
        let mut sums: FxHashMap<(usize, usize), f64> = FxHashMap::default();
        for e in self.edges.iter().filter(|e| e.from != e.to) {
            *sums.entry((e.from.min(e.to), e.from.max(e.to))).or_insert(0.0) += e.strength;
        }
        let mut pairs: Vec<(usize, usize, f64)> = sums.into_iter().map(|((a, b), w)| (a, b, w)).collect();
        pairs.sort_unstable_by_key(|&(a, b, _)| (a, b));
        pairs
    }

    /// Adjacency lists of [`Self::undirected`]: `(neighbour, weight)` per node.
    pub fn neighbours(&self) -> Vec<Vec<(usize, f64)>> {
        let mut adj = vec![Vec::new(); self.len()];
        for (a, b, w) in self.undirected() {
            adj[a].push((b, w));
            adj[b].push((a, w));
        }
        adj
    }
}
