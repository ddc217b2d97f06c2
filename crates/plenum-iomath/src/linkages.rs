//! Backward and forward linkages (Miller & Blair 2009, §12.2).
//!
//! Total linkages, following M&B's recommendation to measure forward
//! linkage with the Ghosh inverse rather than the rows of L:
//!
//! ```text
//!     BL(t)_j = Σ_i l_ij      column sums of L   = 1'L    (total backward linkage)
//!     FL(t)_i = Σ_j g_ij      row sums of G      = G 1 = x̂⁻¹ L x   (total forward linkage)
//! ```
//!
//! Both come from one solve each, never from L: 1'L by the transpose solve
//! (I − A)ᵀ m = 1, and G 1 = x̂⁻¹ L x̂ 1 = x̂⁻¹ (L x) by (I − A) w = x.
//!
//! Direct linkages: BL(d)_j = Σ_i a_ij (column sums of A) and
//! FL(d)_i = Σ_j b_ij (row sums of B = x̂⁻¹ Z).
//!
//! Normalised (Rasmussen 1956, Hirschman 1958 "power of dispersion" and
//! "sensitivity of dispersion" indices, M&B §12.2): each
//! linkage divided by the average over industries,
//!
//! ```text
//!     BL̄_j = BL_j / ((1/n) Σ_j BL_j),    FL̄_i = FL_i / ((1/n) Σ_i FL_i)
//! ```
//!
//! so that an index above 1 marks an industry with above-average linkage.
//!
//! Zero-output (absent) industries: their column of L and row of G are unit
//! vectors, so their raw total linkages are 1 and their direct linkages 0.
//! The average of the normalisation runs over the present industries only,
//! and the normalised indices of absent industries are 0, so that absent
//! industries neither dilute the average nor appear as "average".

use faer::{Col, ColRef, MatRef};

use crate::coefficients::reciprocal_output;
use crate::dims::{col_sums, row_sums};
use crate::error::{check_shape, IoMathError};
use crate::solver::LeontiefSolve;

/// Raw and normalised linkages per industry (length n each).
#[derive(Debug, Clone, PartialEq)]
pub struct Linkages {
    /// Direct backward linkage: column sums of A.
    pub backward_direct: Col<f64>,
    /// Direct forward linkage: row sums of B.
    pub forward_direct: Col<f64>,
    /// Total backward linkage: column sums of L.
    pub backward_total: Col<f64>,
    /// Total forward linkage: row sums of G.
    pub forward_total: Col<f64>,
    /// Normalised total backward linkage (Rasmussen power of dispersion).
    pub backward_index: Col<f64>,
    /// Normalised total forward linkage (Ghosh-based sensitivity of dispersion).
    pub forward_index: Col<f64>,
}

/// Linkages of the system with coefficients `a`, factors `leontief` of
/// I − A, output `x` and absent industries `zero_output`.
pub fn linkages(
    a: MatRef<'_, f64>,
    leontief: &(impl LeontiefSolve + ?Sized),
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Linkages, IoMathError> {
    let n = x.nrows();
    check_shape(
        "A",
        (a.nrows(), a.ncols()),
        (n, n),
        "industries × industries",
    )?;
    check_shape("x", (leontief.n(), 1), (n, 1), "one output per industry")?;
    let r = reciprocal_output("linkages", x, zero_output)?;
    let backward_direct = col_sums(a);
    // Row sums of B = x̂⁻¹ Z = x̂⁻¹ A x̂: (A x)_i / x_i.
    let ax = a * x;
    let ones = Col::<f64>::from_fn(n, |_| 1.0);
    let backward_total = leontief.solve_transpose_col(ones.as_ref())?;
    let lx = leontief.solve_col(x)?;
    linkages_from_products(
        backward_direct,
        ax.as_ref(),
        backward_total,
        lx.as_ref(),
        &r,
        zero_output,
    )
}

/// The linkages from the products they need, so that a caller can get the
/// solves from one block solve: the column sums of A, A x, 1'L (as a
/// column), L x, r = x̂⁻¹ 1 (0 for absent industries) and the absent
/// industries.
pub fn linkages_from_products(
    backward_direct: Col<f64>,
    ax: ColRef<'_, f64>,
    backward_total: Col<f64>,
    lx: ColRef<'_, f64>,
    r: &[f64],
    zero_output: &[usize],
) -> Result<Linkages, IoMathError> {
    let n = r.len();
    for (what, len) in [
        ("column sums of A", backward_direct.nrows()),
        ("A x", ax.nrows()),
        ("1'L", backward_total.nrows()),
        ("L x", lx.nrows()),
    ] {
        check_shape(what, (len, 1), (n, 1), "one entry per industry")?;
    }
    let mut absent = vec![false; n];
    for &j in zero_output {
        if j < n {
            absent[j] = true;
        }
    }
    let forward_direct = Col::<f64>::from_fn(n, |i| ax[i] * r[i]);
    let forward_total = Col::<f64>::from_fn(n, |i| if absent[i] { 1.0 } else { lx[i] * r[i] });

    let normalise = |v: &Col<f64>| -> Col<f64> {
        let present = absent.iter().filter(|a| !**a).count();
        let sum: f64 = (0..n).filter(|&i| !absent[i]).map(|i| v[i]).sum();
        let mean = if present > 0 {
            sum / present as f64
        } else {
            0.0
        };
        Col::<f64>::from_fn(n, |i| {
            if absent[i] || mean == 0.0 {
                0.0
            } else {
                v[i] / mean
            }
        })
    };
    Ok(Linkages {
        backward_index: normalise(&backward_total),
        forward_index: normalise(&forward_total),
        backward_direct,
        forward_direct,
        backward_total,
        forward_total,
    })
}

/// Row sums of G from an explicit G, for checking.
pub fn forward_total_from_g(g: MatRef<'_, f64>) -> Col<f64> {
    row_sums(g)
}
