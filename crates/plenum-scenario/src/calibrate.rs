//! Calibration of the baseline to China's growth in the first half of
//! 2024.
//!
//! Targets (NBS, reported 15 Jul 2024): real GDP growth y/y 5.3% in 2024Q1
//! and 4.7% in 2024Q2; tolerance ±0.1 pp. Two parameters are solved for,
//! one per target: the growth of the residual (China's demand growth over
//! and above the named blocks' trends) in 2022-2024,
//! `china_autonomous_growth`, and a
//! change of its level from 2024Q2 on, `china_demand_shift_2024q2`. The
//! growth rate sets 2024Q1; the shift moves 2024Q2 only, so the pair is
//! exactly identified. The fall from Q1 to Q2 that the blocks do not
//! produce is thus a one-quarter stumble (NBS: 0.7% q/q in Q2 after 1.5% in
//! Q1), not a slower trend: a slower 2024 growth rate would carry the
//! slowdown into every later quarter's y/y comparison.
//!
//! Every run is calibrated: [`crate::run_all`] solves the baseline, then
//! each scenario on itself (its parameter overrides and any input that
//! moves 2024 H1 included), starting from the baseline's solution, so Q1
//! and Q2 stay on target whatever a user changes; a scenario whose first
//! half of 2024 is the baseline's converges in one evaluation. A scenario
//! that sets the two rates itself under `[params]` keeps them (and the
//! fit it gets is reported, not forced).
//!
//! The solve ([`newton`]) is Newton's method on runs of the baseline up to
//! 2024Q2 (growth is nearly linear in the two rates), with a
//! finite-difference Jacobian kept up to date by Broyden's updates (a
//! Monte Carlo draw starts from the central solution and its Jacobian),
//! stopping within 10⁻⁹ pp. The result is checked against the
//! ±0.3 pp tolerance and against annual 2023 growth (5.2%, NBS), which is
//! not fitted.

use crate::economy::Economy;
use crate::error::{Result, ScenarioError};
use crate::schema::Scenario;
use crate::time::Quarter;

pub mod fit;
pub mod newton;

pub use fit::{fit, fit_csv, fit_markdown, fit_text, judged, judged_rows, FitRow};

/// (quarter, real growth y/y %) from the calibration file.
pub const TARGETS: [(Quarter, f64); 2] = [(Quarter(8), 5.3), (Quarter(9), 4.7)];
/// Tolerance of the calibration, percentage points (issue 11: ±0.1 pp).
pub const TOLERANCE_PP: f64 = 0.1;

#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Autonomous demand growth 2022-2024 (% per year) and its level shift
    /// from 2024Q2 (%).
    pub growth: [f64; 2],
    /// (quarter, model growth, target) at the target quarters.
    pub reached: Vec<(Quarter, f64, f64)>,
    pub iterations: usize,
}

impl Calibration {
    pub fn within_tolerance(&self) -> bool {
        self.reached
            .iter()
            .all(|(_, got, want)| (got - want).abs() <= TOLERANCE_PP)
    }
}

fn growth_at(econ: &Economy, scn: &Scenario, g: [f64; 2]) -> Result<[f64; 2]> {
    // The run's gdp_growth_yoy at the targets, without recording the
    // rest (run::china_growth_at; identical to run_scenario's numbers).
    crate::run::china_growth_at(econ, scn, g, [TARGETS[0].0, TARGETS[1].0])
}

/// Solves the two autonomous growth rates on `baseline` (see the module
/// docs), from the parameter table's starting guesses.
pub fn calibrate(econ: &Economy, baseline: &Scenario) -> Result<Calibration> {
    calibrate_from(
        econ,
        baseline,
        [
            baseline.params.china_autonomous_growth,
            baseline.params.china_demand_shift_2024q2,
        ],
    )
}

/// The parameters the calibration solves for.
pub const CALIBRATED: [&str; 2] = ["china_autonomous_growth", "china_demand_shift_2024q2"];

/// True if `scn` sets both calibrated rates itself (then it is not
/// calibrated).
pub fn sets_own_rates(scn: &Scenario) -> bool {
    CALIBRATED
        .iter()
        .all(|k| scn.params_set.iter().any(|s| s == k))
}

/// Solves the two rates on `scn` starting from `start` (see the module
/// docs). A scenario that sets both rates itself is run with them and
/// its fit reported.
pub fn calibrate_from(econ: &Economy, scn: &Scenario, start: [f64; 2]) -> Result<Calibration> {
    calibrate_warm(econ, scn, start, None, &newton::Options::default()).map(|(c, _)| c)
}

/// As [`calibrate_from`], starting from a Jacobian of the targets in the
/// unknowns too (the central calibration's, for a Monte Carlo draw or a
/// design row; see [`newton`]), with the solver's settings `opts`.
/// Returns the Jacobian at the solution as well (None when the scenario
/// sets its own rates).
pub fn calibrate_warm(
    econ: &Economy,
    scn: &Scenario,
    start: [f64; 2],
    jacobian: Option<&newton::Jacobian>,
    opts: &newton::Options,
) -> Result<(Calibration, Option<newton::Jacobian>)> {
    if sets_own_rates(scn) {
        let g = [
            scn.params.china_autonomous_growth,
            scn.params.china_demand_shift_2024q2,
        ];
        let v = growth_at(econ, scn, g)?;
        let cal = Calibration {
            growth: g,
            reached: TARGETS
                .iter()
                .zip(v)
                .map(|((q, want), got)| (*q, got, *want))
                .collect(),
            iterations: 1,
        };
        return Ok((cal, None));
    }
    // Residuals: model minus target at each target; the payload keeps the
    // model's values, so the solution needs no further run.
    let resid = |x: &[f64]| -> Result<(Vec<f64>, [f64; 2])> {
        let v = growth_at(econ, scn, [x[0], x[1]])?;
        Ok((
            v.iter()
                .zip(&TARGETS)
                .map(|(got, (_, want))| got - want)
                .collect(),
            v,
        ))
    };
    let sol = newton::solve(resid, &start, jacobian, opts)?;
    let g = [sol.x[0], sol.x[1]];
    if sol.f.iter().any(|m| m.is_nan() || m.abs() > 1e-6) || g.iter().any(|v| !v.is_finite()) {
        let missed: Vec<String> = TARGETS
            .iter()
            .zip(&sol.f)
            .filter(|(_, m)| m.is_nan() || m.abs() > 1e-6)
            .map(|((q, want), m)| format!("real growth {q} {want}% (missed by {m:+.3} pp)"))
            .collect();
        return Err(ScenarioError::Calibration {
            message: format!(
                "scenario \"{}\": target(s) not met: {}; China's autonomous demand growth did not converge (last {:.4}% a year, level {:+.4}% from 2024Q2) within the parameters' ranges",
                scn.name,
                missed.join(", "),
                g[0],
                g[1]
            ),
            fix: "check the table (China's growth must respond to its own demand) and the scenario's [params] and 2024 inputs: they must leave room to reach the 2024 H1 growth targets".into(),
        });
    }
    let cal = Calibration {
        growth: g,
        reached: TARGETS
            .iter()
            .zip(sol.payload)
            .map(|((q, want), got)| (*q, got, *want))
            .collect(),
        iterations: sol.evals,
    };
    Ok((cal, Some(sol.jacobian)))
}
