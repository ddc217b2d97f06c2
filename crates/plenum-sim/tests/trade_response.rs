//! Rerouting and anticipation, the extended mode's answers of trade to a
//! restriction (`extended/reroute.rs`, `extended/anticipation.rs`): the
//! rerouted flow is min(ν B, λ F_via) of the step's live flows and the
//! third economy's trade industry earns μ V; a control announced ahead
//! fills a separate stock over the lead up to its bound, which carries the
//! restricted buyers until it is empty; with neither, runs are bit for bit
//! those of the restrictions alone.

#![allow(clippy::needless_range_loop)]

mod common;

use plenum_sim::{
    AnticipationSpec, ArioModel, ArioParams, CapacityKind, CapacityPath, ExtendedSpec, Path,
    RerouteSpec, TradeRestriction,
};
use plenum_table::{Mat, MrioTable};

/// Quarterly steps, as scenario runs.
const DT: f64 = 91.25;
const F: f64 = DT / 365.0;

/// Regions A (the destination), B (the restricted origin), C (the third
/// economy); sectors p (the restricted product), t (trade), u (p's user).
/// A/u buys p from A (10), B (30) and C (10); A's final buyers buy p from
/// B (20) and C (5).
fn three_regions() -> MrioTable {
    // Industries: A/p A/t A/u B/p B/t B/u C/p C/t C/u.
    let mut z = [[0.0; 9]; 9];
    z[0][0] = 5.0;
    z[0][2] = 10.0;
    z[1][2] = 2.0;
    z[3][2] = 30.0;
    z[3][3] = 5.0;
    z[3][5] = 5.0;
    z[4][5] = 2.0;
    z[5][3] = 5.0;
    z[6][2] = 10.0;
    z[6][6] = 5.0;
    z[7][8] = 2.0;
    z[8][6] = 5.0;
    let mut y = [[0.0; 3]; 9];
    y[0][0] = 20.0;
    y[1][0] = 10.0;
    y[2][0] = 100.0;
    y[3][0] = 20.0;
    y[3][1] = 10.0;
    y[4][1] = 10.0;
    y[5][1] = 40.0;
    y[6][0] = 5.0;
    y[6][2] = 10.0;
    y[7][2] = 10.0;
    y[8][2] = 40.0;
    common::table_from(
        vec!["A".into(), "B".into(), "C".into()],
        vec!["p".into(), "t".into(), "u".into()],
        vec!["hh".into()],
        Mat::<f64>::from_fn(9, 9, |i, j| z[i][j]),
        Mat::<f64>::from_fn(9, 3, |i, c| y[i][c]),
        None,
    )
}

/// Capacity doubled everywhere, so that no supplier is short.
fn ample(n: usize) -> CapacityPath {
    CapacityPath {
        industries: (0..n).collect(),
        kind: CapacityKind::Addition,
        path: Path::constant(1.0),
        lag: 0.0,
    }
}

/// φ = 0.5 on p from B to A (every buyer) from step `from` on, σ = 0.
fn cut(from: usize) -> TradeRestriction {
    let at = from as f64 * DT;
    TradeRestriction {
        product: 0,
        origins: vec![1],
        destination: 0,
        buyer_sectors: None,
        reduction: Path(vec![(at, 0.0), (at, 0.5)]),
        substitutability: 0.0,
        adjustment_speed: 1.0,
    }
}

fn reroute(share: f64, limit: f64, markup: f64) -> RerouteSpec {
    RerouteSpec {
        restriction: 0,
        via: 2,
        share: Path::constant(share),
        limit,
        markup,
        markup_industry: Some(2 * 3 + 1),
        markup_category: 0,
        peers: Vec::new(),
    }
}

fn model(t: &MrioTable, spec: ExtendedSpec) -> ArioModel {
    ArioModel::new_extended(t, &ArioParams::default(), DT, true, spec).expect("new_extended")
}

