//! Compressed sparse rows (CSR) for the intermediate flows Z, and the two
//! products the iterative solves need, Z V and Zᵀ V, for a block V.
//!
//! Storage: Z by rows and Zᵀ by rows (Z by columns), each as `ptr` (n + 1
//! offsets), `idx` (u32, nnz) and `val` (nnz): 24 bytes per stored entry
//! against 8 per cell dense, so the pair saves memory below a density of
//! 1/3. Keeping the transpose lets Zᵀ V run the same gather kernel as Z V
//! instead of a scatter.
//!
//! Both products take the right-hand sides a panel of W columns at a time
//! (W = 8, 16, 32 or 64; [`PANEL`] by default), copied to a row-major
//! buffer, so that each stored entry z_ij adds z_ij · V[j, panel] into a
//! W-wide accumulator of row i that stays in vector registers; the kernel
//! is compiled for AVX-512 and AVX2 and chosen at run time, with the same
//! arithmetic in each (no fused multiply-add: bit-identical results).
//!
//! When to use it: a dense product runs as a cache-blocked GEMM near the
//! machine's peak, while the sparse one streams a panel row per stored
//! entry from cache. [`SPARSE_MAX_DENSITY`] is the density below which the
//! sparse products were measured faster than faer's GEMM (example
//! `sparse_bench`, BENCHMARKS.md "Sparse storage: the measured density
//! threshold").

use faer::{Mat, MatMut, MatRef};
use rayon::prelude::*;

use crate::error::IoMathError;

/// Right-hand sides per panel of the sparse products.
pub const PANEL: usize = 32;

/// Below this share of nonzero cells, Z is kept in CSR for the iterative
/// solves (measured: see the module docs). Defined beside the table's
/// storage ([`plenum_table::flows::SPARSE_MAX_DENSITY`]), where readers
/// decide how to keep Z, so that both use the one measured figure.
pub use plenum_table::flows::SPARSE_MAX_DENSITY;

/// One matrix in compressed rows.
#[derive(Debug, Clone, PartialEq, Default)]
struct Compressed {
    ptr: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f64>,
}

/// An n × n matrix in compressed sparse rows, with its transpose.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr {
    n: usize,
    /// Z by rows.
    rows: Compressed,
    /// Zᵀ by rows.
    cols: Compressed,
}

impl Csr {
    /// Builds from rows given as (column, value) pairs in increasing column
    /// order; zeros are dropped.
    pub fn from_rows<I, R>(n: usize, rows: I) -> Result<Self, IoMathError>
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator<Item = (usize, f64)>,
    {
        if n > u32::MAX as usize {
            return Err(IoMathError::Invalid {
                what: "sparse Z".into(),
                message: format!("{n} industries exceed the u32 column index"),
            });
        }
        let mut m = Compressed {
            ptr: Vec::with_capacity(n + 1),
            ..Compressed::default()
        };
        m.ptr.push(0);
        for (i, row) in rows.into_iter().enumerate() {
            let mut last = None;
            for (j, v) in row {
                if j >= n || last.is_some_and(|l| j <= l) {
                    return Err(IoMathError::Invalid {
                        what: "sparse Z".into(),
                        message: format!(
                            "row {i}: column {j} is out of range or out of order (n = {n})"
                        ),
                    });
                }
                last = Some(j);
                if v != 0.0 {
                    m.idx.push(j as u32);
                    m.val.push(v);
                }
            }
            m.ptr.push(m.idx.len());
        }
        if m.ptr.len() != n + 1 {
            return Err(IoMathError::Invalid {
                what: "sparse Z".into(),
                message: format!("{} rows for n = {n}", m.ptr.len() - 1),
            });
        }
        let cols = transpose(&m, n);
        Ok(Self { n, rows: m, cols })
    }

    /// The nonzeros of a dense square matrix.
    pub fn from_dense(z: MatRef<'_, f64>) -> Result<Self, IoMathError> {
        let n = z.nrows();
        crate::error::check_shape("Z", (z.nrows(), z.ncols()), (n, n), "square")?;
        Self::from_rows(n, (0..n).map(|i| (0..n).map(move |j| (j, z[(i, j)]))))
    }

