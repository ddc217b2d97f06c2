//! The static report of a table: every number `plenum analyze` writes and
//! the Python package's `plenum.analyze` returns, computed here once, so
//! that the CLI and Python only render it (one computation, two views).
//!
//! Every product with L comes from block solves with a [`LeontiefSolve`]
//! (LU or block GMRES, [`crate::solver::Solver`]), never from L itself:
//!
//! ```text
//!     Lᵀ [1, v_c ∘ 1_r (r = 1..R)]          output multipliers 1'L; Σ_r gives v_c'L,
//!                                           and the own-region entries the domestic
//!                                           value-added multipliers Σ_{i∈r(j)} v_i L_ij
//!     L  [Y_agg, x]                         X_R = L Y_agg (footprints, x = L y) and L x
//!                                           (Ghosh row sums x̂⁻¹ L x)
//!     Lᵀ S^(p)ᵀ (p = 1..R), per extension   M = S L and pymrio's accounts by industry
//! ```
//!
//! The third kind is [`crate::accounts`]'s R·k right-hand sides per
//! extension, which pymrio's D_imp by industry needs (the bilinear forms
//! (S ∘ 1_p)ᵀ L ŷ_p, one pair per region: no fewer solves give them). A
//! stressor row equal to v_c (the value-added extension pymrio calls
//! `factor_inputs`) takes its masked solves from the first kind instead
//! of solving them again ([`crate::accounts::SolvedMasks`]).
//!
//! v_c'L as Σ_r Lᵀ(v_c ∘ 1_r) adds R nonnegative solutions where a direct
//! solve gives one: the two agree to a few units of rounding.

use faer::{Col, Mat};
use plenum_table::{Flows, MrioTable, SparseFlows};

use crate::accounts::{self, Accounts, SolvedMasks};
use crate::dims::{self, Dims};
use crate::error::IoMathError;
use crate::linkages::{self, Linkages};
use crate::solver::LeontiefSolve;
use crate::trade::{self, GrossTrade};
use crate::value_added::{self, ValueAddedFootprint};
use crate::{coefficients, name_industries};

/// One extension's share of the report.
#[derive(Debug, Clone)]
pub struct ExtensionReport {
    pub name: String,
    /// S = F x̂⁻¹, stressors × industries.
    pub s: Mat<f64>,
    /// M = S L and pymrio's accounts (by industry and by region).
    pub accounts: Accounts,
}

/// Every quantity of the static report (n industries, R regions).
#[derive(Debug, Clone)]
pub struct Report {
    /// Value added by industry (column sums of V).
    pub value_added: Col<f64>,
    /// x = L y (pymrio's `x` recomputed from final demand; the table's x to
    /// rounding when it is balanced).
    pub x_from_demand: Col<f64>,
    /// 1'L.
    pub output_multipliers: Col<f64>,
    /// v_c'L.
    pub va_multipliers: Col<f64>,
    /// Σ_{i in r(j)} v_i L_ij: value added in j's own region per unit of
    /// final demand for j.
    pub domestic_va_multipliers: Col<f64>,
    /// Y_agg: final demand by consuming region, n × R.
    pub y_agg: Mat<f64>,
    /// X_R = L Y_agg, n × R.
    pub x_r: Mat<f64>,
    pub linkages: Linkages,
    pub trade: GrossTrade,
    pub footprint: ValueAddedFootprint,
    pub extensions: Vec<ExtensionReport>,
}

/// Right-hand sides of all solves of [`report`] for a table (so that
/// [`crate::solver::Solver`] can choose its method; an upper bound: rows
/// equal to v_c are not counted out).
pub fn expected_rhs(t: &MrioTable) -> usize {
    let nr = t.labels().n_regions();
    1 + nr
        + nr
        + 1
        + t.extensions()
            .iter()
            .map(|e| nr * e.stressors.len())
            .sum::<usize>()
}

/// Computes the report of `t` with `m`, a solver of this table's I − A.
/// Errors name industries by their labels.
pub fn report(t: &MrioTable, m: &(impl LeontiefSolve + ?Sized)) -> Result<Report, IoMathError> {
    compute(t, m).map_err(|e| name_industries(e, t.labels()))
}

/// Column sums and Z v of a sparse Z, from its stored entries.
struct SparseProducts {
    col_sums: Vec<f64>,
    zx: Col<f64>,
}

