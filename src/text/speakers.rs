//! Speaker detection: the reference's `HueySpeakerDetector` (HUEY_REFERENCE.md §1.2), rule by rule.
//!
//! The regexes are the reference's, verbatim. The `regex` crate has the same leftmost-first
//! semantics as Python's `re` for these patterns (lazy quantifiers, `\s` matching newlines inside
//! the name classes, `(?m)` anchors), so the rewrites produce the same text. One deliberate
//! difference: the reference returns speakers in `set` order (hash-seed dependent); we return
//! them in order of first appearance.

use std::sync::LazyLock;

use regex::Regex;

use super::pystr::{py_isalpha, py_strip};
use super::transcript::{self, LeftOut};
pub use crate::model::options::DetectOptions;
use crate::model::options::{Detector, LabelPattern, SpeakerEdits};

/// How the exchanges were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// `Name: text`, `[Name] text`, … one labelled line per exchange.
    LabeledSpeakers,
    /// Unlabelled lines assigned to `Speaker_A` / `Speaker_B` in turn.
    AlternatingSpeakers,
    /// Paragraphs rotated over three speakers (unreachable in the reference, kept for fidelity).
    ParagraphSpeakers,
    /// `1. text` lines mapped to `Speaker_{A,B,C}`.
    NumberedSpeakers,
    /// Detection failed or was unsure: sentences of the document, speaker `text`.
    PlainText,
    /// Conversation mode off: the whole document is one exchange by `Author`.
    SingleAuthor,
    /// Transcript detector: `Name: text` labels (bold, brackets, timestamps, a name alone
    /// before its turn).
    SpeakerLabels,
    /// Transcript detector: a chat or IRC log.
    ChatLog,
    /// Transcript detector: a play (`NAME. text`).
    PlayScript,
    /// Transcript detector: a screenplay (a name alone on a line, the speech below).
    Screenplay,
}

impl Strategy {
    /// The reference's name for the strategy.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LabeledSpeakers => "labeled_speakers",
            Self::AlternatingSpeakers => "alternating_speakers",
            Self::ParagraphSpeakers => "paragraph_speakers",
            Self::NumberedSpeakers => "numbered_speakers",
            Self::PlainText => "plain_text",
            Self::SingleAuthor => "single_author",
            Self::SpeakerLabels => "speaker_labels",
            Self::ChatLog => "chat_log",
            Self::PlayScript => "play_script",
            Self::Screenplay => "screenplay",
        }
    }

    /// The transcript detector's strategy for a label layout.
    fn of_pattern(pattern: LabelPattern) -> Self {
        match pattern {
            LabelPattern::Colon | LabelPattern::Auto => Self::SpeakerLabels,
            LabelPattern::Chat => Self::ChatLog,
            LabelPattern::Play => Self::PlayScript,
            LabelPattern::Screenplay => Self::Screenplay,
            LabelPattern::PlainText => Self::PlainText,
        }
    }
}

/// One speaker turn: who said it and what.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Exchange {
    /// Speaker id as detected (`Joseph`, `Speaker_A`, `text`, …).
    pub speaker: String,
    /// The turn's text (after the reference's truncation to `max_exchange_chars`).
    pub text: String,
}

/// Something about a detection the user should know.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum DetectionWarning {
    /// No strategy reached the confidence threshold: the text is analysed as plain text.
    #[error(
        "no speaker pattern found with confidence >= {min_confidence}{}: analysing as plain text (tip: label turns as `Name: text`, or choose the label pattern)",
        best.as_ref().map_or_else(String::new, |(s, c)| format!(" (best: {s}, confidence {c:.2})"))
    )]
    PlainTextFallback {
        /// The threshold.
        min_confidence: f64,
        /// The most confident strategy tried, with its confidence.
        #[serde(default)]
        best: Option<(String, f64)>,
    },
    /// Lines that are not the conversation were left out.
    #[error("{lines} line(s) left out: {}", what.describe())]
    LeftOut {
        /// Why.
        what: LeftOut,
        /// How many lines.
        lines: usize,
    },
    /// Labels that were not taken as speakers.
    #[error("read as text, not as speakers (used once, or marked as not a speaker): {}", shown_labels(labels))]
    ReadAsText {
        /// Label and its uses.
        labels: Vec<(String, usize)>,
    },
    /// Speakers that look like chat bots.
    #[error("these speakers look like bots (untick them to leave them out): {}", names.join(", "))]
    Bots {
        /// Their names.
        names: Vec<String>,
    },
    /// More exchanges than the limit.
    #[error("{found} exchanges found; only the first {kept} are analysed (exchange limit)")]
    ExchangeLimit {
        /// Exchanges found.
        found: usize,
        /// Exchanges kept.
        kept: usize,
    },
    /// Long exchanges were cut.
    #[error("{count} exchange(s) longer than {max_chars} characters were truncated")]
    Truncated {
        /// How many.
        count: usize,
        /// The limit.
        max_chars: usize,
    },
    /// Nothing to analyse.
    #[error("no exchanges found: the text is empty or has no usable sentences")]
    NoExchanges,
}

