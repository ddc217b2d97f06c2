//! Benchmark of plenum-gvc on a seeded synthetic world table
//! (default 81 regions × 50 sectors = 4050 industries, seed 42).
//!
//! ```text
//! cargo run --release -p plenum-gvc --example gvc_bench -- chokepoints
//! cargo run --release -p plenum-gvc --example gvc_bench -- decomp
//! cargo run --release -p plenum-gvc --example gvc_bench -- brute
//! ```
//! `chokepoints` ranks every foreign supplier of region R00 (China's
//! stand-in); `decomp` runs WWZ/KWW and both Borin–Mancini decompositions
//! for all exporter–importer pairs; `brute` times the re-solving
//! alternatives on a few cases and extrapolates. Run each under
//! `/usr/bin/time -v` for whole-process time and peak memory.

use std::time::Instant;

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::Mat;
use plenum_gvc::synthetic::random_table;
use plenum_gvc::{chokepoints, ChokepointOptions, Decomposer, Economies, GvcModel, Selection};

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|p| args.get(p + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_else(|| "chokepoints".into());
    let nr = arg(&args, "--regions", 81);
    let ns = arg(&args, "--sectors", 50);
    let seed = arg(&args, "--seed", 42) as u64;
    let t0 = Instant::now();
    let table = random_table(nr, ns, 5, 0.3, seed)?;
    let t_table = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let model = GvcModel::new(&table)?;
    let t_model = t1.elapsed().as_secs_f64();
    println!(
        "table {}x{} = {} industries: built+validated {t_table:.2} s, model (A, LU) {t_model:.2} s",
        nr,
        ns,
        model.n()
    );
    let target = Selection::new(table.labels(), &["R00"], None)?;
    match mode.as_str() {
        "chokepoints" => {
            let t = Instant::now();
            let rep = chokepoints(&model, &target, &ChokepointOptions::default())?;
            println!(
                "chokepoints: {} suppliers ranked three ways in {:.2} s; spearman {:?}; {} disagreements",
                rep.suppliers.len(),
                t.elapsed().as_secs_f64(),
                rep.spearman,
                rep.disagreements.len()
            );
            if let Some(c) = rep.suppliers.first() {
                println!(
                    "top exposure: {} (ranks {} {} {})",
                    c.name, c.rank_exposure, c.rank_bottleneck, c.rank_extraction
                );
            }
        }
        "decomp" => {
            let ec = Economies::regions(table.labels());
            let t = Instant::now();
            let d = Decomposer::new(&model, &ec)?;
            let t_prep = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let w = d.wwz();
            let kww = w.kww_from_wwz();
            let t_wwz = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let src = d.bm_source()?;
            let t_src = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let snk = d.bm_sink()?;
            let t_snk = t.elapsed().as_secs_f64();
            let res = [
                w.max_identity_residual(),
                kww.max_identity_residual(),
                src.max_identity_residual(),
                snk.max_identity_residual(),
            ];
            println!(
                "decompositions, {} pairs × {} sectors: prepare (B = L dense, B·Y, v'B) {t_prep:.2} s, WWZ+KWW {t_wwz:.2} s, BM source {t_src:.2} s, BM sink {t_snk:.2} s",
                ec.len() * (ec.len() - 1),
                ns
            );
            println!("largest relative identity residual (cell, pair): {res:?}");
        }
        "brute" => {
            // Chokepoint extraction by re-solving: time a few suppliers.
            let n = model.n();
            let a = model.a().to_owned();
            let y = Mat::from_fn(n, 1, |i, _| {
                (0..nr).map(|r| model.ye()[(i, r)]).sum::<f64>()
            });
            let k = 2;
            let t = Instant::now();
            for c in 0..k {
                let i = ns + c; // suppliers in R01
                let m = Mat::from_fn(n, n, |p, q| {
                    let aa = if p == i && q < ns { 0.0 } else { a[(p, q)] };
                    if p == q {
                        1.0 - aa
                    } else {
                        -aa
                    }
                });
                let x2 = m.partial_piv_lu().solve(&y);
                std::hint::black_box(x2);
            }
            let per = t.elapsed().as_secs_f64() / k as f64;
            let ns_sup = n - ns;
            println!(
                "brute-force extraction: {per:.2} s per supplier (LU + solve), × {ns_sup} suppliers ≈ {:.0} s",
                per * ns_sup as f64
            );
            // Borin–Mancini with B^{xs} formed by inversion per exporter.
            let t = Instant::now();
            let m = Mat::from_fn(n, n, |p, q| {
                let aa = if p < ns && q >= ns { 0.0 } else { a[(p, q)] };
                if p == q {
                    1.0 - aa
                } else {
                    -aa
                }
            });
            let bx = m.partial_piv_lu().inverse();
            std::hint::black_box(bx);
            let per = t.elapsed().as_secs_f64();
            println!(
                "brute-force B^(xs) per exporter: {per:.2} s, × {nr} exporters ≈ {:.0} s (source and sink each)",
                per * nr as f64
            );
        }
        other => {
            return Err(format!("unknown mode {other}; use chokepoints, decomp or brute").into())
        }
    }
    Ok(())
}
