//! Unit tests of speaker detection.

use super::*;

fn run(text: &str) -> Detection {
    detect(text, &DetectOptions::reference(), &SpeakerEdits::default())
}

#[test]
fn labeled_lines_with_first_appearance_order() {
    let d = run("Bob: hi there\nAlice: hello Bob\nBob: how are you\n");
    assert_eq!(d.strategy, Strategy::LabeledSpeakers);
    assert_eq!(d.speakers, ["Bob", "Alice"]);
    assert_eq!(d.exchanges[1], Exchange { speaker: "Alice".into(), text: "hello Bob".into() });
    assert!((d.confidence - 1.0).abs() < 1e-12);
}

#[test]
fn name_on_its_own_line_gets_the_reference_double_label() {
    // §1.2: the continuation rewrite and rewrite 2 together give `Feynman: Feynman: You …`.
    let d = run("Feynman:\nYou start by interrupting me.\nWeiner:\nThat's right.\nmore of it\n");
    assert_eq!(d.exchanges[0].text, "Feynman: You start by interrupting me.");
    assert_eq!(d.exchanges[1].speaker, "Weiner");
}

#[test]
fn bracket_label_keeps_the_colon_in_the_text() {
    let d = run("[Alex]: Hey, Bailey!\n[Bailey]: Alex! Coffee?\n");
    assert_eq!(d.speakers, ["Alex", "Bailey"]);
    assert_eq!(d.exchanges[0].text, ": Hey, Bailey!");
}

#[test]
fn titles_are_dropped_and_spaces_become_underscores() {
    // `Dr.` can never occur: the name class has no `.`, so `Dr. Jane: …` is not a label at all.
    let d = run("Dr Jane Smith: hello\nMr Bob  Jones: hi\n");
    assert_eq!(d.speakers, ["Jane_Smith", "Bob_Jones"]);
}

#[test]
fn metadata_lines_are_not_speakers() {
    let d = run(
        "Alice: hi\nNote: read this\nBob: the version is 2\nAlice: ok\nBob: fine\nAlice: good\nBob: yes\nAlice: no\nBob: maybe\nAlice: sure\n",
    );
    assert_eq!(d.strategy, Strategy::LabeledSpeakers);
    assert_eq!(d.exchanges.len(), 8);
    assert!((d.confidence - 0.8).abs() < 1e-12);
    assert!(d.exchanges.iter().all(|e| e.speaker != "Note" && !e.text.contains("version")));
}

#[test]
fn unlabeled_lines_alternate() {
    let d = run("one line here\ntwo line here\nthree line here\nfour line here\n");
    assert_eq!(d.strategy, Strategy::AlternatingSpeakers);
    assert_eq!(d.exchanges[2].speaker, "Speaker_A");
    assert_eq!(d.exchanges[3].speaker, "Speaker_B");
}

#[test]
fn numbered_lines_map_to_three_speakers() {
    // Alternating (0.6) is beaten by numbered (0.7) only when there are >= 4 lines.
    let d = run("1. first point\n2. second point\n3. third point\n4. fourth point\n");
    assert_eq!(d.strategy, Strategy::NumberedSpeakers);
    let speakers: Vec<&str> = d.exchanges.iter().map(|e| e.speaker.as_str()).collect();
    assert_eq!(speakers, ["Speaker_A", "Speaker_B", "Speaker_C", "Speaker_A"]);
}

#[test]
fn short_unlabeled_text_falls_back_to_plain_text() {
    let d = run("Just one sentence here. And a second sentence follows!\n");
    assert_eq!(d.strategy, Strategy::PlainText);
    assert_eq!(d.speakers, ["text"]);
    assert_eq!(d.exchanges[0].text, "Just one sentence here.");
    assert!(!d.warnings.is_empty());
}

#[test]
fn limits_truncate_with_warnings() {
    let long = "x".repeat(30);
    let text = format!("A: {long}\nB: short\nA: again\n");
    let d = detect(
        &text,
        &DetectOptions { exchange_limit: 2, max_exchange_chars: 10, ..DetectOptions::reference() },
        &SpeakerEdits::default(),
    );
    assert_eq!(d.exchanges.len(), 2);
    assert_eq!(d.exchanges_found, 3);
    assert_eq!(d.exchanges[0].text, format!("{}...", "x".repeat(10)));
    assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
}

#[test]
fn conversation_mode_off_gives_one_author() {
    let d = detect(
        "A: b\nC: d",
        &DetectOptions { conversation_mode: false, ..DetectOptions::reference() },
        &SpeakerEdits::default(),
    );
    assert_eq!(d.strategy, Strategy::SingleAuthor);
    assert_eq!(d.exchanges.len(), 1);
}

