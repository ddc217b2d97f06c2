//! Money and credit: the 1-year loan prime rate (LPR) by a smoothed rule,
//! the real rate it makes under deflation, and the growth of manufacturing
//! credit that the manufacturing block reads a year later
//! ([`crate::blocks::manufacturing`]).
//!
//! **The LPR rule.** Up to 2024Q2 the 1-year LPR is data ([`OBSERVED_LPR`],
//! PBoC: 3.70% from Jan 2022, 3.65% from Aug 2022, 3.55% from Jun 2023,
//! 3.45% from Aug 2023, the calibration file's 3.45% "since Aug 2023").
//! From 2024Q3 the rule's rate i^R follows a Taylor (1993) rule with
//! smoothing, quarter-size steps and a floor:
//!
//! ```text
//!     i*_t = rr̄ + π_{t−1} + φ_π (π_{t−1} − π*) + φ_y gap_{t−1}
//!     Δ_t  = (1 − λ_i) (i*_t − i^R_{t−1})
//!     i^R_t = max(i_floor, i^R_{t−1} + s · sign(Δ_t))   if |Δ_t| ≥ s/2,
//!             i^R_{t−1}                                   otherwise
//!     i_t  = max(i_floor, i^R_t − c_{year(t)})
//! ```
//!
//! with π the GDP deflator's inflation y/y (the price block,
//! [`crate::blocks::prices`]), π* the rule's target (`lpr_inflation_target`),
//! gap the output gap (% of potential), rr̄ the neutral real LPR
//! (`lpr_neutral_real`), φ_π and φ_y the responses (`lpr_inflation_response`,
//! `lpr_gap_response`; Taylor's 0.5 and 0.5), λ_i the smoothing
//! (`lpr_smoothing`), s the step (`lpr_step`: the PBoC moved the 1-year LPR by
//! 5-10 bp at a time, at most once a quarter, 2022-24) and i_floor the floor
//! (`lpr_floor`). c is the scenario's policy lever `[money] lpr_cut_pp`
//! (pp by year, positive = a cut below the rule's path; the rule does not
//! undo it: a scenario's cut is a departure from the rule, as a user asks).
//!
//! **The real rate.** rr_t = i_t − π^e_t, with expected inflation the last
//! quarter's deflator inflation y/y (adaptive): deflation raises the real
//! rate at an unchanged LPR.
//!
//! **Credit.** Growth of manufacturing medium- and long-term loans, y/y %,
//! is data for the years the scenario gives (`[investment]
//! manufacturing_credit_growth`) and after the last of them adjusts each
//! quarter towards a desired rate that falls with the real rate and rises
//! with house prices (collateral; a small financial accelerator):
//!
//! ```text
//!     ℓ*_t = ℓ̄ − β_r (rr_t − rr̄) + β_h h_{t−1}
//!     ℓ_t  = ℓ_{t−1} + κ (ℓ*_t − ℓ_{t−1})
//! ```
//!
//! from ℓ = the last given year's figure; ℓ̄ is the manufacturing block's
//! reference loan growth (`manufacturing_credit_reference`), h the growth
//! of house prices y/y (`[property] price_growth` with the credit
//! channel's price departure, [`super::propcredit`]), β_r
//! (`credit_rate_semi_elasticity`), β_h (`credit_collateral_elasticity`) and
//! κ (`credit_adjustment`). The manufacturing block reads, for a year after
//! the last given one, the mean of ℓ over its four quarters, a year later.
//!
//! **Contributions.** Money works only through credit and so through the
//! manufacturing index M_t: its contribution is inside
//! `contrib_block_manufacturing` (the credit term of g^M), not a block of
//! its own.
//!
//! Long run: with the gap closed and inflation at π*, i* = rr̄ + π*, the real
//! rate is rr̄, house prices flat, and credit returns to ℓ̄.

use crate::time::Quarter;

/// 1-year LPR by quarter, 2022Q1-2024Q2 (PBoC; quarter's prevailing rate
/// for most of it): 3.70 (20 Jan 2022), 3.65 (22 Aug 2022), 3.55 (20 Jun
/// 2023), 3.45 (21 Aug 2023).
pub const OBSERVED_LPR: [f64; 10] = [3.70, 3.70, 3.65, 3.65, 3.65, 3.55, 3.45, 3.45, 3.45, 3.45];

/// The last quarter of [`OBSERVED_LPR`].
pub fn last_observed() -> Quarter {
    Quarter::new(2024, 2)
}

/// The observed LPR at `t`, if `t` is up to 2024Q2.
pub fn observed(t: Quarter) -> Option<f64> {
    usize::try_from(t.0)
        .ok()
        .and_then(|i| OBSERVED_LPR.get(i).copied())
        .or_else(|| (t.0 < 0).then_some(OBSERVED_LPR[0]))
}

/// Parameters (from the parameter table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoneyParams {
    /// rr̄, %.
    pub neutral_real: f64,
    /// π*, %.
    pub inflation_target: f64,
    /// φ_π.
    pub inflation_response: f64,
    /// φ_y.
    pub gap_response: f64,
    /// λ_i.
    pub smoothing: f64,
    /// s, pp.
    pub step: f64,
    /// i_floor, %.
    pub floor: f64,
    /// ℓ̄, % per year.
    pub credit_reference: f64,
    /// β_r, pp of loan growth per pp of real rate.
    pub rate_semi_elasticity: f64,
    /// β_h, pp of loan growth per pp of house-price growth.
    pub collateral_elasticity: f64,
    /// κ, share per quarter.
    pub adjustment: f64,
}