/// (a) In the first restricted step the economy is still at its base
/// (orders Z⁰ f, final demand Y⁰ f), so B = φ (Z_(B,p),(A,u) + Y_(B,p),A) f
/// and F_via = (Z_(C,p),(A,u) + Y_(C,p),A) f by hand; V = min(ν B, λ F_via)
/// whichever binds, the restriction blocks B − V, and C's trade industry
/// produces μ V more than without the mark-up.
#[test]
fn rerouted_volume_is_min_of_share_and_limit_on_live_flows() {
    let t = three_regions();
    let b = 0.5 * (30.0 + 20.0) * F;
    let via = (10.0 + 5.0) * F;
    // λ = 0.5: the limit binds (7.5 f < 10 f); λ = 2: the share binds.
    for (nu, lambda) in [(0.4, 0.5), (0.4, 2.0)] {
        let expect = (nu * b).min(lambda * via);
        let run = |mu: f64, with: bool| {
            let spec = ExtendedSpec {
                restrictions: vec![cut(3)],
                capacity_paths: vec![ample(9)],
                reroutes: if with {
                    vec![reroute(nu, lambda, mu)]
                } else {
                    Vec::new()
                },
                ..Default::default()
            };
            let mut m = model(&t, spec);
            for _ in 0..3 {
                m.step(false).expect("step");
                assert_eq!(
                    m.reroute_flows().iter().map(|f| f.rerouted).sum::<f64>(),
                    0.0
                );
            }
            let rec = m.step(false).expect("step");
            let fl = m.reroute_flows().first().copied().unwrap_or_default();
            let blocked = m.restriction_flows()[0].blocked;
            (fl, blocked, rec.production_realised[7])
        };
        let (fl, blocked, ct) = run(0.1, true);
        let (_, blocked0, ct0) = run(0.0, false);
        eprintln!(
            "ν {nu} λ {lambda}: B {:.9} (hand {b:.9}), F_via {:.9} (hand {via:.9}), V {:.9} (hand {expect:.9}); blocked {blocked:.9} vs {blocked0:.9}; C/t {ct:.9} vs {ct0:.9}",
            fl.blocked, fl.via_flow, fl.rerouted
        );
        assert!((fl.blocked - b).abs() < 1e-9 * b, "B {}", fl.blocked);
        assert!(
            (fl.via_flow - via).abs() < 1e-9 * via,
            "F_via {}",
            fl.via_flow
        );
        assert!((fl.rerouted - expect).abs() < 1e-9 * b, "V {}", fl.rerouted);
        assert!((blocked0 - b).abs() < 1e-9 * b, "blocked without rerouting");
        assert!(
            (blocked0 - blocked - expect).abs() < 1e-9 * b,
            "the rerouted part is delivered: {blocked0} − {blocked} ≠ {expect}"
        );
        assert!((fl.markup - 0.1 * expect).abs() < 1e-12 * b);
        assert!(
            (ct - ct0 - 0.1 * expect).abs() < 1e-9 * ct0,
            "C/t gains μV: {}",
            ct - ct0
        );
    }
}

