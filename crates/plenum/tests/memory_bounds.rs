//! `--max-memory-gb`: the commands that hold n × n matrices beside the
//! table estimate their peak memory before the work starts, the estimate
//! bounds the peak a real run reaches (and is not loose by more than a
//! factor of 2.5: at this size the fixed 80 MB is a large part of the
//! iterative path's peak), and a run over the bound is refused with the estimate
//! and the fixes before anything is computed.
//!
//! The peaks come from the runs themselves (`PLENUM_TIMINGS=1` prints the
//! estimate and, at the end, Linux's `VmHWM`); elsewhere the test says
//! SKIPPED and passes.

mod common;
use common::*;

use std::path::Path;
use std::process::Command;

/// A 50 × 50 synthetic world table (n = 2,500: 8n² = 50 MB, so the n²
/// terms are most of each peak) written as a native file.
fn table(dir: &Path) -> String {
    let t = plenum_gvc::synthetic::random_table(50, 50, 5, 0.3, 42).expect("synthetic table");
    let p = dir.join("n2500.plenum");
    plenum_formats::native::write_native(&t, &p).expect("written");
    p.display().to_string()
}

/// (estimate, peak) in bytes of one run, or `None` without `VmHWM`.
fn measured(args: &[&str]) -> Option<(f64, f64)> {
    let o = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .args(args)
        .env("PLENUM_TIMINGS", "1")
        .output()
        .expect("the binary runs");
    let e = stderr(&o);
    assert!(o.status.success(), "{args:?} failed: {e}");
    let num = |prefix: &str| {
        e.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|r| r.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    let estimate = num("memory: estimate ").unwrap_or_else(|| panic!("{args:?}: no estimate: {e}"));
    Some((estimate, num("memory: peak ")?))
}

#[test]
fn estimates_bound_the_peaks_of_real_runs() {
    let dir = tempfile::tempdir().unwrap();
    let t = table(dir.path());
    let group = dir.path().join("group.txt");
    std::fs::write(&group, "R01\nR02\n").unwrap();
    let g = group.display().to_string();
    // (`--by technology` needs the default table's sectors; its dense
    // model alone is bounded by the same estimate as the others'.)
    let runs: [&[&str]; 6] = [
        &["analyze", "decompose", "--method", "wwz", &t],
        &[
            "analyze",
            "self-reliance",
            "--region",
            "R00",
            "--group",
            &g,
            &t,
        ],
        &["chokepoints", "--region", "R00", "--dynamic", &t],
        &["chokepoints", "--region", "R00", "--solver", "lu", &t],
        &["analyze", &t],
        &["analyze", "--solver", "iterative", &t],
    ];
    for args in runs {
        let Some((estimate, peak)) = measured(args) else {
            println!("SKIPPED: no VmHWM in /proc/self/status (not Linux)");
            return;
        };
        assert!(
            peak <= estimate && estimate <= 2.5 * peak,
            "{args:?}: estimate {:.0} MB against a peak of {:.0} MB",
            estimate / 1e6,
            peak / 1e6
        );
    }
}

#[test]
fn a_run_over_the_bound_is_refused_with_the_estimate_and_the_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let t = table(dir.path());
    // The dense model at n = 2,500: 80 MB + 6.3 · 50 MB + Y and V twice.
    let o = plenum(&["analyze", "decompose", &t, "--max-memory-gb", "0.2"]);
    assert_clean_error(
        &o,
        &[
            "plenum analyze decompose",
            "would need about 0.41 GB of memory (--max-memory-gb is 0.2)",
            "plenum table aggregate",
            "--max-memory-gb 2",
        ],
    );
    // Factoring where block GMRES would do: the lighter route comes first.
    let o = plenum(&[
        "chokepoints",
        &t,
        "--region",
        "R00",
        "--solver",
        "lu",
        "--max-memory-gb",
        "0.2",
    ]);
    assert_clean_error(&o, &["plenum chokepoints", "fix: --solver iterative"]);
    let o = plenum(&[
        "chokepoints",
        &t,
        "--region",
        "R00",
        "--dynamic",
        "--max-memory-gb",
        "0.5",
    ]);
    assert_clean_error(&o, &["fix: drop --dynamic"]);
    let o = plenum(&[
        "analyze",
        &t,
        "--write-L",
        "--out",
        "x",
        "--max-memory-gb",
        "0.2",
    ]);
    assert_clean_error(&o, &["fix: drop --write-L"]);
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("x").exists());
    for bad in ["0", "-1", "nan"] {
        let flag = format!("--max-memory-gb={bad}");
        let o = plenum(&["analyze", &t, &flag]);
        assert_clean_error(&o, &["--max-memory-gb must be a positive number of GB"]);
    }
    // Under the bound, the same commands run.
    ok(&["analyze", "decompose", &t, "--max-memory-gb", "0.6"]);
}
