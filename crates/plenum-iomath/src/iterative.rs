//! Iterative block solves with L = (I − A)⁻¹ and Lᵀ, without factoring.
//!
//! Every quantity of `plenum analyze` is L or Lᵀ times a block of a few
//! right-hand sides (multipliers m' = c'L, M = S L, x = L y, the Ghosh row
//! sums x̂⁻¹ L x, the footprints L Y_agg). Forming or factoring I − A costs
//! O(n³); a Krylov method needs only products with A, O(n²) each (O(nnz)
//! when A is sparse), and for a productive table converges in a few of them.
//!
//! # The operator, without A
//!
//! A = Z x̂⁻¹ is never stored: with r = x̂⁻¹ 1 (0 for absent, zero-output
//! industries, so that their columns of A are 0 as in
//! [`crate::coefficients`])
//!
//! ```text
//!     (I − A) V  = V − Z (r̂ V)          (I − A)ᵀ V = V − r̂ (Zᵀ V)
//! ```
//!
//! one dense (or sparse, [`crate::sparse::Csr`]) product of Z with the whole
//! block V per sweep, so the memory is Z plus a few n × b blocks.
//!
//! # Restarted GMRES, column by column, in lockstep
//!
//! Each column c of the block B is its own system (I − A) x_c = b_c, solved
//! by GMRES(m) (Saad & Schultz 1986) with modified Gram–Schmidt Arnoldi and
//! Givens rotations. The columns advance together so that each Arnoldi step
//! is one matrix–block product (a GEMM); a column leaves the block when its
//! residual estimate |g_{j+1}| falls below the target, or at a (lucky)
//! breakdown. At each restart the true residual b − (I − A) x is recomputed,
//! so the reported residual is measured, not estimated:
//!
//! ```text
//!     residual = max_c ‖b_c − (I − A) x_c‖₂ / ‖b_c‖₂   ≤ rtol   (default 1e-12)
//! ```
//!
//! Why GMRES and not the Neumann series x = Σ Aᵏ b: the series converges
//! at the rate of the spectral radius ρ(A) (for ρ = 0.65, 64 sweeps to
//! 1e-12), while GMRES removes the Perron eigenvalue and the other isolated
//! eigenvalues of I − A in a few steps and then converges at the rate of
//! the remaining spectrum, which for input-output tables is far inside ρ.
//! A zero right-hand side gives x = 0 with no work.
//!
//! # Block-Jacobi preconditioning
//!
//! Each region buys most of its inputs at home, so A is dominated by its
//! domestic diagonal blocks A_rr, and those give I − A its isolated
//! eigenvalues (one or more per region), each costing GMRES a step. With
//! [`IterOptions::block`] = sectors per region, GMRES runs on the right
//! preconditioned system (I − A) P⁻¹ u = b, x = P⁻¹ u, with
//! P = I − A_D = blockdiag(I − A_rr) factored once (R LUs of order S,
//! R·(2/3)S³ flops). Right preconditioning keeps the residual that GMRES
//! minimises the residual of the original system, so `rtol` means the same
//! with or without it. For the transpose, P is applied transposed.
//!
//! Failure to reach rtol within `max_sweeps` is a typed
//! [`IoMathError::NotConverged`]; [`crate::solver::Solver`] then falls back
//! to the LU factorisation.

use faer::{Accum, Mat, MatMut, MatRef};
use rayon::prelude::*;

use crate::error::IoMathError;
use crate::sparse::Csr;

/// Settings of the iterative solves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IterOptions {
    /// Target relative residual ‖b − (I − A)x‖₂ / ‖b‖₂ of every column.
    pub rtol: f64,
    /// Krylov dimension between restarts, m of GMRES(m).
    pub restart: usize,
    /// Most products with A (sweeps) before giving up.
    pub max_sweeps: usize,
    /// Most right-hand sides advanced together (bounds the memory of the
    /// Krylov basis: (restart + 1) · n · panel doubles).
    pub panel: usize,
    /// Order of the diagonal blocks of the block-Jacobi preconditioner:
    /// the sectors per region, so that each region's domestic block
    /// I − A_rr is solved exactly; 0 for none.
    pub block: usize,
    /// Right-hand sides the caller expects to solve in all, for
    /// [`crate::solver::SolverChoice::Auto`] (0: unknown).
    pub expected_rhs: usize,
    /// Peak resident bytes the process may reach when a solve that did not
    /// converge falls back to LU (dense A and its factors, formed then);
    /// over it the solve is an error instead ([`crate::memory`]). None: no
    /// bound.
    pub max_fallback_bytes: Option<f64>,
}

