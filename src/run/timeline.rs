//! A conversation over time: the network summary, concept map and speakers' self-concept mass
//! after every `every` exchanges, computed as `huey analyze --exchange-limit t` would compute
//! them at each checkpoint t (the rows `huey timeline --json` writes), or over one fixed set of
//! concepts so that positions compare over time; chosen concepts' mass and strongest
//! associations per row; each turn's self-concept mass; when each concept emerged.

use super::pipeline::Prepared;
use super::report::MapReport;
use crate::analysis::concept_map::{concept_map, concept_map_over};
use crate::analysis::mass::speaker_self_mass;
use crate::model::options::AnalysisOptions;

/// The state after `exchange` exchanges.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TimelineRow {
    /// Exchanges done.
    pub exchange: usize,
    /// Neurons.
    pub neurons: usize,
    /// Live connections.
    pub connections: usize,
    /// Σ strength.
    pub sum_strength: f64,
    /// Σ mass.
    pub sum_mass: f64,
    /// Largest mass.
    pub max_mass: f64,
    /// Self-concept mass of each speaker who has spoken by then, as [speaker, mass], in order
    /// of first appearance (as `huey analyze` lists them).
    pub speaker_self_mass: Vec<(String, f64)>,
    /// The concept map then, as `huey analyze` reports it.
    pub map: MapReport,
    /// Each mapped concept's mass (`map.labels` order).
    pub masses: Vec<f64>,
    /// The map's coordinates aligned to the previous row's aligned map (per-axis signs, then
    /// orthogonal Procrustes over the concepts both rows map), so positions are comparable
    /// from row to row; the first row as it is.
    pub aligned_coords: Vec<[f64; 3]>,
    /// The tracked concepts then ([`TimelineSpec::track`] order).
    pub tracked: Vec<Tracked>,
}

/// A tracked concept at one row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Tracked {
    /// The concept.
    pub concept: String,
    /// Its mass (`None`: not a neuron yet).
    pub mass: Option<f64>,
    /// Its strongest outgoing associations, [concept, strength], strongest first (at most
    /// [`TRACKED_ASSOCIATIONS`]).
    pub associations: Vec<(String, f64)>,
}

/// Associations kept per tracked concept and row.
pub const TRACKED_ASSOCIATIONS: usize = 5;

/// Most concepts one timeline tracks.
pub const MAX_TRACKED: usize = 100;

/// Which concepts each row maps.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConceptSet {
    /// Each row its own top N, as `huey analyze --exchange-limit t` maps them.
    #[default]
    EachRow,
    /// The top N at the end of the conversation, in every row (those not there yet absent).
    AtEnd,
    /// The top N after this many exchanges, in every row.
    AtExchange(usize),
    /// These concepts in every row.
    Given(Vec<String>),
}

/// What a timeline records.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineSpec {
    /// A row after every `every` exchanges (raised, see [`timeline`]).
    pub every: usize,
    /// The mass at which a concept has emerged.
    pub emergence_mass: f64,
    /// The concepts each row maps.
    pub concepts: ConceptSet,
    /// Concepts whose mass and associations every row records (at most [`MAX_TRACKED`]).
    pub track: Vec<String>,
}

impl TimelineSpec {
    /// Rows every `every` exchanges, each its own top N, nothing tracked, emergence at mass 1.
    pub fn every(every: usize) -> Self {
        Self { every, emergence_mass: 1.0, concepts: ConceptSet::EachRow, track: Vec::new() }
    }
}

/// A conversation over time.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Timeline {
    /// Exchanges between rows (raised to keep at most [`MAX_ROWS`] rows).
    pub every: usize,
    /// A row after every `every` exchanges and one at the end.
    pub rows: Vec<TimelineRow>,
    /// After every turn (exchange): its speaker's self-concept mass, as the original records it.
    pub turns: Vec<Turn>,
    /// Each concept's emergence: the first exchange after which its mass reached the threshold,
    /// in order of emergence.
    pub emergence: Vec<(String, usize)>,
    /// The mass a concept must reach to have emerged.
    pub emergence_mass: f64,
    /// The concepts each row maps.
    pub concepts: ConceptSet,
    /// What the run had to say (speaker detection, a full vocabulary, …), as `huey analyze`
    /// warns.
    pub warnings: Vec<String>,
}

