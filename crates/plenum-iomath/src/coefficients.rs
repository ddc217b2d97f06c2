//! Coefficients: flows divided by the output of the industry that uses them.
//!
//! ```text
//!     A = Z x̂⁻¹    a_ij = z_ij / x_j     technical coefficients (M&B §2.2; pymrio calc_A)
//!     S = F x̂⁻¹    s_kj = f_kj / x_j     stressor coefficients  (pymrio calc_S)
//!     v = V x̂⁻¹    v_kj = v_kj / x_j     value-added coefficients (M&B §2.3, "v_c")
//! ```
//!
//! with x̂ = diag(x). An industry with x_j = 0 has no column to divide. The
//! table model accepts such industries only when they have no flows at all
//! and its policy treats them as absent ([`plenum_table::MrioTable::zero_output`]);
//! their coefficient columns are then *defined* as 0 here, explicitly.
//! pymrio reaches the same zeros by replacing 1/0 = inf with 0; we never
//! divide by zero. A zero x_j for an industry not listed as absent is an
//! error, as is listing an industry whose output is not zero.
//!
//! The inverse operation Z = A x̂ (pymrio calc_Z, calc_F) is
//! [`flows_from_coefficients`].

use faer::{Col, ColRef, Mat, MatRef};
use plenum_table::MrioTable;

use crate::error::{check_shape, IoMathError};

/// `flows` x̂⁻¹: column j divided by x_j, columns listed in `zero_output`
/// set to 0. `what` names the result in errors (e.g. "A").
pub fn column_coefficients(
    what: &str,
    flows: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    let n = x.nrows();
    check_shape(
        &format!("flows behind {what}"),
        (flows.nrows(), flows.ncols()),
        (flows.nrows(), n),
        "one column per industry of x",
    )?;
    let recip = reciprocal_output(what, x, zero_output)?;
    Ok(Mat::from_fn(flows.nrows(), n, |i, j| {
        flows[(i, j)] * recip[j]
    }))
}

/// 1/x_j, with 0 for listed zero-output industries; errors as in the module docs.
pub fn reciprocal_output(
    what: &str,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Vec<f64>, IoMathError> {
    let n = x.nrows();
    let mut absent = vec![false; n];
    for &j in zero_output {
        if j >= n {
            return Err(IoMathError::Invalid {
                what: "zero_output".into(),
                message: format!("industry index {j} is out of range (n = {n})"),
            });
        }
        if x[j] != 0.0 {
            return Err(IoMathError::NotZeroOutput {
                index: j,
                label: format!("industry {j}"),
                x: x[j],
            });
        }
        absent[j] = true;
    }
    (0..n)
        .map(|j| {
            let xj = x[j];
            if absent[j] {
                Ok(0.0)
            } else if xj == 0.0 || !xj.is_finite() {
                Err(IoMathError::ZeroOutput {
                    what: what.to_string(),
                    index: j,
                    label: format!("industry {j}"),
                    x: xj,
                })
            } else {
                Ok(1.0 / xj)
            }
        })
        .collect()
}

/// A = Z x̂⁻¹.
pub fn technical_coefficients(
    z: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    check_shape(
        "Z",
        (z.nrows(), z.ncols()),
        (x.nrows(), x.nrows()),
        "industries × industries",
    )?;
    column_coefficients("A", z, x, zero_output)
}

/// A of a validated table, with its zero-output industries as absent.
pub fn table_a(table: &MrioTable) -> Result<Mat<f64>, IoMathError> {
    technical_coefficients(table.z().as_ref(), table.x().as_ref(), table.zero_output())
        .map_err(|e| crate::name_industries(e, table.labels()))
}

/// S = F x̂⁻¹ (stressors × industries).
pub fn stressor_coefficients(
    f: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    column_coefficients("S", f, x, zero_output)
}

/// Z = A x̂ (or F = S x̂): column j times x_j (pymrio calc_Z, calc_F).
pub fn flows_from_coefficients(
    a: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
) -> Result<Mat<f64>, IoMathError> {
    check_shape(
        "coefficients",
        (a.nrows(), a.ncols()),
        (a.nrows(), x.nrows()),
        "one column per industry of x",
    )?;
    Ok(Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)] * x[j]))
}

/// Final-demand stressor coefficients S_Y = F_Y ŷ⁻¹ with y the column sums
/// of Y (pymrio calc_S_Y). A final-demand column with zero total gets a zero
/// coefficient column, as in pymrio (there is nothing to attribute).
pub fn final_demand_stressor_coefficients(
    f_y: MatRef<'_, f64>,
    y: MatRef<'_, f64>,
) -> Result<Mat<f64>, IoMathError> {
    check_shape(
        "F_Y",
        (f_y.nrows(), f_y.ncols()),
        (f_y.nrows(), y.ncols()),
        "one column per final-demand column of Y",
    )?;
    let tot: Col<f64> = crate::dims::col_sums(y);
    Ok(Mat::from_fn(f_y.nrows(), f_y.ncols(), |k, c| {
        if tot[c] == 0.0 {
            0.0
        } else {
            f_y[(k, c)] / tot[c]
        }
    }))
}
