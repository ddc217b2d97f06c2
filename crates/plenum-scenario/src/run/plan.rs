//! The paths of a run fixed before it starts: China's baseline final demand
//! split into the parts the blocks move, the price level, autonomous
//! demand, FDI and programme spending and capacity, and the trade
//! restrictions as the accounts and the engine see them.

use plenum_sim::{Path, TradeRestriction};

use crate::bind::Bound;
use crate::blocks::{controls, fdi, selfreliance};
use crate::economy::Economy;
use crate::engine::{ActiveRestriction, DT};
use crate::params::Params;
use crate::schema::Scenario;
use crate::time::{GrowthPath, Quarter};

/// China's baseline final demand split into the parts the blocks move.
pub(super) struct Split {
    pub(super) hcol: usize,
    pub(super) gcol: usize,
    pub(super) kcol: usize,
    pub(super) rest_h: Vec<f64>,
    pub(super) sales_h: Vec<f64>,
    pub(super) rest_k: Vec<f64>,
    pub(super) prop: Vec<f64>,
    pub(super) infra: Vec<f64>,
    pub(super) sales_k: Vec<f64>,
    pub(super) c0: f64,
    pub(super) g0: f64,
    pub(super) infra0: f64,
    /// Other investment, normalised (distribution of FDI demand).
    pub(super) fdi_dist: Vec<f64>,
    /// Sourcing of investment demand for each product: (s, region) share.
    pub(super) src: Vec<f64>,
}

pub(super) fn split(econ: &Economy, b: &Bound, p: &Params) -> Split {
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
pub(super) struct Plan {
    pub(super) t: Vec<Quarter>,
    pub(super) price: Vec<f64>,
    pub(super) auto: Vec<f64>,
    pub(super) fdi: Vec<f64>,
    pub(super) fdi_real: Vec<f64>,
    pub(super) sr_spend_bn: Vec<f64>,
    /// Real programme spending per programme and quarter.
    pub(super) sr_real: Vec<Vec<f64>>,
    /// Programme capacity per sector (China), per quarter.
    pub(super) sr_cap: Vec<Vec<f64>>,
    /// FDI capacity per sector (China) and its total, per quarter.
    pub(super) fdi_cap: Vec<Vec<f64>>,
    pub(super) fdi_cap_total: Vec<f64>,
    /// Per quarter: the restrictions as the accounts see them (one per
    /// flow, a measure limited to some users counted by the share of the
    /// flow they buy)…
    pub(super) restrictions: Vec<Vec<ActiveRestriction>>,
    /// …and as the engine applies them (a measure limited to some users
    /// restricts those users' orders only).
    pub(super) engine: Vec<Vec<EngineRestriction>>,
    /// Per quarter: the trade diversion of blocked exporters. (The
    /// answers of trade that act on the engine's live flows, rerouting
    /// and anticipation, are the engine's mechanisms: [`super::trade`].)
    pub(super) trade: Vec<TradeQuarter>,
}

/// Trade diversion in one quarter (table units per quarter).
#[derive(Debug, Clone, Default)]
pub(super) struct TradeQuarter {
    /// Final demand added: (table industry, table final-demand column,
    /// amount): a blocked exporter's sales to third markets.
    pub(super) fd_add: Vec<(usize, usize, f64)>,
    /// The scenario's own region's blocked exports sold to third markets
    /// (trade diversion).
    pub(super) diverted_out: f64,
}

/// The flow of product s from g to buyers in d (users only, when given;
/// then no final buyers), per quarter of the base table.
fn flow(econ: &Economy, s: usize, g: usize, d: usize, users: &Option<Vec<bool>>) -> f64 {
    let (n, ns, nf) = (econ.n, econ.ns, econ.nf);
    let i = g * ns + s;
    let mut f = 0.0;
    for b in 0..ns {
        if users.as_ref().is_none_or(|u| u[b]) {
            let j = d * ns + b;
            f += econ.a[i * n + j] * econ.x0[j];
        }
    }
    if users.is_none() {
        f += (d * nf..(d + 1) * nf)
            .map(|c| econ.y0[c * n + i])
            .sum::<f64>();
    }
    f
}

/// Key of an engine restriction: product, origin, destination and the
/// user sectors it is limited to (empty: every buyer, final ones included).
pub(super) type EngineKey = (usize, usize, usize, Vec<usize>);

/// One engine restriction in one quarter (table indices).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct EngineRestriction {
    pub(super) key: EngineKey,
    pub(super) share: f64,
    pub(super) substitutability: f64,
    /// The rerouting on it: (the first rerouting measure, index in
    /// `Bound::measures`; ν of the compounded restriction, the measures'
    /// ν weighted by the parts of φ they remove).
    pub(super) reroute: RerouteOn,
}

