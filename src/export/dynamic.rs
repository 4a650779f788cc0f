//! GEXF 1.3 with time, for Gephi's timeline: the network at each checkpoint of a run, nodes
//! (keyed by word: a windowed engine reuses evicted neurons' ids) and directed edges with the
//! spells in which they exist and their mass (nodes) or strength (edges) over time. Time is the
//! exchange count: the state after exchange `t_k` holds from `t_k` up to the next checkpoint's
//! exchange minus one (closed integer intervals), the last checkpoint on its own exchange.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::Provenance;
use super::text::{num, xml};
use crate::analysis::mass::concept_masses;
use crate::model::network::Network;

/// Values of one node or edge: (checkpoint index, value) in checkpoint order.
type Series = Vec<(usize, f64)>;

/// Most values (a node's mass or an edge's strength at one checkpoint) one document holds.
pub const MAX_VALUES: usize = 20_000_000;

/// A dynamic GEXF built one checkpoint at a time (memory: the values written, no networks).
#[derive(Debug, Default)]
pub struct DynamicGexf {
    /// Values held; a checkpoint that would pass [`MAX_VALUES`] is refused.
    values: usize,
    times: Vec<usize>,
    nodes: Vec<String>,
    node_series: HashMap<String, Series>,
    edges: Vec<(String, String)>,
    edge_series: HashMap<(String, String), Series>,
}

impl DynamicGexf {
    /// Add the network after `exchange` exchanges (checkpoints in increasing order; an
    /// exchange not after the previous one is ignored). `false`, and nothing added, when it
    /// would take the document past [`MAX_VALUES`].
    pub fn add(&mut self, exchange: usize, network: &Network) -> bool {
        if self.times.last().is_some_and(|&t| t >= exchange) {
            return true;
        }
        let values = network.words.len() + network.connections.len();
        if self.values + values > MAX_VALUES {
            return false;
        }
        self.values += values;
        let k = self.times.len();
        self.times.push(exchange);
        let masses = concept_masses(network);
        for (word, &mass) in network.words.iter().zip(&masses) {
            if word.is_empty() {
                continue;
            }
            let series = self.node_series.entry(word.clone()).or_insert_with(|| {
                self.nodes.push(word.clone());
                Vec::new()
            });
            series.push((k, mass));
        }
        let word = |id: u32| network.words.get(id as usize).filter(|w| !w.is_empty());
        for c in &network.connections {
            let (Some(from), Some(to)) = (word(c.from), word(c.to)) else { continue };
            let key = (from.clone(), to.clone());
            let series = self.edge_series.entry(key.clone()).or_insert_with(|| {
                self.edges.push(key);
                Vec::new()
            });
            series.push((k, c.strength));
        }
        true
    }

    /// Checkpoints added.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Whether none were added.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The last exchange checkpoint `k`'s state holds for.
    fn end(&self, k: usize) -> usize {
        self.times.get(k + 1).map_or(self.times[k], |&next| next.saturating_sub(1).max(self.times[k]))
    }

    /// Maximal runs of consecutive checkpoints in `series`, as (start, end) exchanges.
    fn spells(&self, series: &Series) -> Vec<(usize, usize)> {
        let mut runs: Vec<(usize, usize)> = Vec::new(); // (first k, last k)
        for &(k, _) in series {
            match runs.last_mut() {
                Some(run) if run.1 + 1 == k => run.1 = k,
                _ => runs.push((k, k)),
            }
        }
        runs.iter().map(|&(a, b)| (self.times[a], self.end(b))).collect()
    }

    fn attvalues(&self, x: &mut String, name: &str, series: &Series) {
        x.push_str("<attvalues>");
        for &(k, v) in series {
            let _ = write!(
                x,
                "<attvalue for=\"{name}\" value=\"{}\" start=\"{}\" end=\"{}\"/>",
                num(v),
                self.times[k],
                self.end(k)
            );
        }
        x.push_str("</attvalues>");
    }

    fn spells_xml(&self, x: &mut String, series: &Series) {
        x.push_str("<spells>");
        for (start, end) in self.spells(series) {
            let _ = write!(x, "<spell start=\"{start}\" end=\"{end}\"/>");
        }
        x.push_str("</spells>");
    }

    /// The GEXF document, with `provenance` in its meta.
    pub fn finish(&self, provenance: &Provenance) -> String {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str("<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n");
        let _ = writeln!(x, "  <meta lastmodifieddate=\"{}\">", provenance.date.get(..10).unwrap_or(""));
        let _ = writeln!(x, "    <creator>{}</creator>", xml(&provenance.software));
        let _ = writeln!(x, "    <description>{}</description>", xml(&provenance.lines()));
        x.push_str("  </meta>\n");
        x.push_str(
            "  <graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"integer\" timerepresentation=\"interval\">\n",
        );
        x.push_str("    <attributes class=\"node\" mode=\"dynamic\"><attribute id=\"mass\" title=\"mass\" type=\"double\"/></attributes>\n");
        x.push_str("    <attributes class=\"edge\" mode=\"dynamic\"><attribute id=\"strength\" title=\"strength\" type=\"double\"/></attributes>\n");
        x.push_str("    <nodes>\n");
        let mut id_of: HashMap<&str, usize> = HashMap::new();
        for (i, word) in self.nodes.iter().enumerate() {
            id_of.insert(word, i);
            let Some(series) = self.node_series.get(word) else { continue };
            let _ = write!(x, "      <node id=\"{i}\" label=\"{}\">", xml(word));
            self.attvalues(&mut x, "mass", series);
            self.spells_xml(&mut x, series);
            x.push_str("</node>\n");
        }
        x.push_str("    </nodes>\n    <edges>\n");
        for (e, key) in self.edges.iter().enumerate() {
            // Both ends were added as nodes with the edge; the lookups cannot miss.
            let (Some(series), Some(from), Some(to)) =
                (self.edge_series.get(key), id_of.get(key.0.as_str()), id_of.get(key.1.as_str()))
            else {
                continue;
            };
            let last = series.last().map_or(0.0, |&(_, v)| v);
            let _ = write!(x, "      <edge id=\"{e}\" source=\"{from}\" target=\"{to}\" weight=\"{}\">", num(last));
            self.attvalues(&mut x, "strength", series);
            self.spells_xml(&mut x, series);
            x.push_str("</edge>\n");
        }
        x.push_str("    </edges>\n  </graph>\n</gexf>\n");
        x
    }
}
