//! Conversations together: a pooled corpus network (learned over the conversations in order,
//! each with its own speakers) and comparisons of two sides — two conversations, two speakers
//! (a side learned over that speaker's turns only) or two groups — with a joint map in the
//! common space of the network pooled over both sides.

use super::pipeline::{Analysis, Prepared, finish, prepare_detected};
use crate::analysis::compare::{Comparison, JointPoint, compare, joint_points};
use crate::model::options::AnalysisOptions;
use crate::model::params::ParamError;
use crate::text::kill_words::KillList;
use crate::text::speakers::{Detection, apply_edits, detect};

/// One conversation of a pool or a side.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    /// Its name in the corpus (it tells its speakers apart from other conversations').
    pub key: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Only this speaker's turns count (a speaker's side); `None`: every turn.
    pub speaker: Option<&'a str>,
}

/// Why a pool or a comparison cannot be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CorpusError {
    /// A parameter was rejected.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// A side names a speaker its conversation does not have.
    #[error("{key} has no speaker '{speaker}' (its speakers: {})", .speakers.join(", "))]
    NoSuchSpeaker {
        /// The conversation.
        key: String,
        /// The speaker asked for.
        speaker: String,
        /// The speakers it has.
        speakers: Vec<String>,
    },
    /// A side or pool has no conversation.
    #[error("a side needs at least one conversation")]
    Empty,
}

