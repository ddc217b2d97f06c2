//! Measures dense LU (partial pivoting) against matrix multiplication, to
//! choose the linear-algebra backend (see BENCHMARKS.md).
//!
//! ```text
//! cargo run --release -p plenum-iomath --example lu_bench -- [n] [reps]
//! cargo run --release -p plenum-iomath --features openblas --example lu_bench -- [n] [reps]
//! ```
//!
//! The matrix is I − A for a random productive A (column sums 0.6), the
//! shape of every Leontief system. GFLOP/s use the textbook counts: 2n³ for
//! C = A B, (2/3)n³ for LU, 2n² per right-hand side for a solve. Each timing
//! is the best of `reps` interleaved rounds (after a warm-up round).

use std::time::Instant;

use faer::Mat;
use plenum_iomath::backend::{matmul, Backend};
use plenum_iomath::Leontief;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_a(n: usize, seed: u64) -> Mat<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut a = Mat::<f64>::from_fn(n, n, |_, _| rng.random::<f64>());
    for j in 0..n {
        let s: f64 = a.col(j).iter().sum();
        for i in 0..n {
            a[(i, j)] *= 0.6 / s;
        }
    }
    a
}

#[derive(Default)]
struct Times {
    gemm: Vec<f64>,
    lu: Vec<f64>,
    solve: Vec<f64>,
    solve_t: Vec<f64>,
    residual: f64,
}

fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed().as_secs_f64(), out)
}

fn best(v: &[f64]) -> f64 {
    v.iter().cloned().fold(f64::INFINITY, f64::min)
}

fn median(v: &[f64]) -> f64 {
    let mut w = v.to_vec();
    w.sort_by(f64::total_cmp);
    w[w.len() / 2]
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let nf = n as f64;
    println!(
        "n = {n}, {reps} interleaved rounds (+1 warm-up), threads: rayon {} (faer), OPENBLAS_NUM_THREADS={}, load average before: {}",
        rayon_threads(),
        std::env::var("OPENBLAS_NUM_THREADS").unwrap_or_else(|_| "unset".into()),
        loadavg()
    );
    let a = random_a(n, 42);
    let b = random_a(n, 7);
    let nrhs = 64;
    let rhs = random_a(n, 9).subcols(0, nrhs).to_owned();
    let backends: Vec<Backend> = Backend::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect();
    let mut times: Vec<Times> = backends.iter().map(|_| Times::default()).collect();

    // Rounds interleave the backends so that load from other processes on a
    // shared machine hits both alike; the best of the rounds is reported.
    for round in 0..=reps {
        for (bi, &backend) in backends.iter().enumerate() {
            let (t_mm, c) = timed(|| matmul(a.as_ref(), b.as_ref(), backend).expect("matmul"));
            std::hint::black_box(&c);
            let (t_lu, lu) = timed(|| Leontief::factor_with(a.as_ref(), backend).expect("factor"));
            let (t_s, x) = timed(|| lu.solve(rhs.as_ref()).expect("solve"));
            let (t_st, xt) = timed(|| lu.solve_transpose(rhs.as_ref()).expect("solve"));
            std::hint::black_box(&xt);
            if round == 0 {
                // Residual of the solve, relative: ‖(I − A) X − R‖_max / ‖R‖_max.
                let ax = &a * &x;
                let mut res = 0.0f64;
                let mut rmax = 0.0f64;
                for j in 0..nrhs {
                    for i in 0..n {
                        res = res.max((x[(i, j)] - ax[(i, j)] - rhs[(i, j)]).abs());
                        rmax = rmax.max(rhs[(i, j)].abs());
                    }
                }
                times[bi].residual = res / rmax;
                continue;
            }
            let t = &mut times[bi];
            t.gemm.push(t_mm);
            t.lu.push(t_lu);
            t.solve.push(t_s);
            t.solve_t.push(t_st);
        }
    }
    let gemm_flops = 2.0 * nf * nf * nf;
    let lu_flops = 2.0 / 3.0 * nf * nf * nf;
    let solve_flops = 2.0 * nf * nf * nrhs as f64;
    let best_gemm = times
        .iter()
        .map(|t| gemm_flops / best(&t.gemm) / 1e9)
        .fold(0.0, f64::max);
    for (backend, t) in backends.iter().zip(&times) {
        let gemm = gemm_flops / best(&t.gemm) / 1e9;
        let lu = lu_flops / best(&t.lu) / 1e9;
        println!(
            "{backend:>8}: gemm best {:6.3} s = {gemm:6.1} GFLOP/s (median {:6.1}) | LU best {:6.3} s = {lu:6.1} GFLOP/s (median {:6.1}) \
             = {:5.1}% of own gemm, {:5.1}% of best gemm | solve {nrhs} rhs {:5.1} GFLOP/s, transpose {:5.1} GFLOP/s | residual {:.1e}",
            best(&t.gemm),
            gemm_flops / median(&t.gemm) / 1e9,
            best(&t.lu),
            lu_flops / median(&t.lu) / 1e9,
            100.0 * lu / gemm,
            100.0 * lu / best_gemm,
            solve_flops / best(&t.solve) / 1e9,
            solve_flops / best(&t.solve_t) / 1e9,
            t.residual
        );
    }
    for b in Backend::ALL.into_iter().filter(|b| !b.is_available()) {
        println!("{b:>8}: not compiled in (cargo feature `openblas`)");
    }
    println!("load average after: {}", loadavg());
}
fn rayon_threads() -> String {
    match faer::get_global_parallelism() {
        faer::Par::Seq => "1 (sequential)".into(),
        faer::Par::Rayon(n) => n.get().to_string(),
    }
}
