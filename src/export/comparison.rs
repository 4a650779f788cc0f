//! A comparison of two sides as files: the concepts table (masses, shares and differences,
//! which side has each), the shared associations, the joint map's points (CSV), and the joint
//! map as an SVG figure whose points are coloured by the side that holds more of them. The
//! Galileo alignment's tables are here too (the original's `_aligned.csv` layout).

use std::fmt::Write as _;

use super::ExportFile;
use super::figure::text_width;
use super::provenance::Provenance;
use super::text::{csv, num, xml};
use crate::analysis::compare::{Comparison, JointPoint};
use crate::analysis::galileo::Alignment;

/// The two sides' names (figure legend, provenance).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sides {
    /// Side A's name.
    pub a: String,
    /// Side B's name.
    pub b: String,
}

/// `_concepts.csv`, `_associations.csv`, `_joint_map.csv`, `_joint_map.svg`, `_joint.gexf`
/// (the pooled network's map with its clusters and centralities, for Gephi) and
/// `_provenance.txt` of a comparison; `pooled` is the pooled network's results.
pub fn files(c: &Comparison, points: &[JointPoint], sides: &Sides, pooled: &super::Results<'_>) -> Vec<ExportFile> {
    let provenance = pooled.provenance;
    let mut concepts = String::from("concept,sides,mass_a,mass_b,mass_difference,share_a,share_b,share_difference\n");
    for r in &c.concepts {
        let mass = |m: Option<f64>| m.map_or_else(String::new, num);
        let _ = writeln!(
            concepts,
            "{},{},{},{},{},{},{},{}",
            csv(&r.word),
            r.sides(),
            mass(r.mass_a),
            mass(r.mass_b),
            num(r.mass_difference()),
            num(r.share_a),
            num(r.share_b),
            num(r.share_difference())
        );
    }
    let mut shared = String::from("concept_1,concept_2,strength_a,strength_b\n");
    for s in &c.shared {
        let _ = writeln!(shared, "{},{},{},{}", csv(&s.words.0), csv(&s.words.1), num(s.strength_a), num(s.strength_b));
    }
    let mut joint = String::from("concept,x,y,z,mass_a,mass_b\n");
    for p in points {
        let [x, y, z] = p.coords;
        let _ =
            writeln!(joint, "{},{},{},{},{},{}", csv(&p.label), num(x), num(y), num(z), num(p.mass_a), num(p.mass_b));
    }
    let mut text = format!("Comparison\n  side A: {}\n  side B: {}\n", sides.a, sides.b);
    text.push_str(&provenance.lines());
    text.push('\n');
    vec![
        ExportFile { suffix: Some("_concepts.csv"), text: concepts },
        ExportFile { suffix: Some("_associations.csv"), text: shared },
        ExportFile { suffix: Some("_joint_map.csv"), text: joint },
        ExportFile { suffix: Some("_joint_map.svg"), text: joint_map_svg(points, sides, provenance) },
        ExportFile { suffix: Some("_joint.gexf"), text: super::formats::gexf(pooled) },
        ExportFile { suffix: Some("_provenance.txt"), text },
    ]
}

const A_COLOUR: [u8; 3] = [0x1f, 0x77, 0xb4];
const B_COLOUR: [u8; 3] = [0xff, 0x7f, 0x0e];

