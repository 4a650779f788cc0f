//! What makes the map explain itself: axis lines through the origin labelled with their
//! eigenvalue and sign, the 3-D orientation gizmo, and the legend (colour scale with its
//! range, what size encodes, the selected concept's links, the depth cue). Text is laid out as
//! labels, so it can be read (and tested) through AccessKit.

use egui::{Align2, Painter, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2, pos2, vec2};

use super::palette::{INACTIVE, Ink, Scale};
use crate::app::view::Camera;

/// Where and how the map is drawn this frame.
pub struct Canvas {
    /// The map's area.
    pub rect: Rect,
    /// Screen position of the origin.
    pub centre: Pos2,
    /// Screen points per unit of the projected coordinates.
    pub scale: f32,
    /// The camera (axes, 2-D or 3-D, orbit).
    pub camera: Camera,
    /// Colours of the background.
    pub ink: Ink,
}

impl Canvas {
    /// Screen position of map coordinates `p` (the camera's axes already applied).
    pub fn to_screen(&self, p: [f64; 3]) -> Pos2 {
        let (q, _) = self.camera.project(p);
        self.centre + vec2(q[0] * self.scale, -q[1] * self.scale)
    }
}

/// The cluster legend's rows: colour and text per named cluster, how many more, modularity.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterLegend {
    /// Colour and `k name (size)` of each named cluster.
    pub rows: Vec<(egui::Color32, String)>,
    /// Clusters beyond those named (drawn grey).
    pub more: usize,
    /// The partition's modularity.
    pub modularity: f64,
    /// Why there are no clusters, if so.
    pub problem: Option<String>,
}

/// What the points' colour and size show.
#[derive(Clone, Debug, PartialEq)]
pub enum Encoding {
    /// Concept mass, colour over [min, max].
    Mass {
        /// Lightest mapped concept.
        min: f64,
        /// Heaviest mapped concept.
        max: f64,
    },
    /// Leiden clusters, named in the legend.
    Clusters(ClusterLegend),
    /// A cascade step's activations, colour over (0, peak].
    Activation {
        /// The step shown.
        step: usize,
        /// Its largest activation.
        peak: f64,
    },
}

/// Colours of the three gizmo axes (Okabe–Ito orange, sky blue, bluish green).
const AXIS_COLOURS: [egui::Color32; 3] =
    [egui::Color32::from_rgb(230, 159, 0), egui::Color32::from_rgb(86, 180, 233), egui::Color32::from_rgb(0, 158, 115)];

/// A label for eigen-axis `axis`: `dim k: λ = value` and `(negative)` where λ < 0.
pub fn axis_text(axis: usize, eigenvalues: &[f64]) -> String {
    let l = eigenvalues.get(axis).copied().unwrap_or(0.0);
    format!("dim {}: λ = {l:.3}{}", axis + 1, if l < 0.0 { " (negative)" } else { "" })
}

/// Put a one-line label with its `anchor` corner at `at`, kept inside `within`.
fn put_label(ui: &mut Ui, within: Rect, at: Pos2, anchor: Align2, text: RichText) -> Rect {
    let galley =
        ui.painter().layout_no_wrap(text.text().to_owned(), egui::FontId::proportional(12.0), egui::Color32::WHITE);
    let size = galley.size() + vec2(4.0, 2.0);
    let placed = anchor.anchor_size(at, size);
    let min = pos2(
        placed.min.x.clamp(within.left() + 2.0, (within.right() - size.x - 2.0).max(within.left())),
        placed.min.y.clamp(within.top() + 2.0, (within.bottom() - size.y - 2.0).max(within.top())),
    );
    ui.put(Rect::from_min_size(min, size), egui::Label::new(text).selectable(false).extend()).rect
}

