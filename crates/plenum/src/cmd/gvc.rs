//! Technological dependence on the command line (issue 4):
//! `plenum analyze self-reliance`, `plenum analyze decompose` and
//! `plenum chokepoints`. Each prints a readable table and, with `--out`,
//! writes tidy CSV/Parquet files and a manifest. The measures themselves
//! are in crate `plenum-gvc`; their formulas and papers in `docs/gvc.md`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use plenum_gvc::decomp::Perspective;
use plenum_gvc::selfreliance::{va_origin, Basis};
use plenum_gvc::{
    chokepoints, dynamic_bottleneck, group_dependence, koopman_2010, wwz_participation,
    BilateralTerms, ChokepointOptions, Decomposer, DynamicOptions, Economies, GvcModel,
    RegionGroup, Selection,
};
use plenum_table::{Labels, MrioTable};

use crate::cli::{TableArg, TidyFormat};
use crate::output::{Frame, OutDir};
use crate::source;

const SELF_RELIANCE_HELP: &str = "\
Measures (formulas in docs/gvc.md):
  VA origin       domestic and foreign value added in output, gross exports, final goods
                  and final demand, v_i (L w)_i by source industry (Johnson & Noguera 2012;
                  the foreign part of exports is Hummels, Ishii & Yi 2001's VS).
  direct share    the group's share of the industry's intermediate inputs, all and by input
                  product (z_ij summed over the group / over all origins).
  total VA share  value added created in the group per unit of final product, Σ_G v_i L_ij.
  look-through    the group's share of all upstream output needed per unit of output,
                  Σ_G (L-I)_ij / Σ (L-I)_ij (Baldwin, Freeman & Theodorakopoulos 2022).
  WWZ 2017a       production-based GVC participation, forward (VA) and backward (final
                  goods) (Wang, Wei, Yu & Zhu 2017).
  Koopman 2010    export-based participation (IV+FV)/E and position ln(1+IV/E)-ln(1+FV/E)
                  (Koopman, Powers, Wang & Wei 2010).

The default group is the chip-export-control coalition USA JPN NLD KOR TWN DEU; --group
reads a TOML file (regions = [\"USA\", \"JPN\"]) or a plain list, one region a line.

Examples:
  plenum analyze self-reliance --region CHN --sector C26
  plenum analyze self-reliance --region CHN --sector C26 --sector C27 /tmp/world2022.plenum
  plenum analyze self-reliance --region CHN --sector c14 ../shared/data/wiod-2013-wiot2011 \\
      --allow-zero-output --out out/wiod-self-reliance";

const DECOMPOSE_HELP: &str = "\
Methods (formulas in docs/gvc.md):
  kww        9 terms of gross exports: DVA_FIN, DVA_INT, DVA_INTrex, RDV_FIN, RDV_INT, DDC,
             FVA_FIN, FVA_INT, FDC (Koopman, Wang & Wei 2014, via Wang, Wei & Zhu 2013).
  wwz        the 16 terms of Wang, Wei & Zhu (2013), bilateral and by sector.
  bm-source  Borin & Mancini (2019, 2023), source-based: value added counted the first time
             it leaves the exporter (VAX1-4, REF1-2, DDC, FVA, FDC).
  bm-sink    Borin & Mancini (2019, 2023), sink-based: counted the last time it leaves.
Levels: country (exporter to the world), bilateral (exporter x importer), sector (exporter x
exporting sector to the world). Terms are printed as % of gross exports (EXGR). For bm-source
and bm-sink the level also sets Borin & Mancini's perspective: double counting is measured
relative to the exporter's total exports (country), the exporter-importer flow (bilateral) or
the exporting sector's exports (sector).

Examples:
  plenum analyze decompose --method kww
  plenum analyze decompose --method bm-source --level sector --region CHN --top 24
  plenum analyze decompose --method kww --level bilateral --region CHN /tmp/world2022.plenum \\
      --out out/kww-chn";

const CHOKEPOINTS_HELP: &str = "\
Rankings of every supplier industry outside the target (formulas in docs/gvc.md):
  exposure     supplier output needed, directly and indirectly, per unit of the target's
               output, Σ_T (L-I)_ij x_j / Σ_T x_j (Baldwin, Freeman & Theodorakopoulos 2022).
  bottleneck   target value added lost if the supplier stops delivering and nothing replaces
               it: Leontief loss of its users for critical inputs, spread downstream with
               the Ghosh inverse (Ghosh 1958; first order).
  extraction   world output lost when the supplier's sales to the target are removed
               (partial hypothetical extraction, Dietzenbacher & Lahr 2013; exact rank-one
               update).
The report shows the top of each ranking, which target industries each supplier hits most,
the Spearman correlations of the rankings and the suppliers where they disagree, with why.
  --dynamic    for the top suppliers by bottleneck loss, the same loss computed with the
               dynamic engine (plenum-sim extended mode: the supplier's deliveries to the
               target capped at 0, critical inputs, inventories, quarterly steps).

Examples:
  plenum chokepoints --region CHN --top 20
  plenum chokepoints --region CHN --top 20 --dynamic
  plenum chokepoints --region CHN --top 10 /tmp/world2022.plenum --out out/chokepoints
  plenum chokepoints --region CHN ../shared/data/wiod-2013-wiot2011 --allow-zero-output";

/// The subcommands of `plenum analyze`.
#[derive(Debug, Subcommand)]
pub enum AnalyzeCommand {
    /// Domestic and foreign value added in output, exports and final demand; dependence on a
    /// group of economies; GVC participation and position.
    #[command(after_help = SELF_RELIANCE_HELP)]
    SelfReliance(SelfRelianceArgs),
    /// Gross-export decompositions (KWW, WWZ, Borin-Mancini) by country, pair or sector.
    #[command(after_help = DECOMPOSE_HELP)]
    Decompose(DecomposeArgs),
}

/// Output flags shared by the GVC commands.
#[derive(Debug, Args, Clone)]
pub struct GvcOut {
    /// Folder for tidy outputs and manifest.json.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = TidyFormat::Csv)]
    pub tidy: TidyFormat,
}

#[derive(Debug, Args)]
pub struct SelfRelianceArgs {
    #[command(flatten)]
    pub input: TableArg,
    /// Region(s) whose self-reliance is measured; several regions count as one economy.
    #[arg(
        long,
        value_name = "REGION",
        value_delimiter = ',',
        default_value = "CHN"
    )]
    pub region: Vec<String>,
    /// Group file (TOML `regions = [...]` or a list); default the chip coalition
    /// USA, JPN, NLD, KOR, TWN, DEU.
    #[arg(long, value_name = "FILE")]
    pub group: Option<PathBuf>,
    /// Sector(s) to measure (repeat or comma-separate); default all sectors.
    #[arg(long, value_name = "SECTOR", value_delimiter = ',')]
    pub sector: Vec<String>,
    /// How many foreign sources and industries the summary lists.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub output: GvcOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Koopman, Wang & Wei (2014), 9 terms.
    Kww,
    /// Wang, Wei & Zhu (2013), 16 terms.
    Wwz,
    /// Borin & Mancini, source-based.
    BmSource,
    /// Borin & Mancini, sink-based.
    BmSink,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// Exporter to the world.
    Country,
    /// Exporter × importer.
    Bilateral,
    /// Exporter × exporting sector, to the world.
    Sector,
}

#[derive(Debug, Args)]
pub struct DecomposeArgs {
    #[command(flatten)]
    pub input: TableArg,
    #[arg(long, value_enum, default_value_t = Method::Kww)]
    pub method: Method,
    #[arg(long, value_enum, default_value_t = Level::Country)]
    pub level: Level,
    /// Exporter(s) to report (repeat or comma-separate); default all.
    #[arg(long, value_name = "REGION", value_delimiter = ',')]
    pub region: Vec<String>,
    /// How many rows (largest gross exports first) the summary shows.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    #[command(flatten)]
    pub output: GvcOut,
}

#[derive(Debug, Args)]
#[command(after_help = CHOKEPOINTS_HELP)]
pub struct ChokepointsArgs {
    #[command(flatten)]
    pub input: TableArg,
    /// Target region(s) whose foreign suppliers are ranked.
    #[arg(
        long,
        value_name = "REGION",
        value_delimiter = ',',
        default_value = "CHN"
    )]
    pub region: Vec<String>,
    /// Rows per ranking in the summary; also the "top k" for disagreements.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Target industries listed per supplier and measure.
    #[arg(long, default_value_t = 3)]
    pub hits: usize,
    /// Smallest cost share of a product for it to count as a critical input
    /// in the bottleneck measure (0 = pure Leontief).
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    pub critical_share: f64,
    /// Also compute the bottleneck loss of the top suppliers (by the
    /// first-order bottleneck ranking) with the dynamic engine: their
    /// deliveries to the target stopped, critical inputs, inventories.
    #[arg(long)]
    pub dynamic: bool,
    /// Quarterly steps of the dynamic runs (with --dynamic), 1 to 400.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "dynamic",
          value_parser = crate::cmd::simulate::parse_dynamic_steps)]
    pub dynamic_steps: usize,
    #[command(flatten)]
    pub output: GvcOut,
}

