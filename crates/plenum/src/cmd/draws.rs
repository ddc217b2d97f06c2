//! `plenum run --draws N [--seed S] [--dists FILE]`: Monte Carlo runs.
//!
//! Every uncertain parameter of the table is drawn N times from its
//! distribution (plenum-scenario's `dists`, overridable with `--dists`),
//! with one seeded ChaCha8 stream per parameter, numbered by its row in
//! the parameter table (plenum-uncertainty's `draws`). A scenario's own
//! `[distributions]` (or `kind = "fixed"` entries) apply to that scenario:
//! it takes the value at the same quantile of its distribution in each
//! draw, so differences stay under common random numbers. Each draw re-calibrates the baseline (2024 Q1/Q2 growth must
//! hold, or the draw fails and is counted) and runs every scenario with the
//! same values (common random numbers), on one loaded table
//! (plenum-scenario's `batch`).
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
//!   `uncertainty.txt` (failed draws, 90% bands), `manifest.json`.

// Index loops mirror the maths (parameter j, quarter q); scenario errors carry labels and fixes.
#![allow(clippy::needless_range_loop, clippy::result_large_err)]

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use plenum_formats::tidy::{KeyColumn, Manifest, TidyFrame};
use plenum_scenario::batch::{Batch, Coupling, Member};
use plenum_scenario::dists::{self, ParamDist};
use plenum_scenario::outputs::Output;
use plenum_scenario::{shipped, Economy, Scenario, ScenarioRun};
use plenum_uncertainty::draws::draw_matrix_streams;
use plenum_uncertainty::stats::quantiles;

use crate::cli::RunArgs;

/// The quantiles written, and their labels.
pub const QUANTILES: [(f64, &str); 5] = [
    (0.05, "p05"),
    (0.25, "p25"),
    (0.5, "p50"),
    (0.75, "p75"),
    (0.95, "p95"),
];

/// Headline outputs kept per draw in draws.csv.
pub const HEADLINES: [&str; 5] = [
    "growth_2025",
    "growth_2030",
    "growth_avg",
    "gdp_2030",
    "local_debt_to_gdp_2030",
];

/// Series charted as fans.
const FAN_VARS: [(&str, &str, &str); 4] = [
    ("gdp_growth_yoy", "Real GDP growth, year on year", "%"),
    ("local_debt_to_gdp", "Local government debt / GDP", "%"),
    (
        "consumption_share",
        "Household consumption share",
        "% of GDP",
    ),
    ("self_reliance_chips", "Chips self-reliance", "%"),
];

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

/// Each parameter's random stream: its row in the parameter table, so
/// that its draws do not depend on which other parameters are drawn.
pub fn streams(names: &[&str]) -> Vec<u64> {
    names
        .iter()
        .map(|n| {
            plenum_scenario::params::PARAMS
                .iter()
                .position(|p| p.name == *n)
                .unwrap_or(0) as u64
        })
        .collect()
}

/// China's region-level series of a run: (variable, values per quarter).
fn china_series(run: &ScenarioRun) -> Vec<(&'static str, Vec<f64>)> {
    run.series
        .iter()
        .filter(|s| s.region == run.region && s.sector == plenum_scenario::results::TOTAL)
        .map(|s| (s.variable, s.values.clone()))
        .collect()
}

