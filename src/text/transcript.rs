//! The default speaker detector: speaker labels as real transcripts write them.
//!
//! Three steps. `document` marks the lines that are not the conversation (front matter,
//! headings, licence text, contents, links, page numbers). Then each label layout of `labels`
//! (colon labels, chat logs, plays, screenplays) reads the rest: a label is a speaker only
//! where the file uses it consistently (twice, or once with an unambiguous mark such as a
//! timestamp or bold), it is shaped like a name, and it is not a document key (`Title:`,
//! `Location:`); a turn runs from its label to the next label (in plays and screenplays, to
//! the next blank line), so wrapped lines continue it. Last, the layout whose labels open the
//! largest share of the text's paragraphs wins; that share is the confidence.

mod document;
mod labels;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

pub use document::LeftOut;
use document::Line;
use labels::{Family, Parsed};

use crate::model::options::LabelPattern;

/// One turn: a speaker (index into [`Found::speakers`]) and the lines they said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Turn<'a> {
    /// Index into [`Found::speakers`].
    pub speaker: usize,
    /// The speech's lines (each trimmed, at least one with text).
    pub lines: Vec<&'a str>,
}

impl Turn<'_> {
    /// The speech: its lines joined by spaces, stage directions in brackets removed (built
    /// only for the layout that wins, so the others cost no copies).
    pub fn text(&self) -> String {
        labels::without_brackets(&self.lines.join(" ")).trim().to_owned()
    }
}

/// What the detector found in one layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Found<'a> {
    /// The layout.
    pub pattern: LabelPattern,
    /// The share of the text's paragraphs that open with a speaker's label, a turn's further
    /// paragraphs counting half, halved when there is only one speaker (0..=1).
    pub confidence: f64,
    /// Speakers in order of first appearance.
    pub speakers: Vec<String>,
    /// The first turns (up to the limit asked for), in order.
    pub turns: Vec<Turn<'a>>,
    /// Turns found in all.
    pub n_turns: usize,
    /// Lines left out, by why (none omitted from the counts).
    pub left_out: BTreeMap<LeftOut, usize>,
    /// Name-shaped labels not taken as speakers (used once without a mark, or marked as not a
    /// speaker by the user), with their uses: their lines are read as text.
    pub read_as_text: Vec<(String, usize)>,
    /// Speakers that look like chat bots.
    pub bots: Vec<String>,
}

/// The document with its non-conversation lines marked, ready for [`detect`] and
/// [`Cleaned::plain_text`].
pub struct Cleaned<'a> {
    content: &'a str,
    lines: Vec<Line>,
}

impl<'a> Cleaned<'a> {
    /// Classify the lines of `content`.
    pub fn new(content: &'a str) -> Self {
        let lines = document::classify(content);
        Self { content: document::content_of(content), lines }
    }

    /// The trimmed text of line entry `k`, if it is text.
    fn text(&self, k: usize) -> Option<&'a str> {
        self.lines.get(k).and_then(|&l| document::text_of(self.content, l))
    }

    fn indent(&self, k: usize) -> u8 {
        match self.lines.get(k) {
            Some(Line::Text { indent, .. }) => *indent,
            _ => 0,
        }
    }

    /// The text without the lines left out (blank lines in their place, so paragraphs
    /// stay apart), for plain-text mode, and what was left out.
    pub fn plain_text(&self) -> (String, BTreeMap<LeftOut, usize>) {
        let mut out = String::new();
        let mut left_out = BTreeMap::new();
        for (k, line) in self.lines.iter().enumerate() {
            match line {
                Line::Text { .. } => out.push_str(self.text(k).unwrap_or("")),
                Line::Skip { kind, lines } => *left_out.entry(*kind).or_insert(0) += *lines as usize,
                Line::Blank => {}
            }
            out.push('\n');
        }
        (out, left_out)
    }
}

