//! The provenance of a result, filled from what made it: the input's name and SHA-256, the
//! options (every one, as dotted names), the detection, the engine's backend and device, the
//! map and its clusters. The CLI builds it from a finished [`Analysis`]; the app from its
//! load summary and the frame on show.

use sha2::{Digest as _, Sha256};

use super::pipeline::Analysis;
use crate::analysis::concept_map::ConceptMap;
use crate::analysis::structure::Structure;
use crate::export::Provenance;
use crate::export::provenance::utc;
use crate::model::options::{AnalysisOptions, Backend};

/// What a provenance needs besides the options and the map.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The input's file name.
    pub name: &'a str,
    /// Its SHA-256 ([`sha256_hex`] of the text as read).
    pub sha256: &'a str,
    /// Exchanges learned.
    pub exchanges: usize,
    /// Speakers, in order of first appearance.
    pub speakers: &'a [String],
    /// The detector and the layout it found (`transcript detector (labeled_speakers, confidence 0.95)`).
    pub detection: &'a str,
    /// The kill list as its source describes it.
    pub kill_list: &'a str,
    /// Where the engine ran at the end (the CPU after an announced fallback).
    pub backend: Backend,
    /// The device that ran it.
    pub device: &'a str,
}

/// Lower-case hex SHA-256 of `text`'s UTF-8 bytes.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `transcript detector (labeled_speakers, confidence 0.95)`.
pub fn detection_line(detector: &str, strategy: &str, confidence: f64) -> String {
    format!("{detector} detector ({strategy}, confidence {confidence:.2})")
}

/// The provenance of `map` and `structure`, made with `opts` from `source`.
pub fn provenance(source: Source<'_>, opts: &AnalysisOptions, map: &ConceptMap, structure: &Structure) -> Provenance {
    let engine = opts.engine.kind();
    let mut parameters = Vec::new();
    // Every option, from its serialised form: a new option appears here without a change.
    if let Ok(value) = serde_json::to_value(opts) {
        flatten("", &value, &mut parameters);
    }
    Provenance {
        software: format!("huey {}", env!("CARGO_PKG_VERSION")),
        input: source.name.to_owned(),
        input_sha256: source.sha256.to_owned(),
        exchanges: source.exchanges,
        speakers: source.speakers.to_vec(),
        detection: source.detection.to_owned(),
        engine: engine.as_str().to_owned(),
        tokenizer: opts.tokenizer.effective(engine).as_str().to_owned(),
        kill_list: source.kill_list.to_owned(),
        backend: source.backend.as_str().to_owned(),
        device: source.device.to_owned(),
        precision: opts.precision.as_str().to_owned(),
        parameters,
        map: map_lines(map, structure),
        date: utc(now_or_source_date()),
    }
}

/// The provenance of a finished analysis of `text` (named `name`, kill list `kill_name`).
pub fn of_analysis(name: &str, text: &str, kill_name: &str, opts: &AnalysisOptions, a: &Analysis) -> Provenance {
    let d = &a.detection;
    let detection = detection_line(d.detector.as_str(), d.strategy.as_str(), d.confidence);
    let sha256 = sha256_hex(text);
    let source = Source {
        name,
        sha256: &sha256,
        exchanges: d.exchanges.len(),
        speakers: &d.speakers,
        detection: &detection,
        kill_list: kill_name,
        backend: a.backend,
        device: &a.device,
    };
    provenance(source, opts, &a.map, &a.structure)
}

/// The map and its clusters in sentences (the methods paragraph quotes them).
fn map_lines(map: &ConceptMap, structure: &Structure) -> Vec<String> {
    let mut lines = vec![format!(
        "The map places {} concepts by metric (Torgerson/Galileo) multidimensional scaling of \
         the inverse-strength distances, keeping negative eigenvalues ({} positive, {} negative; \
         {} spectrum).",
        map.labels.len(),
        map.n_positive,
        map.n_negative,
        match map.spectrum {
            crate::analysis::concept_map::Spectrum::Full => "full",
            crate::analysis::concept_map::Spectrum::Partial => "partial",
        }
    )];
    let c = &structure.clusters;
    let o = &c.options;
    lines.push(match &c.problem {
        Some(problem) => format!("Clusters could not be computed: {problem}."),
        None => format!(
            "Clusters: Leiden ({} quality, resolution {}, seed {}) on the symmetric association \
             weights s_ij + s_ji; {} clusters, modularity Q = {:.4}; stability over {} seeds.",
            o.quality.as_str(),
            o.resolution,
            o.seed,
            c.len(),
            c.modularity,
            o.runs
        ),
    });
    lines
}

/// `SOURCE_DATE_EPOCH` when set (reproducible files), else now.
fn now_or_source_date() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
    })
}

/// `value`'s leaves as (`a.b.c`, text) pairs.
fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    let name = |key: &str| if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                flatten(&name(key), v, out);
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            let items: Vec<String> = items.iter().map(leaf).collect();
            out.push((prefix.to_owned(), format!("[{}]", items.join(", "))));
        }
        Value::Array(items) => {
            for (k, v) in items.iter().enumerate() {
                flatten(&name(&k.to_string()), v, out);
            }
        }
        v => out.push((prefix.to_owned(), leaf(v))),
    }
}

fn leaf(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn every_option_is_a_dotted_parameter() {
        let mut out = Vec::new();
        let opts = AnalysisOptions::default();
        flatten("", &serde_json::to_value(&opts).unwrap_or_default(), &mut out);
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        for expected in ["engine.common.eta", "engine.specific.Temporal.tau", "map.clusters.resolution", "precision"] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
        assert!(out.iter().any(|(n, v)| n == "engine.common.eta" && v == "0.1"), "{out:?}");
    }

    /// The methods paragraph finds every parameter it names, for both engines.
    #[test]
    fn the_methods_paragraph_states_every_parameter_it_names() {
        use crate::model::options::EngineKind;
        let text = "Ana: the beans grew fast\nBen: the beans need sun\nAna: sun and beans\n";
        let kill = crate::text::kill_words::KillList::empty();
        for (kind, needles) in [
            (EngineKind::Temporal, vec!["τ = 3", "η = 0.1"]),
            (EngineKind::Windowed, vec!["a window of 7 tokens", "connection probability 0.35", "seed"]),
        ] {
            let opts = AnalysisOptions::preset(crate::model::options::Preset::Default, kind);
            let a = crate::run::pipeline::analyze_text(text, &opts, &kill).unwrap();
            let methods = of_analysis("talk.txt", text, "none", &opts, &a).methods();
            assert!(!methods.contains('?'), "{methods}");
            for needle in needles {
                assert!(methods.contains(needle), "{needle} missing: {methods}");
            }
            assert!(methods.contains(&sha256_hex(text)), "{methods}");
        }
    }
}
