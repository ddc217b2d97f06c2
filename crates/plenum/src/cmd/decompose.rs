//! `plenum analyze decompose`: gross-export decompositions (KWW, WWZ,
//! Borin-Mancini) by country, pair or sector. [`compute`] yields a
//! [`DecomposeReport`]; its `text` and `frames` render it. The methods are
//! in crate `plenum-gvc` (`decomp`); formulas and papers in `docs/gvc.md`.

use std::fmt::Write as _;

use anyhow::Result;
use plenum_gvc::decomp::Perspective;
use plenum_gvc::{BilateralTerms, Decomposer, Economies};

use super::gvc::{check_labels, model, pct, table_name, write_frames};
use crate::cli::{DecomposeArgs, Level};
use crate::output::Frame;
use crate::source::{self, Loaded};

/// One reported flow: exporter, importer (`None`: the world), sector
/// (`None`: all), its terms and its gross exports.
pub struct FlowRow {
    pub exporter: usize,
    pub importer: Option<usize>,
    pub sector: Option<usize>,
    pub terms: Vec<f64>,
    pub exports: f64,
}

/// Everything `analyze decompose` reports.
pub struct DecomposeReport {
    pub table: String,
    pub origin: String,
    pub unit: String,
    pub level: Level,
    /// The decomposition (labels, term names, method).
    pub terms: BilateralTerms,
    /// Largest |Σ terms − EXGR| / EXGR over cells and over pairs.
    pub residual_cells: f64,
    pub residual_pairs: f64,
    pub rows: Vec<FlowRow>,
    pub top: usize,
    /// Whether the tidy file is written (the summary says where the rest is).
    pub written: bool,
}

pub fn decompose(args: DecomposeArgs) -> Result<()> {
    let loaded = source::load(&args.input)?;
    let rep = compute(&args, &loaded)?;
    crate::output::print(format_args!("{}", rep.text()))?;
    write_frames(
        &args.output,
        &loaded.table,
        "analyze decompose",
        &rep.frames(),
    )
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Country => "country",
        Level::Bilateral => "bilateral",
        Level::Sector => "sector",
    }
}

/// Runs the decomposition and collects the rows of the level asked for.
pub fn compute(args: &DecomposeArgs, loaded: &Loaded) -> Result<DecomposeReport> {
    use crate::cli::Method;
    let t = &loaded.table;
    let l = t.labels();
    let tn = table_name(t);
    check_labels("region", "--region", &args.region, l.regions(), tn)?;
    let m = model(
        t,
        &args.memory,
        super::memory::Work::DenseModel,
        "plenum analyze decompose (the dense model and blocks of L)",
        "",
    )?;
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
    let mut rows = Vec::new();
    let row = |s, importer, sector, terms, exports| FlowRow {
        exporter: s,
        importer,
        sector,
        terms,
        exports,
    };
    for &s in &exporters {
        match args.level {
            Level::Country => rows.push(row(
                s,
                None,
                None,
                terms.country(s),
                terms.country_exports(s),
            )),
            Level::Bilateral => {
                for r in (0..ge).filter(|&r| r != s) {
                    rows.push(row(
                        s,
                        Some(r),
                        None,
                        terms.pair(s, r),
                        terms.pair_exports(s, r),
                    ));
                }
            }
            Level::Sector => {
                for j in 0..ns {
                    let e: f64 = (0..ge).map(|r| terms.sector_exports(s, r, j)).sum();
                    rows.push(row(s, None, Some(j), terms.sector_world(s, j), e));
                }
            }
        }
    }
    Ok(DecomposeReport {
        table: tn.to_string(),
        origin: loaded.origin.clone(),
        unit: format!("{} {}", t.meta().currency, t.meta().unit),
        level: args.level,
        terms,
        residual_cells: cell,
        residual_pairs: pair,
        rows,
        top: args.top,
        written: args.output.out.is_some(),
    })
}

impl DecomposeReport {
    /// The readable summary: the largest flows first, terms in % of EXGR.
    pub fn text(&self) -> String {
        let terms = &self.terms;
        let rows = &self.rows;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| rows[b].exports.total_cmp(&rows[a].exports).then(a.cmp(&b)));
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} ({}) — {} decomposition of gross exports, {} level; terms in % of EXGR",
            self.table,
            self.origin,
            terms.method,
            level_name(self.level)
        );
        let _ = writeln!(
            s,
            "identity: largest |Σ terms − EXGR| / EXGR {:.1e} (cells), {:.1e} (pairs)\n",
            self.residual_cells, self.residual_pairs
        );
        let w = terms
            .term_names
            .iter()
            .map(|n| n.len())
            .max()
            .unwrap_or(6)
            .max(6);
        let _ = write!(s, "{:<20} {:>14}", "flow", format!("EXGR {}", self.unit));
        for n in &terms.term_names {
            let _ = write!(s, " {n:>w$}");
        }
        let _ = writeln!(s);
        for &k in order.iter().take(self.top) {
            let r = &rows[k];
            let mut label = terms.economies[r.exporter].clone();
            if let Some(i) = r.importer {
                label.push_str(&format!("→{}", terms.economies[i]));
            }
            if let Some(j) = r.sector {
                label.push_str(&format!("/{}", terms.sectors[j]));
            }
            let _ = write!(s, "{label:<20} {:>14.0}", r.exports);
            for x in &r.terms {
                let _ = write!(s, " {:>w$}", pct(x / r.exports));
            }
            let _ = writeln!(s);
        }
        if rows.len() > self.top {
            let _ = writeln!(
                s,
                "... {} more rows{}",
                rows.len() - self.top,
                if self.written {
                    " in decomposition.csv"
                } else {
                    " (write them all with --out DIR)"
                }
            );
        }
        s
    }

    /// The tidy frame: every row, EXGR and each term.
    pub fn frames(&self) -> Vec<(&'static str, Frame)> {
        let terms = &self.terms;
        let mut frame = Frame::new(&["exporter", "importer", "sector", "term"]);
        for r in &self.rows {
            let ex = &terms.economies[r.exporter];
            let im = r.importer.map_or("WLD", |i| terms.economies[i].as_str());
            let se = r.sector.map_or("TOTAL", |j| terms.sectors[j].as_str());
            frame.push(&[ex, im, se, "EXGR"], r.exports);
            for (name, x) in terms.term_names.iter().zip(&r.terms) {
                frame.push(&[ex, im, se, name], *x);
            }
        }
        vec![("decomposition", frame)]
    }
}
