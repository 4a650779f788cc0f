//! The concept map (HUEY_REFERENCE.md §4.2): Torgerson double-centring of mass-based
//! dissimilarities over the top-N concepts, eigenvalues sorted algebraically with negatives kept.
//!
//! With `A` the normalised association matrix and `c = max(A)`, the reference forms
//! `D = c − A` (diagonal included) and `B = −½·H(D∘D)H`. Since `H·1 = 0`, the constant `c²`
//! cancels and `B = H·S·H` with `S = c·A − ½·A∘A`, which is as sparse as the connections. Small
//! maps solve `B` densely; large ones apply `B·x = H(S(Hx))` implicitly in a Lanczos solver.

use nalgebra::{DMatrix, SymmetricEigen};
use rustc_hash::FxHashMap;

use super::lanczos;
use super::mass::concept_masses;
use crate::model::network::{Network, NeuronId};
pub use crate::model::options::MapOptions;

/// How much of the spectrum was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Spectrum {
    /// Every eigenvalue (dense solve).
    Full,
    /// Only the largest few (Lanczos); sums over the spectrum are unavailable.
    Partial,
}

/// A computed concept map.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConceptMap {
    /// Label of each mapped concept (`Speaker_<name>` for speaker entries).
    pub labels: Vec<String>,
    /// Neuron id of each mapped concept.
    pub ids: Vec<NeuronId>,
    /// Mass of each mapped concept (self-concept mass for speaker entries).
    pub masses: Vec<f64>,
    /// Eigenvalues, largest first (all of them for a full spectrum).
    pub eigenvalues: Vec<f64>,
    /// Unit eigenvectors matching `eigenvalues` (sign: largest-magnitude component positive).
    pub eigenvectors: Vec<Vec<f64>>,
    /// Full or partial spectrum.
    pub spectrum: Spectrum,
    /// Whether the partial solver converged (always true for a full spectrum).
    pub converged: bool,
    /// The reference's 3-D coordinates, `v·sqrt(|λ|)·3` for the first three pairs.
    pub coords: Vec<[f64; 3]>,
    /// Warp factor `Σλ₊ / (Σλ₊ + Σλ₋)`; `None` for a partial spectrum.
    pub warp: Option<f64>,
    /// Σ|λ| of the top three over Σ|λ|, in percent (corrected figure).
    pub variance_top3_pct: Option<f64>,
    /// The figure the reference printed (three most negative eigenvalues), in percent.
    pub variance_as_shipped_pct: Option<f64>,
    /// Eigenvalues > 1e-10 / < −1e-10 (full spectrum only).
    pub n_positive: usize,
    /// See `n_positive`.
    pub n_negative: usize,
}

impl ConceptMap {
    /// Eigen-axes the map has (one per eigenvector computed).
    pub fn dimensions(&self) -> usize {
        self.eigenvectors.len()
    }

    /// Coordinates of every concept on eigen-axis `axis` (the reference's scaling, ×3).
    pub fn axis_coords(&self, axis: usize) -> Vec<f64> {
        let Some(v) = self.eigenvectors.get(axis) else {
            return vec![0.0; self.labels.len()];
        };
        let scale = axis_scale(self.eigenvalues[axis]);
        v.iter().map(|x| x * scale).collect()
    }
}

fn axis_scale(lambda: f64) -> f64 {
    3.0 * if lambda.abs() > 1e-8 { lambda.abs().sqrt() } else { 1e-4 }
}

/// The map's candidate concepts: speaker entries, then words with mass ≥ `min_mass`, stably
/// sorted by mass (heaviest first) and cut to `n_concepts`. With `leave_out_speakers`, neither
/// the speaker entries nor the speakers' neurons (`speaker_<name>` or `<name>`, lower case)
/// are candidates, so the cut and the solve are made without them.
fn select(
    net: &Network,
    speaker_mass: &[(String, f64)],
    opts: &MapOptions,
    only: Option<&rustc_hash::FxHashSet<&str>>,
) -> Vec<(String, NeuronId, f64)> {
    let mut candidates = ranked(net, speaker_mass, opts, only);
    if only.is_none() {
        candidates.truncate(opts.n_concepts);
    }
    candidates
}

/// Every concept the map could show, as (label, mass), heaviest first: the map's selection
/// rules (speakers, minimum mass) without its cut at `n_concepts`. An ensemble reads each
/// replicate's masses from it, also of concepts outside that replicate's map.
pub fn ranked_concepts(net: &Network, speaker_mass: &[(String, f64)], opts: &MapOptions) -> Vec<(String, f64)> {
    ranked(net, speaker_mass, opts, None).into_iter().map(|(label, _, mass)| (label, mass)).collect()
}

