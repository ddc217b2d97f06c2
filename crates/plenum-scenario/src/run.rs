//! The quarterly run of one scenario on the dynamic engine (plenum-sim's
//! extended mode, quarterly steps; see [`crate::engine`]): the macro
//! blocks act through the engine's hook, every quarter from 2022Q1
//! (burn-in) to the scenario's end, recorded from 2023Q1.
//!
//! Before the run, everything the blocks set that does not depend on the
//! economy's state is laid out as paths: programme spending and capacity,
//! FDI and its capacity, and the trade restrictions (export controls, and
//! programme capacity displacing imports) with their phase-in and their
//! substitutability per quarter. During the run, after each step the hook
//! reads output by industry (value added and labour income follow), runs
//! the households, common-prosperity and local-government blocks on the
//! lagged income and nominal GDP, and sets the next quarter's final-demand
//! scales (per destination region × category × product) and capacity
//! scales (per industry) through `Controls`.
//!
//! Conversions. Flows of the model are real, in table units per quarter,
//! at 2023 prices. The table's China is carried to 2023 with the official
//! real growth (5.2%) and matched to 2023 nominal GDP (126.06 tn yuan), so
//! κ = 4 GDP⁰_CHN (1 + g₂₀₂₃) / 126.06 table units are one tn yuan; the
//! price level P_t = (1 + π)^((t − 2023.5)) (π `gdp_deflator_growth`)
//! turns real flows into nominal ones for the fiscal blocks.
//!
//! Final demand of quarter t (columns of Y, from Y⁰/4):
//! - other regions: Y⁰ scaled by their trend index (`world.trend_growth`);
//! - China, households: (Y⁰_h − sales part) C_t/C⁰ + sales part · S_t
//!   ([`crate::blocks::households`], [`crate::blocks::property`]);
//! - China, government: Y⁰_g a_t + γ ΔE_t Y⁰_g/G⁰, ΔE_t the deviation of
//!   local spending from its reference ([`crate::blocks::localgov`]);
//! - China, investment: other investment · a_t + property · I_t +
//!   infrastructure · (a_t + (1 − γ) ΔE_t/Infra⁰) + sales part · S_t +
//!   FDI demand + programme spending ([`crate::blocks::fdi`],
//!   [`crate::blocks::selfreliance`]);
//! - China, other categories: Y⁰ a_t.
//!
//! Here a_t is the index of China's autonomous demand growth (calibrated).
//! Entries are kept at or above zero. Every block's change is the same
//! multiple of Y⁰ for all origins of a product, so it is one final-demand
//! scale per (destination region, category, product).
//!
//! Capacity: x̄_t = x⁰ (1 + h) c_r(t) + programme and FDI capacity (the
//! engine's capacity scale; the engine multiplies it by its overproduction
//! α, which rises above 1 where demand exceeds capacity), with
//! c_r the region's trend index (China: the larger of the potential and the
//! autonomous index, so that capacity binds only where a block or a
//! restriction makes it bind) and h the headroom.
//!
//! China's autonomous demand grows at the calibrated rates (one for
//! 2022-2023, one for 2024) and converges linearly to potential growth by
//! `autonomous_convergence_year` ([`autonomous_path`]): the calibration
//! pins 2023-2024, not the long run.
//!
//! The run starts in 2022Q1 (the table's year) and records from 2023Q1:
//! the four quarters of 2022 let the lagged terms (labour income, smoothed
//! revenue) settle.

use plenum_sim::{Controls, ExtendedSpec, Hook, Path, Rationing, StateView, TradeRestriction};

use crate::bind::{bind, Bound};
use crate::blocks::{controls, fdi, households, localgov, property, prosperity, selfreliance};
use crate::economy::Economy;
use crate::engine::{self, sim_error, ActiveRestriction, Quarterly, DT};
use crate::error::Result;
use crate::params::Params;
use crate::results::{Recorder, ScenarioRun};
use crate::schema::{Scenario, START};
use crate::time::{GrowthPath, Quarter};

/// The first quarter of tracked local debt.
pub const DEBT_FROM: Quarter = Quarter(8);
/// The run starts here, four quarters before the first recorded quarter,
/// so that the lagged income and revenue terms settle before 2023.
pub const BURN_IN: Quarter = Quarter(0);

