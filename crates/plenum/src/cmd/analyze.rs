//! `plenum analyze`: the static input-output accounts of a table, as a
//! readable summary on stdout and tidy files under `--out`.
//!
//! The numbers are [`plenum_iomath::report`]'s (the Python package's
//! `plenum.analyze` renders the same computation): three kinds of block
//! solve with [`plenum_iomath::Solver`] (LU, or block GMRES on Z for large
//! tables with few right-hand sides per industry; `--solver`), never L
//! itself. This module renders them as frames and the summary.
//!
//! What the solves did (method, sweeps, largest relative residual,
//! fallbacks to LU) goes to `solver.json` beside the manifest.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use plenum_iomath::{report, IterOptions, LeontiefSolve, SolveLog, Solver, SolverChoice};
use plenum_table::MrioTable;

use crate::cli::{AnalyzeArgs, SolverArg};
use crate::output::{Frame, OutDir};
use crate::source;

/// Everything `analyze` computes, by industry and by region.
pub struct Analysis {
    /// Columns: region, sector, variable, value.
    pub industries: Frame,
    /// Columns: region, partner, variable, value (partner = region for own).
    pub regions: Frame,
    /// Columns: extension, stressor, region, account, value (pymrio's
    /// regional accounts `D_*_reg`).
    pub accounts: Frame,
    /// Columns: extension, stressor, region, sector, account, value: pymrio's
    /// `S`, `M`, `D_cba`, `D_pba`, `D_imp`, `D_exp` per industry (for
    /// `D_cba` and `D_imp` the region is the consuming region and the sector
    /// the demanded product, as pymrio lays them out).
    pub satellite: Frame,
    pub summary: String,
    /// What the solves did.
    pub solver: SolveLog,
}

/// How `compute` solves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveSettings {
    pub choice: SolverChoice,
    pub rtol: f64,
    /// The process's bound for a solve's LU fallback (`--max-memory-gb`;
    /// [`IterOptions::max_fallback_bytes`]).
    pub max_fallback_bytes: Option<f64>,
}

impl Default for SolveSettings {
    fn default() -> Self {
        Self {
            choice: SolverChoice::Auto,
            rtol: IterOptions::default().rtol,
            max_fallback_bytes: None,
        }
    }
}

impl SolveSettings {
    /// The checked settings of `--solver` and `--rtol` (shared with
    /// `plenum chokepoints`); `--max-memory-gb` bounds a solve's LU
    /// fallback as well as the estimate checked before the work.
    pub fn from_flags(solver: SolverArg, rtol: f64, max_memory_gb: f64) -> Result<Self> {
        if !plenum_iomath::solver::rtol_in_range(rtol) {
            anyhow::bail!(
                "--rtol {rtol} is out of range; give a relative residual in (0, 1e-3), e.g. 1e-12"
            );
        }
        Ok(Self {
            choice: match solver {
                SolverArg::Auto => SolverChoice::Auto,
                SolverArg::Lu => SolverChoice::Lu,
                SolverArg::Iterative => SolverChoice::Iterative,
                SolverArg::MixedLu => SolverChoice::MixedLu,
            },
            rtol,
            max_fallback_bytes: Some(max_memory_gb * 1e9),
        })
    }
}

