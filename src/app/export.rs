//! Exports from the app, rendered as text from the frame on show (the jobs write them): the
//! concept list as CSV, and a Markdown analysis report (the original's "Generate Analysis
//! Report").

use std::fmt::Write as _;

use super::view::View;
use crate::analysis::mass::concept_masses;
use crate::analysis::stats::network_stats;

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
    let mut out = String::from("concept,neuron_id,mass,activation,detection,confidence\n");
    for k in ids {
        let word = &net.words[k];
        let quoted =
            if word.contains([',', '"', '\n']) { format!("\"{}\"", word.replace('"', "\"\"")) } else { word.clone() };
        let _ = writeln!(out, "{quoted},{k},{},{},{strategy},{confidence}", masses[k], net.activations[k]);
    }
    Some(out)
}

/// A Markdown report of the run on show; `None` before the first frame.
pub fn report_markdown(view: &View) -> Option<String> {
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
    md.push_str("\n## Strongest connections\n\n| from | to | strength | mass |\n|---|---|---:|---:|\n");
    for (from, to, s, m) in stats.strongest.iter().take(10) {
        let _ = writeln!(md, "| {from} | {to} | {s:.4} | {m:.4} |");
    }
    Some(md)
}
