//! Scenarios of plenum: macro blocks driving the dynamic engine, scenario
//! files, calibration and the quarterly run.
//!
//! - [`schema`]: scenario files (TOML, `schema = 1`), parsed from `&str`,
//!   merged along `extends`, range-checked; [`bind`] checks their labels
//!   against a table;
//! - [`params`]: the one parameter table (value, unit, range, source);
//! - [`blocks`]: households, property, land finance and local government,
//!   FDI, self-reliance programmes, export controls, common prosperity;
//! - [`engine`]: how runs use the dynamic engine (plenum-sim's extended
//!   mode, quarterly steps) and the accounts that follow from it;
//! - [`run`]: one scenario, quarter by quarter; [`calibrate`]: the
//!   baseline against 2024 H1 growth; [`summary`]: the comparison table and
//!   the generated text; [`shipped`]: the scenarios embedded in the binary;
//!   [`backtest`]: calibration on history to a cut-off, projection and its
//!   errors.
//!
//! The crate does no I/O: the binary reads files and writes outputs.
//!
//! ```no_run
//! # fn demo(table: &plenum_table::MrioTable) -> plenum_scenario::Result<()> {
//! let econ = plenum_scenario::Economy::from_table(table)?;
//! let scenarios = plenum_scenario::shipped::all()?;
//! let out = plenum_scenario::run_all(&econ, &scenarios)?;
//! println!("{}", plenum_scenario::summary::comparison_text(&out.runs));
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
// Errors carry labels and fixes; they are built on the cold path only.
#![allow(clippy::result_large_err)]
// Index loops mirror the maths (industry i, sector s, column j).
#![allow(clippy::needless_range_loop)]

pub mod backtest;
pub mod batch;
pub mod bind;
pub mod blocks;
pub mod calibrate;
pub mod contrib;
pub mod dists;
pub mod economy;
pub mod engine;
pub mod error;
pub mod montecarlo;
pub mod outputs;
pub mod params;
pub mod results;
pub mod run;
pub mod schema;
pub mod shipped;
pub mod summary;
pub mod time;

pub use calibrate::{calibrate, Calibration};
pub use economy::Economy;
pub use error::{At, Result, ScenarioError};
pub use params::{Params, PARAMS};
pub use results::{ScenarioRun, Series, TidyRow};
pub use run::run_scenario;
pub use schema::{parse_scenario, Overrides, Scenario};
pub use time::Quarter;

use rayon::prelude::*;

/// Calibration and the runs of a set of scenarios.
#[derive(Debug, Clone)]
pub struct RunSet {
    /// The shipped baseline's calibration.
    pub calibration: Calibration,
    /// Each run's own calibration, in the order of `runs`.
    pub calibrations: Vec<Calibration>,
    pub runs: Vec<ScenarioRun>,
}

/// The shipped baseline scenario.
pub fn baseline() -> Result<Scenario> {
    match shipped::shipped("baseline-2024") {
        Some(b) => b,
        None => unreachable_baseline(),
    }
}

/// Calibrates `scn` on itself from `start` (see [`calibrate`]) and runs it.
pub fn run_calibrated(
    econ: &Economy,
    scn: &Scenario,
    start: [f64; 2],
) -> Result<(Calibration, ScenarioRun)> {
    let cal = calibrate::calibrate_from(econ, scn, start)?;
    let run = run_scenario(econ, scn, cal.growth, None)?;
    Ok((cal, run))
}

/// Calibrates the shipped baseline, then calibrates and runs every
/// scenario on itself (in parallel; results in the order given,
/// bit-identical however many threads run them).
pub fn run_all(econ: &Economy, scenarios: &[Scenario]) -> Result<RunSet> {
    let calibration = calibrate(econ, &baseline()?)?;
    let g = calibration.growth;
    let (calibrations, runs) = scenarios
        .par_iter()
        .map(|s| run_calibrated(econ, s, g))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    Ok(RunSet {
        calibration,
        calibrations,
        runs,
    })
}

fn unreachable_baseline() -> Result<Scenario> {
    Err(ScenarioError::Calibration {
        message: "the shipped baseline-2024 scenario is missing from this build".into(),
        fix: "rebuild plenum from a complete checkout".into(),
    })
}
