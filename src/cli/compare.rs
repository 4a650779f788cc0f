//! `huey compare A B --out DIR` (two conversations, two groups, or two speakers with
//! `--speaker-a/-b`: concept masses and differences, concepts only one side has, shared
//! associations, the joint map) and `huey align SRC TGT --out DIR` (the original's Galileo
//! alignment of one map onto another, with each concept's displacement).

use std::path::{Path, PathBuf};

use super::analyze::{AnalysisFlags, load_file};
use super::{CliError, Outputs, emit, printable};
use crate::analysis::galileo::{self, Space};
use crate::export::comparison::{Sides, alignment_files, files};
use crate::run::corpus::{Member, compare_sides};

/// Options of `huey compare`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct CompareArgs {
    /// Side A: a conversation, or a folder of them (a group, pooled in name order).
    pub a: PathBuf,
    /// Side B: a conversation, or a folder. The same file as A with `--speaker-a` and
    /// `--speaker-b` compares two of its speakers.
    pub b: PathBuf,
    /// Side A is this speaker's turns only.
    #[arg(long, value_name = "NAME")]
    pub speaker_a: Option<String>,
    /// Side B is this speaker's turns only.
    #[arg(long, value_name = "NAME")]
    pub speaker_b: Option<String>,
    /// Output folder: `comparison_concepts.csv`, `_associations.csv`, `_joint_map.csv`,
    /// `_joint_map.svg`, `_joint.gexf`, `_provenance.txt`, A's map aligned onto B's
    /// (`_aligned.csv`, `_displacements.csv`) and `comparison.json`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write outputs through a symbolic link, or onto a device.
    #[arg(long)]
    pub force: bool,
    /// Rows of each printed list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// How each side is analysed, as `huey analyze`.
    #[command(flatten)]
    pub flags: AnalysisFlags,
}

