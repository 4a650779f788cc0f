//! Colour scales shared by the app's map and the figures, each readable with the common
//! colour-vision deficiencies: mass on viridis, the cascade's activation on oranges, link
//! strength on pink-to-purple, and clusters on Okabe–Ito's qualitative colours then Paul
//! Tol's muted ones (clusters beyond them grey).

/// An opaque sRGB colour.
pub type Rgb = [u8; 3];

/// Evenly spaced stops of matplotlib's viridis (0, 1/8, …, 1).
pub const VIRIDIS: [Rgb; 9] = [
    [68, 1, 84],
    [71, 44, 122],
    [59, 81, 139],
    [44, 113, 142],
    [33, 144, 141],
    [39, 173, 129],
    [92, 200, 99],
    [170, 220, 50],
    [253, 231, 37],
];

/// ColorBrewer Oranges, from its fourth class on (light enough to see on dark, dark enough on
/// light backgrounds).
pub const ORANGES: [Rgb; 5] = [[253, 174, 107], [253, 141, 60], [241, 105, 19], [217, 72, 1], [166, 54, 3]];

/// ColorBrewer RdPu, its middle classes.
pub const PINK_PURPLE: [Rgb; 5] = [[250, 159, 181], [247, 104, 161], [221, 52, 151], [174, 1, 126], [122, 1, 119]];

/// Cluster colours: Okabe–Ito without black, then Paul Tol's muted scheme.
pub const CLUSTERS: [Rgb; 14] = [
    [230, 159, 0],
    [86, 180, 233],
    [0, 158, 115],
    [240, 228, 66],
    [0, 114, 178],
    [213, 94, 0],
    [204, 121, 167],
    [136, 34, 85],
    [68, 170, 153],
    [153, 153, 51],
    [51, 34, 136],
    [204, 102, 119],
    [136, 204, 238],
    [221, 204, 119],
];

/// The colour of clusters beyond [`CLUSTERS`].
pub const OTHER_CLUSTER: Rgb = [160, 160, 160];

/// The colour of cluster `k` (0-based).
pub fn cluster(k: usize) -> Rgb {
    CLUSTERS.get(k).copied().unwrap_or(OTHER_CLUSTER)
}

/// The colour at `t` in 0..=1 along `stops` (clamped; NaN reads as 0).
pub fn ramp(stops: &[Rgb], t: f32) -> Rgb {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (stops.len() - 1) as f32;
    let k = (x.floor() as usize).min(stops.len() - 2);
    let f = x - k as f32;
    let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * f).round() as u8;
    let (a, b) = (stops[k], stops[k + 1]);
    [mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2])]
}

/// `#rrggbb`.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}
