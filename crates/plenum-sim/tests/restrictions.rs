//! Trade restrictions of the extended mode: how overlapping restrictions
//! combine, the basis of the cap on a growing economy, what σ governs
//! (the Leontief loss at σ = 0, near harmlessness at σ = 1), buyer
//! sectors, the hook's restriction controls and what hooks see.

#![allow(clippy::needless_range_loop, clippy::result_large_err)]

mod common;

use plenum_sim::{
    build_extended, parse_shocks_file, ArioModel, ArioParams, Controls, ExtendedSpec, Hook,
    StateView, Trajectory,
};
use plenum_table::MrioTable;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A table of regions A, B and sectors p, u (industries A/p, A/u, B/p, B/u)
/// with final-demand columns A, B.
fn table(z: [[f64; 4]; 4], y: [[f64; 2]; 4]) -> MrioTable {
    common::table_2x2(z, y)
}

const AU: usize = 1;
const BP: usize = 2;

/// A/u sells only to final buyers (so its unconstrained output is its
/// final demand) and buys p from A (10) and B (30): B's share θ = 0.75.
fn leontief_table() -> MrioTable {
    table(
        [
            [5.0, 10.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 30.0, 5.0, 5.0],
            [0.0, 5.0, 10.0, 5.0],
        ],
        [[50.0, 0.0], [100.0, 0.0], [10.0, 20.0], [0.0, 50.0]],
    )
}

/// B/p sells only to A (A/u's inputs and A's final buyers) and buys only
/// from B/u, and A buys nothing else from B: what happens to B/p's sales
/// cannot feed back into A.
fn growth_table() -> MrioTable {
    table(
        [
            [5.0, 10.0, 0.0, 0.0],
            [5.0, 5.0, 0.0, 0.0],
            [0.0, 30.0, 0.0, 0.0],
            [0.0, 0.0, 10.0, 5.0],
        ],
        [[50.0, 0.0], [80.0, 0.0], [10.0, 0.0], [0.0, 50.0]],
    )
}

/// Ample spare capacity everywhere (+100 %).
const AMPLE: &str = "[[capacity_path]]\nkind = \"addition\"\npath = 1.0\n";

fn restriction(reduction: &str, sigma: f64, extra: &str) -> String {
    format!(
        "[[trade_restriction]]\nproduct = \"p\"\norigins = [\"B\"]\ndestination = \"A\"\nreduction = {reduction}\nsubstitutability = {sigma}\nadjustment_speed = 1.0\n{extra}\n"
    )
}

fn model(t: &MrioTable, text: &str) -> ArioModel {
    let f = parse_shocks_file(text, "shocks.toml").expect("parse");
    build_extended(t, &f).expect("build")
}

fn run(t: &MrioTable, text: &str, steps: usize) -> Trajectory {
    model(t, text).run(steps, true).expect("run")
}

/// A/u's output relative to its baseline at every step.
fn au(tr: &Trajectory) -> Vec<f64> {
    let x0 = tr.production_realised[0][AU];
    tr.production_realised.iter().map(|x| x[AU] / x0).collect()
}

#[test]
fn zero_substitutability_gives_the_leontief_loss_exactly() {
    let t = leontief_table();
    for phi in [0.5, 1.0] {
        let x = au(&run(
            &t,
            &format!("{AMPLE}{}", restriction(&phi.to_string(), 0.0, "")),
            1500,
        ));
        let leontief = 1.0 - phi * 0.75;
        // Inventories (90 days, ψ = 0.8) carry A/u through the first weeks.
        assert!((x[10] - 1.0).abs() < 1e-12, "phi {phi}: day 10 {}", x[10]);
        let worst = x[1400..]
            .iter()
            .map(|v| (v - leontief).abs())
            .fold(0.0f64, f64::max);
        eprintln!("phi {phi}: A/u output, last 100 days {:.9} (Leontief {leontief}), worst gap {worst:.2e}", x[1499]);
        assert!(worst < 1e-6, "phi {phi}: {worst}");
        // Never below the Leontief level on the way (no overshoot).
        assert!(x.iter().all(|v| *v >= leontief - 1e-6));
    }
}

