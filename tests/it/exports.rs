//! Results that leave the app, read back by readers that are not ours: networkx reads the
//! GEXF, GraphML and Pajek files (`tests/readers/read_network.py`), the VOSviewer files are
//! checked by its manual's column rules, `rsvg-convert` renders the SVG figures, a PNG decoder
//! reads the PNG's size and DPI. Plus Leiden's determinism across runs and backends, the
//! questionnaire's pairs and blocks, provenance, and figures asked for the impossible.
//!
//! The readers are Python's networkx and librsvg's `rsvg-convert`; `.ci/run` installs both and
//! sets `REQUIRE_READERS=1`, which turns a missing reader into a failure instead of a skip.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use huey::model::options::AnalysisOptions;
use huey::text::kill_words::KillSource;

use crate::{fixture, shared_dir};

fn huey(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huey")).args(args).output().unwrap()
}

/// Run huey, insisting that it succeeds; its stdout.
fn huey_ok(args: &[&str]) -> String {
    let o = huey(args);
    assert!(o.status.success(), "huey {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether `program --version`-style probe `args` runs; if not, skip (printing why) unless
/// `REQUIRE_READERS` is set, when a missing reader fails the test.
fn reader(what: &str, program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program).args(args).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("REQUIRE_READERS").is_none(),
            "REQUIRE_READERS is set but {what} is missing ({program} {args:?} failed)"
        );
        eprintln!("skipped: {what} is not installed ({program} {args:?} failed); .ci/run installs it");
    }
    ok
}

fn networkx() -> bool {
    reader("networkx", "python3", &["-c", "import networkx"])
}

fn rsvg() -> bool {
    reader("rsvg-convert (librsvg2-bin)", "rsvg-convert", &["--version"])
}

/// The map's concepts and the network's connections among them, computed here in-process
/// from the network itself (not from any export): label → (mass, x, y) and (from, to) → strength.
struct Expected {
    nodes: BTreeMap<String, (f64, f64, f64)>,
    edges: BTreeMap<(String, String), f64>,
}

