//! Activation cascade (§3.9): choose inputs, run, step through it; the map can show it.

use egui::Ui;
use egui_plot::{Line, Plot};

use crate::app::view::{CascadeView, View};

/// Activation cascade (§3.9): choose inputs, run, step through it; the map can show it.
pub fn cascade_ui(ui: &mut Ui, view: &mut View) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("No network yet.");
        return;
    };
    ui.horizontal(|ui| {
        let label = ui.label("Inputs (comma-separated)");
        ui.add(egui::TextEdit::singleline(&mut view.widgets.cascade_inputs).desired_width(220.0)).labelled_by(label.id);
        if view.widgets.cascade_strength == 0.0 {
            view.widgets.cascade_strength = 1.0;
        }
        ui.add(
            egui::DragValue::new(&mut view.widgets.cascade_strength)
                .range(0.1..=2.0)
                .speed(0.01)
                .prefix("input strength "),
        );
        if ui.button("Run cascade").clicked() {
            let index = frame.network.word_index();
            let inputs: Vec<u32> = view
                .widgets
                .cascade_inputs
                .split(',')
                .filter_map(|w| index.get(w.trim().to_lowercase().as_str()).copied())
                .collect();
            if inputs.is_empty() {
                view.notices.push(crate::app::view::Info::NoCascadeInput);
            } else {
                let run =
                    crate::analysis::cascade::cascade(&frame.network, &inputs, view.widgets.cascade_strength, 100);
                view.widgets.cascade = Some(CascadeView {
                    run,
                    words: frame.network.words.clone(),
                    step: 0,
                    playing: false,
                    advanced: std::time::Instant::now(),
                    on_map: true,
                });
            }
        }
    });
    let Some(c) = view.widgets.cascade.as_mut() else {
        ui.label("Choose input concepts and run a cascade.");
        return;
    };
    let last = c.run.steps.len() - 1;
    if c.playing && c.advanced.elapsed().as_secs_f32() > 0.3 {
        c.step = (c.step + 1).min(last);
        c.advanced = std::time::Instant::now();
        c.playing = c.step < last;
    }
    if c.playing {
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
    }
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(&mut c.step, 0..=last).text("step"));
        ui.checkbox(&mut c.playing, "play");
        ui.checkbox(&mut c.on_map, "show on the map");
    });
    let step = &c.run.steps[c.step];
    ui.label(format!(
        "θ = {} · {} steps · energy {:.4} · ρ_eff {}",
        c.run.threshold,
        last,
        step.energy,
        c.run.rho_eff.map_or_else(|| "—".to_owned(), |r| format!("{r:.3}"))
    ));
    let energy: Vec<[f64; 2]> = c.run.steps.iter().enumerate().map(|(t, s)| [t as f64, s.energy]).collect();
    let current = [[c.step as f64, 0.0], [c.step as f64, step.energy]];
    Plot::new("cascade_energy").height(160.0).x_axis_label("step").y_axis_label("energy").show(ui, |plot| {
        plot.line(Line::new("energy", energy));
        plot.line(Line::new("step shown", current.to_vec()));
    });
    let mut top: Vec<(usize, f64)> =
        step.active.iter().filter(|(_, a)| *a > 0.0).map(|&(k, a)| (k as usize, a)).collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    let newly: Vec<&str> = step.newly.iter().map(|&k| c.words[k as usize].as_str()).collect();
    ui.label(format!("newly active: {}", if newly.is_empty() { "—".to_owned() } else { newly.join(", ") }));
    egui::Grid::new("cascade_top").striped(true).show(ui, |ui| {
        for (k, a) in top.iter().take(15) {
            ui.label(&c.words[*k]);
            ui.label(format!("{a:.4}"));
            ui.end_row();
        }
    });
}
