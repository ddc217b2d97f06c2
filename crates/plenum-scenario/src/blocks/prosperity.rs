//! Common prosperity: a transfer from operating surplus to households.
//!
//! T_t = τ_t/100 · GDPⁿ_t, with τ_t the transfer in per cent of GDP (a
//! scenario path) and GDPⁿ nominal GDP. The transfer moves income, not
//! output: it lowers operating surplus and raises household income by the
//! same amount, and demand changes by (c_L − c_K) T_t through the household
//! block ([`super::households`]), the difference of the two propensities.

/// Transfer of one quarter, in the unit of `gdp`.
pub fn transfer(share_pct: f64, gdp: f64) -> f64 {
    share_pct / 100.0 * gdp
}

/// Change in consumption demand from a transfer.
pub fn demand_effect(transfer: f64, mpc_households: f64, mpc_owners: f64) -> f64 {
    (mpc_households - mpc_owners) * transfer
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_percent_of_gdp_with_propensities() {
        let t = super::transfer(1.0, 30.0);
        assert!((t - 0.3).abs() < 1e-15);
        assert!((super::demand_effect(t, 0.6, 0.2) - 0.12).abs() < 1e-15);
    }
}
