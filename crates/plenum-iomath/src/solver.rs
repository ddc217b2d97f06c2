//! One interface for products with L = (I − A)⁻¹, by LU or iteratively.
//!
//! [`LeontiefSolve`] is what the maths of this crate asks of the Leontief
//! system: X = L B ([`LeontiefSolve::solve`]), X = Lᵀ B
//! ([`LeontiefSolve::solve_transpose`]) and, only where a result truly is
//! L (or G = x̂⁻¹ L x̂), [`LeontiefSolve::inverse`]. Two implementations:
//!
//! * [`Leontief`]: the LU factors of I − A, (2/3) n³ flops once, then
//!   2 n² per right-hand side; exact to rounding.
//! * [`crate::mixed::MixedLu`] (opt-in, [`SolverChoice::MixedLu`]): the LU
//!   factors of I − A in f32, each block
//!   solve refined in f64 to [`IterOptions::rtol`] (about 0.6 of the
//!   factoring time of f64 LU); a refinement that stalls falls back to
//!   [`Leontief`].
//! * [`Solver`]: chooses per table. Below [`ITERATIVE_MIN_N`] industries, or
//!   with more than n / [`ITERATIVE_N_PER_RHS`] right-hand sides, it
//!   factors (LU is then cheaper than the sweeps of the iterative method);
//!   otherwise it
//!   runs the block GMRES of [`crate::iterative`] on Z itself (no A, no
//!   factors), to the relative residual of [`IterOptions::rtol`]. A solve
//!   that does not converge falls back to LU, and so does
//!   [`LeontiefSolve::inverse`]: forming L needs the factors. What each
//!   solve did is kept in a [`SolveLog`] for the output's manifest.
//!
//! Z is stored sparse ([`crate::sparse::Csr`]) for the sweeps when its
//! density is below [`crate::sparse::SPARSE_MAX_DENSITY`].

use std::sync::{Mutex, OnceLock};

use faer::{Col, ColRef, Mat, MatRef};

use crate::backend::Backend;
use crate::coefficients::{reciprocal_output, technical_coefficients};
use crate::error::IoMathError;
use crate::iterative::{FlowStore, IterOptions, LeontiefOperator};
use crate::leontief::Leontief;
use crate::mixed::MixedLu;
use crate::sparse::{Csr, SPARSE_MAX_DENSITY};

/// Below this many industries [`SolverChoice::Auto`] always factors: LU
/// of a 1,500-industry table takes well under a second, and below it the
/// dozens of right-hand sides of `plenum analyze` exceed n / 25 anyway
/// (see [`ITERATIVE_N_PER_RHS`], the measured bound).
pub const ITERATIVE_MIN_N: usize = 1500;

/// [`SolverChoice::Auto`] also needs n ≥ this many industries per expected
/// right-hand side ([`IterOptions::expected_rhs`]): each right-hand side
/// costs the iterative method about 2 n² flops per sweep over some 10–25
/// sweeps, against (2/3) n³ once for LU. Measured on the synthetic
/// n = 5,000 table with the 303 right-hand sides of `plenum analyze`
/// (n / rhs = 16.5): LU 4.6 s CPU, GMRES 6.7 s CPU, so LU; at n = 9,800 with
/// 150 (n / rhs = 65) GMRES wins (BENCHMARKS.md, "iterative solves").
/// Re-measured with `report`'s 202 right-hand sides at n = 5,000 (n / rhs
/// = 24.8, so Auto factors): LU 2.1 s + 0.54 s of solves and accounts,
/// GMRES 3.45 s CPU (16 sweeps).
pub const ITERATIVE_N_PER_RHS: usize = 25;

/// Whether [`SolverChoice::Auto`] iterates for n industries and `rhs`
/// expected right-hand sides (0: unknown, then n alone decides).
pub fn auto_iterates(n: usize, rhs: usize) -> bool {
    n >= ITERATIVE_MIN_N && (rhs == 0 || n >= ITERATIVE_N_PER_RHS * rhs)
}