    /// The table's sparse Z as it is stored ([`plenum_table::flows::SparseFlows`]),
    /// without a dense copy: its three arrays are copied as they are (the
    /// table's rows are already in increasing column order with no stored
    /// zero) and the transpose is built by the counting sort of
    /// [`Csr::from_rows`]. O(nnz + n) time and memory.
    pub fn from_flows(z: &plenum_table::flows::SparseFlows) -> Result<Self, IoMathError> {
        let n = z.nrows();
        crate::error::check_shape("Z", (z.nrows(), z.ncols()), (n, n), "square")?;
        if !z.is_complete() {
            return Err(IoMathError::Invalid {
                what: "sparse Z".into(),
                message: format!("{} of {n} rows filled", z.rows_filled()),
            });
        }
        if n > u32::MAX as usize {
            return Err(IoMathError::Invalid {
                what: "sparse Z".into(),
                message: format!("{n} industries exceed the u32 column index"),
            });
        }
        let rows = Compressed {
            ptr: z.ptr().to_vec(),
            idx: z.idx().to_vec(),
            val: z.val().to_vec(),
        };
        let cols = transpose(&rows, n);
        Ok(Self { n, rows, cols })
    }

    pub fn nrows(&self) -> usize {
        self.n
    }

    /// Stored entries.
    pub fn nnz(&self) -> usize {
        self.rows.val.len()
    }

    /// nnz / n².
    pub fn density(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.nnz() as f64 / (self.n as f64 * self.n as f64)
        }
    }

    /// Dense copy (for checks and the LU fallback).
    pub fn to_dense(&self) -> Mat<f64> {
        let mut m = Mat::<f64>::zeros(self.n, self.n);
        for i in 0..self.n {
            for k in self.rows.ptr[i]..self.rows.ptr[i + 1] {
                m[(i, self.rows.idx[k] as usize)] = self.rows.val[k];
            }
        }
        m
    }

    /// The dense diagonal block Z[r0..r0 + len, r0..r0 + len].
    pub fn block(&self, r0: usize, len: usize) -> Mat<f64> {
        let mut m = Mat::<f64>::zeros(len, len);
        for i in 0..len {
            let row = r0 + i;
            for k in self.rows.ptr[row]..self.rows.ptr[row + 1] {
                let j = self.rows.idx[k] as usize;
                if j >= r0 && j < r0 + len {
                    m[(i, j - r0)] = self.rows.val[k];
                }
            }
        }
        m
    }

    /// out = Z v.
    pub fn mul(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>) {
        self.mul_panel(v, out, PANEL);
    }

    /// out = Z v, `panel` right-hand sides at a time (8, 16, 32 or 64;
    /// the benchmark `sparse_bench` measures the width, [`Csr::mul`] uses
    /// [`PANEL`]).
    pub fn mul_panel(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>, panel: usize) {
        product(&self.rows, v, out, panel);
    }

    /// out = Zᵀ v, with the stored transpose (the same kernel as
    /// [`Csr::mul`]).
    pub fn mul_transpose(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>) {
        self.mul_transpose_panel(v, out, PANEL);
    }

    /// out = Zᵀ v, `panel` right-hand sides at a time.
    pub fn mul_transpose_panel(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>, panel: usize) {
        product(&self.cols, v, out, panel);
    }
}

/// out = M v for M in compressed rows, a panel of right-hand sides at a
/// time: the panel is copied row-major (padded with zero columns to a
/// supported width), each row of M accumulates its products in a W-wide
/// array the compiler keeps in vector registers, and rows are split
/// between threads.
fn product(m: &Compressed, v: MatRef<'_, f64>, mut out: MatMut<'_, f64>, panel: usize) {
    let n = v.nrows();
    let panel = width_for(panel);
    let mut start = 0;
    while start < v.ncols() {
        let w = panel.min(v.ncols() - start);
        let wk = width_for(w);
        let buf = row_major(v, start, w, wk);
        let mut res = vec![0.0; n * wk];
        res.par_chunks_mut(ROWS_PER_TASK * wk)
            .enumerate()
            .for_each(|(c, acc)| {
                let r0 = c * ROWS_PER_TASK;
                match wk {
                    8 => rows_dispatch::<8>(m, &buf, acc, r0),
                    16 => rows_dispatch::<16>(m, &buf, acc, r0),
                    32 => rows_dispatch::<32>(m, &buf, acc, r0),
                    _ => rows_dispatch::<64>(m, &buf, acc, r0),
                }
            });
        store(&res, out.as_mut(), start, w, wk);
        start += w;
    }
}

