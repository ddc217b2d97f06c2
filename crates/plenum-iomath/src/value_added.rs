//! The value-added block: coefficients, multipliers' inputs and the value
//! added embodied in each region's final demand.
//!
//! ```text
//!     V_c = V x̂⁻¹                 K × n   value-added coefficients by component
//!     v_c = 1'V x̂⁻¹ = 1'V_c        n       total value added per unit of output
//!     X_R = L Y_agg                n × R   output induced by each region's final demand
//!     VA footprint  F_va = V_c X_R             K × R
//!     by origin     O[p, r] = Σ_{i ∈ p} v_c[i] X_R[i, r]   R × R
//! ```
//!
//! O[p, r] is the value added generated in region p by the final demand of
//! region r (value added in trade; Johnson & Noguera 2012, the TiVA
//! "domestic value added in foreign final demand" for p ≠ r). In a balanced
//! table without separately recorded imported uses, 1'V = x' − 1'Z, hence
//! v_c' L = 1' and the totals over regions sum to 1'V·1 = 1'Y·1: world value
//! added equals world final demand (the GDP identity of M&B §2.3 summed over
//! regions), which the tests check. X_R takes R solves with the factors of I − A.
//!
//! This is exactly the D_cba_reg of an extension whose coefficients are
//! V_c (see [`crate::accounts`]), computed here in the cheaper form that
//! needs only R solves.

use faer::{Col, ColRef, Mat, MatRef};

use crate::coefficients::column_coefficients;
use crate::dims::Dims;
use crate::error::{check_shape, IoMathError};
use crate::solver::LeontiefSolve;

/// V_c = V x̂⁻¹, value-added coefficients by component (K × n).
pub fn value_added_coefficients(
    v: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Mat<f64>, IoMathError> {
    column_coefficients("value-added coefficients", v, x, zero_output)
}

/// v_c = 1'V x̂⁻¹, total value-added coefficient per industry.
pub fn value_added_coefficient_totals(
    v: MatRef<'_, f64>,
    x: ColRef<'_, f64>,
    zero_output: &[usize],
) -> Result<Col<f64>, IoMathError> {
    let vc = value_added_coefficients(v, x, zero_output)?;
    Ok(crate::dims::col_sums(vc.as_ref()))
}

/// Value added embodied in final demand.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueAddedFootprint {
    /// V_c L Y_agg: component × consuming region (K × R).
    pub by_component: Mat<f64>,
    /// Σ over components: total value added embodied in each region's
    /// final demand (length R).
    pub total: Col<f64>,
    /// Producing region × consuming region (R × R).
    pub by_origin: Mat<f64>,
}

/// The value-added footprint of each region's final demand, from the
/// value-added coefficients `v_coef` (K × n) and final demand by region
/// `y_agg` (n × R).
pub fn value_added_footprint(
    leontief: &(impl LeontiefSolve + ?Sized),
    v_coef: MatRef<'_, f64>,
    y_agg: MatRef<'_, f64>,
    dims: Dims,
) -> Result<ValueAddedFootprint, IoMathError> {
    let n = dims.n();
    let r_n = dims.n_regions;
    dims.check_industry_cols("value-added coefficients", v_coef)?;
    check_shape(
        "Y_agg",
        (y_agg.nrows(), y_agg.ncols()),
        (n, r_n),
        "industries × regions",
    )?;
    let x_r = leontief.solve(y_agg)?;
    value_added_footprint_from_output(v_coef, x_r.as_ref(), dims)
}

/// The value-added footprint from X_R = L Y_agg (n × R) already solved.
pub fn value_added_footprint_from_output(
    v_coef: MatRef<'_, f64>,
    x_r: MatRef<'_, f64>,
    dims: Dims,
) -> Result<ValueAddedFootprint, IoMathError> {
    let n = dims.n();
    let r_n = dims.n_regions;
    dims.check_industry_cols("value-added coefficients", v_coef)?;
    check_shape(
        "X_R",
        (x_r.nrows(), x_r.ncols()),
        (n, r_n),
        "industries × regions (L Y_agg)",
    )?;
    let by_component = v_coef * x_r;
    let total = crate::dims::col_sums(by_component.as_ref());
    let v_c = crate::dims::col_sums(v_coef);
    let by_origin = Mat::<f64>::from_fn(r_n, r_n, |p, r| {
        dims.industries_of(p).map(|i| v_c[i] * x_r[(i, r)]).sum()
    });
    Ok(ValueAddedFootprint {
        by_component,
        total,
        by_origin,
    })
}