/// One turn's speaker and their self-concept mass after it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Turn {
    /// Exchanges done (this turn is exchange `exchange`, counted from 1).
    pub exchange: usize,
    /// Who spoke it.
    pub speaker: String,
    /// Their self-concept mass after it.
    pub self_mass: f64,
}

/// Most rows one timeline computes (each maps the network once).
pub const MAX_ROWS: usize = 10_000;

/// Most mapped concepts over all rows (each row holds its map twice, raw and aligned): with
/// `--concepts 10000` rows are spaced so the JSON stays in the hundreds of MB.
pub const MAX_ROW_CONCEPTS: usize = 1_000_000;

/// Run `prepared` from exchange 0 to its end, a row after every `spec.every` exchanges and one
/// at the end. The spacing is raised so that there are at most [`MAX_ROWS`] rows and
/// [`MAX_ROW_CONCEPTS`] mapped concepts in all; the spacing used is returned with the rows.
/// [`ConceptSet::AtEnd`] runs the conversation twice (the end's top N first).
pub fn timeline(prepared: Prepared, opts: &AnalysisOptions, spec: &TimelineSpec) -> Timeline {
    timeline_with(prepared, opts, spec, &mut |_, _| {})
}

/// [`timeline`], handing each row's network to `on_network` (exchange, network) as well.
pub fn timeline_with(
    prepared: Prepared,
    opts: &AnalysisOptions,
    spec: &TimelineSpec,
    on_network: &mut dyn FnMut(usize, &crate::model::network::Network),
) -> Timeline {
    let Prepared { detection, mut pipeline, .. } = prepared;
    let total = pipeline.progress().total;
    let speakers_by = |t: usize| {
        let mut speakers: Vec<String> = Vec::new();
        for e in &detection.exchanges[..t.min(detection.exchanges.len())] {
            if !speakers.contains(&e.speaker) {
                speakers.push(e.speaker.clone());
            }
        }
        speakers
    };
    let fixed: Option<Vec<String>> = match &spec.concepts {
        ConceptSet::EachRow => None,
        ConceptSet::Given(concepts) => Some(concepts.clone()),
        ConceptSet::AtEnd | ConceptSet::AtExchange(_) => {
            // The top N then, and back to exchange 0 (the history's one checkpoint).
            let at = match spec.concepts {
                ConceptSet::AtExchange(t) => t.min(total),
                _ => total,
            };
            let mut history = super::history::History::new(usize::MAX);
            history.observe(&mut pipeline);
            pipeline.step_many(at);
            let network = pipeline.network();
            let speaker_mass = speaker_self_mass(&network, &speakers_by(at));
            let labels = concept_map(&network, &speaker_mass, &opts.map).labels;
            let _ = history.restore(&mut pipeline, 0);
            Some(labels)
        }
    };
    let every = row_spacing(total, spec, opts);
    let track = &spec.track[..spec.track.len().min(MAX_TRACKED)];
    let mut rows = Vec::new();
    let mut previous: Vec<(String, [f64; 3])> = Vec::new();
    let (mut turns, mut emergence) = (Vec::new(), Vec::new());
    let mut emerged: std::collections::HashSet<String> = std::collections::HashSet::new();
    // One exchange at a time: the turns and emergence need every exchange, the rows every K.
    while pipeline.step() {
        let t = pipeline.progress().done;
        let network = pipeline.network();
        let masses = crate::analysis::mass::concept_masses(&network);
        if let Some(e) = detection.exchanges.get(t - 1) {
            let self_mass = speaker_self_mass(&network, std::slice::from_ref(&e.speaker));
            turns.push(Turn {
                exchange: t,
                speaker: e.speaker.clone(),
                self_mass: self_mass.first().map_or(0.0, |s| s.1),
            });
        }
        for (word, &mass) in network.words.iter().zip(&masses) {
            if mass >= spec.emergence_mass && !word.is_empty() && emerged.insert(word.clone()) {
                emergence.push((word.clone(), t));
            }
        }
        if !t.is_multiple_of(every) && t != total {
            continue;
        }
        on_network(t, &network);
        let speaker_mass = speaker_self_mass(&network, &speakers_by(t));
        let map = match &fixed {
            None => concept_map(&network, &speaker_mass, &opts.map),
            Some(set) => concept_map_over(&network, &speaker_mass, &opts.map, set),
        };
        let aligned_coords = aligned(&map.labels, &map.coords, &previous);
        previous = map.labels.iter().cloned().zip(aligned_coords.iter().copied()).collect();
        let index = network.word_index();
        let tracked = track
            .iter()
            .map(|concept| {
                let id = index.get(concept.as_str()).copied();
                let associations = id.map_or_else(Vec::new, |id| {
                    let (outgoing, _) = crate::analysis::stats::associations(&network, id);
                    outgoing.into_iter().take(TRACKED_ASSOCIATIONS).map(|(c, s, _)| (c, s)).collect()
                });
                Tracked { concept: concept.clone(), mass: id.map(|id| masses[id as usize]), associations }
            })
            .collect();
        rows.push(TimelineRow {
            exchange: t,
            neurons: network.n_neurons(),
            connections: network.connections.len(),
            sum_strength: network.sum_strength(),
            sum_mass: network.sum_mass(),
            max_mass: network.max_mass(),
            speaker_self_mass: speaker_mass,
            map: MapReport::of(&map),
            masses: map.masses.clone(),
            aligned_coords,
            tracked,
        });
    }
    let warnings = detection
        .warnings
        .iter()
        .map(ToString::to_string)
        .chain(pipeline.notices().iter().map(ToString::to_string))
        .collect();
    let concepts = match spec.concepts {
        ConceptSet::AtExchange(t) => ConceptSet::AtExchange(t.min(total)),
        ref other => other.clone(),
    };
    Timeline { every, rows, turns, emergence, emergence_mass: spec.emergence_mass, concepts, warnings }
}

