//! The transcript detector on one fixture per format (our own texts): the exact speakers,
//! their turns, and what was left out.

use crate::model::options::{DetectOptions, LabelPattern, SpeakerEdits};
use crate::text::speakers::{Detection, DetectionWarning, Strategy, detect};

use super::LeftOut;

fn run(text: &str) -> Detection {
    detect(text, &DetectOptions::default(), &SpeakerEdits::default())
}

fn with(text: &str, edits: SpeakerEdits) -> Detection {
    detect(text, &DetectOptions::default(), &edits)
}

/// (speaker, turns) in order of first appearance.
fn speakers(d: &Detection) -> Vec<(&str, usize)> {
    d.speakers.iter().map(String::as_str).zip(d.turns.iter().copied()).collect()
}

fn left_out(d: &Detection, kind: LeftOut) -> usize {
    d.warnings
        .iter()
        .find_map(|w| match w {
            DetectionWarning::LeftOut { what, lines } if *what == kind => Some(*lines),
            _ => None,
        })
        .unwrap_or(0)
}

fn texts(d: &Detection) -> Vec<&str> {
    d.exchanges.iter().map(|e| e.text.as_str()).collect()
}

#[test]
fn one_letter_labels_q_and_a() {
    let d = run("Q: Where did you grow up?\nA: In a small town near the coast.\nQ: And school?\n\
                 A: The local one, then the city.\nIt was far away.\n");
    assert_eq!(d.strategy, Strategy::SpeakerLabels);
    assert_eq!(speakers(&d), [("Q", 2), ("A", 2)]);
    assert_eq!(texts(&d)[3], "The local one, then the city. It was far away.");
    assert!((d.confidence - 1.0).abs() < 1e-12, "{}", d.confidence);
}

#[test]
fn german_interview_labels_with_timestamps_after_them() {
    let d = run("I: [00:00:06] Erzählen Sie mir bitte von Ihrer Arbeit.\n\
                 B: [00:00:12] Ich arbeite seit zehn Jahren in der Pflege.\n\
                 I: [00:01:02] Wie hat sich das verändert?\n\
                 B: [00:01:09] Sehr. Früher hatten wir mehr Zeit.\n\
                 R: [00:02:00] Entschuldigung, darf ich kurz stören?\n");
    assert_eq!(speakers(&d), [("I", 2), ("B", 2), ("R", 1)]);
    assert_eq!(texts(&d)[0], "Erzählen Sie mir bitte von Ihrer Arbeit.");
}

#[test]
fn timestamps_before_the_label_and_numbered_participants() {
    let d = run("[00:01:46] P1: I think it works.\n00:01:50 P2: Not for me.\n[00:02:03] P1: Why not?\n\
                 00:02:10 P2: Too slow.\n");
    assert_eq!(speakers(&d), [("P1", 2), ("P2", 2)]);
    assert_eq!(texts(&d)[1], "Not for me.");
}

#[test]
fn multi_word_numbered_and_titled_labels() {
    let d = run("Speaker 0: Welcome to the show.\nSpeaker 1: Thanks for having me.\n\
                 Tim Smith: I have a question.\nSenador Black: Adelante.\nDr. Ana Ruiz: Me too.\n\
                 Speaker 0: Go ahead, Tim.\nTim Smith: Why now?\nSenador Black: Porque sí.\n\
                 Dr. Ana Ruiz: Because it is time.\n");
    assert_eq!(
        speakers(&d),
        [("Speaker 0", 2), ("Speaker 1", 1), ("Tim Smith", 2), ("Senador Black", 2), ("Dr. Ana Ruiz", 2)]
    );
}

#[test]
fn markdown_bold_labels_both_ways() {
    let d = run("**Tim Smith:** Hello there.\n\n**Ana Ruiz**: Hi, Tim.\n\n**Tim Smith:** How are you?\n");
    assert_eq!(speakers(&d), [("Tim Smith", 2), ("Ana Ruiz", 1)]);
    assert_eq!(texts(&d), ["Hello there.", "Hi, Tim.", "How are you?"]);
}