/// Up to ten labels with their uses, for a warning.
fn shown_labels(labels: &[(String, usize)]) -> String {
    let mut shown: Vec<String> = labels.iter().take(10).map(|(l, n)| format!("{l} ×{n}")).collect();
    if labels.len() > 10 {
        shown.push(format!("and {} more", labels.len() - 10));
    }
    shown.join(", ")
}

/// The result of detection: strategy, confidence, speakers and exchanges, plus warnings.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Detection {
    /// The winning strategy.
    pub strategy: Strategy,
    /// The strategy's confidence in 0..=1.
    pub confidence: f64,
    /// Distinct speakers in order of first appearance.
    pub speakers: Vec<String>,
    /// Per speaker (`speakers` order), their turns among the exchanges analysed.
    #[serde(default)]
    pub turns: Vec<usize>,
    /// The detector that ran.
    #[serde(default)]
    pub detector: Detector,
    /// The exchanges, after the exchange limit and truncation.
    pub exchanges: Vec<Exchange>,
    /// Exchanges found before the limit was applied.
    pub exchanges_found: usize,
    /// Things the user should know (limits hit, fallback used).
    pub warnings: Vec<DetectionWarning>,
}

const NAME: &str = r"[A-Za-z][A-Za-z0-9_\s\-]*?";

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this file; a failure is a programming error caught by tests.
    #[expect(clippy::expect_used, reason = "constant patterns, covered by unit tests")]
    Regex::new(pattern).expect("valid constant regex")
}

/// The reference's rewrites, in order: (pattern, replacement, anchor). An anchor is a literal
/// that every match contains and that the pattern's name class cannot contain; see
/// [`replace_anchored`]. Rewrites 1 and 6 are line-anchored and fast as they are.
static REWRITES: LazyLock<Vec<(Regex, &'static str, Option<char>)>> = LazyLock::new(|| {
    vec![
        (re(&format!(r"(?m)^Speaker:\s*({NAME})\s*\n+\s*([^\n]+)")), "${1}: ${2}", None),
        (re(r"(?m)([A-Za-z][A-Za-z0-9_\s]{1,20}?):\s*\n+\s*([^\n]+)"), "${1}: ${2}", Some(':')),
        (re(r"(?m)([A-Za-z][A-Za-z0-9_\s]{1,20}?)\s*-\s*\n+\s*([^\n]+)"), "${1} - ${2}", Some('-')),
        (re(r"(?m)\[([A-Za-z][A-Za-z0-9_\s]{1,20}?)\]\s*\n+\s*([^\n]+)"), "[${1}] ${2}", Some(']')),
        (re(r"(?m)\(([A-Za-z][A-Za-z0-9_\s]{1,20}?)\)\s*\n+\s*([^\n]+)"), "(${1}) ${2}", Some(')')),
        (re(r"(?m)^([A-Z][A-Z\s]{1,20}?)\s*\n+\s*([a-zA-Z][^\n]+)"), "${1}: ${2}", Some('\n')),
        (re(r"(?m)([A-Za-z][A-Za-z0-9_\s]{1,20}?):\s*\n{2,}\s*([^\n]+)"), "${1}: ${2}", Some(':')),
    ]
});