pub fn analyze(cmd: AnalyzeCommand) -> Result<()> {
    match cmd {
        AnalyzeCommand::SelfReliance(a) => self_reliance(a),
        AnalyzeCommand::Decompose(a) => decompose(a),
    }
}

/// Checks CLI labels against the table, naming the flag and every valid label.
fn check_labels(kind: &str, flag: &str, given: &[String], valid: &[String], t: &str) -> Result<()> {
    for g in given {
        if !valid.iter().any(|v| v == g) {
            bail!(
                "unknown {kind} \"{g}\" in {flag}; the {kind}s of table \"{t}\" are: {}",
                valid.join(", ")
            );
        }
    }
    Ok(())
}

fn table_name(t: &MrioTable) -> &str {
    if t.meta().name.is_empty() {
        "table"
    } else {
        &t.meta().name
    }
}

fn model(t: &MrioTable) -> Result<GvcModel> {
    let pb = crate::progress::spinner("factoring I - A");
    let m = GvcModel::new(t).context("preparing the GVC model")?;
    pb.finish_and_clear();
    Ok(m)
}

/// The region group: the file given, or the chip coalition; labels checked.
fn group(args: &SelfRelianceArgs, labels: &Labels) -> Result<RegionGroup> {
    let g = match &args.group {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read group file {}", p.display()))?;
            RegionGroup::parse(&text, &p.display().to_string())?
        }
        None => RegionGroup::chip_coalition(),
    };
    g.resolve(labels).with_context(|| {
        if args.group.is_none() {
            "the default group (the chip coalition) names a region this table lacks; give --group FILE with regions it has".to_string()
        } else {
            format!("checking the regions of group \"{}\"", g.name)
        }
    })?;
    Ok(g)
}