/// The best layout's reading of the document (`pattern` forces one; `PlainText` finds none),
/// or `None` when no layout has a turn by a speaker. `not_speakers` are labels the user says
/// are not speakers.
/// Turns past `limit` are counted, not kept.
pub fn detect<'a>(
    cleaned: &Cleaned<'a>,
    pattern: LabelPattern,
    not_speakers: &[String],
    limit: usize,
) -> Option<Found<'a>> {
    let families: &[Family] = match pattern {
        LabelPattern::Auto => &Family::ALL,
        LabelPattern::Colon => &[Family::Colon],
        LabelPattern::Chat => &[Family::Chat],
        LabelPattern::Play => &[Family::Play],
        LabelPattern::Screenplay => &[Family::Screenplay],
        LabelPattern::PlainText => &[],
    };
    // Layouts are independent: on large files, half of them on the other core.
    let read_all = |families: &[Family]| -> Vec<Found<'a>> {
        families.iter().filter_map(|&family| read(cleaned, family, not_speakers, limit)).collect()
    };
    let candidates = if families.len() > 1 && cleaned.lines.len() >= PARALLEL_MIN_LINES {
        let (a, b) = families.split_at(families.len() / 2);
        std::thread::scope(|scope| {
            let second = scope.spawn(|| read_all(b));
            let mut first = read_all(a);
            first.extend(second.join().unwrap_or_else(|_| read_all(b)));
            first
        })
    } else {
        read_all(families)
    };
    let mut best: Option<Found<'a>> = None;
    for found in candidates {
        // Ties (within rounding) go to the layout with more turns, then to the earlier one.
        let better = best.as_ref().is_none_or(|b| {
            let gain = found.confidence - b.confidence;
            gain > 1e-12 || (gain.abs() <= 1e-12 && found.n_turns > b.n_turns)
        });
        if better {
            best = Some(found);
        }
    }
    best
}

/// Labels read as text that a result lists (the first in the file).
const MAX_READ_AS_TEXT: usize = 100;

/// Lines below which the layouts are read on one thread.
const PARALLEL_MIN_LINES: usize = 4096;

fn pattern_of(family: Family) -> LabelPattern {
    match family {
        Family::Colon => LabelPattern::Colon,
        Family::Chat => LabelPattern::Chat,
        Family::Play => LabelPattern::Play,
        Family::Screenplay => LabelPattern::Screenplay,
    }
}

/// How each label is used in the file.
#[derive(Default)]
struct Uses {
    count: usize,
    strong: bool,
    first_line: usize,
    /// Whether its first use stands alone on its line (`Name:` above the turn).
    alone: bool,
}

/// Whether a line ends a sentence (so the next line can open a turn): the last character is
/// terminal punctuation, possibly inside closing quotes or brackets.
fn ends_sentence(line: &str) -> bool {
    let end = line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*']);
    end.ends_with(['.', '!', '?', '…', '。', '！', '？', ':', ';', '—', '–', '-'])
}

