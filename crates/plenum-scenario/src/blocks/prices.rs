//! Prices: China's GDP deflator, CPI and PPI, from an output gap
//! (Phillips-type term), world import prices and the export controls'
//! shadow prices, passed through the table by the Leontief price model.
//!
//! **Value-added prices.** Two value-added price levels, one for goods
//! (mining, manufacturing, utilities: the sectors of the NBS industrial
//! PPI) and one for the rest (farming, construction, services), move each
//! quarter at the annual rates
//!
//! ```text
//!     π^S_t = π̄ + κ gap_{t−1},   P^S_t = P^S_{t−1} (1 + π^S_t/100)^(1/4)
//!     P^G_t = P^S_t (P^M_t)^ω
//! ```
//!
//! with π̄ the underlying (anchor) inflation (`gdp_deflator_growth`), κ the
//! Phillips slope (`phillips_slope`, pp of inflation per pp of gap), ω the
//! elasticity of goods producers' value added per unit to world prices
//! (`goods_price_passthrough`: coal, metals and chemicals are priced off
//! world markets, so their margins move with import prices), and P^M_t the
//! index of world import prices in yuan (2022 average = 1; scenario
//! `[prices] import_price_growth`, y/y by year). Goods value-added
//! inflation y/y is thus π^S + ω π^M y/y. The gap enters with a lag of one
//! quarter, as income does in the household block, so the run needs no
//! simultaneous solve.
//!
//! **Output gap.** gap_t = gap₂₀₂₂ + 100 ln(Y_t / Y*_t), Y_t China's real
//! GDP and Y*_t its potential path (the engine's growth path at potential
//! growth, on which the run starts in 2022Q1); gap₂₀₂₂ (`output_gap_2022`)
//! is the gap the economy carried into 2022 (derived from the growth of
//! 2020-2022 against potential, see docs/calibration.md).
//!
//! **Output prices (cost push).** With E China's industries and X the rest
//! of the world, the Leontief price model (`plenum_iomath::price`) gives
//! p_E' = p_X' A_XE L_EE + (v_E ∘ P^V)' L_EE; it is linear, so it is solved
//! once per run for three unit shocks — goods value added, other value
//! added, import prices — and each quarter's prices are their combination
//!
//! ```text
//!     p_E,t = P^G_t r_G + P^S_t r_S + P^M_t r_M + (p^c_t − 1)
//! ```
//!
//! with r_G + r_S + r_M = 1 in a balanced table, P^M_t the import-price
//! index (2022 = 1), and p^c_t − 1 the cost push of the export controls'
//! wedges (shadow prices of blocked inputs, substitutes' premia; see
//! [`super::controls_prices`]).
//!
//! **Indices** (levels, 2022Q1 = 1; reported y/y):
//! - GDP deflator D_t = s_G P^G_t + (1 − s_G) P^S_t, s_G the goods share
//!   of China's base-year value added. With double deflation nominal value
//!   added is v_j x_j P^V_j exactly (the price model's identity), so D is
//!   nominal over real GDP at base-year weights (Laspeyres);
//! - PPI_t = Σ_{j∈G} x⁰_j p_j,t / Σ_{j∈G} x⁰_j (industrial producer prices,
//!   base-year output weights);
//! - CPI_t = Σ_i h_i p_i,t / Σ_i h_i over the household column of Y⁰ (all
//!   origins; imported goods at P^M_t).
//!
//! **Nominal accounts.** Nominal GDP is real GDP times D (in tn yuan,
//! [`crate::run`]); land revenue, taxes, the reference GDP of the debt
//! limit and local debt/GDP are nominal, so deflation lowers revenue and
//! raises debt relative to GDP.

use plenum_iomath::price::{PriceModel, PriceShock};

use crate::economy::Economy;
use crate::error::{Result, ScenarioError};

/// Parameters of the block (from the parameter table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceParams {
    /// π̄, % per year.
    pub anchor: f64,
    /// κ, pp of inflation per pp of output gap.
    pub slope: f64,
    /// ω, share of import-price inflation in goods value-added inflation.
    pub passthrough: f64,
    /// gap₂₀₂₂, % of potential.
    pub gap_2022: f64,
}