/// What a draw keeps.
struct Kept {
    growth: [f64; 2],
    series: Vec<Vec<(&'static str, Vec<f64>)>>,
    headlines: Vec<Vec<f64>>,
}

fn keep(m: &Member, heads: &[Output]) -> Kept {
    Kept {
        growth: m.calibration.growth,
        series: m.runs.iter().map(china_series).collect(),
        headlines: m
            .runs
            .iter()
            .map(|r| heads.iter().map(|h| h.eval(r)).collect())
            .collect(),
    }
}

/// Tidy columns being built.
#[derive(Default)]
struct Cols {
    k: [Vec<String>; 6],
    v: Vec<f64>,
}

impl Cols {
    fn push(&mut self, keys: [&str; 6], v: f64) {
        for (c, k) in self.k.iter_mut().zip(keys) {
            c.push(k.to_string());
        }
        self.v.push(v);
    }
    fn frame(self) -> Result<TidyFrame> {
        let names = [
            "quarter",
            "scenario",
            "region",
            "sector",
            "variable",
            "statistic",
        ];
        let keys = names
            .iter()
            .zip(self.k)
            .map(|(n, c)| (n.to_string(), KeyColumn::Text(c)))
            .collect();
        Ok(TidyFrame::new(keys, self.v)?)
    }
}

/// Quantiles over draws of per-draw vectors: `vals[d][q]` → `[stat][q]`.
fn band(vals: &[&[f64]], nq: usize) -> Vec<Vec<f64>> {
    let ps: Vec<f64> = QUANTILES.iter().map(|q| q.0).collect();
    let mut out = vec![vec![f64::NAN; nq]; ps.len()];
    for q in 0..nq {
        let col: Vec<f64> = vals
            .iter()
            .map(|v| v.get(q).copied().unwrap_or(f64::NAN))
            .collect();
        for (s, x) in quantiles(&col, &ps).into_iter().enumerate() {
            out[s][q] = x;
        }
    }
    out
}

pub fn run(args: &RunArgs, n: usize) -> Result<()> {
    if n == 0 {
        bail!("--draws 0: ask for at least one draw (1,000 is usual)");
    }
    if n > 1_000_000 {
        bail!("--draws {n}: at most 1,000,000 draws (each keeps China's paths in memory)");
    }
    let mut scenarios = crate::cmd::run::load_scenarios(&args.scenarios)?;
    if args.scenarios.is_empty() {
        scenarios.retain(|s| s.name == "baseline-2024" || s.name == "plenum-package");
    }
    let base = baseline()?;
    if !scenarios.iter().any(|s| s.name == base.name) {
        scenarios.insert(0, base.clone());
    }
    let bi = scenarios
        .iter()
        .position(|s| s.name == base.name)
        .unwrap_or(0);
    let dists = load_dists(args.dists.as_deref())?;
    let refs: Vec<&Scenario> = scenarios.iter().collect();
    // Scenarios' own [distributions] follow the run's draws at the same
    // quantile (common random numbers; plenum-scenario's `Coupling`).
    let (names, coupling) = Coupling::new(&dists, &base, &refs);
    if names.is_empty() {
        bail!("no parameter is uncertain: every distribution is fixed; give one a distribution with --dists FILE or a scenario's [distributions]");
    }
    let seed = args.seed;
    let draws = draw_matrix_streams(&coupling.reference, &streams(&names), n, seed)?;

    let table = crate::embedded::default_table()?;
    let econ = Economy::from_table(&table)?;
    let batch = Batch::new(&econ, base.clone())?;
    let central = batch.run_set(&refs, &[], &[])?;
    let heads: Vec<Output> = HEADLINES.iter().filter_map(|h| Output::parse(h)).collect();

    let pb = crate::progress::bar(n as u64, "draws");
    let t0 = std::time::Instant::now();
    let res = batch.evaluate_coupled(&refs, &names, &draws, &coupling, |_, m| {
        pb.inc(1);
        keep(m, &heads)
    });
    pb.finish_and_clear();
    let secs = t0.elapsed().as_secs_f64();
    let ok: Vec<&Kept> = res.iter().filter_map(|r| r.as_ref().ok()).collect();
    let failed = n - ok.len();
    if ok.is_empty() {
        bail!(
            "all {n} draws failed; the first: {}",
            res.iter()
                .find_map(|r| r.as_ref().err())
                .cloned()
                .unwrap_or_default()
        );
    }

    // Tidy frame: central rows, quantiles, differences.
    let mut cols = Cols::default();
    for r in &central.runs {
        for row in r.tidy_rows() {
            let q = row.quarter.to_string();
            cols.push(
                [
                    &q,
                    row.scenario,
                    row.region,
                    row.sector,
                    row.variable,
                    "central",
                ],
                row.value,
            );
        }
    }
    let region = central.runs[bi].region.clone();
    let mut fans: Vec<(String, String, Vec<Vec<f64>>)> = Vec::new(); // (scenario label, variable, [stat][q])
    for (si, run) in central.runs.iter().enumerate() {
        let qs: Vec<String> = run.quarters.iter().map(|q| q.to_string()).collect();
        for (vi, (var, _)) in china_series(run).iter().enumerate() {
            let vals: Vec<&[f64]> = ok.iter().map(|k| k.series[si][vi].1.as_slice()).collect();
            let b = band(&vals, qs.len());
            for (s, (_, lab)) in QUANTILES.iter().enumerate() {
                for (q, x) in b[s].iter().enumerate() {
                    if x.is_finite() {
                        cols.push([&qs[q], &run.name, &region, "TOTAL", var, lab], *x);
                    }
                }
            }
            fans.push((run.name.clone(), var.to_string(), b));
            if si != bi {
                let label = format!("{}-minus-{}", run.name, base.name);
                let nq = qs.len().min(central.runs[bi].quarters.len());
                let diffs: Vec<Vec<f64>> = ok
                    .iter()
                    .map(|k| {
                        let a = &k.series[si][vi].1;
                        let bser = k.series[bi]
                            .iter()
                            .find(|(v, _)| v == var)
                            .map(|(_, v)| v.as_slice())
                            .unwrap_or(&[]);
                        (0..nq)
                            .map(|q| a[q] - bser.get(q).copied().unwrap_or(f64::NAN))
                            .collect()
                    })
                    .collect();
                let dv: Vec<&[f64]> = diffs.iter().map(|d| d.as_slice()).collect();
                let b = band(&dv, nq);
                for (s, (_, lab)) in QUANTILES.iter().enumerate() {
                    for (q, x) in b[s].iter().enumerate() {
                        if x.is_finite() {
                            cols.push([&qs[q], &label, &region, "TOTAL", var, lab], *x);
                        }
                    }
                }
                fans.push((label, var.to_string(), b));
            }
        }
    }
    let frame = cols.frame()?;

    // draws.csv
    let mut csv = String::from("draw,status,reason");
    for nm in &names {
        let _ = write!(csv, ",{nm}");
    }
    csv.push_str(",china_autonomous_growth,china_demand_shift_2024q2");
    for s in &scenarios {
        for h in HEADLINES {
            let _ = write!(csv, ",{}:{h}", s.name);
        }
    }
    csv.push('\n');
    for (i, r) in res.iter().enumerate() {
        let (status, reason) = match r {
            Ok(_) => ("ok", String::new()),
            Err(e) => ("failed", format!("\"{}\"", e.replace('"', "'"))),
        };
        let _ = write!(csv, "{i},{status},{reason}");
        for v in &draws[i] {
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
                csv.push_str(&",".repeat(2 + scenarios.len() * HEADLINES.len()));
            }
        }
        csv.push('\n');
    }

