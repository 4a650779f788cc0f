//! The Compare tab: the conversation on CPU and GPU side by side, and the crossover chart of
//! the size sweep.

use egui::{RichText, Ui};
use egui_plot::{Legend, Line, Plot};

use crate::app::Action;
use crate::app::jobs::Purpose;
use crate::app::view::View;
use crate::kernel::Kernel;
use crate::model::options::Backend;

/// The conversation on CPU and GPU side by side; the crossover chart of the size sweep.
pub fn compare_ui(ui: &mut Ui, view: &View, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let idle = view.results.measuring.is_none();
        if ui.add_enabled(idle && view.run.summary.is_some(), egui::Button::new("Run on CPU and GPU")).clicked() {
            actions.push(Action::CompareBackends);
        }
        if ui
            .add_enabled(idle, egui::Button::new("Run size sweep"))
            .on_hover_text("250 … 16,000 neurons, 2 s per run")
            .clicked()
        {
            actions.push(Action::RunSweep(vec![250, 1_000, 4_000, 16_000], 2.0));
        }
        if ui.button("Load sweep JSON…").clicked() {
            actions.push(Action::Choose(Purpose::LoadSweep));
        }
        if let Some(job) = view.results.measuring {
            ui.spinner();
            ui.label(format!("{job} running…"));
        }
    });
    if let Some(runs) = &view.results.comparison {
        ui.label(RichText::new("This conversation, f32, same settings").strong());
        egui::Grid::new("compare").striped(true).show(ui, |ui| {
            ui.label("kernel");
            for r in runs {
                ui.label(format!("{} ms", r.backend.as_str()));
            }
            ui.end_row();
            for k in Kernel::all() {
                if runs.iter().all(|r| r.kernels.iter().all(|row| row.kernel != k)) {
                    continue;
                }
                ui.label(k.name());
                for r in runs {
                    let ms = r.kernels.iter().find(|row| row.kernel == k).map_or(0.0, |row| row.total_secs * 1e3);
                    ui.label(format!("{ms:.3}"));
                }
                ui.end_row();
            }
            ui.label("engine total");
            for r in runs {
                ui.label(format!("{:.3}", r.engine_secs * 1e3));
            }
            ui.end_row();
        });
        for r in runs {
            ui.label(RichText::new(format!("{}: {}", r.backend.as_str(), r.device)).small());
        }
        if let [cpu, gpu] = runs.as_slice() {
            ui.label(format!(
                "GPU/CPU speed ratio on this file: {:.2}× (engine time)",
                cpu.engine_secs / gpu.engine_secs.max(1e-12)
            ));
        }
    }
    if let Some(rows) = &view.results.sweep {
        ui.separator();
        ui.label(
            RichText::new(
                "µs per step against network size (log-log); where the GPU line falls below the CPU line, the GPU wins",
            )
            .strong(),
        );
        Plot::new("crossover")
            .legend(Legend::default())
            .x_axis_label("log10 max_neurons")
            .y_axis_label("log10 µs/step")
            .show(ui, |plot| {
                for engine in ["temporal", "windowed"] {
                    for backend in [Backend::Cpu, Backend::Gpu] {
                        let points: Vec<[f64; 2]> = rows
                            .iter()
                            .filter(|r| r.engine == engine && r.backend == backend)
                            .map(|r| [(r.max_neurons as f64).log10(), r.us_per_step.max(1e-3).log10()])
                            .collect();
                        if !points.is_empty() {
                            plot.line(Line::new(format!("{engine} on {}", backend.as_str()), points));
                        }
                    }
                }
            });
    }
}
