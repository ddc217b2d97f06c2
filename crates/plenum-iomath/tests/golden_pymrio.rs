//! Every quantity of pymrio 0.7.0's `calc_all(include_ghosh=True)` and
//! `calc_gross_trade` on its test MRIO (`pymrio.load_test()`, 6 regions × 8
//! sectors), compared with this crate within rtol 1e-9 (atol 1e-9 of the
//! quantity's largest magnitude, for entries that are zero or nearly so).
//!
//! Inputs are read from `tests/golden/pymrio_test/mrio/` (a pymrio folder,
//! parsed here by a tiny tab-separated reader, not by plenum-formats) and
//! expected values from `tests/golden/pymrio_test/out/`; both are written by
//! `tests/golden/pymrio_test/generate.py`.

mod common;

use std::path::PathBuf;

use faer::{Col, Mat};
use plenum_iomath::accounts::{accounts_with_l, per_capita, AccountsRoute};
use plenum_iomath::backend::Backend;
use plenum_iomath::dims::{final_demand_by_region, sum_column_groups};
use plenum_iomath::{coefficients, multipliers, output, IoModel, Leontief};
use plenum_table::{Extension, Labels, Metadata, MrioTable, TableParts, ValidationPolicy};

const RTOL: f64 = 1e-9;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/pymrio_test")
}

/// A pymrio txt table: `header_rows` lines of column labels (plus the
/// index-name line pandas writes under MultiIndex columns, counted in
/// `header_rows`), `index_cols` label columns, then numbers.
struct Table {
    col_labels: Vec<Vec<String>>,
    row_labels: Vec<Vec<String>>,
    m: Mat<f64>,
}

fn read_txt(rel: &str, header_rows: usize, index_cols: usize) -> Table {
    let path = dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    let col_labels: Vec<Vec<String>> = lines[..header_rows]
        .iter()
        .map(|l| l.split('\t').skip(index_cols).map(str::to_string).collect())
        .collect();
    let mut rows = Vec::new();
    let mut row_labels = Vec::new();
    for (ln, l) in lines[header_rows..].iter().enumerate() {
        let fields: Vec<&str> = l.split('\t').collect();
        row_labels.push(fields[..index_cols].iter().map(|s| s.to_string()).collect());
        rows.push(
            fields[index_cols..]
                .iter()
                .map(|s| {
                    s.parse::<f64>().unwrap_or_else(|e| {
                        panic!("{}:{}: {s:?}: {e}", path.display(), ln + header_rows + 1)
                    })
                })
                .collect::<Vec<f64>>(),
        );
    }
    let nc = rows.first().map_or(0, |r| r.len());
    assert!(rows.iter().all(|r| r.len() == nc), "{rel}: ragged rows");
    let m = Mat::from_fn(rows.len(), nc, |i, j| rows[i][j]);
    Table {
        col_labels,
        row_labels,
        m,
    }
}

/// An expected quantity from `out/NAME.tsv`.
fn golden(name: &str) -> Mat<f64> {
    read_txt(&format!("out/{name}.tsv"), 1, 1).m
}

fn golden_col(name: &str) -> Col<f64> {
    let m = golden(name);
    assert_eq!(m.ncols(), 1, "{name} is not a vector");
    Col::from_fn(m.nrows(), |i| m[(i, 0)])
}

