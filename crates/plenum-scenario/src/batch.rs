//! The batch evaluator: many parameter sets (Monte Carlo draws, a
//! sensitivity design, an optimiser's candidates) run on one loaded
//! economy. The table is read and the [`Economy`] built once by the
//! caller; every set shares it by reference.
//!
//! Per parameter set: the baseline, with the set's values, is calibrated
//! again (the 2024 Q1/Q2 growth targets must hold in every set, else the
//! set fails and the caller counts it); then every scenario runs with the
//! set's values and the set's calibrated rates. A scenario keeps the
//! parameters it sets itself under `[params]` (a scenario can fix a
//! parameter). The same set gives every scenario the same values, so
//! scenario-minus-baseline differences are taken under common random
//! numbers. The calibration of a set starts from the central calibration
//! (solved once), so it takes fewer Newton steps.
//!
//! Parallelism: the sets are cut into chunks of [`CHUNK`] in order; rayon
//! runs the chunks, each chunk's sets in order on one thread, and the
//! results are put back in set order. Every set's arithmetic is a single
//! run's, so the numbers do not depend on the number of threads.
//!
//! Why not plenum-sim's `Ensemble` (one pass over Z⁰ serving every member):
//! the macro blocks steer each member through a hook after every step, and
//! the ensemble steps members without hooks; on the embedded table (240
//! industries) a member's step is dominated by the hook and the block
//! arithmetic, not by the pass over Z⁰, so members run side by side on
//! threads instead.

use rayon::prelude::*;

use crate::calibrate::{calibrate, Calibration};
use crate::economy::Economy;
use crate::error::{Result, ScenarioError};
use crate::params::param_def;
use crate::results::ScenarioRun;
use crate::run::run_scenario;
use crate::schema::Scenario;

/// Sets per chunk of parallel work.
pub const CHUNK: usize = 4;

/// Maps `f` over `items` in fixed chunks of [`CHUNK`] on rayon's pool,
/// results in item order (independent of the number of threads).
pub fn map_chunked<I: Sync, T: Send>(items: &[I], f: impl Fn(usize, &I) -> T + Sync) -> Vec<T> {
    items
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            chunk
                .iter()
                .enumerate()
                .map(|(k, it)| f(c * CHUNK + k, it))
                .collect::<Vec<T>>()
        })
        .collect::<Vec<Vec<T>>>()
        .into_iter()
        .flatten()
        .collect()
}

/// One loaded economy and baseline, ready to evaluate parameter sets.
#[derive(Debug)]
pub struct Batch<'a> {
    pub econ: &'a Economy,
    pub baseline: Scenario,
    central: Calibration,
}

/// The result of one parameter set.
#[derive(Debug, Clone)]
pub struct Member {
    pub calibration: Calibration,
    pub runs: Vec<ScenarioRun>,
}

impl<'a> Batch<'a> {
    /// Calibrates the baseline once at the table's values.
    pub fn new(econ: &'a Economy, baseline: Scenario) -> Result<Self> {
        let central = calibrate(econ, &baseline)?;
        Ok(Self {
            econ,
            baseline,
            central,
        })
    }

    /// The calibration at the table's values.
    pub fn central(&self) -> &Calibration {
        &self.central
    }

    /// Checks parameter names against the table.
    pub fn check_names(names: &[&str]) -> Result<()> {
        for n in names {
            if param_def(n).is_none() {
                return Err(ScenarioError::Calibration {
                    message: format!("unknown parameter \"{n}\""),
                    fix: "name a row of the parameter table (docs/calibration.md)".into(),
                });
            }
        }
        Ok(())
    }

    fn with_values(s: &Scenario, names: &[&str], values: &[f64], keep_own: bool) -> Scenario {
        let mut s = s.clone();
        for (n, v) in names.iter().zip(values) {
            if keep_own && s.params_set.iter().any(|k| k == n) {
                continue;
            }
            s.params.set(n, *v);
        }
        s
    }

    /// The calibration under the parameter values `values` (aligned with
    /// `names`); the central one when no value is given. Fails when the
    /// 2024 Q1/Q2 targets cannot be met within tolerance.
    pub fn calibrate_set(&self, names: &[&str], values: &[f64]) -> Result<Calibration> {
        if names.is_empty() {
            return Ok(self.central.clone());
        }
        let mut b = Self::with_values(&self.baseline, names, values, false);
        // Start Newton from the central solution (a guess only: the run
        // takes the solved rates, see `run_scenario`).
        b.params.china_autonomous_growth = self.central.growth[0];
        b.params.china_demand_shift_2024q2 = self.central.growth[1];
        let c = calibrate(self.econ, &b)?;
        if !c.within_tolerance() {
            return Err(ScenarioError::Calibration {
                message: format!(
                    "2024 growth misses its targets: {}",
                    c.reached
                        .iter()
                        .map(|(q, got, want)| format!("{q} {got:.2}% (target {want:.1}%)"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                fix: "the draw is counted as failed".into(),
            });
        }
        Ok(c)
    }

    /// Runs `scenarios` with the parameter values and a calibration made
    /// for them by [`Batch::calibrate_set`].
    pub fn run_calibrated(
        &self,
        scenarios: &[&Scenario],
        names: &[&str],
        values: &[f64],
        calibration: &Calibration,
    ) -> Result<Vec<ScenarioRun>> {
        let runs = scenarios
            .iter()
            .map(|s| {
                let s = Self::with_values(s, names, values, true);
                run_scenario(self.econ, &s, calibration.growth, None)
            })
            .collect::<Result<Vec<_>>>()?;
        for r in &runs {
            if let Some(s) = r
                .series
                .iter()
                .find(|s| s.values.iter().any(|v| v.is_infinite()))
            {
                return Err(ScenarioError::Calibration {
                    message: format!("scenario {} diverged ({} is infinite)", r.name, s.variable),
                    fix: "the draw is counted as failed".into(),
                });
            }
        }
        Ok(runs)
    }

    /// Runs `scenarios` with the parameter values `values` (aligned with
    /// `names`): re-calibrates the baseline (unless no value is given, when
    /// the central calibration serves), then runs each scenario.
    pub fn run_set(
        &self,
        scenarios: &[&Scenario],
        names: &[&str],
        values: &[f64],
    ) -> Result<Member> {
        let calibration = self.calibrate_set(names, values)?;
        let runs = self.run_calibrated(scenarios, names, values, &calibration)?;
        Ok(Member { calibration, runs })
    }

    /// Evaluates every parameter set (rows of `sets`, aligned with
    /// `names`) and keeps `keep(set index, member)` of each; a set whose
    /// calibration or run fails gives `Err(reason)`. Results in set order,
    /// bit-identical whatever the number of threads.
    pub fn evaluate<T: Send>(
        &self,
        scenarios: &[&Scenario],
        names: &[&str],
        sets: &[Vec<f64>],
        keep: impl Fn(usize, &Member) -> T + Sync,
    ) -> Vec<std::result::Result<T, String>> {
        map_chunked(sets, |i, values| {
            self.run_set(scenarios, names, values)
                .map(|m| keep(i, &m))
                .map_err(|e| e.to_string())
        })
    }
}
