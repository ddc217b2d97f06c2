//! The money block on the embedded default table (issue 11, "money and
//! credit"): the LPR is data to 2024Q2 and then moves by the rule in single
//! steps; deflation makes the real rate exceed the LPR; credit after the
//! last observed year comes from the rule; a cut of the LPR (the scenario's
//! lever) and firmer house prices (collateral) raise credit and, a year
//! later, manufacturing investment and growth.

mod common;

use common::baseline::{at, base, baseline_text, run};

#[test]
fn the_lpr_is_data_to_2024q2_then_the_rule_in_single_steps() {
    let b = base();
    for y in 2024..=2026 {
        let line: Vec<String> = (1..=4u8)
            .map(|n| {
                format!(
                    "Q{n} lpr {:.2} real {:.2} credit {:.1} defl {:.2} growth {:.2} mfg {:+.2}",
                    at(b, "lpr", y, n),
                    at(b, "real_rate", y, n),
                    at(b, "credit_growth", y, n),
                    at(b, "deflator", y, n),
                    at(b, "gdp_growth_yoy", y, n),
                    at(b, "contrib_block_manufacturing", y, n),
                )
            })
            .collect();
        eprintln!("{y}: {}", line.join(" | "));
    }
    eprintln!(
        "growth 2024 {:.2}, 2025 {:.2}, 2026 {:.2}",
        b.annual_growth(&b.region, 2024),
        b.annual_growth(&b.region, 2025),
        b.annual_growth(&b.region, 2026)
    );
    assert_eq!(at(b, "lpr", 2024, 1), 3.45);
    assert_eq!(at(b, "lpr", 2024, 2), 3.45);
    assert_eq!(at(b, "lpr", 2023, 1), 3.65);
    assert_eq!(at(b, "lpr", 2023, 3), 3.45);
    let mut last = 3.45;
    for y in 2024..=2030 {
        for n in 1..=4u8 {
            if y == 2024 && n <= 2 {
                continue;
            }
            let i = at(b, "lpr", y, n);
            assert!((i - last).abs() <= 0.1 + 1e-9, "{y}Q{n}: {last} to {i}");
            assert!(i >= 2.0 - 1e-9, "{y}Q{n} below the floor: {i}");
            last = i;
        }
    }
    // Deflation in 2024 (the price block's deflator below zero): the
    // rule cuts, and the real rate is above the LPR.
    assert!(at(b, "deflator", 2024, 2) < 0.0);
    assert!(at(b, "lpr", 2024, 4) < 3.45);
    assert!(at(b, "real_rate", 2024, 3) > at(b, "lpr", 2024, 3));
}

#[test]
fn credit_after_the_data_comes_from_the_rule() {
    let b = base();
    // 2023 is data (40.3%), from 2024 the rule takes it down towards its
    // desired rate, below the 2023 figure and above the reference.
    assert_eq!(at(b, "credit_growth", 2023, 4), 40.3);
    let c24: f64 = (1..=4u8)
        .map(|n| at(b, "credit_growth", 2024, n))
        .sum::<f64>()
        / 4.0;
    eprintln!("credit 2024 mean {c24:.2}");
    assert!(at(b, "credit_growth", 2024, 1) < 40.3);
    assert!(at(b, "credit_growth", 2024, 4) < at(b, "credit_growth", 2024, 1));
    assert!((15.0..28.0).contains(&c24), "credit 2024 {c24}");
}

