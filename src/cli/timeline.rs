//! `huey timeline FILE --every K --json OUT`: the conversation over time — network summary,
//! concept map and speakers' self-concept mass after every K exchanges — with every option of
//! `huey analyze` (each row is what `huey analyze --exchange-limit t` reports for it); also as
//! CSV tables, a dynamic GEXF, and an animated GIF of the aligned map (`--animation OUT.gif`).

use super::analyze::{AnalyzeArgs, load_input};
use super::{CliError, Outputs, emit};
use crate::export::animation::AnimationOptions;
use crate::run::pipeline::prepare;
use crate::run::timeline::{ConceptSet, MAX_TRACKED, TimelineSpec};

/// `huey timeline` arguments: the analysis options, and how often to take a row.
#[derive(clap::Args, Debug)]
pub struct TimelineArgs {
    /// Conversation file (.txt, .md, .pdf); the bundled sample when omitted.
    pub file: Option<std::path::PathBuf>,
    /// The analysis options, as `huey analyze`.
    #[command(flatten)]
    pub flags: super::analyze::AnalysisFlags,
    /// Write the rows as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<std::path::PathBuf>,
    /// Write outputs through a symbolic link, or onto a device.
    #[arg(long)]
    pub force: bool,
    /// A row after every K exchanges, and one at the end (raised so there are at most 10,000).
    #[arg(long, value_name = "K", default_value_t = 10, value_parser = super::count_in(1, 10_000_000))]
    pub every: usize,
    /// Also write the network at every row as a dynamic GEXF (node and edge spells, mass and
    /// strength over exchanges) that Gephi's timeline replays.
    #[arg(long, value_name = "PATH")]
    pub gexf: Option<std::path::PathBuf>,
    /// The mass at which a concept counts as having emerged (the `emergence` list).
    #[arg(long, value_name = "MASS", default_value_t = 1.0, value_parser = super::number_in(0.0, 1e12))]
    pub emergence_mass: f64,
    /// The concepts each row maps: each row's own top N (`each`, as `huey analyze
    /// --exchange-limit t`), or the top N at the end in every row (`end`: positions compare
    /// over time; the conversation is run twice).
    #[arg(long, value_enum, default_value_t = ConceptSetArg::Each)]
    pub concept_set: ConceptSetArg,
    /// Map these concepts in every row instead (comma-separated; `Speaker_<name>` for a
    /// speaker's entry).
    #[arg(long, value_name = "WORDS", value_delimiter = ',', conflicts_with_all = ["concept_set", "concepts_at"])]
    pub map_concepts: Vec<String>,
    /// Map the top N after exchange T in every row instead.
    #[arg(long, value_name = "T", conflicts_with = "concept_set", value_parser = super::count_in(0, 10_000_000))]
    pub concepts_at: Option<usize>,
    /// Record these concepts' mass and strongest associations in every row (comma-separated,
    /// at most 100); they are also the animation's trails.
    #[arg(long, value_name = "WORDS", value_delimiter = ',')]
    pub track: Vec<String>,
    /// Also write the timeline as CSV tables: PATH's stem plus `_rows.csv`, `_trajectories.csv`
    /// (aligned positions), `_speakers.csv`, `_turns.csv`, `_tracked.csv`, `_emergence.csv`,
    /// and `_provenance.txt`.
    #[arg(long, value_name = "PATH")]
    pub csv: Option<std::path::PathBuf>,
    /// Also write the aligned map as an animated GIF, a frame per row.
    #[arg(long, value_name = "OUT.gif")]
    pub animation: Option<std::path::PathBuf>,
    /// The animation's frames per second.
    #[arg(long, default_value_t = 4.0, value_parser = super::number_in(0.1, 50.0))]
    pub fps: f64,
    /// The animation's frame width in pixels.
    #[arg(long, value_name = "PX", default_value_t = 800, value_parser = super::count_in(64, 2000))]
    pub width: usize,
    /// The animation's frame height in pixels.
    #[arg(long, value_name = "PX", default_value_t = 600, value_parser = super::count_in(64, 2000))]
    pub height: usize,
}

/// `--concept-set`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ConceptSetArg {
    /// Each row its own top N.
    Each,
    /// The top N at the end, in every row.
    End,
}

impl TimelineArgs {
    /// What the rows record.
    fn spec(&self) -> Result<TimelineSpec, CliError> {
        let words = |list: &[String]| crate::run::timeline::concept_words(list.iter().map(String::as_str));
        let given = words(&self.map_concepts);
        let concepts = if !given.is_empty() {
            ConceptSet::Given(given)
        } else if let Some(t) = self.concepts_at {
            ConceptSet::AtExchange(t)
        } else {
            match self.concept_set {
                ConceptSetArg::Each => ConceptSet::EachRow,
                ConceptSetArg::End => ConceptSet::AtEnd,
            }
        };
        let track = words(&self.track);
        if track.len() > MAX_TRACKED {
            return Err(CliError::TimelineOutput("--track takes at most 100 concepts"));
        }
        Ok(TimelineSpec { every: self.every, emergence_mass: self.emergence_mass, concepts, track })
    }
}

