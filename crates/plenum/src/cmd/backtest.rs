//! `plenum backtest`: calibrates the scenario (default: baseline-2024) on
//! China's quarterly history up to each `--cutoff`, projects the quarters
//! after it and scores the projection (`plenum_scenario::backtest`). It
//! prints each cut-off's errors and writes under `--out`:
//!
//! - `backtest.csv`: tidy rows (quarter, cutoff, sample, region, variable,
//!   statistic, value): history, model and error per quarter, and each
//!   cut-off's bias, RMSE, MAE, naive RMSE, Theil's U;
//! - `backtest.html`: charts (history against the projections, the errors)
//!   and tables, self-contained and offline;
//! - `manifest.json`: version, table hash, scenario hash, the history
//!   file's hash (as an input named `history:<file>`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use plenum_scenario::backtest::{self, History};
use plenum_scenario::{Economy, Quarter};

use crate::cli::{BacktestArgs, TidyFormat};
use crate::output::OutDir;

/// The files the command writes, in order (the manifest last).
pub const FILES: [&str; 3] = ["backtest.csv", "backtest.html", "manifest.json"];

fn history(path: &Option<PathBuf>) -> Result<History> {
    Ok(match path {
        None => backtest::shipped_history()?,
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read history {}", p.display()))?;
            backtest::parse_history(&text, &p.display().to_string())?
        }
    })
}

pub fn backtest(args: BacktestArgs) -> Result<()> {
    let out = OutDir::prepare(&args.out, TidyFormat::Csv, &FILES)?;
    let scenario = match &args.scenario {
        Some(s) => crate::cmd::run::load_scenarios(std::slice::from_ref(s))?
            .into_iter()
            .next()
            .context("no scenario loaded")?,
        None => plenum_scenario::baseline()?,
    };
    let hist = history(&args.history)?;
    let mut cutoffs: Vec<Quarter> = Vec::new();
    for c in &args.cutoff {
        let q = Quarter::parse(c, false)
            .with_context(|| format!("--cutoff {c}: not a quarter; write e.g. 2023Q2"))?;
        if !cutoffs.contains(&q) {
            cutoffs.push(q);
        }
    }
    let table = crate::embedded::default_table()?;
    let econ = Economy::from_table(&table)?;
    let mut reports = Vec::with_capacity(cutoffs.len());
    for c in &cutoffs {
        reports.push(backtest::backtest(&econ, &scenario, &hist, *c)?);
    }
    let text = backtest::text(&reports);
    crate::output::print(format_args!("{text}"))?;
    let frame = plenum_report::backtest::frame(&reports)?;
    out.write_file(
        FILES[0],
        plenum_formats::tidy::to_csv_string(&frame).as_bytes(),
    )?;
    let table_hash = plenum_formats::native::table_hash(&table);
    let meta = plenum_report::ReportMeta {
        title: format!("plenum backtest: {}", scenario.name),
        plenum_version: env!("CARGO_PKG_VERSION").into(),
        table: table.meta().name.clone(),
        table_hash: table_hash.clone(),
        seed: scenario.seed,
    };
    out.write_file(
        FILES[1],
        plenum_report::backtest::render(&meta, &reports).as_bytes(),
    )?;
    let inputs = vec![
        (scenario.name.clone(), scenario.hash.clone()),
        (format!("history:{}", hist.file), hist.hash.clone()),
    ];
    out.manifest_with_hash(&table, table_hash, "backtest", &inputs, Some(scenario.seed))?;
    crate::output::print(format_args!(
        "wrote backtest.csv ({} rows), backtest.html and manifest.json under {}\n",
        frame.len(),
        out.dir().display()
    ))?;
    Ok(())
}
