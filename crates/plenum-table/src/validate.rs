//! Validation of a table at load.
//!
//! Checks, in order, each a typed [`TableError`] naming the labels:
//! 1. shapes agree with the labels (Z n×n, Y n×R·F, x n, V K×n, extensions);
//! 2. no NaN or infinity anywhere;
//! 3. gross output is not negative;
//! 4. zero-output industries: an industry with x = 0 and any non-zero input or
//!    sale is inconsistent and always rejected; one with no flows at all is
//!    rejected or, under [`ZeroOutputPolicy::TreatAsAbsent`], recorded so that
//!    its column of A is defined as 0 (never a silent 0/0);
//!    in a TTL table ([`ImportTreatment::CompetitiveTotal`]) a product with
//!    zero output may have uses (all imported), balanced by the negative
//!    import column: there only its inputs count as flows;
//! 5. row balance `Z·1 + Y·1 = x` and column balance `1'Z (+ 1'Z_m) + 1'V = x'`
//!    within a relative tolerance `|lhs − x| / max(|x|, floor)`, reporting the
//!    worst industries;
//! 6. productivity of `A = Z diag(x)⁻¹`: every column sum `Σ_i a_ij < 1`, and
//!    the spectral radius ρ(A) < 1. For non-negative A, ρ(A) ≤ max column
//!    sum, so (6a) implies (6b); if A has negative entries ρ(|A|) ≥ ρ(A) is
//!    estimated by power iteration and must be below 1.
//!    Under `allow_negative_value_added` a column sum ≥ 1 is accepted and
//!    only ρ(|A|) < 1 (power iteration) is required.

use faer::{Col, Mat};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{TableError, WorstEntry};
use crate::flows::Flows;
pub use crate::folds::ColumnFolds;
use crate::labels::Labels;
use crate::table::{ImportTreatment, TableParts};

/// What to do with industries whose gross output is zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ZeroOutputPolicy {
    /// Reject the table, naming the industries.
    #[default]
    Reject,
    /// Accept industries with zero output *and no flows*; their columns of
    /// A, B and the multipliers are defined as 0 and the table records them.
    TreatAsAbsent,
}

/// Tolerances and policies of validation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValidationPolicy {
    /// Relative tolerance of the row and column balances. `None` skips the
    /// balance checks (for tables known to hold statistical discrepancies).
    pub balance_rtol: Option<f64>,
    /// Denominator floor of the relative imbalance, in table units, so that
    /// tiny industries do not dominate the check.
    pub balance_floor: f64,
    pub zero_output: ZeroOutputPolicy,
    /// How many worst offenders an error lists.
    pub report_worst: usize,
    /// Accept industries whose intermediate inputs exceed their output
    /// (a column sum of A ≥ 1, i.e. negative value added, as published for
    /// a few industries of the OECD national tables) provided the table stays
    /// productive, ρ(A) < 1. Off by default.
    #[serde(default)]
    pub allow_negative_value_added: bool,
}

impl Default for ValidationPolicy {
    fn default() -> Self {
        Self {
            balance_rtol: Some(1e-6),
            balance_floor: 1.0,
            zero_output: ZeroOutputPolicy::Reject,
            report_worst: 5,
            allow_negative_value_added: false,
        }
    }
}

impl ValidationPolicy {
    /// A policy for published tables that are rounded or hold small
    /// discrepancies: balance within `rtol`, zero-output industries allowed.
    pub fn lenient(rtol: f64) -> Self {
        Self {
            balance_rtol: Some(rtol),
            zero_output: ZeroOutputPolicy::TreatAsAbsent,
            ..Self::default()
        }
    }
}

/// What validation measured on an accepted table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Largest relative row imbalance.
    pub max_row_imbalance: f64,
    /// Largest relative column imbalance.
    pub max_col_imbalance: f64,
    /// Industries with zero output, treated as absent.
    pub zero_output: Vec<usize>,
    /// Largest column sum of A.
    pub max_a_colsum: f64,
    /// Upper bound of the spectral radius of A (max column sum of |A|, or a
    /// power-iteration estimate when that bound is not below 1).
    pub spectral_bound: f64,
}

fn shape(
    matrix: &str,
    m: (usize, usize),
    want: (usize, usize),
    hint: &str,
) -> Result<(), TableError> {
    if m != want {
        return Err(TableError::Shape {
            matrix: matrix.to_string(),
            got_rows: m.0,
            got_cols: m.1,
            want_rows: want.0,
            want_cols: want.1,
            hint: hint.to_string(),
        });
    }
    Ok(())
}

