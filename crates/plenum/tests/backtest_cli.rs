//! `plenum backtest` end to end: two cut-offs, the tidy CSV, the offline
//! HTML with its charts, the manifest; clear errors on bad cut-offs and
//! history files.

mod common;
use common::*;

#[test]
fn backtest_two_cutoffs_writes_csv_html_and_manifest() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("bt");
    let o = plenum(&[
        "backtest",
        "--cutoff",
        "2023Q2",
        "--cutoff",
        "2023Q4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    for needle in ["cut-off 2023Q2", "cut-off 2023Q4", "RMSE", "bias", "Theil"] {
        assert!(s.contains(needle), "{needle}: {s}");
    }
    let csv = std::fs::read_to_string(out.join("backtest.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "quarter,cutoff,sample,region,variable,statistic,value"
    );
    // 6 quarters × 3 statistics + 9 summary rows, per cut-off.
    assert_eq!(lines.count(), 2 * (6 * 3 + 9), "{csv}");
    assert!(
        csv.contains("2024Q2,2023Q2,out,CHN,gdp_growth_yoy,history,4.7"),
        "{csv}"
    );
    assert!(
        csv.contains("all,2023Q4,out,CHN,gdp_growth_yoy,rmse,"),
        "{csv}"
    );
    let html = std::fs::read_to_string(out.join("backtest.html")).unwrap();
    assert!(html.contains("id=\"backtest-growth\"") && html.contains("id=\"backtest-errors\""));
    assert!(html.contains("id=\"backtest-contrib-2023Q2\"") && html.contains("inventories"));
    // Offline: no script, nothing fetched.
    assert!(!html.contains("<script") && !html.contains("src=\"http"));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("history:data/history/china-quarterly.csv"),
        "{manifest}"
    );
}

#[test]
fn backtest_errors_name_the_cutoff_and_the_history_line() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("bt");
    let o = plenum(&[
        "backtest",
        "--cutoff",
        "2024Q2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_error(&o, &["cutoff", "2024Q1"]);
    assert!(!out.join("backtest.csv").exists());
    let o = plenum(&["backtest", "--cutoff", "2023Q5"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let h = d.path().join("h.csv");
    std::fs::write(
        &h,
        "quarter,variable,value,unit,source\n2023Q1,gdp_growth_yoy,4.5%,%,NBS\n",
    )
    .unwrap();
    let o = plenum(&[
        "backtest",
        "--cutoff",
        "2023Q2",
        "--history",
        h.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_error(&o, &["h.csv:2:23", "finite number"]);
}

#[test]
fn backtest_outputs_are_bit_identical_between_runs() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    for dir in [&a, &b] {
        let o = plenum(&[
            "backtest",
            "--cutoff",
            "2023Q3",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in ["backtest.csv", "backtest.html", "manifest.json"] {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs between two runs"
        );
    }
}
