//! Exports from the app, rendered from the frame on show (the jobs write them, and turn
//! figures into PNG): the concept list as CSV, a Markdown analysis report (the original's
//! "Generate Analysis Report") with its provenance and methods paragraph, the interchange
//! formats and figures of `crate::export` — the same bytes `huey export` and `huey figure`
//! write.

use std::fmt::Write as _;

use super::view::View;
use crate::analysis::mass::concept_masses;
use crate::analysis::stats::network_stats;
use crate::export::figure::{FigureKind, FigureOptions};
use crate::export::{ExportFile, Format, Provenance, Results};
use crate::model::options::MapOptions;
use crate::run::provenance::{Source, detection_line};

/// Where the frame on show came from; `map` are the map options it was drawn with. `None`
/// before the first frame.
pub fn provenance(view: &View, map: &MapOptions) -> Option<Provenance> {
    let (frame, s) = (view.run.frame.as_ref()?, view.run.summary.as_ref()?);
    let detection = detection_line(s.detector.as_str(), &s.strategy, s.confidence);
    let source = Source {
        name: &s.name,
        sha256: &s.input_sha256,
        exchanges: frame.done,
        speakers: &s.speakers,
        detection: &detection,
        kill_list: &s.kill_name,
        backend: frame.backend,
        device: &frame.device,
    };
    let mut opts = s.options.clone();
    opts.map = map.clone();
    // The clusters on show were made with these (a change is on its way in the next frame).
    opts.map.clusters = frame.structure.clusters.options;
    opts.backend = frame.backend;
    Some(crate::run::provenance::provenance(source, &opts, &frame.map, &frame.structure))
}

/// The files of `format` for the frame on show.
pub fn interchange(
    view: &View,
    format: Format,
    provenance: &Provenance,
    choices: &crate::export::questionnaire::Choices,
) -> Option<Vec<ExportFile>> {
    let frame = view.run.frame.as_ref()?;
    let results = Results { map: &frame.map, structure: &frame.structure, provenance };
    Some(crate::export::render(format, &results, choices))
}

/// The SVG of a `kind` figure of the frame on show.
pub fn figure_svg(
    view: &View,
    kind: FigureKind,
    provenance: &Provenance,
    opts: &FigureOptions,
) -> Option<Result<String, crate::export::figure::FigureError>> {
    let frame = view.run.frame.as_ref()?;
    let results = Results { map: &frame.map, structure: &frame.structure, provenance };
    Some(crate::export::figure::svg(kind, &results, (&frame.kernels, &frame.device), opts))
}

/// `concept,neuron_id,mass,activation,detection,confidence`, heaviest first (the speaker
/// detection's strategy and confidence in every row, so any CSV reader keeps them with the
/// numbers); `None` before the first frame.
pub fn concepts_csv(view: &View) -> Option<String> {
    let frame = view.run.frame.as_ref()?;
    let net = &frame.network;
    let masses = concept_masses(net);
    let mut ids: Vec<usize> = (0..net.words.len()).filter(|&k| !net.words[k].is_empty()).collect();
    ids.sort_by(|&a, &b| masses[b].total_cmp(&masses[a]));
    let (strategy, confidence) =
        view.run.summary.as_ref().map_or(("", f64::NAN), |s| (s.strategy.as_str(), s.confidence));
    // With an ensemble on show, each concept's stability as more columns (empty where the
    // ensemble has no such concept).
    let stability = view.run.stability.ensemble.as_ref();
    let mut out = String::from("concept,neuron_id,mass,activation,detection,confidence");
    if stability.is_some() {
        out.push_str(",mass_mean,mass_low_95,mass_high_95,top_frequency,var_x,cov_xy,var_y");
    }
    out.push('\n');
    for k in ids {
        let word = &net.words[k];
        let quoted =
            if word.contains([',', '"', '\n']) { format!("\"{}\"", word.replace('"', "\"\"")) } else { word.clone() };
        let _ = write!(out, "{quoted},{k},{},{},{strategy},{confidence}", masses[k], net.activations[k]);
        if stability.is_some() {
            match view.run.stability.of(word) {
                Some(c) => {
                    let _ = write!(out, ",{},{},{},{}", c.mass_mean, c.mass_low, c.mass_high, c.top_frequency);
                    match c.position_cov {
                        Some(v) => {
                            let _ = write!(out, ",{},{},{}", v[0][0], v[0][1], v[1][1]);
                        }
                        None => out.push_str(",,,"),
                    }
                }
                None => out.push_str(",,,,,,,"),
            }
        }
        out.push('\n');
    }
    Some(out)
}

