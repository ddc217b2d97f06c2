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
//! at 2023 prices. The run's China at potential in 2022 (the warm state's
//! GDP carried on the potential index, GDP⁰_CHN: the table's GDP plus the
//! engine's own stock-building on its growth path) is carried to 2023 with
//! the official real growth (5.2%) and matched to 2023 nominal GDP (126.06
//! tn yuan), so κ = 4 GDP⁰_CHN (1 + g₂₀₂₃) / 126.06 table units are one tn
//! yuan; the
//! GDP deflator D_t of the price block ([`crate::blocks::prices`]: output
//! gap, import prices, the controls' shadow prices) turns real flows into
//! nominal ones for the fiscal blocks (2022Q1 = 1); programme budgets and
//! FDI dollars are turned into real spending ahead of the run at the
//! anchor inflation π̄ (`gdp_deflator_growth`).
//!
//! Final demand of quarter t (columns of Y, from Y⁰/4):
//! - other regions: Y⁰ scaled by their trend index (`world.trend_growth`);
//! - China, households: (Y⁰_h − sales part) C_t/C⁰ + sales part · S_t
//!   ([`crate::blocks::households`], trend Y*_t r_t, [`crate::blocks::property`]);
//! - China, government: Y⁰_g Y*_t r_t + γ ΔE_t Y⁰_g/G⁰ + budget, ΔE_t the
//!   deviation of local spending from its reference ([`crate::blocks::localgov`]);
//! - China, investment: other investment · Y*_t r_t M_t
//!   ([`crate::blocks::manufacturing`]) + property · I_t + infrastructure ·
//!   (Y*_t r_t + (1 − γ) ΔE_t/Infra⁰) + sales part · S_t + FDI demand +
//!   programme spending ([`crate::blocks::fdi`], [`crate::blocks::selfreliance`]);
//! - China, other categories: Y⁰ Y*_t r_t.
//!
//! Here Y*_t is the potential index and r_t the residual (calibrated).
//! Entries are kept at or above zero. Every block's change is the same
//! multiple of Y⁰ for all origins of a product, so it is one final-demand
//! scale per (destination region, category, product).
//!
//! Capacity: x̄_t = x⁰ (1 + h) c_r(t) + programme and FDI capacity (the
//! engine's capacity scale; the engine multiplies it by its overproduction
//! α, which rises above 1 where demand exceeds capacity), with
//! c_r the region's trend index (China: Y*_t times the larger of 1 and
//! the residual, times the larger of 1 and manufacturing investment's
//! lift of final demand, so that capacity binds only where a block or a
//! restriction makes it bind) and h the headroom.
//!
//! The residual grows at the calibrated rate through 2024 and converges
//! linearly to zero by `autonomous_convergence_year` ([`autonomous_path`]):
//! the calibration pins 2022-2024, the named blocks carry the rest.
//!
//! The run starts in 2022Q1 (the table's year) and records from 2023Q1:
//! the four quarters of 2022 let the lagged terms (labour income, smoothed
//! revenue) settle.
//!
//! The run is three stages, one module each: [`plan`] lays out the paths
//! fixed before the run, [`driver`] is the engine's hook that runs the
//! blocks quarter by quarter, and [`record`] turns the engine's trajectory
//! into the recorded quarters. The engine's warm-up before 2022 is shared
//! between runs that would repeat it ([`warm`]), and what a run derives
//! from the table alone between all runs on an economy ([`statics`]).

mod driver;
pub(crate) mod fx;
mod plan;
mod propcredit;
mod record;
pub mod statics;
mod trade;
pub mod warm;

use plenum_sim::{ExtendedSpec, Rationing};

use crate::bind::bind;
use crate::blocks::localgov;
use crate::economy::Economy;
use crate::engine::sim_error;
use crate::error::Result;
use crate::results::{Recorder, ScenarioRun};
use crate::schema::{Scenario, START};
use crate::time::{GrowthIndex, GrowthPath, Quarter};

use driver::Driver;
use plan::{plan, split};

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

/// The residual index (or any demand index): growth `g` (calibrated)
/// through 2024, then linear to `potential` by `convergence_year` (the
/// run passes 0: the residual stops growing), `potential` after; its
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

/// Runs `scn` on `econ` up to `until` (default: the scenario's end). The
/// autonomous growth rates (2022-2023, 2024) are the scenario's own if it
/// set them, else `g_auto`.
pub fn run_scenario(
    econ: &Economy,
    scn: &Scenario,
    g_auto: [f64; 2],
    until: Option<Quarter>,
) -> Result<ScenarioRun> {
    simulate(econ, scn, g_auto, until, |f| {
        let rec = Recorder::new(scn, f.p, econ, f.quarters, f.kappa);
        record::record(econ, f.b, f.pl, f.driver, f.traj, f.sim, rec)
    })
}

