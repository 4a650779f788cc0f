//! How stable a map is over an ensemble of replicates (seeds of the windowed engine's draws,
//! bootstrap resamples of the exchanges): per concept, its mass's mean and 95% percentile
//! interval, how often it is among a replicate's top concepts, and its map position across
//! replicates after generalised Procrustes alignment (mean and covariance).
//!
//! Positions come from each replicate's map over one fixed concept set (the reference
//! replicate's map), so rows pair by label; a concept a replicate lacks is left out of that
//! replicate's fit and of its statistics, never put at the origin.

use crate::analysis::procrustes;

/// What one replicate contributes; concepts are ids into a label table the caller keeps
/// (one for all replicates, so a replicate costs 16 bytes per concept, not a string each).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replicate {
    /// Every concept's mass by label id, each id once (a concept not listed has mass 0).
    pub masses: Vec<(u32, f64)>,
    /// This replicate's own map concepts (its top N), heaviest first.
    pub top: Vec<u32>,
    /// Positions (first three map dimensions) of the reference concepts this replicate maps.
    pub positions: Vec<(u32, [f64; 3])>,
}

/// One concept's stability over the replicates.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConceptStability {
    /// The concept's label, as the map names it.
    pub concept: String,
    /// Mean mass over all replicates (0 where absent).
    pub mass_mean: f64,
    /// 2.5th percentile of the mass (linear interpolation between order statistics).
    pub mass_low: f64,
    /// 97.5th percentile of the mass.
    pub mass_high: f64,
    /// Share of replicates in which the concept is among the top N (the map's concepts).
    pub top_frequency: f64,
    /// Replicates in which the concept has a map position.
    pub mapped: usize,
    /// Mean aligned position (x, y, z), when mapped at least once.
    pub position_mean: Option<[f64; 3]>,
    /// Covariance of the aligned positions (divisor `mapped − 1`), when mapped at least twice.
    pub position_cov: Option<[[f64; 3]; 3]>,
}

/// The `q`-quantile (0 ≤ q ≤ 1) of ascending `sorted` values by linear interpolation between
/// order statistics (Hyndman & Fan's type 7, R's and NumPy's default); NaN when empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let (lo, frac) = (h.floor() as usize, h - h.floor());
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + frac * (sorted[hi] - sorted[lo])
        }
    }
}

/// The central `level` percentile interval of `values` (e.g. 0.95: the 2.5th and 97.5th).
pub fn interval(values: &[f64], level: f64) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    (quantile(&sorted, tail), quantile(&sorted, 1.0 - tail))
}

/// Rounds of generalised Procrustes: align every replicate onto the current mean shape, then
/// recompute the mean (the first round aligns onto the first replicate). Three rounds settle
/// the mean to rounding on every case tried; each is O(replicates × concepts).
const PROCRUSTES_ROUNDS: usize = 3;

/// Per-concept stability over `replicates`, whose ids name `labels`. Concepts are those in
/// any replicate's top N, heaviest mean mass first. O(entries + replicates × N) time and
/// memory: every replicate's lists are read once per pass.
pub fn stability(replicates: &[Replicate], labels: &[String]) -> Vec<ConceptStability> {
    let r = replicates.len();
    if r == 0 {
        return Vec::new();
    }
    // The concepts, in order of first appearance; `slot[id]` is a concept's row.
    let mut slot: Vec<Option<usize>> = vec![None; labels.len()];
    let mut concepts: Vec<u32> = Vec::new();
    let mut in_top: Vec<usize> = Vec::new();
    for rep in replicates {
        for &c in &rep.top {
            let row = *slot[c as usize].get_or_insert_with(|| {
                concepts.push(c);
                in_top.push(0);
                concepts.len() - 1
            });
            in_top[row] += 1;
        }
    }
    // Each concept's masses over the replicates that have it; the others add zeros.
    let mut masses: Vec<Vec<f64>> = vec![Vec::new(); concepts.len()];
    for rep in replicates {
        for &(c, m) in &rep.masses {
            if let Some(row) = slot.get(c as usize).copied().flatten() {
                masses[row].push(m);
            }
        }
    }
    let aligned = aligned_positions(replicates, labels.len());
    let mut out: Vec<ConceptStability> = concepts
        .iter()
        .enumerate()
        .map(|(row, &c)| {
            let values = &mut masses[row];
            values.resize(r, 0.0);
            let (mass_low, mass_high) = interval(values, 0.95);
            let points = aligned[c as usize].as_slice();
            ConceptStability {
                concept: labels[c as usize].clone(),
                mass_mean: values.iter().sum::<f64>() / r as f64,
                mass_low,
                mass_high,
                top_frequency: in_top[row] as f64 / r as f64,
                mapped: points.len(),
                position_mean: (!points.is_empty()).then(|| mean(points)),
                position_cov: (points.len() >= 2).then(|| covariance(points)),
            }
        })
        .collect();
    out.sort_by(|a, b| b.mass_mean.total_cmp(&a.mass_mean));
    out
}

