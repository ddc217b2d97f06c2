//! How a reader stores Z: the choice between dense and compressed sparse
//! rows (issue 15, item 2), shared by the readers that can fill Z sparse
//! and by the command line (`--storage`).
//!
//! `Auto` keeps Z sparse when its share of nonzero cells is at most
//! [`SPARSE_MAX_DENSITY`], the threshold measured where the products with Z
//! run; `Dense` is the readers' behaviour before sparse storage; `Sparse`
//! always gives compressed sparse rows.

use plenum_table::{Flows, Mat, SparseFlows, TableError};
use serde::{Deserialize, Serialize};

pub use plenum_table::flows::SPARSE_MAX_DENSITY;

/// Storage of Z chosen when reading a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// Sparse when nnz / (rows × columns) ≤ [`SPARSE_MAX_DENSITY`], dense
    /// otherwise.
    #[default]
    Auto,
    /// Always dense.
    Dense,
    /// Always compressed sparse rows.
    Sparse,
}

impl Storage {
    /// The names the command line and manifests use, in declaration order.
    pub const NAMES: [&'static str; 3] = ["auto", "dense", "sparse"];

    pub fn name(self) -> &'static str {
        match self {
            Storage::Auto => "auto",
            Storage::Dense => "dense",
            Storage::Sparse => "sparse",
        }
    }

    /// The storage of a name (`auto`, `dense`, `sparse`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "auto" => Some(Storage::Auto),
            "dense" => Some(Storage::Dense),
            "sparse" => Some(Storage::Sparse),
            _ => None,
        }
    }
}

/// True when `nnz` stored entries of a `rows` × `cols` matrix are at most
/// [`SPARSE_MAX_DENSITY`] of its cells: the one test `Auto` makes, so that a
/// streaming reader's running count and the final density agree.
pub fn sparse_pays(nnz: usize, rows: usize, cols: usize) -> bool {
    (nnz as f64) <= SPARSE_MAX_DENSITY * (rows as f64) * (cols as f64)
}

/// A dense matrix in the storage asked for: what readers that cannot fill
/// Z sparse directly do (files the fast paths refuse), so that their
/// choice is the same as a direct fill's (a −0.0 is not counted, and is
/// not stored).
pub(crate) fn stored(m: Mat<f64>, storage: Storage) -> Result<Flows, TableError> {
    let sparse = match storage {
        Storage::Dense => false,
        Storage::Sparse => true,
        Storage::Auto => {
            let nnz = (0..m.ncols())
                .map(|j| m.col(j).iter().filter(|v| **v != 0.0).count())
                .sum();
            sparse_pays(nnz, m.nrows(), m.ncols())
        }
    };
    if !sparse {
        return Ok(Flows::Dense(m));
    }
    SparseFlows::from_dense(&m).map(Flows::Sparse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serde_agrees() {
        for (s, n) in [Storage::Auto, Storage::Dense, Storage::Sparse]
            .into_iter()
            .zip(Storage::NAMES)
        {
            assert_eq!(s.name(), n);
            assert_eq!(Storage::parse(n), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{n}\""));
        }
        assert_eq!(Storage::parse("csr"), None);
        assert_eq!(Storage::default(), Storage::Auto);
    }

    #[test]
    fn the_bound_is_inclusive() {
        // 15 of 100 cells is exactly the threshold; 16 is past it.
        assert!(sparse_pays(15, 10, 10));
        assert!(!sparse_pays(16, 10, 10));
        assert!(sparse_pays(0, 0, 0));
    }
}
