//! What validation needs of Z, gathered in one pass as its columns arrive.
//!
//! Validating a table reads Z four times: a scan for NaN and infinities,
//! the column sums 1'Z (column balance and the column sums of A), the row
//! sums Z·1 (row balance) and a scan for negative flows (which decides
//! whether ρ(A) needs more than the column-sum bound). At GLORIA size Z is
//! 3.1 GB, so these passes are memory-bound seconds. A reader that builds
//! Z from a stream (the native reader) folds each entry as it decodes it
//! ([`ColumnFolds::push_entry`]; [`ColumnFolds::push_column`] for a reader
//! that has whole columns), and [`crate::MrioTable::new_with_folds`] hands
//! the result to validation, which then skips its own passes over Z.
//!
//! Validation itself builds the folds of a table read by other means with
//! [`ColumnFolds::of_matrix`]: one pass over the columns (each column's
//! sum, NaN scan and negative scan run while the column is in cache) and
//! one over blocks of rows (the row sums), instead of four passes.
//! The pymrio readers build them the same way and use the column sums
//! again for derived value added.
//!
//! The folds are bit-identical to validation's own: a column sum is
//! `Iterator::sum` over the column in row order, exactly as validation's
//! `col_sums`; a row sum adds column j's entry to the running sum in the
//! order j = 0, 1, …, starting from 0.0, exactly as validation's
//! `row_sums`; the first non-finite entry is the first in column-major
//! order, which is the order the columns arrive in. A unit test checks all
//! four against validation's passes bit for bit.

use faer::Mat;
use rayon::prelude::*;

use crate::flows::Flows;
use crate::validate::row_sums;

/// The sum of no numbers, as `Iterator::sum` gives it (its starting value).
fn empty_sum() -> f64 {
    std::iter::empty::<f64>().sum()
}

/// One column's part of the folds: its sum in row order, its first
/// non-finite entry, whether any entry is negative. A reader that has the
/// column in cache folds it ([`ColumnFold::of_column`], or
/// [`ColumnFold::of_columns`] four at a time) and
/// [`ColumnFolds::from_columns`] puts the columns together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnFold {
    pub(crate) sum: f64,
    /// (row, value) of the column's first NaN or infinity.
    pub(crate) first_nonfinite: Option<(usize, f64)>,
    pub(crate) any_negative: bool,
}

impl ColumnFold {
    /// The fold of one column: `Iterator::sum` over it in row order, and
    /// the scans.
    pub fn of_column(col: &[f64]) -> Self {
        Self::scanned(col.iter().sum(), col)
    }

    /// The folds of whole columns, each summed in row order: four columns
    /// of one length at a time as four independent chains of additions
    /// (each chain's bits are the column's `Iterator::sum`, but the chains
    /// overlap instead of waiting on one another), the scans for NaN and
    /// negatives branch-free. What [`ColumnFold::of_column`] gives column by
    /// column (unit test), at a fraction of the time per entry.
    pub fn of_columns(cols: &[&[f64]]) -> Vec<Self> {
        let mut out = Vec::with_capacity(cols.len());
        let mut k = 0;
        while k < cols.len() {
            let n = cols[k].len();
            match cols.get(k..k + 4) {
                Some(four) if four.iter().all(|c| c.len() == n) => {
                    let c = [&four[0][..n], &four[1][..n], &four[2][..n], &four[3][..n]];
                    let mut s = [empty_sum(); 4];
                    for i in 0..n {
                        for (sk, ck) in s.iter_mut().zip(&c) {
                            *sk += ck[i];
                        }
                    }
                    out.extend(s.into_iter().zip(c).map(|(sk, ck)| Self::scanned(sk, ck)));
                    k += 4;
                }
                _ => {
                    out.push(Self::of_column(cols[k]));
                    k += 1;
                }
            }
        }
        out
    }

    /// A column's fold given its sum: the NaN and negative scans.
    fn scanned(sum: f64, col: &[f64]) -> Self {
        let (bad, neg) = col.iter().fold((false, false), |(b, n), v| {
            (b | !v.is_finite(), n | (*v < 0.0))
        });
        let first_nonfinite = if bad {
            col.iter().position(|v| !v.is_finite()).map(|i| (i, col[i]))
        } else {
            None
        };
        Self {
            sum,
            first_nonfinite,
            any_negative: neg,
        }
    }

    /// The row of the column's first NaN or infinity, if any.
    pub fn first_nonfinite_row(&self) -> Option<usize> {
        self.first_nonfinite.map(|(i, _)| i)
    }
}

/// Column sums, row sums, the first non-finite entry and whether any entry
/// is negative, of a matrix pushed column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnFolds {
    rows: usize,
    cols: usize,
    pub(crate) col_sums: Vec<f64>,
    pub(crate) row_sums: Vec<f64>,
    /// (row, column, value) of the first NaN or infinity, column-major.
    pub(crate) first_nonfinite: Option<(usize, usize, f64)>,
    pub(crate) any_negative: bool,
    /// [`ColumnFolds::push_entry`]: the row of the next entry and the
    /// running sum of the current column.
    next_row: usize,
    running: f64,
}

