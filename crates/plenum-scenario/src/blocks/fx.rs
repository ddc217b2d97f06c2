//! A managed exchange rate: the yuan against the dollar moves with the
//! rate differential under the central bank's management, and moves import
//! prices (in yuan) and trade (expenditure switching).
//!
//! **The rate.** z_t = ln(e_t / e_ref), e the yuan per US dollar and e_ref
//! its 2024Q2 level (the calibration file: about 7.1-7.3 through 2023 and
//! H1 2024; the baseline's fitted import prices in yuan carry what the
//! rate did up to then, so z = 0 to 2024Q2). From 2024Q3 the market's
//! pressure sets a target and the central bank lets only part of the way
//! to it happen each quarter (a managed float: the fixing's
//! counter-cyclical factor leans against moves):
//!
//! ```text
//!     z*_t = ζ/100 · ((i_ref − i_t) + f_t) + m_t/100
//!     z_t  = z_{t−1} + (1 − λ_e) (z*_t − z_{t−1})
//! ```
//!
//! with i_t the 1-year LPR of the money block ([`crate::blocks::money`]),
//! i_ref = 3.45% its 2024Q2 level, f_t the change of foreign (US) policy
//! rates since 2024Q2 (scenario `[money] foreign_rate_change_pp`, pp, 0 in
//! the baseline: no US rate path is in the calibration file), m_t a managed
//! move the authorities choose (`[money] fx_managed_depreciation`, % of the
//! rate, positive = a weaker yuan), ζ the depreciation per pp of narrower
//! differential (`fx_rate_pressure`) and λ_e the share of the gap held
//! back each quarter (`fx_management`). A positive z is a weaker yuan.
//!
//! **Import prices.** World import prices in yuan are the scenario's path
//! times e^(χ z_t), χ the border pass-through (`fx_import_passthrough`):
//! most of China's imports are invoiced in dollars, so pass-through at the
//! border is near complete within a year (dominant-currency pricing,
//! Gopinath et al. 2020, AER 110(3)). They enter the price block as
//! before (goods value-added prices, the CPI's imported goods).
//!
//! **Trade.** Buyers switch between China's goods and others' with the
//! rate a quarter earlier: of the flow F_ds of product s that China
//! delivers to region d (intermediate and final, the table's flows at the
//! quarter's demand index), a share w_t = e^(η_X z_{t−1}) − 1 more is
//! bought from China and as much less from d's other origins; in China, a
//! share 1 − e^(−η_X z_{t−1}) of its imports of s switches to China's
//! producers ([`switched`]). η_X is the price elasticity of trade volumes
//! (`fx_trade_elasticity`). The engine's intermediate orders follow fixed
//! coefficients and origin shares, so the switch is placed in the buyers'
//! final demand for s (the engine's added final demand, spread over the
//! columns by their purchases of s) and capped at what the other origins
//! deliver there: d's total demand for s is unchanged, its origin mix
//! moves. China's gain from the switch is the contribution
//! `contrib_block_fx` (inside `contrib_net_exports`).

/// Parameters of the exchange-rate block (sources and ranges in
/// `crate::params`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FxParams {
    /// ζ: % depreciation per pp of narrower rate differential.
    pub rate_pressure: f64,
    /// λ_e: share of the gap to the target held back each quarter.
    pub management: f64,
    /// χ: border pass-through of the rate to import prices in yuan.
    pub import_passthrough: f64,
    /// η_X: price elasticity of trade volumes to the rate.
    pub trade_elasticity: f64,
}

/// The 1-year LPR of 2024Q2, % (PBoC, calibration file: 3.45% since Aug
/// 2023): the differential's reference.
pub const LPR_REF: f64 = 3.45;

/// z*_t: the target log rate (see the module docs) given the LPR `lpr`
/// (%), the foreign rates' change `foreign_pp` and the managed move
/// `managed_pct` (% of the rate).
pub fn target(p: &FxParams, lpr: f64, foreign_pp: f64, managed_pct: f64) -> f64 {
    p.rate_pressure / 100.0 * ((LPR_REF - lpr) + foreign_pp) + managed_pct / 100.0
}

/// z_t from z_{t−1} and the target: the managed partial move.
pub fn step(p: &FxParams, z_prev: f64, z_target: f64) -> f64 {
    z_prev + (1.0 - p.management) * (z_target - z_prev)
}

/// Factor on world import prices in yuan: e^(χ z).
pub fn import_price_factor(p: &FxParams, z: f64) -> f64 {
    (p.import_passthrough * z).exp()
}

/// Shares switched towards China's producers at the log rate `z`: (of
/// China's deliveries to other regions, of China's imports). Both are
/// positive for a weaker yuan and negative for a stronger one.
pub fn switched(p: &FxParams, z: f64) -> (f64, f64) {
    let e = p.trade_elasticity * z;
    (e.exp() - 1.0, 1.0 - (-e).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: FxParams = FxParams {
        rate_pressure: 2.0,
        management: 0.5,
        import_passthrough: 1.0,
        trade_elasticity: 0.5,
    };

    #[test]
    fn a_lower_lpr_weakens_the_yuan_and_management_slows_it() {
        // A cut of 1 pp at unchanged foreign rates: target 2% weaker.
        let zs = target(&P, LPR_REF - 1.0, 0.0, 0.0);
        assert!((zs - 0.02).abs() < 1e-15);
        // Half the way each quarter: 1%, 1.5%, 1.75% ...
        let z1 = step(&P, 0.0, zs);
        let z2 = step(&P, z1, zs);
        assert!((z1 - 0.01).abs() < 1e-15 && (z2 - 0.015).abs() < 1e-15);
        // Without management it jumps to the target; fully managed, it
        // does not move.
        let free = FxParams {
            management: 0.0,
            ..P
        };
        assert_eq!(step(&free, 0.0, zs), zs);
        let fixed = FxParams {
            management: 1.0,
            ..P
        };
        assert_eq!(step(&fixed, 0.0, zs), 0.0);
        // Higher foreign rates push the same way as a cut at home.
        assert!((target(&P, LPR_REF, 1.0, 0.0) - zs).abs() < 1e-15);
        // A managed 5% move adds 0.05 to the target.
        assert!((target(&P, LPR_REF, 0.0, 5.0) - 0.05).abs() < 1e-15);
    }

    #[test]
    fn import_prices_and_trade_move_with_the_rate() {
        assert_eq!(import_price_factor(&P, 0.0), 1.0);
        assert!((import_price_factor(&P, 0.1) - 0.1f64.exp()).abs() < 1e-15);
        assert_eq!(switched(&P, 0.0), (0.0, 0.0));
        let (x, m) = switched(&P, 0.1);
        // Weaker yuan: more of China's goods abroad, fewer imports.
        assert!(x > 0.0 && m > 0.0 && m < x);
        assert!((x - (0.05f64.exp() - 1.0)).abs() < 1e-15);
        // Stronger yuan: both turn negative; symmetric in log terms.
        let (x2, m2) = switched(&P, -0.1);
        assert!(x2 < 0.0 && m2 < 0.0);
        assert!((x2 + m).abs() < 1e-15 && (m2 + x).abs() < 1e-15);
    }
}
