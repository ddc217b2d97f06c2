//! The quarterly run of one scenario: blocks, then the input-output core,
//! every quarter from 2023Q1 (history for y/y growth) to the scenario's
//! end.
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
//! Entries are kept at or above zero.
//!
//! Capacity: x̄_t = x⁰ (1 + h) c_r(t) + programme and FDI capacity, with
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

use crate::bind::{bind, Bound};
use crate::blocks::{controls, fdi, households, localgov, property, prosperity, selfreliance};
use crate::core::{self, Restriction};
use crate::economy::Economy;
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

/// China's autonomous demand growth: `g23` (calibrated) to 2023, `g24`
/// (calibrated) in 2024, then linear to potential growth by
/// `convergence_year`, potential after.
pub fn autonomous_path(g23: f64, g24: f64, potential: f64, convergence_year: f64) -> GrowthPath {
    let end = convergence_year.round() as i32;
    let mut by_year = std::collections::BTreeMap::new();
    for y in crate::time::BASE_YEAR..=2023 {
        by_year.insert(y, g23);
    }
    by_year.insert(2024, g24);
    for y in 2025..=end {
        let w = f64::from(y - 2024) / f64::from((end - 2024).max(1));
        by_year.insert(y, g24 + (potential - g24) * w);
    }
    by_year.insert(end.max(2025), potential);
    GrowthPath { by_year }
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
        .any(|k| k == "china_autonomous_growth_2024")
    {
        p.china_autonomous_growth_2024 = g_auto[1];
    }
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let nc = nr * nf;
    let ch = b.china;
    let sp = split(econ, &b, &p);
    let gdp0 = econ.gdp0();
    let kappa = 4.0 * gdp0[ch] * (1.0 + p.real_growth_2023 / 100.0) / p.gdp_2023;
    let auto = autonomous_path(
        p.china_autonomous_growth,
        p.china_autonomous_growth_2024,
        p.china_potential_growth,
        p.autonomous_convergence_year,
    );
    let pot = GrowthPath::constant(p.china_potential_growth);
    let trends: Vec<GrowthPath> = b.trend.iter().map(|g| GrowthPath::constant(*g)).collect();
    let price =
        |t: Quarter| (1.0 + p.gdp_deflator_growth / 100.0).powf((f64::from(t.0) - 5.5) / 4.0);
    let ls: Vec<f64> = (0..n)
        .map(|j| {
            econ.labour_share
                .as_ref()
                .map_or(p.labour_share_fallback, |l| l[j])
        })
        .collect();
    let china_va = |va: &[f64]| -> f64 { (ch * ns..(ch + 1) * ns).map(|j| va[j] * ls[j]).sum() };
    let va0: Vec<f64> = (0..n).map(|j| econ.v[j] * econ.x0[j]).collect();
    let w0 = china_va(&va0);
    let gdp_ref = |t: Quarter| gdp0[ch] * pot.index(t) / kappa * price(t);
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
    let sim: Vec<Quarter> = (BURN_IN.0..=end.0).map(Quarter).collect();
    let prev = Quarter(BURN_IN.0 - 1);
    let mut ls_state = localgov::LocalState {
        debt: p.local_debt_2023,
        swapped: Vec::new(),
        smoothed_revenue: (p.local_nonland_revenue_share + p.land_revenue_2023 / p.gdp_2023)
            * gdp_ref(prev),
    };
    let mut x_prev = econ.x0.clone();
    let mut w_lag = w0 * pot.index(prev);
    let mut ngdp_lag = gdp_ref(prev);
    let mut fdi_hist: Vec<f64> = Vec::new();
    let mut sr_hist: Vec<Vec<f64>> = vec![Vec::new(); scn.programmes.len()];
    let mut y = vec![0.0; n * nc];
    for (k, &t) in sim.iter().enumerate() {
        let pt = price(t);
        let a_t = auto.index(t);
        // Households, with the common-prosperity transfer.
        let conf = scn.confidence.at(t, p.confidence_reference);
        let cp_share = scn.cp_transfer.at(t, 0.0);
        let transfer_nom = prosperity::transfer(cp_share, ngdp_lag);
        let transfer_real = transfer_nom * kappa / pt;
        let c_t = households::consumption(&households::HouseholdInputs {
            base: sp.c0,
            trend: a_t,
            confidence: conf,
            confidence_reference: p.confidence_reference,
            elasticity: p.confidence_elasticity,
            mpc_labour: p.mpc_labour,
            mpc_owners: p.mpc_owners,
            income_gap: w_lag - w0 * pot.index(Quarter(t.0 - 1)),
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
        let lo = localgov::step(
            &lp,
            &mut ls_state,
            &localgov::LocalInputs {
                gdp_lag: ngdp_lag,
                gdp_ref: gdp_ref(t),
                ref_growth,
                price: pt,
                sales_rel,
                extra_transfers_pct: scn.extra_transfers.at(t, 0.0),
                swap: (swap_amt > 0.0).then(|| (swap_amt, swap_rate_w / swap_amt)),
                track_debt: t >= DEBT_FROM,
            },
        );
        let e_ref = localgov::reference_spending(&lp, p.gdp_2023, gdp_ref(t));
        let de_real = (lo.spending - e_ref) * kappa / pt;
        // FDI.
        let f_t = fdi::inflow(
            p.fdi_2023,
            scn.fdi_openness.at(t, 0.0),
            scn.fdi_risk.at(t, 0.0),
            p.fdi_openness_semi_elasticity,
            p.fdi_risk_semi_elasticity,
        );
        let fdi_real = (f_t - p.fdi_2023) / 4.0 * p.yuan_per_usd / 1000.0 * kappa / pt;
        fdi_hist.push(fdi_real);
        // Self-reliance programmes.
        let mut sr_spend_bn = 0.0;
        let mut sr_cap = vec![0.0; ns];
        for (pi_, prog) in scn.programmes.iter().enumerate() {
            let bn = selfreliance::spending(prog.amount, prog.start, prog.end, t);
            sr_spend_bn += bn;
            sr_hist[pi_].push(bn / 1000.0 * kappa / pt);
            sr_cap[b.programmes[pi_].target] += selfreliance::capacity(
                &sr_hist[pi_],
                k,
                prog.lag,
                prog.capital_output_ratio,
                prog.technology_yield,
            );
        }
        // Final demand.
        for c in 0..nc {
            let rc = c / nf;
            let col = &mut y[c * n..(c + 1) * n];
            let base = &econ.y0[c * n..(c + 1) * n];
            if rc != ch {
                let f = trends[rc].index(t);
                for i in 0..n {
                    col[i] = base[i] * f;
                }
            } else if c == sp.hcol {
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
            } else if c == sp.kcol {
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
                    let spend = sr_hist[pi_][k];
                    for &(s, share) in &prog.spending {
                        for g in 0..nr {
                            col[g * ns + s] += spend * share * sp.src[s * nr + g];
                        }
                    }
                }
                for v in col.iter_mut() {
                    *v = v.max(0.0);
                }
            } else {
                for i in 0..n {
                    col[i] = base[i] * a_t;
                }
            }
        }
        // Capacity.
        let mut cap: Vec<f64> = (0..n)
            .map(|i| {
                let r = i / ns;
                let idx = if r == ch {
                    pot.index(t).max(a_t)
                } else {
                    trends[r].index(t)
                };
                econ.x0[i] * (1.0 + p.capacity_headroom) * idx
            })
            .collect();
        for s in 0..ns {
            cap[ch * ns + s] += sr_cap[s];
        }
        let mut fdi_cap = 0.0;
        for &(s, share) in &b.fdi_targeted {
            let add = share
                * fdi::capacity(
                    &fdi_hist,
                    k,
                    p.fdi_capacity_lag.round() as usize,
                    p.fdi_capital_output_ratio,
                );
            cap[ch * ns + s] = (cap[ch * ns + s] + add).max(0.0);
            fdi_cap += add;
        }
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
        let mut rs: Vec<Restriction> = b
            .measures
            .iter()
            .zip(&shares)
            .map(|(m, &share)| {
                let sigma = scn.measures[m.measure].substitutability;
                let blocked = share * m.base_flow * a_t;
                let substitutability = if m.to[ch] && blocked_by_product[m.product] > 0.0 {
                    let built = sr_cap[m.product] * blocked / blocked_by_product[m.product];
                    controls::effective_substitutability(sigma, built, blocked)
                } else {
                    sigma
                };
                Restriction {
                    product: m.product,
                    from: m.from.clone(),
                    to: m.to.clone(),
                    users: m.users.clone(),
                    share,
                    substitutability,
                }
            })
            .collect();
        // Programme capacity beyond what replaces blocked flows displaces
        // imports of the target product (fully substitutable, re-sourced at
        // home).
        for sec in 0..ns {
            let rem = sr_cap[sec] - blocked_by_product[sec];
            let imp = imports0[sec] * a_t;
            if rem > 0.0 && imp > 0.0 {
                rs.push(Restriction {
                    product: sec,
                    from: (0..nr).map(|g| g != ch).collect(),
                    to: (0..nr).map(|g| g == ch).collect(),
                    users: None,
                    share: (rem / imp).min(1.0),
                    substitutability: 1.0,
                });
            }
        }
        let sol = core::solve(econ, &y, &cap, &rs, &b.critical, &x_prev);
        let acc = core::accounts(econ, &sol);
        let w_t = china_va(&acc.va);
        let ngdp = acc.gdp[ch] / kappa * pt;
        if t >= START {
            rec.record(
                (t.0 - START.0) as usize,
                &crate::results::QuarterState {
                    sol: &sol,
                    acc: &acc,
                    bound: &b,
                    local: &lo,
                    local_tracked: t >= DEBT_FROM,
                    ngdp,
                    labour_income: w_t,
                    confidence: conf,
                    property: pi,
                    fdi: f_t,
                    sr_spending_bn: sr_spend_bn,
                    sr_capacity: sr_cap.iter().sum(),
                    fdi_capacity: fdi_cap,
                    cp_transfer: transfer_nom,
                    self_reliance: core::domestic_share(econ, &sol, ch, b.chips),
                },
            );
        }
        x_prev = sol.x;
        w_lag = w_t;
        ngdp_lag = ngdp;
    }
    Ok(rec.finish())
}