#[test]
fn substitutability_sets_how_much_of_the_loss_is_avoided() {
    let t = leontief_table();
    // A/u's loss once inventories have run down: (1 − σ) times the
    // Leontief loss 0.375 (B supplies 3/4 of its p, half of it blocked).
    let loss = |sigma: f64| -> f64 {
        let x = au(&run(
            &t,
            &format!("{AMPLE}{}", restriction("0.5", sigma, "")),
            1500,
        ));
        1.0 - x[x.len() - 1]
    };
    let (l0, l5, l1) = (loss(0.0), loss(0.5), loss(1.0));
    eprintln!("A/u loss at the end: sigma 0 {l0:.4}, 0.5 {l5:.4}, 1 {l1:.2e}");
    assert!((l0 - 0.375).abs() < 1e-3, "{l0}");
    assert!((l5 - 0.5 * 0.375).abs() < 2e-3, "σ = 0.5: {l5}");
    assert!(l1 < 1e-9, "full substitutes and spare capacity: {l1}");
}

#[test]
fn without_spare_capacity_substitutes_cannot_help() {
    let t = leontief_table();
    // No capacity added: A/p works at capacity (α = 1 at baseline), so it
    // can take over only as its overproduction rises.
    let x = au(&run(&t, &restriction("0.5", 1.0, ""), 400));
    let with = au(&run(
        &t,
        &format!("{AMPLE}{}", restriction("0.5", 1.0, "")),
        400,
    ));
    let worst = |v: &[f64]| v.iter().map(|v| 1.0 - v).fold(0.0f64, f64::max);
    eprintln!(
        "sigma 1: loss without spare {:.4}, with {:.2e}",
        worst(&x),
        worst(&with)
    );
    assert!(worst(&x) > 10.0 * worst(&with).max(1e-6));
}

#[test]
fn a_restriction_keeps_its_share_on_a_growing_economy() {
    let t = growth_table();
    let base = format!(
        "[model]\ninfinite_inventories_sect = [\"p\"]\n{AMPLE}[[final_demand_path]]\nregions = [\"A\"]\npath = [[0, 1.0], [1095, 1.157625]]\n"
    );
    let free = run(&t, &base, 1095);
    let cut = run(&t, &format!("{base}{}", restriction("0.3", 0.0, "")), 1095);
    // B/p sells only to A, so its output is the restricted flow.
    let growth = free.production_realised[1094][BP] / free.production_realised[1][BP];
    assert!(growth > 1.15, "the flow must grow: {growth}");
    let mut worst = 0.0f64;
    for k in 1..1095 {
        let r = cut.production_realised[k][BP] / free.production_realised[k][BP];
        worst = worst.max((r - 0.7).abs());
    }
    eprintln!("flow grew {growth:.4}x; restricted/unrestricted within {worst:.2e} of 0.7");
    assert!(worst < 1e-9, "{worst}");
    // A's side does not feel it (σ = 0, p never constrains A/u here), up
    // to round-off in the orders' rescaling.
    for k in 0..1095 {
        let (a, b) = (
            cut.production_realised[k][AU],
            free.production_realised[k][AU],
        );
        assert!((a - b).abs() <= 1e-12 * b, "step {k}: {a} vs {b}");
    }
}

#[test]
fn overlapping_restrictions_combine_multiplicatively() {
    let t = leontief_table();
    let one = run(&t, &format!("{AMPLE}{}", restriction("0.75", 0.0, "")), 800);
    let two = run(
        &t,
        &format!(
            "{AMPLE}{}{}",
            restriction("0.5", 0.0, ""),
            restriction("0.5", 0.0, "")
        ),
        800,
    );
    let mut worst = 0.0f64;
    for (a, b) in one.production_realised.iter().zip(&two.production_realised) {
        for (x, y) in a.iter().zip(b) {
            worst = worst.max((x - y).abs() / x.abs().max(1e-12));
        }
    }
    assert!(worst < 1e-12, "two of 0.5 vs one of 0.75: {worst}");
    // Three restrictions of 0.9 on the same flow: 1 − 0.1³ removed, and
    // nothing goes negative.
    let text = format!(
        "{AMPLE}{}{}{}",
        restriction("0.9", 0.0, ""),
        restriction("0.9", 0.0, ""),
        restriction("0.9", 0.0, "")
    );
    let mut m = model(&t, &text);
    let mut last = 0.0;
    for _ in 0..1500 {
        let rec = m.step(true).expect("step");
        assert!(rec.production_realised.iter().all(|v| *v >= 0.0));
        assert!(rec
            .inputs_stocks
            .as_ref()
            .is_some_and(|s| s.iter().all(|v| *v >= 0.0)));
        let fl = m.restriction_flows();
        let blocked: f64 = fl.iter().map(|f| f.blocked).sum();
        let reference = fl[0].reference;
        assert!(
            blocked <= reference * (1.0 + 1e-12),
            "{blocked} > {reference}"
        );
        assert!(fl.iter().all(|f| f.reference >= 0.0 && f.blocked >= 0.0));
        last = rec.production_realised[AU] / (100.0 / 365.0);
    }
    let expect = 1.0 - 0.75 * (1.0 - 0.1f64.powi(3));
    assert!((last - expect).abs() < 1e-6, "{last} vs {expect}");
}

