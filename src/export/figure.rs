//! Figures as SVG, written from the map model (egui has no SVG backend): the concept map as
//! the app draws it (chosen axes, clusters or mass colouring, the same label rule, legend,
//! axis lines labelled with λ and sign, a provenance caption), and bar charts (the spectrum,
//! kernel timings). Sizes are in millimetres; SVG user units are CSS pixels (1/96 inch), so
//! [`super::png`] renders `width_mm / 25.4 × dpi` pixels.

use std::fmt::Write as _;

use super::Results;
use super::labels::{self, Rect};
use super::palette::{self, VIRIDIS};
use super::text::xml;

/// How concepts are coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Colouring {
    /// By Leiden cluster, with a legend naming each cluster.
    #[default]
    Clusters,
    /// By mass on viridis, with a colour bar.
    Mass,
}

/// What a figure shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FigureKind {
    /// The concept map.
    #[default]
    Map,
    /// The eigenvalue spectrum.
    Spectrum,
    /// Kernel time per call.
    Timing,
}

impl FigureKind {
    /// Its name (a figure's default file name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Map => "map",
            Self::Spectrum => "spectrum",
            Self::Timing => "timing",
        }
    }
}

/// Clusters the legend names (the rest are counted in one line, and drawn grey beyond the
/// palette).
pub const LEGEND_CLUSTERS: usize = 12;

/// A figure's size and look.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureOptions {
    /// Width in millimetres (10 … 1000).
    pub width_mm: f64,
    /// Height in millimetres (10 … 1000).
    pub height_mm: f64,
    /// Eigen-axes shown as x and y (0-based).
    pub axes: [usize; 2],
    /// Colour by cluster or by mass.
    pub colouring: Colouring,
    /// No background (for PNG: a transparent one).
    pub transparent: bool,
}

impl Default for FigureOptions {
    fn default() -> Self {
        Self { width_mm: 180.0, height_mm: 135.0, axes: [0, 1], colouring: Colouring::Clusters, transparent: false }
    }
}

/// Why a figure cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FigureError {
    /// A size outside the bounds.
    #[error("{what} must be between {low} and {high}, not {value}")]
    OutOfRange {
        /// Which size.
        what: &'static str,
        /// The value given.
        value: f64,
        /// The bounds.
        low: f64,
        /// See `low`.
        high: f64,
    },
    /// An axis the map does not have.
    #[error("the map has {n} dimension(s), too few concepts for dimension {axis} (see --axes)")]
    NoAxis {
        /// The dimension asked for (1-based).
        axis: usize,
        /// Dimensions the map has.
        n: usize,
    },
    /// Rendering to PNG failed.
    #[error("cannot render the figure: {0}")]
    Render(String),
}

impl FigureOptions {
    /// Check the sizes (and, given the map's dimensions, the axes).
    pub fn validate(&self, dimensions: usize) -> Result<(), FigureError> {
        for (what, value) in [("--width-mm", self.width_mm), ("--height-mm", self.height_mm)] {
            if !(value.is_finite() && (10.0..=1000.0).contains(&value)) {
                return Err(FigureError::OutOfRange { what, value, low: 10.0, high: 1000.0 });
            }
        }
        for &axis in &self.axes {
            if axis >= dimensions.max(1) {
                return Err(FigureError::NoAxis { axis: axis + 1, n: dimensions });
            }
        }
        Ok(())
    }

    fn size_px(&self) -> (f32, f32) {
        ((self.width_mm / 25.4 * 96.0) as f32, (self.height_mm / 25.4 * 96.0) as f32)
    }
}

/// Text sizes, in CSS pixels.
const LABEL: f32 = 10.0;
const SMALL: f32 = 8.0;
const FONT: &str = "Ubuntu, 'DejaVu Sans', Arial, Helvetica, sans-serif";

/// The width of `text` at `size`, estimated from character classes (the figure's font is
/// not measured here; the estimate errs wide, so labels never collide in a renderer).
pub fn text_width(text: &str, size: f32) -> f32 {
    let em: f32 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | '\'' | '!' | '|' | ':' | ';' | 'I' | ' ' => 0.3,
            'm' | 'w' | 'M' | 'W' => 0.9,
            c if c.is_ascii_uppercase() => 0.7,
            c if c.is_ascii() => 0.58,
            c if (c as u32) >= 0x2E80 => 1.0,
            _ => 0.65,
        })
        .sum();
    em * size
}

