//! `plenum run --draws N [--seed S] [--dists FILE]`: Monte Carlo runs.
//!
//! Every uncertain parameter of the table is drawn N times from its
//! distribution (plenum-scenario's `dists`, overridable with `--dists`),
//! with one seeded ChaCha8 stream per parameter numbered by its row in the
//! parameter table; a scenario's own `[distributions]` (or `kind =
//! "fixed"`) apply to that scenario at the same quantile of each draw, so
//! differences stay under common random numbers. The computation is
//! `plenum_scenario::montecarlo::run_draws` (each draw re-calibrates the
//! baseline, or fails and is counted; every scenario runs with the same
//! values, common random numbers); this command only renders its value.
//!
//! Outputs under `--out`:
//! - `results.csv`, `results.parquet`: tidy (quarter, scenario, region,
//!   sector, variable, statistic, value): the central runs (statistic
//!   `central`, every row a plain run writes), and for China's region-level
//!   series the quantiles `p05`, `p25`, `p50`, `p75`, `p95` over the
//!   successful draws, for each scenario and for each scenario minus the
//!   baseline, draw by draw (scenario `NAME-minus-baseline-2024`);
//! - `draws.csv`: one row per draw: status, reason, the drawn values, the
//!   calibrated rates and headline outputs of each scenario;
//! - `report.html` (the plain report plus fan charts), `comparison.txt`,
//!   `fit.csv` (the central runs' fit against the calibration file's
//!   facts), `uncertainty.txt` (failed draws, 90% bands), `manifest.json`.

// Index loops mirror the maths (parameter j, quarter q); scenario errors carry labels and fixes.
#![allow(clippy::needless_range_loop, clippy::result_large_err)]

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use plenum_scenario::dists::{self, ParamDist};
use plenum_scenario::montecarlo::{run_draws, Draws, HEADLINES};
use plenum_scenario::{shipped, Economy, Scenario};

use crate::cli::{RunArgs, TidyFormat};
use crate::output::OutDir;

/// The shipped baseline every calibration uses.
pub fn baseline() -> Result<Scenario> {
    match shipped::shipped("baseline-2024") {
        Some(b) => Ok(b?),
        None => bail!("the shipped baseline-2024 scenario is missing from this build"),
    }
}

/// The parameter distributions, with `--dists FILE` applied.
pub fn load_dists(file: Option<&Path>) -> Result<Vec<ParamDist>> {
    let mut d = dists::defaults();
    if let Some(f) = file {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        dists::apply_overrides(&mut d, &text, &f.display().to_string())?;
    }
    Ok(d)
}

/// draws.csv: one row per draw: status, reason, the drawn values, the
/// calibrated rates and each scenario's headlines.
fn draws_csv(d: &Draws) -> String {
    let mut csv = String::from("draw,status,reason");
    for nm in &d.names {
        let _ = write!(csv, ",{nm}");
    }
    csv.push_str(",china_autonomous_growth,china_demand_shift_2024q2");
    for s in &d.scenarios {
        for h in HEADLINES {
            let _ = write!(csv, ",{}:{h}", s.name);
        }
    }
    csv.push('\n');
    for (i, r) in d.results.iter().enumerate() {
        let (status, reason) = match r {
            Ok(_) => ("ok", String::new()),
            Err(e) => ("failed", format!("\"{}\"", e.replace('"', "'"))),
        };
        let _ = write!(csv, "{i},{status},{reason}");
        for v in &d.values[i] {
            let _ = write!(csv, ",{v:?}");
        }
        match r {
            Ok(k) => {
                let _ = write!(csv, ",{:?},{:?}", k.growth[0], k.growth[1]);
                for h in &k.headlines {
                    for v in h {
                        let _ = write!(csv, ",{v:?}");
                    }
                }
            }
            Err(_) => {
                csv.push_str(&",".repeat(2 + d.scenarios.len() * HEADLINES.len()));
            }
        }
        csv.push('\n');
    }
    csv
}