fn finite(
    matrix: &str,
    m: &Mat<f64>,
    row_label: impl Fn(usize) -> String,
    col_label: impl Fn(usize) -> String,
) -> Result<(), TableError> {
    // The first one in column-major order (what a serial scan would meet
    // first): fixed chunks of columns on the thread pool, the first chunk
    // that has one wins.
    let (nr, nc) = (m.nrows(), m.ncols());
    let first = (0..nc.div_ceil(COLS_PER_TASK))
        .into_par_iter()
        .find_map_first(|c| {
            (c * COLS_PER_TASK..((c + 1) * COLS_PER_TASK).min(nc)).find_map(|j| {
                let col = m.col(j);
                (0..nr).find_map(|i| (!col[i].is_finite()).then(|| (i, j, col[i])))
            })
        });
    if let Some((i, j, v)) = first {
        return Err(TableError::NonFinite {
            matrix: matrix.to_string(),
            row: i,
            col: j,
            row_label: row_label(i),
            col_label: col_label(j),
            value: v,
        });
    }
    Ok(())
}

/// Columns per task in the parallel passes over a matrix (a fixed split,
/// so results never depend on the thread count).
const COLS_PER_TASK: usize = 64;
/// Rows per task in [`row_sums`].
const ROWS_PER_TASK: usize = 512;

/// Σ_i m_ij per column, each in row order (as `Iterator::sum`), columns in
/// parallel.
fn col_sums(m: &Mat<f64>) -> Vec<f64> {
    (0..m.ncols())
        .into_par_iter()
        .map(|j| m.col(j).iter().sum())
        .collect()
}

/// Σ_j m_ij per row, each accumulated over j in order from 0.0; blocks of
/// rows in parallel (each row's order of additions is the serial one, so
/// the bits do not depend on the threads).
pub(crate) fn row_sums(m: &Mat<f64>) -> Vec<f64> {
    let mut out = vec![0.0; m.nrows()];
    out.par_chunks_mut(ROWS_PER_TASK)
        .enumerate()
        .for_each(|(b, o)| {
            let r0 = b * ROWS_PER_TASK;
            for j in 0..m.ncols() {
                let col = m.col(j).subrows(r0, o.len());
                for (o, v) in o.iter_mut().zip(col.iter()) {
                    *o += *v;
                }
            }
        });
    out
}

fn worst(labels: &Labels, values: &[f64], k: usize, pred: impl Fn(f64) -> bool) -> Vec<WorstEntry> {
    let mut idx: Vec<usize> = (0..values.len()).filter(|&i| pred(values[i])).collect();
    idx.sort_by(|&a, &b| values[b].abs().total_cmp(&values[a].abs()));
    idx.truncate(k);
    idx.into_iter()
        .map(|i| WorstEntry {
            label: labels.industry_name(i),
            value: values[i],
        })
        .collect()
}

/// A hint for a balance error: negative intermediate flows, the usual cause
/// of an imbalance in an edited table (a sign typed into Z), named with the
/// largest one. Empty when Z has none (issue 14, defect 7).
fn negative_flows(labels: &Labels, z: &Flows) -> String {
    let (count, largest) = z.negatives();
    match largest {
        None => String::new(),
        Some((i, j, v)) => format!(
            "; Z has {count} negative intermediate flow{}, the largest {v:.6e} from {} to {}: \
             intermediate flows are non-negative, so check the sign of that cell",
            if count == 1 { "" } else { "s" },
            labels.industry_name(i),
            labels.industry_name(j),
        ),
    }
}

/// Validates `p` under `policy`. See the module docs for the checks.
pub fn validate(p: &TableParts, policy: &ValidationPolicy) -> Result<ValidationReport, TableError> {
    validate_with_folds(p, policy, None)
}