fn svg_open(s: &mut String, w: f32, h: f32, opts: &FigureOptions, title: &str, provenance: &str) {
    let _ = writeln!(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}mm\" height=\"{}mm\" viewBox=\"0 0 {w:.2} {h:.2}\" font-family=\"{FONT}\">",
        opts.width_mm, opts.height_mm
    );
    let _ = writeln!(s, "<title>{}</title>\n<desc>{}</desc>", xml(title), xml(provenance));
    if !opts.transparent {
        let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    }
}

fn text(s: &mut String, x: f32, y: f32, size: f32, anchor: &str, fill: &str, body: &str) {
    let _ = writeln!(
        s,
        "<text x=\"{x:.2}\" y=\"{y:.2}\" font-size=\"{size}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>",
        xml(body)
    );
}

/// The concept map of `results` as an SVG document.
pub fn map_svg(results: &Results<'_>, opts: &FigureOptions) -> String {
    let map = results.map;
    let s = results.structure;
    let g = &s.graph;
    let (w, h) = opts.size_px();
    let mut svg = String::new();
    svg_open(
        &mut svg,
        w,
        h,
        opts,
        &format!("Concept map of {}", results.provenance.input),
        &results.provenance.lines(),
    );
    // The legend stands beside the plot where the figure is wide enough (it never covers a
    // point), else inside its top-right corner.
    let legend = Legend::of(results, opts);
    let beside = w - legend.width - 24.0 >= 0.5 * w;
    let right = if beside { w - legend.width - 16.0 } else { w - 8.0 };
    let plot = Rect { min: [8.0, 8.0], max: [right, h - 8.0 - SMALL * 1.6] };
    let centre = [(plot.min[0] + plot.max[0]) / 2.0, (plot.min[1] + plot.max[1]) / 2.0];
    let (xs, ys) = (map.axis_coords(opts.axes[0]), map.axis_coords(opts.axes[1]));
    let point = |i: usize| (xs.get(g.entries[i]).copied().unwrap_or(0.0), ys.get(g.entries[i]).copied().unwrap_or(0.0));
    let extent = (0..g.len()).map(|i| point(i).0.abs().max(point(i).1.abs())).fold(1e-12, f64::max);
    let half = ((plot.max[0] - plot.min[0]).min(plot.max[1] - plot.min[1]) / 2.0 - 14.0).max(10.0);
    let scale = f64::from(half) / extent;
    let screen: Vec<[f32; 2]> = (0..g.len())
        .map(|i| {
            let (x, y) = point(i);
            [centre[0] + (x * scale) as f32, centre[1] - (y * scale) as f32]
        })
        .collect();
    let mut placed: Vec<Rect> = Vec::new();

    // Axis lines through the origin, labelled with their dimension, λ and sign.
    let ink = "#444444";
    let _ = writeln!(
        svg,
        "<g stroke=\"#999999\" stroke-width=\"0.75\"><line x1=\"{:.2}\" y1=\"{:.2}\" x2=\"{:.2}\" y2=\"{:.2}\"/><line x1=\"{:.2}\" y1=\"{:.2}\" x2=\"{:.2}\" y2=\"{:.2}\"/></g>",
        plot.min[0], centre[1], plot.max[0], centre[1], centre[0], plot.min[1], centre[0], plot.max[1]
    );
    for (k, &axis) in opts.axes.iter().enumerate() {
        let lambda = map.eigenvalues.get(axis).copied().unwrap_or(0.0);
        let label = format!("dim {}: λ = {lambda:.3}{}", axis + 1, if lambda < 0.0 { " (negative)" } else { "" });
        let width = text_width(&label, SMALL);
        let (x, y, anchor, r) = if k == 0 {
            (
                plot.max[0] - 2.0,
                centre[1] - 4.0,
                "end",
                Rect::at([plot.max[0] - 2.0 - width, centre[1] - 4.0 - SMALL], [width, SMALL * 1.2]),
            )
        } else {
            (
                centre[0] + 4.0,
                plot.min[1] + SMALL,
                "start",
                Rect::at([centre[0] + 4.0, plot.min[1]], [width, SMALL * 1.2]),
            )
        };
        text(&mut svg, x, y, SMALL, anchor, ink, &label);
        placed.push(r);
    }

    let at = if beside {
        [w - 8.0 - legend.width, plot.min[1]]
    } else {
        [(plot.max[0] - legend.width).max(8.0), plot.min[1] + LABEL * 1.6]
    };
    placed.push(legend.draw(&mut svg, at));

    // Points, lightest first so heavy ones stay on top; area by mass.
    let max_mass = g.masses.iter().copied().fold(1e-12, f64::max);
    let min_mass = g.masses.iter().copied().fold(f64::INFINITY, f64::min).min(max_mass);
    let radius = |i: usize| 2.5 + 7.0 * ((g.masses[i].max(0.0) / max_mass) as f32).sqrt();
    let colour = |i: usize| match opts.colouring {
        Colouring::Clusters => palette::cluster(s.clusters.of.get(i).copied().unwrap_or(0)),
        Colouring::Mass => {
            palette::ramp(&VIRIDIS, ((g.masses[i] - min_mass) / (max_mass - min_mass).max(1e-12)) as f32)
        }
    };
    let mut light_first: Vec<usize> = (0..g.len()).collect();
    light_first.sort_by(|&a, &b| g.masses[a].total_cmp(&g.masses[b]).then(a.cmp(&b)));
    svg.push_str("<g stroke=\"#333333\" stroke-width=\"0.6\">\n");
    for &i in &light_first {
        let [x, y] = screen[i];
        let _ = writeln!(
            svg,
            "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"{:.2}\" fill=\"{}\"/>",
            radius(i),
            palette::hex(colour(i))
        );
    }
    svg.push_str("</g>\n");

    // Labels heaviest first, skipped where they would overlap (the app's rule).
    let heavy_first: Vec<usize> = light_first.iter().rev().copied().collect();
    let rect = |i: usize| {
        let [x, y] = screen[i];
        Rect::at([x + radius(i) + 2.0, y - LABEL * 0.6], [text_width(&g.labels[i], LABEL), LABEL * 1.2])
    };
    // Labels may run into the margin beside the plot (not into the legend, which is placed).
    let page = Rect { min: plot.min, max: [w - 8.0, plot.max[1]] };
    let drawn = labels::place(&heavy_first, rect, page, &mut placed);
    svg.push_str("<g>\n");
    for i in drawn {
        let r = rect(i);
        text(&mut svg, r.min[0], r.min[1] + LABEL * 0.9, LABEL, "start", "#111111", &g.labels[i]);
    }
    svg.push_str("</g>\n");
    text(&mut svg, 8.0, h - 5.0, SMALL, "start", "#666666", &results.provenance.caption());
    svg.push_str("</svg>\n");
    svg
}

