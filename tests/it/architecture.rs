//! The folder tree is the architecture (issue 8): each top-level module of `src/` is one layer
//! and its `crate::…` paths may only name the layers below it, so there is no cycle; only
//! `engine/gpu` names wgpu, only `app` names egui, only `io` calls the file system, and the
//! app's file work happens in its job threads. Source is read as text, comments and string
//! literals left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each layer may name (model is the leaf every layer may use).
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("text", &["model"]),
    ("analysis", &["model"]),
    ("kernel", &["model"]),
    ("engine", &["kernel", "model"]),
    ("io", &["model", "text"]),
    ("export", &["analysis", "kernel", "model"]),
    ("run", &["engine", "io", "text", "analysis", "export", "kernel", "model"]),
    ("app", &["run", "io", "analysis", "export", "text", "kernel", "model"]),
    ("cli", &["run", "io", "app", "text", "analysis", "export", "kernel", "model"]),
    ("main", &["cli"]),
];

/// The only items of `app` the CLI may name.
// `scrub_times`: `huey bench --scrubs` drives the app headless to time the slider end to end.
const CLI_MAY_USE_FROM_APP: &[&str] = &["run", "Launch", "Script", "scrub_times"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments and without the contents of string and char literals.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) => {
                let mut hashes = 0;
                let mut j = i + 1;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                let end = format!("\"{}", "#".repeat(hashes));
                let rest = &src[j..];
                i = j + rest.find(&end).map_or(rest.len(), |k| k + end.len());
                out.push_str("\"\"");
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' if b.get(i + 1) == Some(&b'\\') || b.get(i + 2) == Some(&b'\'') => {
                // A char literal ('x' or '\n'), not a lifetime.
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("' '");
            }
            c => {
                // Copy whole UTF-8 sequences.
                let len = match c {
                    0..=0x7f => 1,
                    0xc0..=0xdf => 2,
                    0xe0..=0xef => 3,
                    _ => 4,
                };
                out.push_str(&src[i..(i + len).min(src.len())]);
                i += len;
            }
        }
    }
    out
}

/// The layer of a file (`src/engine/gpu/x.rs` → engine) and its module path.
fn module_of(src: &Path, file: &Path) -> (String, Vec<String>) {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs").to_owned();
    if stem != "mod" && stem != "lib" {
        parts.push(stem);
    }
    let layer = parts.first().cloned().unwrap_or_else(|| "lib".to_owned());
    (layer, parts)
}

/// Every `(layer named, item after it)` a file's code refers to through `crate::`,
/// `$crate::`, `huey::` or `super::` paths that leave its layer.
fn references(code: &str, module: &[String], layers: &BTreeSet<&str>) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    let idents = |s: &str| -> Vec<String> {
        s.split("::").map(|p| p.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()).collect()
    };
    for (at, _) in code.match_indices("crate::").chain(code.match_indices("huey::")) {
        if at > 0 && (code.as_bytes()[at - 1].is_ascii_alphanumeric() || code.as_bytes()[at - 1] == b'_') {
            continue;
        }
        let path = &code[at..];
        let p = idents(path);
        if p.len() >= 2 && layers.contains(p[1].as_str()) {
            refs.push((p[1].clone(), p.get(2).cloned().unwrap_or_default()));
        }
        // `crate::{a, b::c}`: every item of the group names a layer.
        let after = &path[path.find("::").map_or(0, |k| k + 2)..];
        if let Some(group) = after.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let q = idents(item.trim());
                if let Some(layer) = q.first().filter(|l| layers.contains(l.as_str())) {
                    refs.push((layer.clone(), q.get(1).cloned().unwrap_or_default()));
                }
            }
        }
    }
    for (at, _) in code.match_indices("super::") {
        if at > 0 && code.as_bytes()[at - 1] == b':' {
            continue; // counted from the first `super`
        }
        let p = idents(&code[at..]);
        let ups = p.iter().take_while(|s| *s == "super").count();
        if ups >= module.len() && !module.is_empty() {
            // Leaves the layer to the crate root: the next segment names a layer.
            if let Some(name) = p.get(ups).filter(|n| layers.contains(n.as_str())) {
                refs.push((name.clone(), p.get(ups + 1).cloned().unwrap_or_default()));
            }
        }
    }
    refs
}

