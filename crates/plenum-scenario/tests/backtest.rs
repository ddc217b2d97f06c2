//! The backtest (issue 11) on the embedded default table at two cut-offs:
//! the in-sample mean is fitted, every later quarter of history is scored,
//! and the statistics follow from the errors.

use std::sync::OnceLock;

use plenum_scenario::backtest::{
    backtest, markdown, shipped_history, valid_cutoffs, BacktestReport, VARIABLE,
};
use plenum_scenario::{Economy, Quarter};

fn econ() -> &'static Economy {
    static E: OnceLock<Economy> = OnceLock::new();
    E.get_or_init(|| {
        let t = plenum_testdata::default_table().unwrap();
        Economy::from_table(&t).unwrap()
    })
}

fn check(b: &BacktestReport, cutoff: Quarter, n_in: usize, n_out: usize) {
    assert_eq!(b.cutoff, cutoff);
    let inside: Vec<_> = b.quarters.iter().filter(|q| q.in_sample).collect();
    let outside: Vec<_> = b.quarters.iter().filter(|q| !q.in_sample).collect();
    assert_eq!((inside.len(), outside.len()), (n_in, n_out), "{b:?}");
    assert!(inside.iter().all(|q| q.quarter <= cutoff));
    assert!(outside.iter().all(|q| q.quarter > cutoff));
    // The calibration fits the in-sample mean.
    let mean_err = inside.iter().map(|q| q.error).sum::<f64>() / n_in as f64;
    assert!(mean_err.abs() < 1e-8, "in-sample mean error {mean_err}");
    // Errors are model minus history, the model's values are the run's.
    for q in &b.quarters {
        assert!((q.error - (q.model - q.history)).abs() < 1e-12);
        assert_eq!(q.model, b.run.at(VARIABLE, &b.region, q.quarter));
        assert!(q.model.is_finite() && q.history.is_finite());
    }
    let e: Vec<f64> = outside.iter().map(|q| q.error).collect();
    let bias = e.iter().sum::<f64>() / e.len() as f64;
    let rmse = (e.iter().map(|v| v * v).sum::<f64>() / e.len() as f64).sqrt();
    assert!((b.out_of_sample.bias - bias).abs() < 1e-12);
    assert!((b.out_of_sample.rmse - rmse).abs() < 1e-12);
    assert!(b.out_of_sample.rmse >= b.out_of_sample.bias.abs());
    assert!(b.naive_rmse.is_finite() && b.naive_rmse > 0.0);
    // The projection is a real one: growth is not simply history.
    assert!(b.out_of_sample.rmse > 1e-3);
    // Sane bounds for a model calibrated on China's 2023: within 3 pp.
    assert!(b.out_of_sample.rmse < 3.0, "{}", b.out_of_sample.rmse);
}

#[test]
fn backtest_at_two_cutoffs() {
    let h = shipped_history().unwrap();
    let base = plenum_scenario::baseline().unwrap();
    let a = backtest(econ(), &base, &h, Quarter::new(2023, 2)).unwrap();
    check(&a, Quarter::new(2023, 2), 2, 4);
    let b = backtest(econ(), &base, &h, Quarter::new(2023, 4)).unwrap();
    check(&b, Quarter::new(2023, 4), 4, 2);
    // Different samples give different calibrations.
    assert!((a.growth - b.growth).abs() > 1e-6);
    println!("{}", plenum_scenario::backtest::text(&[a, b]));
}

#[test]
fn a_cutoff_without_history_after_it_is_an_error_naming_the_valid_ones() {
    let h = shipped_history().unwrap();
    let base = plenum_scenario::baseline().unwrap();
    for q in [Quarter::new(2024, 2), Quarter::new(2022, 4)] {
        let m = backtest(econ(), &base, &h, q).unwrap_err().to_string();
        assert!(m.contains("cutoff") && m.contains("2023Q1, 2023Q2"), "{m}");
    }
    // A scenario that ends at the cut-off has nothing to project.
    let mut short = base.clone();
    short.end = Quarter::new(2023, 3);
    let m = backtest(econ(), &short, &h, Quarter::new(2023, 3))
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("end") && m.contains("past the cut-off 2023Q3"),
        "{m}"
    );
}

/// docs/calibration.md shows the backtest at every cut-off the history
/// allows, as this code computes it: regenerated with `PLENUM_BLESS=1`,
/// checked otherwise.
#[test]
fn docs_backtest_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/calibration.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let h = shipped_history().unwrap();
    let base = plenum_scenario::baseline().unwrap();
    let reports: Vec<BacktestReport> = valid_cutoffs(&h)
        .into_iter()
        .map(|c| backtest(econ(), &base, &h, c).unwrap())
        .collect();
    let body = markdown(&reports);
    let b = doc.find("<!-- backtest:begin").expect("backtest marker");
    let b_end = b + doc[b..].find("-->").unwrap() + 3;
    let e = doc
        .find("<!-- backtest:end -->")
        .expect("backtest end marker");
    let want = format!("{}\n{}{}", &doc[..b_end], body, &doc[e..]);
    if std::env::var_os("PLENUM_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
    } else {
        assert!(
            doc == want,
            "docs/calibration.md is stale: run PLENUM_BLESS=1 cargo test --release -p plenum-scenario --test backtest docs_backtest"
        );
    }
}