/// Each concept's positions (by label id) over the replicates that map it, aligned by
/// generalised Procrustes onto a common mean shape.
fn aligned_positions(replicates: &[Replicate], n_labels: usize) -> Vec<Vec<[f64; 3]>> {
    let mut target: Vec<Option<[f64; 3]>> = vec![None; n_labels];
    for &(c, p) in &replicates[0].positions {
        target[c as usize] = Some(p);
    }
    let mut aligned: Vec<Vec<[f64; 3]>> = vec![Vec::new(); n_labels];
    for _ in 0..PROCRUSTES_ROUNDS {
        aligned.iter_mut().for_each(Vec::clear);
        for rep in replicates {
            let (xs, ys): (Vec<[f64; 3]>, Vec<[f64; 3]>) =
                rep.positions.iter().filter_map(|&(c, p)| target[c as usize].map(|t| (p, t))).unzip();
            let fit = procrustes::fit(&xs, &ys);
            for &(c, p) in &rep.positions {
                aligned[c as usize].push(fit.apply(p));
            }
        }
        for (t, ps) in target.iter_mut().zip(&aligned) {
            *t = (!ps.is_empty()).then(|| mean(ps));
        }
    }
    aligned
}

fn mean(points: &[[f64; 3]]) -> [f64; 3] {
    let n = points.len() as f64;
    std::array::from_fn(|i| points.iter().map(|p| p[i]).sum::<f64>() / n)
}

fn covariance(points: &[[f64; 3]]) -> [[f64; 3]; 3] {
    let m = mean(points);
    let d = (points.len() - 1) as f64;
    std::array::from_fn(|i| {
        std::array::from_fn(|j| points.iter().map(|p| (p[i] - m[i]) * (p[j] - m[j])).sum::<f64>() / d)
    })
}

/// χ²(2) at 0.95: a bivariate normal's 95% region is `xᵀ Σ⁻¹ x ≤ 5.991`.
pub const CHI2_2_95: f64 = 5.991_464_547_107_979;

