//! Everything that shapes an analysis, as plain data: detection, tokenizer, engine and its
//! parameters, precision, backend, map, speaker edits. Stages read their part; sessions and
//! settings store the whole.

use super::params::{EngineParams, ParamError};

/// Which learning engine runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    /// The golden temporal engine: one update per exchange (§3.3).
    #[default]
    Temporal,
    /// The windowed engine: sliding windows with a speaker neuron (§3.4).
    Windowed,
}

impl EngineKind {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Temporal => "temporal",
            Self::Windowed => "windowed",
        }
    }
}

/// Arithmetic precision of an engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// f64: the reference mode.
    #[default]
    F64,
    /// f32: what GPU kernels compute in.
    F32,
}

impl Precision {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::F64 => "f64",
            Self::F32 => "f32",
        }
    }
}

/// Where an engine's kernels run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// Rust on the CPU.
    #[default]
    Cpu,
    /// WGSL compute shaders through wgpu, with the network resident on the device.
    Gpu,
}

impl Backend {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Gpu => "gpu",
        }
    }
}

/// Which speaker detector reads a conversation's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    /// The default: speaker labels as real transcripts write them (`Q:`, `Speaker 1:`,
    /// `**Tim Smith:**`, timestamps, chat logs, plays, screenplays), with the document around
    /// the conversation (front matter, headings, licence text) left out (`text::transcript`).
    #[default]
    Transcript,
    /// The original's `HueySpeakerDetector`, rule by rule (HUEY_REFERENCE.md §1.2).
    Reference,
}

impl Detector {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transcript => "transcript",
            Self::Reference => "reference",
        }
    }

    /// What a file written before the field existed was detected with.
    fn as_before() -> Self {
        Self::Reference
    }
}

/// Options of the speaker detector: the detector, and the reference UI's limits.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DetectOptions {
    /// Which detector runs (files without the field were read by the reference's).
    #[serde(default = "Detector::as_before")]
    pub detector: Detector,
    /// Off: the whole text is one exchange by `Author`.
    pub conversation_mode: bool,
    /// Keep only the first this many exchanges (reference: 10,000).
    pub exchange_limit: usize,
    /// Truncate longer exchange texts to this many characters plus `...` (reference: 10,000).
    pub max_exchange_chars: usize,
    /// Below this confidence, fall back to plain-text mode (reference: 0.3).
    pub min_confidence: f64,
}

/// Most exchanges any run takes (a bound on the detector's and the engines' work and memory).
pub const MAX_EXCHANGES: usize = 10_000_000;

/// Most concepts a dense map solves (its matrix is n² f64: 128 MiB at 4,000).
pub const MAX_DENSE_CONCEPTS: usize = 4_000;

fn count(ok: bool, name: &'static str, value: usize, rule: &'static str) -> Result<(), ParamError> {
    if ok { Ok(()) } else { Err(ParamError { name, value: value.to_string(), rule }) }
}

impl DetectOptions {
    /// Check the limits.
    pub fn validate(&self) -> Result<(), ParamError> {
        count(
            (1..=MAX_EXCHANGES).contains(&self.exchange_limit),
            "exchange-limit",
            self.exchange_limit,
            "must be between 1 and 10,000,000",
        )?;
        count(
            (1..=MAX_EXCHANGES).contains(&self.max_exchange_chars),
            "max-exchange-chars",
            self.max_exchange_chars,
            "must be between 1 and 10,000,000",
        )?;
        if !(self.min_confidence.is_finite() && (0.0..=1.0).contains(&self.min_confidence)) {
            return Err(ParamError {
                name: "min-confidence",
                value: super::params::shown(self.min_confidence),
                rule: "must be in [0, 1]",
            });
        }
        Ok(())
    }
}

impl Default for DetectOptions {
    fn default() -> Self {
        Self {
            detector: Detector::default(),
            conversation_mode: true,
            exchange_limit: 10_000,
            max_exchange_chars: 10_000,
            min_confidence: 0.3,
        }
    }
}

impl DetectOptions {
    /// The original's detector with its defaults.
    pub fn reference() -> Self {
        Self { detector: Detector::Reference, ..Self::default() }
    }
}

/// Which tokenizer turns an exchange's text into tokens (the rules are in `text::tokenize`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tokenizer {
    /// The reference: `text.lower().split()`, punctuation kept (`hood,` ≠ `hood`); CJK text is
    /// split into characters except for a list of protected units.
    Reference,
    /// The windowed engine's reference rule: lower-case, every character that is not a word
    /// character, whitespace or `'` becomes a space, then whitespace split.
    ReferenceWindowed,
    /// The default: clean Unicode words (UAX #29), lower-cased; contractions (`don't`, with any
    /// apostrophe) and hyphenated words (`well-known`) kept whole; punctuation and speaker
    /// labels (`Alice:`) never tokens; CJK ideographs one per token, in both engines.
    #[default]
    Words,
}

