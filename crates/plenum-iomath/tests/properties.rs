//! Seeded property tests on random balanced productive tables of awkward
//! sizes (n = 1, 2, 3, 17, 64, 100, and a few with absent industries).
//! Tolerances are relative to the quantity's scale and stated per check;
//! the systems are well conditioned (column sums of A at most about 0.5),
//! so 1e-11 leaves room for rounding and none for a wrong formula.

mod common;

use common::{assert_close, assert_col_close, identity, random_table};
use faer::{Col, Mat};
use plenum_iomath::accounts::AccountsRoute;
use plenum_iomath::backend::{matmul, Backend};
use plenum_iomath::dims::{col_sums, row_sums};
use plenum_iomath::{ghosh, output, IoModel, Leontief};
use plenum_table::ValidationPolicy;

/// (regions, sectors, categories, stressors, sparsity, absent industries, seed)
type Case = (usize, usize, usize, usize, f64, &'static [usize], u64);

const CASES: &[Case] = &[
    (1, 1, 1, 1, 0.0, &[], 1),
    (1, 2, 1, 2, 0.0, &[], 2),
    (3, 1, 2, 1, 0.3, &[], 3),
    (1, 17, 3, 3, 0.5, &[], 4),
    (4, 16, 2, 2, 0.2, &[], 5),
    (5, 20, 3, 4, 0.7, &[], 6),
    (2, 3, 2, 2, 0.0, &[4], 7),
    (3, 5, 1, 2, 0.4, &[0, 7, 14], 8),
];

fn backends() -> Vec<Backend> {
    Backend::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect()
}

fn scale(m: &Mat<f64>) -> f64 {
    let mut s = 0.0f64;
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            s = s.max(m[(i, j)].abs());
        }
    }
    s.max(f64::MIN_POSITIVE)
}

#[test]
fn leontief_identities() {
    for &(r, s, f, k, sp, absent, seed) in CASES {
        let t = random_table(seed, r, s, f, k, sp, absent);
        let n = r * s;
        for backend in backends() {
            let model = IoModel::with_backend(&t, backend).unwrap();
            let a = model.a();
            let l = model.l().unwrap();
            let tag = format!("n={n} seed={seed} {backend}");
            // (I − A) L = I.
            let i_minus_a = &identity(n) - a;
            let prod = &i_minus_a * &l;
            assert_close(&format!("(I-A)L {tag}"), &prod, &identity(n), 0.0, 1e-12);
            // Absent industries have A columns of exactly 0 and L columns e_j.
            for &j in absent {
                assert!(a.col(j).iter().all(|v| *v == 0.0), "{tag}: A column {j}");
                for i in 0..n {
                    assert_eq!(
                        l[(i, j)],
                        if i == j { 1.0 } else { 0.0 },
                        "{tag}: L[{i},{j}]"
                    );
                }
            }
            // Z·1 + Y·1 = x (the table's balance, used by everything below).
            let zy = output::output_from_flows(t.z().as_ref(), t.y().as_ref()).unwrap();
            assert_col_close(&format!("Z1+Y1 {tag}"), &zy, t.x(), 1e-12, 0.0);
            // x by solving equals the table's x and L y.
            let y = model.y_total();
            let x_solve = model.output_for(y.as_ref()).unwrap();
            assert_col_close(&format!("x solve {tag}"), &x_solve, t.x(), 1e-11, 1e-11);
            let ly = &l * &y;
            assert_col_close(&format!("x = Ly {tag}"), &x_solve, &ly, 1e-11, 1e-11);
            // Multi-column solve equals L Y column by column.
            let xy = output::output_by_column(model.leontief(), t.y().as_ref()).unwrap();
            let l_y = &l * t.y();
            assert_close(
                &format!("X = LY {tag}"),
                &xy,
                &l_y,
                1e-11,
                1e-11 * scale(&l_y),
            );
            // Transpose solve equals L' R.
            let rhs = t.y().transpose().to_owned();
            let want = rhs.as_ref() * &l;
            let got = model
                .leontief()
                .solve_transpose(rhs.transpose())
                .unwrap()
                .transpose()
                .to_owned();
            assert_close(
                &format!("R'L {tag}"),
                &got,
                &want,
                1e-11,
                1e-11 * scale(&want),
            );
            // A zero shock changes nothing.
            let zero = Col::<f64>::zeros(n);
            let dx = model.output_for(zero.as_ref()).unwrap();
            assert!(dx.iter().all(|v| *v == 0.0), "{tag}: zero shock moved x");
            let y_plus_0 = Col::<f64>::from_fn(n, |i| y[i] + zero[i]);
            assert_eq!(
                model.output_for(y_plus_0.as_ref()).unwrap(),
                x_solve,
                "{tag}"
            );
        }
    }
}

