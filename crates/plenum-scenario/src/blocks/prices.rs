//! Prices: China's GDP deflator, CPI and PPI, from an output gap, a
//! goods-specific gap (industrial capacity utilisation), a trend rise of
//! services prices relative to goods, world import prices and the export
//! controls' shadow prices, passed through the table by the Leontief price
//! model.
//!
//! **Why goods and services apart.** In 2023 the CPI rose 0.2% while the
//! PPI fell 3.0% and the GDP deflator turned negative (NBS). With one
//! value-added price for all goods and one for the rest, the table's
//! weights cannot give the three at once: the CPI then moves almost like
//! the deflator. What separates them is that the fall was in producer
//! goods (materials, machinery, exports: industries facing the capacity
//! built by the 2023-24 manufacturing-investment boom and the property
//! slump's lost demand), while services prices kept rising with wages.
//!
//! **Value-added prices.** Services and the other non-industrial sectors
//! (farming, construction, trade, ...) share one level P^S; each
//! industrial sector j (mining, manufacturing, utilities: the NBS PPI's
//! coverage) has its own level P_j:
//!
//! ```text
//!     π^S*_t = π̄ + s_G b + κ gap_{t−1}
//!     π^S_t  = λ_S π^S_{t−1} + (1 − λ_S) π^S*_t,      P^S_t = P^S_{t−1} (1 + π^S_t/100)^(1/4)
//!     π_j,t  = π̄ − (1 − s_G) b + (1 − e_j) κ gap_{t−1} + e_j κ_G u_{t−1}
//!     P̃_j,t  = P̃_j,t−1 (1 + π_j,t/100)^(1/4),          P_j,t = P̃_j,t (P^M_t)^(ω e_j)
//! ```
//!
//! - π̄ the underlying inflation of value added (`gdp_deflator_growth`): s_G
//!   (the industrial share of base-year value added) times the goods trend
//!   plus 1 − s_G times the services trend is π̄, so b moves relative
//!   prices, not the deflator's trend;
//! - b the trend rise of services prices over goods prices
//!   (`services_relative_price_growth`): Baumol's (1967) cost disease,
//!   wages rise with the productivity of goods makers, services'
//!   productivity grows slower, so their prices rise faster;
//! - λ_S (`services_price_inertia`): services prices are mostly wages,
//!   set once a year, so their inflation moves slowly;
//! - κ (`phillips_slope`) the slope on the output gap, for services and
//!   for consumer goods; κ_G (`goods_gap_slope`) the slope on the goods
//!   gap u, for producer goods;
//! - e_j ∈ [0, 1] the producer-goods exposure of industry j: the share of
//!   its output that does *not* end, directly or through China's supply
//!   chains, in China's household consumption,
//!   e_j = 1 − (L_EE y^H_E)_j / x_j (the table's Leontief inverse; on the
//!   default table food 0.24, textiles 0.63, metals 0.93, machinery 0.95,
//!   0.76 on average over industry's value added). Consumer-goods makers
//!   price to the domestic consumer; producer-goods makers face the
//!   excess supply of industry and world markets;
//! - ω (`goods_price_passthrough`) the elasticity of producer-goods value
//!   added per unit to world prices P^M (coal, metals and chemicals are
//!   priced off world markets), scaled by e_j; P^M the index of world
//!   import prices in yuan (2022 = 1; scenario `[prices]
//!   import_price_growth`, times the exchange rate's factor).
//!
//! **Gaps.** gap_t = gap₂₀₂₂ + 100 ln(Y_t / Y*_t), Y_t China's real GDP and
//! Y*_t its potential path; gap₂₀₂₂ (`output_gap_2022`) the gap carried
//! into 2022. The goods gap is industrial capacity utilisation against
//! normal, output against capacity:
//!
//! ```text
//!     u_t = gap₂₀₂₂ + 100 ln(U_t / (U⁰ Y*_t)) − o_t
//!     o_t = (1 − ν/4) o_{t−1} + (q/4) · 100 ln(M_t / M_{t−4})
//! ```
//!
//! with U_t = Σ_{j∈G} e_j v_j x_j,t the exposure-weighted value added of
//! industry (it falls with the property slump's demand for materials and
//! rises with machinery orders), U⁰ its base, and o_t the capacity
//! overhang, % of capital: the capital that the rise of manufacturing
//! investment over the last year added beyond trend (M_t the manufacturing
//! block's investment index relative to potential; q = δ + g the
//! investment rate of capital on its trend path,
//! `manufacturing_capital_turnover`), absorbed at ν a year
//! (`overcapacity_absorption`: scrapping and demand growing into it). The
//! overhang is built by investment *growth*, so a lasting rise of
//! investment adds capacity once, not a deflation that never ends. Both
//! gaps enter with a lag of a quarter, so the run needs no simultaneous
//! solve. The gap is measured on output: a supply shock (inputs blocked by
//! export controls) reads as slack, which is why κ_G is kept at κ
//! (docs/calibration.md).
//!
//! **Output prices (cost push).** With E China's industries and X the rest
//! of the world, the Leontief price model (`plenum_iomath::price`) gives
//! p_E' = p_X' A_XE L_EE + (v_E ∘ P^V)' L_EE; it is linear, so it is solved
//! once per run for a unit shock to each sector's value-added price and to
//! import prices, and each quarter's prices are their combination
//!
//! ```text
//!     p_s,t = Σ_j P_j,t r_js + P^M_t r_M,s + (p^c_s,t − 1)
//! ```
//!
//! with Σ_j r_js + r_M,s = 1 in a balanced table, and p^c_t − 1 the cost
//! push of the export controls' wedges (shadow prices of blocked inputs,
//! substitutes' premia; see [`super::controls_prices`]).
//!
//! **Indices** (levels, 2022Q1 = 1; reported y/y):
//! - GDP deflator D_t = Σ_j va⁰_j P_j,t / Σ_j va⁰_j (base-year value-added
//!   weights). With double deflation nominal value added is v_j x_j P_j
//!   exactly (the price model's identity), so D is nominal over real GDP
//!   at base-year weights (Laspeyres);
//! - PPI_t = Σ_{j∈G} x⁰_j p_j,t / Σ_{j∈G} x⁰_j (industrial producer prices,
//!   base-year output weights);
//! - CPI_t = Σ_i h_i p_i,t / Σ_i h_i over the household column of Y⁰ (all
//!   origins; imported goods at P^M_t). The column is at basic prices with
//!   trade and transport margins booked to the trade and transport rows,
//!   so the basket carries retail margins at the price of distribution
//!   (a service); net product taxes (7.0% of the column, OECD national
//!   table 2022) are not in the default table and, levied ad valorem, are
//!   left out of the weights (docs/calibration.md).
//!
//! **Nominal accounts.** Nominal GDP is real GDP times D (in tn yuan,
//! [`crate::run`]); land revenue, taxes, the reference GDP of the debt
//! limit and local debt/GDP are nominal, so deflation lowers revenue and
//! raises debt relative to GDP.

