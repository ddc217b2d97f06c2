//! The extended mode: trade restrictions, critical inputs, paths, time
//! steps, hooks, ensembles and conservation.

#![allow(clippy::needless_range_loop, clippy::result_large_err)]

mod common;

use std::path::PathBuf;

use plenum_sim::{
    build_extended, parse_shocks_file, Controls, Ensemble, Hook, StateView, Trajectory,
};
use plenum_table::MrioTable;

fn agg3x5() -> MrioTable {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/agg3x5_rebuild_shortage/mrio");
    common::read_pymrio_core(&dir)
}

fn run(table: &MrioTable, text: &str, steps: usize) -> Trajectory {
    let f = parse_shocks_file(text, "shocks.toml").expect("parse");
    let mut m = build_extended(table, &f).expect("build");
    m.run(steps, true).expect("run")
}

fn max_rel_diff(a: &Trajectory, b: &Trajectory) -> f64 {
    let mut w = 0.0f64;
    for (ra, rb) in a.production_realised.iter().zip(&b.production_realised) {
        for (x, y) in ra.iter().zip(rb) {
            w = w.max((x - y).abs() / y.abs().max(1e-12));
        }
    }
    w
}

const SHOCK: &str = r#"
[[event]]
event_type = "recovery"
impact = 100000000.0
affected_regions = ["reg2"]
affected_sectors = ["manufactoring", "mining"]
duration = 30
recovery_tau = 120
event_monetary_factor = 1000000
"#;

#[test]
fn a_trade_restriction_of_zero_changes_nothing() {
    let t = agg3x5();
    let base = run(&t, SHOCK, 200);
    let with = run(
        &t,
        &format!(
            "{SHOCK}\n[[trade_restriction]]\nproduct = \"manufactoring\"\norigins = [\"reg2\", \"reg3\"]\ndestination = \"reg1\"\nreduction = 0.0\nsubstitutability = 0.5\n"
        ),
        200,
    );
    assert_eq!(base, with);
    // And a real restriction does change something (the test can fail).
    let cut = run(
        &t,
        &format!(
            "{SHOCK}\n[[trade_restriction]]\nproduct = \"manufactoring\"\norigins = [\"reg2\", \"reg3\"]\ndestination = \"reg1\"\nreduction = 0.3\n"
        ),
        200,
    );
    assert!(max_rel_diff(&cut, &base) > 1e-3);
}

/// A restriction on manufactoring from reg2 and reg3 (17 % of reg1's
/// supply; a critical input of reg1/mining) to reg1, with ample spare
/// capacity in reg1 (+50 %), whose manufactoring needs little of itself.
fn restriction(sigma: f64) -> String {
    format!(
        r#"
[[capacity_path]]
regions = ["reg1"]
sectors = ["manufactoring"]
kind = "addition"
path = 0.5

[[trade_restriction]]
product = "manufactoring"
origins = ["reg2", "reg3"]
destination = "reg1"
reduction = [[0, 0.0], [10, 0.0], [40, 0.8]]
substitutability = {sigma}
adjustment_speed = 1.0
"#
    )
}

#[test]
fn full_substitutability_with_spare_capacity_makes_a_cap_nearly_harmless() {
    let t = agg3x5();
    let base = run(
        &t,
        &restriction(0.0).replace(
            "reduction = [[0, 0.0], [10, 0.0], [40, 0.8]]",
            "reduction = 0.0",
        ),
        300,
    );
    let none = run(&t, &restriction(0.0), 300);
    let full = run(&t, &restriction(1.0), 300);
    let ns = base.sectors.len();
    // Output of reg1's industries relative to the unrestricted run.
    let loss = |tr: &Trajectory| -> f64 {
        let mut worst = 0.0f64;
        for (a, b) in tr.production_realised.iter().zip(&base.production_realised) {
            for i in 0..ns {
                worst = worst.max(1.0 - a[i] / b[i]);
            }
        }
        worst
    };
    let (l0, l1) = (loss(&none), loss(&full));
    eprintln!("worst loss in reg1: sigma=0 {l0:.4}, sigma=1 {l1:.6}");
    // σ = 0: no supplier fills the gap (ARIO's inventory-gap orders are
    // not passed on), so the cut bites in full once inventories run down.
    assert!(l0 > 1e-3, "the cap must bite without substitutes: {l0}");
    assert!(
        l1 <= 0.1 * l0,
        "with full substitutes the cap is nearly harmless: {l1}"
    );
}

