//! Credit to property: the 5-year LPR, the mortgage rate and a mortgage
//! channel to housing sales, and developers' credit (with house prices as
//! collateral: a small financial accelerator) to real-estate development
//! investment.
//!
//! The scenario's property paths ([`super::property`]: `[property]
//! investment_growth`, `sales_growth`) are the exogenous part S^exo, I^exo;
//! the channel multiplies them by its departures ξ^S (sales) and ξ^I
//! (investment), in % (log points × 100):
//!
//! ```text
//!     S_t = S^exo_t exp(ξ^S_t/100),    I^P_t = I^exo_t exp(ξ^I_t/100)
//! ```
//!
//! Every departure is measured from 2024Q2, the last quarter of data (the
//! reference, subscript 0), and is zero up to it, so the history the
//! exogenous paths carry (NBS to H1 2024) is the data whatever the
//! parameters.
//!
//! **The 5-year LPR.** Up to 2024Q2 it is data ([`OBSERVED_LPR5`], PBoC:
//! 4.60% from 20 Jan 2022, 4.45% from 20 May 2022, 4.30% from 22 Aug 2022,
//! 4.20% from 20 Jun 2023, 3.95% from 20 Feb 2024, the calibration file's
//! "cut from 4.2% in Feb 2024"; end-of-quarter rates, as the 1-year's). After
//! it, it is the 1-year LPR i_t ([`super::money`], the rule less `[money]
//! lpr_cut_pp`) plus a term spread σ that moves to its long-run value σ̄
//! (`lpr5_spread`) at the rate λ_σ (`lpr5_spread_adjustment`), less the
//! scenario's lever c⁵ (`[money] lpr5_cut_pp`, pp by year, positive = a cut
//! of the 5-year alone):
//!
//! ```text
//!     σ_t  = σ_{t−1} + λ_σ (σ̄ − σ_{t−1})        (σ at 2024Q2: 3.95 − 3.45 = 0.50)
//!     i⁵_t = max(i_floor, i_t + σ_t − c⁵_{year(t)})
//! ```
//!
//! **The mortgage rate.** i^M_t = i⁵_t + μ_t, with μ the average new
//! mortgage's spread over the 5-year LPR (`mortgage_spread`: PBoC, new
//! individual housing loans 3.97% in Dec 2023 and 3.71% in Mar 2024
//! against a 5-year LPR of 4.20% and 3.95%) and, from the 17 May 2024
//! package (national floor on mortgage rates removed; minimum down payment
//! 15%), Δμ (`mortgage_floor_removal`): half of it in 2024Q2 (the package
//! was in force half the quarter), all of it after.
//!
//! **Sales (the mortgage channel).** Buyers respond to the mortgage rate
//! in terms of the house they buy: the user cost of housing (Poterba 1984)
//! is the mortgage rate less expected house-price growth h^e (adaptive:
//! last quarter's year's growth of `[property] price_growth`), so the real
//! mortgage rate that moves sales is i^M − h^e, its two parts weighted
//! apart (one year's price change is a weak forecast of the next, ε_h <
//! ε_m), with partial adjustment:
//!
//! ```text
//!     ξ^S*_t = −ε_m (i^M_t − i^M_0) + ε_h (h^e_t − h^e_0)
//!     ξ^S_t  = ξ^S_{t−1} + κ_S (ξ^S*_t − ξ^S_{t−1})
//! ```
//!
//! (`mortgage_rate_semi_elasticity` ε_m, `sales_price_expectation_elasticity`
//! ε_h, `sales_adjustment` κ_S). The mortgage rate is not deflated by the
//! GDP deflator: with the LPR at its floor, deflation would raise such a
//! real rate with no offset and the channel would amplify the money block's
//! debt deflation (measured: full decoupling would cost China 7.3% of 2030
//! GDP instead of about 5.4%, docs/calibration.md); house prices are what a
//! buyer deflates a mortgage by.
//!
//! **Developers' credit (the accelerator).** Developers' loan growth
//! departs from its exogenous part by d^D, which falls with the real 1-year
//! LPR rr (the money block's) and rises with last quarter's house-price
//! growth h (the collateral: loans are secured on land and unsold homes):
//!
//! ```text
//!     d^D*_t = −β^D_r (rr_t − rr_0) + β^D_h (h_{t−1} − h_0)
//!     d^D_t  = d^D_{t−1} + κ_D (d^D*_t − d^D_{t−1})
//! ```
//!
//! (`developer_credit_rate_semi_elasticity`, `developer_credit_collateral_elasticity`,
//! `developer_credit_adjustment`); developers' loan growth is
//! ℓ^D_t = ℓ^D_0 + d^D_t with ℓ^D_0 the last figure (`developer_loan_growth_2023`).
//!
//! **Investment from funds.** Developers' funds are pre-sales (deposits,
//! advance payments and buyers' mortgages: a share ω_S of funds, moving
//! with sales value, so with ξ^S at given prices), loans (a share ω_L, moving
//! by d^D % a year) and own funds; investment follows funds with elasticity
//! θ_F and partial adjustment κ_I:
//!
//! ```text
//!     ξ^I*_t = θ_F (ω_S ξ^S_t + ω_L d^D_t)
//!     ξ^I_t  = ξ^I_{t−1} + κ_I (ξ^I*_t − ξ^I_{t−1})
//! ```
//!
//! (`presale_share_of_developer_funds`, `loan_share_of_developer_funds`,
//! `property_funds_elasticity`, `property_investment_adjustment`).
//!
//! **House prices (the loop).** The scenario's `[property] price_growth`
//! is the exogenous part H^exo of house prices; from 2024Q3 they depart
//! from it by ξ^h (log points × 100), H_t = H^exo_t exp(ξ^h_t/100). With
//! the supply of homes given within the quarter (developers' stock of
//! unsold and pre-sold homes; the stock-flow model of DiPasquale and
//! Wheaton 1992 in its short run), a departure of demand from the
//! exogenous path, the sales departure ξ^S, moves prices by the inverse
//! price elasticity ε_P, and prices (sticky: list prices, and local
//! governments' price guidance) close a share κ_h of the gap each quarter:
//!
//! ```text
//!     ξ^h*_t = ε_P ξ^S_t
//!     ξ^h_t  = ξ^h_{t−1} + κ_h (ξ^h*_t − ξ^h_{t−1})
//! ```
//!
//! (`house_price_sales_elasticity` ε_P, `house_price_adjustment` κ_h).
//! House-price growth y/y is then h_t = (1 + h^exo_{year(t)}) exp((ξ^h_t −
//! ξ^h_{t−4})/100) − 1 (the exogenous rate of the quarter's year, as the
//! land market's calendar reports it, [`total_growth`]), and every reader
//! of house prices reads the total: the sales' expectation h^e and the
//! developers' collateral h above (last quarter's h), the manufacturing
//! loans' collateral ([`super::money`]), the households' housing wealth
//! (H_{t−1}) and the sales value reported. A rate cut thus raises sales,
//! sales raise prices, and prices raise expected appreciation (more sales)
//! and collateral (more developers' credit, more investment): the
//! accelerator runs both ways. The expectation and collateral terms read
//! price *growth*, so the loop amplifies the transition; the level of
//! prices stays higher (housing wealth) as long as sales do.
//!
//! **Bounded.** The LPR has a floor and each state moves a share (≤ 1) of
//! the way to its target. The loop's gain is ε_h ε_P (and β^D_h ε_P
//! through investment) times the four-quarter change of a partially
//! adjusted ξ^h: below one at every end of the ranges, so the departures
//! stay bounded and settle (tests/propcredit.rs measures them against the
//! bounds the targets' inputs set). The other loop through the economy is
//! the money block's: less investment, a wider gap, lower inflation, a
//! higher real rate once the LPR sits at its floor (the debt-deflation
//! drift of `credit_rate_semi_elasticity`'s source); the channel makes it
//! a little steeper but not explosive. With ε_m = ε_h = β^D_r = β^D_h = 0
//! every departure is zero and the run is the one without the channel;
//! with ε_P = 0 the price departure is zero and the run is bit for bit the
//! one with house prices an input.
//!
//! **Contributions.** The channel's part of the property pieces,
//! (S − S^exo) and (I − I^exo) times their shares of demand, is its own
//! block, `contrib_block_property_credit` (in the components
//! `contrib_consumption` and `contrib_inv_property`), and so is the
//! housing-wealth effect of the price departure, C⁰ a_t η (H_{t−1} −
//! H^exo_{t−1}); `contrib_block_property` keeps the exogenous paths and
//! the housing wealth of the exogenous prices.