    // Summary text: failed draws and 90% bands of the headlines.
    let mut txt = format!(
        "{n} draws (seed {seed}) of {} uncertain parameters; {} succeeded, {failed} failed (calibration missed 2024 Q1/Q2 or a run failed); {secs:.1} s\n",
        names.len(),
        ok.len()
    );
    for (si, s) in scenarios.iter().enumerate() {
        let _ = writeln!(txt, "{}:", s.name);
        for (hi, h) in HEADLINES.iter().enumerate() {
            let v: Vec<f64> = ok.iter().map(|k| k.headlines[si][hi]).collect();
            let q = quantiles(&v, &[0.05, 0.5, 0.95]);
            let c = heads[hi].eval(&central.runs[si]);
            let _ = writeln!(
                txt,
                "  {h:<24} central {c:>8.3}   median {:>8.3}   90% band {:>8.3} to {:>8.3}",
                q[1], q[0], q[2]
            );
        }
        if si != bi {
            for (hi, h) in HEADLINES.iter().enumerate() {
                let v: Vec<f64> = ok
                    .iter()
                    .map(|k| k.headlines[si][hi] - k.headlines[bi][hi])
                    .collect();
                let q = quantiles(&v, &[0.05, 0.5, 0.95]);
                let _ = writeln!(
                    txt,
                    "  minus baseline {h:<24} median {:>8.3}   90% band {:>8.3} to {:>8.3}",
                    q[1], q[0], q[2]
                );
            }
        }
    }
    if let Some(e) = res.iter().find_map(|r| r.as_ref().err()) {
        let _ = writeln!(txt, "first failure: {e}");
    }
    print!("{txt}");

