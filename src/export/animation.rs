//! The aligned concept map over time as an animated GIF: one frame per timeline row, every
//! frame on the same axes (the extent of all rows' aligned coordinates), points sized by mass,
//! the heaviest concepts labelled, and the tracked concepts drawn with their trails (their
//! aligned positions in the rows so far; a concept not there yet is absent, and a trail breaks
//! where it was). Each frame is an SVG rasterised by resvg, then quantised to 256 colours
//! (NeuQuant, the `gif` crate's encoder).

use std::fmt::Write as _;

use super::figure::text_width;
use super::labels::{Rect, place};
use super::palette::{cluster, hex};
use super::text::xml;

/// Most frames an animation has (one per timeline row).
pub const MAX_FRAMES: usize = 2_000;

/// The pixel sizes a frame may have, a side.
pub const SIDE_PX: std::ops::RangeInclusive<u32> = 64..=2_000;

/// Frames per second an animation may play at.
pub const FPS: std::ops::RangeInclusive<f64> = 0.1..=50.0;

/// Most pixels over all frames (what the encoder quantises: about a minute of work).
pub const MAX_TOTAL_PIXELS: u64 = 600_000_000;

/// One frame's data: a timeline row's aligned map.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// Exchanges done.
    pub exchange: usize,
    /// The mapped concepts.
    pub labels: &'a [String],
    /// Their aligned coordinates (`labels` order).
    pub coords: &'a [[f64; 3]],
    /// Their masses (`labels` order).
    pub masses: &'a [f64],
}

/// How an animation looks.
#[derive(Clone, Debug, PartialEq)]
pub struct AnimationOptions {
    /// Frame size in pixels.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// Frames per second.
    pub fps: f64,
    /// The heaviest concepts of each frame that are labelled.
    pub labels: usize,
    /// Concepts drawn with trails (the timeline's tracked ones by default).
    pub trails: Vec<String>,
    /// The conversation's name, in each frame's title.
    pub title: String,
}

impl Default for AnimationOptions {
    fn default() -> Self {
        Self { width: 800, height: 600, fps: 4.0, labels: 12, trails: Vec::new(), title: String::new() }
    }
}

/// Why an animation cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnimationError {
    /// The timeline has no rows.
    #[error("the timeline has no rows: there is nothing to animate")]
    Empty,
    /// More frames than [`MAX_FRAMES`].
    #[error("{rows} frames is too many (at most {MAX_FRAMES}): raise --every")]
    TooManyFrames {
        /// Rows of the timeline.
        rows: usize,
    },
    /// A size or rate out of range, or too many pixels in all.
    #[error("{0}")]
    OutOfRange(String),
    /// A frame could not be drawn or encoded.
    #[error("cannot encode the animation: {0}")]
    Encode(String),
}

impl AnimationOptions {
    /// Whether an animation of `rows` frames can be made with these options.
    pub fn check(&self, rows: usize) -> Result<(), AnimationError> {
        if rows == 0 {
            return Err(AnimationError::Empty);
        }
        if rows > MAX_FRAMES {
            return Err(AnimationError::TooManyFrames { rows });
        }
        for (what, v) in [("--width", self.width), ("--height", self.height)] {
            if !SIDE_PX.contains(&v) {
                return Err(AnimationError::OutOfRange(format!(
                    "{what} {v} is out of range ({}–{} pixels)",
                    SIDE_PX.start(),
                    SIDE_PX.end()
                )));
            }
        }
        if !(self.fps.is_finite() && FPS.contains(&self.fps)) {
            return Err(AnimationError::OutOfRange(format!(
                "--fps {} is out of range ({}–{})",
                self.fps,
                FPS.start(),
                FPS.end()
            )));
        }
        let pixels = u64::from(self.width) * u64::from(self.height) * rows as u64;
        if pixels > MAX_TOTAL_PIXELS {
            return Err(AnimationError::OutOfRange(format!(
                "{rows} frames of {} × {} is {pixels} pixels (at most {MAX_TOTAL_PIXELS}): raise --every or lower the size",
                self.width, self.height
            )));
        }
        Ok(())
    }

    /// The frame delay in GIF units (hundredths of a second, at least 2: browsers play
    /// shorter delays at 10).
    fn delay(&self) -> u16 {
        (100.0 / self.fps).round().clamp(2.0, 1_000.0) as u16
    }
}

