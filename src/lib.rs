//! Huey: a Hebbian concept-network explorer for conversations.
//!
//! Data flows top to bottom through the modules:
//! - [`io`]: files on disk → text (encodings, PDF, size limits);
//! - [`text`]: text → speakers and exchanges → tokens (kill lists, tokenizers);
//! - [`engine`]: tokens → Hebbian network, one exchange per step;
//! - [`compute`]: named kernels and their timings;
//! - [`model`]: the plain data every stage shares (network, parameters, mass model);
//! - [`analysis`]: network → concept mass, speaker self-concept, concept map;
//! - [`pipeline`]: the stages above as one steppable run; [`report`]: its JSON form;
//! - [`synthetic`]: seeded Zipf conversations for benchmarks and scale tests;
//! - [`cli`]: the `huey` command line;
//! - [`app`]: the desktop application (eframe/egui) over a compute thread
//!   ([`compute::worker`]).
//!
//! ```
//! use huey::pipeline::{AnalysisOptions, analyze_text};
//! use huey::text::kill_words::KillList;
//!
//! let text = "Ana: the garden needs light\nBen: trim the trees, then the garden gets light\n";
//! let analysis = analyze_text(text, &AnalysisOptions::default(), &KillList::bundled("en").unwrap()).unwrap();
//! assert_eq!(analysis.detection.speakers, ["Ana", "Ben"]);
//! assert!(analysis.network.connections.len() > 0);
//! assert_eq!(analysis.map.labels.len(), analysis.network.n_neurons().min(50));
//! ```

pub mod analysis;
pub mod app;
pub mod cli;
pub mod compute;
pub mod engine;
pub mod io;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod synthetic;
pub mod text;
