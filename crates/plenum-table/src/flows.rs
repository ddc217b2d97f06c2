//! How Z, the intermediate flows, is stored: dense, or in compressed sparse
//! rows (CSR) when most of its cells are zero.
//!
//! A dense Z costs 8 n² bytes whatever it holds: 3.1 GB at GLORIA's
//! n = 19,680. Tables whose Z is mostly zeros (a fine product split, a
//! table built from a few reported flows) need only their stored entries:
//! 12 bytes each here (a u32 column and an f64 value, plus one offset per
//! row). A reader that sees few nonzeros fills [`SparseFlows`] row by row
//! and never makes the dense n² copy (issue 15, item 2); the density below
//! which sparse storage pays is [`SPARSE_MAX_DENSITY`], measured where the
//! products with Z run (`plenum-iomath`'s `sparse` module).
//!
//! Storage changes no number: entries that are not stored are zeros, and
//! every pass that validation makes over Z (sums, scans, the bound on the
//! spectral radius) visits the stored entries in the dense pass's order,
//! so that sums over a sparse Z are the same bits as over its dense copy
//! (unit tests). Code that needs Z dense asks for [`Flows::dense`], which
//! borrows a dense Z and builds the n × n copy of a sparse one: only that
//! code pays for it.

use std::borrow::Cow;

use faer::Mat;
use rayon::prelude::*;

use crate::error::TableError;

/// Below this share of nonzero cells Z is kept sparse: measured where the
/// products with Z run (`plenum-iomath`'s `sparse` module and example
/// `sparse_bench`; BENCHMARKS.md "Sparse storage: the measured density
/// threshold": at n = 9,800 the CSR product pays up to a density of about
/// 0.15-0.2 against faer's dense GEMM). At this density the sparse storage
/// here (12 bytes per entry) is 0.23 of the dense, and with the solver's
/// own CSR pair (24 bytes per entry) 0.68.
pub const SPARSE_MAX_DENSITY: f64 = 0.15;

/// Z: dense, or compressed sparse rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Flows {
    Dense(Mat<f64>),
    Sparse(SparseFlows),
}

/// A matrix in compressed sparse rows: row i's entries are
/// `idx[ptr[i]..ptr[i + 1]]` (columns, increasing) and the same range of
/// `val`. No stored entry is zero.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseFlows {
    nrows: usize,
    ncols: usize,
    ptr: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f64>,
}

fn invalid(message: String) -> TableError {
    TableError::Sparse { message }
}

impl SparseFlows {
    /// An empty matrix of `nrows` × `ncols` to be filled by
    /// [`SparseFlows::push_row`]; `capacity` stored entries are reserved.
    pub fn with_capacity(nrows: usize, ncols: usize, capacity: usize) -> Result<Self, TableError> {
        if ncols > u32::MAX as usize {
            return Err(invalid(format!(
                "{ncols} columns exceed the u32 column index of sparse storage"
            )));
        }
        let mut ptr = Vec::with_capacity(nrows + 1);
        ptr.push(0);
        Ok(Self {
            nrows,
            ncols,
            ptr,
            idx: Vec::with_capacity(capacity),
            val: Vec::with_capacity(capacity),
        })
    }

    /// Appends the next row, given as (column, value) pairs in increasing
    /// column order; zeros are dropped.
    pub fn push_row(
        &mut self,
        entries: impl IntoIterator<Item = (usize, f64)>,
    ) -> Result<(), TableError> {
        let i = self.ptr.len() - 1;
        if i >= self.nrows {
            return Err(invalid(format!("more than {} rows", self.nrows)));
        }
        let start = self.idx.len();
        for (j, v) in entries {
            let in_order = self.idx.len() == start || j > self.idx[self.idx.len() - 1] as usize;
            if j >= self.ncols || !in_order {
                self.idx.truncate(start);
                self.val.truncate(start);
                return Err(invalid(format!(
                    "row {i}: column {j} is out of range or out of order ({} columns)",
                    self.ncols
                )));
            }
            if v != 0.0 {
                self.idx.push(j as u32);
                self.val.push(v);
            }
        }
        self.ptr.push(self.idx.len());
        Ok(())
    }

