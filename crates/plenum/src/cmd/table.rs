//! `plenum table info|convert|aggregate`.

use std::path::Path;

use anyhow::{Context, Result};
use plenum_table::{aggregate, Concordance, MrioTable, ValidationPolicy};

use crate::cli::{BuildArgs, OutputFormat, PriorArg, TableCommand};
use crate::source;

pub fn table(cmd: TableCommand) -> Result<()> {
    match cmd {
        TableCommand::Info(arg) => {
            let loaded = source::load(&arg)?;
            crate::output::print(format_args!("{}", describe(&loaded.table, &loaded.origin)))?;
            Ok(())
        }
        TableCommand::Convert { input, to, out } => {
            let loaded = source::load(&input)?;
            write(&loaded.table, to, &out)?;
            eprintln!("wrote {} ({:?})", out.display(), to);
            Ok(())
        }
        TableCommand::Aggregate {
            input,
            regions,
            sectors,
            to,
            out,
            name,
        } => {
            let loaded = source::load(&input)?;
            let t = &loaded.table;
            let l = t.labels();
            let rc = match &regions {
                Some(p) => plenum_formats::concordance::read_concordance(p, "region", l.regions())?,
                None => Concordance::identity(l.regions()),
            };
            let sc = match &sectors {
                Some(p) => plenum_formats::concordance::read_concordance(p, "sector", l.sectors())?,
                None => Concordance::identity(l.sectors()),
            };
            let policy = ValidationPolicy {
                zero_output: plenum_table::ZeroOutputPolicy::TreatAsAbsent,
                ..t_policy(t)
            };
            let agg = aggregate(t, &rc, &sc, &policy).context("aggregating the table")?;
            let mut parts = agg.into_parts();
            if let Some(n) = name {
                parts.meta.name = n;
            }
            parts.meta.notes.push(format!(
                "made by: plenum table aggregate {} --regions {} --sectors {}",
                loaded.origin,
                regions
                    .as_deref()
                    .map_or("(identity)".into(), |p| p.display().to_string()),
                sectors
                    .as_deref()
                    .map_or("(identity)".into(), |p| p.display().to_string()),
            ));
            let agg = MrioTable::new(parts, &policy)?;
            write(&agg, to, &out)?;
            eprintln!(
                "wrote {} ({} regions × {} sectors)",
                out.display(),
                agg.labels().n_regions(),
                agg.labels().n_sectors()
            );
            Ok(())
        }
        TableCommand::Build(args) => build(args),
    }
}

fn build(args: BuildArgs) -> Result<()> {
    use plenum_build::world2022::{aggregate_default, build_world_2022, Prior2022, Sources2022};
    let prior = match args.prior {
        PriorArg::MarketShare => Prior2022::MarketShare,
        PriorArg::Gravity => Prior2022::Gravity,
        PriorArg::WiodGravity => Prior2022::WiodGravity,
    };
    let context = || format!("building the 2022 world table from {}", args.data.display());
    let pb = crate::progress::spinner("reading the national tables");
    let nationals =
        plenum_formats::oecd_national::read_oecd_national_dir(&args.data.join("oecd-niot-2022"))
            .with_context(context)?;
    let wiod = match prior {
        Prior2022::WiodGravity => Some(
            plenum_formats::wiod::read_wiod_dir(
                &args.data.join("wiod-2013-wiot2011"),
                &plenum_formats::wiod::default_policy(),
            )
            .with_context(context)?,
        ),
        _ => None,
    };
    pb.finish_and_clear();
    let sources = Sources2022 { nationals, wiod };
    let pb = crate::progress::bar(0, "building");
    let progress = |p: plenum_build::Progress| {
        pb.set_length(p.total as u64);
        pb.set_position(p.done as u64);
        pb.set_message(format!("{:?}", p.stage));
    };
    let built = build_world_2022(&sources, prior, &progress).with_context(context)?;
    pb.finish_and_clear();
    let r = &built.report;
    eprintln!(
        "GRAS: at most {} iterations per product; largest trade residual {:.2e} relative ({:.3e} absolute); rest of world {}",
        r.max_iterations,
        r.max_rel_residual,
        r.max_abs_residual,
        if r.row_included { "added" } else { "not needed" }
    );
    eprintln!(
        "discrepancies booked: columns {:.2e}, rows {:.2e} (relative to output)",
        r.max_absorbed, r.max_row_absorbed
    );
    let mut table = built.table;
    if args.default {
        table = aggregate_default(&table)
            .context("aggregating to the default 10 regions × 24 sectors")?;
    }
    let mut parts = table.into_parts();
    parts.meta.notes.push(format!(
        "made by: plenum {} table build --prior {:?}{}",
        env!("CARGO_PKG_VERSION"),
        args.prior,
        if args.default { " --default" } else { "" }
    ));
    let policy = ValidationPolicy::lenient(1e-6);
    let table = MrioTable::new(parts, &policy)?;
    write(&table, args.to, &args.out)?;
    eprintln!(
        "wrote {} ({} regions × {} sectors)",
        args.out.display(),
        table.labels().n_regions(),
        table.labels().n_sectors()
    );
    Ok(())
}

