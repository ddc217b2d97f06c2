//! How trade answers export controls (issue 12): anticipation (front-loading
//! before an announced measure, then the stock drawn down), rerouting
//! through a third economy (reported per quarter as leakage), and China's
//! countermeasures (gallium, germanium, graphite) hurting its partners'
//! output. On the default table.

use plenum_scenario::Quarter;
use plenum_scenario::{run_all, shipped, Economy, Scenario, ScenarioRun};

fn default_economy() -> Economy {
    let t = plenum_testdata::default_table().expect("default table");
    Economy::from_table(&t).expect("economy")
}

fn q(year: i32, quarter: u8) -> Quarter {
    Quarter::new(year, quarter)
}

fn scenario(name: &str) -> Scenario {
    shipped::shipped(name).expect("shipped").expect("parses")
}

fn series(r: &ScenarioRun, v: &str) -> Vec<(Quarter, f64)> {
    let s = r.series(v, "CHN").expect("series");
    r.quarters
        .iter()
        .copied()
        .zip(s.values.iter().copied())
        .collect()
}

#[test]
fn front_loading_then_drain_and_rerouting_are_reported_per_quarter() {
    let e = default_economy();
    let set = run_all(
        &e,
        &[scenario("baseline-2024"), scenario("controls-escalate")],
    )
    .expect("runs");
    let (b, c) = (&set.runs[0], &set.runs[1]);
    // The baseline's measures have no announcement or rerouting.
    for v in [
        "rerouted_flow",
        "front_loaded_imports",
        "stockpile_drawn",
        "rerouted_exports",
    ] {
        assert!(series(b, v).iter().all(|(_, x)| *x == 0.0), "baseline {v}");
    }
    let fl = series(c, "front_loaded_imports");
    let dr = series(c, "stockpile_drawn");
    let rr = series(c, "rerouted_flow");
    for ((t, f), ((_, d), (_, r))) in fl.iter().zip(dr.iter().zip(&rr)) {
        eprintln!("{t}: front-loaded {f:.4} drawn {d:.4} rerouted {r:.4}");
    }
    // The allies' rules, announced 2025Q1 for 2025Q3: buying over the two
    // lead quarters only, about the same amount in each (the flow grows
    // with demand).
    let at =
        |v: &[(Quarter, f64)], t: Quarter| v.iter().find(|x| x.0 == t).map_or(f64::NAN, |x| x.1);
    let (f1, f2) = (at(&fl, q(2025, 1)), at(&fl, q(2025, 2)));
    assert!(
        f1 > 0.0 && (f1 - f2).abs() <= 0.05 * f1,
        "front-loading {f1} {f2}"
    );
    let bought: f64 = fl.iter().map(|x| x.1).sum();
    assert!(
        (bought - f1 - f2).abs() <= 1e-9 * bought,
        "front-loading outside the lead"
    );
    // The stock is drawn from the start, never before, and never more than
    // was bought.
    assert!(dr.iter().filter(|x| x.0 < q(2025, 3)).all(|x| x.1 == 0.0));
    assert!(at(&dr, q(2025, 3)) > 0.0);
    let drawn: f64 = dr.iter().map(|x| x.1).sum();
    assert!(
        drawn <= bought * (1.0 + 1e-12),
        "drawn {drawn} > bought {bought}"
    );
    // The engine draws the stock until it is empty, within the run: all
    // that was bought is drawn (to rounding), and nothing is drawn once
    // it is.
    assert!(
        (drawn - bought).abs() <= 1e-9 * bought,
        "drawn {drawn} vs bought {bought}"
    );
    let last = dr.iter().rposition(|x| x.1 > 0.0).expect("drawn");
    assert!(dr[last + 1..].iter().all(|x| x.1 == 0.0));
    // Rerouting from the US measure's start, none before; leakage grows as
    // the measure phases in.
    assert!(rr.iter().filter(|x| x.0 < q(2025, 1)).all(|x| x.1 == 0.0));
    assert!(at(&rr, q(2025, 1)) > 0.0);
    assert!(at(&rr, q(2025, 4)) > at(&rr, q(2025, 1)));
    // The third economy earns its mark-up: APAC_REST's trade sector
    // produces more than in the baseline once rerouting starts.
    let trade = |r: &ScenarioRun| {
        let s = r
            .industry("output", "APAC_REST", "TRADE")
            .expect("APAC_REST TRADE");
        let k = r
            .quarters
            .iter()
            .position(|x| *x == q(2026, 1))
            .expect("2026Q1");
        s.values[k]
    };
    assert!(
        trade(c) > trade(b),
        "APAC_REST trade {} vs {}",
        trade(c),
        trade(b)
    );
}