/// `pattern.replace_all(text, replacement)` for patterns of the form
/// `NAME <anchor> \s*\n+\s* ([^\n]+)` where NAME cannot contain `anchor`; same result, but the
/// regex only runs on small windows.
///
/// Why it is exact: a match's anchor is the first `anchor` after its start (NAME and the
/// whitespace before the anchor cannot contain it), so the match starts after the previous
/// occurrence of `anchor`. After the anchor the pattern needs whitespace with a newline, and its
/// preferred (leftmost-first) path ends at the end of the line holding the first
/// non-whitespace character (or at the end of the text when there is none). The regex is therefore run on `[max(last_end, prev_anchor+1),
/// end_of_that_line)` for each anchor that has a newline in the whitespace after it, and a match
/// is taken only if it starts before the anchor. The full-text lazy DFA for these patterns is
/// 100× slower on large files (measured: 210–315 ms on a 1.3 MB transcript).
fn replace_anchored(text: &str, pattern: &Regex, replacement: &str, anchor: char) -> Option<String> {
    let colon_name = std::ptr::eq(pattern, &REWRITES[1].0);
    let mut out = String::new();
    let mut copied = 0; // text[..copied] is already in `out`
    let mut last_end = 0;
    let mut prev_anchor_end = 0;
    let mut changed = false;
    debug_assert!(anchor.is_ascii(), "ASCII anchors never occur inside a multi-byte character");
    for pos in memchr::memchr_iter(anchor as u8, text.as_bytes()) {
        let prev_end = prev_anchor_end;
        prev_anchor_end = pos + anchor.len_utf8();
        if pos < last_end {
            continue;
        }
        let after = &text[prev_anchor_end..];
        // Without a non-blank character the text group can still match trailing blanks.
        let ws_len = after.find(|c: char| !c.is_whitespace()).unwrap_or(after.len());
        if !after[..ws_len].contains('\n') {
            continue;
        }
        let window_start = last_end.max(prev_end).max(earliest_match_start(text, pos));
        let line_start = prev_anchor_end + ws_len;
        let window_end = memchr::memchr(b'\n', &text.as_bytes()[line_start..]).map_or(text.len(), |k| line_start + k);
        let window = &text[window_start..window_end];
        if colon_name && line_start < text.len() {
            // Rewrite 2 without the backtracker: see `colon_name_start`.
            let Some(start) = colon_name_start(text, window_start, pos) else { continue };
            out.push_str(&text[copied..start]);
            out.push_str(&text[start..pos]);
            out.push_str(": ");
            out.push_str(&text[line_start..window_end]);
            copied = window_end;
            last_end = copied;
            changed = true;
            continue;
        }
        let Some(caps) = pattern.captures(window) else { continue };
        let m = caps.get(0).map_or(0..0, |m| m.range());
        if window_start + m.start >= pos {
            continue;
        }
        out.push_str(&text[copied..window_start + m.start]);
        caps.expand(replacement, &mut out);
        copied = window_start + m.end;
        last_end = copied;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// The earliest byte at which a match of an anchored rewrite can start, for an anchor at `pos`.
///
/// Before the anchor the patterns allow at most `[`/`(` plus a 21-character name, and (rewrite 3
/// only) a run of whitespace; so a match starts no earlier than 22 characters before the blank
/// run that ends at the anchor. None of these patterns has look-behind, so a search that starts
/// there finds the same matches as a full scan.
fn earliest_match_start(text: &str, pos: usize) -> usize {
    let before = &text[..pos];
    let blank_run = before.len() - before.trim_end_matches(char::is_whitespace).len();
    let head = &before[..pos - blank_run];
    head.char_indices().rev().nth(21).map_or(0, |(i, _)| i)
}

/// Start of the name group of rewrite 2 (`([A-Za-z][A-Za-z0-9_\s]{1,20}?):`) whose colon is at
/// `colon`, or `None`. The class excludes `:`, so the lazy name must end at the colon; it is the
/// leftmost start in `[window_start, colon)` that is an ASCII letter, leaves 2..=21 characters up
/// to the colon, and has only class characters in between. (The part after the colon is fixed
/// by the caller: whitespace with a newline, then the rest of the first non-blank line.)
fn colon_name_start(text: &str, window_start: usize, colon: usize) -> Option<usize> {
    let in_class = |c: char| c.is_ascii_alphanumeric() || c == '_' || c.is_whitespace();
    let mut best = None;
    for (n_chars, (offset, c)) in text[window_start..colon].char_indices().rev().enumerate() {
        if n_chars >= 21 || !in_class(c) {
            break;
        }
        if n_chars >= 1 && c.is_ascii_alphabetic() {
            best = Some(window_start + offset);
        }
    }
    best
}

/// Rewrite 6 (`^CAPS-NAME\s*\n+\s*TEXT`), same result as `replace_all`, trying the pattern only
/// at starts of lines made of `[A-Z]` and whitespace (anchored at the line start).
///
/// Why it is exact: the name class and the `\s*` after it contain only `[A-Z]` and whitespace,
/// and they cover everything from the line start to the first newline, so every match starts
/// at such a line. Matches are tried at those starts in order, skipping starts inside the
/// previous match, which is the leftmost-first order of a full scan.
fn replace_caps_lines(text: &str, pattern: &Regex, replacement: &str) -> Option<String> {
    static ANCHORED: LazyLock<Regex> = LazyLock::new(|| re(r"\A([A-Z][A-Z\s]{1,20}?)\s*\n+\s*([a-zA-Z][^\n]+)"));
    debug_assert!(pattern.as_str().ends_with(&ANCHORED.as_str()[2..]));
    let mut out = String::new();
    let mut copied = 0;
    let mut changed = false;
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[line_start..]).map_or(text.len(), |k| line_start + k);
        let line = &text[line_start..line_end];
        let candidate = line_start >= copied
            && line.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
            && line.chars().all(|c| c.is_ascii_uppercase() || c.is_whitespace());
        if candidate && let Some(caps) = ANCHORED.captures(&text[line_start..]) {
            let m = caps.get(0).map_or(0..0, |m| m.range());
            out.push_str(&text[copied..line_start]);
            caps.expand(replacement, &mut out);
            copied = line_start + m.end;
            changed = true;
        }
        line_start = line_end + 1;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

static LABEL_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        format!(r"^({NAME}):\s*(.+)$"),
        format!(r"^({NAME})\s*-\s*(.+)$"),
        format!(r"^\[({NAME})\]\s*(.+)$"),
        format!(r"^\(({NAME})\)\s*(.+)$"),
        format!(r"^({NAME})>\s*(.+)$"),
        format!(r"^>\s*({NAME}):\s*(.+)$"),
        format!(r"^\d{{1,2}}:\d{{2}}\s+({NAME}):\s*(.+)$"),
    ]
    .iter()
    .map(|p| re(p))
    .collect()
});