/// Axis lines through the origin along each shown eigen-axis (as long as the points reach),
/// labelled at their positive end. Returns where the labels are (concept labels keep off).
pub fn axes_ui(ui: &mut Ui, painter: &Painter, canvas: &Canvas, eigenvalues: &[f64], extents: &[f64]) -> Vec<Rect> {
    let mut placed = Vec::new();
    let shown = if canvas.camera.three_d { 3 } else { 2 };
    let stroke = Stroke::new(1.0, canvas.ink.guide.gamma_multiply(0.7));
    for k in 0..shown {
        let reach = extents.get(k).copied().unwrap_or(0.0).max(1e-9) * 1.05;
        let mut end = [0.0; 3];
        end[k] = reach;
        let mut start = [0.0; 3];
        start[k] = -reach;
        let (a, b) = (canvas.to_screen(start), canvas.to_screen(end));
        painter.line_segment([a, b], stroke);
        painter.text(b, Align2::CENTER_CENTER, "+", egui::FontId::proportional(11.0), canvas.ink.guide);
        // Beside the line, just inside its end, reaching back toward the origin (the end is
        // where the outermost point sits).
        let dir = (b - canvas.centre).normalized();
        let (at, anchor) = if dir.x.abs() >= dir.y.abs() {
            (b + vec2(0.0, 6.0), if dir.x > 0.0 { Align2::RIGHT_TOP } else { Align2::LEFT_TOP })
        } else {
            (b + vec2(6.0, 0.0), if dir.y < 0.0 { Align2::LEFT_TOP } else { Align2::LEFT_BOTTOM })
        };
        let text = RichText::new(axis_text(canvas.camera.axes[k], eigenvalues)).size(12.0).color(canvas.ink.text);
        placed.push(put_label(ui, canvas.rect, at, anchor, text));
    }
    placed
}

/// The 3-D orientation gizmo in the top-right corner: the three shown axes' projected
/// directions, labelled λ1, λ2, … by eigen-axis, drawn back to front.
pub fn gizmo_ui(ui: &mut Ui, painter: &Painter, canvas: &Canvas) {
    let origin = gizmo_rect(canvas.rect).center();
    painter.circle_filled(origin, 48.0, canvas.ink.panel);
    let mut tips: Vec<(usize, Vec2, f32)> = (0..3)
        .map(|k| {
            let mut unit = [0.0; 3];
            unit[k] = 1.0;
            let (q, depth) = canvas.camera.project(unit);
            (k, vec2(q[0], -q[1]) * 34.0, depth)
        })
        .collect();
    tips.sort_by(|a, b| a.2.total_cmp(&b.2));
    for (k, d, depth) in tips {
        let near = 0.55 + 0.45 * (0.5 + 0.5 * depth);
        let colour = AXIS_COLOURS[k].gamma_multiply(near);
        painter.arrow(origin, d, Stroke::new(2.0, colour));
        let text = RichText::new(format!("λ{}", canvas.camera.axes[k] + 1)).size(12.0).color(canvas.ink.text);
        put_label(ui, gizmo_rect(canvas.rect), origin + d * 1.25, Align2::CENTER_CENTER, text);
    }
}

/// Where the gizmo sits in the map `rect` (its top-right corner).
pub fn gizmo_rect(rect: Rect) -> Rect {
    Rect::from_center_size(rect.right_top() + vec2(-60.0, 60.0), Vec2::splat(110.0))
}

/// Where the legend was drawn last frame (concept labels keep off it), if anywhere.
pub fn last_legend_rect(ui: &Ui) -> Option<Rect> {
    ui.data(|d| d.get_temp(legend_id(ui)))
}

fn legend_id(ui: &Ui) -> egui::Id {
    ui.scope_id().with("map_legend_rect")
}

/// A horizontal colour bar of `scale`.
fn colour_bar(ui: &mut Ui, scale: Scale) {
    let (rect, _) = ui.allocate_exact_size(vec2(110.0, 10.0), Sense::hover());
    let n = 32;
    let w = rect.width() / n as f32;
    for k in 0..n {
        let r = Rect::from_min_size(rect.min + vec2(w * k as f32, 0.0), vec2(w + 0.5, rect.height()));
        ui.painter().rect_filled(r, 0.0, scale.at(k as f32 / (n - 1) as f32));
    }
}

