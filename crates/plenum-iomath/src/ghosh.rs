//! The Ghosh (supply-side) model: allocation coefficients B and the Ghosh
//! inverse G.
//!
//! Miller & Blair (2009), §12.1: the allocation coefficients divide each
//! *row* of Z by the output of the selling industry, and G is the "output
//! inverse":
//!
//! ```text
//!     B = x̂⁻¹ Z          b_ij = z_ij / x_i        (M&B §12.1)
//!     G = (I − B)⁻¹                               (M&B §12.1)
//!     x' = v' G                                    (supply-driven model)
//! ```
//!
//! Since B = x̂⁻¹ A x̂, we have I − B = x̂⁻¹ (I − A) x̂ and so
//!
//! ```text
//!     G = x̂⁻¹ L x̂        g_ij = l_ij x_j / x_i    (M&B §12.1.2)
//! ```
//!
//! which is how G is computed here: from L and x at n² cost, never by a
//! second inversion. pymrio 0.7.0 has the same conventions: `calc_B(Z, x)`
//! = x̂⁻¹ Z and `calc_G(B, L, x)` = x̂⁻¹ L x̂ (its `IOSystem.calc_system(
//! include_ghosh=True)` instead inverts I − B; both agree, which the golden
//! tests check). The supply-driven output x = Gᵀ v = x̂ L' x̂⁻¹ v needs one
//! transpose solve ([`supply_driven_output`]).
//!
//! Zero-output industries (absent): their rows and columns of B are 0, so in
//! (I − B)⁻¹ they are isolated with g_ii = 1. The similarity formula would
//! need 0/0 there; we define g_ii = 1 and the rest of their row and column 0,
//! consistent with (I − B)⁻¹. (pymrio's `calc_G(B, L, x)` gives g_ii = 0 on
//! such industries, its `inv(I − B)` gives 1.)

use faer::{Col, ColRef, Mat, MatRef};

use crate::coefficients::reciprocal_output;
use crate::error::{check_shape, IoMathError};
use crate::solver::LeontiefSolve;

/// B = x̂⁻¹ Z (pymrio calc_B). Rows of zero-output industries are 0.
pub fn allocation_coefficients(
    z: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    let n = x.nrows();
    check_shape(
        "Z",
        (z.nrows(), z.ncols()),
        (n, n),
        "industries × industries",
    )?;
    let r = reciprocal_output("B", x, zero_output)?;
    Ok(Mat::from_fn(n, n, |i, j| z[(i, j)] * r[i]))
}

/// B = x̂⁻¹ A x̂, the same B from technical coefficients.
pub fn allocation_from_technical(
    a: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    let n = x.nrows();
    check_shape(
        "A",
        (a.nrows(), a.ncols()),
        (n, n),
        "industries × industries",
    )?;
    let r = reciprocal_output("B", x, zero_output)?;
    Ok(Mat::from_fn(n, n, |i, j| r[i] * a[(i, j)] * x[j]))
}

/// G = x̂⁻¹ L x̂ from an explicit L, with the zero-output convention of the
/// module docs.
pub fn ghosh_inverse(
    l: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    let n = x.nrows();
    check_shape(
        "L",
        (l.nrows(), l.ncols()),
        (n, n),
        "industries × industries",
    )?;
    let r = reciprocal_output("G", x, zero_output)?;
    let mut absent = vec![false; n];
    for &j in zero_output {
        absent[j] = true;
    }
    Ok(Mat::from_fn(n, n, |i, j| {
        if absent[i] || absent[j] {
            if i == j {
                1.0
            } else {
                0.0
            }
        } else {
            r[i] * l[(i, j)] * x[j]
        }
    }))
}

/// G from the factors of I − A: forms L once (one inversion in all) and
/// scales it.
pub fn ghosh_inverse_from(
    leontief: &(impl LeontiefSolve + ?Sized),
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    let l = leontief.inverse()?;
    ghosh_inverse(l.as_ref(), x, zero_output)
}

/// Supply-driven output of the Ghosh model for primary inputs `v` (one per
/// industry): x = Gᵀ v = x̂ L' x̂⁻¹ v, by one transpose solve.
/// Zero-output industries pass their input through (g_ii = 1).
pub fn supply_driven_output(
    leontief: &(impl LeontiefSolve + ?Sized),
    x: ColRef<'_, f64>,
    v: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Col<f64>, IoMathError> {
    let n = x.nrows();
    check_shape(
        "v",
        (v.nrows(), 1),
        (n, 1),
        "one primary input per industry",
    )?;
    let r = reciprocal_output("G", x, zero_output)?;
    let w = Col::<f64>::from_fn(n, |i| v[i] * r[i]);
    let u = leontief.solve_transpose_col(w.as_ref())?;
    let mut out = Col::<f64>::from_fn(n, |j| x[j] * u[j]);
    for &j in zero_output {
        out[j] = v[j];
    }
    Ok(out)
}
