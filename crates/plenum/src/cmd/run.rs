//! `plenum run`: the main job. With no arguments it runs the shipped
//! scenarios (embedded in the binary) on the embedded default table; with
//! SCENARIO arguments (files, or shipped names) it runs those. It prints a
//! short comparison and writes under `--out`:
//!
//! - `results.csv`, `results.parquet`: tidy rows (quarter, scenario,
//!   region, sector, variable, value);
//! - `report.html`: the self-contained report (inline SVG charts, offline);
//! - `comparison.txt`: the printed comparison;
//! - `fit.csv`: every run's fit against the calibration file's facts
//!   (`plenum_scenario::calibrate::fit`: fact, band, model, met, source, and
//!   what sets the row in the model); the terminal shows the rows outside
//!   their bands with their causes, the report the first run's table;
//! - `manifest.json`: plenum version, table hash, scenario hashes, seed.
//!
//! The folder is checked before any work, the files are staged and
//! switched into place together, the manifest (with every file's sha256)
//! last (see `crate::output`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use plenum_scenario::{shipped, Economy, Scenario, ScenarioRun};

use crate::cli::{RunArgs, TidyFormat};
use crate::output::OutDir;

/// Parses each argument: a path to a TOML file, or a shipped scenario name.
pub fn load_scenarios(args: &[PathBuf]) -> Result<Vec<Scenario>> {
    if args.is_empty() {
        return Ok(shipped::all()?);
    }
    let mut out = Vec::new();
    for a in args {
        if a.is_dir() {
            bail!(
                "{}: this is a folder; give a scenario file (TOML) or a shipped scenario name",
                a.display()
            );
        }
        if a.is_file() {
            let text = std::fs::read_to_string(a)
                .with_context(|| format!("cannot read scenario {}", a.display()))?;
            out.push(plenum_scenario::parse_scenario(
                &text,
                &a.display().to_string(),
                &shipped::lookup,
            )?);
        } else if let Some(s) = shipped::shipped(&a.to_string_lossy()) {
            out.push(s?);
        } else {
            let names: Vec<&str> = shipped::SHIPPED.iter().map(|(n, _)| *n).collect();
            bail!(
                "{}: no such file, nor a shipped scenario; shipped scenarios are: {}",
                a.display(),
                names.join(", ")
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for s in &out {
        if !seen.insert(s.name.clone()) {
            bail!(
                "two scenarios are named \"{}\"; give each a distinct `name`",
                s.name
            );
        }
    }
    Ok(out)
}

/// The files `plenum run` and `plenum compare` write, in order (the
/// manifest last).
pub const RUN_FILES: [&str; 6] = [
    "results.csv",
    "results.parquet",
    "report.html",
    "comparison.txt",
    "fit.csv",
    "manifest.json",
];

/// Checks `out` before any work: not a file, no folder where a file goes
/// (see [`crate::output`]).
pub fn prepare_out(out: &Path) -> Result<OutDir> {
    OutDir::prepare(out, TidyFormat::Both, &RUN_FILES)
}

/// Runs `scenarios` on the embedded default table and writes everything
/// into `out` (made by [`prepare_out`] before the work); `command` goes
/// into the manifest.
pub fn execute(scenarios: &[Scenario], out: &OutDir, command: &str) -> Result<Vec<ScenarioRun>> {
    let table = crate::embedded::default_table()?;
    let econ = Economy::from_table(&table)?;
    let set = plenum_scenario::run_all(&econ, scenarios)?;
    let cal = &set.calibration;
    let text = plenum_scenario::summary::comparison_text(&set.runs);
    let reached: Vec<String> = cal
        .reached
        .iter()
        .map(|(q, got, want)| format!("{q} {got:.2}% (target {want:.1}%)"))
        .collect();
    crate::output::print(format_args!(
        "calibration: China's real growth {}; residual growth over the named drivers {:.2}% a year (2022-24, zero after), level {:+.2}% from 2024Q2{}\n",
        reached.join(", "),
        cal.growth[0],
        cal.growth[1],
        if cal.within_tolerance() { "" } else { " — OUTSIDE ±0.1 pp" }
    ))?;
    crate::output::print(format_args!("{text}"))?;
    crate::output::print(format_args!(
        "{}",
        plenum_scenario::calibrate::fit_text(&set.runs)
    ))?;
    let frame = plenum_report::tidy::runs_frame(&set.runs)?;
    out.write_file(
        RUN_FILES[0],
        plenum_formats::tidy::to_csv_string(&frame).as_bytes(),
    )?;
    out.write_file(
        RUN_FILES[1],
        &plenum_formats::tidy::to_parquet_bytes(&frame)?,
    )?;
    let table_hash = plenum_formats::native::table_hash(&table);
    let seed = scenarios.first().map_or(0, |s| s.seed);
    let meta = plenum_report::ReportMeta {
        title: "plenum: China scenarios after the July 2024 Third Plenum".into(),
        plenum_version: env!("CARGO_PKG_VERSION").into(),
        table: table.meta().name.clone(),
        table_hash: table_hash.clone(),
        seed,
    };
    let html = plenum_report::render(&meta, cal, &set.runs);
    out.write_file(RUN_FILES[2], html.as_bytes())?;
    out.write_file(RUN_FILES[3], text.as_bytes())?;
    out.write_file(
        RUN_FILES[4],
        plenum_scenario::calibrate::fit_csv(&set.runs).as_bytes(),
    )?;
    let scenario_hashes: Vec<(String, String)> = scenarios
        .iter()
        .map(|s| (s.name.clone(), s.hash.clone()))
        .collect();
    out.manifest_with_hash(&table, table_hash, command, &scenario_hashes, Some(seed))?;
    crate::output::print(format_args!(
        "wrote {} rows, fit.csv, report.html and manifest.json under {}\n",
        frame.len(),
        out.dir().display()
    ))?;
    Ok(set.runs)
}

pub fn run(args: RunArgs) -> Result<()> {
    if let Some(n) = args.draws {
        return crate::cmd::draws::run(&args, n);
    }
    let out = prepare_out(&args.out)?;
    let scenarios = load_scenarios(&args.scenarios)?;
    execute(&scenarios, &out, "run")?;
    Ok(())
}