#[test]
fn name_alone_before_its_wrapped_turn() {
    // The oral-history layout: the name on its own line, the turn hard-wrapped below it, page
    // numbers in between.
    let d = run("Weiner:\nThis is a tape-recorded interview.\nLet's start.\nFeynman:\nYou start by\n\
                 4\ninterrupting me.\nWeiner:\nThat's right.\n");
    assert_eq!(speakers(&d), [("Weiner", 2), ("Feynman", 1)]);
    assert_eq!(texts(&d)[1], "You start by interrupting me.");
    assert_eq!(left_out(&d, LeftOut::PageNumber), 1);
}

#[test]
fn irc_log_with_system_lines_and_a_bot() {
    let d = run("2019-10-08T09:41:39  <alice> morning all\n\
                 2019-10-08T09:41:50  *** bob has joined #huey\n\
                 2019-10-08T09:42:01  <@bob> hi alice\n\
                 2019-10-08T09:42:05  * alice waves\n\
                 2019-10-08T09:42:30  <buildbot> build 42 passed\n\
                 2019-10-08T09:43:00  <alice> nice\n\
                 2019-10-08T09:43:10  -!- carol has quit [Ping timeout]\n");
    assert_eq!(d.strategy, Strategy::ChatLog);
    assert_eq!(speakers(&d), [("alice", 2), ("bob", 1), ("buildbot", 1)]);
    assert_eq!(left_out(&d, LeftOut::SystemLine), 3);
    assert!(d.warnings.contains(&DetectionWarning::Bots { names: vec!["buildbot".to_owned()] }));
}

#[test]
fn chat_with_bracketed_times_in_both_layouts() {
    let angle = run("[10:32] <ana> shall we start?\n[10:33] <ben> yes\n[10:34] <ana> ok\n");
    assert_eq!(speakers(&angle), [("ana", 2), ("ben", 1)]);
    let colon = run("[10:32] ana: shall we start?\n[10:33] ben: yes\n[10:34] ana: ok\n");
    assert_eq!(speakers(&colon), [("ana", 2), ("ben", 1)]);
    assert_eq!(texts(&colon), ["shall we start?", "yes", "ok"]);
}

#[test]
fn play_with_stage_directions() {
    let d = run("ACT I\n\nCovent Garden at 11.15 p.m. Torrents of heavy summer rain.\n\n\
                 THE MOTHER [on her daughter's right] I'm getting chilled to the bone.\n\n\
                 HIGGINS. [shocked] Ridiculous! What\ndo you mean?\n\n\
                 LIZA. Ah-ah-ah-ow-ow-oo!\n\nThe church clock strikes.\n\n\
                 HIGGINS. Nonsense.\n\nLIZA. I'm a good girl, I am.\n\nTHE MOTHER. Come along.\n");
    assert_eq!(d.strategy, Strategy::PlayScript);
    assert_eq!(speakers(&d), [("THE MOTHER", 2), ("HIGGINS", 2), ("LIZA", 2)]);
    assert_eq!(texts(&d)[1], "Ridiculous! What do you mean?");
    assert_eq!(texts(&d)[0], "I'm getting chilled to the bone.");
    // The setting and "The church clock strikes." are stage directions; ACT I a heading key.
    assert_eq!(left_out(&d, LeftOut::StageDirection), 1);
    assert!(texts(&d).iter().all(|t| !t.contains("clock") && !t.contains("Torrents")));
}

#[test]
fn screenplay_cues_with_parentheticals() {
    let d = run("          INT. MAIN BRIDGE\n\n\tAll regulars on duty.\n\n\t\t\t\t\tDATA\n\t\t\t\t(quietly)\n\
                 \t\t\tCaptain, what we just heard\n\t\t\tis impossible.\n\n\t\t\t\t\tPICARD\n\t\t\tReport.\n\n\
                 \tRiker comes to his feet.\n\n\t\t\t\t\tDATA (V.O.)\n\t\t\tA hatch was blown.\n\n\
                 \t\t\t\t\tPICARD\n\t\t\tMake it so.\n\n          CUT TO:\n");
    assert_eq!(d.strategy, Strategy::Screenplay);
    assert_eq!(speakers(&d), [("DATA", 2), ("PICARD", 2)]);
    assert_eq!(texts(&d)[0], "Captain, what we just heard is impossible.");
    assert!(texts(&d).iter().all(|t| !t.contains("Riker") && !t.contains("quietly")));
}

