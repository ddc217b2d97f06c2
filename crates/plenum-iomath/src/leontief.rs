//! The Leontief system: factor I − A once, solve many times.
//!
//! With A the technical coefficients, the quantity model (Miller & Blair
//! 2009, §2.3) is
//!
//! ```text
//!     x = A x + y   ⇔   (I − A) x = y   ⇔   x = L y,   L = (I − A)⁻¹
//! ```
//!
//! L is the Leontief (total requirements) inverse, pymrio's `calc_L`.
//! Forming L costs about (2/3 + 4/3) n³ flops and n² memory, and most uses
//! need only L times a few vectors (x = L y) or a few vectors times L
//! (multipliers m' = s' L). [`Leontief`] therefore keeps the LU factors of
//! I − A and offers
//!
//! * [`Leontief::solve`]: X = L R = (I − A)⁻¹ R for a matrix R of right-hand
//!   sides (columns are demand vectors),
//! * [`Leontief::solve_transpose`]: X = L' R = (I − A)⁻ᵀ R, the route to row
//!   vectors times L: M = S L ⇔ M' = L' S' = (I − A)⁻ᵀ S',
//! * [`Leontief::inverse`]: L itself, only when asked,
//!
//! each solve costing 2 n² flops per right-hand side after the one
//! factorisation of (2/3) n³ flops, in the style of faer's solvers.
//!
//! Any square coefficient matrix can be factored the same way: with the
//! Ghosh allocation coefficients B, `Leontief::factor(&b)` holds I − B and
//! its inverse is the Ghosh inverse G (see [`crate::ghosh`]).

use faer::{Col, ColRef, Mat, MatMut, MatRef};

use crate::backend::{Backend, LuFactors};
use crate::error::{check_finite, check_shape, IoMathError};

/// The LU factorisation of I − A, ready for repeated solves.
#[derive(Debug, Clone)]
pub struct Leontief {
    factors: LuFactors,
    n: usize,
    pivot_ratio: f64,
}

impl Leontief {
    /// Factors I − A with the default backend ([`Backend::default`]).
    pub fn factor(a: &Mat<f64>) -> Result<Self, IoMathError> {
        Self::factor_with(a.as_ref(), Backend::default())
    }

    /// Factors I − A with the given backend. A must be square and finite.
    /// Fails with [`IoMathError::Singular`] when a pivot of the LU is zero
    /// or the smallest pivot is below machine epsilon times the largest.
    pub fn factor_with(a: MatRef<'_, f64>, backend: Backend) -> Result<Self, IoMathError> {
        backend.require()?;
        let n = a.nrows();
        check_shape("A", (a.nrows(), a.ncols()), (n, n), "A must be square")?;
        check_finite("A", a)?;
        let m = Mat::<f64>::from_fn(
            n,
            n,
            |i, j| {
                if i == j {
                    1.0 - a[(i, j)]
                } else {
                    -a[(i, j)]
                }
            },
        );
        let factors = LuFactors::factor(m, backend)?;
        let pivot_ratio = check_pivots(factors.packed())?;
        Ok(Self {
            factors,
            n,
            pivot_ratio,
        })
    }

    /// Order n of the system.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The backend that holds the factors.
    pub fn backend(&self) -> Backend {
        self.factors.backend()
    }

    /// min |u_kk| / max |u_kk| over the pivots of U: a cheap (lower-bound
    /// flavoured) indicator of conditioning; near 1 for typical tables.
    pub fn pivot_ratio(&self) -> f64 {
        self.pivot_ratio
    }

    fn check_rhs(&self, rows: usize) -> Result<(), IoMathError> {
        if rows != self.n {
            return Err(IoMathError::Shape {
                what: "right-hand side".into(),
                got_rows: rows,
                got_cols: 0,
                want_rows: self.n,
                want_cols: 0,
                hint: "it needs one row per industry (column count is free)".into(),
            });
        }
        Ok(())
    }

    /// Overwrites `rhs` with (I − A)⁻¹ rhs = L rhs.
    pub fn solve_in_place(&self, rhs: MatMut<'_, f64>) -> Result<(), IoMathError> {
        self.check_rhs(rhs.nrows())?;
        self.factors.solve_in_place(rhs, false)
    }

