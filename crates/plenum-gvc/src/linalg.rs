//! Private linear algebra on faer: the factor-once / solve-many Leontief
//! system (I − A), dense inverses of small diagonal blocks, and block
//! gathering by index lists.
//!
//! This stands in for `plenum-iomath` until that crate's factorisation is
//! committed; all callers go through [`Leontief`] so the switch is local.

use faer::linalg::solvers::{DenseSolveCore, PartialPivLu, Solve};
use faer::{Mat, MatRef};

use crate::error::GvcError;

/// LU factorisation of M = I − A, computed once. `solve` gives L·R and
/// `solve_t` gives L'·R, with L = (I − A)⁻¹ the Leontief inverse.
pub(crate) struct Leontief {
    lu: PartialPivLu<f64>,
    n: usize,
}

impl Leontief {
    pub(crate) fn new(a: MatRef<'_, f64>, what: &str) -> Result<Self, GvcError> {
        let n = a.nrows();
        let m = Mat::from_fn(
            n,
            n,
            |i, j| if i == j { 1.0 - a[(i, j)] } else { -a[(i, j)] },
        );
        let lu = m.partial_piv_lu();
        // A productive A has |det| > 0; a vanishing pivot means it is not.
        let u = lu.U();
        let mut min_piv = f64::INFINITY;
        for i in 0..n {
            min_piv = min_piv.min(u[(i, i)].abs());
        }
        if n > 0 && (min_piv.is_nan() || min_piv <= 1e-13) {
            return Err(GvcError::Singular {
                what: what.to_string(),
                pivot: min_piv,
            });
        }
        Ok(Self { lu, n })
    }

    pub(crate) fn n(&self) -> usize {
        self.n
    }

    /// L · rhs.
    pub(crate) fn solve(&self, rhs: MatRef<'_, f64>) -> Mat<f64> {
        self.lu.solve(rhs)
    }

    /// L' · rhs (rows of L as columns): for row vectors w' = b' L.
    pub(crate) fn solve_t(&self, rhs: MatRef<'_, f64>) -> Mat<f64> {
        self.lu.solve_transpose(rhs)
    }

    /// The dense Leontief inverse L (the global B of the GVC literature).
    pub(crate) fn inverse(&self) -> Mat<f64> {
        self.lu.inverse()
    }
}

/// Copy of the block `m[rows, cols]`.
pub(crate) fn gather(m: MatRef<'_, f64>, rows: &[usize], cols: &[usize]) -> Mat<f64> {
    Mat::from_fn(rows.len(), cols.len(), |i, j| m[(rows[i], cols[j])])
}

/// (I − M)⁻¹ of a small square block.
pub(crate) fn local_inverse(m: MatRef<'_, f64>, what: &str) -> Result<Mat<f64>, GvcError> {
    Ok(Leontief::new(m, what)?.inverse())
}

/// Inverse of a small square matrix (not I − M), via LU.
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
