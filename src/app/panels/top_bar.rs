//! The top bar: open, run controls, backend switch, sessions, export, help; progress and
//! device.

use egui::{RichText, Ui};

use crate::app::jobs::Purpose;
use crate::app::{Action, HueyApp};
use crate::model::options::Backend;

/// The GPU button's label once the GPU failed (its hover text says why).
const GPU_UNUSABLE: &str = "GPU (unavailable)";

/// Open, run controls, backend switch, progress.
pub fn top_bar_ui(ui: &mut Ui, app: &mut HueyApp, actions: &mut Vec<Action>) {
    // Two rows, so nothing wraps or squeezes at narrow widths: files, then the run.
    ui.horizontal(|ui| {
        if ui.button("Open…").clicked() {
            actions.push(Action::Choose(Purpose::OpenConversation));
        }
        if ui.button("Sample").clicked() {
            actions.push(Action::OpenSample);
        }
        ui.separator();
        if ui
            .add_enabled(app.can_save(), egui::Button::new("Save session…"))
            .on_disabled_hover_text("nothing loaded yet")
            .clicked()
        {
            actions.push(Action::Choose(Purpose::SaveSession));
        }
        if ui.button("Open session…").clicked() {
            actions.push(Action::Choose(Purpose::OpenSession));
        }
        ui.add_enabled_ui(app.can_export(), |ui| {
            ui.menu_button("Export", |ui| {
                if ui.button("Concepts (CSV)…").clicked() {
                    actions.push(Action::Choose(Purpose::ExportConcepts));
                }
                if ui.button("Report (Markdown)…").clicked() {
                    actions.push(Action::Choose(Purpose::ExportReport));
                }
                ui.separator();
                let q = &mut app.view.widgets.figure.questions;
                ui.horizontal(|ui| {
                    ui.add(
                        egui::DragValue::new(&mut q.top)
                            .range(2..=crate::export::questionnaire::MAX_CONCEPTS)
                            .prefix("questionnaire: concepts "),
                    )
                    .on_hover_text("the map's heaviest concepts, every pair asked about");
                    ui.checkbox(&mut q.both_directions, "both directions");
                    ui.add(
                        egui::DragValue::new(&mut q.reference_distance).range(1.0..=1e6).prefix("reference distance "),
                    )
                    .on_hover_text("the stated distance of the reference pair (the two heaviest concepts)");
                });
                for format in crate::export::Format::ALL {
                    if ui.button(format.title()).clicked() {
                        actions.push(Action::Choose(Purpose::Export(format)));
                    }
                }
                ui.separator();
                figures_ui(ui, &mut app.view.widgets.figure, actions);
                ui.separator();
                let computed = app.view.run.time.timeline.is_some();
                ui.add_enabled_ui(computed, |ui| {
                    use crate::app::jobs::TimelineFile;
                    if ui.button("Timeline tables (CSV)…").clicked() {
                        actions.push(Action::Choose(Purpose::Timeline(TimelineFile::Csv)));
                    }
                    if ui.button("Timeline animation (GIF)…").clicked() {
                        actions.push(Action::Choose(Purpose::Timeline(TimelineFile::Animation)));
                    }
                })
                .response
                .on_disabled_hover_text("compute the timeline in the Time tab first");
            })
        });
        if ui.button("?").on_hover_text("help: shortcuts and version (F1)").clicked() {
            actions.push(Action::ToggleHelp);
        }
    });
    ui.horizontal(|ui| {
        let running = app.view.run.progress.as_ref().is_some_and(|p| p.running);
        // Run and Pause share one button of a fixed width, so the bar does not shift.
        let width = ui.spacing().interact_size.x.max(56.0);
        // A switch mid-run can be stopped while the other backend starts (it takes effect then).
        let switching = app.view.run.starting.is_some() && app.view.run.summary.is_some();
        if running {
            if ui.add_sized([width, ui.spacing().interact_size.y], egui::Button::new("Pause")).clicked() {
                actions.push(Action::Pause);
            }
        } else if ui
            .add_enabled_ui(app.view.run.summary.is_some() && !app.view.run.finished, |ui| {
                ui.add_sized([width, ui.spacing().interact_size.y], egui::Button::new("Run"))
            })
            .inner
            .clicked()
        {
            actions.push(Action::Run);
        }
        if ui.add_enabled(app.view.run.summary.is_some() && !app.view.run.finished, egui::Button::new("Step")).clicked()
        {
            actions.push(Action::Step);
        }
        if ui
            .add_enabled(running || switching, egui::Button::new("Stop"))
            .on_hover_text("end the run here (the network so far stays)")
            .clicked()
        {
            actions.push(Action::Stop);
        }
        if ui.add_enabled(app.source().is_some(), egui::Button::new("Restart")).clicked() {
            actions.push(Action::Restart);
        }
        speed_ui(ui, &mut app.view.widgets.speed, actions);
        ui.separator();
        let current = app.view.run.frame.as_ref().map_or(app.settings.options.backend, |f| f.backend);
        ui.label("Backend:");
        if ui.selectable_label(current == Backend::Cpu, "CPU").on_hover_text("run on the CPU").clicked()
            && current != Backend::Cpu
            && app.view.run.starting.is_none()
        {
            actions.push(Action::SwitchBackend(Backend::Cpu));
        }
        // A GPU that could not be used says why on its button; clicking tries again (a driver
        // may have come back).
        let gpu = match &app.view.run.gpu_problem {
            Some(why) => ui
                .selectable_label(false, GPU_UNUSABLE)
                .on_hover_text(format!("the GPU cannot be used: {why}\nclick to try again")),
            None => ui.selectable_label(current == Backend::Gpu, "GPU").on_hover_text("run on the GPU (wgpu compute)"),
        };
        if gpu.clicked() && current != Backend::Gpu && app.view.run.starting.is_none() {
            actions.push(Action::SwitchBackend(Backend::Gpu));
        }
        if let Some(b) = app.view.run.starting {
            ui.spinner();
            ui.label(format!("starting {}…", b.as_str().to_uppercase()));
        }
    });
    if let Some(p) = &app.view.run.progress {
        // The frame's count is the newer one after a session opens or a step.
        let done = app.view.run.frame.as_ref().map_or(p.done, |f| f.done.max(p.done));
        let fraction = if p.total == 0 { 1.0 } else { done as f32 / p.total as f32 };
        // Rate and ETA only while running: paused or stepping, there is no rate to speak of.
        let text = if app.view.run.finished {
            format!("exchange {done}/{} · done", p.total)
        } else if p.running {
            format!("exchange {done}/{} · {:.0} words/s · ETA {:.1} s", p.total, p.words_per_sec, p.eta_secs)
        } else {
            format!("exchange {done}/{} · paused", p.total)
        };
        ui.add(egui::ProgressBar::new(fraction).text(text));
    }
    if let Some(f) = &app.view.run.frame {
        ui.label(RichText::new(format!("running on {} ({} timing)", f.device, f.timing.label())).small());
    }
}

