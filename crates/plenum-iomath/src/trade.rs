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
    let n = dims.n();
    let r_n = dims.n_regions;
    let ns = dims.n_sectors;
    let nf = dims.n_fd_categories;
    check_shape(
        "Z",
        (z.nrows(), z.ncols()),
        (n, n),
        "industries × industries",
    )?;
    check_shape(
        "Y",
        (y.nrows(), y.ncols()),
        (n, dims.n_fd_columns()),
        "industries × (regions × final-demand categories)",
    )?;
    let mut t = Mat::<f64>::zeros(n, r_n);
    for r in 0..r_n {
        for i in 0..n {
            if dims.region_of(i) == r {
                continue;
            }
            let mut sum = 0.0;
            for j in r * ns..(r + 1) * ns {
                sum += z[(i, j)];
            }
            for c in r * nf..(r + 1) * nf {
                sum += y[(i, c)];
            }
            t[(i, r)] = sum;
        }
    }
    let exports = Col::<f64>::from_fn(n, |i| (0..r_n).map(|r| t[(i, r)]).sum());
    let imports = Col::<f64>::from_fn(n, |idx| {
        let (r, s) = (idx / ns, idx % ns);
        (0..r_n).map(|p| t[(p * ns + s, r)]).sum()
    });
    Ok(GrossTrade {
        bilat_flows: t,
        exports,
        imports,
    })
}
