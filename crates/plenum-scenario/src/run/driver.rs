//! The macro blocks as the engine's hook: after each step the driver reads
//! output by industry (value added and labour income follow), runs the
//! households, common-prosperity and local-government blocks on the
//! lagged income and nominal GDP, and sets the next quarter's final-demand
//! and capacity scales through `Controls`.

use plenum_sim::{Controls, Hook, StateView};

use crate::bind::Bound;
use crate::blocks::controls::ControlsParams;
use crate::blocks::controls_prices::{real_demand_scale, PriceChannel};
use crate::blocks::prices::{overhang_step, PriceBlock, PriceLevels, PriceParams, ValueAdded};
use crate::blocks::{
    budget, fx, households, localgov, manufacturing, money, propcredit, property, prosperity,
};
use crate::contrib::{Levels, Piece};
use crate::economy::Economy;
use crate::params::Params;
use crate::schema::Scenario;
use crate::time::{GrowthIndex, GrowthPath, Quarter};

use super::fx::FxFlows;
use super::plan::{Plan, Split};
use super::DEBT_FROM;

/// The quarter whose gap is `output_gap_2022`: the last of the burn-in.
const GAP_FROM: Quarter = Quarter(3);

/// What the blocks decided for one quarter.
pub(super) struct Decided {
    pub(super) confidence: f64,
    /// The property indices with the credit channel (S_t, I^P_t).
    pub(super) property: property::PropertyIndices,
    /// The credit channel's quarter ([`propcredit`]).
    pub(super) credit: super::propcredit::PropCreditQuarter,
    pub(super) sales_reported: super::propcredit::SalesReported,
    pub(super) local: localgov::LocalOutputs,
    pub(super) budget: budget::BudgetOutputs,
    pub(super) cp_transfer: f64,
    /// Final-demand multiplier of table column c and product s: c·S + s.
    pub(super) fd_mult: Vec<f64>,
    /// Capacity scale per table industry.
    pub(super) cap_scale: Vec<f64>,
    /// China's final demand asked, by named piece ([`crate::contrib`]).
    pub(super) pieces: Levels,
    /// Final demand the exchange rate moves between origins (table
    /// industry, table column, amount; [`super::fx`]).
    pub(super) fx_add: super::fx::FxMoves,
}

