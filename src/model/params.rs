//! Engine parameters: one common block (vocabulary cap, η, mass model) and one block per
//! engine, with the reference's defaults and validation of user values.

use super::mass::MassModel;
use super::options::EngineKind;

/// A parameter value was rejected.
#[derive(Clone, Debug, thiserror::Error, PartialEq)]
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

/// Largest magnitude a rate, constant or threshold may have (far beyond any meaningful value,
/// small enough that every sum and product of a run stays finite).
pub const MAX_MAGNITUDE: f64 = 1e6;

/// Largest η: a strength grows by at most η per pair visit, so strengths stay finite (and
/// within f32) over any run the exchange limit allows.
pub const MAX_ETA: f64 = 1e3;

impl Common {
    /// What a network must satisfy for an engine with these values to continue it: the
    /// temporal engine (`windowed` = `None`) or the windowed engine with its block.
    pub fn network_limits(&self, windowed: Option<&WindowedParams>) -> super::network::NetworkLimits {
        super::network::NetworkLimits {
            // The windowed engine never evicts a neuron of the current window, so with a cap
            // below a window's `window + 1` neurons it holds up to that many.
            max_neurons: windowed.map_or(self.max_neurons, |w| self.max_neurons.max(w.window + 1)),
            // An f32 engine clamps to `M_max` rounded to f32, which may lie just above it.
            m_max: self.mass.m_max.max(f64::from(self.mass.m_max as f32)),
            evictions: windowed.is_some(),
            self_connections: windowed.is_none(),
        }
    }
}

/// What every engine has: the vocabulary cap, the Hebbian constant and the mass model.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Common {
    /// Vocabulary cap (reference: 250). The temporal engine then skips new words; the
    /// windowed engine evicts the least important neuron.
    pub max_neurons: usize,
    /// Hebbian constant η (reference: 0.1).
    pub eta: f64,
    /// Inertial-mass model.
    pub mass: MassModel,
}

impl Default for Common {
    fn default() -> Self {
        Self { max_neurons: 250, eta: 0.1, mass: MassModel::default() }
    }
}

/// The parameters only one engine has.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Specific {
    /// The golden temporal engine (§3.3).
    Temporal(TemporalParams),
    /// The windowed engine (§3.4).
    Windowed(WindowedParams),
}

/// Everything that shapes an engine: the common block and the engine's own block.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EngineParams {
    /// Shared by both engines.
    pub common: Common,
    /// The chosen engine and its own parameters.
    pub specific: Specific,
}

impl Default for Specific {
    fn default() -> Self {
        Self::Temporal(TemporalParams::default())
    }
}

impl EngineParams {
    /// The reference's defaults for `kind`.
    pub fn reference(kind: EngineKind) -> Self {
        Self { common: Common::default(), specific: Specific::reference(kind) }
    }

    /// What a network must satisfy for the engine these parameters describe to continue it.
    pub fn network_limits(&self) -> super::network::NetworkLimits {
        match &self.specific {
            Specific::Temporal(_) => self.common.network_limits(None),
            Specific::Windowed(w) => self.common.network_limits(Some(w)),
        }
    }

    /// Which engine these parameters are for.
    pub fn kind(&self) -> EngineKind {
        match self.specific {
            Specific::Temporal(_) => EngineKind::Temporal,
            Specific::Windowed(_) => EngineKind::Windowed,
        }
    }

    /// Switch to `kind`, keeping the common block; the other engine's own block starts from
    /// the reference's defaults. Nothing changes when `kind` is already chosen.
    pub fn set_kind(&mut self, kind: EngineKind) {
        if self.kind() != kind {
            self.specific = Specific::reference(kind);
        }
    }

    /// Check every value; the first violation is returned.
    pub fn validate(&self) -> Result<(), ParamError> {
        let min_neurons = match self.specific {
            Specific::Temporal(_) => 1,
            // Eviction needs a second neuron to keep the window's speaker.
            Specific::Windowed(_) => 2,
        };
        check(
            (min_neurons..=MAX_NEURONS_LIMIT).contains(&self.common.max_neurons),
            "max-neurons",
            self.common.max_neurons,
            if min_neurons == 1 {
                "must be between 1 and 10,000,000"
            } else {
                "must be between 2 and 10,000,000 for the windowed engine"
            },
        )?;
        within("eta", self.common.eta, 0.0, false, MAX_ETA)?;
        validate_mass(&self.common.mass)?;
        match &self.specific {
            Specific::Temporal(t) => t.validate(),
            Specific::Windowed(w) => w.validate(),
        }
    }
}

impl Specific {
    /// The reference's defaults for `kind`.
    pub fn reference(kind: EngineKind) -> Self {
        match kind {
            EngineKind::Temporal => Self::Temporal(TemporalParams::default()),
            EngineKind::Windowed => Self::Windowed(WindowedParams::default()),
        }
    }
}