use crate::time::Quarter;

/// 5-year LPR by quarter, 2022Q1-2024Q2 (PBoC; end-of-quarter rate, as
/// [`super::money::OBSERVED_LPR`]): 4.60 (20 Jan 2022), 4.45 (20 May
/// 2022), 4.30 (22 Aug 2022), 4.20 (20 Jun 2023), 3.95 (20 Feb 2024).
pub const OBSERVED_LPR5: [f64; 10] = [4.60, 4.45, 4.30, 4.30, 4.30, 4.20, 4.20, 4.20, 3.95, 3.95];

/// The observed 5-year LPR at `t`, if `t` is up to 2024Q2.
pub fn observed(t: Quarter) -> Option<f64> {
    usize::try_from(t.0)
        .ok()
        .and_then(|i| OBSERVED_LPR5.get(i).copied())
        .or_else(|| (t.0 < 0).then_some(OBSERVED_LPR5[0]))
}

/// The quarter of the 17 May 2024 package.
pub fn package_quarter() -> Quarter {
    Quarter::new(2024, 2)
}

/// Parameters (from the parameter table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PropCreditParams {
    /// σ̄, pp.
    pub spread: f64,
    /// λ_σ, share per quarter.
    pub spread_adjustment: f64,
    /// μ, pp.
    pub mortgage_spread: f64,
    /// Δμ, pp.
    pub floor_removal: f64,
    /// ε_m, % of sales per pp of mortgage rate.
    pub rate_elasticity: f64,
    /// ε_h, % of sales per pp of expected house-price growth.
    pub price_expectation_elasticity: f64,
    /// κ_S, share per quarter.
    pub sales_adjustment: f64,
    /// β^D_r, pp of loan growth per pp of real rate.
    pub dev_rate_elasticity: f64,
    /// β^D_h, pp of loan growth per pp of house-price growth.
    pub dev_collateral_elasticity: f64,
    /// κ_D, share per quarter.
    pub dev_adjustment: f64,
    /// ℓ^D_0, % y/y.
    pub dev_loan_growth: f64,
    /// ω_S, share.
    pub presale_share: f64,
    /// ω_L, share.
    pub loan_share: f64,
    /// θ_F.
    pub funds_elasticity: f64,
    /// κ_I, share per quarter.
    pub investment_adjustment: f64,
    /// ε_P, % of house prices per % of sales.
    pub price_sales_elasticity: f64,
    /// κ_h, share per quarter.
    pub price_adjustment: f64,
    /// i_floor, % (the money block's).
    pub floor: f64,
}