/// (b) Announced 4 quarters ahead with 2 quarters of storage: B's exports
/// rise over the lead, the stock fills to at most q̄/dt = 2 steps of the
/// blocked flow, A/u's output holds while the stock lasts (with the
/// inventory floor p = 1, without the stock it falls from the first
/// restricted step), then the stock is empty and output falls; all that
/// was front-loaded is drawn.
#[test]
fn front_loading_fills_over_the_lead_carries_the_buyers_then_runs_out() {
    let t = three_regions();
    let start = 8;
    let spec = |anticipate: bool| ExtendedSpec {
        restrictions: vec![cut(start)],
        capacity_paths: vec![ample(9)],
        restriction_precaution: 1.0,
        anticipations: if anticipate {
            vec![AnticipationSpec {
                product: 0,
                origin: 1,
                destination: 0,
                buyer_sectors: None,
                announced: 4.0 * DT,
                start: start as f64 * DT,
                full_reduction: 0.5,
                storage: 2.0 * DT,
                category: 0,
            }]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    let steps = 16;
    let mut with = model(&t, spec(true));
    let mut without = model(&t, spec(false));
    let (mut front, mut drawn, mut stock, mut full) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut au, mut au0, mut bp, mut bp0) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..steps {
        let r = with.step(false).expect("step");
        let r0 = without.step(false).expect("step");
        let a = with.anticipation_flows()[0];
        front.push(a.front_loaded);
        drawn.push(a.drawn);
        stock.push(a.stock);
        full.push(a.full_blocked);
        au.push(r.production_realised[2]);
        au0.push(r0.production_realised[2]);
        bp.push(r.production_realised[3]);
        bp0.push(r0.production_realised[3]);
    }
    // The flow the control will block at full effect, per step, at the
    // base (the live flow moves a little over the lead: ARIO's "alt" rule
    // shifts the buyers' orders toward B as its capacity ratio rises).
    let hand = 0.5 * (30.0 + 20.0) * F;
    let base_au = au0[0];
    for k in 0..steps {
        eprintln!(
            "step {k}: B̄ {:.6} F {:.6} D {:.6} S {:.6}; A/u {:.6} (without {:.6}); B/p {:.6} (without {:.6})",
            full[k],
            front[k],
            drawn[k],
            stock[k],
            au[k] / base_au,
            au0[k] / base_au,
            bp[k],
            bp0[k]
        );
    }
    // Nothing before the announcement.
    assert!(front[..4].iter().all(|v| *v == 0.0));
    // Over the lead: F = B̄ q̄/L a step (q̄ = 2 steps, L = 4), the stock
    // at most q̄ B̄ of the live flow.
    assert!((full[4] - hand).abs() < 1e-9 * hand, "B̄ at the base");
    for k in 4..start {
        assert!(
            (full[k] - hand).abs() < 0.1 * hand,
            "B̄ near the base at {k}"
        );
        assert!(front[k] > 0.0, "step {k}");
        assert!(front[k] <= full[k] * 2.0 / 4.0 * (1.0 + 1e-12), "F at {k}");
        assert!(stock[k] <= 2.0 * full[k] * (1.0 + 1e-12), "bound at {k}");
        assert!(bp[k] > bp0[k], "the exporter gains at {k}");
    }
    assert!((front[4] - hand * 2.0 / 4.0).abs() < 1e-9 * hand);
    assert!(
        (stock[start - 1] - 2.0 * full[start - 1]).abs() < 1e-9 * hand,
        "filled to the bound: {}",
        stock[start - 1]
    );
    // From the start: drawn while it lasts, A/u holds; then empty, falls.
    let empty = (start..steps)
        .find(|&k| stock[k] <= 0.0)
        .expect("the stock empties");
    assert!(empty > start, "it lasts at least a step");
    for k in start..empty {
        assert!(drawn[k] > 0.0);
        assert!(
            au[k] >= base_au * (1.0 - 1e-9),
            "A/u holds while the stock lasts: step {k} {}",
            au[k] / base_au
        );
        assert!(au0[k] < base_au * 0.9, "without the stock it falls at {k}");
    }
    assert!(au[steps - 1] < base_au * 0.9, "after the stock, it falls");
    assert!(front[start..].iter().all(|v| *v == 0.0));
    let (bought, used): (f64, f64) = (front.iter().sum(), drawn.iter().sum());
    assert!((bought - used).abs() < 1e-9 * bought, "{bought} vs {used}");
}

/// (c) A rerouting with ν = 0 and an anticipation with no lead change
/// nothing: the run is the restrictions' alone, bit for bit.
#[test]
fn without_rerouting_or_lead_the_run_is_bit_identical() {
    let t = three_regions();
    let base = ExtendedSpec {
        restrictions: vec![cut(2)],
        capacity_paths: vec![ample(9)],
        restriction_precaution: 0.5,
        ..Default::default()
    };
    let a = model(&t, base.clone()).run(12, true).expect("run");
    let spec = ExtendedSpec {
        reroutes: vec![reroute(0.0, 1.0, 0.1)],
        anticipations: vec![AnticipationSpec {
            product: 0,
            origin: 1,
            destination: 0,
            buyer_sectors: None,
            announced: 2.0 * DT,
            start: 2.0 * DT,
            full_reduction: 0.5,
            storage: 2.0 * DT,
            category: 0,
        }],
        ..base
    };
    let b = model(&t, spec).run(12, true).expect("run");
    assert_eq!(a, b);
}