/// The policy an aggregated table is built under. Aggregation only adds
/// numbers, so it cannot create imbalances; but gaps that the source's
/// tolerance allowed industry by industry (WIOD's rounding) add up in the
/// aggregate, where a relative check would see them against a smaller
/// floor. The balance check is therefore not repeated (the source passed
/// it); the imbalances are still measured and shown by `table info`.
fn t_policy(_t: &MrioTable) -> ValidationPolicy {
    ValidationPolicy {
        balance_rtol: None,
        allow_negative_value_added: true,
        ..ValidationPolicy::default()
    }
}

fn write(t: &MrioTable, to: OutputFormat, out: &Path) -> Result<()> {
    match to {
        OutputFormat::Native => plenum_formats::native::write_native(t, out)?,
        OutputFormat::Pymrio => plenum_formats::pymrio::write_folder(t, out)?,
    }
    Ok(())
}

/// A readable description of a table.
pub fn describe(t: &MrioTable, origin: &str) -> String {
    use std::fmt::Write;
    let l = t.labels();
    let m = t.meta();
    let r = t.report();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "table      {} ({origin})",
        if m.name.is_empty() {
            "(unnamed)"
        } else {
            &m.name
        }
    );
    let _ = writeln!(
        s,
        "year       {}   currency {} {}   imports {:?}",
        m.year.map_or("?".into(), |y| y.to_string()),
        m.currency,
        m.unit,
        m.imports
    );
    if !m.source.is_empty() {
        let _ = writeln!(s, "source     {}", m.source);
    }
    if !m.licence.is_empty() {
        let _ = writeln!(s, "licence    {}", m.licence);
    }
    let _ = writeln!(
        s,
        "size       {} regions × {} sectors = {} industries; {} final-demand categories; {} value-added components",
        l.n_regions(),
        l.n_sectors(),
        l.n_industries(),
        l.n_fd_categories(),
        l.va_components().len()
    );
    let _ = writeln!(s, "regions    {}", l.regions().join(" "));
    let _ = writeln!(s, "sectors    {}", l.sectors().join(" "));
    let _ = writeln!(s, "final use  {}", l.fd_categories().join(" "));
    if !l.va_components().is_empty() {
        let _ = writeln!(s, "VA         {}", l.va_components().join(" "));
    }
    for e in t.extensions() {
        let _ = writeln!(s, "extension  {} ({} stressors)", e.name, e.stressors.len());
    }
    let x_total: f64 = t.x().iter().sum();
    let va_total: f64 = t.va_total().iter().sum();
    let _ = writeln!(
        s,
        "output     {:.6e} {} {}   value added {:.6e}",
        x_total, m.currency, m.unit, va_total
    );
    let z = t.z_flows();
    let cells = (z.nrows() * z.ncols()).max(1) as f64;
    let nnz = z.nnz();
    let _ = writeln!(
        s,
        "storage    Z {}: {} nonzeros, density {:.4}, {} bytes",
        z.storage(),
        nnz,
        nnz as f64 / cells,
        z.bytes()
    );
    let _ = writeln!(
        s,
        "balance    max relative imbalance: rows {:.2e}, columns {:.2e}",
        r.max_row_imbalance, r.max_col_imbalance
    );
    let _ = writeln!(
        s,
        "productive max column sum of A {:.4}; spectral-radius bound {:.4}",
        r.max_a_colsum, r.spectral_bound
    );
    if !r.zero_output.is_empty() {
        let names: Vec<String> = r.zero_output.iter().map(|&i| l.industry_name(i)).collect();
        let _ = writeln!(
            s,
            "zero output {} industries treated as absent: {}",
            names.len(),
            names.join(" ")
        );
    }
    for note in &m.notes {
        let _ = writeln!(s, "note       {note}");
    }
    s
}