fn expected(path: &Path) -> Expected {
    let text = std::fs::read_to_string(path).unwrap();
    let (kill, _) = huey::io::kill_list::load(&KillSource::None).unwrap();
    let a = huey::run::pipeline::analyze_text(&text, &AnalysisOptions::default(), &kill).unwrap();
    let map = &a.map;
    // A neuron the map lists twice is one node, at its later entry (as the map's matrix).
    let mut label_of = BTreeMap::new();
    let mut nodes = BTreeMap::new();
    for (entry, &id) in map.ids.iter().enumerate() {
        label_of.insert(id, map.labels[entry].clone());
    }
    for (entry, &id) in map.ids.iter().enumerate() {
        if label_of[&id] == map.labels[entry] {
            nodes.insert(map.labels[entry].clone(), (map.masses[entry], map.coords[entry][0], map.coords[entry][1]));
        }
    }
    let edges = a
        .network
        .connections
        .iter()
        .filter_map(|c| Some(((label_of.get(&c.from)?.clone(), label_of.get(&c.to)?.clone()), c.strength)))
        .collect();
    Expected { nodes, edges }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

/// `huey export FILE --no-kill --format FORMAT --out dir/NAME` (plus `extra`); the path.
fn export(file: &Path, format: &str, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args =
        vec!["export", file.to_str().unwrap(), "--no-kill", "--format", format, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    huey_ok(&args);
    out
}

/// The conversations the readers check: our fixture, and a real one when `../shared` is here.
fn conversations() -> Vec<PathBuf> {
    let mut files = vec![fixture("labeled_three_speakers.txt")];
    match shared_dir() {
        Some(shared) => files.push(shared.join("huey_data/DeepConvo.txt")),
        None => eprintln!("../shared is absent: only the fixture is exported"),
    }
    files
}

#[test]
fn networkx_reads_the_same_network_from_gexf_graphml_and_pajek() {
    if !networkx() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for file in conversations() {
        let want = expected(&file);
        assert!(want.nodes.len() > 10 && want.edges.len() > 20, "{file:?}: too small to prove anything");
        for (format, name) in [("gexf", "talk.gexf"), ("graphml", "talk.graphml"), ("pajek", "talk.net")] {
            let path = export(&file, format, dir.path(), name, &[]);
            let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/readers/read_network.py");
            let o = Command::new("python3").arg(&script).arg(format).arg(&path).output().unwrap();
            assert!(o.status.success(), "networkx could not read {path:?}: {}", String::from_utf8_lossy(&o.stderr));
            let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(got["directed"], true, "{format}: directed");
            let nodes = got["nodes"].as_object().unwrap();
            assert_eq!(
                nodes.keys().cloned().collect::<BTreeSet<_>>(),
                want.nodes.keys().cloned().collect(),
                "{format}"
            );
            let edges = got["edges"].as_array().unwrap();
            assert_eq!(edges.len(), want.edges.len(), "{format}: {file:?}");
            for e in edges {
                let key = (e[0].as_str().unwrap().to_owned(), e[1].as_str().unwrap().to_owned());
                let w = e[2].as_f64().unwrap();
                let s = want.edges.get(&key).unwrap_or_else(|| panic!("{format}: {key:?} is no connection"));
                if format == "pajek" {
                    assert!((w - s).abs() <= 1e-12, "{format} {key:?}: {w} vs {s}");
                } else {
                    assert!(close(w, *s), "{format} {key:?}: {w} vs {s}");
                }
            }
            // The attributes Gephi shows: mass, cluster, centralities, and (GEXF) the map's
            // coordinates as viz:position.
            for (label, &(mass, x, y)) in &want.nodes {
                let n = &nodes[label];
                if format == "pajek" {
                    continue;
                }
                assert!(close(n["mass"].as_f64().unwrap(), mass), "{format} {label}: mass");
                assert!(n["cluster"].as_i64().unwrap() >= 1, "{format} {label}: clusters count from 1");
                for key in ["strength_out", "strength_in", "betweenness", "eigenvector", "pagerank", "stability"] {
                    assert!(n[key].as_f64().is_some_and(f64::is_finite), "{format} {label}: {key}");
                }
                let (px, py) = if format == "gexf" {
                    (&n["viz"]["position"]["x"], &n["viz"]["position"]["y"])
                } else {
                    (&n["x"], &n["y"])
                };
                assert!(close(px.as_f64().unwrap(), x) && close(py.as_f64().unwrap(), y), "{format} {label}: position");
            }
        }
    }
}

/// VOSviewer's manual (§ "Map files", "Network files"): a tab-separated map file whose header
/// names `id`, `label`, `x`, `y`, `cluster` and `weight<…>`/`score<…>` columns, ids and
/// clusters positive integers, weights non-negative; a network file without a header, one line
/// `id id strength` per link with both ids in the map file and a positive strength.
#[test]
fn vosviewer_files_follow_the_manuals_column_rules() {
    let dir = tempfile::tempdir().unwrap();
    for file in conversations() {
        let want = expected(&file);
        let out = export(&file, "vosviewer", dir.path(), "talk.txt", &[]);
        assert_eq!(out, dir.path().join("talk.txt"));
        let map = std::fs::read_to_string(dir.path().join("talk_map.txt")).unwrap();
        let network = std::fs::read_to_string(dir.path().join("talk_network.txt")).unwrap();
        let mut lines = map.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        assert_eq!(&header[..5], ["id", "label", "x", "y", "cluster"]);
        for h in &header[5..] {
            assert!(
                (h.starts_with("weight<") || h.starts_with("score<")) && h.ends_with('>'),
                "a column VOSviewer does not know: {h}"
            );
        }
        let mut label_of = BTreeMap::new();
        let (mut links, mut total) = (BTreeMap::new(), BTreeMap::new());
        for line in lines {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), header.len(), "{line}");
            let id: u32 = cols[0].parse().unwrap();
            assert!(id >= 1);
            assert!(label_of.insert(id, cols[1].to_owned()).is_none(), "id {id} twice");
            let (x, y): (f64, f64) = (cols[2].parse().unwrap(), cols[3].parse().unwrap());
            let &(_, wx, wy) = want.nodes.get(cols[1]).unwrap_or_else(|| panic!("{} is not on the map", cols[1]));
            assert!(close(x, wx) && close(y, wy), "{line}");
            assert!(cols[4].parse::<u32>().unwrap() >= 1, "clusters count from 1: {line}");
            for value in &cols[5..] {
                assert!(value.parse::<f64>().unwrap() >= 0.0, "{line}");
            }
            links.insert(id, cols[5].parse::<f64>().unwrap());
            total.insert(id, cols[6].parse::<f64>().unwrap());
        }
        assert_eq!(label_of.len(), want.nodes.len());
        let (mut seen_links, mut seen_total) = (BTreeMap::<u32, f64>::new(), BTreeMap::<u32, f64>::new());
        let mut pairs = BTreeSet::new();
        for line in network.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "{line}");
            let (a, b): (u32, u32) = (cols[0].parse().unwrap(), cols[1].parse().unwrap());
            let w: f64 = cols[2].parse().unwrap();
            assert!(a != b && w > 0.0, "{line}");
            assert!(pairs.insert((a.min(b), a.max(b))), "pair {a} {b} twice");
            // Undirected: the association s_ab + s_ba of the two directed connections.
            let (la, lb) = (label_of[&a].clone(), label_of[&b].clone());
            let s = want.edges.get(&(la.clone(), lb.clone())).unwrap_or(&0.0)
                + want.edges.get(&(lb.clone(), la.clone())).unwrap_or(&0.0);
            assert!(close(w, s), "{la} {lb}: {w} vs {s}");
            for id in [a, b] {
                *seen_links.entry(id).or_default() += 1.0;
                *seen_total.entry(id).or_default() += w;
            }
        }
        let linked =
            want.edges.keys().filter(|(a, b)| a != b).map(|(a, b)| (a.min(b), a.max(b))).collect::<BTreeSet<_>>();
        assert_eq!(pairs.len(), linked.len(), "every linked pair once");
        for (id, n) in links {
            assert_eq!(seen_links.get(&id).copied().unwrap_or(0.0), n, "weight<Links> of {id}");
            assert!(close(seen_total.get(&id).copied().unwrap_or(0.0), total[&id]), "total link strength of {id}");
        }
    }
}