/// The colour of a point holding `share_b` of its mass on side B (blue A … orange B).
fn blend(share_b: f64) -> String {
    let t = share_b.clamp(0.0, 1.0);
    let c: Vec<u8> =
        (0..3).map(|k| (f64::from(A_COLOUR[k]) * (1.0 - t) + f64::from(B_COLOUR[k]) * t).round() as u8).collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The joint map (first two dimensions of the common space), 180 × 135 mm: a point per
/// concept, area by both sides' mass, colour by the share of it on side B, labelled.
pub fn joint_map_svg(points: &[JointPoint], sides: &Sides, provenance: &Provenance) -> String {
    let (w, h) = (680.0_f32, 510.0_f32);
    let mut s = String::new();
    let _ = writeln!(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"180mm\" height=\"135mm\" viewBox=\"0 0 {w} {h}\" font-family=\"'DejaVu Sans', Arial, sans-serif\">"
    );
    let title = format!("Joint map: {} (blue) and {} (orange)", sides.a, sides.b);
    let _ = writeln!(s, "<title>{}</title>\n<desc>{}</desc>", xml(&title), xml(&provenance.lines()));
    let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let _ = writeln!(s, "<text x=\"12\" y=\"20\" font-size=\"12\" fill=\"#333333\">{}</text>", xml(&title));
    let (cx, cy, half) = (w / 2.0, h / 2.0 + 10.0, h / 2.0 - 40.0);
    let extent = points.iter().map(|p| p.coords[0].abs().max(p.coords[1].abs())).fold(1e-12, f64::max);
    let scale = f64::from(half) / extent;
    let _ = writeln!(
        s,
        "<g stroke=\"#bbbbbb\" stroke-width=\"0.75\"><line x1=\"8\" y1=\"{cy}\" x2=\"{}\" y2=\"{cy}\"/><line x1=\"{cx}\" y1=\"30\" x2=\"{cx}\" y2=\"{}\"/></g>",
        w - 8.0,
        h - 8.0
    );
    let total = |p: &JointPoint| p.mass_a + p.mass_b;
    let max_mass = points.iter().map(total).fold(1e-12, f64::max);
    let mut order: Vec<&JointPoint> = points.iter().collect();
    order.sort_by(|x, y| total(x).total_cmp(&total(y)));
    for p in order {
        let (x, y) = (cx + (p.coords[0] * scale) as f32, cy - (p.coords[1] * scale) as f32);
        let r = 2.5 + 7.0 * ((total(p) / max_mass).max(0.0) as f32).sqrt();
        let share_b = if total(p) > 0.0 { p.mass_b / total(p) } else { 0.5 };
        let _ = writeln!(
            s,
            "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"{r:.2}\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>",
            blend(share_b)
        );
        let size = 9.0;
        let tx = (x + r + 2.0).min(w - text_width(&p.label, size) - 2.0);
        let _ = writeln!(
            s,
            "<text x=\"{tx:.2}\" y=\"{:.2}\" font-size=\"{size}\" fill=\"#333333\">{}</text>",
            y + 3.0,
            xml(&p.label)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// `_aligned.csv` (the source's points after the rotation: `label,r1..rP,i1..iQ`, the
/// original's layout) and `_displacements.csv` (per shared concept: fitted, ‖Δ_real‖,
/// ‖Δ_imag‖, J, √|J|, Euclidean), largest Euclidean displacement first.
pub fn alignment_files(al: &Alignment) -> Vec<ExportFile> {
    let (p, q) = (al.real.first().map_or(0, Vec::len), al.imaginary.first().map_or(0, Vec::len));
    let mut aligned = String::from("label");
    for k in 1..=p {
        let _ = write!(aligned, ",r{k}");
    }
    for k in 1..=q {
        let _ = write!(aligned, ",i{k}");
    }
    aligned.push('\n');
    for (k, label) in al.labels.iter().enumerate() {
        aligned.push_str(&csv(label));
        for v in al.real[k].iter().chain(&al.imaginary[k]) {
            aligned.push(',');
            aligned.push_str(&num(*v));
        }
        aligned.push('\n');
    }
    let mut rows: Vec<_> = al.displacements.iter().collect();
    rows.sort_by(|x, y| y.euclidean.total_cmp(&x.euclidean).then(x.label.cmp(&y.label)));
    let mut displaced = String::from("label,fitted,real,imaginary,j,sqrt_abs_j,euclidean\n");
    for d in rows {
        let _ = writeln!(
            displaced,
            "{},{},{},{},{},{},{}",
            csv(&d.label),
            d.fitted,
            num(d.real),
            num(d.imaginary),
            num(d.j),
            num(d.sqrt_abs_j),
            num(d.euclidean)
        );
    }
    vec![
        ExportFile { suffix: Some("_aligned.csv"), text: aligned },
        ExportFile { suffix: Some("_displacements.csv"), text: displaced },
    ]
}
