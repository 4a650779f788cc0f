//! The help window: version, where the documentation is, the keyboard shortcuts.

use egui::Ui;

use crate::app::Action;
use crate::app::shortcuts::SHORTCUTS;

/// The README of the source tree the app was built from.
const README: &str = concat!("file://", env!("CARGO_MANIFEST_DIR"), "/README.md");

/// Help and About, while `open`; closing it asks to toggle it.
pub fn help_ui(ui: &Ui, open: bool, actions: &mut Vec<Action>) {
    let mut shown = open;
    egui::Window::new("Huey help").open(&mut shown).collapsible(false).resizable(false).show(ui.ctx(), |ui| {
        ui.strong(concat!("Huey ", env!("CARGO_PKG_VERSION")));
        ui.label(env!("CARGO_PKG_DESCRIPTION"));
        ui.hyperlink_to("README (how the app works, what it computes)", README);
        ui.separator();
        ui.strong("Keyboard shortcuts");
        egui::Grid::new("shortcuts").num_columns(2).striped(true).show(ui, |ui| {
            for (keys, what) in SHORTCUTS {
                ui.monospace(*keys);
                ui.label(*what);
                ui.end_row();
            }
        });
    });
    if open && !shown {
        actions.push(Action::ToggleHelp);
    }
}
