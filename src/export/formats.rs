//! The interchange formats. Every one holds the same graph: the map's concepts (id = neuron
//! id; label, mass, cluster and its name, stability, the centralities, map coordinates) and
//! every directed connection between them (strength as the weight, and mass), self-connections
//! included.

use std::fmt::Write as _;

use super::Results;
use super::palette::{self, Rgb};
use super::text::{csv as csv_field, no_controls, num, xml};

/// One node with everything the formats write about it.
struct Row {
    id: u32,
    label: String,
    mass: f64,
    cluster: usize,
    cluster_name: String,
    stability: f64,
    strength_out: f64,
    strength_in: f64,
    betweenness: f64,
    eigenvector: f64,
    pagerank: f64,
    xyz: [f64; 3],
    size: f64,
    colour: Rgb,
}

/// Node attributes as (name, GraphML/GEXF type, value of a row).
type Column = (&'static str, &'static str, fn(&Row) -> String);

const COLUMNS: [Column; 10] = [
    ("mass", "double", |r| num(r.mass)),
    ("cluster", "int", |r| (r.cluster + 1).to_string()),
    ("cluster_name", "string", |r| r.cluster_name.clone()),
    ("stability", "double", |r| num(r.stability)),
    ("strength_out", "double", |r| num(r.strength_out)),
    ("strength_in", "double", |r| num(r.strength_in)),
    ("betweenness", "double", |r| num(r.betweenness)),
    ("eigenvector", "double", |r| num(r.eigenvector)),
    ("pagerank", "double", |r| num(r.pagerank)),
    ("size", "double", |r| num(r.size)),
];

fn rows(r: &Results<'_>) -> Vec<Row> {
    let s = r.structure;
    let g = &s.graph;
    let max_mass = g.masses.iter().copied().fold(1e-12, f64::max);
    (0..g.len())
        .map(|i| {
            let cluster = s.clusters.of.get(i).copied().unwrap_or(0);
            Row {
                id: g.ids[i],
                label: g.labels[i].clone(),
                mass: g.masses[i],
                cluster,
                cluster_name: if s.clusters.is_empty() { String::new() } else { s.clusters.name(g, cluster) },
                stability: s.clusters.stability.get(i).copied().unwrap_or(1.0),
                strength_out: s.centrality.strength_out[i],
                strength_in: s.centrality.strength_in[i],
                betweenness: s.centrality.betweenness[i],
                eigenvector: s.centrality.eigenvector[i],
                pagerank: s.centrality.pagerank[i],
                xyz: r.map.coords.get(g.entries[i]).copied().unwrap_or([0.0; 3]),
                size: 4.0 + 16.0 * (g.masses[i].max(0.0) / max_mass).sqrt(),
                colour: palette::cluster(cluster),
            }
        })
        .collect()
}

/// GEXF 1.3 for Gephi: node attributes declared once, `viz:position` (the map's first three
/// dimensions), `viz:size` (by mass), `viz:color` (by cluster); directed edges weighted by
/// strength with their mass; the provenance in `meta`.
pub fn gexf(r: &Results<'_>) -> String {
    let p = r.provenance;
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    );
    let _ = writeln!(x, "  <meta lastmodifieddate=\"{}\">", p.date.get(..10).unwrap_or(""));
    let _ = writeln!(x, "    <creator>{}</creator>", xml(&p.software));
    let _ = writeln!(x, "    <description>{}</description>", xml(&p.lines()));
    x.push_str("  </meta>\n  <graph mode=\"static\" defaultedgetype=\"directed\">\n");
    x.push_str("    <attributes class=\"node\" mode=\"static\">\n");
    for (name, kind, _) in COLUMNS {
        let kind = if kind == "int" { "integer" } else { kind };
        let _ = writeln!(x, "      <attribute id=\"{name}\" title=\"{name}\" type=\"{kind}\"/>");
    }
    x.push_str("    </attributes>\n    <attributes class=\"edge\" mode=\"static\">\n");
    x.push_str("      <attribute id=\"mass\" title=\"mass\" type=\"double\"/>\n    </attributes>\n    <nodes>\n");
    for row in rows(r) {
        let _ = writeln!(x, "      <node id=\"{}\" label=\"{}\">", row.id, xml(&row.label));
        x.push_str("        <attvalues>\n");
        for (name, _, value) in COLUMNS {
            let _ = writeln!(x, "          <attvalue for=\"{name}\" value=\"{}\"/>", xml(&value(&row)));
        }
        x.push_str("        </attvalues>\n");
        let _ = writeln!(x, "        <viz:size value=\"{}\"/>", num(row.size));
        let [px, py, pz] = row.xyz;
        let _ = writeln!(x, "        <viz:position x=\"{}\" y=\"{}\" z=\"{}\"/>", num(px), num(py), num(pz));
        let [cr, cg, cb] = row.colour;
        let _ = writeln!(x, "        <viz:color r=\"{cr}\" g=\"{cg}\" b=\"{cb}\"/>");
        x.push_str("      </node>\n");
    }
    x.push_str("    </nodes>\n    <edges>\n");
    let g = &r.structure.graph;
    for (k, e) in g.edges.iter().enumerate() {
        let _ = writeln!(
            x,
            "      <edge id=\"{k}\" source=\"{}\" target=\"{}\" weight=\"{}\"><attvalues><attvalue for=\"mass\" value=\"{}\"/></attvalues></edge>",
            g.ids[e.from],
            g.ids[e.to],
            num(e.strength),
            num(e.mass)
        );
    }
    x.push_str("    </edges>\n  </graph>\n</gexf>\n");
    x
}