#[test]
fn empty_text_has_no_exchanges_and_says_so() {
    let d = run("   \n\n");
    assert!(d.exchanges.is_empty());
    assert!(d.warnings.contains(&DetectionWarning::NoExchanges));
}

#[test]
fn huge_single_line_is_linear_and_truncated() {
    let line = "word ".repeat(200_000);
    let started = std::time::Instant::now();
    let d = run(&format!("Alice: {line}\nBob: {line}"));
    assert_eq!(d.exchanges.len(), 2);
    assert!(d.exchanges[0].text.ends_with("..."));
    assert!(started.elapsed().as_secs() < 20, "detection must not hang");
}

/// The windowed replacement must equal `replace_all` exactly; random texts over an alphabet
/// rich in anchors, names, blanks and newlines.
#[test]
fn anchored_replacement_equals_replace_all() {
    let alphabet = ['a', 'B', 'X', 'x', '1', ' ', ' ', '\n', '\n', ':', '-', '[', ']', '(', ')', '\t', 'é', 'A'];
    let mut state: u64 = 42;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    for case in 0..3000 {
        let len = 1 + next(80);
        let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        for (pattern, replacement, anchor) in REWRITES.iter() {
            let want = pattern.replace_all(&text, *replacement).into_owned();
            let got = match anchor {
                None => continue,
                Some('\n') => replace_caps_lines(&text, pattern, replacement),
                Some(anchor) => replace_anchored(&text, pattern, replacement, *anchor),
            }
            .unwrap_or_else(|| text.clone());
            assert_eq!(got, want, "case {case}, pattern {pattern}, text {text:?}");
        }
    }
}

#[test]
fn colon_fast_path_equals_first_label_pattern() {
    let alphabet = ['a', 'Z', '1', '_', '-', ' ', '\t', ':', ':', '.', 'é', '\u{2003}', '>'];
    let mut state: u64 = 7;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    for _ in 0..20_000 {
        let len = 1 + next(14);
        let line: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let want = LABEL_PATTERNS[0].captures(&line).map(|c| (c[1].to_owned(), c[2].to_owned()));
        let got = match_colon_label(&line).map(|(a, b)| (a.to_owned(), b.to_owned()));
        assert_eq!(got, want, "line {line:?}");
    }
}

#[test]
fn metadata_check_equals_lowercase_search() {
    let pieces = [
        "Version",
        "VERSİON",
        "verſion",
        "NOTE:",
        "note :",
        "İnspection",
        "Kelvin",
        "ex",
        "periment",
        "é",
        " ",
        "status:",
        "Ｅrror:",
    ];
    let mut state: u64 = 11;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    for _ in 0..5000 {
        let text: String = (0..1 + next(4)).map(|_| pieces[next(pieces.len())]).collect();
        let lower = text.to_lowercase();
        let want = METADATA.iter().any(|m| lower.contains(m));
        let hits = MetadataHits::find(&text);
        assert_eq!(hits.contains(&text), want, "{text:?}");
    }
}

/// The reference's cutting loop, transcribed literally (quadratic), as the oracle.
fn split_long_sentence_literal(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let push_piece = |piece: &str, current: &mut String, parts: &mut Vec<String>| {
        if current.chars().count() + piece.chars().count() > 500 && !current.is_empty() {
            parts.push(py_strip(current).to_owned());
            current.clear();
        }
        current.push_str(piece);
        while current.chars().count() > 500 {
            let cut = current.char_indices().nth(500).map_or(current.len(), |(i, _)| i);
            let rest = current.split_off(cut);
            parts.push(py_strip(current).to_owned());
            *current = rest;
        }
    };
    let mut start = 0;
    for m in CLAUSE_BREAK.find_iter(s) {
        push_piece(&s[start..m.end()], &mut current, &mut parts);
        start = m.end();
    }
    push_piece(&s[start..], &mut current, &mut parts);
    if !py_strip(&current).is_empty() {
        parts.push(py_strip(&current).to_owned());
    }
    parts
}

#[test]
fn long_sentences_are_cut_as_the_reference_cuts_them_in_linear_time() {
    let clause = "wörds and more words, then ".repeat(40);
    let long_clause = "ä".repeat(1733) + " tail";
    for s in [clause.clone(), long_clause.clone(), format!("{clause}{long_clause}; {clause}")] {
        assert_eq!(split_long_sentence(&s), split_long_sentence_literal(&s));
    }
    // Ten million characters without a clause break: linear, so well under a second in
    // release and a few seconds in a debug build (the literal loop takes minutes).
    let huge = "x".repeat(10_000_000);
    let started = std::time::Instant::now();
    let parts = split_long_sentence(&huge);
    assert!(started.elapsed().as_secs_f64() < 10.0, "{:?}", started.elapsed());
    assert_eq!(parts.len(), 20_000);
    assert!(parts.iter().all(|p| p.len() == 500));
}
