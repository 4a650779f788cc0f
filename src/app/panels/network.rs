//! The network tab: totals, flow asymmetry and efficiency, chosen concepts' masses, the
//! strongest connections and the associations several concepts share.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use crate::app::derived::split_query;
use crate::app::view::View;

/// Totals, strongest connections, asymmetry; associations shared by several concepts.
pub fn network_ui(ui: &mut Ui, view: &mut View) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("No network yet.");
        return;
    };
    let totals = view.derived.stats(&frame).clone();
    ui.label(format!(
        "{} neurons · {} connections · Σ strength {:.3} · Σ mass {:.3} · flow asymmetry {:.3} ({} pairs differ by > 0.1)",
        totals.neurons, totals.connections, totals.total_strength, totals.total_mass, totals.asymmetry, totals.strong_asymmetric_pairs
    ));
    let flow = view.derived.flow(&frame);
    if let Some(e) = flow {
        ui.label(format!(
            "flow efficiency over the map's {} concepts: {e:.3} (max Re λ / mean Re λ, capped at 10)",
            frame.map.ids.len()
        ));
    }
    // The original's Mass tab: chosen concepts' masses side by side.
    ui.horizontal(|ui| {
        let label = ui.label("Compare masses of (comma-separated)");
        ui.add(egui::TextEdit::singleline(&mut view.widgets.mass_query).desired_width(300.0)).labelled_by(label.id);
    });
    ui.label(
        egui::RichText::new(
            "concept mass M = Σ m over the concept's connections: the map's colour and size scale (the map's \
             legend spans only the mapped concepts; its Speaker_ entries show self-concept mass instead)",
        )
        .small(),
    );
    let wanted = split_query(&view.widgets.mass_query);
    if !wanted.is_empty() {
        let masses = view.derived.masses(&frame);
        let index = frame.network.word_index();
        let (found, missing): (Vec<&String>, Vec<&String>) =
            wanted.iter().partition(|w| index.contains_key(w.as_str()));
        let bars: Vec<Bar> = found
            .iter()
            .enumerate()
            .map(|(k, w)| Bar::new(k as f64, masses[index[w.as_str()] as usize]).name(w.as_str()))
            .collect();
        if bars.is_empty() {
            super::no_data(ui, 140.0, "none of these is a concept of the network");
        } else {
            Plot::new("mass_compare")
                .height(140.0)
                .show(ui, |plot| plot.bar_chart(BarChart::new("concept mass", bars)));
        }
        let shown: Vec<String> =
            found.iter().map(|w| format!("{w} {:.3}", masses[index[w.as_str()] as usize])).collect();
        ui.label(format!("found: {}", if shown.is_empty() { "—".to_owned() } else { shown.join(", ") }));
        if !missing.is_empty() {
            ui.label(format!(
                "not in the network: {}",
                missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    ui.columns(2, |cols| {
        cols[0].label(RichText::new("Strongest connections").strong());
        egui::Grid::new("strongest").striped(true).show(&mut cols[0], |ui| {
            for (from, to, s, m) in &totals.strongest {
                ui.label(format!("{from} -> {to}"));
                ui.label(format!("{s:.4}"));
                ui.label(format!("mass {m:.3}"));
                ui.end_row();
            }
        });
        let ui = &mut cols[1];
        let label = ui.label(RichText::new("Shared associations of (comma-separated)").strong());
        ui.add(egui::TextEdit::singleline(&mut view.widgets.shared_query)).labelled_by(label.id);
        if !split_query(&view.widgets.shared_query).is_empty() {
            let shared = view.derived.shared(&frame, &view.widgets.shared_query);
            egui::Grid::new("shared").striped(true).show(ui, |ui| {
                for h in ["rank", "concept", "mean strength", "shared", "with"] {
                    ui.label(h);
                }
                ui.end_row();
                for (rank, row) in shared.iter().take(30).enumerate() {
                    ui.label((rank + 1).to_string());
                    ui.label(&row.concept);
                    ui.label(format!("{:.4}", row.mean_strength));
                    ui.label(row.shared.to_string());
                    ui.label(row.with.join(", "));
                    ui.end_row();
                }
            });
        }
    });
}