/// A rerouting on a flow: (measure index in `Bound::measures`, ν).
type RerouteOn = Option<(usize, f64)>;

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

/// ν of a compounded restriction: Σ_m ν_m φ_m Π_{m'<m}(1 − φ_m') / φ over
/// the parts (φ_m, rerouting (measure, ν_m)), and the first rerouting
/// measure (its third economy, limit and mark-up stand for all).
fn compound_reroute(v: &[(f64, RerouteOn)]) -> RerouteOn {
    let mut left = 1.0;
    let mut nu = 0.0;
    let mut first = None;
    for (phi, r) in v {
        if let Some((mi, n)) = r {
            nu += n * phi * left;
            first.get_or_insert(*mi);
        }
        left *= 1.0 - phi;
    }
    let share = 1.0 - left;
    first.map(|mi| (mi, if share > 0.0 { nu / share } else { 0.0 }))
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
pub(super) fn plan(
    econ: &Economy,
    scn: &Scenario,
    p: &Params,
    cp: &controls::ControlsParams,
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
        trade: Vec::new(),
    };
    // China's base imports of the products that measures into China
    // target: the denominator of the FDI block's control intensity.
    let mut targeted = vec![false; ns];
    for m in b.measures.iter().filter(|m| m.to[ch]) {
        targeted[m.product] = true;
    }
    let controlled_imports: f64 = (0..ns)
        .filter(|&s| targeted[s])
        .map(|s| imports0.get(s).copied().unwrap_or(0.0))
        .sum();
    // Diverted flow D and this quarter's blocked flow B per (measure,
    // origin, destination): trade diversion of a blocked exporter.
    let mut diverted: std::collections::BTreeMap<(usize, usize, usize), (f64, f64)> =
        std::collections::BTreeMap::new();
    for (k, &t) in quarters.iter().enumerate() {
        for v in diverted.values_mut() {
            v.1 = 0.0;
        }
        let pt = price(p, t);
        let a_t = auto.index(t) * shift_decay(p, t);
        pl.price.push(pt);
        pl.auto.push(a_t);
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
        let mut rparts: std::collections::BTreeMap<EngineKey, Vec<(f64, RerouteOn)>> =
            std::collections::BTreeMap::new();
        let mut tq = TradeQuarter::default();
        // Flow into China blocked by measures newer than FDI's anchor year
        // (base-table units), for the FDI block's control intensity.
        let mut new_blocked = 0.0;
        for (mi, (m, &share)) in b.measures.iter().zip(&shares).enumerate() {
            let meas = &scn.measures[m.measure];
            if share <= 0.0 {
                // Anticipation before the start is the engine's
                // (`super::trade::engine_specs`).
                continue;
            }
            let sigma = meas.substitutability;
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
            let techs: Vec<&plenum_gvc::Technology> = m.techs.iter().collect();
            let years = f64::from(t.0 - scn.measures[m.measure].start.0) / 4.0;
            for d in (0..nr).filter(|&d| m.to[d]) {
                for g in (0..nr).filter(|&g| m.from[g] && g != d) {
                    // A measure on technologies covers their share of the
                    // flow; substitutes follow their learning curves
                    // (rounded to 0.01 so that the engine keeps one
                    // restriction per run of equal σ).
                    let (tshare, sub) = if techs.is_empty() {
                        (1.0, sub)
                    } else {
                        let sp = controls::tech_split(
                            &techs,
                            &econ.regions[g],
                            &econ.regions[ch],
                            years,
                        );
                        let s0 = if m.to[ch] && blocked_by_product[m.product] > 0.0 {
                            let built = sr_cap[m.product] * blocked / blocked_by_product[m.product];
                            controls::effective_substitutability(
                                sp.substitutability,
                                built,
                                blocked,
                            )
                        } else {
                            sp.substitutability
                        };
                        (sp.share, (s0 * 100.0).round() / 100.0)
                    };
                    let phi = share * tshare * users_share(econ, m.product, g, d, &m.users);
                    if d == ch && meas.start > fdi::ANCHOR_END {
                        new_blocked += share * tshare * flow(econ, m.product, g, d, &m.users);
                    }
                    // What the engine blocks of the exporter's flow, for
                    // trade diversion (below).
                    if phi > 0.0 && cp.diversion_share > 0.0 {
                        let blocked = phi * flow(econ, m.product, g, d, &None) * a_t;
                        diverted.entry((mi, g, d)).or_insert((0.0, 0.0)).1 += blocked;
                    }
                    if phi > 0.0 {
                        parts.entry((m.product, g, d)).or_default().push((phi, sub));
                        let key = (m.product, g, d, users.clone());
                        let rr = meas.reroute.as_ref().zip(m.via).map(|(r, _)| (mi, r.share));
                        rparts
                            .entry(key.clone())
                            .or_default()
                            .push((share * tshare, rr));
                        eparts.entry(key).or_default().push((share * tshare, sub));
                    }
                }
            }
        }
        // Trade diversion: each blocked exporter sells D to the regions the
        // measure does not cover, by their base purchases of the product
        // from it, as their investment demand.
        for (&(mi, g, d), (dv, blocked)) in diverted.iter_mut() {
            let amount = controls::divert(dv, *blocked, cp.diversion_share, cp.diversion_speed);
            if amount <= 0.0 {
                continue;
            }
            let m = &b.measures[mi];
            let weights: Vec<(usize, f64)> = (0..nr)
                .filter(|&o| o != g && !m.to[o])
                .map(|o| (o, flow(econ, m.product, g, o, &None)))
                .filter(|&(_, w)| w > 0.0)
                .collect();
            let tot: f64 = weights.iter().map(|w| w.1).sum();
            if tot <= 0.0 {
                continue;
            }
            for (o, w) in weights {
                tq.fd_add.push((
                    g * ns + m.product,
                    o * econ.nf + b.investment,
                    amount * w / tot,
                ));
            }
            if g == ch && d != ch {
                tq.diverted_out += amount;
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
                    rparts
                        .entry((sec, g, ch, Vec::new()))
                        .or_default()
                        .push((phi, None));
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
                    let reroute = rparts.get(&key).and_then(|r| compound_reroute(r));
                    EngineRestriction {
                        key,
                        share,
                        substitutability,
                        reroute,
                    }
                })
                .collect(),
        );
        // FDI, with the risk of the controls newer than its anchor year.
        let f_t = fdi::inflow(
            p.fdi_2023,
            scn.fdi_openness.at(t, 0.0),
            scn.fdi_risk.at(t, 0.0),
            p.fdi_openness_semi_elasticity,
            p.fdi_risk_semi_elasticity,
        ) * fdi::controls_factor(
            fdi::controls_intensity(new_blocked, controlled_imports),
            p.fdi_controls_semi_elasticity,
        );
        pl.fdi.push(f_t);
        pl.fdi_real
            .push((f_t - p.fdi_2023) / 4.0 * p.yuan_per_usd / 1000.0 * kappa / pt);
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
        pl.sr_cap.push(sr_cap);
        pl.trade.push(tq);
    }
    pl
}

