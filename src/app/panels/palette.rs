//! The map's colour scales, each readable with the common colour-vision deficiencies and in
//! grey: mass on viridis (sequential, blue-green-yellow), the cascade's activation on an orange
//! ramp with inactive concepts grey (a different hue family, so the overlay never looks like
//! the mass colouring), and link strength on a pink-to-purple ramp. Plus the map's two
//! backgrounds and the ink that reads on each.

use egui::Color32;

use crate::export::palette::{self, ORANGES, PINK_PURPLE, Rgb, VIRIDIS};
use crate::io::settings::MapBackground;

/// A scale of the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Concept mass: viridis.
    Mass,
    /// Cascade activation (active concepts): oranges.
    Activation,
    /// Link strength: pink to purple.
    Link,
}

impl Scale {
    /// The colour at `t` in 0..=1 (clamped; NaN reads as 0).
    pub fn at(self, t: f32) -> Color32 {
        let stops: &[Rgb] = match self {
            Self::Mass => &VIRIDIS,
            Self::Activation => &ORANGES,
            Self::Link => &PINK_PURPLE,
        };
        let [r, g, b] = palette::ramp(stops, t);
        Color32::from_rgb(r, g, b)
    }
}

/// Colour of a concept no cascade step reached.
pub const INACTIVE: Color32 = Color32::from_rgb(128, 128, 128);

/// The colours a background brings: fill, text, guides (axes, outlines), legend box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ink {
    /// The map's fill.
    pub fill: Color32,
    /// Labels and legend text.
    pub text: Color32,
    /// Axis lines, gizmo, point outlines.
    pub guide: Color32,
    /// The legend's box.
    pub panel: Color32,
}

impl Ink {
    /// The ink of `background`.
    pub fn of(background: MapBackground) -> Self {
        match background {
            MapBackground::Dark => Self {
                fill: Color32::from_rgb(16, 16, 20),
                text: Color32::from_gray(225),
                guide: Color32::from_gray(150),
                panel: Color32::from_rgba_unmultiplied(32, 32, 38, 230),
            },
            MapBackground::Light => Self {
                fill: Color32::from_rgb(250, 250, 247),
                text: Color32::from_gray(25),
                guide: Color32::from_gray(110),
                panel: Color32::from_rgba_unmultiplied(236, 236, 232, 235),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(c: Color32) -> f32 {
        0.2126 * f32::from(c.r()) + 0.7152 * f32::from(c.g()) + 0.0722 * f32::from(c.b())
    }

    #[test]
    fn scales_hit_their_stops_and_clamp() {
        assert_eq!(Scale::Mass.at(0.0), Color32::from_rgb(68, 1, 84));
        assert_eq!(Scale::Mass.at(1.0), Color32::from_rgb(253, 231, 37));
        assert_eq!(Scale::Mass.at(0.5), Color32::from_rgb(33, 144, 141));
        assert_eq!(Scale::Mass.at(7.0), Scale::Mass.at(1.0));
        assert_eq!(Scale::Mass.at(-1.0), Scale::Mass.at(0.0));
        assert_eq!(Scale::Mass.at(f32::NAN), Scale::Mass.at(0.0));
        assert_eq!(Scale::Activation.at(1.0), Color32::from_rgb(166, 54, 3));
        assert_eq!(Scale::Link.at(0.0), Color32::from_rgb(250, 159, 181));
    }

    #[test]
    fn mass_reads_in_grey_and_the_overlay_is_another_hue() {
        // Viridis rises in lightness throughout, so the order survives any colour blindness.
        let l: Vec<f32> = (0..=20).map(|k| luminance(Scale::Mass.at(k as f32 / 20.0))).collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]), "{l:?}");
        // The activation ramp is red-dominant; viridis never is.
        for k in 0..=10 {
            let (m, a) = (Scale::Mass.at(k as f32 / 10.0), Scale::Activation.at(k as f32 / 10.0));
            let (ar, ab) = (i32::from(a.r()), i32::from(a.b()));
            let (mr, mg, mb) = (i32::from(m.r()), i32::from(m.g()), i32::from(m.b()));
            assert!(ar > ab + 100 && mr <= mg.max(mb) + 30, "{m:?} {a:?}");
        }
    }
}