impl Default for IterOptions {
    fn default() -> Self {
        Self {
            rtol: 1e-12,
            restart: 30,
            max_sweeps: 300,
            panel: 256,
            block: 0,
            expected_rhs: 0,
            max_fallback_bytes: None,
        }
    }
}

/// What one block solve did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IterStats {
    /// Right-hand sides solved.
    pub columns: usize,
    /// Products of the block (or of the still unconverged part) with A,
    /// summed over panels, including the residual checks.
    pub sweeps: usize,
    /// Largest true relative residual over the columns at the end.
    pub residual: f64,
}

/// How Z is stored for the products.
#[derive(Debug, Clone)]
pub enum FlowStore<'a> {
    /// Dense Z, borrowed from the table.
    Dense(MatRef<'a, f64>),
    /// Z in compressed sparse rows.
    Sparse(Csr),
}

impl FlowStore<'_> {
    pub fn n(&self) -> usize {
        match self {
            FlowStore::Dense(z) => z.nrows(),
            FlowStore::Sparse(c) => c.nrows(),
        }
    }
}

/// The operator I − A (or its transpose) as products with Z and r = x̂⁻¹ 1.
#[derive(Debug, Clone)]
pub struct LeontiefOperator<'a> {
    z: FlowStore<'a>,
    r: Vec<f64>,
    precond: Option<BlockJacobi>,
}

/// The block-Jacobi preconditioner P = I − A_D, A_D the domestic
/// (block-diagonal) part of A: the LU factors of each I − A_rr.
#[derive(Debug, Clone)]
struct BlockJacobi {
    block: usize,
    lus: Vec<crate::leontief::Leontief>,
}

impl BlockJacobi {
    /// v ← P⁻¹ v (or P⁻ᵀ v).
    fn apply(&self, v: MatMut<'_, f64>, transpose: bool) {
        let mut v = v;
        for (r, lu) in self.lus.iter().enumerate() {
            let rows = v.as_mut().subrows_mut(r * self.block, self.block);
            // The shapes match by construction; a failure cannot occur.
            let _ = if transpose {
                lu.solve_transpose_in_place(rows)
            } else {
                lu.solve_in_place(rows)
            };
        }
    }
}

impl<'a> LeontiefOperator<'a> {
    /// `z` is n × n, `r[j]` = 1 / x_j (0 for absent industries).
    pub fn new(z: FlowStore<'a>, r: Vec<f64>) -> Result<Self, IoMathError> {
        let n = z.n();
        if r.len() != n {
            return Err(IoMathError::Shape {
                what: "reciprocal output".into(),
                got_rows: r.len(),
                got_cols: 1,
                want_rows: n,
                want_cols: 1,
                hint: "one entry per industry".into(),
            });
        }
        if let FlowStore::Dense(d) = &z {
            crate::error::check_shape("Z", (d.nrows(), d.ncols()), (n, n), "square")?;
        }
        Ok(Self {
            z,
            r,
            precond: None,
        })
    }

    /// Adds the block-Jacobi preconditioner with diagonal blocks of order
    /// `block` (the sectors per region). Skipped (None returned as false)
    /// when `block` does not divide n or a block is singular.
    pub fn with_block_jacobi(mut self, block: usize) -> Result<Self, IoMathError> {
        let n = self.n();
        if block == 0 || block >= n || !n.is_multiple_of(block) {
            return Ok(self);
        }
        let mut lus = Vec::with_capacity(n / block);
        for r0 in (0..n).step_by(block) {
            let zb = match &self.z {
                FlowStore::Dense(z) => z.submatrix(r0, r0, block, block).to_owned(),
                FlowStore::Sparse(c) => c.block(r0, block),
            };
            let a = Mat::<f64>::from_fn(block, block, |i, j| zb[(i, j)] * self.r[r0 + j]);
            match crate::leontief::Leontief::factor(&a) {
                Ok(lu) => lus.push(lu),
                Err(_) => return Ok(self),
            }
        }
        self.precond = Some(BlockJacobi { block, lus });
        Ok(self)
    }

    /// Whether the block-Jacobi preconditioner is in use.
    pub fn preconditioned(&self) -> bool {
        self.precond.is_some()
    }

    /// out = (I − A) P⁻¹ v (or (I − A)ᵀ P⁻ᵀ v): the operator GMRES sees.
    fn apply_right(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>, transpose: bool) {
        match &self.precond {
            None => self.apply(v, out, transpose),
            Some(p) => {
                let mut t = v.to_owned();
                p.apply(t.as_mut(), transpose);
                self.apply(t.as_ref(), out, transpose);
            }
        }
    }