/// The 95% ellipse of the (x, y) part of `cov`: semi-axes (major, minor) and the major axis's
/// angle in radians from the x axis.
pub fn ellipse_95(cov: &[[f64; 3]; 3]) -> (f64, f64, f64) {
    let (a, b, c) = (cov[0][0], cov[0][1], cov[1][1]);
    // Eigenvalues of [[a, b], [b, c]].
    let mid = (a + c) / 2.0;
    let half = (((a - c) / 2.0).powi(2) + b * b).sqrt();
    let (l1, l2) = ((mid + half).max(0.0), (mid - half).max(0.0));
    let angle = 0.5 * (2.0 * b).atan2(a - c);
    ((CHI2_2_95 * l1).sqrt(), (CHI2_2_95 * l2).sqrt(), angle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v: Vec<f64> = (1..=1000).map(f64::from).collect();
        // numpy.percentile(range(1, 1001), [2.5, 97.5]) = [25.975, 975.025].
        let (lo, hi) = interval(&v, 0.95);
        assert!((lo - 25.975).abs() < 1e-9 && (hi - 975.025).abs() < 1e-9, "{lo} {hi}");
        assert_eq!(quantile(&[3.0], 0.5), 3.0);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(interval(&[2.0, 1.0], 1.0), (1.0, 2.0));
    }

    const LABELS: [&str; 7] = ["a", "b", "c", "p", "q", "r", "m"];

    fn id(c: &str) -> u32 {
        LABELS.iter().position(|l| *l == c).unwrap() as u32
    }

    fn labels() -> Vec<String> {
        LABELS.iter().map(|l| (*l).to_owned()).collect()
    }

    fn rep(masses: &[(&str, f64)], top: &[&str], positions: &[(&str, [f64; 3])]) -> Replicate {
        Replicate {
            masses: masses.iter().map(|(c, m)| (id(c), *m)).collect(),
            top: top.iter().map(|c| id(c)).collect(),
            positions: positions.iter().map(|(c, p)| (id(c), *p)).collect(),
        }
    }

    #[test]
    fn a_rotated_copy_aligns_onto_the_original() {
        let base = [("a", [1.0, 0.0, 0.0]), ("b", [0.0, 2.0, 0.0]), ("c", [-1.0, -2.0, 0.0])];
        // The same shape turned by 90° and mirrored in y: alignment must undo both.
        let turned: Vec<(&str, [f64; 3])> = base.iter().map(|(c, p)| (*c, [p[1], p[0], 0.0])).collect();
        let reps = [rep(&[("a", 1.0)], &["a", "b", "c"], &base), rep(&[("a", 3.0)], &["a", "b"], &turned)];
        let s = stability(&reps, &labels());
        let a = s.iter().find(|c| c.concept == "a").unwrap();
        assert_eq!((a.mass_mean, a.top_frequency, a.mapped), (2.0, 1.0, 2));
        let m = a.position_mean.unwrap();
        assert!((m[0] - 1.0).abs() < 1e-9 && m[1].abs() < 1e-9, "{m:?}");
        let cov = a.position_cov.unwrap();
        assert!(cov.iter().flatten().all(|v| v.abs() < 1e-9), "{cov:?}");
        let c = s.iter().find(|c| c.concept == "c").unwrap();
        assert_eq!((c.mass_mean, c.top_frequency), (0.0, 0.5));
    }

    #[test]
    fn spread_gives_the_sample_covariance_and_its_ellipse() {
        // A fixed frame of three far concepts and one that moves along x by ±1.
        let frame = |x: f64| {
            vec![("p", [10.0, 0.0, 0.0]), ("q", [0.0, 10.0, 0.0]), ("r", [-10.0, -10.0, 0.0]), ("m", [x, 0.0, 0.0])]
        };
        let reps: Vec<Replicate> = [-1.0, 1.0, -1.0, 1.0].iter().map(|&x| rep(&[], &["m"], &frame(x))).collect();
        let s = stability(&reps, &labels());
        let cov = s[0].position_cov.unwrap();
        // Alignment may absorb a little of the motion; the x variance stays near 4/3.
        assert!((cov[0][0] - 4.0 / 3.0).abs() < 0.1 && cov[1][1] < 0.05, "{cov:?}");
        let (major, minor, angle) = ellipse_95(&[[4.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0; 3]]);
        assert!((major - (CHI2_2_95 * 4.0).sqrt()).abs() < 1e-12 && (minor - CHI2_2_95.sqrt()).abs() < 1e-12);
        assert!(angle.abs() < 1e-12);
        let (_, _, angle) = ellipse_95(&[[1.0, 0.9, 0.0], [0.9, 1.0, 0.0], [0.0; 3]]);
        assert!((angle - std::f64::consts::FRAC_PI_4).abs() < 1e-12);
    }
}