/// The economies: each region alone, or the selected regions merged.
fn economies(labels: &Labels, regions: &[String]) -> Result<(Economies, String)> {
    if regions.len() <= 1 {
        let name = regions.first().cloned().unwrap_or_default();
        return Ok((Economies::regions(labels), name));
    }
    let name = regions.join("+");
    let refs: Vec<&str> = regions.iter().map(|s| s.as_str()).collect();
    let e = Economies::with_groups(labels, &[(name.as_str(), refs.as_slice())])?;
    Ok((e, name))
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}", 100.0 * x)
    } else {
        "-".into()
    }
}

fn basis_name(b: Basis) -> &'static str {
    match b {
        Basis::Output => "output",
        Basis::GrossExports => "gross_exports",
        Basis::FinalGoods => "final_goods",
        Basis::Absorption => "final_demand",
    }
}

fn basis_title(b: Basis) -> &'static str {
    match b {
        Basis::Output => "gross output",
        Basis::GrossExports => "gross exports",
        Basis::FinalGoods => "final goods sold",
        Basis::Absorption => "own final demand",
    }
}

fn self_reliance(args: SelfRelianceArgs) -> Result<()> {
    let loaded = source::load(&args.input)?;
    let t = &loaded.table;
    let l = t.labels();
    let tn = table_name(t);
    check_labels("region", "--region", &args.region, l.regions(), tn)?;
    check_labels("sector", "--sector", &args.sector, l.sectors(), tn)?;
    let grp = group(&args, l)?;
    let regions: Vec<&str> = args.region.iter().map(|s| s.as_str()).collect();
    let sectors: Vec<&str> = args.sector.iter().map(|s| s.as_str()).collect();
    let sel = Selection::new(
        l,
        &regions,
        if sectors.is_empty() {
            None
        } else {
            Some(&sectors)
        },
    )?;
    let m = model(t)?;
    let ns = l.n_sectors();
    let nr = l.n_regions();
    let sel_name = format!(
        "{} {}",
        args.region.join("+"),
        if sectors.is_empty() {
            "all sectors".to_string()
        } else {
            sectors.join("+")
        }
    );
    let unit = format!("{} {}", t.meta().currency, t.meta().unit);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{tn} ({}) — self-reliance of {sel_name}\n",
        loaded.origin
    );

    // 1. Value-added origin.
    let mut summary = Frame::new(&["basis", "measure"]);
    let mut by_source = Frame::new(&["basis", "source_region", "source_sector"]);
    let _ = writeln!(
        s,
        "Value added by origin (v_i (L w)_i; HIY vertical specialisation for exports)"
    );
    let _ = writeln!(
        s,
        "  {:<18} {:>16} {:>10} {:>10}  largest foreign source regions",
        "in", unit, "domestic%", "foreign%"
    );
    let bases = [
        Basis::Output,
        Basis::GrossExports,
        Basis::FinalGoods,
        Basis::Absorption,
    ];
    let mut tops = Vec::new();
    for b in bases {
        let o = va_origin(&m, &sel, b)?;
        let fs = o.foreign / o.total;
        let mut regs: Vec<(usize, f64)> = o
            .by_source_region(nr)
            .into_iter()
            .enumerate()
            .filter(|(r, _)| !sel.contains_region(*r))
            .collect();
        regs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let regs_txt: Vec<String> = regs
            .iter()
            .take(args.top.min(5))
            .map(|(r, v)| format!("{} {}", l.regions()[*r], pct(v / o.total)))
            .collect();
        let _ = writeln!(
            s,
            "  {:<18} {:>16.0} {:>10} {:>10}  {}",
            basis_title(b),
            o.total,
            pct(o.domestic / o.total),
            pct(fs),
            regs_txt.join(", ")
        );
        let bn = basis_name(b);
        summary.push(&[bn, "total"], o.total);
        summary.push(&[bn, "domestic"], o.domestic);
        summary.push(&[bn, "foreign"], o.foreign);
        summary.push(&[bn, "foreign_share"], fs);
        for (r, v) in &regs {
            summary.push(&[bn, &format!("foreign_from_{}", l.regions()[*r])], *v);
        }
        for (i, v) in o.by_source.iter().enumerate() {
            let id = l.industry(i);
            by_source.push(&[bn, &l.regions()[id.region], &l.sectors()[id.sector]], *v);
        }
        tops.push((b, o.top_foreign_sources(args.top), o.total));
    }
    for (b, top, total) in &tops {
        if *b != Basis::GrossExports {
            continue;
        }
        let _ = writeln!(
            s,
            "\n  largest foreign source industries of the value in {} (% of it)",
            basis_title(*b)
        );
        for (i, v) in top {
            let _ = writeln!(s, "    {:<24} {:>6}", l.industry_name(*i), pct(v / total));
        }
    }

    // 2. Dependence on the group.
    let dep = group_dependence(&m, &sel, &grp)?;
    let gnames: Vec<&str> = dep
        .group_regions
        .iter()
        .map(|&r| l.regions()[r].as_str())
        .collect();
    let _ = writeln!(
        s,
        "\nDependence on group \"{}\" ({})",
        dep.group,
        gnames.join(" ")
    );
    let _ = writeln!(
        s,
        "  {:<26} {:>9} {:>9} {:>10} {:>12}  group share of own-product inputs",
        "industry", "direct%", "coef", "total VA%", "look-through%"
    );
    let mut dframe = Frame::new(&["region", "sector", "measure"]);
    let mut pframe = Frame::new(&["region", "sector", "input_sector"]);
    let mut rows: Vec<&plenum_gvc::selfreliance::DependenceRow> = dep.rows.iter().collect();
    rows.sort_by(|a, b| {
        b.total_input_share
            .total_cmp(&a.total_input_share)
            .then(a.industry.cmp(&b.industry))
    });
    let shown = if sectors.is_empty() {
        args.top
    } else {
        rows.len()
    };
    let line = |r: &plenum_gvc::selfreliance::DependenceRow, s: &mut String| {
        // The group's share of the user's input of its own product (for the
        // aggregate, when one sector is selected).
        let own_sector = match (r.industry, sel.sectors.as_slice()) {
            (Some(j), _) => Some(j % ns),
            (None, [one]) => Some(*one),
            (None, _) => None,
        };
        let own = own_sector.and_then(|p| r.direct_by_product.get(p).copied().flatten());
        let _ = writeln!(
            s,
            "  {:<26} {:>9} {:>9.4} {:>10} {:>12}  {}",
            r.name,
            pct(r.direct_share),
            r.direct_coefficient,
            pct(r.total_va_share),
            pct(r.total_input_share),
            own.map_or("-".to_string(), pct)
        );
    };
    line(&dep.aggregate, &mut s);
    for r in rows.iter().take(shown) {
        line(r, &mut s);
    }
    if rows.len() > shown {
        let _ = writeln!(
            s,
            "  ... {} more industries in dependence.csv (largest look-through first)",
            rows.len() - shown
        );
    }
    for r in dep.rows.iter().chain(std::iter::once(&dep.aggregate)) {
        let (rn, sn) = match r.industry {
            Some(j) => {
                let id = l.industry(j);
                (
                    l.regions()[id.region].clone(),
                    l.sectors()[id.sector].clone(),
                )
            }
            None => ("selection".to_string(), "all".to_string()),
        };
        dframe.push(&[&rn, &sn, "direct_share"], r.direct_share);
        dframe.push(&[&rn, &sn, "direct_coefficient"], r.direct_coefficient);
        dframe.push(&[&rn, &sn, "total_va_share"], r.total_va_share);
        dframe.push(&[&rn, &sn, "total_input_share"], r.total_input_share);
        for (p, v) in r.direct_by_product.iter().enumerate() {
            if let Some(v) = v {
                pframe.push(&[&rn, &sn, &l.sectors()[p]], *v);
            }
        }
    }

    // 3. Participation and position.
    let (econ, ename) = economies(l, &args.region)?;
    let e = econ.index(&ename)?;
    let pb = crate::progress::spinner("decomposing gross exports (WWZ/KWW)");
    let dec = Decomposer::new(&m, &econ)?;
    let kww = dec.wwz().kww_from_wwz();
    pb.finish_and_clear();
    let kp = koopman_2010(&kww);
    let wwz = wwz_participation(&m, &econ)?;
    let mut part = Frame::new(&["economy", "sector", "measure"]);
    let _ = writeln!(s, "\nGVC participation and position of {ename}");
    let _ = writeln!(
        s,
        "  {:<14} {:>10} {:>10} {:>12} {:>10}",
        "", "WWZ fwd%", "WWZ bwd%", "Koopman par%", "position"
    );
    let fe = &wwz.forward_by_economy[e];
    let be = &wwz.backward_by_economy[e];
    let _ = writeln!(
        s,
        "  {:<14} {:>10} {:>10} {:>12} {:>10.4}",
        "all sectors",
        pct(fe.participation()),
        pct(be.participation()),
        pct(kp[e].participation),
        kp[e].position
    );
    let push_part = |part: &mut Frame, sec: &str, f: f64, b: f64, k: &plenum_gvc::KoopmanIndex| {
        part.push(&[&ename, sec, "wwz_forward_participation"], f);
        part.push(&[&ename, sec, "wwz_backward_participation"], b);
        part.push(&[&ename, sec, "koopman_participation"], k.participation);
        part.push(&[&ename, sec, "koopman_position"], k.position);
        part.push(&[&ename, sec, "koopman_iv"], k.iv);
        part.push(&[&ename, sec, "koopman_fv"], k.fv);
        part.push(&[&ename, sec, "gross_exports"], k.exports);
    };
    push_part(
        &mut part,
        "all",
        fe.participation(),
        be.participation(),
        &kp[e],
    );
    if !sectors.is_empty() {
        let ks = plenum_gvc::participation::koopman_2010_sectors(&kww, e);
        for &sec in &sel.sectors {
            // WWZ splits of the selection's industries of this sector.
            let mut f = (0.0, 0.0);
            let mut b = (0.0, 0.0);
            for &r in &sel.regions {
                let i = l.industry_index(r, sec);
                f.0 += wwz.forward[i].gvc_simple + wwz.forward[i].gvc_complex;
                f.1 += wwz.forward[i].total;
                b.0 += wwz.backward[i].gvc_simple + wwz.backward[i].gvc_complex;
                b.1 += wwz.backward[i].total;
            }
            let name = &l.sectors()[sec];
            let _ = writeln!(
                s,
                "  {:<14} {:>10} {:>10} {:>12} {:>10.4}",
                name,
                pct(f.0 / f.1),
                pct(b.0 / b.1),
                pct(ks[sec].participation),
                ks[sec].position
            );
            push_part(&mut part, name, f.0 / f.1, b.0 / b.1, &ks[sec]);
        }
    }
    print!("{s}");
    if let Some(dir) = &args.output.out {
        let out = OutDir::create(dir, args.output.tidy)?;
        out.write("va_origin", &summary)?;
        out.write("va_origin_by_source", &by_source)?;
        out.write("dependence", &dframe)?;
        out.write("dependence_by_product", &pframe)?;
        out.write("participation", &part)?;
        out.manifest(t, "analyze self-reliance", &[], None)?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}

