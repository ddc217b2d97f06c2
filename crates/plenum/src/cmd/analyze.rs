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
    crate::output::print(format_args!("{}", a.summary))?;
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

/// pymrio's regional footprint accounts (`D_cba_reg`, `D_pba_reg`,
/// `D_imp_reg`, `D_exp_reg`) of one extension, stressors × regions.
struct RegionalAccounts {
    d_cba_reg: faer::Mat<f64>,
    d_pba_reg: faer::Mat<f64>,
    d_imp_reg: faer::Mat<f64>,
    d_exp_reg: faer::Mat<f64>,
}

/// The regional accounts of `extension` from X_R = L Y_agg (n × R), with S
/// the stressor coefficients and F_Y_agg the final-demand stressors summed
/// over each region's categories (0 when absent):
///
/// ```text
///     D_cba_reg[:, r] = Σ_i S[:, i] X_R[i, r] + F_Y_agg[:, r]
///     D_pba_reg[:, p] = Σ_{i ∈ p} S[:, i] x_tot[i] + F_Y_agg[:, p],  x_tot[i] = Σ_r X_R[i, r]
///     D_imp_reg[:, r] = Σ_{i ∉ r} S[:, i] X_R[i, r]
///     D_exp_reg[:, p] = Σ_{i ∈ p} S[:, i] x_exp[i],  x_exp[i] = Σ_{r ≠ p} X_R[i, r]
/// ```
///
/// These are the regional sums of plenum_iomath's [`IoModel::accounts`]
/// (see `plenum_iomath::accounts` for the derivation from pymrio's
/// `calc_accounts`), which also forms the k × n accounts by industry and
/// for that needs S^(p) L for every producing region p: R transpose solves
/// with k right-hand sides, about 2 s at n = 5000, R = 100 (issue 2
/// benchmark). `analyze` writes only the regional sums, which need the one
/// solve X_R, shared by all extensions. D_imp_reg is a sum over foreign
/// producers, not a difference, as in plenum_iomath.
fn regional_accounts(
    m: &IoModel<'_>,
    extension: &str,
    x_r: &faer::Mat<f64>,
) -> Result<RegionalAccounts, plenum_iomath::IoMathError> {
    let dims = m.dims();
    let n = dims.n();
    let nr = dims.n_regions;
    let e = m.extension(extension)?;
    let s = m.stressor_coefficients(extension)?;
    let k = s.nrows();
    let f_y_agg = match &e.f_y {
        Some(fy) => Some(plenum_iomath::dims::sum_column_groups(
            fy.as_ref(),
            dims.n_fd_categories,
        )?),
        None => None,
    };
    let fy = |kk: usize, r: usize| f_y_agg.as_ref().map_or(0.0, |f| f[(kk, r)]);
    let x_tot = faer::Col::<f64>::from_fn(n, |i| (0..nr).map(|r| x_r[(i, r)]).sum());
    let x_exp = faer::Col::<f64>::from_fn(n, |i| {
        let home = dims.region_of(i);
        (0..nr).filter(|&r| r != home).map(|r| x_r[(i, r)]).sum()
    });
    let in_region = |kk: usize, p: usize, w: &faer::Col<f64>| -> f64 {
        dims.industries_of(p).map(|i| s[(kk, i)] * w[i]).sum()
    };
    Ok(RegionalAccounts {
        d_cba_reg: faer::Mat::from_fn(k, nr, |kk, r| {
            (0..n).map(|i| s[(kk, i)] * x_r[(i, r)]).sum::<f64>() + fy(kk, r)
        }),
        d_pba_reg: faer::Mat::from_fn(k, nr, |kk, p| in_region(kk, p, &x_tot) + fy(kk, p)),
        d_imp_reg: faer::Mat::from_fn(k, nr, |kk, r| {
            (0..n)
                .filter(|&i| dims.region_of(i) != r)
                .map(|i| s[(kk, i)] * x_r[(i, r)])
                .sum()
        }),
        d_exp_reg: faer::Mat::from_fn(k, nr, |kk, p| in_region(kk, p, &x_exp)),
    })
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
    // X_R = L Y_agg, shared by the regional accounts of every extension.
    let x_r = if t.extensions().is_empty() {
        faer::Mat::<f64>::zeros(0, 0)
    } else {
        let y_agg = m.y_agg().map_err(|e| name(t, e))?;
        m.leontief().solve(y_agg.as_ref()).map_err(|e| name(t, e))?
    };
    for e in t.extensions() {
        let a = regional_accounts(&m, &e.name, &x_r).map_err(|err| name(t, err))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use plenum_table::{Extension, Labels, Metadata, TableParts, ValidationPolicy};

    /// SplitMix64 in [0, 1), for seeded tables.
    fn uniform(state: &mut u64) -> f64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A balanced table with two extensions, one with F_Y, and some zero
    /// interregional flows.
    fn table(nr: usize, ns: usize, nf: usize, seed: u64) -> MrioTable {
        let mut st = seed;
        let n = nr * ns;
        let z = faer::Mat::<f64>::from_fn(n, n, |i, j| {
            let u = uniform(&mut st);
            if i / ns != j / ns && u < 0.3 {
                0.0
            } else {
                u * 10.0 / n as f64
            }
        });
        let y = faer::Mat::<f64>::from_fn(n, nr * nf, |_, _| 1.0 + uniform(&mut st));
        let x = faer::Col::<f64>::from_fn(n, |i| {
            (0..n).map(|j| z[(i, j)]).sum::<f64>() + (0..nr * nf).map(|c| y[(i, c)]).sum::<f64>()
        });
        let v =
            faer::Mat::<f64>::from_fn(1, n, |_, j| x[j] - (0..n).map(|i| z[(i, j)]).sum::<f64>());
        let ext = |name: &str, k: usize, with_fy: bool, st: &mut u64| Extension {
            name: name.into(),
            stressors: (0..k).map(|i| format!("s{i}")).collect(),
            units: vec!["t".into(); k],
            f: faer::Mat::from_fn(k, n, |_, _| uniform(st)),
            f_y: with_fy.then(|| faer::Mat::from_fn(k, nr * nf, |_, _| uniform(st))),
        };
        let e1 = ext("air", 2, true, &mut st);
        let e2 = ext("land", 3, false, &mut st);
        let parts = TableParts {
            meta: Metadata::default(),
            labels: Labels::new(
                (0..nr).map(|r| format!("R{r}")).collect(),
                (0..ns).map(|s| format!("S{s}")).collect(),
                (0..nf).map(|f| format!("F{f}")).collect(),
                vec!["VA".into()],
            )
            .expect("labels"),
            z,
            y,
            x,
            v,
            imported_use: None,
            extensions: vec![e1, e2],
        };
        MrioTable::new(parts, &ValidationPolicy::default()).expect("valid table")
    }

    /// The regional accounts written by `analyze` equal the regional sums of
    /// plenum_iomath's full accounts (itself checked against pymrio 0.7.0).
    #[test]
    fn regional_accounts_match_iomath() {
        for (seed, (nr, ns, nf)) in [(1u64, (3, 4, 2)), (7, (5, 3, 1)), (11, (2, 6, 3))] {
            let t = table(nr, ns, nf, seed);
            let m = IoModel::new(&t).expect("productive");
            let y_agg = m.y_agg().expect("Y_agg");
            let x_r = m.leontief().solve(y_agg.as_ref()).expect("solve");
            for e in t.extensions() {
                let got = regional_accounts(&m, &e.name, &x_r).expect("accounts");
                let want = m.accounts(&e.name).expect("iomath accounts");
                for (g, w, what) in [
                    (&got.d_cba_reg, &want.d_cba_reg, "D_cba_reg"),
                    (&got.d_pba_reg, &want.d_pba_reg, "D_pba_reg"),
                    (&got.d_imp_reg, &want.d_imp_reg, "D_imp_reg"),
                    (&got.d_exp_reg, &want.d_exp_reg, "D_exp_reg"),
                ] {
                    assert_eq!((g.nrows(), g.ncols()), (w.nrows(), w.ncols()), "{what}");
                    for kk in 0..g.nrows() {
                        for r in 0..g.ncols() {
                            let (a, b) = (g[(kk, r)], w[(kk, r)]);
                            assert!(
                                (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                                "seed {seed} {} {what}[{kk},{r}]: {a} vs {b}",
                                e.name
                            );
                            assert!(b > 0.0, "{what} should be positive here");
                        }
                    }
                }
            }
        }
    }
}