#[test]
fn seeded_random_restrictions_conserve_and_stay_non_negative() {
    let t = {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden/agg3x5_rebuild_shortage/mrio");
        common::read_pymrio_core(&dir)
    };
    let regions = ["reg1", "reg2", "reg3"];
    let sectors = ["construction", "food", "manufactoring", "mining", "other"];
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for case in 0..12 {
        let mut text = String::from("[simulation]\nstep = 7\n");
        for _ in 0..rng.random_range(1..5) {
            let d = rng.random_range(0..3);
            let origins: Vec<String> = (0..3)
                .filter(|&o| o != d && rng.random_bool(0.7))
                .map(|o| format!("\"{}\"", regions[o]))
                .collect();
            let origins = if origins.is_empty() {
                format!("\"{}\"", regions[(d + 1) % 3])
            } else {
                origins.join(", ")
            };
            let buyers = if rng.random_bool(0.5) {
                format!(
                    "buyer_sectors = [\"{}\"]\n",
                    sectors[rng.random_range(0..5)]
                )
            } else {
                String::new()
            };
            // A few restrictions share a product, so flows overlap.
            text.push_str(&format!(
                "[[trade_restriction]]\nproduct = \"{}\"\norigins = [{origins}]\ndestination = \"{}\"\n{buyers}reduction = [[0, 0.0], [60, {:.3}]]\nsubstitutability = {:.3}\nadjustment_speed = {:.3}\n",
                sectors[rng.random_range(2..4)],
                regions[d],
                rng.random_range(0.0..1.0),
                rng.random_range(0.0..1.0),
                rng.random_range(0.01..1.0),
            ));
        }
        let f = parse_shocks_file(&text, "s.toml").expect("parse");
        let mut m = build_extended(&t, &f).expect("build");
        let mut s_prev = m.step(true).expect("step").inputs_stocks.expect("stocks");
        let mut flows = m.last_balance();
        for step in 1..60 {
            let rec = m.step(true).expect("step");
            let b = m.last_balance();
            let out = b.delivered_intermediate + b.delivered_final + b.delivered_rebuild;
            assert!(
                (b.production - out).abs() <= 1e-12 * b.production,
                "case {case} step {step}: production {} vs deliveries {out}\n{text}",
                b.production
            );
            let s_now = rec.inputs_stocks.expect("stocks");
            assert!(s_now.iter().all(|v| *v >= 0.0), "case {case}");
            assert!(rec.production_realised.iter().all(|v| *v >= 0.0));
            let dn: f64 = s_now.iter().zip(&s_prev).map(|(a, b)| a - b).sum();
            let expect =
                flows.inputs_delivered_finite - flows.inputs_used_finite + flows.inventory_clamped;
            let scale: f64 = s_prev.iter().sum();
            assert!(
                (dn - expect).abs() <= 1e-10 * scale,
                "case {case} step {step}: Δ inventories {dn} vs {expect}"
            );
            for fl in m.restriction_flows() {
                assert!(fl.blocked <= fl.reference * (1.0 + 1e-12) + 1e-300);
                assert!(fl.redirected >= 0.0);
            }
            s_prev = s_now;
            flows = b;
        }
    }
}