/// The learning-speed control: as fast as possible, or a number of exchanges per second (the
/// map then follows every exchange).
fn speed_ui(ui: &mut Ui, speed: &mut Option<f64>, actions: &mut Vec<Action>) {
    let mut limited = speed.is_some();
    let mut rate = speed.unwrap_or(5.0);
    let before = *speed;
    ui.checkbox(&mut limited, "slow")
        .on_hover_text("learn at a set number of exchanges per second, the map after each");
    if limited {
        ui.add(egui::DragValue::new(&mut rate).range(0.1..=1000.0).speed(0.1).suffix(" exch/s"))
            .on_hover_text("exchanges per second");
    }
    *speed = limited.then_some(rate);
    if *speed != before {
        actions.push(Action::Speed(*speed));
    }
}

/// The Export menu's figures: each plot as SVG or PNG, with the size, DPI and background they
/// are made with (the map's axes and colouring are the map tab's).
fn figures_ui(ui: &mut egui::Ui, f: &mut crate::app::view::FigureSettings, actions: &mut Vec<Action>) {
    use crate::app::jobs::FigureFile;
    use crate::export::figure::FigureKind;
    ui.label("Figures (as the map is drawn)");
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(&mut f.width_mm).range(10.0..=1000.0).suffix(" mm").prefix("width "));
        ui.add(egui::DragValue::new(&mut f.height_mm).range(10.0..=1000.0).suffix(" mm").prefix("height "));
    });
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(&mut f.dpi).range(30.0..=2400.0).suffix(" dpi"));
        ui.checkbox(&mut f.transparent, "transparent");
    });
    for (kind, name) in [(FigureKind::Map, "Map"), (FigureKind::Spectrum, "Spectrum"), (FigureKind::Timing, "Timing")] {
        ui.horizontal(|ui| {
            if ui.button(format!("{name} as SVG…")).clicked() {
                actions.push(Action::Choose(Purpose::Figure(FigureFile { kind, png: false })));
            }
            if ui.button(format!("{name} as PNG…")).clicked() {
                actions.push(Action::Choose(Purpose::Figure(FigureFile { kind, png: true })));
            }
        });
    }
}
