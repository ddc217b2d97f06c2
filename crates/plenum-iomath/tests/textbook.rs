//! Miller & Blair (2009), chapter 2, the two-sector example (section 2.3):
//! Z = [[150, 500], [200, 100]], x = [1000, 2000], f = [350, 1700].
//!
//! The book prints A exactly and L rounded to four decimals; exact values
//! follow from det(I − A) = 0.85·0.95 − 0.25·0.2 = 0.7575:
//! L = [[0.95, 0.25], [0.2, 0.85]] / 0.7575.

mod common;

use common::{assert_close, assert_col_close};
use faer::{col, mat, Col, Mat};
use plenum_iomath::backend::Backend;
use plenum_iomath::{coefficients, ghosh, linkages, multipliers, output, value_added, Leontief};

fn z() -> Mat<f64> {
    mat![[150.0, 500.0], [200.0, 100.0]]
}
fn x() -> Col<f64> {
    col![1000.0, 2000.0]
}
const DET: f64 = 0.7575;

fn backends() -> Vec<Backend> {
    Backend::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect()
}

#[test]
fn a_and_l_are_the_books() {
    let a = coefficients::technical_coefficients(z().as_ref(), x().as_ref(), &[]).unwrap();
    assert_close("A", &a, &mat![[0.15, 0.25], [0.2, 0.05]], 1e-15, 0.0);
    for b in backends() {
        let lu = Leontief::factor_with(a.as_ref(), b).unwrap();
        let l = lu.inverse().unwrap();
        let exact = mat![[0.95 / DET, 0.25 / DET], [0.2 / DET, 0.85 / DET]];
        assert_close("L exact", &l, &exact, 1e-14, 0.0);
        // As printed in the book, four decimals.
        let printed = mat![[1.2541, 0.3300], [0.2640, 1.1221]];
        assert_close("L printed", &l, &printed, 0.0, 5e-5);
    }
}

#[test]
fn x_from_f_and_the_books_new_demand() {
    let a = coefficients::technical_coefficients(z().as_ref(), x().as_ref(), &[]).unwrap();
    for b in backends() {
        let lu = Leontief::factor_with(a.as_ref(), b).unwrap();
        let xx = output::output(&lu, col![350.0, 1700.0].as_ref()).unwrap();
        assert_col_close("x", &xx, &x(), 1e-14, 0.0);
        // Section 2.3: f_new = [600, 1500] gives x_new = [1247.52, 1841.58].
        let xn = output::output(&lu, col![600.0, 1500.0].as_ref()).unwrap();
        assert_col_close(
            "x_new exact",
            &xn,
            &col![945.0 / DET, 1395.0 / DET],
            1e-14,
            0.0,
        );
        assert_col_close("x_new printed", &xn, &col![1247.52, 1841.58], 0.0, 5e-3);
    }
}

#[test]
fn multipliers_value_added_and_ghosh() {
    let a = coefficients::technical_coefficients(z().as_ref(), x().as_ref(), &[]).unwrap();
    let lu = Leontief::factor(&a).unwrap();
    // Output multipliers: column sums of L.
    let m = multipliers::output_multipliers(&lu).unwrap();
    assert_col_close(
        "output multipliers",
        &m,
        &col![1.15 / DET, 1.10 / DET],
        1e-14,
        0.0,
    );
    // Value added: x − 1'Z = [650, 1400]; v_c = [0.65, 0.7]; v_c'L = 1'.
    let v = mat![[650.0, 1400.0]];
    let vc = value_added::value_added_coefficient_totals(v.as_ref(), x().as_ref(), &[]).unwrap();
    assert_col_close("v_c", &vc, &col![0.65, 0.7], 1e-15, 0.0);
    let mv = multipliers::value_added_multipliers(&lu, vc.as_ref()).unwrap();
    assert_col_close("value-added multipliers", &mv, &col![1.0, 1.0], 1e-14, 0.0);
    // Ghosh: B = x̂⁻¹Z = [[0.15, 0.5], [0.1, 0.05]], G = [[0.95, 0.5], [0.1, 0.85]] / det.
    let bm = ghosh::allocation_coefficients(z().as_ref(), x().as_ref(), &[]).unwrap();
    assert_close("B", &bm, &mat![[0.15, 0.5], [0.1, 0.05]], 1e-15, 0.0);
    let g = ghosh::ghosh_inverse_from(&lu, x().as_ref(), &[]).unwrap();
    let g_exact = mat![[0.95 / DET, 0.5 / DET], [0.1 / DET, 0.85 / DET]];
    assert_close("G", &g, &g_exact, 1e-14, 0.0);
    // Supply-driven: x' = v'G reproduces x from the value added.
    let xs =
        ghosh::supply_driven_output(&lu, x().as_ref(), col![650.0, 1400.0].as_ref(), &[]).unwrap();
    assert_col_close("x from v'G", &xs, &x(), 1e-14, 0.0);
    // Linkages: backward = column sums of L, forward = row sums of G.
    let lk = linkages::linkages(a.as_ref(), &lu, x().as_ref(), &[]).unwrap();
    assert_col_close(
        "BL",
        &lk.backward_total,
        &col![1.15 / DET, 1.10 / DET],
        1e-14,
        0.0,
    );
    assert_col_close(
        "FL",
        &lk.forward_total,
        &col![1.45 / DET, 0.95 / DET],
        1e-14,
        0.0,
    );
    assert_col_close(
        "BL direct",
        &lk.backward_direct,
        &col![0.35, 0.30],
        1e-15,
        0.0,
    );
    assert_col_close(
        "FL direct",
        &lk.forward_direct,
        &col![0.65, 0.15],
        1e-15,
        0.0,
    );
    let mean_bl = (1.15 + 1.10) / 2.0;
    assert_col_close(
        "BL index",
        &lk.backward_index,
        &col![1.15 / mean_bl, 1.10 / mean_bl],
        1e-14,
        0.0,
    );
}
