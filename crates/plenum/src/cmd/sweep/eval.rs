//! How a sweep evaluates its variants: the one place that calls the
//! scenario engine, so that it can move to plenum-scenario's batch
//! evaluator without touching plan, run, status or gather.
//!
//! A parameter set (one seed × grid point × draw) is calibrated once: the
//! shipped baseline with the set's values is solved for China's autonomous
//! demand growth (as `plenum run` does with the table's values; the solver
//! starts from the solution at the table's values and its Jacobian, both
//! computed once per process, so a set needs no finite differences unless
//! its steps stall: plenum-scenario's `calibrate::newton`), then every
//! scenario of the set runs with those values on top of its own, and the
//! calibrated growth unless the set fixes it. Sets are evaluated in
//! parallel and returned in order, so the results do not depend on the
//! number of threads or on which other sets share the process.

use anyhow::{Context as _, Result};
use plenum_scenario::calibrate::{calibrate_warm, newton};
use plenum_scenario::{run_scenario, shipped, Economy, Scenario, ScenarioRun};
use rayon::prelude::*;

/// What every evaluation reads: the economy of the table and the parsed
/// scenarios; loaded once per process.
pub struct Context {
    pub econ: Economy,
    pub scenarios: Vec<Scenario>,
    pub baseline: Scenario,
    /// Names of the swept parameters, in the order of a set's values.
    pub params: Vec<String>,
    /// The calibration at the table's values and its Jacobian: each set's
    /// starting point.
    pub start: [f64; 2],
    pub jacobian: Option<newton::Jacobian>,
}

impl Context {
    pub fn new(econ: Economy, scenarios: Vec<Scenario>, params: Vec<String>) -> Result<Self> {
        let baseline = shipped::shipped("baseline-2024")
            .context("the shipped baseline-2024 scenario is missing from this build")??;
        let guess = [
            baseline.params.china_autonomous_growth,
            baseline.params.china_demand_shift_2024q2,
        ];
        let (central, jacobian) =
            calibrate_warm(&econ, &baseline, guess, None, &newton::Options::default())?;
        Ok(Self {
            econ,
            scenarios,
            baseline,
            params,
            start: central.growth,
            jacobian,
        })
    }

    /// `scn` with the set's values on top of its own.
    fn with_values(&self, scn: &Scenario, values: &[f64], seed: u64) -> Scenario {
        let mut s = scn.clone();
        s.seed = seed;
        for (name, v) in self.params.iter().zip(values) {
            s.params.set(name, *v);
            if !s.params_set.iter().any(|k| k == name) {
                s.params_set.push(name.clone());
            }
        }
        s
    }
}

/// One parameter set to evaluate: its values, its seed and the scenarios
/// (indices into [`Context::scenarios`]) to run with it.
pub struct SetJob {
    pub values: Vec<f64>,
    pub seed: u64,
    pub scenarios: Vec<usize>,
}

/// THE evaluation: calibrates each set and runs its scenarios; results per
/// set, in the order of `jobs` and of each job's scenarios.
pub fn evaluate(ctx: &Context, jobs: &[SetJob]) -> Result<Vec<Vec<ScenarioRun>>> {
    jobs.par_iter()
        .with_max_len(1)
        .map(|job| {
            let mut base = ctx.with_values(&ctx.baseline, &job.values, job.seed);
            let fixed = |name: &str| ctx.params.iter().any(|p| p == name);
            if !fixed("china_autonomous_growth") {
                base.params.china_autonomous_growth = ctx.start[0];
            }
            if !fixed("china_demand_shift_2024q2") {
                base.params.china_demand_shift_2024q2 = ctx.start[1];
            }
            let (cal, _) = calibrate_warm(
                &ctx.econ,
                &base,
                ctx.start,
                ctx.jacobian.as_ref(),
                &newton::Options::default(),
            )?;
            // The scenarios of a set run in parallel too, so that a small
            // shard (few sets) still uses every thread.
            job.scenarios
                .par_iter()
                .map(|&k| {
                    let scn = ctx.with_values(&ctx.scenarios[k], &job.values, job.seed);
                    // A set that fixes the calibrated parameters keeps them
                    // (params_set), as a scenario file that sets them does.
                    Ok(run_scenario(&ctx.econ, &scn, cal.growth, None)?)
                })
                .collect::<Result<Vec<_>>>()
        })
        .collect()
}
