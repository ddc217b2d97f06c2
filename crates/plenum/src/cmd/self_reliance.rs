//! `plenum analyze self-reliance`: value added by origin, dependence on a
//! group of economies, GVC participation and position of a selection.
//! [`compute`] yields a [`SelfRelianceReport`]; [`SelfRelianceReport::text`]
//! and [`SelfRelianceReport::frames`] render it. The measures are in crate
//! `plenum-gvc`; their formulas and papers in `docs/gvc.md`.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use plenum_gvc::selfreliance::{va_origin, Basis, Dependence, DependenceRow, VaOrigin};
use plenum_gvc::{
    group_dependence, koopman_2010, wwz_participation, Decomposer, Economies, KoopmanIndex,
    RegionGroup, Selection,
};
use plenum_table::Labels;

use super::gvc::{check_labels, model, pct, table_name, write_frames};
use crate::cli::SelfRelianceArgs;
use crate::output::Frame;
use crate::source::{self, Loaded};

/// The value added of one basis by origin, with its foreign source regions
/// (largest first).
pub struct OriginRow {
    pub origin: VaOrigin,
    pub foreign_regions: Vec<(usize, f64)>,
}

/// GVC participation of the economy, for all sectors or one.
pub struct ParticipationRow {
    /// `None` for all sectors.
    pub sector: Option<usize>,
    pub wwz_forward: f64,
    pub wwz_backward: f64,
    pub koopman: KoopmanIndex,
}

/// Everything `analyze self-reliance` reports.
pub struct SelfRelianceReport {
    pub table: String,
    pub origin: String,
    /// "CHN C26", "CHN+HKG all sectors".
    pub selection: String,
    pub unit: String,
    pub labels: Labels,
    /// Sectors given with --sector (empty: all).
    pub sectors_given: bool,
    pub sel_sectors: Vec<usize>,
    pub top: usize,
    pub origins: Vec<OriginRow>,
    pub dependence: Dependence,
    /// The economy ("CHN", or "CHN+HKG" merged).
    pub economy: String,
    pub participation: Vec<ParticipationRow>,
}

const BASES: [Basis; 4] = [
    Basis::Output,
    Basis::GrossExports,
    Basis::FinalGoods,
    Basis::Absorption,
];

pub fn self_reliance(args: SelfRelianceArgs) -> Result<()> {
    let loaded = source::load(&args.input)?;
    let rep = compute(&args, &loaded)?;
    crate::output::print(format_args!("{}", rep.text()))?;
    write_frames(
        &args.output,
        &loaded.table,
        "analyze self-reliance",
        &rep.frames(),
    )
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

/// Computes every measure of the report (labels checked first).
pub fn compute(args: &SelfRelianceArgs, loaded: &Loaded) -> Result<SelfRelianceReport> {
    let t = &loaded.table;
    let l = t.labels();
    let tn = table_name(t);
    check_labels("region", "--region", &args.region, l.regions(), tn)?;
    check_labels("sector", "--sector", &args.sector, l.sectors(), tn)?;
    let grp = group(args, l)?;
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
    let m = model(
        t,
        &args.memory,
        super::memory::Work::DenseModel,
        "plenum analyze self-reliance (the dense model and the WWZ decomposition)",
        "",
    )?;
    let nr = l.n_regions();
    let selection = format!(
        "{} {}",
        args.region.join("+"),
        if sectors.is_empty() {
            "all sectors".to_string()
        } else {
            sectors.join("+")
        }
    );

    // 1. Value-added origin.
    let mut origins = Vec::new();
    for b in BASES {
        let o = va_origin(&m, &sel, b)?;
        let mut regs: Vec<(usize, f64)> = o
            .by_source_region(nr)
            .into_iter()
            .enumerate()
            .filter(|(r, _)| !sel.contains_region(*r))
            .collect();
        regs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        origins.push(OriginRow {
            origin: o,
            foreign_regions: regs,
        });
    }

    // 2. Dependence on the group.
    let dependence = group_dependence(&m, &sel, &grp)?;

    // 3. Participation and position.
    let (econ, ename) = economies(l, &args.region)?;
    let e = econ.index(&ename)?;
    let pb = crate::progress::spinner("decomposing gross exports (WWZ/KWW)");
    let dec = Decomposer::new(&m, &econ)?;
    let kww = dec.wwz().kww_from_wwz();
    pb.finish_and_clear();
    let kp = koopman_2010(&kww);
    let wwz = wwz_participation(&m, &econ)?;
    let mut participation = vec![ParticipationRow {
        sector: None,
        wwz_forward: wwz.forward_by_economy[e].participation(),
        wwz_backward: wwz.backward_by_economy[e].participation(),
        koopman: kp[e],
    }];
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
            participation.push(ParticipationRow {
                sector: Some(sec),
                wwz_forward: f.0 / f.1,
                wwz_backward: b.0 / b.1,
                koopman: ks[sec],
            });
        }
    }
    Ok(SelfRelianceReport {
        table: tn.to_string(),
        origin: loaded.origin.clone(),
        selection,
        unit: format!("{} {}", t.meta().currency, t.meta().unit),
        labels: l.clone(),
        sectors_given: !sectors.is_empty(),
        sel_sectors: sel.sectors.clone(),
        top: args.top,
        origins,
        dependence,
        economy: ename,
        participation,
    })
}

