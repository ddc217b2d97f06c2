//! Writes a seeded synthetic world table as a pymrio folder, for the
//! side-by-side benchmark `bench/analyze_vs_pymrio.sh` (plenum analyze vs
//! pymrio's `calc_all` on the same numbers).
//!
//! The table is [`plenum_gvc::synthetic::random_table`] (productive by
//! construction: every column buys at most 65 % of its output as
//! intermediates, so the column sums of A are at most 0.65 and I − A is
//! non-singular). [`plenum_formats::pymrio::write_folder`] writes Z, Y, x,
//! unit and the value-added block V as the extension `factor_inputs`, so that
//! pymrio's `calc_all` computes value-added footprints (D_cba of
//! `factor_inputs`) that can be compared with plenum's.
//!
//! ```text
//! cargo run --release -p plenum-gvc --example synth_pymrio -- REGIONS SECTORS DIR [FD] [SEED] [SPARSITY]
//! ```
//!
//! Defaults: FD = 5 final-demand categories, SEED = 42; SPARSITY = 0.3 of
//! the interregional cells are zero.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn usage() -> ExitCode {
    eprintln!("usage: synth_pymrio REGIONS SECTORS DIR [FD (5)] [SEED (42)] [SPARSITY (0.3)]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 || args.len() > 6 {
        return usage();
    }
    let num = |i: usize, default: u64| -> Option<u64> {
        match args.get(i) {
            Some(s) => s.parse().ok(),
            None => Some(default),
        }
    };
    let (Some(regions), Some(sectors), Some(fd), Some(seed)) =
        (num(0, 0), num(1, 0), num(3, 5), num(4, 42))
    else {
        return usage();
    };
    if regions == 0 || sectors == 0 || fd == 0 {
        return usage();
    }
    let sparsity = match args.get(5).map(|s| s.parse::<f64>()) {
        None => 0.3,
        Some(Ok(v)) if (0.0..1.0).contains(&v) => v,
        Some(_) => return usage(),
    };
    let dir = PathBuf::from(&args[2]);
    let t0 = Instant::now();
    let table = match plenum_gvc::synthetic::random_table(
        regions as usize,
        sectors as usize,
        fd as usize,
        sparsity,
        seed,
    ) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let t1 = Instant::now();
    if let Err(e) = plenum_formats::pymrio::write_folder(&table, &dir) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "{} regions × {} sectors = {} industries, {} final-demand columns: table {:.2} s, written to {} in {:.2} s",
        regions,
        sectors,
        regions * sectors,
        regions * fd,
        (t1 - t0).as_secs_f64(),
        dir.display(),
        t1.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