/// Two regions, a product p that region A's industry u buys only from B.
fn two_region_table() -> MrioTable {
    // Industries: A/p, A/u, B/p, B/u; final demand 60 at home, 20 abroad.
    let z = [
        [10.0, 0.0, 5.0, 5.0],
        [5.0, 10.0, 5.0, 5.0],
        [5.0, 30.0, 10.0, 10.0],
        [5.0, 10.0, 5.0, 10.0],
    ];
    let y = std::array::from_fn(|i| std::array::from_fn(|c| if i / 2 == c { 60.0 } else { 20.0 }));
    common::table_2x2(z, y)
}

fn cut_p(critical: bool) -> String {
    format!(
        r#"
[[trade_restriction]]
product = "p"
origins = ["B"]
destination = "A"
reduction = 1.0
substitutability = 0.0

[[critical_input]]
input = "p"
user = "u"
critical = {critical}
"#
    )
}

#[test]
fn zero_substitutability_on_a_critical_input_gives_the_leontief_loss() {
    let t = two_region_table();
    let crit = run(&t, &cut_p(true), 365);
    let noncrit = run(&t, &cut_p(false), 365);
    let u = 1; // A/u
    let x0 = crit.production_realised[0][u];
    let end_c = crit.production_realised[364][u] / x0;
    let end_n = noncrit.production_realised[364][u] / x0;
    // Share of p in A/u's inputs: 30 / (0 + 10 + 30 + 10).
    let w = 30.0 / 50.0;
    eprintln!(
        "A/u output at day 365: critical {end_c:.4}, non-critical {end_n:.4} (1 - w = {:.2})",
        1.0 - w
    );
    // Leontief: no p, no output (inventories run out).
    assert!(end_c < 0.02, "critical input cut: {end_c}");
    // Non-critical: output falls by at most the input's share.
    assert!(end_n >= 1.0 - w - 0.05, "non-critical input cut: {end_n}");
    assert!(
        end_n < 1.0,
        "non-critical input cut still costs something: {end_n}"
    );
}

#[test]
fn conservation_holds_each_step() {
    let t = agg3x5();
    let text = format!(
        "{SHOCK}\n{}\n[[final_demand_path]]\nregions = [\"reg3\"]\npath = [[0, 1.0], [100, 0.8]]\n",
        restriction(0.5)
    );
    let f = parse_shocks_file(&text, "s.toml").expect("parse");
    let mut m = build_extended(&t, &f).expect("build");
    for step in 0..250 {
        m.step(false).expect("step");
        let b = m.last_balance();
        let out = b.delivered_intermediate + b.delivered_final + b.delivered_rebuild;
        assert!(
            (b.production - out).abs() <= 1e-12 * b.production,
            "step {step}: production {} vs deliveries {out}",
            b.production
        );
    }
    // Whole-run check on the inventory identity, one step at a time.
    let mut m = build_extended(&t, &f).expect("build");
    let mut s_prev = m.step(true).expect("step").inputs_stocks.expect("stocks");
    let mut flows = m.last_balance();
    for step in 1..250 {
        let s_now = m.step(true).expect("step").inputs_stocks.expect("stocks");
        let dn: f64 = s_now.iter().zip(&s_prev).map(|(a, b)| a - b).sum();
        let expect =
            flows.inputs_delivered_finite - flows.inputs_used_finite + flows.inventory_clamped;
        let scale: f64 = s_prev.iter().sum();
        assert!(
            (dn - expect).abs() <= 1e-10 * scale,
            "step {step}: Δ inventories {dn} vs {expect}"
        );
        s_prev = s_now;
        flows = m.last_balance();
    }
}

