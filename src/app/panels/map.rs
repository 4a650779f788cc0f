//! The concept map: 2-D or 3-D, any eigen-axes, labels without overlap, selection and the
//! selected concept's strongest links; axes, gizmo and legend are in `map_guides`.

use egui::{Color32, Sense, Stroke, Ui, vec2};

use super::map_guides::{self, Canvas, Encoding};
use super::map_stability;
use super::palette::{INACTIVE, Ink, Scale};
use crate::app::Action;
use crate::app::view::View;
use crate::io::settings::{MapBackground, Settings};
use crate::run::worker::Frame;

/// Links of the selected concept drawn.
const LINKS_SHOWN: usize = 15;

/// The concept map: 2-D or 3-D, any eigen-axes, labels without overlap, selection.
pub fn map_ui(ui: &mut Ui, view: &mut View, settings: &mut Settings, actions: &mut Vec<Action>) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("Load a conversation to see its concept map.");
        return;
    };
    let centre_on = toolbar_ui(ui, view, settings, &frame, actions);
    let map = &frame.map;
    let warp = map.warp.map_or_else(|| "—".to_owned(), |w| format!("{w:.3}"));
    let variance = map.variance_top3_pct.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%"));
    // A partial spectrum (above the dense limit) has no counts of its own: the computed
    // eigenvalues are counted, and the header says so.
    let signs = match map.spectrum {
        crate::analysis::concept_map::Spectrum::Full => {
            format!("{} positive / {} negative eigenvalues", map.n_positive, map.n_negative)
        }
        crate::analysis::concept_map::Spectrum::Partial => format!(
            "{} positive / {} negative of the {} eigenvalues computed (partial spectrum)",
            map.eigenvalues.iter().filter(|&&l| l > 1e-10).count(),
            map.eigenvalues.iter().filter(|&&l| l < -1e-10).count(),
            map.eigenvalues.len()
        ),
    };
    ui.label(format!("{} concepts · warp {warp} · variance explained (top 3) {variance} · {signs}", map.labels.len()));
    if let Some(e) = &view.run.stability.ensemble {
        let with =
            map.labels.iter().filter(|l| view.run.stability.of(l).is_some_and(|c| c.position_cov.is_some())).count();
        let axes = if frame.done < frame.total {
            " (shown at the end of the run only)"
        } else if view.widgets.camera.axes == [0, 1, 2] {
            ""
        } else {
            " (shown on axes 1–3 only)"
        };
        ui.label(format!(
            "Stability over {} replicates{}: 95% ellipses for {with} of {} concepts{axes}",
            e.replicates.len(),
            if e.resample == crate::run::ensemble::Resample::Exchanges { ", bootstrap" } else { "" },
            map.labels.len()
        ));
    }
    time_ui(ui, &frame, actions);
    canvas_ui(ui, view, settings.map_background, &frame, centre_on, actions);
}