/// GraphML: every node attribute, the coordinates (`x`, `y`, `z`) and colour (`r`, `g`, `b`)
/// declared as keys; edges with `weight` (strength) and `mass`; the provenance as a graph key.
pub fn graphml(r: &Results<'_>) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    x.push_str("  <key id=\"provenance\" for=\"graph\" attr.name=\"provenance\" attr.type=\"string\"/>\n");
    x.push_str("  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n");
    for (name, kind, _) in COLUMNS {
        let _ = writeln!(x, "  <key id=\"{name}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{kind}\"/>");
    }
    for name in ["x", "y", "z"] {
        let _ = writeln!(x, "  <key id=\"{name}\" for=\"node\" attr.name=\"{name}\" attr.type=\"double\"/>");
    }
    for name in ["r", "g", "b"] {
        let _ = writeln!(x, "  <key id=\"{name}\" for=\"node\" attr.name=\"{name}\" attr.type=\"int\"/>");
    }
    x.push_str("  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    x.push_str("  <key id=\"edge_mass\" for=\"edge\" attr.name=\"mass\" attr.type=\"double\"/>\n");
    x.push_str("  <graph id=\"huey\" edgedefault=\"directed\">\n");
    let _ = writeln!(x, "    <data key=\"provenance\">{}</data>", xml(&r.provenance.lines()));
    for row in rows(r) {
        let _ = write!(x, "    <node id=\"{}\"><data key=\"label\">{}</data>", row.id, xml(&row.label));
        for (name, _, value) in COLUMNS {
            let _ = write!(x, "<data key=\"{name}\">{}</data>", xml(&value(&row)));
        }
        for (name, v) in ["x", "y", "z"].iter().zip(row.xyz) {
            let _ = write!(x, "<data key=\"{name}\">{}</data>", num(v));
        }
        for (name, v) in ["r", "g", "b"].iter().zip(row.colour) {
            let _ = write!(x, "<data key=\"{name}\">{v}</data>");
        }
        x.push_str("</node>\n");
    }
    let g = &r.structure.graph;
    for e in &g.edges {
        let _ = writeln!(
            x,
            "    <edge source=\"{}\" target=\"{}\"><data key=\"weight\">{}</data><data key=\"edge_mass\">{}</data></edge>",
            g.ids[e.from],
            g.ids[e.to],
            num(e.strength),
            num(e.mass)
        );
    }
    x.push_str("  </graph>\n</graphml>\n");
    x
}

/// Coordinates scaled into 0..1 (Pajek's drawing box), one factor for all three axes so the
/// map keeps its shape.
fn unit_box(rows: &[Row]) -> Vec<[f64; 3]> {
    let extent = rows.iter().flat_map(|r| r.xyz).fold(1e-12, |m: f64, v| m.max(v.abs()));
    rows.iter().map(|r| r.xyz.map(|v| 0.5 + 0.5 * v / extent)).collect()
}

/// A Pajek label: Pajek has no escapes, so a `"` becomes `'` and a `\` becomes `/`.
fn pajek_label(s: &str) -> String {
    no_controls(s).replace('"', "'").replace('\\', "/")
}

/// Pajek `.net`: the provenance as `%` comments, vertices `k "label" x y z` (numbered from 1,
/// coordinates in 0..1), arcs `from to strength`.
pub fn pajek(r: &Results<'_>) -> String {
    let mut x = String::new();
    for line in r.provenance.lines().lines() {
        let _ = writeln!(x, "% {}", no_controls(line));
    }
    let rows = rows(r);
    let _ = writeln!(x, "*Vertices {}", rows.len());
    // Readers key vertices by label, so two labels the replacements made equal (`"a"` and
    // `'a'`) are told apart by the neuron id.
    let mut seen = std::collections::HashSet::new();
    for (k, (row, [px, py, pz])) in rows.iter().zip(unit_box(&rows)).enumerate() {
        let mut label = pajek_label(&row.label);
        if !seen.insert(label.clone()) {
            label = format!("{label} #{}", row.id);
            seen.insert(label.clone());
        }
        let _ = writeln!(x, "{} \"{label}\" {px:.6} {py:.6} {pz:.6}", k + 1);
    }
    x.push_str("*Arcs\n");
    for e in &r.structure.graph.edges {
        let _ = writeln!(x, "{} {} {}", e.from + 1, e.to + 1, num(e.strength));
    }
    x
}