#[test]
fn yaml_front_matter_headings_and_links_are_left_out() {
    let d = run("---\ntitle: Team meeting\ncomment: weekly sync\naliases: [sync]\nTitle: Sync\n---\n\
                 # Agenda\n\nhttps://example.org/notes\n\nAna: Let's begin.\nBen: Sure.\n\n## Budget\n\n\
                 Ana: The numbers are in.\nBen: Good.\n");
    assert_eq!(speakers(&d), [("Ana", 2), ("Ben", 2)]);
    assert_eq!(left_out(&d, LeftOut::FrontMatter), 6);
    assert_eq!(left_out(&d, LeftOut::Heading), 2);
    assert_eq!(left_out(&d, LeftOut::Link), 1);
}

#[test]
fn gutenberg_boilerplate_and_contents_are_left_out() {
    let d = run("The Project Gutenberg eBook of A Play\nRelease Date: June 1, 2003\nLanguage: English\n\
                 *** START OF THE PROJECT GUTENBERG EBOOK A PLAY ***\n\nCONTENTS\n\nAct One ........ 3\n\
                 Act Two ........ 9\n\nANNA. Where were you?\n\nBORIS. Out.\n\nANNA. All night?\n\nBORIS. Yes.\n\n\
                 *** END OF THE PROJECT GUTENBERG EBOOK A PLAY ***\nSection 1. General Terms of Use\n\
                 BORIS. This is licence text.\n");
    assert_eq!(speakers(&d), [("ANNA", 2), ("BORIS", 2)]);
    assert_eq!(left_out(&d, LeftOut::Boilerplate), 4 + 4);
    assert_eq!(left_out(&d, LeftOut::Contents), 3);
    assert!(texts(&d).iter().all(|t| !t.contains("licence")));
}

#[test]
fn document_keys_and_their_lines_never_become_speakers() {
    // An oral-history header, then the interview; the keys recur in a second session.
    let session = "Richard Roe - Session I\nInterviewed by: Jane Doe\nLocation: Pasadena\nDOI: https://doi.org/x\n\
                   Abstract:\nInterview covers early work.\nDoe:\nLet us begin.\nRoe:\nGladly.\n";
    let d = run(&format!("{session}{session}"));
    assert_eq!(speakers(&d), [("Doe", 2), ("Roe", 2)]);
    assert!(texts(&d).iter().all(|t| !t.contains("Interview covers") && !t.contains("Session")), "{:?}", texts(&d));
    assert!(left_out(&d, LeftOut::DocumentKey) >= 8);
}

#[test]
fn bom_and_crlf_line_endings() {
    let d = run("\u{feff}Ana: one line\r\nthat wraps.\r\nBen: two\r\nAna: three\r\n");
    assert_eq!(speakers(&d), [("Ana", 2), ("Ben", 1)]);
    assert_eq!(texts(&d)[0], "one line that wraps.");
}

#[test]
fn a_colon_in_prose_is_not_a_speaker() {
    let d = run("Ana: I re-use the old notes, see https://example.org: they help.\n\
                 Ben: The question was: what do we keep?\nNote: this was recorded later.\n\
                 Ana: Also the plan:\nfirst the draft, then the review.\nBen: Right.\n");
    assert_eq!(speakers(&d), [("Ana", 2), ("Ben", 2)]);
    assert!(texts(&d)[1].starts_with("The question was: what"));
    // `Note:` is a document key: its line is left out, not a turn.
    assert_eq!(left_out(&d, LeftOut::DocumentKey), 1);
    assert_eq!(texts(&d)[2], "Also the plan: first the draft, then the review.");
}

