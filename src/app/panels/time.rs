//! The Time tab: how the conversation's network moves. What to compute (rows every K
//! exchanges, the same concepts in every row, concepts to follow), playback through the time
//! slider (forward or back at a chosen speed), the aligned map of the row at the exchange on
//! show with the followed concepts' trails (a concept not there yet is absent), and timelines:
//! speakers' self-concept mass per turn, the followed concepts' mass, warp factor and variance
//! explained, and when each concept emerged.

use egui::{Color32, RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoint, Points, Text, VLine};

use super::{Action, no_data};
use crate::app::view::View;
use crate::run::timeline::{Timeline, TimelineRow};

/// Concepts labelled on the aligned map besides the followed ones.
const LABELLED: usize = 12;

/// Emergence rows listed.
const EMERGENCE_SHOWN: usize = 200;

/// The tab.
pub fn time_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    controls_ui(ui, view, actions);
    play_ui(ui, view, actions);
    ui.separator();
    let Some(timeline) = view.run.time.timeline.clone() else {
        no_data(
            ui,
            200.0,
            "compute the timeline (a fresh run of this conversation with the run's options, on the CPU)",
        );
        return;
    };
    let done = view.run.frame.as_ref().map_or(0, |f| f.done);
    let Some(k) = row_at(&timeline, done) else {
        no_data(ui, 200.0, "the timeline has no rows");
        return;
    };
    let height = ui.available_height().max(300.0);
    ui.columns(2, |cols| {
        map_ui(&mut cols[0], &timeline, k, height);
        egui::ScrollArea::vertical().id_salt("time_plots").show(&mut cols[1], |ui| {
            timelines_ui(ui, &timeline, done);
        });
    });
}

/// What to compute.
fn controls_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let w = &mut view.widgets.time;
    ui.horizontal_wrapped(|ui| {
        ui.add(
            egui::DragValue::new(&mut w.every)
                .range(0..=1_000_000)
                .prefix("rows: ")
                .custom_formatter(|n, _| if n == 0.0 { "about 100".to_owned() } else { format!("every {n} exchanges") })
                .custom_parser(|text| {
                    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                    digits.parse::<f64>().ok()
                }),
        )
        .on_hover_text("0: about a hundred rows over the run");
        use crate::app::view::TimeConcepts;
        egui::ComboBox::from_label("concepts mapped")
            .selected_text(match w.concepts {
                TimeConcepts::EachRow => "each row's own top N",
                TimeConcepts::AtEnd => "the end's top N in every row",
                TimeConcepts::OnShow => "the top N at the exchange on show",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut w.concepts, TimeConcepts::AtEnd, "the end's top N in every row");
                ui.selectable_value(&mut w.concepts, TimeConcepts::OnShow, "the top N at the exchange on show");
                ui.selectable_value(&mut w.concepts, TimeConcepts::EachRow, "each row's own top N");
            })
            .response
            .on_hover_text(
                "one set in every row makes positions comparable over time; a concept not there yet is absent",
            );
        let follow = ui.label("follow");
        ui.add(egui::TextEdit::singleline(&mut w.track).hint_text("word, word").desired_width(140.0))
            .labelled_by(follow.id)
            .on_hover_text(
                "their mass and strongest associations per row, and their trails (the selected concept too)",
            );
        let idle = view.run.time.computing.is_none() && view.run.summary.is_some();
        if ui.add_enabled(idle, egui::Button::new("Compute timeline")).clicked() {
            actions.push(Action::ComputeTimeline);
        }
        if view.run.time.computing.is_some() {
            ui.spinner();
            ui.label("computing the timeline…");
        }
        ui.separator();
        ui.label("animation (Export menu):");
        ui.add(egui::DragValue::new(&mut w.fps).range(0.1..=50.0).speed(0.1).suffix(" fps"));
        ui.add(egui::DragValue::new(&mut w.size_px[0]).range(64..=2000).suffix(" px wide"));
        ui.add(egui::DragValue::new(&mut w.size_px[1]).range(64..=2000).suffix(" px high"));
    });
}