/// True for the industrial sectors of the PPI (mining, manufacturing,
/// utilities) under the labels plenum's tables use: ISIC sections B, C
/// (C10-C33), D and E, the default table's aggregates, WIOD's c2-c17.
pub fn industrial(code: &str) -> bool {
    const NAMED: [&str; 10] = [
        "MIN",
        "FOOD",
        "TEX",
        "WOOD_PAPER",
        "CHEM",
        "METAL_MIN",
        "TRANS_EQ",
        "OTH_MFG",
        "UTIL",
        "MFG",
    ];
    if NAMED.contains(&code) {
        return true;
    }
    let mut ch = code.chars();
    match (ch.next(), ch.next()) {
        (Some('B' | 'C' | 'D' | 'E'), None) => true,
        (Some('B' | 'C' | 'D' | 'E'), Some(d)) if d.is_ascii_digit() => true,
        (Some('c'), Some(d)) if d.is_ascii_digit() => code[1..]
            .parse::<u32>()
            .map(|k| (2..=17).contains(&k))
            .unwrap_or(false),
        _ => false,
    }
}

/// The block's fixed part for one run: unit responses of China's prices
/// and the index weights.
#[derive(Debug, Clone)]
pub struct PriceBlock {
    /// r_G, r_S, r_M per sector of China.
    r_goods: Vec<f64>,
    r_serv: Vec<f64>,
    r_imp: Vec<f64>,
    /// Whether sector s is industrial (goods).
    goods: Vec<bool>,
    /// s_G.
    goods_va_share: f64,
    /// PPI weights (x⁰ of industrial sectors), per sector.
    w_ppi: Vec<f64>,
    /// CPI weights: households' demand for China's products per sector,
    /// and for imports in total.
    w_cpi_home: Vec<f64>,
    w_cpi_imp: f64,
}

/// The block's levels in one quarter (2022Q1 = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceLevels {
    pub goods_va: f64,
    pub other_va: f64,
    pub deflator: f64,
    pub import: f64,
    pub cpi: f64,
    pub ppi: f64,
}

