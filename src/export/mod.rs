//! Results that leave the app, as bytes: the interchange formats Gephi, VOSviewer, R and
//! Python read (GEXF, GraphML, Pajek, VOSviewer map and network files, CSV, JSON), the Quey
//! questionnaire, figures (SVG written from the map model; PNG rasterised from it), each with
//! its provenance; the timeline as CSV and as an animated GIF; comparisons and alignments as tables and a joint map; and the drawing rules the app's map shares with its figures (colour
//! scales, label placement). Pure functions: `run` fills the inputs, `cli` and `app` write the
//! files through `io`.

pub mod animation;
pub mod comparison;
pub mod dynamic;
pub mod figure;
pub mod formats;
pub mod labels;
pub mod palette;
pub mod png;
pub mod provenance;
pub mod questionnaire;
pub mod stability;
pub mod text;

use crate::analysis::concept_map::ConceptMap;
use crate::analysis::structure::Structure;
pub use provenance::Provenance;

/// What every export reads: the map, its structure (graph, clusters, centralities) and where
/// they came from.
#[derive(Clone, Copy, Debug)]
pub struct Results<'a> {
    /// The concept map (coordinates, eigenvalues).
    pub map: &'a ConceptMap,
    /// Its concepts' graph, clusters and centralities.
    pub structure: &'a Structure,
    /// How they were made.
    pub provenance: &'a Provenance,
}

/// An interchange format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GEXF 1.3 (Gephi): attributes, `viz:` position, size and colour.
    Gexf,
    /// GraphML with every attribute declared as a key.
    Graphml,
    /// Pajek `.net` (vertices with coordinates, arcs with strength).
    Pajek,
    /// VOSviewer map and network files.
    Vosviewer,
    /// CSV nodes and CSV edges.
    Csv,
    /// One JSON document.
    Json,
    /// The Quey questionnaire, printable HTML and CSV.
    Questionnaire,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Self; 7] =
        [Self::Gexf, Self::Graphml, Self::Pajek, Self::Vosviewer, Self::Csv, Self::Json, Self::Questionnaire];

    /// Name as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gexf => "gexf",
            Self::Graphml => "graphml",
            Self::Pajek => "pajek",
            Self::Vosviewer => "vosviewer",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Questionnaire => "questionnaire",
        }
    }

    /// What the app's Export menu calls it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Gexf => "GEXF (Gephi)…",
            Self::Graphml => "GraphML…",
            Self::Pajek => "Pajek .net…",
            Self::Vosviewer => "VOSviewer map + network…",
            Self::Csv => "CSV nodes + edges…",
            Self::Json => "JSON…",
            Self::Questionnaire => "Questionnaire (Quey) HTML + CSV…",
        }
    }

    /// The suffixes of the files [`render`] writes for this format, in its order (`None`:
    /// the chosen path itself).
    pub fn suffixes(self) -> &'static [Option<&'static str>] {
        match self {
            Self::Gexf | Self::Graphml | Self::Pajek | Self::Json => &[None],
            Self::Vosviewer => &[Some("_map.txt"), Some("_network.txt"), Some("_provenance.txt")],
            Self::Csv => &[Some("_nodes.csv"), Some("_edges.csv"), Some("_provenance.txt")],
            Self::Questionnaire => &[None, Some(".csv")],
        }
    }

    /// The file name suggested for a conversation called `stem`.
    pub fn suggested_name(self, stem: &str) -> String {
        match self {
            Self::Gexf => format!("{stem}.gexf"),
            Self::Graphml => format!("{stem}.graphml"),
            Self::Pajek => format!("{stem}.net"),
            Self::Vosviewer => format!("{stem}_vosviewer.txt"),
            Self::Csv => format!("{stem}.csv"),
            Self::Json => format!("{stem}.json"),
            Self::Questionnaire => format!("{stem}_questionnaire.html"),
        }
    }
}

/// One file of an export: the suffix that makes its name from the chosen path (`None`: the
/// path itself) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// Appended to the chosen path's stem (`_nodes.csv`), or `None` for the path as chosen.
    pub suffix: Option<&'static str>,
    /// The file's contents.
    pub text: String,
}

impl ExportFile {
    /// The path of this file for the chosen `path`: `path` itself, or its stem plus the suffix
    /// (`talk.csv` → `talk_nodes.csv`).
    pub fn path_for(&self, path: &std::path::Path) -> std::path::PathBuf {
        path_with(path, self.suffix)
    }
}

/// `path` itself, or its stem plus `suffix` (`talk.csv` + `_nodes.csv` → `talk_nodes.csv`).
pub fn path_with(path: &std::path::Path, suffix: Option<&str>) -> std::path::PathBuf {
    match suffix {
        None => path.to_path_buf(),
        Some(suffix) => {
            let stem = path.file_stem().map_or_else(|| "huey".into(), |s| s.to_string_lossy().into_owned());
            path.with_file_name(format!("{stem}{suffix}"))
        }
    }
}

/// The files of `format` for `results` (the questionnaire with `questions`' choices).
pub fn render(format: Format, results: &Results<'_>, questions: &questionnaire::Choices) -> Vec<ExportFile> {
    let one = |text| vec![ExportFile { suffix: None, text }];
    match format {
        Format::Gexf => one(formats::gexf(results)),
        Format::Graphml => one(formats::graphml(results)),
        Format::Pajek => one(formats::pajek(results)),
        Format::Json => one(formats::json(results)),
        Format::Vosviewer => {
            let (map, network) = formats::vosviewer(results);
            vec![
                ExportFile { suffix: Some("_map.txt"), text: map },
                ExportFile { suffix: Some("_network.txt"), text: network },
                ExportFile { suffix: Some("_provenance.txt"), text: results.provenance.lines() },
            ]
        }
        Format::Csv => {
            let (nodes, edges) = formats::csv(results);
            vec![
                ExportFile { suffix: Some("_nodes.csv"), text: nodes },
                ExportFile { suffix: Some("_edges.csv"), text: edges },
                ExportFile { suffix: Some("_provenance.txt"), text: results.provenance.lines() },
            ]
        }
        Format::Questionnaire => {
            let q = questionnaire::Questionnaire::new(results, questions);
            vec![
                ExportFile { suffix: None, text: q.html(results.provenance) },
                ExportFile { suffix: Some(".csv"), text: q.csv() },
            ]
        }
    }
}
