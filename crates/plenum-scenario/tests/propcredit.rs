//! The credit channel to property on the embedded default table (issue 11,
//! "credit to property ... with collateral from property prices (a small
//! financial accelerator)"; `blocks/propcredit.rs`): the 5-year LPR is data
//! to 2024Q2 and the 1-year LPR plus a spread after; a cut of it raises
//! sales and then property investment, within the literature's range; house
//! prices that fall more tighten developers' credit, without a spiral at the
//! ends of the parameters' ranges; with the elasticities at zero the channel
//! moves nothing.

mod common;

use common::baseline::{at, base, baseline_text, calibration, econ, parse, run};
use plenum_scenario::{Quarter, ScenarioRun};

fn with_money(extra: &str) -> String {
    format!("{}\n[money]\n{extra}\n", baseline_text())
}

fn annual(r: &ScenarioRun, v: &str, y: i32) -> f64 {
    (1..=4u8).map(|n| at(r, v, y, n)).sum::<f64>() / 4.0
}

fn quarters(r: &ScenarioRun) -> impl Iterator<Item = (i32, u8)> + '_ {
    r.quarters
        .iter()
        .map(|q| (q.year(), (q.0.rem_euclid(4) + 1) as u8))
}

#[test]
fn the_5_year_lpr_is_data_then_the_1_year_plus_the_spread() {
    let b = base();
    assert_eq!(at(b, "lpr5", 2024, 2), 3.95);
    assert_eq!(at(b, "lpr5", 2024, 1), 3.95);
    assert_eq!(at(b, "lpr5", 2023, 4), 4.20);
    assert_eq!(at(b, "lpr5", 2023, 1), 4.30);
    // The mortgage rate: 25 bp under the 5-year (PBoC, Mar 2024: 3.71%),
    // 10 bp lower in 2024Q2 (half the 17 May package), 20 bp after.
    assert!((at(b, "mortgage_rate", 2024, 1) - 3.70).abs() < 1e-12);
    assert!((at(b, "mortgage_rate", 2024, 2) - 3.60).abs() < 1e-12);
    for (y, n) in [(2024, 3), (2025, 2), (2027, 4)] {
        let spread = at(b, "lpr5", y, n) - at(b, "lpr", y, n);
        assert!((spread - 0.5).abs() < 1e-9, "{y}Q{n} spread {spread}");
        let mu = at(b, "mortgage_rate", y, n) - at(b, "lpr5", y, n);
        assert!((mu + 0.45).abs() < 1e-9, "{y}Q{n} {mu}");
    }
    for y in 2024..=2030 {
        eprintln!(
            "baseline {y}: growth {:.2}, LPR {:.2}, 5-year LPR {:.2}, mortgage {:.2} (Q4 {:.2}/{:.2}/{:.2}), sales {:+.2}%, developers' loans {:.2}% y/y, investment {:+.2}% (channel), sales {:+.2}% y/y, investment {:+.2}% y/y, contrib_block_property_credit {:+.3} pp",
            b.annual_growth(&b.region, y),
            annual(b, "lpr", y),
            annual(b, "lpr5", y),
            annual(b, "mortgage_rate", y),
            at(b, "lpr", y, 4),
            at(b, "lpr5", y, 4),
            at(b, "mortgage_rate", y, 4),
            annual(b, "property_sales_credit", y),
            annual(b, "developer_credit_growth", y),
            annual(b, "property_investment_credit", y),
            annual(b, "property_sales_growth", y),
            annual(b, "property_investment_growth", y),
            annual(b, "contrib_block_property_credit", y),
        );
    }
    // Nothing departs from the scenario's paths up to 2024Q2.
    for v in [
        "property_sales_credit",
        "property_investment_credit",
        "contrib_block_property_credit",
    ] {
        for n in 1..=2u8 {
            assert_eq!(at(b, v, 2024, n), 0.0, "{v}");
        }
    }
    assert_eq!(at(b, "developer_credit_growth", 2024, 2), -9.9);
    // The LPR rule's cuts and the end of house-price falls lift the
    // baseline's sales and investment above the re-fitted paths.
    assert!(annual(b, "property_sales_credit", 2025) > 1.0);
    assert!(annual(b, "property_investment_credit", 2025) > 0.5);
    assert!(annual(b, "contrib_block_property_credit", 2025) > 0.0);
    // A 1-year cut reaches the 5-year one for one.
    let c = run(&with_money("lpr_cut_pp = { 2024 = 0.5 }"));
    let d = at(b, "lpr5", 2024, 3) - at(&c, "lpr5", 2024, 3);
    assert!((d - 0.5).abs() < 1e-9, "{d}");
}

