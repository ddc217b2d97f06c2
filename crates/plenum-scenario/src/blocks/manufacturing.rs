//! Manufacturing (and other business) investment: profits, credit and the
//! March 2024 equipment-renewal programme.
//!
//! The investment column's "other" part (everything but real-estate
//! development, local infrastructure and the sales-related part: machinery,
//! vehicles, equipment, software and the business structures that house
//! them) is
//!
//! ```text
//!     I^M_t = I^M⁰ Y*_t M_t
//! ```
//!
//! with Y*_t the potential index (investment that keeps the capital-output
//! ratio constant grows with potential output) and M_t the block's index
//! relative to it (2022Q1 = 1), which grows each quarter at the annual rate
//!
//! ```text
//!     g^M_t = θ_c (ℓ_{t−L} − ℓ̄) + θ_π π^PPI_{t−1} + ρ_t,
//!     M_t = M_{t−1} (1 + g^M_t/100)^(1/4)
//! ```
//!
//! - **credit**: ℓ_{t−L} is the y/y growth of manufacturing medium- and
//!   long-term loans a year earlier (L = 4 quarters: loans are drawn as
//!   projects proceed; scenario `[investment] manufacturing_credit_growth`
//!   by year; before its first year the first one given applies, so the
//!   run's 2022 takes 2022's loan growth), ℓ̄ the loan growth at which manufacturing
//!   investment keeps pace with potential (`manufacturing_credit_reference`)
//!   and θ_c the share of excess credit growth that becomes investment
//!   growth (`manufacturing_credit_elasticity`);
//! - **profits**: π^PPI_{t−1} is last quarter's PPI inflation y/y from the
//!   price block (industrial margins move with output prices; before the
//!   run has a y/y rate of its own, in 2022, the 2022 PPI, 4.1%, NBS), θ_π
//!   (`manufacturing_profit_elasticity`) pp of investment growth per pp;
//! - **policy**: ρ_t the extra growth the equipment-renewal programme
//!   (State Council action plan, 13 Mar 2024: equipment investment in
//!   industry, farming, building, transport, education, culture and health
//!   25% above 2023 by 2027) adds, scenario `[investment]
//!   equipment_renewal_growth` (pp a year by year).
//!
//! Long run: with loan growth back at ℓ̄, PPI inflation at zero and the
//! programme over, M stays where it got to and I^M grows at potential.

/// Loan growth of a scenario that gives none (the reference: no push).
pub const CREDIT_DEFAULT: f64 = 12.0;

/// PPI inflation of 2022 (NBS, calibration file), % y/y: the profit term
/// before the run has four quarters of its own prices.
pub const PPI_2022: f64 = 4.1;

/// Parameters (from the parameter table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ManufacturingParams {
    /// θ_c, pp of investment growth per pp of excess loan growth.
    pub credit_elasticity: f64,
    /// ℓ̄, % per year.
    pub credit_reference: f64,
    /// θ_π, pp of investment growth per pp of PPI inflation.
    pub profit_elasticity: f64,
}

/// The three terms of g^M_t (annual %, pp): credit, profits, programme.
pub fn growth_terms(
    p: &ManufacturingParams,
    credit_lagged: f64,
    ppi_lagged: f64,
    renewal: f64,
) -> [f64; 3] {
    [
        p.credit_elasticity * (credit_lagged - p.credit_reference),
        p.profit_elasticity * ppi_lagged,
        renewal,
    ]
}

/// M_t from M_{t−1} and the annual growth rate g (%), never negative.
pub fn step(last: f64, growth: f64) -> f64 {
    last * (1.0 + growth / 100.0).max(0.0).powf(0.25)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: ManufacturingParams = ManufacturingParams {
        credit_elasticity: 0.2,
        credit_reference: 12.0,
        profit_elasticity: 0.3,
    };

    #[test]
    fn at_reference_credit_flat_prices_and_no_programme_m_is_flat() {
        let g: f64 = growth_terms(&P, 12.0, 0.0, 0.0).iter().sum();
        assert_eq!(g, 0.0);
        assert_eq!(step(1.1, g), 1.1);
    }

    #[test]
    fn terms_are_linear_and_four_quarters_compound_to_the_annual_rate() {
        // 2023 credit (40.3%, end-June) with 2023's PPI (−3.0%): 0.2 · 28.3
        // − 0.3 · 3 = 4.76 pp.
        let t = growth_terms(&P, 40.3, -3.0, 0.7);
        assert!((t[0] - 5.66).abs() < 1e-12);
        assert!((t[1] + 0.9).abs() < 1e-12);
        assert_eq!(t[2], 0.7);
        let g: f64 = t.iter().sum();
        let mut m = 1.0;
        for _ in 0..4 {
            m = step(m, g);
        }
        assert!((m - (1.0 + g / 100.0)).abs() < 1e-12);
    }
}
