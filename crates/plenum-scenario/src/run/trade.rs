//! Anticipation and rerouting in a run: the plan's front-loaded imports
//! and mark-ups (and the exchange rate's switch between origins,
//! [`super::fx`]) become the engine's added final demand each quarter, and
//! the quarter's leakage becomes tidy series
//! ([`crate::blocks::controls_trade`]).

use plenum_sim::Controls;

use crate::economy::Economy;
use crate::results::{ScenarioRun, Series, TOTAL};
use crate::schema::START;

use super::plan::{Plan, TradeQuarter};

/// Sets `Controls::final_demand_add` for quarter `k` from the plan: left
/// empty when no quarter of the run adds any (so runs without
/// anticipation or rerouting are unchanged), else set in full every
/// quarter (the controls persist until changed).
pub(super) fn apply_final_demand(
    econ: &Economy,
    pl: &Plan,
    k: usize,
    extra: &[(usize, usize, f64)],
    controls: &mut Controls,
) {
    if pl.trade.iter().all(|q| q.fd_add.is_empty()) && extra.is_empty() {
        // Nothing added (an empty vector adds nothing; it also clears
        // what an earlier quarter's exchange-rate switch set).
        controls.final_demand_add = Vec::new();
        return;
    }
    let map = &econ.map;
    let (nr, nf) = (econ.nr, econ.nf);
    let width = nr * nf;
    let mut add = vec![0.0; econ.n * width];
    let planned = pl.trade.get(k).map_or(&[][..], |q| &q.fd_add[..]);
    {
        for &(i, c, v) in planned.iter().chain(extra) {
            let (r, f) = (c / nf, c % nf);
            add[map.industry[i] * width + map.region[r] * nf + map.category[f]] += v;
        }
    }
    controls.final_demand_add = add;
}

/// Reads one total of a quarter.
type Pick = fn(&TradeQuarter) -> f64;

/// The series of anticipation and rerouting, for the scenario's own
/// region, per recorded quarter (table units per quarter, 2023 prices):
/// `rerouted_flow` (restricted imports that reached it through third
/// economies: the controls' leakage), `front_loaded_imports`,
/// `stockpile_drawn`, `rerouted_exports` (its own restricted exports
/// that reached their buyers through third economies) and
/// `diverted_exports` (its own blocked exports sold to third markets:
/// trade diversion).
pub(super) fn add_series(run: &mut ScenarioRun, pl: &Plan, unit: &str) {
    let nq = run.quarters.len();
    let pick: [(&'static str, Pick); 5] = [
        ("rerouted_flow", |q| q.rerouted_in),
        ("front_loaded_imports", |q| q.front_loaded_in),
        ("stockpile_drawn", |q| q.drawn_in),
        ("rerouted_exports", |q| q.rerouted_out),
        ("diverted_exports", |q| q.diverted_out),
    ];
    for (variable, f) in pick {
        let mut values = vec![f64::NAN; nq];
        for (k, t) in pl.t.iter().enumerate() {
            if *t < START {
                continue;
            }
            let q = (t.0 - START.0) as usize;
            if q < nq {
                values[q] = pl.trade.get(k).map_or(0.0, f);
            }
        }
        run.series.push(Series {
            variable,
            region: run.region.clone(),
            sector: TOTAL.into(),
            unit: unit.to_string(),
            values,
        });
    }
}