    pub fn n(&self) -> usize {
        self.r.len()
    }

    pub fn store(&self) -> &FlowStore<'a> {
        &self.z
    }

    /// 1 / x per industry (0 for absent industries).
    pub fn reciprocal_output(&self) -> &[f64] {
        &self.r
    }

    /// out = (I − A) v, or (I − A)ᵀ v with `transpose`.
    pub fn apply(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>, transpose: bool) {
        let mut out = out;
        let par = faer::get_global_parallelism();
        if transpose {
            // out = v − r̂ (Zᵀ v)
            match &self.z {
                FlowStore::Dense(z) => {
                    faer::linalg::matmul::matmul(
                        out.as_mut(),
                        Accum::Replace,
                        z.transpose(),
                        v,
                        1.0,
                        par,
                    );
                }
                FlowStore::Sparse(c) => c.mul_transpose(v, out.as_mut()),
            }
            scale_rows_sub(v, out, &self.r);
        } else {
            // out = v − Z (r̂ v)
            let rv = Mat::<f64>::from_fn(v.nrows(), v.ncols(), |i, j| self.r[i] * v[(i, j)]);
            match &self.z {
                FlowStore::Dense(z) => {
                    faer::linalg::matmul::matmul(
                        out.as_mut(),
                        Accum::Replace,
                        *z,
                        rv.as_ref(),
                        1.0,
                        par,
                    );
                }
                FlowStore::Sparse(c) => c.mul(rv.as_ref(), out.as_mut()),
            }
            out.par_col_iter_mut().enumerate().for_each(|(j, mut col)| {
                for i in 0..col.nrows() {
                    col[i] = v[(i, j)] - col[i];
                }
            });
        }
    }

    /// Solves (I − A) X = B (or the transpose) to `opts.rtol`.
    pub fn solve(
        &self,
        b: MatRef<'_, f64>,
        transpose: bool,
        opts: &IterOptions,
    ) -> Result<(Mat<f64>, IterStats), IoMathError> {
        let n = self.n();
        if b.nrows() != n {
            return Err(IoMathError::Shape {
                what: "right-hand side".into(),
                got_rows: b.nrows(),
                got_cols: b.ncols(),
                want_rows: n,
                want_cols: b.ncols(),
                hint: "it needs one row per industry (column count is free)".into(),
            });
        }
        crate::error::check_finite("right-hand side", b)?;
        let mut x = Mat::<f64>::zeros(n, b.ncols());
        let mut stats = IterStats {
            columns: b.ncols(),
            ..IterStats::default()
        };
        let panel = opts.panel.max(1);
        let mut start = 0;
        while start < b.ncols() {
            let end = (start + panel).min(b.ncols());
            let (xp, sweeps, res) =
                gmres_block(self, b.subcols(start, end - start), transpose, opts)?;
            x.as_mut().subcols_mut(start, end - start).copy_from(&xp);
            stats.sweeps += sweeps;
            stats.residual = stats.residual.max(res);
            start = end;
        }
        Ok((x, stats))
    }
}

/// out[i, j] = v[i, j] − r[i] out[i, j].
fn scale_rows_sub(v: MatRef<'_, f64>, out: MatMut<'_, f64>, r: &[f64]) {
    out.par_col_iter_mut().enumerate().for_each(|(j, mut col)| {
        for i in 0..col.nrows() {
            col[i] = v[(i, j)] - r[i] * col[i];
        }
    });
}

fn norm(c: faer::ColRef<'_, f64>) -> f64 {
    c.norm_l2()
}