/// The map's legend: a title and one row per swatch, and the box they need.
struct Legend {
    title: Vec<String>,
    rows: Vec<(Option<String>, String)>,
    mass_bar: bool,
    width: f32,
    height: f32,
}

/// Line height in the legend.
const LEGEND_LINE: f32 = LABEL * 1.35;

/// Longest cluster name a legend row shows (longer ones end in "…").
const LEGEND_NAME_CHARS: usize = 40;

/// `s` cut to `max` characters, ending in "…" where cut.
fn shortened(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

/// A parameter as a legend shows it: as typed where short (`1`, `0.5`), else in scientific
/// notation (`1e-300` is not printed as 300 digits).
fn short_number(x: f64) -> String {
    let plain = format!("{x}");
    if plain.len() <= 8 { plain } else { format!("{x:.3e}") }
}

impl Legend {
    fn of(results: &Results<'_>, opts: &FigureOptions) -> Self {
        let s = results.structure;
        let g = &s.graph;
        let c = &s.clusters;
        let mut rows: Vec<(Option<String>, String)> = Vec::new();
        let title = match opts.colouring {
            Colouring::Clusters => vec![
                "Leiden clusters".to_owned(),
                format!(
                    "{} γ = {}, seed {}",
                    c.options.quality.as_str(),
                    short_number(c.options.resolution),
                    c.options.seed
                ),
                format!("modularity {:.3}", c.modularity),
            ],
            Colouring::Mass => vec!["Concept mass".to_owned(), "(colour and area)".to_owned()],
        };
        match opts.colouring {
            Colouring::Clusters => {
                for k in 0..c.len().min(LEGEND_CLUSTERS) {
                    rows.push((
                        Some(palette::hex(palette::cluster(k))),
                        format!("{}  {} ({})", k + 1, shortened(&c.name(g, k), LEGEND_NAME_CHARS), c.members[k].len()),
                    ));
                }
                if c.len() > LEGEND_CLUSTERS {
                    let rest: usize = c.members[LEGEND_CLUSTERS..].iter().map(Vec::len).sum();
                    rows.push((None, format!("+ {} more clusters ({rest} concepts)", c.len() - LEGEND_CLUSTERS)));
                }
            }
            Colouring::Mass => {
                let max = g.masses.iter().copied().fold(0.0, f64::max);
                let min = g.masses.iter().copied().fold(f64::INFINITY, f64::min).min(max);
                rows.push((None, format!("{min:.3} … {max:.3}")));
            }
        }
        let mass_bar = opts.colouring == Colouring::Mass;
        let widest_title = title.iter().map(|t| text_width(t, LABEL)).fold(0.0, f32::max);
        let width = rows.iter().map(|(_, t)| text_width(t, LABEL) + 16.0).fold(widest_title, f32::max) + 12.0;
        let height = LEGEND_LINE * (rows.len() + title.len()) as f32 + 10.0 + if mass_bar { 12.0 } else { 0.0 };
        Self { title, rows, mass_bar, width, height }
    }

    /// Draw the box with its top-left corner at `at`; its rectangle (labels avoid it).
    fn draw(&self, svg: &mut String, at: [f32; 2]) -> Rect {
        let (width, height) = (self.width, self.height);
        let r = Rect::at(at, [width, height]);
        let _ = writeln!(
            svg,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{width:.2}\" height=\"{height:.2}\" fill=\"#ffffff\" fill-opacity=\"0.88\" stroke=\"#bbbbbb\" stroke-width=\"0.6\"/>",
            r.min[0], r.min[1]
        );
        let (x, mut y) = (r.min[0] + 6.0, r.min[1]);
        for line in &self.title {
            y += LEGEND_LINE;
            text(svg, x, y, LABEL, "start", "#111111", line);
        }
        if self.mass_bar {
            svg.push_str("<defs><linearGradient id=\"viridis\">");
            for (k, stop) in VIRIDIS.iter().enumerate() {
                let _ = write!(svg, "<stop offset=\"{:.3}\" stop-color=\"{}\"/>", k as f32 / 8.0, palette::hex(*stop));
            }
            svg.push_str("</linearGradient></defs>\n");
            let _ = writeln!(
                svg,
                "<rect x=\"{x:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"9\" fill=\"url(#viridis)\"/>",
                y + 4.0,
                width - 12.0
            );
            y += 12.0;
        }
        for (swatch, label) in &self.rows {
            y += LEGEND_LINE;
            if let Some(fill) = swatch {
                let _ = writeln!(
                    svg,
                    "<circle cx=\"{:.2}\" cy=\"{:.2}\" r=\"4\" fill=\"{fill}\" stroke=\"#333333\" stroke-width=\"0.6\"/>",
                    x + 4.0,
                    y - LABEL * 0.35
                );
            }
            text(svg, x + if swatch.is_some() { 14.0 } else { 0.0 }, y, LABEL, "start", "#111111", label);
        }
        r
    }
}

/// A bar chart: one bar per `(label, value)`, positive bars in `colours.0`, negative in
/// `colours.1`, a zero line, y ticks, `y_label` on the axis; the provenance caption.
pub fn bars_svg(
    title: &str,
    bars: &[(String, f64)],
    y_label: &str,
    colours: (palette::Rgb, palette::Rgb),
    provenance: &super::Provenance,
    opts: &FigureOptions,
) -> String {
    let (w, h) = opts.size_px();
    let mut svg = String::new();
    svg_open(&mut svg, w, h, opts, title, &provenance.lines());
    text(&mut svg, w / 2.0, 16.0, LABEL * 1.2, "middle", "#111111", title);
    let plot = Rect { min: [56.0, 28.0], max: [w - 12.0, h - 40.0] };
    let high = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let low = bars.iter().map(|b| b.1).fold(0.0, f64::min);
    let span = (high - low).max(1e-12);
    let y_of = |v: f64| plot.max[1] - ((v - low) / span) as f32 * (plot.max[1] - plot.min[1]);
    // Ticks at a round step.
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let mut tick = (low / step).ceil() * step;
    while tick <= high + step * 1e-9 {
        let y = y_of(tick);
        let _ = writeln!(
            svg,
            "<line x1=\"{:.2}\" y1=\"{y:.2}\" x2=\"{:.2}\" y2=\"{y:.2}\" stroke=\"#dddddd\" stroke-width=\"0.5\"/>",
            plot.min[0], plot.max[0]
        );
        text(&mut svg, plot.min[0] - 4.0, y + SMALL * 0.35, SMALL, "end", "#444444", &format_tick(tick));
        tick += step;
    }
    let zero = y_of(0.0);
    let slot = (plot.max[0] - plot.min[0]) / bars.len().max(1) as f32;
    let every = (bars.len() as f32 * SMALL * 3.0 / (plot.max[0] - plot.min[0])).ceil().max(1.0) as usize;
    for (k, (label, value)) in bars.iter().enumerate() {
        let (y0, y1) = (zero.min(y_of(*value)), zero.max(y_of(*value)));
        let fill = palette::hex(if *value >= 0.0 { colours.0 } else { colours.1 });
        let x = plot.min[0] + slot * k as f32 + slot * 0.1;
        let _ = writeln!(
            svg,
            "<rect x=\"{x:.2}\" y=\"{y0:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{fill}\"/>",
            slot * 0.8,
            (y1 - y0).max(0.3)
        );
        if k % every == 0 {
            text(&mut svg, x + slot * 0.4, plot.max[1] + SMALL * 1.5, SMALL, "middle", "#444444", label);
        }
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{:.2}\" y1=\"{zero:.2}\" x2=\"{:.2}\" y2=\"{zero:.2}\" stroke=\"#333333\" stroke-width=\"0.8\"/>",
        plot.min[0], plot.max[0]
    );
    let _ = writeln!(
        svg,
        "<text x=\"12\" y=\"{:.2}\" font-size=\"{SMALL}\" text-anchor=\"middle\" fill=\"#444444\" transform=\"rotate(-90 12 {:.2})\">{}</text>",
        (plot.min[1] + plot.max[1]) / 2.0,
        (plot.min[1] + plot.max[1]) / 2.0,
        xml(y_label)
    );
    text(&mut svg, 8.0, h - 5.0, SMALL, "start", "#666666", &provenance.caption());
    svg.push_str("</svg>\n");
    svg
}

fn format_tick(v: f64) -> String {
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The spectrum: every eigenvalue as a signed bar (positive blue, negative vermillion).
pub fn spectrum_svg(results: &Results<'_>, opts: &FigureOptions) -> String {
    let bars: Vec<(String, f64)> =
        results.map.eigenvalues.iter().enumerate().map(|(k, &l)| (format!("λ{}", k + 1), l)).collect();
    let title = format!("Eigenvalues of the concept map ({} concepts)", results.map.labels.len());
    bars_svg(&title, &bars, "eigenvalue λ", ([0, 114, 178], [213, 94, 0]), results.provenance, opts)
}

/// The SVG of a `kind` figure of `results` (a timing figure plots `kernels`, measured on
/// `device`), after checking `opts` against the map: the one entry point of the CLI and the app.
pub fn svg(
    kind: FigureKind,
    results: &Results<'_>,
    (kernels, device): (&[crate::kernel::KernelRow], &str),
    opts: &FigureOptions,
) -> Result<String, FigureError> {
    Ok(match kind {
        FigureKind::Map => {
            opts.validate(results.map.dimensions())?;
            map_svg(results, opts)
        }
        FigureKind::Spectrum => {
            // A bar chart has no map axes.
            FigureOptions { axes: [0, 1], ..opts.clone() }.validate(2)?;
            spectrum_svg(results, opts)
        }
        FigureKind::Timing => {
            FigureOptions { axes: [0, 1], ..opts.clone() }.validate(2)?;
            timing_svg(kernels, device, results.provenance, opts)
        }
    })
}

/// Kernel timings: µs per call of each kernel.
pub fn timing_svg(
    rows: &[crate::kernel::KernelRow],
    device: &str,
    provenance: &super::Provenance,
    opts: &FigureOptions,
) -> String {
    let bars: Vec<(String, f64)> =
        rows.iter().map(|k| (k.kernel.name().to_owned(), k.total_secs * 1e6 / k.calls.max(1) as f64)).collect();
    let title = format!("Kernel time per call on {device}");
    bars_svg(&title, &bars, "µs per call", ([0, 158, 115], [0, 158, 115]), provenance, opts)
}
