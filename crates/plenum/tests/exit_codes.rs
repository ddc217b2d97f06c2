//! Exit codes follow the kind of error (see `plenum --help`), and a closed
//! standard output ends a command quietly with 0, as in ripgrep.

mod common;
use common::*;

use std::process::{Command, Stdio};

#[test]
fn exit_codes_by_error_kind() {
    // 66: the input does not exist.
    let o = plenum(&["table", "info", "/nonexistent/table.plenum"]);
    assert_eq!(o.status.code(), Some(66), "{}", stderr(&o));
    // 65: the input is there but rejected.
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.plenum");
    std::fs::write(&bad, b"not a plenum table").unwrap();
    let o = plenum(&["table", "info", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
    // 2: the command line is wrong (clap).
    let o = plenum(&["table", "info", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // 1: a bad flag value the commands check themselves.
    let o = plenum(&["chokepoints", "--critical-share", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn a_closed_standard_output_ends_quietly_with_success() {
    for args in [
        &["table", "info"][..],
        &["analyze", "decompose", "--method", "kww"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plenum"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before plenum writes (it reads the table
        // first): its writes then fail with a broken pipe.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {e}");
        assert!(
            !e.contains("panicked") && !e.contains("error"),
            "{args:?}: {e}"
        );
    }
}

/// `plenum sweep status DIR | grep -q done` (the Slurm script's check):
/// the reader leaves early and plenum must not panic on the closed pipe
/// (it did, with `println!`).
#[test]
fn sweep_status_on_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("s");
    let plan = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .args(["sweep", "plan", "examples/sweeps/quick.toml", "--out"])
        .arg(&sweep)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    assert!(
        plan.status.success(),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .args(["sweep", "status"])
        .arg(&sweep)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(!e.contains("panicked"), "{e}");
}
