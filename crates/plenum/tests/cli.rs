//! End-to-end tests of the `plenum` binary: the README's main command,
//! reproducibility, and clear errors (never a panic) on bad input.

mod common;
use common::*;

use std::path::Path;
use std::process::Output;

#[test]
fn table_info_on_embedded_default() {
    let o = plenum(&["table", "info"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("plenum-default-2022"), "{s}");
    assert!(s.contains("10 regions × 24 sectors"), "{s}");
    for sector in ["C26", "C28", "J62_63", "F", "L", "K", "O"] {
        assert!(
            s.split_whitespace().any(|w| w == sector),
            "sector {sector} missing: {s}"
        );
    }
}

#[test]
fn run_writes_outputs_and_is_bit_identical() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a");
    let b = d.path().join("b");
    for dir in [&a, &b] {
        let o = plenum(&["run", "--out", dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut names: Vec<String> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"manifest.json".to_string()), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".csv")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".parquet")), "{names:?}");
    for n in &names {
        assert!(!n.starts_with('.'), "temporary file left behind: {n}");
        let x = std::fs::read(a.join(n)).unwrap();
        let y = std::fs::read(b.join(n)).unwrap();
        assert!(x == y, "{n} differs between two runs");
    }
    let manifest = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"plenum_version\""), "{manifest}");
    assert!(manifest.contains("\"table_hash\""), "{manifest}");
}

#[test]
fn analyze_tidy_csv_is_long_format() {
    let d = tempfile::tempdir().unwrap();
    let o = plenum(&[
        "analyze",
        "--out",
        d.path().to_str().unwrap(),
        "--tidy",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(d.path().join("industries.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("region,sector,variable,value"));
    // 240 industries × 11 variables.
    assert_eq!(lines.count(), 240 * 11);
    // Output multipliers are at least 1 (an identity of productive tables).
    for line in csv.lines().filter(|l| l.contains(",output_multiplier,")) {
        let v: f64 = line.rsplit(',').next().unwrap().parse().unwrap();
        assert!(v >= 1.0 - 1e-12, "{line}");
    }
}

#[test]
fn missing_table_is_a_clear_error() {
    let o = plenum(&["table", "info", "no/such/table.plenum"]);
    assert_clean_error(&o, &["no/such/table.plenum"]);
}

#[test]
fn unknown_format_asks_for_format_flag() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("table.txt");
    std::fs::write(&p, "hello").unwrap();
    let o = plenum(&["table", "info", p.to_str().unwrap()]);
    assert_clean_error(&o, &["--format"]);
}

#[test]
fn corrupted_native_file_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bad.plenum");
    let mut bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/default/default.plenum"),
    )
    .unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&p, &bytes).unwrap();
    let o = plenum(&["table", "info", p.to_str().unwrap()]);
    assert_clean_error(&o, &["bad.plenum"]);
}

