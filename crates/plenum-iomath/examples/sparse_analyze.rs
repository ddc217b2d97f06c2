//! `plenum analyze`'s computation ([`plenum_iomath::report`] with
//! [`plenum_iomath::Solver::for_flows`]) on one synthetic table whose Z is
//! stored either dense or sparse, to measure what reading Z sparse saves
//! (BENCHMARKS.md, "plenum analyze on a sparse Z"). Run each storage in its
//! own process under `/usr/bin/time -v` for the peak memory:
//!
//! ```text
//! cargo run --release -p plenum-iomath --example sparse_analyze -- STORAGE [regions] [sectors] [density] [stressors] [solver]
//! /usr/bin/time -v target/release/examples/sparse_analyze sparse 49 200 0.05 3 auto
//! ```
//!
//! STORAGE is `dense` or `sparse`; solver `auto`, `lu` or `iterative`.
//!
//! The table: each region's domestic block keeps a cell with probability
//! 0.5 and weighs it 4×, an interregional cell with the probability that
//! brings the whole of Z to `density`; values are seeded uniform, scaled so
//! that the columns of A sum to about 0.5; one final-demand category per
//! region; one extension of `stressors` rows. Z is built row by row
//! straight into sparse storage; the dense run takes its dense copy and
//! drops the sparse one before timing. The printed checksums (sums of x,
//! 1'L, the satellite multipliers) must agree between the two runs.

use std::time::Instant;

use faer::{Col, Mat};
use plenum_iomath::{report, IterOptions, Solver, SolverChoice};
use plenum_table::{
    Extension, Flows, Labels, Metadata, MrioTable, SparseFlows, TableParts, ValidationPolicy,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let storage: String = arg(1, "sparse".to_string());
    let nr: usize = arg(2, 49);
    let ns: usize = arg(3, 200);
    let density: f64 = arg(4, 0.05);
    let k: usize = arg(5, 3);
    let choice = match arg(6, "auto".to_string()).as_str() {
        "lu" => SolverChoice::Lu,
        "iterative" => SolverChoice::Iterative,
        _ => SolverChoice::Auto,
    };
    let n = nr * ns;
    let t0 = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    // Domestic cells kept with probability 0.5; the interregional
    // probability fills the rest of the density.
    let dom_cells = 0.5 * ns as f64;
    let foreign_p = ((density * n as f64 - dom_cells) / (n - ns).max(1) as f64).clamp(0.0, 1.0);
    // Expected weight per column: domestic 4 × 0.7 × dom_cells, foreign
    // 0.7 × foreign cells; scaled so that a column sums to about 1.
    let weight = 4.0 * 0.7 * dom_cells + 0.7 * foreign_p * (n - ns) as f64;
    let mut z = SparseFlows::with_capacity(n, n, (density * (n * n) as f64) as usize + n)?;
    let mut row = Vec::new();
    for i in 0..n {
        row.clear();
        for j in 0..n {
            let domestic = i / ns == j / ns;
            let p = if domestic { 0.5 } else { foreign_p };
            if i == j || rng.random::<f64>() < p {
                let w = if domestic { 4.0 } else { 1.0 };
                row.push((j, w * (0.2 + rng.random::<f64>()) / weight));
            }
        }
        z.push_row(row.iter().copied())?;
    }
    // Final demand about 1 per row: x about 2, A's columns about 0.5.
    let y = Mat::<f64>::from_fn(n, nr, |_, _| (0.5 + rng.random::<f64>()) / nr as f64);
    let mut x = Col::<f64>::from_fn(n, |i| (0..nr).map(|c| y[(i, c)]).sum());
    let mut col = vec![0.0; n];
    for i in 0..n {
        let (idx, val) = z.row(i);
        for (&j, &v) in idx.iter().zip(val) {
            x[i] += v;
            col[j as usize] += v;
        }
    }
    let v = Mat::<f64>::from_fn(1, n, |_, j| x[j] - col[j]);
    let f = Mat::<f64>::from_fn(k, n, |_, _| rng.random::<f64>());
    let nnz = z.nnz();
    let flows: Flows = match storage.as_str() {
        "dense" => z.to_dense().into(),
        _ => z.into(),
    };
    let parts = TableParts {
        meta: Metadata::default(),
        labels: Labels::new(
            (0..nr).map(|r| format!("R{r}")).collect(),
            (0..ns).map(|s| format!("S{s}")).collect(),
            vec!["FD".into()],
            vec!["VA".into()],
        )?,
        z: flows,
        y,
        x,
        v,
        imported_use: None,
        extensions: vec![Extension {
            name: "E".into(),
            stressors: (0..k).map(|s| format!("s{s}")).collect(),
            units: vec!["t".into(); k],
            f,
            f_y: None,
        }],
    };
    let t = MrioTable::new(parts, &ValidationPolicy::default())?;
    let built = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let rhs = report::expected_rhs(&t);
    let m = Solver::for_flows(
        t.z_flows(),
        t.x().as_ref(),
        t.zero_output(),
        choice,
        IterOptions {
            block: ns,
            expected_rhs: rhs,
            ..IterOptions::default()
        },
    )?;
    let setup = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let rep = report::report(&t, &m)?;
    let solved = t2.elapsed().as_secs_f64();
    let log = m.log();
    println!(
        "{storage}: n {n}, nnz {nnz} (density {:.4}), {rhs} rhs; build+validate {built:.2} s, \
         solver set-up {setup:.2} s, report {solved:.2} s",
        nnz as f64 / (n as f64 * n as f64)
    );
    println!(
        "  method {} storage {} densified {:?} sweeps {} max residual {:.1e} fallbacks {}; \
         Z dense copy made: {}",
        log.method,
        log.storage,
        log.densified,
        log.sweeps,
        log.max_residual,
        log.fallbacks,
        !t.z_is_sparse_only() && storage != "dense"
    );
    let sum = |c: &Col<f64>| c.iter().sum::<f64>();
    let m_sum: f64 = rep.extensions[0]
        .accounts
        .m
        .col_iter()
        .map(|c| c.iter().sum::<f64>())
        .sum();
    println!(
        "  checksums: x {:.12e}  1'L {:.12e}  exports {:.12e}  M {:.12e}",
        sum(&rep.x_from_demand),
        sum(&rep.output_multipliers),
        sum(&rep.trade.exports),
        m_sum
    );
    Ok(())
}
