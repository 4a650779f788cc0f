//! Property tests (issue 9): arbitrary bytes and strings through every reader and the whole
//! pipeline — no panic, outputs bounded by their inputs and limits, numbers finite. CI runs
//! the default 256 cases per property; `scripts/fuzz.sh` runs many more for a set time.

use std::path::Path;

use proptest::prelude::*;

use huey::io::document::decode_text;
use huey::io::session::SessionFile;
use huey::io::settings::Settings;
use huey::model::options::{AnalysisOptions, DetectOptions, EngineKind, LabelPattern, SpeakerEdits, Tokenizer};
use huey::run::pipeline::analyze_text;
use huey::text::kill_words::KillList;
use huey::text::speakers::detect;

/// Text that looks like transcripts often enough to reach every strategy: labels, brackets,
/// numbers, capitals, newlines, punctuation, non-ASCII — and anything else.
fn transcript_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Ana: ".to_owned()),
        Just("BEN\n".to_owned()),
        Just("[Cy] ".to_owned()),
        Just("(Dee) ".to_owned()),
        Just("1. ".to_owned()),
        Just("**Tim Smith:** ".to_owned()),
        Just("[00:01:46] ".to_owned()),
        Just("<nick> ".to_owned()),
        Just("HIGGINS. ".to_owned()),
        Just("---\n".to_owned()),
        Just("# ".to_owned()),
        Just("李明：".to_owned()),
        Just("12:30 Eve: ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just(". ".to_owned()),
        Just(", and ".to_owned()),
        Just("note: ".to_owned()),
        "[a-z]{1,12} ",
        "\\PC{0,8}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn decoding_any_bytes_never_panics_and_stays_bounded(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let mut warnings = Vec::new();
        if let Ok(text) = decode_text(&bytes, Path::new("x.txt"), &mut warnings) {
            // Each byte becomes at most one replacement character (3 bytes).
            prop_assert!(text.len() <= 3 * bytes.len() + 3);
        }
    }

    #[test]
    fn detection_respects_its_limits_on_any_text(
        text in transcript_like(),
        limit in 1usize..20,
        max_chars in 1usize..200,
        conversation in any::<bool>(),
        reference in any::<bool>(),
    ) {
        let opts = DetectOptions {
            conversation_mode: conversation,
            exchange_limit: limit,
            max_exchange_chars: max_chars,
            ..if reference { DetectOptions::reference() } else { DetectOptions::default() }
        };
        let d = detect(&text, &opts, &SpeakerEdits::default());
        prop_assert!(d.exchanges.len() <= limit);
        prop_assert!(d.exchanges_found >= d.exchanges.len());
        prop_assert!((0.0..=1.0).contains(&d.confidence));
        for e in &d.exchanges {
            prop_assert!(e.text.chars().count() <= max_chars + 3, "{:?}", e.text);
            prop_assert!(d.speakers.contains(&e.speaker));
        }
        let stream = huey::text::token_stream::build(&d, Tokenizer::Reference, &KillList::empty());
        prop_assert_eq!(stream.n_exchanges(), d.exchanges.len());
        prop_assert!(stream.n_tokens() <= stream.n_raw_tokens());
    }

    #[test]
    fn transcript_detection_of_any_text_and_pattern_keeps_its_bounds(
        text in "(?s).{0,600}",
        pattern in prop::sample::select(LabelPattern::ALL.to_vec()),
    ) {
        let edits = SpeakerEdits { pattern, ..SpeakerEdits::default() };
        let d = detect(&text, &DetectOptions::default(), &edits);
        prop_assert!((0.0..=1.0).contains(&d.confidence));
        prop_assert_eq!(d.turns.len(), d.speakers.len());
        prop_assert_eq!(d.turns.iter().sum::<usize>(), d.exchanges.len());
        for e in &d.exchanges {
            prop_assert!(!e.text.trim().is_empty());
            prop_assert!(text.len() + 3 >= e.text.len() || e.speaker == "text");
        }
    }

    #[test]
    fn kill_lists_parse_from_any_text(text in any::<String>()) {
        let list = KillList::parse(&text);
        prop_assert!(list.sorted_words().iter().all(|w| !w.is_empty()));
        prop_assert!(list.len() <= text.len());
    }

    #[test]
    fn any_text_is_a_session_or_a_named_refusal(text in any::<String>()) {
        let _ = SessionFile::parse(&text, Path::new("s.ron"));
        let _ = Settings::parse(&text, Path::new("settings.ron"));
    }

    #[test]
    fn a_damaged_session_is_refused_or_still_consistent(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let mut bytes = session_text().into_bytes();
        for (at, b) in edits {
            let k = at.index(bytes.len());
            bytes[k] = b;
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(session) = SessionFile::parse(&text, Path::new("s.ron")) {
            // Anything accepted can be continued: an engine of its options loads the network,
            // learns the conversation once more on top of it, and every number stays valid.
            let mut prepared = huey::run::pipeline::prepare(SESSION_TALK, &session.options, &KillList::empty()).unwrap();
            prop_assume!(session.done <= prepared.detection.exchanges.len());
            let restored = prepared.pipeline.restore(&session.network, session.stats, session.done);
            prop_assert!(restored.is_ok(), "{restored:?}");
            prepared.pipeline.run_to_end();
            let network = prepared.pipeline.network();
            let valid = network.validate(&session.options.engine.network_limits());
            prop_assert!(valid.is_ok(), "{valid:?}");
        }
    }

    #[test]
    fn deeply_nested_input_is_refused_without_overflowing_the_stack(depth in 2usize..20_000) {
        let text = format!("{}{}", "(".repeat(depth), ")".repeat(depth));
        prop_assert!(SessionFile::parse(&text, Path::new("s.ron")).is_err());
        prop_assert!(Settings::parse(&text, Path::new("settings.ron")).is_err());
    }

    #[test]
    fn every_accepted_parameter_keeps_the_numbers_finite(
        eta in prop_oneof![Just(1000.0), 1e-6f64..1000.0],
        m_max in prop_oneof![Just(1e6), 1e-6f64..1e6],
        k in 1e-6f64..1e6,
        a0 in -1e6f64..1e6,
        tau in prop_oneof![Just(1e6), 1e-6f64..1e6],
        decay in 0.0f64..0.999,
        windowed in any::<bool>(),
        max_neurons in 2usize..300,
        window in 1usize..40,
    ) {
        let mut opts = AnalysisOptions::reference(if windowed { EngineKind::Windowed } else { EngineKind::Temporal });
        let c = &mut opts.engine.common;
        c.eta = eta;
        c.mass.m_max = m_max;
        c.mass.k = k;
        c.mass.a0 = a0;
        c.max_neurons = max_neurons;
        match &mut opts.engine.specific {
            huey::model::params::Specific::Temporal(t) => {
                t.tau = tau;
                t.connection_decay = decay.min(0.5);
            }
            huey::model::params::Specific::Windowed(w) => {
                w.connection_decay = decay;
                w.window = window;
            }
        }
        // Every value drawn is within the documented bounds, so it must be accepted.
        prop_assert!(opts.validate().is_ok(), "{:?}", opts.validate());
        let a = analyze_text(huey::text::SAMPLE_CONVERSATION, &opts, &KillList::empty()).unwrap();
        for c in &a.network.connections {
            prop_assert!(c.strength.is_finite() && c.mass.is_finite(), "{c:?}");
        }
        prop_assert!(a.map.coords.iter().flatten().all(|x| x.is_finite()));
        // What a run leaves, an engine of the same options can continue (a saved session).
        let valid = a.network.validate(&opts.engine.network_limits());
        prop_assert!(valid.is_ok(), "{valid:?}");
    }
}