/// A Markdown report of the run on show, with its provenance and methods paragraph; `None`
/// before the first frame.
pub fn report_markdown(view: &View, provenance: &Provenance) -> Option<String> {
    let frame = view.run.frame.as_ref()?;
    let net = &frame.network;
    let stats = network_stats(net);
    let mut md = String::from("# Huey analysis report\n\n");
    if let Some(s) = &view.run.summary {
        let _ = writeln!(md, "- Conversation: {}", s.name);
        let _ = writeln!(
            md,
            "- Speakers: {} (detected by {}, {} detector, confidence {:.2})",
            s.speakers.join(", "),
            s.strategy,
            s.options.detect.detector.as_str(),
            s.confidence
        );
        let _ = writeln!(md, "- Exchanges: {} ({} processed), tokens kept: {}", s.exchanges, frame.done, s.tokens);
    }
    let _ = writeln!(md, "- Engine ran on: {} ({} timing)\n", frame.device, frame.timing.label());
    md.push_str("## Network\n\n");
    let _ = writeln!(
        md,
        "{} neurons, {} connections, Σ strength {:.4}, Σ mass {:.4}, flow asymmetry {:.3}.\n",
        stats.neurons, stats.connections, stats.total_strength, stats.total_mass, stats.asymmetry
    );
    md.push_str("## Speakers' self-concept mass\n\n| speaker | turns | mass |\n|---|---:|---:|\n");
    let turns = |speaker: &str| {
        let s = view.run.summary.as_ref()?;
        s.exchange_text.iter().filter(|(who, _)| who == speaker).count().into()
    };
    for (s, m) in &frame.speaker_mass {
        let n: Option<usize> = turns(s);
        let _ = writeln!(md, "| {s} | {} | {m:.4} |", n.map_or_else(String::new, |n| n.to_string()));
    }
    if let Some(s) = &view.run.summary {
        let detection: Vec<String> = s
            .warnings
            .iter()
            .filter_map(|w| match w {
                crate::run::notice::Notice::Detection(d) => Some(format!("- {d}")),
                _ => None,
            })
            .collect();
        if !detection.is_empty() {
            let _ = writeln!(md, "\nSpeaker detection:\n\n{}", detection.join("\n"));
        }
    }
    md.push_str("\n## Top concepts by mass\n\n| concept | mass |\n|---|---:|\n");
    let masses = concept_masses(net);
    for (w, m) in crate::analysis::mass::top_concepts(net, &masses, 20) {
        let _ = writeln!(md, "| {w} | {m:.4} |");
    }
    let map = &frame.map;
    md.push_str("\n## Concept map\n\n");
    let _ = writeln!(
        md,
        "{} concepts; eigenvalues {}; warp {}; variance explained by the top three {}.",
        map.labels.len(),
        map.eigenvalues.iter().take(6).map(|l| format!("{l:.4}")).collect::<Vec<_>>().join(", "),
        map.warp.map_or_else(|| "n/a".to_owned(), |w| format!("{w:.4}")),
        map.variance_top3_pct.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}%"))
    );
    let structure = &frame.structure;
    let c = &structure.clusters;
    md.push_str("\n## Clusters\n\n");
    match &c.problem {
        Some(problem) => {
            let _ = writeln!(md, "None: {problem}.");
        }
        None => {
            let _ = writeln!(
                md,
                "{} Leiden clusters ({} quality, resolution {}, seed {}), modularity {:.4}.\n\n| cluster | concepts | top concepts | mean stability |\n|---:|---:|---|---:|",
                c.len(),
                c.options.quality.as_str(),
                c.options.resolution,
                c.options.seed,
                c.modularity
            );
            for k in 0..c.len() {
                let members = &c.members[k];
                let stable = members.iter().map(|&i| c.stability[i]).sum::<f64>() / members.len().max(1) as f64;
                let _ =
                    writeln!(md, "| {} | {} | {} | {stable:.2} |", k + 1, members.len(), c.name(&structure.graph, k));
            }
        }
    }
    md.push_str("\n## Strongest connections\n\n| from | to | strength | mass |\n|---|---|---:|---:|\n");
    for (from, to, s, m) in stats.strongest.iter().take(10) {
        let _ = writeln!(md, "| {from} | {to} | {s:.4} | {m:.4} |");
    }
    md.push_str("\n## Methods\n\n");
    md.push_str(&provenance.methods());
    md.push_str("\n\n## Provenance\n\n```text\n");
    md.push_str(&provenance.lines());
    md.push_str("```\n");
    Some(md)
}
