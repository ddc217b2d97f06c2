//! Self-reliance investment programmes (e.g. Big Fund III: 344 bn yuan,
//! registered 24 May 2024, Caixin/Yicai; plus local funds).
//!
//! A programme spends its amount A evenly over its quarters
//! [start, end]: s_t = A/N. The spending is investment demand, split over
//! products by the scenario's shares (equipment — machinery, including
//! imports the controls may block —, construction, chips, services), each
//! product sourced like China's investment demand for it, so equipment
//! bought abroad goes through the same restrictions as any other flow.
//!
//! After the lag ℓ (quarters; default `sr_lag`) spending becomes capacity
//! in the target industry, with capital-output ratio k (default
//! `sr_capital_output_ratio`) and technology-gap yield θ (default
//! `sr_technology_yield`: a unit of capacity built with older technology
//! yields θ of the frontier's output):
//! Δx̄_t = θ Σ_{τ ≤ t−ℓ} s_τ / k / 4 (quarterly output).
//! That capacity first lets domestic suppliers replace flows of the target
//! product that export controls block
//! ([`super::controls::effective_substitutability`]); what is left of it
//! displaces imports of the product (in [`crate::run`], a fully
//! substitutable "restriction" of the share min(1, left / imports) of
//! foreign supply, re-sourced at home). So a programme raises chips
//! self-reliance only after its lag.

use crate::time::Quarter;

/// Spending of a programme at quarter t (in the unit of `amount`).
pub fn spending(amount: f64, start: Quarter, end: Quarter, t: Quarter) -> f64 {
    if t < start || t > end {
        return 0.0;
    }
    amount / f64::from(end.0 - start.0 + 1)
}

/// Capacity built by quarter index `t` from the history of real spending.
pub fn capacity(spent: &[f64], t: usize, lag: f64, capital_output_ratio: f64, yield_: f64) -> f64 {
    let lag = lag.round() as usize;
    if t < lag || spent.is_empty() {
        return 0.0;
    }
    let upto = (t - lag).min(spent.len() - 1);
    yield_ * spent[..=upto].iter().sum::<f64>() / capital_output_ratio / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_fund_spends_evenly() {
        let (a, b) = (Quarter::new(2024, 2), Quarter::new(2029, 4));
        let total: f64 = (0..40).map(|k| spending(344.0, a, b, Quarter(k))).sum();
        assert!((total - 344.0).abs() < 1e-9);
        assert_eq!(spending(344.0, a, b, Quarter::new(2024, 1)), 0.0);
    }

    #[test]
    fn capacity_only_after_lag() {
        let spent = [10.0; 12];
        for t in 0..8 {
            assert_eq!(capacity(&spent, t, 8.0, 3.0, 0.6), 0.0);
        }
        assert!((capacity(&spent, 8, 8.0, 3.0, 0.6) - 0.6 * 10.0 / 3.0 / 4.0).abs() < 1e-12);
    }
}