/// Products with L and Lᵀ.
pub trait LeontiefSolve {
    /// Order n of the system.
    fn n(&self) -> usize;
    /// X = L B = (I − A)⁻¹ B.
    fn solve(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError>;
    /// X = Lᵀ B = (I − A)⁻ᵀ B.
    fn solve_transpose(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError>;
    /// L itself (needs a factorisation).
    fn inverse(&self) -> Result<Mat<f64>, IoMathError>;
    /// x = L y.
    fn solve_col(&self, y: ColRef<'_, f64>) -> Result<Col<f64>, IoMathError> {
        Ok(self.solve(y.as_mat())?.col(0).to_owned())
    }
    /// z = Lᵀ w.
    fn solve_transpose_col(&self, w: ColRef<'_, f64>) -> Result<Col<f64>, IoMathError> {
        Ok(self.solve_transpose(w.as_mat())?.col(0).to_owned())
    }
}

impl LeontiefSolve for Leontief {
    fn n(&self) -> usize {
        Leontief::n(self)
    }
    fn solve(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError> {
        Leontief::solve(self, rhs)
    }
    fn solve_transpose(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError> {
        Leontief::solve_transpose(self, rhs)
    }
    fn inverse(&self) -> Result<Mat<f64>, IoMathError> {
        Leontief::inverse(self)
    }
}

/// Which method a [`Solver`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SolverChoice {
    /// LU below [`ITERATIVE_MIN_N`] industries or with many right-hand
    /// sides per industry ([`auto_iterates`]), else iterative.
    #[default]
    Auto,
    /// Always factor I − A.
    Lu,
    /// Always iterate (with the LU fallback).
    Iterative,
    /// Factor I − A in f32 and refine every solve in f64 (with the f64 LU
    /// fallback). Opt-in, not chosen by [`SolverChoice::Auto`]: at
    /// n = 5,000 with `plenum analyze`'s 202 right-hand sides the f32
    /// factorisation saved ≈ 0.7 s CPU of 1.7–2.0 (faer's f32 LU ran 1.6×,
    /// not 2×, the f64 rate) and the refinement cost as much (one
    /// correction step per block, i.e. two f64 residual products and one
    /// more f32 solve per right-hand side): 3.63 s against 3.73 s CPU over
    /// seven alternating pairs at load ~7–9, within the noise, with 9 %
    /// less peak memory (BENCHMARKS.md, "mixed precision").
    MixedLu,
}

/// What the solves of a [`Solver`] did, for the manifest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SolveLog {
    /// `"lu"`, `"mixed-lu"` (f32 factors, f64 refinement) or `"gmres"`.
    pub method: &'static str,
    /// `"dense"` or `"csr"` (storage of Z for the sweeps; `"dense"` for LU).
    pub storage: &'static str,
    /// Share of nonzero cells of Z (computed for the iterative path).
    pub density: f64,
    /// Target relative residual of the iterative solves.
    pub rtol: f64,
    /// Block solves made.
    pub solves: usize,
    /// Right-hand sides over all solves.
    pub columns: usize,
    /// Products with A over all iterative solves.
    pub sweeps: usize,
    /// Largest true relative residual of any iterative solve.
    pub max_residual: f64,
    /// Iterative solves that did not converge and were redone by LU.
    pub fallbacks: usize,
    /// Refinement steps over all mixed-precision solves.
    pub refinements: usize,
    /// Whether the LU factors were formed (for L, a fallback or small n).
    pub factored: bool,
    /// Whether the iterative solves used the block-Jacobi preconditioner
    /// (the domestic blocks I − A_rr, [`IterOptions::block`]).
    pub preconditioned: bool,
}

enum Path<'a> {
    Lu,
    Mixed(MixedLu),
    Iterative(LeontiefOperator<'a>),
}

/// L and Lᵀ products for a table's Z and x, by the method that suits n.
pub struct Solver<'a> {
    n: usize,
    z: MatRef<'a, f64>,
    x: ColRef<'a, f64>,
    zero_output: Vec<usize>,
    path: Path<'a>,
    opts: IterOptions,
    lu: OnceLock<Result<Leontief, IoMathError>>,
    log: Mutex<SolveLog>,
}

impl std::fmt::Debug for Solver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Solver")
            .field("n", &self.n)
            .field("log", &self.log())
            .finish()
    }
}

impl<'a> Solver<'a> {
    /// A solver for A = Z x̂⁻¹, with `zero_output` the absent industries.
    /// The LU path factors at once (and so reports a singular I − A here);
    /// the iterative path only checks the inputs.
    pub fn new(
        z: MatRef<'a, f64>,
        x: ColRef<'a, f64>,
        zero_output: &[usize],
        choice: SolverChoice,
        opts: IterOptions,
    ) -> Result<Self, IoMathError> {
        let n = z.nrows();
        crate::error::check_shape("Z", (z.nrows(), z.ncols()), (n, n), "square")?;
        crate::error::check_shape("x", (x.nrows(), 1), (n, 1), "one output per industry")?;
        if !(opts.rtol > 0.0 && opts.rtol < 1.0) {
            return Err(IoMathError::Invalid {
                what: "rtol".into(),
                message: format!("{} is not in (0, 1)", opts.rtol),
            });
        }
        let iterative = match choice {
            SolverChoice::Auto => auto_iterates(n, opts.expected_rhs),
            SolverChoice::Lu | SolverChoice::MixedLu => false,
            SolverChoice::Iterative => true,
        };
        let mixed = match choice {
            SolverChoice::MixedLu => true,
            // Auto keeps the f64 LU: see [`SolverChoice::MixedLu`].
            _ => false,
        };
        let mut log = SolveLog {
            method: if iterative {
                "gmres"
            } else if mixed {
                "mixed-lu"
            } else {
                "lu"
            },
            storage: "dense",
            rtol: opts.rtol,
            ..SolveLog::default()
        };
        let path = if iterative {
            crate::error::check_finite("Z", z)?;
            let r = reciprocal_output("A", x, zero_output)?;
            let nnz: usize = (0..n)
                .map(|j| z.col(j).iter().filter(|v| **v != 0.0).count())
                .sum();
            let density = if n == 0 {
                0.0
            } else {
                nnz as f64 / (n as f64 * n as f64)
            };
            log.density = density;
            let store = if density < SPARSE_MAX_DENSITY {
                log.storage = "csr";
                FlowStore::Sparse(Csr::from_dense(z)?)
            } else {
                FlowStore::Dense(z)
            };
            let op = LeontiefOperator::new(store, r)?.with_block_jacobi(opts.block)?;
            log.preconditioned = op.preconditioned();
            Path::Iterative(op)
        } else if mixed {
            let a = technical_coefficients(z, x, zero_output)?;
            match MixedLu::factor(a) {
                Ok(m) => {
                    log.factored = true;
                    Path::Mixed(m)
                }
                // The f32 factors broke down: the f64 LU does every solve.
                Err(IoMathError::NotConverged { .. }) => {
                    log.fallbacks += 1;
                    Path::Lu
                }
                Err(e) => return Err(e),
            }
        } else {
            Path::Lu
        };
        let s = Self {
            n,
            z,
            x,
            zero_output: zero_output.to_vec(),
            path,
            opts,
            lu: OnceLock::new(),
            log: Mutex::new(log),
        };
        if matches!(s.path, Path::Lu) {
            s.factors()?;
        }
        Ok(s)
    }

