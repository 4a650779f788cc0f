//! Signed eigenvalue bars with the positive/negative counts.

use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart, Plot};

use crate::app::view::View;

/// Signed eigenvalue bars with the positive/negative counts.
pub fn spectrum_ui(ui: &mut Ui, view: &View) {
    let Some(frame) = &view.run.frame else {
        ui.label("No map yet.");
        return;
    };
    let map = &frame.map;
    ui.label(format!(
        "{} positive, {} negative eigenvalues ({:?} spectrum)",
        map.n_positive, map.n_negative, map.spectrum
    ));
    let bars: Vec<Bar> = map
        .eigenvalues
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            Bar::new(i as f64 + 1.0, l).fill(if l >= 0.0 { Color32::LIGHT_BLUE } else { Color32::LIGHT_RED })
        })
        .collect();
    Plot::new("spectrum").show(ui, |plot| plot.bar_chart(BarChart::new("eigenvalues", bars)));
}
