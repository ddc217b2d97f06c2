//! Mixed-precision LU: factor I − A in single precision, refine the block of
//! right-hand sides in double precision.
//!
//! LU of I − A costs (2/3) n³ flops; in f32 the SIMD lanes hold twice as
//! many numbers, so the factorisation takes about half the time (and half
//! the memory) of the f64 one. Its solutions are accurate only to about
//! κ(I − A) · u₃₂ (u₃₂ = 6·10⁻⁸), so each block of right-hand sides B is
//! refined (classical iterative refinement, Wilkinson 1963; Higham 2002,
//! ch. 12) with the residual formed in f64 from A itself:
//!
//! ```text
//!     X₀ = Û⁻¹ L̂⁻¹ P B                       (f32 factors, f64 result)
//!     Rₖ = B − (I − A) Xₖ = B − Xₖ + A Xₖ    (f64, one GEMM)
//!     Xₖ₊₁ = Xₖ + Û⁻¹ L̂⁻¹ P Rₖ               (each column of Rₖ scaled to
//!                                             unit max-norm before rounding
//!                                             to f32, so nothing underflows)
//! ```
//!
//! For the transpose, Lᵀ B, the same with (I − A)ᵀ and the transposed
//! factors. Each step shrinks the error by about κ · u₃₂ (≈ 10⁻⁶ for
//! productive tables, whose κ is modest), so one or two steps reach the
//! stated relative residual
//!
//! ```text
//!     max_c ‖b_c − (I − A) x_c‖₂ / ‖b_c‖₂  ≤  rtol   (default 1e-12)
//! ```
//!
//! the same measure as [`crate::iterative`]. When a step fails to halve the
//! worst residual (the f32 factors are too poor: κ · u₃₂ near 1) or
//! [`MAX_REFINE_STEPS`] pass, the solve is a typed
//! [`IoMathError::NotConverged`] and [`crate::solver::Solver`] redoes it with
//! the f64 LU. A zero or non-finite f32 pivot fails the factorisation the
//! same way.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::lu::partial_pivoting as pp;
use faer::perm::PermRef;
use faer::{Accum, Mat, MatRef};

use crate::error::{check_finite, check_shape, IoMathError};

/// Most refinement steps (residual + correction) per block solve.
pub const MAX_REFINE_STEPS: usize = 8;

/// What one refined block solve did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RefineStats {
    /// Correction steps after the first solve.
    pub steps: usize,
    /// Largest true relative residual over the columns at the end.
    pub residual: f64,
}

/// The f32 LU factors of I − A and A in f64 for the residuals.
#[derive(Debug, Clone)]
pub struct MixedLu {
    a: Mat<f64>,
    lu: Mat<f32>,
    fwd: Vec<usize>,
    bwd: Vec<usize>,
}

impl MixedLu {
    /// Factors I − A in f32, keeping A for the residuals. A must be square
    /// and finite; a zero or non-finite f32 pivot is
    /// [`IoMathError::NotConverged`] (so that callers fall back to f64 LU).
    pub fn factor(a: Mat<f64>) -> Result<Self, IoMathError> {
        let n = a.nrows();
        check_shape("A", (a.nrows(), a.ncols()), (n, n), "A must be square")?;
        check_finite("A", a.as_ref())?;
        let mut lu = Mat::<f32>::from_fn(n, n, |i, j| {
            let v = -a[(i, j)];
            (if i == j { 1.0 + v } else { v }) as f32
        });
        let par = faer::get_global_parallelism();
        let mut fwd = vec![0usize; n];
        let mut bwd = vec![0usize; n];
        let mut buf = MemBuffer::new(pp::factor::lu_in_place_scratch::<usize, f32>(
            n,
            n,
            par,
            Default::default(),
        ));
        pp::factor::lu_in_place(
            lu.as_mut(),
            &mut fwd,
            &mut bwd,
            par,
            MemStack::new(&mut buf),
            Default::default(),
        );
        if (0..n).any(|k| {
            let p = lu[(k, k)];
            !p.is_finite() || p == 0.0
        }) {
            return Err(IoMathError::NotConverged {
                sweeps: 0,
                residual: f64::INFINITY,
                rtol: 0.0,
            });
        }
        Ok(Self { a, lu, fwd, bwd })
    }

    /// Order n of the system.
    pub fn n(&self) -> usize {
        self.a.nrows()
    }

