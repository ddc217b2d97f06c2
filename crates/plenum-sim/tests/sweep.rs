//! ARIO mode steps with one fused sweep over Z⁰ (crates/plenum-sim/src/sweep.rs)
//! while an [`Ensemble`] keeps the two passes: both must give the same
//! trajectories bit for bit, on BoARIO's golden cases (alt and noalt orders,
//! rebuilding, arbitrary shocks, two-day steps) and on seeded random tables
//! large enough for several blocks of columns, a ragged last block and the
//! parallel path, with shocks from none (inventories at their goals: no
//! restoration) to ones that ration production.

#![allow(clippy::needless_range_loop)]

mod common;

use std::path::PathBuf;

use plenum_sim::{
    build_ario, parse_event_file, ArioModel, ArioParams, Ensemble, Event, EventKind, OrderType,
    RecoveryFunction, Trajectory,
};
use plenum_table::{Mat, MrioTable, ValidationPolicy};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The model run alone (fused sweep) and as the only member of an ensemble
/// (two passes).
fn fused_and_two_pass(model: &ArioModel, steps: usize) -> (Trajectory, Trajectory) {
    let mut single = model.clone();
    let a = single.run(steps, true).expect("single run");
    let mut ens = Ensemble::new(vec![model.clone()]).expect("ensemble");
    let mut b = ens.run(steps, true).expect("ensemble run");
    (a, b.remove(0))
}

#[test]
fn fused_sweep_equals_two_passes_on_the_golden_cases() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("golden dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("event.toml").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "golden cases: {}", cases.len());
    for dir in cases {
        let table = common::read_pymrio_core(&dir.join("mrio"));
        let text = std::fs::read_to_string(dir.join("event.toml")).expect("event.toml");
        let file = parse_event_file(&text, "event.toml").expect("parse");
        let model = build_ario(&table, &file).expect("model");
        let steps = 365usize.div_ceil(file.model.temporal_units_by_step as usize);
        let (a, b) = fused_and_two_pass(&model, steps);
        assert_eq!(a, b, "{}", dir.display());
    }
}

/// A seeded dense table with R regions, S sectors and 2 final-demand
/// categories per region.
fn table(seed: u64, nr: usize, ns: usize) -> MrioTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = nr * ns;
    let nf = 2;
    let x: Vec<f64> = (0..n).map(|_| rng.random_range(1e3..1e6)).collect();
    let mut z = Mat::<f64>::zeros(n, n);
    for j in 0..n {
        let target = rng.random_range(0.1..0.6);
        let w: Vec<f64> = (0..n)
            .map(|_| {
                // Some zero flows, as in real tables.
                if rng.random::<f64>() < 0.2 {
                    0.0
                } else {
                    rng.random::<f64>()
                }
            })
            .collect();
        let sw: f64 = w.iter().sum();
        for i in 0..n {
            z[(i, j)] = target * w[i] / sw * x[j];
        }
    }
    for i in 0..n {
        let zr: f64 = (0..n).map(|j| z[(i, j)]).sum();
        if zr > 0.8 * x[i] {
            let f = 0.8 * x[i] / zr;
            for j in 0..n {
                z[(i, j)] *= f;
            }
        }
    }
    let nfd = nr * nf;
    let y = Mat::<f64>::from_fn(n, nfd, |i, _| {
        (x[i] - (0..n).map(|j| z[(i, j)]).sum::<f64>()) / nfd as f64
    });
    common::table_from(
        (0..nr).map(|r| format!("r{r:02}")).collect(),
        (0..ns).map(|s| format!("s{s:02}")).collect(),
        (0..nf).map(|f| format!("f{f}")).collect(),
        z,
        y,
        None,
    )
}

fn event(model: &ArioModel, kind: EventKind, hit: &[usize], share: f64) -> Event {
    let k = model.productive_capital();
    let ns = model.layout().n_sectors();
    Event {
        name: "sweep".into(),
        kind,
        occurrence: 2,
        duration: 5,
        impact: hit.iter().map(|&i| (i, k[i] * share)).collect(),
        recovery_tau: 30,
        recovery_function: RecoveryFunction::Linear,
        rebuild_tau: 20,
        rebuilding_sectors: if kind == EventKind::Rebuild {
            vec![(0, 0.5), (ns - 1, 0.5)]
        } else {
            vec![]
        },
        rebuilding_factor: 1.0,
        event_monetary_factor: 1e6,
        source: None,
    }
}

