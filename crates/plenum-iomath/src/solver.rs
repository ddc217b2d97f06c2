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
//!
//! # A table whose Z is kept sparse
//!
//! [`Solver::for_flows`] takes Z as the table stores it
//! ([`plenum_table::Flows`]). A dense Z takes the path above, bit for bit.
//! A sparse Z is never copied dense for the sweeps: its compressed rows go
//! straight into [`crate::sparse::Csr`] (O(nnz)), its density is its nnz /
//! n², and it stays in CSR whatever its density (a dense copy is what
//! reading it sparse avoided). The paths that need A dense (LU, the mixed
//! LU, the LU fallback of a solve that did not converge, and
//! [`LeontiefSolve::inverse`]) build A = Z x̂⁻¹ from the stored entries,
//! never Z dense, and record why in [`SolveLog::densified`], which
//! `plenum analyze` writes to `solver.json`.
//!
//! [`SolverChoice::Auto`] on a sparse Z of density d iterates when
//! n ≥ [`ITERATIVE_MIN_N`] and
//!
//! ```text
//!     n ≥ ITERATIVE_N_PER_RHS · rhs · d / SPARSE_MAX_DENSITY
//! ```
//!
//! ([`auto_iterates_sparse`]): the dense rule's break-even of n / rhs = 25
//! balances (2/3) n³ of LU against the sweeps' dense products, and
//! [`crate::sparse::SPARSE_MAX_DENSITY`] is by its measurement the density
//! at which the CSR product costs what the dense one does, so a CSR sweep
//! at density d costs about d / 0.15 of a dense sweep and the break-even
//! n / rhs falls in proportion. LU would moreover need A and its factors
//! dense (16 n² bytes) beside a table that was read sparse to avoid 8 n².
//! Measured at n = 9,800 and d = 0.05 with 492 right-hand sides (BENCHMARKS.md,
//! "plenum analyze on a sparse Z"): the dense rule factors (n / rhs =
//! 19.9), 13–17 s and 2.4 GB; the sparse rule iterates, 5.4–5.7 s and
//! 0.55 GB; LU forced on the sparse table, 11.6 s and 1.6 GB.

use std::sync::{Mutex, OnceLock};

use faer::{Col, ColRef, Mat, MatRef};

use crate::backend::Backend;
use crate::coefficients::{reciprocal_output, technical_coefficients};
use crate::error::IoMathError;
use crate::iterative::{FlowStore, IterOptions, LeontiefOperator};
use crate::leontief::Leontief;
use crate::mixed::MixedLu;
use crate::sparse::{Csr, SPARSE_MAX_DENSITY};
use plenum_table::{Flows, SparseFlows};

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

