//! The managed exchange rate on the embedded default table (issue 11,
//! "a managed exchange rate that moves import prices and exports";
//! `blocks/fx.rs`): the rate is at its 2024Q2 level to then and follows
//! the LPR after; a weaker yuan raises import prices, the deflator and the
//! CPI and moves demand to China's producers (a contribution of its own,
//! block `fx`), a stronger one the reverse; a pegged rate moves nothing.

mod common;

use common::baseline::{at, base, baseline_text, run};
use plenum_scenario::{shipped, ScenarioRun};

fn with_money(extra: &str) -> String {
    format!("{}\n[money]\n{extra}\n", baseline_text())
}

/// Σ of the block contributions against growth, every recorded quarter.
fn contributions_add_up(r: &ScenarioRun) {
    let g = &r.series("gdp_growth_yoy", &r.region).unwrap().values;
    for (k, gk) in g.iter().enumerate() {
        let sum: f64 = plenum_scenario::contrib::BLOCK_VARS
            .iter()
            .map(|v| r.series(v, &r.region).unwrap().values[k])
            .sum();
        assert!((sum - gk).abs() < 1e-9, "quarter {k}: {sum} vs {gk}");
    }
}

#[test]
fn the_rate_is_flat_to_2024q2_then_weakens_as_the_lpr_falls() {
    let b = base();
    for (y, n) in [(2023, 1), (2023, 4), (2024, 1), (2024, 2)] {
        assert_eq!(at(b, "exchange_rate", y, n), 7.24, "{y}Q{n}");
        assert_eq!(at(b, "contrib_block_fx", y, n), 0.0, "{y}Q{n}");
    }
    // The rule cuts the LPR from 2024Q3: the yuan weakens, a little.
    let e25 = at(b, "exchange_rate", 2025, 4);
    let lpr25 = at(b, "lpr", 2025, 4);
    eprintln!("baseline: LPR 2025Q4 {lpr25:.2}, yuan per USD {e25:.3}");
    assert!(lpr25 < 3.45 && e25 > 7.24, "{lpr25} {e25}");
    // At most ζ = 2% per pp of the cut (management only slows it).
    assert!(e25 <= 7.24 * (0.02 * (3.45 - lpr25)).exp() + 1e-12);
    contributions_add_up(b);
}

#[test]
fn a_managed_depreciation_raises_prices_and_moves_demand_to_china() {
    let b = base();
    let w = run(&with_money("fx_managed_depreciation = { 2025 = 10.0 }"));
    let s = run(&with_money("fx_managed_depreciation = { 2025 = -10.0 }"));
    // Nothing moves before the lever's first year.
    for n in 1..=4u8 {
        for v in ["gdp_growth_yoy", "cpi", "exchange_rate"] {
            assert_eq!(at(&w, v, 2024, n), at(b, v, 2024, n), "{v} 2024Q{n}");
        }
    }
    // Half of the 10% in the first quarter (management 0.5), most of it
    // within a year.
    let z1 = (at(&w, "exchange_rate", 2025, 1) / at(b, "exchange_rate", 2025, 1)).ln();
    let z4 = (at(&w, "exchange_rate", 2025, 4) / at(b, "exchange_rate", 2025, 4)).ln();
    eprintln!("log move against the baseline: 2025Q1 {z1:.4}, 2025Q4 {z4:.4}");
    assert!((z1 - 0.05).abs() < 0.01, "{z1}");
    assert!(z4 > 0.08 && z4 < 0.11, "{z4}");
    // Prices: import prices, then the deflator and the CPI.
    for v in ["import_prices", "cpi", "deflator"] {
        let d = at(&w, v, 2025, 4) - at(b, v, 2025, 4);
        let u = at(&s, v, 2025, 4) - at(b, v, 2025, 4);
        eprintln!("{v} 2025Q4: weaker {d:+.3} pp, stronger {u:+.3} pp");
        assert!(d > 0.0 && u < 0.0, "{v}: {d} {u}");
    }
    // Trade: demand moves to China's producers a quarter later; the
    // contribution is the block's own, inside net exports.
    // (2025Q1 trades on 2024Q4's rate, the same in both runs; only the
    // weights of the switch move with the quarter's prices.)
    let (f1, f0) = (
        at(&w, "contrib_block_fx", 2025, 1),
        at(b, "contrib_block_fx", 2025, 1),
    );
    assert!((f1 - f0).abs() < 1e-3 * f0.abs().max(1e-3), "{f1} vs {f0}");
    let fx = at(&w, "contrib_block_fx", 2025, 4);
    let fx_s = at(&s, "contrib_block_fx", 2025, 4);
    eprintln!(
        "contrib_block_fx 2025Q4: weaker {fx:.3}, stronger {fx_s:.3}, baseline {:.3}",
        at(b, "contrib_block_fx", 2025, 4)
    );
    assert!(fx > 0.1 && fx_s < -0.1, "{fx} {fx_s}");
    // Against the published average: a 10% real depreciation raises real
    // net exports by about 1.5% of GDP (IMF WEO Oct 2015, ch. 3,
    // "Exchange Rates and Trade Flows: Disconnected?"). The switch of the
    // year to 2025Q4, per 10% of the move, lies within half and twice it.
    let per10 = (fx - at(b, "contrib_block_fx", 2025, 4)) * 0.1 / z4;
    eprintln!("switch per 10% depreciation: {per10:.2}% of GDP (IMF: ~1.5)");
    assert!((0.75..3.0).contains(&per10), "{per10}");
    let nx = |r: &ScenarioRun| at(r, "net_exports", 2025, 4);
    assert!(nx(&w) > nx(b) && nx(&s) < nx(b));
    let (g0, gw, gs) = (
        b.annual_growth(&b.region, 2025),
        w.annual_growth(&w.region, 2025),
        s.annual_growth(&s.region, 2025),
    );
    eprintln!("2025 growth: baseline {g0:.3}, weaker {gw:.3}, stronger {gs:.3}");
    assert!(gw > g0 && gs < g0, "{gw} {g0} {gs}");
    contributions_add_up(&w);
    contributions_add_up(&s);
}

#[test]
fn a_pegged_rate_moves_nothing() {
    let peg = run(&format!(
        "{}\n[params]\nfx_management = 0.9\nfx_rate_pressure = 0.0\n",
        baseline_text()
    ));
    // No pressure: the rate stays at its level whatever the LPR does.
    for y in 2024..=2030 {
        assert_eq!(at(&peg, "exchange_rate", y, 4), 7.24, "{y}");
        assert_eq!(at(&peg, "contrib_block_fx", y, 4), 0.0, "{y}");
    }
    // A stronger foreign rate path with a free float weakens the yuan.
    let free = run(&format!(
        "{}\n[params]\nfx_management = 0.2\n[money]\nforeign_rate_change_pp = {{ 2025 = 1.0 }}\n",
        baseline_text()
    ));
    assert!(at(&free, "exchange_rate", 2025, 4) > at(base(), "exchange_rate", 2025, 4));
}

#[test]
fn bad_levers_are_errors_naming_the_key() {
    let doc = with_money("fx_managed_depreciation = { 2025 = 60.0 }");
    let e = plenum_scenario::parse_scenario(&doc, "try.toml", &shipped::lookup)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fx_managed_depreciation") && e.contains("try.toml"),
        "{e}"
    );
    let doc = with_money("foreign_rate_change_pp = { 2025Q1 = 1.0 }");
    let e = plenum_scenario::parse_scenario(&doc, "try.toml", &shipped::lookup)
        .unwrap_err()
        .to_string();
    assert!(e.contains("foreign_rate_change_pp"), "{e}");
}
