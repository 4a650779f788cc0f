//! The timing view: one timeline of the run, each backend's segment in its own colour, switches
//! marked, idle time left as a gap: engine and per-kernel µs per step and words/s as live rates
//! (over the last second of running), each segment's split of its engine time, and each
//! sample's kernel shares. The data is [`crate::app::timeline`]'s; this file only draws it.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, LineStyle, Plot, PlotUi, VLine};

use super::{backend_colour, no_data};
use crate::app::timeline::{Rate, Timeline, WINDOW_SECS};
use crate::app::view::View;
use crate::kernel::Kernel;
use crate::model::options::Backend;

/// A colour per kernel (by its dense index).
fn kernel_colour(k: Kernel) -> Color32 {
    const PALETTE: [Color32; 6] = [
        Color32::from_rgb(46, 160, 67),
        Color32::from_rgb(200, 60, 160),
        Color32::from_rgb(150, 110, 40),
        Color32::from_rgb(20, 170, 190),
        Color32::from_rgb(140, 90, 220),
        Color32::from_rgb(200, 180, 30),
    ];
    PALETTE[k.index() % PALETTE.len()]
}

/// The colour of "other" (host, transfers, unattributed).
const OTHER: Color32 = Color32::GRAY;

fn style(backend: Backend) -> LineStyle {
    match backend {
        Backend::Cpu => LineStyle::Solid,
        Backend::Gpu => LineStyle::dashed_loose(),
    }
}

/// The switch markers, as vertical lines.
fn switches(plot: &mut PlotUi<'_>, timeline: &Timeline) {
    for s in &timeline.switches {
        plot.vline(VLine::new(format!("switch to {}", s.to.as_str()), s.t).color(backend_colour(s.to)).width(1.5));
    }
}

