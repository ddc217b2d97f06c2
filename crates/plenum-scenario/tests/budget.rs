//! One budget (issue 11): the consolidated debt starts at the MoF's
//! end-2023 figure, a larger ultra-long bond programme raises growth
//! through the budget block's contributions, and debt moves by deficits.

use plenum_scenario::{Economy, Quarter};

fn econ() -> Economy {
    let t = plenum_testdata::default_table().unwrap();
    Economy::from_table(&t).unwrap()
}

#[test]
fn bonds_raise_growth_through_the_budget_and_debt_follows_deficits() {
    let e = econ();
    let base = plenum_scenario::baseline().unwrap();
    let cal = plenum_scenario::calibrate(&e, &base).unwrap();
    let b = plenum_scenario::run_scenario(&e, &base, cal.growth, None).unwrap();
    let text = "schema = 1\nname = \"bonds\"\ndescription = \"2 tn of ultra-long bonds a year from 2025\"\nextends = \"baseline-2024\"\n[budget]\nultra_long_bonds = { 2025 = 2.0 }\n";
    let s = plenum_scenario::parse_scenario(text, "bonds.toml", &plenum_scenario::shipped::lookup)
        .unwrap();
    let r = plenum_scenario::run_scenario(&e, &s, cal.growth, None).unwrap();
    let q = Quarter::new(2025, 4);
    let at = |run: &plenum_scenario::ScenarioRun, v: &str| run.at(v, "CHN", q);
    assert!(at(&r, "gdp_growth_yoy") > at(&b, "gdp_growth_yoy") + 0.2);
    assert!(at(&r, "contrib_block_budget") > at(&b, "contrib_block_budget") + 0.2);
    assert!(at(&r, "government_debt") > at(&b, "government_debt"));
    // Consolidated debt in 2024Q1: end-2023 statutory debt (70.77 tn,
    // 56.1% of GDP, MoF) plus one quarter's deficit.
    let q1 = Quarter::new(2024, 1);
    let d = b.at("government_debt", "CHN", q1);
    let f = b.at("government_deficit", "CHN", q1);
    assert!((d - f - 70.77).abs() < 1e-9, "{d} {f}");
    let ratio = b.at("government_debt_to_gdp", "CHN", q1);
    assert!((50.0..62.0).contains(&ratio), "{ratio}");
    // Debt moves by the consolidated deficit every quarter.
    let k0 = b.quarters.iter().position(|x| *x == q1).unwrap();
    let debt = &b.series("government_debt", "CHN").unwrap().values;
    let def = &b.series("government_deficit", "CHN").unwrap().values;
    for k in k0 + 1..b.quarters.len() {
        assert!(
            (debt[k] - debt[k - 1] - def[k]).abs() < 1e-9,
            "{}",
            b.quarters[k]
        );
    }
}
