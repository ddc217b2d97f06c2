//! Foreign direct investment.
//!
//! F_t = F₂₀₂₃ exp(η_O O_t − η_G G_t) (USD bn per year), with O the
//! openness/incentive index and G the geopolitical-risk index (scenario
//! paths, 0 = as in 2023), F₂₀₂₃ (`fdi_2023`, SAFE: ~$33 bn), η_O, η_G
//! (`fdi_openness_semi_elasticity`, `fdi_risk_semi_elasticity`).
//!
//! The change from 2023, ΔF_t = F_t − F₂₀₂₃, is investment demand (spread
//! over products like China's other investment). In the targeted
//! industries, with shares φ_s of FDI, it becomes capacity after a lag of
//! ℓ quarters (`fdi_capacity_lag`) with capital-output ratio k
//! (`fdi_capital_output_ratio`):
//! Δx̄_s,t = φ_s Σ_{τ ≤ t−ℓ} ΔF_τ/4 / k / 4 (quarterly output, once
//! converted into table units).

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
    fn capacity_after_lag() {
        let inv = [4.0, 4.0, 4.0, 4.0];
        assert_eq!(capacity(&inv, 1, 2, 2.0), 0.0);
        assert_eq!(capacity(&inv, 2, 2, 2.0), 0.5);
        assert_eq!(capacity(&inv, 3, 2, 2.0), 1.0);
    }
}
