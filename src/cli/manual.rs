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
    /// A subcommand's page (`huey-analyze(1)`, …) instead of `huey(1)`.
    pub subcommand: Option<String>,
}

pub(super) fn completions(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "huey", &mut out);
    emit(&String::from_utf8_lossy(&out));
    Ok(())
}

pub(super) fn manpage(args: &ManpageArgs) -> Result<(), CliError> {
    let cmd = Cli::command();
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => {
            let Some(sub) = cmd.find_subcommand(name) else {
                return Err(CliError::NoSubcommand(name.clone()));
            };
            // The page's name is `huey-NAME`, as man(1) looks it up.
            sub.clone().name(format!("huey-{name}"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out).map_err(|e| CliError::Manpage(e.to_string()))?;
    emit(&String::from_utf8_lossy(&out));
    Ok(())
}

/// The names of the subcommands with a page of their own (the package installs one each).
pub fn subcommands() -> Vec<String> {
    Cli::command().get_subcommands().filter(|c| !c.is_hide_set()).map(|c| c.get_name().to_owned()).collect()
}
