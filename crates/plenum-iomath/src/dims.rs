//! The block structure of a multi-regional table, and the region sums and
//! domestic-block masks that the accounts need.
//!
//! Industries are region-major, industry (r, s) at index r·S + s; final-demand
//! columns likewise, column (r, f) at r·F + f (the convention of
//! `plenum-table`, pymrio, WIOD and the OECD ICIO). The region of industry i
//! is ⌊i / S⌋.

use faer::{Mat, MatRef};
use plenum_table::Labels;

use crate::error::IoMathError;

/// Numbers of regions R, sectors S and final-demand categories F.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dims {
    pub n_regions: usize,
    pub n_sectors: usize,
    pub n_fd_categories: usize,
}

impl Dims {
    pub fn new(n_regions: usize, n_sectors: usize, n_fd_categories: usize) -> Self {
        Self {
            n_regions,
            n_sectors,
            n_fd_categories,
        }
    }

    /// The dimensions of a table's labels.
    pub fn of(labels: &Labels) -> Self {
        Self::new(
            labels.n_regions(),
            labels.n_sectors(),
            labels.n_fd_categories(),
        )
    }

    /// n = R·S, the order of Z and A.
    pub fn n(&self) -> usize {
        self.n_regions * self.n_sectors
    }

    /// R·F, the columns of Y.
    pub fn n_fd_columns(&self) -> usize {
        self.n_regions * self.n_fd_categories
    }

    /// The region of industry i.
    pub fn region_of(&self, i: usize) -> usize {
        i / self.n_sectors.max(1)
    }

    /// The index range of region r's industries.
    pub fn industries_of(&self, r: usize) -> std::ops::Range<usize> {
        r * self.n_sectors..(r + 1) * self.n_sectors
    }

    pub(crate) fn check_industry_cols(
        &self,
        what: &str,
        m: MatRef<'_, f64>,
    ) -> Result<(), IoMathError> {
        if m.ncols() != self.n() {
            return Err(IoMathError::Shape {
                what: what.to_string(),
                got_rows: m.nrows(),
                got_cols: m.ncols(),
                want_rows: m.nrows(),
                want_cols: self.n(),
                hint: format!(
                    "one column per industry, {} regions × {} sectors",
                    self.n_regions, self.n_sectors
                ),
            });
        }
        Ok(())
    }
}

/// Sums groups of `group` consecutive columns: an m × (G·group) matrix
/// becomes m × G. With `group` = F this is pymrio's
/// `Y.T.groupby(level="region").sum().T` (Y_agg, F_Y_agg); with `group` = S
/// it sums industries or (region, sector) columns to regions.
pub fn sum_column_groups(m: MatRef<'_, f64>, group: usize) -> Result<Mat<f64>, IoMathError> {
    if group == 0 || m.ncols() % group != 0 {
        return Err(IoMathError::Invalid {
            what: "column groups".into(),
            message: format!(
                "{} columns cannot be split into groups of {group}",
                m.ncols()
            ),
        });
    }
    let g = m.ncols() / group;
    let mut out = Mat::<f64>::zeros(m.nrows(), g);
    for c in 0..g {
        for j in c * group..(c + 1) * group {
            for i in 0..m.nrows() {
                out[(i, c)] += m[(i, j)];
            }
        }
    }
    Ok(out)
}

/// Y_agg: final demand summed over categories within each region, n × R.
pub fn final_demand_by_region(y: MatRef<'_, f64>, dims: Dims) -> Result<Mat<f64>, IoMathError> {
    crate::error::check_shape(
        "Y",
        (y.nrows(), y.ncols()),
        (dims.n(), dims.n_fd_columns()),
        "industries × (regions × final-demand categories)",
    )?;
    sum_column_groups(y, dims.n_fd_categories)
}

/// Row sums, m·1.
pub fn row_sums(m: MatRef<'_, f64>) -> faer::Col<f64> {
    let mut out = faer::Col::<f64>::zeros(m.nrows());
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            out[i] += m[(i, j)];
        }
    }
    out
}

/// Column sums, 1'm, as a column vector.
pub fn col_sums(m: MatRef<'_, f64>) -> faer::Col<f64> {
    faer::Col::<f64>::from_fn(m.ncols(), |j| m.col(j).iter().sum())
}