#[test]
fn csv_and_json_hold_the_same_network() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    let want = expected(&file);
    export(&file, "csv", dir.path(), "talk.csv", &[]);
    let nodes = std::fs::read_to_string(dir.path().join("talk_nodes.csv")).unwrap();
    let edges = std::fs::read_to_string(dir.path().join("talk_edges.csv")).unwrap();
    assert!(nodes.starts_with("id,label,mass,cluster,"), "{nodes}");
    assert_eq!(nodes.lines().count(), want.nodes.len() + 1);
    assert!(edges.starts_with("source,target,source_label,target_label,strength,mass\n"));
    assert_eq!(edges.lines().count(), want.edges.len() + 1);
    for line in edges.lines().skip(1) {
        // The fixture's labels are plain words: no quoting to undo.
        let c: Vec<&str> = line.split(',').collect();
        let s = want.edges[&(c[2].to_owned(), c[3].to_owned())];
        assert!(close(c[4].parse().unwrap(), s), "{line}");
    }
    let json = export(&file, "json", dir.path(), "talk.json", &[]);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(v["nodes"].as_array().unwrap().len(), want.nodes.len());
    assert_eq!(v["edges"].as_array().unwrap().len(), want.edges.len());
}

/// Provenance in every export: version, input name and hash, engine, tokenizer, kill list,
/// parameters, backend and precision, date.
#[test]
fn every_export_says_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    let hash = huey::run::provenance::sha256_hex(&std::fs::read_to_string(&file).unwrap());
    let outputs: [(&str, &str, &[&str]); 6] = [
        ("gexf", "a.gexf", &["a.gexf"]),
        ("graphml", "a.graphml", &["a.graphml"]),
        ("pajek", "a.net", &["a.net"]),
        ("vosviewer", "v.txt", &["v_provenance.txt"]),
        ("csv", "c.csv", &["c_provenance.txt"]),
        ("questionnaire", "q.html", &["q.html"]),
    ];
    for (format, name, carriers) in outputs {
        export(&file, format, dir.path(), name, &[]);
        for carrier in carriers {
            let text = std::fs::read_to_string(dir.path().join(carrier)).unwrap();
            let version = format!("huey {}", env!("CARGO_PKG_VERSION"));
            for needle in [
                version.as_str(),
                "labeled_three_speakers.txt",
                hash.as_str(),
                "temporal",
                "tokenizer",
                "kill",
                "engine.common.eta",
                "f64",
                "2026",
            ] {
                assert!(text.contains(needle), "{format} ({carrier}) lacks {needle}:\n{text}");
            }
        }
    }
    let json = export(&file, "json", dir.path(), "p.json", &[]);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(v["provenance"]["input_sha256"], hash.as_str());
}