fn unique(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

fn check(what: &str, got: &Mat<f64>, want: &Mat<f64>) {
    let scale = (0..want.ncols())
        .flat_map(|j| (0..want.nrows()).map(move |i| (i, j)))
        .map(|(i, j)| want[(i, j)].abs())
        .fold(0.0f64, f64::max);
    common::assert_close(what, got, want, RTOL, 1e-9 * scale.max(1e-300));
}

fn check_col(what: &str, got: &Col<f64>, want: &Col<f64>) {
    check(what, &common::col_to_mat(got), &common::col_to_mat(want));
}

struct Golden {
    table: MrioTable,
    population: Vec<f64>,
}

fn load() -> Golden {
    let z = read_txt("mrio/Z.txt", 3, 2);
    let y = read_txt("mrio/Y.txt", 3, 2);
    let fi = read_txt("mrio/factor_inputs/F.txt", 3, 1);
    let em = read_txt("mrio/emissions/F.txt", 3, 2);
    let em_y = read_txt("mrio/emissions/F_Y.txt", 3, 2);
    let pop = read_txt("mrio/population.txt", 1, 1);

    let regions = unique(&z.col_labels[0]);
    let sectors = unique(&z.col_labels[1]);
    let categories = unique(&y.col_labels[1]);
    assert_eq!((regions.len(), sectors.len(), categories.len()), (6, 8, 7));
    // Rows and columns region-major as the table model expects.
    for (i, rl) in z.row_labels.iter().enumerate() {
        assert_eq!(rl[0], regions[i / 8]);
        assert_eq!(rl[1], sectors[i % 8]);
    }
    // pymrio's x = Z·1 + Y·1.
    let x = output::output_from_flows(z.m.as_ref(), y.m.as_ref()).unwrap();
    let parts = TableParts {
        meta: Metadata {
            name: "pymrio-test".into(),
            ..Metadata::default()
        },
        labels: Labels::new(
            regions,
            sectors,
            categories,
            fi.row_labels.iter().map(|r| r[0].clone()).collect(),
        )
        .unwrap(),
        z: z.m.into(),
        y: y.m,
        x,
        v: fi.m.clone(),
        imported_use: None,
        extensions: vec![
            Extension {
                name: "factor_inputs".into(),
                stressors: vec!["Value Added".into()],
                units: vec!["Mill USD".into()],
                f: fi.m,
                f_y: None,
            },
            Extension {
                name: "emissions".into(),
                stressors: em.row_labels.iter().map(|r| r.join("|")).collect(),
                units: vec!["kg".into(), "kg".into()],
                f: em.m,
                f_y: Some(em_y.m),
            },
        ],
    };
    // The test MRIO's value added does not close the columns (pymrio never
    // needs it to), so the balance checks are off.
    let policy = ValidationPolicy {
        balance_rtol: None,
        ..ValidationPolicy::default()
    };
    Golden {
        table: MrioTable::new(parts, &policy).unwrap(),
        population: (0..pop.m.ncols()).map(|j| pop.m[(0, j)]).collect(),
    }
}

fn backends() -> Vec<Backend> {
    Backend::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect()
}

#[test]
fn inputs_round_trip() {
    let g = load();
    check("Z", g.table.z(), &golden("Z"));
    check("Y", g.table.y(), &golden("Y"));
    check_col("x", g.table.x(), &golden_col("x"));
}

#[test]
fn core_system() {
    let g = load();
    for backend in backends() {
        let model = IoModel::with_backend(&g.table, backend).unwrap();
        check("A", model.a(), &golden("A"));
        check("L", &model.l().unwrap(), &golden("L"));
        check_col(
            "x = L y",
            &model.output_from_demand().unwrap(),
            &golden_col("x"),
        );
        check("B", &model.b().unwrap(), &golden("B"));
        // pymrio's G is inv(I − B); ours is x̂⁻¹ L x̂.
        check("G", &model.g().unwrap(), &golden("G"));
        // And (I − B)⁻¹ by factoring I − B agrees too.
        let b = model.b().unwrap();
        let g_inv = Leontief::factor_with(b.as_ref(), backend)
            .unwrap()
            .inverse()
            .unwrap();
        check("G = (I - B)^-1", &g_inv, &golden("G"));
    }
}

#[test]
fn extensions_and_accounts() {
    let g = load();
    let model = IoModel::new(&g.table).unwrap();
    let l = model.l().unwrap();
    let dims = model.dims();
    let y_agg = final_demand_by_region(g.table.y().as_ref(), dims).unwrap();
    for ext in ["factor_inputs", "emissions"] {
        let e = g.table.extension(ext).unwrap();
        let s = model.stressor_coefficients(ext).unwrap();
        check(&format!("{ext}.S"), &s, &golden(&format!("{ext}.S")));
        let m = model.satellite_multipliers(ext).unwrap();
        check(&format!("{ext}.M"), &m, &golden(&format!("{ext}.M")));
        let gm = model.g().unwrap();
        let m_down = multipliers::downstream_multipliers(s.as_ref(), gm.as_ref()).unwrap();
        check(
            &format!("{ext}.M_down"),
            &m_down,
            &golden(&format!("{ext}.M_down")),
        );
        if let Some(fy) = &e.f_y {
            let s_y =
                coefficients::final_demand_stressor_coefficients(fy.as_ref(), g.table.y().as_ref())
                    .unwrap();
            check(&format!("{ext}.S_Y"), &s_y, &golden(&format!("{ext}.S_Y")));
        }
        let f_y_agg = e
            .f_y
            .as_ref()
            .map(|fy| sum_column_groups(fy.as_ref(), dims.n_fd_categories).unwrap());
        let routes = [
            (
                "solve",
                model.accounts_with(ext, AccountsRoute::Solve).unwrap(),
            ),
            (
                "inverse",
                model.accounts_with(ext, AccountsRoute::Inverse).unwrap(),
            ),
            ("auto", model.accounts(ext).unwrap()),
            (
                "with_l",
                accounts_with_l(
                    l.as_ref(),
                    s.as_ref(),
                    y_agg.as_ref(),
                    f_y_agg.as_ref().map(|m| m.as_ref()),
                    dims,
                )
                .unwrap(),
            ),
        ];
        for (route, acc) in &routes {
            let tag = |q: &str| format!("{ext}.{q} ({route})");
            let want = |q: &str| golden(&format!("{ext}.{q}"));
            check(&tag("D_cba"), &acc.d_cba, &want("D_cba"));
            check(&tag("D_pba"), &acc.d_pba, &want("D_pba"));
            check(&tag("D_imp"), &acc.d_imp, &want("D_imp"));
            check(&tag("D_exp"), &acc.d_exp, &want("D_exp"));
            check(&tag("D_cba_reg"), &acc.d_cba_reg, &want("D_cba_reg"));
            check(&tag("D_pba_reg"), &acc.d_pba_reg, &want("D_pba_reg"));
            check(&tag("D_imp_reg"), &acc.d_imp_reg, &want("D_imp_reg"));
            check(&tag("D_exp_reg"), &acc.d_exp_reg, &want("D_exp_reg"));
            let cap = per_capita(acc, &g.population).unwrap();
            check(&tag("D_cba_cap"), &cap.d_cba_cap, &want("D_cba_cap"));
            check(&tag("D_pba_cap"), &cap.d_pba_cap, &want("D_pba_cap"));
            check(&tag("D_imp_cap"), &cap.d_imp_cap, &want("D_imp_cap"));
            check(&tag("D_exp_cap"), &cap.d_exp_cap, &want("D_exp_cap"));
        }
    }
    // pymrio's factor_inputs extension is value added, so its consumption-
    // based regional account is the value-added footprint.
    let va = model.value_added_footprint().unwrap();
    check(
        "VA footprint by component",
        &va.by_component,
        &golden("factor_inputs.D_cba_reg"),
    );
    check(
        "VA footprint total",
        &common::col_to_mat(&va.total),
        &golden("factor_inputs.D_cba_reg").transpose().to_owned(),
    );
    // The value added of every producing region sums to its D_pba_reg.
    let by_producer = Col::<f64>::from_fn(dims.n_regions, |p| {
        (0..dims.n_regions).map(|r| va.by_origin[(p, r)]).sum()
    });
    check(
        "VA by origin, summed over consumers",
        &common::col_to_mat(&by_producer),
        &golden("factor_inputs.D_pba_reg").transpose().to_owned(),
    );
    // Off the diagonal, by_origin summed over consumers is D_exp_reg.
    let exp_reg = golden("factor_inputs.D_exp_reg");
    let exp = Col::<f64>::from_fn(dims.n_regions, |p| {
        (0..dims.n_regions)
            .filter(|&r| r != p)
            .map(|r| va.by_origin[(p, r)])
            .sum()
    });
    check(
        "VA exported",
        &common::col_to_mat(&exp),
        &exp_reg.transpose().to_owned(),
    );
}

#[test]
fn gross_trade() {
    let g = load();
    let model = IoModel::new(&g.table).unwrap();
    let t = model.gross_trade().unwrap();
    check(
        "bilat_flows",
        &t.bilat_flows,
        &golden("gross_trade.bilat_flows"),
    );
    let totals = golden("gross_trade.totals");
    check(
        "exports",
        &common::col_to_mat(&t.exports),
        &totals.subcols(0, 1).to_owned(),
    );
    check(
        "imports",
        &common::col_to_mat(&t.imports),
        &totals.subcols(1, 1).to_owned(),
    );
}

#[test]
fn golden_files_are_pymrio_0_7_0() {
    let v = std::fs::read_to_string(dir().join("out/VERSIONS")).unwrap();
    assert!(v.contains("pymrio 0.7.0"), "{v}");
    // Ghosh-based downstream multipliers differ from upstream ones, so the
    // comparison above is not vacuous.
    assert!(common::max_rel(&golden("emissions.M_down"), &golden("emissions.M"), 1.0) > 1e-3);
}

/// The report of `plenum analyze` and `plenum.analyze` (plenum_iomath::report)
/// by LU and by the iterative solves: every extension's S, M and accounts,
/// the output and value-added multipliers and x = L y agree with pymrio
/// 0.7.0; the value-added extension (S = v_c) reuses the masked solves of
/// the domestic value-added multipliers, so fewer right-hand sides are
/// solved than for two extensions solved apart.
#[test]
fn report_matches_pymrio() {
    use plenum_iomath::{report, IterOptions, LeontiefSolve, Solver, SolverChoice};
    let g = load();
    let t = &g.table;
    let dims = plenum_iomath::Dims::of(t.labels());
    let l = golden("L");
    let n = l.nrows();
    let om = Col::<f64>::from_fn(n, |j| (0..n).map(|i| l[(i, j)]).sum());
    for choice in [
        SolverChoice::Lu,
        SolverChoice::Iterative,
        SolverChoice::MixedLu,
    ] {
        let m = Solver::new(
            t.z().as_ref(),
            t.x().as_ref(),
            t.zero_output(),
            choice,
            IterOptions {
                rtol: 1e-13,
                block: dims.n_sectors,
                ..IterOptions::default()
            },
        )
        .unwrap();
        let rep = report::report(t, &m).unwrap();
        check_col("1'L", &rep.output_multipliers, &om);
        check_col("x = L y", &rep.x_from_demand, &golden_col("x"));
        let vm = golden("factor_inputs.M");
        check_col(
            "v_c'L",
            &rep.va_multipliers,
            &Col::<f64>::from_fn(n, |j| vm[(0, j)]),
        );
        for e in &rep.extensions {
            let want = |q: &str| golden(&format!("{}.{q}", e.name));
            let a = &e.accounts;
            for (q, got) in [
                ("S", &e.s),
                ("M", &a.m),
                ("D_cba", &a.d_cba),
                ("D_pba", &a.d_pba),
                ("D_imp", &a.d_imp),
                ("D_exp", &a.d_exp),
                ("D_cba_reg", &a.d_cba_reg),
                ("D_pba_reg", &a.d_pba_reg),
                ("D_imp_reg", &a.d_imp_reg),
                ("D_exp_reg", &a.d_exp_reg),
            ] {
                check(&format!("{} {q} ({choice:?})", e.name), got, &want(q));
            }
        }
        // 1 + R masked v_c, R + 1 for L [Y_agg, x], R·2 for the emissions;
        // factor_inputs' R are reused.
        let r = dims.n_regions;
        assert_eq!(
            m.log().columns,
            1 + r + r + 1 + 2 * r,
            "{choice:?}: right-hand sides solved"
        );
        assert_eq!(LeontiefSolve::n(&m), n);
    }
}