#[test]
fn announcement_raises_the_origins_output_before_the_measure() {
    let e = default_economy();
    let with = scenario("controls-escalate");
    let mut without = with.clone();
    for m in &mut without.measures {
        m.anticipation = None;
    }
    let set = run_all(&e, &[with, without]).expect("runs");
    let (w, o) = (&set.runs[0], &set.runs[1]);
    // Japan's and the Netherlands' chip-tool makers sell China two
    // quarters of stock during the lead.
    for reg in ["JPN", "NLD"] {
        let out = |r: &ScenarioRun| {
            let s = r.industry("output", reg, "C28").expect("C28");
            let k = r
                .quarters
                .iter()
                .position(|x| *x == q(2025, 2))
                .expect("2025Q2");
            s.values[k]
        };
        assert!(
            out(w) > out(o),
            "{reg} C28 in 2025Q2: {} vs {}",
            out(w),
            out(o)
        );
    }
}

#[test]
fn china_countermeasures_cut_partners_output() {
    let e = default_economy();
    let with = scenario("controls-escalate");
    let mut without = with.clone();
    without
        .measures
        .retain(|m| !m.from.iter().any(|r| r == "CHN"));
    assert!(without.measures.len() + 2 == with.measures.len());
    let set = run_all(&e, &[with, without]).expect("runs");
    let (w, o) = (&set.runs[0], &set.runs[1]);
    let out = |r: &ScenarioRun, reg: &str, sec: &str| -> f64 {
        let s = r.industry("output", reg, sec).expect("industry");
        (0..4)
            .map(|k| {
                let i = r
                    .quarters
                    .iter()
                    .position(|x| *x == q(2026, k + 1))
                    .expect("2026");
                s.values[i]
            })
            .sum()
    };
    // Gallium and germanium: the partners' chip makers (C26); graphite:
    // their battery and electrical-equipment makers (C27).
    for (reg, sec) in [
        ("JPN", "C26"),
        ("KOR", "C26"),
        ("USA", "C26"),
        ("KOR", "C27"),
        ("DEU", "C27"),
        ("JPN", "C27"),
    ] {
        let (a, z) = (out(w, reg, sec), out(o, reg, sec));
        eprintln!("{reg}/{sec} 2026: {:+.3}%", 100.0 * (a / z - 1.0));
        assert!(
            a < z,
            "{reg}/{sec}: countermeasures do not cut output ({a} vs {z})"
        );
    }
}

