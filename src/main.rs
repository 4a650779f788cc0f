//! The `huey` binary: parse the command line and hand over to the library.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    huey::cli::run(huey::cli::Cli::parse())
}
