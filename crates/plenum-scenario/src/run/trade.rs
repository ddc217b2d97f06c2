//! How trade answers export controls in a run. Rerouting and anticipation
//! are mechanisms of the engine (plenum-sim's `extended/reroute.rs` and
//! `extended/anticipation.rs`), acting on its live flows; this module
//! gives them the measures' settings ([`engine_specs`]), reads their
//! per-step flows back after each step ([`record`]) for the cost wedges,
//! the accounts and the tidy series ([`add_series`]), and sets the
//! final demand the plan places on one origin (trade diversion, the
//! exchange rate's switch; [`apply_final_demand`]).
//!
//! Per measure m with `reroute_via` w, on each engine restriction it
//! covers (product s, origin g, destination d): V = min(ν B, λ F_via) of
//! the step's live flows, F_via w's live deliveries of s to the buyers
//! shared among m's origins by their live flows; w's trade sector earns
//! μ V as final demand of d's investment column; ν is m's share of the
//! compounded restriction's φ times its ν (`plan::compound_reroute`).
//! Per measure m announced L quarters ahead, for each origin g and
//! destination d: the buyers order F = B̄ q̄/L a quarter on top over the
//! lead (B̄ = φ̄ R_g, φ̄ the measure's share at full effect of the
//! technologies it covers, R_g the live flow), up to q̄ B̄, as d's
//! investment demand on g's industry, and from the start draw what is
//! blocked and not replaced from that stock into their inventories.
//!
//! In the accounts, front-loaded imports and mark-ups are final demand on
//! one origin (imports of d when bought), and a draw D is the same stock
//! disinvested (−D on the origin, so the inputs it becomes are not
//! counted as imports twice).

use std::collections::BTreeMap;

use plenum_sim::{AnticipationSpec, Controls, RerouteSpec, StateView, TradeRestriction};

use crate::bind::Bound;
use crate::blocks::controls::{self, flow_wedge, FlowPieces};
use crate::economy::Economy;
use crate::engine::DT;
use crate::results::{ScenarioRun, Series, TOTAL};
use crate::schema::{Scenario, START};

use super::driver::Driver;
use super::plan::Plan;

/// What the records need of each rerouting and anticipation given to the
/// engine (table indices).
#[derive(Debug, Clone, Default)]
pub(super) struct TradeKeys {
    /// Per rerouting: (product, origin, destination, μ, w's trade
    /// industry if any, d's investment column).
    reroutes: Vec<(usize, usize, usize, f64, Option<usize>, usize)>,
    /// Per anticipation: (product, origin, destination, g's industry,
    /// d's investment column).
    anticipations: Vec<(usize, usize, usize, usize, usize)>,
}

/// The engine's restrictions, reroutings and anticipations of a run, and
/// the keys to read their flows back.
pub(super) fn engine_specs(
    econ: &Economy,
    scn: &Scenario,
    b: &Bound,
    pl: &Plan,
) -> (
    Vec<TradeRestriction>,
    Vec<RerouteSpec>,
    Vec<AnticipationSpec>,
    TradeKeys,
) {
    let map = &econ.map;
    let (ns, nr, nf) = (econ.ns, econ.nr, econ.nf);
    let ch = b.china;
    let trade_sector = econ.sectors.iter().position(|s| s == "TRADE");
    let inv = |v: &[usize], e: usize| v.iter().position(|&x| x == e).unwrap_or(0);
    let mut keys = TradeKeys::default();
    let mut restrictions = Vec::new();
    let mut reroutes = Vec::new();
    for (k, (r, rr)) in super::plan::engine_restrictions(econ, pl)
        .into_iter()
        .enumerate()
    {
        if let Some((mi, nu)) = rr {
            let m = &b.measures[mi];
            let meas = &scn.measures[m.measure];
            if let (Some(set), Some(via)) = (meas.reroute.as_ref(), m.via) {
                let (s, g, d) = (
                    inv(&map.sector, r.product),
                    inv(&map.region, r.origins.first().copied().unwrap_or(0)),
                    inv(&map.region, r.destination),
                );
                let markup_industry = trade_sector.map(|ts| via * ns + ts);
                reroutes.push(RerouteSpec {
                    restriction: k,
                    via: map.region[via],
                    share: nu,
                    limit: set.limit,
                    markup: set.markup,
                    markup_industry: markup_industry.map(|i| map.industry[i]),
                    markup_category: map.category[b.investment],
                    peers: (0..nr)
                        .filter(|&o| m.from[o] && o != d)
                        .map(|o| map.region[o])
                        .collect(),
                });
                keys.reroutes
                    .push((s, g, d, set.markup, markup_industry, d * nf + b.investment));
            }
        }
        restrictions.push(r);
    }
    let t0 = pl.t.first().map_or(0, |q| q.0);
    let at = |q: crate::time::Quarter| f64::from(q.0 - t0) * DT;
    let mut anticipations = Vec::new();
    for m in &b.measures {
        let meas = &scn.measures[m.measure];
        let Some(an) = meas.anticipation.as_ref() else {
            continue;
        };
        let techs: Vec<&plenum_gvc::Technology> = m.techs.iter().collect();
        let buyer_sectors = m.users.as_ref().map(|u| {
            (0..ns)
                .filter(|&s| u[s])
                .map(|s| map.sector[s])
                .collect::<Vec<usize>>()
        });
        for d in (0..nr).filter(|&d| m.to[d]) {
            for g in (0..nr).filter(|&g| m.from[g] && g != d) {
                let tshare = if techs.is_empty() {
                    1.0
                } else {
                    controls::tech_split(&techs, &econ.regions[g], &econ.regions[ch], 0.0).share
                };
                anticipations.push(AnticipationSpec {
                    product: map.sector[m.product],
                    origin: map.region[g],
                    destination: map.region[d],
                    buyer_sectors: buyer_sectors.clone(),
                    announced: at(an.announced),
                    start: at(meas.start),
                    full_reduction: meas.restricted_share * tshare,
                    storage: an.storage_quarters * DT,
                    category: map.category[b.investment],
                });
                keys.anticipations.push((
                    m.product,
                    g,
                    d,
                    g * ns + m.product,
                    d * nf + b.investment,
                ));
            }
        }
    }
    (restrictions, reroutes, anticipations, keys)
}