/// Whether [`SolverChoice::Auto`] iterates for a Z kept sparse with the
/// given density (nnz / n²), n industries and `rhs` expected right-hand
/// sides (0: unknown): the rule of the module docs.
pub fn auto_iterates_sparse(n: usize, rhs: usize, density: f64) -> bool {
    n >= ITERATIVE_MIN_N
        && (rhs == 0
            || n as f64 * SPARSE_MAX_DENSITY >= (ITERATIVE_N_PER_RHS * rhs) as f64 * density)
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

impl SolverChoice {
    /// Whether a [`Solver`] with this choice iterates (else it factors) for
    /// n industries and `expected_rhs` right-hand sides, with the density
    /// of a Z kept sparse (`None` for a dense Z): the rule the solver
    /// applies, for callers that plan before building it (the CLI's memory
    /// bound).
    pub fn iterates(self, n: usize, expected_rhs: usize, sparse_density: Option<f64>) -> bool {
        match self {
            SolverChoice::Auto => match sparse_density {
                Some(d) => auto_iterates_sparse(n, expected_rhs, d),
                None => auto_iterates(n, expected_rhs),
            },
            SolverChoice::Lu | SolverChoice::MixedLu => false,
            SolverChoice::Iterative => true,
        }
    }

    /// [`SolverChoice::iterates`] for Z as a table stores it: what
    /// [`Solver::for_flows`] will do with `expected_rhs` right-hand sides.
    pub fn iterates_on(self, z: &Flows, expected_rhs: usize) -> bool {
        let (n, density) = match z {
            Flows::Dense(m) => (m.nrows(), None),
            Flows::Sparse(s) => (s.nrows(), sparse_density(s)),
        };
        self.iterates(n, expected_rhs, density)
    }

    /// The choice when the caller also needs the f64 factors (L, or the
    /// Ghosh G): `Auto` factors, since with the factors at hand every solve
    /// uses them; a choice the caller made stays.
    pub fn factoring_if(self, needs_factors: bool) -> Self {
        if needs_factors && self == SolverChoice::Auto {
            SolverChoice::Lu
        } else {
            self
        }
    }
}

/// Whether a relative residual asked of the iterative solves is accepted
/// by the front ends (the CLI's `--rtol`, Python's `rtol=`): positive and
/// below 1e-3 (looser targets would not give the reports' digits). NaN is
/// refused.
pub fn rtol_in_range(rtol: f64) -> bool {
    rtol > 0.0 && rtol < 1e-3
}

/// nnz / n² of a Z kept sparse (0 for an empty one).
fn sparse_density(s: &SparseFlows) -> Option<f64> {
    let n = s.nrows();
    Some(if n > 0 {
        s.nnz() as f64 / (n as f64 * n as f64)
    } else {
        0.0
    })
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
    /// How the table keeps Z: `"dense"` or `"csr"` ([`Flows::storage`]).
    pub z_storage: &'static str,
    /// For a Z kept sparse, why an n × n dense A was built from it, if it
    /// was: `"lu"` (the LU path was chosen), `"mixed-lu"`, `"lu fallback"`
    /// (an iterative or mixed solve did not converge), `"L"` (L itself
    /// was asked for) or `"lu factors"` (asked for directly). The first
    /// reason is kept: the factors, once made, serve every later use.
    pub densified: Option<&'static str>,
}

/// One value of a [`SolveLog`] entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LogValue {
    Text(&'static str),
    Number(f64),
    Count(usize),
    Flag(bool),
    /// No value (a dense A was never made from a sparse Z).
    Absent,
}

impl SolveLog {
    /// The log as named entries, in the order and with the names of the
    /// CLI's `solver.json`: the one list every front end (the CLI, Python's
    /// `Analysis.solver` and `chokepoints(...).attrs["solver"]`) renders.
    /// A table whose Z is stored sparse adds `Z_stored` and `densified`.
    pub fn entries(&self) -> Vec<(&'static str, LogValue)> {
        use LogValue::*;
        let mut e = vec![
            ("method", Text(self.method)),
            ("storage", Text(self.storage)),
            ("density_of_Z", Number(self.density)),
            ("rtol", Number(self.rtol)),
            ("block_solves", Count(self.solves)),
            ("right_hand_sides", Count(self.columns)),
            ("sweeps", Count(self.sweeps)),
            ("max_relative_residual", Number(self.max_residual)),
            ("fallbacks_to_lu", Count(self.fallbacks)),
            ("refinement_steps", Count(self.refinements)),
            ("lu_factored", Flag(self.factored)),
            ("block_jacobi_preconditioner", Flag(self.preconditioned)),
        ];
        if self.z_storage == "csr" {
            e.push(("Z_stored", Text(self.z_storage)));
            e.push(("densified", self.densified.map_or(Absent, Text)));
        }
        e
    }
}

/// Z as the solver reads it.
#[derive(Clone, Copy)]
enum ZRef<'a> {
    Dense(MatRef<'a, f64>),
    Sparse(&'a SparseFlows),
}

enum Path<'a> {
    Lu,
    Mixed(MixedLu),
    Iterative(LeontiefOperator<'a>),
}

/// L and Lᵀ products for a table's Z and x, by the method that suits n.
pub struct Solver<'a> {
    n: usize,
    z: ZRef<'a>,
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
        Self::build(ZRef::Dense(z), x, zero_output, choice, opts)
    }

    /// [`Solver::new`] for Z as the table stores it: a dense Z takes the
    /// same path (the same bits); a sparse one is never copied dense except
    /// as A where a factorisation needs it (module docs).
    pub fn for_flows(
        z: &'a Flows,
        x: ColRef<'a, f64>,
        zero_output: &[usize],
        choice: SolverChoice,
        opts: IterOptions,
    ) -> Result<Self, IoMathError> {
        let z = match z {
            Flows::Dense(m) => ZRef::Dense(m.as_ref()),
            Flows::Sparse(s) => ZRef::Sparse(s),
        };
        Self::build(z, x, zero_output, choice, opts)
    }

    fn build(
        z: ZRef<'a>,
        x: ColRef<'a, f64>,
        zero_output: &[usize],
        choice: SolverChoice,
        opts: IterOptions,
    ) -> Result<Self, IoMathError> {
        let (n, ncols) = match z {
            ZRef::Dense(m) => (m.nrows(), m.ncols()),
            ZRef::Sparse(s) => (s.nrows(), s.ncols()),
        };
        crate::error::check_shape("Z", (n, ncols), (n, n), "square")?;
        // A sparse Z knows its nonzeros; a dense one is scanned only where
        // the iterative path needs its density (as before).
        let sparse_density = match z {
            ZRef::Sparse(s) => sparse_density(s),
            ZRef::Dense(_) => None,
        };
        crate::error::check_shape("x", (x.nrows(), 1), (n, 1), "one output per industry")?;
        if !(opts.rtol > 0.0 && opts.rtol < 1.0) {
            return Err(IoMathError::Invalid {
                what: "rtol".into(),
                message: format!("{} is not in (0, 1)", opts.rtol),
            });
        }
        let iterative = choice.iterates(n, opts.expected_rhs, sparse_density);
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
            z_storage: match z {
                ZRef::Dense(_) => "dense",
                ZRef::Sparse(_) => "csr",
            },
            density: sparse_density.unwrap_or(0.0),
            ..SolveLog::default()
        };
        let path = if iterative {
            let r = reciprocal_output("A", x, zero_output)?;
            let store = match z {
                ZRef::Dense(z) => {
                    crate::error::check_finite("Z", z)?;
                    let nnz: usize = (0..n)
                        .map(|j| z.col(j).iter().filter(|v| **v != 0.0).count())
                        .sum();
                    let density = if n == 0 {
                        0.0
                    } else {
                        nnz as f64 / (n as f64 * n as f64)
                    };
                    log.density = density;
                    if density < SPARSE_MAX_DENSITY {
                        log.storage = "csr";
                        FlowStore::Sparse(Csr::from_dense(z)?)
                    } else {
                        FlowStore::Dense(z)
                    }
                }
                ZRef::Sparse(s) => {
                    check_finite_entries(s)?;
                    log.storage = "csr";
                    FlowStore::Sparse(Csr::from_flows(s)?)
                }
            };
            let op = LeontiefOperator::new(store, r)?.with_block_jacobi(opts.block)?;
            log.preconditioned = op.preconditioned();
            Path::Iterative(op)
        } else if mixed {
            let a = dense_coefficients(z, x, zero_output)?;
            if matches!(z, ZRef::Sparse(_)) {
                log.densified = Some("mixed-lu");
            }
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
            s.factors_for("lu")?;
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

    /// The LU factors of I − A, formed on first use (for a Z kept sparse,
    /// from a dense A: logged as [`SolveLog::densified`] `"lu factors"`).
    pub fn factors(&self) -> Result<&Leontief, IoMathError> {
        self.factors_for("lu factors")
    }

    /// [`Solver::factors`], with the reason a sparse Z's A is made dense.
    fn factors_for(&self, why: &'static str) -> Result<&Leontief, IoMathError> {
        let r = self.lu.get_or_init(|| {
            let a = dense_coefficients(self.z, self.x, &self.zero_output)?;
            if matches!(self.z, ZRef::Sparse(_)) {
                if let Ok(mut l) = self.log.lock() {
                    l.densified.get_or_insert(why);
                }
            }
            Leontief::factor_with(a.as_ref(), Backend::default())
        });
        if let Ok(mut l) = self.log.lock() {
            l.factored = true;
        }
        r.as_ref().map_err(|e| e.clone())
    }

    /// Whether an LU fallback fits [`IterOptions::max_fallback_bytes`]: the
    /// process now plus the dense A and its factors
    /// ([`crate::memory::lu_fallback_bytes`]); factors already formed, no
    /// bound, or no way to read the resident memory (not Linux) let it go on.
    fn fallback_fits(&self, sweeps: usize, residual: f64, rtol: f64) -> Result<(), IoMathError> {
        let (Some(max), None) = (self.opts.max_fallback_bytes, self.lu.get()) else {
            return Ok(());
        };
        let Some(now) = crate::memory::current_rss() else {
            return Ok(());
        };
        let need = now as f64 + crate::memory::lu_fallback_bytes(self.n);
        if need > max {
            return Err(IoMathError::FallbackOverMemory {
                sweeps,
                residual,
                rtol,
                need_gb: need / 1e9,
                max_gb: max / 1e9,
            });
        }
        Ok(())
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
        let lu_solve = |s: &Self, why: &'static str| -> Result<Mat<f64>, IoMathError> {
            let f = s.factors_for(why)?;
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
                let x = lu_solve(self, "lu")?;
                note(rhs.ncols(), 0, 0.0, false);
                Ok(x)
            }
            Path::Mixed(mx) => match mx.solve(rhs, transpose, self.opts.rtol) {
                Ok((x, st)) => {
                    note(rhs.ncols(), st.steps, st.residual, false);
                    Ok(x)
                }
                Err(IoMathError::NotConverged { sweeps, .. }) => {
                    let x = lu_solve(self, "lu fallback")?;
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
                Err(IoMathError::NotConverged {
                    sweeps,
                    residual,
                    rtol,
                }) => {
                    self.fallback_fits(sweeps, residual, rtol)?;
                    let x = lu_solve(self, "lu fallback")?;
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
        self.factors_for("L")?.inverse()
    }
}

/// A = Z x̂⁻¹ dense: [`technical_coefficients`] for a dense Z; for a sparse
/// one, zeros and then each stored entry z_ij · (1 / x_j), the product the
/// dense path forms for that cell, so the two A are the same bits.
fn dense_coefficients(
    z: ZRef<'_>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    match z {
        ZRef::Dense(z) => technical_coefficients(z, x, zero_output),
        ZRef::Sparse(s) => {
            let n = x.nrows();
            crate::error::check_shape(
                "Z",
                (s.nrows(), s.ncols()),
                (n, n),
                "industries × industries",
            )?;
            let recip = reciprocal_output("A", x, zero_output)?;
            let mut a = Mat::<f64>::zeros(n, n);
            for i in 0..s.rows_filled() {
                let (idx, val) = s.row(i);
                for (&j, &v) in idx.iter().zip(val) {
                    let j = j as usize;
                    a[(i, j)] = v * recip[j];
                }
            }
            Ok(a)
        }
    }
}

/// The stored entries of a sparse Z are finite (the dense path's
/// [`crate::error::check_finite`], on the stored entries only: the others
/// are zeros).
fn check_finite_entries(s: &SparseFlows) -> Result<(), IoMathError> {
    for i in 0..s.rows_filled() {
        let (idx, val) = s.row(i);
        if let Some(k) = val.iter().position(|v| !v.is_finite()) {
            return Err(IoMathError::NonFinite {
                what: "Z".into(),
                row: i,
                col: idx[k] as usize,
                value: val[k],
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sparse rule scales the dense one's n / rhs bound by d / 0.15:
    /// equal at the threshold density, looser below it.
    #[test]
    fn auto_on_a_sparse_z_iterates_where_the_dense_rule_would_factor() {
        // n = 9,800 with 500 right-hand sides: n / rhs = 19.6 < 25.
        assert!(!auto_iterates(9800, 500));
        assert!(auto_iterates_sparse(9800, 500, 0.05));
        assert!(!auto_iterates_sparse(9800, 500, SPARSE_MAX_DENSITY));
        for (n, rhs) in [(1500, 60), (5000, 202), (9800, 150), (20000, 100)] {
            assert_eq!(
                auto_iterates_sparse(n, rhs, SPARSE_MAX_DENSITY),
                auto_iterates(n, rhs),
                "n {n} rhs {rhs}"
            );
        }
        // Small tables factor whatever their density.
        assert!(!auto_iterates_sparse(1499, 1, 0.001));
        assert!(auto_iterates_sparse(1500, 0, 0.5));
    }

    /// The entries name each field once; a sparse Z adds where it is kept
    /// and whether a dense A was made (absent when it was not).
    #[test]
    fn log_entries_name_each_field_once() {
        let mut log = SolveLog {
            method: "gmres",
            z_storage: "dense",
            sweeps: 7,
            ..SolveLog::default()
        };
        let names = |l: &SolveLog| l.entries().iter().map(|e| e.0).collect::<Vec<_>>();
        let dense = names(&log);
        let mut unique = dense.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!((dense.len(), unique.len()), (12, 12));
        assert!(log.entries().contains(&("sweeps", LogValue::Count(7))));
        log.z_storage = "csr";
        let e = log.entries();
        assert_eq!(
            &e[12..],
            &[
                ("Z_stored", LogValue::Text("csr")),
                ("densified", LogValue::Absent)
            ]
        );
        log.densified = Some("lu");
        assert_eq!(log.entries()[13], ("densified", LogValue::Text("lu")));
    }
}