#[test]
fn a_blocked_exporter_diverts_part_of_its_flow_to_third_markets() {
    let e = default_economy();
    let set = run_all(
        &e,
        &[
            scenario("baseline-2024"),
            scenario("decoupling-china-to-west"),
        ],
    )
    .expect("runs");
    let (b, d) = (&set.runs[0], &set.runs[1]);
    // The baseline's own measures (the 2022-23 rounds) block no exports of
    // China's; the decoupling blocks its C26/C28 exports from 2025Q1.
    assert!(series(b, "diverted_exports").iter().all(|x| x.1 == 0.0));
    let dv = series(d, "diverted_exports");
    let at = |t: Quarter| dv.iter().find(|x| x.0 == t).map_or(f64::NAN, |x| x.1);
    assert!(dv.iter().filter(|x| x.0 < q(2025, 1)).all(|x| x.1 == 0.0));
    assert!(at(q(2025, 1)) > 0.0);
    // It builds up at its speed while the measure phases in, then settles
    // (δ B grows only with demand).
    assert!(at(q(2025, 4)) > 2.0 * at(q(2025, 1)));
    let (a, z) = (at(q(2030, 3)), at(q(2030, 4)));
    assert!((z / a - 1.0).abs() < 0.02, "not settled: {a} {z}");
    // China's C26 producers still lose against the baseline, less as
    // diversion builds up (their buyers' redirection to other suppliers
    // is the same every quarter once the measure is in full effect).
    let out = |r: &ScenarioRun, t: Quarter| {
        let s = r.industry("output", "CHN", "C26").expect("C26");
        let k = r.quarters.iter().position(|x| *x == t).expect("quarter");
        s.values[k]
    };
    let loss = |t: Quarter| out(d, t) / out(b, t) - 1.0;
    assert!(loss(q(2030, 4)) < 0.0);
    assert!(
        loss(q(2030, 4)) > loss(q(2026, 1)),
        "{} {}",
        loss(q(2030, 4)),
        loss(q(2026, 1))
    );
    eprintln!(
        "diverted 2025Q1 {:.1}, 2025Q4 {:.1}, 2030Q4 {z:.1}; CHN C26 output 2026Q1 {:+.2}%, 2030Q4 {:+.2}%",
        at(q(2025, 1)),
        at(q(2025, 4)),
        100.0 * loss(q(2026, 1)),
        100.0 * loss(q(2030, 4))
    );
}

/// Rerouting is bounded: with the limit λ = 0 nothing leaks (and the run
/// is the one without rerouting); with a limit that does not bind the
/// leakage is ν of the blocked flow, so doubling ν doubles it; with a
/// limit that binds it is λ F_via, below ν B, and doubling λ doubles it
/// (both to 5%: the live flows move with the run). The scenario's λ = 0.5
/// does not bind on the default table (ν = 0.1 does).
#[test]
fn rerouting_is_bounded_by_its_limit_and_its_share() {
    let e = default_economy();
    let base = scenario("controls-escalate");
    let with = |limit: f64, share: f64| {
        let mut s = base.clone();
        for m in &mut s.measures {
            if let Some(r) = m.reroute.as_mut() {
                r.limit = limit;
                r.share = share;
            }
        }
        s
    };
    let mut none = base.clone();
    for m in &mut none.measures {
        m.reroute = None;
    }
    let set = run_all(
        &e,
        &[
            with(0.0, 0.1),
            none,
            with(10.0, 0.1),
            with(10.0, 0.2),
            base.clone(),
            with(0.001, 0.1),
            with(0.002, 0.1),
        ],
    )
    .expect("runs");
    let r = &set.runs;
    assert!(series(&r[0], "rerouted_flow").iter().all(|x| x.1 == 0.0));
    let gdp = |k: usize| series(&r[k], "gdp_real");
    assert_eq!(gdp(0), gdp(1), "λ = 0 is the run without rerouting");
    let total = |k: usize, y: i32| -> f64 {
        series(&r[k], "rerouted_flow")
            .iter()
            .filter(|x| x.0 >= q(y, 1) && x.0 <= q(y, 4))
            .map(|x| x.1)
            .sum()
    };
    for y in [2025, 2026, 2030] {
        let (free, double, dflt) = (total(2, y), total(3, y), total(4, y));
        let (tight, tight2) = (total(5, y), total(6, y));
        eprintln!(
            "{y}: rerouted λ 10 ν 0.1 {free:.1}, ν 0.2 {double:.1}, default (λ 0.5) {dflt:.1}, λ 0.001 {tight:.1}, λ 0.002 {tight2:.1}"
        );
        assert!(free > 0.0);
        assert!(
            (double / free - 2.0).abs() < 0.1,
            "{y}: {double} vs 2 × {free}"
        );
        assert!((dflt / free - 1.0).abs() < 1e-9, "{y}: {dflt} vs {free}");
        assert!(tight > 0.0 && tight2 < free, "{y}: the limit binds");
        // (In 2025 the measure phases in and ν B is below λ F_via at
        // first, so the limit binds only in part of the year.)
        if y > 2025 {
            assert!(
                (tight2 / tight - 2.0).abs() < 0.1,
                "{y}: {tight2} vs 2 × {tight}"
            );
        }
    }
}