/// The engine's trade restrictions: one per flow (product, origin,
/// destination, user sectors) and run of quarters with the same
/// substitutability; its reduction path takes the quarter's share at the
/// middle of each step (where the engine evaluates paths) and 0 outside
/// the run. A restriction limited to some user sectors restricts those
/// sectors' orders only (the engine's `buyer_sectors`; final buyers are
/// then not restricted). Each comes with its rerouting, if any: the
/// rerouting measure (index in `Bound::measures`) and the path of ν over
/// the run (0 outside it).
pub(super) fn engine_restrictions(
    econ: &Economy,
    pl: &Plan,
) -> Vec<(TradeRestriction, Option<(usize, Path)>)> {
    let map = &econ.map;
    let nq = pl.t.len();
    let mut keys: Vec<EngineKey> = pl.engine.iter().flatten().map(|a| a.key.clone()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let per: Vec<(f64, f64, RerouteOn)> = pl
            .engine
            .iter()
            .map(|v| {
                v.iter()
                    .find(|a| a.key == key)
                    .map_or((0.0, 0.0, None), |a| {
                        (a.share, a.substitutability, a.reroute)
                    })
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
            let reroute = per[k..=e].iter().find_map(|p| p.2).map(|(mi, _)| {
                let nu = (0..nq)
                    .map(|q| {
                        let v = match per[q].2 {
                            Some(r) if (k..=e).contains(&q) => r.1,
                            _ => 0.0,
                        };
                        ((q as f64 + 0.5) * DT, v)
                    })
                    .collect();
                (mi, Path(nu))
            });
            out.push((
                TradeRestriction {
                    product: map.sector[key.0],
                    origins: vec![map.region[key.1]],
                    destination: map.region[key.2],
                    buyer_sectors: buyer_sectors.clone(),
                    reduction: Path(points),
                    substitutability: sigma,
                    adjustment_speed: 1.0,
                },
                reroute,
            ));
            k = e + 1;
        }
    }
    out
}

/// The level shift of autonomous demand from 2024Q2 fades at the rate
/// 1 − ρ a quarter (ρ `demand_shift_persistence`; 1: lasting): the factor
/// (1 + s ρ^(t − Q2)/100) / (1 + s/100) on the shifted index.
pub(super) fn shift_decay(p: &Params, t: Quarter) -> f64 {
    let q = super::SHIFT_QUARTER;
    if t < q {
        return 1.0;
    }
    let s = p.china_demand_shift_2024q2 / 100.0;
    let rho = p.demand_shift_persistence.clamp(0.0, 1.0);
    let now = 1.0 + s * rho.powi(t.0 - q.0);
    if 1.0 + s > 0.0 {
        now / (1.0 + s)
    } else {
        1.0
    }
}

pub(super) fn price(p: &Params, t: Quarter) -> f64 {
    (1.0 + p.gdp_deflator_growth / 100.0).powf((f64::from(t.0) - 5.5) / 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two measures of 0.5 on one flow, the second rerouting ν = 0.1: the
    /// restriction is 0.75 and the rerouting measure's part of it 0.25,
    /// so ν of the compounded restriction is 0.1 × 0.25/0.75 = 1/30 (V is
    /// ν of the measure's own blocked part).
    #[test]
    fn rerouting_share_of_a_compounded_restriction() {
        let v = [(0.5, None), (0.5, Some((3, 0.1)))];
        assert_eq!(compound(&[(0.5, 0.0), (0.5, 0.0)]).0, 0.75);
        let (mi, nu) = compound_reroute(&v).expect("rerouting");
        assert_eq!(mi, 3);
        assert!((nu - 0.1 / 3.0).abs() < 1e-15, "{nu}");
        assert_eq!(compound_reroute(&[(0.5, None)]), None);
        // Alone on its flow, ν is the measure's.
        let (_, alone) = compound_reroute(&[(0.6, Some((0, 0.1)))]).expect("rerouting");
        assert!((alone - 0.1).abs() < 1e-15);
    }
}