/// Leiden with one seed gives one partition: run after run, and on the CPU and the GPU.
#[test]
fn leiden_is_the_same_for_a_seed_across_runs_and_backends() {
    let dir = tempfile::tempdir().unwrap();
    let file = conversations().pop().unwrap();
    // Keyed by label: concepts of equal mass may be listed in either order when the backends'
    // masses differ in the last bit.
    let clusters = |name: &str, seed: &str| -> BTreeMap<String, u64> {
        let args = ["--cluster-seed", seed, "--cluster-runs", "5"];
        let path = export(&file, "json", dir.path(), name, &args);
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        by_label(&v)
    };
    let first = clusters("a.json", "7");
    assert!(first.values().collect::<BTreeSet<_>>().len() >= 2, "{first:?}: one cluster proves nothing");
    assert_eq!(clusters("b.json", "7"), first, "the same seed, again");
    // The GPU: an adapter is required on CI (REQUIRE_GPU); elsewhere a missing one is a skip.
    let gpu_out = dir.path().join("gpu.json");
    let o = huey(&[
        "export",
        file.to_str().unwrap(),
        "--no-kill",
        "--backend",
        "gpu",
        "--format",
        "json",
        "--cluster-seed",
        "7",
        "--cluster-runs",
        "5",
        "--out",
        gpu_out.to_str().unwrap(),
    ]);
    if !o.status.success() {
        let why = String::from_utf8_lossy(&o.stderr);
        assert!(std::env::var_os("REQUIRE_GPU").is_none(), "REQUIRE_GPU is set but the GPU run failed: {why}");
        eprintln!("skipped the GPU half: {why}");
        return;
    }
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(gpu_out).unwrap()).unwrap();
    assert_eq!(v["provenance"]["backend"], "gpu");
    assert_eq!(by_label(&v), first, "GPU f64 and CPU f64 networks give one partition");
    // Another seed is allowed to differ, but must itself be reproducible.
    assert_eq!(clusters("c.json", "8"), clusters("d.json", "8"));
}

/// Each node's cluster, by label, from a JSON export.
fn by_label(v: &serde_json::Value) -> BTreeMap<String, u64> {
    v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["label"].as_str().unwrap().to_owned(), n["cluster"].as_u64().unwrap()))
        .collect()
}