#[test]
fn layers_import_only_downwards_and_without_cycles() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let layers: BTreeSet<&str> = allowed.keys().copied().filter(|l| *l != "main").collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for file in &files {
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        let (layer, module) = module_of(&src, file);
        if layer == "lib" {
            continue; // the module list
        }
        let rel = file.strip_prefix(&root).unwrap().display().to_string();
        let Some(ok) = allowed.get(layer.as_str()) else {
            problems.push(format!("{rel}: `{layer}` is not a known layer"));
            continue;
        };
        for (target, item) in references(&code, &module, &layers) {
            if target == layer {
                continue;
            }
            if !ok.contains(&target.as_str()) {
                problems.push(format!("{rel}: {layer} → {target}::{item} is not allowed"));
            }
            if layer == "cli" && target == "app" && !CLI_MAY_USE_FROM_APP.contains(&item.as_str()) {
                problems.push(format!("{rel}: the CLI may use app::run only, not app::{item}"));
            }
            edges.entry(layer.clone()).or_default().insert(target);
        }
    }
    // No cycle, whatever the table says (a depth-first search over the edges found).
    fn visit(n: &str, edges: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, cycles: &mut Vec<String>) {
        if let Some(start) = path.iter().position(|p| p == n) {
            cycles.push(format!("{} → {n}", path[start..].join(" → ")));
            return;
        }
        path.push(n.to_owned());
        for m in edges.get(n).into_iter().flatten() {
            visit(m, edges, path, cycles);
        }
        path.pop();
    }
    let mut cycles = Vec::new();
    for n in edges.keys() {
        visit(n, &edges, &mut Vec::new(), &mut cycles);
    }
    problems.extend(cycles.into_iter().map(|c| format!("cycle: {c}")));
    println!("layer arrows: {edges:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(edges.len() >= 8, "the scan found too few arrows to be working: {edges:?}");
}

/// Where a name may appear: files under `allowed` (relative to `src/`) only.
fn only_under(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if allowed.iter().any(|a| rel.starts_with(a)) {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        for needle in needles {
            for (at, _) in code.match_indices(needle) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                found.push(format!("src/{rel}: {needle}"));
            }
        }
    }
    found
}

#[test]
fn only_engine_gpu_names_wgpu_and_only_app_names_egui() {
    let wgpu = only_under(&["wgpu::"], &["engine/gpu/"]);
    assert!(wgpu.is_empty(), "wgpu outside engine/gpu: {wgpu:#?}");
    let ui = only_under(&["egui::", "egui_plot::", "egui_file::", "eframe::", "rfd::"], &["app/"]);
    assert!(ui.is_empty(), "UI crates outside app: {ui:#?}");
    let raster = only_under(&["resvg::", "usvg::", "tiny_skia::"], &["export/png.rs"]);
    assert!(raster.is_empty(), "the rasteriser outside export/png.rs: {raster:#?}");
}

#[test]
fn only_io_touches_files_and_the_app_only_from_its_jobs() {
    let fs = only_under(
        &[
            "std::fs",
            "fs::",
            "File::open",
            "File::create",
            "OpenOptions",
            ".exists()",
            ".is_file()",
            ".is_dir()",
            ".metadata()",
        ],
        &["io/"],
    );
    assert!(fs.is_empty(), "file-system calls outside io: {fs:#?}");
    // The app may reach io's file functions only from its job threads (app/jobs/: the jobs,
    // and the Corpus tab's work they run).
    let file_work = [
        "document::read",
        "kill_list::read",
        "kill_list::load",
        "text_file::read",
        "atomic::write",
        "SessionFile::load",
        "Settings::load",
        ".save(",
    ];
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        if file.starts_with(src.join("jobs")) {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        for needle in file_work {
            if code.contains(needle) {
                found.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "file work on the UI thread: {found:#?}");
}

/// The in-app file browser reads folders through its job-fed file system only: `egui_file`'s
/// own (which reads on the UI thread) is never the one used.
#[test]
fn the_in_app_browser_lists_folders_through_jobs() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let users: Vec<PathBuf> =
        files.into_iter().filter(|f| code_only(&std::fs::read_to_string(f).unwrap()).contains("egui_file")).collect();
    assert_eq!(users, [src.join("app/browser.rs")], "egui_file is named in app/browser.rs only");
    let code = code_only(&std::fs::read_to_string(&users[0]).unwrap());
    let dialogs = code.matches("FileDialog::").count();
    assert!(dialogs >= 1, "the scan found no dialog");
    assert!(code.contains(".with_fs(Box::new(JobFs("), "every dialog gets the job-fed file system");
    assert!(code.contains(".show_new_folder(false)") && code.contains(".show_rename(false)"));
    assert!(!code.contains("std::fs") && !code.contains("read_dir"));
}

#[test]
fn the_scanner_sees_paths_and_skips_comments_and_strings() {
    let code = code_only(
        "use crate::engine::x; // crate::app::y\nlet s = \"crate::cli\"; let c = '\"'; /* wgpu:: */ r#\"egui::\"#;",
    );
    assert!(code.contains("crate::engine::x"));
    assert!(
        !code.contains("crate::app")
            && !code.contains("crate::cli")
            && !code.contains("wgpu")
            && !code.contains("egui"),
        "{code}"
    );
    let layers: BTreeSet<&str> = ["engine", "model", "app"].into_iter().collect();
    let module = vec!["engine".to_owned(), "gpu".to_owned()];
    let refs = references("use super::super::model::x; use super::y; crate::app::run;", &module, &layers);
    assert_eq!(refs, [("app".to_owned(), "run".to_owned()), ("model".to_owned(), "x".to_owned())]);
    let grouped = references("use crate::{app::Launch, model};", &module, &layers);
    assert_eq!(grouped, [("app".to_owned(), "Launch".to_owned()), ("model".to_owned(), String::new())]);
}