/// Column sums of Z (each column's entries added in row order from 0.0,
/// as the dense column sum adds them, so the same bits: the skipped cells
/// are zeros) and Z v by rows (the dense product's value to rounding).
fn sparse_products(z: &SparseFlows, v: &Col<f64>) -> SparseProducts {
    let n = z.ncols();
    let mut col_sums = vec![0.0; n];
    let mut zx = Col::<f64>::zeros(z.nrows());
    for i in 0..z.rows_filled() {
        let (idx, val) = z.row(i);
        let mut acc = 0.0;
        for (&j, &zij) in idx.iter().zip(val) {
            col_sums[j as usize] += zij;
            acc += zij * v[j as usize];
        }
        zx[i] = acc;
    }
    SparseProducts { col_sums, zx }
}

fn compute(t: &MrioTable, m: &(impl LeontiefSolve + ?Sized)) -> Result<Report, IoMathError> {
    let l = t.labels();
    let n = l.n_industries();
    let nr = l.n_regions();
    let ns = l.n_sectors();
    let dims = Dims::of(l);
    let x = t.x();
    let zero = t.zero_output();
    let r = coefficients::reciprocal_output("A", x.as_ref(), zero)?;
    let vc = value_added::value_added_coefficients(t.v().as_ref(), x.as_ref(), zero)?;
    let v_tot = dims::col_sums(vc.as_ref());

    // Lᵀ [1, v_c masked to each region].
    let tb = Mat::<f64>::from_fn(n, 1 + nr, |i, c| match c {
        0 => 1.0,
        _ if i / ns == c - 1 => v_tot[i],
        _ => 0.0,
    });
    let tl = m.solve_transpose(tb.as_ref())?;
    drop(tb);
    let om = tl.col(0).to_owned();
    let masks = tl.subcols(1, nr).to_owned();
    drop(tl);
    let vm = Col::<f64>::from_fn(n, |j| (0..nr).map(|c| masks[(j, c)]).sum());
    let dvm = Col::<f64>::from_fn(n, |j| masks[(j, j / ns)]);

    // L [Y_agg, x].
    let y_agg = dims::final_demand_by_region(t.y().as_ref(), dims)?;
    let nb = Mat::<f64>::from_fn(n, nr + 1, |i, c| if c < nr { y_agg[(i, c)] } else { x[i] });
    let nl = m.solve(nb.as_ref())?;
    drop(nb);
    let x_r = nl.subcols(0, nr).to_owned();
    let lx = nl.col(nr).to_owned();
    drop(nl);
    let x_from_demand = Col::<f64>::from_fn(n, |i| (0..nr).map(|c| x_r[(i, c)]).sum());

    // Direct linkages from Z as stored (a sparse Z is never made dense):
    // column sums of A and A x.
    let xr = Col::<f64>::from_fn(n, |j| x[j] * r[j]);
    let (a_col, ax) = match t.z_flows() {
        Flows::Dense(z) => (
            Col::<f64>::from_fn(n, |j| z.col(j).iter().sum::<f64>() * r[j]),
            z * &xr,
        ),
        Flows::Sparse(z) => {
            let zx = sparse_products(z, &xr);
            (Col::<f64>::from_fn(n, |j| zx.col_sums[j] * r[j]), zx.zx)
        }
    };
    let linkages =
        linkages::linkages_from_products(a_col, ax.as_ref(), om.clone(), lx.as_ref(), &r, zero)?;
    let trade = trade::gross_trade_flows(t.z_flows(), t.y().as_ref(), dims)?;
    let footprint =
        value_added::value_added_footprint_from_output(vc.as_ref(), x_r.as_ref(), dims)?;

    let reuse = SolvedMasks {
        w: v_tot.as_ref(),
        solved: masks.as_ref(),
    };
    let mut extensions = Vec::with_capacity(t.extensions().len());
    for e in t.extensions() {
        let s = coefficients::stressor_coefficients(e.f.as_ref(), x.as_ref(), zero)?;
        let f_y_agg = match &e.f_y {
            Some(fy) => Some(dims::sum_column_groups(fy.as_ref(), dims.n_fd_categories)?),
            None => None,
        };
        let accounts = accounts::accounts_reusing(
            m,
            s.as_ref(),
            y_agg.as_ref(),
            f_y_agg.as_ref().map(|f| f.as_ref()),
            dims,
            x_r.clone(),
            Some(reuse),
        )?;
        extensions.push(ExtensionReport {
            name: e.name.clone(),
            s,
            accounts,
        });
    }
    Ok(Report {
        value_added: t.va_total(),
        x_from_demand,
        output_multipliers: om,
        va_multipliers: vm,
        domestic_va_multipliers: dvm,
        y_agg,
        x_r,
        linkages,
        trade,
        footprint,
        extensions,
    })
}
