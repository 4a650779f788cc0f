//! The inspector: a concept's strongest associations both ways, its connection to any other
//! concept, and keyword in context.

use egui::{RichText, Ui};

use crate::analysis::stats;
use crate::app::Action;
use crate::app::view::View;

/// The selected concept's stability over the ensemble, when one was run.
fn stability_ui(ui: &mut Ui, view: &View, selected: &str) {
    let Some(e) = &view.run.stability.ensemble else { return };
    let r = e.replicates.len();
    match view.run.stability.of(selected) {
        Some(c) => {
            let spread = c.position_cov.map_or_else(String::new, |cov| {
                format!(
                    " · position sd (aligned frame) x {:.3}, y {:.3}",
                    cov[0][0].max(0.0).sqrt(),
                    cov[1][1].max(0.0).sqrt()
                )
            });
            ui.label(format!(
                "Over {r} replicates: mass {:.3} (95% interval {:.3} – {:.3}) · in the top {} in {:.0}% · positioned in {}{spread} (the run's end)",
                c.mass_mean,
                c.mass_low,
                c.mass_high,
                e.reference_map.labels.len(),
                c.top_frequency * 100.0,
                c.mapped
            ));
        }
        None => {
            ui.label(format!("Over {r} replicates: {selected} is in no replicate's top concepts."));
        }
    }
}

/// Strongest associations of a concept (and of several: shared ones), with keyword in context.
pub fn inspector_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("No network yet.");
        return;
    };
    let net = &frame.network;
    ui.horizontal(|ui| {
        let label = ui.label("Look up any word of the network:");
        let edit =
            ui.add(egui::TextEdit::singleline(&mut view.widgets.lookup).desired_width(140.0)).labelled_by(label.id);
        let word = view.widgets.lookup.trim().to_lowercase();
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) && !word.is_empty() {
            actions.push(Action::Select(Some(word.clone())));
        }
        if !word.is_empty() && !net.word_index().contains_key(word.as_str()) {
            ui.label(format!("{word} is not a neuron"));
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Map concepts:");
        for label in frame.map.labels.iter().take(40) {
            if ui.selectable_label(view.widgets.selected.as_deref() == Some(label.as_str()), label).clicked() {
                actions.push(Action::Select(Some(label.clone())));
            }
        }
    });
    let Some(selected) = view.widgets.selected.clone() else {
        ui.label("Select a concept (here or on the map).");
        return;
    };
    let word = selected.to_lowercase();
    // Associations and occurrences once per frame and selection, not in every UI frame.
    let inspected = view.derived.inspected(&frame, view.run.summary.as_ref(), &word).clone();
    if inspected.id.is_none() {
        ui.label(format!("{selected} is not in the network now."));
        return;
    }
    let (outgoing, incoming) = (&inspected.outgoing, &inspected.incoming);
    let out_sum: f64 = outgoing.iter().map(|a| a.1).sum();
    let in_sum: f64 = incoming.iter().map(|a| a.1).sum();
    let asymmetry = if out_sum + in_sum > 0.0 { (out_sum - in_sum).abs() / (out_sum + in_sum) } else { 0.0 };
    ui.heading(format!("{selected}: flow asymmetry {asymmetry:.2}"));
    structure_ui(ui, &frame.structure, &selected);
    stability_ui(ui, view, &selected);
    ui.columns(2, |cols| {
        for (col, (title, list)) in cols.iter_mut().zip([("Outgoing", outgoing), ("Incoming", incoming)]) {
            col.label(RichText::new(title).strong());
            egui::Grid::new(title).striped(true).show(col, |ui| {
                ui.label("concept");
                ui.label("strength");
                ui.label("mass");
                ui.end_row();
                for (w, s, m) in list.iter().take(15) {
                    ui.label(w);
                    ui.label(format!("{s:.4}"));
                    ui.label(format!("{m:.3}"));
                    ui.end_row();
                }
            });
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label(format!("Connection between {selected} and"));
        ui.add(egui::TextEdit::singleline(&mut view.widgets.pair_with).desired_width(120.0)).labelled_by(label.id);
        let other = view.widgets.pair_with.trim().to_lowercase();
        if !other.is_empty() {
            match stats::pair(net, &word, &other) {
                Some(p) => ui.label(format!(
                    "{word} -> {other}: s {:.4}, mass {:.3} · {other} -> {word}: s {:.4}, mass {:.3} · asymmetry {:.2}",
                    p.forward.0,
                    p.forward.1,
                    p.backward.0,
                    p.backward.1,
                    p.asymmetry()
                )),
                None => ui.label(format!("{other} is not a concept")),
            };
        }
    });
    ui.separator();
    ui.label(RichText::new("In context").strong());
    if let Some(summary) = &view.run.summary {
        egui::ScrollArea::vertical().show(ui, |ui| {
            for kwic in &inspected.contexts {
                let text = &summary.exchange_text[kwic.exchange].1;
                let header = egui::CollapsingHeader::new(kwic_line(ui, kwic));
                header.id_salt(("kwic", kwic.exchange)).show(ui, |ui| {
                    ui.label(text);
                });
            }
            if inspected.contexts.is_empty() {
                ui.label(format!("no occurrence of \"{word}\" in the exchanges"));
            }
        });
    }
}

/// One keyword-in-context line, `#k speaker: …left keyword right…`, the keyword highlighted
/// (the pieces are cut once per frame and query, in `app::derived`).
fn kwic_line(ui: &Ui, kwic: &crate::app::derived::Kwic) -> egui::text::LayoutJob {
    let plain = egui::TextFormat { color: ui.visuals().text_color(), ..Default::default() };
    let strong = egui::TextFormat {
        color: ui.visuals().strong_text_color(),
        background: ui.visuals().selection.bg_fill,
        ..Default::default()
    };
    let mut job = egui::text::LayoutJob::default();
    job.append(&format!("#{} {}: …{}", kwic.exchange + 1, kwic.speaker, kwic.left), 0.0, plain.clone());
    job.append(&kwic.keyword, 0.0, strong);
    job.append(&format!("{}…", kwic.right), 0.0, plain);
    job
}

/// The selected concept's place in the map's structure: its cluster (and how stable it is)
/// and its centralities among the map's concepts; nothing for a concept off the map.
fn structure_ui(ui: &mut Ui, structure: &crate::analysis::structure::Structure, selected: &str) {
    let g = &structure.graph;
    let Some(node) = g.labels.iter().rposition(|l| l == selected) else {
        ui.label("Not on the map: no cluster or centralities.");
        return;
    };
    let (c, k) = (&structure.clusters, &structure.centrality);
    ui.horizontal_wrapped(|ui| {
        if let Some(&cluster) = c.of.get(node) {
            ui.label(format!(
                "cluster {} ({}) · stability {:.2} ·",
                cluster + 1,
                c.name(g, cluster),
                c.stability.get(node).copied().unwrap_or(f64::NAN)
            ));
        }
        let at = |v: &[f64]| v.get(node).copied().unwrap_or(f64::NAN);
        ui.label(format!(
            "strength out {:.3} · in {:.3} · betweenness {:.3}{} · eigenvector {:.3} · PageRank {:.4}",
            at(&k.strength_out),
            at(&k.strength_in),
            at(&k.betweenness),
            if k.betweenness_pivots.is_some() { " (estimated)" } else { "" },
            at(&k.eigenvector),
            at(&k.pagerank)
        ));
    });
}