/// The macro blocks as the engine's hook.
pub(super) struct Driver<'a> {
    pub(super) econ: &'a Economy,
    pub(super) scn: &'a Scenario,
    pub(super) p: &'a Params,
    pub(super) b: &'a Bound,
    pub(super) sp: &'a Split,
    pub(super) pl: &'a Plan,
    pub(super) kappa: f64,
    pub(super) lp: localgov::LocalParams,
    /// Potential Y* and the other regions' trends, tabulated over the
    /// run's quarters (read several hundred times a quarter).
    pub(super) pot: GrowthIndex,
    pub(super) trends: Vec<GrowthIndex>,
    pub(super) labour_share: Vec<f64>,
    pub(super) gdp0_china: f64,
    pub(super) w0: f64,
    pub(super) ref_growth: f64,
    pub(super) ls_state: localgov::LocalState,
    pub(super) w_lag: f64,
    pub(super) ngdp_lag: f64,
    pub(super) decided: Vec<Decided>,
    /// (labour income, nominal GDP) of China per step.
    pub(super) income: Vec<(f64, f64)>,
    /// Inventory clamped at zero per step (world).
    pub(super) clamped: Vec<f64>,
    /// The controls' price channel (None when no restriction reaches China).
    pub(super) prices: Option<std::sync::Arc<PriceChannel>>,
    /// Table (product, origin, destination) of each engine restriction.
    pub(super) restr_keys: Vec<(usize, usize, usize)>,
    /// The engine's reroutings and anticipations, and per step what they
    /// did ([`super::trade`]).
    pub(super) trade_keys: super::trade::TradeKeys,
    pub(super) trade: Vec<super::trade::StepTrade>,
    /// Substitutes' premium π per product (technology layer).
    pub(super) premium: Vec<f64>,
    pub(super) cparams: ControlsParams,
    /// Per step: China's final buyers' price level P and the import-price
    /// index of its restricted products (1 = no control bites).
    pub(super) price_level: Vec<f64>,
    pub(super) import_price: Vec<f64>,
    /// The price block ([`crate::blocks::prices`]).
    pub(super) price_block: std::sync::Arc<PriceBlock>,
    pub(super) price_params: PriceParams,
    /// Per step: value-added price levels and the deflator.
    pub(super) va_prices: Vec<ValueAdded>,
    /// Per step: China's output gap, % of potential.
    pub(super) gap: Vec<f64>,
    /// Per step: the goods gap u (industrial utilisation) and the capacity
    /// overhang o, %.
    pub(super) goods_gap: Vec<f64>,
    pub(super) capacity: Vec<f64>,
    /// 100 ln(U/(U⁰Y*)) at 2022Q4 (the goods gap's reference).
    pub(super) upstream_offset: f64,
    /// Per step: the price block's levels.
    pub(super) price_levels: Vec<PriceLevels>,
    /// The special-bond quota's share of GDP in its last year, %.
    pub(super) quota_share: f64,
    /// Ultra-long bond money issued and not yet spent (K), central debt.
    pub(super) bond_stock: f64,
    pub(super) central_debt: f64,
    /// Household demand for industrial goods, normalised (consumer
    /// trade-ins are spent like it).
    pub(super) durables: Vec<f64>,
    /// ln(Y/Y*) at 2022Q4, × 100 (the gap's reference).
    pub(super) gap_offset: f64,
    /// The controls' prices of China's sectors in the last step.
    pub(super) controls_p: Option<Vec<f64>>,
    /// Per step: the manufacturing-investment index M_t
    /// ([`manufacturing`]).
    pub(super) mfg: Vec<f64>,
    pub(super) mfg_params: manufacturing::ManufacturingParams,
    /// Per step: the money block's quarter ([`money`]).
    pub(super) money: Vec<MoneyQuarter>,
    pub(super) money_params: money::MoneyParams,
    /// Per step: the credit channel to property ([`propcredit`]), and its
    /// reference drivers (2024Q2).
    pub(super) pc: Vec<super::propcredit::PropCreditQuarter>,
    pub(super) pc_params: propcredit::PropCreditParams,
    pub(super) pc_ref: Option<propcredit::Drivers>,
    /// Per step: the log exchange rate z ([`fx`]; 0 to 2024Q2).
    pub(super) fx_z: Vec<f64>,
    pub(super) fx_params: fx::FxParams,
    pub(super) fx_flows: FxFlows,
    /// The rate's level at z = 0 (`yuan_per_usd`).
    pub(super) yuan_per_usd: f64,
}

/// A scenario lever by year that acts from its first year and after the
/// observed quarters (as `[money] lpr_cut_pp` does).
pub(super) fn lever(path: &GrowthPath, t: Quarter) -> f64 {
    match path.by_year.keys().next() {
        Some(first) if t > money::last_observed() && t.year() >= *first => path.rate(t.year()),
        _ => 0.0,
    }
}

/// One quarter of the money block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MoneyQuarter {
    /// The rule's rate i^R (observed LPR up to 2024Q2), %.
    pub(crate) rule: f64,
    /// The 1-year LPR, %.
    pub(crate) lpr: f64,
    /// LPR less last quarter's deflator inflation y/y, %.
    pub(crate) real: f64,
    /// Manufacturing medium- and long-term loans, y/y %.
    pub(crate) credit: f64,
}