/// Quarters of steady growth the engine runs before [`BURN_IN`] (see
/// `plenum_sim::growth`): with inventory targets smoothed over two years
/// the start-up transient decays by a factor of about 0.86 a quarter, so
/// after 32 quarters less than 1 % of it is left.
pub const WARM_UP_QUARTERS: usize = 32;

/// The quarter of the calibrated level shift of autonomous demand (NBS:
/// 2024Q2 grew 0.7% q/q after 1.5% in Q1).
pub const SHIFT_QUARTER: Quarter = Quarter(9);

/// China's autonomous demand: growth `g` (calibrated) through 2024, then
/// linear to potential growth by `convergence_year`, potential after; its
/// level shifted by `shift` per cent (calibrated) from 2024Q2 on.
pub fn autonomous_path(g: f64, shift: f64, potential: f64, convergence_year: f64) -> GrowthPath {
    let end = convergence_year.round() as i32;
    let mut by_year = std::collections::BTreeMap::new();
    for y in crate::time::BASE_YEAR..=2024 {
        by_year.insert(y, g);
    }
    for y in 2025..=end {
        let w = f64::from(y - 2024) / f64::from((end - 2024).max(1));
        by_year.insert(y, g + (potential - g) * w);
    }
    by_year.insert(end.max(2025), potential);
    GrowthPath {
        by_year,
        level_shift: Some((SHIFT_QUARTER, shift)),
    }
}

/// China's baseline final demand split into the parts the blocks move.
struct Split {
    hcol: usize,
    gcol: usize,
    kcol: usize,
    rest_h: Vec<f64>,
    sales_h: Vec<f64>,
    rest_k: Vec<f64>,
    prop: Vec<f64>,
    infra: Vec<f64>,
    sales_k: Vec<f64>,
    c0: f64,
    g0: f64,
    infra0: f64,
    /// Other investment, normalised (distribution of FDI demand).
    fdi_dist: Vec<f64>,
    /// Sourcing of investment demand for each product: (s, region) share.
    src: Vec<f64>,
}

fn split(econ: &Economy, b: &Bound, p: &Params) -> Split {
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let hcol = b.china * nf + b.households;
    let gcol = b.china * nf + b.government;
    let kcol = b.china * nf + b.investment;
    let col = |c: usize| econ.y0[c * n..(c + 1) * n].to_vec();
    let yh = col(hcol);
    let yk = col(kcol);
    let mut s = Split {
        hcol,
        gcol,
        kcol,
        rest_h: yh.clone(),
        sales_h: vec![0.0; n],
        rest_k: yk.clone(),
        prop: vec![0.0; n],
        infra: vec![0.0; n],
        sales_k: vec![0.0; n],
        c0: 0.0,
        g0: col(gcol).iter().sum(),
        infra0: 0.0,
        fdi_dist: vec![0.0; n],
        src: vec![0.0; ns * nr],
    };
    for i in 0..n {
        let sec = i % ns;
        if sec == b.construction {
            s.prop[i] = p.property_share_of_construction_investment * yk[i];
            s.infra[i] = p.infrastructure_share_of_construction_investment * yk[i];
        }
        if sec == b.real_estate {
            s.sales_k[i] = p.sales_share_of_real_estate_demand * yk[i];
            s.sales_h[i] = p.sales_share_of_real_estate_demand * yh[i];
        }
        s.rest_k[i] = yk[i] - s.prop[i] - s.infra[i] - s.sales_k[i];
        s.rest_h[i] = yh[i] - s.sales_h[i];
    }
    s.c0 = s.rest_h.iter().sum();
    s.infra0 = s.infra.iter().sum();
    let rk: f64 = s.rest_k.iter().sum();
    if rk > 0.0 {
        s.fdi_dist = s.rest_k.iter().map(|v| v / rk).collect();
    } else {
        s.fdi_dist[b.china * ns + b.equipment] = 1.0;
    }
    for sec in 0..ns {
        let tot: f64 = (0..nr).map(|g| yk[g * ns + sec]).sum();
        for g in 0..nr {
            s.src[sec * nr + g] = if tot > 0.0 {
                yk[g * ns + sec] / tot
            } else if g == b.china {
                1.0
            } else {
                0.0
            };
        }
    }
    s
}