    /// Overwrites `rhs` with (I − A)⁻ᵀ rhs = L' rhs.
    pub fn solve_transpose_in_place(&self, rhs: MatMut<'_, f64>) -> Result<(), IoMathError> {
        self.check_rhs(rhs.nrows())?;
        self.factors.solve_in_place(rhs, true)
    }

    /// X = (I − A)⁻¹ R = L R, one column per right-hand side.
    pub fn solve(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError> {
        let mut x = rhs.to_owned();
        self.solve_in_place(x.as_mut())?;
        Ok(x)
    }

    /// X = (I − A)⁻ᵀ R = L' R.
    pub fn solve_transpose(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError> {
        let mut x = rhs.to_owned();
        self.solve_transpose_in_place(x.as_mut())?;
        Ok(x)
    }

    /// x = L y for one vector y.
    pub fn solve_col(&self, y: ColRef<'_, f64>) -> Result<Col<f64>, IoMathError> {
        let mut x = y.to_owned();
        self.solve_in_place(x.as_mat_mut())?;
        Ok(x)
    }

    /// z = L' w for one vector w (so z' = w' L).
    pub fn solve_transpose_col(&self, w: ColRef<'_, f64>) -> Result<Col<f64>, IoMathError> {
        let mut x = w.to_owned();
        self.solve_transpose_in_place(x.as_mat_mut())?;
        Ok(x)
    }

    /// The Leontief inverse L = (I − A)⁻¹, formed explicitly (about 4/3 n³
    /// flops on top of the factorisation). Prefer the solves when only
    /// products with L are needed.
    pub fn inverse(&self) -> Result<Mat<f64>, IoMathError> {
        self.factors.inverse()
    }

    /// The row permutation of the factorisation: entry i is the row of
    /// I − A that partial pivoting moved to row i. The identity for a
    /// productive A (no interchanges, see [`crate::backend`]).
    pub fn row_permutation(&self) -> Vec<usize> {
        self.factors.row_perm()
    }

    /// Rebuilds I − A from the factors, Pᵀ L U, for checking the
    /// factorisation.
    pub fn reconstruct(&self) -> Mat<f64> {
        let lu = self.factors.packed();
        let n = self.n;
        let l = Mat::<f64>::from_fn(n, n, |i, j| match i.cmp(&j) {
            std::cmp::Ordering::Greater => lu[(i, j)],
            std::cmp::Ordering::Equal => 1.0,
            std::cmp::Ordering::Less => 0.0,
        });
        let u = Mat::<f64>::from_fn(n, n, |i, j| if i <= j { lu[(i, j)] } else { 0.0 });
        let plu = &l * &u;
        let perm = self.factors.row_perm();
        let mut out = Mat::<f64>::zeros(n, n);
        for (i, &orig) in perm.iter().enumerate() {
            for j in 0..n {
                out[(orig, j)] = plu[(i, j)];
            }
        }
        out
    }
}

/// Rejects an exactly zero, non-finite or negligible pivot, naming the step.
fn check_pivots(lu: MatRef<'_, f64>) -> Result<f64, IoMathError> {
    let n = lu.nrows();
    if n == 0 {
        return Ok(1.0);
    }
    let mut max = 0.0f64;
    let mut min = f64::INFINITY;
    let mut argmin = 0;
    for k in 0..n {
        let p = lu[(k, k)];
        if !p.is_finite() || p == 0.0 {
            return Err(IoMathError::Singular {
                index: k,
                label: format!("industry {k}"),
                pivot: p,
                ratio: 0.0,
            });
        }
        max = max.max(p.abs());
        if p.abs() < min {
            min = p.abs();
            argmin = k;
        }
    }
    let ratio = min / max;
    if ratio <= f64::EPSILON {
        return Err(IoMathError::Singular {
            index: argmin,
            label: format!("industry {argmin}"),
            pivot: lu[(argmin, argmin)],
            ratio,
        });
    }
    Ok(ratio)
}
