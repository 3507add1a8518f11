//! The library's top-level modules form no import cycle (ARCHITECTURE.md,
//! "The modules form no cycle"): a module uses only modules below it, so
//! each stage can be read, tested and changed without the ones above it.
//!
//! The test reads `src/` itself: every `crate::<module>` path outside a
//! comment is an edge from the module whose file holds it, and the graph of
//! those edges must have no cycle. When it fails it names the cycle and
//! the lines that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules of `src/` (`x.rs` or `x/`), `lib.rs` and
/// `main.rs` aside.
fn modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                Some(name)
            } else {
                name.strip_suffix(".rs")
                    .filter(|n| *n != "lib" && *n != "main")
                    .map(str::to_string)
            }
        })
        .collect()
}

/// Every `.rs` file of a module.
fn files(src: &Path, module: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let file = src.join(format!("{module}.rs"));
    if file.is_file() {
        out.push(file);
    }
    let mut dirs = vec![src.join(module)];
    while let Some(d) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}

/// The modules a line names as `crate::<module>`.
fn named(line: &str, modules: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if modules.contains(&name) {
            out.push(name);
        }
    }
    out
}

type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn graph(src: &Path) -> Graph {
    let modules = modules(src);
    let mut g = Graph::new();
    for m in &modules {
        let edges = g.entry(m.clone()).or_default();
        for f in files(src, m) {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for to in named(line, &modules) {
                    if &to != m {
                        edges.entry(to).or_default().push(format!(
                            "{}:{}: {}",
                            f.display(),
                            n + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    g
}

/// A cycle of the graph, if it has one (depth-first search).
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        m: &str,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut c = path[at..].to_vec();
            c.push(m.to_string());
            return Some(c);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for to in g.get(m).into_iter().flat_map(|e| e.keys()) {
            if let Some(c) = visit(g, to, done, path) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(c) = visit(g, m, &mut done, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_modules_import_each_other_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&src);
    assert!(g.len() > 20, "read the modules of src/: {:?}", g.keys());
    if let Some(c) = cycle(&g) {
        let mut why = String::new();
        for w in c.windows(2) {
            why.push_str(&format!("\n{} -> {}:", w[0], w[1]));
            for line in g[&w[0]][&w[1]].iter().take(3) {
                why.push_str(&format!("\n    {line}"));
            }
        }
        panic!(
            "the modules import each other in a cycle: {}{why}\nMove the value a lower module needs down, rather than import upwards (ARCHITECTURE.md).",
            c.join(" -> ")
        );
    }
}

#[test]
fn a_cycle_is_found_and_named() {
    let mut g = Graph::new();
    for (a, b) in [("model", "dates"), ("dates", "cell"), ("cell", "model")] {
        g.entry(a.into())
            .or_default()
            .insert(b.into(), vec![format!("{a}.rs:1: use crate::{b};")]);
    }
    g.entry("write".into())
        .or_default()
        .insert("model".into(), vec![]);
    let c = cycle(&g).expect("a cycle");
    assert_eq!(c.first(), c.last());
    assert_eq!(c.len(), 4, "{c:?}");
    g.get_mut("cell").unwrap().clear();
    assert_eq!(cycle(&g), None);
}