    // Report: the plain report plus fan charts.
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let table_hash = plenum_formats::native::table_hash(&table);
    let meta = plenum_report::ReportMeta {
        title: format!("plenum: China scenarios after the July 2024 Third Plenum, {n} draws"),
        plenum_version: env!("CARGO_PKG_VERSION").into(),
        table: table.meta().name.clone(),
        table_hash: table_hash.clone(),
        seed,
    };
    let page = plenum_report::render(&meta, &central.calibration, &central.runs);
    let sections = fan_sections(&central.runs, &fans, n, ok.len(), seed, &base.name);
    let html = plenum_report::fan::append_sections(&page, &sections);
    let text = plenum_scenario::summary::comparison_text(&central.runs);
    plenum_formats::tidy::write_csv(&frame, &out.join("results.csv"))?;
    plenum_formats::tidy::write_parquet(&frame, &out.join("results.parquet"))?;
    plenum_formats::atomic::write_bytes_atomic(&out.join("draws.csv"), csv.as_bytes())?;
    plenum_formats::atomic::write_bytes_atomic(&out.join("uncertainty.txt"), txt.as_bytes())?;
    plenum_formats::atomic::write_bytes_atomic(&out.join("comparison.txt"), text.as_bytes())?;
    plenum_formats::atomic::write_bytes_atomic(&out.join("report.html"), html.as_bytes())?;
    let mut manifest = Manifest {
        plenum_version: env!("CARGO_PKG_VERSION").into(),
        command: format!("run --draws {n} --seed {seed}"),
        table_name: table.meta().name.clone(),
        table_hash,
        scenarios: scenarios
            .iter()
            .map(|s| (s.name.clone(), s.hash.clone()))
            .collect(),
        seed: Some(seed),
        files: [
            "results.csv",
            "results.parquet",
            "draws.csv",
            "uncertainty.txt",
            "comparison.txt",
            "report.html",
            "manifest.json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        sha256: Default::default(),
    };
    manifest.sha256 = plenum_formats::tidy::sha256_files(out, &manifest.files)?;
    plenum_formats::tidy::write_manifest(&manifest, &out.join("manifest.json"))?;
    println!(
        "wrote {} rows, draws.csv, report.html and manifest.json under {}",
        frame.len(),
        out.display()
    );
    Ok(())
}

fn fan_sections(
    runs: &[ScenarioRun],
    fans: &[(String, String, Vec<Vec<f64>>)],
    n: usize,
    n_ok: usize,
    seed: u64,
    base: &str,
) -> Vec<String> {
    use plenum_report::fan::{fan_chart, section, Fan};
    let x: Vec<String> = runs
        .first()
        .map(|r| r.quarters.iter().map(|q| q.to_string()).collect())
        .unwrap_or_default();
    let colour = |i: usize| plenum_report::PALETTE[i % plenum_report::PALETTE.len()];
    let mk = |labels: &[String], var: &str, title: &str, unit: &str, id: &str| -> String {
        let picked: Vec<(usize, &Vec<Vec<f64>>)> = labels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                fans.iter()
                    .find(|f| &f.0 == l && f.1 == var)
                    .map(|f| (i, &f.2))
            })
            .collect();
        let fs: Vec<Fan<'_>> = picked
            .iter()
            .map(|(i, b)| Fan {
                name: &labels[*i],
                colour: colour(*i),
                p05: &b[0],
                p25: &b[1],
                p50: &b[2],
                p75: &b[3],
                p95: &b[4],
            })
            .collect();
        fan_chart(id, title, unit, &x, &fs)
    };
    let names: Vec<String> = runs.iter().map(|r| r.name.clone()).collect();
    let diffs: Vec<String> = runs
        .iter()
        .filter(|r| r.name != base)
        .map(|r| format!("{}-minus-{base}", r.name))
        .collect();
    let main: Vec<String> = FAN_VARS
        .iter()
        .enumerate()
        .map(|(i, (v, t, u))| mk(&names, v, t, u, &format!("fan{i}")))
        .collect();
    let diff: Vec<String> = FAN_VARS
        .iter()
        .enumerate()
        .map(|(i, (v, t, u))| {
            mk(
                &diffs,
                v,
                &format!("{t}: scenario minus baseline"),
                u,
                &format!("fand{i}"),
            )
        })
        .collect();
    vec![
        section(
            "fans",
            "Uncertainty: fan charts",
            &format!("{n_ok} of {n} draws (seed {seed}) of every uncertain parameter, each re-calibrated to 2024 H1 growth; median, 25-75% and 5-95% bands per quarter ({} failed draws left out).", n - n_ok),
            &main,
        ),
        section(
            "fan-differences",
            "Uncertainty: differences from the baseline",
            "Scenario minus baseline, draw by draw under common random numbers (both runs of a draw share its parameter values), so the bands show what the policy changes, not what both runs share.",
            &diff,
        ),
    ]
}
