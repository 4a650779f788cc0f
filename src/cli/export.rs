//! `huey export` and `huey figure`: one file analysed as `huey analyze` does (the same flags),
//! then its map, clusters and centralities written in an interchange format, or drawn as an
//! SVG or PNG figure; each with its provenance. The app's Export menu renders the same bytes.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::analyze::{AnalyzeArgs, analyse, report_and_summary};
use super::{CliError, Outputs, emit, number_in};
use crate::export::figure::{Colouring, FigureKind, FigureOptions};
use crate::export::questionnaire::Choices;
use crate::export::{self, Format, Results};

/// An interchange format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// GEXF 1.3 for Gephi (attributes, `viz:` position, size, colour).
    Gexf,
    /// GraphML, every attribute declared as a key.
    Graphml,
    /// Pajek `.net`.
    Pajek,
    /// VOSviewer map and network files (`…_map.txt`, `…_network.txt`).
    Vosviewer,
    /// CSV nodes and edges (`…_nodes.csv`, `…_edges.csv`).
    Csv,
    /// One JSON document.
    Json,
    /// The Quey questionnaire: printable HTML, and the questions as CSV (`….csv`).
    Questionnaire,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            Self::Gexf => Format::Gexf,
            Self::Graphml => Format::Graphml,
            Self::Pajek => Format::Pajek,
            Self::Vosviewer => Format::Vosviewer,
            Self::Csv => Format::Csv,
            Self::Json => Format::Json,
            Self::Questionnaire => Format::Questionnaire,
        }
    }
}

/// Options of `huey export`.
#[derive(Clone, Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct ExportArgs {
    /// The analysis, as for `huey analyze`.
    #[command(flatten)]
    pub analysis: AnalyzeArgs,
    /// The format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The file to write (formats of several files name the others after it).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Questionnaire: a concept to ask about (repeatable; default: the map's heaviest).
    #[arg(long = "ask", value_name = "CONCEPT")]
    pub ask: Vec<String>,
    /// Questionnaire: how many of the map's heaviest concepts to ask about without `--ask`
    /// (2 to 45).
    #[arg(long, default_value_t = 10, value_parser = super::count_in(2, export::questionnaire::MAX_CONCEPTS as u64))]
    pub ask_top: usize,
    /// Questionnaire: ask A→B and B→A separately.
    #[arg(long)]
    pub both_directions: bool,
    /// Questionnaire: the reference pair, `A,B` (default: the two heaviest concepts).
    #[arg(long, value_name = "A,B")]
    pub reference_pair: Option<String>,
    /// Questionnaire: the reference pair's stated distance.
    #[arg(long, default_value_t = 100.0, value_parser = number_in(1e-6, 1e9))]
    pub reference_distance: f64,
}

/// What a figure shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// The concept map (chosen axes, clusters or mass, legend).
    #[default]
    Map,
    /// The eigenvalue spectrum.
    Spectrum,
    /// Kernel time per call.
    Timing,
}

/// How the map's concepts are coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColourArg {
    /// By Leiden cluster, with a legend naming each.
    #[default]
    Clusters,
    /// By mass (viridis), with a colour bar.
    Mass,
}

/// Options of `huey figure`.
#[derive(Clone, Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct FigureArgs {
    /// The analysis, as for `huey analyze`.
    #[command(flatten)]
    pub analysis: AnalyzeArgs,
    /// The figure: `.svg` (vector) or `.png` (at `--dpi`).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// What it shows.
    #[arg(long, value_enum, default_value_t)]
    pub kind: KindArg,
    /// PNG resolution in dots per inch (30 to 2400).
    #[arg(long, default_value_t = 300.0, value_parser = number_in(30.0, 2400.0))]
    pub dpi: f64,
    /// Width in millimetres (10 to 1000; 180: a full page width).
    #[arg(long, default_value_t = 180.0, value_parser = number_in(10.0, 1000.0))]
    pub width_mm: f64,
    /// Height in millimetres (10 to 1000) [default: three quarters of the width, at least 10].
    #[arg(long, value_parser = number_in(10.0, 1000.0))]
    pub height_mm: Option<f64>,
    /// No background (PNG: transparent pixels).
    #[arg(long)]
    pub transparent: bool,
    /// The map's dimensions shown as x and y, 1-based: `1,2`, `2,3`, …
    #[arg(long, default_value = "1,2", value_parser = axes)]
    pub axes: [usize; 2],
    /// Colour by cluster or by mass.
    #[arg(long, value_enum, default_value_t)]
    pub colour: ColourArg,
}

/// Parse `1,2` into the 0-based axes `[0, 1]`.
fn axes(s: &str) -> Result<[usize; 2], String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let dim = |p: &str| match p.parse::<usize>() {
        Ok(d) if (1..=1000).contains(&d) => Ok(d - 1),
        _ => Err(format!("'{p}' is not a dimension (1, 2, 3, …)")),
    };
    match parts.as_slice() {
        [x, y] if x != y => Ok([dim(x)?, dim(y)?]),
        [_, _] => Err("the two axes must differ".to_owned()),
        _ => Err(format!("'{s}' is not two dimensions such as 1,2")),
    }
}

