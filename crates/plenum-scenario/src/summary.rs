//! The short comparison `plenum run` prints and the text the report shows
//! for each scenario: what moved, by how much, and through which
//! expenditure component (the GDP identity
//! ΔGDP = ΔC + ΔG + ΔI + ΔO + ΔX − ΔM − ΔS splits every change exactly).

use crate::results::ScenarioRun;

/// One row of the comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub scenario: String,
    /// Real growth by year, 2024 to the last full year (per cent).
    pub growth: Vec<(i32, f64)>,
    /// Average annual growth over those years.
    pub growth_avg: f64,
    /// Chips self-reliance in the first and last quarter from 2024Q1 (%).
    pub self_reliance_start: f64,
    pub self_reliance_end: f64,
    /// Local debt / GDP at the last quarter (%).
    pub debt_to_gdp_end: f64,
    /// Land revenue of the last full year (tn yuan).
    pub land_revenue_end: f64,
    /// Household consumption share of GDP, last full year (%).
    pub consumption_share_end: f64,
    pub last_year: i32,
}

fn last_full_year(run: &ScenarioRun) -> i32 {
    let last = run
        .quarters
        .last()
        .copied()
        .unwrap_or(crate::time::Quarter(35));
    if last.q() == 4 {
        last.year()
    } else {
        last.year() - 1
    }
}

pub fn summarise(run: &ScenarioRun) -> Summary {
    let r = &run.region;
    let ly = last_full_year(run);
    let growth: Vec<(i32, f64)> = (2024..=ly).map(|y| (y, run.annual_growth(r, y))).collect();
    let years = growth.len() as f64;
    let growth_avg = if growth.is_empty() {
        f64::NAN
    } else {
        100.0
            * ((run.annual_sum("gdp_real", r, ly) / run.annual_sum("gdp_real", r, 2023))
                .powf(1.0 / years)
                - 1.0)
    };
    let sr = run.series("self_reliance_chips", r);
    let start = run.at("self_reliance_chips", r, crate::time::Quarter(8));
    let end = sr
        .and_then(|s| s.values.last().copied())
        .unwrap_or(f64::NAN);
    let debt = run
        .series("local_debt_to_gdp", r)
        .and_then(|s| s.values.last().copied())
        .unwrap_or(f64::NAN);
    Summary {
        scenario: run.name.clone(),
        growth,
        growth_avg,
        self_reliance_start: start,
        self_reliance_end: end,
        debt_to_gdp_end: debt,
        land_revenue_end: run.annual_sum("land_revenue", r, ly),
        consumption_share_end: run.annual_mean("consumption_share", r, ly),
        last_year: ly,
    }
}

/// The comparison table as plain text (what `plenum run` prints).
pub fn comparison_text(runs: &[ScenarioRun]) -> String {
    let sums: Vec<Summary> = runs.iter().map(summarise).collect();
    let Some(first) = sums.first() else {
        return String::new();
    };
    let ly = first.last_year;
    let mut out = String::new();
    let w = sums
        .iter()
        .map(|s| s.scenario.len())
        .max()
        .unwrap_or(8)
        .max(8);
    out.push_str(&format!(
        "{:<w$}  {:>6} {:>6} {:>6}  {:>9}  {:>9}  {:>8}  {:>8}\n",
        "scenario",
        "g2024",
        format!("g{ly}"),
        "avg",
        "chips SR",
        "debt/GDP",
        "land",
        "cons/GDP"
    ));
    out.push_str(&format!(
        "{:<w$}  {:>6} {:>6} {:>6}  {:>9}  {:>9}  {:>8}  {:>8}\n",
        "",
        "%",
        "%",
        "%",
        format!("% {ly}Q4"),
        format!("% {ly}Q4"),
        format!("tn {ly}"),
        format!("% {ly}")
    ));
    for s in &sums {
        let g = |y: i32| {
            s.growth
                .iter()
                .find(|(yy, _)| *yy == y)
                .map_or(f64::NAN, |(_, v)| *v)
        };
        out.push_str(&format!(
            "{:<w$}  {:>6.2} {:>6.2} {:>6.2}  {:>9.1}  {:>9.1}  {:>8.2}  {:>8.1}\n",
            s.scenario,
            g(2024),
            g(ly),
            s.growth_avg,
            s.self_reliance_end,
            s.debt_to_gdp_end,
            s.land_revenue_end,
            s.consumption_share_end
        ));
    }
    out
}

fn pct(v: f64) -> String {
    format!("{v:+.2}%")
}

