//! SVG figures rasterised to PNG (resvg) at a chosen DPI, on white or transparent, with the
//! DPI recorded in the file (`pHYs`). Text uses egui's bundled Ubuntu font first, so a figure
//! looks the same on every machine, then the system's fonts (CJK labels).

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::figure::FigureError;

/// Most pixels a side of a PNG may have.
pub const MAX_SIDE_PX: u32 = 20_000;

/// Most pixels a PNG may have (400 MB of RGBA while it is drawn).
pub const MAX_PIXELS: u64 = 100_000_000;

/// DPI a PNG may be rendered at.
pub const DPI_RANGE: std::ops::RangeInclusive<f64> = 30.0..=2400.0;

fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
            db.load_font_data(epaint_default_fonts::HACK_REGULAR.to_vec());
            db.load_system_fonts();
            db.set_sans_serif_family("Ubuntu");
            Arc::new(db)
        })
        .clone()
}

/// The pixel size of a `width_mm × height_mm` figure at `dpi`.
pub fn pixels(width_mm: f64, height_mm: f64, dpi: f64) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * dpi).round().max(1.0) as u32;
    (px(width_mm), px(height_mm))
}

/// Whether a `width_mm × height_mm` figure can be rendered at `dpi` (the DPI in range, the
/// pixels within bounds).
pub fn check(width_mm: f64, height_mm: f64, dpi: f64) -> Result<(u32, u32), FigureError> {
    if !(dpi.is_finite() && DPI_RANGE.contains(&dpi)) {
        return Err(FigureError::OutOfRange {
            what: "--dpi",
            value: dpi,
            low: *DPI_RANGE.start(),
            high: *DPI_RANGE.end(),
        });
    }
    let (w, h) = pixels(width_mm, height_mm, dpi);
    if w > MAX_SIDE_PX || h > MAX_SIDE_PX || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(FigureError::Render(format!(
            "{w} × {h} pixels is too large (at most {MAX_SIDE_PX} a side and {MAX_PIXELS} in all): lower --dpi or the size"
        )));
    }
    Ok((w, h))
}

/// Render `svg` (a figure of `width_mm × height_mm`) at `dpi` to PNG bytes that record the DPI
/// (`pHYs`) and carry `provenance` (`iTXt` "Description", UTF-8) and the software (`tEXt`).
pub fn render(svg: &str, width_mm: f64, height_mm: f64, dpi: f64, provenance: &str) -> Result<Vec<u8>, FigureError> {
    let (w, h) = check(width_mm, height_mm, dpi)?;
    let png = draw(svg, w, h)?.encode_png().map_err(|e| FigureError::Render(e.to_string()))?;
    let ppm = (dpi / 0.0254).round() as u32;
    let mut phys = Vec::with_capacity(9);
    phys.extend_from_slice(&ppm.to_be_bytes());
    phys.extend_from_slice(&ppm.to_be_bytes());
    phys.push(1); // unit: metre
    let software = format!("Software\0huey {}", env!("CARGO_PKG_VERSION"));
    // iTXt: keyword, NUL, uncompressed (0, 0), no language tag, no translated keyword, UTF-8.
    let description = [b"Description\0\0\0\0\0".as_slice(), provenance.as_bytes()].concat();
    Ok(with_chunks(png, &[(b"pHYs", &phys), (b"tEXt", software.as_bytes()), (b"iTXt", &description)]))
}

/// `svg` parsed (the bundled fonts first) and drawn scaled to `w × h` pixels.
fn draw(svg: &str, w: u32, h: u32) -> Result<tiny_skia::Pixmap, FigureError> {
    let mut options = usvg::Options { fontdb: fonts(), ..usvg::Options::default() };
    options.font_family = "Ubuntu".to_owned();
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| FigureError::Render(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| FigureError::Render("no pixels".to_owned()))?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// `svg` drawn at `w × h` pixels as straight (not premultiplied) RGBA, row by row: the frames
/// of an animation.
pub fn rgba(svg: &str, w: u32, h: u32) -> Result<Vec<u8>, FigureError> {
    Ok(draw(svg, w, h)?
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect())
}

/// `png` with `chunks` inserted right after `IHDR` (where `pHYs` must come before `IDAT`).
fn with_chunks(png: Vec<u8>, chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    const AFTER_IHDR: usize = 8 + 25;
    if png.len() < AFTER_IHDR || &png[12..16] != b"IHDR" {
        return png;
    }
    let mut out = Vec::with_capacity(png.len() + chunks.iter().map(|(_, d)| d.len() + 12).sum::<usize>());
    out.extend_from_slice(&png[..AFTER_IHDR]);
    for (kind, data) in chunks {
        let Ok(len) = u32::try_from(data.len()) else { continue };
        let mut crc = flate2::Crc::new();
        crc.update(kind.as_slice());
        crc.update(data);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(kind.as_slice());
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    out.extend_from_slice(&png[AFTER_IHDR..]);
    out
}
