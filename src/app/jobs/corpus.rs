//! The Corpus tab's data and its jobs' work: a folder's conversations read and analysed one by
//! one (a table of their figures), pooled into one corpus network, or compared side by side
//! (two groups of conversations, or two speakers of the conversation on show). Called on job
//! threads only: every file is read here, never on the UI thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::export::comparison::Sides;
use crate::model::options::{AnalysisOptions, Backend};
use crate::run::batch::Figures;
use crate::run::corpus::{CorpusError, Member, SideComparison};
use crate::run::pipeline::Analysis;
use crate::text::kill_words::KillSource;

/// Most conversations a corpus opened in the app holds (`huey batch` takes any number).
pub const MAX_IN_APP: usize = 10_000;
/// Most bytes of text one conversation of the corpus is read to (as `huey analyze`).
const MAX_FILE_BYTES: u64 = 64 << 20;
/// Most bytes of text the corpus keeps for pooling and comparing.
const MAX_CORPUS_BYTES: usize = 1 << 30;

/// One conversation of an opened corpus.
#[derive(Clone, Debug)]
pub struct CorpusRow {
    /// Its name in the corpus (path under the folder).
    pub key: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its text, kept for pooling and comparing.
    pub text: Option<Arc<String>>,
    /// Its figures, or why it could not be analysed.
    pub figures: Result<Figures, String>,
}

/// A folder opened as a corpus.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The folder.
    pub folder: PathBuf,
    /// Its conversations, by name.
    pub rows: Vec<CorpusRow>,
    /// Files passed over (not UTF-8 names, FIFOs, the kill list).
    pub skipped: usize,
}

/// Why a corpus job failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CorpusJobError {
    /// The folder could not be listed.
    #[error("{0}")]
    List(String),
    /// More conversations than the app holds.
    #[error("{0} conversations: the app opens at most {MAX_IN_APP} (use huey batch)")]
    TooMany(usize),
    /// The texts would not fit in memory.
    #[error("the corpus holds more than 1 GiB of text: use huey batch")]
    TooLarge,
    /// A pool or comparison could not be made.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// The kill list could not be loaded.
    #[error("kill list: {0}")]
    Kill(String),
}

/// On the CPU: corpus jobs share the machine with the run on show, which may hold the GPU.
fn cpu(opts: &AnalysisOptions) -> AnalysisOptions {
    AnalysisOptions { backend: Backend::Cpu, ..opts.clone() }
}

/// Read and analyse every conversation of `folder`.
pub fn open(folder: &Path, opts: &AnalysisOptions, kill: &KillSource) -> Result<Corpus, CorpusJobError> {
    let exclude: Vec<PathBuf> = kill.file().into_iter().collect();
    let listed =
        crate::io::corpus::list(&[folder.to_path_buf()], &exclude).map_err(|e| CorpusJobError::List(e.to_string()))?;
    if listed.conversations.len() > MAX_IN_APP {
        return Err(CorpusJobError::TooMany(listed.conversations.len()));
    }
    let opts = cpu(opts);
    let mut bytes = 0;
    let mut rows = Vec::with_capacity(listed.conversations.len());
    for c in listed.conversations {
        let figures =
            crate::io::document::read_with_limit(&c.path, MAX_FILE_BYTES).map_err(|e| e.to_string()).and_then(|doc| {
                bytes += doc.text.len();
                if bytes > MAX_CORPUS_BYTES {
                    return Err("over the corpus's 1 GiB of text".to_owned());
                }
                let source = kill.for_text(&doc.text);
                let (list, kill_name) = crate::io::kill_list::load(&source).map_err(|e| e.to_string())?;
                let a = crate::run::pipeline::analyze_text(&doc.text, &opts, &list).map_err(|e| e.to_string())?;
                let report = crate::run::report::Report::new(&c.key, &kill_name, &a);
                Ok((Arc::new(doc.text), Figures::of(&report)))
            });
        let (text, figures) = match figures {
            Ok((text, f)) => (Some(text), Ok(f)),
            Err(e) => (None, Err(e)),
        };
        rows.push(CorpusRow { key: c.key, path: c.path, text, figures });
    }
    Ok(Corpus { folder: folder.to_path_buf(), rows, skipped: listed.skipped.len() })
}

