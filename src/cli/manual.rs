//! `huey completions SHELL` and `huey manpage [SUBCOMMAND]`: shell completions and roff man
//! pages generated from the clap definitions, to standard output (the Debian package's
//! script installs them; a user who installs the binary by hand can too).

use clap::CommandFactory as _;

use super::{Cli, CliError, emit};

/// `huey completions` arguments.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `huey manpage` arguments.
#[derive(clap::Args, Debug)]
pub struct ManpageArgs {
    /// A page other than `huey(1)`: a subcommand's (`analyze` for `huey-analyze(1)`), or a
    /// nested one's (`session-check` for `huey-session-check(1)`).
    pub page: Option<String>,
    /// List the pages there are, one name per line (what PAGE takes).
    #[arg(long, conflicts_with = "page")]
    pub list: bool,
}

pub(super) fn completions(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "huey", &mut out);
    emit(&String::from_utf8_lossy(&out));
    Ok(())
}

pub(super) fn manpage(args: &ManpageArgs) -> Result<(), CliError> {
    if args.list {
        emit(&pages().iter().map(|(name, _)| format!("{name}\n")).collect::<String>());
        return Ok(());
    }
    let page = match &args.page {
        None => Cli::command(),
        Some(name) => match pages().into_iter().find(|(n, _)| n == name) {
            Some((_, cmd)) => cmd,
            None => return Err(CliError::NoSubcommand(name.clone())),
        },
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out).map_err(|e| CliError::Manpage(e.to_string()))?;
    emit(&String::from_utf8_lossy(&out));
    Ok(())
}

/// Every page below `huey(1)`, as (name without the `huey-` prefix, the command named
/// `huey-NAME` as man(1) looks it up, with the version): each visible subcommand and, under
/// it, each of its own (`session-check`, clap's `help`), as their parents' pages name them.
pub fn pages() -> Vec<(String, clap::Command)> {
    fn walk(prefix: &str, cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
            let name =
                if prefix.is_empty() { sub.get_name().to_owned() } else { format!("{prefix}-{}", sub.get_name()) };
            let page = sub.clone().name(format!("huey-{name}")).version(env!("CARGO_PKG_VERSION"));
            walk(&name, sub, out);
            out.push((name, page));
        }
    }
    // Built, so clap's own `help` subcommands are there: the pages name them too.
    let mut root = Cli::command();
    root.build();
    let mut out = Vec::new();
    walk("", &root, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
