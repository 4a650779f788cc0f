//! The inertial-mass model of a connection (HUEY_REFERENCE.md §3.2), shared by both engines.

use super::real::Real;

/// Constants of the logistic mass model; defaults are the reference's.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MassModel {
    /// Maximum mass `M_max`.
    pub m_max: f64,
    /// Activity at the logistic midpoint `A₀`.
    pub a0: f64,
    /// Logistic steepness `k`.
    pub k: f64,
    /// Homeostatic factor `h` applied above activity 0.8.
    pub homeostatic: f64,
    /// Long-term-depression threshold `θ`.
    pub ltd_threshold: f64,
    /// Mass learning rate.
    pub rate: f64,
}

impl Default for MassModel {
    fn default() -> Self {
        Self { m_max: 10.0, a0: 0.3, k: 8.0, homeostatic: 0.1, ltd_threshold: 0.15, rate: 0.15 }
    }
}

impl MassModel {
    /// The logistic target `m* = M_max / (1 + e^(−k(x − A₀)))` for activity `x`.
    pub fn target(&self, x: f64) -> f64 {
        self.m_max / (1.0 + (-self.k * (x - self.a0)).exp())
    }

    /// One update of mass `m` at activity `x`, given `target = self.target(x)`.
    pub fn update(&self, m: f64, x: f64, target: f64) -> f64 {
        let mut dm = self.rate * (target - m);
        if x > 0.8 {
            dm -= self.homeostatic * (x - 0.8) * m;
        }
        if x < self.ltd_threshold {
            dm -= 0.1 * (self.ltd_threshold - x) * m;
        }
        (m + dm).clamp(0.0, self.m_max)
    }
}

impl MassModel {
    /// [`MassModel::target`] in precision `R` (the f32 engines and their GPU kernels).
    pub fn target_in<R: Real>(&self, x: R) -> R {
        let c = R::from_f64;
        c(self.m_max) / (R::ONE + (-(c(self.k) * (x - c(self.a0)))).exp())
    }

    /// [`MassModel::update`] in precision `R`, same operation order.
    pub fn update_in<R: Real>(&self, m: R, x: R, target: R) -> R {
        let c = R::from_f64;
        update(c(self.rate), c(self.homeostatic), c(self.ltd_threshold), c(self.m_max), m, x, target)
    }
}

/// One step of the mass model with its constants in precision `R` — the CPU engines' rule and
/// the twin of `shaders/mass.wgsl` (same operation order): `Δm = rate·(goal − m)`, less
/// `h·(x − 0.8)·m` above activity 0.8 and `0.1·(θ − x)·m` below θ, clamped to [0, M_max].
pub fn update<R: Real>(rate: R, homeostatic: R, ltd: R, m_max: R, m: R, x: R, goal: R) -> R {
    let c = R::from_f64;
    let mut dm = rate * (goal - m);
    if x > c(0.8) {
        dm = dm - homeostatic * (x - c(0.8)) * m;
    }
    if x < ltd {
        dm = dm - c(0.1) * (ltd - x) * m;
    }
    let next = m + dm;
    if next < R::ZERO {
        R::ZERO
    } else if next > m_max {
        m_max
    } else {
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_at_full_activity_matches_reference() {
        // §3.2: with x = 1, m ← 0.83·m + 1.494474, fixed point 8.791021.
        let model = MassModel::default();
        let target = model.target(1.0);
        assert!((0.15 * target - 1.494_474).abs() < 1e-6);
        let mut m = 0.0;
        for _ in 0..500 {
            m = model.update(m, 1.0, target);
        }
        assert!((m - 8.791_021).abs() < 1e-6, "{m}");
        // The first step from zero mass is 0.15·m*.
        assert_eq!(model.update(0.0, 1.0, target), 0.15 * target);
        // The generic form is the same arithmetic.
        for (m, x) in [(0.0, 1.0), (3.0, 0.9604), (9.9, 0.1), (5.0, 0.5)] {
            let t = model.target(x);
            assert_eq!(model.target_in(x), t);
            assert_eq!(model.update_in(m, x, t), model.update(m, x, t));
        }
    }
}
