//! The Quey questionnaire (HUEY_REFERENCE.md §5, `quey.html`): the Galileo method's way back
//! from the map to respondents. Every pair of the chosen concepts (optionally both directions)
//! is a question "how far apart are A and B?", against a reference pair with a stated
//! distance; questions come in blocks of seven; as printable HTML and as CSV.

use std::fmt::Write as _;

use super::Results;
use super::provenance::Provenance;
use super::text::{csv, xml};

/// Questions per block.
pub const BLOCK: usize = 7;

/// Most concepts a questionnaire asks about (45 concepts make 990 questions one way).
pub const MAX_CONCEPTS: usize = 45;

/// What the questionnaire asks.
#[derive(Clone, Debug, PartialEq)]
pub struct Choices {
    /// The concepts, by label; empty: the map's `top` heaviest.
    pub concepts: Vec<String>,
    /// Concepts taken from the map when `concepts` is empty.
    pub top: usize,
    /// Ask A→B and B→A as separate questions (the asymmetric Galileo variant).
    pub both_directions: bool,
    /// The reference pair; `None`: the two heaviest concepts.
    pub reference: Option<(String, String)>,
    /// The reference pair's stated distance.
    pub reference_distance: f64,
}

impl Default for Choices {
    fn default() -> Self {
        Self { concepts: Vec::new(), top: 10, both_directions: false, reference: None, reference_distance: 100.0 }
    }
}

/// The questions, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Questionnaire {
    /// The concepts asked about.
    pub concepts: Vec<String>,
    /// `(a, b)` per question.
    pub pairs: Vec<(String, String)>,
    /// The reference pair.
    pub reference: (String, String),
    /// Its stated distance.
    pub distance: f64,
}

impl Questionnaire {
    /// The questionnaire of `choices` over `results`' concepts (labels not on the map are
    /// asked about all the same: a researcher may add a concept of their own).
    pub fn new(results: &Results<'_>, choices: &Choices) -> Self {
        let g = &results.structure.graph;
        let mut concepts: Vec<String> = if choices.concepts.is_empty() {
            let mut order: Vec<usize> = (0..g.len()).collect();
            order.sort_by(|&a, &b| g.masses[b].total_cmp(&g.masses[a]));
            order.iter().take(choices.top).map(|&i| g.labels[i].clone()).collect()
        } else {
            choices.concepts.clone()
        };
        let mut seen = std::collections::HashSet::new();
        concepts.retain(|c| !c.trim().is_empty() && seen.insert(c.clone()));
        concepts.truncate(MAX_CONCEPTS);
        let mut pairs = Vec::new();
        for (i, a) in concepts.iter().enumerate() {
            for (j, b) in concepts.iter().enumerate() {
                if i < j || (choices.both_directions && i > j) {
                    pairs.push((a.clone(), b.clone()));
                }
            }
        }
        if choices.both_directions {
            // Each pair's two directions apart, in the order of the one-way list then reversed.
            let (forward, back): (Vec<_>, Vec<_>) = pairs
                .into_iter()
                .partition(|(a, b)| concepts.iter().position(|c| c == a) < concepts.iter().position(|c| c == b));
            pairs = forward.into_iter().chain(back).collect();
        }
        let reference = choices.reference.clone().unwrap_or_else(|| {
            (concepts.first().cloned().unwrap_or_default(), concepts.get(1).cloned().unwrap_or_default())
        });
        Self { concepts, pairs, reference, distance: choices.reference_distance }
    }

    /// `block,question,concept_a,concept_b,distance` with the distance left for the answer,
    /// and the reference pair as question 0.
    pub fn csv(&self) -> String {
        let mut out = String::from("block,question,concept_a,concept_b,distance\n");
        let _ = writeln!(out, "0,0,{},{},{}", csv(&self.reference.0), csv(&self.reference.1), self.distance);
        for (k, (a, b)) in self.pairs.iter().enumerate() {
            let _ = writeln!(out, "{},{},{},{},", k / BLOCK + 1, k + 1, csv(a), csv(b));
        }
        out
    }

    /// Printable HTML: instructions with the reference pair, blocks of seven questions with
    /// answer boxes, the provenance in a comment and a footer.
    pub fn html(&self, provenance: &Provenance) -> String {
        let mut h = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        let _ = writeln!(h, "<!--\n{}-->", provenance.lines().replace("--", "- -"));
        h.push_str(
            "<title>Questionnaire</title>\n<style>\nbody{font-family:sans-serif;max-width:42em;margin:2em auto}\n",
        );
        h.push_str("table{border-collapse:collapse;width:100%;margin-bottom:1.5em;page-break-inside:avoid}\n");
        h.push_str("td{padding:.45em;border-bottom:1px solid #ccc}td.box{width:7em;border:1px solid #000}\n");
        h.push_str(
            "@media print{.block{page-break-inside:avoid}}\n</style>\n</head>\n<body>\n<h1>Questionnaire</h1>\n",
        );
        let _ = writeln!(
            h,
            "<p>Please estimate how far apart each pair of words is in meaning. As a yardstick: \
             <strong>{}</strong> and <strong>{}</strong> are <strong>{}</strong> units apart. \
             Words that mean the same are 0 units apart; there is no upper limit.</p>",
            xml(&self.reference.0),
            xml(&self.reference.1),
            self.distance
        );
        for (b, block) in self.pairs.chunks(BLOCK).enumerate() {
            let _ = writeln!(h, "<div class=\"block\">\n<h2>Block {}</h2>\n<table>", b + 1);
            for (k, (a, c)) in block.iter().enumerate() {
                let _ = writeln!(
                    h,
                    "<tr><td>{}.</td><td>How far apart are <strong>{}</strong> and <strong>{}</strong>?</td><td class=\"box\"></td></tr>",
                    b * BLOCK + k + 1,
                    xml(a),
                    xml(c)
                );
            }
            h.push_str("</table>\n</div>\n");
        }
        let _ = writeln!(h, "<footer><small>{}</small></footer>\n</body>\n</html>", xml(&provenance.caption()));
        h
    }
}