impl ColumnFolds {
    /// Empty folds of a `rows` × `cols` matrix.
    pub fn new(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            col_sums: Vec::with_capacity(cols),
            row_sums: vec![0.0; rows],
            first_nonfinite: None,
            any_negative: false,
            next_row: 0,
            running: empty_sum(),
        }
    }

    /// The folds of a whole matrix: columns on the thread pool (each its
    /// sum, NaN scan and negative scan while it is in cache), then the row
    /// sums over blocks of rows. Bit-identical to pushing the columns in
    /// order, whatever the number of threads.
    pub fn of_matrix(m: &Mat<f64>) -> Self {
        let per_col: Vec<ColumnFold> = (0..m.ncols())
            .into_par_iter()
            .map(|j| ColumnFold::of_column(m.col_as_slice(j)))
            .collect();
        Self::from_columns(m.nrows(), per_col, row_sums(m))
    }

    /// The folds of Z as stored: [`ColumnFolds::of_matrix`] when dense;
    /// when sparse, one pass over the stored entries row by row, which adds
    /// each column's entries in row order and each row's in column order,
    /// as the dense passes do, so that the sums are the same bits as those
    /// of the dense copy (unit test). The first non-finite entry is the
    /// first in column-major order.
    pub fn of_flows(z: &Flows) -> Self {
        let s = match z {
            Flows::Dense(m) => return Self::of_matrix(m),
            Flows::Sparse(s) => s,
        };
        let (rows, cols) = (s.nrows(), s.ncols());
        // A dense column's `Iterator::sum` starts from -0.0 and adds its
        // zeros too, so a column with no stored entry sums to 0.0 when it
        // has rows; starting from 0.0 gives that, and x + 0.0 = x for every
        // other sum.
        let start = if rows == 0 { empty_sum() } else { 0.0 };
        let mut col_sums = vec![start; cols];
        let mut row_sums = vec![0.0; rows];
        let mut first_nonfinite: Option<(usize, usize, f64)> = None;
        let mut any_negative = false;
        for (i, r) in row_sums.iter_mut().enumerate().take(s.rows_filled()) {
            let (idx, val) = s.row(i);
            for (&j, &v) in idx.iter().zip(val) {
                let j = j as usize;
                *r += v;
                col_sums[j] += v;
                any_negative |= v < 0.0;
                if !v.is_finite() && first_nonfinite.is_none_or(|(fi, fj, _)| (j, i) < (fj, fi)) {
                    first_nonfinite = Some((i, j, v));
                }
            }
        }
        Self {
            rows,
            cols: if s.is_complete() { cols } else { usize::MAX },
            col_sums,
            row_sums,
            first_nonfinite,
            any_negative,
            next_row: 0,
            running: empty_sum(),
        }
    }

    /// The folds of a `rows` × `cols.len()` matrix from its columns' folds
    /// (in column order) and its row sums (each row's entries added to 0.0
    /// in column order, as validation's `row_sums`). Row sums of the wrong
    /// length leave the folds incomplete, so that validation computes its
    /// own.
    pub fn from_columns(rows: usize, cols: Vec<ColumnFold>, row_sums: Vec<f64>) -> Self {
        let first_nonfinite = cols
            .iter()
            .enumerate()
            .find_map(|(j, c)| c.first_nonfinite.map(|(i, v)| (i, j, v)));
        Self {
            rows,
            cols: if row_sums.len() == rows {
                cols.len()
            } else {
                usize::MAX // never complete
            },
            any_negative: cols.iter().any(|c| c.any_negative),
            col_sums: cols.into_iter().map(|c| c.sum).collect(),
            row_sums,
            first_nonfinite,
            next_row: 0,
            running: empty_sum(),
        }
    }

    /// Σ_i m_ij per column j, in row order.
    pub fn col_sums(&self) -> &[f64] {
        &self.col_sums
    }

    /// Folds the next column (columns must come in order 0, 1, …). A column
    /// of the wrong length, or one past the last, is ignored and leaves the
    /// folds incomplete, so that validation computes its own.
    pub fn push_column(&mut self, col: &[f64]) {
        if col.len() != self.rows || self.col_sums.len() >= self.cols {
            self.cols = usize::MAX; // never complete
            return;
        }
        let j = self.col_sums.len();
        let c = ColumnFold::of_column(col);
        self.col_sums.push(c.sum);
        for (s, v) in self.row_sums.iter_mut().zip(col) {
            *s += *v;
        }
        if self.first_nonfinite.is_none() {
            self.first_nonfinite = c.first_nonfinite.map(|(i, v)| (i, j, v));
        }
        self.any_negative |= c.any_negative;
    }

    /// Folds the next entry, in column-major order (a reader that builds
    /// the matrix entry by entry). The column's running sum starts from the
    /// sum of nothing and adds the entries in row order, which is what
    /// `Iterator::sum` does, so the column sums are the same bits as
    /// [`ColumnFolds::push_column`]'s (unit test).
    #[inline]
    pub fn push_entry(&mut self, v: f64) {
        let i = self.next_row;
        let Some(r) = self
            .row_sums
            .get_mut(i)
            .filter(|_| self.col_sums.len() < self.cols)
        else {
            self.cols = usize::MAX; // more entries than rows × cols: never complete
            return;
        };
        *r += v;
        self.running += v;
        if !v.is_finite() && self.first_nonfinite.is_none() {
            self.first_nonfinite = Some((i, self.col_sums.len(), v));
        }
        self.any_negative |= v < 0.0;
        if i + 1 == self.rows {
            self.col_sums.push(self.running);
            self.running = empty_sum();
            self.next_row = 0;
        } else {
            self.next_row = i + 1;
        }
    }

    /// True once every column of a `rows` × `cols` matrix was pushed.
    pub fn is_complete_for(&self, rows: usize, cols: usize) -> bool {
        self.rows == rows && self.cols == cols && self.col_sums.len() == cols
    }
}
