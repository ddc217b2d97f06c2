//! Helpers shared by the binary's end-to-end tests: run `plenum`, read its
//! output, check that a failure is a clean error, find ../shared/data.

#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the built `plenum` with `args` from the crate's folder.
pub fn plenum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plenum"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `plenum` and returns its stdout, failing the test if it failed.
pub fn ok(args: &[&str]) -> String {
    let o = plenum(args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    stdout(&o)
}

/// Asserts a clean failure: non-zero exit, an `error:` line, no panic.
pub fn assert_clean_error(o: &Output, needles: &[&str]) {
    let e = stderr(o);
    assert!(
        !o.status.success(),
        "expected failure, got success; stderr: {e}"
    );
    assert!(
        e.starts_with("error: "),
        "stderr should start with `error: `: {e}"
    );
    assert!(!e.contains("panicked"), "panic on user input: {e}");
    for n in needles {
        assert!(e.contains(n), "stderr lacks {n:?}: {e}");
    }
}

/// `../shared/data` beside the repository, or `None` after saying plainly
/// that the test is skipped.
pub fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if p.is_dir() {
        Some(p)
    } else {
        {
            // Straight to the stderr handle: the harness hides eprintln! of passing tests.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "SKIPPED: ../shared/data not found");
        }
        None
    }
}