fn ranked(
    net: &Network,
    speaker_mass: &[(String, f64)],
    opts: &MapOptions,
    only: Option<&rustc_hash::FxHashSet<&str>>,
) -> Vec<(String, NeuronId, f64)> {
    let masses = concept_masses(net);
    let index = net.word_index();
    let speaker_ids: rustc_hash::FxHashSet<NeuronId> = if opts.leave_out_speakers {
        speaker_mass
            .iter()
            .flat_map(|(speaker, _)| {
                let lower = speaker.to_lowercase();
                [index.get(format!("speaker_{lower}").as_str()).copied(), index.get(lower.as_str()).copied()]
            })
            .flatten()
            .collect()
    } else {
        rustc_hash::FxHashSet::default()
    };
    let mut candidates: Vec<(String, NeuronId, f64)> = Vec::new();
    for (speaker, mass) in speaker_mass {
        if *mass > 0.0
            && !opts.leave_out_speakers
            && let Some(&id) = index.get(speaker.to_lowercase().as_str())
        {
            candidates.push((format!("Speaker_{speaker}"), id, *mass));
        }
    }
    for (id, word) in net.words.iter().enumerate() {
        if !word.is_empty() && masses[id] >= opts.min_mass && !speaker_ids.contains(&(id as NeuronId)) {
            candidates.push((word.clone(), id as NeuronId, masses[id]));
        }
    }
    if let Some(only) = only {
        // A fixed set: its concepts that exist now (a neuron with mass), however many.
        candidates.retain(|c| c.2 > 0.0 && only.contains(c.0.as_str()));
    }
    candidates.sort_by(|a, b| b.2.total_cmp(&a.2));
    candidates
}

/// Sparse symmetric `S = c·A − ½·A∘A` as (row, col, value) with both halves, sorted by row
/// (`A` from the masses of connections between selected concepts, both cells per key).
fn association_operator(net: &Network, ids: &[NeuronId]) -> Vec<(usize, usize, f64)> {
    let n = ids.len();
    let mut index: FxHashMap<NeuronId, usize> = FxHashMap::default();
    for (k, &id) in ids.iter().enumerate() {
        index.insert(id, k); // later index wins, as in the reference
    }
    let max_mass = net.max_mass();
    let mut cells: FxHashMap<(usize, usize), f64> = FxHashMap::default();
    if max_mass > 0.0 {
        for c in &net.connections {
            if let (Some(&a), Some(&b)) = (index.get(&c.from), index.get(&c.to)) {
                cells.insert((a.min(b), a.max(b)), c.mass / max_mass);
            }
        }
    }
    // max(A) over the N×N matrix, zeros included (they exist unless N = 1 with a self-loop).
    let zeros_exist = n > 1 || cells.is_empty();
    let c = cells.values().copied().fold(if zeros_exist { 0.0 } else { f64::MIN }, f64::max);
    let mut entries = Vec::with_capacity(cells.len() * 2);
    for (&(a, b), &v) in &cells {
        let s = c * v - 0.5 * v * v;
        entries.push((a, b, s));
        if a != b {
            entries.push((b, a, s));
        }
    }
    entries.sort_unstable_by_key(|&(a, b, _)| (a, b));
    entries
}

fn fix_sign(v: &mut [f64]) {
    let (mut best, mut best_abs) = (0.0, -1.0);
    for &x in v.iter() {
        if x.abs() > best_abs {
            best = x;
            best_abs = x.abs();
        }
    }
    if best < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
}

/// Compute the concept map of `net`; `speaker_mass` are the speakers' self-concept masses.
pub fn concept_map(net: &Network, speaker_mass: &[(String, f64)], opts: &MapOptions) -> ConceptMap {
    map_of(net, speaker_mass, opts, None)
}

/// The concept map of `net` over a fixed set of concepts (labels as a map names them, e.g.
/// `Speaker_Ana`): those of `concepts` that exist in `net` with a mass above 0 (and pass
/// `min_mass`), heaviest first; the others are absent, not at the origin. `n_concepts` does
/// not cut the set. A timeline maps every row over one set so positions compare over time.
pub fn concept_map_over(
    net: &Network,
    speaker_mass: &[(String, f64)],
    opts: &MapOptions,
    concepts: &[String],
) -> ConceptMap {
    let only: rustc_hash::FxHashSet<&str> = concepts.iter().map(String::as_str).collect();
    map_of(net, speaker_mass, opts, Some(&only))
}