/// Axes, reset, search (with its feedback), the map's options and background. Returns the map
/// index to centre on (Enter in the search box).
fn toolbar_ui(
    ui: &mut Ui,
    view: &mut View,
    settings: &mut Settings,
    frame: &Frame,
    actions: &mut Vec<Action>,
) -> Option<usize> {
    let map = &frame.map;
    let n_axes = map.eigenvalues.len();
    let mut centre_on = None;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut view.widgets.camera.three_d, "3-D");
        let names = ["x", "y", "z"];
        let shown = if view.widgets.camera.three_d { 3 } else { 2 };
        for (k, name) in names.iter().enumerate().take(shown) {
            let axis = &mut view.widgets.camera.axes[k];
            let text = |a: usize| {
                let l = map.eigenvalues.get(a).copied().unwrap_or(0.0);
                format!("λ{} = {l:.3}{}", a + 1, if l < 0.0 { " (negative)" } else { "" })
            };
            egui::ComboBox::from_label(format!("{name} axis")).selected_text(text(*axis)).show_ui(ui, |ui| {
                for a in 0..n_axes {
                    ui.selectable_value(axis, a, text(a));
                }
            });
        }
        if ui.button("Reset view").clicked() {
            let three_d = view.widgets.camera.three_d;
            view.widgets.camera = crate::app::view::Camera { three_d, ..Default::default() };
        }
        let search = ui.label("Search");
        let edit = ui
            .add(egui::TextEdit::singleline(&mut view.widgets.search).desired_width(100.0))
            .labelled_by(search.id)
            .on_hover_text("Enter selects and centres the first match");
        let query = view.widgets.search.trim().to_lowercase();
        if !query.is_empty() {
            let (first, count) = search_matches(&map.labels, &query);
            match first {
                None => ui.colored_label(ui.visuals().warn_fg_color, "no match"),
                Some(_) => ui.label(if count == 1 { "1 match".to_owned() } else { format!("{count} matches") }),
            };
            if edit.lost_focus()
                && ui.input(|i| i.key_pressed(egui::Key::Enter))
                && let Some(i) = first
            {
                actions.push(Action::Select(Some(map.labels[i].clone())));
                centre_on = Some(i);
            }
        }
        let m = &mut settings.options.map;
        let changed = ui.add(egui::DragValue::new(&mut m.n_concepts).range(2..=100_000).prefix("concepts ")).changed()
            | ui.add(egui::DragValue::new(&mut m.min_mass).range(0.0..=1e9).speed(0.1).prefix("min mass ")).changed()
            | ui.checkbox(&mut m.leave_out_speakers, "leave out speakers")
                .on_hover_text("map without the speakers' neurons (Speaker_… entries and the speakers' names)")
                .changed();
        if changed {
            actions.push(Action::Remap);
        }
        cluster_controls_ui(ui, view, &mut settings.options.map.clusters, actions);
        ui.separator();
        map_stability::stability_controls_ui(ui, view, actions);
        egui::ComboBox::from_label("background")
            .selected_text(match settings.map_background {
                MapBackground::Dark => "dark",
                MapBackground::Light => "light",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut settings.map_background, MapBackground::Dark, "dark");
                ui.selectable_value(&mut settings.map_background, MapBackground::Light, "light");
            });
    });
    centre_on
}

/// Colour by mass or cluster; the clustering's quality, resolution, seed and runs (a change
/// reclusters: the worker sends a new frame).
fn cluster_controls_ui(
    ui: &mut Ui,
    view: &mut View,
    c: &mut crate::model::options::ClusterOptions,
    actions: &mut Vec<Action>,
) {
    use crate::export::figure::Colouring;
    use crate::model::options::{ClusterQuality, MAX_CLUSTER_RUNS};
    egui::ComboBox::from_label("colour")
        .selected_text(match view.widgets.map_colour {
            Colouring::Mass => "mass",
            Colouring::Clusters => "clusters",
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut view.widgets.map_colour, Colouring::Mass, "mass");
            ui.selectable_value(&mut view.widgets.map_colour, Colouring::Clusters, "clusters");
        });
    if view.widgets.map_colour != Colouring::Clusters {
        return;
    }
    let before = *c;
    egui::ComboBox::from_label("quality")
        .selected_text(c.quality.as_str())
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut c.quality, ClusterQuality::Modularity, "modularity");
            ui.selectable_value(&mut c.quality, ClusterQuality::Cpm, "cpm");
        })
        .response
        .on_hover_text(
            "modularity: Newman–Girvan with resolution γ; cpm: constant Potts model (γ a density threshold)",
        );
    ui.add(egui::DragValue::new(&mut c.resolution).range(1e-4..=1e3).speed(0.01).prefix("resolution "))
        .on_hover_text("larger: more, smaller clusters");
    ui.add(egui::DragValue::new(&mut c.seed).prefix("seed ")).on_hover_text("same seed, same clusters");
    ui.add(egui::DragValue::new(&mut c.runs).range(1..=MAX_CLUSTER_RUNS).prefix("runs "))
        .on_hover_text("seeds each concept's cluster stability is measured over");
    if *c != before {
        actions.push(Action::Remap);
    }
}

