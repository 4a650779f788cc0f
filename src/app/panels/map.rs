//! The concept map: 2-D or 3-D, any eigen-axes, labels without overlap, selection and the
//! selected concept's strongest links.

use egui::{Color32, Sense, Stroke, Ui, vec2};

use super::mass_colour;
use crate::app::Action;
use crate::app::view::View;
use crate::model::options::MapOptions;

/// The concept map: 2-D or 3-D, any eigen-axes, labels without overlap, selection.
pub fn map_ui(ui: &mut Ui, view: &mut View, options: &mut MapOptions, actions: &mut Vec<Action>) {
    let Some(frame) = view.run.frame.clone() else {
        ui.label("Load a conversation to see its concept map.");
        return;
    };
    let map = &frame.map;
    let n_axes = map.eigenvalues.len();
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
        ui.add(egui::TextEdit::singleline(&mut view.widgets.search).desired_width(100.0)).labelled_by(search.id);
        let m = options;
        let changed = ui.add(egui::DragValue::new(&mut m.n_concepts).range(2..=100_000).prefix("concepts ")).changed()
            | ui.add(egui::DragValue::new(&mut m.min_mass).range(0.0..=1e9).speed(0.1).prefix("min mass ")).changed();
        if changed {
            actions.push(Action::Remap);
        }
    });
    let warp = map.warp.map_or_else(|| "—".to_owned(), |w| format!("{w:.3}"));
    let variance = map.variance_top3_pct.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%"));
    ui.label(format!(
        "{} concepts · warp {warp} · variance explained (top 3) {variance} · {} positive / {} negative eigenvalues",
        map.labels.len(),
        map.n_positive,
        map.n_negative
    ));

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
    let centre = rect.center() + vec2(cam.pan[0], cam.pan[1]);
    let screen: Vec<egui::Pos2> = projected.iter().map(|(p, _)| centre + vec2(p[0] * scale, -p[1] * scale)).collect();
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let max_mass = map.masses.iter().copied().fold(1e-12, f64::max);

    // The selected concept's strongest connections, width and colour by strength.
    if let Some(selected) = view.widgets.selected.clone()
        && let Some(sel) = map.labels.iter().position(|l| *l == selected)
    {
        let links = view.derived.links(&frame, &selected);
        let strongest = links.first().map_or(1.0, |l| l.1).max(1e-12);
        for &(j, s) in links.iter().take(15) {
            let t = (s / strongest) as f32;
            painter
                .line_segment([screen[sel], screen[j]], Stroke::new(1.0 + 5.0 * t, mass_colour(t).gamma_multiply(0.8)));
        }
    }
    // Points far to near; labels heaviest first, skipped where they would overlap.
    let mut order: Vec<usize> = (0..screen.len()).collect();
    order.sort_by(|&a, &b| projected[a].1.total_cmp(&projected[b].1));
    let search = view.widgets.search.to_lowercase();
    let cascade_at = view.widgets.cascade.as_ref().filter(|c| c.on_map).map(|c| &c.run.steps[c.step]);
    let cascade_max = cascade_at.map_or(1.0, |s| s.peak().max(1e-12));
    for &i in &order {
        let t = match cascade_at {
            Some(s) => (s.activation(map.ids[i]) / cascade_max) as f32,
            None => (map.masses[i] / max_mass) as f32,
        };
        let hit = !search.is_empty() && map.labels[i].to_lowercase().contains(&search);
        let selected = view.widgets.selected.as_deref() == Some(map.labels[i].as_str());
        let radius = 3.0 + 9.0 * t.sqrt();
        painter.circle_filled(screen[i], radius, mass_colour(t));
        if hit || selected {
            painter.circle_stroke(screen[i], radius + 3.0, Stroke::new(2.0, Color32::YELLOW));
        }
    }
    let mut by_mass: Vec<usize> = (0..screen.len()).collect();
    by_mass.sort_by(|&a, &b| map.masses[b].total_cmp(&map.masses[a]));
    let mut placed: Vec<egui::Rect> = Vec::new();
    let font = egui::FontId::proportional(12.0);
    for &i in &by_mass {
        let galley = painter.layout_no_wrap(map.labels[i].clone(), font.clone(), ui.visuals().text_color());
        let radius = 3.0 + 9.0 * ((map.masses[i] / max_mass) as f32).sqrt();
        let at = screen[i] + vec2(radius + 3.0, -galley.size().y / 2.0);
        let label_rect = egui::Rect::from_min_size(at, galley.size());
        if rect.contains_rect(label_rect) && placed.iter().all(|r| !r.intersects(label_rect)) {
            placed.push(label_rect);
            painter.galley(at, galley, ui.visuals().text_color());
        }
    }
    // Hover and click: the nearest concept within 12 points.
    let nearest = response.hover_pos().and_then(|p| {
        (0..screen.len())
            .map(|i| (i, screen[i].distance(p)))
            .filter(|(_, d)| *d < 12.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    });
    if let Some((i, _)) = nearest {
        response.clone().on_hover_text(format!("{} · mass {:.3}", map.labels[i], map.masses[i]));
        if response.clicked() {
            actions.push(Action::Select(Some(map.labels[i].clone())));
        }
    }
}