impl Driver<'_> {
    /// Reference nominal GDP: potential output at the deflator `d`.
    pub(super) fn gdp_ref(&self, t: Quarter, d: f64) -> f64 {
        self.gdp0_china * self.pot.index(t) / self.kappa * d
    }

    /// The deflator of step k (value-added prices from the gaps of k − 1).
    fn deflate(&mut self, k: usize) -> f64 {
        if let Some(v) = self.va_prices.get(k) {
            return v.deflator;
        }
        let t = self.pl.t[k];
        let lagged = |v: &[f64]| {
            k.checked_sub(1)
                .and_then(|j| v.get(j).copied())
                .unwrap_or(self.price_params.gap_2022)
        };
        let (gap_lag, goods_lag) = (lagged(&self.gap), lagged(&self.goods_gap));
        let z = self.fx(k);
        let va = match self.va_prices.last() {
            Some(last) if k > 0 => self.price_block.step(
                &self.price_params,
                last,
                gap_lag,
                goods_lag,
                self.scn.import_prices.index(t) * fx::import_price_factor(&self.fx_params, z),
            ),
            _ => self.price_block.start(&self.price_params),
        };
        let d = va.deflator;
        self.va_prices.push(va);
        d
    }

    /// Deflator inflation y/y of step j, %, if the run has a year of
    /// prices by then.
    fn deflator_yoy(&self, j: usize) -> Option<f64> {
        let now = self.va_prices.get(j)?.deflator;
        let then = self.va_prices.get(j.checked_sub(4)?)?.deflator;
        (then > 0.0).then(|| 100.0 * (now / then - 1.0))
    }

    /// The money block of step k ([`money`]): the LPR, the real rate and
    /// manufacturing credit growth. Needs the deflator of step k − 1.
    pub(super) fn money(&mut self, k: usize) -> MoneyQuarter {
        if let Some(q) = self.money.get(k) {
            return *q;
        }
        let t = self.pl.t[k];
        let mp = self.money_params;
        let infl = k
            .checked_sub(1)
            .and_then(|j| self.deflator_yoy(j))
            .unwrap_or(self.p.gdp_deflator_growth);
        let gap = k
            .checked_sub(1)
            .and_then(|j| self.gap.get(j).copied())
            .unwrap_or(self.price_params.gap_2022);
        let last = self.money.last().copied();
        let rule = match (money::observed(t), last) {
            (Some(i), _) => i,
            (None, Some(q)) => money::rule_step(&mp, q.rule, infl, gap),
            (None, None) => money::OBSERVED_LPR[money::OBSERVED_LPR.len() - 1],
        };
        let cuts = &self.scn.lpr_cut.by_year;
        let cut = match cuts.keys().next() {
            Some(first) if t > money::last_observed() && t.year() >= *first => {
                self.scn.lpr_cut.rate(t.year())
            }
            _ => 0.0,
        };
        let lpr = money::lpr(&mp, rule, cut);
        let real = money::real_rate(lpr, infl);
        let credit_data = &self.scn.manufacturing_credit;
        let last_year = credit_data.by_year.keys().next_back().copied();
        let credit = match (last_year, last) {
            (Some(y), Some(q)) if t.year() > y => {
                money::credit_step(&mp, q.credit, real, self.house_growth_before(k))
            }
            _ => credit_data.rate(t.year()),
        };
        let q = MoneyQuarter {
            rule,
            lpr,
            real,
            credit,
        };
        self.money.push(q);
        q
    }

    /// The log exchange rate z of step k ([`fx`]): 0 up to 2024Q2, then
    /// the managed move towards the target the LPR of step k and the
    /// scenario's levers set.
    fn fx(&mut self, k: usize) -> f64 {
        if let Some(z) = self.fx_z.get(k) {
            return *z;
        }
        let t = self.pl.t[k];
        let z = if t <= money::last_observed() {
            0.0
        } else {
            let lpr = self.money(k).lpr;
            let target = fx::target(
                &self.fx_params,
                lpr,
                lever(&self.scn.foreign_rate, t),
                lever(&self.scn.fx_managed, t),
            );
            fx::step(
                &self.fx_params,
                self.fx_z.last().copied().unwrap_or(0.0),
                target,
            )
        };
        self.fx_z.push(z);
        z
    }

    /// Credit growth the manufacturing block reads for `year`: the
    /// scenario's figure up to its last year, after it the mean of the
    /// money block's quarters.
    fn credit_for_year(&self, year: i32) -> f64 {
        let data = &self.scn.manufacturing_credit;
        match data.by_year.keys().next_back() {
            Some(y) if year > *y => {
                let qs: Vec<f64> = self
                    .pl
                    .t
                    .iter()
                    .zip(&self.money)
                    .filter(|(t, _)| t.year() == year)
                    .map(|(_, q)| q.credit)
                    .collect();
                if qs.is_empty() {
                    data.rate(year)
                } else {
                    qs.iter().sum::<f64>() / qs.len() as f64
                }
            }
            _ => data.rate(year),
        }
    }

    /// M_t of step k ([`manufacturing`]): credit a year earlier, last
    /// quarter's PPI inflation, the renewal programme.
    fn manufacturing(&mut self, k: usize) -> f64 {
        if let Some(m) = self.mfg.get(k) {
            return *m;
        }
        let t = self.pl.t[k];
        self.money(k);
        let m = if k == 0 {
            1.0
        } else {
            let credit = self.credit_for_year(Quarter(t.0 - 4).year());
            let ppi = match (self.price_levels.get(k - 1), k.checked_sub(5)) {
                (Some(now), Some(j)) if self.price_levels[j].ppi > 0.0 => {
                    100.0 * (now.ppi / self.price_levels[j].ppi - 1.0)
                }
                _ => manufacturing::PPI_2022,
            };
            let g: f64 = manufacturing::growth_terms(
                &self.mfg_params,
                credit,
                ppi,
                self.scn.equipment_renewal.rate(t.year()),
            )
            .iter()
            .sum();
            manufacturing::step(self.mfg.last().copied().unwrap_or(1.0), g)
        };
        self.mfg.push(m);
        m
    }

    fn china_labour_income(&self, x: &[f64]) -> f64 {
        let (ns, ch) = (self.econ.ns, self.b.china);
        (ch * ns..(ch + 1) * ns)
            .map(|j| self.econ.v[j] * x[j] * self.labour_share[j])
            .sum()
    }

    /// The blocks of quarter k, on the income and GDP of quarter k − 1.
    pub(super) fn decide(&mut self, k: usize) -> Decided {
        let (econ, scn, p, b, sp, pl) = (self.econ, self.scn, self.p, self.b, self.sp, self.pl);
        let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
        let ch = b.china;
        let t = pl.t[k];
        let pt = self.deflate(k);
        let m_t = self.manufacturing(k);
        // The residual index r_t multiplies the named trends: Y*_t for
        // households (trend income), government (the budget plan), local
        // infrastructure and other final demand, Y*_t M_t for
        // manufacturing investment.
        let r_t = pl.auto[k];
        let pot_t = self.pot.index(t);
        let a_t = pot_t * r_t;
        let kappa = self.kappa;
        // Households, with the common-prosperity transfer.
        let conf = scn.confidence.at(t, p.confidence_reference);
        let cp_share = scn.cp_transfer.at(t, 0.0);
        let transfer_nom = prosperity::transfer(cp_share, self.ngdp_lag);
        let transfer_real = transfer_nom * kappa / pt;
        let income_gap = self.w_lag - self.w0 * self.pot.index(Quarter(t.0 - 1));
        // House prices a quarter earlier: the scenario's path moved by the
        // credit channel's price departure ([`propcredit`]).
        let credit = self.prop_credit(k);
        let house_exo = scn.property_prices.index(Quarter(t.0 - 1));
        let house_prices = house_exo * propcredit::factor(self.house_departure_before(k));
        let c_t = households::consumption(&households::HouseholdInputs {
            base: sp.c0,
            trend: a_t,
            confidence: conf,
            confidence_reference: p.confidence_reference,
            elasticity: p.confidence_elasticity,
            mpc_labour: p.mpc_labour,
            mpc_owners: p.mpc_owners,
            income_gap,
            transfer: transfer_real,
            wealth_elasticity: p.housing_wealth_elasticity,
            house_prices,
        });
        // Property.
        // The scenario's paths are the exogenous part; the credit channel
        // moves sales and investment from them (and land sales with sales).
        let pi_exo = property::indices(&scn.property_investment, &scn.property_sales, t);
        let (fx_s, fx_i) = (
            propcredit::factor(credit.state.x),
            propcredit::factor(credit.state.y),
        );
        let pi = property::PropertyIndices {
            investment: pi_exo.investment * fx_i,
            sales: pi_exo.sales * fx_s,
        };
        let sales_rel = property::land_sales_relative_to_2023(&scn.property_sales, t) * fx_s;
        let volume = property::sales_yoy_index(&scn.property_sales, t) * fx_s;
        let sales_reported = super::propcredit::SalesReported {
            volume,
            value: volume
                * property::sales_yoy_index(&scn.property_prices, t)
                * propcredit::factor(credit.state.h),
        };
        // Local government.
        let mut swap_amt = 0.0;
        let mut swap_rate_w = 0.0;
        for s in scn.swaps.iter().filter(|s| s.start <= t && t <= s.end) {
            let a = s.amount / f64::from(s.end.0 - s.start.0 + 1);
            swap_amt += a;
            swap_rate_w += a * s.rate;
        }
        let gdp_ref = self.gdp_ref(t, pt);
        // The special-bond quota sets the planned local deficit from its
        // first year on ([`crate::blocks::budget`]).
        // After its last year the quota keeps its last share of GDP.
        let mut lp = self.lp;
        if let Some(q) = &scn.budget.special_bond_quota {
            let first = q.by_year.keys().next().copied().unwrap_or(i32::MAX);
            let last = q.by_year.keys().next_back().copied().unwrap_or(i32::MIN);
            if t.year() > last {
                lp.planned_deficit_pct = self.quota_share;
            } else if t.year() >= first && gdp_ref > 0.0 {
                lp.planned_deficit_pct = 100.0 * q.rate(t.year()) / (4.0 * gdp_ref);
                self.quota_share = lp.planned_deficit_pct;
            }
        }
        let lo = localgov::step(
            &lp,
            &mut self.ls_state,
            &localgov::LocalInputs {
                gdp_lag: self.ngdp_lag,
                gdp_ref,
                ref_growth: self.ref_growth,
                price: pt,
                sales_rel,
                extra_transfers_pct: scn.extra_transfers.at(t, 0.0),
                swap: (swap_amt > 0.0).then(|| (swap_amt, swap_rate_w / swap_amt)),
                track_debt: t >= DEBT_FROM,
            },
        );
        let e_ref = localgov::reference_spending(&self.lp, p.gdp_2023, gdp_ref);
        let de_real = (lo.spending - e_ref) * kappa / pt;
        // The consolidated budget.
        let issued = scn.budget.ultra_long_bonds.rate(t.year()) / 4.0;
        let spent = budget::disburse(&mut self.bond_stock, issued, p.bond_spending_rate);
        let bo = budget::step(
            &budget::BudgetParams {
                deficit_2024: p.official_deficit_2024,
                ul_infrastructure: p.ultra_long_to_infrastructure,
                ul_equipment: p.ultra_long_to_equipment,
            },
            &mut self.central_debt,
            &budget::BudgetInputs {
                deficit_pct: scn.budget.official_deficit.rate(t.year()),
                ultra_long_issued: issued,
                ultra_long_spent: spent,
                gdp_ref,
                backstop: lo.backstop,
                local_deficit: lo.deficit,
                local_debt: lo.debt,
            },
            t >= DEBT_FROM,
        );
        let real = |v: f64| v * kappa / pt;
        let (b_gov, b_infra, b_equip, b_cons) = (
            real(bo.consumption),
            real(bo.ul_infrastructure),
            real(bo.ul_equipment),
            real(bo.ul_consumer),
        );
        let fdi_real = pl.fdi_real[k];
        // Final demand, as multipliers of Y⁰ per column and product.
        let mut fd_mult = vec![1.0; nr * nf * ns];
        let mut col = vec![0.0; n];
        for c in 0..nr * nf {
            let rc = c / nf;
            let base = &econ.y0[c * n..(c + 1) * n];
            let uniform = if rc != ch {
                Some(self.trends[rc].index(t))
            } else if c != sp.hcol && c != sp.gcol && c != sp.kcol {
                Some(a_t)
            } else {
                None
            };
            if let Some(f) = uniform {
                fd_mult[c * ns..(c + 1) * ns]
                    .iter_mut()
                    .for_each(|m| *m = f);
                continue;
            }
            if c == sp.hcol {
                let f = if sp.c0 > 0.0 { c_t / sp.c0 } else { 0.0 };
                for i in 0..n {
                    col[i] =
                        (sp.rest_h[i] * f + sp.sales_h[i] * pi.sales + b_cons * self.durables[i])
                            .max(0.0);
                }
            } else if c == sp.gcol {
                let f = if sp.g0 > 0.0 {
                    (p.local_spending_to_consumption * de_real + b_gov) / sp.g0
                } else {
                    0.0
                };
                for i in 0..n {
                    col[i] = (base[i] * (a_t + f)).max(0.0);
                }
            } else {
                let fi = if sp.infra0 > 0.0 {
                    a_t + ((1.0 - p.local_spending_to_consumption) * de_real + b_infra) / sp.infra0
                } else {
                    a_t
                };
                for i in 0..n {
                    col[i] = sp.rest_k[i] * a_t * m_t
                        + sp.prop[i] * pi.investment
                        + sp.infra[i] * fi
                        + sp.sales_k[i] * pi.sales
                        + fdi_real * sp.fdi_dist[i];
                }
                for g in 0..nr {
                    col[g * ns + b.equipment] += b_equip * sp.src[b.equipment * nr + g];
                }
                for (pi_, prog) in b.programmes.iter().enumerate() {
                    let spend = pl.sr_real[pi_][k];
                    for &(s, share) in &prog.spending {
                        for g in 0..nr {
                            col[g * ns + s] += spend * share * sp.src[s * nr + g];
                        }
                    }
                }
                for v in col.iter_mut() {
                    *v = v.max(0.0);
                }
            }
            for s in 0..ns {
                let (mut got, mut was) = (0.0, 0.0);
                for g in 0..nr {
                    got += col[g * ns + s];
                    was += base[g * ns + s];
                }
                fd_mult[c * ns + s] = if was > 0.0 { got / was } else { 1.0 };
            }
        }
        // Capacity: China's grows with potential, and with demand where
        // the residual or manufacturing investment carry it above
        // potential (the share of manufacturing investment in China's
        // final demand times its index), so that capacity binds only where
        // a block or a restriction makes it bind.
        let fd_china: f64 = (ch * nf..(ch + 1) * nf)
            .map(|c| econ.y0[c * n..(c + 1) * n].iter().sum::<f64>())
            .sum();
        let w_m = if fd_china > 0.0 {
            sp.rest_k.iter().sum::<f64>() / fd_china
        } else {
            0.0
        };
        let demand_idx = r_t.max(1.0) * (1.0 + w_m * (m_t - 1.0)).max(1.0);
        let cap_scale = (0..n)
            .map(|i| {
                let (r, s) = (i / ns, i % ns);
                let idx = if r == ch {
                    pot_t * demand_idx
                } else {
                    self.trends[r].index(t)
                };
                let mut cap = econ.x0[i] * (1.0 + p.capacity_headroom) * idx;
                if r == ch {
                    cap = (cap + pl.sr_cap[k][s] + pl.fdi_cap[k][s]).max(0.0);
                }
                if econ.x0[i] > 0.0 {
                    cap / econ.x0[i]
                } else {
                    (1.0 + p.capacity_headroom) * idx
                }
            })
            .collect();
        let mut pieces: Levels = [0.0; crate::contrib::NP];
        let conf_factor = 1.0
            + p.confidence_elasticity * (conf - p.confidence_reference) / p.confidence_reference;
        let gamma = p.local_spending_to_consumption;
        pieces[Piece::ConsTrend as usize] = sp.c0 * pot_t;
        pieces[Piece::ResidualHouseholds as usize] = sp.c0 * pot_t * (r_t - 1.0);
        pieces[Piece::ConsConfidence as usize] = sp.c0 * a_t * (conf_factor - 1.0);
        let wealth =
            |h: f64| sp.c0 * a_t * households::housing_wealth(p.housing_wealth_elasticity, h);
        pieces[Piece::ConsHousingWealth as usize] = wealth(house_exo);
        pieces[Piece::ConsIncome as usize] = p.mpc_labour * income_gap;
        pieces[Piece::ConsTransfer as usize] = (p.mpc_labour - p.mpc_owners) * transfer_real;
        let (sales_h, sales_k, prop): (f64, f64, f64) = (
            sp.sales_h.iter().sum(),
            sp.sales_k.iter().sum(),
            sp.prop.iter().sum(),
        );
        pieces[Piece::ConsProperty as usize] = sales_h * pi_exo.sales;
        // The credit channel's part: its sales, and the housing wealth of
        // its price departure.
        pieces[Piece::ConsPropertyCredit as usize] =
            sales_h * (pi.sales - pi_exo.sales) + (wealth(house_prices) - wealth(house_exo));
        pieces[Piece::GovTrend as usize] = sp.g0 * pot_t;
        pieces[Piece::ResidualGovernment as usize] = sp.g0 * pot_t * (r_t - 1.0);
        pieces[Piece::GovLocal as usize] = gamma * de_real;
        pieces[Piece::InvProperty as usize] = prop * pi_exo.investment + sales_k * pi_exo.sales;
        pieces[Piece::InvPropertyCredit as usize] =
            prop * (pi.investment - pi_exo.investment) + sales_k * (pi.sales - pi_exo.sales);
        pieces[Piece::InvInfraTrend as usize] = sp.infra0 * pot_t;
        pieces[Piece::ResidualInfra as usize] = sp.infra0 * pot_t * (r_t - 1.0);
        pieces[Piece::InvInfraLocal as usize] = (1.0 - gamma) * de_real;
        let rest_k: f64 = sp.rest_k.iter().sum();
        pieces[Piece::InvOther as usize] = rest_k * pot_t * m_t;
        pieces[Piece::ResidualManufacturing as usize] = rest_k * pot_t * m_t * (r_t - 1.0);
        pieces[Piece::InvFdi as usize] = fdi_real * sp.fdi_dist.iter().sum::<f64>();
        pieces[Piece::InvSelfReliance as usize] = b
            .programmes
            .iter()
            .enumerate()
            .map(|(pi_, prog)| {
                pl.sr_real[pi_][k] * prog.spending.iter().map(|(_, sh)| sh).sum::<f64>()
            })
            .sum();
        pieces[Piece::InvInfraBonds as usize] = b_infra;
        pieces[Piece::InvEquipmentRenewal as usize] = b_equip;
        pieces[Piece::ConsTradeIn as usize] = b_cons;
        pieces[Piece::GovBudget as usize] = b_gov;
        let other: f64 = (0..nf)
            .map(|f| ch * nf + f)
            .filter(|&c| c != sp.hcol && c != sp.gcol && c != sp.kcol)
            .map(|c| econ.y0[c * n..(c + 1) * n].iter().sum::<f64>())
            .sum();
        pieces[Piece::OtherFinal as usize] = other * pot_t;
        pieces[Piece::ResidualOther as usize] = other * pot_t * (r_t - 1.0);
        Decided {
            pieces,
            confidence: conf,
            property: pi,
            credit,
            sales_reported,
            local: lo,
            budget: bo,
            cp_transfer: transfer_nom,
            fd_mult,
            cap_scale,
            fx_add: Default::default(),
        }
    }

    pub(super) fn apply(&self, d: &Decided, controls: &mut Controls) {
        let map = &self.econ.map;
        let (ns, nr, nf) = (self.econ.ns, self.econ.nr, self.econ.nf);
        for r in 0..nr {
            for f in 0..nf {
                for s in 0..ns {
                    controls.final_demand_scale[map.fd_control(r, f, s)] =
                        d.fd_mult[(r * nf + f) * ns + s];
                }
            }
        }
        for (i, &k) in map.industry.iter().enumerate() {
            controls.capacity_scale[k] = d.cap_scale[i];
        }
    }
}