impl PropCreditParams {
    /// The block's rows of the parameter table.
    pub fn from_params(p: &crate::params::Params) -> Self {
        Self {
            spread: p.lpr5_spread,
            spread_adjustment: p.lpr5_spread_adjustment,
            mortgage_spread: p.mortgage_spread,
            floor_removal: p.mortgage_floor_removal,
            rate_elasticity: p.mortgage_rate_semi_elasticity,
            price_expectation_elasticity: p.sales_price_expectation_elasticity,
            sales_adjustment: p.sales_adjustment,
            dev_rate_elasticity: p.developer_credit_rate_semi_elasticity,
            dev_collateral_elasticity: p.developer_credit_collateral_elasticity,
            dev_adjustment: p.developer_credit_adjustment,
            dev_loan_growth: p.developer_loan_growth_2023,
            presale_share: p.presale_share_of_developer_funds,
            loan_share: p.loan_share_of_developer_funds,
            funds_elasticity: p.property_funds_elasticity,
            investment_adjustment: p.property_investment_adjustment,
            price_sales_elasticity: p.house_price_sales_elasticity,
            price_adjustment: p.house_price_adjustment,
            floor: p.lpr_floor,
        }
    }
}

/// σ_t from σ_{t−1}.
pub fn spread_step(p: &PropCreditParams, last: f64) -> f64 {
    last + p.spread_adjustment * (p.spread - last)
}

/// The 5-year LPR from the 1-year LPR, the spread and the scenario's cut.
pub fn lpr5(p: &PropCreditParams, lpr1: f64, spread: f64, cut: f64) -> f64 {
    (lpr1 + spread - cut).max(p.floor.min(lpr1 + spread))
}