pub(super) fn run(args: &TimelineArgs) -> Result<(), CliError> {
    let a = &AnalyzeArgs {
        file: args.file.clone(),
        flags: args.flags.clone(),
        json: args.json.clone(),
        force: args.force,
        ..AnalyzeArgs::default()
    };
    let opts = a.options()?;
    let spec = args.spec()?;
    let json = a.json.as_deref();
    let (gexf_path, csv_path, animation_path) = (args.gexf.as_deref(), args.csv.as_deref(), args.animation.as_deref());
    if json.is_none() && gexf_path.is_none() && csv_path.is_none() && animation_path.is_none() {
        return Err(CliError::TimelineOutput(
            "say where it goes: --json OUT, --csv OUT, --gexf OUT or --animation OUT.gif",
        ));
    }
    let animation = AnimationOptions {
        width: args.width as u32,
        height: args.height as u32,
        fps: args.fps,
        trails: spec.track.clone(),
        ..AnimationOptions::default()
    };
    if let Some(p) = csv_path {
        Outputs::stem(p)?;
    }
    // The CSV tables are the files the chosen path names, all checked before the run.
    let csv_files: Vec<std::path::PathBuf> = csv_path.map_or_else(Vec::new, |p| {
        [
            "_rows.csv",
            "_trajectories.csv",
            "_speakers.csv",
            "_turns.csv",
            "_tracked.csv",
            "_emergence.csv",
            "_provenance.txt",
        ]
        .iter()
        .map(|s| crate::export::path_with(p, Some(s)))
        .collect()
    });
    let mut wanted = vec![json, gexf_path, animation_path];
    wanted.extend(csv_files.iter().map(|p| Some(p.as_path())));
    let outputs = Outputs::checked(&wanted, a.inputs(), a.force)?;
    let (name, text, warnings) = load_input(a)?;
    for w in &warnings {
        eprintln!("warning: {}", super::printable(w));
    }
    let kill_source = a.kill_source()?.for_text(&text);
    let (kill, _) = crate::io::kill_list::load(&kill_source)?;
    let prepared = prepare(&text, &opts, &kill)?;
    let exchanges = prepared.pipeline.progress().total;
    // The animation's frames are known before the run: refused now, not after it.
    let every = crate::run::timeline::row_spacing(exchanges, &spec, &opts);
    if animation_path.is_some() {
        animation.check(exchanges.div_ceil(every)).map_err(CliError::Animation)?;
    }
    let mut gexf = crate::export::dynamic::DynamicGexf::default();
    let mut gexf_full = false;
    let timeline = crate::run::timeline::timeline_with(prepared, &opts, &spec, &mut |t, network| {
        if gexf_path.is_some() && !gexf_full {
            gexf_full = !gexf.add(t, network);
        }
    });
    if gexf_full {
        return Err(CliError::TimelineOutput("the dynamic GEXF would hold over 20,000,000 values: raise --every"));
    }
    // Refused before anything is written.
    if animation_path.is_some() {
        animation.check(timeline.rows.len()).map_err(CliError::Animation)?;
    }
    let (every, n_rows) = (timeline.every, timeline.rows.len());
    for w in &timeline.warnings {
        eprintln!("warning: {}", super::printable(w));
    }
    for (k, concept) in spec.track.iter().enumerate() {
        if timeline.rows.iter().all(|r| r.tracked.get(k).is_none_or(|t| t.mass.is_none())) {
            eprintln!("warning: --track {}: not a concept of this conversation", super::printable(concept));
        }
    }
    if timeline.rows.iter().all(|r| r.map.labels.is_empty()) {
        eprintln!("warning: no row maps any concept (check --map-concepts or --concepts-at)");
    }
    let mut out = String::new();
    outln!(out, "{name}: {n_rows} rows, every {every} of {exchanges} exchanges");
    if every != args.every.max(1) {
        outln!(out, "  (--every {} raised to {every}: at most 10,000 rows and 10⁶ mapped concepts in all)", args.every);
    }
    if let Some(json) = json {
        // Plain rows of numbers and strings: serialising cannot fail, but is not unwrapped.
        let unserialisable = |_| CliError::TimelineOutput("the timeline could not be serialised");
        let mut doc = serde_json::to_value(&timeline).map_err(unserialisable)?;
        doc["file"] = name.clone().into();
        doc["exchanges"] = exchanges.into();
        let text = serde_json::to_string_pretty(&doc).map_err(unserialisable)?;
        outputs.write(json, text.as_bytes())?;
        outln!(out, "timeline written to {}", json.display());
    }
    // The provenance of the whole run (its map and clusters), as every export carries.
    let provenance =
        if gexf_path.is_some() || csv_path.is_some() { Some(super::analyze::analyse(a)?.provenance()) } else { None };
    if let (Some(path), Some(provenance)) = (gexf_path, &provenance) {
        outputs.write(path, gexf.finish(provenance).as_bytes())?;
        outln!(out, "dynamic GEXF ({} checkpoints) written to {}", gexf.len(), path.display());
    }
    if let (Some(path), Some(provenance)) = (csv_path, &provenance) {
        for file in timeline.csv_files(provenance) {
            outputs.write(&file.path_for(path), file.text.as_bytes())?;
        }
        outln!(
            out,
            "timeline tables written to {} (and the other _*.csv)",
            crate::export::path_with(path, Some("_rows.csv")).display()
        );
    }
    if let Some(path) = animation_path {
        let animation = AnimationOptions { title: name.clone(), ..animation };
        let bytes =
            crate::export::animation::gif(&timeline.frames(), exchanges, &animation).map_err(CliError::Animation)?;
        outputs.write(path, &bytes)?;
        outln!(out, "animation ({n_rows} frames at {} fps) written to {}", args.fps, path.display());
    }
    emit(&out);
    Ok(())
}