static NUMBERED: LazyLock<Regex> = LazyLock::new(|| re(r"^([0-9]+)\.\s*(.+)$"));
static TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(Mr|Ms|Mrs|Dr|Professor|Prof)\.?\s*"));
static SPACES: LazyLock<Regex> = LazyLock::new(|| re(r"\s+"));

const METADATA: [&str; 14] = [
    "these lines do not exist",
    "version",
    "buffer",
    "official",
    "experiment",
    "inspection",
    "proceed",
    "instruction",
    "note:",
    "warning:",
    "error:",
    "debug:",
    "status:",
    "result:",
];
const RESERVED_NAMES: [&str; 7] = ["key", "note", "warning", "error", "debug", "status", "result"];

/// Detect speakers and exchanges in a document's text with the detector `opts` name; the
/// user's `edits` choose the transcript detector's label pattern and its non-speakers.
pub fn detect(content: &str, opts: &DetectOptions, edits: &SpeakerEdits) -> Detection {
    let mut warnings = Vec::new();
    let limit = opts.exchange_limit;
    let found = if !opts.conversation_mode {
        let all = vec![Exchange { speaker: "Author".to_owned(), text: content.to_owned() }];
        Found::from_all(Strategy::SingleAuthor, 1.0, all, limit)
    } else if opts.detector == Detector::Transcript {
        detect_transcript(content, opts, edits, &mut warnings)
    } else {
        detect_conversation(content, limit).filter(|f| f.confidence >= opts.min_confidence).unwrap_or_else(|| {
            warnings.push(DetectionWarning::PlainTextFallback { min_confidence: opts.min_confidence, best: None });
            plain_text(content, limit, false)
        })
    };
    let Found { strategy, confidence, mut exchanges, found: exchanges_found, speakers } = found;
    let mut turns = vec![0; speakers.len()];
    let index: rustc_hash::FxHashMap<&str, usize> = speakers.iter().enumerate().map(|(k, s)| (s.as_str(), k)).collect();
    for e in &exchanges {
        if let Some(&k) = index.get(e.speaker.as_str()) {
            turns[k] += 1;
        }
    }
    if exchanges_found > exchanges.len() {
        warnings.push(DetectionWarning::ExchangeLimit { found: exchanges_found, kept: exchanges.len() });
    }
    let mut truncated = 0;
    for ex in &mut exchanges {
        // Byte length bounds the character count, so short texts skip the scan.
        if ex.text.len() <= opts.max_exchange_chars {
            continue;
        }
        if let Some((cut, _)) = ex.text.char_indices().nth(opts.max_exchange_chars) {
            ex.text.truncate(cut);
            ex.text.push_str("...");
            truncated += 1;
        }
    }
    if truncated > 0 {
        warnings.push(DetectionWarning::Truncated { count: truncated, max_chars: opts.max_exchange_chars });
    }
    if exchanges.is_empty() {
        warnings.push(DetectionWarning::NoExchanges);
    }
    Detection { strategy, confidence, speakers, turns, detector: opts.detector, exchanges, exchanges_found, warnings }
}

/// Plain-text mode over `content`: its sentences, speaker `text`. `any_script` (the
/// transcript detector's) also ends sentences at `。！？` and keeps sentences of any script;
/// without it this is the original's mode, which keeps only sentences with an ASCII letter.
fn plain_text(content: &str, limit: usize, any_script: bool) -> Found {
    let (segments, found) =
        if any_script { sentences_of_any_script(content, limit) } else { plain_text_segments(content, limit) };
    let exchanges: Vec<Exchange> =
        segments.into_iter().map(|text| Exchange { speaker: "text".to_owned(), text }).collect();
    let speakers = if found > 0 { vec!["text".to_owned()] } else { Vec::new() };
    Found { strategy: Strategy::PlainText, confidence: 1.0, exchanges, found, speakers }
}