/// The members' exchanges one after another, as one detection, and the speaker labels the
/// tokens leave out. One whole conversation keeps its speakers' names (its pool is its own
/// analysis); with several, or a speaker's side, a speaker is named `Name (key)`, so two
/// conversations' "Interviewer"s stay two speakers.
fn pooled_detection(members: &[Member<'_>], opts: &AnalysisOptions) -> Result<(Detection, Vec<String>), CorpusError> {
    let first = members.first().ok_or(CorpusError::Empty)?;
    let rename = members.len() > 1;
    let mut pooled: Option<Detection> = None;
    let mut labels = Vec::new();
    for m in members {
        let mut d = detect(m.text, &opts.detect, &opts.speaker_edits);
        labels.extend(d.speakers.iter().cloned());
        apply_edits(&opts.speaker_edits, &mut d);
        labels.extend(d.speakers.iter().cloned());
        if let Some(speaker) = m.speaker {
            if !d.speakers.iter().any(|s| s == speaker) {
                return Err(CorpusError::NoSuchSpeaker {
                    key: m.key.to_owned(),
                    speaker: speaker.to_owned(),
                    speakers: d.speakers.clone(),
                });
            }
            d.exchanges.retain(|e| e.speaker == speaker);
        }
        if rename {
            for e in &mut d.exchanges {
                e.speaker = format!("{} ({})", e.speaker, m.key);
            }
        }
        let p = pooled.get_or_insert_with(|| Detection {
            exchanges: Vec::new(),
            exchanges_found: 0,
            warnings: Vec::new(),
            ..d.clone()
        });
        p.confidence = p.confidence.min(d.confidence);
        p.exchanges_found += d.exchanges_found;
        p.exchanges.append(&mut d.exchanges);
        for w in d.warnings {
            if !p.warnings.contains(&w) {
                p.warnings.push(w);
            }
        }
    }
    let mut d = pooled.unwrap_or_else(|| unreachable!("{} has members", first.key));
    d.speakers.clear();
    d.turns.clear();
    for e in &d.exchanges {
        match d.speakers.iter().position(|s| *s == e.speaker) {
            Some(k) => d.turns[k] += 1,
            None => {
                d.speakers.push(e.speaker.clone());
                d.turns.push(1);
            }
        }
    }
    labels.extend(d.speakers.iter().cloned());
    labels.sort();
    labels.dedup();
    Ok((d, labels))
}

/// The pool of `members` detected, tokenized and ready to learn.
pub fn prepare_pool(members: &[Member<'_>], opts: &AnalysisOptions, kill: &KillList) -> Result<Prepared, CorpusError> {
    let (detection, labels) = pooled_detection(members, opts)?;
    Ok(prepare_detected(detection, &labels, opts, kill)?)
}

/// One network learned over `members` in order, mapped: the corpus network.
pub fn pool(members: &[Member<'_>], opts: &AnalysisOptions, kill: &KillList) -> Result<Analysis, CorpusError> {
    Ok(finish(prepare_pool(members, opts, kill)?, opts))
}

/// Two sides compared.
#[derive(Debug)]
pub struct SideComparison {
    /// Side A's own network and map.
    pub a: Analysis,
    /// Side B's.
    pub b: Analysis,
    /// Concepts and associations side by side.
    pub comparison: Comparison,
    /// The network pooled over both sides (A's members, then B's): its map is the common space.
    pub joint: Analysis,
}

/// Learn side `a` and side `b` each on its own and pooled, and compare them.
pub fn compare_sides(
    a: &[Member<'_>],
    b: &[Member<'_>],
    opts: &AnalysisOptions,
    kill: &KillList,
) -> Result<SideComparison, CorpusError> {
    let side_a = pool(a, opts, kill)?;
    let side_b = pool(b, opts, kill)?;
    let comparison = compare(&side_a.network, &side_b.network);
    // The joint pool keeps each member's speaker filter; two speakers of one conversation pool
    // to that conversation's turns, in its order, when both sides are that conversation.
    let joint_members: Vec<Member<'_>> = if same_conversation(a, b) {
        vec![Member { speaker: None, ..a[0] }]
    } else {
        a.iter().chain(b).copied().collect()
    };
    let joint = pool(&joint_members, opts, kill)?;
    Ok(SideComparison { a: side_a, b: side_b, comparison, joint })
}

/// Both sides are one speaker each of the same single conversation.
fn same_conversation(a: &[Member<'_>], b: &[Member<'_>]) -> bool {
    matches!((a, b), ([x], [y]) if x.key == y.key && x.text == y.text && x.speaker.is_some() && y.speaker.is_some())
}

impl SideComparison {
    /// The joint map's concepts, each with both sides' mass.
    pub fn joint_points(&self) -> Vec<JointPoint> {
        joint_points(&self.joint.map, &self.comparison)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::options::{EngineKind, Preset};
    use crate::text::kill_words::KillList;

    const ONE: &str = "Ann: the river is cold\nBob: cold river and warm tea\nAnn: tea by the river\n";
    const TWO: &str = "Ann: sun over the hills\nCid: the hills are green\n";

    fn opts() -> AnalysisOptions {
        AnalysisOptions::preset(Preset::Default, EngineKind::Temporal)
    }

    #[test]
    fn a_pool_of_one_is_its_analysis_and_pools_keep_speakers_apart() {
        let kill = KillList::default();
        let alone = crate::run::pipeline::analyze_text(ONE, &opts(), &kill).unwrap();
        let one = pool(&[Member { key: "one.txt", text: ONE, speaker: None }], &opts(), &kill).unwrap();
        assert_eq!(one.network, alone.network);
        assert_eq!(one.map.labels, alone.map.labels);
        let both = pool(
            &[Member { key: "one.txt", text: ONE, speaker: None }, Member { key: "two.txt", text: TWO, speaker: None }],
            &opts(),
            &kill,
        )
        .unwrap();
        assert_eq!(both.detection.speakers, ["Ann (one.txt)", "Bob (one.txt)", "Ann (two.txt)", "Cid (two.txt)"]);
        assert_eq!(both.detection.turns, [2, 1, 1, 1]);
        assert_eq!(both.detection.exchanges.len(), 5);
        // Learned in order: the pool's first three exchanges are the first conversation's.
        let words: Vec<&str> = both.network.words.iter().map(String::as_str).collect();
        assert!(words.contains(&"hills") && words.contains(&"river"));
        assert!(!words.iter().any(|w| w.contains("ann")), "speaker labels are no concepts: {words:?}");
    }

    #[test]
    fn two_speakers_of_one_conversation_compare_over_their_own_turns() {
        let kill = KillList::default();
        let ann = Member { key: "one.txt", text: ONE, speaker: Some("Ann") };
        let bob = Member { key: "one.txt", text: ONE, speaker: Some("Bob") };
        let c = compare_sides(&[ann], &[bob], &opts(), &kill).unwrap();
        // Ann said "river cold" and "tea river"; Bob "cold river warm tea".
        let row = |w: &str| c.comparison.concepts.iter().find(|r| r.word == w).cloned();
        assert_eq!(row("warm").map(|r| r.sides()), Some("b"));
        assert_eq!(row("river").map(|r| r.sides()), Some("both"));
        assert_eq!(c.a.detection.exchanges.len(), 2);
        assert_eq!(c.b.detection.exchanges.len(), 1);
        // The joint space is the whole conversation's.
        let whole = crate::run::pipeline::analyze_text(ONE, &opts(), &kill).unwrap();
        assert_eq!(c.joint.network, whole.network);
        let points = c.joint_points();
        assert!(points.iter().any(|p| p.label == "warm" && p.mass_a == 0.0 && p.mass_b > 0.0));
        let missing = Member { speaker: Some("Zed"), ..ann };
        assert!(matches!(compare_sides(&[missing], &[bob], &opts(), &kill), Err(CorpusError::NoSuchSpeaker { .. })));
        assert!(matches!(pool(&[], &opts(), &kill), Err(CorpusError::Empty)));
    }
}