use faer::Mat;
use plenum_iomath::leontief::Leontief;
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
    /// ω, elasticity of producer goods' value-added prices to world prices.
    pub passthrough: f64,
    /// gap₂₀₂₂, % of potential.
    pub gap_2022: f64,
    /// b, pp per year by which services prices outgrow goods prices.
    pub relative: f64,
    /// λ_S, share of last quarter's services inflation carried.
    pub inertia: f64,
    /// κ_G, pp of producer-goods inflation per pp of goods gap.
    pub goods_slope: f64,
    /// q = δ + g, the trend investment rate of manufacturing capital, per
    /// year.
    pub turnover: f64,
    /// ν, the share of the capacity overhang absorbed per year.
    pub absorption: f64,
}

impl PriceParams {
    /// The block's parameters from the parameter table.
    pub fn from_params(p: &crate::params::Params) -> Self {
        Self {
            anchor: p.gdp_deflator_growth,
            slope: p.phillips_slope,
            passthrough: p.goods_price_passthrough,
            gap_2022: p.output_gap_2022,
            relative: p.services_relative_price_growth,
            inertia: p.services_price_inertia,
            goods_slope: p.goods_gap_slope,
            turnover: p.manufacturing_capital_turnover,
            absorption: p.overcapacity_absorption,
        }
    }
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

/// The block's fixed part for one run: unit responses of China's prices,
/// exposures and the index weights.
#[derive(Debug, Clone)]
pub struct PriceBlock {
    /// r_js: response of p_s to a unit value-added price of sector j,
    /// index j·S + s.
    r_va: Vec<f64>,
    /// r_M,s.
    r_imp: Vec<f64>,
    /// Whether sector s is industrial (goods).
    goods: Vec<bool>,
    /// e_j (0 for non-industrial sectors).
    exposure: Vec<f64>,
    /// Base-year value added va⁰_j (quarterly).
    va0: Vec<f64>,
    /// s_G.
    goods_va_share: f64,
    /// e_j v_j, and U⁰ = Σ e_j v_j x⁰_j.
    upstream_w: Vec<f64>,
    upstream0: f64,
    /// PPI weights (x⁰ of industrial sectors), per sector.
    w_ppi: Vec<f64>,
    /// CPI weights: households' demand for China's products per sector,
    /// and for imports in total.
    w_cpi_home: Vec<f64>,
    w_cpi_imp: f64,
}

/// Value-added prices of one quarter (levels, 2022Q1 = 1).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueAdded {
    /// P_j per sector of China (world prices included).
    pub p: Vec<f64>,
    /// P̃_j: the domestic part, before world prices (P^S for services).
    pub domestic: Vec<f64>,
    /// π^S_t, % per year.
    pub services_inflation: f64,
    /// D_t.
    pub deflator: f64,
}