/// The transcript detector (`text::transcript`), or plain text without the lines it left
/// out when it finds no layout with the confidence asked for (a pattern the user chose is
/// taken at any confidence). What it left out and did not take as speakers is reported.
fn detect_transcript(
    content: &str,
    opts: &DetectOptions,
    edits: &SpeakerEdits,
    warnings: &mut Vec<DetectionWarning>,
) -> Found {
    let cleaned = transcript::Cleaned::new(content);
    let best = transcript::detect(&cleaned, edits.pattern, &edits.not_speakers, opts.exchange_limit);
    let chosen = edits.pattern != LabelPattern::Auto;
    let (found, left_out) = match best {
        Some(t) if chosen || t.confidence >= opts.min_confidence => {
            if !t.read_as_text.is_empty() {
                warnings.push(DetectionWarning::ReadAsText { labels: t.read_as_text });
            }
            if !t.bots.is_empty() {
                warnings.push(DetectionWarning::Bots { names: t.bots });
            }
            let n = t.n_turns;
            let speakers = t.speakers;
            let exchanges = t
                .turns
                .into_iter()
                .take(opts.exchange_limit)
                .map(|turn| Exchange { speaker: speakers[turn.speaker].clone(), text: turn.text() })
                // A direction in brackets across lines leaves nothing: no exchange.
                .filter(|e| !e.text.is_empty())
                .collect();
            let strategy = Strategy::of_pattern(t.pattern);
            (Found { strategy, confidence: t.confidence, exchanges, found: n, speakers }, t.left_out)
        }
        best => {
            if edits.pattern != LabelPattern::PlainText {
                let best = best.map(|t| (Strategy::of_pattern(t.pattern).as_str().to_owned(), t.confidence));
                warnings.push(DetectionWarning::PlainTextFallback { min_confidence: opts.min_confidence, best });
            }
            let (text, left_out) = cleaned.plain_text();
            (plain_text(&text, opts.exchange_limit, true), left_out)
        }
    };
    for (what, lines) in left_out {
        warnings.push(DetectionWarning::LeftOut { what, lines });
    }
    found
}

struct Found {
    strategy: Strategy,
    confidence: f64,
    /// At most `exchange_limit` exchanges.
    exchanges: Vec<Exchange>,
    /// Exchanges found in total.
    found: usize,
    /// Speakers over all exchanges found, in order of first appearance.
    speakers: Vec<String>,
}

impl Found {
    /// A result whose exchanges are all materialised; cut to `limit`.
    fn from_all(strategy: Strategy, confidence: f64, mut exchanges: Vec<Exchange>, limit: usize) -> Self {
        let speakers = first_appearance(&exchanges);
        let found = exchanges.len();
        exchanges.truncate(limit);
        Self { strategy, confidence, exchanges, found, speakers }
    }
}

fn first_appearance(exchanges: &[Exchange]) -> Vec<String> {
    let mut seen = rustc_hash::FxHashSet::default();
    exchanges.iter().filter(|e| seen.insert(e.speaker.as_str())).map(|e| e.speaker.clone()).collect()
}

/// The reference's text rewrites, then its four strategies; the best strictly-greater confidence wins.
fn detect_conversation(content: &str, limit: usize) -> Option<Found> {
    let mut text = add_speaker_to_continuation_lines(content);
    for (pattern, replacement, anchor) in REWRITES.iter() {
        let rewritten = match anchor {
            Some('\n') => replace_caps_lines(&text, pattern, replacement),
            Some(anchor) => replace_anchored(&text, pattern, replacement, *anchor),
            None => match pattern.replace_all(&text, *replacement) {
                std::borrow::Cow::Owned(s) => Some(s),
                std::borrow::Cow::Borrowed(_) => None,
            },
        };
        if let Some(s) = rewritten {
            text = s;
        }
    }
    let lines: Vec<&str> = split_lines(&text).map(py_strip).filter(|l| !l.is_empty()).collect();
    // Each strategy's confidence is known before its exchanges are built (labeled needs the
    // full pass anyway), so a strategy that cannot beat the best so far is not materialised.
    let mut best: Option<Found> = labeled(&text, &lines, limit);
    let best_conf = |b: &Option<Found>| b.as_ref().map_or(0.0, |f| f.confidence);
    if 0.6 > best_conf(&best) {
        best = alternating(&lines, limit).or(best);
    }
    if 0.5 > best_conf(&best) {
        best = paragraph(&lines, limit).or(best);
    }
    if 0.7 > best_conf(&best) {
        best = numbered(&lines, limit).or(best);
    }
    best
}

/// §1.2 step 2: a line `Name: …` sets the current speaker; later non-blank lines get `Name: ` prefixed.
fn add_speaker_to_continuation_lines(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + content.len() / 8);
    let mut current: Option<&str> = None;
    for (k, line) in split_lines(content).enumerate() {
        if k > 0 {
            out.push('\n');
        }
        if let Some(colon) = memchr::memchr(b':', line.as_bytes()) {
            let candidate = py_strip(&line[..colon]);
            if py_isalpha(candidate) && candidate.chars().count() > 1 {
                current = Some(candidate);
                out.push_str(line);
                continue;
            }
        }
        match current {
            Some(speaker) if !py_strip(line).is_empty() => {
                out.push_str(speaker);
                out.push_str(": ");
                out.push_str(py_strip(line));
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// `text.split('\n')` with a vectorised newline search.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())).map(move |end| {
        let line = &text[start..end];
        start = end + 1;
        line
    })
}

