//! Footprint accounts of a satellite extension, as pymrio 0.7.0
//! `calc_accounts` and `Extension.calc_system`.
//!
//! Let S be the stressor coefficients (k × n), Y_agg the final demand
//! summed over categories per region (n × R, column r = demand of region r),
//! and ŷ_r the block-diagonalisation pymrio calls
//! `diagonalize_columns_to_sectors`: the n × S matrix whose column s holds
//! the entries of Y_agg[:, r] for sector s (of every producing region) and
//! zero elsewhere. pymrio computes
//!
//! ```text
//!     X_diag[:, (r, s)] = L ŷ_r[:, s] = Σ_r' L[:, (r', s)] Y_agg[(r', s), r]
//!     x_tot  = X_diag · 1                 (= L y)
//!     D_cba  = S X_diag                   k × (R·S)  consuming region r, demanded sector s
//!     D_pba  = S x̂_tot                    k × n      producing industry
//!     D_imp  = S X_trade                  k × (R·S)  X_diag with rows of region r zeroed in columns (r, ·)
//!     x_exp  = X_trade · 1
//!     D_exp  = S x̂_exp                    k × n      producing industry
//! ```
//!
//! and the regional totals (pymrio `*_reg`), with F_Y_agg the final-demand
//! stressors F_Y summed over each region's categories (0 when absent):
//!
//! ```text
//!     D_cba_reg[:, r] = Σ_s D_cba[:, (r, s)] + F_Y_agg[:, r]
//!     D_pba_reg[:, p] = Σ_{i ∈ p} D_pba[:, i] + F_Y_agg[:, p]
//!     D_imp_reg[:, r] = Σ_s D_imp[:, (r, s)]
//!     D_exp_reg[:, p] = Σ_{i ∈ p} D_exp[:, i]
//! ```
//!
//! Per capita (pymrio `*_cap`, only when a population vector exists):
//! each `*_reg` column divided by the region's population ([`per_capita`]).
//!
//! # Computation without X_diag
//!
//! pymrio forms L and the n × n matrix X_diag. Here, with S^(p) the stressor
//! coefficients masked to the industries of producing region p,
//! M^(p) = S^(p) L, and
//!
//! ```text
//!     C_p[:, (r, s)] = Σ_r' M^(p)[:, (r', s)] Y_agg[(r', s), r]
//!     D_cba = Σ_p C_p,     D_imp[:, (r, ·)] = Σ_{p ≠ r} C_p[:, (r, ·)]
//!     X_R = L Y_agg,       x_tot[i] = Σ_r X_R[i, r],   x_exp[i] = Σ_{r ≠ region(i)} X_R[i, r]
//! ```
//!
//! so D_imp is a sum over foreign producers, not a difference (no
//! cancellation; a sector with no imports gets an exact 0). M^(p) comes
//! either from transpose solves (I − A)ᵀ M^(p)ᵀ = S^(p)ᵀ, k right-hand sides
//! per region, or from an explicit L as S[:, p] L[p, :]. [`AccountsRoute`]
//! picks one; `Auto` takes the solves unless their 2n²·R(k + 1) flops
//! exceed forming L (4/3 n³) plus the products.

use faer::{Col, ColRef, Mat, MatRef};

use crate::dims::Dims;
use crate::error::{check_shape, IoMathError};
use crate::solver::LeontiefSolve;

/// How the accounts obtain products with L.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountsRoute {
    /// Solves when cheaper than forming L, else L (see module docs).
    #[default]
    Auto,
    /// Transpose solves with the factors; L is never formed.
    Solve,
    /// Form L once and multiply.
    Inverse,
}

/// The footprint accounts of one extension. Column layouts:
/// `d_cba`, `d_imp`: (consuming region, demanded sector), region-major;
/// `d_pba`, `d_exp`: producing industry; `*_reg`: region.
#[derive(Debug, Clone, PartialEq)]
pub struct Accounts {
    /// Multipliers M = S L = Σ_p M^(p) (pymrio `M`), stressors × industries.
    pub m: Mat<f64>,
    pub d_cba: Mat<f64>,
    pub d_pba: Mat<f64>,
    pub d_imp: Mat<f64>,
    pub d_exp: Mat<f64>,
    pub d_cba_reg: Mat<f64>,
    pub d_pba_reg: Mat<f64>,
    pub d_imp_reg: Mat<f64>,
    pub d_exp_reg: Mat<f64>,
}