fn map_of(
    net: &Network,
    speaker_mass: &[(String, f64)],
    opts: &MapOptions,
    only: Option<&rustc_hash::FxHashSet<&str>>,
) -> ConceptMap {
    let selected = select(net, speaker_mass, opts, only);
    let ids: Vec<NeuronId> = selected.iter().map(|s| s.1).collect();
    let entries = association_operator(net, &ids);
    let n = ids.len();
    let (mut values, mut vectors, spectrum, converged) = if n <= opts.dense_limit {
        let (v, vecs) = dense_eigen(&entries, n);
        (v, vecs, Spectrum::Full, true)
    } else {
        let csr = Csr::new(&entries, n);
        let mut centred = vec![0.0; n];
        let top = lanczos::top_eigenpairs(
            n,
            opts.partial_k.max(3),
            1e-10,
            |x, y| {
                centred.copy_from_slice(x);
                centre(&mut centred);
                csr.apply(&centred, y);
                centre(y);
            },
            centre,
        );
        (top.values, top.vectors, Spectrum::Partial, top.converged)
    };
    vectors.iter_mut().for_each(|v| fix_sign(v));
    values.iter_mut().for_each(|v| *v += 0.0); // normalise -0.0
    let coords = (0..n)
        .map(|row| {
            let mut p = [0.0; 3];
            for (axis, slot) in p.iter_mut().enumerate() {
                if let (Some(v), Some(&l)) = (vectors.get(axis), values.get(axis)) {
                    *slot = v[row] * axis_scale(l);
                }
            }
            p
        })
        .collect();
    let (warp, top3, shipped, n_pos, n_neg) = match spectrum {
        Spectrum::Full => spectrum_figures(&values),
        Spectrum::Partial => (None, None, None, 0, 0),
    };
    ConceptMap {
        labels: selected.iter().map(|s| s.0.clone()).collect(),
        masses: selected.iter().map(|s| s.2).collect(),
        ids,
        eigenvalues: values,
        eigenvectors: vectors,
        spectrum,
        converged,
        coords,
        warp,
        variance_top3_pct: top3,
        variance_as_shipped_pct: shipped,
        n_positive: n_pos,
        n_negative: n_neg,
    }
}

fn centre(v: &mut [f64]) {
    if v.is_empty() {
        return;
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    v.iter_mut().for_each(|x| *x -= mean);
}

fn dense_eigen(entries: &[(usize, usize, f64)], n: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    let mut s = DMatrix::<f64>::zeros(n, n);
    for &(a, b, v) in entries {
        s[(a, b)] = v;
    }
    // B = H S H: subtract row means, then column means.
    let h = DMatrix::<f64>::identity(n, n) - DMatrix::<f64>::from_element(n, n, 1.0 / n as f64);
    let mut b = &h * s * &h;
    // Exact symmetry for the symmetric solver.
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (b[(i, j)] + b[(j, i)]);
            b[(i, j)] = m;
            b[(j, i)] = m;
        }
    }
    let eig = SymmetricEigen::new(b);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| eig.eigenvalues[y].total_cmp(&eig.eigenvalues[x]));
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let vectors = order.iter().map(|&i| eig.eigenvectors.column(i).iter().copied().collect()).collect();
    (values, vectors)
}

/// Warp factor, corrected and as-shipped variance, and the sign counts of a full spectrum.
fn spectrum_figures(desc: &[f64]) -> (Option<f64>, Option<f64>, Option<f64>, usize, usize) {
    let pos: f64 = desc.iter().filter(|&&l| l > 1e-10).sum();
    let neg: f64 = desc.iter().filter(|&&l| l < -1e-10).sum();
    let n_pos = desc.iter().filter(|&&l| l > 1e-10).count();
    let n_neg = desc.iter().filter(|&&l| l < -1e-10).count();
    let warp = if n_pos == 0 {
        1.0
    } else if (pos + neg).abs() < 1e-8 {
        f64::INFINITY
    } else {
        pos / (pos + neg)
    };
    let total: f64 = desc.iter().map(|l| l.abs()).sum();
    let pct = |it: &mut dyn Iterator<Item = &f64>| {
        (total > 0.0).then(|| 100.0 * it.take(3).map(|l| l.abs()).sum::<f64>() / total)
    };
    let top3 = pct(&mut desc.iter());
    let shipped = pct(&mut desc.iter().rev());
    (Some(warp), top3, shipped, n_pos, n_neg)
}

/// Compressed sparse rows of a symmetric matrix.
struct Csr {
    row_start: Vec<usize>,
    cols: Vec<usize>,
    vals: Vec<f64>,
}

impl Csr {
    fn new(sorted_entries: &[(usize, usize, f64)], n: usize) -> Self {
        let mut row_start = vec![0; n + 1];
        for &(a, _, _) in sorted_entries {
            row_start[a + 1] += 1;
        }
        for i in 0..n {
            row_start[i + 1] += row_start[i];
        }
        Self {
            row_start,
            cols: sorted_entries.iter().map(|e| e.1).collect(),
            vals: sorted_entries.iter().map(|e| e.2).collect(),
        }
    }

    fn apply(&self, x: &[f64], y: &mut [f64]) {
        for (i, yi) in y.iter_mut().enumerate() {
            let (lo, hi) = (self.row_start[i], self.row_start[i + 1]);
            *yi = self.cols[lo..hi].iter().zip(&self.vals[lo..hi]).map(|(&c, v)| v * x[c]).sum();
        }
    }
}

#[cfg(test)]
mod tests;