/// The paths fixed before the run, per simulated quarter k (one more than
/// the run records: the engine steps once past the end so that the last
/// quarter's closing inventories are known).
struct Plan {
    t: Vec<Quarter>,
    price: Vec<f64>,
    auto: Vec<f64>,
    fdi: Vec<f64>,
    fdi_real: Vec<f64>,
    sr_spend_bn: Vec<f64>,
    /// Real programme spending per programme and quarter.
    sr_real: Vec<Vec<f64>>,
    /// Programme capacity per sector (China), per quarter.
    sr_cap: Vec<Vec<f64>>,
    /// FDI capacity per sector (China) and its total, per quarter.
    fdi_cap: Vec<Vec<f64>>,
    fdi_cap_total: Vec<f64>,
    /// Per quarter: the restrictions as the accounts see them (one per
    /// flow, a measure limited to some users counted by the share of the
    /// flow they buy)…
    restrictions: Vec<Vec<ActiveRestriction>>,
    /// …and as the engine applies them (a measure limited to some users
    /// restricts those users' orders only).
    engine: Vec<Vec<EngineRestriction>>,
}

/// Key of an engine restriction: product, origin, destination and the
/// user sectors it is limited to (empty: every buyer, final ones included).
type EngineKey = (usize, usize, usize, Vec<usize>);

/// One engine restriction in one quarter (table indices).
#[derive(Debug, Clone, PartialEq)]
struct EngineRestriction {
    key: EngineKey,
    share: f64,
    substitutability: f64,
}

/// Measures on one flow compound: φ = 1 − Π(1 − φ_m), σ the
/// blocked-weighted mean.
fn compound(v: &[(f64, f64)]) -> (f64, f64) {
    let mut left = 1.0;
    let mut sig = 0.0;
    for (phi, sigma) in v {
        sig += sigma * phi * left;
        left *= 1.0 - phi;
    }
    let share = 1.0 - left;
    (share, if share > 0.0 { sig / share } else { 0.0 })
}

/// Share of the flow of product s from origin g to destination d that a
/// measure limited to some user sectors covers (1 without `users`).
fn users_share(econ: &Economy, s: usize, g: usize, d: usize, users: &Option<Vec<bool>>) -> f64 {
    let Some(u) = users else { return 1.0 };
    let (n, ns, nf) = (econ.n, econ.ns, econ.nf);
    let i = g * ns + s;
    let mut all: f64 = (d * nf..(d + 1) * nf).map(|c| econ.y0[c * n + i]).sum();
    let mut hit = 0.0;
    for b in 0..ns {
        let j = d * ns + b;
        let f = econ.a[i * n + j] * econ.x0[j];
        all += f;
        if u[b] {
            hit += f;
        }
    }
    if all > 0.0 {
        hit / all
    } else {
        0.0
    }
}

