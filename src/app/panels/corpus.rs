//! The Corpus tab: a folder of conversations as a table of their figures (open any one, put
//! it in group A or B), the corpus network pooled over all of them (its top concepts and map),
//! and comparisons — group A against group B, or two speakers of the conversation on show —
//! with the concepts that differ most, what only one side has, and the joint map coloured by
//! side.

use egui::{Color32, RichText, Ui};
use egui_plot::{Plot, PlotPoint, Points, Text};

use super::{Action, no_data};
use crate::app::jobs::Purpose;
use crate::app::view::{Tab, View};

/// Concepts listed per comparison table and pool.
const LISTED: usize = 25;
/// Concepts labelled on a map.
const LABELLED: usize = 20;

const A_COLOUR: Color32 = Color32::from_rgb(31, 119, 180);
const B_COLOUR: Color32 = Color32::from_rgb(255, 127, 14);

/// The tab.
pub fn corpus_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical().id_salt("corpus_scroll").show(ui, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button("Open folder…")
                .on_hover_text("Every .txt, .md and .pdf in a folder and its subfolders")
                .clicked()
            {
                actions.push(Action::Choose(Purpose::OpenCorpus));
            }
            match (&view.corpus.corpus, view.corpus.opening) {
                (_, Some(_)) => {
                    ui.spinner();
                    ui.label("reading and analysing the conversations…");
                }
                (Some(c), None) => {
                    let failed = c.rows.iter().filter(|r| r.figures.is_err()).count();
                    ui.label(format!("{} conversations in {} ({failed} failed)", c.rows.len(), c.folder.display()));
                }
                (None, None) => {
                    ui.label(RichText::new("open a folder of conversations to compare them and pool them").weak());
                }
            }
        });
        table_ui(ui, view, actions);
        ui.separator();
        controls_ui(ui, view, actions);
        if let Some(what) = view.corpus.working {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("{what}…"));
            });
        }
        pooled_ui(ui, view);
        compared_ui(ui, view, actions);
    });
}

fn table_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let Some(corpus) = view.corpus.corpus.clone() else { return };
    egui::ScrollArea::both().id_salt("corpus_table").max_height(260.0).show(ui, |ui| {
        egui::Grid::new("corpus_grid").striped(true).num_columns(11).show(ui, |ui| {
            for h in [
                "group",
                "",
                "conversation",
                "speakers",
                "exchanges",
                "tokens",
                "neurons",
                "connections",
                "Σ mass",
                "top concepts",
                "",
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (k, row) in corpus.rows.iter().enumerate() {
                for (group, name) in [(&mut view.corpus.group_a, "A"), (&mut view.corpus.group_b, "B")] {
                    let mut on = group.contains(&k);
                    if ui.checkbox(&mut on, name).on_hover_text(format!("{} in group {name}", row.key)).changed() {
                        if on {
                            group.insert(k)
                        } else {
                            group.remove(&k)
                        };
                    }
                }
                ui.label(&row.key);
                match &row.figures {
                    Ok(f) => {
                        ui.label(f.speakers.len().to_string());
                        ui.label(f.exchanges.to_string());
                        ui.label(f.tokens.to_string());
                        ui.label(f.neurons.to_string());
                        ui.label(f.connections.to_string());
                        ui.label(format!("{:.1}", f.sum_mass));
                        let top: Vec<&str> = f.top_mass.iter().take(5).map(|(w, _)| w.as_str()).collect();
                        ui.label(top.join(", "));
                    }
                    Err(e) => {
                        for _ in 0..6 {
                            ui.label("");
                        }
                        ui.label(RichText::new(format!("failed: {e}")).color(ui.visuals().error_fg_color));
                    }
                }
                if ui.button("open").on_hover_text("Open this conversation in the map").clicked() {
                    actions.push(Action::Open(row.path.clone()));
                    view.widgets.tab = Tab::Map;
                }
                ui.end_row();
            }
        });
    });
}

fn controls_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let c = &mut view.corpus;
    let idle = c.working.is_none();
    ui.horizontal_wrapped(|ui| {
        let has_corpus = c.corpus.as_ref().is_some_and(|c| c.rows.iter().any(|r| r.figures.is_ok()));
        if ui
            .add_enabled(has_corpus && idle, egui::Button::new("Pool into one network"))
            .on_hover_text("One network learned over every conversation in name order, each with its own speakers")
            .clicked()
        {
            actions.push(Action::PoolCorpus);
        }
        let groups = !c.group_a.is_empty() && !c.group_b.is_empty();
        if ui
            .add_enabled(groups && idle, egui::Button::new("Compare A with B"))
            .on_hover_text("Tick conversations in columns A and B: each group is pooled and the two compared")
            .clicked()
        {
            actions.push(Action::CompareGroups);
        }
    });
    let speakers = view.run.summary.as_ref().map(|s| s.speakers.clone()).unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        ui.label("Speakers of the conversation on show:");
        for (label, chosen) in [("as A", &mut c.speaker_a), ("as B", &mut c.speaker_b)] {
            egui::ComboBox::from_label(label).selected_text(chosen.as_str()).show_ui(ui, |ui| {
                for s in &speakers {
                    ui.selectable_value(chosen, s.clone(), s);
                }
            });
        }
        let ready = !c.speaker_a.is_empty() && !c.speaker_b.is_empty() && c.speaker_a != c.speaker_b;
        if ui
            .add_enabled(ready && idle, egui::Button::new("Compare speakers"))
            .on_hover_text(
                "Each speaker's network learned over their own turns; the joint map is the whole conversation's",
            )
            .clicked()
        {
            actions.push(Action::CompareSpeakers(c.speaker_a.clone(), c.speaker_b.clone()));
        }
    });
}