/// Regional accounts per head (pymrio `D_*_cap`), stressors × regions.
#[derive(Debug, Clone, PartialEq)]
pub struct PerCapita {
    pub d_cba_cap: Mat<f64>,
    pub d_pba_cap: Mat<f64>,
    pub d_imp_cap: Mat<f64>,
    pub d_exp_cap: Mat<f64>,
}

/// The footprint accounts for stressor coefficients `s` (k × n), final
/// demand by region `y_agg` (n × R, see [`crate::dims::final_demand_by_region`])
/// and optional final-demand stressors by region `f_y_agg` (k × R).
pub fn accounts(
    leontief: &(impl LeontiefSolve + ?Sized),
    s: MatRef<'_, f64>,
    y_agg: MatRef<'_, f64>,
    f_y_agg: Option<MatRef<'_, f64>>,
    dims: Dims,
    route: AccountsRoute,
) -> Result<Accounts, IoMathError> {
    let n = dims.n();
    let k = s.nrows();
    let r_n = dims.n_regions;
    if leontief.n() != n {
        return Err(IoMathError::Shape {
            what: "factored I - A".into(),
            got_rows: leontief.n(),
            got_cols: leontief.n(),
            want_rows: n,
            want_cols: n,
            hint: "the factors must belong to a table of these dimensions".into(),
        });
    }
    dims.check_industry_cols("S", s)?;
    check_shape(
        "Y_agg",
        (y_agg.nrows(), y_agg.ncols()),
        (n, r_n),
        "industries × regions (final demand summed over categories)",
    )?;
    let use_solves = match route {
        AccountsRoute::Solve => true,
        AccountsRoute::Inverse => false,
        AccountsRoute::Auto => {
            let nf = n as f64;
            let solve = 2.0 * nf * nf * (r_n * (k + 1)) as f64;
            let inverse = 4.0 / 3.0 * nf * nf * nf + 2.0 * nf * nf * (k + r_n) as f64;
            solve <= inverse
        }
    };
    if use_solves {
        let x_r = leontief.solve(y_agg)?;
        accounts_from_output(leontief, s, y_agg, f_y_agg, dims, x_r)
    } else {
        let l = leontief.inverse()?;
        accounts_with_l(l.as_ref(), s, y_agg, f_y_agg, dims)
    }
}

/// Most right-hand sides of one batched solve for the M^(p) (bounds the
/// memory of the block and of the iterative solver's basis).
pub const MAX_BLOCK: usize = 512;

/// The accounts by the solve route, with X_R = L Y_agg given (so that a
/// caller with several extensions solves it once). The M^(p) of as many
/// producing regions as fit in [`MAX_BLOCK`] columns come from one block
/// transpose solve, so that the iterative solver works on wide blocks.
pub fn accounts_from_output(
    leontief: &(impl LeontiefSolve + ?Sized),
    s: MatRef<'_, f64>,
    y_agg: MatRef<'_, f64>,
    f_y_agg: Option<MatRef<'_, f64>>,
    dims: Dims,
    x_r: Mat<f64>,
) -> Result<Accounts, IoMathError> {
    accounts_reusing(leontief, s, y_agg, f_y_agg, dims, x_r, None)
}

/// Transpose solves already made for one row vector w: `solved` is n × R
/// with column p = Lᵀ (w masked to the industries of region p). Rows of S
/// equal to w (bit for bit) take their M^(p) rows from it instead of new
/// solves: in `plenum analyze` the value-added extension's S is v_c, whose
/// masked solves the domestic value-added multipliers need anyway.
#[derive(Debug, Clone, Copy)]
pub struct SolvedMasks<'a> {
    pub w: ColRef<'a, f64>,
    pub solved: MatRef<'a, f64>,
}

