//! The `huey` binary: parse the command line and hand over to the library.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    // Ctrl-C, SIGTERM or SIGHUP (a cancelled job, `timeout`): the temporary files of writes in
    // progress are removed before the process ends, so none is left behind. Without the
    // handler (another is installed) the process ends as the signal says.
    let _ = ctrlc::set_handler(|| {
        huey::io::atomic::remove_pending();
        std::process::exit(130);
    });
    huey::cli::run(huey::cli::Cli::parse())
}