/// The rule's target rate i*_t.
pub fn target(p: &MoneyParams, inflation: f64, gap: f64) -> f64 {
    p.neutral_real
        + inflation
        + p.inflation_response * (inflation - p.inflation_target)
        + p.gap_response * gap
}

/// The rule's rate i^R_t from i^R_{t−1}: one step of size s towards the
/// smoothed target when the smoothed move is at least half a step.
pub fn rule_step(p: &MoneyParams, last: f64, inflation: f64, gap: f64) -> f64 {
    let d = (1.0 - p.smoothing) * (target(p, inflation, gap) - last);
    let next = if p.step > 0.0 && d.abs() >= p.step / 2.0 {
        last + p.step * d.signum()
    } else {
        last
    };
    next.max(p.floor.min(last))
}

/// The LPR a borrower pays: the rule's rate less the scenario's cut, never
/// below the floor.
pub fn lpr(p: &MoneyParams, rule: f64, cut: f64) -> f64 {
    if cut == 0.0 {
        rule
    } else {
        (rule - cut).max(p.floor.min(rule))
    }
}

/// Real rate: LPR less expected (last quarter's) deflator inflation.
pub fn real_rate(lpr: f64, expected_inflation: f64) -> f64 {
    lpr - expected_inflation
}

/// ℓ_t from ℓ_{t−1}, the real rate and last quarter's house-price growth.
pub fn credit_step(p: &MoneyParams, last: f64, real: f64, house_growth: f64) -> f64 {
    let desired = p.credit_reference - p.rate_semi_elasticity * (real - p.neutral_real)
        + p.collateral_elasticity * house_growth;
    last + p.adjustment * (desired - last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: MoneyParams = MoneyParams {
        neutral_real: 2.0,
        inflation_target: 2.0,
        inflation_response: 0.5,
        gap_response: 0.5,
        smoothing: 0.8,
        step: 0.1,
        floor: 2.5,
        credit_reference: 12.0,
        rate_semi_elasticity: 2.0,
        collateral_elasticity: 0.3,
        adjustment: 0.3,
    };

    #[test]
    fn observed_path_matches_the_calibration_file() {
        assert_eq!(observed(Quarter::new(2024, 2)), Some(3.45));
        assert_eq!(observed(Quarter::new(2023, 3)), Some(3.45));
        assert_eq!(observed(Quarter::new(2022, 1)), Some(3.70));
        assert_eq!(observed(Quarter::new(2024, 3)), None);
        assert_eq!(last_observed(), Quarter(9));
    }

    #[test]
    fn at_target_and_closed_gap_the_rule_rests_at_neutral() {
        let i = target(&P, 2.0, 0.0);
        assert!((i - 4.0).abs() < 1e-12);
        assert_eq!(rule_step(&P, 4.0, 2.0, 0.0), 4.0);
        assert!((real_rate(4.0, 2.0) - 2.0).abs() < 1e-12);
        // Credit at ℓ̄ with the real rate neutral and flat house prices.
        assert!((credit_step(&P, 12.0, 2.0, 0.0) - 12.0).abs() < 1e-12);
    }

    #[test]
    fn deflation_cuts_in_single_steps_down_to_the_floor() {
        // Deflator −0.5%, gap −1%: i* = 2 − 0.5 − 1.25 − 0.5 = −0.25.
        assert!((target(&P, -0.5, -1.0) + 0.25).abs() < 1e-12);
        let mut i = 3.45;
        let mut path = vec![];
        for _ in 0..12 {
            i = rule_step(&P, i, -0.5, -1.0);
            path.push(i);
        }
        assert!((path[0] - 3.35).abs() < 1e-12);
        assert!((path[1] - 3.25).abs() < 1e-12);
        for w in path.windows(2) {
            assert!(w[0] - w[1] <= 0.1 + 1e-12);
        }
        assert!((path[11] - 2.5).abs() < 1e-12, "{path:?}");
        // A small smoothed move (under half a step) leaves the rate.
        assert_eq!(rule_step(&P, 4.2, 2.0, 0.0), 4.2);
        // A scenario cut goes below the rule, not below the floor.
        assert!((lpr(&P, 3.0, 0.25) - 2.75).abs() < 1e-12);
        assert_eq!(lpr(&P, 2.6, 1.0), 2.5);
    }

    #[test]
    fn deflation_raises_the_real_rate_and_slows_credit() {
        let r_defl = real_rate(3.45, -0.7);
        let r_infl = real_rate(3.45, 1.5);
        assert!((r_defl - 4.15).abs() < 1e-12);
        assert!(r_defl > r_infl);
        let c_defl = credit_step(&P, 31.9, r_defl, -7.4);
        let c_infl = credit_step(&P, 31.9, r_infl, -7.4);
        assert!(c_defl < c_infl);
        // 0.3 (12 − 2 · 2.15 − 0.3 · 7.4 − 31.9) = −7.926.
        assert!((c_defl - (31.9 - 7.926)).abs() < 1e-9, "{c_defl}");
        // Falling house prices (collateral) slow credit too.
        assert!(credit_step(&P, 12.0, 2.0, -5.0) < 12.0);
    }
}
