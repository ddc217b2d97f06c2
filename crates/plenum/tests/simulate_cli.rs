//! `plenum simulate ario` end to end: BoARIO 0.7.2's golden trajectories
//! (crates/plenum-sim/tests/golden, made by its generate.py) reproduced
//! through the CLI and its tidy CSV, and clear errors on bad event files.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

fn golden_dir(case: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plenum-sim/tests/golden")
        .join(case)
}

fn read_gz(p: &Path) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap())
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn check_case(case: &str, variables: &[&str]) {
    let g = golden_dir(case);
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .args(["simulate", "ario", "--mrio"])
        .arg(g.join("mrio"))
        .arg("--event")
        .arg(g.join("event.toml"))
        .args(["--steps", "365", "--no-stocks", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // step, region/sector, variable -> value
    let csv = std::fs::read_to_string(out.path().join("trajectory.csv")).unwrap();
    let mut got: HashMap<(usize, String, String), f64> = HashMap::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        got.insert(
            (
                f[0].parse().unwrap(),
                format!("{}/{}", f[1], f[2]),
                f[3].to_string(),
            ),
            f[4].parse().unwrap(),
        );
    }
    let mut compared = 0;
    for var in variables {
        let text = read_gz(&g.join(format!("{var}.csv.gz")));
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let rows: Vec<&str> = lines.collect();
        // As the engine's own golden test: relative error, with a floor of
        // 1e-6 × the variable's largest value for entries that are zero up
        // to round-off (BoARIO's own round-off is ~1e-11 there).
        let scale = rows
            .iter()
            .flat_map(|l| l.split(',').skip(1))
            .map(|v| v.parse::<f64>().unwrap().abs())
            .fold(0.0f64, f64::max);
        for line in rows {
            let f: Vec<&str> = line.split(',').collect();
            let step: usize = f[0].parse().unwrap();
            for (k, col) in header.iter().enumerate().skip(1) {
                let want: f64 = f[k].parse().unwrap();
                let have = got[&(step, col.to_string(), var.to_string())];
                let tol = 1e-8 * want.abs().max(1e-6 * scale);
                assert!(
                    (have - want).abs() <= tol,
                    "{case} {var} step {step} {col}: {have} vs BoARIO {want}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "compared only {compared} values");
}

#[test]
fn recovery_with_shortage_matches_boario_through_cli() {
    check_case(
        "agg3x5_recovery_convexe_shortage",
        &[
            "production_realised",
            "production_capacity",
            "final_demand_unmet",
        ],
    );
}

#[test]
fn rebuild_matches_boario_through_cli() {
    check_case(
        "full6x8_rebuild_two_sectors",
        &[
            "production_realised",
            "production_capacity",
            "rebuild_demand",
        ],
    );
}

#[test]
fn unknown_region_in_event_file_is_a_clear_error() {
    let g = golden_dir("agg3x5_recovery_convexe_shortage");
    let d = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(g.join("event.toml"))
        .unwrap()
        .replace("[\"reg1\"]", "[\"reg9\"]");
    let ev = d.path().join("event.toml");
    std::fs::write(&ev, text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .args(["simulate", "ario", "--mrio"])
        .arg(g.join("mrio"))
        .arg("--event")
        .arg(&ev)
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(e.starts_with("error: ") && !e.contains("panicked"), "{e}");
    assert!(e.contains("reg9") && e.contains("reg1"), "{e}");
}

#[test]
fn shocks_without_file_is_a_clear_error() {
    let o = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .args(["simulate"])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && e.contains("--shocks"), "{e}");
}

/// A run that fails (here: the event ends after the last step) leaves no
/// output folder behind when it created it, and an existing folder as it
/// was (no trajectory, no temporary file).
#[test]
fn failed_run_leaves_no_output() {
    let g = golden_dir("agg2x4_arbitrary_linear");
    let d = tempfile::tempdir().unwrap();
    let run = |out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_plenum"))
            .args(["simulate", "ario", "--mrio"])
            .arg(g.join("mrio"))
            .arg("--event")
            .arg(g.join("event.toml"))
            .args(["--steps", "30", "--out"])
            .arg(out)
            .output()
            .unwrap()
    };
    let fresh = d.path().join("new");
    let o = run(&fresh);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && e.contains("beyond the simulated"),
        "{e}"
    );
    assert!(!fresh.exists());
    let existing = d.path().join("old");
    std::fs::create_dir(&existing).unwrap();
    std::fs::write(existing.join("keep.txt"), "x").unwrap();
    assert!(!run(&existing).status.success());
    let left: Vec<_> = std::fs::read_dir(&existing)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["keep.txt"]);
}
