//! Speakers: self-concept mass per speaker and the concepts each uses most.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use crate::app::view::View;

/// Self-concept mass per speaker.
pub fn speakers_ui(ui: &mut Ui, view: &mut View) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("No run yet.");
        return;
    };
    for (s, m) in &frame.speaker_mass {
        ui.label(format!("{s}: self-concept mass {m:.3}"));
    }
    let bars: Vec<Bar> =
        frame.speaker_mass.iter().enumerate().map(|(i, (s, m))| Bar::new(i as f64, *m).name(s)).collect();
    if bars.is_empty() {
        super::no_data(ui, 200.0, "no speaker has a self-concept neuron yet");
    } else {
        Plot::new("speakers").height(200.0).show(ui, |plot| plot.bar_chart(BarChart::new("self-concept mass", bars)));
    }
    // Per speaker: the network's concepts they use most (once per frame).
    let Some(summary) = &view.run.summary else { return };
    let per_speaker = view.derived.speaker_concepts(&frame, summary);
    ui.columns(summary.speakers.len().clamp(1, 4), |cols| {
        for (k, (speaker, top)) in summary.speakers.iter().zip(per_speaker.iter()).take(4).enumerate() {
            cols[k].label(RichText::new(format!("{speaker}: concepts used most")).strong());
            for (w, n) in top.iter().take(12) {
                cols[k].label(format!("{w} ({n})"));
            }
        }
    });
}
