//! Centralities of the map's concepts: strength (weighted degree) out and in over the directed
//! connections, betweenness on the association graph (length `1/(s_ij + s_ji)`: strongly
//! associated concepts are close), eigenvector centrality of the association graph, and
//! PageRank over the directed strengths. Self-connections are left out of all of them.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::graph::ConceptGraph;

/// Above this many edge relaxations (`nodes × links`), betweenness is estimated from evenly
/// spaced source nodes (Brandes–Pich pivots) instead of all of them, so it stays bounded.
pub const EXACT_BETWEENNESS_WORK: usize = 20_000_000;

/// PageRank's damping factor (the usual 0.85).
pub const DAMPING: f64 = 0.85;

/// Per-node centralities of a [`ConceptGraph`] (node order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Centrality {
    /// Σ_j s_ij over outgoing connections.
    pub strength_out: Vec<f64>,
    /// Σ_j s_ji over incoming connections.
    pub strength_in: Vec<f64>,
    /// Betweenness, normalised by the `(n−1)(n−2)/2` pairs (as networkx's `normalized=True`).
    pub betweenness: Vec<f64>,
    /// Source nodes betweenness was computed from; `None` when exact (all of them).
    pub betweenness_pivots: Option<usize>,
    /// Eigenvector centrality of the association graph (unit Euclidean norm, non-negative).
    pub eigenvector: Vec<f64>,
    /// PageRank over the directed strengths (sums to 1; dangling nodes spread uniformly).
    pub pagerank: Vec<f64>,
}

/// All centralities of `graph`.
pub fn centrality(graph: &ConceptGraph) -> Centrality {
    let n = graph.len();
    let (mut strength_out, mut strength_in) = (vec![0.0; n], vec![0.0; n]);
    for e in graph.edges.iter().filter(|e| e.from != e.to) {
        strength_out[e.from] += e.strength;
        strength_in[e.to] += e.strength;
    }
    let adj = graph.neighbours();
    let (betweenness, betweenness_pivots) = betweenness(&adj);
    Centrality {
        eigenvector: eigenvector(&adj),
        pagerank: pagerank(graph, &strength_out),
        strength_out,
        strength_in,
        betweenness,
        betweenness_pivots,
    }
}

/// A Dijkstra queue entry (smallest distance first; ties by node, so the order is fixed).
#[derive(PartialEq)]
struct Queued(f64, usize);

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Brandes' algorithm with Dijkstra (weighted), undirected; exact, or from pivots when the
/// work would exceed [`EXACT_BETWEENNESS_WORK`].
fn betweenness(adj: &[Vec<(usize, f64)>]) -> (Vec<f64>, Option<usize>) {
    let n = adj.len();
    let links: usize = adj.iter().map(Vec::len).sum::<usize>().max(1);
    let pivots =
        if n.saturating_mul(links) > EXACT_BETWEENNESS_WORK { (EXACT_BETWEENNESS_WORK / links).clamp(1, n) } else { n };
    let sources: Vec<usize> = (0..pivots).map(|k| k * n / pivots).collect();
    let mut bc = vec![0.0; n];
    let (mut dist, mut sigma, mut delta) = (vec![f64::INFINITY; n], vec![0.0f64; n], vec![0.0f64; n]);
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut order = Vec::with_capacity(n);
    for &s in &sources {
        dist.fill(f64::INFINITY);
        sigma.fill(0.0);
        delta.fill(0.0);
        preds.iter_mut().for_each(Vec::clear);
        order.clear();
        dist[s] = 0.0;
        sigma[s] = 1.0;
        let mut heap = BinaryHeap::from([Queued(0.0, s)]);
        let mut done = vec![false; n];
        while let Some(Queued(d, v)) = heap.pop() {
            if done[v] {
                continue;
            }
            done[v] = true;
            order.push(v);
            for &(w, weight) in &adj[v] {
                if weight <= 0.0 {
                    continue;
                }
                let alt = d + 1.0 / weight;
                if alt < dist[w] {
                    dist[w] = alt;
                    sigma[w] = sigma[v];
                    preds[w].clear();
                    preds[w].push(v);
                    heap.push(Queued(alt, w));
                } else if alt == dist[w] && !done[w] {
                    sigma[w] += sigma[v];
                    preds[w].push(v);
                }
            }
        }
        for &w in order.iter().rev() {
            for &v in &preds[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                bc[w] += delta[w];
            }
        }
    }
    // Each unordered pair was counted from both ends (halve), scaled up from the pivots, then
    // normalised by the pairs that exclude the node.
    let scale = if n > 2 { 1.0 / ((n - 1) * (n - 2)) as f64 } else { 0.0 } * n as f64 / pivots.max(1) as f64;
    bc.iter_mut().for_each(|b| *b *= scale);
    (bc, (pivots < n).then_some(pivots))
}