/// The conversation of [`session_text`].
const SESSION_TALK: &str = "Ana: the garden needs light\nBen: the beans need sun\nAna: light for the beans\n";

/// A small valid session, as text.
fn session_text() -> String {
    use std::sync::OnceLock;
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let text = SESSION_TALK;
        let opts = AnalysisOptions::default();
        let kill = KillList::empty();
        let a = analyze_text(text, &opts, &kill).unwrap();
        huey::run::session::record(huey::run::session::RunState {
            file: None,
            text,
            options: &opts,
            kill_source: &huey::text::kill_words::KillSource::None,
            kill: &kill,
            done: a.detection.exchanges.len(),
            stats: a.stats,
            network: &a.network,
        })
        .to_ron()
        .unwrap()
    })
    .clone()
}

/// The shallow end of the nesting property, every depth: `()` alone is a settings file with
/// every value at its default (found by `scripts/fuzz.sh`); nothing deeper is anything.
#[test]
fn shallow_nesting_is_refused_except_the_empty_settings() {
    for depth in 1..=64 {
        let text = format!("{}{}", "(".repeat(depth), ")".repeat(depth));
        assert!(SessionFile::parse(&text, Path::new("s.ron")).is_err(), "depth {depth}");
        let settings = Settings::parse(&text, Path::new("settings.ron"));
        assert_eq!(settings.is_ok(), depth == 1, "depth {depth}: {settings:?}");
    }
    assert_eq!(Settings::parse("()", Path::new("settings.ron")).unwrap(), Settings::default());
}