#[test]
fn a_label_used_once_is_read_as_text() {
    // A hard-wrapped line that starts with `Word:` in the middle of a sentence.
    let d = run(
        "Ana: I kept a list,\nProblems I Am Trying to\nSolve: the equation first.\nBen: I see.\nAna: Good.\nBen: Yes.\n",
    );
    assert_eq!(speakers(&d), [("Ana", 2), ("Ben", 2)]);
    assert_eq!(texts(&d)[0], "I kept a list, Problems I Am Trying to Solve: the equation first.");
    assert!(d.warnings.contains(&DetectionWarning::ReadAsText { labels: vec![("Solve".to_owned(), 1)] }));
}

#[test]
fn full_width_colon_labels() {
    let d = run("李明：你好，最近怎么样？\n王芳：还不错，你呢？\n李明：我也很好。\n");
    assert_eq!(speakers(&d), [("李明", 2), ("王芳", 1)]);
    assert_eq!(texts(&d)[1], "还不错，你呢？");
}

#[test]
fn prose_falls_back_to_plain_text_and_says_so() {
    let d = run("Once upon a time there was a girl.\nShe lived near a forest.\n\nOne day she went out.\n\
                 Her grandmother was ill.\n");
    assert_eq!(d.strategy, Strategy::PlainText);
    assert_eq!(d.speakers, ["text"]);
    assert!(matches!(d.warnings[0], DetectionWarning::PlainTextFallback { best: None, .. }), "{:?}", d.warnings);
    // A single accidental label is no conversation either, and the fallback names it.
    let one = run("Answer: yes.\nThen prose.\n\nMore prose here.\n\nAnd more prose.\n\nAnswer: no.\n\nEnd of it.\n\n\
                   Still prose.\n\nProse again.\n\nLast prose.\n");
    assert_eq!(one.strategy, Strategy::PlainText);
    let DetectionWarning::PlainTextFallback { best: Some((strategy, confidence)), .. } = &one.warnings[0] else {
        panic!("{:?}", one.warnings)
    };
    assert_eq!((strategy.as_str(), *confidence < 0.3), ("speaker_labels", true));
}

#[test]
fn the_user_chooses_the_pattern_and_marks_non_speakers() {
    let text = "Ana: Hello.\nBen: Hi.\nAgendaItem: the budget\nAna: Yes.\nBen: Sure.\nAgendaItem: the plan\n";
    let auto = run(text);
    assert_eq!(speakers(&auto), [("Ana", 2), ("Ben", 2), ("AgendaItem", 2)]);
    let edits = SpeakerEdits { not_speakers: vec!["AgendaItem".to_owned()], ..SpeakerEdits::default() };
    let marked = with(text, edits);
    assert_eq!(speakers(&marked), [("Ana", 2), ("Ben", 2)]);
    assert_eq!(texts(&marked)[1], "Hi. AgendaItem: the budget");
    let plain = with(text, SpeakerEdits { pattern: LabelPattern::PlainText, ..SpeakerEdits::default() });
    assert_eq!((plain.strategy, plain.speakers.as_slice()), (Strategy::PlainText, ["text".to_owned()].as_slice()));
    let chat = with(text, SpeakerEdits { pattern: LabelPattern::Chat, ..SpeakerEdits::default() });
    assert_eq!(chat.strategy, Strategy::PlainText, "no chat lines: plain text");
}

#[test]
fn prose_in_any_script_falls_back_to_its_sentences() {
    let d = run("蓝色\n\n我一生中只有三个梦让我记得。我梦见我和父亲一起去打猎！\n你呢？\n");
    assert_eq!(d.strategy, Strategy::PlainText);
    assert_eq!(texts(&d), ["蓝色", "我一生中只有三个梦让我记得。", "我梦见我和父亲一起去打猎！", "你呢？"]);
}

#[test]
fn two_speakers_with_one_turn_each() {
    let d = run("Ana: Are you coming tonight?\nBen: Yes, at eight.\n");
    assert_eq!(speakers(&d), [("Ana", 1), ("Ben", 1)]);
}
