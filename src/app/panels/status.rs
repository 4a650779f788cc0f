//! The status bar: the latest notice and the app's own frame cost.

use egui::{RichText, Ui};

use crate::app::view::View;

/// Latest notice and the app's own frame cost.
pub fn status_ui(ui: &mut Ui, view: &View) {
    ui.horizontal(|ui| {
        if let Some(last) = view.notices.last() {
            ui.label(last.to_string());
        } else {
            ui.label("Ready");
        }
        if let Some((median, p99)) = view.perf.recent_ms() {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    RichText::new(format!("UI work per frame (last 300): median {median:.2} ms, p99 {p99:.2} ms"))
                        .small(),
                );
            });
        }
    });
}