#[test]
fn multipliers_and_ghosh_identities() {
    for &(r, s, f, k, sp, absent, seed) in CASES {
        let t = random_table(seed, r, s, f, k, sp, absent);
        let n = r * s;
        let model = IoModel::new(&t).unwrap();
        let l = model.l().unwrap();
        let tag = format!("n={n} seed={seed}");
        // Output multipliers = column sums of L.
        let om = model.output_multipliers().unwrap();
        assert_col_close(
            &format!("1'L {tag}"),
            &om,
            &col_sums(l.as_ref()),
            1e-12,
            0.0,
        );
        // M = S L by transpose solves equals the explicit product.
        let sm = model.stressor_coefficients("env").unwrap();
        let m = model.satellite_multipliers("env").unwrap();
        let m_explicit = matmul(sm.as_ref(), l.as_ref(), Backend::Faer).unwrap();
        assert_close(
            &format!("M {tag}"),
            &m,
            &m_explicit,
            1e-11,
            1e-12 * scale(&m_explicit),
        );
        // Value-added multipliers of a balanced table are all 1 (v_c'L = 1').
        let vm = model.value_added_multipliers().unwrap();
        for j in 0..n {
            let want = if absent.contains(&j) { 0.0 } else { 1.0 };
            assert!(
                (vm[j] - want).abs() < 1e-12,
                "{tag}: VA multiplier {j} = {}",
                vm[j]
            );
        }
        // G = x̂⁻¹ L x̂ equals (I − B)⁻¹, factored separately.
        let g = model.g().unwrap();
        let b = model.b().unwrap();
        let g_inv = Leontief::factor(&b).unwrap().inverse().unwrap();
        assert_close(&format!("G = (I-B)^-1 {tag}"), &g, &g_inv, 1e-11, 1e-12);
        // B from A agrees with B from Z.
        let b2 =
            ghosh::allocation_from_technical(model.a().as_ref(), t.x().as_ref(), absent).unwrap();
        assert_close(&format!("B {tag}"), &b2, &b, 1e-13, 1e-15);
        // Linkages: forward total = row sums of G; backward = column sums of L.
        let lk = model.linkages().unwrap();
        assert_col_close(
            &format!("FL {tag}"),
            &lk.forward_total,
            &row_sums(g.as_ref()),
            1e-11,
            0.0,
        );
        assert_col_close(
            &format!("BL {tag}"),
            &lk.backward_total,
            &col_sums(l.as_ref()),
            1e-12,
            0.0,
        );
        let present = n - absent.len();
        let sum_idx: f64 = lk.backward_index.iter().sum();
        assert!(
            (sum_idx - present as f64).abs() < 1e-10,
            "{tag}: BL index sum {sum_idx}"
        );
        let sum_idx: f64 = lk.forward_index.iter().sum();
        assert!(
            (sum_idx - present as f64).abs() < 1e-10,
            "{tag}: FL index sum {sum_idx}"
        );
        // Supply-driven output from the table's value added reproduces x.
        let va = t.va_total();
        let xs = ghosh::supply_driven_output(model.leontief(), t.x().as_ref(), va.as_ref(), absent)
            .unwrap();
        assert_col_close(&format!("x = G'v {tag}"), &xs, t.x(), 1e-11, 1e-11);
    }
}