/// Parameters of the golden temporal engine (HUEY_REFERENCE.md §3.1, §3.3).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TemporalParams {
    /// Temporal decay constant τ of the lag weight `e^(−lag/τ)` (reference: 3).
    pub tau: f64,
    /// Per-exchange decay of connections not in the exchange (reference: 0.008).
    pub connection_decay: f64,
    /// Floor of a decayed strength (reference: 0.001).
    pub decay_floor: f64,
    /// Decay deletes a connection at or below this strength (reference: 0.002).
    pub removal_threshold: f64,
    /// End-of-exchange prune of `|s|` below this (reference: 0.01).
    pub prune_threshold: f64,
}

impl Default for TemporalParams {
    fn default() -> Self {
        Self { tau: 3.0, connection_decay: 0.008, decay_floor: 0.001, removal_threshold: 0.002, prune_threshold: 0.01 }
    }
}

impl TemporalParams {
    /// Check this block's values; the first violation is returned.
    pub fn validate(&self) -> Result<(), ParamError> {
        within("tau", self.tau, 0.0, false, MAX_MAGNITUDE)?;
        check(
            self.connection_decay.is_finite() && (0.0..1.0).contains(&self.connection_decay),
            "connection-decay",
            self.connection_decay,
            "must be in [0, 1)",
        )?;
        within("prune-threshold", self.prune_threshold, 0.0, false, MAX_MAGNITUDE)?;
        within("decay-floor", self.decay_floor, 0.0, true, MAX_MAGNITUDE)?;
        within("removal-threshold", self.removal_threshold, 0.0, true, MAX_MAGNITUDE)?;
        // The engine decays lazily (see engine::cpu::temporal); that is exact only while one
        // decay step can never take a surviving connection down to the floor or the removal
        // threshold.
        check(
            self.prune_threshold * (1.0 - self.connection_decay) > self.decay_floor.max(self.removal_threshold),
            "prune-threshold",
            self.prune_threshold,
            "times (1 - connection-decay) must exceed decay-floor and removal-threshold",
        )
    }
}

/// Parameters of the windowed engine (HUEY_REFERENCE.md §3.4); defaults are the reference's.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct WindowedParams {
    /// Tokens per window `W` (the window holds `W + 1` neurons with the speaker).
    pub window: usize,
    /// Activation decay per window (reference: 0.02) …
    pub activation_decay: f64,
    /// … down to this floor (reference: 0.01).
    pub activation_floor: f64,
    /// Decay of connections outside the window (reference: 0.008).
    pub connection_decay: f64,
    /// Floor of a decayed strength (reference: 0.001).
    pub decay_floor: f64,
    /// Decay removes a connection at or below this (reference: 0.002).
    pub removal_threshold: f64,
    /// Prune `|s|` below this after every window (reference: 0.01).
    pub prune_threshold: f64,
    /// Out-degree cap for creating connections (reference: 250).
    pub max_connections_per_neuron: usize,
    /// Probability that a new connection is created (reference: 0.35; 1.0 = deterministic).
    pub connection_prob: f64,
    /// Seed of the counter-based draws.
    pub seed: u64,
    /// Ids issued before the symmetric low→high kernel replaces the two-direction one (30).
    pub dense_kernel_min_ids: u32,
}

impl Default for WindowedParams {
    fn default() -> Self {
        Self {
            window: 7,
            activation_decay: 0.02,
            activation_floor: 0.01,
            connection_decay: 0.008,
            decay_floor: 0.001,
            removal_threshold: 0.002,
            prune_threshold: 0.01,
            max_connections_per_neuron: 250,
            connection_prob: 0.35,
            seed: 0,
            dense_kernel_min_ids: 30,
        }
    }
}

impl WindowedParams {
    /// Check this block's values; the first violation is returned.
    pub fn validate(&self) -> Result<(), ParamError> {
        check((1..=1000).contains(&self.window), "window", self.window, "must be between 1 and 1000")?;
        for (name, v) in [("connection-prob", self.connection_prob), ("activation-floor", self.activation_floor)] {
            check(v.is_finite() && (0.0..=1.0).contains(&v), name, v, "must be in [0, 1]")?;
        }
        within("prune-threshold", self.prune_threshold, 0.0, false, MAX_MAGNITUDE)?;
        for (name, v) in [("activation-decay", self.activation_decay), ("connection-decay", self.connection_decay)] {
            check(v.is_finite() && (0.0..1.0).contains(&v), name, v, "must be in [0, 1)")?;
        }
        within("decay-floor", self.decay_floor, 0.0, true, MAX_MAGNITUDE)?;
        within("removal-threshold", self.removal_threshold, 0.0, true, MAX_MAGNITUDE)?;
        check(
            (1..=MAX_NEURONS_LIMIT).contains(&self.max_connections_per_neuron),
            "max-connections-per-neuron",
            self.max_connections_per_neuron,
            "must be between 1 and 10,000,000",
        )
    }
}