/// [`accounts_from_output`], taking the M^(p) rows of stressors equal to
/// `reuse.w` from `reuse.solved`.
pub fn accounts_reusing(
    leontief: &(impl LeontiefSolve + ?Sized),
    s: MatRef<'_, f64>,
    y_agg: MatRef<'_, f64>,
    f_y_agg: Option<MatRef<'_, f64>>,
    dims: Dims,
    x_r: Mat<f64>,
    reuse: Option<SolvedMasks<'_>>,
) -> Result<Accounts, IoMathError> {
    let n = dims.n();
    let k = s.nrows();
    let r_n = dims.n_regions;
    dims.check_industry_cols("S", s)?;
    check_shape(
        "X_R",
        (x_r.nrows(), x_r.ncols()),
        (n, r_n),
        "industries × regions (L Y_agg)",
    )?;
    if let Some(u) = reuse {
        check_shape("w", (u.w.nrows(), 1), (n, 1), "one entry per industry")?;
        check_shape(
            "solved masks",
            (u.solved.nrows(), u.solved.ncols()),
            (n, r_n),
            "industries × regions",
        )?;
    }
    // Stressors taken from `reuse`, and the others, which are solved.
    let known: Vec<bool> = (0..k)
        .map(|kk| reuse.is_some_and(|u| (0..n).all(|j| s[(kk, j)].to_bits() == u.w[j].to_bits())))
        .collect();
    let todo: Vec<usize> = (0..k).filter(|&kk| !known[kk]).collect();
    let kt = todo.len();
    let group = (MAX_BLOCK / kt.max(1)).max(1);
    let mut cache: Vec<Mat<f64>> = Vec::new();
    let mut cache_start = 0usize;
    assemble(s, y_agg, f_y_agg, dims, x_r, |p| {
        if kt > 0 && (p < cache_start || p >= cache_start + cache.len()) {
            let end = (p + group).min(r_n);
            let rhs = Mat::<f64>::from_fn(n, (end - p) * kt, |j, c| {
                if dims.region_of(j) == p + c / kt {
                    s[(todo[c % kt], j)]
                } else {
                    0.0
                }
            });
            let mt = leontief.solve_transpose(rhs.as_ref())?;
            cache = (p..end)
                .map(|q| mt.subcols((q - p) * kt, kt).transpose().to_owned())
                .collect();
            cache_start = p;
        }
        let mut m_p = Mat::<f64>::zeros(k, n);
        let mut t = 0usize;
        for kk in 0..k {
            if known[kk] {
                if let Some(u) = reuse {
                    for j in 0..n {
                        m_p[(kk, j)] = u.solved[(j, p)];
                    }
                }
            } else {
                let c = &cache[p - cache_start];
                for j in 0..n {
                    m_p[(kk, j)] = c[(t, j)];
                }
                t += 1;
            }
        }
        Ok(m_p)
    })
}

/// The same accounts from an explicit L (pymrio's inputs).
pub fn accounts_with_l(
    l: MatRef<'_, f64>,
    s: MatRef<'_, f64>,
    y_agg: MatRef<'_, f64>,
    f_y_agg: Option<MatRef<'_, f64>>,
    dims: Dims,
) -> Result<Accounts, IoMathError> {
    let n = dims.n();
    let r_n = dims.n_regions;
    check_shape(
        "L",
        (l.nrows(), l.ncols()),
        (n, n),
        "industries × industries",
    )?;
    dims.check_industry_cols("S", s)?;
    check_shape(
        "Y_agg",
        (y_agg.nrows(), y_agg.ncols()),
        (n, r_n),
        "industries × regions",
    )?;
    let x_r = l * y_agg;
    assemble(s, y_agg, f_y_agg, dims, x_r, |p| {
        let block = dims.industries_of(p);
        let sp = s.subcols(block.start, block.len());
        let lp = l.subrows(block.start, block.len());
        Ok(sp * lp)
    })
}