#[test]
fn aggregate_with_bad_concordance_names_the_line() {
    let d = tempfile::tempdir().unwrap();
    let conc = d.path().join("regions.csv");
    std::fs::write(&conc, "source,group\nCHN,ASIA\nUSA,WEST\nCHN,WEST\n").unwrap();
    let out = d.path().join("agg.plenum");
    let o = plenum(&[
        "table",
        "aggregate",
        "--regions",
        conc.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_error(&o, &["regions.csv line 4", "\"CHN\""]);
    assert!(!out.exists(), "no output on error");
}

#[test]
fn aggregate_then_info_round_trip() {
    let d = tempfile::tempdir().unwrap();
    let conc = d.path().join("regions.csv");
    let mut text = String::from("source,group\n");
    for r in [
        "CHN",
        "USA",
        "JPN",
        "KOR",
        "TWN",
        "DEU",
        "NLD",
        "EU_REST",
        "APAC_REST",
        "ROW",
    ] {
        let g = if r == "CHN" { "CHN" } else { "WORLD" };
        text.push_str(&format!("{r},{g}\n"));
    }
    std::fs::write(&conc, text).unwrap();
    let out = d.path().join("agg.plenum");
    let o = plenum(&[
        "table",
        "aggregate",
        "--regions",
        conc.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plenum(&["table", "info", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 regions × 24 sectors"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn help_has_examples() {
    let o = plenum(&["--help"]);
    assert!(stdout(&o).contains("Examples:"));
    let o = plenum(&["table", "build", "--help"]);
    assert!(stdout(&o).contains("Examples:"));
}

#[test]
fn wiod_info_on_real_table() {
    let Some(data) = shared_data() else { return };
    let p = data.join("wiod-2013-wiot2011");
    let o = plenum(&["table", "info", p.to_str().unwrap(), "--allow-zero-output"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("41 regions × 35 sectors"),
        "{}",
        stdout(&o)
    );
}

/// The committed default table is exactly what the documented command makes.
#[test]
fn default_table_rebuilds_identically() {
    let Some(data) = shared_data() else { return };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("default.plenum");
    let o = plenum(&[
        "table",
        "build",
        "--data",
        data.to_str().unwrap(),
        "--default",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let committed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/default/default.plenum"),
    )
    .unwrap();
    let rebuilt = std::fs::read(&out).unwrap();
    assert!(committed == rebuilt, "the committed default table differs from a rebuild; rerun the command in data/default/PROVENANCE.md");
}

#[test]
fn every_format_is_recognised_and_read() {
    let mocks = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plenum-formats/tests/data");
    for (file, want) in [
        ("icio/ICIO2021_2018.csv", "3 regions × 3 sectors"),
        ("icio/ICIO2023_2020.csv", "3 regions × 3 sectors"),
    ] {
        let p = mocks.join(file);
        let o = plenum(&["table", "info", p.to_str().unwrap()]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert!(stdout(&o).contains(want), "{file}: {}", stdout(&o));
    }
    let Some(data) = shared_data() else { return };
    for (file, want) in [
        ("china-nbs-io/china_2020_42.csv", "1 regions × 42 sectors"),
        ("china-nbs-io/china_2020_153.csv", "1 regions × 153 sectors"),
        ("oecd-niot-2022/CHN2022ttl.csv", "1 regions × 50 sectors"),
    ] {
        let p = data.join(file);
        let o = plenum(&["table", "info", p.to_str().unwrap()]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert!(stdout(&o).contains(want), "{file}: {}", stdout(&o));
    }
}

#[test]
fn convert_to_pymrio_and_back_keeps_the_numbers() {
    let d = tempfile::tempdir().unwrap();
    let folder = d.path().join("pym");
    let o = plenum(&[
        "table",
        "convert",
        "--to",
        "pymrio",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let back = d.path().join("back.plenum");
    let o = plenum(&[
        "table",
        "convert",
        folder.to_str().unwrap(),
        "--to",
        "native",
        "--out",
        back.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a = plenum(&["analyze", "--top", "5"]);
    let b = plenum(&["analyze", back.to_str().unwrap(), "--top", "5"]);
    assert!(a.status.success() && b.status.success(), "{}", stderr(&b));
    // The multiplier rankings (4 decimals) agree after the round trip.
    let tail = |o: &Output| {
        stdout(o)
            .split_once("output multipliers")
            .map(|(_, t)| t.to_string())
            .unwrap()
    };
    assert_eq!(tail(&a), tail(&b));
}

/// The WIOD concordances in data/concordances-wiod map every WIOD label.
#[test]
fn wiod_aggregates_to_ten_regions_and_twenty_sectors() {
    let Some(data) = shared_data() else { return };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("wiod.plenum");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = plenum(&[
        "table",
        "aggregate",
        data.join("wiod-2013-wiot2011").to_str().unwrap(),
        "--allow-zero-output",
        "--regions",
        root.join("data/concordances-wiod/regions-10.csv")
            .to_str()
            .unwrap(),
        "--sectors",
        root.join("data/concordances-wiod/sectors-20.csv")
            .to_str()
            .unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plenum(&["table", "info", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("10 regions × 20 sectors"),
        "{}",
        stdout(&o)
    );
}

/// Issue 14, defects 4 and 7: `plenum run` checks `--out` before any work,
/// and a folder in the way of an output file leaves the old folder as it
/// was (no new results beside the old manifest); `--out a/../b` creates
/// no `a`, and the manifest holds every file's sha256.
#[test]
fn output_folder_is_complete_or_left_as_it_was() {
    let d = tempfile::tempdir().unwrap();
    let o = d.path().join("o");
    std::fs::create_dir_all(o.join("report.html")).unwrap();
    std::fs::write(o.join("manifest.json"), "old").unwrap();
    let r = plenum(&["run", "--out", o.to_str().unwrap()]);
    assert!(!r.status.success());
    assert!(
        stderr(&r).contains("report.html is a folder"),
        "{}",
        stderr(&r)
    );
    let mut left: Vec<String> = std::fs::read_dir(&o)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["manifest.json", "report.html"]);
    assert_eq!(
        std::fs::read_to_string(o.join("manifest.json")).unwrap(),
        "old"
    );
    let ab = d.path().join("a/../b");
    let r = plenum(&["analyze", "--out", ab.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!d.path().join("a").exists());
    let m = std::fs::read_to_string(d.path().join("b/manifest.json")).unwrap();
    assert!(m.contains("\"sha256\""), "{m}");
}

/// `plenum run` reports the fit against the calibration file on every run
/// (issue 11: a miss is never silent): the terminal names each row of the
/// baseline outside its band, `fit.csv` has every judged row, and the
/// report's calibration section has the table with a "why" for each miss.
#[test]
fn run_reports_the_fit_against_the_calibration_file() {
    let d = tempfile::tempdir().unwrap();
    let o = plenum(&["run", "--out", d.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let csv = std::fs::read_to_string(d.path().join("fit.csv")).unwrap();
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert!(
        out.contains("fit of baseline-2024 against the calibration file's facts"),
        "{out}"
    );
    assert!(html.contains("id=\"fit\""));
    let mut misses = 0;
    for line in csv
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("baseline-2024,"))
    {
        // The target is the second field, quoted (every target has a comma).
        let target = line.split('"').nth(1).unwrap();
        let met = line.contains(",true,");
        assert_eq!(
            out.contains(&format!("  {target}: ")),
            !met,
            "{target}\n{out}"
        );
        assert!(html.contains(&target.replace('&', "&amp;")), "{target}");
        misses += usize::from(!met);
    }
    assert_eq!(html.matches("<tr class=\"why\">").count(), misses);
    let whys = out.matches("    why: ").count();
    assert!((misses == 0 || whys >= 1) && whys <= misses, "{out}");
}

/// `--storage` reaches the pymrio reader: `sparse` holds Z in compressed
/// sparse rows, `dense` as a matrix, and `table info` says which, with the
/// same balances and bound; a format whose reader cannot fill Z sparse is
/// refused rather than silently read dense.
#[test]
fn table_info_reports_the_storage_of_z() {
    let d = tempfile::tempdir().unwrap();
    let folder = d.path().join("pym");
    let o = plenum(&[
        "table",
        "convert",
        "--to",
        "pymrio",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let info = |storage: &str| {
        let o = plenum(&[
            "table",
            "info",
            folder.to_str().unwrap(),
            "--storage",
            storage,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let (sparse, dense) = (info("sparse"), info("dense"));
    assert!(sparse.contains("storage    Z csr: "), "{sparse}");
    assert!(dense.contains("storage    Z dense: "), "{dense}");
    // Same nonzeros and density; the bytes differ.
    let counts = |s: &str| {
        let l = s.lines().find(|l| l.starts_with("storage")).unwrap();
        l.split_once(": ")
            .unwrap()
            .1
            .rsplit_once(", ")
            .unwrap()
            .0
            .to_string()
    };
    assert_eq!(counts(&sparse), counts(&dense));
    let keep = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("balance") || l.starts_with("productive"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(keep(&sparse), keep(&dense));
    let native = d.path().join("t.plenum");
    let o = plenum(&[
        "table",
        "convert",
        folder.to_str().unwrap(),
        "--to",
        "native",
        "--out",
        native.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plenum(&[
        "table",
        "info",
        native.to_str().unwrap(),
        "--storage",
        "sparse",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("pymrio folders only"), "{}", stderr(&o));
}
