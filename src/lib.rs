//! Huey: a Hebbian concept-network explorer for conversations.
//!
//! Each folder is one layer; arrows run one way, down this list (`tests/it/architecture.rs`
//! checks it):
//! - [`model`]: plain data every layer shares — network, vocabulary, float types and
//!   fixed-point sums, mass model, options and parameters, counters, tokens;
//! - [`text`]: text → speakers and exchanges → tokens (detection, tokenizers, kill lists);
//! - [`analysis`]: network → concept mass, speaker self-concept, concept map, clusters,
//!   centralities, statistics;
//! - [`kernel`]: the named kernels, their timing, and one CPU twin per WGSL kernel;
//! - [`engine`]: tokens → network, one exchange per step, on the CPU or resident on a GPU;
//! - [`io`]: files — documents, kill lists, sessions, settings, atomic writes;
//! - [`export`]: results → bytes — GEXF, GraphML, Pajek, VOSviewer, CSV, JSON, the
//!   questionnaire, SVG and PNG figures, provenance; the map's colour and label rules;
//! - [`run`]: the layers above strung into runs — pipeline, fallback, notices, the compute
//!   worker, sweeps, comparisons, the JSON report;
//! - [`app`]: the desktop application (eframe/egui) over the compute worker;
//! - [`cli`]: the `huey` command line.
//!
//! ```
//! use huey::model::options::AnalysisOptions;
//! use huey::run::pipeline::analyze_text;
//! use huey::text::kill_words::KillList;
//!
//! let text = "Ana: the garden needs light\nBen: trim the trees, then the garden gets light\n";
//! let analysis = analyze_text(text, &AnalysisOptions::default(), &KillList::bundled("en").unwrap()).unwrap();
//! assert_eq!(analysis.detection.speakers, ["Ana", "Ben"]);
//! assert!(analysis.network.connections.len() > 0);
//! assert_eq!(analysis.map.labels.len(), analysis.network.n_neurons().min(50));
//! ```

pub mod model;
pub mod text;
pub mod analysis;
pub mod kernel;
pub mod engine;
pub mod io;
pub mod export;
pub mod run;
pub mod app;
pub mod cli;