/// How trade answered the measures in one step (table units per quarter).
#[derive(Debug, Clone, Default)]
pub(super) struct StepTrade {
    /// Final demand the engine placed on one origin: (table industry,
    /// table column, amount): front-loaded imports (+F), mark-ups (+μ V),
    /// draws from the stock (−D, the stock disinvested).
    pub(super) fd_add: Vec<(usize, usize, f64)>,
    /// Per (product, origin, destination): the share of the restriction
    /// that passed, 1 − (V + D)/B, B the flow blocked before rerouting.
    pub(super) through: BTreeMap<(usize, usize, usize), f64>,
    /// Totals into the scenario's own region: rerouted (leakage),
    /// front-loaded, drawn from the stock; and its own restricted exports
    /// rerouted.
    pub(super) rerouted_in: f64,
    pub(super) front_loaded_in: f64,
    pub(super) drawn_in: f64,
    pub(super) rerouted_out: f64,
    /// Per (product, origin) into China: (V, μ V, D).
    wedge: BTreeMap<(usize, usize), (f64, f64, f64)>,
}

/// Reads a step's reroutings and anticipations back (table indices).
pub(super) fn record(
    keys: &TradeKeys,
    view: &StateView<'_>,
    restr_keys: &[(usize, usize, usize)],
    ch: usize,
) -> StepTrade {
    let mut st = StepTrade::default();
    let mut blocked: BTreeMap<(usize, usize, usize), (f64, f64)> = BTreeMap::new();
    for (f, key) in view.restrictions.iter().zip(restr_keys) {
        blocked.entry(*key).or_default().0 += f.blocked;
    }
    for (f, &(s, o, d, mu, ind, col)) in view.reroutes.iter().zip(&keys.reroutes) {
        let v = f.rerouted;
        let e = blocked.entry((s, o, d)).or_default();
        e.0 += v;
        e.1 += v;
        if let Some(i) = ind {
            if f.markup > 0.0 {
                st.fd_add.push((i, col, f.markup));
            }
        }
        if d == ch {
            st.rerouted_in += v;
            let w = st.wedge.entry((s, o)).or_default();
            w.0 += v;
            w.1 += mu * v;
        } else if o == ch {
            st.rerouted_out += v;
        }
    }
    for (f, &(s, g, d, i, col)) in view.anticipations.iter().zip(&keys.anticipations) {
        if f.front_loaded > 0.0 {
            st.fd_add.push((i, col, f.front_loaded));
        }
        if f.drawn > 0.0 {
            st.fd_add.push((i, col, -f.drawn));
            blocked.entry((s, g, d)).or_default().1 += f.drawn;
        }
        if d == ch {
            st.front_loaded_in += f.front_loaded;
            st.drawn_in += f.drawn;
            st.wedge.entry((s, g)).or_default().2 += f.drawn;
        }
    }
    for (key, (b, passed)) in blocked {
        if passed > 0.0 && b > 0.0 {
            st.through.insert(key, (1.0 - passed / b).clamp(0.0, 1.0));
        }
    }
    st
}