#[test]
fn the_questionnaire_asks_every_pair_in_blocks_of_seven() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    let ask = ["--ask", "beans", "--ask", "trees", "--ask", "sun", "--ask", "light"];
    let mut args = ask.to_vec();
    args.extend(["--reference-pair", "beans,trees", "--reference-distance", "50"]);
    let html = export(&file, "questionnaire", dir.path(), "q.html", &args);
    let csv = std::fs::read_to_string(dir.path().join("q.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "block,question,concept_a,concept_b,distance");
    assert_eq!(rows[1], "0,0,beans,trees,50", "the reference pair and its distance");
    assert_eq!(rows.len(), 2 + 6, "4 concepts: 6 pairs one way");
    assert_eq!(rows[2], "1,1,beans,trees,");
    let html = std::fs::read_to_string(html).unwrap();
    assert_eq!(html.matches("How far apart are").count(), 6);
    assert!(html.contains("<strong>beans</strong> and <strong>trees</strong> are <strong>50</strong> units apart"));

    // Both directions over the 10 heaviest: 90 questions, 13 blocks of at most seven.
    export(&file, "questionnaire", dir.path(), "top.html", &["--ask-top", "10", "--both-directions"]);
    let csv = std::fs::read_to_string(dir.path().join("top.csv")).unwrap();
    let questions: Vec<Vec<&str>> = csv.lines().skip(2).map(|l| l.split(',').collect()).collect();
    assert_eq!(questions.len(), 90);
    let pairs: BTreeSet<(&str, &str)> = questions.iter().map(|q| (q[2], q[3])).collect();
    assert_eq!(pairs.len(), 90, "no pair asked twice");
    assert!(pairs.iter().all(|&(a, b)| a != b && pairs.contains(&(b, a))), "each pair both ways");
    let blocks: BTreeSet<&str> = questions.iter().map(|q| q[0]).collect();
    assert_eq!(blocks.len(), 13);
    assert_eq!(questions.iter().filter(|q| q[0] == "13").count(), 90 - 12 * 7);
    let html = std::fs::read_to_string(dir.path().join("top.html")).unwrap();
    assert!(html.contains("<h2>Block 13</h2>") && !html.contains("<h2>Block 14</h2>"));

    // Repeats count once; fewer than two concepts, an empty one, too many, or a malformed
    // reference pair are refused by name, and nothing is written.
    let f = file.to_str().unwrap();
    let out = dir.path().join("bad.html");
    let many: Vec<String> = (0..46).flat_map(|k| ["--ask".to_owned(), format!("w{k}")]).collect();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--ask", "beans", "--ask", "beans"], "at least 2 different concepts"),
        (vec!["--ask", "beans"], "at least 2 different concepts"),
        (vec!["--ask", "beans", "--ask", " "], "--ask: an empty concept"),
        (many.iter().map(String::as_str).collect(), "at most 45"),
        (vec!["--reference-pair", "a,b,c"], "--reference-pair"),
        (vec!["--reference-pair", "a,a"], "--reference-pair"),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["export", f, "--format", "questionnaire", "--out", out.to_str().unwrap()];
        args.extend(extra.iter().copied());
        let o = huey(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && err.contains(needle), "{extra:?}: {err}");
    }
    assert!(!out.exists() && !dir.path().join("bad.csv").exists());
    // A concept that is not on the map is asked about, with a warning.
    let mut args = vec!["export", f, "--format", "questionnaire", "--out", out.to_str().unwrap()];
    args.extend(["--ask", "beans", "--ask", "unicorn"]);
    let o = huey(&args);
    assert!(o.status.success());
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains("warning: 'unicorn' is not a concept on the map"), "{said}");
}

