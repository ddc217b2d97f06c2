//! Small linear-algebra helpers on top of `plenum-iomath`'s factor-once /
//! solve-many [`Leontief`] system: factoring I − M with errors in this
//! crate's terms, dense inverses of small blocks, and block gathering by
//! index lists.

use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, MatRef};
use plenum_iomath::{Backend, IoMathError, Leontief};

use crate::error::GvcError;

/// Turns an error of `plenum-iomath` into this crate's, saying which
/// system it came from.
pub(crate) fn io_err(what: &str, e: IoMathError) -> GvcError {
    match e {
        IoMathError::Singular { index, pivot, .. } => GvcError::Singular {
            what: format!("{what} (pivot {index})"),
            pivot,
        },
        other => GvcError::IoMath {
            what: what.to_string(),
            source: other,
        },
    }
}

/// The LU factors of I − M (M square), with the default backend.
pub(crate) fn factor(m: MatRef<'_, f64>, what: &str) -> Result<Leontief, GvcError> {
    Leontief::factor_with(m, Backend::default()).map_err(|e| io_err(what, e))
}

/// Copy of the block `m[rows, cols]`.
pub(crate) fn gather(m: MatRef<'_, f64>, rows: &[usize], cols: &[usize]) -> Mat<f64> {
    Mat::from_fn(rows.len(), cols.len(), |i, j| m[(rows[i], cols[j])])
}

/// (I − M)⁻¹ of a small square block (a local Leontief inverse L_ss).
pub(crate) fn local_inverse(m: MatRef<'_, f64>, what: &str) -> Result<Mat<f64>, GvcError> {
    factor(m, what)?.inverse().map_err(|e| io_err(what, e))
}

/// Inverse of a small square matrix that is not of the form I − M (the
/// Woodbury core and B_ss in the Borin–Mancini terms), via faer's LU.
pub(crate) fn inverse_of(m: MatRef<'_, f64>, what: &str) -> Result<Mat<f64>, GvcError> {
    let n = m.nrows();
    let lu = m.partial_piv_lu();
    let u = lu.U();
    for i in 0..n {
        if u[(i, i)].is_nan() || u[(i, i)].abs() <= 1e-300 {
            return Err(GvcError::Singular {
                what: what.to_string(),
                pivot: u[(i, i)],
            });
        }
    }
    Ok(lu.inverse())
}
