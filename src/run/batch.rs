//! What a batch over a corpus computes besides each conversation's report: which shard a
//! conversation belongs to, the summary table's row of each (read back from the report, so a
//! resumed or merged batch writes the same table as one run), and the table itself.

use serde::Deserialize;

use crate::export::text::{csv, num};

/// `--shard I/N`: the I-th (1-based) of N disjoint parts of a corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1 to `count`.
    pub index: u32,
    /// Number of parts (≥ 1).
    pub count: u32,
}

impl Shard {
    /// The whole corpus.
    pub const ALL: Self = Self { index: 1, count: 1 };

    /// Parse `I/N` (1 ≤ I ≤ N ≤ 100,000).
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not I/N with 1 ≤ I ≤ N ≤ 100000 (e.g. 2/8)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || index > count || count > 100_000 {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// Whether the conversation named `key` belongs to this shard: decided by a hash of the
    /// name alone (FNV-1a, 64-bit), so it does not depend on the order of the inputs, on the
    /// machine, or on which other files the corpus holds (a file added later does not move
    /// the others to other shards).
    pub fn holds(self, key: &str) -> bool {
        crate::model::fingerprint::fnv1a(key.bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// The figures of a report the summary table shows (the report's own field names).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Figures {
    /// Speakers in order of first appearance.
    pub speakers: Vec<String>,
    /// Exchanges analysed.
    pub exchanges: usize,
    /// Tokens as the reference counts them.
    pub tokens: usize,
    /// Neurons.
    pub neurons: usize,
    /// Live connections.
    pub connections: usize,
    /// Σ mass.
    pub sum_mass: f64,
    /// Top concepts by mass as [word, mass].
    pub top_mass: Vec<(String, f64)>,
    /// Warnings.
    pub warnings: Vec<String>,
}

impl Figures {
    /// The figures of a report.
    pub fn of(r: &crate::run::report::Report) -> Self {
        Self {
            speakers: r.speakers.clone(),
            exchanges: r.exchanges,
            tokens: r.tokens,
            neurons: r.neurons,
            connections: r.connections,
            sum_mass: r.sum_mass,
            top_mass: r.top_mass.clone(),
            warnings: r.warnings.clone(),
        }
    }
}

/// One conversation's row of the summary table.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// The conversation's name in the corpus.
    pub key: String,
    /// Its figures, or why it failed.
    pub outcome: Result<Figures, String>,
}

/// Concepts listed per row of the summary.
pub const SUMMARY_TOP: usize = 10;

impl SummaryRow {
    /// The row of a report's JSON text (a report that does not read is a failed row).
    pub fn of_report(key: &str, json: &str) -> Self {
        let outcome = serde_json::from_str::<Figures>(json).map_err(|e| format!("its report does not read back: {e}"));
        Self { key: key.to_owned(), outcome }
    }

    /// The row of a failed conversation.
    pub fn failed(key: &str, error: &str) -> Self {
        Self { key: key.to_owned(), outcome: Err(error.to_owned()) }
    }
}

/// The summary table as CSV (RFC 4180), rows in the order given (callers sort by key):
/// `file, status, speakers, exchanges, tokens, neurons, connections, sum_mass, top_concepts,
/// warnings, error`. Multi-valued cells are joined by `; ` (concepts) and ` | ` (warnings).
pub fn summary_csv(rows: &[SummaryRow]) -> String {
    let mut out = String::from(
        "file,status,speakers,exchanges,tokens,neurons,connections,sum_mass,top_concepts,warnings,error\n",
    );
    for row in rows {
        let line = match &row.outcome {
            Ok(f) => {
                let top: Vec<&str> = f.top_mass.iter().take(SUMMARY_TOP).map(|(w, _)| w.as_str()).collect();
                format!(
                    "{},ok,{},{},{},{},{},{},{},{},",
                    csv(&row.key),
                    f.speakers.len(),
                    f.exchanges,
                    f.tokens,
                    f.neurons,
                    f.connections,
                    num(f.sum_mass),
                    csv(&top.join("; ")),
                    csv(&f.warnings.join(" | ")),
                )
            }
            Err(e) => format!("{},failed,,,,,,,,,{}", csv(&row.key), csv(e)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_corpus_whatever_its_order() {
        let keys: Vec<String> = (0..500).map(|k| format!("interview-{k}.txt")).collect();
        let n = 7;
        let mut seen = vec![0; keys.len()];
        for i in 1..=n {
            let shard = Shard::parse(&format!("{i}/{n}")).unwrap();
            let part: Vec<usize> = (0..keys.len()).filter(|&k| shard.holds(&keys[k])).collect();
            // Roughly balanced: each of 7 parts of 500 holds 71 ± 30.
            assert!((41..=101).contains(&part.len()), "shard {i}: {}", part.len());
            for k in part {
                seen[k] += 1;
            }
        }
        assert!(seen.iter().all(|&s| s == 1), "every key in exactly one shard");
        assert!(keys.iter().all(|k| Shard::ALL.holds(k)));
        // A fixed value: the assignment must not change between versions or machines.
        // Pinned values (FNV-1a mod 3, computed independently): the assignment must not change
        // between versions or machines, or a resumed sharded batch would redo files.
        assert!(Shard::parse("3/3").unwrap().holds("DeepConvo.txt"));
        assert!(Shard::parse("1/3").unwrap().holds("feynman total.txt"));
        assert!(Shard::parse("2/3").unwrap().holds("a"));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "1/100001", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_summary_quotes_cells_and_records_failures() {
        let json = r#"{"speakers":["A","B"],"exchanges":3,"tokens":10,"neurons":4,"connections":5,
            "sum_mass":1.5,"top_mass":[["x, y",1.0],["z",0.5]],"warnings":["w1","w2"],"other":1}"#;
        let rows = [SummaryRow::of_report("a.txt", json), SummaryRow::failed("b\".txt", "not a conversation")];
        assert_eq!(
            summary_csv(&rows),
            "file,status,speakers,exchanges,tokens,neurons,connections,sum_mass,top_concepts,warnings,error\n\
             a.txt,ok,2,3,10,4,5,1.5,\"x, y; z\",w1 | w2,\n\
             \"b\"\".txt\",failed,,,,,,,,,not a conversation\n"
        );
        assert!(SummaryRow::of_report("c", "{").outcome.is_err());
    }
}