#[test]
fn fused_sweep_equals_two_passes_on_random_tables() {
    // n = 247 (two blocks of 128 and 119 columns: 29 groups of four and 3
    // single columns; 19 regions, an odd count) and n = 300.
    for (seed, nr, ns) in [(1u64, 19, 13), (2, 20, 15)] {
        let t = table(seed, nr, ns);
        let n = nr * ns;
        for (case, order) in [
            (0, OrderType::Alt),
            (1, OrderType::Alt),
            (2, OrderType::Noalt),
            (3, OrderType::Alt),
        ] {
            let params = ArioParams {
                order_type: order,
                ..ArioParams::default()
            };
            let mut model = ArioModel::new(&t, &params).expect("model");
            let hit: Vec<usize> = (0..n).step_by(11).collect();
            match case {
                // No shock: every outcome of the global tests stays possible.
                0 => {}
                1 => model
                    .add_event(event(&model, EventKind::Recovery, &hit, 0.5))
                    .expect("event"),
                2 => model
                    .add_event(event(&model, EventKind::Rebuild, &hit, 0.3))
                    .expect("event"),
                _ => model
                    .add_event(event(&model, EventKind::Recovery, &hit[..3], 0.9))
                    .expect("event"),
            }
            let (a, b) = fused_and_two_pass(&model, 60);
            if case > 0 {
                assert_ne!(
                    a.production_realised[10], a.production_realised[0],
                    "seed {seed} case {case}: the shock must move output"
                );
            }
            assert_eq!(a, b, "seed {seed}, case {case}");
        }
    }
}

/// The model is built in one pass over Z (no gathered copy): a negative
/// flow is still reported, at the first (column, row) in model order.
#[test]
fn a_negative_flow_is_reported_with_both_industries() {
    let t = table(3, 3, 4);
    let mut parts = t.clone().into_parts();
    // Rows and columns are already in model (alphabetical) order here.
    parts.z.make_dense()[(5, 2)] = -1.0;
    parts.z.make_dense()[(1, 7)] = -2.0;
    let bad = MrioTable::new(parts, &ValidationPolicy::lenient(1e6)).expect("table");
    let err = ArioModel::new(&bad, &ArioParams::default())
        .expect_err("negative Z")
        .to_string();
    assert!(
        err.contains("r01/s01") && err.contains("r00/s02") && err.contains("-1e0"),
        "{err}"
    );
}

/// The per-step loops over S × n arrays (inventories, `close`,
/// `all_close`, H, the production constraint) run in fixed chunks of 256
/// columns and combine them in order: on n = 620 (three chunks, the last
/// one ragged) any number of threads gives the same bits, fused or in two
/// passes, unshocked, shocked and rebuilding, alt and noalt orders.
#[test]
fn per_step_loops_do_not_depend_on_the_number_of_threads() {
    let t = table(5, 20, 31);
    let n = 20 * 31;
    for (case, order) in [
        (0, OrderType::Alt),
        (1, OrderType::Alt),
        (2, OrderType::Noalt),
    ] {
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            pool.install(|| {
                let params = ArioParams {
                    order_type: order,
                    ..ArioParams::default()
                };
                let mut model = ArioModel::new(&t, &params).expect("model");
                let hit: Vec<usize> = (0..n).step_by(13).collect();
                match case {
                    0 => {}
                    1 => model
                        .add_event(event(&model, EventKind::Recovery, &hit[..4], 0.9))
                        .expect("event"),
                    _ => model
                        .add_event(event(&model, EventKind::Rebuild, &hit, 0.3))
                        .expect("event"),
                }
                fused_and_two_pass(&model, 40)
            })
        };
        let (a1, b1) = run(1);
        if case > 0 {
            assert_ne!(
                a1.production_realised[10], a1.production_realised[0],
                "case {case}: the shock must move output"
            );
        }
        assert_eq!(a1, b1, "case {case}");
        for threads in [2, 3] {
            let (a, b) = run(threads);
            assert_eq!(a1, a, "case {case}, {threads} threads, fused");
            assert_eq!(a1, b, "case {case}, {threads} threads, two passes");
        }
    }
}
