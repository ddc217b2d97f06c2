//! Calibration of the baseline to China's growth in the first half of
//! 2024.
//!
//! Targets (NBS, reported 15 Jul 2024): real GDP growth y/y 5.3% in 2024Q1
//! and 4.7% in 2024Q2; tolerance ±0.3 pp. Two parameters are solved for,
//! one per target: the growth of China's autonomous demand (the demand no
//! block explains) in 2022-2024, `china_autonomous_growth`, and a lasting
//! change of its level from 2024Q2 on, `china_demand_shift_2024q2`. The
//! growth rate sets 2024Q1; the shift moves 2024Q2 only, so the pair is
//! exactly identified. The fall from Q1 to Q2 that the blocks do not
//! produce is thus a one-quarter stumble (NBS: 0.7% q/q in Q2 after 1.5% in
//! Q1), not a slower trend: a slower 2024 growth rate would carry the
//! slowdown into every later quarter's y/y comparison.
//!
//! The solve is Newton's method with a finite-difference Jacobian on runs
//! of the baseline up to 2024Q2 (growth is nearly linear in the two
//! rates), stopping within 10⁻⁹ pp. The result is checked against the
//! ±0.3 pp tolerance and against annual 2023 growth (5.2%, NBS), which is
//! not fitted.

use crate::economy::Economy;
use crate::error::{Result, ScenarioError};
use crate::run::run_scenario;
use crate::schema::Scenario;
use crate::time::Quarter;

/// (quarter, real growth y/y %) from the calibration file.
pub const TARGETS: [(Quarter, f64); 2] = [(Quarter(8), 5.3), (Quarter(9), 4.7)];
/// Tolerance of the calibration, percentage points.
pub const TOLERANCE_PP: f64 = 0.3;

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
    let run = run_scenario(econ, scn, g, Some(TARGETS[1].0))?;
    let r = &scn.roles.region;
    Ok([
        run.at("gdp_growth_yoy", r, TARGETS[0].0),
        run.at("gdp_growth_yoy", r, TARGETS[1].0),
    ])
}

/// Solves the two autonomous growth rates on `baseline` (see the module
/// docs).
pub fn calibrate(econ: &Economy, baseline: &Scenario) -> Result<Calibration> {
    let want = [TARGETS[0].1, TARGETS[1].1];
    let resid = |g: [f64; 2]| -> Result<[f64; 2]> {
        let v = growth_at(econ, baseline, g)?;
        Ok([v[0] - want[0], v[1] - want[1]])
    };
    let mut g = [
        baseline.params.china_autonomous_growth,
        baseline.params.china_demand_shift_2024q2,
    ];
    let mut f = resid(g)?;
    let mut it = 1;
    const H: f64 = 0.5;
    while f[0].abs().max(f[1].abs()) > 1e-9 && it < 30 {
        let fa = resid([g[0] + H, g[1]])?;
        let fb = resid([g[0], g[1] + H])?;
        it += 2;
        let j = [
            [(fa[0] - f[0]) / H, (fb[0] - f[0]) / H],
            [(fa[1] - f[1]) / H, (fb[1] - f[1]) / H],
        ];
        let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
        if !det.is_finite() || det.abs() < 1e-12 {
            break;
        }
        let d0 = (j[1][1] * f[0] - j[0][1] * f[1]) / det;
        let d1 = (-j[1][0] * f[0] + j[0][0] * f[1]) / det;
        g = [g[0] - d0, g[1] - d1];
        f = resid(g)?;
        it += 1;
    }
    if f[0].abs().max(f[1].abs()) > 1e-6 || !g[0].is_finite() || !g[1].is_finite() {
        return Err(ScenarioError::Calibration {
            message: format!(
                "China's autonomous growth did not converge (last {:.4}%, {:.4}%; misses {:.2e}, {:.2e} pp)",
                g[0], g[1], f[0], f[1]
            ),
            fix: "check the table: China's growth must respond to its own demand".into(),
        });
    }
    let v = growth_at(econ, baseline, g)?;
    Ok(Calibration {
        growth: g,
        reached: TARGETS
            .iter()
            .zip(v)
            .map(|((q, want), got)| (*q, got, *want))
            .collect(),
        iterations: it,
    })
}