/// China's real GDP growth y/y (%) at the quarters `at` of `scn` run as
/// [`run_scenario`] runs it up to the last of them: the same numbers as
/// that run's `gdp_growth_yoy` (bit for bit), but only the accounts of
/// those quarters and the four before are formed and nothing is recorded
/// (the calibration's runs read these numbers and nothing else).
pub fn china_growth_at<const K: usize>(
    econ: &Economy,
    scn: &Scenario,
    g_auto: [f64; 2],
    at: [Quarter; K],
) -> Result<[f64; K]> {
    let until = at.iter().copied().max();
    simulate(econ, scn, g_auto, until, |f| {
        record::china_growth(econ, f.b, f.pl, f.driver, f.traj, f.sim, at)
    })
}

/// What a finished simulation hands to the recording: the bound
/// scenario, its parameters, plan, driver and trajectory.
struct Finished<'a> {
    p: &'a crate::params::Params,
    b: &'a crate::bind::Bound,
    pl: &'a plan::Plan,
    driver: &'a Driver<'a>,
    traj: &'a plenum_sim::Trajectory,
    sim: &'a [Quarter],
    quarters: Vec<Quarter>,
    kappa: f64,
}

/// Steps `scn` up to `until` (see [`run_scenario`]) and hands the result
/// to `finish`.
fn simulate<T>(
    econ: &Economy,
    scn: &Scenario,
    g_auto: [f64; 2],
    until: Option<Quarter>,
    finish: impl FnOnce(Finished<'_>) -> T,
) -> Result<T> {
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
    let (n, ns, nr) = (econ.n, econ.ns, econ.nr);
    let ch = b.china;
    let sp = split(econ, &b, &p);
    // The residual converges to zero growth: the named blocks carry the
    // long run.
    let auto = autonomous_path(
        p.china_autonomous_growth,
        p.china_demand_shift_2024q2,
        0.0,
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
    let prev = Quarter(BURN_IN.0 - 1);
    // Start on a growth path (potential growth, the pace of China's output
    // before 2022, everywhere; the engine's warm-up must be uniform), not
    // the table's stationary equilibrium, so that 2022-24 carry no
    // inventory build-up from switching growth on. The warm state is
    // shared between runs with the same inputs ([`warm`]).
    let mut trend = vec![0.0; nr];
    for r in 0..nr {
        let g = if r == ch {
            p.china_potential_growth
        } else {
            b.trend[r]
        };
        trend[econ.map.region[r]] = g / 100.0;
    }
    let gamma = (1.0 + p.china_potential_growth / 100.0).powf(0.25);
    let mut model = econ.warm.warmed(
        &econ.engine,
        &warm::WarmInputs {
            smoothing: p.inventory_target_smoothing,
            trend: &trend,
            capacity_scale: 1.0 + p.capacity_headroom,
            gamma,
            level: pot.index(prev),
        },
        WARM_UP_QUARTERS,
    )?;
    // The reference path of labour income, W*_t = W⁰ Y*_t, runs through
    // the warm state's labour income, not the table's: on a growth path
    // the engine also produces its own stock-building, so its output
    // stands about 2% above the table's final demand times Y*, and a
    // reference drawn from the table would open an income gap of that
    // size in 2022Q1 and lift consumption by c_L times it (a start-up
    // jump of 0.6% of GDP in 2022Q2 that made 2022 and hence 2023's y/y
    // rates too fast; docs/calibration.md).
    //
    // Units: κ table units a quarter are one tn yuan a year. The run's own
    // 2022 at potential (the warm state's GDP carried on Y*, stock-building
    // included) is NBS's 2022, carried to 2023 with the official real
    // growth and matched to 2023 nominal GDP (126.06 tn yuan). With the
    // table's GDP instead, the run's nominal GDP stood about 2% above
    // NBS's from the start (docs/calibration.md).
    let x_warm = econ.map.to_table(model.production());
    let (gdp_warm, w_warm) = (ch * ns..(ch + 1) * ns).fold((0.0, 0.0), |(g, w), j| {
        let va = econ.v[j] * x_warm[j];
        (g + va, w + va * ls[j])
    });
    let (gdp0_china, w0) = (gdp_warm / pot.index(prev), w_warm / pot.index(prev));
    let kappa = 4.0 * gdp0_china * (1.0 + p.real_growth_2023 / 100.0) / p.gdp_2023;
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
        backstop_share: p.central_backstop_share,
        cut_phase: p.local_cut_phase,
        cut_cap_pct: p.local_cut_cap,
    };
    // China's imports of each product in the base quarter, and the other
    // quantities fixed by the table: shared between runs ([`statics`]).
    let statics = econ.statics.china(econ, ch);
    let imports0 = &statics.imports0;
    let end = until.unwrap_or(scn.end).min(scn.end);
    let quarters: Vec<Quarter> = (START.0..=end.0).map(Quarter).collect();
    // One quarter past the end: its step closes the last quarter's
    // inventories.
    let sim: Vec<Quarter> = (BURN_IN.0..=end.0 + 1).map(Quarter).collect();
    let cparams = crate::blocks::controls::ControlsParams::default();
    let pl = plan(econ, scn, &p, &cparams, &b, kappa, &auto, imports0, &sim);
    // Intermediate buyers first: export controls are persistent supply
    // shocks, under which proportional rationing lets a critical input's
    // shortage feed on itself through rationed inputs (docs/engine.md).
    let (restrictions, reroutes, anticipations, trade_keys) =
        trade::engine_specs(econ, scn, &b, &pl);
    let restr_keys: Vec<(usize, usize, usize)> = restrictions
        .iter()
        .map(|r| {
            let inv = |v: &[usize], e: usize| v.iter().position(|&x| x == e).unwrap_or(0);
            (
                inv(&econ.map.sector, r.product),
                inv(&econ.map.region, r.origins.first().copied().unwrap_or(0)),
                inv(&econ.map.region, r.destination),
            )
        })
        .collect();
    let prices = if restr_keys.iter().any(|k| k.2 == ch) {
        Some(statics.channel(econ)?)
    } else {
        None
    };
    let premium = crate::blocks::controls::product_premia(&econ.sectors);
    let price_block = statics.price_block(econ, b.households)?;
    let price_params = crate::blocks::prices::PriceParams::from_params(&p);
    let mut spec = ExtendedSpec {
        restrictions,
        reroutes,
        anticipations,
        rationing: Rationing::IntermediateFirst,
        restriction_precaution: p.controls_precaution,
        ..Default::default()
    };
    // [controls] critical: κ ≥ 0.5 makes the input critical (Leontief) for
    // the user sectors that spend at least `critical_input_min_share` of
    // their intermediate inputs on it (world totals) and non-critical for
    // the rest, 0 < κ < 0.5 non-critical for every user; other inputs
    // follow the engine's default rule.
    let shares = econ.statics.input_shares(econ);
    let (inputs_of, input_su) = (&shares.inputs_of, &shares.input_su);
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
        pot: GrowthIndex::new(&pot, Quarter(end.0 + 1)),
        trends: b
            .trend
            .iter()
            .map(|g| GrowthIndex::new(&GrowthPath::constant(*g), Quarter(end.0 + 1)))
            .collect(),
        labour_share: ls,
        gdp0_china,
        w0,
        ref_growth,
        ls_state: localgov::LocalState {
            debt: p.local_debt_2023,
            swapped: Vec::new(),
            smoothed_revenue: 0.0,
            cut: 0.0,
        },
        w_lag: w0 * pot.index(prev),
        ngdp_lag: 0.0,
        decided: Vec::new(),
        income: Vec::new(),
        clamped: Vec::new(),
        prices,
        restr_keys,
        trade_keys,
        trade: Vec::new(),
        premium,
        cparams,
        price_level: Vec::new(),
        import_price: Vec::new(),
        price_block,
        price_params,
        va_prices: Vec::new(),
        gap: Vec::new(),
        goods_gap: Vec::new(),
        capacity: Vec::new(),
        upstream_offset: 0.0,
        price_levels: Vec::new(),
        gap_offset: 0.0,
        bond_stock: 0.0,
        quota_share: p.local_planned_deficit,
        central_debt: p.central_debt_2023,
        durables: {
            let mut w: Vec<f64> = (0..n)
                .map(|i| {
                    if crate::blocks::prices::industrial(&econ.sectors[i % ns]) {
                        sp.rest_h[i]
                    } else {
                        0.0
                    }
                })
                .collect();
            let tot: f64 = w.iter().sum();
            if tot > 0.0 {
                w.iter_mut().for_each(|v| *v /= tot);
            }
            w
        },
        controls_p: None,
        mfg: Vec::new(),
        mfg_params: crate::blocks::manufacturing::ManufacturingParams {
            credit_elasticity: p.manufacturing_credit_elasticity,
            credit_reference: p.manufacturing_credit_reference,
            profit_elasticity: p.manufacturing_profit_elasticity,
        },
        money: Vec::new(),
        money_params: crate::blocks::money::MoneyParams {
            neutral_real: p.lpr_neutral_real,
            inflation_target: p.lpr_inflation_target,
            inflation_response: p.lpr_inflation_response,
            gap_response: p.lpr_gap_response,
            smoothing: p.lpr_smoothing,
            step: p.lpr_step,
            floor: p.lpr_floor,
            credit_reference: p.manufacturing_credit_reference,
            rate_semi_elasticity: p.credit_rate_semi_elasticity,
            collateral_elasticity: p.credit_collateral_elasticity,
            adjustment: p.credit_adjustment,
        },
        pc: Vec::new(),
        pc_params: crate::blocks::propcredit::PropCreditParams::from_params(&p),
        pc_ref: None,
        fx_z: Vec::new(),
        fx_params: crate::blocks::fx::FxParams {
            rate_pressure: p.fx_rate_pressure,
            management: p.fx_management,
            import_passthrough: p.fx_import_passthrough,
            trade_elasticity: p.fx_trade_elasticity,
        },
        fx_flows: fx::FxFlows::new(econ, ch),
        yuan_per_usd: p.yuan_per_usd,
    };
    driver.ngdp_lag = driver.gdp_ref(prev, 1.0);
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
    Ok(finish(Finished {
        p: &p,
        b: &b,
        pl: &pl,
        driver: &driver,
        traj: &traj,
        sim: &sim,
        quarters,
        kappa,
    }))
}