#[allow(clippy::too_many_arguments)]
fn plan(
    econ: &Economy,
    scn: &Scenario,
    p: &Params,
    b: &Bound,
    kappa: f64,
    auto: &GrowthPath,
    imports0: &[f64],
    quarters: &[Quarter],
) -> Plan {
    let (ns, nr) = (econ.ns, econ.nr);
    let ch = b.china;
    let mut pl = Plan {
        t: quarters.to_vec(),
        price: Vec::new(),
        auto: Vec::new(),
        fdi: Vec::new(),
        fdi_real: Vec::new(),
        sr_spend_bn: Vec::new(),
        sr_real: vec![Vec::new(); scn.programmes.len()],
        sr_cap: Vec::new(),
        fdi_cap: Vec::new(),
        fdi_cap_total: Vec::new(),
        restrictions: Vec::new(),
        engine: Vec::new(),
    };
    for (k, &t) in quarters.iter().enumerate() {
        let pt = price(p, t);
        let a_t = auto.index(t);
        pl.price.push(pt);
        pl.auto.push(a_t);
        let f_t = fdi::inflow(
            p.fdi_2023,
            scn.fdi_openness.at(t, 0.0),
            scn.fdi_risk.at(t, 0.0),
            p.fdi_openness_semi_elasticity,
            p.fdi_risk_semi_elasticity,
        );
        pl.fdi.push(f_t);
        pl.fdi_real
            .push((f_t - p.fdi_2023) / 4.0 * p.yuan_per_usd / 1000.0 * kappa / pt);
        let mut spend_bn = 0.0;
        let mut sr_cap = vec![0.0; ns];
        for (pi_, prog) in scn.programmes.iter().enumerate() {
            let bn = selfreliance::spending(prog.amount, prog.start, prog.end, t);
            spend_bn += bn;
            pl.sr_real[pi_].push(bn / 1000.0 * kappa / pt);
            sr_cap[b.programmes[pi_].target] += selfreliance::capacity(
                &pl.sr_real[pi_],
                k,
                prog.lag,
                prog.capital_output_ratio,
                prog.technology_yield,
            );
        }
        pl.sr_spend_bn.push(spend_bn);
        let mut fcap = vec![0.0; ns];
        let mut ftot = 0.0;
        for &(s, share) in &b.fdi_targeted {
            let add = share
                * fdi::capacity(
                    &pl.fdi_real,
                    k,
                    p.fdi_capacity_lag.round() as usize,
                    p.fdi_capital_output_ratio,
                );
            fcap[s] += add;
            ftot += add;
        }
        pl.fdi_cap.push(fcap);
        pl.fdi_cap_total.push(ftot);
        // Restrictions, with substitutability raised by programme capacity.
        let shares: Vec<f64> = b
            .measures
            .iter()
            .map(|m| scn.measures[m.measure].share_at(t))
            .collect();
        let mut blocked_by_product = vec![0.0; ns];
        for (m, sh) in b.measures.iter().zip(&shares) {
            if m.to[ch] {
                blocked_by_product[m.product] += sh * m.base_flow * a_t;
            }
        }
        // (product, origin, destination) -> (φ, σ) of each measure on it,
        // for the accounts, and the same per user set for the engine.
        let mut parts: std::collections::BTreeMap<(usize, usize, usize), Vec<(f64, f64)>> =
            std::collections::BTreeMap::new();
        let mut eparts: std::collections::BTreeMap<EngineKey, Vec<(f64, f64)>> =
            std::collections::BTreeMap::new();
        for (m, &share) in b.measures.iter().zip(&shares) {
            if share <= 0.0 {
                continue;
            }
            let sigma = scn.measures[m.measure].substitutability;
            let blocked = share * m.base_flow * a_t;
            let sub = if m.to[ch] && blocked_by_product[m.product] > 0.0 {
                let built = sr_cap[m.product] * blocked / blocked_by_product[m.product];
                controls::effective_substitutability(sigma, built, blocked)
            } else {
                sigma
            };
            let users: Vec<usize> = m
                .users
                .as_ref()
                .map_or(Vec::new(), |u| (0..ns).filter(|&s| u[s]).collect());
            for d in (0..nr).filter(|&d| m.to[d]) {
                for g in (0..nr).filter(|&g| m.from[g] && g != d) {
                    let phi = share * users_share(econ, m.product, g, d, &m.users);
                    if phi > 0.0 {
                        parts.entry((m.product, g, d)).or_default().push((phi, sub));
                        eparts
                            .entry((m.product, g, d, users.clone()))
                            .or_default()
                            .push((share, sub));
                    }
                }
            }
        }
        // Programme capacity beyond what replaces blocked flows displaces
        // imports of the target product (fully substitutable).
        for sec in 0..ns {
            let rem = sr_cap[sec] - blocked_by_product[sec];
            let imp = imports0[sec] * a_t;
            if rem > 0.0 && imp > 0.0 {
                for g in (0..nr).filter(|&g| g != ch) {
                    let phi = (rem / imp).min(1.0);
                    parts.entry((sec, g, ch)).or_default().push((phi, 1.0));
                    eparts
                        .entry((sec, g, ch, Vec::new()))
                        .or_default()
                        .push((phi, 1.0));
                }
            }
        }
        let active = parts
            .into_iter()
            .map(|((s, g, d), v)| {
                let (share, substitutability) = compound(&v);
                ActiveRestriction {
                    product: s,
                    origin: g,
                    destination: d,
                    share,
                    substitutability,
                }
            })
            .collect();
        pl.restrictions.push(active);
        pl.engine.push(
            eparts
                .into_iter()
                .map(|(key, v)| {
                    let (share, substitutability) = compound(&v);
                    EngineRestriction {
                        key,
                        share,
                        substitutability,
                    }
                })
                .collect(),
        );
        pl.sr_cap.push(sr_cap);
    }
    pl
}

