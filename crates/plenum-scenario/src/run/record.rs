//! The recorded quarters of a run: the engine's trajectory, with what the
//! blocks decided and the plan, turned into the accounts of each quarter
//! from [`START`] and handed to the [`Recorder`].

use plenum_sim::Trajectory;

use crate::bind::Bound;
use crate::blocks::prices::yoy;
use crate::economy::Economy;
use crate::engine::{self, Quarterly};
use crate::results::{CreditRecord, PriceRecord, Recorder, ScenarioRun};
use crate::schema::START;
use crate::time::Quarter;

use super::driver::Driver;
use super::plan::Plan;
use super::DEBT_FROM;

/// Records the quarters of `sim` from [`START`] (all but the last, whose
/// step only closes the inventories).
pub(super) fn record(
    econ: &Economy,
    b: &Bound,
    pl: &Plan,
    driver: &Driver<'_>,
    traj: &Trajectory,
    sim: &[Quarter],
    mut rec: Recorder,
) -> ScenarioRun {
    let ns = econ.ns;
    let ch = b.china;
    let map = &econ.map;
    let stocks: Vec<(Vec<f64>, Vec<f64>)> =
        traj.inputs_stocks.iter().map(|v| map.stocks(v)).collect();
    let lv = &driver.price_levels;
    let series = |f: fn(&crate::blocks::prices::PriceLevels) -> f64| -> Vec<f64> {
        lv.iter().map(f).collect()
    };
    let (defl, cpi, ppi, imp) = (
        series(|l| l.deflator),
        series(|l| l.cpi),
        series(|l| l.ppi),
        series(|l| l.import),
    );
    let ngdp_all: Vec<f64> = driver.income.iter().map(|x| x.1).collect();
    let on = |f: fn(&super::driver::Decided) -> f64| -> Vec<f64> {
        driver.decided.iter().map(f).collect()
    };
    let (volume, value, inv) = (
        on(|d| d.sales_reported.volume),
        on(|d| d.sales_reported.value),
        on(|d| d.property.investment),
    );
    for (k, &t) in sim.iter().enumerate().take(sim.len() - 1) {
        // The four quarters before START are only kept for growth y/y.
        if t.0 < START.0 - 4 {
            continue;
        }
        let (x, cap, acc) =
            quarter_accounts(econ, b, pl, driver, traj, k, &stocks[k], &stocks[k + 1]);
        let d = &driver.decided[k];
        if t < START {
            rec.prehistory((t.0 - (START.0 - 4)) as usize, &acc, b, &d.pieces);
            continue;
        }
        let (w_t, ngdp) = driver.income[k];
        rec.record(
            (t.0 - START.0) as usize,
            &crate::results::QuarterState {
                x: &x,
                cap: &cap,
                acc: &acc,
                bound: b,
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
                pieces: &d.pieces,
                budget: &d.budget,
                credit: CreditRecord {
                    lpr5: d.credit.lpr5,
                    mortgage_rate: d.credit.mortgage,
                    developer_credit_growth: d.credit.developer_credit,
                    sales_credit: d.credit.state.x,
                    investment_credit: d.credit.state.y,
                    sales_growth: yoy(&volume, k),
                    sales_value_growth: yoy(&value, k),
                    investment_growth: yoy(&inv, k),
                    house_price_departure: d.credit.state.h,
                    house_price_growth: d.credit.house_growth,
                },
                prices: PriceRecord {
                    deflator_yoy: yoy(&defl, k),
                    cpi_yoy: yoy(&cpi, k),
                    ppi_yoy: yoy(&ppi, k),
                    import_yoy: yoy(&imp, k),
                    output_gap: driver.gap.get(k).copied().unwrap_or(f64::NAN),
                    deflator_level: defl.get(k).copied().unwrap_or(f64::NAN),
                    nominal_growth: yoy(&ngdp_all, k),
                    lpr: driver.money.get(k).map_or(f64::NAN, |q| q.lpr),
                    real_rate: driver.money.get(k).map_or(f64::NAN, |q| q.real),
                    credit_growth: driver.money.get(k).map_or(f64::NAN, |q| q.credit),
                    exchange_rate: driver
                        .fx_z
                        .get(k)
                        .map_or(f64::NAN, |z| driver.yuan_per_usd * z.exp()),
                },
            },
        );
    }
    let mut run = rec.finish();
    let unit = format!("{} per quarter (2023 prices)", run.table_unit);
    super::trade::add_series(&mut run, pl, &driver.trade, &unit);
    run
}

