//! The original's Galileo alignment (`galileo_pseudoR_align.py`, HUEY_REFERENCE.md §4 end):
//! rotate one pseudo-Riemannian space onto another over the concepts both have. Each space
//! has a real block (dimensions of positive eigenvalues) and an imaginary block (negative
//! ones); on the fitted concepts each block is centred and a proper rotation is fitted by
//! Kabsch (SVD of PᵀQ, determinant fixed to +1), separately per block, without scaling. Each
//! concept's displacement is reported as the reference does: `J = ‖Δ_real‖² − ‖Δ_imag‖²`,
//! `√|J|`, and the Euclidean norm over both blocks.

use nalgebra::DMatrix;

/// A space: labelled points with a real and an imaginary block of coordinates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Space {
    /// One label per point.
    pub labels: Vec<String>,
    /// Real-block coordinates, one row per label (all rows the same length).
    pub real: Vec<Vec<f64>>,
    /// Imaginary-block coordinates, one row per label.
    pub imaginary: Vec<Vec<f64>>,
}

impl Space {
    /// A concept map's space: its (up to) three dimensions, each real or imaginary by the sign
    /// of its eigenvalue (positive or zero: real; negative: imaginary).
    pub fn of_map(labels: Vec<String>, coords: &[[f64; 3]], eigenvalues: &[f64]) -> Self {
        let dims = eigenvalues.len().min(3);
        let (real_dims, imaginary_dims): (Vec<usize>, Vec<usize>) = (0..dims).partition(|&k| eigenvalues[k] >= 0.0);
        let pick = |c: &[f64; 3], ks: &[usize]| ks.iter().map(|&k| c[k]).collect::<Vec<f64>>();
        Self {
            labels,
            real: coords.iter().map(|c| pick(c, &real_dims)).collect(),
            imaginary: coords.iter().map(|c| pick(c, &imaginary_dims)).collect(),
        }
    }

    /// Dimensions of the real and the imaginary block.
    pub fn dims(&self) -> (usize, usize) {
        (self.real.first().map_or(0, Vec::len), self.imaginary.first().map_or(0, Vec::len))
    }
}

/// One concept of the source after the alignment.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Displacement {
    /// The concept.
    pub label: String,
    /// Whether it took part in the fit.
    pub fitted: bool,
    /// `‖Δ_real‖`.
    pub real: f64,
    /// `‖Δ_imag‖`.
    pub imaginary: f64,
    /// `J = ‖Δ_real‖² − ‖Δ_imag‖²` (the pseudo-Riemannian squared distance).
    pub j: f64,
    /// `√|J|`.
    pub sqrt_abs_j: f64,
    /// The Euclidean norm over both blocks.
    pub euclidean: f64,
}

/// The source aligned onto the target.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Alignment {
    /// The source's points after the rotation, every label (shared or not), target-centred.
    pub labels: Vec<String>,
    /// See `labels`.
    pub real: Vec<Vec<f64>>,
    /// See `labels`.
    pub imaginary: Vec<Vec<f64>>,
    /// The concepts both spaces have, with their displacement after the rotation.
    pub displacements: Vec<Displacement>,
    /// The rotations (row-vector convention, `p · R`), real block and imaginary block.
    pub rotation_real: Vec<Vec<f64>>,
    /// See `rotation_real`.
    pub rotation_imaginary: Vec<Vec<f64>>,
    /// Concepts the fit used.
    pub n_fitted: usize,
    /// Root mean square Euclidean displacement over the fitted concepts.
    pub rms: f64,
}

/// Why two spaces cannot be aligned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlignError {
    /// The blocks' dimensions differ between the spaces.
    #[error("the spaces differ in dimensions: {0:?} real/imaginary against {1:?}")]
    Dimensions((usize, usize), (usize, usize)),
    /// Too few concepts to fit on.
    #[error("{0} shared concept(s) to fit on: at least 2 are needed (check --fit-on and --free)")]
    TooFew(usize),
    /// A row is not as long as its block, or holds a non-finite number.
    #[error("'{0}': its coordinates are not finite numbers of the block's length")]
    BadRow(String),
}