/// [`validate`], with Z's sums and scans already gathered (by a reader, as
/// Z streamed in: [`ColumnFolds`]); folds that are not complete for Z's
/// shape are ignored. The report and the errors are the same bit for bit.
pub fn validate_with_folds(
    p: &TableParts,
    policy: &ValidationPolicy,
    z_folds: Option<&ColumnFolds>,
) -> Result<ValidationReport, TableError> {
    // Z's passes, gathered by the reader or here in two passes.
    let own;
    let z_folds = match z_folds.filter(|f| f.is_complete_for(p.z.nrows(), p.z.ncols())) {
        Some(f) => f,
        None => {
            own = ColumnFolds::of_flows(&p.z);
            &own
        }
    };
    let l = &p.labels;
    let n = l.n_industries();
    let nfd = l.n_fd_columns();
    let nk = l.va_components().len();

    shape(
        "Z",
        (p.z.nrows(), p.z.ncols()),
        (n, n),
        "industries × industries",
    )?;
    shape(
        "Y",
        (p.y.nrows(), p.y.ncols()),
        (n, nfd),
        "industries × (regions × final-demand categories)",
    )?;
    shape(
        "x",
        (p.x.nrows(), 1),
        (n, 1),
        "one gross output per industry",
    )?;
    shape(
        "V",
        (p.v.nrows(), p.v.ncols()),
        (nk, n),
        "value-added components × industries",
    )?;
    if let Some(m) = &p.imported_use {
        shape(
            "Z_imported",
            (m.z.nrows(), m.z.ncols()),
            (n, n),
            "products × industries",
        )?;
        shape(
            "Y_imported",
            (m.y.nrows(), m.y.ncols()),
            (n, nfd),
            "products × final-demand columns",
        )?;
    }
    for e in &p.extensions {
        if e.stressors.len() != e.units.len() {
            return Err(TableError::Extension {
                extension: e.name.clone(),
                message: format!(
                    "{} stressors but {} units",
                    e.stressors.len(),
                    e.units.len()
                ),
            });
        }
        shape(
            &format!("{}.F", e.name),
            (e.f.nrows(), e.f.ncols()),
            (e.stressors.len(), n),
            "stressors × industries",
        )?;
        if let Some(fy) = &e.f_y {
            shape(
                &format!("{}.F_Y", e.name),
                (fy.nrows(), fy.ncols()),
                (e.stressors.len(), nfd),
                "stressors × final-demand columns",
            )?;
        }
    }

    let ind = |i: usize| l.industry_name(i);
    let fdc = |j: usize| l.fd_column_name(j);
    if let Some((i, j, v)) = z_folds.first_nonfinite {
        return Err(TableError::NonFinite {
            matrix: "Z".into(),
            row: i,
            col: j,
            row_label: ind(i),
            col_label: ind(j),
            value: v,
        });
    }
    finite("Y", &p.y, ind, fdc)?;
    for i in 0..n {
        let v = p.x[i];
        if !v.is_finite() {
            return Err(TableError::NonFinite {
                matrix: "x".into(),
                row: i,
                col: 0,
                row_label: ind(i),
                col_label: "output".into(),
                value: v,
            });
        }
    }
    finite("V", &p.v, |k| l.va_components()[k].clone(), ind)?;
    if let Some(m) = &p.imported_use {
        finite("Z_imported", &m.z, ind, ind)?;
        finite("Y_imported", &m.y, ind, fdc)?;
    }
    for e in &p.extensions {
        finite(
            &format!("{}.F", e.name),
            &e.f,
            |k| e.stressors[k].clone(),
            ind,
        )?;
        if let Some(fy) = &e.f_y {
            finite(
                &format!("{}.F_Y", e.name),
                fy,
                |k| e.stressors[k].clone(),
                fdc,
            )?;
        }
    }

    let x: Vec<f64> = p.x.iter().copied().collect();
    let neg = worst(l, &x, usize::MAX, |v| v < 0.0);
    if !neg.is_empty() {
        return Err(TableError::NegativeOutput { industries: neg });
    }

    // Zero output: flows in or out make the table inconsistent. Z's
    // largest entry per column, found in one pass when first needed.
    let mut zero = Vec::new();
    let mut z_col_max: Option<Vec<f64>> = None;
    for (i, &xi) in x.iter().enumerate() {
        if xi == 0.0 {
            let mut largest = 0.0f64;
            // In a TTL table a product the economy does not make may still
            // be used: all its uses are imported, the negative import column
            // of Y balances its row (checked by the row balance below), and
            // only its inputs must be zero.
            let sales_count = p.meta.imports != ImportTreatment::CompetitiveTotal;
            if sales_count {
                largest = largest.max(p.z.row_max_abs(i));
            }
            let z_in = match p.z.as_dense() {
                Some(z) => z.col(i).iter().fold(0.0f64, |a, v| a.max(v.abs())),
                None => z_col_max.get_or_insert_with(|| p.z.col_max_abs())[i],
            };
            largest = largest.max(z_in);
            if sales_count {
                for c in 0..nfd {
                    largest = largest.max(p.y[(i, c)].abs());
                }
            }
            for k in 0..nk {
                largest = largest.max(p.v[(k, i)].abs());
            }
            if let Some(m) = &p.imported_use {
                for k in 0..n {
                    largest = largest.max(m.z[(k, i)].abs());
                }
            }
            if largest > 0.0 {
                let tol = policy
                    .balance_rtol
                    .map(|r| r * policy.balance_floor)
                    .unwrap_or(0.0);
                if largest > tol {
                    return Err(TableError::ZeroOutputWithFlows {
                        industry: ind(i),
                        largest,
                    });
                }
            }
            zero.push(i);
        }
    }
    // Whatever the policy: a table with no output at all is degenerate, not
    // a table with absent industries (issue 14, defect 6).
    if n > 0 && zero.len() == n {
        return Err(TableError::NoOutput { n });
    }
    if !zero.is_empty() && policy.zero_output == ZeroOutputPolicy::Reject {
        return Err(TableError::ZeroOutput {
            industries: zero.iter().map(|&i| ind(i)).collect(),
        });
    }

    let (zc, zr) = (&z_folds.col_sums, &z_folds.row_sums);
    let yr = row_sums(&p.y);
    let vc = col_sums(&p.v);
    let mc = p.imported_use.as_ref().map(|m| col_sums(&m.z));
    let rel = |lhs: f64, xi: f64| (lhs - xi) / xi.abs().max(policy.balance_floor);
    let row_imb: Vec<f64> = (0..n).map(|i| rel(zr[i] + yr[i], x[i])).collect();
    let col_imb: Vec<f64> = if nk == 0 {
        vec![0.0; n]
    } else {
        (0..n)
            .map(|j| rel(zc[j] + vc[j] + mc.as_ref().map_or(0.0, |m| m[j]), x[j]))
            .collect()
    };
    let max_abs = |v: &[f64]| v.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let report_row = max_abs(&row_imb);
    let report_col = max_abs(&col_imb);
    if let Some(tol) = policy.balance_rtol {
        if report_row > tol {
            return Err(TableError::RowImbalance {
                tolerance: tol,
                worst: worst(l, &row_imb, policy.report_worst, |v| v.abs() > tol),
                hint: negative_flows(l, &p.z),
            });
        }
        if report_col > tol {
            return Err(TableError::ColumnImbalance {
                tolerance: tol,
                worst: worst(l, &col_imb, policy.report_worst, |v| v.abs() > tol),
                hint: negative_flows(l, &p.z),
            });
        }
    }

    // Productivity. Column sums of A = (1'Z)_j / x_j, without forming A.
    let a_col: Vec<f64> = (0..n)
        .map(|j| if x[j] > 0.0 { zc[j] / x[j] } else { 0.0 })
        .collect();
    let bad = worst(l, &a_col, policy.report_worst.max(1) * 4, |v| v >= 1.0);
    if !bad.is_empty() && !policy.allow_negative_value_added {
        return Err(TableError::NonProductiveColumns { industries: bad });
    }
    let max_a_colsum = a_col.iter().cloned().fold(0.0, f64::max);
    let has_negative = z_folds.any_negative;
    let spectral_bound = if has_negative || !bad.is_empty() {
        let abs_col: Vec<f64> =
            p.z.col_abs_sums()
                .into_iter()
                .zip(&x)
                .map(|(s, &xj)| if xj > 0.0 { s / xj } else { 0.0 })
                .collect();
        let bound = abs_col.iter().cloned().fold(0.0, f64::max);
        if bound < 1.0 {
            bound
        } else {
            let rho = perron_abs(&p.z, &x);
            if rho >= 1.0 {
                return Err(TableError::NonProductiveSpectral {
                    radius: rho,
                    industries: worst(l, &abs_col, policy.report_worst, |v| v >= 1.0),
                });
            }
            rho
        }
    } else {
        max_a_colsum
    };

    Ok(ValidationReport {
        max_row_imbalance: report_row,
        max_col_imbalance: report_col,
        zero_output: zero,
        max_a_colsum,
        spectral_bound,
    })
}