/// Restarted GMRES on one panel of right-hand sides. Returns X, the sweeps
/// and the largest true relative residual.
fn gmres_block(
    op: &LeontiefOperator<'_>,
    b: MatRef<'_, f64>,
    transpose: bool,
    opts: &IterOptions,
) -> Result<(Mat<f64>, usize, f64), IoMathError> {
    let n = b.nrows();
    let nb = b.ncols();
    let m = opts.restart.max(1);
    let bnorm: Vec<f64> = (0..nb).map(|c| norm(b.col(c))).collect();
    let mut x = Mat::<f64>::zeros(n, nb);
    let mut sweeps = 0usize;
    let mut first = true;
    loop {
        // True residual R = B − (I − A) X (X = 0 at the start: R = B).
        let mut r = b.to_owned();
        if !first {
            let mut ax = Mat::<f64>::zeros(n, nb);
            op.apply(x.as_ref(), ax.as_mut(), transpose);
            sweeps += 1;
            r -= &ax;
        }
        first = false;
        let rel: Vec<f64> = (0..nb)
            .map(|c| {
                if bnorm[c] == 0.0 {
                    0.0
                } else {
                    norm(r.col(c)) / bnorm[c]
                }
            })
            .collect();
        let worst = rel.iter().cloned().fold(0.0, f64::max);
        if !worst.is_finite() {
            return Err(IoMathError::NotConverged {
                sweeps,
                residual: worst,
                rtol: opts.rtol,
            });
        }
        let active: Vec<usize> = (0..nb).filter(|&c| rel[c] > opts.rtol).collect();
        if active.is_empty() {
            return Ok((x, sweeps, worst));
        }
        if sweeps >= opts.max_sweeps {
            return Err(IoMathError::NotConverged {
                sweeps,
                residual: worst,
                rtol: opts.rtol,
            });
        }
        let na = active.len();
        // Aim the estimate a little below the target, so that the true
        // residual at the restart check usually passes.
        let target: Vec<f64> = active.iter().map(|&c| 0.5 * opts.rtol * bnorm[c]).collect();
        let beta: Vec<f64> = active.iter().map(|&c| norm(r.col(c))).collect();
        let mut basis: Vec<Mat<f64>> = Vec::with_capacity(m + 1);
        basis.push(Mat::<f64>::from_fn(n, na, |i, a| {
            r[(i, active[a])] / beta[a]
        }));
        let mut cols: Vec<Arnoldi> = beta.iter().map(|&bt| Arnoldi::new(bt, m)).collect();
        let mut w = Mat::<f64>::zeros(n, na);
        for _ in 0..m {
            if sweeps >= opts.max_sweeps {
                break;
            }
            let j = basis.len() - 1;
            op.apply_right(basis[j].as_ref(), w.as_mut(), transpose);
            sweeps += 1;
            let basis_ref = &basis;
            let target_ref = &target;
            cols.par_iter_mut()
                .zip(w.par_col_iter_mut())
                .enumerate()
                .for_each(|(a, (st, mut wc))| {
                    if st.done {
                        wc.fill(0.0);
                        return;
                    }
                    let mut h = vec![0.0; j + 2];
                    for (i, v) in basis_ref.iter().enumerate() {
                        let vc = v.col(a);
                        let d = vc.transpose() * wc.as_ref();
                        h[i] = d;
                        for t in 0..n {
                            wc[t] -= d * vc[t];
                        }
                    }
                    let hn = wc.as_ref().norm_l2();
                    h[j + 1] = hn;
                    let est = st.push(h);
                    // NaN counts as a breakdown too: `hn > 1e-300` is false for it.
                    let breakdown = hn.partial_cmp(&1e-300) != Some(std::cmp::Ordering::Greater)
                        || !hn.is_finite();
                    if est <= target_ref[a] || breakdown {
                        st.done = true;
                        wc.fill(0.0);
                    } else {
                        let inv = 1.0 / hn;
                        for t in 0..n {
                            wc[t] *= inv;
                        }
                    }
                });
            let all_done = cols.iter().all(|c| c.done);
            let next = std::mem::replace(&mut w, Mat::<f64>::zeros(n, na));
            basis.push(next);
            if all_done {
                break;
            }
        }
        // X[:, c] += P⁻¹ V_k y_k per column.
        let ys: Vec<Vec<f64>> = cols.iter().map(|c| c.solution()).collect();
        let mut u = Mat::<f64>::zeros(n, na);
        {
            let basis_ref = &basis;
            u.par_col_iter_mut().enumerate().for_each(|(a, mut uc)| {
                for (i, yi) in ys[a].iter().enumerate() {
                    let vc = basis_ref[i].col(a);
                    for t in 0..n {
                        uc[t] += yi * vc[t];
                    }
                }
            });
        }
        drop(basis);
        if let Some(p) = &op.precond {
            p.apply(u.as_mut(), transpose);
        }
        for (a, &c) in active.iter().enumerate() {
            for t in 0..n {
                x[(t, c)] += u[(t, a)];
            }
        }
    }
}

/// The Hessenberg least-squares problem of one column's GMRES cycle,
/// reduced by Givens rotations as it grows.
struct Arnoldi {
    /// Columns of R (upper triangular after the rotations), column k has k + 1 entries.
    r: Vec<Vec<f64>>,
    cs: Vec<f64>,
    sn: Vec<f64>,
    /// Right-hand side β e₁ rotated; |g[k]| estimates the residual.
    g: Vec<f64>,
    done: bool,
}