/// Decode a PNG: (width, height, pixels per metre, RGBA pixels).
fn decode_png(path: &Path) -> (u32, u32, Option<u32>, Vec<[u8; 4]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let ppm = reader.info().pixel_dims.filter(|d| d.unit == png::Unit::Meter).map(|d| {
        assert_eq!(d.xppu, d.yppu);
        d.xppu
    });
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (frame.width, frame.height);
    let bytes = &buf[..frame.buffer_size()];
    let pixels = match frame.color_type {
        png::ColorType::Rgba => bytes.chunks_exact(4).map(|p| [p[0], p[1], p[2], p[3]]).collect(),
        png::ColorType::Rgb => bytes.chunks_exact(3).map(|p| [p[0], p[1], p[2], 255]).collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    (w, h, ppm, pixels)
}

/// Pixels that are not the most common colour (the background), as a fraction.
fn ink(pixels: &[[u8; 4]]) -> f64 {
    let mut counts = BTreeMap::new();
    for p in pixels {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    let background = counts.values().copied().max().unwrap_or(0);
    1.0 - background as f64 / pixels.len() as f64
}

/// Each figure as SVG: real vector text and shapes, which librsvg renders to a PNG with ink on
/// it; the map's cluster colours are there.
#[test]
fn svg_figures_render_in_librsvg() {
    if !rsvg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    for kind in ["map", "spectrum", "timing"] {
        let svg = dir.path().join(format!("{kind}.svg"));
        huey_ok(&["figure", file.to_str().unwrap(), "--kind", kind, "--out", svg.to_str().unwrap()]);
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<?xml") || text.starts_with("<svg"), "{text}");
        assert!(text.contains("<text") && text.contains("huey "), "{kind}: vector text with its provenance caption");
        let png = dir.path().join(format!("{kind}.png"));
        let o = Command::new("rsvg-convert").arg("-o").arg(&png).arg(&svg).output().unwrap();
        assert!(o.status.success(), "rsvg-convert {kind}: {}", String::from_utf8_lossy(&o.stderr));
        let (w, h, _, pixels) = decode_png(&png);
        assert!(w > 100 && h > 100, "{kind}: {w}×{h}");
        let ink = ink(&pixels);
        assert!(ink > 0.01, "{kind}: blank ({:.4} of the pixels drawn)", ink);
        if kind == "map" {
            assert!(text.contains("beans") && text.contains("λ"), "labels and axis eigenvalues");
            for k in 0..2 {
                let [r, g, b] = huey::export::palette::cluster(k);
                assert!(pixels.iter().any(|p| p[..3] == [r, g, b]), "cluster {k}'s colour is drawn");
            }
        }
    }
}

/// PNG at the requested DPI: pixels = size × DPI, the DPI recorded (pHYs), transparent on request.
#[test]
fn png_figures_have_the_requested_size_and_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    let png = dir.path().join("map.png");
    let base = ["figure", file.to_str().unwrap(), "--out", png.to_str().unwrap()];
    let mut args = base.to_vec();
    args.extend(["--dpi", "150", "--width-mm", "100", "--height-mm", "60"]);
    huey_ok(&args);
    let (w, h, ppm, pixels) = decode_png(&png);
    assert_eq!((w, h), ((100.0f64 / 25.4 * 150.0).round() as u32, (60.0f64 / 25.4 * 150.0).round() as u32));
    assert_eq!(ppm, Some((150.0f64 / 0.0254).round() as u32), "150 dpi in pixels per metre");
    assert_eq!(pixels[0], [255, 255, 255, 255], "opaque white by default");
    // The provenance travels in the file: iTXt "Description" (UTF-8) and tEXt "Software".
    let reader = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap())).read_info().unwrap();
    let info = reader.info();
    let description = info.utf8_text.iter().find(|t| t.keyword == "Description").expect("an iTXt Description");
    let text = description.get_text().unwrap();
    let hash = huey::run::provenance::sha256_hex(&std::fs::read_to_string(&file).unwrap());
    assert!(text.contains(&hash) && text.contains("engine.common.eta"), "{text}");
    assert!(info.uncompressed_latin1_text.iter().any(|t| t.keyword == "Software" && t.text.starts_with("huey ")));
    assert!(ink(&pixels) > 0.01);

    args.push("--transparent");
    huey_ok(&args);
    let (_, _, _, pixels) = decode_png(&png);
    assert_eq!(pixels[0][3], 0, "a transparent corner");

    // The default: 180 mm wide, three quarters as tall, 300 dpi.
    huey_ok(&base);
    let (w, h, ppm, _) = decode_png(&png);
    assert_eq!((w, h, ppm), (2126, 1594, Some(11811)));
}

