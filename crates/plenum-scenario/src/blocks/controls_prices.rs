//! The price channel of export controls: the cost wedges of restricted
//! flows (shadow prices, substitutes' premia, rerouting mark-ups; see
//! [`super::controls`]) pass to China's prices through the Leontief price
//! model, and China's real final demand falls with its price level.
//!
//! With E China's industries and X all others (prices 1), a wedge τ_os on
//! every flow of product s from origin o into China's industries gives
//! (`plenum_iomath::price::PriceModel`)
//!
//! (I − A_EE)' p_E = v_E + Ã_XE' 1,   ã_(o,s),j = a_(o,s),j (1 + τ_os),
//!
//! so p_E − 1 = L_EE' Σ_os τ_os a_(o,s),E: each industry's price rises by
//! its direct and indirect cost share of the restricted inputs times their
//! wedges. China's final buyers pay p_E for its own products and 1 + τ_os
//! for restricted imports, so their price level is
//!
//! P = Σ_i y_i p_i / Σ_i y_i,
//!
//! y_i China's baseline final demand of industry i's output (all
//! categories), p_i = p_E for China's industries and 1 + τ_os for
//! imports. With nominal spending held, real final demand is scaled by
//! P^(−ε) ([`super::controls::ControlsParams::demand_price_elasticity`]).
//! P is also the import-price index of the controls that the macro price
//! block reads.

use plenum_iomath::price::{PriceModel, PriceShock, Wedge};

use crate::economy::Economy;
use crate::error::{Result, ScenarioError};

/// The Leontief price model of China's industries, factored once per run.
pub struct PriceChannel {
    model: PriceModel,
    /// China's industries (table order).
    china: Vec<usize>,
    ns: usize,
    /// China's baseline final demand by industry (all origins), summed over
    /// categories.
    y: Vec<f64>,
}

/// China's prices in one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct ChinaPrices {
    /// p_E, per sector of China.
    pub p: Vec<f64>,
    /// P, final buyers' price level (1 = no control bites).
    pub level: f64,
    /// Import-price index of China's restricted products: Σ y (1 + τ) / Σ y
    /// over China's final and intermediate imports from restricted origins
    /// (1 when none).
    pub import_index: f64,
}

impl PriceChannel {
    pub fn new(econ: &Economy, china: usize) -> Result<Self> {
        let n = econ.n;
        let a = faer::Mat::from_fn(n, n, |i, j| econ.a[i * n + j]);
        let v = faer::Col::from_fn(n, |j| econ.v[j]);
        let ind: Vec<usize> = (china * econ.ns..(china + 1) * econ.ns).collect();
        let model =
            PriceModel::new(a.as_ref(), v.as_ref(), &ind).map_err(|e| ScenarioError::Table {
                message: format!("the Leontief price model of China's industries: {e}"),
                fix:
                    "check that China's block of the table is productive (column sums of A below 1)"
                        .into(),
            })?;
        let mut y = vec![0.0; n];
        for f in 0..econ.nf {
            let c = china * econ.nf + f;
            for (i, yi) in y.iter_mut().enumerate() {
                *yi += econ.y0[c * n + i];
            }
        }
        Ok(Self {
            model,
            china: ind,
            ns: econ.ns,
            y,
        })
    }

    /// Prices given the wedges τ_os, as (product, origin region, τ), on the
    /// flows of product s from origin o into China (o ≠ China).
    pub fn prices(&self, econ: &Economy, wedges: &[(usize, usize, f64)]) -> Result<ChinaPrices> {
        let ns = self.ns;
        let mut flow_w = Vec::new();
        let mut tau = vec![0.0; econ.n];
        for &(s, o, t) in wedges {
            if t == 0.0 {
                continue;
            }
            let i = o * ns + s;
            tau[i] += t;
        }
        for (i, &t) in tau.iter().enumerate() {
            if t != 0.0 && !self.china.contains(&i) {
                for &j in &self.china {
                    flow_w.push(Wedge {
                        from: i,
                        to: j,
                        rate: t.max(-1.0),
                    });
                }
            }
        }
        let p_all = if flow_w.is_empty() {
            vec![1.0; econ.n]
        } else {
            let sol = self
                .model
                .solve(&PriceShock {
                    wedges: flow_w,
                    ..Default::default()
                })
                .map_err(|e| ScenarioError::Table {
                    message: format!("the export controls' price shock: {e}"),
                    fix: "lower the controls' shadow-price cap ([controls] shadow_cap)".into(),
                })?;
            (0..econ.n).map(|i| sol.p[i]).collect()
        };
        let p: Vec<f64> = self.china.iter().map(|&i| p_all[i]).collect();
        let (mut num, mut den, mut inum, mut iden) = (0.0, 0.0, 0.0, 0.0);
        for (i, &yi) in self.y.iter().enumerate() {
            let pi = if self.china.contains(&i) {
                p_all[i]
            } else {
                1.0 + tau[i]
            };
            num += yi * pi;
            den += yi;
            if tau[i] != 0.0 {
                // Imports of restricted products: final and intermediate.
                let inter: f64 = self
                    .china
                    .iter()
                    .map(|&j| econ.a[i * econ.n + j] * econ.x0[j])
                    .sum();
                inum += (yi + inter) * (1.0 + tau[i]);
                iden += yi + inter;
            }
        }
        Ok(ChinaPrices {
            p,
            level: if den > 0.0 { num / den } else { 1.0 },
            import_index: if iden > 0.0 { inum / iden } else { 1.0 },
        })
    }
}

/// Real final demand multiplier P^(−ε).
pub fn real_demand_scale(level: f64, elasticity: f64) -> f64 {
    if level <= 0.0 {
        return 1.0;
    }
    level.powf(-elasticity)
}