/// Playback through the time slider.
fn play_ui(ui: &mut Ui, view: &mut View, actions: &mut Vec<Action>) {
    let Some(frame) = view.run.frame.as_ref() else { return };
    let (done, total) = (frame.done, frame.total);
    let w = &mut view.widgets.time;
    ui.horizontal(|ui| {
        let playing = w.play.map(|p| p.forward);
        if ui.add_enabled(done > 0 && playing != Some(false), egui::Button::new("◀ Play back")).clicked() {
            actions.push(Action::Play(Some(false)));
        }
        if ui.add_enabled(playing.is_some(), egui::Button::new("⏸ Stop")).clicked() {
            actions.push(Action::Play(None));
        }
        if ui.add_enabled(done < total && playing != Some(true), egui::Button::new("Play ▶")).clicked() {
            actions.push(Action::Play(Some(true)));
        }
        ui.add(egui::DragValue::new(&mut w.speed).range(0.1..=1000.0).speed(0.5).suffix(" exchanges/s"));
        let mut t = done;
        let slider = egui::Slider::new(&mut t, 0..=total).text("exchange shown").integer();
        if ui.add_enabled(total > 0, slider).changed() {
            actions.push(Action::Seek(t));
        }
    });
}

/// The last row at or before exchange `done` (the first row before it).
fn row_at(timeline: &Timeline, done: usize) -> Option<usize> {
    if timeline.rows.is_empty() {
        return None;
    }
    Some(timeline.rows.iter().rposition(|r| r.exchange <= done).unwrap_or(0))
}

/// The followed concepts: those every row tracks.
fn followed(timeline: &Timeline) -> Vec<String> {
    timeline.rows.first().map_or_else(Vec::new, |r| r.tracked.iter().map(|t| t.concept.clone()).collect())
}

fn colour(k: usize) -> Color32 {
    let [r, g, b] = crate::export::palette::cluster(k);
    Color32::from_rgb(r, g, b)
}

/// Row `k`'s aligned map, with the followed concepts' trails over rows 0..=k.
fn map_ui(ui: &mut Ui, timeline: &Timeline, k: usize, height: f32) {
    let row: &TimelineRow = &timeline.rows[k];
    let followed = followed(timeline);
    ui.label(RichText::new(format!(
        "Aligned map at exchange {} ({} concepts; rows aligned by Procrustes)",
        row.exchange,
        row.map.labels.len()
    )));
    // The same frame for every row: the extent of all rows' aligned coordinates.
    let extent = timeline
        .rows
        .iter()
        .flat_map(|r| r.aligned_coords.iter().map(|p| p[0].abs().max(p[1].abs())))
        .filter(|v| v.is_finite())
        .fold(1e-9, f64::max);
    let max_mass = row.masses.iter().copied().fold(1e-12, f64::max);
    let ink = ui.visuals().strong_text_color();
    Plot::new("time_map")
        .height(height - 30.0)
        .data_aspect(1.0)
        .include_x(-extent)
        .include_x(extent)
        .include_y(-extent)
        .include_y(extent)
        .legend(Legend::default())
        .show(ui, |plot| {
            for (f, concept) in followed.iter().enumerate() {
                // A trail breaks where the concept was absent.
                let mut segment: Vec<[f64; 2]> = Vec::new();
                for r in &timeline.rows[..=k] {
                    match r.map.labels.iter().position(|l| l == concept) {
                        Some(i) => segment.push([r.aligned_coords[i][0], r.aligned_coords[i][1]]),
                        None if !segment.is_empty() => {
                            plot.line(Line::new(concept.clone(), std::mem::take(&mut segment)).color(colour(f)));
                        }
                        None => {}
                    }
                }
                if !segment.is_empty() {
                    plot.line(Line::new(concept.clone(), segment).color(colour(f)).width(2.0));
                }
            }
            let mut order: Vec<usize> = (0..row.map.labels.len()).collect();
            order.sort_by(|&a, &b| row.masses[b].total_cmp(&row.masses[a]));
            for (rank, &i) in order.iter().enumerate() {
                let p = row.aligned_coords[i];
                let f = followed.iter().position(|c| *c == row.map.labels[i]);
                let radius = 2.0 + 6.0 * ((row.masses[i] / max_mass).max(0.0) as f32).sqrt();
                let c = f.map_or(Color32::from_rgb(90, 127, 181), colour);
                plot.points(Points::new("", vec![[p[0], p[1]]]).radius(radius).color(c).filled(true));
                if f.is_some() || rank < LABELLED {
                    plot.text(
                        Text::new("", PlotPoint::new(p[0], p[1]), format!("  {}", row.map.labels[i]))
                            .color(ink)
                            .anchor(egui::Align2::LEFT_CENTER),
                    );
                }
            }
        });
}