/// The first match of `query` (lower case, non-empty) among `labels` — an exact match, else
/// the heaviest label containing it (labels come heaviest first) — and how many contain it.
fn search_matches(labels: &[String], query: &str) -> (Option<usize>, usize) {
    let lower: Vec<String> = labels.iter().map(|l| l.to_lowercase()).collect();
    let count = lower.iter().filter(|l| l.contains(query)).count();
    let first = lower.iter().position(|l| l == query).or_else(|| lower.iter().position(|l| l.contains(query)));
    (first, count)
}

/// The drawing: points (depth-cued in 3-D), links, labels, guides, legend, hover and click.
fn canvas_ui(
    ui: &mut Ui,
    view: &mut View,
    background: MapBackground,
    frame: &Frame,
    centre_on: Option<usize>,
    actions: &mut Vec<Action>,
) {
    let map = &frame.map;
    let ink = Ink::of(background);
    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    let cam = &mut view.widgets.camera;
    if response.dragged() {
        let d = response.drag_delta();
        if cam.three_d && !ui.input(|i| i.modifiers.shift) {
            cam.yaw += d.x * 0.01;
            cam.pitch = (cam.pitch + d.y * 0.01).clamp(-1.5, 1.5);
        } else {
            cam.pan[0] += d.x;
            cam.pan[1] += d.y;
        }
    }
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        cam.zoom = (cam.zoom * (scroll * 0.003).exp()).clamp(0.05, 50.0);
    }
    let axes: Vec<Vec<f64>> = cam.axes.iter().map(|&a| map.axis_coords(a)).collect();
    let projected: Vec<([f32; 2], f32)> =
        (0..map.labels.len()).map(|i| cam.project([axes[0][i], axes[1][i], axes[2][i]])).collect();
    let extent = projected.iter().map(|(p, _)| p[0].abs().max(p[1].abs())).fold(1e-9f32, f32::max);
    let scale = 0.45 * rect.width().min(rect.height()) / extent * cam.zoom;
    if let Some(&(p, _)) = centre_on.and_then(|i| projected.get(i)) {
        cam.pan = [-p[0] * scale, p[1] * scale];
    }
    let cam = *cam;
    let centre = rect.center() + vec2(cam.pan[0], cam.pan[1]);
    let screen: Vec<egui::Pos2> = projected.iter().map(|(p, _)| centre + vec2(p[0] * scale, -p[1] * scale)).collect();
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ink.fill);
    let canvas = Canvas { rect, centre, scale, camera: cam, ink };
    let extents: Vec<f64> = axes.iter().map(|a| a.iter().fold(0.0f64, |m, x| m.max(x.abs()))).collect();
    let mut placed = map_guides::axes_ui(ui, &painter, &canvas, &map.eigenvalues, &extents);
    placed.extend(map_guides::last_legend_rect(ui));
    if cam.three_d {
        placed.push(map_guides::gizmo_rect(rect));
    }

    let max_mass = map.masses.iter().copied().fold(1e-12, f64::max);
    let min_mass = map.masses.iter().copied().fold(f64::INFINITY, f64::min);
    // The selected concept's strongest connections, width and colour by strength.
    let mut link_range = None;
    let selected_label = view.widgets.selected.clone();
    if let Some(selected) = &selected_label
        && let Some(sel) = map.labels.iter().position(|l| l == selected)
    {
        let links = view.derived.links(frame, selected);
        let shown = &links[..links.len().min(LINKS_SHOWN)];
        let strongest = shown.first().map_or(1.0, |l| l.1).max(1e-12);
        for &(j, s) in shown {
            let t = (s / strongest) as f32;
            painter.line_segment([screen[sel], screen[j]], Stroke::new(1.0 + 5.0 * t, Scale::Link.at(t)));
        }
        if let (Some(first), Some(last)) = (shown.first(), shown.last()) {
            link_range = Some((selected.clone(), last.1, first.1, shown.len()));
        }
    }
    // Under the points: every concept's 95% ellipse faint, the selected concept's bold.
    // The ensemble describes the map at the run's end: not drawn on an earlier exchange.
    let at_end = frame.done == frame.total;
    view.run.stability.drawn = if view.run.stability.ensemble.is_some() && view.widgets.stability.ellipses && at_end {
        let ink =
            map_stability::EllipseInk { all: mix(ink.fill, ink.text, 0.3), selected: Color32::from_rgb(240, 228, 66) };
        map_stability::ellipses_ui(&painter, &canvas, map, &view.run.stability, ink, selected_label.as_deref())
    } else {
        None
    };
    // Points far to near; nearer points larger and brighter in 3-D.
    let mut order: Vec<usize> = (0..screen.len()).collect();
    order.sort_by(|&a, &b| projected[a].1.total_cmp(&projected[b].1));
    let search = view.widgets.search.trim().to_lowercase();
    let cascade = view.widgets.cascade.as_ref().filter(|c| c.on_map);
    let cascade_at = cascade.map(|c| (c.step, &c.run.steps[c.step]));
    let cascade_max = cascade_at.map_or(1.0, |(_, s)| s.peak().max(1e-12));
    let mass_radius = |i: usize| 3.0 + 9.0 * ((map.masses[i] / max_mass) as f32).sqrt();
    let mut radii = vec![0.0f32; screen.len()];
    let by_cluster = view.widgets.map_colour == crate::export::figure::Colouring::Clusters;
    // Each map entry's cluster (a neuron listed twice is one node: its later entry).
    let structure = &frame.structure;
    let mut cluster_of: Vec<Option<usize>> = vec![None; screen.len()];
    for (node, &entry) in structure.graph.entries.iter().enumerate() {
        if let (Some(slot), Some(&k)) = (cluster_of.get_mut(entry), structure.clusters.of.get(node)) {
            *slot = Some(k);
        }
    }
    for &i in &order {
        let (colour, radius) = match cascade_at {
            Some((_, s)) => {
                let a = s.activation(map.ids[i]);
                if a > 0.0 {
                    let t = (a / cascade_max) as f32;
                    (Scale::Activation.at(t), 3.0 + 9.0 * t.sqrt())
                } else {
                    (INACTIVE, 3.0)
                }
            }
            None if by_cluster => {
                let [r, g, b] =
                    cluster_of[i].map_or(crate::export::palette::OTHER_CLUSTER, crate::export::palette::cluster);
                (Color32::from_rgb(r, g, b), mass_radius(i))
            }
            None => {
                (Scale::Mass.at(((map.masses[i] - min_mass) / (max_mass - min_mass).max(1e-12)) as f32), mass_radius(i))
            }
        };
        let near = if cam.three_d { (0.5 + 0.5 * projected[i].1 / extent).clamp(0.0, 1.0) } else { 1.0 };
        let radius = radius * (0.55 + 0.45 * near);
        radii[i] = radius;
        let colour = mix(ink.fill, colour, 0.35 + 0.65 * near);
        painter.circle(screen[i], radius, colour, Stroke::new(0.75, mix(ink.fill, ink.guide, 0.3 + 0.5 * near)));
        let hit = !search.is_empty() && map.labels[i].to_lowercase().contains(&search);
        let selected = selected_label.as_deref() == Some(map.labels[i].as_str());
        if hit || selected {
            painter.circle_stroke(screen[i], radius + 3.0, Stroke::new(2.0, Color32::from_rgb(240, 228, 66)));
        }
    }
    // Labels heaviest first, skipped where they would overlap.
    let mut by_mass: Vec<usize> = (0..screen.len()).collect();
    by_mass.sort_by(|&a, &b| map.masses[b].total_cmp(&map.masses[a]));
    let font = egui::FontId::proportional(12.0);
    let galleys: Vec<_> =
        (0..screen.len()).map(|i| painter.layout_no_wrap(map.labels[i].clone(), font.clone(), ink.text)).collect();
    let at = |i: usize| screen[i] + vec2(radii[i] + 3.0, -galleys[i].size().y / 2.0);
    let shared = |r: egui::Rect| crate::export::labels::Rect { min: [r.min.x, r.min.y], max: [r.max.x, r.max.y] };
    // The figures' rule (crate::export::labels), so a figure labels what the map labels.
    let mut taken: Vec<_> = placed.iter().map(|&r| shared(r)).collect();
    let drawn = crate::export::labels::place(
        &by_mass,
        |i| shared(egui::Rect::from_min_size(at(i), galleys[i].size())),
        shared(rect),
        &mut taken,
    );
    for i in drawn {
        painter.galley(at(i), galleys[i].clone(), ink.text);
    }
    if cam.three_d {
        map_guides::gizmo_ui(ui, &painter, &canvas);
    }
    let encoding = match cascade_at {
        Some((step, _)) => Encoding::Activation { step, peak: cascade_max },
        None if by_cluster => Encoding::Clusters(cluster_legend(structure)),
        None => Encoding::Mass { min: min_mass.min(max_mass), max: max_mass },
    };
    map_guides::legend_ui(ui, &canvas, encoding, link_range.as_ref());

    // Hover and click: the nearest concept within 12 points; the tooltip sits at the pointer.
    let nearest = response.hover_pos().and_then(|p| {
        (0..screen.len())
            .map(|i| (i, screen[i].distance(p)))
            .filter(|(_, d)| *d < 12.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    });
    if let Some((i, _)) = nearest {
        let text = match cascade_at {
            Some((_, s)) => {
                format!("{} · mass {:.3} · activation {:.4}", map.labels[i], map.masses[i], s.activation(map.ids[i]))
            }
            None => match cluster_of[i] {
                Some(k) if by_cluster => format!("{} · mass {:.3} · cluster {}", map.labels[i], map.masses[i], k + 1),
                _ => format!("{} · mass {:.3}", map.labels[i], map.masses[i]),
            },
        };
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(text);
        });
        if response.clicked() {
            actions.push(Action::Select(Some(map.labels[i].clone())));
        }
    }
}

