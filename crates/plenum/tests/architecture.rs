//! ARCHITECTURE.md's crate diagram against the Cargo files (issue 14: the
//! diagram once showed arrows the Cargo files did not have). Every normal
//! `[dependencies]` edge between workspace crates must be drawn, and every
//! drawn arrow must be a dependency.

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// (crate, dependency) pairs of the workspace's normal dependencies.
fn cargo_edges() -> BTreeSet<(String, String)> {
    let mut edges = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let doc: toml::Table = toml::from_str(&text).unwrap();
        let name = doc["package"]["name"].as_str().unwrap().to_string();
        if name == "plenum-testdata" {
            continue; // dev-only by design; listed under the diagram
        }
        if let Some(deps) = doc.get("dependencies").and_then(|d| d.as_table()) {
            for dep in deps.keys().filter(|d| d.starts_with("plenum")) {
                edges.insert((name.clone(), dep.clone()));
            }
        }
    }
    edges
}

/// (crate, dependency) pairs drawn in ARCHITECTURE.md's first code block;
/// "every crate below" expands to every other crate of the diagram.
fn drawn_edges() -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let block = text.split("```").nth(1).expect("a diagram code block");
    let mut edges = BTreeSet::new();
    let mut crates = BTreeSet::new();
    let mut every_below = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut rest = &words[..];
        if rest.first() == Some(&"layer") {
            rest = &rest[2..];
        }
        if let Some(w) = rest.first().filter(|w| w.starts_with("plenum")) {
            current = if rest.get(1) == Some(&"(bin)") {
                "plenum".to_string()
            } else {
                w.to_string()
            };
            crates.insert(current.clone());
        }
        if let Some(k) = rest.iter().position(|w| w.contains('►')) {
            match rest.get(k + 1) {
                Some(&"every") => every_below.push(current.clone()),
                Some(dep) => {
                    edges.insert((current.clone(), dep.to_string()));
                }
                None => panic!("an arrow to nothing: {line}"),
            }
        }
    }
    for c in every_below {
        for d in &crates {
            if *d != c {
                edges.insert((c.clone(), d.clone()));
            }
        }
    }
    (edges, crates)
}

#[test]
fn the_diagram_draws_exactly_the_cargo_dependencies() {
    let cargo = cargo_edges();
    let (drawn, crates) = drawn_edges();
    let missing: Vec<_> = cargo.difference(&drawn).collect();
    let extra: Vec<_> = drawn.difference(&cargo).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ARCHITECTURE.md's diagram is out of date:\n  not drawn: {missing:?}\n  drawn but not in Cargo.toml: {extra:?}"
    );
    // Every workspace crate but the dev-only one appears in the diagram.
    let names: BTreeSet<String> = cargo
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    for n in names {
        assert!(crates.contains(&n), "{n} is not in the diagram");
    }
}