/// The legend in the top-left corner: colour (scale and range), size, the selected concept's
/// links (scale and strength range) and, in 3-D, the depth cue.
pub fn legend_ui(ui: &mut Ui, canvas: &Canvas, encoding: Encoding, links: Option<&(String, f64, f64, usize)>) {
    let ink = canvas.ink;
    let height = if matches!(encoding, Encoding::Clusters(_)) { 300.0 } else { 160.0 };
    let area = Rect::from_min_size(canvas.rect.min + vec2(8.0, 8.0), vec2(340.0, height)).intersect(canvas.rect);
    let text = |s: String| RichText::new(s).size(12.0).color(ink.text);
    let drawn = ui.scope_builder(
        egui::UiBuilder::new().max_rect(area).layout(egui::Layout::top_down(egui::Align::Min)),
        |ui| {
            egui::Frame::new().fill(ink.panel).inner_margin(6.0).corner_radius(4.0).show(ui, |ui| {
                ui.spacing_mut().item_spacing = vec2(4.0, 3.0);
                let label = |ui: &mut Ui, s: String| ui.add(egui::Label::new(text(s)).selectable(false).extend());
                match encoding {
                    Encoding::Mass { min, max } => {
                        label(ui, "Legend · colour: concept mass (viridis)".to_owned());
                        ui.horizontal(|ui| {
                            label(ui, format!("{min:.3}"));
                            colour_bar(ui, Scale::Mass);
                            label(ui, format!("{max:.3}"));
                        });
                        label(ui, format!("size: area proportional to mass (largest {max:.3})"));
                    }
                    Encoding::Clusters(legend) => match &legend.problem {
                        Some(problem) => {
                            label(ui, format!("Legend · no clusters: {problem}"));
                        }
                        None => {
                            label(ui, format!("Legend · colour: Leiden cluster (modularity {:.3})", legend.modularity));
                            for (colour, name) in &legend.rows {
                                ui.horizontal(|ui| {
                                    let (r, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
                                    ui.painter().circle_filled(r.center(), 4.5, *colour);
                                    label(ui, name.clone());
                                });
                            }
                            if legend.more > 0 {
                                label(ui, format!("+{} smaller clusters (grey)", legend.more));
                            }
                            label(ui, "size: area proportional to mass".to_owned());
                        }
                    },
                    Encoding::Activation { step, peak } => {
                        label(ui, format!("Legend · colour: cascade activation at step {step}"));
                        ui.horizontal(|ui| {
                            label(ui, "0".to_owned());
                            colour_bar(ui, Scale::Activation);
                            label(ui, format!("{peak:.4}"));
                        });
                        ui.horizontal(|ui| {
                            let (r, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
                            ui.painter().circle_filled(r.center(), 4.0, INACTIVE);
                            label(ui, "inactive".to_owned());
                        });
                        label(ui, "size: area proportional to activation".to_owned());
                    }
                }
                if let Some((word, weakest, strongest, n)) = links {
                    label(ui, format!("links of {word} ({n} strongest): width and colour by strength"));
                    ui.horizontal(|ui| {
                        label(ui, format!("{weakest:.3}"));
                        colour_bar(ui, Scale::Link);
                        label(ui, format!("{strongest:.3}"));
                    });
                }
                if canvas.camera.three_d {
                    label(ui, "depth: farther points smaller and dimmer".to_owned());
                }
            });
        },
    );
    ui.data_mut(|d| d.insert_temp(legend_id(ui), drawn.response.rect));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_name_the_dimension_the_eigenvalue_and_its_sign() {
        let l = [2.5, -0.125];
        assert_eq!(axis_text(0, &l), "dim 1: λ = 2.500");
        assert_eq!(axis_text(1, &l), "dim 2: λ = -0.125 (negative)");
        assert_eq!(axis_text(5, &l), "dim 6: λ = 0.000");
    }
}
