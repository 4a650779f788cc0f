//! `huey synth`: a seeded synthetic conversation (Zipf words, several speakers) to a file.

use std::path::PathBuf;

use super::{CliError, Outputs, count_in, emit, number_in};
use crate::text::synthetic::{SynthSpec, conversation};

/// Options of `huey synth`.
#[derive(Debug, clap::Args)]
// A negative value reaches its parser and is refused there by name (not as an unknown flag).
#[command(allow_negative_numbers = true)]
pub struct SynthArgs {
    /// Output file.
    pub out: PathBuf,
    /// Total words (1 to 100,000,000).
    #[arg(long, default_value_t = 100_000, value_parser = count_in(1, 100_000_000))]
    pub words: usize,
    /// Distinct words, the Zipf support (1 to 10,000,000).
    #[arg(long, default_value_t = 20_000, value_parser = count_in(1, 10_000_000))]
    pub vocabulary: usize,
    /// Zipf exponent (0 to 10).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, value_parser = number_in(0.0, 10.0))]
    pub zipf: f64,
    /// Speakers (1 to 1000).
    #[arg(long, default_value_t = 3, value_parser = count_in(1, 1000))]
    pub speakers: usize,
    /// Write through a symbolic link, or onto a device.
    #[arg(long)]
    pub force: bool,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Write the synthetic conversation `args` describe.
pub(super) fn run(args: &SynthArgs) -> Result<(), CliError> {
    let spec = SynthSpec {
        words: args.words,
        vocabulary: args.vocabulary,
        zipf_s: args.zipf,
        speakers: args.speakers,
        seed: args.seed,
        ..SynthSpec::default()
    };
    let outputs = Outputs::checked(&[Some(&args.out)], Vec::new(), args.force)?;
    let text = conversation(&spec);
    outputs.write(&args.out, text.as_bytes())?;
    emit(&format!("{} words, {} bytes written to {}\n", args.words, text.len(), args.out.display()));
    Ok(())
}