    /// What the solves did so far.
    pub fn log(&self) -> SolveLog {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Whether the sweeps run (else every solve uses LU).
    pub fn is_iterative(&self) -> bool {
        matches!(self.path, Path::Iterative(_))
    }

    /// The LU factors of I − A, formed on first use.
    pub fn factors(&self) -> Result<&Leontief, IoMathError> {
        let r = self.lu.get_or_init(|| {
            let a = technical_coefficients(self.z, self.x, &self.zero_output)?;
            Leontief::factor_with(a.as_ref(), Backend::default())
        });
        if let Ok(mut l) = self.log.lock() {
            l.factored = true;
        }
        r.as_ref().map_err(|e| e.clone())
    }

    fn run(&self, rhs: MatRef<'_, f64>, transpose: bool) -> Result<Mat<f64>, IoMathError> {
        if rhs.nrows() != self.n {
            return Err(IoMathError::Shape {
                what: "right-hand side".into(),
                got_rows: rhs.nrows(),
                got_cols: rhs.ncols(),
                want_rows: self.n,
                want_cols: rhs.ncols(),
                hint: "it needs one row per industry (column count is free)".into(),
            });
        }
        let lu_solve = |s: &Self| -> Result<Mat<f64>, IoMathError> {
            let f = s.factors()?;
            if transpose {
                f.solve_transpose(rhs)
            } else {
                f.solve(rhs)
            }
        };
        let note = |cols: usize, sweeps: usize, res: f64, fallback: bool| {
            if let Ok(mut l) = self.log.lock() {
                l.solves += 1;
                l.columns += cols;
                if matches!(self.path, Path::Mixed(_)) {
                    l.refinements += sweeps;
                } else {
                    l.sweeps += sweeps;
                }
                if res.is_finite() {
                    l.max_residual = l.max_residual.max(res);
                }
                if fallback {
                    l.fallbacks += 1;
                }
            }
        };
        match &self.path {
            Path::Lu => {
                let x = lu_solve(self)?;
                note(rhs.ncols(), 0, 0.0, false);
                Ok(x)
            }
            Path::Mixed(mx) => match mx.solve(rhs, transpose, self.opts.rtol) {
                Ok((x, st)) => {
                    note(rhs.ncols(), st.steps, st.residual, false);
                    Ok(x)
                }
                Err(IoMathError::NotConverged { sweeps, .. }) => {
                    let x = lu_solve(self)?;
                    note(rhs.ncols(), sweeps, f64::NAN, true);
                    Ok(x)
                }
                Err(e) => Err(e),
            },
            Path::Iterative(op) => match op.solve(rhs, transpose, &self.opts) {
                Ok((x, st)) => {
                    note(rhs.ncols(), st.sweeps, st.residual, false);
                    Ok(x)
                }
                Err(IoMathError::NotConverged { sweeps, .. }) => {
                    let x = lu_solve(self)?;
                    note(rhs.ncols(), sweeps, f64::NAN, true);
                    Ok(x)
                }
                Err(e) => Err(e),
            },
        }
    }
}

impl LeontiefSolve for Solver<'_> {
    fn n(&self) -> usize {
        self.n
    }
    fn solve(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError> {
        self.run(rhs, false)
    }
    fn solve_transpose(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, IoMathError> {
        self.run(rhs, true)
    }
    fn inverse(&self) -> Result<Mat<f64>, IoMathError> {
        self.factors()?.inverse()
    }
}
