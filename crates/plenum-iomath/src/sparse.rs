//! Compressed sparse rows (CSR) for the intermediate flows Z, and the two
//! products the iterative solves need, Z V and Zᵀ V, for a block V.
//!
//! Storage: `row_ptr` (n + 1 offsets), `col_idx` (u32, nnz) and `values`
//! (nnz), 12 bytes per stored entry against 8 per cell dense, so CSR saves
//! memory below a density of 2/3. It saves time only further down: a dense
//! product runs as a cache-blocked GEMM near the machine's peak, while the
//! sparse one gathers rows of V at random. [`SPARSE_MAX_DENSITY`] is a
//! conservative choice, not yet a measurement: at 10 % density the CSR
//! product does a tenth of the dense flops, and it runs at more than a
//! fifth of the GEMM rate as long as a panel of V stays in cache. The
//! synthetic benchmark tables (30–70 % nonzero) stay dense.
//!
//! The products work on panels of [`PANEL`] right-hand sides, copied to a
//! row-major buffer so that each stored entry updates PANEL contiguous
//! doubles; rows of the output are split between threads.

use faer::{Mat, MatMut, MatRef};
use rayon::prelude::*;

use crate::error::IoMathError;

/// Right-hand sides per panel of the sparse products.
pub const PANEL: usize = 16;

/// Below this share of nonzero cells, Z is kept in CSR for the iterative
/// solves (see the module docs: chosen, not measured).
pub const SPARSE_MAX_DENSITY: f64 = 0.10;

/// An n × n matrix in compressed sparse rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr {
    n: usize,
    row_ptr: Vec<usize>,
    col_idx: Vec<u32>,
    values: Vec<f64>,
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
        let mut row_ptr = Vec::with_capacity(n + 1);
        row_ptr.push(0);
        let mut col_idx = Vec::new();
        let mut values = Vec::new();
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
                    col_idx.push(j as u32);
                    values.push(v);
                }
            }
            row_ptr.push(col_idx.len());
        }
        if row_ptr.len() != n + 1 {
            return Err(IoMathError::Invalid {
                what: "sparse Z".into(),
                message: format!("{} rows for n = {n}", row_ptr.len() - 1),
            });
        }
        Ok(Self {
            n,
            row_ptr,
            col_idx,
            values,
        })
    }

    /// The nonzeros of a dense square matrix.
    pub fn from_dense(z: MatRef<'_, f64>) -> Result<Self, IoMathError> {
        let n = z.nrows();
        crate::error::check_shape("Z", (z.nrows(), z.ncols()), (n, n), "square")?;
        Self::from_rows(n, (0..n).map(|i| (0..n).map(move |j| (j, z[(i, j)]))))
    }

    pub fn nrows(&self) -> usize {
        self.n
    }

    /// Stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
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
            for k in self.row_ptr[i]..self.row_ptr[i + 1] {
                m[(i, self.col_idx[k] as usize)] = self.values[k];
            }
        }
        m
    }

    /// The dense diagonal block Z[r0..r0 + len, r0..r0 + len].
    pub fn block(&self, r0: usize, len: usize) -> Mat<f64> {
        let mut m = Mat::<f64>::zeros(len, len);
        for i in 0..len {
            let row = r0 + i;
            for k in self.row_ptr[row]..self.row_ptr[row + 1] {
                let j = self.col_idx[k] as usize;
                if j >= r0 && j < r0 + len {
                    m[(i, j - r0)] = self.values[k];
                }
            }
        }
        m
    }

    /// out = Z v.
    pub fn mul(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>) {
        let mut out = out;
        let n = self.n;
        for start in (0..v.ncols()).step_by(PANEL) {
            let w = PANEL.min(v.ncols() - start);
            let panel = row_major(v, start, w);
            let mut res = vec![0.0; n * w];
            res.par_chunks_mut(w).enumerate().for_each(|(i, acc)| {
                for k in self.row_ptr[i]..self.row_ptr[i + 1] {
                    let z = self.values[k];
                    let src = &panel[self.col_idx[k] as usize * w..][..w];
                    for (a, s) in acc.iter_mut().zip(src) {
                        *a += z * s;
                    }
                }
            });
            store(&res, out.as_mut(), start, w);
        }
    }

    /// out = Zᵀ v, by scattering each row of Z into the output: the rows of
    /// the output are split into bands, one per thread, each band visiting
    /// every row of Z but only its own columns (found by binary search).
    pub fn mul_transpose(&self, v: MatRef<'_, f64>, out: MatMut<'_, f64>) {
        let mut out = out;
        let n = self.n;
        let threads = rayon::current_num_threads().max(1);
        let band = n.div_ceil(threads * 4).max(1);
        for start in (0..v.ncols()).step_by(PANEL) {
            let w = PANEL.min(v.ncols() - start);
            let panel = row_major(v, start, w);
            let mut res = vec![0.0; n * w];
            res.par_chunks_mut(band * w)
                .enumerate()
                .for_each(|(b, acc)| {
                    let lo = (b * band) as u32;
                    let hi = (lo as usize + acc.len() / w) as u32;
                    for i in 0..n {
                        let cols = &self.col_idx[self.row_ptr[i]..self.row_ptr[i + 1]];
                        let vals = &self.values[self.row_ptr[i]..self.row_ptr[i + 1]];
                        let first = cols.partition_point(|&c| c < lo);
                        let src = &panel[i * w..][..w];
                        for (c, z) in cols[first..].iter().zip(&vals[first..]) {
                            if *c >= hi {
                                break;
                            }
                            let dst = &mut acc[(*c - lo) as usize * w..][..w];
                            for (d, s) in dst.iter_mut().zip(src) {
                                *d += z * s;
                            }
                        }
                    }
                });
            store(&res, out.as_mut(), start, w);
        }
    }
}

/// Columns start..start + w of v as a row-major n × w buffer.
fn row_major(v: MatRef<'_, f64>, start: usize, w: usize) -> Vec<f64> {
    let n = v.nrows();
    let mut p = vec![0.0; n * w];
    for c in 0..w {
        let col = v.col(start + c);
        for i in 0..n {
            p[i * w + c] = col[i];
        }
    }
    p
}

fn store(res: &[f64], mut out: MatMut<'_, f64>, start: usize, w: usize) {
    let n = out.nrows();
    for c in 0..w {
        let mut col = out.as_mut().col_mut(start + c);
        for i in 0..n {
            col[i] = res[i * w + c];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_match_dense() {
        let n = 37;
        let mut s = 7u64;
        let mut u = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
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

    #[test]
    fn out_of_order_rows_are_refused() {
        let e = Csr::from_rows(2, vec![vec![(1, 1.0), (0, 2.0)], vec![]]).unwrap_err();
        assert!(e.to_string().contains("out of order"), "{e}");
    }
}