#[test]
fn buyer_sectors_limit_a_restriction_to_those_industries() {
    let t = leontief_table();
    let only_u = run(
        &t,
        &format!(
            "{AMPLE}{}",
            restriction("1.0", 0.0, "buyer_sectors = [\"u\"]")
        ),
        1200,
    );
    let all = run(&t, &format!("{AMPLE}{}", restriction("1.0", 0.0, "")), 1200);
    let only_p = run(
        &t,
        &format!(
            "{AMPLE}{}",
            restriction("1.0", 0.0, "buyer_sectors = \"p\"")
        ),
        400,
    );
    let free = run(&t, AMPLE, 400);
    // Final buyers of p in A (index A·S + p) lose B's p only without
    // buyer_sectors.
    let unmet = |tr: &Trajectory| tr.final_demand_unmet[200][0];
    assert!(unmet(&all) > 1e-3, "{}", unmet(&all));
    assert!(unmet(&only_u).abs() < 1e-15, "{}", unmet(&only_u));
    // A/u loses its Leontief share whether or not final buyers are cut.
    let (xa, xu) = (au(&all)[1199], au(&only_u)[1199]);
    assert!(
        (xa - 0.25).abs() < 1e-6 && (xu - 0.25).abs() < 1e-6,
        "{xa} {xu}"
    );
    // A/p buys no p from B: restricting its purchases changes nothing.
    assert_eq!(only_p, free);
    assert_eq!(free.production_realised.len(), 400);
}

struct Escalate {
    from_day: f64,
    phi: f64,
    seen: usize,
}

impl Hook for Escalate {
    fn after_step(&mut self, view: &StateView<'_>, controls: &mut Controls) {
        assert_eq!(
            view.inventories.len(),
            view.production.len() * view.sectors.len()
        );
        assert_eq!(view.inventory_clamped.len(), view.production.len());
        let clamped: f64 = view.inventory_clamped.iter().sum();
        assert!(
            (clamped - view.balance.inventory_clamped).abs()
                <= 1e-12 * view.balance.inventory_clamped.max(1e-300)
        );
        if clamped > 0.0 {
            self.seen += 1;
        }
        if view.temporal_unit >= self.from_day {
            controls.restriction_override[0] = Some(self.phi);
        }
    }
}

#[test]
fn hooks_set_a_restriction_for_the_next_step() {
    let t = leontief_table();
    // Switched on by the hook from day 50 = a path that starts at day 50.
    let path = run(
        &t,
        &format!(
            "{AMPLE}{}",
            restriction("[[0, 0.0], [50, 0.0], [50, 0.5]]", 0.3, "")
        ),
        300,
    );
    let mut m = model(&t, &format!("{AMPLE}{}", restriction("0.0", 0.3, "")));
    let mut h = Escalate {
        from_day: 50.0,
        phi: 0.5,
        seen: 0,
    };
    let hooked = m.run_with_hook(300, true, &mut h).expect("run");
    assert_eq!(hooked, path);
    // A scale (set before the run, as a block would for the first step)
    // halves the path's share.
    let half = run(&t, &format!("{AMPLE}{}", restriction("0.3", 0.0, "")), 300);
    let scaled = {
        let mut m = model(&t, &format!("{AMPLE}{}", restriction("0.6", 0.0, "")));
        if let Some(c) = m.controls_mut() {
            c.restriction_scale[0] = 0.5;
        }
        m.run(300, true).expect("run")
    };
    assert_eq!(scaled, half);
    // A scale of 0 is no restriction at all, bit for bit.
    let free = run(&t, AMPLE, 300);
    let off = {
        let mut m = model(&t, &format!("{AMPLE}{}", restriction("0.6", 0.0, "")));
        if let Some(c) = m.controls_mut() {
            c.restriction_scale[0] = 0.0;
        }
        m.run(300, true).expect("run")
    };
    assert_eq!(off, free);
}

#[test]
fn hooks_see_inventories_clamped_per_industry() {
    // A/u buys p only from B; p not critical for u: cut off, A/u goes on
    // using p beyond what it holds, and the stock is clamped at zero.
    let t = table(
        [
            [5.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 30.0, 5.0, 5.0],
            [0.0, 5.0, 10.0, 5.0],
        ],
        [[50.0, 0.0], [100.0, 0.0], [10.0, 20.0], [0.0, 50.0]],
    );
    let text = format!(
        "{AMPLE}{}[[critical_input]]\ninput = \"p\"\ncritical = false\n",
        restriction("1.0", 0.0, "")
    );
    let mut m = model(&t, &text);
    let mut h = Escalate {
        from_day: f64::INFINITY,
        phi: 0.0,
        seen: 0,
    };
    m.run_with_hook(400, false, &mut h).expect("run");
    assert!(h.seen > 0, "a clamped stock must show");
}

