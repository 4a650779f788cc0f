//! Leiden clusters of the map's concepts (the `leiden-rs` crate) on the symmetric association
//! graph `s_ij + s_ji`: numbered by weight (cluster 0 the heaviest), named by their heaviest
//! concepts, with Newman modularity, and each concept's stability over several seeds.

use leiden_rs::{GraphDataBuilder, Leiden, LeidenConfig, QualityType};
use rustc_hash::FxHashMap;

use super::graph::ConceptGraph;
use crate::model::options::{ClusterOptions, ClusterQuality};

/// Concepts that name a cluster in legends.
pub const NAME_CONCEPTS: usize = 3;

/// Why Leiden could not run (never for a validated network and options: the crate checks
/// weights and parameters again). The concepts are then left in clusters of their own.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("Leiden clustering failed: {0}")]
pub struct ClusterError(String);

/// A partition of a [`ConceptGraph`]'s nodes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clusters {
    /// Cluster of each node; clusters are numbered 0, 1, … by total concept mass, heaviest first.
    pub of: Vec<usize>,
    /// Each cluster's nodes, heaviest concept first.
    pub members: Vec<Vec<usize>>,
    /// Newman modularity of the partition at the run's resolution (γ = 1: the classic `Q`).
    pub modularity: f64,
    /// The quality function's value, as Leiden reports it.
    pub quality: f64,
    /// Per node: the fraction of runs (seeds `seed … seed + runs − 1`) in which it fell in its
    /// modal cluster; 1 for every node with one run.
    pub stability: Vec<f64>,
    /// The options they were computed with.
    pub options: ClusterOptions,
    /// Set when Leiden failed and every concept is a cluster of its own.
    pub problem: Option<ClusterError>,
}

impl Clusters {
    /// Number of clusters.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no clusters (an empty graph).
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// A cluster's name: its [`NAME_CONCEPTS`] heaviest concepts, joined by " · ".
    pub fn name(&self, graph: &ConceptGraph, cluster: usize) -> String {
        let names: Vec<&str> =
            self.members[cluster].iter().take(NAME_CONCEPTS).map(|&i| graph.labels[i].as_str()).collect();
        names.join(" · ")
    }
}

/// Cluster `graph` with `opts`: Leiden with seed `opts.seed`, then `opts.runs − 1` more seeds
/// for each concept's stability.
pub fn clusters(graph: &ConceptGraph, opts: &ClusterOptions) -> Clusters {
    let pairs = graph.undirected();
    let base = match leiden(graph.len(), &pairs, opts, opts.seed) {
        Ok(run) => run,
        Err(problem) => {
            let of: Vec<usize> = (0..graph.len()).collect();
            let mut c = numbered(graph, &of, &pairs, opts, 0.0);
            c.problem = Some(problem);
            return c;
        }
    };
    let mut c = numbered(graph, &base.0, &pairs, opts, base.1);
    if opts.runs > 1 {
        let mut runs = vec![c.of.clone()];
        for k in 1..opts.runs {
            if let Ok((of, _)) = leiden(graph.len(), &pairs, opts, opts.seed.wrapping_add(k as u64)) {
                runs.push(of);
            }
        }
        c.stability = stability(&c.of, &runs);
    }
    c
}

/// One Leiden run: the raw membership and the quality.
fn leiden(
    n: usize,
    pairs: &[(usize, usize, f64)],
    opts: &ClusterOptions,
    seed: u64,
) -> Result<(Vec<usize>, f64), ClusterError> {
    if n == 0 {
        return Ok((Vec::new(), 0.0));
    }
    let failed = |e: leiden_rs::LeidenError| ClusterError(e.to_string());
    let mut builder = GraphDataBuilder::new(n);
    for &(a, b, w) in pairs {
        builder.add_edge(a, b, w).map_err(failed)?;
    }
    let data = builder.build().map_err(failed)?;
    let config = LeidenConfig {
        resolution: opts.resolution,
        seed: Some(seed),
        quality: match opts.quality {
            ClusterQuality::Modularity => QualityType::Modularity,
            ClusterQuality::Cpm => QualityType::CPM,
        },
        ..LeidenConfig::default()
    };
    let out = Leiden::new(config).run(&data).map_err(failed)?;
    Ok((out.partition.as_slice().to_vec(), out.quality))
}

/// Renumber a membership by cluster mass (heaviest first; ties: the lower first node), members
/// heaviest first, with modularity.
fn numbered(
    graph: &ConceptGraph,
    raw: &[usize],
    pairs: &[(usize, usize, f64)],
    opts: &ClusterOptions,
    quality: f64,
) -> Clusters {
    let k = raw.iter().map(|&c| c + 1).max().unwrap_or(0);
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (node, &c) in raw.iter().enumerate() {
        groups[c].push(node);
    }
    groups.retain(|g| !g.is_empty());
    let weight = |g: &[usize]| g.iter().map(|&i| graph.masses[i]).sum::<f64>();
    groups.sort_by(|a, b| weight(b).total_cmp(&weight(a)).then(a[0].cmp(&b[0])));
    let mut of = vec![0; raw.len()];
    for (c, g) in groups.iter_mut().enumerate() {
        g.sort_by(|&a, &b| graph.masses[b].total_cmp(&graph.masses[a]).then(a.cmp(&b)));
        for &i in g.iter() {
            of[i] = c;
        }
    }
    let modularity =
        modularity(&of, pairs, if opts.quality == ClusterQuality::Modularity { opts.resolution } else { 1.0 });
    Clusters { stability: vec![1.0; of.len()], of, members: groups, modularity, quality, options: *opts, problem: None }
}

