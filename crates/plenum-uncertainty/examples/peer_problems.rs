//! Times plenum-uncertainty on the analytic problems that
//! `tests/golden/make_goldens.py` times SALib and pymoo on (the same
//! sizes), and prints the results as JSON. Used by
//! `bench/uncertainty_vs_peers.sh`.

use std::f64::consts::PI;
use std::time::Instant;

use plenum_uncertainty::hypervolume::hypervolume;
use plenum_uncertainty::nsga2::{nsga2, Nsga2Options};
use plenum_uncertainty::problems::{ishigami, zdt1, zdt2};
use plenum_uncertainty::sobol::{saltelli_sample, sobol_analyze, SobolOptions};
use plenum_uncertainty::Dist;

fn main() {
    let mut out = Vec::new();
    let t = Instant::now();
    let x =
        saltelli_sample(&[Dist::Uniform { lo: -PI, hi: PI }; 3], 1024, true, 1024).expect("design");
    let y: Vec<f64> = x.iter().map(|r| ishigami(r)).collect();
    let s = sobol_analyze(
        3,
        &y,
        SobolOptions {
            second_order: true,
            resamples: 1000,
            conf_level: 0.95,
            seed: 1,
        },
    )
    .expect("indices");
    out.push(format!(
        "\"ishigami_sobol_n1024_second_order_s\": {}",
        t.elapsed().as_secs_f64()
    ));
    eprintln!("Ishigami S1 {:?} ST {:?}", s.s1, s.st);

    let t = Instant::now();
    let x = saltelli_sample(&[Dist::Uniform { lo: 0.0, hi: 1.0 }; 10], 1024, false, 1024)
        .expect("design");
    let y: Vec<f64> = x
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, v)| (i + 1) as f64 * v)
                .sum::<f64>()
                + r[0] * r[1]
        })
        .collect();
    sobol_analyze(
        10,
        &y,
        SobolOptions {
            second_order: false,
            resamples: 100,
            conf_level: 0.95,
            seed: 1,
        },
    )
    .expect("indices");
    out.push(format!(
        "\"sobol_10_params_n1024_s\": {}",
        t.elapsed().as_secs_f64()
    ));

    for (p, name) in [(1u8, "zdt1"), (2, "zdt2")] {
        for evals in [5000usize, 10000] {
            let (mut secs, mut hv) = (0.0, 0.0);
            for seed in 1..=10u64 {
                let t = Instant::now();
                let opt = Nsga2Options {
                    pop_size: 100,
                    max_evals: evals,
                    seed,
                    ..Default::default()
                };
                let r = nsga2(&[0.0; 30], &[1.0; 30], &opt, |xs| {
                    xs.iter()
                        .map(|x| if p == 1 { zdt1(x) } else { zdt2(x) })
                        .collect()
                })
                .expect("nsga2");
                secs += t.elapsed().as_secs_f64();
                let f: Vec<Vec<f64>> = r.front().iter().map(|i| i.f.clone()).collect();
                hv += hypervolume(&f, &[1.1, 1.1]);
            }
            out.push(format!("\"plenum_{name}_{evals}_mean_s\": {}", secs / 10.0));
            out.push(format!("\"plenum_{name}_{evals}_hv_mean\": {}", hv / 10.0));
        }
    }
    println!("{{\n {}\n}}", out.join(",\n "));
}
