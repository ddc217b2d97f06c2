//! Gross bilateral trade, as pymrio 0.7.0 `calc_gross_trade`.
//!
//! Trade is every entry of Z and Y outside the domestic blocks (pymrio
//! `set_dom_block(·, 0)`): sales of industry (p, s) to industries or final
//! demand of another region r ≠ p.
//!
//! ```text
//!     T[(p, s), r] = Σ_{j ∈ r} Z[(p, s), j] + Σ_{c ∈ r} Y[(p, s), c]   for r ≠ p, 0 for r = p
//!     exports[(p, s)] = Σ_r T[(p, s), r]
//!     imports[(r, s)] = Σ_p T[(p, s), r]        (product s imported by region r)
//! ```
//!
//! `T` is pymrio's `bilat_flows` (rows: exporting region and sector, columns:
//! importing region); `exports` and `imports` are the two columns of its
//! `totals`, both indexed region-major by (region, sector).

use faer::{Col, Mat, MatRef};
use plenum_table::{Flows, SparseFlows};

use crate::dims::Dims;
use crate::error::{check_shape, IoMathError};

/// Gross bilateral trade flows and totals.
#[derive(Debug, Clone, PartialEq)]
pub struct GrossTrade {
    /// T: n (exporting industry) × R (importing region).
    pub bilat_flows: Mat<f64>,
    /// Gross exports per exporting industry (p, s), length n.
    pub exports: Col<f64>,
    /// Gross imports of product s by region r, at index r·S + s, length n.
    pub imports: Col<f64>,
}

/// pymrio `calc_gross_trade(Z, Y)`.
pub fn gross_trade(
    z: MatRef<'_, f64>,
    y: MatRef<'_, f64>,
    dims: Dims,
) -> Result<GrossTrade, IoMathError> {
    check_shapes((z.nrows(), z.ncols()), y, dims)?;
    let (n, ns) = (dims.n(), dims.n_sectors);
    let mut t = Mat::<f64>::zeros(n, dims.n_regions);
    for r in 0..dims.n_regions {
        for i in 0..n {
            if dims.region_of(i) == r {
                continue;
            }
            let mut sum = 0.0;
            for j in r * ns..(r + 1) * ns {
                sum += z[(i, j)];
            }
            t[(i, r)] = sum;
        }
    }
    Ok(with_final_demand(t, y, dims))
}

/// [`gross_trade`] for Z as the table stores it. A sparse Z is read by its
/// stored entries, never made dense: each row's entries of region r's
/// columns are added in column order from 0.0 and then r's final-demand
/// columns, as the dense loop adds them (the skipped cells are zeros), so
/// the result is the same bits.
pub fn gross_trade_flows(
    z: &Flows,
    y: MatRef<'_, f64>,
    dims: Dims,
) -> Result<GrossTrade, IoMathError> {
    match z {
        Flows::Dense(m) => gross_trade(m.as_ref(), y, dims),
        Flows::Sparse(s) => gross_trade_sparse(s, y, dims),
    }
}

fn gross_trade_sparse(
    z: &SparseFlows,
    y: MatRef<'_, f64>,
    dims: Dims,
) -> Result<GrossTrade, IoMathError> {
    check_shapes((z.nrows(), z.ncols()), y, dims)?;
    let mut t = Mat::<f64>::zeros(dims.n(), dims.n_regions);
    for i in 0..z.rows_filled() {
        let (idx, val) = z.row(i);
        let own = dims.region_of(i);
        for (&j, &v) in idx.iter().zip(val) {
            let r = dims.region_of(j as usize);
            if r != own {
                t[(i, r)] += v;
            }
        }
    }
    Ok(with_final_demand(t, y, dims))
}

/// Z's and Y's shapes for the trade of `dims`.
fn check_shapes(z: (usize, usize), y: MatRef<'_, f64>, dims: Dims) -> Result<(), IoMathError> {
    let n = dims.n();
    check_shape("Z", z, (n, n), "industries × industries")?;
    check_shape(
        "Y",
        (y.nrows(), y.ncols()),
        (n, dims.n_fd_columns()),
        "industries × (regions × final-demand categories)",
    )
}

/// T from Z's part of it: each cell outside the domestic blocks adds the
/// row's final demand in the importing region's columns, in column order,
/// after Z's entries (the order of the formula); then the totals.
fn with_final_demand(mut t: Mat<f64>, y: MatRef<'_, f64>, dims: Dims) -> GrossTrade {
    let nf = dims.n_fd_categories;
    for r in 0..dims.n_regions {
        for i in 0..dims.n() {
            if dims.region_of(i) == r {
                continue;
            }
            for c in r * nf..(r + 1) * nf {
                t[(i, r)] += y[(i, c)];
            }
        }
    }
    totals(t, dims)
}

/// Exports and imports from the bilateral flows T.
fn totals(t: Mat<f64>, dims: Dims) -> GrossTrade {
    let n = dims.n();
    let r_n = dims.n_regions;
    let ns = dims.n_sectors;
    let exports = Col::<f64>::from_fn(n, |i| (0..r_n).map(|r| t[(i, r)]).sum());
    let imports = Col::<f64>::from_fn(n, |idx| {
        let (r, s) = (idx / ns, idx % ns);
        (0..r_n).map(|p| t[(p * ns + s, r)]).sum()
    });
    GrossTrade {
        bilat_flows: t,
        exports,
        imports,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gross trade from a sparse Z is the dense loop's, bit for bit
    /// (including rows and region blocks with no stored entry).
    #[test]
    fn sparse_gross_trade_is_the_dense_bits() {
        let dims = Dims {
            n_regions: 3,
            n_sectors: 4,
            n_fd_categories: 2,
        };
        let n = dims.n();
        let mut s = 17u64;
        let mut u = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let z = Mat::<f64>::from_fn(n, n, |i, _| {
            let a = u();
            if a < 0.75 || i == 5 {
                0.0
            } else {
                a * 1e3 - 100.0
            }
        });
        let y = Mat::<f64>::from_fn(n, dims.n_fd_columns(), |_, _| u() * 50.0);
        let want = gross_trade(z.as_ref(), y.as_ref(), dims).expect("dense");
        let flows = Flows::Sparse(SparseFlows::from_dense(&z).expect("sparse"));
        let got = gross_trade_flows(&flows, y.as_ref(), dims).expect("sparse");
        let bits = |m: MatRef<'_, f64>| {
            (0..m.ncols())
                .flat_map(|j| (0..m.nrows()).map(move |i| m[(i, j)].to_bits()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            bits(got.bilat_flows.as_ref()),
            bits(want.bilat_flows.as_ref())
        );
        assert_eq!(
            bits(got.exports.as_mat()),
            bits(want.exports.as_mat()),
            "exports"
        );
        assert_eq!(
            bits(got.imports.as_mat()),
            bits(want.imports.as_mat()),
            "imports"
        );
    }
}