/// A 50 bp cut of the 5-year LPR alone from 2024Q3. Sales respond first:
/// in 2024Q3 by κ_S ε_m 0.5 = 0.35 · 5 · 0.5 = 0.875% (nothing else has
/// moved yet), investment by κ_I θ_F ω_S of that; after six quarters sales
/// are within 1-5% above the baseline, the range a semi-elasticity of 2-10%
/// per pp gives for half a point (DeFusco and Paciorek 2017; Fuster and
/// Zafar 2021; docs/calibration.md), and investment within the pre-sales
/// share of that.
#[test]
fn a_50_bp_cut_of_the_5_year_lpr_raises_sales_then_investment() {
    let b = base();
    let c = run(&with_money("lpr5_cut_pp = { 2024 = 0.5 }"));
    let gap = |v: &str, y: i32, n: u8| at(&c, v, y, n) - at(b, v, y, n);
    assert!((gap("lpr5", 2024, 3) + 0.5).abs() < 1e-9);
    assert_eq!(gap("lpr", 2024, 3), 0.0);
    for n in 1..=2u8 {
        assert_eq!(gap("gdp_growth_yoy", 2024, n), 0.0);
        assert_eq!(gap("lpr5", 2024, n), 0.0);
    }
    let x0 = gap("property_sales_credit", 2024, 3);
    let y0 = gap("property_investment_credit", 2024, 3);
    assert!((x0 - 0.875).abs() < 1e-9, "{x0}");
    assert!((y0 - 0.5 * 0.51 * 0.875).abs() < 1e-9, "{y0}");
    // Investment lags sales: its gap is a smaller share of sales' at first
    // than later.
    let x6 = gap("property_sales_credit", 2025, 4);
    let y6 = gap("property_investment_credit", 2025, 4);
    assert!((1.0..=5.0).contains(&x6), "sales +{x6}% after six quarters");
    assert!(
        y6 > 0.0 && y6 <= 0.51 * x6 + 0.12 * 1.0,
        "investment {y6} vs sales {x6}"
    );
    assert!(y0 / x0 < y6 / x6);
    for y in 2024..=2027 {
        eprintln!(
            "50 bp 5-year cut, {y}: sales {:+.2}% investment {:+.2}% (of the baseline's paths), GDP growth {:+.3} pp, contrib_block_property_credit {:+.3} pp",
            annual(&c, "property_sales_credit", y) - annual(b, "property_sales_credit", y),
            annual(&c, "property_investment_credit", y) - annual(b, "property_investment_credit", y),
            c.annual_growth(&c.region, y) - b.annual_growth(&b.region, y),
            annual(&c, "contrib_block_property_credit", y)
                - annual(b, "contrib_block_property_credit", y),
        );
    }
    assert!(c.annual_growth(&c.region, 2025) > b.annual_growth(&b.region, 2025));
    // The blocks, the credit channel's among them, add up to growth, and
    // their gaps to the growth gap, to 1e-9 pp.
    for (y, n) in quarters(&c).filter(|(y, _)| *y >= 2023) {
        let sum = |r: &ScenarioRun| -> f64 {
            plenum_scenario::contrib::BLOCK_VARS
                .iter()
                .map(|v| at(r, v, y, n))
                .sum()
        };
        assert!(
            (sum(&c) - at(&c, "gdp_growth_yoy", y, n)).abs() < 1e-9,
            "{y}Q{n}"
        );
        let gap = at(&c, "gdp_growth_yoy", y, n) - at(b, "gdp_growth_yoy", y, n);
        assert!((sum(&c) - sum(b) - gap).abs() < 1e-9, "{y}Q{n}");
    }
    assert!(
        annual(&c, "contrib_block_property_credit", 2025)
            > annual(b, "contrib_block_property_credit", 2025)
    );
}