/// A short text saying what moved in `run` and why, in numbers; against
/// `baseline` when given (and different), else on its own.
pub fn narrative(run: &ScenarioRun, baseline: Option<&ScenarioRun>) -> Vec<String> {
    let r = &run.region;
    let s = summarise(run);
    let ly = s.last_year;
    let mut out = Vec::new();
    let g24 = s.growth.first().map_or(f64::NAN, |(_, v)| *v);
    let q = |v: &str, k: crate::time::Quarter| run.at(v, r, k);
    out.push(format!(
        "China's real GDP grows {:.2}% in 2024 (y/y {:.2}% in 2024Q1 and {:.2}% in 2024Q2) and {:.2}% a year on average over 2024-{ly}; {:.2}% in {ly}.",
        g24,
        q("gdp_growth_yoy", crate::time::Quarter(8)),
        q("gdp_growth_yoy", crate::time::Quarter(9)),
        s.growth_avg,
        s.growth.last().map_or(f64::NAN, |(_, v)| *v)
    ));
    match baseline.filter(|b| b.name != run.name) {
        Some(b) => {
            let gdp = run.annual_sum("gdp_real", r, ly);
            let gdp_b = b.annual_sum("gdp_real", r, ly);
            let d = |v: &str| 100.0 * (run.annual_sum(v, r, ly) - b.annual_sum(v, r, ly)) / gdp_b;
            let mut parts = [
                ("household consumption", d("consumption")),
                ("government consumption", d("government")),
                ("investment", d("investment")),
                ("other final demand", d("other_final")),
                ("exports", d("exports")),
                ("imports (less)", -d("imports")),
                ("inventory drawdown (less)", -d("inventory_drawdown")),
            ];
            parts.sort_by(|a, c| c.1.abs().total_cmp(&a.1.abs()));
            let top: Vec<String> = parts
                .iter()
                .take(3)
                .filter(|(_, v)| v.abs() >= 0.005)
                .map(|(n, v)| format!("{n} {v:+.2} pp"))
                .collect();
            let sb = summarise(b);
            out.push(format!(
                "Against the baseline, real GDP in {ly} is {} ({:+.2} pp of average growth). {}",
                pct(100.0 * (gdp / gdp_b - 1.0)),
                s.growth_avg - sb.growth_avg,
                if top.is_empty() {
                    "No expenditure component moves by 0.005% of GDP or more.".to_string()
                } else {
                    format!(
                        "The change comes from {} (shares of baseline GDP).",
                        top.join(", ")
                    )
                }
            ));
            out.push(format!(
                "Chips self-reliance (domestic share of China's use of {}) reaches {:.1}% in {ly}Q4 against {:.1}% in the baseline; local debt is {:.1}% of GDP against {:.1}%; land revenue in {ly} is {:.2} tn yuan against {:.2} tn; household consumption is {:.1}% of GDP against {:.1}%.",
                run.chips,
                s.self_reliance_end,
                sb.self_reliance_end,
                s.debt_to_gdp_end,
                sb.debt_to_gdp_end,
                s.land_revenue_end,
                sb.land_revenue_end,
                s.consumption_share_end,
                sb.consumption_share_end
            ));
            let cut: f64 = (2024..=ly)
                .map(|y| run.annual_sum("local_spending_cut", r, y))
                .sum();
            let cut_b: f64 = (2024..=ly)
                .map(|y| b.annual_sum("local_spending_cut", r, y))
                .sum();
            let int: f64 = (2024..=ly)
                .map(|y| run.annual_sum("interest_paid", r, y))
                .sum();
            let int_b: f64 = (2024..=ly)
                .map(|y| b.annual_sum("interest_paid", r, y))
                .sum();
            if (int - int_b).abs() > 0.005 || (cut - cut_b).abs() > 0.005 {
                out.push(format!(
                    "Local governments pay {:.2} tn yuan of interest over 2024-{ly} ({:+.2} tn against the baseline) and cut {:.2} tn of planned spending at the borrowing limit ({:+.2} tn).",
                    int,
                    int - int_b,
                    cut,
                    cut - cut_b
                ));
            }
        }
        None => {
            out.push(format!(
                "Land revenue falls from {:.2} tn yuan in 2023 to {:.2} tn in 2024 and is {:.2} tn in {ly}; local debt rises from {:.1}% of GDP in 2024Q1 to {:.1}% in {ly}Q4, with {:.2} tn of planned spending cut at the borrowing limit over 2024-{ly}.",
                run.annual_sum("land_revenue", r, 2023),
                run.annual_sum("land_revenue", r, 2024),
                s.land_revenue_end,
                q("local_debt_to_gdp", crate::time::Quarter(8)),
                s.debt_to_gdp_end,
                (2024..=ly).map(|y| run.annual_sum("local_spending_cut", r, y)).sum::<f64>()
            ));
            out.push(format!(
                "Chips self-reliance (domestic share of China's use of {}) moves from {:.1}% in 2024Q1 to {:.1}% in {ly}Q4; household consumption is {:.1}% of GDP in {ly}.",
                run.chips, s.self_reliance_start, s.self_reliance_end, s.consumption_share_end
            ));
        }
    }
    out
}

/// Scenario-minus-baseline contributions to China's growth, per
/// contribution variable (`contrib_…` and `contrib_block_…`), quarter by
/// quarter (the quarters both runs have, in `run`'s order; NaN where
/// either is undefined). They add up to the growth gap
/// (see [`crate::contrib`]).
pub fn contribution_gaps(run: &ScenarioRun, base: &ScenarioRun) -> Vec<(&'static str, Vec<f64>)> {
    crate::contrib::COMPONENT_VARS
        .iter()
        .chain(crate::contrib::BLOCK_VARS.iter())
        .map(|v| {
            let a = run.series(v, &run.region);
            let values = run
                .quarters
                .iter()
                .enumerate()
                .map(|(k, q)| {
                    let x = a.map_or(f64::NAN, |s| s.values[k]);
                    x - base.at(v, &base.region, *q)
                })
                .collect();
            (*v, values)
        })
        .collect()
}
