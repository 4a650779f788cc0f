//! `huey synth`: a seeded synthetic conversation (Zipf words, several speakers) to a file.

use std::path::PathBuf;

use super::{CliError, emit, write_atomic};
use crate::text::synthetic::{SynthSpec, conversation};

/// Options of `huey synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Output file.
    pub out: PathBuf,
    /// Total words.
    #[arg(long, default_value_t = 100_000)]
    pub words: usize,
    /// Distinct words (Zipf support).
    #[arg(long, default_value_t = 20_000)]
    pub vocabulary: usize,
    /// Zipf exponent.
    #[arg(long, default_value_t = 1.0)]
    pub zipf: f64,
    /// Speakers.
    #[arg(long, default_value_t = 3)]
    pub speakers: usize,
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
    let text = conversation(&spec);
    write_atomic(&args.out, text.as_bytes())?;
    emit(&format!("{} words, {} bytes written to {}\n", args.words, text.len(), args.out.display()));
    Ok(())
}