/// μ_t: the mortgage spread with the 17 May 2024 package phased in.
pub fn mortgage_spread(p: &PropCreditParams, t: Quarter) -> f64 {
    let q = package_quarter();
    if t < q {
        p.mortgage_spread
    } else if t == q {
        p.mortgage_spread + 0.5 * p.floor_removal
    } else {
        p.mortgage_spread + p.floor_removal
    }
}

/// The channel's inputs of one quarter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drivers {
    /// Mortgage rate i^M, %.
    pub mortgage: f64,
    /// Expected house-price growth h^e, %.
    pub price_expectation: f64,
    /// Real 1-year LPR rr, %.
    pub real_rate: f64,
    /// Last quarter's house-price growth h, %.
    pub house_growth: f64,
}

/// The channel's state, % (log points × 100 for x, y and h): x = ξ^S the
/// departure of sales, d = d^D that of developers' loan growth (pp), y = ξ^I
/// that of property investment, h = ξ^h that of house prices.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct State {
    pub x: f64,
    pub d: f64,
    pub y: f64,
    pub h: f64,
}

/// One quarter of the channel from the last state, the quarter's drivers
/// and the reference drivers (2024Q2).
pub fn step(p: &PropCreditParams, last: State, now: &Drivers, reference: &Drivers) -> State {
    let x_star = -p.rate_elasticity * (now.mortgage - reference.mortgage)
        + p.price_expectation_elasticity * (now.price_expectation - reference.price_expectation);
    let x = last.x + p.sales_adjustment * (x_star - last.x);
    let d_star = -p.dev_rate_elasticity * (now.real_rate - reference.real_rate)
        + p.dev_collateral_elasticity * (now.house_growth - reference.house_growth);
    let d = last.d + p.dev_adjustment * (d_star - last.d);
    let y_star = p.funds_elasticity * (p.presale_share * x + p.loan_share * d);
    let y = last.y + p.investment_adjustment * (y_star - last.y);
    let h_star = p.price_sales_elasticity * x;
    let h = last.h + p.price_adjustment * (h_star - last.h);
    State { x, d, y, h }
}

/// House-price growth y/y, %, from the exogenous rate `exo` (% y/y) and
/// the price departure's change over the four quarters `d4` (log points ×
/// 100): (1 + exo) exp(d4/100) − 1. With no change it is `exo` itself, bit
/// for bit (so a zero ε_P leaves every reader of prices as it was).
pub fn total_growth(exo: f64, d4: f64) -> f64 {
    if d4 == 0.0 {
        exo
    } else {
        100.0 * ((1.0 + exo / 100.0) * factor(d4) - 1.0)
    }
}