fn clean_speaker_name(name: &str) -> std::borrow::Cow<'_, str> {
    // Fast path (most names): no title prefix possible and no whitespace to collapse.
    let maybe_title = name.get(..2).is_some_and(|p| ["mr", "ms", "dr", "pr"].iter().any(|t| p.eq_ignore_ascii_case(t)));
    if !maybe_title && !name.contains(char::is_whitespace) {
        return std::borrow::Cow::Borrowed(name);
    }
    let name = TITLE.replace(name, "");
    std::borrow::Cow::Owned(SPACES.replace_all(py_strip(&name), " ").replace(' ', "_"))
}

/// The 14 metadata needles as one literal-set regex, run over an ASCII-lower-cased copy.
///
/// Equivalent to the reference's "search in `text.lower()`": the needles are ASCII, and the
/// only non-ASCII characters whose lower case contains ASCII letters are `İ` (→ `i` + U+0307,
/// and no needle ends in `i`) and the Kelvin sign (→ `k`, in no needle), so no match can involve
/// a non-ASCII character, and ASCII lower-casing finds exactly the same needles. Tested against
/// the lower-casing definition.
static METADATA_RE: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    let alternation = METADATA.iter().map(|m| regex::escape(m)).collect::<Vec<_>>().join("|");
    #[expect(clippy::expect_used, reason = "constant pattern, covered by unit tests")]
    regex::bytes::Regex::new(&alternation).expect("valid constant regex")
});

/// Where the metadata needles occur in the text that the lines borrow from, found in one pass.
///
/// A line's text part has a needle iff a match *starts* inside it: no needle contains a newline,
/// a match starting in the name part ends at or before the `:` (only the `…:` needles contain
/// one, at their end), and past the stripped text there is only whitespace up to the newline.
struct MetadataHits {
    base: usize,
    starts: Vec<usize>,
}

impl MetadataHits {
    fn find(text: &str) -> Self {
        let lower = text.as_bytes().to_ascii_lowercase();
        let starts = METADATA_RE.find_iter(&lower).map(|m| m.start()).collect();
        Self { base: text.as_ptr() as usize, starts }
    }

    /// Whether `part` (a sub-slice of the scanned text) contains a needle.
    fn contains(&self, part: &str) -> bool {
        let start = part.as_ptr() as usize - self.base;
        let k = self.starts.partition_point(|&s| s < start);
        self.starts.get(k).is_some_and(|&s| s < start + part.len())
    }
}

fn is_valid_speaker(name: &str, text: &str, hits: &MetadataHits) -> bool {
    !hits.contains(text) && !RESERVED_NAMES.iter().any(|r| name.eq_ignore_ascii_case(r))
}

/// Exact fast path for the first label pattern `^(NAME):\s*(.+)$`, which almost every line of
/// a labelled transcript matches. NAME's class excludes `:`, so NAME is everything before the
/// first `:`; `\s*` is greedy but must leave one character for `.+`.
fn match_colon_label(line: &str) -> Option<(&str, &str)> {
    debug_assert!(!line.contains('\n'), "lines are split on newlines");
    let colon = memchr::memchr(b':', line.as_bytes())?;
    let (name, rest) = (&line[..colon], &line[colon + 1..]);
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c.is_whitespace())
        || rest.is_empty()
    {
        return None;
    }
    let text = rest.trim_start_matches(char::is_whitespace);
    let text = if text.is_empty() { &rest[rest.char_indices().last().map_or(0, |(i, _)| i)..] } else { text };
    Some((name, text))
}

/// One line's label, if it has an accepted one: (speaker, text).
fn classify_line<'a>(line: &'a str, hits: &MetadataHits) -> Option<(std::borrow::Cow<'a, str>, &'a str)> {
    if let Some((name, text)) = match_colon_label(line)
        && let Some(label) = accept_label(name, text, hits)
    {
        return Some(label);
    }
    // The fast path covered pattern 1 (a rejected match falls through, as in the reference).
    for pattern in &LABEL_PATTERNS[1..] {
        if !pattern.is_match(line) {
            continue; // the DFA answers this; captures only for lines that match
        }
        let caps = pattern.captures(line)?;
        let (name, text) = (caps.get(1)?.as_str(), caps.get(2)?.as_str());
        if let Some(label) = accept_label(name, text, hits) {
            return Some(label);
        }
    }
    None
}

/// Lines per thread below which the labeled pass stays on one thread.
const PARALLEL_MIN_LINES: usize = 4096;

