//! The panels: `*_ui` functions, one file each, that draw from the view and settings and push
//! [`Action`]s; `root_ui` lays them out (the help window on top).

mod cascade;
mod compare;
mod concepts;
mod corpus;
mod help;
mod inspector;
mod map;
mod map_guides;
mod map_stability;
mod network;
mod palette;
mod settings;
mod speakers;
mod spectrum;
mod status;
mod time;
mod timing;
mod top_bar;

use egui::{Color32, RichText, Ui};

use super::view::Tab;
use super::{Action, HueyApp};

/// The whole window: top bar, status bar, settings on the left, the tabs in the centre.
pub fn root_ui(ui: &mut Ui, app: &mut HueyApp, actions: &mut Vec<Action>) {
    egui::Panel::top("top").show(ui, |ui| top_bar::top_bar_ui(ui, app, actions));
    egui::Panel::bottom("status").show(ui, |ui| status::status_ui(ui, &app.view));
    egui::Panel::left("settings").resizable(true).default_size(280.0).show(ui, |ui| {
        egui::ScrollArea::vertical()
            .show(ui, |ui| settings::settings_ui(ui, &mut app.settings, &mut app.view, actions));
    });
    egui::CentralPanel::default().show(ui, |ui| central_ui(ui, app, actions));
    help::help_ui(ui, app.view.widgets.help_open, actions);
}

/// The tabs.
fn central_ui(ui: &mut Ui, app: &mut HueyApp, actions: &mut Vec<Action>) {
    let view = &mut app.view;
    // Wrapped: on a narrow window the tabs take two rows rather than run off the edge.
    ui.horizontal_wrapped(|ui| {
        for (tab, label) in [
            (Tab::Map, "Map"),
            (Tab::Timing, "Timing"),
            (Tab::Spectrum, "Spectrum"),
            (Tab::Inspector, "Inspector"),
            (Tab::Speakers, "Speakers"),
            (Tab::Network, "Network"),
            (Tab::Cascade, "Cascade"),
            (Tab::Compare, "Compare"),
            (Tab::Concepts, "Concepts"),
            (Tab::Time, "Time"),
            (Tab::Corpus, "Corpus"),
        ] {
            ui.selectable_value(&mut view.widgets.tab, tab, label);
        }
    });
    ui.separator();
    match view.widgets.tab {
        Tab::Map => map::map_ui(ui, view, &mut app.settings, actions),
        Tab::Timing => timing::timing_ui(ui, view),
        Tab::Spectrum => spectrum::spectrum_ui(ui, view),
        Tab::Inspector => inspector::inspector_ui(ui, view, actions),
        Tab::Speakers => speakers::speakers_ui(ui, view),
        Tab::Network => network::network_ui(ui, view),
        Tab::Cascade => cascade::cascade_ui(ui, view),
        Tab::Compare => compare::compare_ui(ui, view, actions),
        Tab::Concepts => concepts::concepts_ui(ui, view, actions),
        Tab::Time => time::time_ui(ui, view, actions),
        Tab::Corpus => corpus::corpus_ui(ui, view, actions),
    }
}

/// What a plot with nothing to draw shows instead (an empty plot would show a −0.5…0.5 frame).
pub const NO_DATA: &str = "no data yet";

/// A plot's place, `height` points tall, with [`NO_DATA`] and why (`hint`).
fn no_data(ui: &mut Ui, height: f32, hint: &str) {
    ui.allocate_ui(egui::vec2(ui.available_width(), height.max(24.0)), |ui| {
        ui.centered_and_justified(|ui| {
            ui.label(RichText::new(format!("{NO_DATA} — {hint}")).weak());
        });
    });
}

/// Each backend's colour in every timing plot.
fn backend_colour(backend: crate::model::options::Backend) -> Color32 {
    match backend {
        crate::model::options::Backend::Cpu => Color32::from_rgb(70, 130, 230),
        crate::model::options::Backend::Gpu => Color32::from_rgb(235, 120, 40),
    }
}