fn decompose(args: DecomposeArgs) -> Result<()> {
    let loaded = source::load(&args.input)?;
    let t = &loaded.table;
    let l = t.labels();
    let tn = table_name(t);
    check_labels("region", "--region", &args.region, l.regions(), tn)?;
    let m = model(t)?;
    let econ = Economies::regions(l);
    let pb = crate::progress::spinner("decomposing gross exports");
    let dec = Decomposer::new(&m, &econ)?;
    // Borin-Mancini: double counting is defined relative to the unit the
    // level reports (their bilateral and sector perspectives).
    let persp = match args.level {
        Level::Country => Perspective::Country,
        Level::Bilateral => Perspective::Bilateral,
        Level::Sector => Perspective::Sector,
    };
    let terms: BilateralTerms = match args.method {
        Method::Kww => dec.wwz().kww_from_wwz(),
        Method::Wwz => dec.wwz(),
        Method::BmSource => dec.bm_source_in(persp)?,
        Method::BmSink => dec.bm_sink_in(persp)?,
    };
    pb.finish_and_clear();
    let (cell, pair) = terms.max_identity_residual();
    let ge = terms.economies.len();
    let ns = terms.sectors.len();
    let exporters: Vec<usize> = if args.region.is_empty() {
        (0..ge).collect()
    } else {
        args.region
            .iter()
            .map(|r| econ.index(r))
            .collect::<Result<_, _>>()?
    };
    // (exporter, importer or None, sector or None, terms, gross exports).
    type Row = (usize, Option<usize>, Option<usize>, Vec<f64>, f64);
    let mut rows: Vec<Row> = Vec::new();
    for &s in &exporters {
        match args.level {
            Level::Country => {
                rows.push((s, None, None, terms.country(s), terms.country_exports(s)))
            }
            Level::Bilateral => {
                for r in (0..ge).filter(|&r| r != s) {
                    rows.push((s, Some(r), None, terms.pair(s, r), terms.pair_exports(s, r)));
                }
            }
            Level::Sector => {
                for j in 0..ns {
                    let e: f64 = (0..ge).map(|r| terms.sector_exports(s, r, j)).sum();
                    rows.push((s, None, Some(j), terms.sector_world(s, j), e));
                }
            }
        }
    }
    let mut frame = Frame::new(&["exporter", "importer", "sector", "term"]);
    for (s, r, j, v, e) in &rows {
        let ex = &terms.economies[*s];
        let im = r.map_or("WLD", |r| terms.economies[r].as_str());
        let se = j.map_or("TOTAL", |j| terms.sectors[j].as_str());
        frame.push(&[ex, im, se, "EXGR"], *e);
        for (name, x) in terms.term_names.iter().zip(v) {
            frame.push(&[ex, im, se, name], *x);
        }
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| rows[b].4.total_cmp(&rows[a].4).then(a.cmp(&b)));
    let unit = format!("{} {}", t.meta().currency, t.meta().unit);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{tn} ({}) — {} decomposition of gross exports, {} level; terms in % of EXGR",
        loaded.origin,
        terms.method,
        match args.level {
            Level::Country => "country",
            Level::Bilateral => "bilateral",
            Level::Sector => "sector",
        }
    );
    let _ = writeln!(
        s,
        "identity: largest |Σ terms − EXGR| / EXGR {cell:.1e} (cells), {pair:.1e} (pairs)\n"
    );
    let w = terms
        .term_names
        .iter()
        .map(|n| n.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = write!(s, "{:<20} {:>14}", "flow", format!("EXGR {unit}"));
    for n in &terms.term_names {
        let _ = write!(s, " {n:>w$}");
    }
    let _ = writeln!(s);
    for &k in order.iter().take(args.top) {
        let (ex, r, j, v, e) = &rows[k];
        let mut label = terms.economies[*ex].clone();
        if let Some(r) = r {
            label.push_str(&format!("→{}", terms.economies[*r]));
        }
        if let Some(j) = j {
            label.push_str(&format!("/{}", terms.sectors[*j]));
        }
        let _ = write!(s, "{label:<20} {e:>14.0}");
        for x in v {
            let _ = write!(s, " {:>w$}", pct(x / e));
        }
        let _ = writeln!(s);
    }
    if rows.len() > args.top {
        let _ = writeln!(
            s,
            "... {} more rows{}",
            rows.len() - args.top,
            if args.output.out.is_some() {
                " in decomposition.csv"
            } else {
                " (write them all with --out DIR)"
            }
        );
    }
    print!("{s}");
    if let Some(dir) = &args.output.out {
        let out = OutDir::create(dir, args.output.tidy)?;
        out.write("decomposition", &frame)?;
        out.manifest(t, "analyze decompose", &[], None)?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}

pub fn chokepoints_cmd(args: ChokepointsArgs) -> Result<()> {
    let loaded = source::load(&args.input)?;
    let t = &loaded.table;
    let l = t.labels();
    let tn = table_name(t);
    check_labels("region", "--region", &args.region, l.regions(), tn)?;
    if !(args.critical_share.is_finite() && (0.0..1.0).contains(&args.critical_share)) {
        bail!(
            "--critical-share must be in [0, 1), got {}",
            args.critical_share
        );
    }
    let regions: Vec<&str> = args.region.iter().map(|s| s.as_str()).collect();
    let target = Selection::new(l, &regions, None)?;
    let m = model(t)?;
    let opts = ChokepointOptions {
        hits: args.hits,
        top_k: args.top.max(1),
        critical_input_share: args.critical_share,
    };
    let pb = crate::progress::spinner("ranking chokepoints");
    let rep = chokepoints(&m, &target, &opts)?;
    pb.finish_and_clear();
    let tname = args.region.join("+");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{tn} ({}) — chokepoints of {tname}: {} foreign supplier industries",
        loaded.origin,
        rep.suppliers.len()
    );
    let _ = writeln!(s, "downstream propagation: {}", rep.propagation);
    let _ = writeln!(
        s,
        "Spearman rank correlation: exposure–bottleneck {:.2}, exposure–extraction {:.2}, bottleneck–extraction {:.2}",
        rep.spearman[0], rep.spearman[1], rep.spearman[2]
    );
    let sec = |j: usize| l.sectors()[j % l.n_sectors()].clone();
    let hits_txt = |h: &[(usize, f64)]| -> String {
        h.iter().map(|(j, _)| sec(*j)).collect::<Vec<_>>().join(" ")
    };
    type Score = fn(&plenum_gvc::Chokepoint) -> (usize, f64);
    let measures: [(&str, &str, Score); 3] = [
        (
            "exposure",
            "supplier output per unit of target output, %",
            |c| (c.rank_exposure, 100.0 * c.exposure_output),
        ),
        (
            "bottleneck",
            "target value added lost, % of target VA",
            |c| (c.rank_bottleneck, 100.0 * c.bottleneck_va_share),
        ),
        ("extraction", "world output lost, % of world output", |c| {
            (c.rank_extraction, 100.0 * c.extraction_output_share)
        }),
    ];
    for (k, (name, what, score)) in measures.iter().enumerate() {
        let mut v: Vec<&plenum_gvc::Chokepoint> = rep.suppliers.iter().collect();
        v.sort_by_key(|c| (score(c).0, c.supplier));
        let _ = writeln!(s, "\nby {name} ({what})");
        let _ = writeln!(
            s,
            "  {:>4} {:<20} {:>10} {:>5} {:>5} {:>5}  hits most (target sectors)",
            "rank", "supplier", "score", "E", "B", "X"
        );
        for c in v.iter().take(args.top) {
            let hits = match k {
                0 => &c.hits_exposure,
                1 => &c.hits_bottleneck,
                _ => &c.hits_extraction,
            };
            let _ = writeln!(
                s,
                "  {:>4} {:<20} {:>10.4} {:>5} {:>5} {:>5}  {}",
                score(c).0,
                c.name,
                score(c).1,
                c.rank_exposure,
                c.rank_bottleneck,
                c.rank_extraction,
                hits_txt(hits)
            );
        }
    }
    let _ = writeln!(
        s,
        "\nwhere the rankings disagree (in one top {} and outside another's top {}):",
        opts.top_k,
        3 * opts.top_k
    );
    if rep.disagreements.is_empty() {
        let _ = writeln!(s, "  none");
    }
    for d in &rep.disagreements {
        let _ = writeln!(
            s,
            "  {:<20} E {:>4} B {:>4} X {:>4}: {}",
            d.name, d.ranks[0], d.ranks[1], d.ranks[2], d.reason
        );
    }
    let dynamic = if args.dynamic {
        if args.dynamic_steps == 0 {
            bail!("--dynamic-steps must be at least 1, got 0");
        }
        let mut by_b: Vec<&plenum_gvc::Chokepoint> = rep.suppliers.iter().collect();
        by_b.sort_by_key(|c| (c.rank_bottleneck, c.supplier));
        by_b.truncate(args.top);
        let cand: Vec<usize> = by_b.iter().map(|c| c.supplier).collect();
        let dopts = DynamicOptions {
            steps: args.dynamic_steps,
            critical_input_share: args.critical_share,
            hits: args.hits,
            ..Default::default()
        };
        let pb = crate::progress::spinner("running the dynamic engine");
        let dr = dynamic_bottleneck(t, &m, &target, &cand, &dopts)?;
        pb.finish_and_clear();
        let _ = writeln!(
            s,
            "\nbottleneck loss with the dynamic engine (supplier's deliveries to {tname} stopped, σ = 0, {} quarterly steps, inventories; % of target VA)",
            dopts.steps
        );
        let _ = writeln!(
            s,
            "  {:>4} {:<20} {:>11} {:>10} {:>10}  falls most (target sectors)",
            "B", "supplier", "first-order", "last step", "mean"
        );
        for (c, d) in by_b.iter().zip(&dr.losses) {
            let hits: Vec<String> = d.hits.iter().map(|h| sec(h.industry)).collect();
            let _ = writeln!(
                s,
                "  {:>4} {:<20} {:>11.4} {:>10.4} {:>10.4}  {}",
                c.rank_bottleneck,
                c.name,
                100.0 * c.bottleneck_va_share,
                100.0 * d.va_loss_last,
                100.0 * d.va_loss_mean,
                hits.join(" ")
            );
        }
        Some(dr)
    } else {
        None
    };
    print!("{s}");

    if let Some(dir) = &args.output.out {
        let mut f = Frame::new(&["supplier_region", "supplier_sector", "measure"]);
        let mut h = Frame::new(&[
            "supplier_region",
            "supplier_sector",
            "measure",
            "target_region",
            "target_sector",
        ]);
        for c in &rep.suppliers {
            let id = l.industry(c.supplier);
            let (rn, sn) = (&l.regions()[id.region], &l.sectors()[id.sector]);
            let vals = [
                ("deliveries", c.deliveries),
                ("exposure_output", c.exposure_output),
                ("exposure_fd", c.exposure_fd),
                ("exposure_fd_va", c.exposure_fd_va),
                ("bottleneck_va_loss", c.bottleneck_va_loss),
                ("bottleneck_va_share", c.bottleneck_va_share),
                ("extraction_output_loss", c.extraction_output_loss),
                ("extraction_output_share", c.extraction_output_share),
                ("exposure_direct_part", c.exposure_direct_part),
                ("criticality", c.criticality),
                ("rank_exposure", c.rank_exposure as f64),
                ("rank_bottleneck", c.rank_bottleneck as f64),
                ("rank_extraction", c.rank_extraction as f64),
            ];
            for (name, v) in vals {
                f.push(&[rn, sn, name], v);
            }
            for (name, hits) in [
                ("exposure", &c.hits_exposure),
                ("bottleneck", &c.hits_bottleneck),
                ("extraction", &c.hits_extraction),
            ] {
                for (j, v) in hits {
                    let jd = l.industry(*j);
                    h.push(
                        &[
                            rn,
                            sn,
                            name,
                            &l.regions()[jd.region],
                            &l.sectors()[jd.sector],
                        ],
                        *v,
                    );
                }
            }
        }
        let mut d = Frame::new(&["supplier_region", "supplier_sector", "reason", "measure"]);
        for x in &rep.disagreements {
            let id = l.industry(x.supplier);
            let (rn, sn) = (&l.regions()[id.region], &l.sectors()[id.sector]);
            for (k, name) in ["rank_exposure", "rank_bottleneck", "rank_extraction"]
                .iter()
                .enumerate()
            {
                d.push(&[rn, sn, &x.reason, name], x.ranks[k] as f64);
            }
        }
        let mut sp = Frame::new(&["pair"]);
        sp.push(&["exposure_bottleneck"], rep.spearman[0]);
        sp.push(&["exposure_extraction"], rep.spearman[1]);
        sp.push(&["bottleneck_extraction"], rep.spearman[2]);
        let out = OutDir::create(dir, args.output.tidy)?;
        out.write("chokepoints", &f)?;
        out.write("chokepoint_hits", &h)?;
        out.write("chokepoint_disagreements", &d)?;
        out.write("spearman", &sp)?;
        if let Some(dr) = &dynamic {
            let mut dy = Frame::new(&["supplier_region", "supplier_sector", "measure"]);
            for d in &dr.losses {
                let id = l.industry(d.supplier);
                let (rn, sn) = (&l.regions()[id.region], &l.sectors()[id.sector]);
                dy.push(&[rn, sn, "va_loss_share_last"], d.va_loss_last);
                dy.push(&[rn, sn, "va_loss_share_mean"], d.va_loss_mean);
                for (k, v) in d.va_loss_path.iter().enumerate() {
                    dy.push(&[rn, sn, &format!("va_loss_share_step{}", k + 1)], *v);
                }
            }
            out.write("chokepoints_dynamic", &dy)?;
        }
        out.manifest(t, "chokepoints", &[], None)?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}