#[test]
fn an_lpr_cut_and_firmer_house_prices_raise_credit_and_later_growth() {
    let text = baseline_text();
    let cut = format!("{text}\n[money]\nlpr_cut_pp = {{ 2024 = 0.5 }}\n");
    let c = run(&cut);
    let b = base();
    // The cut applies from the rule's first quarter, not to the data.
    assert_eq!(at(&c, "lpr", 2024, 2), 3.45);
    assert!((at(&c, "lpr", 2024, 3) - (at(b, "lpr", 2024, 3) - 0.5)).abs() < 1e-9);
    assert!(at(&c, "real_rate", 2024, 3) < at(b, "real_rate", 2024, 3));
    assert!(at(&c, "credit_growth", 2024, 4) > at(b, "credit_growth", 2024, 4) + 0.05);
    // Manufacturing reads credit a year later: 2024 unchanged, 2025 up.
    // The cut weakens the yuan from 2024Q3 (blocks/fx.rs): import prices
    // move the deflator (and real fiscal flows) from 2024Q3 and trade
    // from 2024Q4, a little.
    for n in 1..=4u8 {
        let d = at(&c, "gdp_growth_yoy", 2024, n) - at(b, "gdp_growth_yoy", 2024, n);
        let tol = if n < 3 { 1e-9 } else { 0.1 };
        assert!(d.abs() < tol, "2024Q{n} moved by {d}");
    }
    assert!(
        at(&c, "contrib_block_manufacturing", 2025, 4)
            > at(b, "contrib_block_manufacturing", 2025, 4)
    );
    let (g0, g1) = (
        b.annual_growth(&b.region, 2025),
        c.annual_growth(&c.region, 2025),
    );
    eprintln!("2025 growth: baseline {g0:.3}, 50 bp cut {g1:.3}");
    assert!(g1 > g0, "{g1} vs {g0}");

    // Collateral: a smaller fall of house prices in 2024 raises credit.
    let from = "price_growth = { 2022 = -5.3, 2023 = 2.2, 2024 = -7.4,";
    assert!(text.contains(from), "the baseline's house prices moved");
    let firm = run(&text.replace(
        from,
        "price_growth = { 2022 = -5.3, 2023 = 2.2, 2024 = 0.0,",
    ));
    assert!(at(&firm, "credit_growth", 2025, 1) > at(b, "credit_growth", 2025, 1));
}

/// The money block against the path it replaced (loan growth assumed at
/// 20% in 2024 and 12% after): 2024 is the same (its investment reads
/// 2023's loans, data); from 2025 the growth gap is the manufacturing
/// block's credit term plus what it induces elsewhere, and the
/// manufacturing contribution carries the direct part.
#[test]
fn the_rule_against_the_assumed_credit_path() {
    let text = baseline_text();
    let from = "manufacturing_credit_growth = { 2022 = 29.6, 2023 = 40.3 }";
    assert!(text.contains(from), "the baseline's credit moved");
    let old = run(&text.replace(
        from,
        "manufacturing_credit_growth = { 2022 = 29.6, 2023 = 40.3, 2024 = 20.0, 2025 = 12.0 }",
    ));
    let b = base();
    for n in 1..=4u8 {
        let d = at(b, "gdp_growth_yoy", 2024, n) - at(&old, "gdp_growth_yoy", 2024, n);
        assert!(d.abs() < 1e-9, "2024Q{n} moved by {d}");
    }
    for y in [2025, 2026] {
        let line: Vec<String> = (1..=4u8)
            .map(|n| {
                format!(
                    "Q{n} growth {:+.3} mfg {:+.3}",
                    at(b, "gdp_growth_yoy", y, n) - at(&old, "gdp_growth_yoy", y, n),
                    at(b, "contrib_block_manufacturing", y, n)
                        - at(&old, "contrib_block_manufacturing", y, n)
                )
            })
            .collect();
        eprintln!("rule − assumed path {y}: {}", line.join(" | "));
    }
    let (g, m) = (
        at(b, "gdp_growth_yoy", 2025, 4) - at(&old, "gdp_growth_yoy", 2025, 4),
        at(b, "contrib_block_manufacturing", 2025, 4)
            - at(&old, "contrib_block_manufacturing", 2025, 4),
    );
    // The rule's 2024 credit (24%) is above the assumed 20%: more
    // manufacturing investment in 2025, and growth up with it.
    assert!(m > 0.0 && g > 0.0, "2025Q4: growth {g}, manufacturing {m}");
}