/// The timelines: self-concept mass per turn, followed concepts' mass, warp and variance, and
/// emergence; a line marks the exchange on show.
fn timelines_ui(ui: &mut Ui, timeline: &Timeline, done: usize) {
    // Unnamed, so it stays out of the legends.
    let marker = || VLine::new("", done as f64).color(Color32::GRAY);
    ui.label(RichText::new("Self-concept mass after each turn").strong());
    let mut speakers: Vec<&str> = Vec::new();
    for t in &timeline.turns {
        if !speakers.contains(&t.speaker.as_str()) {
            speakers.push(&t.speaker);
        }
    }
    if timeline.turns.iter().all(|t| t.self_mass == 0.0) {
        ui.label(
            RichText::new(
                "every turn's self-concept mass is 0: the self pronouns (I, me, my…) are kill words with these settings (the reference preset keeps them)",
            )
            .weak(),
        );
    }
    Plot::new("time_self_mass").height(150.0).legend(Legend::default()).x_axis_label("exchange").show(ui, |plot| {
        for (k, speaker) in speakers.iter().enumerate() {
            let points: Vec<[f64; 2]> = timeline
                .turns
                .iter()
                .filter(|t| t.speaker == *speaker)
                .map(|t| [t.exchange as f64, t.self_mass])
                .collect();
            plot.line(Line::new(*speaker, points).color(colour(k)));
        }
        plot.vline(marker());
    });
    let followed = followed(timeline);
    ui.label(RichText::new("Followed concepts' mass").strong());
    if followed.is_empty() {
        ui.label(RichText::new("follow concepts (or select one) and compute the timeline again").weak());
    } else {
        Plot::new("time_tracked").height(150.0).legend(Legend::default()).x_axis_label("exchange").show(ui, |plot| {
            for (f, concept) in followed.iter().enumerate() {
                let points: Vec<[f64; 2]> = timeline
                    .rows
                    .iter()
                    .filter_map(|r| r.tracked.get(f).and_then(|t| t.mass).map(|m| [r.exchange as f64, m]))
                    .collect();
                plot.line(Line::new(concept.clone(), points).color(colour(f)));
            }
            plot.vline(marker());
        });
        if let Some(row) = row_at(timeline, done).map(|k| &timeline.rows[k]) {
            for t in &row.tracked {
                let associations: Vec<String> = t.associations.iter().map(|(c, s)| format!("{c} ({s:.3})")).collect();
                let text = match t.mass {
                    None => format!("{}: not in the network yet", t.concept),
                    Some(m) => format!("{} (mass {m:.3}), strongest: {}", t.concept, associations.join(", ")),
                };
                ui.label(RichText::new(text).small());
            }
        }
    }
    ui.label(RichText::new("Warp factor and variance explained by three dimensions (%)").strong());
    Plot::new("time_warp").height(150.0).legend(Legend::default()).x_axis_label("exchange").show(ui, |plot| {
        let series = |f: &dyn Fn(&TimelineRow) -> Option<f64>| -> Vec<[f64; 2]> {
            timeline.rows.iter().filter_map(|r| f(r).map(|v| [r.exchange as f64, v])).collect()
        };
        plot.line(Line::new("warp factor", series(&|r| r.map.warp)));
        plot.line(Line::new("variance explained %", series(&|r| r.map.variance_top3_pct)));
        plot.vline(marker());
    });
    let n = timeline.emergence.len();
    egui::CollapsingHeader::new(format!("Emergence: {n} concepts reached mass {}", timeline.emergence_mass))
        .id_salt("time_emergence")
        .show(ui, |ui| {
            egui::Grid::new("emergence").striped(true).show(ui, |ui| {
                ui.label(RichText::new("concept").strong());
                ui.label(RichText::new("exchange").strong());
                ui.end_row();
                for (concept, t) in timeline.emergence.iter().take(EMERGENCE_SHOWN) {
                    ui.label(concept);
                    ui.label(t.to_string());
                    ui.end_row();
                }
            });
            if n > EMERGENCE_SHOWN {
                ui.label(RichText::new(format!("… and {} more (in the CSV export)", n - EMERGENCE_SHOWN)).weak());
            }
        });
}
