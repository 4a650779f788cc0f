//! `huey synth`: a seeded synthetic conversation (Zipf words, several speakers) to a file, or
//! a folder of them (`--count N`, a corpus for `huey batch`).

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
    /// Seed (conversation k of `--count` uses seed + k).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write this many conversations into the folder OUT instead (`synth-00001.txt`, …),
    /// a corpus for `huey batch` (1 to 1,000,000).
    #[arg(long, value_name = "N", value_parser = count_in(1, 1_000_000))]
    pub count: Option<usize>,
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
    let Some(count) = args.count else {
        let outputs = Outputs::checked(&[Some(&args.out)], Vec::new(), args.force)?;
        let text = conversation(&spec);
        outputs.write(&args.out, text.as_bytes())?;
        emit(&format!("{} words, {} bytes written to {}\n", args.words, text.len(), args.out.display()));
        return Ok(());
    };
    // A corpus folder is made afresh: files already there (a real corpus, an earlier one) are
    // never replaced unless --force.
    if crate::io::corpus::holds_entries(&args.out) && !args.force {
        return Err(CliError::SynthFolder(args.out.clone()));
    }
    crate::io::corpus::make_folder(&args.out)?;
    let mut bytes = 0;
    for k in 1..=count {
        let path = args.out.join(format!("synth-{k:05}.txt"));
        let outputs = Outputs::checked(&[Some(&path)], Vec::new(), args.force)?;
        let text = conversation(&SynthSpec { seed: args.seed.wrapping_add(k as u64 - 1), ..spec });
        bytes += text.len();
        outputs.write(&path, text.as_bytes())?;
    }
    emit(&format!("{count} conversations of {} words, {bytes} bytes written to {}\n", args.words, args.out.display()));
    Ok(())
}
