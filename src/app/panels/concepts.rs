//! The concepts table: every mapped concept with its cluster, the cluster's stability, mass
//! and centralities, sorted by any column (click its header; again to reverse); a row click
//! selects the concept.

use egui::{RichText, Ui};

use crate::analysis::structure::Structure;
use crate::app::Action;
use crate::app::view::{ConceptColumn, View};

const COLUMNS: [(ConceptColumn, &str); 9] = [
    (ConceptColumn::Concept, "concept"),
    (ConceptColumn::Cluster, "cluster"),
    (ConceptColumn::Stability, "stability"),
    (ConceptColumn::Mass, "mass"),
    (ConceptColumn::StrengthOut, "strength out"),
    (ConceptColumn::StrengthIn, "strength in"),
    (ConceptColumn::Betweenness, "betweenness"),
    (ConceptColumn::Eigenvector, "eigenvector"),
    (ConceptColumn::PageRank, "PageRank"),
];

/// The table of the frame's concepts.
pub fn concepts_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("Load a conversation to see its concepts.");
        return;
    };
    let s = &frame.structure;
    let c = &s.clusters;
    match &c.problem {
        Some(problem) => ui.label(format!("{} concepts · no clusters: {problem}", s.graph.len())),
        None => ui.label(format!(
            "{} concepts · {} Leiden clusters ({}, resolution {}, seed {}) · modularity {:.4} · stability over {} seeds{}",
            s.graph.len(),
            c.len(),
            c.options.quality.as_str(),
            c.options.resolution,
            c.options.seed,
            c.modularity,
            c.options.runs,
            if s.centrality.betweenness_pivots.is_some() { " · betweenness estimated from pivots" } else { "" }
        )),
    };
    let (column, ascending) = view.widgets.concepts_sort;
    let descending = !ascending;
    let rows = sorted(s, column, descending);
    // Fixed column widths, so the header and the rows line up and only the rows in view are
    // laid out (a map can have 10,000 concepts).
    let width = |col: ConceptColumn| if col == ConceptColumn::Concept { 150.0 } else { 92.0 };
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::horizontal().auto_shrink([false, false]).show(ui, |ui| {
        ui.horizontal(|ui| {
            for (col, name) in COLUMNS {
                let arrow = if col == column { if descending { " ⏷" } else { " ⏶" } } else { "" };
                let header = egui::Button::new(RichText::new(format!("{name}{arrow}")).strong());
                if ui.add_sized([width(col), row_height], header).clicked() {
                    // A new column sorts descending (largest first), the label ascending.
                    view.widgets.concepts_sort =
                        if col == column { (col, !ascending) } else { (col, col == ConceptColumn::Concept) };
                }
            }
        });
        let selected = view.widgets.selected.as_deref();
        egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(ui, row_height, rows.len(), |ui, range| {
            for &node in &rows[range] {
                ui.horizontal(|ui| {
                    let label = &s.graph.labels[node];
                    let concept = egui::Button::selectable(selected == Some(label.as_str()), label.as_str());
                    if ui.add_sized([width(ConceptColumn::Concept), row_height], concept).clicked() {
                        actions.push(Action::Select(Some(label.clone())));
                    }
                    for &(col, _) in &COLUMNS[1..] {
                        ui.add_sized([width(col), row_height], egui::Label::new(cell(s, col, node)));
                    }
                });
            }
        });
    });
}

/// The graph's nodes in `column`'s order.
fn sorted(s: &Structure, column: ConceptColumn, descending: bool) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..s.graph.len()).collect();
    if column == ConceptColumn::Concept {
        rows.sort_by(|&a, &b| s.graph.labels[a].cmp(&s.graph.labels[b]));
    } else {
        rows.sort_by(|&a, &b| value(s, column, a).total_cmp(&value(s, column, b)));
    }
    if descending {
        rows.reverse();
    }
    rows
}

/// The number a column shows for `node` (NaN where there is none).
fn value(s: &Structure, column: ConceptColumn, node: usize) -> f64 {
    let at = |v: &[f64]| v.get(node).copied().unwrap_or(f64::NAN);
    let k = &s.centrality;
    match column {
        ConceptColumn::Concept => f64::NAN,
        // Cluster 1 first when descending is off: numbered by mass.
        ConceptColumn::Cluster => s.clusters.of.get(node).map_or(f64::NAN, |&c| c as f64),
        ConceptColumn::Stability => at(&s.clusters.stability),
        ConceptColumn::Mass => at(&s.graph.masses),
        ConceptColumn::StrengthOut => at(&k.strength_out),
        ConceptColumn::StrengthIn => at(&k.strength_in),
        ConceptColumn::Betweenness => at(&k.betweenness),
        ConceptColumn::Eigenvector => at(&k.eigenvector),
        ConceptColumn::PageRank => at(&k.pagerank),
    }
}

fn cell(s: &Structure, column: ConceptColumn, node: usize) -> String {
    let v = value(s, column, node);
    match column {
        _ if v.is_nan() => "—".to_owned(),
        ConceptColumn::Cluster => format!("{}", v as usize + 1),
        ConceptColumn::Stability => format!("{v:.2}"),
        ConceptColumn::PageRank => format!("{v:.4}"),
        _ => format!("{v:.3}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::graph::ConceptGraph;

    #[test]
    fn sorts_by_any_column_both_ways() {
        let s = Structure {
            graph: ConceptGraph {
                ids: vec![0, 1, 2],
                labels: vec!["b".into(), "a".into(), "c".into()],
                masses: vec![2.0, 3.0, 1.0],
                ..ConceptGraph::default()
            },
            ..Structure::default()
        };
        assert_eq!(sorted(&s, ConceptColumn::Mass, true), [1, 0, 2]);
        assert_eq!(sorted(&s, ConceptColumn::Mass, false), [2, 0, 1]);
        assert_eq!(sorted(&s, ConceptColumn::Concept, false), [1, 0, 2]);
        assert_eq!(cell(&s, ConceptColumn::Betweenness, 0), "—");
    }
}
