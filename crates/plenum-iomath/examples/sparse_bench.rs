//! Measures the product of Z with a block of right-hand sides stored dense
//! (faer's GEMM, the iterative solver's dense path) against compressed
//! sparse rows ([`plenum_iomath::sparse::Csr`]), at several densities, to
//! choose [`plenum_iomath::sparse::SPARSE_MAX_DENSITY`] (see BENCHMARKS.md,
//! "Sparse storage: the measured density threshold").
//!
//! ```text
//! cargo run --release -p plenum-iomath --example sparse_bench -- [n] [rhs] [reps] [densities,..] [panels,..]
//! cargo run --release -p plenum-iomath --example sparse_bench -- 5000 202 3 0.05,0.1,0.2,0.3,0.4 16,32,64
//! ```
//!
//! Z is random with the given share of nonzero cells (Bernoulli per cell,
//! seeded); the block V is random. Both products the solver runs are timed,
//! Z V and Zᵀ V, each as the best of `reps` interleaved rounds after a
//! warm-up. The dense time does not depend on the density (GEMM does every
//! multiply), so the ratio sparse / dense is the quantity that sets the
//! threshold: CSR pays where it is below 1 for both products. Each CSR
//! product is checked against the dense one (relative error printed).

use std::time::Instant;

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat};
use plenum_iomath::sparse::Csr;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn arg<T: std::str::FromStr>(i: usize, default: T) -> T {
    std::env::args()
        .nth(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn list<T: std::str::FromStr>(i: usize, default: &str) -> Vec<T> {
    std::env::args()
        .nth(i)
        .unwrap_or_else(|| default.to_string())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn best(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max_rel(a: &Mat<f64>, b: &Mat<f64>) -> f64 {
    let scale = b.norm_max().max(f64::MIN_POSITIVE);
    let mut m: f64 = 0.0;
    for j in 0..a.ncols() {
        for i in 0..a.nrows() {
            m = m.max((a[(i, j)] - b[(i, j)]).abs());
        }
    }
    m / scale
}

fn main() {
    let n: usize = arg(1, 5000);
    let rhs: usize = arg(2, 202);
    let reps: usize = arg(3, 3).max(1);
    let densities: Vec<f64> = list(4, "0.02,0.05,0.1,0.15,0.2,0.3,0.4,0.6");
    let panels: Vec<usize> = list(5, "16,32,64");
    let par = faer::get_global_parallelism();
    println!(
        "# n = {n}, {rhs} right-hand sides, best of {reps}, {} rayon threads",
        rayon::current_num_threads()
    );
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let v = Mat::<f64>::from_fn(n, rhs, |_, _| rng.random::<f64>());
    let gflop = 2.0 * (n as f64).powi(2) * rhs as f64 / 1e9;
    println!("| density | dense Z V, s | dense Zᵀ V, s | panel | CSR Z V, s | CSR Zᵀ V, s | Z V sparse/dense | Zᵀ V sparse/dense | CSR GFLOP/s (Z V) | max rel. diff |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &d in &densities {
        let mut rng = ChaCha8Rng::seed_from_u64(7 + (d * 1e6) as u64);
        let z = Mat::<f64>::from_fn(n, n, |_, _| {
            if rng.random::<f64>() < d {
                rng.random::<f64>()
            } else {
                0.0
            }
        });
        let Ok(csr) = Csr::from_dense(z.as_ref()) else {
            eprintln!("n = {n} is too large for CSR's u32 columns");
            return;
        };
        let mut dense_out = Mat::<f64>::zeros(n, rhs);
        let mut dense_t_out = Mat::<f64>::zeros(n, rhs);
        let mut sp_out = Mat::<f64>::zeros(n, rhs);
        let (mut dn, mut dt) = (Vec::new(), Vec::new());
        let mut sp: Vec<(Vec<f64>, Vec<f64>, f64)> = panels
            .iter()
            .map(|_| (Vec::new(), Vec::new(), 0.0))
            .collect();
        for round in 0..=reps {
            let t = Instant::now();
            matmul(
                dense_out.as_mut(),
                Accum::Replace,
                z.as_ref(),
                v.as_ref(),
                1.0,
                par,
            );
            let a = t.elapsed().as_secs_f64();
            let t = Instant::now();
            matmul(
                dense_t_out.as_mut(),
                Accum::Replace,
                z.transpose(),
                v.as_ref(),
                1.0,
                par,
            );
            let b = t.elapsed().as_secs_f64();
            if round > 0 {
                dn.push(a);
                dt.push(b);
            }
            for (k, &p) in panels.iter().enumerate() {
                let t = Instant::now();
                csr.mul_panel(v.as_ref(), sp_out.as_mut(), p);
                let a = t.elapsed().as_secs_f64();
                let e1 = max_rel(&sp_out, &dense_out);
                let t = Instant::now();
                csr.mul_transpose_panel(v.as_ref(), sp_out.as_mut(), p);
                let b = t.elapsed().as_secs_f64();
                let e2 = max_rel(&sp_out, &dense_t_out);
                if round > 0 {
                    sp[k].0.push(a);
                    sp[k].1.push(b);
                }
                sp[k].2 = sp[k].2.max(e1).max(e2);
            }
        }
        let (bd, bt) = (best(&dn), best(&dt));
        for (k, &p) in panels.iter().enumerate() {
            let (sa, sb) = (best(&sp[k].0), best(&sp[k].1));
            println!(
                "| {:.2} | {bd:.3} | {bt:.3} | {p} | {sa:.3} | {sb:.3} | {:.2} | {:.2} | {:.1} | {:.1e} |",
                csr.density(),
                sa / bd,
                sb / bt,
                gflop * csr.density() / sa,
                sp[k].2
            );
        }
    }
}