impl Driver<'_> {
    /// The cost wedges of this step's restricted flows into China
    /// ([`flow_wedge`]) through the Leontief price model; returns China's
    /// final buyers' price level and records it with the import-price
    /// index. The engine's restrictions report what they blocked after
    /// rerouting: the rerouted part V was blocked too and pays the third
    /// economy's mark-up; what was drawn from the front-loaded stock was
    /// bought before the control, at no wedge.
    pub(super) fn controls_prices(&mut self, view: &StateView<'_>, st: &StepTrade) -> f64 {
        let ch = self.b.china;
        let Some(pc) = &self.prices else {
            self.price_level.push(1.0);
            self.import_price.push(1.0);
            return 1.0;
        };
        // Per (product, origin): summed pieces of the restrictions on it.
        let mut pieces: BTreeMap<(usize, usize), FlowPieces> = BTreeMap::new();
        for (f, &(s, o, d)) in view.restrictions.iter().zip(&self.restr_keys) {
            if d != ch {
                continue;
            }
            let e = pieces.entry((s, o)).or_default();
            e.reference += f.reference;
            e.blocked += f.blocked;
            e.redirected += f.redirected;
        }
        let mut markup: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for (&(s, o), &(v, mv, drawn)) in &st.wedge {
            if let Some(e) = pieces.get_mut(&(s, o)) {
                e.blocked = (e.blocked + v - drawn).max(0.0);
                e.rerouted += v;
                *markup.entry((s, o)).or_default() += mv;
            }
        }
        let wedges: Vec<(usize, usize, f64)> = pieces
            .iter()
            .map(|(&(s, o), fp)| {
                let mu = if fp.rerouted > 0.0 {
                    markup.get(&(s, o)).copied().unwrap_or(0.0) / fp.rerouted
                } else {
                    0.0
                };
                (s, o, flow_wedge(fp, self.premium[s], mu, &self.cparams))
            })
            .collect();
        match pc.prices(self.econ, &wedges) {
            Ok(cp) => {
                self.controls_p = Some(cp.p.clone());
                self.price_level.push(cp.level);
                self.import_price.push(cp.import_index);
                cp.level
            }
            Err(_) => {
                // A price shock that does not converge leaves prices as
                // they were (recorded as 1); it cannot happen with wedges
                // on flows from outside China only (no iteration).
                self.price_level.push(1.0);
                self.import_price.push(1.0);
                1.0
            }
        }
    }
}

/// Sets `Controls::final_demand_add` for quarter `k` from the plan's trade
/// diversion and the exchange rate's switch (`extra`): left empty when no
/// quarter of the run adds any (so runs without them are unchanged), else
/// set in full every quarter (the controls persist until changed). The
/// engine adds front-loaded imports and mark-ups itself.
pub(super) fn apply_final_demand(
    econ: &Economy,
    pl: &Plan,
    k: usize,
    extra: (&super::fx::FxMoves, &[f64], usize),
    controls: &mut Controls,
) {
    let (moves, fd_mult, china) = extra;
    if pl.trade.iter().all(|q| q.fd_add.is_empty()) && moves.is_empty() {
        // Nothing added (an empty vector adds nothing; it also clears
        // what an earlier quarter's exchange-rate switch set).
        controls.final_demand_add.clear();
        return;
    }
    let map = &econ.map;
    let (nr, nf) = (econ.nr, econ.nf);
    let width = nr * nf;
    // Last quarter's buffer, zeroed (the engine lends the controls to the
    // hook, so the allocation is reused).
    let add = &mut controls.final_demand_add;
    add.clear();
    add.resize(econ.n * width, 0.0);
    // Engine column of each table column, and engine row offset of each
    // table industry (looked up once, not per entry).
    let col: Vec<usize> = (0..width)
        .map(|c| map.region[c / nf] * nf + map.category[c % nf])
        .collect();
    let row: Vec<usize> = map.industry.iter().map(|&e| e * width).collect();
    let planned = pl.trade.get(k).map_or(&[][..], |q| &q.fd_add[..]);
    for &(i, c, v) in planned {
        add[row[i] + col[c]] += v;
    }
    moves.for_each(econ, china, fd_mult, |i, c, v| add[row[i] + col[c]] += v);
}

/// Reads one total of a step.
type Pick = fn(&StepTrade) -> f64;

/// The series of anticipation and rerouting, for the scenario's own
/// region, per recorded quarter (table units per quarter, 2023 prices):
/// `rerouted_flow` (restricted imports that reached it through third
/// economies: the controls' leakage), `front_loaded_imports`,
/// `stockpile_drawn`, `rerouted_exports` (its own restricted exports
/// that reached their buyers through third economies), all from the
/// engine's records of each step, and `diverted_exports` (its own blocked
/// exports sold to third markets: trade diversion, from the plan).
pub(super) fn add_series(run: &mut ScenarioRun, pl: &Plan, steps: &[StepTrade], unit: &str) {
    let nq = run.quarters.len();
    let pick: [(&'static str, Pick); 4] = [
        ("rerouted_flow", |q| q.rerouted_in),
        ("front_loaded_imports", |q| q.front_loaded_in),
        ("stockpile_drawn", |q| q.drawn_in),
        ("rerouted_exports", |q| q.rerouted_out),
    ];
    let mut push = |variable: &'static str, value: &dyn Fn(usize) -> f64| {
        let mut values = vec![f64::NAN; nq];
        for (k, t) in pl.t.iter().enumerate() {
            if *t < START {
                continue;
            }
            let q = (t.0 - START.0) as usize;
            if q < nq {
                values[q] = value(k);
            }
        }
        run.series.push(Series {
            variable,
            region: run.region.clone(),
            sector: TOTAL.into(),
            unit: unit.to_string(),
            values,
        });
    };
    for (variable, f) in pick {
        push(variable, &|k| steps.get(k).map_or(0.0, f));
    }
    push("diverted_exports", &|k| {
        pl.trade.get(k).map_or(0.0, |q| q.diverted_out)
    });
}