/// Options of `huey align`.
#[derive(Debug, clap::Args)]
pub struct AlignArgs {
    /// The map to move: a `huey analyze --json` report, or coordinates as the original's CSV
    /// (`label,r1..rP,i1..iQ`).
    pub source: PathBuf,
    /// The map it is rotated onto (same kinds).
    pub target: PathBuf,
    /// Output folder: `SOURCE_aligned.csv`, `SOURCE_displacements.csv`, `SOURCE_alignment.json`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Fit the rotation on these concepts only (comma-separated; default: every shared one).
    #[arg(long, value_name = "WORDS", value_delimiter = ',')]
    pub fit_on: Vec<String>,
    /// Leave these concepts out of the fit (they may move; their displacement is reported).
    #[arg(long, value_name = "WORDS", value_delimiter = ',')]
    pub free: Vec<String>,
    /// Write outputs through a symbolic link, or onto a device.
    #[arg(long)]
    pub force: bool,
    /// Concepts listed in the printed summary.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// The conversations of one side, loaded: (key, text).
fn side(path: &Path, flags: &AnalysisFlags, out: &Path) -> Result<Vec<(String, String)>, CliError> {
    // The kill list, and this command's own outputs (a rerun into the side's folder), are no
    // conversations.
    let mut excluded = flags.inputs();
    excluded.push(out.to_path_buf());
    let listed = crate::io::corpus::list(&[path.to_path_buf()], &excluded).map_err(super::batch::BatchError::from)?;
    for (skipped, why) in &listed.skipped {
        eprintln!("skipped {}: {why}", printable(&skipped.display()));
    }
    let mut texts = Vec::new();
    for c in listed.conversations {
        let (_, text, warnings) = load_file(Some(&c.path), flags)?;
        for w in warnings {
            eprintln!("warning: {}: {}", printable(&c.key), printable(&w));
        }
        texts.push((c.key, text));
    }
    Ok(texts)
}

fn side_name(path: &Path, speaker: Option<&str>) -> String {
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    match speaker {
        Some(s) => format!("{s} in {name}"),
        None => name,
    }
}

/// The members of a side: each conversation, with the speaker filter.
fn members<'a>(texts: &'a [(String, String)], speaker: Option<&'a str>) -> Vec<Member<'a>> {
    texts.iter().map(|(key, text)| Member { key, text, speaker }).collect()
}

/// `huey compare`.
pub(super) fn run_compare(args: &CompareArgs) -> Result<(), CliError> {
    let opts = args.flags.options()?;
    let stem = args.out.join("comparison");
    let suffixes = [
        "_concepts.csv",
        "_associations.csv",
        "_joint_map.csv",
        "_joint_map.svg",
        "_joint.gexf",
        "_provenance.txt",
        "_aligned.csv",
        "_displacements.csv",
    ];
    let mut paths: Vec<PathBuf> = suffixes.iter().map(|s| crate::export::path_with(&stem, Some(s))).collect();
    paths.push(args.out.join("comparison.json"));
    let mut inputs = vec![args.a.clone(), args.b.clone()];
    inputs.extend(args.flags.inputs());
    crate::io::corpus::make_folder(&args.out)?;
    let outputs = Outputs::checked(&paths.iter().map(|p| Some(p.as_path())).collect::<Vec<_>>(), inputs, args.force)?;
    let (a, b) = (side(&args.a, &args.flags, &args.out)?, side(&args.b, &args.flags, &args.out)?);
    let all_text: String = a.iter().chain(&b).map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n");
    let kill_source = args.flags.kill_source()?.for_text(&all_text);
    let (kill, kill_name) = crate::io::kill_list::load(&kill_source)?;
    let (ma, mb) = (members(&a, args.speaker_a.as_deref()), members(&b, args.speaker_b.as_deref()));
    let done = compare_sides(&ma, &mb, &opts, &kill).map_err(CliError::Corpus)?;
    let sides =
        Sides { a: side_name(&args.a, args.speaker_a.as_deref()), b: side_name(&args.b, args.speaker_b.as_deref()) };
    let name = format!("{} vs {}", sides.a, sides.b);
    let provenance = crate::run::provenance::of_analysis(&name, &all_text, &kill_name, &opts, &done.joint);
    let points = done.joint_points();
    let joint =
        crate::export::Results { map: &done.joint.map, structure: &done.joint.structure, provenance: &provenance };
    let mut written = files(&done.comparison, &points, &sides, &joint);
    // A's own map rotated onto B's (the Galileo alignment), when they share enough concepts.
    let space =
        |m: &crate::analysis::concept_map::ConceptMap| Space::of_map(m.labels.clone(), &m.coords, &m.eigenvalues);
    let alignment = galileo::align(&space(&done.a.map), &space(&done.b.map), None, &[]);
    match &alignment {
        Ok(al) => written.extend(alignment_files(al)),
        Err(e) => eprintln!("warning: no Galileo alignment of A's map onto B's: {e}"),
    }
    for file in written {
        outputs.write(&file.path_for(&stem), file.text.as_bytes())?;
    }
    let json = serde_json::json!({
        "side_a": sides.a,
        "side_b": sides.b,
        "exchanges": [done.a.detection.exchanges.len(), done.b.detection.exchanges.len()],
        "concepts": done.comparison.concepts,
        "shared_associations": done.comparison.shared,
        "joint_map": points,
        "joint_eigenvalues": done.joint.map.eigenvalues,
        "alignment_a_onto_b": alignment.as_ref().ok(),
        "warnings": done.a.warnings.iter().chain(&done.b.warnings).map(ToString::to_string).collect::<Vec<_>>(),
    });
    outputs.write(&args.out.join("comparison.json"), serde_json::to_string_pretty(&json)?.as_bytes())?;
    let c = &done.comparison;
    let mut out = String::new();
    outln!(
        out,
        "A: {} ({} exchanges, {} concepts)   B: {} ({} exchanges, {} concepts)",
        printable(&sides.a),
        done.a.detection.exchanges.len(),
        c.concepts.iter().filter(|r| r.mass_a.is_some()).count(),
        printable(&sides.b),
        done.b.detection.exchanges.len(),
        c.concepts.iter().filter(|r| r.mass_b.is_some()).count(),
    );
    outln!(
        out,
        "  only in A {}, only in B {}, in both {}; {} shared associations",
        c.only("a").count(),
        c.only("b").count(),
        c.only("both").count(),
        c.shared.len()
    );
    let mut by_diff: Vec<_> = c.concepts.iter().collect();
    by_diff.sort_by(|x, y| x.share_difference().total_cmp(&y.share_difference()).then(x.word.cmp(&y.word)));
    outln!(out, "  more weight in A (share of mass, A − B):");
    for r in by_diff.iter().take(args.top).filter(|r| r.share_difference() < 0.0) {
        outln!(out, "    {:<24} {:+.4}", printable(&r.word), -r.share_difference());
    }
    outln!(out, "  more weight in B (B − A):");
    for r in by_diff.iter().rev().take(args.top).filter(|r| r.share_difference() > 0.0) {
        outln!(out, "    {:<24} {:+.4}", printable(&r.word), r.share_difference());
    }
    outln!(out, "written to {}", args.out.display());
    emit(&out);
    Ok(())
}

/// A map read for alignment: a report's map (its three dimensions split by the sign of their
/// eigenvalue: positive real, negative imaginary) or the original's coordinates CSV.
fn space_of(path: &Path) -> Result<Space, CliError> {
    let text = crate::io::text_file::read(path, 1 << 30, "map")?;
    let bad = |why: String| CliError::Align(format!("{}: {why}", path.display()));
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        return space_of_csv(&text).map_err(bad);
    }
    #[derive(serde::Deserialize)]
    struct Report {
        map: Map,
    }
    #[derive(serde::Deserialize)]
    struct Map {
        labels: Vec<String>,
        coords: Vec<[f64; 3]>,
        eigenvalues: Vec<f64>,
    }
    let r: Report = serde_json::from_str(&text).map_err(|e| bad(format!("not a huey analyze --json report ({e})")))?;
    if r.map.labels.len() != r.map.coords.len() {
        return Err(bad("its map has not one position per label".to_owned()));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = r.map.labels.iter().find(|l| !seen.insert(l.as_str())) {
        return Err(bad(format!("the label '{twice}' appears twice in its map")));
    }
    Ok(Space::of_map(r.map.labels, &r.map.coords, &r.map.eigenvalues))
}

/// Most dimensions per block of an aligned space (the SVD is cubic in them; maps have three).
const MAX_ALIGN_DIMS: usize = 100;

/// One CSV record's cells (RFC 4180 quoting: `"a, b"`, `""` for a quote).
fn cells(line: &str) -> Vec<String> {
    let (mut out, mut cell, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    out.push(cell);
    out
}

/// The original's layout: a header `label,r1..rP,i1..iQ`, then one row per concept (quoted
/// cells as huey writes them; a byte-order mark as spreadsheets write it).
fn space_of_csv(text: &str) -> Result<Space, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = cells(lines.next().ok_or("empty")?);
    if header.first().is_none_or(|h| !h.trim().eq_ignore_ascii_case("label")) {
        return Err("the header must start with label (then r1…, i1…)".to_owned());
    }
    let kinds: Vec<bool> = header[1..]
        .iter()
        .map(|h| match h.trim().chars().next() {
            Some('r' | 'R') => Ok(true),
            Some('i' | 'I') => Ok(false),
            _ => Err(format!("column '{h}' is neither r… nor i…")),
        })
        .collect::<Result<_, _>>()?;
    let (p, q) = (kinds.iter().filter(|&&r| r).count(), kinds.iter().filter(|&&r| !r).count());
    if p.max(q) > MAX_ALIGN_DIMS {
        return Err(format!("{p} real and {q} imaginary columns: at most {MAX_ALIGN_DIMS} of each"));
    }
    let mut space = Space::default();
    let mut seen = std::collections::HashSet::new();
    for (n, line) in lines.enumerate() {
        let cells = cells(line);
        if cells.len() != header.len() {
            return Err(format!("row {}: {} cells, the header has {}", n + 2, cells.len(), header.len()));
        }
        let (mut real, mut imaginary) = (Vec::new(), Vec::new());
        for (cell, &is_real) in cells[1..].iter().zip(&kinds) {
            let v: f64 = cell.trim().parse().map_err(|_| format!("row {}: '{cell}' is not a number", n + 2))?;
            if is_real { real.push(v) } else { imaginary.push(v) }
        }
        let label = cells[0].trim().to_owned();
        if label.is_empty() || !seen.insert(label.clone()) {
            return Err(format!("row {}: the label '{label}' is empty or appears twice", n + 2));
        }
        space.labels.push(label);
        space.real.push(real);
        space.imaginary.push(imaginary);
    }
    Ok(space)
}

/// `huey align`.
pub(super) fn run_align(args: &AlignArgs) -> Result<(), CliError> {
    let stem_name = args.source.file_stem().map_or_else(|| "source".into(), |s| s.to_string_lossy().into_owned());
    let stem = args.out.join(&stem_name);
    let files_out = [
        crate::export::path_with(&stem, Some("_aligned.csv")),
        crate::export::path_with(&stem, Some("_displacements.csv")),
        crate::export::path_with(&stem, Some("_alignment.json")),
    ];
    crate::io::corpus::make_folder(&args.out)?;
    let outputs = Outputs::checked(
        &files_out.iter().map(|p| Some(p.as_path())).collect::<Vec<_>>(),
        vec![args.source.clone(), args.target.clone()],
        args.force,
    )?;
    let (source, target) = (space_of(&args.source)?, space_of(&args.target)?);
    let fit_on = (!args.fit_on.is_empty()).then_some(args.fit_on.as_slice());
    let al = galileo::align(&source, &target, fit_on, &args.free).map_err(|e| CliError::Align(e.to_string()))?;
    // Finite coordinates near f64's limit can still overflow in the sums of squares.
    let finite = al.real.iter().chain(&al.imaginary).flatten().all(|v| v.is_finite())
        && al.displacements.iter().all(|d| d.j.is_finite() && d.euclidean.is_finite());
    if !finite {
        return Err(CliError::Align("the coordinates are too large: the alignment overflows".to_owned()));
    }
    for file in alignment_files(&al) {
        outputs.write(&file.path_for(&stem), file.text.as_bytes())?;
    }
    outputs.write(&files_out[2], serde_json::to_string_pretty(&al)?.as_bytes())?;
    let mut out = String::new();
    outln!(
        out,
        "{} concepts shared, {} fitted; RMS displacement {:.4} ({} real, {} imaginary dimensions)",
        al.displacements.len(),
        al.n_fitted,
        al.rms,
        source.dims().0,
        source.dims().1
    );
    let mut moved: Vec<_> = al.displacements.iter().collect();
    moved.sort_by(|x, y| y.euclidean.total_cmp(&x.euclidean));
    outln!(out, "  moved most:");
    for d in moved.iter().take(args.top) {
        outln!(out, "    {:<24} {:.4}{}", printable(&d.label), d.euclidean, if d.fitted { "" } else { " (free)" });
    }
    outln!(out, "written to {}", args.out.display());
    emit(&out);
    Ok(())
}