    /// Appends the next row from its dense values; zeros are dropped.
    pub fn push_dense_row(&mut self, row: &[f64]) -> Result<(), TableError> {
        if row.len() != self.ncols {
            return Err(invalid(format!(
                "a row of {} values for {} columns",
                row.len(),
                self.ncols
            )));
        }
        self.push_row(row.iter().copied().enumerate())
    }

    /// A complete matrix from its compressed rows, for a reader that builds
    /// the arrays itself (the Parquet reader sorts Z's columns into rows,
    /// without a second copy): row i's columns and values are
    /// `idx[ptr[i]..ptr[i + 1]]` and the same range of `val`. Every
    /// invariant is checked (offsets from 0 to the entries' count and
    /// never decreasing, columns increasing within a row and below
    /// `ncols`, no value zero), in one pass over the entries.
    pub fn from_parts(
        nrows: usize,
        ncols: usize,
        ptr: Vec<usize>,
        idx: Vec<u32>,
        val: Vec<f64>,
    ) -> Result<Self, TableError> {
        if ncols > u32::MAX as usize {
            return Err(invalid(format!(
                "{ncols} columns exceed the u32 column index of sparse storage"
            )));
        }
        if ptr.len() != nrows + 1
            || ptr.first() != Some(&0)
            || ptr.last() != Some(&idx.len())
            || idx.len() != val.len()
        {
            return Err(invalid(format!(
                "{} row offsets ending at {:?} for {nrows} rows, {} columns and {} values",
                ptr.len(),
                ptr.last(),
                idx.len(),
                val.len()
            )));
        }
        for (i, w) in ptr.windows(2).enumerate() {
            let row = idx
                .get(w[0]..w[1])
                .ok_or_else(|| invalid(format!("row {i}: offsets {}..{} decrease", w[0], w[1])))?;
            let in_order = row.windows(2).all(|c| c[0] < c[1]);
            if !in_order || row.last().is_some_and(|&j| j as usize >= ncols) {
                return Err(invalid(format!(
                    "row {i}: a column is out of range or out of order ({ncols} columns)"
                )));
            }
        }
        if let Some(k) = val.iter().position(|&v| v == 0.0) {
            return Err(invalid(format!("stored entry {k} is zero")));
        }
        Ok(Self {
            nrows,
            ncols,
            ptr,
            idx,
            val,
        })
    }

    /// Rows pushed so far.
    pub fn rows_filled(&self) -> usize {
        self.ptr.len() - 1
    }

    /// The stored nonzeros of a dense matrix.
    pub fn from_dense(m: &Mat<f64>) -> Result<Self, TableError> {
        let mut s = Self::with_capacity(m.nrows(), m.ncols(), 0)?;
        let mut row = vec![0.0; m.ncols()];
        for i in 0..m.nrows() {
            for (j, r) in row.iter_mut().enumerate() {
                *r = m[(i, j)];
            }
            s.push_dense_row(&row)?;
        }
        Ok(s)
    }