impl Tokenizer {
    /// Name as used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::ReferenceWindowed => "reference_windowed",
            Self::Words => "words",
        }
    }

    /// The tokenizer `engine` actually runs: the windowed engine has its own reference rule.
    pub fn effective(self, engine: EngineKind) -> Self {
        match (engine, self) {
            (EngineKind::Windowed, Self::Reference) => Self::ReferenceWindowed,
            (_, t) => t,
        }
    }
}

/// Options of the concept map, with the golden UI's defaults.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MapOptions {
    /// Number of concepts (reference: 50); larger than the network means all concepts.
    pub n_concepts: usize,
    /// Minimum concept mass to be a candidate (reference: 0).
    pub min_mass: f64,
    /// Up to this many concepts, solve densely (all eigenvalues); beyond, top-k Lanczos.
    pub dense_limit: usize,
    /// Eigenpairs computed by the partial solver.
    pub partial_k: usize,
    /// Leave the speakers' neurons (`Speaker_<name>` entries and the words that are a
    /// speaker's name) out of the candidates, so the map is computed without them. Off in the
    /// reference preset (the original maps them); files without the field read it as off.
    pub leave_out_speakers: bool,
    /// How the map's concepts are clustered (files without the field read the defaults).
    pub clusters: ClusterOptions,
}

/// The quality function Leiden optimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterQuality {
    /// Newman–Girvan modularity with a resolution γ (γ = 1: the classic one).
    #[default]
    Modularity,
    /// The constant Potts model: γ is a density threshold in units of association weight, so
    /// it has no resolution limit (its useful γ depends on the weights' scale).
    Cpm,
}

impl ClusterQuality {
    /// Name as on the command line and in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Modularity => "modularity",
            Self::Cpm => "cpm",
        }
    }
}

/// Leiden clustering of the map's concepts: quality function, resolution, seed, and how many
/// seeds the stability of each concept's cluster is measured over.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClusterOptions {
    /// The quality function.
    pub quality: ClusterQuality,
    /// Resolution γ (> 0; larger: more, smaller clusters).
    pub resolution: f64,
    /// Seed of Leiden's random node order (same seed, same graph: same clusters).
    pub seed: u64,
    /// Runs with seeds `seed`, `seed + 1`, … for each concept's stability (1: none measured).
    pub runs: usize,
}

/// Most Leiden runs one stability measure makes.
pub const MAX_CLUSTER_RUNS: usize = 1_000;

impl Default for ClusterOptions {
    fn default() -> Self {
        Self { quality: ClusterQuality::Modularity, resolution: 1.0, seed: 0, runs: 10 }
    }
}

impl ClusterOptions {
    /// Check the resolution and the number of runs.
    pub fn validate(&self) -> Result<(), ParamError> {
        if !(self.resolution.is_finite() && self.resolution > 0.0 && self.resolution <= 1e6) {
            return Err(ParamError {
                name: "resolution",
                value: super::params::shown(self.resolution),
                rule: "must be a number above 0 and at most 1,000,000",
            });
        }
        count((1..=MAX_CLUSTER_RUNS).contains(&self.runs), "cluster-runs", self.runs, "must be between 1 and 1,000")
    }
}

impl MapOptions {
    /// Check the map's sizes.
    pub fn validate(&self) -> Result<(), ParamError> {
        count(
            (1..=super::params::MAX_NEURONS_LIMIT).contains(&self.n_concepts),
            "concepts",
            self.n_concepts,
            "must be between 1 and 10,000,000",
        )?;
        if !(self.min_mass.is_finite() && self.min_mass >= 0.0) {
            return Err(ParamError {
                name: "min-mass",
                value: super::params::shown(self.min_mass),
                rule: "must be a number >= 0",
            });
        }
        count(
            (1..=MAX_DENSE_CONCEPTS).contains(&self.dense_limit),
            "dense-limit",
            self.dense_limit,
            "must be between 1 and 4,000",
        )?;
        count((1..=64).contains(&self.partial_k), "partial-k", self.partial_k, "must be between 1 and 64")?;
        self.clusters.validate()
    }
}

impl Default for MapOptions {
    fn default() -> Self {
        Self {
            n_concepts: 50,
            min_mass: 0.0,
            dense_limit: 400,
            partial_k: 6,
            leave_out_speakers: false,
            clusters: ClusterOptions::default(),
        }
    }
}

