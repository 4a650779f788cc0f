//! `huey compare` and `huey align` through the real binary, their tables read back by Python's
//! csv module: masses equal each side's own `huey analyze`, the joint map equals the analysis
//! of both conversations one after the other, a speaker's side equals the analysis of that
//! speaker's lines alone, and a rotated map is aligned back with hand-computed displacements.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

type Table = Vec<BTreeMap<String, String>>;

fn huey_ok(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_huey")).args(args).output().unwrap();
    assert!(o.status.success(), "huey {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The tables as Python's csv module reads them (`None`: no python3, and not required).
fn read_csv(paths: &[&Path]) -> Option<Vec<Table>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers/read_csv.py");
    let Ok(o) = Command::new("python3").arg(&script).args(paths).output() else {
        assert!(std::env::var_os("REQUIRE_READERS").is_none(), "REQUIRE_READERS is set but python3 is missing");
        eprintln!("skipped: python3 is not installed; .ci/run installs it");
        return None;
    };
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut all: BTreeMap<String, Table> = serde_json::from_slice(&o.stdout).unwrap();
    Some(paths.iter().map(|p| all.remove(p.to_str().unwrap()).unwrap()).collect())
}

fn report(file: &Path, json: &Path) -> serde_json::Value {
    huey_ok(&["analyze", file.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

fn f(cell: &str) -> f64 {
    if cell.is_empty() { 0.0 } else { cell.parse().unwrap() }
}

#[test]
fn two_conversations_compare_to_their_own_analyses_and_the_joint_map_to_both_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (crate::fixture("compare_morning.txt"), crate::fixture("compare_evening.txt"));
    let out = tmp.path().join("cmp");
    let printed = huey_ok(&["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(printed.contains("coffee"), "{printed}");
    let concepts = out.join("comparison_concepts.csv");
    let joint = out.join("comparison_joint_map.csv");
    let shared = out.join("comparison_associations.csv");
    let Some(tables) = read_csv(&[&concepts, &joint, &shared]) else { return };
    let (concepts, joint, shared) = (&tables[0], &tables[1], &tables[2]);
    let row = |w: &str| concepts.iter().find(|r| r["concept"] == w).unwrap_or_else(|| panic!("{w}"));
    // Only one side said "coffee" and "wine"; both said "garden" and "tomatoes".
    assert_eq!(["coffee", "wine", "garden", "tomatoes"].map(|w| row(w)["sides"].as_str()), ["a", "b", "both", "both"]);
    assert_eq!(row("coffee")["mass_b"], "", "absent, not 0");
    // Each side's masses are its own analysis's (an independent path: huey analyze --json).
    for (file, side) in [(&a, "mass_a"), (&b, "mass_b")] {
        let r = report(file, &tmp.path().join("side.json"));
        for pair in r["top_mass"].as_array().unwrap() {
            let (w, m) = (pair[0].as_str().unwrap(), pair[1].as_f64().unwrap());
            assert!((f(&row(w)[side]) - m).abs() <= 1e-12 * m.max(1.0), "{w} {side}");
        }
    }
    for r in concepts {
        let d = f(&r["mass_b"]) - f(&r["mass_a"]);
        assert!((f(&r["mass_difference"]) - d).abs() <= 1e-12 * d.abs().max(1.0));
        assert!((f(&r["share_difference"]) - (f(&r["share_b"]) - f(&r["share_a"]))).abs() < 1e-15);
    }
    for side in ["share_a", "share_b"] {
        let total: f64 = concepts.iter().map(|r| f(&r[side])).sum();
        assert!((total - 1.0).abs() < 1e-12, "{side} sums to {total}");
    }
    // Shared associations are pairs both sides have: garden–tomatoes.
    assert!(shared.iter().any(|r| r["concept_1"] == "garden" && r["concept_2"] == "tomatoes"), "{shared:?}");
    // The joint map is the map of both conversations learned one after the other.
    let both = tmp.path().join("both.txt");
    let text = std::fs::read_to_string(&a).unwrap() + &std::fs::read_to_string(&b).unwrap();
    std::fs::write(&both, text).unwrap();
    let r = report(&both, &tmp.path().join("both.json"));
    let labels = r["map"]["labels"].as_array().unwrap();
    let coords = r["map"]["coords"].as_array().unwrap();
    assert_eq!(joint.len(), labels.len());
    for (k, p) in joint.iter().enumerate() {
        assert_eq!(p["concept"], labels[k].as_str().unwrap());
        for (axis, name) in ["x", "y", "z"].iter().enumerate() {
            assert!((f(&p[*name]) - coords[k][axis].as_f64().unwrap()).abs() < 1e-12, "{k} {name}");
        }
    }
    assert!(out.join("comparison_joint.gexf").is_file() && out.join("comparison_displacements.csv").is_file());
    let svg = std::fs::read_to_string(out.join("comparison_joint_map.svg")).unwrap();
    assert_eq!(svg.matches("<circle").count(), joint.len());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(json["exchanges"], serde_json::json!([5, 4]));
}

#[test]
fn a_speakers_side_is_the_analysis_of_their_lines_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let file = crate::fixture("compare_morning.txt");
    let out = tmp.path().join("cmp");
    let f_ = file.to_str().unwrap();
    huey_ok(&["compare", f_, f_, "--speaker-a", "Ana", "--speaker-b", "Ben", "--out", out.to_str().unwrap()]);
    let ana = tmp.path().join("ana.txt");
    let lines: String = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("Ana:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&ana, lines).unwrap();
    let r = report(&ana, &tmp.path().join("ana.json"));
    let Some(tables) = read_csv(&[&out.join("comparison_concepts.csv")]) else { return };
    for pair in r["top_mass"].as_array().unwrap() {
        let (w, m) = (pair[0].as_str().unwrap(), pair[1].as_f64().unwrap());
        let row = tables[0].iter().find(|r| r["concept"] == w).unwrap();
        assert!((f(&row["mass_a"]) - m).abs() <= 1e-12 * m.max(1.0), "{w}");
    }
    // Only Ben said "rain".
    assert_eq!(tables[0].iter().find(|r| r["concept"] == "rain").unwrap()["sides"], "b");
    let o = Command::new(env!("CARGO_BIN_EXE_huey"))
        .args(["compare", f_, f_, "--speaker-a", "Zed", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("no speaker 'Zed' (its speakers: Ana, Ben)")
    );
}

/// Hand-computed: the target is the source turned 90° in its real plane (x, y) → (−y, x) and
/// shifted by (1, 1); its imaginary block equal. Aligned back, every fitted concept sits on
/// its target; "moved" (left free) is displaced by its own move, 3 in the real plane.
#[test]
fn align_turns_a_rotated_map_back_and_reports_each_displacement() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, tgt) = (tmp.path().join("src.csv"), tmp.path().join("tgt.csv"));
    let points = [("a", 1.0, 0.0, 0.5), ("b", 0.0, 2.0, -1.0), ("c", -1.0, -1.0, 0.25), ("d", 2.0, 1.0, 0.0)];
    let mut s = String::from("label,r1,r2,i1\n");
    let mut t = s.clone();
    for (l, x, y, i) in points {
        s.push_str(&format!("{l},{x},{y},{i}\n"));
        t.push_str(&format!("{l},{},{},{i}\n", -y + 1.0, x + 1.0));
    }
    s.push_str("moved,0,0,0\nonly_source,5,5,5\n");
    t.push_str("moved,4,1,0\n"); // (0, 0) turns to (1, 1); the target has it 3 further in x.
    std::fs::write(&src, s).unwrap();
    std::fs::write(&tgt, t).unwrap();
    let out = tmp.path().join("al");
    let printed = huey_ok(&[
        "align",
        src.to_str().unwrap(),
        tgt.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--free",
        "moved",
    ]);
    assert!(printed.contains("5 concepts shared, 4 fitted"), "{printed}");
    let Some(tables) = read_csv(&[&out.join("src_displacements.csv"), &out.join("src_aligned.csv")]) else { return };
    let moved = tables[0].iter().find(|r| r["label"] == "moved").unwrap();
    assert_eq!(moved["fitted"], "false");
    assert!((f(&moved["euclidean"]) - 3.0).abs() < 1e-9 && (f(&moved["j"]) - 9.0).abs() < 1e-9, "{moved:?}");
    assert_eq!(tables[0][0]["label"], "moved", "largest displacement first");
    for r in tables[0].iter().filter(|r| r["fitted"] == "true") {
        assert!(f(&r["euclidean"]) < 1e-9, "{r:?}");
    }
    let aligned = tables[1].iter().find(|r| r["label"] == "only_source").unwrap();
    // (5, 5) turns to (−5 + 1, 5 + 1).
    assert!((f(&aligned["r1"]) + 4.0).abs() < 1e-9 && (f(&aligned["r2"]) - 6.0).abs() < 1e-9, "{aligned:?}");
    // Reports align too: a run cut early onto the whole run, shared concepts only.
    let (early, late) = (tmp.path().join("early.json"), tmp.path().join("late.json"));
    let file = crate::fixture("compare_morning.txt");
    huey_ok(&["analyze", file.to_str().unwrap(), "--exchange-limit", "3", "--json", early.to_str().unwrap()]);
    huey_ok(&["analyze", file.to_str().unwrap(), "--json", late.to_str().unwrap()]);
    let printed = huey_ok(&["align", early.to_str().unwrap(), late.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(printed.contains("fitted") && out.join("early_alignment.json").is_file(), "{printed}");
    let bad = Command::new(env!("CARGO_BIN_EXE_huey"))
        .args(["align", src.to_str().unwrap(), late.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("dimensions"));
}
