//! The JSON report of `huey analyze --json` (field names are part of the interface).

use super::pipeline::{Analysis, StageTimes};
use crate::analysis::mass::{concept_masses, top_concepts};

/// The concept-map part of a report.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapReport {
    /// Number of mapped concepts.
    pub n: usize,
    /// Concept labels.
    pub labels: Vec<String>,
    /// Eigenvalues, sorted descending (all of them when `spectrum` is `full`).
    pub eigenvalues: Vec<f64>,
    /// 3-D coordinates (n×3).
    pub coords: Vec<[f64; 3]>,
    /// Warp factor (`null` when infinite or for a partial spectrum).
    pub warp: Option<f64>,
    /// Corrected variance explained by the top three eigenvalues, in percent.
    pub variance_top3_pct: Option<f64>,
    /// The reference's printed figure (three most negative eigenvalues), in percent.
    pub variance_as_shipped_pct: Option<f64>,
    /// `full` or `partial`.
    pub spectrum: crate::analysis::concept_map::Spectrum,
    /// Counts of positive and negative eigenvalues (full spectrum).
    pub n_positive: usize,
    /// See `n_positive`.
    pub n_negative: usize,
}

impl MapReport {
    /// The report of map `m`.
    pub fn of(m: &crate::analysis::concept_map::ConceptMap) -> Self {
        Self {
            n: m.labels.len(),
            labels: m.labels.clone(),
            eigenvalues: m.eigenvalues.clone(),
            coords: m.coords.clone(),
            warp: m.warp.filter(|w| w.is_finite()),
            variance_top3_pct: m.variance_top3_pct,
            variance_as_shipped_pct: m.variance_as_shipped_pct,
            spectrum: m.spectrum,
            n_positive: m.n_positive,
            n_negative: m.n_negative,
        }
    }
}

/// Everything `huey analyze` reports.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Report {
    /// Input file name.
    pub file: String,
    /// Engine name.
    pub engine: String,
    /// Backend that ran the engine (`cpu`, `gpu`; `cpu` after an announced fallback).
    pub backend: String,
    /// The device that ran it, for labelling timings.
    pub device: String,
    /// Arithmetic precision of the engine (`f64`, `f32`).
    pub precision: String,
    /// Per-kernel total seconds, calls and timing method.
    pub kernels: Vec<crate::kernel::KernelRow>,
    /// Bytes held by the engine's state at the end (device memory for the GPU backend).
    pub memory_bytes: usize,
    /// Tokenizer name.
    pub tokenizer: String,
    /// Kill list used.
    pub kill_list: String,
    /// Speaker detector (`transcript`, `reference`).
    pub detector: String,
    /// Speaker-detection strategy.
    pub strategy: String,
    /// Its confidence.
    pub confidence: f64,
    /// Exchanges analysed.
    pub exchanges: usize,
    /// Speakers in order of first appearance.
    pub speakers: Vec<String>,
    /// Each speaker's turns among the exchanges analysed, as [speaker, turns].
    pub speaker_turns: Vec<(String, usize)>,
    /// Tokens as the reference counts them (see `Analysis::reference_tokens`).
    pub tokens: usize,
    /// Tokens kept after kill-word filtering.
    pub tokens_kept: usize,
    /// Hebbian pair updates.
    pub pairs: u64,
    /// Neurons.
    pub neurons: usize,
    /// Live connections.
    pub connections: usize,
    /// Self-connections among them.
    pub self_connections: usize,
    /// Σ strength.
    pub sum_strength: f64,
    /// Σ mass.
    pub sum_mass: f64,
    /// Largest mass.
    pub max_mass: f64,
    /// Top-20 concepts by mass as [word, mass].
    pub top_mass: Vec<(String, f64)>,
    /// Self-concept mass per speaker, as [speaker, mass].
    pub speaker_self_mass: Vec<(String, f64)>,
    /// The concept map.
    pub map: MapReport,
    /// Detection + engine + map, in seconds (file reading excluded).
    pub seconds_processing: f64,
    /// Per-stage seconds.
    pub stage_seconds: StageTimes,
    /// Warnings.
    pub warnings: Vec<String>,
}

impl Report {
    /// Build the report of an analysis.
    pub fn new(file: &str, kill_list: &str, a: &Analysis) -> Self {
        let precision = a.precision.as_str();
        let masses = concept_masses(&a.network);
        let m = &a.map;
        Self {
            file: file.to_owned(),
            engine: a.engine.as_str().to_owned(),
            backend: a.backend.as_str().to_owned(),
            device: a.device.clone(),
            memory_bytes: a.memory_bytes,
            precision: precision.to_owned(),
            kernels: a.kernels.clone(),
            tokenizer: a.tokenizer.as_str().to_owned(),
            kill_list: kill_list.to_owned(),
            detector: a.detection.detector.as_str().to_owned(),
            strategy: a.detection.strategy.as_str().to_owned(),
            confidence: a.detection.confidence,
            exchanges: a.detection.exchanges.len(),
            speakers: a.detection.speakers.clone(),
            speaker_turns: a.detection.speakers.iter().cloned().zip(a.detection.turns.iter().copied()).collect(),
            tokens: a.reference_tokens(),
            tokens_kept: a.n_tokens,
            pairs: a.stats.pairs(),
            neurons: a.network.n_neurons(),
            connections: a.network.connections.len(),
            self_connections: a.network.n_self_connections(),
            sum_strength: a.network.sum_strength(),
            sum_mass: a.network.sum_mass(),
            max_mass: a.network.max_mass(),
            top_mass: top_concepts(&a.network, &masses, 20),
            speaker_self_mass: a.speaker_mass.clone(),
            map: MapReport::of(m),
            seconds_processing: a.times.total_secs(),
            stage_seconds: a.times,
            warnings: a.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}
