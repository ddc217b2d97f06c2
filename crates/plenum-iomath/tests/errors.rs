//! Typed errors: zero output without the absent policy, wrong shapes, bad
//! population, unknown extension; and that table-level errors name the
//! industry by its REGION/SECTOR label.

mod common;

use faer::{col, mat, Mat};
use plenum_iomath::accounts::{accounts, per_capita, AccountsRoute};
use plenum_iomath::coefficients::technical_coefficients;
use plenum_iomath::dims::{final_demand_by_region, Dims};
use plenum_iomath::{name_industries, IoMathError, IoModel, Leontief};

#[test]
fn zero_output_must_be_declared() {
    let z = mat![[0.0, 1.0], [0.0, 0.0]];
    let e = technical_coefficients(z.as_ref(), col![5.0, 0.0].as_ref(), &[]).unwrap_err();
    assert!(matches!(e, IoMathError::ZeroOutput { index: 1, .. }), "{e}");
    assert!(e.to_string().contains("TreatAsAbsent"), "{e}");
    // Declared: the column is exactly 0.
    let a = technical_coefficients(z.as_ref(), col![5.0, 0.0].as_ref(), &[1]).unwrap();
    assert_eq!(a[(0, 1)], 0.0);
    // Declaring an industry that produces is an error.
    let e = technical_coefficients(z.as_ref(), col![5.0, 3.0].as_ref(), &[1]).unwrap_err();
    assert!(
        matches!(e, IoMathError::NotZeroOutput { index: 1, .. }),
        "{e}"
    );
    let e = technical_coefficients(z.as_ref(), col![5.0, 3.0].as_ref(), &[7]).unwrap_err();
    assert!(matches!(e, IoMathError::Invalid { .. }), "{e}");
    // With labels.
    let t = common::random_table(1, 2, 3, 1, 1, 0.0, &[]);
    let named = name_industries(e_singular(), t.labels());
    assert!(named.to_string().contains("R0/s1"), "{named}");
}

fn e_singular() -> IoMathError {
    IoMathError::Singular {
        index: 1,
        label: "industry 1".into(),
        pivot: 0.0,
        ratio: 0.0,
    }
}

#[test]
fn shapes_and_inputs_are_checked() {
    let t = common::random_table(3, 2, 2, 2, 2, 0.1, &[]);
    let m = IoModel::new(&t).unwrap();
    let dims = Dims::of(t.labels());
    let y_agg = final_demand_by_region(t.y().as_ref(), dims).unwrap();
    let s = m.stressor_coefficients("env").unwrap();
    // S with the wrong number of columns.
    let bad_s = Mat::<f64>::zeros(2, 3);
    let e = accounts(
        m.leontief(),
        bad_s.as_ref(),
        y_agg.as_ref(),
        None,
        dims,
        AccountsRoute::Auto,
    )
    .unwrap_err();
    assert!(matches!(e, IoMathError::Shape { .. }), "{e}");
    // F_Y_agg with the wrong shape.
    let bad_fy = Mat::<f64>::zeros(1, 2);
    for route in [AccountsRoute::Solve, AccountsRoute::Inverse] {
        let e = accounts(
            m.leontief(),
            s.as_ref(),
            y_agg.as_ref(),
            Some(bad_fy.as_ref()),
            dims,
            route,
        )
        .unwrap_err();
        assert!(matches!(e, IoMathError::Shape { .. }), "{e}");
    }
    // Factors of another table.
    let other = Leontief::factor(&Mat::<f64>::zeros(3, 3)).unwrap();
    let e = accounts(
        &other,
        s.as_ref(),
        y_agg.as_ref(),
        None,
        dims,
        AccountsRoute::Auto,
    )
    .unwrap_err();
    assert!(matches!(e, IoMathError::Shape { .. }), "{e}");
    // Population.
    let acc = m.accounts("env").unwrap();
    assert!(per_capita(&acc, &[1.0]).is_err());
    assert!(per_capita(&acc, &[1.0, 0.0]).is_err());
    assert!(per_capita(&acc, &[1.0, f64::NAN]).is_err());
    assert!(per_capita(&acc, &[2.0, 4.0]).is_ok());
    // Unknown extension lists the valid ones.
    let e = m.accounts("emissions").unwrap_err();
    assert!(e.to_string().contains("env"), "{e}");
}