/// Impossible figures are refused by name before any work, and nothing is written.
#[test]
fn impossible_figures_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("labeled_three_speakers.txt");
    let f = file.to_str().unwrap();
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--out".into(), out("m.svg"), "--axes".into(), "1,1".into()], "axes"),
        (vec!["--out".into(), out("m.svg"), "--axes".into(), "0,2".into()], "axes"),
        (vec!["--out".into(), out("m.svg"), "--axes".into(), "1,99".into()], "dimension"),
        (vec!["--out".into(), out("m.svg"), "--axes".into(), "x".into()], "axes"),
        (vec!["--out".into(), out("m.png"), "--dpi".into(), "5000".into()], "dpi"),
        (vec!["--out".into(), out("m.png"), "--dpi".into(), "NaN".into()], "dpi"),
        (
            vec!["--out".into(), out("m.png"), "--width-mm".into(), "1000".into(), "--dpi".into(), "2400".into()],
            "pixels",
        ),
        (vec!["--out".into(), out("m.pdf")], ".svg"),
        (vec!["--out".into(), out("m")], ".svg"),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["figure", f];
        args.extend(extra.iter().map(String::as_str));
        let o = huey(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(matches!(o.status.code(), Some(1 | 2)), "{args:?}: {err}");
        assert!(err.to_lowercase().contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");

    // Conversations too small for a map give a figure that says so, or a clear refusal.
    for text in ["hello", "A: hello\nB: hello\n", "a a a a a a"] {
        let talk = dir.path().join("tiny.txt");
        std::fs::write(&talk, text).unwrap();
        for (format, name) in [("svg", "tiny.svg"), ("png", "tiny.png")] {
            let o = huey(&["figure", talk.to_str().unwrap(), "--no-kill", "--out", &out(name)]);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(matches!(o.status.code(), Some(0..=2)), "{text:?} {format}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
        for format in ["gexf", "vosviewer", "questionnaire"] {
            let o = huey(&["export", talk.to_str().unwrap(), "--no-kill", "--format", format, "--out", &out("tiny.x")]);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(matches!(o.status.code(), Some(0..=2)), "{text:?} {format}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}

/// Labels with markup, quotes, backslashes and separators (the reference tokenizer keeps
/// punctuation) stay one label in every format: networkx reads each file with every node, and
/// the VOSviewer and CSV files keep their column counts.
#[test]
fn hostile_labels_survive_every_format() {
    if !networkx() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let talk = dir.path().join("hostile.txt");
    // `"quoted"`/`'quoted'` and `back\slash`/`back/slash` are one label after Pajek's
    // replacements: its export tells them apart.
    let words = r#"<b>bold</b> "quoted" 'quoted' a&b back\slash back/slash semi;colon com,ma it's ]]> --> %percent"#;
    let text: String =
        (0..6).map(|k| format!("{}: {words} {words} turn{k}\n", if k % 2 == 0 { "Ana" } else { "Ben" })).collect();
    std::fs::write(&talk, text).unwrap();
    let extra = ["--tokenizer", "reference"];
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/readers/read_network.py");
    let mut counts = Vec::new();
    for (format, name) in [("gexf", "h.gexf"), ("graphml", "h.graphml"), ("pajek", "h.net")] {
        let path = export(&talk, format, dir.path(), name, &extra);
        let o = Command::new("python3").arg(&script).arg(format).arg(&path).output().unwrap();
        assert!(o.status.success(), "networkx could not read {path:?}: {}", String::from_utf8_lossy(&o.stderr));
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let nodes = got["nodes"].as_object().unwrap();
        if format != "pajek" {
            for label in ["<b>bold</b>", "\"quoted\"", "a&b", "back\\slash", "]]>", "-->"] {
                assert!(nodes.contains_key(label), "{format}: {label} lost: {:?}", nodes.keys());
            }
        }
        counts.push((nodes.len(), got["edges"].as_array().unwrap().len()));
    }
    assert!(counts.windows(2).all(|w| w[0] == w[1]), "{counts:?}");
    export(&talk, "vosviewer", dir.path(), "v.txt", &extra);
    let map = std::fs::read_to_string(dir.path().join("v_map.txt")).unwrap();
    let columns = map.lines().next().unwrap().split('\t').count();
    assert!(map.lines().all(|l| l.split('\t').count() == columns), "{map}");
    assert_eq!(map.lines().count(), counts[0].0 + 1);
    export(&talk, "questionnaire", dir.path(), "q.html", &extra);
    let html = std::fs::read_to_string(dir.path().join("q.html")).unwrap();
    assert!(!html.contains("<b>bold"), "markup escaped in the questionnaire");
}

/// `huey timeline --gexf`: a dynamic GEXF networkx reads, whose node and edge spells are the
/// checkpoints at which each word and connection exists, with mass and strength over time.
#[test]
fn the_dynamic_gexf_spells_are_the_checkpoints() {
    if !networkx() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = huey::text::SAMPLE_CONVERSATION;
    let talk = dir.path().join("talk.txt");
    std::fs::write(&talk, text).unwrap();
    let (json, gexf) = (dir.path().join("t.json"), dir.path().join("t.gexf"));
    let args = ["timeline", talk.to_str().unwrap(), "--no-kill", "--every", "4"];
    let mut all = args.to_vec();
    all.extend(["--json", json.to_str().unwrap(), "--gexf", gexf.to_str().unwrap()]);
    huey_ok(&all);
    // The checkpoints, in-process: (exchange, network) at every row.
    let (kill, _) = huey::io::kill_list::load(&KillSource::None).unwrap();
    let opts = AnalysisOptions::default();
    let prepared = huey::run::pipeline::prepare(text, &opts, &kill).unwrap();
    let mut checkpoints = Vec::new();
    huey::run::timeline::timeline_with(prepared, &opts, &huey::run::timeline::TimelineSpec::every(4), &mut |t, n| {
        checkpoints.push((t, n.clone()))
    });
    assert_eq!(checkpoints.iter().map(|(t, _)| *t).collect::<Vec<_>>(), [4, 8, 12, 15]);
    let end = |k: usize| checkpoints.get(k + 1).map_or(checkpoints[k].0, |(t, _)| t - 1);

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/readers/read_dynamic_gexf.py");
    let o = Command::new("python3").arg(&script).arg(&gexf).output().unwrap();
    assert!(o.status.success(), "networkx: {}", String::from_utf8_lossy(&o.stderr));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(got["mode"], "dynamic");
    let nodes = got["nodes"].as_object().unwrap();
    let words: BTreeSet<&str> = checkpoints.iter().flat_map(|(_, n)| n.words.iter().map(String::as_str)).collect();
    assert_eq!(nodes.keys().map(String::as_str).collect::<BTreeSet<_>>(), words, "every word that ever existed");
    for word in &words {
        let present: Vec<usize> =
            (0..checkpoints.len()).filter(|&k| checkpoints[k].1.words.iter().any(|w| w == word)).collect();
        let n = &nodes[*word];
        // One spell here: the temporal engine never forgets a word.
        let first = present[0];
        assert_eq!(n["spells"], serde_json::json!([[checkpoints[first].0, end(*present.last().unwrap())]]), "{word}");
        let masses = n["mass"].as_array().unwrap();
        assert_eq!(masses.len(), present.len(), "{word}: a mass per checkpoint");
        for (m, &k) in masses.iter().zip(&present) {
            let net = &checkpoints[k].1;
            let id = net.words.iter().position(|w| w == word).unwrap();
            let want = huey::analysis::mass::concept_masses(net)[id];
            assert!(close(m[0].as_f64().unwrap(), want), "{word} at {}: {m} vs {want}", checkpoints[k].0);
            assert_eq!((m[1].as_u64().unwrap() as usize, m[2].as_u64().unwrap() as usize), (checkpoints[k].0, end(k)));
        }
    }
    let edges = got["edges"].as_object().unwrap();
    let last = &checkpoints.last().unwrap().1;
    let ever: BTreeSet<(String, String)> = checkpoints
        .iter()
        .flat_map(|(_, n)| {
            n.connections.iter().map(|c| (n.words[c.from as usize].clone(), n.words[c.to as usize].clone()))
        })
        .collect();
    assert_eq!(edges.len(), ever.len(), "every connection that ever existed");
    assert!(
        last.connections
            .iter()
            .all(|c| edges.contains_key(&format!("{}->{}", last.words[c.from as usize], last.words[c.to as usize])))
    );
}
