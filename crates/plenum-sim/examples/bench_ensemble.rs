//! Times an ensemble of scenario variants on the embedded default table
//! (data/default/default.plenum, 10 regions × 24 sectors):
//!
//! ```text
//! cargo run --release -p plenum-sim --example bench_ensemble -- [VARIANTS (1000)] [STEPS (28)] [SINGLES (20)] [CHUNK (25)]
//! ```
//!
//! Each variant is a quarterly shocks scenario: a trade restriction on C26
//! (electronics) from USA, JPN, NLD, KOR, TWN and DEU to CHN, phased in over
//! a year to a reduction share φ_k = 0.6·k/(K − 1) for variant k (so 0 to
//! 0.6), with substitutability 0.2 and adjustment speed 0.05 per day, and C26
//! critical for its main users. All variants are built with
//! `ArioModel::variant` from one base (sharing Z⁰) and run as one
//! [`plenum_sim::Ensemble`], and again as consecutive ensembles of CHUNK
//! members; then SINGLES of the variants, spread over the
//! range, are run one by one. The checksum compares every recorded
//! production, capacity and unmet final demand of those single runs with the
//! ensemble members bit for bit, and prints a sum over all members' final
//! production so that runs can be compared.

// SimError carries labels and fixes for the user (see the library's note).
#![allow(clippy::result_large_err)]

use std::time::Instant;

use plenum_sim::{parse_shocks_file, Ensemble, ShocksFile, Trajectory};

fn scenario(phi: f64) -> String {
    format!(
        r#"[simulation]
step = "quarter"

[[trade_restriction]]
product = "C26"
origins = ["USA", "JPN", "NLD", "KOR", "TWN", "DEU"]
destination = "CHN"
reduction = [[0, 0.0], [365, {phi:?}]]
substitutability = 0.2
adjustment_speed = 0.05

[[critical_input]]
input = "C26"
user = "C26"
critical = true

[[critical_input]]
input = "C26"
user = "C27"
critical = true

[[critical_input]]
input = "C26"
user = "C28"
critical = true
"#
    )
}

/// Bit patterns of every production, capacity and unmet-demand figure.
fn same_bits(a: &Trajectory, b: &Trajectory) -> bool {
    let eq = |x: &[Vec<f64>], y: &[Vec<f64>]| {
        x.len() == y.len()
            && x.iter().zip(y).all(|(u, v)| {
                u.len() == v.len() && u.iter().zip(v).all(|(p, q)| p.to_bits() == q.to_bits())
            })
    };
    eq(&a.production_realised, &b.production_realised)
        && eq(&a.production_capacity, &b.production_capacity)
        && eq(&a.final_demand_unmet, &b.final_demand_unmet)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let variants = args.first().copied().unwrap_or(1000).max(2);
    let steps = args.get(1).copied().unwrap_or(28);
    let singles = args.get(2).copied().unwrap_or(20).clamp(1, variants);
    let chunk = args.get(3).copied().unwrap_or(25).clamp(1, variants);

    let t0 = Instant::now();
    let table = plenum_testdata::default_table()?;
    let t_table = t0.elapsed();

    let t1 = Instant::now();
    let files: Vec<ShocksFile> = (0..variants)
        .map(|k| {
            let phi = 0.6 * k as f64 / (variants - 1) as f64;
            parse_shocks_file(&scenario(phi), &format!("variant-{k}.toml"))
        })
        .collect::<Result<_, _>>()?;
    let base = plenum_sim::build_extended(&table, &files[0])?;
    let members = files
        .iter()
        .map(|f| base.variant(&table, f))
        .collect::<Result<Vec<_>, _>>()?;
    let t_build = t1.elapsed();

    // The same members again, as ensembles of CHUNK members one after the
    // other: smaller working sets per pass.
    let t_chunk = Instant::now();
    let mut chunked: Vec<Trajectory> = Vec::with_capacity(variants);
    for part in members.chunks(chunk) {
        chunked.extend(Ensemble::new(part.to_vec())?.run(steps, false)?);
    }
    let t_chunk = t_chunk.elapsed();

    let t2 = Instant::now();
    let mut ensemble = Ensemble::new(members)?;
    let trajs = ensemble.run(steps, false)?;
    let t_ens = t2.elapsed();

    let picks: Vec<usize> = (0..singles)
        .map(|i| i * (variants - 1) / (singles - 1).max(1))
        .collect();
    let t3 = Instant::now();
    let mut single_trajs = Vec::with_capacity(singles);
    for &k in &picks {
        let mut m = plenum_sim::build_extended(&table, &files[k])?;
        single_trajs.push(m.run(steps, false)?);
    }
    let t_single = t3.elapsed();

    let chunks_equal = chunked
        .iter()
        .zip(&trajs)
        .filter(|(a, b)| same_bits(a, b))
        .count();
    let equal = picks
        .iter()
        .zip(&single_trajs)
        .filter(|(k, s)| same_bits(&trajs[**k], s))
        .count();
    let final_sum: f64 = trajs
        .iter()
        .map(|t| t.production_realised.last().map_or(0.0, |x| x.iter().sum()))
        .sum();
    let base_final: f64 = trajs[0]
        .production_realised
        .last()
        .map_or(0.0, |x| x.iter().sum());
    let worst_final: f64 = trajs[variants - 1]
        .production_realised
        .last()
        .map_or(0.0, |x| x.iter().sum());

    let n = table.labels().n_industries();
    println!(
        "table: {n} industries, read in {:.3} s; {variants} variants built in {:.3} s",
        t_table.as_secs_f64(),
        t_build.as_secs_f64()
    );
    println!(
        "ensemble: {variants} variants × {steps} steps in {:.3} s ({:.2} ms per variant)",
        t_ens.as_secs_f64(),
        t_ens.as_secs_f64() * 1e3 / variants as f64
    );
    println!(
        "ensembles of {chunk}: {variants} variants × {steps} steps in {:.3} s ({:.2} ms per variant; {chunks_equal}/{variants} bit-for-bit equal to the single ensemble)",
        t_chunk.as_secs_f64(),
        t_chunk.as_secs_f64() * 1e3 / variants as f64
    );
    println!(
        "single runs: {singles} × {steps} steps (build + run) in {:.3} s ({:.2} ms per variant; {variants} would take ≈ {:.1} s)",
        t_single.as_secs_f64(),
        t_single.as_secs_f64() * 1e3 / singles as f64,
        t_single.as_secs_f64() * variants as f64 / singles as f64
    );
    println!(
        "checksum: {equal}/{singles} single runs bit-for-bit equal to their ensemble members; \
         Σ final production over members = {final_sum:.6e}; φ=0: {base_final:.6e}, φ=0.6: {worst_final:.6e}"
    );
    if equal != singles || chunks_equal != variants {
        return Err("ensemble members differ from single runs".into());
    }
    Ok(())
}
