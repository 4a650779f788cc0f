//! Engine parameters with the reference's defaults and validation of user values.

use super::mass::MassModel;

/// A parameter value was rejected.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("invalid parameter {name} = {value}: {rule}")]
pub struct ParamError {
    /// Parameter name as on the command line.
    pub name: &'static str,
    /// The rejected value.
    pub value: String,
    /// What it must satisfy.
    pub rule: &'static str,
}

/// Largest network any engine accepts (memory grows with connections, not neurons²).
pub const MAX_NEURONS_LIMIT: usize = 10_000_000;

/// Parameters of the golden temporal engine (HUEY_REFERENCE.md §3.1, §3.3).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TemporalParams {
    /// Vocabulary cap; later new words are skipped (reference: 250).
    pub max_neurons: usize,
    /// Temporal decay constant τ of the lag weight `e^(−lag/τ)` (reference: 3).
    pub tau: f64,
    /// Hebbian constant η (reference: 0.1).
    pub eta: f64,
    /// Per-exchange decay of connections not in the exchange (reference: 0.008).
    pub connection_decay: f64,
    /// Floor of a decayed strength (reference: 0.001).
    pub decay_floor: f64,
    /// Decay deletes a connection at or below this strength (reference: 0.002).
    pub removal_threshold: f64,
    /// End-of-exchange prune of `|s|` below this (reference: 0.01).
    pub prune_threshold: f64,
    /// Inertial-mass model.
    pub mass: MassModel,
}

impl Default for TemporalParams {
    fn default() -> Self {
        Self {
            max_neurons: 250,
            tau: 3.0,
            eta: 0.1,
            connection_decay: 0.008,
            decay_floor: 0.001,
            removal_threshold: 0.002,
            prune_threshold: 0.01,
            mass: MassModel::default(),
        }
    }
}

fn check(ok: bool, name: &'static str, value: impl ToString, rule: &'static str) -> Result<(), ParamError> {
    if ok { Ok(()) } else { Err(ParamError { name, value: value.to_string(), rule }) }
}

fn positive(name: &'static str, v: f64) -> Result<(), ParamError> {
    check(v.is_finite() && v > 0.0, name, v, "must be a finite number > 0")
}

impl TemporalParams {
    /// Check every value; the first violation is returned.
    pub fn validate(&self) -> Result<(), ParamError> {
        check(
            (1..=MAX_NEURONS_LIMIT).contains(&self.max_neurons),
            "max-neurons",
            self.max_neurons,
            "must be between 1 and 10,000,000",
        )?;
        positive("tau", self.tau)?;
        positive("eta", self.eta)?;
        check(
            self.connection_decay.is_finite() && (0.0..1.0).contains(&self.connection_decay),
            "connection-decay",
            self.connection_decay,
            "must be in [0, 1)",
        )?;
        positive("prune-threshold", self.prune_threshold)?;
        check(
            self.decay_floor.is_finite() && self.decay_floor >= 0.0,
            "decay-floor",
            self.decay_floor,
            "must be >= 0",
        )?;
        check(
            self.removal_threshold.is_finite() && self.removal_threshold >= 0.0,
            "removal-threshold",
            self.removal_threshold,
            "must be >= 0",
        )?;
        // The engine decays lazily (see engine::temporal); that is exact only while one decay
        // step can never take a surviving connection down to the floor or the removal threshold.
        check(
            self.prune_threshold * (1.0 - self.connection_decay) > self.decay_floor.max(self.removal_threshold),
            "prune-threshold",
            self.prune_threshold,
            "times (1 - connection-decay) must exceed decay-floor and removal-threshold",
        )?;
        validate_mass(&self.mass)
    }
}

/// Check the mass model's constants.
pub fn validate_mass(m: &MassModel) -> Result<(), ParamError> {
    positive("mass-max", m.m_max)?;
    check(m.a0.is_finite(), "mass-a0", m.a0, "must be finite")?;
    positive("mass-k", m.k)?;
    check(m.homeostatic.is_finite() && m.homeostatic >= 0.0, "mass-homeostatic", m.homeostatic, "must be >= 0")?;
    check(m.ltd_threshold.is_finite(), "mass-ltd-threshold", m.ltd_threshold, "must be finite")?;
    check(m.rate.is_finite() && m.rate > 0.0 && m.rate <= 1.0, "mass-rate", m.rate, "must be in (0, 1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        TemporalParams::default().validate().unwrap();
    }

    #[test]
    fn bad_values_are_named() {
        let p = TemporalParams { max_neurons: 0, ..TemporalParams::default() };
        assert_eq!(p.validate().unwrap_err().name, "max-neurons");
        let p = TemporalParams { tau: f64::NAN, ..TemporalParams::default() };
        assert_eq!(p.validate().unwrap_err().name, "tau");
        let p = TemporalParams { prune_threshold: 0.001, ..TemporalParams::default() };
        assert_eq!(p.validate().unwrap_err().name, "prune-threshold");
    }
}
