//! `huey session check FILE` and `huey session continue FILE`: a saved session opened the way
//! the app opens it (file, conversation, kill list, state all checked before anything runs),
//! described, and on request run to the end of its conversation.

use std::path::PathBuf;

use super::analyze::summary;
use super::{CliError, Outputs, emit};
use crate::model::params::Specific;
use crate::run::notice::Notice;
use crate::run::pipeline::finish;
use crate::run::report::Report;
use crate::run::session::{Opened, RunState, open};

/// Options of `huey session`.
#[derive(Debug, clap::Args)]
pub struct SessionArgs {
    /// What to do with the session.
    #[command(subcommand)]
    pub action: SessionAction,
}

/// What `huey session` does.
#[derive(Debug, clap::Subcommand)]
pub enum SessionAction {
    /// Open a session as the app would and say what it holds; when it cannot continue, say
    /// why (exit status 1).
    Check {
        /// The session file.
        file: PathBuf,
    },
    /// Continue a session to the end of its conversation and print the summary.
    Continue {
        /// The session file.
        file: PathBuf,
        /// Write the full report as JSON to this file.
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
        /// Save the finished run as a session file.
        #[arg(long, value_name = "OUT")]
        save_session: Option<PathBuf>,
        /// Write outputs through a symbolic link, or onto a device.
        #[arg(long)]
        force: bool,
        /// Concepts listed in the printed summary.
        #[arg(long, default_value_t = 15, allow_negative_numbers = true)]
        top: usize,
    },
}

pub(super) fn run(args: &SessionArgs) -> Result<(), CliError> {
    match &args.action {
        SessionAction::Check { file } => {
            let opened = open(file)?;
            emit(&describe(file, &opened));
            Ok(())
        }
        SessionAction::Continue { file, json, save_session, force, top } => {
            let Opened {
                session,
                file: source,
                name,
                text,
                load_warnings,
                kill,
                kill_name,
                prepared,
                history_lost,
                ..
            } = open(file)?;
            if let Some(lost) = &history_lost {
                eprintln!("warning: {}", super::printable(lost));
            }
            // Checked before the run, and with every file the session reads among the inputs.
            let mut inputs = vec![file.clone()];
            inputs.extend(source.clone());
            inputs.extend(session.kill.file());
            let outputs = Outputs::checked(&[json.as_deref(), save_session.as_deref()], inputs, *force)?;
            let mut analysis = finish(prepared, &session.options);
            let mut warnings: Vec<Notice> = load_warnings.into_iter().map(Notice::Load).collect();
            warnings.append(&mut analysis.warnings);
            analysis.warnings = warnings;
            let report = Report::new(&name, &kill_name, &analysis);
            let mut out =
                format!("continued from exchange {} of {}\n", session.done, analysis.detection.exchanges.len());
            out.push_str(&summary(&report, &analysis, *top));
            let run = RunState {
                file: source.as_deref(),
                text: &text,
                options: &session.options,
                kill_source: &session.kill,
                kill: &kill,
                done: analysis.detection.exchanges.len(),
                stats: analysis.stats,
                network: &analysis.network,
            };
            super::write_results(&mut out, &outputs, (json.as_deref(), save_session.as_deref()), &report, run)?;
            emit(&out);
            Ok(())
        }
    }
}

/// What an opened session holds, one fact per line.
fn describe(path: &std::path::Path, o: &Opened) -> String {
    let s = &o.session;
    let mut out = String::new();
    outln!(out, "{}: a version {} session that can continue", path.display(), s.version);
    outln!(out, "  input      {} (unchanged since the session was saved)", s.source);
    outln!(out, "  kill list  {} ({} words)", o.kill_name, o.kill.len());
    let e = &s.options.engine;
    let specific = match &e.specific {
        Specific::Temporal(t) => format!("τ {}, connection decay {}", t.tau, t.connection_decay),
        Specific::Windowed(w) => format!("window {}, connection prob {}, seed {}", w.window, w.connection_prob, w.seed),
    };
    outln!(
        out,
        "  engine     {} on {} ({:?}), max neurons {}, η {}, {specific}",
        e.kind().as_str(),
        s.options.backend.as_str(),
        s.options.precision,
        e.common.max_neurons,
        e.common.eta
    );
    outln!(out, "  progress   {} of {} exchanges done", s.done, o.prepared.detection.exchanges.len());
    let n = &s.network;
    outln!(
        out,
        "  network    {} neurons, {} connections, Σs {:.4}, Σm {:.4}",
        n.n_neurons(),
        n.connections.len(),
        n.sum_strength(),
        n.sum_mass()
    );
    match &o.history_lost {
        None => {
            outln!(out, "  history    replayed to exchange {}: {} checkpoints", s.done, o.history.checkpoints().len())
        }
        Some(lost) => outln!(out, "  history    {lost}"),
    }
    out
}