type Label<'a> = Option<(std::borrow::Cow<'a, str>, &'a str)>;

fn classify<'a>(chunk: &[&'a str], hits: &MetadataHits) -> Vec<Label<'a>> {
    chunk.iter().map(|l| classify_line(l, hits)).collect()
}

/// Lines classified per round: the labels of one round are held at a time (two halves on
/// both cores), so memory follows the exchanges kept, not the lines of the file.
const ROUND_LINES: usize = 1 << 16;

/// `lines` must all borrow from `text`.
fn labeled(text: &str, lines: &[&str], limit: usize) -> Option<Found> {
    let hits = MetadataHits::find(text);
    let hits = &hits;
    let mut speakers: Vec<String> = Vec::new();
    let mut seen: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    let mut exchanges = Vec::new();
    let mut found = 0;
    for round in lines.chunks(ROUND_LINES) {
        // Lines are independent: classify the two halves on both cores, merge in order.
        let labels = if round.len() >= 2 * PARALLEL_MIN_LINES {
            let (a, b) = round.split_at(round.len() / 2);
            std::thread::scope(|scope| {
                let second = scope.spawn(|| classify(b, hits));
                let mut first = classify(a, hits);
                match second.join() {
                    Ok(rest) => first.extend(rest),
                    Err(_) => first.extend(classify(b, hits)),
                }
                first
            })
        } else {
            classify(round, hits)
        };
        for (speaker, text) in labels.iter().flatten() {
            if !seen.contains(speaker.as_ref()) {
                seen.insert(speaker.to_string());
                speakers.push(speaker.to_string());
            }
            if exchanges.len() < limit {
                exchanges.push(Exchange { speaker: speaker.to_string(), text: (*text).to_owned() });
            }
            found += 1;
        }
    }
    (found > 0 && speakers.len() >= 2).then(|| Found {
        strategy: Strategy::LabeledSpeakers,
        confidence: (found as f64 / lines.len() as f64).min(1.0),
        exchanges,
        found,
        speakers,
    })
}

/// The reference's acceptance test for a matched label.
fn accept_label<'a>(
    raw_name: &'a str,
    raw_text: &'a str,
    hits: &MetadataHits,
) -> Option<(std::borrow::Cow<'a, str>, &'a str)> {
    let speaker = clean_speaker_name(py_strip(raw_name));
    let text = py_strip(raw_text);
    let ok = !text.is_empty() && speaker.chars().count() <= 20 && is_valid_speaker(&speaker, text, hits);
    ok.then_some((speaker, text))
}

fn alternating(lines: &[&str], limit: usize) -> Option<Found> {
    (lines.len() >= 4).then(|| Found {
        strategy: Strategy::AlternatingSpeakers,
        confidence: 0.6,
        exchanges: lines
            .iter()
            .take(limit)
            .enumerate()
            .map(|(k, line)| Exchange {
                speaker: if k % 2 == 0 { "Speaker_A" } else { "Speaker_B" }.to_owned(),
                text: (*line).to_owned(),
            })
            .collect(),
        found: lines.len(),
        // The reference reports both speakers even when only one could speak.
        speakers: vec!["Speaker_A".to_owned(), "Speaker_B".to_owned()],
    })
}

/// Faithful to the reference, which groups on blank lines that `lines` no longer contains, so
/// this finds at most one paragraph and never wins; kept so the strategy list stays complete.
fn paragraph(lines: &[&str], limit: usize) -> Option<Found> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines {
        if py_strip(line).is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" "));
    }
    (paragraphs.len() >= 3).then(|| {
        let all = paragraphs
            .into_iter()
            .enumerate()
            .map(|(k, text)| Exchange { speaker: abc_speaker(k % 3), text })
            .collect();
        Found::from_all(Strategy::ParagraphSpeakers, 0.5, all, limit)
    })
}

fn abc_speaker(k: usize) -> String {
    format!("Speaker_{}", ['A', 'B', 'C'][k % 3])
}

fn numbered(lines: &[&str], limit: usize) -> Option<Found> {
    // Only the first `limit` exchanges are kept; the rest are counted (and name speakers).
    let mut exchanges = Vec::new();
    let mut speakers: Vec<String> = Vec::new();
    let mut found = 0;
    for line in lines {
        if let Some(caps) = NUMBERED.captures(line) {
            // (n - 1) mod 3 from the digit sum, so numbers of any length work.
            let n_mod3 = caps[1].bytes().map(|b| usize::from(b - b'0')).sum::<usize>() % 3;
            let speaker = abc_speaker((n_mod3 + 2) % 3);
            if !speakers.contains(&speaker) {
                speakers.push(speaker.clone());
            }
            if exchanges.len() < limit {
                exchanges.push(Exchange { speaker, text: py_strip(&caps[2]).to_owned() });
            }
            found += 1;
        }
    }
    (found >= 3).then_some(Found { strategy: Strategy::NumberedSpeakers, confidence: 0.7, exchanges, found, speakers })
}