/// A named set of defaults for every option.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Preset {
    /// What serves researchers: clean Unicode words (`Tokenizer::Words`), the reference's
    /// engine parameters.
    #[default]
    Default,
    /// The original's behaviour exactly: its tokenizer and every one of its defaults (the
    /// parity tests run this).
    Reference,
}

impl Preset {
    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Reference => "reference",
        }
    }
}

/// Which speaker-label layout the transcript detector reads (`Auto`: the one that fits best).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelPattern {
    /// Try every layout, keep the most confident.
    #[default]
    Auto,
    /// `Name: text`, `Name:` alone before the turn, `**Name:**`, `[Name]:`, with timestamps.
    Colon,
    /// Chat and IRC logs: `<nick> text`, timestamps, system lines.
    Chat,
    /// Plays: `NAME. text`, `NAME: text`, `NAME [direction] text`.
    Play,
    /// Screenplays: an upper-case name alone on a line, the speech below it.
    Screenplay,
    /// No speakers: the text's sentences, as the original's plain-text mode.
    PlainText,
}

impl LabelPattern {
    /// Every pattern, in the order the app lists them.
    pub const ALL: [Self; 6] = [Self::Auto, Self::Colon, Self::Chat, Self::Play, Self::Screenplay, Self::PlainText];

    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Colon => "colon",
            Self::Chat => "chat",
            Self::Play => "play",
            Self::Screenplay => "screenplay",
            Self::PlainText => "plain_text",
        }
    }
}

/// Changes a user makes to the detected speakers: renaming to an existing name merges. They
/// belong to one conversation (kept with its session, never with the settings).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SpeakerEdits {
    /// (detected name, new name), applied in order.
    pub renames: Vec<(String, String)>,
    /// Speakers (after renaming) whose exchanges are left out.
    pub excluded: Vec<String>,
    /// The label layout the transcript detector reads (the reference detector has one).
    pub pattern: LabelPattern,
    /// Labels the transcript detector must not take as speakers: their lines are read as
    /// text of the turn they are in.
    pub not_speakers: Vec<String>,
}

/// Everything that shapes an analysis. `default()` is [`Preset::Default`]; missing fields of a
/// file take those defaults (a map block without `leave_out_speakers` reads it as off, as
/// such files were mapped).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AnalysisOptions {
    /// Speaker detection.
    pub detect: DetectOptions,
    /// Tokenizer (`Reference` means the chosen engine's reference rule).
    pub tokenizer: Tokenizer,
    /// The learning engine and its parameters.
    pub engine: EngineParams,
    /// Arithmetic precision of the engine.
    pub precision: Precision,
    /// Where the engine runs.
    pub backend: Backend,
    /// Concept-map options.
    pub map: MapOptions,
    /// Speakers renamed, merged or left out after detection.
    pub speaker_edits: SpeakerEdits,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self::preset(Preset::Default, EngineKind::Temporal)
    }
}

impl AnalysisOptions {
    /// The reference's defaults with engine `kind`: reproduces the original exactly.
    pub fn reference(kind: EngineKind) -> Self {
        Self::preset(Preset::Reference, kind)
    }

    /// Every option of `preset`, with engine `kind`.
    pub fn preset(preset: Preset, kind: EngineKind) -> Self {
        let base = Self {
            detect: DetectOptions::default(),
            tokenizer: Tokenizer::Words,
            engine: EngineParams::reference(kind),
            precision: Precision::default(),
            backend: Backend::default(),
            map: MapOptions::default(),
            speaker_edits: SpeakerEdits::default(),
        };
        match preset {
            // A speaker's neuron meets every word the speaker says: at a few hundred concepts it
            // squashes the rest of the map (self-concept mass has its own tab).
            Preset::Default => Self { map: MapOptions { leave_out_speakers: true, ..base.map }, ..base },
            Preset::Reference => Self { detect: DetectOptions::reference(), tokenizer: Tokenizer::Reference, ..base },
        }
    }

    /// Which preset these options are, if any (speaker edits and backend aside: they are the
    /// conversation's and the machine's, not a preset's).
    pub fn matches_preset(&self) -> Option<Preset> {
        let kind = self.engine.kind();
        let core = Self {
            speaker_edits: SpeakerEdits::default(),
            backend: Backend::default(),
            precision: Precision::default(),
            ..self.clone()
        };
        [Preset::Default, Preset::Reference].into_iter().find(|&p| core == Self::preset(p, kind))
    }

    /// Check every value: the engine's parameters, detection, map. The first violation is
    /// returned, naming the parameter.
    pub fn validate(&self) -> Result<(), ParamError> {
        self.engine.validate()?;
        self.detect.validate()?;
        self.map.validate()
    }
}