    /// A, the technical coefficients kept for the residuals.
    pub fn a(&self) -> MatRef<'_, f64> {
        self.a.as_ref()
    }

    /// Gives A back (for the f64 fallback, without recomputing it).
    pub fn into_a(self) -> Mat<f64> {
        self.a
    }

    /// X = (I − A)⁻¹ B, or (I − A)⁻ᵀ B when `transpose`, refined to `rtol`.
    pub fn solve(
        &self,
        b: MatRef<'_, f64>,
        transpose: bool,
        rtol: f64,
    ) -> Result<(Mat<f64>, RefineStats), IoMathError> {
        let n = self.n();
        check_shape(
            "right-hand side",
            (b.nrows(), b.ncols()),
            (n, b.ncols()),
            "one row per industry",
        )?;
        let k = b.ncols();
        let b_norm: Vec<f64> = (0..k).map(|c| norm2(b.col(c).iter())).collect();
        let mut x = Mat::<f64>::zeros(n, k);
        let mut r = b.to_owned();
        let mut prev = f64::INFINITY;
        let mut steps = 0usize;
        loop {
            // Correction from the residual (the first pass solves B itself).
            let d = self.solve_f32(r.as_ref(), transpose);
            x += &d;
            drop(d);
            // R = B − X + A X (or Aᵀ X).
            r.copy_from(b);
            r -= &x;
            let a = if transpose {
                self.a.transpose()
            } else {
                self.a.as_ref()
            };
            faer::linalg::matmul::matmul(
                r.as_mut(),
                Accum::Add,
                a,
                x.as_ref(),
                1.0,
                faer::get_global_parallelism(),
            );
            let worst = (0..k)
                .map(|c| {
                    if b_norm[c] == 0.0 {
                        0.0
                    } else {
                        norm2(r.col(c).iter()) / b_norm[c]
                    }
                })
                .fold(
                    0.0f64,
                    |m, v| if v.is_nan() { f64::INFINITY } else { m.max(v) },
                );
            if worst <= rtol {
                return Ok((
                    x,
                    RefineStats {
                        steps,
                        residual: worst,
                    },
                ));
            }
            // worst is never NaN (NaN residuals count as infinite above).
            if steps >= MAX_REFINE_STEPS || worst >= 0.5 * prev {
                return Err(IoMathError::NotConverged {
                    sweeps: steps,
                    residual: worst,
                    rtol,
                });
            }
            prev = worst;
            steps += 1;
        }
    }

    /// The f32 solve of a block, each column scaled to unit max-norm before
    /// rounding (and scaled back after), so small residuals keep their
    /// digits.
    fn solve_f32(&self, r: MatRef<'_, f64>, transpose: bool) -> Mat<f64> {
        let n = self.n();
        let k = r.ncols();
        let scale: Vec<f64> = (0..k)
            .map(|c| r.col(c).iter().fold(0.0f64, |m, v| m.max(v.abs())))
            .collect();
        let mut r32 = Mat::<f32>::from_fn(n, k, |i, c| {
            if scale[c] > 0.0 {
                (r[(i, c)] / scale[c]) as f32
            } else {
                0.0
            }
        });
        let par = faer::get_global_parallelism();
        let perm = PermRef::new_checked(&self.fwd, &self.bwd, n);
        let lu = self.lu.as_ref();
        if transpose {
            let mut buf = MemBuffer::new(
                pp::solve::solve_transpose_in_place_scratch::<usize, f32>(n, k, par),
            );
            pp::solve::solve_transpose_in_place(
                lu,
                lu,
                perm,
                r32.as_mut(),
                par,
                MemStack::new(&mut buf),
            );
        } else {
            let mut buf =
                MemBuffer::new(pp::solve::solve_in_place_scratch::<usize, f32>(n, k, par));
            pp::solve::solve_in_place(lu, lu, perm, r32.as_mut(), par, MemStack::new(&mut buf));
        }
        Mat::<f64>::from_fn(n, k, |i, c| r32[(i, c)] as f64 * scale[c])
    }
}

fn norm2<'a>(v: impl Iterator<Item = &'a f64>) -> f64 {
    // Scaled, so that tiny or huge columns neither underflow nor overflow.
    let v: Vec<f64> = v.copied().collect();
    let m = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if m == 0.0 || !m.is_finite() {
        return m;
    }
    m * v.iter().map(|x| (x / m) * (x / m)).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn productive(n: usize) -> Mat<f64> {
        Mat::<f64>::from_fn(n, n, |i, j| {
            0.5 / n as f64 * (1.0 + ((i * 7 + j * 3) % 5) as f64 / 5.0)
        })
    }

    #[test]
    fn refines_to_rtol_both_ways() {
        let n = 60;
        let a = productive(n);
        let m = MixedLu::factor(a.clone()).unwrap();
        let b = Mat::<f64>::from_fn(n, 3, |i, c| (i + c + 1) as f64);
        for t in [false, true] {
            let (x, st) = m.solve(b.as_ref(), t, 1e-13).unwrap();
            assert!(st.residual <= 1e-13 && st.steps >= 1, "{st:?}");
            let op = if t {
                a.transpose().to_owned()
            } else {
                a.clone()
            };
            let r = &b - (&x - &op * &x);
            assert!(r.norm_max() < 1e-10);
        }
    }

    #[test]
    fn zero_column_is_zero() {
        let m = MixedLu::factor(productive(10)).unwrap();
        let b = Mat::<f64>::zeros(10, 2);
        let (x, st) = m.solve(b.as_ref(), false, 1e-12).unwrap();
        assert_eq!(x.norm_max(), 0.0);
        assert_eq!(st.residual, 0.0);
    }

    #[test]
    fn singular_is_not_converged() {
        // I − A singular: A = I.
        let e = MixedLu::factor(Mat::<f64>::identity(4, 4)).unwrap_err();
        assert!(matches!(e, IoMathError::NotConverged { .. }), "{e}");
    }
}
