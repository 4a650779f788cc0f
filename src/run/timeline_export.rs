//! A timeline leaving the app: its rows, trajectories (aligned positions), speakers' and
//! turns' self-concept mass, tracked concepts and emergence as CSV files (one table each, long
//! format, for R and pandas), and its aligned maps as the frames of an animation.

use super::timeline::Timeline;
use crate::export::ExportFile;
use crate::export::animation::Frame;
use crate::export::text::{csv, num};

impl Timeline {
    /// The rows as animation frames (aligned coordinates).
    pub fn frames(&self) -> Vec<Frame<'_>> {
        self.rows
            .iter()
            .map(|r| Frame {
                exchange: r.exchange,
                labels: &r.map.labels,
                coords: &r.aligned_coords,
                masses: &r.masses,
            })
            .collect()
    }

    /// The CSV files (suffixes for a chosen `x.csv`: `x_rows.csv`, …) and the provenance.
    pub fn csv_files(&self, provenance: &crate::export::Provenance) -> Vec<ExportFile> {
        use std::fmt::Write as _;
        let opt = |x: Option<f64>| x.map_or_else(String::new, num);
        let mut rows = String::from(
            "exchange,neurons,connections,sum_strength,sum_mass,max_mass,concepts,warp,variance_top3_pct,lambda1,lambda2,lambda3\n",
        );
        let mut trajectories = String::from("exchange,concept,mass,x,y,z\n");
        let mut speakers = String::from("exchange,speaker,self_mass\n");
        let mut tracked = String::from("exchange,concept,mass,rank,associate,strength\n");
        for r in &self.rows {
            let lambda = |k: usize| r.map.eigenvalues.get(k).map_or_else(String::new, |&l| num(l));
            let _ = writeln!(
                rows,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                r.exchange,
                r.neurons,
                r.connections,
                num(r.sum_strength),
                num(r.sum_mass),
                num(r.max_mass),
                r.map.labels.len(),
                opt(r.map.warp),
                opt(r.map.variance_top3_pct),
                lambda(0),
                lambda(1),
                lambda(2)
            );
            for ((label, p), &m) in r.map.labels.iter().zip(&r.aligned_coords).zip(&r.masses) {
                let _ = writeln!(
                    trajectories,
                    "{},{},{},{},{},{}",
                    r.exchange,
                    csv(label),
                    num(m),
                    num(p[0]),
                    num(p[1]),
                    num(p[2])
                );
            }
            for (speaker, m) in &r.speaker_self_mass {
                let _ = writeln!(speakers, "{},{},{}", r.exchange, csv(speaker), num(*m));
            }
            for t in &r.tracked {
                if t.associations.is_empty() {
                    let _ = writeln!(tracked, "{},{},{},,,", r.exchange, csv(&t.concept), opt(t.mass));
                }
                for (rank, (other, s)) in t.associations.iter().enumerate() {
                    let _ = writeln!(
                        tracked,
                        "{},{},{},{},{},{}",
                        r.exchange,
                        csv(&t.concept),
                        opt(t.mass),
                        rank + 1,
                        csv(other),
                        num(*s)
                    );
                }
            }
        }
        let mut turns = String::from("exchange,speaker,self_mass\n");
        for t in &self.turns {
            let _ = writeln!(turns, "{},{},{}", t.exchange, csv(&t.speaker), num(t.self_mass));
        }
        let mut emergence = String::from("concept,exchange\n");
        for (concept, t) in &self.emergence {
            let _ = writeln!(emergence, "{},{t}", csv(concept));
        }
        let file = |suffix, text| ExportFile { suffix: Some(suffix), text };
        vec![
            file("_rows.csv", rows),
            file("_trajectories.csv", trajectories),
            file("_speakers.csv", speakers),
            file("_turns.csv", turns),
            file("_tracked.csv", tracked),
            file("_emergence.csv", emergence),
            file("_provenance.txt", provenance.lines()),
        ]
    }
}