pub fn analyze(args: AnalyzeArgs) -> Result<()> {
    let settings = SolveSettings::from_flags(args.solver, args.rtol, args.memory.max_memory_gb)?;
    let mut ph = crate::progress::Phases::new();
    let loaded = source::load(&args.input)?;
    ph.mark("read table");
    if args.write_l && args.out.is_none() {
        anyhow::bail!("--write-L needs --out DIR to write L.txt into");
    }
    let t = &loaded.table;
    super::memory::check_solves(
        t,
        settings.choice,
        report::expected_rhs(t),
        args.write_l,
        args.memory.max_memory_gb,
        "plenum analyze",
    )?;
    // The table's SHA-256 for the manifest is hashed on its own thread
    // while the solves run (one core of SHA-256 against the solver's
    // memory-bound phases), instead of after them.
    let (computed, table_hash) = std::thread::scope(|sc| {
        let hasher = args
            .out
            .as_ref()
            .map(|_| sc.spawn(|| plenum_formats::native::table_hash(t)));
        let computed = compute_with(t, args.top, settings, args.write_l, &mut ph);
        (computed, hasher.map(|h| h.join()))
    });
    let (a, l) = computed?;
    crate::output::print(format_args!("{}", a.summary))?;
    if let Some(dir) = &args.out {
        let out = OutDir::create(dir, args.tidy)?;
        out.write("industries", &a.industries)?;
        out.write("regions", &a.regions)?;
        if !a.accounts.is_empty() {
            out.write("accounts", &a.accounts)?;
            out.write("satellite", &a.satellite)?;
        }
        if let Some(l) = &l {
            write_l(&out, t, l)?;
        }
        out.write_file("solver.json", solver_json(&a.solver).as_bytes())?;
        ph.mark("write frames");
        let hash = match table_hash {
            Some(Ok(h)) => h,
            // The hashing thread cannot fail short of a panic; hash again.
            _ => plenum_formats::native::table_hash(t),
        };
        out.manifest_with_hash(t, hash, "analyze", &[], None)?;
        ph.mark("manifest (table hash)");
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}

/// The solve log as JSON (solver.json): [`SolveLog::entries`], the names
/// and order Python's solver dicts use too.
pub(crate) fn solver_json(l: &SolveLog) -> String {
    use plenum_iomath::LogValue;
    let map: serde_json::Map<String, serde_json::Value> = l
        .entries()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                LogValue::Text(s) => serde_json::json!(s),
                LogValue::Number(x) => serde_json::json!(x),
                LogValue::Count(c) => serde_json::json!(c),
                LogValue::Flag(b) => serde_json::json!(b),
                LogValue::Absent => serde_json::Value::Null,
            };
            (k.to_string(), v)
        })
        .collect();
    serde_json::to_string_pretty(&map).unwrap_or_default() + "\n"
}