/// The block's levels in one quarter (2022Q1 = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceLevels {
    /// Value-added price of industry (base-year value-added weights).
    pub goods_va: f64,
    /// Value-added price of the other sectors (P^S).
    pub other_va: f64,
    pub deflator: f64,
    pub import: f64,
    pub cpi: f64,
    pub ppi: f64,
}

/// o_t from o_{t−1} and M_t / M_{t−4}: the capacity overhang, %
/// ((1 − ν/4) o_{t−1} + (q/4) · 100 ln(M_t / M_{t−4})).
pub fn overhang_step(turnover: f64, absorption: f64, last: f64, m_ratio: f64) -> f64 {
    let a = (absorption / 4.0).clamp(0.0, 1.0);
    (1.0 - a) * last + turnover / 4.0 * 100.0 * m_ratio.max(1e-9).ln()
}

impl PriceBlock {
    /// Solves the unit shocks on China's block of the table.
    /// `households` is the household category of final demand.
    pub fn new(econ: &Economy, china: usize, households: usize) -> Result<Self> {
        let (n, ns) = (econ.n, econ.ns);
        let a = Mat::from_fn(n, n, |i, j| econ.a[i * n + j]);
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
        let mut r_va = Vec::with_capacity(ns * ns);
        for j in 0..ns {
            let unit: Vec<f64> = (0..ns)
                .map(|s| if s == j { econ.v[china * ns + s] } else { 0.0 })
                .collect();
            r_va.extend(solve(Some(unit), 0.0)?);
        }
        let r_imp = solve(Some(vec![0.0; ns]), 1.0)?;
        let base = |s: usize| china * ns + s;
        let va0: Vec<f64> = (0..ns)
            .map(|s| econ.v[base(s)] * econ.x0[base(s)])
            .collect();
        let va_tot: f64 = va0.iter().sum();
        let goods_va_share = if va_tot > 0.0 {
            (0..ns).filter(|&s| goods[s]).map(|s| va0[s]).sum::<f64>() / va_tot
        } else {
            0.0
        };
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
        // e_j = 1 − (L_EE y^H_E)_j / x_j: output not bound for China's
        // households, through China's own supply chains.
        let a_ee = Mat::from_fn(ns, ns, |i, j| econ.a[base(i) * n + base(j)]);
        let lu = Leontief::factor(&a_ee).map_err(err)?;
        let yh = faer::Col::from_fn(ns, |s| w_cpi_home[s]);
        let xh = plenum_iomath::output::output(&lu, yh.as_ref()).map_err(err)?;
        let exposure: Vec<f64> = (0..ns)
            .map(|s| {
                let x = econ.x0[base(s)];
                if goods[s] && x > 0.0 {
                    (1.0 - xh[s] / x).clamp(0.0, 1.0)
                } else {
                    0.0
                }
            })
            .collect();
        let upstream_w: Vec<f64> = (0..ns).map(|s| exposure[s] * econ.v[base(s)]).collect();
        let upstream0 = (0..ns).map(|s| upstream_w[s] * econ.x0[base(s)]).sum();
        let w_ppi: Vec<f64> = (0..ns)
            .map(|s| if goods[s] { econ.x0[base(s)] } else { 0.0 })
            .collect();
        Ok(Self {
            r_va,
            r_imp,
            goods,
            exposure,
            va0,
            goods_va_share,
            upstream_w,
            upstream0,
            w_ppi,
            w_cpi_home,
            w_cpi_imp,
        })
    }

    /// s_G, the goods share of China's base-year value added.
    pub fn goods_va_share(&self) -> f64 {
        self.goods_va_share
    }