/// Read the document in one layout, keeping the first `limit` turns. Each line is parsed
/// twice (counting the labels, then reading the turns) rather than held: memory follows the
/// labels, not the lines.
fn read<'a>(cleaned: &Cleaned<'a>, family: Family, not_speakers: &[String], limit: usize) -> Option<Found<'a>> {
    let n_lines = cleaned.lines.len();
    // A screenplay's speech is indented less than its cue (when the cue is indented at all):
    // a list of places under a heading is not.
    let speech_below = |k: usize| cleaned.indent(k) == 0 || cleaned.indent(k + 1) < cleaned.indent(k);
    let parse_at = |k: usize| -> Parsed<'a> {
        let Some(t) = cleaned.text(k) else { return Parsed::Text };
        match labels::parse(t, family) {
            // A label alone on its line needs the turn on the next line (and in a screenplay,
            // one that is not another cue: a list of names is no speech).
            Parsed::Label { text: "", .. }
                if !cleaned.text(k + 1).is_some_and(|next| {
                    family != Family::Screenplay
                        || (speech_below(k) && !matches!(labels::parse(next, family), Parsed::Label { .. }))
                }) =>
            {
                Parsed::Text
            }
            p => p,
        }
    };
    // Pass 1: how often each name is used, and which lines hold a label or a system line (a
    // byte a line: pass 2 parses only those again).
    let mut uses: FxHashMap<std::borrow::Cow<'a, str>, Uses> = FxHashMap::default();
    let mut marked = vec![false; n_lines];
    for (k, mark) in marked.iter_mut().enumerate() {
        match parse_at(k) {
            Parsed::Label { name, strong, text } => {
                let u = uses.entry(name).or_insert_with(|| Uses {
                    first_line: k,
                    alone: text.is_empty(),
                    ..Uses::default()
                });
                u.count += 1;
                u.strong |= strong;
                *mark = true;
            }
            Parsed::System => *mark = true,
            Parsed::Text => {}
        }
    }
    if uses.is_empty() {
        return None;
    }
    // A label used twice or more is a speaker; one used once only where it looks like the
    // file's other labels (alone on its line or not, as most of them) and stands where a turn
    // can start (after a blank line, a label line, or a finished sentence) — not a wrapped
    // line of prose that happens to start with `Word:`.
    let candidate = |name: &str| !labels::is_document_key(name) && !not_speakers.iter().any(|n| n == name);
    let (alone, inline) = uses
        .iter()
        .filter(|(n, u)| u.count >= 2 && candidate(n))
        .fold((0, 0), |(a, i), (_, u)| if u.alone { (a + u.count, i) } else { (a, i + u.count) });
    let single_ok = |u: &Uses| {
        let k = u.first_line;
        let at_boundary = k == 0
            || match cleaned.text(k - 1) {
                Some(prev) => matches!(parse_at(k - 1), Parsed::Label { .. }) || ends_sentence(prev),
                None => true,
            };
        // With no label used twice there is no layout to compare with: the confidence judges.
        let looks_regular = alone + inline == 0 || (u.alone == (alone > inline));
        family.allows_single() && (u.strong || (looks_regular && at_boundary))
    };
    let speakers_ok: rustc_hash::FxHashSet<&str> = uses
        .iter()
        .filter(|(name, u)| candidate(name) && (u.count >= 2 || single_ok(u)))
        .map(|(name, _)| name.as_ref())
        .collect();
    let mut read_as_text: Vec<(String, usize, usize)> = uses
        .iter()
        .filter(|(name, _)| !labels::is_document_key(name) && !speakers_ok.contains(name.as_ref()))
        .map(|(name, u)| (name.to_string(), u.count, u.first_line))
        .collect();
    read_as_text.sort_by_key(|r| r.2);
    // A report names the first few; a file of a million one-off labels holds no more.
    read_as_text.truncate(MAX_READ_AS_TEXT);

    // Pass 2: the turns.
    let is_key =
        |k: usize| marked[k] && matches!(parse_at(k), Parsed::Label { name, .. } if labels::is_document_key(&name));
    let mut state = Reader::new(family, limit);
    for (k, line) in cleaned.lines.iter().enumerate() {
        match *line {
            Line::Blank => state.blank(),
            Line::Skip { kind, lines } => state.skip(kind, lines as usize),
            Line::Text { .. } => match if marked[k] { parse_at(k) } else { Parsed::Text } {
                Parsed::System => state.left_out(LeftOut::SystemLine, 1),
                Parsed::Label { name, text, .. } if speakers_ok.contains(name.as_ref()) => state.label(&name, text),
                Parsed::Label { name, .. } if labels::is_document_key(&name) => {
                    // Keys in a block (another within a few lines) head a document: the
                    // unfinished lines just above them are its header, not the turn's speech.
                    let block = (k + 1..n_lines.min(k + 5)).any(is_key);
                    state.document_key(block);
                }
                _ => state.text(cleaned.text(k).unwrap_or("")),
            },
        }
    }
    state.close();
    let Reader { speakers, turns, n_turns, left_out, labelled, other, continued, .. } = state;
    if n_turns == 0 {
        return None;
    }
    let share = labelled as f64 / (labelled as f64 + other as f64 + 0.5 * continued as f64);
    // One speaker is weak evidence of a conversation (a word that opens two paragraphs).
    let confidence = if speakers.len() >= 2 { share } else { share / 2.0 };
    let bots = match family {
        Family::Chat => speakers.iter().filter(|s| labels::looks_like_bot(s)).cloned().collect(),
        _ => Vec::new(),
    };
    Some(Found {
        pattern: pattern_of(family),
        confidence,
        speakers,
        turns,
        n_turns,
        left_out,
        read_as_text: read_as_text.into_iter().map(|(n, c, _)| (n, c)).collect(),
        bots,
    })
}

/// Whether a line of a turn is speech, not only a bracketed direction.
fn has_speech(line: &str) -> bool {
    !labels::without_brackets(line).trim().is_empty()
}