/// uncertainty.txt: failed draws and the headlines' 90% bands.
fn summary_text(d: &Draws, secs: f64) -> String {
    let n = d.n();
    let ok = d.ok().len();
    let mut txt = format!(
        "{n} draws (seed {}) of {} uncertain parameters; {ok} succeeded, {} failed (calibration missed 2024 Q1/Q2 or a run failed); {secs:.1} s\n",
        d.seed,
        d.names.len(),
        n - ok
    );
    let heads = Draws::headline_outputs();
    for (si, s) in d.scenarios.iter().enumerate() {
        let _ = writeln!(txt, "{}:", s.name);
        for (hi, h) in HEADLINES.iter().enumerate() {
            let [lo, med, hi_] = d.headline_band(si, hi, false);
            let c = heads[hi].eval(&d.central.runs[si]);
            let _ = writeln!(
                txt,
                "  {h:<24} central {c:>8.3}   median {med:>8.3}   90% band {lo:>8.3} to {hi_:>8.3}"
            );
        }
        if si != d.baseline {
            for (hi, h) in HEADLINES.iter().enumerate() {
                let [lo, med, hi_] = d.headline_band(si, hi, true);
                let _ = writeln!(
                    txt,
                    "  minus baseline {h:<24} median {med:>8.3}   90% band {lo:>8.3} to {hi_:>8.3}"
                );
            }
        }
    }
    if let Some(e) = d.first_failure() {
        let _ = writeln!(txt, "first failure: {e}");
    }
    txt
}

pub fn run(args: &RunArgs, n: usize) -> Result<()> {
    let mut scenarios = crate::cmd::run::load_scenarios(&args.scenarios)?;
    if args.scenarios.is_empty() {
        scenarios.retain(|s| s.name == "baseline-2024" || s.name == "plenum-package");
    }
    let base = baseline()?;
    let dists = load_dists(args.dists.as_deref())?;
    let seed = args.seed;
    // Checked before the work; written staged, so the folder is complete or
    // untouched (crate::output).
    let out = OutDir::prepare(
        &args.out,
        TidyFormat::Both,
        &[
            "results.csv",
            "results.parquet",
            "draws.csv",
            "uncertainty.txt",
            "comparison.txt",
            "fit.csv",
            "report.html",
            "manifest.json",
        ],
    )?;
    let table = crate::embedded::default_table()?;
    let econ = Economy::from_table(&table)?;

    let pb = crate::progress::bar(n as u64, "draws");
    let t0 = std::time::Instant::now();
    let d = run_draws(&econ, &scenarios, &base, &dists, n, seed, || pb.inc(1))?;
    pb.finish_and_clear();
    let secs = t0.elapsed().as_secs_f64();

    let frame = plenum_report::tidy::draws_frame(&d)?;
    let csv = draws_csv(&d);
    let txt = summary_text(&d, secs);
    crate::out!("{txt}")?;

    // Report: the plain report plus fan charts.
    let table_hash = plenum_formats::native::table_hash(&table);
    let meta = plenum_report::ReportMeta {
        title: format!("plenum: China scenarios after the July 2024 Third Plenum, {n} draws"),
        plenum_version: env!("CARGO_PKG_VERSION").into(),
        table: table.meta().name.clone(),
        table_hash: table_hash.clone(),
        seed,
    };
    let page = plenum_report::render(&meta, &d.central.calibration, &d.central.runs);
    let sections = plenum_report::fan::draws_sections(&d, "");
    let html = plenum_report::fan::append_sections(&page, &sections);
    let text = plenum_scenario::summary::comparison_text(&d.central.runs);
    out.write_file(
        "results.csv",
        plenum_formats::tidy::to_csv_string(&frame).as_bytes(),
    )?;
    out.write_file(
        "results.parquet",
        &plenum_formats::tidy::to_parquet_bytes(&frame)?,
    )?;
    out.write_file("draws.csv", csv.as_bytes())?;
    out.write_file("uncertainty.txt", txt.as_bytes())?;
    out.write_file("comparison.txt", text.as_bytes())?;
    out.write_file(
        "fit.csv",
        plenum_scenario::calibrate::fit_csv(&d.central.runs).as_bytes(),
    )?;
    out.write_file("report.html", html.as_bytes())?;
    let hashes: Vec<(String, String)> = d
        .scenarios
        .iter()
        .map(|s| (s.name.clone(), s.hash.clone()))
        .collect();
    out.manifest_with_hash(
        &table,
        table_hash,
        &format!("run --draws {n} --seed {seed}"),
        &hashes,
        Some(seed),
    )?;
    crate::outln!(
        "wrote {} rows, draws.csv, report.html and manifest.json under {}",
        frame.len(),
        out.dir().display()
    )?;
    Ok(())
}
