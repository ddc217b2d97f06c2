//! Builds the 2022 world table, aggregates it to the default 10 regions and
//! prints the timings and the sanity figures of docs/world-table.md.
//!
//! `cargo run --release -p plenum-build --example build2022 [DATA_DIR] [market|gravity|wiod]`

use std::path::PathBuf;
use std::time::Instant;

use plenum_build::world2022::{
    aggregate_default, build_world_2022, va_and_gdp, Prior2022, Sources2022,
};
use plenum_build::{Progress, Stage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let data = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let kind = match args.next().as_deref() {
        Some("market") => Prior2022::MarketShare,
        Some("gravity") => Prior2022::Gravity,
        _ => Prior2022::WiodGravity,
    };
    let t0 = Instant::now();
    let progress = |p: Progress| {
        if p.stage != Stage::Trade || p.done == p.total {
            eprintln!("  {:?} {}/{}", p.stage, p.done, p.total);
        }
    };
    let sources = Sources2022 {
        nationals: plenum_formats::oecd_national::read_oecd_national_dir(
            &data.join("oecd-niot-2022"),
        )?,
        wiod: match kind {
            Prior2022::WiodGravity => Some(plenum_formats::wiod::read_wiod_dir(
                &data.join("wiod-2013-wiot2011"),
                &plenum_formats::wiod::default_policy(),
            )?),
            _ => None,
        },
    };
    let out = build_world_2022(&sources, kind, &progress)?;
    let t_build = t0.elapsed();
    let r = &out.report;
    eprintln!(
        "built {} regions x {} sectors in {:.2?}; GRAS max iterations {}, max relative residual {:.2e}, max abs residual {:.3e}; absorbed rows {:.2e} cols {:.2e}; national gaps {:?}",
        out.table.labels().n_regions(),
        out.table.labels().n_sectors(),
        t_build,
        r.max_iterations,
        r.max_rel_residual,
        r.max_abs_residual,
        r.max_row_absorbed,
        r.max_absorbed,
        r.national
    );
    let mut rx: Vec<_> = r.reexports.iter().filter(|x| x.1 > 1000.0).collect();
    rx.sort_by(|a, b| b.1.total_cmp(&a.1));
    eprintln!(
        "re-exports netted (USD bn): {}",
        rx.iter()
            .take(8)
            .map(|(r, v)| format!("{r} {:.0}", v / 1e3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (we, wm, re, rm) = r.products.iter().fold((0.0, 0.0, 0.0, 0.0), |a, p| {
        (
            a.0 + p.exports,
            a.1 + p.imports,
            a.2 + p.row_exports,
            a.3 + p.row_imports,
        )
    });
    println!("world exports {:.0} bn, imports {:.0} bn (after re-export netting); ROW exports {:.0} bn, imports {:.0} bn", we / 1e3, wm / 1e3, re / 1e3, rm / 1e3);
    let t1 = Instant::now();
    let agg = aggregate_default(&out.table)?;
    eprintln!(
        "aggregated to {} x {} in {:.2?}",
        agg.labels().n_regions(),
        agg.labels().n_sectors(),
        t1.elapsed()
    );
    println!("| region | VA at basic prices (USD bn) | GDP = VA + net product taxes (USD bn) |");
    println!("|---|---|---|");
    for (reg, va, gdp) in va_and_gdp(&agg)? {
        println!("| {reg} | {:.0} | {:.0} |", va / 1e3, gdp / 1e3);
    }
    let l = out.table.labels();
    let chn = l.require_region("CHN")?;
    let c26 = l.require_sector("C26")?;
    let i = l.industry_index(chn, c26);
    let e = plenum_build::compare::gross_exports(&out.table);
    let m = plenum_build::compare::bilateral_imports(&out.table);
    let chn_imp: f64 = (0..l.n_regions()).map(|s| m[c26][(s, chn)]).sum();
    println!(
        "CHN C26: output {:.0} bn, exports {:.0} bn, imports {:.0} bn",
        out.table.x()[i] / 1e3,
        e[i] / 1e3,
        chn_imp / 1e3
    );
    let mut partners: Vec<(String, f64)> = (0..l.n_regions())
        .map(|s| (l.regions()[s].clone(), m[c26][(s, chn)]))
        .collect();
    partners.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!(
        "CHN C26 imports by partner (USD bn): {}",
        partners
            .iter()
            .take(8)
            .map(|(r, v)| format!("{r} {:.0}", v / 1e3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    eprintln!("total {:.2?}", t0.elapsed());
    Ok(())
}