/// One timeline: engine and per-kernel µs/step, words/s, shares, per-segment splits.
pub fn timing_ui(ui: &mut Ui, view: &View) {
    let Some(frame) = &view.run.frame else {
        ui.label("No run yet.");
        return;
    };
    let timeline = &view.run.timeline;
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("now on {} · {} timing ·", frame.device, frame.timing.label()));
        for b in [Backend::Cpu, Backend::Gpu] {
            let lines = if b == Backend::Gpu { "GPU lines (kernels dashed)" } else { "CPU lines" };
            ui.label(RichText::new(lines).color(backend_colour(b)).strong());
        }
        ui.label(format!(
            "· live rates over the last {WINDOW_SECS:.0} s of running; gaps: idle or a switch; vertical lines: \
             switches"
        ));
    });
    let height = (ui.available_height() / 3.2 - 20.0).max(90.0);
    if !timeline.has_rates() {
        no_data(ui, height, "run the conversation to see its timeline");
        segments_ui(ui, timeline);
        return;
    }
    let stretches = timeline.stretches();
    let kernels: Vec<Kernel> = Kernel::all().filter(|k| k.engine() == frame.stats.kind()).collect();
    Plot::new("kernel_times")
        .legend(Legend::default())
        .height(height)
        .link_axis(egui::Id::unique("timeline"), [true, false])
        .include_y(0.0)
        .x_axis_label("s since the run was loaded")
        .y_axis_label("µs per step")
        .show(ui, |plot| {
            for stretch in &stretches {
                let backend = stretch[0].backend;
                let line = |f: &dyn Fn(&Rate) -> f64| stretch.iter().map(|r| [r.t, f(r)]).collect::<Vec<_>>();
                plot.line(
                    Line::new(format!("engine step on {}", backend.as_str()), line(&|r| r.us_per_step))
                        .color(backend_colour(backend))
                        .width(2.5),
                );
                for &k in &kernels {
                    let us = line(&|r| r.kernels.iter().find(|(kk, _)| *kk == k).map_or(0.0, |&(_, us)| us));
                    if us.iter().all(|p| p[1] == 0.0) {
                        continue; // a kernel this engine did not run (or time) here
                    }
                    plot.line(
                        Line::new(format!("{} on {}", k.name(), backend.as_str()), us)
                            .color(kernel_colour(k))
                            .style(style(backend)),
                    );
                }
            }
            switches(plot, timeline);
        });
    Plot::new("throughput")
        .legend(Legend::default())
        .height(height * 0.7)
        .link_axis(egui::Id::unique("timeline"), [true, false])
        .include_y(0.0)
        .x_axis_label("s since the run was loaded")
        .y_axis_label("words/s")
        .show(ui, |plot| {
            for stretch in &stretches {
                let backend = stretch[0].backend;
                let points: Vec<[f64; 2]> = stretch.iter().map(|r| [r.t, r.words_per_sec]).collect();
                plot.line(
                    Line::new(format!("words/s on {}", backend.as_str()), points)
                        .color(backend_colour(backend))
                        .width(2.0),
                );
            }
            switches(plot, timeline);
        });
    // Each sample's split of its engine step, stacked (the last 60 samples).
    let recent = &timeline.rates[timeline.rates.len().saturating_sub(60)..];
    let share = |r: &Rate, us: f64| if r.us_per_step > 0.0 { 100.0 * us / r.us_per_step } else { 0.0 };
    let mut charts: Vec<BarChart> = Vec::new();
    // Each kernel, then "other" (`None`).
    let parts: Vec<(String, Color32, Option<Kernel>)> = kernels
        .iter()
        .map(|&k| (k.name().to_owned(), kernel_colour(k), Some(k)))
        .chain(std::iter::once(("other (host, transfers)".to_owned(), OTHER, None)))
        .collect();
    let us = |r: &Rate, part: Option<Kernel>| match part {
        Some(k) => r.kernels.iter().find(|(kk, _)| *kk == k).map_or(0.0, |&(_, us)| us),
        None => r.other,
    };
    for (name, colour, part) in &parts {
        let bars: Vec<Bar> = recent.iter().map(|r| Bar::new(r.t, share(r, us(r, *part))).width(0.2)).collect();
        if bars.iter().all(|b| b.value == 0.0) {
            continue;
        }
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(format!("{name} share"), bars).color(*colour).stack_on(&refs);
        charts.push(chart);
    }
    Plot::new("kernel_shares")
        .legend(Legend::default())
        .height(height * 0.7)
        .link_axis(egui::Id::unique("timeline"), [true, false])
        .x_axis_label("s since the run was loaded")
        .y_axis_label("% of engine step")
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
            switches(plot, timeline);
        });
    segments_ui(ui, timeline);
}

/// Each segment: its backend, span, steps, µs/step and the split of its engine time.
fn segments_ui(ui: &mut Ui, timeline: &Timeline) {
    if timeline.segments.is_empty() {
        return;
    }
    ui.label(RichText::new("Segments (share of each segment's engine time)").strong());
    egui::Grid::new("timing_segments").striped(true).show(ui, |ui| {
        for head in ["segment", "backend", "from – to (s)", "steps", "µs/step", "split"] {
            ui.label(head);
        }
        ui.end_row();
        for (i, s) in timeline.segments.iter().enumerate() {
            let fit = s.attribution();
            ui.label(format!("{}", i + 1));
            ui.label(
                RichText::new(format!("on {}", s.backend.as_str().to_uppercase())).color(backend_colour(s.backend)),
            );
            ui.label(format!("{:.1} – {:.1}", s.first.t, s.last.t));
            ui.label(format!("{}", s.steps()));
            ui.label(if s.steps() > 0 {
                format!("{:.1}", s.engine_secs() * 1e6 / s.steps() as f64)
            } else {
                "—".into()
            });
            let split: Vec<String> = if fit.total > 0.0 {
                fit.rows
                    .iter()
                    .map(|&(k, secs)| format!("{} {:.0}%", k.name(), 100.0 * secs / fit.total))
                    .chain(std::iter::once(format!("other {:.0}%", 100.0 * fit.other / fit.total)))
                    .collect()
            } else {
                vec!["no engine time yet".to_owned()]
            };
            let scaled =
                if fit.scaled() { format!(" (sampled kernels scaled ×{:.2})", fit.scale) } else { String::new() };
            ui.label(format!("{}{scaled}", split.join(" · ")));
            ui.end_row();
        }
    });
}