#[test]
fn accounts_identities() {
    for &(r, s, f, k, sp, absent, seed) in CASES {
        let t = random_table(seed, r, s, f, k, sp, absent);
        let model = IoModel::new(&t).unwrap();
        let tag = format!("R={r} S={s} seed={seed}");
        let solve = model.accounts_with("env", AccountsRoute::Solve).unwrap();
        let inv = model.accounts_with("env", AccountsRoute::Inverse).unwrap();
        for (name, a, b) in [
            ("D_cba", &solve.d_cba, &inv.d_cba),
            ("D_pba", &solve.d_pba, &inv.d_pba),
            ("D_imp", &solve.d_imp, &inv.d_imp),
            ("D_exp", &solve.d_exp, &inv.d_exp),
            ("D_cba_reg", &solve.d_cba_reg, &inv.d_cba_reg),
            ("D_imp_reg", &solve.d_imp_reg, &inv.d_imp_reg),
        ] {
            assert_close(
                &format!("{name} routes {tag}"),
                a,
                b,
                1e-11,
                1e-12 * scale(b),
            );
        }
        // World totals: what is consumed is what is produced (S L y = S x);
        // what is imported is what is exported.
        let sum = |m: &Mat<f64>| -> Col<f64> { row_sums(m.as_ref()) };
        assert_col_close(
            &format!("cba = pba {tag}"),
            &sum(&solve.d_cba_reg),
            &sum(&solve.d_pba_reg),
            1e-11,
            0.0,
        );
        assert_col_close(
            &format!("imp = exp {tag}"),
            &sum(&solve.d_imp_reg),
            &sum(&solve.d_exp_reg),
            1e-11,
            1e-9,
        );
        // One region: nothing is traded.
        if r == 1 {
            assert!(
                solve.d_imp.col_iter().all(|c| c.iter().all(|v| *v == 0.0)),
                "{tag}"
            );
            assert!(
                solve.d_exp.col_iter().all(|c| c.iter().all(|v| *v == 0.0)),
                "{tag}"
            );
        }
        // Value added embodied in final demand sums to world final demand.
        let va = model.value_added_footprint().unwrap();
        let world_va: f64 = va.total.iter().sum();
        let world_y: f64 = model.y_total().iter().sum();
        assert!(
            (world_va - world_y).abs() <= 1e-11 * world_y,
            "{tag}: {world_va} vs {world_y}"
        );
        let by_origin_total: f64 = (0..r)
            .flat_map(|p| (0..r).map(move |q| (p, q)))
            .map(|(p, q)| va.by_origin[(p, q)])
            .sum();
        assert!(
            (by_origin_total - world_y).abs() <= 1e-11 * world_y,
            "{tag}"
        );
        // Gross trade: world exports equal world imports.
        let gt = model.gross_trade().unwrap();
        let ex: f64 = gt.exports.iter().sum();
        let im: f64 = gt.imports.iter().sum();
        assert!((ex - im).abs() <= 1e-12 * ex.max(1.0), "{tag}");
    }
}

#[test]
fn currency_rescaling() {
    // Coefficients and multipliers are unit-free in money; levels scale.
    for &(r, s, f, k, sp, absent, seed) in CASES {
        let t = random_table(seed, r, s, f, k, sp, absent);
        let c = 1000.0;
        let t2 = t
            .rescaled(c, "thousand", &ValidationPolicy::lenient(1e-9))
            .unwrap();
        let m1 = IoModel::new(&t).unwrap();
        let m2 = IoModel::new(&t2).unwrap();
        let tag = format!("seed={seed}");
        assert_close(&format!("A {tag}"), m2.a(), m1.a(), 1e-14, 0.0);
        assert_close(
            &format!("L {tag}"),
            &m2.l().unwrap(),
            &m1.l().unwrap(),
            1e-13,
            0.0,
        );
        assert_col_close(
            &format!("output multipliers {tag}"),
            &m2.output_multipliers().unwrap(),
            &m1.output_multipliers().unwrap(),
            1e-13,
            0.0,
        );
        assert_close(
            &format!("G {tag}"),
            &m2.g().unwrap(),
            &m1.g().unwrap(),
            1e-13,
            0.0,
        );
        let x1 = m1.output_from_demand().unwrap();
        let x2 = m2.output_from_demand().unwrap();
        assert_col_close(
            &format!("x {tag}"),
            &x2,
            &Col::from_fn(x1.nrows(), |i| c * x1[i]),
            1e-13,
            0.0,
        );
        // Stressors are physical: S and M per money unit shrink by c, the
        // footprints themselves do not change.
        let s1 = m1.satellite_multipliers("env").unwrap();
        let s2 = m2.satellite_multipliers("env").unwrap();
        assert_close(
            &format!("M {tag}"),
            &s2,
            &Mat::from_fn(s1.nrows(), s1.ncols(), |i, j| s1[(i, j)] / c),
            1e-13,
            0.0,
        );
        let a1 = m1.accounts("env").unwrap();
        let a2 = m2.accounts("env").unwrap();
        assert_close(
            &format!("D_cba_reg {tag}"),
            &a2.d_cba_reg,
            &a1.d_cba_reg,
            1e-12,
            0.0,
        );
        let v1 = m1.value_added_footprint().unwrap();
        let v2 = m2.value_added_footprint().unwrap();
        assert_col_close(
            &format!("VA footprint {tag}"),
            &v2.total,
            &Col::from_fn(v1.total.nrows(), |i| c * v1.total[i]),
            1e-13,
            0.0,
        );
    }
}
