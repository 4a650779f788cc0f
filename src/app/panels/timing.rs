//! The timing view: per-kernel µs per step over time, throughput per backend, shares.

use egui::Ui;
use egui_plot::{Bar, BarChart, Legend, Line, Plot};

use crate::app::view::View;
use crate::kernel::Kernel;
use crate::model::options::Backend;

/// Per-kernel µs per step over time, throughput, and each kernel's share now.
pub fn timing_ui(ui: &mut Ui, view: &View) {
    let Some(frame) = &view.run.frame else {
        ui.label("No run yet.");
        return;
    };
    ui.label(format!("{} · {} timing", frame.device, frame.timing.label()));
    let kernels: Vec<Kernel> = Kernel::all().filter(|k| k.engine() == frame.stats.kind()).collect();
    let height = (ui.available_height() / 2.4 - 20.0).max(100.0);
    Plot::new("kernel_times")
        .legend(Legend::default())
        .height(height)
        .x_axis_label("s")
        .y_axis_label("µs per step")
        .show(ui, |plot| {
            for k in &kernels {
                let points: Vec<[f64; 2]> = view
                    .run
                    .timings
                    .iter()
                    .filter_map(|s| s.us_per_step.iter().find(|(kk, _)| kk == k).map(|&(_, us)| [s.t, us]))
                    .collect();
                if !points.is_empty() {
                    plot.line(Line::new(k.name(), points));
                }
            }
        });
    Plot::new("throughput")
        .legend(Legend::default())
        .height(height / 2.0)
        .x_axis_label("s")
        .y_axis_label("words/s")
        .show(ui, |plot| {
            for backend in [Backend::Cpu, Backend::Gpu] {
                let points: Vec<[f64; 2]> =
                    view.run.timings.iter().filter(|s| s.backend == backend).map(|s| [s.t, s.words_per_sec]).collect();
                if !points.is_empty() {
                    plot.line(Line::new(format!("words/s on {}", backend.as_str()), points));
                }
            }
        });
    let total: f64 = frame.kernels.iter().map(|k| k.total_secs).sum::<f64>().max(1e-12);
    ui.horizontal_wrapped(|ui| {
        ui.label("share of kernel time so far:");
        for k in &frame.kernels {
            ui.label(format!("{} {:.0}%", k.kernel.name(), 100.0 * k.total_secs / total));
        }
    });
    // Each sample's kernel shares, stacked (the last 60 samples).
    let recent = &view.run.timings[view.run.timings.len().saturating_sub(60)..];
    let mut charts: Vec<BarChart> = Vec::new();
    for k in &kernels {
        let bars: Vec<Bar> = recent
            .iter()
            .map(|s| {
                let step: f64 = s.us_per_step.iter().map(|(_, us)| us).sum::<f64>().max(1e-12);
                let us = s.us_per_step.iter().find(|(kk, _)| kk == k).map_or(0.0, |&(_, us)| us);
                Bar::new(s.t, 100.0 * us / step).width(0.2)
            })
            .collect();
        if bars.iter().all(|b| b.value == 0.0) {
            continue;
        }
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(format!("{} share", k.name()), bars).stack_on(&refs);
        charts.push(chart);
    }
    Plot::new("kernel_shares")
        .legend(Legend::default())
        .height(height / 2.0)
        .x_axis_label("s")
        .y_axis_label("% of step")
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}