/// The transpose of an n × n matrix in compressed rows (a counting sort
/// by column; within each row of the transpose, columns ascend).
fn transpose(m: &Compressed, n: usize) -> Compressed {
    let mut ptr = vec![0usize; n + 1];
    for &j in &m.idx {
        ptr[j as usize + 1] += 1;
    }
    for j in 0..n {
        ptr[j + 1] += ptr[j];
    }
    let mut next = ptr.clone();
    let mut idx = vec![0u32; m.idx.len()];
    let mut val = vec![0.0; m.val.len()];
    for i in 0..n {
        for k in m.ptr[i]..m.ptr[i + 1] {
            let j = m.idx[k] as usize;
            idx[next[j]] = i as u32;
            val[next[j]] = m.val[k];
            next[j] += 1;
        }
    }
    Compressed { ptr, idx, val }
}

/// Rows of the output per parallel task.
const ROWS_PER_TASK: usize = 64;

/// The smallest supported panel width ≥ `w` (8, 16, 32 or 64).
fn width_for(w: usize) -> usize {
    match w {
        0..=8 => 8,
        9..=16 => 16,
        17..=32 => 32,
        _ => 64,
    }
}

/// Runs [`rows`] compiled for the widest vector unit the processor has.
/// The arithmetic is the same in every version (a multiply, then an add,
/// lane by lane, in the stored order: no fused multiply-add), so the
/// results are bit-identical whichever runs.
fn rows_dispatch<const W: usize>(m: &Compressed, buf: &[f64], acc: &mut [f64], r0: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has AVX-512F (checked just above).
            unsafe { rows_avx512::<W>(m, buf, acc, r0) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { rows_avx2::<W>(m, buf, acc, r0) };
            return;
        }
    }
    rows::<W>(m, buf, acc, r0);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn rows_avx512<const W: usize>(m: &Compressed, buf: &[f64], acc: &mut [f64], r0: usize) {
    rows::<W>(m, buf, acc, r0);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn rows_avx2<const W: usize>(m: &Compressed, buf: &[f64], acc: &mut [f64], r0: usize) {
    rows::<W>(m, buf, acc, r0);
}

/// Output rows r0.. of M · buf into `acc` (row-major, W wide).
#[inline(always)]
fn rows<const W: usize>(m: &Compressed, buf: &[f64], acc: &mut [f64], r0: usize) {
    for (k, out) in acc.chunks_exact_mut(W).enumerate() {
        let i = r0 + k;
        let (lo, hi) = (m.ptr[i], m.ptr[i + 1]);
        let mut a = [0.0f64; W];
        for (c, z) in m.idx[lo..hi].iter().zip(&m.val[lo..hi]) {
            let src = &buf[*c as usize * W..][..W];
            for l in 0..W {
                a[l] += z * src[l];
            }
        }
        out.copy_from_slice(&a);
    }
}

/// Columns start..start + w of v as a row-major n × wk buffer (columns
/// w..wk zero).
fn row_major(v: MatRef<'_, f64>, start: usize, w: usize, wk: usize) -> Vec<f64> {
    let n = v.nrows();
    let mut p = vec![0.0; n * wk];
    for c in 0..w {
        let col = v.col(start + c);
        for i in 0..n {
            p[i * wk + c] = col[i];
        }
    }
    p
}

fn store(res: &[f64], mut out: MatMut<'_, f64>, start: usize, w: usize, wk: usize) {
    let n = out.nrows();
    for c in 0..w {
        let mut col = out.as_mut().col_mut(start + c);
        for i in 0..n {
            col[i] = res[i * wk + c];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeded uniform numbers in [0, 1) (a 64-bit LCG's top 53 bits).
    fn uniform(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed;
        move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn products_match_dense() {
        let n = 37;
        let mut u = uniform(7);
        let z = Mat::<f64>::from_fn(n, n, |_, _| {
            let a = u();
            if a < 0.7 {
                0.0
            } else {
                a
            }
        });
        let v = Mat::<f64>::from_fn(n, 21, |_, _| u() - 0.5);
        let csr = Csr::from_dense(z.as_ref()).expect("csr");
        assert_eq!(csr.to_dense(), z);
        let mut got = Mat::<f64>::zeros(n, 21);
        csr.mul(v.as_ref(), got.as_mut());
        let want = &z * &v;
        assert!((&got - &want).norm_max() < 1e-12);
        csr.mul_transpose(v.as_ref(), got.as_mut());
        let want = z.transpose() * &v;
        assert!((&got - &want).norm_max() < 1e-12);
    }

    /// Every panel width, partial panels (1, 7, 33, 70 columns), both
    /// products, against the dense products; and the vector kernels give
    /// the portable kernel's bits.
    #[test]
    fn every_width_and_partial_panel_matches_dense_and_the_portable_kernel() {
        let n = 53;
        let mut u = uniform(11);
        let z = Mat::<f64>::from_fn(n, n, |_, _| {
            let a = u();
            if a < 0.6 {
                0.0
            } else {
                a - 0.3
            }
        });
        let csr = Csr::from_dense(z.as_ref()).expect("csr");
        for cols in [1, 7, 33, 70] {
            let v = Mat::<f64>::from_fn(n, cols, |_, _| u() - 0.5);
            for panel in [8, 16, 32, 64, 5] {
                let mut got = Mat::<f64>::zeros(n, cols);
                csr.mul_panel(v.as_ref(), got.as_mut(), panel);
                assert!(
                    (&got - &z * &v).norm_max() < 1e-12,
                    "Z V, {cols} cols, panel {panel}"
                );
                csr.mul_transpose_panel(v.as_ref(), got.as_mut(), panel);
                assert!(
                    (&got - z.transpose() * &v).norm_max() < 1e-12,
                    "Zᵀ V, {cols} cols, panel {panel}"
                );
            }
        }
        let buf: Vec<f64> = (0..n * 16).map(|_| u() - 0.5).collect();
        let mut portable = vec![0.0; n * 16];
        let mut dispatched = vec![0.0; n * 16];
        rows::<16>(&csr.rows, &buf, &mut portable, 0);
        rows_dispatch::<16>(&csr.rows, &buf, &mut dispatched, 0);
        let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&portable), bits(&dispatched));
    }

    #[test]
    fn the_stored_transpose_is_the_transpose() {
        let z = Mat::<f64>::from_fn(6, 6, |i, j| {
            if (i * 7 + j * 3) % 4 == 0 {
                (i + 2 * j) as f64
            } else {
                0.0
            }
        });
        let csr = Csr::from_dense(z.as_ref()).expect("csr");
        let t = Csr::from_dense(z.transpose()).expect("csr of Zᵀ");
        assert_eq!(csr.cols, t.rows);
        assert_eq!(csr.rows, t.cols);
    }

    /// From the table's sparse storage: the same arrays and transpose as
    /// through a dense copy, with and without empty rows and columns.
    #[test]
    fn from_flows_is_from_dense_of_the_dense_copy() {
        use plenum_table::flows::SparseFlows;
        let mut u = uniform(5);
        for (n, zeros) in [(1, 0.0), (9, 0.9), (40, 0.7), (31, 1.0)] {
            let z = Mat::<f64>::from_fn(n, n, |i, _| {
                let a = u();
                // Row 2 stays empty, so that a row and columns may be.
                if a < zeros || i == 2 {
                    0.0
                } else {
                    a - 0.4
                }
            });
            let flows = SparseFlows::from_dense(&z).expect("sparse flows");
            let got = Csr::from_flows(&flows).expect("csr from flows");
            let want = Csr::from_dense(flows.to_dense().as_ref()).expect("csr from dense");
            assert_eq!(got, want, "n = {n}");
        }
        let partial = SparseFlows::with_capacity(3, 3, 0).expect("empty");
        assert!(Csr::from_flows(&partial).is_err(), "rows missing");
        let wide = SparseFlows::from_dense(&Mat::<f64>::zeros(2, 3)).expect("2 x 3");
        assert!(Csr::from_flows(&wide).is_err(), "not square");
    }

    #[test]
    fn out_of_order_rows_are_refused() {
        let e = Csr::from_rows(2, vec![vec![(1, 1.0), (0, 2.0)], vec![]]).unwrap_err();
        assert!(e.to_string().contains("out of order"), "{e}");
    }
}
