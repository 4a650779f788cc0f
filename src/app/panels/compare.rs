//! The Compare tab: the conversation on CPU and GPU side by side, and the crossover chart of
//! the size sweep.

use egui::{RichText, Ui};
use egui_plot::{HoverPosition, Legend, Line, Plot, log_grid_spacer};

use crate::app::Action;
use crate::app::jobs::Purpose;
use crate::app::view::View;
use crate::kernel::{Kernel, TimingMethod};
use crate::model::options::Backend;
use crate::run::compare::BackendRun;

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
    if let Some(step) = view.results.sweep_step {
        ui.add(egui::ProgressBar::new(step.done as f32 / step.total.max(1) as f32).text(step.to_string()));
    }
    if let Some(runs) = &view.results.comparison {
        ui.label(RichText::new("This conversation, f32, same settings").strong());
        egui::Grid::new("compare").striped(true).show(ui, |ui| {
            ui.label("kernel");
            for r in runs {
                ui.label(format!("{} ms", r.backend.as_str()));
            }
            ui.end_row();
            for k in Kernel::all() {
                if runs.iter().all(|r| r.attribution.rows.iter().all(|row| row.0 != k)) {
                    continue;
                }
                ui.label(k.name());
                for r in runs {
                    let ms = r.attribution.rows.iter().find(|row| row.0 == k).map_or(0.0, |row| row.1 * 1e3);
                    ui.label(format!("{ms:.3}"));
                }
                ui.end_row();
            }
            ui.label(OTHER_ROW);
            for r in runs {
                ui.label(format!("{:.3}", r.attribution.other * 1e3));
            }
            ui.end_row();
            ui.label("engine total");
            for r in runs {
                ui.label(format!("{:.3}", r.engine_secs * 1e3));
            }
            ui.end_row();
        });
        for r in runs {
            ui.label(RichText::new(format!("{}: {} · {}", r.backend.as_str(), r.device, caption(r))).small());
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
        let series: Vec<(String, Vec<[f64; 2]>)> = ["temporal", "windowed"]
            .into_iter()
            .flat_map(|engine| [Backend::Cpu, Backend::Gpu].map(move |b| (engine, b)))
            .map(|(engine, backend)| {
                let points: Vec<[f64; 2]> = rows
                    .iter()
                    .filter(|r| r.engine == engine && r.backend == backend)
                    .map(|r| [(r.max_neurons.max(1) as f64).log10(), r.us_per_step.max(1e-3).log10()])
                    .collect();
                (format!("{engine} on {}", backend.as_str()), points)
            })
            .filter(|(_, points)| !points.is_empty())
            .collect();
        if series.is_empty() {
            super::no_data(ui, 200.0, "the sweep has no rows");
            return;
        }
        Plot::new("crossover")
            .legend(Legend::default())
            .x_axis_label("neurons (max_neurons, log scale)")
            .y_axis_label("time per step (log scale)")
            .x_grid_spacer(log_grid_spacer(10))
            .y_grid_spacer(log_grid_spacer(10))
            .x_axis_formatter(|mark, _| count_label(10f64.powf(mark.value)))
            .y_axis_formatter(|mark, _| duration_label(10f64.powf(mark.value)))
            .label_formatter(|pos| {
                let (name, p) = match pos {
                    HoverPosition::NearDataPoint { plot_name, position, .. } => (*plot_name, position),
                    HoverPosition::Elsewhere { position } => ("", position),
                };
                Some(format!(
                    "{name}\n{} neurons: {}/step",
                    count_label(10f64.powf(p.x)),
                    duration_label(10f64.powf(p.y))
                ))
            })
            .show(ui, |plot| {
                for (name, points) in series {
                    plot.line(Line::new(name, points));
                }
            });
    }
}

/// The compare table's row for what the kernels do not account for.
pub const OTHER_ROW: &str = "other (host, transfers, unattributed)";

/// How a run's kernel rows were measured and fitted to its engine total.
fn caption(r: &BackendRun) -> String {
    let method = match r.timing {
        TimingMethod::Wall => "kernels timed by the wall clock around each call".to_owned(),
        TimingMethod::GpuTimestampSampled | TimingMethod::WallSampled => format!(
            "kernels: {} of sampled steps, each sample standing for the calls since the previous one",
            if r.timing == TimingMethod::GpuTimestampSampled { "GPU timestamps" } else { "submit-and-wait wall clock" }
        ),
    };
    let fit = &r.attribution;
    let scaled = if fit.scaled() {
        format!("; they summed to more than the engine's wall time, so they are scaled ×{:.3} to fit it", fit.scale)
    } else {
        String::new()
    };
    format!("{method}{scaled}; other = engine total − kernels")
}

/// A count as a tick label: 250, 1k, 16k, 1M.
fn count_label(n: f64) -> String {
    match n {
        n if n >= 1e6 => format!("{}M", trim(n / 1e6)),
        n if n >= 1e3 => format!("{}k", trim(n / 1e3)),
        n => trim(n),
    }
}

/// Microseconds as a tick label: 0.5 µs, 10 µs, 1 ms, 2 s.
fn duration_label(us: f64) -> String {
    match us {
        us if us >= 1e6 => format!("{} s", trim(us / 1e6)),
        us if us >= 1e3 => format!("{} ms", trim(us / 1e3)),
        us => format!("{} µs", trim(us)),
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_in_real_units() {
        assert_eq!(count_label(10f64.powf(3.0)), "1k");
        assert_eq!(count_label(250.0), "250");
        assert_eq!(count_label(16_000.0), "16k");
        assert_eq!(count_label(1e6), "1M");
        assert_eq!(duration_label(10.0), "10 µs");
        assert_eq!(duration_label(0.5), "0.5 µs");
        assert_eq!(duration_label(1500.0), "1.5 ms");
        assert_eq!(duration_label(2e6), "2 s");
    }
}
