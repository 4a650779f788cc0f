//! Aligning one concept map to another so positions are comparable over time: per-axis sign
//! fixing (an eigenvector's sign is arbitrary) and orthogonal Procrustes (the rotation or
//! reflection that best maps a configuration onto a reference, about the origin, no scaling).
//! Rows are concepts both configurations have, paired by the caller; a concept one of them
//! lacks is left out of the fit, never put at the origin.

use nalgebra::{Matrix3, SVD};

/// A map's coordinates in its first three dimensions, one row per concept.
pub type Points = [[f64; 3]];

/// An orthogonal transform of 3-D coordinates (rotation, possibly with a reflection).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Alignment {
    /// Row-vector convention: a point `p` maps to `p · rotation`.
    pub rotation: Matrix3<f64>,
}

impl Default for Alignment {
    fn default() -> Self {
        Self { rotation: Matrix3::identity() }
    }
}

impl Alignment {
    /// `p` transformed.
    pub fn apply(&self, p: [f64; 3]) -> [f64; 3] {
        let r = &self.rotation;
        std::array::from_fn(|j| (0..3).map(|i| p[i] * r[(i, j)]).sum())
    }

    /// Whether the transform includes a reflection (determinant −1).
    pub fn reflects(&self) -> bool {
        self.rotation.determinant() < 0.0
    }
}

/// The orthogonal `R` minimising `‖X·R − Y‖²` over the paired rows of `points` (X) and
/// `reference` (Y), reflections allowed: with `XᵀY = U Σ Vᵀ`, `R = U Vᵀ` (Schönemann 1966).
/// Fewer than one pair, or unequal lengths, give the identity.
pub fn fit(points: &Points, reference: &Points) -> Alignment {
    if points.is_empty() || points.len() != reference.len() {
        return Alignment::default();
    }
    let mut cross = Matrix3::<f64>::zeros();
    for (x, y) in points.iter().zip(reference) {
        for i in 0..3 {
            for j in 0..3 {
                cross[(i, j)] += x[i] * y[j];
            }
        }
    }
    if !cross.iter().all(|v| v.is_finite()) {
        return Alignment::default();
    }
    let svd = SVD::new(cross, true, true);
    match (svd.u, svd.v_t) {
        (Some(u), Some(v_t)) => Alignment { rotation: u * v_t },
        _ => Alignment::default(),
    }
}

/// Per-axis signs (±1) that make each axis of `points` agree with the same axis of
/// `reference` (a non-negative sum of products over the paired rows): the least change that
/// removes an eigensolver's arbitrary sign flips between checkpoints.
pub fn signs(points: &Points, reference: &Points) -> [f64; 3] {
    std::array::from_fn(|axis| {
        let dot: f64 = points.iter().zip(reference).map(|(x, y)| x[axis] * y[axis]).sum();
        if dot < 0.0 { -1.0 } else { 1.0 }
    })
}

/// Sum of squared distances between paired rows (the fit's residual).
pub fn residual(points: &Points, reference: &Points) -> f64 {
    points.iter().zip(reference).map(|(x, y)| (0..3).map(|i| (x[i] - y[i]).powi(2)).sum::<f64>()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration with distinct spreads on each axis (so the fit is unique).
    fn known() -> Vec<[f64; 3]> {
        vec![
            [3.0, 0.5, -0.2],
            [-1.0, 2.0, 0.3],
            [0.5, -1.5, 1.0],
            [-2.0, -0.5, -0.8],
            [1.2, 0.1, 0.4],
            [-0.7, -0.6, -0.7],
        ]
    }

    fn rotated(points: &[[f64; 3]], r: &Matrix3<f64>) -> Vec<[f64; 3]> {
        let a = Alignment { rotation: *r };
        points.iter().map(|&p| a.apply(p)).collect()
    }

    #[test]
    fn a_rotated_and_reflected_copy_is_recovered_exactly() {
        let (c, s) = (0.6f64.cos(), 0.6f64.sin());
        let rotation = Matrix3::new(c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0);
        let reflection = Matrix3::new(1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0);
        let (c2, s2) = (1.1f64.cos(), 1.1f64.sin());
        let tilt = Matrix3::new(1.0, 0.0, 0.0, 0.0, c2, -s2, 0.0, s2, c2);
        let reference = known();
        for r in [rotation, reflection, rotation * reflection * tilt] {
            let moved = rotated(&reference, &r);
            let a = fit(&moved, &reference);
            let back: Vec<[f64; 3]> = moved.iter().map(|&p| a.apply(p)).collect();
            assert!(residual(&back, &reference) < 1e-24, "{}", residual(&back, &reference));
            assert!((a.rotation * r - Matrix3::identity()).abs().max() < 1e-12, "R is the inverse");
            assert_eq!(a.reflects(), r.determinant() < 0.0);
        }
    }

    #[test]
    fn signs_undo_per_axis_flips_and_nothing_else() {
        let reference = known();
        let flipped: Vec<[f64; 3]> = reference.iter().map(|p| [-p[0], p[1], -p[2]]).collect();
        assert_eq!(signs(&flipped, &reference), [-1.0, 1.0, -1.0]);
        assert_eq!(signs(&reference, &reference), [1.0, 1.0, 1.0]);
    }

    #[test]
    fn degenerate_inputs_give_the_identity() {
        assert_eq!(fit(&[], &[]), Alignment::default());
        assert_eq!(fit(&known(), &known()[..3]), Alignment::default());
        assert_eq!(fit(&[[f64::NAN, 0.0, 0.0]], &[[1.0, 0.0, 0.0]]), Alignment::default());
        // One pair: any R taking x to y's direction; the fit still maps x onto y's line.
        let a = fit(&[[1.0, 0.0, 0.0]], &[[0.0, 2.0, 0.0]]);
        let p = a.apply([1.0, 0.0, 0.0]);
        assert!((p[1] - 1.0).abs() < 1e-12 && p[0].abs() < 1e-12, "{p:?}");
    }
}