/// L as pymrio writes it (`L.txt`: two header lines of region and sector,
/// then one line per industry).
fn write_l(out: &OutDir, t: &MrioTable, l: &faer::Mat<f64>) -> Result<()> {
    use std::io::Write;
    let lab = t.labels();
    let n = lab.n_industries();
    let path = out.path("L.txt");
    plenum_formats::atomic::write_atomic(&path, |w| {
        let mut line = String::new();
        for (lvl, name) in ["region", "sector"].iter().enumerate() {
            line.clear();
            line.push_str(name);
            line.push('\t');
            for j in 0..n {
                let id = lab.industry(j);
                line.push('\t');
                line.push_str(if lvl == 0 {
                    &lab.regions()[id.region]
                } else {
                    &lab.sectors()[id.sector]
                });
            }
            line.push('\n');
            w.write_all(line.as_bytes())?;
        }
        line.clear();
        line.push_str("region\tsector");
        for _ in 0..n {
            line.push('\t');
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
        for i in 0..n {
            line.clear();
            let id = lab.industry(i);
            let _ = write!(
                line,
                "{}\t{}",
                lab.regions()[id.region],
                lab.sectors()[id.sector]
            );
            for j in 0..n {
                let _ = write!(line, "\t{:?}", l[(i, j)]);
            }
            line.push('\n');
            w.write_all(line.as_bytes())?;
        }
        Ok(())
    })
    .with_context(|| format!("writing {}", path.display()))?;
    out.add_file("L.txt");
    Ok(())
}

fn name(t: &MrioTable, e: plenum_iomath::IoMathError) -> plenum_iomath::IoMathError {
    plenum_iomath::name_industries(e, t.labels())
}

#[cfg(test)]
/// Computes the accounts of `t` with the default solver settings; `top`
/// rows per ranking in the summary.
pub fn compute(t: &MrioTable, top: usize) -> Result<Analysis> {
    let mut ph = crate::progress::Phases::new();
    Ok(compute_with(t, top, SolveSettings::default(), false, &mut ph)?.0)
}

/// Computes the accounts of `t`, and L when `want_l` (by LU).
pub fn compute_with(
    t: &MrioTable,
    top: usize,
    settings: SolveSettings,
    want_l: bool,
    ph: &mut crate::progress::Phases,
) -> Result<(Analysis, Option<faer::Mat<f64>>)> {
    let l = t.labels();
    let n = l.n_industries();
    let nr = l.n_regions();
    let ns = l.n_sectors();
    // L needs the f64 LU; with it at hand every solve uses it.
    let choice = settings.choice.factoring_if(want_l);
    // Z as the table stores it: a sparse Z is never copied dense here (the
    // solver builds a dense A only where a factorisation needs it, and
    // logs why).
    let m = Solver::for_flows(
        t.z_flows(),
        t.x().as_ref(),
        t.zero_output(),
        choice,
        IterOptions {
            rtol: settings.rtol,
            // Block-Jacobi on each region's domestic block.
            block: ns,
            expected_rhs: report::expected_rhs(t),
            max_fallback_bytes: settings.max_fallback_bytes,
            ..IterOptions::default()
        },
    )
    .map_err(|e| name(t, e))
    .context(match choice {
        SolverChoice::Iterative => "setting up the iterative solves with I - A",
        SolverChoice::Lu | SolverChoice::MixedLu => "factoring I - A",
        SolverChoice::Auto => "setting up the solves with I - A (LU or iterative)",
    })?;
    ph.mark("solver set-up (LU or CSR)");
    let rep = report::report(t, &m).context("solving with I - A for the report")?;
    ph.mark("report (solves, accounts)");
    let x = t.x();
    let va = &rep.value_added;
    let om = &rep.output_multipliers;
    let vm = &rep.va_multipliers;
    let dvm = &rep.domestic_va_multipliers;
    let link = &rep.linkages;
    let trade = &rep.trade;
    let fp = &rep.footprint;

    let mut ind = Frame::new(&["region", "sector", "variable"]);
    let vars: [(&str, &faer::Col<f64>); 11] = [
        ("output", x),
        ("value_added", va),
        ("output_multiplier", om),
        ("value_added_multiplier", vm),
        ("domestic_value_added_multiplier", dvm),
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
        reg.push(&[name_r, name_r, "value_added"], sum(va));
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

    // Satellite accounts (pymrio calc_all per extension): S, M = S L and
    // D_cba, D_pba, D_imp, D_exp by industry, with their regional sums.
    ph.mark("industry and region frames");
    let mut acc = Frame::new(&["extension", "stressor", "region", "account"]);
    let mut sat = Frame::new(&["extension", "stressor", "region", "sector", "account"]);
    for (e, er) in t.extensions().iter().zip(&rep.extensions) {
        let (s, a) = (&er.s, &er.accounts);
        for (k, st) in e.stressors.iter().enumerate() {
            for r in 0..nr {
                let rn = &l.regions()[r];
                acc.push(&[&e.name, st, rn, "D_cba_reg"], a.d_cba_reg[(k, r)]);
                acc.push(&[&e.name, st, rn, "D_pba_reg"], a.d_pba_reg[(k, r)]);
                acc.push(&[&e.name, st, rn, "D_imp_reg"], a.d_imp_reg[(k, r)]);
                acc.push(&[&e.name, st, rn, "D_exp_reg"], a.d_exp_reg[(k, r)]);
            }
            for (what, mat) in [
                ("S", s),
                ("M", &a.m),
                ("D_cba", &a.d_cba),
                ("D_pba", &a.d_pba),
                ("D_imp", &a.d_imp),
                ("D_exp", &a.d_exp),
            ] {
                for i in 0..n {
                    let id = l.industry(i);
                    sat.push(
                        &[
                            &e.name,
                            st,
                            &l.regions()[id.region],
                            &l.sectors()[id.sector],
                            what,
                        ],
                        mat[(k, i)],
                    );
                }
            }
        }
    }
    ph.mark("satellite accounts");
    let l_mat = if want_l {
        eprintln!("--write-L: forming L = (I - A)^-1 needs the LU factorisation of I - A ({n} industries)");
        Some(
            m.inverse()
                .map_err(|e| name(t, e))
                .context("forming L for --write-L")?,
        )
    } else {
        None
    };
    let log = m.log();
    if let Some(why) = log.densified {
        let gb = 8.0 * (n as f64) * (n as f64) / 1e9;
        eprintln!(
            "note: Z is stored sparse (density {:.3}), but {} needs A = Z x^-1 dense: \
             an {n} x {n} copy ({gb:.2} GB) was made (solver.json, \"densified\")",
            log.density,
            match why {
                "lu fallback" => "the LU fallback of a solve that did not converge",
                "L" => "forming L",
                "mixed-lu" => "the mixed-precision LU",
                _ => "the LU factorisation",
            }
        );
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
            sum(va),
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
        om,
        &mut s,
    );
    rank(
        "domestic value-added multipliers: value added in the producer's own region per unit of final demand",
        dvm,
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
    Ok((
        Analysis {
            industries: ind,
            regions: reg,
            accounts: acc,
            satellite: sat,
            summary: s,
            solver: log,
        },
        l_mat,
    ))
}

#[cfg(test)]
#[path = "analyze_sparse_tests.rs"]
mod sparse_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use plenum_table::{Extension, Labels, Metadata, TableParts, ValidationPolicy};

    /// SplitMix64 in [0, 1), for seeded tables.
    pub(super) fn uniform(state: &mut u64) -> f64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The parts of a balanced table around `z` (nr regions × ns sectors,
    /// nf final-demand categories): Y at `y_floor` plus a draw per cell,
    /// x from the rows, V from the columns, and two extensions (one with
    /// F_Y), drawn from `st` in that order.
    pub(super) fn balanced_parts(
        z: faer::Mat<f64>,
        (nr, ns, nf): (usize, usize, usize),
        y_floor: f64,
        st: &mut u64,
    ) -> TableParts {
        let n = nr * ns;
        let y = faer::Mat::<f64>::from_fn(n, nr * nf, |_, _| y_floor + uniform(st));
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
        let e1 = ext("air", 2, true, st);
        let e2 = ext("land", 3, false, st);
        TableParts {
            meta: Metadata::default(),
            labels: Labels::new(
                (0..nr).map(|r| format!("R{r}")).collect(),
                (0..ns).map(|s| format!("S{s}")).collect(),
                (0..nf).map(|f| format!("F{f}")).collect(),
                vec!["VA".into()],
            )
            .expect("labels"),
            z: z.into(),
            y,
            x,
            v,
            imported_use: None,
            extensions: vec![e1, e2],
        }
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
        let parts = balanced_parts(z, (nr, ns, nf), 1.0, &mut st);
        MrioTable::new(parts, &ValidationPolicy::default()).expect("valid table")
    }

    fn values(f: &Frame) -> std::collections::HashMap<Vec<String>, f64> {
        f.rows.iter().cloned().collect()
    }

    pub(super) fn close(a: f64, b: f64, rtol: f64) -> bool {
        (a - b).abs() <= rtol * b.abs().max(a.abs()) || (a - b).abs() <= 1e-300
    }

    /// LU and the iterative solves give the same numbers in every frame.
    #[test]
    fn iterative_and_lu_agree() {
        for (seed, (nr, ns, nf)) in [(1u64, (3, 4, 2)), (7, (5, 3, 1)), (11, (2, 6, 3))] {
            let t = table(nr, ns, nf, seed);
            let run = |choice| {
                let settings = SolveSettings {
                    choice,
                    rtol: 1e-13,
                    ..SolveSettings::default()
                };
                compute_with(&t, 3, settings, false, &mut crate::progress::Phases::new())
                    .expect("analyze")
                    .0
            };
            let lu = run(SolverChoice::Lu);
            let it = run(SolverChoice::Iterative);
            assert_eq!(lu.solver.method, "lu");
            assert_eq!(it.solver.method, "gmres");
            assert!(it.solver.sweeps > 0 && it.solver.max_residual <= 1e-13);
            assert_eq!(it.solver.fallbacks, 0);
            for (what, a, b) in [
                ("industries", &lu.industries, &it.industries),
                ("regions", &lu.regions, &it.regions),
                ("accounts", &lu.accounts, &it.accounts),
                ("satellite", &lu.satellite, &it.satellite),
            ] {
                assert_eq!(a.rows.len(), b.rows.len(), "{what}");
                assert!(!a.rows.is_empty(), "{what}");
                for ((ka, va), (kb, vb)) in a.rows.iter().zip(&b.rows) {
                    assert_eq!(ka, kb);
                    assert!(
                        close(*va, *vb, 1e-10),
                        "seed {seed} {what} {ka:?}: {va} vs {vb}"
                    );
                }
            }
        }
    }

    /// The satellite accounts by industry are plenum_iomath's accounts
    /// (LU, checked against pymrio there) and M = S L.
    #[test]
    fn satellite_matches_iomath() {
        let t = table(4, 3, 2, 5);
        let a = compute(&t, 3).expect("analyze");
        let sat = values(&a.satellite);
        let reg = values(&a.accounts);
        let m = plenum_iomath::IoModel::new(&t).expect("productive");
        let l = t.labels();
        for e in t.extensions() {
            let want = m.accounts(&e.name).expect("accounts");
            let mm = m.satellite_multipliers(&e.name).expect("M");
            let s = m.stressor_coefficients(&e.name).expect("S");
            for (k, st) in e.stressors.iter().enumerate() {
                for i in 0..l.n_industries() {
                    let id = l.industry(i);
                    let key = |acc: &str| {
                        vec![
                            e.name.clone(),
                            st.clone(),
                            l.regions()[id.region].clone(),
                            l.sectors()[id.sector].clone(),
                            acc.to_string(),
                        ]
                    };
                    for (acc, w) in [
                        ("S", s[(k, i)]),
                        ("M", mm[(k, i)]),
                        ("D_cba", want.d_cba[(k, i)]),
                        ("D_pba", want.d_pba[(k, i)]),
                        ("D_imp", want.d_imp[(k, i)]),
                        ("D_exp", want.d_exp[(k, i)]),
                    ] {
                        let g = sat[&key(acc)];
                        assert!(close(g, w, 1e-12), "{} {acc}[{k},{i}]: {g} vs {w}", e.name);
                    }
                }
                for r in 0..l.n_regions() {
                    let key = vec![
                        e.name.clone(),
                        st.clone(),
                        l.regions()[r].clone(),
                        "D_imp_reg".to_string(),
                    ];
                    let w = want.d_imp_reg[(k, r)];
                    assert!(close(reg[&key], w, 1e-12));
                }
            }
        }
    }

    /// A pymrio 0.7.0 golden file (see plenum-iomath's
    /// tests/golden/pymrio_test/generate.py): column labels and rows.
    fn golden(name: &str) -> (Vec<String>, Vec<Vec<f64>>) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../plenum-iomath/tests/golden/pymrio_test/out")
            .join(format!("{name}.tsv"));
        let text = std::fs::read_to_string(&path).expect("golden file");
        let mut lines = text.lines();
        let cols = lines
            .next()
            .expect("header")
            .split('\t')
            .skip(1)
            .map(String::from)
            .collect();
        let rows = lines
            .map(|l| {
                l.split('\t')
                    .skip(1)
                    .map(|v| v.parse().expect("number"))
                    .collect()
            })
            .collect();
        (cols, rows)
    }

    /// Every number `analyze` writes that pymrio's calc_all also computes
    /// agrees with pymrio 0.7.0 on its test MRIO to rtol 1e-9, by LU and
    /// by the iterative solves.
    #[test]
    fn pymrio_test_mrio_parity() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../plenum-iomath/tests/golden/pymrio_test/mrio");
        let t =
            plenum_formats::pymrio::read_pymrio(&dir, &plenum_formats::pymrio::default_policy())
                .expect("pymrio test MRIO");
        let l = t.labels();
        let n = l.n_industries();
        let ind_key = |i: usize, var: &str| {
            let id = l.industry(i);
            vec![
                l.regions()[id.region].clone(),
                l.sectors()[id.sector].clone(),
                var.to_string(),
            ]
        };
        let (lcols, lrows) = golden("L");
        let (_, grows) = golden("G");
        let (_, xrows) = golden("x");
        assert_eq!(lcols.len(), n);
        for choice in [
            SolverChoice::Lu,
            SolverChoice::Iterative,
            SolverChoice::MixedLu,
        ] {
            let settings = SolveSettings {
                choice,
                rtol: 1e-12,
                ..SolveSettings::default()
            };
            let a = compute_with(&t, 3, settings, false, &mut crate::progress::Phases::new())
                .expect("analyze")
                .0;
            let ind = values(&a.industries);
            let sat = values(&a.satellite);
            let reg = values(&a.accounts);
            let mut checked = 0usize;
            let mut check = |what: String, got: f64, want: f64| {
                assert!(
                    close(got, want, 1e-9),
                    "{choice:?} {what}: plenum {got} vs pymrio {want}"
                );
                checked += 1;
            };
            for j in 0..n {
                let id = l.industry(j);
                assert_eq!(
                    lcols[j],
                    format!("{}|{}", l.regions()[id.region], l.sectors()[id.sector])
                );
                let col_l: f64 = (0..n).map(|i| lrows[i][j]).sum();
                check(
                    format!("1'L[{j}]"),
                    ind[&ind_key(j, "output_multiplier")],
                    col_l,
                );
                check(
                    format!("1'L[{j}] as BL"),
                    ind[&ind_key(j, "backward_linkage")],
                    col_l,
                );
                let row_g: f64 = grows[j].iter().sum();
                check(
                    format!("G1[{j}]"),
                    ind[&ind_key(j, "forward_linkage")],
                    row_g,
                );
                check(format!("x[{j}]"), ind[&ind_key(j, "output")], xrows[j][0]);
            }
            for e in t.extensions() {
                for acc in ["S", "M", "D_cba", "D_pba", "D_imp", "D_exp"] {
                    let (cols, rows) = golden(&format!("{}.{acc}", golden_name(&e.name)));
                    assert_eq!(cols, lcols, "{}.{acc} columns", e.name);
                    assert_eq!(rows.len(), e.stressors.len());
                    for (k, st) in e.stressors.iter().enumerate() {
                        #[allow(clippy::needless_range_loop)]
                        // i indexes the table and the golden row
                        for i in 0..n {
                            let id = l.industry(i);
                            let key = vec![
                                e.name.clone(),
                                st.clone(),
                                l.regions()[id.region].clone(),
                                l.sectors()[id.sector].clone(),
                                acc.to_string(),
                            ];
                            check(format!("{}.{acc}[{k},{i}]", e.name), sat[&key], rows[k][i]);
                        }
                    }
                }
                for acc in ["D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg"] {
                    let (cols, rows) = golden(&format!("{}.{acc}", golden_name(&e.name)));
                    for (k, st) in e.stressors.iter().enumerate() {
                        for (r, rn) in cols.iter().enumerate() {
                            let key = vec![e.name.clone(), st.clone(), rn.clone(), acc.to_string()];
                            check(format!("{}.{acc}[{k},{r}]", e.name), reg[&key], rows[k][r]);
                        }
                    }
                }
            }
            if e_is_va(&t) {
                let (_, rows) = golden("factor_inputs.M");
                for j in 0..n {
                    check(
                        format!("v_c'L[{j}]"),
                        ind[&ind_key(j, "value_added_multiplier")],
                        rows.iter().map(|r| r[j]).sum(),
                    );
                }
            }
            // 48 industries × 4 + 48 × 6 × 3 stressors by industry + 6 × 4 × 3 by region.
            assert!(checked >= 1128, "{checked} numbers checked");
        }
    }

    /// pymrio's attribute name of an extension ("Factor Inputs" →
    /// "factor_inputs"), which names the golden files.
    fn golden_name(ext: &str) -> String {
        ext.to_lowercase().replace(' ', "_")
    }

    /// Whether the table's value added is pymrio's factor_inputs extension.
    fn e_is_va(t: &MrioTable) -> bool {
        t.extensions()
            .iter()
            .find(|e| golden_name(&e.name) == "factor_inputs")
            .is_some_and(|e| e.f.as_ref() == t.v().as_ref())
    }
}
