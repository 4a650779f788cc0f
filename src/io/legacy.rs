//! Version 1 of the option block that sessions and settings files stored (both engines'
//! parameters side by side, η, the vocabulary cap and the mass model in each), read so that
//! files written before version 2 still open. The chosen engine's block becomes the new common
//! and specific blocks; the other engine's block is dropped (version 2 keeps one engine's).

use crate::model::mass::MassModel;
use crate::model::options::{
    AnalysisOptions, Backend, DetectOptions, EngineKind, MapOptions, Precision, SpeakerEdits, Tokenizer,
};
use crate::model::params::{Common, EngineParams, Specific, TemporalParams, WindowedParams};

#[derive(serde::Deserialize)]
#[serde(default)]
struct TemporalV1 {
    max_neurons: usize,
    tau: f64,
    eta: f64,
    connection_decay: f64,
    decay_floor: f64,
    removal_threshold: f64,
    prune_threshold: f64,
    mass: MassModel,
}

impl Default for TemporalV1 {
    fn default() -> Self {
        let (c, t) = (Common::default(), TemporalParams::default());
        Self {
            max_neurons: c.max_neurons,
            tau: t.tau,
            eta: c.eta,
            connection_decay: t.connection_decay,
            decay_floor: t.decay_floor,
            removal_threshold: t.removal_threshold,
            prune_threshold: t.prune_threshold,
            mass: c.mass,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(default)]
struct WindowedV1 {
    window: usize,
    max_neurons: usize,
    eta: f64,
    activation_decay: f64,
    activation_floor: f64,
    connection_decay: f64,
    decay_floor: f64,
    removal_threshold: f64,
    prune_threshold: f64,
    max_connections_per_neuron: usize,
    connection_prob: f64,
    seed: u64,
    dense_kernel_min_ids: u32,
    mass: MassModel,
}

impl Default for WindowedV1 {
    fn default() -> Self {
        let (c, w) = (Common::default(), WindowedParams::default());
        Self {
            window: w.window,
            max_neurons: c.max_neurons,
            eta: c.eta,
            activation_decay: w.activation_decay,
            activation_floor: w.activation_floor,
            connection_decay: w.connection_decay,
            decay_floor: w.decay_floor,
            removal_threshold: w.removal_threshold,
            prune_threshold: w.prune_threshold,
            max_connections_per_neuron: w.max_connections_per_neuron,
            connection_prob: w.connection_prob,
            seed: w.seed,
            dense_kernel_min_ids: w.dense_kernel_min_ids,
            mass: c.mass,
        }
    }
}

fn reference_tokenizer() -> Tokenizer {
    Tokenizer::Reference
}

/// The version-1 option block.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub struct OptionsV1 {
    detect: DetectOptions,
    /// Version 1 files were written when the reference tokenizer was the default.
    #[serde(default = "reference_tokenizer")]
    tokenizer: Tokenizer,
    engine: EngineKind,
    temporal: TemporalV1,
    windowed: WindowedV1,
    precision: Precision,
    backend: Backend,
    map: MapOptions,
    speaker_edits: SpeakerEdits,
}

impl From<OptionsV1> for AnalysisOptions {
    /// The chosen engine's block becomes the common block and the engine's own block.
    fn from(v: OptionsV1) -> Self {
        let engine = match v.engine {
            EngineKind::Temporal => {
                let t = v.temporal;
                EngineParams {
                    common: Common { max_neurons: t.max_neurons, eta: t.eta, mass: t.mass },
                    specific: Specific::Temporal(TemporalParams {
                        tau: t.tau,
                        connection_decay: t.connection_decay,
                        decay_floor: t.decay_floor,
                        removal_threshold: t.removal_threshold,
                        prune_threshold: t.prune_threshold,
                    }),
                }
            }
            EngineKind::Windowed => {
                let w = v.windowed;
                EngineParams {
                    common: Common { max_neurons: w.max_neurons, eta: w.eta, mass: w.mass },
                    specific: Specific::Windowed(WindowedParams {
                        window: w.window,
                        activation_decay: w.activation_decay,
                        activation_floor: w.activation_floor,
                        connection_decay: w.connection_decay,
                        decay_floor: w.decay_floor,
                        removal_threshold: w.removal_threshold,
                        prune_threshold: w.prune_threshold,
                        max_connections_per_neuron: w.max_connections_per_neuron,
                        connection_prob: w.connection_prob,
                        seed: w.seed,
                        dense_kernel_min_ids: w.dense_kernel_min_ids,
                    }),
                }
            }
        };
        Self {
            detect: v.detect,
            tokenizer: v.tokenizer,
            engine,
            precision: v.precision,
            backend: v.backend,
            map: v.map,
            speaker_edits: v.speaker_edits,
        }
    }
}