impl Arnoldi {
    fn new(beta: f64, m: usize) -> Self {
        let mut g = Vec::with_capacity(m + 1);
        g.push(beta);
        Self {
            r: Vec::with_capacity(m),
            cs: Vec::with_capacity(m),
            sn: Vec::with_capacity(m),
            g,
            done: false,
        }
    }

    /// Adds Hessenberg column h (length j + 2); returns the new residual
    /// estimate.
    fn push(&mut self, mut h: Vec<f64>) -> f64 {
        let j = self.r.len();
        for i in 0..j {
            let (c, s) = (self.cs[i], self.sn[i]);
            let t = c * h[i] + s * h[i + 1];
            h[i + 1] = -s * h[i] + c * h[i + 1];
            h[i] = t;
        }
        let (a, b) = (h[j], h[j + 1]);
        let rho = a.hypot(b);
        let (c, s) = if rho == 0.0 {
            (1.0, 0.0)
        } else {
            (a / rho, b / rho)
        };
        h[j] = rho;
        h.truncate(j + 1);
        self.cs.push(c);
        self.sn.push(s);
        let gj = self.g[j];
        self.g[j] = c * gj;
        self.g.push(-s * gj);
        self.r.push(h);
        self.g[j + 1].abs()
    }

    /// y solving R y = g[..k] by back substitution.
    fn solution(&self) -> Vec<f64> {
        let k = self.r.len();
        let mut y = vec![0.0; k];
        for i in (0..k).rev() {
            let mut s = self.g[i];
            for (l, yl) in y.iter().enumerate().take(k).skip(i + 1) {
                s -= self.r[l][i] * yl;
            }
            let d = self.r[i][i];
            y[i] = if d != 0.0 { s / d } else { 0.0 };
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op_dense<'a>(z: &'a Mat<f64>, x: &[f64]) -> LeontiefOperator<'a> {
        let r = x.iter().map(|v| 1.0 / v).collect();
        LeontiefOperator::new(FlowStore::Dense(z.as_ref()), r).expect("operator")
    }

    #[test]
    fn miller_blair_two_sectors() {
        // M&B (2009) §2.3: Z, x; (I − A) x = y with y = (350, 1700).
        let z = faer::mat![[150.0, 500.0], [200.0, 100.0]];
        let op = op_dense(&z, &[1000.0, 2000.0]);
        let y = faer::mat![[350.0], [1700.0]];
        let (x, st) = op
            .solve(y.as_ref(), false, &IterOptions::default())
            .expect("solve");
        assert!((x[(0, 0)] - 1000.0).abs() < 1e-9, "{:?}", x);
        assert!((x[(1, 0)] - 2000.0).abs() < 1e-9);
        assert!(st.residual <= 1e-12);
        // 1'L by the transpose: column sums of L = (1.518, 0.7638...).
        let ones = faer::mat![[1.0], [1.0]];
        let (m, _) = op
            .solve(ones.as_ref(), true, &IterOptions::default())
            .expect("solve");
        let l = faer::mat![[1.25412541, 0.41254125], [0.26402640, 1.20132013]];
        assert!((m[(0, 0)] - (l[(0, 0)] + l[(1, 0)])).abs() < 1e-7);
    }

    #[test]
    fn zero_rhs_costs_nothing() {
        let z = faer::mat![[1.0, 2.0], [3.0, 4.0]];
        let op = op_dense(&z, &[10.0, 20.0]);
        let b = Mat::<f64>::zeros(2, 3);
        let (x, st) = op
            .solve(b.as_ref(), false, &IterOptions::default())
            .expect("solve");
        assert_eq!(st.sweeps, 0);
        assert!(x.col_iter().all(|c| c.norm_l2() == 0.0));
    }

    #[test]
    fn non_convergence_is_an_error() {
        // A with spectral radius 1.5: I − A nonsingular but 1 sweep allowed.
        let z = faer::mat![[0.0, 15.0], [15.0, 0.0]];
        let op = op_dense(&z, &[10.0, 10.0]);
        let b = faer::mat![[1.0], [2.0]];
        let opts = IterOptions {
            max_sweeps: 1,
            ..IterOptions::default()
        };
        let e = op.solve(b.as_ref(), false, &opts).unwrap_err();
        assert!(matches!(e, IoMathError::NotConverged { .. }), "{e}");
    }
}
