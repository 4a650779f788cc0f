//! Signed eigenvalue bars with the positive/negative counts.

use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart, Plot};

use crate::analysis::concept_map::Spectrum;
use crate::app::view::View;

/// Positive and negative eigenvalues among `values` (the map's own threshold, ±1e-10).
fn signs(values: &[f64]) -> (usize, usize) {
    (values.iter().filter(|&&l| l > 1e-10).count(), values.iter().filter(|&&l| l < -1e-10).count())
}

/// Signed eigenvalue bars with the positive/negative counts.
pub fn spectrum_ui(ui: &mut Ui, view: &View) {
    let Some(frame) = &view.run.frame else {
        ui.label("No map yet.");
        return;
    };
    let map = &frame.map;
    // A partial spectrum (the implicit solver, above the dense limit) has no counts of its own:
    // count the eigenvalues it computed, and say that they are only the top ones.
    let (pos, neg) = signs(&map.eigenvalues);
    match map.spectrum {
        Spectrum::Full => ui.label(format!(
            "{} positive, {} negative eigenvalues (full spectrum of {} concepts)",
            map.n_positive,
            map.n_negative,
            map.labels.len()
        )),
        Spectrum::Partial => ui.label(format!(
            "{pos} positive, {neg} negative among the {} largest eigenvalues computed (partial spectrum of {} \
             concepts: the rest are not computed)",
            map.eigenvalues.len(),
            map.labels.len()
        )),
    };
    if map.eigenvalues.is_empty() {
        super::no_data(ui, 200.0, "the map has no concepts yet");
        return;
    }
    let bars: Vec<Bar> = map
        .eigenvalues
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            Bar::new(i as f64 + 1.0, l).fill(if l >= 0.0 { Color32::LIGHT_BLUE } else { Color32::LIGHT_RED })
        })
        .collect();
    Plot::new("spectrum")
        .x_axis_label("eigenvalue rank")
        .y_axis_label("λ")
        .show(ui, |plot| plot.bar_chart(BarChart::new("eigenvalues", bars)));
}

#[cfg(test)]
mod tests {
    #[test]
    fn signs_count_past_the_threshold() {
        assert_eq!(super::signs(&[3.0, 1e-11, 0.5, -1e-12, -2.0]), (2, 1));
    }
}