/// Pass 2's state: the open turn and the counts.
struct Reader<'a> {
    family: Family,
    speakers: Vec<String>,
    speaker_index: FxHashMap<String, usize>,
    turns: Vec<Turn<'a>>,
    /// Turns found (kept or past the limit).
    n_turns: usize,
    /// Turns kept.
    limit: usize,
    /// The open turn: speaker, its lines so far (none once past the limit), and whether it
    /// has speech.
    open: Option<(usize, Vec<&'a str>, bool)>,
    /// After a document key, text is outside any turn until the next label.
    after_key: bool,
    /// The next text line starts a new paragraph.
    new_paragraph: bool,
    left_out: BTreeMap<LeftOut, usize>,
    /// Paragraphs opened by a speaker's label, by text outside turns, and further
    /// paragraphs of a turn.
    labelled: usize,
    other: usize,
    continued: usize,
}

impl<'a> Reader<'a> {
    fn new(family: Family, limit: usize) -> Self {
        Self {
            family,
            speakers: Vec::new(),
            speaker_index: FxHashMap::default(),
            turns: Vec::new(),
            n_turns: 0,
            limit,
            open: None,
            after_key: false,
            new_paragraph: true,
            left_out: BTreeMap::new(),
            labelled: 0,
            other: 0,
            continued: 0,
        }
    }

    fn left_out(&mut self, kind: LeftOut, lines: usize) {
        *self.left_out.entry(kind).or_insert(0) += lines;
    }

    fn close(&mut self) {
        if let Some((speaker, lines, speech)) = self.open.take()
            && speech
        {
            self.n_turns += 1;
            if self.turns.len() < self.limit {
                self.turns.push(Turn { speaker, lines });
            }
        }
    }

    fn blank(&mut self) {
        if self.family.blank_ends_turn() {
            self.close();
        }
        self.new_paragraph = true;
    }

    fn skip(&mut self, kind: LeftOut, lines: usize) {
        self.left_out(kind, lines);
        if kind.ends_turn() {
            self.close();
            self.new_paragraph = true;
        }
    }

    fn document_key(&mut self, block: bool) {
        if block && let Some((_, lines, _)) = &mut self.open {
            // Never the label's own line (index 0).
            while lines.len() > 1 && lines.last().is_some_and(|l| !ends_sentence(l)) {
                lines.pop();
                *self.left_out.entry(LeftOut::DocumentKey).or_insert(0) += 1;
            }
        }
        self.close();
        self.left_out(LeftOut::DocumentKey, 1);
        self.after_key = true;
        self.new_paragraph = true;
    }

    fn label(&mut self, name: &str, text: &'a str) {
        self.close();
        // A known speaker costs a lookup, not a copy of the name (this runs per label line).
        let speaker = match self.speaker_index.get(name) {
            Some(&k) => k,
            None => {
                let next = self.speakers.len();
                self.speaker_index.insert(name.to_owned(), next);
                self.speakers.push(name.to_owned());
                next
            }
        };
        let keep = self.turns.len() < self.limit;
        let lines = if keep && !text.is_empty() { vec![text] } else { Vec::new() };
        self.open = Some((speaker, lines, has_speech(text)));
        self.after_key = false;
        self.labelled += 1;
        self.new_paragraph = false;
    }

    fn text(&mut self, line: &'a str) {
        let new_paragraph = std::mem::replace(&mut self.new_paragraph, false);
        match &mut self.open {
            Some((_, lines, speech)) => {
                if self.family == Family::Screenplay && line.starts_with('(') && line.ends_with(')') {
                    // A parenthetical (`(quietly)`) is a direction, not speech.
                    *self.left_out.entry(LeftOut::StageDirection).or_insert(0) += 1;
                    return;
                }
                if self.turns.len() < self.limit {
                    lines.push(line);
                }
                *speech |= has_speech(line);
                self.continued += usize::from(new_paragraph);
            }
            None => {
                let kind = match (self.after_key, self.family.blank_ends_turn() && !self.speakers.is_empty()) {
                    (true, _) => LeftOut::DocumentKey,
                    (false, true) => LeftOut::StageDirection,
                    (false, false) => LeftOut::OutsideTurns,
                };
                self.left_out(kind, 1);
                self.other += usize::from(new_paragraph);
            }
        }
    }
}

#[cfg(test)]
mod tests;