impl PriceBlock {
    /// Solves the three unit shocks on China's block of the table.
    /// `households` is the household category of final demand.
    pub fn new(econ: &Economy, china: usize, households: usize) -> Result<Self> {
        let (n, ns) = (econ.n, econ.ns);
        let a = faer::Mat::from_fn(n, n, |i, j| econ.a[i * n + j]);
        let v = faer::Col::from_fn(n, |j| econ.v[j]);
        let ind: Vec<usize> = (china * ns..(china + 1) * ns).collect();
        let err = |e: plenum_iomath::error::IoMathError| ScenarioError::Table {
            message: format!("the price block's Leontief price model: {e}"),
            fix: "use a table whose domestic block I − A is invertible (productive)".into(),
        };
        let model = PriceModel::new(a.as_ref(), v.as_ref(), &ind).map_err(err)?;
        let goods: Vec<bool> = econ.sectors.iter().map(|s| industrial(s)).collect();
        let nx = model.exogenous().len();
        let solve = |va: Option<Vec<f64>>, imports: f64| -> Result<Vec<f64>> {
            let sol = model
                .solve(&PriceShock {
                    exogenous: Some(faer::Col::from_fn(nx, |_| imports)),
                    value_added: va.map(|w| faer::Col::from_fn(ns, |k| w[k])),
                    wedges: Vec::new(),
                })
                .map_err(err)?;
            Ok(ind.iter().map(|&i| sol.p[i]).collect())
        };
        let masked = |want: bool| -> Vec<f64> {
            (0..ns)
                .map(|s| {
                    if goods[s] == want {
                        econ.v[china * ns + s]
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        let r_goods = solve(Some(masked(true)), 0.0)?;
        let r_serv = solve(Some(masked(false)), 0.0)?;
        let r_imp = solve(Some(vec![0.0; ns]), 1.0)?;
        let va: Vec<f64> = (0..ns)
            .map(|s| econ.v[china * ns + s] * econ.x0[china * ns + s])
            .collect();
        let va_tot: f64 = va.iter().sum();
        let goods_va_share = if va_tot > 0.0 {
            (0..ns).filter(|&s| goods[s]).map(|s| va[s]).sum::<f64>() / va_tot
        } else {
            0.0
        };
        let w_ppi: Vec<f64> = (0..ns)
            .map(|s| {
                if goods[s] {
                    econ.x0[china * ns + s]
                } else {
                    0.0
                }
            })
            .collect();
        let c = china * econ.nf + households;
        let col = &econ.y0[c * n..(c + 1) * n];
        let mut w_cpi_home = vec![0.0; ns];
        let mut w_cpi_imp = 0.0;
        for (i, &y) in col.iter().enumerate() {
            if i / ns == china {
                w_cpi_home[i % ns] += y;
            } else {
                w_cpi_imp += y;
            }
        }
        Ok(Self {
            r_goods,
            r_serv,
            r_imp,
            goods,
            goods_va_share,
            w_ppi,
            w_cpi_home,
            w_cpi_imp,
        })
    }

    /// s_G, the goods share of China's base-year value added.
    pub fn goods_va_share(&self) -> f64 {
        self.goods_va_share
    }

    /// The value-added price levels of quarter t from P^S_{t−1}, the lagged
    /// gap and the import-price index P^M_t (see the module docs); returns
    /// (P^G_t, P^S_t, D_t).
    pub fn value_added(
        &self,
        p: &PriceParams,
        last_other: f64,
        gap_lag: f64,
        import: f64,
    ) -> (f64, f64, f64) {
        let pi_s = p.anchor + p.slope * gap_lag;
        let s = last_other * (1.0 + pi_s / 100.0).max(0.0).powf(0.25);
        let g = s * import.max(0.0).powf(p.passthrough);
        (g, s, self.deflator(g, s))
    }

    /// D = s_G P^G + (1 − s_G) P^S.
    pub fn deflator(&self, goods: f64, other: f64) -> f64 {
        self.goods_va_share * goods + (1.0 - self.goods_va_share) * other
    }

    /// China's output prices and the indices of a quarter; `controls` is
    /// p^c (the controls' prices of China's sectors at unit import and
    /// value-added prices; `None`: no control bites).
    pub fn levels(
        &self,
        goods_va: f64,
        other_va: f64,
        import: f64,
        controls: Option<&[f64]>,
    ) -> PriceLevels {
        let ns = self.r_goods.len();
        let p: Vec<f64> = (0..ns)
            .map(|s| {
                let c = controls.and_then(|c| c.get(s)).map_or(0.0, |c| c - 1.0);
                goods_va * self.r_goods[s] + other_va * self.r_serv[s] + import * self.r_imp[s] + c
            })
            .collect();
        let wavg = |w: &[f64], extra: (f64, f64)| {
            let num: f64 = w.iter().zip(&p).map(|(w, p)| w * p).sum::<f64>() + extra.0 * extra.1;
            let den: f64 = w.iter().sum::<f64>() + extra.0;
            if den > 0.0 {
                num / den
            } else {
                1.0
            }
        };
        PriceLevels {
            goods_va,
            other_va,
            deflator: self.deflator(goods_va, other_va),
            import,
            cpi: wavg(&self.w_cpi_home, (self.w_cpi_imp, import)),
            ppi: wavg(&self.w_ppi, (0.0, 0.0)),
        }
    }

    /// Whether sector s counts as goods (industrial).
    pub fn is_goods(&self, s: usize) -> bool {
        self.goods.get(s).copied().unwrap_or(false)
    }
}

/// y/y growth in per cent of a level series at index k (NaN before k = 4).
pub fn yoy(levels: &[f64], k: usize) -> f64 {
    if k < 4 || k >= levels.len() || levels[k - 4] <= 0.0 {
        return f64::NAN;
    }
    100.0 * (levels[k] / levels[k - 4] - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industrial_sectors_by_label() {
        for s in ["MIN", "C26", "C28", "CHEM", "UTIL", "B", "D35", "c2", "c17"] {
            assert!(industrial(s), "{s}");
        }
        for s in ["AGR", "F", "L", "BUS", "K", "c1", "c18", "TRADE", "SOC"] {
            assert!(!industrial(s), "{s}");
        }
    }

    #[test]
    fn yoy_of_levels() {
        let l = [1.0, 1.0, 1.0, 1.0, 1.02, 0.99];
        assert!(yoy(&l, 3).is_nan());
        assert!((yoy(&l, 4) - 2.0).abs() < 1e-12);
        assert!((yoy(&l, 5) + 1.0).abs() < 1e-12);
    }
}
