//! Bad input gets a clear error or warning, never a panic, a hang or unbounded memory.

use std::io::Write as _;

use huey::io::document::{self, LoadError, LoadWarning};
use huey::model::options::AnalysisOptions;
use huey::model::params::Specific;
use huey::run::notice::Notice;
use huey::run::pipeline::analyze_text;
use huey::text::kill_words::KillList;
use huey::text::speakers::DetectionWarning;

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn empty_and_blank_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.txt", &b"  \n\t\n"[..])] {
        let err = document::read(&write(&dir, name, bytes)).unwrap_err();
        assert!(matches!(err, LoadError::Empty(_)), "{err}");
        assert!(err.to_string().contains("empty"));
    }
}

#[test]
fn binary_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..4096u32).map(|k| (k * 7 % 256) as u8).collect();
    let err = document::read(&write(&dir, "image.txt", &bytes)).unwrap_err();
    assert!(matches!(err, LoadError::Binary(_)), "{err}");
}

#[test]
fn missing_file_names_the_path() {
    let err = document::read(std::path::Path::new("/nonexistent/conversation.txt")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/conversation.txt"), "{err}");
}

#[test]
fn corrupt_pdf_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let err =
        document::read(&write(&dir, "broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")).unwrap_err();
    assert!(matches!(err, LoadError::Pdf { .. }), "{err}");
}

#[test]
fn non_utf8_and_utf16_files_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = write(&dir, "latin1.txt", b"Ana: caf\xE9 ole\nBen: ol\xE9 caf\xE9\n");
    let doc = document::read(&latin1).unwrap();
    assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("Ana: hi there\nBen: hello you\n".encode_utf16().flat_map(u16::to_le_bytes));
    let doc = document::read(&write(&dir, "utf16.txt", &utf16)).unwrap();
    assert!(doc.text.starts_with("Ana: hi there"));
    let a = analyze_text(&doc.text, &AnalysisOptions::default(), &KillList::empty()).unwrap();
    assert_eq!(a.detection.speakers, ["Ana", "Ben"]);
}

#[test]
fn only_kill_words_gives_an_empty_network_and_a_warning() {
    let kill = KillList::parse("THE\nAND\nA\n");
    let a = analyze_text("Ana: the and a\nBen: a the\nAna: and and\n", &AnalysisOptions::default(), &kill).unwrap();
    assert_eq!(a.network.connections.len(), 0);
    assert!(a.map.labels.is_empty());
    assert!(a.warnings.iter().any(|w| matches!(w, Notice::AllKilled)), "{:?}", a.warnings);
}

#[test]
fn a_single_line_of_a_million_characters() {
    let line: String = "lorem ipsum dolor sit amet ".chars().cycle().take(1_000_000).collect();
    let started = std::time::Instant::now();
    let a = analyze_text(&line, &AnalysisOptions::default(), &KillList::empty()).unwrap();
    // One unlabelled line: plain-text mode cuts the unpunctuated "sentence" into ≤ 500-character
    // parts, as the reference does.
    assert_eq!(a.detection.strategy, huey::text::speakers::Strategy::PlainText);
    assert_eq!(a.detection.exchanges.len(), 2_000);
    assert!(a.detection.exchanges.iter().all(|e| e.text.chars().count() <= 500));
    assert!(!a.network.connections.is_empty());
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

/// 200 MB on disk: only the first 64 MiB are read (with a warning), the exchange limit applies,
/// and nothing is held beyond those bounds.
#[test]
fn a_200_mb_file_is_read_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let chunk =
            "Ana: the garden needs light and water this spring\nBen: trim the trees and plant beans\n".repeat(1000);
        while f.get_ref().metadata().unwrap().len() < 200_000_000 {
            f.write_all(chunk.as_bytes()).unwrap();
            f.flush().unwrap();
        }
    }
    let doc = document::read(&path).unwrap();
    assert_eq!(doc.text.len() as u64, document::DEFAULT_MAX_BYTES);
    assert!(doc.warnings.contains(&LoadWarning::Truncated { file_mib: 190, read_mib: 64 }), "{:?}", doc.warnings);
    let a = analyze_text(&doc.text, &AnalysisOptions::default(), &KillList::empty()).unwrap();
    assert_eq!(a.detection.exchanges.len(), 10_000);
    assert!(a.warnings.iter().any(|w| matches!(w, Notice::Detection(DetectionWarning::ExchangeLimit { .. }))));
}