impl SelfRelianceReport {
    /// The readable summary.
    pub fn text(&self) -> String {
        let l = &self.labels;
        let ns = l.n_sectors();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} ({}) — self-reliance of {}\n",
            self.table, self.origin, self.selection
        );
        let _ = writeln!(
            s,
            "Value added by origin (v_i (L w)_i; HIY vertical specialisation for exports)"
        );
        let _ = writeln!(
            s,
            "  {:<18} {:>16} {:>10} {:>10}  largest foreign source regions",
            "in", self.unit, "domestic%", "foreign%"
        );
        for row in &self.origins {
            let o = &row.origin;
            let regs_txt: Vec<String> = row
                .foreign_regions
                .iter()
                .take(self.top.min(5))
                .map(|(r, v)| format!("{} {}", l.regions()[*r], pct(v / o.total)))
                .collect();
            let _ = writeln!(
                s,
                "  {:<18} {:>16.0} {:>10} {:>10}  {}",
                basis_title(o.basis),
                o.total,
                pct(o.domestic / o.total),
                pct(o.foreign / o.total),
                regs_txt.join(", ")
            );
        }
        for row in &self.origins {
            let o = &row.origin;
            if o.basis != Basis::GrossExports {
                continue;
            }
            let _ = writeln!(
                s,
                "\n  largest foreign source industries of the value in {} (% of it)",
                basis_title(o.basis)
            );
            for (i, v) in o.top_foreign_sources(self.top) {
                let _ = writeln!(s, "    {:<24} {:>6}", l.industry_name(i), pct(v / o.total));
            }
        }

        let dep = &self.dependence;
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
        let mut rows: Vec<&DependenceRow> = dep.rows.iter().collect();
        rows.sort_by(|a, b| {
            b.total_input_share
                .total_cmp(&a.total_input_share)
                .then(a.industry.cmp(&b.industry))
        });
        let shown = if self.sectors_given {
            rows.len()
        } else {
            self.top
        };
        let line = |r: &DependenceRow, s: &mut String| {
            // The group's share of the user's input of its own product (for
            // the aggregate, when one sector is selected).
            let own_sector = match (r.industry, self.sel_sectors.as_slice()) {
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

        let _ = writeln!(s, "\nGVC participation and position of {}", self.economy);
        let _ = writeln!(
            s,
            "  {:<14} {:>10} {:>10} {:>12} {:>10}",
            "", "WWZ fwd%", "WWZ bwd%", "Koopman par%", "position"
        );
        for p in &self.participation {
            let name = p.sector.map_or("all sectors", |j| l.sectors()[j].as_str());
            let _ = writeln!(
                s,
                "  {:<14} {:>10} {:>10} {:>12} {:>10.4}",
                name,
                pct(p.wwz_forward),
                pct(p.wwz_backward),
                pct(p.koopman.participation),
                p.koopman.position
            );
        }
        s
    }

    /// The tidy frames, by file stem.
    pub fn frames(&self) -> Vec<(&'static str, Frame)> {
        let l = &self.labels;
        let mut summary = Frame::new(&["basis", "measure"]);
        let mut by_source = Frame::new(&["basis", "source_region", "source_sector"]);
        for row in &self.origins {
            let o = &row.origin;
            let bn = basis_name(o.basis);
            summary.push(&[bn, "total"], o.total);
            summary.push(&[bn, "domestic"], o.domestic);
            summary.push(&[bn, "foreign"], o.foreign);
            summary.push(&[bn, "foreign_share"], o.foreign / o.total);
            for (r, v) in &row.foreign_regions {
                summary.push(&[bn, &format!("foreign_from_{}", l.regions()[*r])], *v);
            }
            for (i, v) in o.by_source.iter().enumerate() {
                let id = l.industry(i);
                by_source.push(&[bn, &l.regions()[id.region], &l.sectors()[id.sector]], *v);
            }
        }

        let dep = &self.dependence;
        let mut dframe = Frame::new(&["region", "sector", "measure"]);
        let mut pframe = Frame::new(&["region", "sector", "input_sector"]);
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

        let mut part = Frame::new(&["economy", "sector", "measure"]);
        let en = self.economy.as_str();
        for p in &self.participation {
            let sec = p.sector.map_or("all", |j| l.sectors()[j].as_str());
            let k = &p.koopman;
            part.push(&[en, sec, "wwz_forward_participation"], p.wwz_forward);
            part.push(&[en, sec, "wwz_backward_participation"], p.wwz_backward);
            part.push(&[en, sec, "koopman_participation"], k.participation);
            part.push(&[en, sec, "koopman_position"], k.position);
            part.push(&[en, sec, "koopman_iv"], k.iv);
            part.push(&[en, sec, "koopman_fv"], k.fv);
            part.push(&[en, sec, "gross_exports"], k.exports);
        }
        vec![
            ("va_origin", summary),
            ("va_origin_by_source", by_source),
            ("dependence", dframe),
            ("dependence_by_product", pframe),
            ("participation", part),
        ]
    }
}
