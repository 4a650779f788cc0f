//! Top-k eigenpairs (largest algebraic) of a symmetric operator given only as `y = A·x`:
//! Lanczos with full reorthogonalisation and explicit restarts.
//!
//! Used for concept maps too large for a dense solve. Krylov spaces are shift-invariant, so the
//! largest *algebraic* Ritz values are taken directly (no shift needed, unlike solvers that
//! return the largest magnitude).

use nalgebra::{DMatrix, SymmetricEigen};

/// Result of a partial eigen-solve.
#[derive(Clone, Debug)]
pub struct TopEigen {
    /// Eigenvalues, largest first.
    pub values: Vec<f64>,
    /// Unit eigenvectors, same order.
    pub vectors: Vec<Vec<f64>>,
    /// Whether every pair met the residual tolerance.
    pub converged: bool,
    /// Operator applications used.
    pub matvecs: usize,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalize(v: &mut [f64]) -> f64 {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    norm
}

/// Deterministic start vector (a fixed LCG), so maps do not change between runs.
fn start_vector(n: usize) -> Vec<f64> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        })
        .collect()
}

/// The `k` largest eigenpairs of the `n×n` symmetric operator `apply(x, y)` (y ← A·x).
///
/// `project` is applied to every basis vector (e.g. to stay orthogonal to a known null vector).
pub fn top_eigenpairs(
    n: usize,
    k: usize,
    tol: f64,
    mut apply: impl FnMut(&[f64], &mut [f64]),
    project: impl Fn(&mut [f64]),
) -> TopEigen {
    let k = k.min(n);
    let m_cap = n.min((8 * k + 40).max(60));
    let mut start = start_vector(n);
    let mut matvecs = 0;
    let mut best = TopEigen { values: Vec::new(), vectors: Vec::new(), converged: false, matvecs: 0 };
    for _restart in 0..8 {
        project(&mut start);
        if normalize(&mut start) == 0.0 {
            break;
        }
        let mut basis: Vec<Vec<f64>> = vec![start.clone()];
        let (mut alpha, mut beta) = (Vec::new(), Vec::new());
        let mut w = vec![0.0; n];
        let mut done = false;
        for j in 0..m_cap {
            apply(&basis[j], &mut w);
            matvecs += 1;
            project(&mut w);
            let a = dot(&w, &basis[j]);
            alpha.push(a);
            // Full reorthogonalisation (twice is enough), which also removes the α/β terms.
            for _ in 0..2 {
                for v in &basis {
                    let c = dot(&w, v);
                    w.iter_mut().zip(v).for_each(|(x, y)| *x -= c * y);
                }
            }
            let b = normalize(&mut w);
            let steps = j + 1;
            let invariant = b <= 1e-12 * alpha.iter().fold(1e-300_f64, |m, x| m.max(x.abs()));
            if steps >= k && (steps % 10 == 0 || invariant || steps == m_cap) {
                let (values, ritz, residuals) = ritz_pairs(&alpha, &beta, b, k);
                let scale = values.iter().fold(1e-300_f64, |m, x| m.max(x.abs()));
                let converged = invariant || residuals.iter().all(|r| *r <= tol * scale);
                if converged || steps == m_cap {
                    best = TopEigen { vectors: ritz_vectors(&basis, &ritz), values, converged, matvecs };
                    done = converged;
                    break;
                }
            }
            if invariant {
                break;
            }
            beta.push(b);
            basis.push(w.clone());
        }
        if done {
            break;
        }
        // Explicit restart from the sum of the current Ritz vectors.
        start = vec![0.0; n];
        for v in &best.vectors {
            start.iter_mut().zip(v).for_each(|(s, x)| *s += x);
        }
    }
    best.matvecs = matvecs;
    best
}

/// Top-k Ritz values, their coefficient vectors in the Lanczos basis, and residual norms.
fn ritz_pairs(alpha: &[f64], beta: &[f64], last_beta: f64, k: usize) -> (Vec<f64>, Vec<Vec<f64>>, Vec<f64>) {
    let m = alpha.len();
    let t = DMatrix::from_fn(m, m, |i, j| {
        if i == j {
            alpha[i]
        } else if i + 1 == j {
            beta[i]
        } else if j + 1 == i {
            beta[j]
        } else {
            0.0
        }
    });
    let eig = SymmetricEigen::new(t);
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    order.truncate(k);
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let coeffs: Vec<Vec<f64>> = order.iter().map(|&i| eig.eigenvectors.column(i).iter().copied().collect()).collect();
    let residuals = coeffs.iter().map(|y: &Vec<f64>| (last_beta * y[m - 1]).abs()).collect();
    (values, coeffs, residuals)
}

fn ritz_vectors(basis: &[Vec<f64>], coeffs: &[Vec<f64>]) -> Vec<Vec<f64>> {
    coeffs
        .iter()
        .map(|y| {
            let mut v = vec![0.0; basis[0].len()];
            for (b, c) in basis.iter().zip(y) {
                v.iter_mut().zip(b).for_each(|(x, bi)| *x += c * bi);
            }
            normalize(&mut v);
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_dense_solver_on_a_diagonal_plus_rank_one() {
        let n = 200;
        let diag: Vec<f64> = (0..n).map(|i| if i % 3 == 0 { -5.0 } else { 10.0 } * 0.95_f64.powi(i as i32)).collect();
        let u: Vec<f64> = (0..n).map(|i| ((i * 7 % 13) as f64 - 6.0) / 10.0).collect();
        let dense = DMatrix::from_fn(n, n, |i, j| if i == j { diag[i] } else { 0.0 } + 0.5 * u[i] * u[j]);
        let apply = |x: &[f64], y: &mut [f64]| {
            let ux = dot(&u, x);
            for i in 0..n {
                y[i] = diag[i] * x[i] + 0.5 * u[i] * ux;
            }
        };
        let got = top_eigenpairs(n, 3, 1e-10, apply, |_| {});
        assert!(got.converged);
        let mut want: Vec<f64> = SymmetricEigen::new(dense).eigenvalues.iter().copied().collect();
        want.sort_by(|a, b| b.total_cmp(a));
        for (g, w) in got.values.iter().zip(&want) {
            assert!((g - w).abs() < 1e-9, "{g} vs {w}");
        }
    }
}