impl Hook for Driver<'_> {
    fn after_step(&mut self, view: &StateView<'_>, controls: &mut Controls) {
        let k = view.step;
        let x = self.econ.map.to_table(view.production);
        let ch = self.b.china;
        let ns = self.econ.ns;
        let gdp: f64 = (ch * ns..(ch + 1) * ns)
            .map(|j| self.econ.v[j] * x[j])
            .sum();
        let w_t = self.china_labour_income(&x);
        let d = self.va_prices.get(k).map_or(1.0, |v| v.deflator);
        let ngdp = gdp / self.kappa * d;
        let t = self.pl.t[k];
        // The gap moves with growth against potential from 2022Q4 on, from
        // `output_gap_2022` then (the burn-in year's growth is not fitted).
        let rel = 100.0 * (gdp / (self.gdp0_china * self.pot.index(t))).ln();
        // The goods gap: industry's exposure-weighted output against
        // potential, less the capital built above trend (blocks/prices.rs).
        let rel_u = self.price_block.upstream_log(&x[ch * ns..(ch + 1) * ns])
            - 100.0 * self.pot.index(t).ln();
        if t <= GAP_FROM {
            self.gap_offset = rel;
            self.upstream_offset = rel_u;
        }
        let gap_2022 = self.price_params.gap_2022;
        self.gap.push(gap_2022 + rel - self.gap_offset);
        let m_at = |j: Option<usize>| j.and_then(|j| self.mfg.get(j).copied()).unwrap_or(1.0);
        let cap = overhang_step(
            self.price_params.turnover,
            self.price_params.absorption,
            self.capacity.last().copied().unwrap_or(0.0),
            m_at(Some(k)) / m_at(k.checked_sub(4)),
        );
        self.capacity.push(cap);
        self.goods_gap
            .push(gap_2022 + rel_u - self.upstream_offset - cap);
        self.income.push((w_t, ngdp));
        self.clamped.push(view.balance.inventory_clamped);
        self.w_lag = w_t;
        self.ngdp_lag = ngdp;
        let st = super::trade::record(&self.trade_keys, view, &self.restr_keys, ch);
        let level = self.controls_prices(view, &st);
        self.trade.push(st);
        let z = self.fx(k);
        let fx_factor = fx::import_price_factor(&self.fx_params, z);
        let va = match self.va_prices.get(k) {
            Some(v) => v.clone(),
            None => self
                .price_block
                .uniform(1.0, 1.0, self.p.gdp_deflator_growth),
        };
        let lv = self.price_block.levels(
            &va,
            self.scn.import_prices.index(t) * fx_factor,
            self.controls_p.as_deref(),
        );
        self.price_levels.push(lv);
        if k + 1 < self.pl.t.len() {
            let mut d = self.decide(k + 1);
            // China's real final demand falls with its price level.
            let m = real_demand_scale(level, self.cparams.demand_price_elasticity);
            let (ns, nf) = (self.econ.ns, self.econ.nf);
            for c in ch * nf..(ch + 1) * nf {
                for v in &mut d.fd_mult[c * ns..(c + 1) * ns] {
                    *v *= m;
                }
            }
            // The exchange rate of this quarter switches next quarter's
            // demand between origins.
            let t1 = self.pl.t[k + 1];
            let a1 = self.pot.index(t1) * self.pl.auto[k + 1];
            let (adds, gain) = super::fx::switch(
                self.econ,
                &self.fx_flows,
                &self.fx_params,
                ch,
                self.fx_z[k],
                &d.fd_mult,
                |r| {
                    if r == ch {
                        a1
                    } else {
                        self.trends[r].index(t1)
                    }
                },
            );
            d.pieces[crate::contrib::Piece::NetExportsFx as usize] = gain;
            d.fx_add = adds;
            self.apply(&d, controls);
            super::trade::apply_final_demand(
                self.econ,
                self.pl,
                k + 1,
                (&d.fx_add, &d.fd_mult, ch),
                controls,
            );
            self.decided.push(d);
        }
    }
}