const PRICES: &str =
    "price_growth = { 2022 = -5.3, 2023 = 2.2, 2024 = -7.4, 2025 = -4.0, 2026 = -2.0, 2027 = 0.0 }";

/// The accelerator: house prices that fall 10 pp a year more from 2025 cut
/// developers' loan growth (collateral) and, through their loans and the
/// buyers' expectations, property investment; at the ends of the ranges
/// that make it strongest (and the slowest and fastest adjustments) every
/// departure stays within the bound its targets set, and settles.
#[test]
fn falling_house_prices_tighten_developer_credit_without_a_spiral() {
    let text = baseline_text();
    assert!(text.contains(PRICES), "the baseline's house prices moved");
    let fall = "price_growth = { 2022 = -5.3, 2023 = 2.2, 2024 = -7.4, 2025 = -14.0, 2031 = 0.0 }";
    let f = run(&text.replace(PRICES, fall));
    let b = base();
    // Prices act with a quarter's lag: 2025Q1 reads 2024's.
    assert_eq!(
        at(&f, "developer_credit_growth", 2025, 1),
        at(b, "developer_credit_growth", 2025, 1)
    );
    assert!(at(&f, "developer_credit_growth", 2025, 2) < at(b, "developer_credit_growth", 2025, 2));
    assert!(
        at(&f, "property_investment_credit", 2025, 4)
            < at(b, "property_investment_credit", 2025, 4) - 1.0
    );
    for ends in [
        "developer_credit_collateral_elasticity = 1.5\nsales_price_expectation_elasticity = 1.5\nmortgage_rate_semi_elasticity = 10.0\ndeveloper_credit_rate_semi_elasticity = 1.0\nloan_share_of_developer_funds = 0.45\ndeveloper_credit_adjustment = 0.5\nsales_adjustment = 0.6\nproperty_investment_adjustment = 1.0",
        "developer_credit_collateral_elasticity = 1.5\nsales_price_expectation_elasticity = 1.5\nmortgage_rate_semi_elasticity = 10.0\ndeveloper_credit_rate_semi_elasticity = 1.0\nloan_share_of_developer_funds = 0.45\ndeveloper_credit_adjustment = 0.15\nsales_adjustment = 0.2\nproperty_investment_adjustment = 0.25",
    ] {
        let doc = format!("{}\n[params]\n{ends}\n", text.replace(PRICES, fall));
        let r = plenum_scenario::run_scenario(econ(), &parse(&doc), calibration(), None).unwrap();
        // Bound of d: β_r |Δrr| + β_h |Δh| over the run (Δ from 2024Q2).
        let rr0 = at(&r, "real_rate", 2024, 2);
        let drr = quarters(&r)
            .map(|(y, n)| (at(&r, "real_rate", y, n) - rr0).abs())
            .fold(0.0, f64::max);
        let d_bound = 1.0 * drr + 1.5 * (14.0 - 7.4);
        // Bound of x: ε_m |Δi^M| + ε_h |Δh^e|.
        let rm = |y: i32, n: u8| at(&r, "mortgage_rate", y, n);
        let rm0 = rm(2024, 2);
        let drm = quarters(&r)
            .map(|(y, n)| (rm(y, n) - rm0).abs())
            .fold(0.0, f64::max);
        let x_bound = 10.0 * drm + 1.5 * (14.0 - 7.4);
        let y_bound = 0.51 * x_bound + 0.45 * d_bound;
        let mut last_moves = [0.0f64; 3];
        for (y, n) in quarters(&r) {
            let d = at(&r, "developer_credit_growth", y, n) + 9.9;
            let x = at(&r, "property_sales_credit", y, n);
            let inv = at(&r, "property_investment_credit", y, n);
            assert!(d.abs() <= d_bound + 1e-9, "{y}Q{n} d {d} bound {d_bound}");
            assert!(x.abs() <= x_bound + 1e-9, "{y}Q{n} x {x} bound {x_bound}");
            assert!(inv.abs() <= y_bound + 1e-9, "{y}Q{n} y {inv} bound {y_bound}");
            // No collapse: China keeps growing.
            assert!(at(&r, "gdp_growth_yoy", y, n) > 1.0, "{y}Q{n}");
            if y == 2030 && n > 1 {
                let prev = |v: &str| at(&r, v, y, n - 1);
                last_moves = [
                    last_moves[0].max((d - prev("developer_credit_growth") - 9.9).abs()),
                    last_moves[1].max((x - prev("property_sales_credit")).abs()),
                    last_moves[2].max((inv - prev("property_investment_credit")).abs()),
                ];
            }
        }
        // No acceleration: in 2030 (with the LPR at its floor and
        // deflation raising the real rate, the money block's debt-deflation
        // drift) no departure moves by more than 1.5 points a quarter.
        assert!(last_moves.iter().all(|m| *m < 1.5), "{last_moves:?}");
        eprintln!(
            "range ends, prices -14% a year: 2030 d {:+.2} x {:+.2} y {:+.2} (bounds {d_bound:.2}, {x_bound:.2}, {y_bound:.2}); largest move a quarter in 2030 {last_moves:.2?}",
            at(&r, "developer_credit_growth", 2030, 4) + 9.9,
            at(&r, "property_sales_credit", 2030, 4),
            at(&r, "property_investment_credit", 2030, 4),
        );
    }
}