/// The quarter `k`'s output and capacity in table order and its accounts,
/// from the trajectory, what the driver decided and the plan; `n_start`
/// and `n_end` are the inventories at the step's start and end
/// ([`crate::engine::EngineMap::stocks`]).
#[allow(clippy::too_many_arguments)]
fn quarter_accounts(
    econ: &Economy,
    b: &Bound,
    pl: &Plan,
    driver: &Driver<'_>,
    traj: &Trajectory,
    k: usize,
    n_start: &(Vec<f64>, Vec<f64>),
    n_end: &(Vec<f64>, Vec<f64>),
) -> (Vec<f64>, Vec<f64>, engine::Accounts) {
    let (ns, nr) = (econ.ns, econ.nr);
    let ch = b.china;
    let map = &econ.map;
    let x = map.to_table(&traj.production_realised[k]);
    let cap = map.to_table(&traj.production_capacity[k]);
    let um = &traj.final_demand_unmet[k];
    let unmet: Vec<f64> = (0..nr * ns)
        .map(|q| um[map.region[q / ns] * ns + map.sector[q % ns]])
        .collect();
    let d = &driver.decided[k];
    // Final demand placed on one origin: the plan's (diversion), the
    // engine's (anticipation, rerouting) and the exchange rate's
    // switch.
    let st = driver.trade.get(k);
    let fd_add: [&[(usize, usize, f64)]; 2] = [
        pl.trade.get(k).map_or(&[][..], |q| &q.fd_add[..]),
        st.map_or(&[][..], |q| &q.fd_add[..]),
    ];
    // The restrictions as the accounts see them, less what rerouting
    // and the front-loaded stock let through.
    let restrictions: Vec<engine::ActiveRestriction> = pl.restrictions[k]
        .iter()
        .map(|a| {
            let f = st
                .and_then(|q| q.through.get(&(a.product, a.origin, a.destination)))
                .copied()
                .unwrap_or(1.0);
            engine::ActiveRestriction {
                share: a.share * f,
                ..a.clone()
            }
        })
        .collect();
    let acc = engine::accounts(
        econ,
        &Quarterly {
            x: &x,
            cap: &cap,
            n_start: (&n_start.0, &n_start.1),
            n_end: (&n_end.0, &n_end.1),
            fd_mult: &d.fd_mult,
            unmet: &unmet,
            restrictions: &restrictions,
            fd_add: &fd_add,
            fx: Some((&d.fx_add, ch)),
        },
    );
    (x, cap, acc)
}

/// China's real GDP growth y/y (%) at each quarter of `at`, the numbers
/// [`record`] files as `gdp_growth_yoy` (same accounts, same division),
/// from the accounts of those quarters and the four before only: what the
/// calibration reads of a run, without recording the rest. NaN for a
/// quarter outside `sim` or before [`START`], as the recorded run has it.
pub(super) fn china_growth<const K: usize>(
    econ: &Economy,
    b: &Bound,
    pl: &Plan,
    driver: &Driver<'_>,
    traj: &Trajectory,
    sim: &[Quarter],
    at: [Quarter; K],
) -> [f64; K] {
    let map = &econ.map;
    let gdp = |t: Quarter| -> Option<f64> {
        // The recorded quarters are all of sim's but the last.
        let k = sim[..sim.len().saturating_sub(1)]
            .iter()
            .position(|&s| s == t)?;
        let n_start = map.stocks(traj.inputs_stocks.get(k)?);
        let n_end = map.stocks(traj.inputs_stocks.get(k + 1)?);
        let (_, _, acc) = quarter_accounts(econ, b, pl, driver, traj, k, &n_start, &n_end);
        acc.gdp.get(b.china).copied()
    };
    at.map(|q| {
        if q < START {
            return f64::NAN;
        }
        match (gdp(q), gdp(Quarter(q.0 - 4))) {
            (Some(now), Some(before)) => 100.0 * (now / before - 1.0),
            _ => f64::NAN,
        }
    })
}