/// The multiplier of an exogenous index for a departure in % (log points
/// × 100).
pub fn factor(departure: f64) -> f64 {
    (departure / 100.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: PropCreditParams = PropCreditParams {
        spread: 0.5,
        spread_adjustment: 0.25,
        mortgage_spread: -0.25,
        floor_removal: -0.2,
        rate_elasticity: 6.0,
        price_expectation_elasticity: 0.5,
        sales_adjustment: 0.35,
        dev_rate_elasticity: 2.0,
        dev_collateral_elasticity: 1.0,
        dev_adjustment: 0.3,
        dev_loan_growth: -9.9,
        presale_share: 0.5,
        loan_share: 0.12,
        funds_elasticity: 1.0,
        investment_adjustment: 0.5,
        price_sales_elasticity: 0.0,
        price_adjustment: 0.25,
        floor: 2.0,
    };

    const REF: Drivers = Drivers {
        mortgage: 3.6,
        price_expectation: -7.4,
        real_rate: 4.2,
        house_growth: -7.4,
    };

    #[test]
    fn observed_path_matches_the_pboc_and_the_calibration_file() {
        assert_eq!(observed(Quarter::new(2024, 2)), Some(3.95));
        assert_eq!(observed(Quarter::new(2024, 1)), Some(3.95));
        assert_eq!(observed(Quarter::new(2023, 4)), Some(4.20));
        assert_eq!(observed(Quarter::new(2022, 1)), Some(4.60));
        assert_eq!(observed(Quarter::new(2024, 3)), None);
        // The spread over the 1-year at 2024Q2 is half a point.
        let s = observed(Quarter::new(2024, 2)).unwrap()
            - super::super::money::observed(Quarter::new(2024, 2)).unwrap();
        assert!((s - 0.5).abs() < 1e-12);
    }

    #[test]
    fn spread_converges_and_the_cut_stops_at_the_floor() {
        let mut s = 0.9;
        for _ in 0..40 {
            s = spread_step(&P, s);
        }
        assert!((s - 0.5).abs() < 1e-4);
        assert!((lpr5(&P, 3.0, 0.5, 0.5) - 3.0).abs() < 1e-12);
        assert_eq!(lpr5(&P, 2.0, 0.5, 1.0), 2.0);
        // The 17 May 2024 package: half in 2024Q2, all of it after.
        assert_eq!(mortgage_spread(&P, Quarter::new(2024, 1)), -0.25);
        assert!((mortgage_spread(&P, Quarter::new(2024, 2)) + 0.35).abs() < 1e-12);
        assert!((mortgage_spread(&P, Quarter::new(2025, 1)) + 0.45).abs() < 1e-12);
    }

    #[test]
    fn at_the_reference_nothing_moves_and_a_rate_cut_raises_sales_then_investment() {
        let s = step(&P, State::default(), &REF, &REF);
        assert_eq!(s, State::default());
        let cut = Drivers {
            mortgage: REF.mortgage - 0.5,
            ..REF
        };
        let mut st = State::default();
        let mut path = vec![];
        for _ in 0..40 {
            st = step(&P, st, &cut, &REF);
            path.push(st);
        }
        // Sales first: after one quarter x = 0.35 · 3 = 1.05, y = 0.5 · 0.5 · 1.05.
        assert!((path[0].x - 1.05).abs() < 1e-12);
        assert!((path[0].y - 0.2625).abs() < 1e-12);
        assert!(path[0].y < path[0].x * P.presale_share);
        // Converges to x = ε_m · 0.5 = 3, y = θ_F ω_S x = 1.5.
        assert!((path[39].x - 3.0).abs() < 1e-6);
        assert!((path[39].y - 1.5).abs() < 1e-6);
        assert_eq!(path[39].d, 0.0);
    }

    #[test]
    fn falling_house_prices_tighten_developer_credit_and_investment() {
        let fall = Drivers {
            house_growth: REF.house_growth - 5.0,
            price_expectation: REF.price_expectation - 5.0,
            ..REF
        };
        let mut st = State::default();
        for _ in 0..60 {
            st = step(&P, st, &fall, &REF);
        }
        // d → −β_h · 5, x → −ε_h · 5, y → θ_F (ω_S x + ω_L d): bounded.
        assert!((st.d + 5.0).abs() < 1e-6);
        assert!((st.x + 2.5).abs() < 1e-6);
        assert!((st.y - (0.5 * -2.5 + 0.12 * -5.0)).abs() < 1e-6);
        // Zero elasticities: no departure.
        let zero = PropCreditParams {
            rate_elasticity: 0.0,
            price_expectation_elasticity: 0.0,
            dev_rate_elasticity: 0.0,
            dev_collateral_elasticity: 0.0,
            ..P
        };
        assert_eq!(step(&zero, State::default(), &fall, &REF), State::default());
        assert_eq!(factor(0.0), 1.0);
    }

    #[test]
    fn prices_follow_sales_partially_and_their_growth_is_the_total() {
        let p = PropCreditParams {
            price_sales_elasticity: 0.25,
            ..P
        };
        let cut = Drivers {
            mortgage: REF.mortgage - 0.5,
            ..REF
        };
        // First quarter: x = 1.05, h = κ_h ε_P x = 0.25 · 0.25 · 1.05.
        let s1 = step(&p, State::default(), &cut, &REF);
        assert!((s1.h - 0.065625).abs() < 1e-12);
        // With the drivers held, h → ε_P x = 0.25 · 3.
        let mut st = s1;
        for _ in 0..80 {
            st = step(&p, st, &cut, &REF);
        }
        assert!((st.h - 0.75).abs() < 1e-6);
        // Growth with a departure that rose 1 log point over the year:
        // (1 − 0.074) e^0.01 − 1.
        assert!((total_growth(-7.4, 1.0) - 100.0 * (0.926 * 0.01f64.exp() - 1.0)).abs() < 1e-12);
        // No change: the exogenous rate bit for bit.
        assert_eq!(total_growth(-7.4, 0.0).to_bits(), (-7.4f64).to_bits());
        // ε_P = 0 (the table in this module's tests): no price departure.
        assert_eq!(step(&P, State::default(), &cut, &REF).h, 0.0);
    }
}