/// Newman modularity `Σ_c [W_c/W − γ·(K_c/2W)²]` of the partition `of` of the undirected
/// weighted graph `pairs` (`W`: total weight, `W_c`: weight inside `c`, `K_c`: its nodes'
/// weighted degrees); 0 for a graph without weight.
pub fn modularity(of: &[usize], pairs: &[(usize, usize, f64)], resolution: f64) -> f64 {
    let total: f64 = pairs.iter().map(|p| p.2).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let k = of.iter().map(|&c| c + 1).max().unwrap_or(0);
    let (mut inside, mut degree) = (vec![0.0; k], vec![0.0; k]);
    for &(a, b, w) in pairs {
        if of[a] == of[b] {
            inside[of[a]] += w;
        }
        degree[of[a]] += w;
        degree[of[b]] += w;
    }
    (0..k).map(|c| inside[c] / total - resolution * (degree[c] / (2.0 * total)).powi(2)).sum()
}

/// Per node, the fraction of `runs` in which it lies in its modal cluster. Each run's clusters
/// are first matched to the base partition's (`base`): a run's cluster takes the base cluster
/// it shares most nodes with (ties: the lower number), so labels are comparable. Sparse
/// counts throughout: a map of 10,000 concepts can have thousands of clusters, and dense
/// cluster × cluster tables made each run cost a third of a second there.
fn stability(base: &[usize], runs: &[Vec<usize>]) -> Vec<f64> {
    let mut votes: Vec<Vec<(usize, usize)>> = vec![Vec::new(); base.len()];
    for run in runs {
        let mut overlap: FxHashMap<(usize, usize), usize> = FxHashMap::default();
        for (&c, &b) in run.iter().zip(base) {
            *overlap.entry((c, b)).or_default() += 1;
        }
        // Run cluster → (shared nodes, base cluster) of its best match.
        let mut matched: FxHashMap<usize, (usize, usize)> = FxHashMap::default();
        for (&(c, b), &count) in &overlap {
            let best = matched.entry(c).or_insert((count, b));
            if count > best.0 || (count == best.0 && b < best.1) {
                *best = (count, b);
            }
        }
        for (node, &c) in run.iter().enumerate() {
            let label = matched.get(&c).map_or(c, |&(_, b)| b);
            match votes[node].iter_mut().find(|(l, _)| *l == label) {
                Some((_, n)) => *n += 1,
                None => votes[node].push((label, 1)),
            }
        }
    }
    let total = runs.len().max(1) as f64;
    votes.iter().map(|v| v.iter().map(|&(_, n)| n).max().unwrap_or(0) as f64 / total).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::graph::GraphEdge;

    /// Two triangles (strong inside) joined by one weak link: the two obvious communities.
    fn two_triangles() -> ConceptGraph {
        let edge = |from, to, strength| GraphEdge { from, to, strength, mass: strength };
        ConceptGraph {
            ids: (0..6).collect(),
            labels: ["a", "b", "c", "x", "y", "z"].map(str::to_owned).to_vec(),
            masses: vec![6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
            entries: (0..6).collect(),
            edges: vec![
                edge(0, 1, 1.0),
                edge(1, 2, 1.0),
                edge(2, 0, 1.0),
                edge(3, 4, 1.0),
                edge(4, 5, 1.0),
                edge(5, 3, 1.0),
                edge(2, 3, 0.1),
            ],
        }
    }

    #[test]
    fn two_triangles_are_two_clusters_named_by_their_heaviest_concepts() {
        let g = two_triangles();
        let c = clusters(&g, &ClusterOptions::default());
        assert_eq!(c.of, vec![0, 0, 0, 1, 1, 1]);
        assert_eq!(c.name(&g, 0), "a · b · c");
        assert_eq!(c.name(&g, 1), "x · y · z");
        // Hand-computed: W = 6.1, W_c = 3 each, K_c = 6.1 each: Q = 2·(3/6.1 − ¼).
        assert!((c.modularity - 2.0 * (3.0 / 6.1 - 0.25)).abs() < 1e-12, "{}", c.modularity);
        assert_eq!(c.stability, vec![1.0; 6]);
        assert!(c.problem.is_none());
    }

    #[test]
    fn the_same_seed_gives_the_same_clusters() {
        let g = two_triangles();
        let opts = ClusterOptions { resolution: 0.5, seed: 7, runs: 3, ..ClusterOptions::default() };
        assert_eq!(clusters(&g, &opts), clusters(&g, &opts));
    }

    #[test]
    fn a_graph_without_links_is_one_cluster_per_concept() {
        let mut g = two_triangles();
        g.edges.clear();
        let c = clusters(&g, &ClusterOptions::default());
        assert_eq!(c.len(), 6);
        assert_eq!(c.modularity, 0.0);
        assert_eq!(clusters(&ConceptGraph::default(), &ClusterOptions::default()).len(), 0);
    }

    #[test]
    fn stability_counts_runs_in_the_modal_cluster_after_matching_labels() {
        // Base {0,1} {2,3}; run 2 swaps the labels (same partition); run 3 moves node 1 over.
        let base = vec![0, 0, 1, 1];
        let runs = vec![base.clone(), vec![1, 1, 0, 0], vec![0, 1, 1, 1]];
        let s = stability(&base, &runs);
        assert_eq!(s, vec![1.0, 2.0 / 3.0, 1.0, 1.0]);
    }
}
