//! The example shocks files in examples/shocks run through
//! `plenum simulate --shocks` on the embedded default table, and their
//! effects have the signs and timing their comments promise.

use std::path::Path;
use std::process::Command;

fn run(example: &str, steps: &str) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_plenum"))
        .current_dir(&root)
        .args([
            "simulate",
            "--shocks",
            &format!("examples/shocks/{example}"),
            "--steps",
            steps,
            "--no-stocks",
            "--out",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{example}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(d.path().join("trajectory.csv")).unwrap();
    (String::from_utf8_lossy(&o.stdout).into_owned(), csv)
}

/// Value of (step, region, sector, variable) in a tidy trajectory.
fn value(csv: &str, step: usize, region: &str, sector: &str, var: &str) -> f64 {
    let key = format!("{step},{region},{sector},{var},");
    let line = csv
        .lines()
        .find(|l| l.starts_with(&key))
        .unwrap_or_else(|| panic!("no row {key}"));
    line.rsplit(',').next().unwrap().parse().unwrap()
}

fn region_total(csv: &str, step: usize, region: &str, var: &str) -> f64 {
    let prefix = format!("{step},{region},");
    csv.lines()
        .filter(|l| l.starts_with(&prefix) && l.contains(&format!(",{var},")))
        .map(|l| l.rsplit(',').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

#[test]
fn property_slump_lowers_china_construction() {
    let (stdout, csv) = run("property-slump.toml", "12");
    assert!(stdout.contains("CHN"), "{stdout}");
    let f0 = value(&csv, 0, "CHN", "F", "production_realised");
    let f11 = value(&csv, 11, "CHN", "F", "production_realised");
    assert!(f11 < 0.85 * f0, "construction {f0} -> {f11}");
    assert!(
        region_total(&csv, 11, "CHN", "production_realised")
            < region_total(&csv, 0, "CHN", "production_realised")
    );
}

#[test]
fn fab_programme_adds_capacity_only_after_its_lag() {
    let (_, csv) = run("fab-programme.toml", "16");
    let cap = |t| value(&csv, t, "CHN", "C26", "production_capacity");
    // Lag 730 days = 8 quarters: nothing before, more after.
    for t in 1..7 {
        assert!(
            (cap(t) / cap(0) - 1.0).abs() < 1e-9,
            "capacity moved before the lag at step {t}"
        );
    }
    assert!(cap(15) > cap(0) * 1.01, "{} -> {}", cap(0), cap(15));
}

#[test]
fn chip_controls_cut_chinas_coalition_imports_and_run() {
    let (stdout, csv) = run("chip-controls.toml", "8");
    for r in ["CHN", "USA", "TWN"] {
        assert!(stdout.contains(r), "{stdout}");
    }
    // Taiwan's electronics, which lose Chinese buyers, produce less by the end.
    let t0 = value(&csv, 0, "TWN", "C26", "production_realised");
    let t7 = value(&csv, 7, "TWN", "C26", "production_realised");
    assert!(t7 < t0, "TWN C26 {t0} -> {t7}");
}