#[test]
fn day_and_quarter_steps_agree_on_a_slow_shock() {
    let t = agg3x5();
    let shock = r#"
[[final_demand_path]]
regions = ["reg1"]
path = [[0, 1.0], [730, 0.9]]
"#;
    let day = run(&t, &format!("[simulation]\nstep = \"day\"\n{shock}"), 730);
    let quarter = run(&t, &format!("[simulation]\nstep = \"quarter\"\n{shock}"), 8);
    let n = day.n_industries();
    let mut worst = 0.0f64;
    let mut effect = 0.0f64;
    for q in 0..8 {
        let (d0, d1) = (
            (q as f64 * 91.25).round() as usize,
            ((q + 1) as f64 * 91.25).round() as usize,
        );
        for i in 0..n {
            let base = day.production_realised[0][i];
            let mean_day: f64 =
                (d0..d1).map(|d| day.production_realised[d][i]).sum::<f64>() / (d1 - d0) as f64;
            let q_rate = quarter.production_realised[q][i] / 91.25;
            worst = worst.max((mean_day - q_rate).abs() / base);
            effect = effect.max((base - mean_day).abs() / base);
        }
    }
    eprintln!("largest effect {effect:.4}, largest day/quarter gap {worst:.5} (of baseline)");
    assert!(effect > 0.02, "the shock must matter: {effect}");
    assert!(
        worst < 0.1 * effect,
        "day and quarter paths differ by {worst} for an effect of {effect}"
    );
}

struct Austerity {
    calls: usize,
}

impl Hook for Austerity {
    fn after_step(&mut self, view: &StateView<'_>, controls: &mut Controls) {
        self.calls += 1;
        assert_eq!(view.value_added_by_region.len(), view.regions.len());
        // From day 50 on, cut final demand everywhere by 10 %.
        if view.temporal_unit >= 50.0 {
            controls
                .final_demand_scale
                .iter_mut()
                .for_each(|v| *v = 0.9);
        }
    }
}

#[test]
fn a_hook_sets_final_demand_for_the_next_step() {
    let t = agg3x5();
    let f = parse_shocks_file("", "s.toml").expect("parse");
    let mut m = build_extended(&t, &f).expect("build");
    let mut h = Austerity { calls: 0 };
    let tr = m.run_with_hook(120, false, &mut h).expect("run");
    assert_eq!(h.calls, 120);
    let x0: f64 = tr.production_realised[0].iter().sum();
    let x49: f64 = tr.production_realised[49].iter().sum();
    let x119: f64 = tr.production_realised[119].iter().sum();
    assert!((x49 - x0).abs() <= 1e-9 * x0, "no change before day 50");
    assert!(x119 < 0.97 * x0, "demand cut lowers output: {}", x119 / x0);
}

#[test]
fn ensembles_equal_single_runs_exactly() {
    let t = agg3x5();
    let texts = [
        SHOCK.to_string(),
        restriction(0.5),
        format!("{SHOCK}\n{}", cut_p_like()),
        String::new(),
    ];
    let f0 = parse_shocks_file(&texts[0], "s.toml").expect("parse");
    let base = build_extended(&t, &f0).expect("build");
    let mut members = Vec::new();
    let mut singles = Vec::new();
    for text in &texts {
        let f = parse_shocks_file(text, "s.toml").expect("parse");
        let mut single = build_extended(&t, &f).expect("build");
        singles.push(single.run(150, true).expect("run"));
        // Members share Z⁰ with `base`: same table, different shocks.
        members.push(base.variant(&t, &f).expect("variant"));
    }
    let mut ens = Ensemble::new(members).expect("ensemble");
    let batched = ens.run(150, true).expect("run");
    for (k, (a, b)) in batched.iter().zip(&singles).enumerate() {
        assert_eq!(a, b, "member {k}");
    }
}

