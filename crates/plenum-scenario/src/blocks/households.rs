//! Households: consumption out of labour income, with confidence and
//! housing wealth.
//!
//! C_t = C⁰ a_t (1 + ε (CCI_t − CCI*)/CCI* + η (H_{t−1} − 1))
//!       + c_L (W_{t−1} − W*_{t−1}) + (c_L − c_K) T_t
//!
//! - C⁰: baseline household consumption (the table's household column,
//!   without the part that moves with property sales), a_t the index of
//!   China's autonomous demand growth;
//! - CCI_t: the NBS consumer confidence index (a scenario path), CCI* its
//!   reference (`confidence_reference`, Jun 2024: 86.2), ε
//!   (`confidence_elasticity`);
//! - H_t: the house-price index (2022 average = 1; `[property]
//!   price_growth`), η (`housing_wealth_elasticity`) the elasticity of
//!   consumption to housing wealth: housing is most of Chinese households'
//!   wealth, so a fall of house prices lowers consumption beyond what
//!   income and confidence explain. Prices enter with a lag of a quarter
//!   (wealth is revalued, then spending adjusts);
//! - W_t = Σ_j λ_j v_j x_j: labour income, value added times the labour
//!   share λ_j (LABR/VA of the table, or `labour_share_fallback`); W*_t its
//!   reference path, W⁰ grown at potential growth, with W⁰ taken from the
//!   engine's warm state (the growth path the run starts on, stock-building
//!   included), so that the gap is zero on that path; c_L (`mpc_labour`) the
//!   marginal propensity to consume out of labour income. Income enters
//!   with a lag of one quarter, which closes the income multiplier without
//!   a simultaneous solve: a fall in output lowers W, then C, then output;
//!   the series converges because c_L λ v (1 − import share) < 1.
//! - T_t: the common-prosperity transfer from operating surplus to
//!   households ([`super::prosperity`]); owners consume c_K (`mpc_owners`)
//!   of it, households c_L, so demand rises by (c_L − c_K) T.
//!
//! **The consumption share** ([`consumption_share`]) is measured as the
//! national accounts measure it (NBS expenditure approach; the calibration
//! file's 39-40% and 37%): household consumption at purchasers' prices,
//! national concept, over GDP at market prices,
//!
//! ```text
//!     s^C = (C (1 + τ_H) + C^A) / (Y (1 + τ_F))
//! ```
//!
//! with C the households' column as delivered (basic prices: the table's
//! Y carries no product taxes), C^A residents' direct purchases abroad
//! (the table's `DPABR` column, when it has one), Y the run's GDP (value
//! added plus net product taxes on intermediate use, the table's V), τ_H
//! the net product taxes on households' purchases as a share of them at
//! basic prices (`household_product_tax_rate`) and τ_F the net product
//! taxes on all final uses as a share of Y (`final_product_tax_share`);
//! both are dropped from the default table's final-use columns by its
//! builder, so they come from the OECD national table (2022) it is built
//! from.

/// Inputs of one quarter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HouseholdInputs {
    pub base: f64,
    pub trend: f64,
    pub confidence: f64,
    pub confidence_reference: f64,
    pub elasticity: f64,
    pub mpc_labour: f64,
    pub mpc_owners: f64,
    /// W_{t−1} − W*_{t−1}.
    pub income_gap: f64,
    /// T_t, real.
    pub transfer: f64,
    /// η, and H_{t−1} (2022 = 1).
    pub wealth_elasticity: f64,
    pub house_prices: f64,
}

/// The housing-wealth term η (H_{t−1} − 1), a share of trend consumption.
pub fn housing_wealth(elasticity: f64, house_prices: f64) -> f64 {
    elasticity * (house_prices - 1.0)
}

/// Household consumption C_t (real, table units per quarter), never
/// negative.
pub fn consumption(i: &HouseholdInputs) -> f64 {
    let conf = 1.0
        + i.elasticity * (i.confidence - i.confidence_reference) / i.confidence_reference
        + housing_wealth(i.wealth_elasticity, i.house_prices);
    let c = i.base * i.trend * conf
        + i.mpc_labour * i.income_gap
        + (i.mpc_labour - i.mpc_owners) * i.transfer;
    c.max(0.0)
}

