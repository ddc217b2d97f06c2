//! Multipliers: totals (direct plus indirect) per unit of final demand.
//!
//! Row vectors times L are computed by transpose solves, never by forming L:
//!
//! ```text
//!     m' = s' L   ⇔   m = L' s   ⇔   (I − A)ᵀ m = s
//!     M  = S L    ⇔   M' = L' S' ⇔   (I − A)ᵀ M' = S'
//! ```
//!
//! * output multipliers (M&B §6.2.1, simple output multipliers):
//!   m(o)_j = Σ_i l_ij, the column sums of L, s = 1;
//! * value-added multipliers (M&B §6.2.3 "income"-type, with all value
//!   added): m(v)' = v_c' L with v_c = 1'V x̂⁻¹ the value-added coefficients;
//!   per component V_c L;
//! * satellite (stressor) multipliers, pymrio calc_M: M = S L with
//!   S = F x̂⁻¹ (stressors × industries). Column j of M is the total stressor
//!   use, in all industries worldwide, per unit of final demand for the
//!   product of industry j.
//! * pymrio calc_M_down (downstream multipliers, with Ghosh):
//!   M_down = S (Gᵀ − I), in [`downstream_multipliers`].
//!
//! All vectors indexed by industry are returned as [`faer::Col`].

use faer::{Col, ColRef, Mat, MatRef};

use crate::error::IoMathError;
use crate::solver::LeontiefSolve;

/// Output multipliers 1'L (column sums of L), by one transpose solve.
pub fn output_multipliers(
    leontief: &(impl LeontiefSolve + ?Sized),
) -> Result<Col<f64>, IoMathError> {
    let ones = Col::<f64>::from_fn(leontief.n(), |_| 1.0);
    leontief.solve_transpose_col(ones.as_ref())
}

/// Multipliers of one coefficient row vector c: m' = c' L.
pub fn row_multipliers(
    leontief: &(impl LeontiefSolve + ?Sized),
    c: ColRef<'_, f64>,
) -> Result<Col<f64>, IoMathError> {
    leontief.solve_transpose_col(c)
}

/// Value-added multipliers m(v)' = v_c' L, with `v_c` the total value-added
/// coefficient of each industry ([`crate::value_added::value_added_coefficient_totals`]).
pub fn value_added_multipliers(
    leontief: &(impl LeontiefSolve + ?Sized),
    v_c: ColRef<'_, f64>,
) -> Result<Col<f64>, IoMathError> {
    leontief.solve_transpose_col(v_c)
}

/// M = S L for stressor coefficients S (k × n), as M' = (I − A)⁻ᵀ S'.
pub fn satellite_multipliers(
    leontief: &(impl LeontiefSolve + ?Sized),
    s: MatRef<'_, f64>,
) -> Result<Mat<f64>, IoMathError> {
    if s.ncols() != leontief.n() {
        return Err(IoMathError::Shape {
            what: "S".into(),
            got_rows: s.nrows(),
            got_cols: s.ncols(),
            want_rows: s.nrows(),
            want_cols: leontief.n(),
            hint: "stressors × industries".into(),
        });
    }
    let mt = leontief.solve_transpose(s.transpose())?;
    Ok(mt.transpose().to_owned())
}

/// M_down = S (Gᵀ − I), pymrio calc_M_down: the stressors of the downstream
/// users of one unit of industry j's primary input, excluding j's own
/// direct use. Needs G (see [`crate::ghosh`]).
pub fn downstream_multipliers(
    s: MatRef<'_, f64>,
    g: MatRef<'_, f64>,
) -> Result<Mat<f64>, IoMathError> {
    let n = g.nrows();
    crate::error::check_shape("G", (g.nrows(), g.ncols()), (n, n), "square")?;
    crate::error::check_shape(
        "S",
        (s.nrows(), s.ncols()),
        (s.nrows(), n),
        "stressors × industries",
    )?;
    let mut gt_minus_i = g.transpose().to_owned();
    for i in 0..n {
        gt_minus_i[(i, i)] -= 1.0;
    }
    Ok(s * gt_minus_i)
}
