//! The bad-input catalogue (issue 14): every case in
//! `tests/bad_inputs/catalogue.toml` runs the real binary on a bad input
//! (a table reader, the scenario, event and shocks parsers, a CLI flag)
//! and must fail cleanly: a non-zero exit, no panic, the expected error
//! text (file, line, column, label) on stderr, and no temporary file or
//! staging folder left behind. docs/errors.md lists the cases; run with
//! `PLENUM_BLESS=1` to rewrite it from the catalogue.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(serde::Deserialize)]
struct Catalogue {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    area: String,
    what: String,
    args: Vec<String>,
    /// Files written into the case's folder: name → content.
    #[serde(default)]
    files: std::collections::BTreeMap<String, String>,
    /// Copies into the case's folder: name → repository-relative source.
    #[serde(default)]
    copy: std::collections::BTreeMap<String, String>,
    /// Text replacements in copied or written files.
    #[serde(default)]
    replace: Vec<Replace>,
    /// Substrings the error must contain.
    expect: Vec<String>,
    /// Substrings the error must not contain (the old, unclear wording of a
    /// fixed defect, so that the case fails if it comes back).
    #[serde(default)]
    reject: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Replace {
    file: String,
    from: String,
    to: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
}

/// Files or folders left by a failed write: temporary files and staging
/// folders.
fn leftovers(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.contains(".tmp-") || n.starts_with(".plenum-staging-") {
            out.push(e.path());
        }
        if e.file_type().unwrap().is_dir() {
            leftovers(&e.path(), out);
        }
    }
}

/// Runs one case; the stderr of its failure, or why it is wrong.
fn run_case(c: &Case) -> Result<String, String> {
    let d = tempfile::tempdir().unwrap();
    let root = root();
    for (to, from) in &c.copy {
        copy(&root.join(from), &d.path().join(to));
    }
    for (name, text) in &c.files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    for r in &c.replace {
        let p = d.path().join(&r.file);
        let text = std::fs::read_to_string(&p).unwrap();
        if !text.contains(&r.from) {
            return Err(format!("{}: replace: {:?} not in {}", c.id, r.from, r.file));
        }
        std::fs::write(&p, text.replacen(&r.from, &r.to, 1)).unwrap();
    }
    let args: Vec<String> = c
        .args
        .iter()
        .map(|a| a.replace("{root}", &root.to_string_lossy()))
        .collect();
    let o = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .current_dir(d.path())
        .args(&args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr)
        .replace(&*root.to_string_lossy(), "{root}")
        .replace(&*d.path().to_string_lossy(), "{tmp}");
    if o.status.success() {
        return Err(format!("{}: accepted ({})", c.id, c.what));
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        return Err(format!("{}: panicked: {err}", c.id));
    }
    for want in &c.expect {
        if !err.contains(want.as_str()) {
            return Err(format!("{}: expected {want:?} in:\n{err}", c.id));
        }
    }
    for bad in &c.reject {
        if err.contains(bad.as_str()) {
            return Err(format!(
                "{}: the old wording {bad:?} is back in:\n{err}",
                c.id
            ));
        }
    }
    let mut left = Vec::new();
    leftovers(d.path(), &mut left);
    if !left.is_empty() {
        return Err(format!("{}: left behind {left:?}", c.id));
    }
    Ok(err)
}

fn catalogue() -> Catalogue {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs/catalogue.toml");
    toml::from_str(&std::fs::read_to_string(p).unwrap()).expect("catalogue.toml parses")
}

/// The Markdown of docs/errors.md for the catalogue and each case's error.
fn errors_md(cases: &[(&Case, String)]) -> String {
    let mut s = String::from(
        "# Errors: the bad-input catalogue\n\n\
         Every case below is run by `cargo test -p plenum --test bad_inputs` (the catalogue is\n\
         `crates/plenum/tests/bad_inputs/catalogue.toml`). Each must fail with a non-zero exit, no\n\
         panic, no temporary file left, and the error text shown (the first line of stderr).\n\
         Regenerate this page with `PLENUM_BLESS=1 cargo test --release -p plenum --test bad_inputs`.\n",
    );
    let mut area = "";
    for (c, err) in cases {
        if c.area != area {
            area = &c.area;
            s.push_str(&format!(
                "\n## {area}\n\n| id | bad input | error |\n|---|---|---|\n"
            ));
        }
        let first = err.lines().next().unwrap_or("").replace('|', "\\|");
        s.push_str(&format!(
            "| {} | {} | `{}` |\n",
            c.id,
            c.what.replace('|', "\\|"),
            first.replace('`', "'")
        ));
    }
    s
}

#[test]
fn every_bad_input_fails_cleanly_with_its_message() {
    let cat = catalogue();
    assert!(cat.case.len() >= 80, "only {} cases", cat.case.len());
    let mut ids = std::collections::BTreeSet::new();
    for c in &cat.case {
        assert!(ids.insert(c.id.clone()), "duplicate id {}", c.id);
        assert!(!c.expect.is_empty(), "{}: no expected text", c.id);
    }
    // Four at a time: each case is one run of the binary.
    let results: Vec<Result<String, String>> = std::thread::scope(|s| {
        let chunks: Vec<_> = cat.case.chunks(cat.case.len().div_ceil(4)).collect();
        let hs: Vec<_> = chunks
            .into_iter()
            .map(|ch| s.spawn(move || ch.iter().map(run_case).collect::<Vec<_>>()))
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        results.len(),
        failures
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    let cases: Vec<(&Case, String)> = cat
        .case
        .iter()
        .zip(results)
        .map(|(c, r)| (c, r.unwrap_or_default()))
        .collect();
    let md = errors_md(&cases);
    let doc = root().join("docs/errors.md");
    if std::env::var_os("PLENUM_BLESS").is_some() {
        std::fs::write(&doc, &md).unwrap();
    } else {
        // Every case is listed (the error texts may be reworded without
        // regenerating the page; the catalogue's expectations hold them).
        let have = std::fs::read_to_string(&doc).unwrap_or_default();
        for (c, _) in &cases {
            assert!(
                have.contains(&format!("| {} | {} |", c.id, c.what.replace('|', "\\|"))),
                "docs/errors.md lacks case {}; regenerate it with PLENUM_BLESS=1 cargo test --release -p plenum --test bad_inputs",
                c.id
            );
        }
    }
}