    pub fn nrows(&self) -> usize {
        self.nrows
    }
    pub fn ncols(&self) -> usize {
        self.ncols
    }
    /// Stored entries.
    pub fn nnz(&self) -> usize {
        self.val.len()
    }
    /// Row offsets (`nrows + 1` of them once every row is pushed).
    pub fn ptr(&self) -> &[usize] {
        &self.ptr
    }
    /// Column of each stored entry.
    pub fn idx(&self) -> &[u32] {
        &self.idx
    }
    /// Value of each stored entry.
    pub fn val(&self) -> &[f64] {
        &self.val
    }
    /// Row i's columns and values.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.ptr[i]..self.ptr[i + 1];
        (&self.idx[r.clone()], &self.val[r])
    }

    /// Where the entry (i, j) is stored, if it is.
    fn position(&self, i: usize, j: usize) -> Option<usize> {
        let start = self.ptr[i];
        self.idx[start..self.ptr[i + 1]]
            .binary_search(&(j as u32))
            .ok()
            .map(|k| start + k)
    }

    /// The entry (i, j); zero when not stored.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.position(i, j).map_or(0.0, |k| self.val[k])
    }

    /// The dense copy.
    pub fn to_dense(&self) -> Mat<f64> {
        let mut m = Mat::<f64>::zeros(self.nrows, self.ncols);
        for i in 0..self.rows_filled() {
            let (idx, val) = self.row(i);
            for (&j, &v) in idx.iter().zip(val) {
                m[(i, j as usize)] = v;
            }
        }
        m
    }

    /// True once every row is pushed.
    pub fn is_complete(&self) -> bool {
        self.rows_filled() == self.nrows
    }

    /// The transpose (a counting sort: each column's entries keep their row
    /// order), so that a pass by columns visits the entries in the order a
    /// dense column-major pass would.
    pub fn transpose(&self) -> Self {
        let mut count = vec![0usize; self.ncols + 1];
        for &j in &self.idx {
            count[j as usize + 1] += 1;
        }
        for j in 0..self.ncols {
            count[j + 1] += count[j];
        }
        let ptr = count.clone();
        let mut next = count;
        let mut idx = vec![0u32; self.nnz()];
        let mut val = vec![0.0; self.nnz()];
        for i in 0..self.rows_filled() {
            let (ri, rv) = self.row(i);
            for (&j, &v) in ri.iter().zip(rv) {
                let k = next[j as usize];
                // Rows are at most the u32 columns' count of the transpose
                // only when nrows fits; a table's Z is square, so it does.
                idx[k] = i as u32;
                val[k] = v;
                next[j as usize] += 1;
            }
        }
        Self {
            nrows: self.ncols,
            ncols: self.nrows,
            ptr,
            idx,
            val,
        }
    }
}

/// Reads the entry (i, j) as `z[(i, j)]`; an entry a sparse Z does not
/// store is zero.
impl std::ops::Index<(usize, usize)> for Flows {
    type Output = f64;
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        const ZERO: f64 = 0.0;
        match self {
            Flows::Dense(m) => &m[(i, j)],
            Flows::Sparse(s) => s.position(i, j).map_or(&ZERO, |k| &s.val[k]),
        }
    }
}

impl From<Mat<f64>> for Flows {
    fn from(m: Mat<f64>) -> Self {
        Flows::Dense(m)
    }
}

impl From<SparseFlows> for Flows {
    fn from(s: SparseFlows) -> Self {
        Flows::Sparse(s)
    }
}

impl Flows {
    pub fn nrows(&self) -> usize {
        match self {
            Flows::Dense(m) => m.nrows(),
            Flows::Sparse(s) => s.nrows,
        }
    }
    pub fn ncols(&self) -> usize {
        match self {
            Flows::Dense(m) => m.ncols(),
            Flows::Sparse(s) => s.ncols,
        }
    }

    /// Calls `f(i, j, z_ij)` for every cell of a dense Z (j outer, i
    /// inner, as the dense passes run) or every stored entry of a sparse
    /// one (rows in order): for each i the j come in ascending order, and
    /// for each j the i, so sums over either index keep the dense passes'
    /// order (the zeros a sparse Z does not store add nothing).
    pub fn for_each_entry(&self, mut f: impl FnMut(usize, usize, f64)) {
        match self {
            Flows::Dense(m) => {
                for j in 0..m.ncols() {
                    for i in 0..m.nrows() {
                        f(i, j, m[(i, j)]);
                    }
                }
            }
            Flows::Sparse(s) => {
                for i in 0..s.rows_filled() {
                    let (idx, val) = s.row(i);
                    for (&j, &v) in idx.iter().zip(val) {
                        f(i, j as usize, v);
                    }
                }
            }
        }
    }