/// Concept names as a user types them (comma-separated lists, `--track`, the Time tab's
/// *follow*) made into the map's labels: trimmed, lower case as the tokenizer writes words
/// (a speaker's `Speaker_<Name>` entry kept as the map names it), empty ones dropped, each once.
pub fn concept_words<'a>(typed: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in typed.into_iter().flat_map(|t| t.split(',')).map(str::trim).filter(|w| !w.is_empty()) {
        let w = if w.starts_with("Speaker_") { w.to_owned() } else { w.to_lowercase() };
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// The spacing a timeline of `total` exchanges uses: `spec.every` raised so that there are at
/// most [`MAX_ROWS`] rows and [`MAX_ROW_CONCEPTS`] mapped concepts in all (a fixed set counted
/// at the most concepts it can map; a set from the run, at the top N).
pub fn row_spacing(total: usize, spec: &TimelineSpec, opts: &AnalysisOptions) -> usize {
    let fixed = match &spec.concepts {
        ConceptSet::Given(set) => Some(set.len()),
        ConceptSet::EachRow | ConceptSet::AtEnd | ConceptSet::AtExchange(_) => None,
    };
    // No row maps more concepts than the vocabulary holds (plus the speakers' entries),
    // whatever a list asks for.
    let most = opts.engine.common.max_neurons.saturating_add(64);
    let concepts = fixed.unwrap_or(opts.map.n_concepts).min(most).max(1);
    let rows_allowed = (MAX_ROW_CONCEPTS / concepts).clamp(1, MAX_ROWS);
    spec.every.max(1).max(total.div_ceil(rows_allowed))
}

/// `coords` (of `labels`) aligned to `reference` (label, aligned position) over the labels
/// both have: each axis's sign fixed first, then the best rotation or reflection.
fn aligned(labels: &[String], coords: &[[f64; 3]], reference: &[(String, [f64; 3])]) -> Vec<[f64; 3]> {
    use crate::analysis::procrustes::{fit, signs};
    let index: std::collections::HashMap<&str, [f64; 3]> = reference.iter().map(|(l, p)| (l.as_str(), *p)).collect();
    let (mine, theirs): (Vec<[f64; 3]>, Vec<[f64; 3]>) =
        labels.iter().zip(coords).filter_map(|(l, &p)| index.get(l.as_str()).map(|&q| (p, q))).unzip();
    if mine.is_empty() {
        return coords.to_vec();
    }
    let s = signs(&mine, &theirs);
    let flip = |p: [f64; 3]| [p[0] * s[0], p[1] * s[1], p[2] * s[2]];
    let flipped: Vec<[f64; 3]> = mine.iter().map(|&p| flip(p)).collect();
    let rotation = fit(&flipped, &theirs);
    coords.iter().map(|&p| rotation.apply(flip(p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_concepts_become_labels_once_each() {
        let got = concept_words(["Beans, sun,,  BEANS ", "Speaker_Ana,beans", ""]);
        assert_eq!(got, ["beans", "sun", "Speaker_Ana"]);
    }
}
