//! The map's stability: the controls that run a replicate ensemble of the run on show, and
//! each concept's 95% ellipse — the region holding 95% of the replicates' aligned positions
//! under a normal model — drawn around the concept where the map shows it.

use egui::{Stroke, Ui};

use super::map_guides::Canvas;
use crate::analysis::concept_map::ConceptMap;
use crate::analysis::procrustes;
use crate::analysis::stability::{ConceptStability, ellipse_95};
use crate::app::Action;
use crate::app::logic::MAX_APP_REPLICATES;
use crate::app::view::{StabilityView, View};

/// Points per ellipse outline.
const OUTLINE: usize = 48;

/// Replicates, bootstrap, run, ellipses on or off, and what is on show.
pub fn stability_controls_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let w = &mut view.widgets.stability;
    ui.add(egui::DragValue::new(&mut w.replicates).range(2..=MAX_APP_REPLICATES).prefix("replicates "))
        .on_hover_text("runs with seeds S, S + 1, … (the windowed engine's connection draws)");
    ui.checkbox(&mut w.bootstrap, "bootstrap exchanges")
        .on_hover_text("each replicate also learns from a resample of the exchanges (drawn with replacement)");
    let computing = view.run.stability.computing.is_some();
    // The ensemble re-runs the whole conversation: it describes the map at the run's end.
    let ready = view.run.finished && view.run.summary.is_some();
    let button = ui
        .add_enabled(!computing && ready, egui::Button::new("Run stability"))
        .on_disabled_hover_text("after the run has ended: the ensemble describes the map at the end");
    if button.clicked() {
        actions.push(Action::ComputeStability);
    }
    if computing {
        ui.spinner();
        ui.label("running the ensemble…");
    }
    if view.run.stability.ensemble.is_some() {
        ui.checkbox(&mut view.widgets.stability.ellipses, "ellipses");
    }
}

/// The ensemble's mean shape turned onto `map` (over the concepts both have): the rotation
/// that carries its covariances into the map's frame. Eigenvector signs and rotations are
/// arbitrary per map, so the ensemble's frame is not the map's.
fn onto_map(stability: &StabilityView, map: &ConceptMap) -> procrustes::Alignment {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for (i, label) in map.labels.iter().enumerate() {
        if let Some(m) = stability.of(label).and_then(|c| c.position_mean) {
            xs.push(m);
            ys.push(map.coords[i]);
        }
    }
    procrustes::fit(&xs, &ys)
}

/// `Rᵀ Σ R`: a covariance in the frame `p ↦ p·R` maps to.
fn rotated(cov: &[[f64; 3]; 3], r: &procrustes::Alignment) -> [[f64; 3]; 3] {
    let m = &r.rotation;
    std::array::from_fn(|i| {
        std::array::from_fn(|j| {
            (0..3).flat_map(|a| (0..3).map(move |b| (a, b))).map(|(a, b)| m[(a, i)] * cov[a][b] * m[(b, j)]).sum()
        })
    })
}

/// The ellipses' colours: every concept's (faint: on a small conversation they cover the map)
/// and the selected concept's.
#[derive(Clone, Copy, Debug)]
pub struct EllipseInk {
    /// Every concept's outline.
    pub all: egui::Color32,
    /// The selected concept's outline, drawn bold.
    pub selected: egui::Color32,
}

/// Draw the ellipses of the map's concepts; returns how many were drawn, or `None` when the
/// view shows other axes than the first three (the ensemble's positions are in those).
pub fn ellipses_ui(
    painter: &egui::Painter,
    canvas: &Canvas,
    map: &ConceptMap,
    stability: &StabilityView,
    ink: EllipseInk,
    selected: Option<&str>,
) -> Option<usize> {
    if canvas.camera.axes != [0, 1, 2] {
        return None;
    }
    let turn = onto_map(stability, map);
    let mut drawn = 0;
    for (i, label) in map.labels.iter().enumerate() {
        let Some(ConceptStability { position_cov: Some(cov), .. }) = stability.of(label) else {
            continue;
        };
        let (major, minor, angle) = ellipse_95(&rotated(cov, &turn));
        if !(major.is_finite() && minor.is_finite()) {
            continue;
        }
        let (s, c) = angle.sin_cos();
        let p = map.coords[i];
        let outline: Vec<egui::Pos2> = (0..OUTLINE)
            .map(|k| {
                let t = k as f64 / OUTLINE as f64 * std::f64::consts::TAU;
                let (u, v) = (major * t.cos(), minor * t.sin());
                canvas.to_screen([p[0] + u * c - v * s, p[1] + u * s + v * c, p[2]])
            })
            .collect();
        let stroke =
            if selected == Some(label.as_str()) { Stroke::new(2.0, ink.selected) } else { Stroke::new(1.0, ink.all) };
        painter.add(egui::Shape::closed_line(outline, stroke));
        drawn += 1;
    }
    Some(drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rotated` must give the covariance of the points `p·R`: checked against the sample
    /// covariance of moved points, for a turn by 30° and a tilted spread (a transposed `R`
    /// would turn the spread the other way).
    #[test]
    fn rotating_a_covariance_equals_the_covariance_of_rotated_points() {
        let (s, c) = (30f64.to_radians().sin(), 30f64.to_radians().cos());
        let turn = procrustes::Alignment { rotation: nalgebra::Matrix3::new(c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0) };
        let points: Vec<[f64; 3]> =
            [[1.0, 0.2, 0.0], [-1.0, -0.2, 0.1], [0.5, 0.5, -0.1], [-0.5, -0.4, 0.0], [0.3, -0.3, 0.2]].to_vec();
        let cov = |ps: &[[f64; 3]]| -> [[f64; 3]; 3] {
            let n = ps.len() as f64;
            let m: [f64; 3] = std::array::from_fn(|i| ps.iter().map(|p| p[i]).sum::<f64>() / n);
            std::array::from_fn(|i| {
                std::array::from_fn(|j| ps.iter().map(|p| (p[i] - m[i]) * (p[j] - m[j])).sum::<f64>() / (n - 1.0))
            })
        };
        let moved: Vec<[f64; 3]> = points.iter().map(|&p| turn.apply(p)).collect();
        let (want, got) = (cov(&moved), rotated(&cov(&points), &turn));
        for i in 0..3 {
            for j in 0..3 {
                assert!((want[i][j] - got[i][j]).abs() < 1e-12, "{want:?} vs {got:?}");
            }
        }
        assert!(cov(&points)[0][1].abs() > 0.05, "the spread is tilted, so a transpose would show");
    }
}
