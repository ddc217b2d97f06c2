//! The machine's floor for one sweep over Z⁰: how long the thread pool
//! takes to read an n × n float64 matrix once (a vectorised sum, columns
//! split in the sweep's blocks of 128), best of `reps` rounds. A step of
//! ARIO mode reads Z⁰ once, so n = 5000 (200 MB) gives the least time a
//! step can take here (BENCHMARKS.md, "plenum simulate ario vs BoARIO").
//!
//!     cargo run --release -p plenum-sim --example stream_bandwidth -- [N] [REPS]

use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let reps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let block = 128 * n;
    // Written on the pool, as the model's Z⁰ is, so that the pages are spread
    // the same way.
    let z: Vec<f64> = (0..n * n)
        .into_par_iter()
        .map(|i| (i % 1000) as f64 * 1e-3)
        .collect();
    let mut best = f64::INFINITY;
    let mut check = 0.0;
    for _ in 0..reps {
        let t0 = Instant::now();
        check = z
            .par_chunks(block)
            .map(|c| {
                // Eight independent lanes, so that the adds keep up with memory.
                let mut acc = [0.0f64; 8];
                for v in c.chunks_exact(8) {
                    for (a, x) in acc.iter_mut().zip(v) {
                        *a += x;
                    }
                }
                acc.iter().sum::<f64>() + c.chunks_exact(8).remainder().iter().sum::<f64>()
            })
            .sum();
        best = best.min(t0.elapsed().as_secs_f64());
    }
    let bytes = (n * n * 8) as f64;
    println!(
        "n = {n}: one read of Z ({:.0} MB) on {} threads: best {:.2} ms of {reps} ({:.1} GB/s; checksum {check:.6e})",
        bytes / 1e6,
        rayon::current_num_threads(),
        best * 1e3,
        bytes / best / 1e9
    );
}
