//! Gross output from final demand, by solving the Leontief system.
//!
//! ```text
//!     (I − A) x = y,   y = Y·1   (M&B §2.3; pymrio calc_x_from_L: x = L y)
//! ```
//!
//! x is found by one triangular solve pair with the LU factors of I − A
//! (2 n² flops), never by forming L. Several demand vectors at once (the
//! columns of Y, or scenario shocks) are one multi-column solve:
//! X = (I − A)⁻¹ Y. The identity x = Z·1 + Y·1 of a balanced table (pymrio
//! calc_x) is [`output_from_flows`].

use faer::{Col, ColRef, Mat, MatRef};

use crate::dims::row_sums;
use crate::error::{check_shape, IoMathError};
use crate::solver::LeontiefSolve;

/// y = Y·1, total final demand per industry.
pub fn total_final_demand(y: MatRef<'_, f64>) -> Col<f64> {
    row_sums(y)
}

/// x solving (I − A) x = y.
pub fn output(
    leontief: &(impl LeontiefSolve + ?Sized),
    y: ColRef<'_, f64>,
) -> Result<Col<f64>, IoMathError> {
    leontief.solve_col(y)
}

/// X solving (I − A) X = Y, one output vector per column of Y.
pub fn output_by_column(
    leontief: &(impl LeontiefSolve + ?Sized),
    y: MatRef<'_, f64>,
) -> Result<Mat<f64>, IoMathError> {
    leontief.solve(y)
}

/// x = Z·1 + Y·1 (pymrio calc_x).
pub fn output_from_flows(z: MatRef<'_, f64>, y: MatRef<'_, f64>) -> Result<Col<f64>, IoMathError> {
    check_shape(
        "Z",
        (z.nrows(), z.ncols()),
        (z.nrows(), z.nrows()),
        "square",
    )?;
    check_shape(
        "Y",
        (y.nrows(), y.ncols()),
        (z.nrows(), y.ncols()),
        "one row per industry",
    )?;
    let zr = row_sums(z);
    let yr = row_sums(y);
    Ok(Col::from_fn(z.nrows(), |i| zr[i] + yr[i]))
}