/// The engine's trade restrictions: one per flow (product, origin,
/// destination, user sectors) and run of quarters with the same
/// substitutability; its reduction path takes the quarter's share at the
/// middle of each step (where the engine evaluates paths) and 0 outside
/// the run. A restriction limited to some user sectors restricts those
/// sectors' orders only (the engine's `buyer_sectors`; final buyers are
/// then not restricted).
fn engine_restrictions(econ: &Economy, pl: &Plan) -> Vec<TradeRestriction> {
    let map = &econ.map;
    let nq = pl.t.len();
    let mut keys: Vec<EngineKey> = pl.engine.iter().flatten().map(|a| a.key.clone()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let per: Vec<(f64, f64)> = pl
            .engine
            .iter()
            .map(|v| {
                v.iter()
                    .find(|a| a.key == key)
                    .map_or((0.0, 0.0), |a| (a.share, a.substitutability))
            })
            .collect();
        let buyer_sectors = (!key.3.is_empty())
            .then(|| key.3.iter().map(|&s| map.sector[s]).collect::<Vec<usize>>());
        let mut k = 0;
        while k < nq {
            if per[k].0 <= 0.0 {
                k += 1;
                continue;
            }
            let sigma = per[k].1;
            let mut e = k;
            while e + 1 < nq && per[e + 1].0 > 0.0 && per[e + 1].1 == sigma {
                e += 1;
            }
            let points = (0..nq)
                .map(|q| {
                    let v = if (k..=e).contains(&q) { per[q].0 } else { 0.0 };
                    ((q as f64 + 0.5) * DT, v)
                })
                .collect();
            out.push(TradeRestriction {
                product: map.sector[key.0],
                origins: vec![map.region[key.1]],
                destination: map.region[key.2],
                buyer_sectors: buyer_sectors.clone(),
                reduction: Path(points),
                substitutability: sigma,
                adjustment_speed: 1.0,
            });
            k = e + 1;
        }
    }
    out
}

fn price(p: &Params, t: Quarter) -> f64 {
    (1.0 + p.gdp_deflator_growth / 100.0).powf((f64::from(t.0) - 5.5) / 4.0)
}

/// What the blocks decided for one quarter.
struct Decided {
    confidence: f64,
    property: property::PropertyIndices,
    local: localgov::LocalOutputs,
    cp_transfer: f64,
    /// Final-demand multiplier of table column c and product s: c·S + s.
    fd_mult: Vec<f64>,
    /// Capacity scale per table industry.
    cap_scale: Vec<f64>,
}

/// The macro blocks as the engine's hook.
struct Driver<'a> {
    econ: &'a Economy,
    scn: &'a Scenario,
    p: &'a Params,
    b: &'a Bound,
    sp: &'a Split,
    pl: &'a Plan,
    kappa: f64,
    lp: localgov::LocalParams,
    pot: GrowthPath,
    trends: Vec<GrowthPath>,
    labour_share: Vec<f64>,
    gdp0_china: f64,
    w0: f64,
    ref_growth: f64,
    ls_state: localgov::LocalState,
    w_lag: f64,
    ngdp_lag: f64,
    decided: Vec<Decided>,
    /// (labour income, nominal GDP) of China per step.
    income: Vec<(f64, f64)>,
    /// Inventory clamped at zero per step (world).
    clamped: Vec<f64>,
}