#[test]
fn new_extended_equals_a_shocks_file() {
    let t = leontief_table();
    let text = format!(
        "[simulation]\nstep = \"quarter\"\n{AMPLE}{}",
        restriction("0.5", 0.2, "")
    );
    let a = run(&t, &text, 12);
    let f = parse_shocks_file(&text, "s.toml").expect("parse");
    let spec: ExtendedSpec = {
        let m = build_extended(&t, &f).expect("build");
        // The spec is not public on the model; rebuild it by hand.
        let lay = m.layout();
        let (a_, b_) = (
            lay.region_index("A").expect("A"),
            lay.region_index("B").expect("B"),
        );
        let p = lay.sector_index("p").expect("p");
        ExtendedSpec {
            restrictions: vec![plenum_sim::TradeRestriction {
                product: p,
                origins: vec![b_],
                destination: a_,
                buyer_sectors: None,
                reduction: plenum_sim::Path::constant(0.5),
                substitutability: 0.2,
                adjustment_speed: 1.0,
            }],
            capacity_paths: vec![plenum_sim::CapacityPath {
                industries: (0..4).collect(),
                kind: plenum_sim::CapacityKind::Addition,
                path: plenum_sim::Path::constant(1.0),
                lag: 0.0,
            }],
            ..Default::default()
        }
    };
    let mut m = ArioModel::new_extended(&t, &ArioParams::default(), 91.25, true, spec)
        .expect("new_extended");
    let b = m.run(12, true).expect("run");
    assert_eq!(a, b);
    // A step of 0 days is refused.
    assert!(
        ArioModel::new_extended(&t, &ArioParams::default(), 0.0, true, Default::default()).is_err()
    );
}

/// The inventory floor of a lasting restriction: with precaution p = 1 a
/// buyer's output follows the cut flow from the first days (no buffer,
/// no cliff), with p = 0 (ARIO's rule) it holds until the stock runs down;
/// both end at the Leontief loss.
#[test]
fn precaution_makes_the_loss_start_when_the_flow_is_cut() {
    let t = leontief_table();
    let spec = |p: f64| {
        let m = model(&t, "");
        let lay = m.layout();
        ExtendedSpec {
            restrictions: vec![plenum_sim::TradeRestriction {
                product: lay.sector_index("p").expect("p"),
                origins: vec![lay.region_index("B").expect("B")],
                destination: lay.region_index("A").expect("A"),
                buyer_sectors: None,
                reduction: plenum_sim::Path::constant(0.5),
                substitutability: 0.0,
                adjustment_speed: 1.0,
            }],
            capacity_paths: vec![plenum_sim::CapacityPath {
                industries: (0..4).collect(),
                kind: plenum_sim::CapacityKind::Addition,
                path: plenum_sim::Path::constant(1.0),
                lag: 0.0,
            }],
            restriction_precaution: p,
            ..Default::default()
        }
    };
    let leontief = 1.0 - 0.5 * 0.75;
    let path = |p: f64| {
        let mut m = ArioModel::new_extended(&t, &ArioParams::default(), 1.0, false, spec(p))
            .expect("new_extended");
        au(&m.run(1500, false).expect("run"))
    };
    let (buffer, floor) = (path(0.0), path(1.0));
    eprintln!(
        "day 10: p=0 {:.6} p=1 {:.6}; day 1499: p=0 {:.6} p=1 {:.6} (Leontief {leontief})",
        buffer[10], floor[10], buffer[1499], floor[1499]
    );
    assert!(
        (buffer[10] - 1.0).abs() < 1e-12,
        "p = 0 holds: {}",
        buffer[10]
    );
    assert!(
        (floor[10] - leontief).abs() < 0.01,
        "p = 1 follows the flow: {}",
        floor[10]
    );
    for x in [&buffer, &floor] {
        assert!((x[1499] - leontief).abs() < 1e-3, "long run {}", x[1499]);
    }
}