fn cut_p_like() -> String {
    r#"
[[critical_input]]
input = "mining"
critical = false
"#
    .to_string()
}

/// Adds final demand on one origin industry (`Controls::final_demand_add`).
struct AddOne {
    i: usize,
    amount: f64,
}

impl Hook for AddOne {
    fn after_step(&mut self, v: &StateView<'_>, c: &mut Controls) {
        let n = v.production.len();
        let nfd =
            v.regions.len() * (c.final_demand_scale.len() / (v.regions.len() * v.sectors.len()));
        if c.final_demand_add.is_empty() {
            c.final_demand_add = vec![0.0; n * nfd];
            c.capacity_scale.fill(1.2);
        }
        c.final_demand_add[self.i * nfd] = self.amount;
    }
}

#[test]
fn added_final_demand_lands_on_its_origin_and_keeps_the_balance() {
    let t = agg3x5();
    let f = parse_shocks_file("", "s.toml").expect("parse");
    let i = 1;
    let base = build_extended(&t, &f)
        .expect("build")
        .run_with_hook(60, false, &mut AddOne { i, amount: 0.0 })
        .expect("run");
    let mut m = build_extended(&t, &f).expect("build");
    let x0 = base.production_realised[0][i];
    let mut h = AddOne {
        i,
        amount: 0.05 * x0,
    };
    let tr = m.run_with_hook(60, false, &mut h).expect("run");
    // Step 1 is before the hook first ran: unchanged, bit for bit.
    assert_eq!(tr.production_realised[0], base.production_realised[0]);
    let gain = tr.production_realised[59][i] / base.production_realised[59][i] - 1.0;
    assert!(
        gain > 0.03,
        "origin's output rises with the added demand: {gain}"
    );
    let b = m.last_balance();
    let out = b.delivered_intermediate + b.delivered_final + b.delivered_rebuild;
    assert!((b.production - out).abs() <= 1e-12 * b.production);
    // A negative entry takes demand away from its origin, never below
    // zero: an exchange rate's switch between origins.
    let y0: f64 = base.production_realised[0][i];
    let mut m = build_extended(&t, &f).expect("build");
    let tr = m
        .run_with_hook(
            60,
            false,
            &mut AddOne {
                i,
                amount: -0.05 * x0,
            },
        )
        .expect("run");
    let loss = tr.production_realised[59][i] / base.production_realised[59][i] - 1.0;
    assert!(loss < -1e-5, "origin's output falls: {loss} (x0 {y0})");
    let b = m.last_balance();
    let out = b.delivered_intermediate + b.delivered_final + b.delivered_rebuild;
    assert!((b.production - out).abs() <= 1e-12 * b.production);
    let mut m = build_extended(&t, &f).expect("build");
    let tr = m
        .run_with_hook(
            20,
            false,
            &mut AddOne {
                i,
                amount: -1e6 * x0,
            },
        )
        .expect("run");
    assert!(tr.production_realised[19]
        .iter()
        .all(|v| v.is_finite() && *v >= 0.0));
    // The entry is emptied, not turned negative: output falls at least as
    // much as with the small cut (which here already empties this small
    // entry), and by no more than the entry.
    let all = tr.production_realised[19][i] / base.production_realised[19][i] - 1.0;
    assert!(all <= loss + 1e-12 && all > -0.5, "{all} vs {loss}");
    // A vector of the wrong length is an error, not a silent no-op.
    let mut m = build_extended(&t, &f).expect("build");
    if let Some(c) = m.controls_mut() {
        c.final_demand_add = vec![1.0; 3];
    }
    let e = m.run(2, false).unwrap_err().to_string();
    assert!(e.contains("final_demand_add"), "{e}");
}
