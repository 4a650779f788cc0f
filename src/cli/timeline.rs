//! `huey timeline FILE --every K --json OUT`: the conversation over time — network summary,
//! concept map and speakers' self-concept mass after every K exchanges — with every option of
//! `huey analyze` (each row is what `huey analyze --exchange-limit t` reports for it).

use super::analyze::{AnalyzeArgs, load_input};
use super::{CliError, Outputs, emit};
use crate::run::pipeline::prepare;

/// `huey timeline` arguments: the analysis options, and how often to take a row.
#[derive(clap::Args, Debug)]
pub struct TimelineArgs {
    /// The conversation and analysis options, as `huey analyze` (`--json OUT`: where the rows go).
    #[command(flatten)]
    pub analysis: AnalyzeArgs,
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
}

pub(super) fn run(args: &TimelineArgs) -> Result<(), CliError> {
    let a = &args.analysis;
    let opts = a.options()?;
    let Some(json) = a.json.as_deref() else {
        return Err(CliError::TimelineOutput("--json OUT is where the timeline goes"));
    };
    if a.save_session.is_some() {
        return Err(CliError::TimelineOutput("--save-session is not written by huey timeline"));
    }
    let outputs = Outputs::checked(&[Some(json), args.gexf.as_deref()], a.inputs(), a.force)?;
    let (name, text, warnings) = load_input(a)?;
    for w in &warnings {
        eprintln!("warning: {}", super::printable(w));
    }
    let kill_source = a.kill_source()?.for_text(&text);
    let (kill, _) = crate::io::kill_list::load(&kill_source)?;
    let prepared = prepare(&text, &opts, &kill)?;
    let exchanges = prepared.pipeline.progress().total;
    let mut gexf = crate::export::dynamic::DynamicGexf::default();
    let mut gexf_full = false;
    let timeline =
        crate::run::timeline::timeline_with(prepared, &opts, args.every, args.emergence_mass, &mut |t, network| {
            if args.gexf.is_some() && !gexf_full {
                gexf_full = !gexf.add(t, network);
            }
        });
    if gexf_full {
        return Err(CliError::TimelineOutput("the dynamic GEXF would hold over 20,000,000 values: raise --every"));
    }
    let (every, n_rows) = (timeline.every, timeline.rows.len());
    // Plain rows of numbers and strings: serialising cannot fail, but is not unwrapped.
    let unserialisable = |_| CliError::TimelineOutput("the timeline could not be serialised");
    let mut doc = serde_json::to_value(&timeline).map_err(unserialisable)?;
    doc["file"] = name.clone().into();
    doc["exchanges"] = exchanges.into();
    let text = serde_json::to_string_pretty(&doc).map_err(unserialisable)?;
    outputs.write(json, text.as_bytes())?;
    if let Some(path) = &args.gexf {
        // The provenance of the whole run (its map and clusters), as every export carries.
        let provenance = super::analyze::analyse(a)?.provenance();
        outputs.write(path, gexf.finish(&provenance).as_bytes())?;
    }
    let mut out = String::new();
    outln!(out, "{name}: {n_rows} rows, every {every} of {exchanges} exchanges");
    outln!(out, "timeline written to {}", json.display());
    if let Some(path) = &args.gexf {
        outln!(out, "dynamic GEXF ({} checkpoints) written to {}", gexf.len(), path.display());
    }
    emit(&out);
    Ok(())
}