/// VOSviewer's map file (tab-separated, its manual's columns: `id label x y cluster` and
/// `weight<…>` columns) and network file (`id id strength`, one line per linked pair: VOSviewer
/// links are undirected, so the strength is `s_ij + s_ji`). Ids and clusters count from 1.
pub fn vosviewer(r: &Results<'_>) -> (String, String) {
    let rows = rows(r);
    let mut map = String::from(
        "id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tweight<Mass>\tscore<Betweenness>\n",
    );
    let pairs = r.structure.graph.undirected();
    let (mut links, mut total) = (vec![0usize; rows.len()], vec![0.0f64; rows.len()]);
    for &(a, b, w) in &pairs {
        links[a] += 1;
        links[b] += 1;
        total[a] += w;
        total[b] += w;
    }
    for (k, row) in rows.iter().enumerate() {
        let _ = writeln!(
            map,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            k + 1,
            no_controls(&row.label),
            num(row.xyz[0]),
            num(row.xyz[1]),
            row.cluster + 1,
            links[k],
            num(total[k]),
            num(row.mass),
            num(row.betweenness)
        );
    }
    let mut network = String::new();
    for (a, b, w) in pairs {
        let _ = writeln!(network, "{}\t{}\t{}", a + 1, b + 1, num(w));
    }
    (map, network)
}

/// CSV nodes (`id,label,mass,cluster,…,x,y,z`) and edges (`source,target,source_label,
/// target_label,strength,mass`), ids being neuron ids.
pub fn csv(r: &Results<'_>) -> (String, String) {
    let mut nodes = String::from("id,label");
    for (name, _, _) in COLUMNS {
        let _ = write!(nodes, ",{name}");
    }
    nodes.push_str(",x,y,z\n");
    for row in rows(r) {
        let _ = write!(nodes, "{},{}", row.id, csv_field(&row.label));
        for (_, _, value) in COLUMNS {
            let _ = write!(nodes, ",{}", csv_field(&value(&row)));
        }
        let _ = writeln!(nodes, ",{},{},{}", num(row.xyz[0]), num(row.xyz[1]), num(row.xyz[2]));
    }
    let g = &r.structure.graph;
    let mut edges = String::from("source,target,source_label,target_label,strength,mass\n");
    for e in &g.edges {
        let _ = writeln!(
            edges,
            "{},{},{},{},{},{}",
            g.ids[e.from],
            g.ids[e.to],
            csv_field(&g.labels[e.from]),
            csv_field(&g.labels[e.to]),
            num(e.strength),
            num(e.mass)
        );
    }
    (nodes, edges)
}

/// One JSON document: provenance, the map's eigenvalues, the clustering, nodes and edges.
pub fn json(r: &Results<'_>) -> String {
    let rows = rows(r);
    let c = &r.structure.clusters;
    let g = &r.structure.graph;
    let nodes: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "id": row.id,
                "label": row.label,
                "mass": row.mass,
                "cluster": row.cluster + 1,
                "cluster_name": row.cluster_name,
                "stability": row.stability,
                "strength_out": row.strength_out,
                "strength_in": row.strength_in,
                "betweenness": row.betweenness,
                "eigenvector": row.eigenvector,
                "pagerank": row.pagerank,
                "position": row.xyz,
            })
        })
        .collect();
    let edges: Vec<serde_json::Value> = g
        .edges
        .iter()
        .map(|e| serde_json::json!({"source": g.ids[e.from], "target": g.ids[e.to], "strength": e.strength, "mass": e.mass}))
        .collect();
    let doc = serde_json::json!({
        "provenance": r.provenance,
        "map": {
            "eigenvalues": r.map.eigenvalues,
            "warp": r.map.warp.filter(|w| w.is_finite()),
            "variance_top3_pct": r.map.variance_top3_pct,
        },
        "clusters": {
            "algorithm": "leiden",
            "quality": c.options.quality.as_str(),
            "resolution": c.options.resolution,
            "seed": c.options.seed,
            "runs": c.options.runs,
            "modularity": c.modularity,
            "names": (0..c.len()).map(|k| c.name(g, k)).collect::<Vec<_>>(),
        },
        "betweenness_pivots": r.structure.centrality.betweenness_pivots,
        "nodes": nodes,
        "edges": edges,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