static PARAGRAPH_BREAK: LazyLock<Regex> = LazyLock::new(|| re(r"\n\s*\n"));
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| re(r"[.!?]+\s+"));
static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| re(r"[,;:]|\s(?:and|but|or|however|moreover|furthermore)\s"));

/// Plain-text mode of the golden UI: paragraphs, then sentences (the reference's regex splitter,
/// used when NLTK is absent), long sentences cut at clauses into parts of at most 500 characters;
/// segments of 10–1000 characters that contain an ASCII letter are kept.
///
/// The first `limit` segments are returned, with the number found in all.
pub fn plain_text_segments(content: &str, limit: usize) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut found = 0;
    let mut keep = |segment: String| {
        if out.len() < limit {
            out.push(segment);
        }
        found += 1;
    };
    for paragraph in PARAGRAPH_BREAK.split(content) {
        let paragraph = py_strip(paragraph);
        if paragraph.is_empty() {
            continue;
        }
        let mut sentences = SENTENCE_END.split(paragraph).peekable();
        while let Some(sentence) = sentences.next() {
            let sentence = py_strip(sentence);
            let mut s = sentence.to_owned();
            if sentences.peek().is_some() && !s.is_empty() {
                s.push('.');
            }
            if s.chars().count() > 1000 {
                split_long_sentence(&s).into_iter().filter(|p| keep_segment(p)).for_each(&mut keep);
            } else if keep_segment(&s) {
                keep(s);
            }
        }
    }
    (out, found)
}

static SENTENCE_END_ANY_SCRIPT: LazyLock<Regex> = LazyLock::new(|| re(r"[.!?]+\s+|[。！？]+\s*"));

/// Sentences of any script: paragraphs cut after `.!?` + blank or after `。！？`, each
/// sentence kept whole with its punctuation, long ones cut at clauses as the original does;
/// sentences with a letter of any script are kept. The first `limit`, with the count.
fn sentences_of_any_script(content: &str, limit: usize) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut found = 0;
    let mut keep = |segment: &str| {
        let segment = segment.trim();
        if segment.chars().any(char::is_alphabetic) {
            if out.len() < limit {
                out.push(segment.to_owned());
            }
            found += 1;
        }
    };
    for paragraph in PARAGRAPH_BREAK.split(content) {
        let mut start = 0;
        let ends =
            SENTENCE_END_ANY_SCRIPT.find_iter(paragraph).map(|m| m.end()).chain(std::iter::once(paragraph.len()));
        for end in ends {
            let sentence = &paragraph[start..end];
            start = end;
            if sentence.chars().count() > 1000 {
                split_long_sentence(sentence).iter().for_each(|p| keep(p));
            } else {
                keep(sentence);
            }
        }
    }
    (out, found)
}

fn keep_segment(s: &str) -> bool {
    let n = s.chars().count();
    (10..=1000).contains(&n) && s.bytes().any(|b| b.is_ascii_alphabetic())
}

fn split_long_sentence(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let push_piece = |piece: &str, current: &mut String, parts: &mut Vec<String>| {
        if current.chars().count() + piece.chars().count() > 500 && !current.is_empty() {
            parts.push(py_strip(current).to_owned());
            current.clear();
        }
        current.push_str(piece);
        // A single clause longer than 500 characters is cut at character boundaries, walking
        // it once (cutting and recounting the rest each time was quadratic: minutes on a
        // ten-million-character line).
        if current.chars().count() > 500 {
            let text = std::mem::take(current);
            let mut rest = text.as_str();
            while let Some((cut, _)) = rest.char_indices().nth(500) {
                parts.push(py_strip(&rest[..cut]).to_owned());
                rest = &rest[cut..];
            }
            *current = rest.to_owned();
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

/// Apply a user's speaker edits to a detection: exchanges renamed or dropped, speakers listed
/// again in order of first appearance, with their turns.
pub fn apply_edits(edits: &SpeakerEdits, detection: &mut Detection) {
    if edits.renames.is_empty() && edits.excluded.is_empty() {
        return;
    }
    for e in &mut detection.exchanges {
        for (from, to) in &edits.renames {
            if &e.speaker == from {
                e.speaker.clone_from(to);
            }
        }
    }
    detection.exchanges.retain(|e| !edits.excluded.contains(&e.speaker));
    let mut speakers: Vec<String> = Vec::new();
    let mut turns: Vec<usize> = Vec::new();
    for e in &detection.exchanges {
        match speakers.iter().position(|s| s == &e.speaker) {
            Some(k) => turns[k] += 1,
            None => {
                speakers.push(e.speaker.clone());
                turns.push(1);
            }
        }
    }
    detection.speakers = speakers;
    detection.turns = turns;
}

#[cfg(test)]
mod tests;