/// Power-iteration estimate of ρ(|A|) with |A| = |Z| diag(x)⁻¹, never forming A
/// nor |Z|: each step is one pass of [`Flows::abs_mul`] over Z as stored,
/// which gives the same bits for a dense Z and its sparse twin (each row's
/// terms added in column order), so the report does not depend on storage.
fn perron_abs(z: &Flows, x: &[f64]) -> f64 {
    let n = x.len();
    let mut v = Col::<f64>::from_fn(n, |_| 1.0 / n as f64);
    let mut rho = 0.0;
    for _ in 0..500 {
        let scaled: Vec<f64> = (0..n)
            .map(|j| if x[j] > 0.0 { v[j] / x[j] } else { 0.0 })
            .collect();
        let w = z.abs_mul(&scaled);
        let w = Col::<f64>::from_fn(n, |i| w[i]);
        let norm: f64 = w.iter().sum();
        if norm == 0.0 {
            return 0.0;
        }
        let new_rho = norm / v.iter().sum::<f64>();
        v = w * faer::Scale(1.0 / norm);
        if (new_rho - rho).abs() < 1e-12 * new_rho.max(1e-300) {
            return new_rho;
        }
        rho = new_rho;
    }
    rho
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded matrix spanning several row and column tasks, with values
    /// whose sums depend on the order of additions.
    fn matrix(nr: usize, nc: usize, seed: u64) -> Mat<f64> {
        let mut s = seed;
        Mat::from_fn(nr, nc, |_, _| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            (u - 0.3) * 10f64.powi((s % 17) as i32 - 8)
        })
    }

    /// The parallel sums are the serial loops' bits.
    #[test]
    fn parallel_sums_equal_serial_sums_bit_for_bit() {
        for (nr, nc, seed) in [
            (1100, 130, 1),
            (513, 65, 2),
            (1, 1, 3),
            (0, 5, 4),
            (7, 0, 5),
        ] {
            let m = matrix(nr, nc, seed);
            let cs: Vec<f64> = (0..nc)
                .map(|j| (0..nr).map(|i| m[(i, j)]).sum::<f64>())
                .collect();
            let mut rs = vec![0.0; nr];
            for j in 0..nc {
                for (i, r) in rs.iter_mut().enumerate() {
                    *r += m[(i, j)];
                }
            }
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&col_sums(&m)), bits(&cs));
            assert_eq!(bits(&row_sums(&m)), bits(&rs));
        }
    }

    /// The reported non-finite entry is the first in column-major order,
    /// also when later chunks hold others.
    #[test]
    fn first_non_finite_in_column_major_order() {
        let mut m = matrix(300, 200, 9);
        let label = |i: usize| format!("l{i}");
        assert!(finite("Z", &m, label, label).is_ok());
        m[(250, 190)] = f64::NAN;
        m[(5, 150)] = f64::INFINITY;
        m[(299, 70)] = f64::NEG_INFINITY;
        m[(0, 71)] = f64::NAN;
        match finite("Z", &m, label, label) {
            Err(TableError::NonFinite {
                row, col, value, ..
            }) => {
                assert_eq!((row, col, value), (299, 70, f64::NEG_INFINITY));
            }
            other => panic!("expected NonFinite, got {other:?}"),
        }
    }

    fn folds_of(m: &Mat<f64>) -> ColumnFolds {
        let mut f = ColumnFolds::new(m.nrows(), m.ncols());
        for j in 0..m.ncols() {
            let col: Vec<f64> = m.col(j).iter().copied().collect();
            f.push_column(&col);
        }
        f
    }

    /// Folds gathered column by column are validation's passes bit for bit:
    /// sums, the first non-finite entry and the negative scan.
    #[test]
    fn column_folds_equal_the_passes_bit_for_bit() {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (nr, nc, seed) in [(1100, 130, 1), (513, 65, 2), (1, 1, 3), (0, 5, 4)] {
            let m = matrix(nr, nc, seed);
            let f = folds_of(&m);
            assert!(f.is_complete_for(nr, nc));
            assert!(!f.is_complete_for(nr, nc + 1));
            assert_eq!(bits(&f.col_sums), bits(&col_sums(&m)));
            assert_eq!(bits(&f.row_sums), bits(&row_sums(&m)));
            let neg = (0..nc).any(|j| m.col(j).iter().any(|v| *v < 0.0));
            assert_eq!(f.any_negative, neg);
            assert_eq!(f.first_nonfinite, None);
            assert_eq!(ColumnFolds::of_matrix(&m), f, "whole-matrix folds");
            let mut g = ColumnFolds::new(nr, nc);
            for j in 0..nc {
                for i in 0..nr {
                    g.push_entry(m[(i, j)]);
                }
            }
            assert!(g.is_complete_for(nr, nc) || nr == 0);
            if nr > 0 {
                assert_eq!(bits(&g.col_sums), bits(&f.col_sums), "entry by entry");
                assert_eq!(bits(&g.row_sums), bits(&f.row_sums));
                assert_eq!((g.any_negative, g.first_nonfinite), (neg, None));
            }
        }
        // Columns folded one by one as a reader does (ColumnFold) and put
        // together with row sums added in column order: the same folds,
        // non-finite entries included.
        for (nr, nc, seed) in [(1100, 130, 5), (513, 65, 6), (1, 1, 7)] {
            let mut m = matrix(nr, nc, seed);
            if nr > 100 {
                m[(nr - 1, 40)] = f64::NAN;
                m[(3, 41)] = f64::INFINITY;
            }
            let mut rs = vec![0.0; nr];
            let cols: Vec<crate::ColumnFold> = (0..nc)
                .map(|j| {
                    for (i, r) in rs.iter_mut().enumerate() {
                        *r += m[(i, j)];
                    }
                    crate::ColumnFold::of_column(m.col_as_slice(j))
                })
                .collect();
            let slices: Vec<&[f64]> = (0..nc).map(|j| m.col_as_slice(j)).collect();
            for (a, b) in crate::ColumnFold::of_columns(&slices).iter().zip(&cols) {
                assert_eq!(a.sum.to_bits(), b.sum.to_bits(), "of_columns");
                assert_eq!(format!("{a:?}"), format!("{b:?}"));
            }
            assert_eq!(crate::ColumnFold::of_columns(&slices).len(), nc);
            let g = ColumnFolds::from_columns(nr, cols, rs);
            let f = folds_of(&m);
            assert!(g.is_complete_for(nr, nc));
            assert_eq!(bits(&g.col_sums), bits(&f.col_sums), "from columns");
            assert_eq!(bits(&g.row_sums), bits(&f.row_sums));
            assert_eq!(g.any_negative, f.any_negative);
            assert_eq!(
                format!("{:?}", g.first_nonfinite),
                format!("{:?}", f.first_nonfinite)
            );
            assert_eq!(f.first_nonfinite.is_some(), nr > 100);
            let short = ColumnFolds::from_columns(nr, Vec::new(), vec![0.0; nr + 1]);
            assert!(
                !short.is_complete_for(nr, 0),
                "row sums of the wrong length"
            );
        }
        let mut m = matrix(300, 200, 9).map(|v| v.abs());
        assert!(!folds_of(&m).any_negative);
        m[(250, 190)] = f64::NAN;
        m[(299, 70)] = f64::NEG_INFINITY;
        m[(0, 71)] = -1.0;
        let f = folds_of(&m);
        assert_eq!(f.first_nonfinite, Some((299, 70, f64::NEG_INFINITY)));
        assert!(f.any_negative);
        let mut e = ColumnFolds::new(300, 200);
        for j in 0..200 {
            for i in 0..300 {
                e.push_entry(m[(i, j)]);
            }
        }
        assert_eq!(e.first_nonfinite, f.first_nonfinite);
        assert_eq!(bits(&e.col_sums), bits(&f.col_sums));
        e.push_entry(1.0); // one too many
        assert!(!e.is_complete_for(300, 200));
        let g = ColumnFolds::of_matrix(&m);
        assert_eq!(g.first_nonfinite, f.first_nonfinite);
        assert_eq!(g.any_negative, f.any_negative);
        assert_eq!(bits(&g.col_sums), bits(&f.col_sums));
        assert_eq!(bits(&g.row_sums), bits(&f.row_sums));
        // A column of the wrong length or one too many: never complete.
        let mut f = ColumnFolds::new(2, 1);
        f.push_column(&[1.0]);
        assert!(!f.is_complete_for(2, 1));
        let mut f = ColumnFolds::new(1, 1);
        f.push_column(&[1.0]);
        f.push_column(&[1.0]);
        assert!(!f.is_complete_for(1, 1));
    }
}