fn check(ok: bool, name: &'static str, value: impl ToString, rule: &'static str) -> Result<(), ParamError> {
    if ok { Ok(()) } else { Err(ParamError { name, value: shown(value), rule }) }
}

/// A rejected value as the user reads it: a huge or tiny float prints hundreds of digits,
/// scientific notation says it in a few.
pub(crate) fn shown(value: impl ToString) -> String {
    let text = value.to_string();
    match text.parse::<f64>() {
        Ok(v) if text.len() > 16 => format!("{v:e}"),
        _ => text,
    }
}

/// `v` finite and in `(low, high]` (or `[low, high]` with `low_included`).
fn within(name: &'static str, v: f64, low: f64, low_included: bool, high: f64) -> Result<(), ParamError> {
    let ok = v.is_finite() && (v > low || (low_included && v == low)) && v <= high;
    let rule = match (low_included, high) {
        (false, MAX_ETA) => "must be a number > 0 and at most 1000",
        (false, _) => "must be a number > 0 and at most 1,000,000",
        (true, _) => "must be a number >= 0 and at most 1,000,000",
    };
    check(ok, name, v, rule)
}

/// Check the mass model's constants.
pub fn validate_mass(m: &MassModel) -> Result<(), ParamError> {
    within("mass-max", m.m_max, 0.0, false, MAX_MAGNITUDE)?;
    check(m.a0.is_finite() && m.a0.abs() <= MAX_MAGNITUDE, "mass-a0", m.a0, "must be a number within ±1,000,000")?;
    within("mass-k", m.k, 0.0, false, MAX_MAGNITUDE)?;
    within("mass-homeostatic", m.homeostatic, 0.0, true, MAX_MAGNITUDE)?;
    check(
        m.ltd_threshold.is_finite() && m.ltd_threshold.abs() <= MAX_MAGNITUDE,
        "mass-ltd-threshold",
        m.ltd_threshold,
        "must be a number within ±1,000,000",
    )?;
    check(m.rate.is_finite() && m.rate > 0.0 && m.rate <= 1.0, "mass-rate", m.rate, "must be in (0, 1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        for kind in [EngineKind::Temporal, EngineKind::Windowed] {
            EngineParams::reference(kind).validate().unwrap();
        }
    }

    #[test]
    fn bad_values_are_named() {
        let mut p = EngineParams::default();
        p.common.max_neurons = 0;
        assert_eq!(p.validate().unwrap_err().name, "max-neurons");
        let mut p = EngineParams::default();
        let Specific::Temporal(t) = &mut p.specific else { unreachable!() };
        t.tau = f64::NAN;
        assert_eq!(p.validate().unwrap_err().name, "tau");
        let p = TemporalParams { prune_threshold: 0.001, ..TemporalParams::default() };
        assert_eq!(p.validate().unwrap_err().name, "prune-threshold");
        let mut p = EngineParams::reference(EngineKind::Windowed);
        p.common.max_neurons = 1;
        assert_eq!(p.validate().unwrap_err().name, "max-neurons");
        // Values whose arithmetic would not stay finite are refused, by name.
        for eta in [f64::MAX, 1e308, 3e38, f64::INFINITY, -0.1, 0.0] {
            let mut p = EngineParams::default();
            p.common.eta = eta;
            let e = p.validate().unwrap_err();
            assert_eq!(e.name, "eta", "{eta}");
            assert!(e.to_string().contains("at most 1000") || eta <= 0.0, "{e}");
        }
        let mut p = EngineParams::default();
        p.common.mass.m_max = f64::NAN;
        assert_eq!(p.validate().unwrap_err().name, "mass-max");
        let p = WindowedParams { activation_floor: 2.0, ..WindowedParams::default() };
        assert_eq!(p.validate().unwrap_err().name, "activation-floor");
        let p = WindowedParams { max_connections_per_neuron: 0, ..WindowedParams::default() };
        assert_eq!(p.validate().unwrap_err().name, "max-connections-per-neuron");
    }

    #[test]
    fn switching_engine_keeps_the_common_block() {
        let mut p = EngineParams::default();
        p.common.eta = 0.2;
        p.set_kind(EngineKind::Windowed);
        assert_eq!(p.kind(), EngineKind::Windowed);
        assert_eq!(p.common.eta, 0.2);
        assert_eq!(p.specific, Specific::Windowed(WindowedParams::default()));
    }
}
