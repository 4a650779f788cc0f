//! Speakers: self-concept mass per speaker and the concepts each uses most.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use crate::app::view::View;
use crate::model::options::EngineKind;

/// Self-concept mass per speaker, bars named by speaker, and the concepts each uses most
/// (counted over the tokens the engine learned from).
pub fn speakers_ui(ui: &mut Ui, view: &mut View) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("No run yet.");
        return;
    };
    let engine = view.run.summary.as_ref().map(|s| s.options.engine.kind());
    ui.label(RichText::new("Self-concept mass").strong());
    match engine {
        Some(EngineKind::Temporal) => {
            ui.label(
                "The temporal engine has no speaker neurons, so every speaker gets the same value: the \
                 mass around the self pronouns (me, my, myself; \"i\" is a kill word) — HUEY_REFERENCE §3.8. \
                 The windowed engine gives each speaker a neuron and a self-concept of their own.",
            );
        }
        Some(EngineKind::Windowed) | None => {
            ui.label("Mass between each speaker's neuron and the self pronouns (i, me, my, myself).");
        }
    }
    for (s, m) in &frame.speaker_mass {
        ui.label(format!("{s}: {m:.3}"));
    }
    let names: Vec<String> = frame.speaker_mass.iter().map(|(s, _)| s.clone()).collect();
    if frame.speaker_mass.iter().all(|(_, m)| m.abs() < 1e-12) {
        ui.label("(every self-concept mass is 0 so far: no self pronoun is connected yet)");
    } else {
        let bars: Vec<Bar> =
            frame.speaker_mass.iter().enumerate().map(|(i, (s, m))| Bar::new(i as f64, *m).name(s)).collect();
        Plot::new("speakers")
            .height(200.0)
            .y_axis_label("self-concept mass")
            .x_axis_formatter(move |mark, _range| {
                let i = mark.value.round();
                if (mark.value - i).abs() < 1e-9 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .allow_drag(false)
            .allow_scroll(false)
            .show(ui, |plot| plot.bar_chart(BarChart::new("self-concept mass", bars)));
    }
    // Per speaker: the network's concepts they use most (once per frame).
    let Some(summary) = &view.run.summary else { return };
    let per_speaker = view.derived.speaker_concepts(&frame, summary);
    ui.separator();
    ui.label(RichText::new("Concepts used most (tokens the engine learned from, now neurons)").strong());
    if summary.speakers.len() > 4 {
        ui.label(format!("the first 4 of {} speakers", summary.speakers.len()));
    }
    ui.columns(summary.speakers.len().clamp(1, 4), |cols| {
        for (k, (speaker, top)) in summary.speakers.iter().zip(per_speaker.iter()).take(4).enumerate() {
            cols[k].label(RichText::new(speaker.as_str()).strong());
            if top.is_empty() {
                cols[k].label("(none yet)");
            }
            for (w, n) in top {
                cols[k].label(format!("{w} ({n})"));
            }
        }
    });
}