/// With the channel's elasticities at zero every departure is zero, the
/// property indices are the scenario's paths exactly, and neither a 5-year
/// cut nor house prices (through the channel) move any quarter of GDP: the
/// run is the one before the channel.
#[test]
fn with_zero_elasticities_the_channel_moves_nothing() {
    let zero = |doc: &str| {
        let mut s = parse(doc);
        for name in [
            "mortgage_rate_semi_elasticity",
            "sales_price_expectation_elasticity",
            "developer_credit_rate_semi_elasticity",
            "developer_credit_collateral_elasticity",
        ] {
            assert!(s.params.set(name, 0.0));
        }
        plenum_scenario::run_scenario(econ(), &s, calibration(), None).unwrap()
    };
    let z = zero(&baseline_text());
    let zc = zero(&with_money("lpr5_cut_pp = { 2024 = 0.5 }"));
    let scn = parse(&baseline_text());
    for (k, t) in z.quarters.iter().enumerate() {
        let (y, n) = (t.year(), (t.0.rem_euclid(4) + 1) as u8);
        for v in [
            "property_sales_credit",
            "property_investment_credit",
            "contrib_block_property_credit",
        ] {
            assert_eq!(at(&z, v, y, n), 0.0, "{v} {t}");
        }
        let pi = plenum_scenario::blocks::property::indices(
            &scn.property_investment,
            &scn.property_sales,
            Quarter(t.0),
        );
        assert_eq!(at(&z, "property_sales_index", y, n), pi.sales);
        assert_eq!(at(&z, "property_investment_index", y, n), pi.investment);
        let g = |r: &ScenarioRun| r.series("gdp_real", &r.region).unwrap().values[k];
        assert_eq!(g(&z), g(&zc), "{t}");
    }
}

/// The H1 2024 property facts (NBS, 15 Jul 2024) are met by the baseline
/// and do not move with the channel's parameters: the channel departs
/// from the data only after 2024Q2.
#[test]
fn the_h1_2024_property_facts_hold_whatever_the_channel() {
    let rows = |r: &ScenarioRun| -> Vec<(&'static str, f64, bool)> {
        plenum_scenario::calibrate::fit(r)
            .into_iter()
            .filter(|f| {
                f.target.starts_with("real-estate")
                    || f.target.starts_with("floor area")
                    || f.target.starts_with("sales value")
                    || f.target.starts_with("land revenue")
            })
            .map(|f| (f.target, f.model, f.met()))
            .collect()
    };
    let b = rows(base());
    assert_eq!(b.len(), 4);
    assert!(b.iter().all(|(_, _, met)| *met), "{b:?}");
    let ends = "mortgage_rate_semi_elasticity = 10.0\nsales_price_expectation_elasticity = 1.5\ndeveloper_credit_collateral_elasticity = 1.5\nsales_adjustment = 0.6\nproperty_investment_adjustment = 1.0\nmortgage_floor_removal = -0.4";
    let e = run(&format!("{}\n[params]\n{ends}\n", baseline_text()));
    assert_eq!(rows(&e), b);
}