/// A side or pool member as the jobs get it: name, text, speaker filter.
pub type OwnedMember = (String, Arc<String>, Option<String>);

fn members(owned: &[OwnedMember]) -> Vec<Member<'_>> {
    owned.iter().map(|(key, text, speaker)| Member { key, text, speaker: speaker.as_deref() }).collect()
}

fn kill_for(owned: &[OwnedMember], kill: &KillSource) -> Result<crate::text::kill_words::KillList, CorpusJobError> {
    let text = owned.first().map_or("", |(_, t, _)| t.as_str());
    crate::io::kill_list::load(&kill.for_text(text))
        .map(|(list, _)| list)
        .map_err(|e| CorpusJobError::Kill(e.to_string()))
}

/// The corpus network of `owned`, in order.
pub fn pool(owned: &[OwnedMember], opts: &AnalysisOptions, kill: &KillSource) -> Result<Analysis, CorpusJobError> {
    let list = kill_for(owned, kill)?;
    Ok(crate::run::corpus::pool(&members(owned), &cpu(opts), &list)?)
}

/// A finished comparison with its sides' names.
#[derive(Debug)]
pub struct Compared {
    /// The sides' names.
    pub sides: Sides,
    /// The result.
    pub result: SideComparison,
    /// The options it ran with (for the export's provenance).
    pub opts: AnalysisOptions,
    /// The kill list's name (for the provenance).
    pub kill_name: String,
    /// Side A's map rotated onto side B's over their shared concepts (the Galileo alignment),
    /// or why it cannot be.
    pub alignment: Result<crate::analysis::galileo::Alignment, crate::analysis::galileo::AlignError>,
}

/// Side `a` against side `b`.
pub fn compare(
    a: &[OwnedMember],
    b: &[OwnedMember],
    sides: Sides,
    opts: &AnalysisOptions,
    kill: &KillSource,
) -> Result<Compared, CorpusJobError> {
    let list = kill_for(a, kill)?;
    let opts = cpu(opts);
    let result = crate::run::corpus::compare_sides(&members(a), &members(b), &opts, &list)?;
    let kill_name = kill.for_text(a.first().map_or("", |(_, t, _)| t.as_str())).describe();
    let space = |m: &crate::analysis::concept_map::ConceptMap| {
        crate::analysis::galileo::Space::of_map(m.labels.clone(), &m.coords, &m.eigenvalues)
    };
    let alignment = crate::analysis::galileo::align(&space(&result.a.map), &space(&result.b.map), None, &[]);
    Ok(Compared { sides, result, opts, kill_name, alignment })
}

/// The files of a comparison's export for the chosen `path` (`x.csv` → `x_concepts.csv`, …).
pub fn comparison_files(c: &Compared) -> Vec<crate::export::ExportFile> {
    let name = format!("{} vs {}", c.sides.a, c.sides.b);
    let texts: String =
        c.result.joint.detection.exchanges.iter().map(|e| e.text.as_str()).collect::<Vec<_>>().join("\n");
    let provenance = crate::run::provenance::of_analysis(&name, &texts, &c.kill_name, &c.opts, &c.result.joint);
    let joint = crate::export::Results {
        map: &c.result.joint.map,
        structure: &c.result.joint.structure,
        provenance: &provenance,
    };
    let mut files = crate::export::comparison::files(&c.result.comparison, &c.result.joint_points(), &c.sides, &joint);
    if let Ok(al) = &c.alignment {
        files.extend(crate::export::comparison::alignment_files(al));
    }
    files
}
