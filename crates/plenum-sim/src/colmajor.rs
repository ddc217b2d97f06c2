//! A dense column-major matrix of `f64` held in a plain `Vec` — the
//! engine's Z⁰.
//!
//! Why not `faer::Mat`: a fresh `Mat` is filled with zeros on the calling
//! thread before the model build overwrites every entry, and at n = 5000
//! that is 200 MB of page faults and writes on one core. A
//! `vec![0.0; n·n]` is allocated zeroed by the system (pages mapped lazily,
//! nothing written), so the build's parallel pass over the columns is the
//! first and only write and the page faults are spread over the threads
//! (200 MB: 0.086 s serial zeros + parallel fill against 0.054 s on two
//! idle cores; the same when the other core is busy). Entry (i, j) is
//! `data[j·nrows + i]`.

use std::ops::Index;

/// Column-major `nrows × ncols` matrix (entry (i, j) at `j·nrows + i`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColMajor {
    data: Vec<f64>,
    nrows: usize,
    ncols: usize,
}

impl ColMajor {
    /// A zero matrix whose storage the system zeroes lazily.
    pub(crate) fn zeros(nrows: usize, ncols: usize) -> Self {
        Self {
            data: vec![0.0; nrows * ncols],
            nrows,
            ncols,
        }
    }

    /// Column `j` as a slice of `nrows` values.
    #[inline]
    pub(crate) fn col_as_slice(&self, j: usize) -> &[f64] {
        &self.data[j * self.nrows..(j + 1) * self.nrows]
    }

    /// The storage as consecutive columns, for filling in parallel by
    /// chunks of whole columns.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.data
    }
}

impl Index<(usize, usize)> for ColMajor {
    type Output = f64;

    #[inline]
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        debug_assert!(i < self.nrows && j < self.ncols);
        &self.data[j * self.nrows + i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_and_columns_are_column_major() {
        let mut m = ColMajor::zeros(3, 2);
        for (k, v) in m.as_mut_slice().iter_mut().enumerate() {
            *v = k as f64;
        }
        assert_eq!(m[(2, 0)], 2.0);
        assert_eq!(m[(0, 1)], 3.0);
        assert_eq!(m.col_as_slice(1), &[3.0, 4.0, 5.0]);
        assert_ne!(m, ColMajor::zeros(3, 2));
        assert_eq!(ColMajor::zeros(0, 4).col_as_slice(3), &[] as &[f64]);
    }
}