    /// `"dense"` or `"csr"`, as manifests name the storage.
    pub fn storage(&self) -> &'static str {
        match self {
            Flows::Dense(_) => "dense",
            Flows::Sparse(_) => "csr",
        }
    }

    /// Nonzero entries (every cell of a dense Z that is not zero).
    pub fn nnz(&self) -> usize {
        match self {
            Flows::Dense(m) => (0..m.ncols())
                .map(|j| m.col(j).iter().filter(|v| **v != 0.0).count())
                .sum(),
            Flows::Sparse(s) => s.nnz(),
        }
    }

    /// Bytes held by the storage (the dense matrix, or the three arrays).
    pub fn bytes(&self) -> usize {
        match self {
            Flows::Dense(m) => m.nrows() * m.ncols() * 8,
            Flows::Sparse(s) => s.ptr.len() * 8 + s.idx.len() * 4 + s.val.len() * 8,
        }
    }

    /// Z dense: borrowed when stored dense, an n × n copy when sparse.
    pub fn dense(&self) -> Cow<'_, Mat<f64>> {
        match self {
            Flows::Dense(m) => Cow::Borrowed(m),
            Flows::Sparse(s) => Cow::Owned(s.to_dense()),
        }
    }

    /// Z dense for editing: a sparse Z is replaced by its dense copy first.
    pub fn make_dense(&mut self) -> &mut Mat<f64> {
        if let Flows::Sparse(s) = self {
            *self = Flows::Dense(s.to_dense());
        }
        match self {
            Flows::Dense(m) => m,
            Flows::Sparse(_) => unreachable!("replaced by its dense copy just above"),
        }
    }

    /// The dense matrix when stored dense.
    pub fn as_dense(&self) -> Option<&Mat<f64>> {
        match self {
            Flows::Dense(m) => Some(m),
            Flows::Sparse(_) => None,
        }
    }

    /// Multiplies every entry by `factor` (a sparse Z keeps its pattern;
    /// a factor of zero leaves stored zeros, which every pass treats as the
    /// zeros they are).
    pub fn scale(&mut self, factor: f64) {
        match self {
            Flows::Dense(m) => *m *= faer::Scale(factor),
            Flows::Sparse(s) => s.val.iter_mut().for_each(|v| *v *= factor),
        }
    }

    /// The largest |z_ij| over row i and over column i (validation's check
    /// that a zero-output industry has no flows).
    pub fn row_max_abs(&self, i: usize) -> f64 {
        match self {
            Flows::Dense(m) => (0..m.ncols()).fold(0.0f64, |a, k| a.max(m[(i, k)].abs())),
            Flows::Sparse(s) => s.row(i).1.iter().fold(0.0f64, |a, v| a.max(v.abs())),
        }
    }

    /// Σ_i |z_ij| per column j, in row order (a dense column's sum with its
    /// zeros, as validation's bound on ρ(|A|) takes it).
    pub fn col_abs_sums(&self) -> Vec<f64> {
        match self {
            Flows::Dense(m) => (0..m.ncols())
                .map(|j| m.col(j).iter().map(|v| v.abs()).sum::<f64>())
                .collect(),
            Flows::Sparse(s) => {
                // Rows in order, so each column's additions come in row
                // order; starting from 0.0 (not the -0.0 that an empty
                // `Iterator::sum` gives) matches a dense column of zeros.
                let mut out = vec![0.0; s.ncols];
                for i in 0..s.rows_filled() {
                    let (idx, val) = s.row(i);
                    for (&j, &v) in idx.iter().zip(val) {
                        out[j as usize] += v.abs();
                    }
                }
                if s.nrows == 0 {
                    out.iter_mut().for_each(|o| *o = -0.0);
                }
                out
            }
        }
    }

    /// The largest |z_ki| over k, per column i.
    pub fn col_max_abs(&self) -> Vec<f64> {
        match self {
            Flows::Dense(m) => (0..m.ncols())
                .map(|j| m.col(j).iter().fold(0.0f64, |a, v| a.max(v.abs())))
                .collect(),
            Flows::Sparse(s) => {
                let mut out = vec![0.0f64; s.ncols];
                for i in 0..s.rows_filled() {
                    let (idx, val) = s.row(i);
                    for (&j, &v) in idx.iter().zip(val) {
                        let o = &mut out[j as usize];
                        *o = o.max(v.abs());
                    }
                }
                out
            }
        }
    }

    /// The negative entries: how many, and the most negative with its
    /// position, the first in column-major order among equals.
    pub fn negatives(&self) -> (usize, Option<(usize, usize, f64)>) {
        let mut count = 0usize;
        let mut largest: Option<(usize, usize, f64)> = None;
        let mut see = |i: usize, j: usize, v: f64| {
            if v < 0.0 {
                count += 1;
                let better = match largest {
                    None => true,
                    Some((li, lj, w)) => v < w || (v == w && (j, i) < (lj, li)),
                };
                if better {
                    largest = Some((i, j, v));
                }
            }
        };
        self.for_each_entry(&mut see);
        (count, largest)
    }

    /// w = |Z| u (validation's power iteration on |A|). Each row's terms
    /// are added in column order from 0.0, for a dense Z and a sparse one
    /// alike, so both give the same bits; rows in fixed blocks on the
    /// thread pool (the bits do not depend on the threads).
    pub fn abs_mul(&self, u: &[f64]) -> Vec<f64> {
        const ROWS: usize = 256;
        let mut w = vec![0.0; self.nrows()];
        match self {
            Flows::Dense(m) => w.par_chunks_mut(ROWS).enumerate().for_each(|(b, o)| {
                let r0 = b * ROWS;
                for (j, &uj) in u.iter().enumerate().take(m.ncols()) {
                    let col = m.col(j).subrows(r0, o.len());
                    for (wi, z) in o.iter_mut().zip(col.iter()) {
                        *wi += z.abs() * uj;
                    }
                }
            }),
            Flows::Sparse(s) => w.par_chunks_mut(ROWS).enumerate().for_each(|(b, o)| {
                for (k, wi) in o.iter_mut().enumerate() {
                    let (idx, val) = s.row(b * ROWS + k);
                    *wi = idx
                        .iter()
                        .zip(val)
                        .fold(0.0, |a, (&j, &v)| a + v.abs() * u[j as usize]);
                }
            }),
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(n: usize, seed: u64, zeros: f64) -> Mat<f64> {
        // A small deterministic generator: no dependency for a unit test.
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        Mat::from_fn(n, n, |_, _| {
            let u = next();
            if u < zeros {
                0.0
            } else {
                (next() - 0.2) * 100.0
            }
        })
    }

    #[test]
    fn sparse_and_dense_agree_bit_for_bit() {
        for (n, seed, zeros) in [(1, 1, 0.5), (7, 2, 0.0), (30, 3, 0.8), (50, 4, 0.95)] {
            let m = sample(n, seed, zeros);
            let s = SparseFlows::from_dense(&m).unwrap();
            assert_eq!(s.to_dense(), m);
            assert_eq!(s.transpose().to_dense(), m.transpose().to_owned());
            assert_eq!(s.transpose().transpose(), s);
            let (d, sp) = (Flows::Dense(m.clone()), Flows::Sparse(s));
            assert_eq!(d.nnz(), sp.nnz());
            assert_eq!(d.negatives(), sp.negatives());
            let bits = |v: Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(d.col_abs_sums()), bits(sp.col_abs_sums()));
            assert_eq!(bits(d.col_max_abs()), bits(sp.col_max_abs()));
            let u: Vec<f64> = (0..n).map(|k| 1.0 / (k + 1) as f64).collect();
            // |Z| u: dense adds column by column, sparse row by row; both
            // add each row's terms in column order from 0.0.
            assert_eq!(bits(d.abs_mul(&u)), bits(sp.abs_mul(&u)));
            for i in 0..n {
                assert_eq!(d.row_max_abs(i).to_bits(), sp.row_max_abs(i).to_bits());
                for j in 0..n {
                    assert_eq!(d[(i, j)].to_bits(), sp[(i, j)].to_bits());
                }
            }
        }
    }

    #[test]
    fn bad_rows_are_errors_not_panics() {
        let mut s = SparseFlows::with_capacity(2, 3, 4).unwrap();
        let e = s.push_row([(1, 1.0), (1, 2.0)]).unwrap_err();
        assert!(e.to_string().contains("out of order"), "{e}");
        assert_eq!(s.nnz(), 0, "a refused row leaves nothing behind");
        let e = s.push_row([(3, 1.0)]).unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
        s.push_row([(0, 1.0), (2, 0.0)]).unwrap();
        s.push_dense_row(&[0.0, 5.0, 0.0]).unwrap();
        assert_eq!(s.nnz(), 2);
        assert!(s.is_complete());
        assert!(s.push_row([(0, 1.0)]).is_err());
        assert!(s.push_dense_row(&[1.0]).is_err());
    }

    #[test]
    fn parts_are_checked() {
        let m = sample(20, 5, 0.7);
        let s = SparseFlows::from_dense(&m).unwrap();
        let parts = || (s.ptr().to_vec(), s.idx().to_vec(), s.val().to_vec());
        let (p, i, v) = parts();
        assert_eq!(SparseFlows::from_parts(20, 20, p, i, v).unwrap(), s);
        type Spoil<'a> = &'a dyn Fn(&mut Vec<usize>, &mut Vec<u32>, &mut Vec<f64>);
        let bad = |f: Spoil| {
            let (mut p, mut i, mut v) = parts();
            f(&mut p, &mut i, &mut v);
            SparseFlows::from_parts(20, 20, p, i, v).unwrap_err()
        };
        bad(&|p, _, _| {
            p.pop();
        });
        bad(&|p, _, _| p[0] = 1);
        bad(&|_, _, v| {
            v.pop();
        });
        // Offsets that decrease, a column out of order or out of range, a
        // zero stored.
        bad(&|p, _, _| {
            let r = (1..20).find(|&r| p[r] < p[r + 1]).unwrap();
            p.swap(r, r + 1);
        });
        let e = bad(&|p, i, _| {
            let r = (0..20).find(|&r| p[r + 1] - p[r] >= 2).unwrap();
            i.swap(p[r], p[r] + 1);
        });
        assert!(e.to_string().contains("out of order"), "{e}");
        bad(&|p, i, _| i[p[20] - 1] = 20);
        let e = bad(&|_, _, v| v[3] = 0.0);
        assert!(e.to_string().contains("zero"), "{e}");
        assert!(SparseFlows::from_parts(0, 0, vec![0], vec![], vec![]).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, rng_seed: proptest::test_runner::RngSeed::Fixed(15), ..ProptestConfig::default() })]
        #[test]
        fn negatives_pick_the_first_column_major_among_equals(
            cells in proptest::collection::vec(prop_oneof![Just(0.0), Just(-1.0), Just(-2.0), Just(3.0)], 16)
        ) {
            let m = Mat::from_fn(4, 4, |i, j| cells[i * 4 + j]);
            let d = Flows::Dense(m.clone());
            let sp = Flows::Sparse(SparseFlows::from_dense(&m).unwrap());
            prop_assert_eq!(d.negatives(), sp.negatives());
        }
    }
}