/// The time slider: the exchange the map shows; moving it pauses the run and shows the network
/// as of that exchange (the worker restores its nearest checkpoint and replays).
fn time_ui(ui: &mut Ui, frame: &crate::run::worker::Frame, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let mut t = frame.done;
        let slider = egui::Slider::new(&mut t, 0..=frame.total).text("exchange shown").integer();
        if ui.add_enabled(frame.total > 0, slider).on_hover_text("drag to any exchange of the run").changed() {
            actions.push(Action::Seek(t));
        }
    });
}

/// The cluster legend: each named cluster's colour, number, name and size; the rest counted.
fn cluster_legend(structure: &crate::analysis::structure::Structure) -> map_guides::ClusterLegend {
    use crate::export::figure::LEGEND_CLUSTERS;
    let c = &structure.clusters;
    let rows = (0..c.len().min(LEGEND_CLUSTERS))
        .map(|k| {
            let [r, g, b] = crate::export::palette::cluster(k);
            (Color32::from_rgb(r, g, b), format!("{} {} ({})", k + 1, c.name(&structure.graph, k), c.members[k].len()))
        })
        .collect();
    map_guides::ClusterLegend {
        rows,
        more: c.len().saturating_sub(LEGEND_CLUSTERS),
        modularity: c.modularity,
        problem: c.problem.as_ref().map(ToString::to_string),
    }
}

/// `a` blended toward `b` by `t` (0 = `a`, 1 = `b`), opaque.
fn mix(a: Color32, b: Color32, t: f32) -> Color32 {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_prefers_an_exact_match_then_the_heaviest() {
        let labels: Vec<String> = ["beans", "bean", "Speaker_Ana", "trees"].map(str::to_owned).to_vec();
        assert_eq!(search_matches(&labels, "bean"), (Some(1), 2));
        assert_eq!(search_matches(&labels, "bea"), (Some(0), 2));
        assert_eq!(search_matches(&labels, "speaker_ana"), (Some(2), 1));
        assert_eq!(search_matches(&labels, "zzz"), (None, 0));
    }
}
