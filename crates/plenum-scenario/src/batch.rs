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
//! (solved once) and its Jacobian, so it takes a few Broyden steps of one
//! run each (`calibrate::newton`).
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

use plenum_uncertainty::Dist;

use crate::calibrate::newton::{Jacobian, Options};
use crate::calibrate::{calibrate_warm, Calibration};
use crate::dists::{self, ParamDist};
use crate::economy::Economy;
use crate::error::{Result, ScenarioError};
use crate::params::param_def;
use crate::results::ScenarioRun;
use crate::run::run_scenario;
use crate::schema::Scenario;

/// Tolerance of a set's calibration, pp of growth: the 2024 targets are
/// published to 0.1 pp and a set is accepted within ±0.1 pp, so solving a
/// draw to 10⁻⁶ pp (rather than the central 10⁻⁹) changes no reported
/// digit and saves a run or two per set.
pub const SET_TOLERANCE_PP: f64 = 1e-6;

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
    /// The central calibration's Jacobian, every set's starting one.
    jacobian: Option<Jacobian>,
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
        let start = [
            baseline.params.china_autonomous_growth,
            baseline.params.china_demand_shift_2024q2,
        ];
        let (central, jacobian) =
            calibrate_warm(econ, &baseline, start, None, &Options::default())?;
        Ok(Self {
            econ,
            baseline,
            central,
            jacobian,
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

    /// `s` with the set's values; with `keep_own`, a parameter the
    /// scenario sets under `[params]` keeps its value unless the scenario
    /// gives it a distribution of its own (`[distributions]`).
    fn with_values(s: &Scenario, names: &[&str], values: &[f64], keep_own: bool) -> Scenario {
        let mut s = s.clone();
        for (n, v) in names.iter().zip(values) {
            if keep_own
                && s.params_set.iter().any(|k| k == n)
                && !s.distributions.iter().any(|d| d.name == *n)
            {
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
        let b = Self::with_values(&self.baseline, names, values, false);
        // Start from the central solution and its Jacobian (see
        // `calibrate::newton`).
        let opts = Options {
            tol: SET_TOLERANCE_PP,
            ..Options::default()
        };
        let (c, _) = calibrate_warm(
            self.econ,
            &b,
            self.central.growth,
            self.jacobian.as_ref(),
            &opts,
        )?;
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

    /// As [`Batch::run_set`], with the values each scenario takes in the
    /// draw following `coupling` (scenarios with their own distributions).
    pub fn run_set_coupled(
        &self,
        scenarios: &[&Scenario],
        names: &[&str],
        draw: &[f64],
        coupling: &Coupling,
    ) -> Result<Member> {
        let calibration = self.calibrate_set(names, &coupling.values(&coupling.baseline, draw))?;
        let mut runs = Vec::with_capacity(scenarios.len());
        for (s, d) in scenarios.iter().zip(&coupling.scenarios) {
            let v = coupling.values(d, draw);
            runs.extend(self.run_calibrated(&[*s], names, &v, &calibration)?);
        }
        Ok(Member { calibration, runs })
    }

    /// [`Batch::evaluate`] under a [`Coupling`]: `sets` are draws from its
    /// reference distributions.
    pub fn evaluate_coupled<T: Send>(
        &self,
        scenarios: &[&Scenario],
        names: &[&str],
        sets: &[Vec<f64>],
        coupling: &Coupling,
        keep: impl Fn(usize, &Member) -> T + Sync,
    ) -> Vec<std::result::Result<T, String>> {
        map_chunked(sets, |i, draw| {
            self.run_set_coupled(scenarios, names, draw, coupling)
                .map(|m| keep(i, &m))
                .map_err(|e| e.to_string())
        })
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

/// The distributions of the drawn parameters in each scenario of a run,
/// and the one draws are made from: a scenario's `[distributions]`
/// override the run's (the table's, with `--dists`); a parameter is drawn
/// if any scenario leaves it uncertain. Draws come from the reference
/// distribution (the run's, or the first scenario's that is not fixed) and
/// each scenario takes the value at the same quantile of its own
/// ([`crate::dists::follow`]), so scenarios keep common random numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Coupling {
    /// Per drawn parameter, the distribution draws come from.
    pub reference: Vec<Dist>,
    /// Per drawn parameter, the calibrated baseline's distribution.
    pub baseline: Vec<Dist>,
    /// Per scenario, per drawn parameter, its distribution.
    pub scenarios: Vec<Vec<Dist>>,
}

impl Coupling {
    /// The drawn parameters' names and their coupling (see the type's
    /// docs); `run` is every row's distribution for the run.
    pub fn new(
        run: &[ParamDist],
        baseline: &Scenario,
        scenarios: &[&Scenario],
    ) -> (Vec<&'static str>, Self) {
        let base = dists::with_overrides(run, &baseline.distributions);
        let each: Vec<Vec<ParamDist>> = scenarios
            .iter()
            .map(|s| dists::with_overrides(run, &s.distributions))
            .collect();
        let drawn = |k: usize| {
            std::iter::once(&run[k])
                .chain(std::iter::once(&base[k]))
                .chain(each.iter().map(|e| &e[k]))
                .find(|d| !matches!(d.dist, Dist::Fixed { .. }))
                .map(|d| d.dist)
        };
        let mut names = Vec::new();
        let mut reference = Vec::new();
        let mut rows = Vec::new();
        for k in 0..run.len() {
            if let Some(d) = drawn(k) {
                names.push(run[k].name);
                reference.push(d);
                rows.push(k);
            }
        }
        let pick = |v: &[ParamDist]| rows.iter().map(|&k| v[k].dist).collect::<Vec<Dist>>();
        let c = Coupling {
            reference,
            baseline: pick(&base),
            scenarios: each.iter().map(|e| pick(e)).collect(),
        };
        (names, c)
    }

    /// The values under `target` (one of this coupling's lists) of a draw
    /// from the reference distributions.
    pub fn values(&self, target: &[Dist], draw: &[f64]) -> Vec<f64> {
        draw.iter()
            .zip(&self.reference)
            .zip(target)
            .map(|((x, from), to)| dists::follow(*x, from, to))
            .collect()
    }
}
