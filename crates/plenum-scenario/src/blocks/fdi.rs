//! Foreign direct investment.
//!
//! F_t = F₂₀₂₃ exp(η_O O_t − η_G G_t) (USD bn per year), with O the
//! openness/incentive index and G the geopolitical-risk index (scenario
//! paths, 0 = as in 2023), F₂₀₂₃ (`fdi_2023`, SAFE: ~$33 bn), η_O, η_G
//! (`fdi_openness_semi_elasticity`, `fdi_risk_semi_elasticity`).
//!
//! **Export controls raise the risk.** The inflow is further multiplied by
//! exp(−η_C C_t) ([`controls_factor`]), C_t the control intensity: the
//! share of China's base imports of the controlled products (those any
//! measure into China targets: C26, C28) that measures newer than the
//! anchor year block this quarter ([`controls_intensity`]), η_C
//! (`fdi_controls_semi_elasticity`). Measures in force by the end of 2023
//! (the Oct 2022, Jul-Sep 2023 and Oct 2023 rounds) are already in F₂₀₂₃,
//! so the baseline's inflow stays at the SAFE figure and only later
//! measures move it. The fall from ~$180 bn (2022) to ~$33 bn (2023) is
//! 1.70 log points; the 2022-23 rounds block 1.5% of China's C26 and C28
//! imports in the model (measured by moving them after the anchor: C =
//! 0.0147), so even at the top of η_C's range they explain under a tenth
//! of it (the rest: US rates up 5 pp,
//! which made foreign firms repatriate retained earnings, and the
//! property slump), which is why F₂₀₂₃ is an anchor, not a fitted value
//! of the controls alone (docs/calibration.md). η_C is a judgement
//! (central 5, range [2, 10] per unit share): IMF WEO April 2023, ch. 4,
//! finds FDI increasingly concentrated among geopolitically aligned
//! economies, most in strategic sectors such as semiconductors; at η_C = 5
//! an escalation that blocks a sixth of the controlled imports halves the
//! inflow, and a full technology decoupling cuts it by about nine tenths.
//!
//! The change from 2023, ΔF_t = F_t − F₂₀₂₃, is investment demand (spread
//! over products like China's other investment). In the targeted
//! industries, with shares φ_s of FDI, it becomes capacity after a lag of
//! ℓ quarters (`fdi_capacity_lag`) with capital-output ratio k
//! (`fdi_capital_output_ratio`):
//! Δx̄_s,t = φ_s Σ_{τ ≤ t−ℓ} ΔF_τ/4 / k / 4 (quarterly output, once
//! converted into table units).

use crate::time::{Quarter, BASE_YEAR};

/// The last quarter of FDI's anchor year (2023Q4): measures starting
/// later move the inflow through the control intensity.
pub const ANCHOR_END: Quarter = Quarter((2023 - BASE_YEAR) * 4 + 3);

/// C_t = B_t / M: the flow into China blocked by measures newer than the
/// anchor year, over China's imports of the controlled products (same
/// units, base-table flows), in [0, 1]; 0 without imports.
pub fn controls_intensity(blocked: f64, controlled_imports: f64) -> f64 {
    if controlled_imports > 0.0 && blocked > 0.0 {
        (blocked / controlled_imports).min(1.0)
    } else {
        0.0
    }
}

/// exp(−η_C C_t): the inflow's factor from the controls' risk.
pub fn controls_factor(intensity: f64, eta_controls: f64) -> f64 {
    (-eta_controls * intensity.clamp(0.0, 1.0)).exp()
}

/// Inflow F_t, USD bn per year.
pub fn inflow(base: f64, openness: f64, risk: f64, eta_open: f64, eta_risk: f64) -> f64 {
    base * (eta_open * openness - eta_risk * risk).exp()
}

/// Capacity (quarterly output) from a history of real quarterly investment
/// amounts `invested[τ]`, at quarter index `t` of that history.
pub fn capacity(invested: &[f64], t: usize, lag: usize, capital_output_ratio: f64) -> f64 {
    if t < lag {
        return 0.0;
    }
    invested[..=(t - lag).min(invested.len().saturating_sub(1))]
        .iter()
        .sum::<f64>()
        / capital_output_ratio
        / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflow_responds_to_openness_and_risk() {
        assert_eq!(inflow(33.0, 0.0, 0.0, 0.5, 0.7), 33.0);
        assert!(inflow(33.0, 1.0, 0.0, 0.5, 0.7) > 33.0);
        assert!(inflow(33.0, 0.0, 1.0, 0.5, 0.7) < 33.0);
        // The 2021-2023 fall ($344 bn -> $33 bn) is ~2.3 log points.
        assert!(((344.0f64 / 33.0).ln() - 2.344).abs() < 0.01);
    }

    #[test]
    fn controls_lower_the_inflow() {
        assert_eq!(controls_intensity(0.0, 100.0), 0.0);
        assert_eq!(controls_intensity(5.0, 0.0), 0.0);
        assert!((controls_intensity(17.0, 100.0) - 0.17).abs() < 1e-12);
        assert_eq!(controls_intensity(300.0, 100.0), 1.0);
        assert_eq!(controls_factor(0.0, 5.0), 1.0);
        // A sixth of the controlled imports blocked halves the inflow at
        // the central η_C = 5 (e^(−5/6) = 0.43)…
        let f = inflow(33.0, 0.0, 0.0, 0.5, 0.7) * controls_factor(1.0 / 6.0, 5.0);
        assert!((f - 33.0 * (-5.0f64 / 6.0).exp()).abs() < 1e-12 && f < 16.5);
        // …and the 2022-23 rounds (1.5% of the controlled imports in the
        // model) explain under a tenth of the 2022-23 fall (1.70 log
        // points) even at the top of the range, η_C = 10.
        let fall = (180.0f64 / 33.0).ln();
        assert!((fall - 1.696).abs() < 0.01);
        assert!(1.0 - controls_factor(0.0147, 10.0) < 0.14);
        assert!(10.0 * 0.0147 / fall < 0.1);
    }

    #[test]
    fn capacity_after_lag() {
        let inv = [4.0, 4.0, 4.0, 4.0];
        assert_eq!(capacity(&inv, 1, 2, 2.0), 0.0);
        assert_eq!(capacity(&inv, 2, 2, 2.0), 0.5);
        assert_eq!(capacity(&inv, 3, 2, 2.0), 1.0);
    }
}