/// The animation of `frames` (a timeline's rows, of `total` exchanges) as GIF bytes that loop
/// forever.
pub fn gif(frames: &[Frame<'_>], total: usize, opts: &AnimationOptions) -> Result<Vec<u8>, AnimationError> {
    opts.check(frames.len())?;
    let (w, h) = (opts.width, opts.height);
    let mut out = Vec::new();
    {
        let width = u16::try_from(w).map_err(|e| AnimationError::Encode(e.to_string()))?;
        let height = u16::try_from(h).map_err(|e| AnimationError::Encode(e.to_string()))?;
        let mut encoder =
            gif::Encoder::new(&mut out, width, height, &[]).map_err(|e| AnimationError::Encode(e.to_string()))?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(|e| AnimationError::Encode(e.to_string()))?;
        let extent = Extent::of(frames);
        for k in 0..frames.len() {
            let svg = frame_svg(frames, k, total, &extent, opts);
            let mut rgba = super::png::rgba(&svg, w, h).map_err(|e| AnimationError::Encode(e.to_string()))?;
            let mut frame = gif::Frame::from_rgba_speed(width, height, &mut rgba, 10);
            frame.delay = opts.delay();
            encoder.write_frame(&frame).map_err(|e| AnimationError::Encode(e.to_string()))?;
        }
    }
    Ok(out)
}

/// The data range every frame shares: the largest |x| and |y| of all rows' aligned
/// coordinates, and the largest mass.
struct Extent {
    x: f64,
    y: f64,
    mass: f64,
}

impl Extent {
    fn of(frames: &[Frame<'_>]) -> Self {
        let mut e = Self { x: 1e-12, y: 1e-12, mass: 1e-12 };
        for row in frames {
            for (p, &m) in row.coords.iter().zip(row.masses) {
                if p[0].is_finite() && p[1].is_finite() {
                    e.x = e.x.max(p[0].abs());
                    e.y = e.y.max(p[1].abs());
                }
                if m.is_finite() {
                    e.mass = e.mass.max(m);
                }
            }
        }
        e
    }
}

/// Frame `k` of the animation as an SVG document of `opts.width × opts.height` pixels.
fn frame_svg(frames: &[Frame<'_>], k: usize, total: usize, extent: &Extent, opts: &AnimationOptions) -> String {
    const LABEL: f32 = 12.0;
    let (w, h) = (opts.width as f32, opts.height as f32);
    let row = &frames[k];
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Ubuntu\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    let top = 28.0;
    let plot = Rect { min: [10.0, top], max: [w - 10.0, h - 10.0] };
    let centre = [(plot.min[0] + plot.max[0]) / 2.0, (plot.min[1] + plot.max[1]) / 2.0];
    let sx = f64::from((plot.max[0] - plot.min[0]) / 2.0 - 12.0).max(1.0) / extent.x;
    let sy = f64::from((plot.max[1] - plot.min[1]) / 2.0 - 12.0).max(1.0) / extent.y;
    let screen = |p: [f64; 3]| [centre[0] + (p[0] * sx) as f32, centre[1] - (p[1] * sy) as f32];
    let title = format!("{} — exchange {} of {total}", opts.title, row.exchange);
    let _ = writeln!(
        svg,
        "<text x=\"10\" y=\"18\" font-size=\"14\" fill=\"#222222\">{}</text>\n<g stroke=\"#bbbbbb\" stroke-width=\"0.75\"><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/></g>",
        xml(title.trim_start_matches([' ', '—'])),
        plot.min[0],
        centre[1],
        plot.max[0],
        centre[1],
        centre[0],
        plot.min[1],
        centre[0],
        plot.max[1]
    );
    // Trails: each trailed concept's aligned positions in rows 0..=k, broken where it was absent.
    let trail_colour = |t: usize| hex(cluster(t));
    for (t, concept) in opts.trails.iter().enumerate() {
        let mut segments: Vec<Vec<[f32; 2]>> = vec![Vec::new()];
        for r in &frames[..=k] {
            match r.labels.iter().position(|l| l == concept) {
                Some(i) => segments.last_mut().map_or((), |s| s.push(screen(r.coords[i]))),
                None if segments.last().is_some_and(|s| !s.is_empty()) => segments.push(Vec::new()),
                None => {}
            }
        }
        for s in segments.iter().filter(|s| s.len() > 1) {
            let points: String = s.iter().map(|p| format!("{:.1},{:.1} ", p[0], p[1])).collect();
            let _ = writeln!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-opacity=\"0.7\"/>",
                points.trim_end(),
                trail_colour(t)
            );
        }
    }
    // Points, lightest first so heavy ones stay on top; area by mass (one scale for all frames).
    let masses = row.masses;
    let mut order: Vec<usize> = (0..row.labels.len()).collect();
    order.sort_by(|&a, &b| masses[a].total_cmp(&masses[b]));
    let trailed = |i: usize| opts.trails.iter().position(|c| *c == row.labels[i]);
    let radius = |i: usize| 2.0 + 8.0 * ((masses[i].max(0.0) / extent.mass) as f32).sqrt();
    for &i in &order {
        let p = screen(row.coords[i]);
        let fill = trailed(i).map_or_else(|| "#5a7fb5".to_owned(), trail_colour);
        let _ = writeln!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\" fill=\"{fill}\" fill-opacity=\"0.85\"/>",
            p[0],
            p[1],
            radius(i)
        );
    }
    // Labels: the trailed concepts first, then the heaviest, where they do not overlap.
    let mut wanted: Vec<usize> = (0..row.labels.len()).filter(|&i| trailed(i).is_some()).collect();
    wanted.extend(order.iter().rev().filter(|&&i| trailed(i).is_none()).take(opts.labels));
    let rect = |i: usize| {
        let p = screen(row.coords[i]);
        let r = radius(i);
        Rect::at([p[0] + r + 2.0, p[1] - LABEL * 0.8], [text_width(&row.labels[i], LABEL), LABEL * 1.1])
    };
    let mut placed = Vec::new();
    for i in place(&wanted, rect, plot, &mut placed) {
        let r = rect(i);
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{LABEL}\" fill=\"#222222\">{}</text>",
            r.min[0],
            r.max[1] - LABEL * 0.3,
            xml(&row.labels[i])
        );
    }
    svg.push_str("</svg>\n");
    svg
}