pub(super) fn run_export(args: &ExportArgs) -> Result<(), CliError> {
    let a = &args.analysis;
    a.options()?;
    let format = args.format.format();
    if format.suffixes().iter().any(Option::is_some) {
        Outputs::stem(&args.out)?;
    }
    let paths: Vec<PathBuf> = format.suffixes().iter().map(|s| export::path_with(&args.out, *s)).collect();
    let mut checked: Vec<Option<&Path>> = paths.iter().map(|p| Some(p.as_path())).collect();
    checked.extend([a.json.as_deref(), a.save_session.as_deref()]);
    let outputs = Outputs::checked(&checked, a.inputs(), a.force)?;
    let reference = match &args.reference_pair {
        None => None,
        Some(pair) => match pair.split(',').map(str::trim).collect::<Vec<_>>().as_slice() {
            [x, y] if !x.is_empty() && !y.is_empty() && x != y => Some(((*x).to_owned(), (*y).to_owned())),
            _ => return Err(CliError::ReferencePair(pair.clone())),
        },
    };
    let ask = asked(&args.ask)?;
    let choices = Choices {
        concepts: ask,
        top: args.ask_top,
        both_directions: args.both_directions,
        reference,
        reference_distance: args.reference_distance,
    };
    let done = analyse(a)?;
    let mut out = report_and_summary(a, &outputs, &done)?;
    let provenance = done.provenance();
    let results = Results { map: &done.analysis.map, structure: &done.analysis.structure, provenance: &provenance };
    if format == export::Format::Questionnaire {
        let q = export::questionnaire::Questionnaire::new(&results, &choices);
        if q.pairs.is_empty() {
            return Err(CliError::Questionnaire(q.concepts.len()));
        }
        let g = &done.analysis.structure.graph;
        let (reference_a, reference_b) = &q.reference;
        for c in q.concepts.iter().chain([reference_a, reference_b]) {
            if !g.labels.contains(c) {
                eprintln!(
                    "warning: '{}' is not a concept on the map (it is asked about all the same)",
                    super::printable(c)
                );
            }
        }
    }
    for file in export::render(format, &results, &choices) {
        let path = file.path_for(&args.out);
        outputs.write(&path, file.text.as_bytes())?;
        outln!(out, "{} written to {}", format.as_str(), path.display());
    }
    emit(&out);
    Ok(())
}

/// The `--ask` concepts, trimmed and without repeats: none empty, at most the questionnaire's
/// limit (an error, not a silent cut).
fn asked(ask: &[String]) -> Result<Vec<String>, CliError> {
    let mut out: Vec<String> = Vec::new();
    for c in ask {
        let c = c.trim();
        if c.is_empty() {
            return Err(CliError::Ask("an empty concept".to_owned()));
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_owned());
        }
    }
    let max = export::questionnaire::MAX_CONCEPTS;
    if out.len() > max {
        return Err(CliError::Ask(format!("{} different concepts; at most {max} can be asked about", out.len())));
    }
    Ok(out)
}

pub(super) fn run_figure(args: &FigureArgs) -> Result<(), CliError> {
    let a = &args.analysis;
    a.options()?;
    let png = match args.out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("svg") => false,
        Some("png") => true,
        _ => return Err(CliError::FigureType(args.out.clone())),
    };
    let opts = FigureOptions {
        width_mm: args.width_mm,
        height_mm: args.height_mm.unwrap_or(args.width_mm * 0.75).clamp(10.0, 1000.0),
        axes: args.axes,
        colouring: match args.colour {
            ColourArg::Clusters => Colouring::Clusters,
            ColourArg::Mass => Colouring::Mass,
        },
        transparent: args.transparent,
    };
    if png {
        // Too many pixels fail now, not after the analysis.
        crate::export::png::check(opts.width_mm, opts.height_mm, args.dpi)?;
    }
    let outputs =
        Outputs::checked(&[Some(&args.out), a.json.as_deref(), a.save_session.as_deref()], a.inputs(), a.force)?;
    let done = analyse(a)?;
    let mut out = report_and_summary(a, &outputs, &done)?;
    let provenance = done.provenance();
    let results = Results { map: &done.analysis.map, structure: &done.analysis.structure, provenance: &provenance };
    let kind = match args.kind {
        KindArg::Map => FigureKind::Map,
        KindArg::Spectrum => FigureKind::Spectrum,
        KindArg::Timing => FigureKind::Timing,
    };
    let a = &done.analysis;
    let svg = export::figure::svg(kind, &results, (&a.kernels, &a.device), &opts)?;
    let bytes = if png {
        export::png::render(&svg, opts.width_mm, opts.height_mm, args.dpi, &provenance.lines())?
    } else {
        svg.into_bytes()
    };
    outputs.write(&args.out, &bytes)?;
    outln!(out, "figure written to {}", args.out.display());
    emit(&out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_two_distinct_dimensions() {
        assert_eq!(axes("1,2"), Ok([0, 1]));
        assert_eq!(axes(" 3 , 1 "), Ok([2, 0]));
        for bad in ["1", "1,1", "0,1", "a,b", "1,2,3", "", "-1,2"] {
            assert!(axes(bad).is_err(), "{bad}");
        }
    }
}
