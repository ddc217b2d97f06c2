//! Rebuilds the WIOD 2011 world table from the national tables it implies
//! and prints the error table of docs/world-table.md.
//!
//! `cargo run --release -p plenum-build --example wiod_check [DATA_DIR]`

use std::path::PathBuf;
use std::time::Instant;

use plenum_build::compare::{compare, Errors};
use plenum_build::{build_world_table, nationals_from_mrio, BuildOptions};

fn row(name: &str, e: &Errors) {
    println!(
        "| {name} | {:.4} | {} | {:.2} | {} {:.2} | {:.4} | {} {:.3} | {:.4} | {:+.3} |",
        e.import_share_tvd,
        e.sector_import_tvd
            .iter()
            .map(|(r, v)| format!("{r} {v:.3}"))
            .collect::<Vec<_>>()
            .join(", "),
        e.fva_mae_pp,
        e.fva_max_pp.0,
        e.fva_max_pp.1,
        e.va_mult_mae,
        e.va_mult_max.0,
        e.va_mult_max.1,
        e.dependence_tvd,
        e.dependence_total_rel,
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let t0 = Instant::now();
    let truth = plenum_formats::wiod::read_wiod_dir(
        &data.join("wiod-2013-wiot2011"),
        &plenum_formats::wiod::default_policy(),
    )?;
    eprintln!("read WIOD in {:.2?}", t0.elapsed());
    let nats = nationals_from_mrio(&truth, false);
    let quiet = |_p: plenum_build::Progress| {};
    let t1 = Instant::now();
    let built = build_world_table(&nats, &BuildOptions::default(), &quiet)?;
    eprintln!(
        "balanced build in {:.2?}: {:?}",
        t1.elapsed(),
        (
            built.report.max_iterations,
            built.report.max_rel_residual,
            built.report.max_absorbed,
            built.report.max_row_absorbed,
            built.report.row_included
        )
    );
    let base = build_world_table(
        &nats,
        &BuildOptions {
            balance: false,
            ..BuildOptions::default()
        },
        &quiet,
    )?;
    println!("| table | import-share TVD | c14 import TVD | FVA share MAE (pp) | FVA worst (pp) | domestic VA multiplier MAE | worst | CHN c14 dependence TVD | total rel. error |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let eb = compare(&base.table, &truth, "c14", &["CHN", "USA"], "CHN")?;
    let eg = compare(&built.table, &truth, "c14", &["CHN", "USA"], "CHN")?;
    row("market shares, not balanced", &eb);
    row("market shares + GRAS (plenum-build)", &eg);
    let centres = plenum_build::prior::read_centres(
        "economy_centres.csv",
        plenum_build::prior::ECONOMY_CENTRES_CSV,
    )?;
    let l = truth.labels();
    let regions: Vec<String> = l.regions().to_vec();
    for theta in [0.5, 1.0, 1.5] {
        let grav = plenum_build::BilateralPrior::gravity(&regions, l.sectors(), &centres, theta);
        for balance in [false, true] {
            let g = build_world_table(
                &nats,
                &BuildOptions {
                    prior: plenum_build::TradePrior::Bilateral(grav.clone()),
                    balance,
                    ..BuildOptions::default()
                },
                &quiet,
            )?;
            let e = compare(&g.table, &truth, "c14", &["CHN", "USA"], "CHN")?;
            row(
                &format!(
                    "gravity theta={theta}{}",
                    if balance { " + GRAS" } else { ", not balanced" }
                ),
                &e,
            );
        }
    }
    for (r, e) in built.report.reexports.iter().filter(|x| x.1 > 0.0) {
        eprintln!("re-exports netted {r}: {e:.0}");
    }
    Ok(())
}