/// The proper rotation `R` (det +1) minimising `‖P·R − Q‖²` for centred `P`, `Q` (Kabsch).
fn kabsch(p: &DMatrix<f64>, q: &DMatrix<f64>) -> DMatrix<f64> {
    let d = p.ncols();
    if d == 0 {
        return DMatrix::zeros(0, 0);
    }
    let svd = (p.transpose() * q).svd(true, true);
    let (Some(u), Some(v_t)) = (svd.u, svd.v_t) else { return DMatrix::identity(d, d) };
    let mut r = &u * &v_t;
    if r.determinant() < 0.0 {
        // Flip the direction of the smallest singular value: the nearest proper rotation.
        let mut flip = DMatrix::<f64>::identity(d, d);
        flip[(d - 1, d - 1)] = -1.0;
        r = &u * flip * &v_t;
    }
    r
}

fn matrix(rows: &[&Vec<f64>], d: usize) -> DMatrix<f64> {
    DMatrix::from_fn(rows.len(), d, |i, j| rows[i][j])
}

fn centroid(m: &DMatrix<f64>) -> Vec<f64> {
    let n = m.nrows().max(1) as f64;
    (0..m.ncols()).map(|j| m.column(j).sum() / n).collect()
}

/// Align `source` onto `target` over the labels both have, fitting on `fit_on` only when it
/// is given (else on all shared labels) and never on the `free` ones.
pub fn align(
    source: &Space,
    target: &Space,
    fit_on: Option<&[String]>,
    free: &[String],
) -> Result<Alignment, AlignError> {
    let (dims, tdims) = (source.dims(), target.dims());
    if dims != tdims {
        return Err(AlignError::Dimensions(dims, tdims));
    }
    for space in [source, target] {
        for (k, label) in space.labels.iter().enumerate() {
            let ok = |rows: &[Vec<f64>], d: usize| {
                rows.get(k).is_some_and(|r| r.len() == d && r.iter().all(|v| v.is_finite()))
            };
            if !ok(&space.real, dims.0) || !ok(&space.imaginary, dims.1) {
                return Err(AlignError::BadRow(label.clone()));
            }
        }
    }
    let target_index: std::collections::HashMap<&str, usize> =
        target.labels.iter().enumerate().map(|(k, l)| (l.as_str(), k)).collect();
    let shared: Vec<(usize, usize)> =
        source.labels.iter().enumerate().filter_map(|(k, l)| target_index.get(l.as_str()).map(|&t| (k, t))).collect();
    let fitted =
        |label: &str| fit_on.is_none_or(|set| set.iter().any(|w| w == label)) && !free.iter().any(|w| w == label);
    let fit: Vec<(usize, usize)> = shared.iter().copied().filter(|&(s, _)| fitted(&source.labels[s])).collect();
    if fit.len() < 2 {
        return Err(AlignError::TooFew(fit.len()));
    }
    // Per block: centroids over the fitted concepts, the rotation, and every source point moved.
    let block = |src: &[Vec<f64>], tgt: &[Vec<f64>], d: usize| {
        let p = matrix(&fit.iter().map(|&(s, _)| &src[s]).collect::<Vec<_>>(), d);
        let q = matrix(&fit.iter().map(|&(_, t)| &tgt[t]).collect::<Vec<_>>(), d);
        let (cp, cq) = (centroid(&p), centroid(&q));
        let centre = |m: &DMatrix<f64>, c: &[f64]| DMatrix::from_fn(m.nrows(), d, |i, j| m[(i, j)] - c[j]);
        let r = kabsch(&centre(&p, &cp), &centre(&q, &cq));
        let moved: Vec<Vec<f64>> = src
            .iter()
            .map(|row| (0..d).map(|j| (0..d).map(|i| (row[i] - cp[i]) * r[(i, j)]).sum::<f64>() + cq[j]).collect())
            .collect();
        let rows: Vec<Vec<f64>> = (0..d).map(|i| (0..d).map(|j| r[(i, j)]).collect()).collect();
        (moved, rows)
    };
    let (real, rotation_real) = block(&source.real, &target.real, dims.0);
    let (imaginary, rotation_imaginary) = block(&source.imaginary, &target.imaginary, dims.1);
    // `+ 0.0`: an empty block sums to −0.0, which would print as "-0".
    let norm2 = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() + 0.0;
    let displacements: Vec<Displacement> = shared
        .iter()
        .map(|&(s, t)| {
            let (dr, di) = (norm2(&real[s], &target.real[t]), norm2(&imaginary[s], &target.imaginary[t]));
            let j = dr - di;
            Displacement {
                label: source.labels[s].clone(),
                fitted: fitted(&source.labels[s]),
                real: dr.sqrt(),
                imaginary: di.sqrt(),
                j,
                sqrt_abs_j: j.abs().sqrt(),
                euclidean: (dr + di).sqrt(),
            }
        })
        .collect();
    let fitted_d: Vec<f64> = displacements.iter().filter(|d| d.fitted).map(|d| d.euclidean.powi(2)).collect();
    let rms = (fitted_d.iter().sum::<f64>() / fitted_d.len() as f64).sqrt();
    Ok(Alignment {
        labels: source.labels.clone(),
        real,
        imaginary,
        displacements,
        rotation_real,
        rotation_imaginary,
        n_fitted: fit.len(),
        rms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(labels: &[&str], real: Vec<Vec<f64>>, imaginary: Vec<Vec<f64>>) -> Space {
        Space { labels: labels.iter().map(|l| (*l).to_owned()).collect(), real, imaginary }
    }

    /// A rotated, shifted copy is put back exactly: source = target rotated by 90° about z and
    /// shifted by (5, −1, 2) in the real block, the imaginary block mirrored (−x) — a
    /// reflection, which a proper rotation cannot undo in 1-D, so there it stays displaced.
    #[test]
    fn a_rotated_shifted_copy_is_recovered_and_displacements_are_hand_computed() {
        let target_real = vec![vec![1.0, 0.0, 0.0], vec![0.0, 2.0, 0.0], vec![0.0, 0.0, 3.0], vec![1.0, 1.0, 1.0]];
        let rot = |p: &Vec<f64>| vec![-p[1] + 5.0, p[0] - 1.0, p[2] + 2.0];
        let source_real: Vec<Vec<f64>> = target_real.iter().map(rot).collect();
        let target_imag = vec![vec![1.0], vec![2.0], vec![3.0], vec![6.0]];
        let source_imag: Vec<Vec<f64>> = target_imag.iter().map(|p| vec![-p[0]]).collect();
        let mut source = space(&["a", "b", "c", "d"], source_real, source_imag);
        source.labels.push("only-source".into());
        source.real.push(vec![5.0, -1.0, 2.0]);
        source.imaginary.push(vec![0.0]);
        let target = space(
            &["d", "c", "b", "a"],
            target_real.into_iter().rev().collect(),
            target_imag.into_iter().rev().collect(),
        );
        let al = align(&source, &target, None, &[]).unwrap();
        assert_eq!(al.n_fitted, 4);
        for d in &al.displacements {
            assert!(d.real < 1e-12, "{d:?}");
        }
        // The shift's own point maps to the target's origin of the rotation.
        assert!(al.real[4].iter().all(|v| v.abs() < 1e-12), "{:?}", al.real[4]);
        // Imaginary block in 1-D: only the identity is proper; centred source −x + 3 vs x − 3:
        // displacement |2(x − 3)| for x = 1, 2, 3, 6 → 4, 2, 0, 6.
        let by = |l: &str| al.displacements.iter().find(|d| d.label == l).unwrap();
        for (l, want) in [("a", 4.0), ("b", 2.0), ("c", 0.0), ("d", 6.0)] {
            let d = by(l);
            assert!((d.imaginary - want).abs() < 1e-12, "{l}: {d:?}");
            assert!((d.j + want * want).abs() < 1e-9 && (d.sqrt_abs_j - want).abs() < 1e-9);
            assert!((d.euclidean - want).abs() < 1e-9);
        }
        assert!((al.rms - ((16.0 + 4.0 + 0.0 + 36.0) / 4.0f64).sqrt()).abs() < 1e-12);
        // Restricted fits, and what is refused.
        let fit_on = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let restricted = align(&source, &target, Some(&fit_on), &["c".to_owned()]).unwrap();
        assert_eq!(restricted.n_fitted, 2);
        let fitted: Vec<&str> =
            restricted.displacements.iter().filter(|d| d.fitted).map(|d| d.label.as_str()).collect();
        assert_eq!(fitted, ["a", "b"]);
        assert_eq!(restricted.displacements.len(), 4, "every shared concept is reported");
        assert_eq!(align(&source, &target, Some(&fit_on[..1]), &[]), Err(AlignError::TooFew(1)));
        let flat = space(&["a", "b"], vec![vec![0.0, 1.0], vec![1.0, 0.0]], vec![vec![], vec![]]);
        assert!(matches!(align(&source, &flat, None, &[]), Err(AlignError::Dimensions(..))));
        let mut bad = source.clone();
        bad.real[0][0] = f64::NAN;
        assert_eq!(align(&bad, &target, None, &[]), Err(AlignError::BadRow("a".into())));
    }
}