/// Power iteration on `W + I` (the shift keeps it from oscillating on bipartite graphs; the
/// eigenvector is the same), to 1e-12 or 1,000 rounds.
fn eigenvector(adj: &[Vec<(usize, f64)>]) -> Vec<f64> {
    let n = adj.len();
    if n == 0 {
        return Vec::new();
    }
    let mut x = vec![1.0 / (n as f64).sqrt(); n];
    for _ in 0..1000 {
        let mut y = x.clone();
        for (v, row) in adj.iter().enumerate() {
            for &(w, weight) in row {
                y[v] += weight * x[w];
            }
        }
        let norm = y.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm <= 0.0 {
            break;
        }
        y.iter_mut().for_each(|a| *a /= norm);
        let change: f64 = x.iter().zip(&y).map(|(a, b)| (a - b).abs()).sum();
        x = y;
        if change < 1e-12 * n as f64 {
            break;
        }
    }
    x
}

/// PageRank of the directed strengths: `p = (1−d)/n + d·(Σ_i p_i·s_ij/out_i + dangling/n)`,
/// to 1e-12 (L1) or 1,000 rounds.
fn pagerank(graph: &ConceptGraph, strength_out: &[f64]) -> Vec<f64> {
    let n = graph.len();
    if n == 0 {
        return Vec::new();
    }
    let uniform = 1.0 / n as f64;
    let mut p = vec![uniform; n];
    for _ in 0..1000 {
        let dangling: f64 = (0..n).filter(|&i| strength_out[i] <= 0.0).map(|i| p[i]).sum();
        let mut next = vec![(1.0 - DAMPING) * uniform + DAMPING * dangling * uniform; n];
        for e in graph.edges.iter().filter(|e| e.from != e.to && strength_out[e.from] > 0.0) {
            next[e.to] += DAMPING * p[e.from] * e.strength / strength_out[e.from];
        }
        let change: f64 = p.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        p = next;
        if change < 1e-12 {
            break;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::graph::GraphEdge;

    fn graph(n: usize, edges: &[(usize, usize, f64)]) -> ConceptGraph {
        ConceptGraph {
            ids: (0..n as u32).collect(),
            labels: (0..n).map(|i| format!("w{i}")).collect(),
            masses: vec![1.0; n],
            entries: (0..n).collect(),
            edges: edges.iter().map(|&(from, to, strength)| GraphEdge { from, to, strength, mass: 0.0 }).collect(),
        }
    }

    #[test]
    fn strengths_sum_directed_connections_without_self_loops() {
        let c = centrality(&graph(3, &[(0, 1, 2.0), (1, 0, 0.5), (0, 2, 1.0), (2, 2, 9.0)]));
        assert_eq!(c.strength_out, vec![3.0, 0.5, 0.0]);
        assert_eq!(c.strength_in, vec![0.5, 2.0, 1.0]);
    }

    #[test]
    fn betweenness_of_a_path_and_a_star_by_hand() {
        // Path 0–1–2–3: node 1 lies on (0,2), (0,3); node 2 on (0,3), (1,3): 2 of 3 pairs each.
        let c = centrality(&graph(4, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]));
        assert_eq!(c.betweenness, vec![0.0, 2.0 / 3.0, 2.0 / 3.0, 0.0]);
        assert_eq!(c.betweenness_pivots, None);
        // Star with centre 0: every pair of leaves passes through it.
        let star = centrality(&graph(4, &[(0, 1, 1.0), (0, 2, 1.0), (3, 0, 1.0)]));
        assert_eq!(star.betweenness, vec![1.0, 0.0, 0.0, 0.0]);
        // Weights are closeness: 0–2 direct but weak (length 10) loses to 0–1–2 (length 2).
        let weighted = centrality(&graph(3, &[(0, 1, 1.0), (1, 2, 1.0), (0, 2, 0.1)]));
        assert_eq!(weighted.betweenness, vec![0.0, 1.0, 0.0]);
    }

    #[test]
    fn pagerank_and_eigenvector_by_hand() {
        // A directed 3-cycle: every node equal.
        let c = centrality(&graph(3, &[(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)]));
        for p in &c.pagerank {
            assert!((p - 1.0 / 3.0).abs() < 1e-12);
        }
        // 0 → 1 only: 1 is dangling. p0 = 0.15/2 + 0.85·p1/2, p1 = p0 + 0.85·p0 … solved:
        // p0 = (0.075 + 0.425·p1), p1 = 1 − p0 ⇒ p0 = 0.5/1.425.
        let d = centrality(&graph(2, &[(0, 1, 1.0)]));
        assert!((d.pagerank[0] - 0.5 / 1.425).abs() < 1e-10, "{:?}", d.pagerank);
        assert!((d.pagerank.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Star: centre weight √3 times each leaf's (λ = √3), unit norm: centre = 1/√2.
        let star = centrality(&graph(4, &[(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)]));
        assert!((star.eigenvector[0] - 0.5f64.sqrt()).abs() < 1e-9, "{:?}", star.eigenvector);
        assert!((star.eigenvector[1] - (1.0f64 / 6.0).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn large_graphs_estimate_betweenness_from_pivots() {
        let n = 3000;
        let edges: Vec<(usize, usize, f64)> =
            (0..n).flat_map(|i| [(i, (i + 1) % n, 1.0), (i, (i + 7) % n, 0.5)]).collect();
        let c = centrality(&graph(n, &edges));
        let pivots = c.betweenness_pivots.expect("sampled");
        assert!(pivots < n && pivots >= 1);
        assert!(c.betweenness.iter().all(|b| b.is_finite() && *b >= 0.0));
    }
}
