//! `plenum analyze`: the static input-output accounts of a table, as a
//! readable summary on stdout and tidy files under `--out`.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use plenum_iomath::IoModel;
use plenum_table::MrioTable;

use crate::cli::AnalyzeArgs;
use crate::output::{Frame, OutDir};
use crate::source;

/// Everything `analyze` computes, by industry and by region.
pub struct Analysis {
    /// Columns: region, sector, variable, value.
    pub industries: Frame,
    /// Columns: region, partner, variable, value (partner = region for own).
    pub regions: Frame,
    /// Columns: extension, stressor, region, account, value.
    pub accounts: Frame,
    pub summary: String,
}

pub fn analyze(args: AnalyzeArgs) -> Result<()> {
    let loaded = source::load(&args.input)?;
    let a = compute(&loaded.table, args.top)?;
    print!("{}", a.summary);
    if let Some(dir) = &args.out {
        let out = OutDir::create(dir, args.tidy)?;
        out.write("industries", &a.industries)?;
        out.write("regions", &a.regions)?;
        if !a.accounts.is_empty() {
            out.write("accounts", &a.accounts)?;
        }
        out.manifest(&loaded.table, "analyze", &[], None)?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}

fn name(t: &MrioTable, e: plenum_iomath::IoMathError) -> plenum_iomath::IoMathError {
    plenum_iomath::name_industries(e, t.labels())
}

/// Computes the accounts of `t`; `top` rows per ranking in the summary.
pub fn compute(t: &MrioTable, top: usize) -> Result<Analysis> {
    let l = t.labels();
    let n = l.n_industries();
    let nr = l.n_regions();
    let m = IoModel::new(t)
        .map_err(|e| name(t, e))
        .context("factoring I - A")?;
    let x = t.x();
    let va = t.va_total();
    let om = m.output_multipliers().map_err(|e| name(t, e))?;
    let vm = m.value_added_multipliers().map_err(|e| name(t, e))?;
    // Domestic VA multiplier: VA created in industry j's own region per unit
    // of final demand for j, Σ_{i in r(j)} v_i L_ij, from R transposed solves
    // L' (v ∘ 1_r) with the one factorisation (no L).
    let vc = m.value_added_coefficients().map_err(|e| name(t, e))?;
    let ns = l.n_sectors();
    let v_tot = faer::Col::<f64>::from_fn(n, |j| (0..vc.nrows()).map(|k| vc[(k, j)]).sum());
    let masked = faer::Mat::<f64>::from_fn(n, nr, |i, r| if i / ns == r { v_tot[i] } else { 0.0 });
    let dom = m
        .leontief()
        .solve_transpose(masked.as_ref())
        .map_err(|e| name(t, e))?;
    let dvm = faer::Col::<f64>::from_fn(n, |j| dom[(j, j / ns)]);
    let link = m.linkages().map_err(|e| name(t, e))?;
    let trade = m.gross_trade().map_err(|e| name(t, e))?;
    let fp = m.value_added_footprint().map_err(|e| name(t, e))?;

    let mut ind = Frame::new(&["region", "sector", "variable"]);
    let vars: [(&str, &faer::Col<f64>); 11] = [
        ("output", x),
        ("value_added", &va),
        ("output_multiplier", &om),
        ("value_added_multiplier", &vm),
        ("domestic_value_added_multiplier", &dvm),
        ("backward_linkage", &link.backward_total),
        ("forward_linkage", &link.forward_total),
        ("backward_index", &link.backward_index),
        ("forward_index", &link.forward_index),
        ("exports", &trade.exports),
        ("imports", &trade.imports),
    ];
    for (var, col) in vars {
        for i in 0..n {
            let id = l.industry(i);
            ind.push(
                &[&l.regions()[id.region], &l.sectors()[id.sector], var],
                col[i],
            );
        }
    }

    let mut reg = Frame::new(&["region", "partner", "variable"]);
    for r in 0..nr {
        let rs = r * ns..(r + 1) * ns;
        let name_r = &l.regions()[r];
        let sum = |c: &faer::Col<f64>| rs.clone().map(|i| c[i]).sum::<f64>();
        reg.push(&[name_r, name_r, "output"], sum(x));
        reg.push(&[name_r, name_r, "value_added"], sum(&va));
        reg.push(&[name_r, name_r, "exports"], sum(&trade.exports));
        reg.push(&[name_r, name_r, "imports"], sum(&trade.imports));
        reg.push(&[name_r, name_r, "value_added_footprint"], fp.total[r]);
        for p in 0..nr {
            // VA produced in p embodied in r's final demand.
            reg.push(
                &[name_r, &l.regions()[p], "value_added_embodied_from"],
                fp.by_origin[(p, r)],
            );
        }
    }

    let mut acc = Frame::new(&["extension", "stressor", "region", "account"]);
    for e in t.extensions() {
        let a = m.accounts(&e.name).map_err(|err| name(t, err))?;
        for (k, s) in e.stressors.iter().enumerate() {
            for r in 0..nr {
                let rn = &l.regions()[r];
                acc.push(&[&e.name, s, rn, "D_cba_reg"], a.d_cba_reg[(k, r)]);
                acc.push(&[&e.name, s, rn, "D_pba_reg"], a.d_pba_reg[(k, r)]);
                acc.push(&[&e.name, s, rn, "D_imp_reg"], a.d_imp_reg[(k, r)]);
                acc.push(&[&e.name, s, rn, "D_exp_reg"], a.d_exp_reg[(k, r)]);
            }
        }
    }

    // The readable summary.
    let meta = t.meta();
    let unit = format!("{} {}", meta.currency, meta.unit);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {} regions × {} sectors ({unit})\n",
        if meta.name.is_empty() {
            "table"
        } else {
            &meta.name
        },
        nr,
        ns
    );
    let _ = writeln!(
        s,
        "{:<12} {:>14} {:>14} {:>14} {:>14} {:>12}",
        "region", "output", "value added", "VA footprint", "trade bal.", "VA in FD %dom"
    );
    for r in 0..nr {
        let rs = r * ns..(r + 1) * ns;
        let sum = |c: &faer::Col<f64>| rs.clone().map(|i| c[i]).sum::<f64>();
        let dom = if fp.total[r] != 0.0 {
            100.0 * fp.by_origin[(r, r)] / fp.total[r]
        } else {
            f64::NAN
        };
        let _ = writeln!(
            s,
            "{:<12} {:>14.0} {:>14.0} {:>14.0} {:>14.0} {:>12.1}",
            l.regions()[r],
            sum(x),
            sum(&va),
            fp.total[r],
            sum(&trade.exports) - sum(&trade.imports),
            dom
        );
    }
    let rank = |title: &str, col: &faer::Col<f64>, s: &mut String| {
        let mut idx: Vec<usize> = (0..n).filter(|&i| !t.zero_output().contains(&i)).collect();
        idx.sort_by(|&a, &b| col[b].total_cmp(&col[a]).then(a.cmp(&b)));
        let _ = writeln!(s, "\n{title} (top {top})");
        for &i in idx.iter().take(top) {
            let _ = writeln!(s, "  {:<28} {:>10.4}", l.industry_name(i), col[i]);
        }
    };
    rank(
        "output multipliers: output in all industries per unit of final demand",
        &om,
        &mut s,
    );
    rank(
        "domestic value-added multipliers: value added in the producer's own region per unit of final demand",
        &dvm,
        &mut s,
    );
    rank(
        "backward linkage index (Rasmussen power of dispersion)",
        &link.backward_index,
        &mut s,
    );
    rank(
        "forward linkage index (Ghosh-based sensitivity of dispersion)",
        &link.forward_index,
        &mut s,
    );
    Ok(Analysis {
        industries: ind,
        regions: reg,
        accounts: acc,
        summary: s,
    })
}