impl Driver<'_> {
    fn gdp_ref(&self, t: Quarter) -> f64 {
        self.gdp0_china * self.pot.index(t) / self.kappa * price(self.p, t)
    }

    fn china_labour_income(&self, x: &[f64]) -> f64 {
        let (ns, ch) = (self.econ.ns, self.b.china);
        (ch * ns..(ch + 1) * ns)
            .map(|j| self.econ.v[j] * x[j] * self.labour_share[j])
            .sum()
    }

    /// The blocks of quarter k, on the income and GDP of quarter k − 1.
    fn decide(&mut self, k: usize) -> Decided {
        let (econ, scn, p, b, sp, pl) = (self.econ, self.scn, self.p, self.b, self.sp, self.pl);
        let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
        let ch = b.china;
        let t = pl.t[k];
        let pt = pl.price[k];
        let a_t = pl.auto[k];
        let kappa = self.kappa;
        // Households, with the common-prosperity transfer.
        let conf = scn.confidence.at(t, p.confidence_reference);
        let cp_share = scn.cp_transfer.at(t, 0.0);
        let transfer_nom = prosperity::transfer(cp_share, self.ngdp_lag);
        let transfer_real = transfer_nom * kappa / pt;
        let c_t = households::consumption(&households::HouseholdInputs {
            base: sp.c0,
            trend: a_t,
            confidence: conf,
            confidence_reference: p.confidence_reference,
            elasticity: p.confidence_elasticity,
            mpc_labour: p.mpc_labour,
            mpc_owners: p.mpc_owners,
            income_gap: self.w_lag - self.w0 * self.pot.index(Quarter(t.0 - 1)),
            transfer: transfer_real,
        });
        // Property.
        let pi = property::indices(&scn.property_investment, &scn.property_sales, t);
        let sales_rel = property::sales_relative_to_2023(&scn.property_sales, t);
        // Local government.
        let mut swap_amt = 0.0;
        let mut swap_rate_w = 0.0;
        for s in scn.swaps.iter().filter(|s| s.start <= t && t <= s.end) {
            let a = s.amount / f64::from(s.end.0 - s.start.0 + 1);
            swap_amt += a;
            swap_rate_w += a * s.rate;
        }
        let gdp_ref = self.gdp_ref(t);
        let lo = localgov::step(
            &self.lp,
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
                    col[i] = (sp.rest_h[i] * f + sp.sales_h[i] * pi.sales).max(0.0);
                }
            } else if c == sp.gcol {
                let f = if sp.g0 > 0.0 {
                    p.local_spending_to_consumption * de_real / sp.g0
                } else {
                    0.0
                };
                for i in 0..n {
                    col[i] = (base[i] * (a_t + f)).max(0.0);
                }
            } else {
                let fi = if sp.infra0 > 0.0 {
                    a_t + (1.0 - p.local_spending_to_consumption) * de_real / sp.infra0
                } else {
                    a_t
                };
                for i in 0..n {
                    col[i] = sp.rest_k[i] * a_t
                        + sp.prop[i] * pi.investment
                        + sp.infra[i] * fi
                        + sp.sales_k[i] * pi.sales
                        + fdi_real * sp.fdi_dist[i];
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
        // Capacity.
        let cap_scale = (0..n)
            .map(|i| {
                let (r, s) = (i / ns, i % ns);
                let idx = if r == ch {
                    self.pot.index(t).max(a_t)
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
        Decided {
            confidence: conf,
            property: pi,
            local: lo,
            cp_transfer: transfer_nom,
            fd_mult,
            cap_scale,
        }
    }

    fn apply(&self, d: &Decided, controls: &mut Controls) {
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
        let ngdp = gdp / self.kappa * self.pl.price[k];
        self.income.push((w_t, ngdp));
        self.clamped.push(view.balance.inventory_clamped);
        self.w_lag = w_t;
        self.ngdp_lag = ngdp;
        if k + 1 < self.pl.t.len() {
            let d = self.decide(k + 1);
            self.apply(&d, controls);
            self.decided.push(d);
        }
    }
}

/// Runs `scn` on `econ` up to `until` (default: the scenario's end). The
/// autonomous growth rates (2022-2023, 2024) are the scenario's own if it
/// set them, else `g_auto`.
pub fn run_scenario(
    econ: &Economy,
    scn: &Scenario,
    g_auto: [f64; 2],
    until: Option<Quarter>,
) -> Result<ScenarioRun> {
    let b = bind(scn, econ)?;
    let mut p = scn.params.clone();
    if !scn
        .params_set
        .iter()
        .any(|k| k == "china_autonomous_growth")
    {
        p.china_autonomous_growth = g_auto[0];
    }
    if !scn
        .params_set
        .iter()
        .any(|k| k == "china_demand_shift_2024q2")
    {
        p.china_demand_shift_2024q2 = g_auto[1];
    }
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let ch = b.china;
    let sp = split(econ, &b, &p);
    let gdp0 = econ.gdp0();
    let kappa = 4.0 * gdp0[ch] * (1.0 + p.real_growth_2023 / 100.0) / p.gdp_2023;
    let auto = autonomous_path(
        p.china_autonomous_growth,
        p.china_demand_shift_2024q2,
        p.china_potential_growth,
        p.autonomous_convergence_year,
    );
    let pot = GrowthPath::constant(p.china_potential_growth);
    let ls: Vec<f64> = (0..n)
        .map(|j| {
            econ.labour_share
                .as_ref()
                .map_or(p.labour_share_fallback, |l| l[j])
        })
        .collect();
    let w0: f64 = (ch * ns..(ch + 1) * ns)
        .map(|j| econ.v[j] * econ.x0[j] * ls[j])
        .sum();
    let ref_growth = ((1.0 + p.china_potential_growth / 100.0)
        * (1.0 + p.gdp_deflator_growth / 100.0))
        .powf(0.25)
        - 1.0;
    let lp = localgov::LocalParams {
        land_2023: p.land_revenue_2023,
        elasticity: p.land_sales_elasticity,
        nonland_share: p.local_nonland_revenue_share,
        transfer_share: p.local_transfer_share,
        planned_deficit_pct: p.local_planned_deficit,
        smoothing: p.spending_smoothing,
        interest_pct: p.local_interest_rate,
        limit_pct: p.local_debt_limit,
        pace: p.local_borrowing_pace,
    };
    // China's imports of each product in the base quarter.
    let mut imports0 = vec![0.0; ns];
    for g in (0..nr).filter(|&g| g != ch) {
        for sec in 0..ns {
            let i = g * ns + sec;
            let mut v: f64 = (ch * ns..(ch + 1) * ns)
                .map(|j| econ.a[i * n + j] * econ.x0[j])
                .sum();
            v += (ch * nf..(ch + 1) * nf)
                .map(|c| econ.y0[c * n + i])
                .sum::<f64>();
            imports0[sec] += v;
        }
    }
    let end = until.unwrap_or(scn.end).min(scn.end);
    let quarters: Vec<Quarter> = (START.0..=end.0).map(Quarter).collect();
    let mut rec = Recorder::new(scn, &p, econ, quarters, kappa);
    // One quarter past the end: its step closes the last quarter's
    // inventories.
    let sim: Vec<Quarter> = (BURN_IN.0..=end.0 + 1).map(Quarter).collect();
    let pl = plan(econ, scn, &p, &b, kappa, &auto, &imports0, &sim);
    // Intermediate buyers first: export controls are persistent supply
    // shocks, under which proportional rationing lets a critical input's
    // shortage feed on itself through rationed inputs (docs/engine.md).
    let mut spec = ExtendedSpec {
        restrictions: engine_restrictions(econ, &pl),
        rationing: Rationing::IntermediateFirst,
        ..Default::default()
    };
    // [controls] critical: κ ≥ 0.5 makes the input critical (Leontief) for
    // the user sectors that spend at least `critical_input_min_share` of
    // their intermediate inputs on it (world totals) and non-critical for
    // the rest, 0 < κ < 0.5 non-critical for every user; other inputs
    // follow the engine's default rule.
    let mut inputs_of = vec![0.0; ns];
    let mut input_su = vec![0.0; ns * ns];
    for i in 0..n {
        for j in 0..n {
            let z = econ.a[i * n + j] * econ.x0[j];
            inputs_of[j % ns] += z;
            input_su[(i % ns) * ns + j % ns] += z;
        }
    }
    for s in (0..ns).filter(|&s| b.critical[s] > 0.0) {
        for u in 0..ns {
            let share = if inputs_of[u] > 0.0 {
                input_su[s * ns + u] / inputs_of[u]
            } else {
                0.0
            };
            let crit = b.critical[s] >= 0.5 && share >= p.critical_input_min_share;
            spec.critical_overrides
                .push((econ.map.sector[s], Some(econ.map.sector[u]), crit));
        }
    }
    let prev = Quarter(BURN_IN.0 - 1);
    let mut model = econ.engine.clone();
    // Start on a growth path (potential growth, the pace of China's output
    // before 2022, everywhere; the engine's warm-up must be uniform), not
    // the table's stationary equilibrium, so that 2022-24 carry no
    // inventory build-up from switching growth on.
    let mut trend = vec![0.0; nr];
    for r in 0..nr {
        let g = if r == ch {
            p.china_potential_growth
        } else {
            b.trend[r]
        };
        trend[econ.map.region[r]] = g / 100.0;
    }
    model
        .set_inventory_target_smoothing(p.inventory_target_smoothing, &trend)
        .map_err(sim_error)?;
    if let Some(c) = model.controls_mut() {
        c.capacity_scale.fill(1.0 + p.capacity_headroom);
    }
    let gamma = (1.0 + p.china_potential_growth / 100.0).powf(0.25);
    model
        .warm_start(gamma, WARM_UP_QUARTERS, pot.index(prev))
        .map_err(sim_error)?;
    model.enable_extended(spec, true);
    let mut driver = Driver {
        econ,
        scn,
        p: &p,
        b: &b,
        sp: &sp,
        pl: &pl,
        kappa,
        lp,
        pot: pot.clone(),
        trends: b.trend.iter().map(|g| GrowthPath::constant(*g)).collect(),
        labour_share: ls,
        gdp0_china: gdp0[ch],
        w0,
        ref_growth,
        ls_state: localgov::LocalState {
            debt: p.local_debt_2023,
            swapped: Vec::new(),
            smoothed_revenue: 0.0,
        },
        w_lag: w0 * pot.index(prev),
        ngdp_lag: 0.0,
        decided: Vec::new(),
        income: Vec::new(),
        clamped: Vec::new(),
    };
    driver.ngdp_lag = driver.gdp_ref(prev);
    driver.ls_state.smoothed_revenue =
        (p.local_nonland_revenue_share + p.land_revenue_2023 / p.gdp_2023) * driver.ngdp_lag;
    let first = driver.decide(0);
    if let Some(c) = model.controls_mut() {
        driver.apply(&first, c);
    }
    driver.decided.push(first);
    let traj = model
        .run_with_hook(sim.len(), true, &mut driver)
        .map_err(sim_error)?;
    let map = &econ.map;
    let stocks: Vec<(Vec<f64>, Vec<f64>)> =
        traj.inputs_stocks.iter().map(|v| map.stocks(v)).collect();
    for (k, &t) in sim.iter().enumerate().take(sim.len() - 1) {
        if t < START {
            continue;
        }
        let x = map.to_table(&traj.production_realised[k]);
        let cap = map.to_table(&traj.production_capacity[k]);
        let um = &traj.final_demand_unmet[k];
        let unmet: Vec<f64> = (0..nr * ns)
            .map(|q| um[map.region[q / ns] * ns + map.sector[q % ns]])
            .collect();
        let d = &driver.decided[k];
        let acc = engine::accounts(
            econ,
            &Quarterly {
                x: &x,
                cap: &cap,
                n_start: (&stocks[k].0, &stocks[k].1),
                n_end: (&stocks[k + 1].0, &stocks[k + 1].1),
                fd_mult: &d.fd_mult,
                unmet: &unmet,
                restrictions: &pl.restrictions[k],
            },
        );
        let (w_t, ngdp) = driver.income[k];
        rec.record(
            (t.0 - START.0) as usize,
            &crate::results::QuarterState {
                x: &x,
                cap: &cap,
                acc: &acc,
                bound: &b,
                local: &d.local,
                local_tracked: t >= DEBT_FROM,
                ngdp,
                labour_income: w_t,
                confidence: d.confidence,
                property: d.property,
                fdi: pl.fdi[k],
                sr_spending_bn: pl.sr_spend_bn[k],
                sr_capacity: pl.sr_cap[k].iter().sum(),
                fdi_capacity: pl.fdi_cap_total[k],
                cp_transfer: d.cp_transfer,
                self_reliance: acc.domestic[ch * ns + b.chips],
                inventory_clamped: driver.clamped[k],
            },
        );
    }
    Ok(rec.finish())
}
