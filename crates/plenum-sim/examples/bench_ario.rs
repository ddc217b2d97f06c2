//! Times the ARIO step on a synthetic dense table: `cargo run --release -p
//! plenum-sim --example bench_ario -- REGIONS SECTORS STEPS`.
//! The table is seeded (rand_chacha) so runs are comparable.

use std::time::Instant;

use plenum_sim::{ArioModel, ArioParams, Event, EventKind, RecoveryFunction};
use plenum_table::{Col, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| {
            a.parse()
                .unwrap_or_else(|_| panic!("numbers expected, got {a}"))
        })
        .collect();
    let (nr, ns, steps) = match args.as_slice() {
        [r, s, t] => (*r, *s, *t),
        _ => (50, 50, 100),
    };
    let n = nr * ns;
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let t0 = Instant::now();
    let x: Vec<f64> = (0..n).map(|_| rng.random_range(1e3..1e6)).collect();
    let mut z = Mat::<f64>::zeros(n, n);
    for j in 0..n {
        let w: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let sw: f64 = w.iter().sum();
        for i in 0..n {
            z[(i, j)] = 0.4 * w[i] / sw * x[j];
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
    let y = Mat::<f64>::from_fn(n, nr, |i, _| {
        (x[i] - (0..n).map(|j| z[(i, j)]).sum::<f64>()) / nr as f64
    });
    let xs = Col::<f64>::from_fn(n, |i| {
        (0..n).map(|j| z[(i, j)]).sum::<f64>() + (0..nr).map(|c| y[(i, c)]).sum::<f64>()
    });
    let labels = Labels::new(
        (0..nr).map(|r| format!("r{r:03}")).collect(),
        (0..ns).map(|s| format!("s{s:03}")).collect(),
        vec!["hh".into()],
        vec![],
    )
    .expect("labels");
    let parts = TableParts {
        meta: Metadata::default(),
        labels,
        z: z.into(),
        y,
        x: xs,
        v: Mat::<f64>::zeros(0, n),
        imported_use: None,
        extensions: vec![],
    };
    let table = MrioTable::new(parts, &ValidationPolicy::default()).expect("table");
    eprintln!("table n={n} built in {:.2?}", t0.elapsed());
    let t1 = Instant::now();
    let mut model = ArioModel::new(&table, &ArioParams::default()).expect("model");
    let k = model.productive_capital().to_vec();
    model
        .add_event(Event {
            name: "bench".into(),
            kind: EventKind::Recovery,
            occurrence: 1,
            duration: 10,
            impact: (0..ns.min(5)).map(|i| (i, k[i] * 0.5)).collect(),
            recovery_tau: 60,
            recovery_function: RecoveryFunction::Linear,
            rebuild_tau: 0,
            rebuilding_sectors: vec![],
            rebuilding_factor: 1.0,
            event_monetary_factor: 1e6,
            source: None,
        })
        .expect("event");
    let init = t1.elapsed();
    let t2 = Instant::now();
    let traj = model.run(steps, true).expect("run");
    let run = t2.elapsed();
    println!(
        "n={n} steps={steps} init={:.3}s run={:.3}s per_step={:.2}ms shortage={}",
        init.as_secs_f64(),
        run.as_secs_f64(),
        run.as_secs_f64() * 1e3 / steps as f64,
        traj.had_shortage
    );
}