/// Combines M^(p) (from `m_of`) and X_R = L Y_agg into the accounts.
fn assemble(
    s: MatRef<'_, f64>,
    y_agg: MatRef<'_, f64>,
    f_y_agg: Option<MatRef<'_, f64>>,
    dims: Dims,
    x_r: Mat<f64>,
    mut m_of: impl FnMut(usize) -> Result<Mat<f64>, IoMathError>,
) -> Result<Accounts, IoMathError> {
    let n = dims.n();
    let k = s.nrows();
    let r_n = dims.n_regions;
    let ns = dims.n_sectors;
    if let Some(f) = f_y_agg {
        check_shape(
            "F_Y_agg",
            (f.nrows(), f.ncols()),
            (k, r_n),
            "stressors × regions (F_Y summed over categories)",
        )?;
    }
    let mut d_cba = Mat::<f64>::zeros(k, n);
    let mut d_imp = Mat::<f64>::zeros(k, n);
    let mut m = Mat::<f64>::zeros(k, n);
    // C_p[:, (r, s)] = Σ_r' M^(p)[:, (r', s)] Y_agg[(r', s), r], added to
    // D_cba, and to D_imp where p ≠ r; inner loops over the sectors of a
    // block, on contiguous slices.
    let mut row = vec![0.0f64; n];
    let mut acc = vec![0.0f64; ns];
    for p in 0..r_n {
        let m_p = m_of(p)?;
        m += &m_p;
        for kk in 0..k {
            for (j, v) in row.iter_mut().enumerate() {
                *v = m_p[(kk, j)];
            }
            for r in 0..r_n {
                let y_r = y_agg.col(r).try_as_col_major().map(|c| c.as_slice());
                acc.iter_mut().for_each(|a| *a = 0.0);
                for rp in 0..r_n {
                    let mrow = &row[rp * ns..(rp + 1) * ns];
                    match y_r {
                        Some(y) => {
                            let yb = &y[rp * ns..(rp + 1) * ns];
                            for ((a, mv), yv) in acc.iter_mut().zip(mrow).zip(yb) {
                                *a += mv * yv;
                            }
                        }
                        None => {
                            for (sec, (a, mv)) in acc.iter_mut().zip(mrow).enumerate() {
                                *a += mv * y_agg[(rp * ns + sec, r)];
                            }
                        }
                    }
                }
                for (sec, c) in acc.iter().enumerate() {
                    let col = r * ns + sec;
                    d_cba[(kk, col)] += c;
                    if p != r {
                        d_imp[(kk, col)] += c;
                    }
                }
            }
        }
    }
    let x_tot = Col::<f64>::from_fn(n, |i| (0..r_n).map(|r| x_r[(i, r)]).sum());
    let x_exp = Col::<f64>::from_fn(n, |i| {
        let home = dims.region_of(i);
        (0..r_n).filter(|&r| r != home).map(|r| x_r[(i, r)]).sum()
    });
    let d_pba = Mat::<f64>::from_fn(k, n, |kk, i| s[(kk, i)] * x_tot[i]);
    let d_exp = Mat::<f64>::from_fn(k, n, |kk, i| s[(kk, i)] * x_exp[i]);
    let reg = |m: &Mat<f64>, add_fy: bool| -> Mat<f64> {
        Mat::<f64>::from_fn(k, r_n, |kk, r| {
            let sum: f64 = dims.industries_of(r).map(|j| m[(kk, j)]).sum();
            match (add_fy, f_y_agg) {
                (true, Some(f)) => sum + f[(kk, r)],
                _ => sum,
            }
        })
    };
    Ok(Accounts {
        m,
        d_cba_reg: reg(&d_cba, true),
        d_pba_reg: reg(&d_pba, true),
        d_imp_reg: reg(&d_imp, false),
        d_exp_reg: reg(&d_exp, false),
        d_cba,
        d_pba,
        d_imp,
        d_exp,
    })
}

/// pymrio `D_*_cap`: each regional account divided by the region's
/// population. Populations must be positive and finite.
pub fn per_capita(acc: &Accounts, population: &[f64]) -> Result<PerCapita, IoMathError> {
    let r_n = acc.d_cba_reg.ncols();
    if population.len() != r_n {
        return Err(IoMathError::Invalid {
            what: "population".into(),
            message: format!(
                "{} values for {r_n} regions; give one population per region",
                population.len()
            ),
        });
    }
    if let Some((r, p)) = population
        .iter()
        .enumerate()
        .find(|(_, p)| !(p.is_finite() && **p > 0.0))
    {
        return Err(IoMathError::Invalid {
            what: "population".into(),
            message: format!("region {r} has population {p}; it must be positive"),
        });
    }
    let div =
        |m: &Mat<f64>| Mat::<f64>::from_fn(m.nrows(), r_n, |kk, r| m[(kk, r)] / population[r]);
    Ok(PerCapita {
        d_cba_cap: div(&acc.d_cba_reg),
        d_pba_cap: div(&acc.d_pba_reg),
        d_imp_cap: div(&acc.d_imp_reg),
        d_exp_cap: div(&acc.d_exp_reg),
    })
}