#[test]
fn invalid_parameters_are_rejected_with_their_name() {
    let mut opts = AnalysisOptions::default();
    let Specific::Temporal(t) = &mut opts.engine.specific else { unreachable!() };
    t.tau = -1.0;
    let err = analyze_text("Ana: hi\nBen: ho\n", &opts, &KillList::empty()).unwrap_err();
    assert!(err.to_string().contains("tau"), "{err}");
}

/// A minimal PDF with the standard Helvetica font, built with correct xref offsets.
fn tiny_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 720 Td 14 TL\n");
    for line in lines {
        content.push_str(&format!("({line}) Tj T*\n"));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (k, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", k + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    pdf.into_bytes()
}

#[test]
fn pdf_text_is_extracted_and_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let lines = ["Ana: the garden needs light", "Ben: trim the trees first", "Ana: then plant the beans"];
    let doc = document::read(&write(&dir, "talk.pdf", &tiny_pdf(&lines))).unwrap();
    assert!(doc.text.contains("the garden needs light"), "{:?}", doc.text);
    let a = analyze_text(&doc.text, &AnalysisOptions::default(), &KillList::empty()).unwrap();
    assert_eq!(a.detection.speakers, ["Ana", "Ben"]);
    assert_eq!(a.detection.exchanges.len(), 3);
}

/// An exchange of 150,000 tokens costs ~10¹⁰ pair updates: the run says so before it starts
/// (nothing here runs it); an ordinary conversation says nothing.
#[test]
fn a_run_of_very_long_exchanges_is_announced_before_it_starts() {
    let mut opts = AnalysisOptions::default();
    opts.detect.max_exchange_chars = 10_000_000;
    let long = format!("Ana: {}\nBen: short answer here\n", "word ".repeat(150_000));
    let prepared = huey::run::pipeline::prepare(&long, &opts, &KillList::empty()).unwrap();
    let heavy = prepared.pipeline.notices().iter().find(|n| matches!(n, Notice::HeavyRun { .. }));
    let Some(Notice::HeavyRun { pairs, longest }) = heavy else { panic!("{:?}", prepared.pipeline.notices()) };
    assert_eq!(*longest, 150_000);
    assert!((pairs - 150_000.0 * 149_999.0 / 2.0).abs() < 1e6, "{pairs}");
    let calm = huey::run::pipeline::prepare(huey::text::SAMPLE_CONVERSATION, &opts, &KillList::empty()).unwrap();
    assert!(calm.pipeline.notices().is_empty(), "{:?}", calm.pipeline.notices());
}

/// Parameters under which every connection dies say so, rather than blaming the text.
#[test]
fn a_prune_threshold_nothing_survives_is_named_not_the_text() {
    let mut opts = AnalysisOptions::default();
    let Specific::Temporal(t) = &mut opts.engine.specific else { unreachable!() };
    t.prune_threshold = 1000.0;
    let a = analyze_text(huey::text::SAMPLE_CONVERSATION, &opts, &KillList::empty()).unwrap();
    assert!(a.network.connections.is_empty());
    let said: Vec<String> = a.warnings.iter().map(|w| w.to_string()).collect();
    assert!(a.warnings.iter().any(|w| matches!(w, Notice::NoneSurvived { pairs } if *pairs > 0)), "{said:?}");
    assert!(!said.iter().any(|w| w.contains("two kept tokens")), "{said:?}");
}

/// A window longer than every turn learns nothing, and the warning says that, not that the
/// text has too few tokens.
#[test]
fn a_window_longer_than_every_turn_is_named() {
    let mut opts = AnalysisOptions::reference(huey::model::options::EngineKind::Windowed);
    let Specific::Windowed(w) = &mut opts.engine.specific else { unreachable!() };
    w.window = 1000;
    let a = analyze_text(huey::text::SAMPLE_CONVERSATION, &opts, &KillList::empty()).unwrap();
    assert!(a.warnings.iter().any(|n| matches!(n, Notice::NoWindow { window: 1000 })), "{:?}", a.warnings);
}