fn pooled_ui(ui: &mut Ui, view: &View) {
    let Some(pooled) = &view.corpus.pooled else { return };
    ui.separator();
    let n = &pooled.network;
    ui.label(
        RichText::new(format!(
            "Corpus network: {} exchanges by {} speakers, {} neurons, {} connections",
            pooled.detection.exchanges.len(),
            pooled.detection.speakers.len(),
            n.n_neurons(),
            n.connections.len()
        ))
        .strong(),
    );
    let masses = crate::analysis::mass::concept_masses(n);
    let top = crate::analysis::mass::top_concepts(n, &masses, LISTED);
    ui.label(top.iter().map(|(w, m)| format!("{w} {m:.1}")).collect::<Vec<_>>().join(" · "));
    let map = &pooled.map;
    let points: Vec<(String, [f64; 2], f32, Color32)> = map
        .labels
        .iter()
        .zip(&map.coords)
        .map(|(l, c)| (l.clone(), [c[0], c[1]], 3.0, Color32::from_rgb(90, 127, 181)))
        .collect();
    map_plot(ui, "corpus_pool_map", &points);
}

fn compared_ui(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    let Some(compared) = &view.corpus.compared else { return };
    let (c, sides) = (&compared.result.comparison, &compared.sides);
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{} ({} exchanges) vs {} ({} exchanges)",
                sides.a,
                compared.result.a.detection.exchanges.len(),
                sides.b,
                compared.result.b.detection.exchanges.len()
            ))
            .strong(),
        );
        if ui.button("Export comparison…").on_hover_text("CSV tables and the joint map (SVG)").clicked() {
            actions.push(Action::Choose(Purpose::ExportComparison));
        }
    });
    ui.label(format!(
        "only in A: {} · only in B: {} · in both: {} · shared associations: {}",
        c.only("a").count(),
        c.only("b").count(),
        c.only("both").count(),
        c.shared.len()
    ));
    let mut rows: Vec<_> = c.concepts.iter().collect();
    rows.sort_by(|x, y| y.share_difference().abs().total_cmp(&x.share_difference().abs()).then(x.word.cmp(&y.word)));
    egui::Grid::new("corpus_compare_grid").striped(true).show(ui, |ui| {
        for h in ["concept", "in", "mass A", "mass B", "share A − B"] {
            ui.label(RichText::new(h).strong());
        }
        ui.end_row();
        let mass = |m: Option<f64>| m.map_or_else(|| "—".to_owned(), |m| format!("{m:.2}"));
        for r in rows.iter().take(LISTED) {
            ui.label(&r.word);
            ui.label(r.sides());
            ui.label(mass(r.mass_a));
            ui.label(mass(r.mass_b));
            ui.label(format!("{:+.4}", -r.share_difference()));
            ui.end_row();
        }
    });
    ui.label(RichText::new(format!("Joint map (blue: more in {}, orange: more in {})", sides.a, sides.b)).strong());
    let points: Vec<(String, [f64; 2], f32, Color32)> = compared
        .result
        .joint_points()
        .into_iter()
        .map(|p| {
            let total = p.mass_a + p.mass_b;
            let t = if total > 0.0 { (p.mass_b / total) as f32 } else { 0.5 };
            (p.label, [p.coords[0], p.coords[1]], 2.0 + 6.0 * (total as f32).sqrt().min(8.0) / 8.0, blend(t))
        })
        .collect();
    map_plot(ui, "corpus_joint_map", &points);
    match &compared.alignment {
        Ok(al) => {
            ui.label(
                RichText::new(format!(
                    "Galileo alignment of A's map onto B's: {} shared concepts, RMS displacement {:.4}",
                    al.n_fitted, al.rms
                ))
                .strong(),
            );
            let mut moved: Vec<_> = al.displacements.iter().collect();
            moved.sort_by(|x, y| y.euclidean.total_cmp(&x.euclidean).then(x.label.cmp(&y.label)));
            let shown: Vec<String> =
                moved.iter().take(LISTED).map(|d| format!("{} {:.3}", d.label, d.euclidean)).collect();
            ui.label(format!("moved most: {}", shown.join(" · ")));
        }
        Err(e) => {
            ui.label(RichText::new(format!("no Galileo alignment: {e}")).weak());
        }
    }
}

/// Blue (side A) … orange (side B).
fn blend(t: f32) -> Color32 {
    let mix = |a: u8, b: u8| (f32::from(a) * (1.0 - t) + f32::from(b) * t).round() as u8;
    Color32::from_rgb(mix(A_COLOUR.r(), B_COLOUR.r()), mix(A_COLOUR.g(), B_COLOUR.g()), mix(A_COLOUR.b(), B_COLOUR.b()))
}

/// Labelled points (label, position, radius, colour), the first [`LABELLED`] named.
fn map_plot(ui: &mut Ui, id: &str, points: &[(String, [f64; 2], f32, Color32)]) {
    if points.is_empty() {
        no_data(ui, 200.0, "no concepts to map");
        return;
    }
    let ink = ui.visuals().strong_text_color();
    Plot::new(id.to_owned()).height(320.0).data_aspect(1.0).show(ui, |plot| {
        for (k, (label, p, radius, colour)) in points.iter().enumerate() {
            plot.points(Points::new("", vec![*p]).radius(*radius).color(*colour).filled(true));
            if k < LABELLED {
                plot.text(
                    Text::new("", PlotPoint::new(p[0], p[1]), format!("  {label}"))
                        .color(ink)
                        .anchor(egui::Align2::LEFT_CENTER),
                );
            }
        }
    });
}