    /// e_j of sector j (0 for non-industrial sectors).
    pub fn exposure(&self, s: usize) -> f64 {
        self.exposure.get(s).copied().unwrap_or(0.0)
    }

    /// 100 ln(U_t / U⁰) from China's output by sector (table order,
    /// quarterly, the base's units); the run subtracts potential.
    pub fn upstream_log(&self, x_china: &[f64]) -> f64 {
        let u: f64 = self
            .upstream_w
            .iter()
            .zip(x_china)
            .map(|(w, x)| w * x)
            .sum();
        if u > 0.0 && self.upstream0 > 0.0 {
            100.0 * (u / self.upstream0).ln()
        } else {
            0.0
        }
    }

    /// Uniform value-added prices: `goods` in every industrial sector,
    /// `other` elsewhere (the base quarter is `uniform(1, 1, π)`).
    pub fn uniform(&self, goods: f64, other: f64, services_inflation: f64) -> ValueAdded {
        let p: Vec<f64> = self
            .goods
            .iter()
            .map(|&g| if g { goods } else { other })
            .collect();
        ValueAdded {
            deflator: self.deflator(&p),
            domestic: p.clone(),
            p,
            services_inflation,
        }
    }

    /// The quarter before the run's first: every level 1, services
    /// inflation at its target with the gap of 2022.
    pub fn start(&self, p: &PriceParams) -> ValueAdded {
        let pi_s = p.anchor + self.goods_va_share * p.relative + p.slope * p.gap_2022;
        self.uniform(1.0, 1.0, pi_s)
    }

    /// The value-added prices of quarter t from those of t − 1, the lagged
    /// output and goods gaps and the import-price index P^M_t (see the
    /// module docs).
    pub fn step(
        &self,
        p: &PriceParams,
        last: &ValueAdded,
        gap_lag: f64,
        goods_gap_lag: f64,
        import: f64,
    ) -> ValueAdded {
        let sg = self.goods_va_share;
        let target = p.anchor + sg * p.relative + p.slope * gap_lag;
        let pi_s = p.inertia * last.services_inflation + (1.0 - p.inertia) * target;
        let grow = |level: f64, pi: f64| level * (1.0 + pi / 100.0).max(0.0).powf(0.25);
        let mut domestic = Vec::with_capacity(self.goods.len());
        let mut prices = Vec::with_capacity(self.goods.len());
        for (s, &g) in self.goods.iter().enumerate() {
            let prev = last.domestic.get(s).copied().unwrap_or(1.0);
            if g {
                let e = self.exposure[s];
                let pi = p.anchor - (1.0 - sg) * p.relative
                    + (1.0 - e) * p.slope * gap_lag
                    + e * p.goods_slope * goods_gap_lag;
                let d = grow(prev, pi);
                domestic.push(d);
                prices.push(d * import.max(0.0).powf(p.passthrough * e));
            } else {
                let d = grow(prev, pi_s);
                domestic.push(d);
                prices.push(d);
            }
        }
        ValueAdded {
            deflator: self.deflator(&prices),
            p: prices,
            domestic,
            services_inflation: pi_s,
        }
    }

    /// D = Σ va⁰_j P_j / Σ va⁰_j.
    pub fn deflator(&self, p: &[f64]) -> f64 {
        self.weighted(p, |_| true)
    }

    fn weighted(&self, p: &[f64], keep: impl Fn(bool) -> bool) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for ((&w, &pj), &g) in self.va0.iter().zip(p).zip(&self.goods) {
            if keep(g) {
                num += w * pj;
                den += w;
            }
        }
        if den > 0.0 {
            num / den
        } else {
            1.0
        }
    }

    /// China's output prices and the indices of a quarter; `controls` is
    /// p^c (the controls' prices of China's sectors at unit import and
    /// value-added prices; `None`: no control bites).
    pub fn levels(&self, va: &ValueAdded, import: f64, controls: Option<&[f64]>) -> PriceLevels {
        let ns = self.r_imp.len();
        let p: Vec<f64> = (0..ns)
            .map(|s| {
                let c = controls.and_then(|c| c.get(s)).map_or(0.0, |c| c - 1.0);
                let v: f64 = (0..ns)
                    .map(|j| va.p.get(j).copied().unwrap_or(1.0) * self.r_va[j * ns + s])
                    .sum();
                v + import * self.r_imp[s] + c
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
            goods_va: self.weighted(&va.p, |g| g),
            other_va: self.weighted(&va.p, |g| !g),
            deflator: va.deflator,
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