/// s^C in % (see the module docs): `c` households' delivered demand,
/// `abroad` their direct purchases abroad, `gdp` the run's GDP, the rates
/// in %.
pub fn consumption_share(c: f64, abroad: f64, gdp: f64, tau_h: f64, tau_f: f64) -> f64 {
    let den = gdp * (1.0 + tau_f / 100.0);
    if den > 0.0 {
        100.0 * (c * (1.0 + tau_h / 100.0) + abroad) / den
    } else {
        f64::NAN
    }
}

/// The share's measure for one run: the `DPABR` column (China's direct
/// purchases abroad, if the table has it) and τ_H, τ_F.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareMeasure {
    /// Final-demand category of residents' purchases abroad.
    pub abroad: Option<usize>,
    pub tau_h: f64,
    pub tau_f: f64,
}

impl ShareMeasure {
    pub fn new(econ: &crate::economy::Economy, p: &crate::params::Params) -> Self {
        Self {
            abroad: econ.fd_categories.iter().position(|f| f == "DPABR"),
            tau_h: p.household_product_tax_rate,
            tau_f: p.final_product_tax_share,
        }
    }

    /// s^C in %.
    pub fn share(&self, c: f64, abroad: f64, gdp: f64) -> f64 {
        consumption_share(c, abroad, gdp, self.tau_h, self.tau_f)
    }
}

/// Labour income W = Σ_j λ_j v_j x_j over the industries of one region.
pub fn labour_income(va: &[f64], labour_share: &[f64]) -> f64 {
    va.iter().zip(labour_share).map(|(v, l)| v * l).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> HouseholdInputs {
        HouseholdInputs {
            base: 100.0,
            trend: 1.1,
            confidence: 86.2,
            confidence_reference: 86.2,
            elasticity: 0.15,
            mpc_labour: 0.6,
            mpc_owners: 0.2,
            income_gap: 0.0,
            transfer: 0.0,
            wealth_elasticity: 0.1,
            house_prices: 1.0,
        }
    }

    #[test]
    fn at_reference_consumption_follows_trend() {
        assert!((consumption(&base()) - 110.0).abs() < 1e-12);
    }

    #[test]
    fn income_confidence_and_transfers_move_consumption() {
        let mut i = base();
        i.income_gap = -10.0;
        assert!((consumption(&i) - 104.0).abs() < 1e-12);
        let mut i = base();
        i.confidence = 86.2 * 1.1;
        assert!((consumption(&i) - 110.0 * 1.015).abs() < 1e-9);
        let mut i = base();
        i.transfer = 10.0;
        assert!((consumption(&i) - 114.0).abs() < 1e-12);
    }

    #[test]
    fn the_share_is_at_purchasers_prices_over_gdp_at_market_prices() {
        // The default table's 2022 figures (OECD national table, China,
        // USD bn): HFCE 6,064.6 at basic prices, taxes on it 423.8,
        // purchases abroad 120.3, GDP at basic prices plus taxes on
        // intermediate use 17,182.8, taxes on final uses 780.4: 36.79%.
        let tau_h = 100.0 * 423.848 / 6064.610;
        let tau_f = 100.0 * 780.381 / 17182.790;
        let s = consumption_share(6064.610, 120.321, 17182.790, tau_h, tau_f);
        assert!((s - 36.787).abs() < 0.01, "{s}");
        // Without the taxes and purchases abroad: basic over basic, 35.29%.
        let b = consumption_share(6064.610, 0.0, 17182.790, 0.0, 0.0);
        assert!((b - 35.295).abs() < 0.01, "{b}");
        assert!(consumption_share(1.0, 0.0, 0.0, 7.0, 4.5).is_nan());
    }

    #[test]
    fn falling_house_prices_lower_consumption_by_the_wealth_elasticity() {
        // House prices 10% below 2022 with η = 0.1: consumption 1% below
        // trend; the effect is linear in η and in the price gap.
        let mut i = base();
        i.house_prices = 0.9;
        assert!((consumption(&i) - 110.0 * 0.99).abs() < 1e-9);
        i.wealth_elasticity = 0.2;
        assert!((consumption(&i) - 110.0 * 0.98).abs() < 1e-9);
        i.house_prices = 1.05;
        assert!((consumption(&i) - 110.0 * 1.01).abs() < 1e-9);
        i.wealth_elasticity = 0.0;
        assert!((consumption(&i) - 110.0).abs() < 1e-12);
    }
}
