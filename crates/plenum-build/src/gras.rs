//! GRAS: biproportional balancing of a matrix with positive and negative
//! entries (Junius & Oosterhaven 2003; the formulation and the closed-form
//! steps follow Temurshoev, Miller & Bouwmeester 2013, "A note on the GRAS
//! method", Economic Systems Research 25(3); see also Lenzen et al. 2007).
//!
//! Given a prior A (m × n), split into its positive and negative parts
//! A = P − N (P, N ≥ 0), and targets u (row sums) and v (column sums), GRAS
//! finds positive multipliers r (rows) and s (columns) such that
//!
//!   X = diag(r) P diag(s) − diag(r)⁻¹ N diag(s)⁻¹,   X 1 = u,   1'X = v.
//!
//! Positive cells are scaled up by r_i s_j, negative cells down by the same
//! factor, so every cell keeps its sign and zeros stay zero. For non-negative
//! A this is RAS. Each half-step has a closed form: with p_i = Σ_j P_ij s_j
//! and n_i = Σ_j N_ij / s_j, the row condition r_i p_i − n_i / r_i = u_i is a
//! quadratic in r_i whose positive root is
//!
//!   r_i = (u_i + √(u_i² + 4 p_i n_i)) / (2 p_i)    (p_i > 0),
//!   r_i = −n_i / u_i                               (p_i = 0, u_i < 0),
//!
//! and columns likewise. Rows and columns alternate until the row residuals
//! left after a column step are below the tolerance; the column targets are
//! then met exactly (to rounding) and the row targets within the tolerance.
//!
//! Infeasible inputs are refused before iterating, with a typed
//! [`GrasError`]: targets whose totals differ, a non-zero target on an
//! all-zero line, a target whose sign no scaling of the line's prior can
//! reach. Infeasibility hidden in the zero pattern (a set of rows that can
//! only reach a set of columns too small for them) shows as
//! [`GrasError::NotConverged`], naming the worst line.
//!
//! The work is two dense matrix-vector products per iteration over the
//! column-major P, plus the same over the columns that hold negative
//! entries; nothing is allocated inside the loop.

use faer::Mat;

use crate::error::{GrasError, Side};

/// Tolerances of [`gras`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrasOptions {
    /// Relative tolerance: a line is met when |sum − target| ≤
    /// `rtol` · max(|target|, `floor`).
    pub rtol: f64,
    /// Absolute floor of the tolerance's denominator, in table units, so
    /// that tiny targets are judged in absolute terms.
    pub floor: f64,
    /// Iterations (row step plus column step) before giving up.
    pub max_iter: usize,
}

impl Default for GrasOptions {
    fn default() -> Self {
        Self {
            rtol: 1e-10,
            floor: 1.0,
            max_iter: 10_000,
        }
    }
}

/// What a GRAS run did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GrasReport {
    /// Iterations used (each a row step and a column step).
    pub iterations: usize,
    /// Largest |row sum − target| of the result, in table units.
    pub max_row_residual: f64,
    /// Largest |column sum − target| of the result, in table units.
    pub max_col_residual: f64,
    /// Largest relative residual (as in [`GrasOptions::rtol`]) over rows and
    /// columns.
    pub max_rel_residual: f64,
}

/// Positive root of r·p − n/r = u (see the module docs); `None` when the
/// line is empty (then its multiplier does not matter).
#[inline]
fn multiplier(p: f64, n: f64, u: f64) -> f64 {
    if p > 0.0 {
        if n > 0.0 {
            let d = (u * u + 4.0 * p * n).sqrt();
            // Two algebraically equal forms, chosen to avoid cancellation.
            if u >= 0.0 {
                (u + d) / (2.0 * p)
            } else {
                2.0 * n / (d - u)
            }
        } else {
            // u ≥ 0 here (checked before iterating); u = 0 zeroes the line.
            (u / p).max(0.0)
        }
    } else if n > 0.0 {
        // u < 0 here (checked); u = 0 lines had their negatives removed.
        -n / u
    } else {
        1.0
    }
}

#[inline]
fn inv(x: f64) -> f64 {
    // A zero multiplier only occurs on a line without negative entries, so
    // its inverse is never multiplied by a non-zero N entry.
    if x == 0.0 {
        0.0
    } else {
        1.0 / x
    }
}

fn check_finite(what: &'static str, side: Side, v: &[f64]) -> Result<(), GrasError> {
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(GrasError::NonFinite {
            what,
            side,
            index,
            value: v[index],
        }),
        None => Ok(()),
    }
}

/// Checks one line's sign feasibility. Returns `true` when the line must be
/// zeroed (zero target on a one-signed line, reached only in the limit).
fn line_feasible(
    side: Side,
    index: usize,
    has_p: bool,
    has_n: bool,
    target: f64,
    tol: f64,
) -> Result<bool, GrasError> {
    match (has_p, has_n) {
        (false, false) if target.abs() > tol => Err(GrasError::ZeroLine {
            side,
            index,
            target,
        }),
        (true, false) if target < -tol => Err(GrasError::SignInfeasible {
            side,
            index,
            target,
            prior_sign: "positive",
        }),
        (false, true) if target > tol => Err(GrasError::SignInfeasible {
            side,
            index,
            target,
            prior_sign: "negative",
        }),
        (true, false) | (false, true) => Ok(target.abs() <= tol),
        _ => Ok(false),
    }
}

/// Balances `prior` to row sums `u` and column sums `v` by GRAS. See the
/// module docs for the method and the errors.
pub fn gras(
    prior: &Mat<f64>,
    u: &[f64],
    v: &[f64],
    opts: &GrasOptions,
) -> Result<(Mat<f64>, GrasReport), GrasError> {
    let (m, n) = (prior.nrows(), prior.ncols());
    if u.len() != m || v.len() != n {
        return Err(GrasError::Shape {
            rows: m,
            cols: n,
            row_targets: u.len(),
            col_targets: v.len(),
        });
    }
    check_finite("row targets", Side::Row, u)?;
    check_finite("column targets", Side::Column, v)?;
    for j in 0..n {
        check_finite("prior", Side::Column, prior.col_as_slice(j))?;
    }
    let tol = |t: f64| opts.rtol * t.abs().max(opts.floor);

    let (su, sv): (f64, f64) = (u.iter().sum(), v.iter().sum());
    let scale = u
        .iter()
        .chain(v.iter())
        .map(|x| x.abs())
        .sum::<f64>()
        .max(opts.floor);
    // Totals must agree to the tolerance of the whole problem; rounding of
    // the inputs is allowed for by `rtol` times the total magnitude.
    if (su - sv).abs() > opts.rtol.max(1e-12) * scale * 10.0 {
        return Err(GrasError::TotalsDiffer {
            row_total: su,
            col_total: sv,
        });
    }

    // P and N, column-major like the prior.
    let mut p = Mat::<f64>::zeros(m, n);
    let mut nn = Mat::<f64>::zeros(m, n);
    let mut row_p = vec![false; m];
    let mut row_n = vec![false; m];
    let mut col_p = vec![false; n];
    let mut col_n = vec![false; n];
    for j in 0..n {
        let a = prior.col_as_slice(j);
        let pc = p.col_as_slice_mut(j);
        for i in 0..m {
            if a[i] > 0.0 {
                pc[i] = a[i];
                row_p[i] = true;
                col_p[j] = true;
            }
        }
        let nc = nn.col_as_slice_mut(j);
        for i in 0..m {
            if a[i] < 0.0 {
                nc[i] = -a[i];
                row_n[i] = true;
                col_n[j] = true;
            }
        }
    }
    // Lines with a zero target and one sign are zeroed outright (their
    // multiplier would go to 0 or infinity).
    for i in 0..m {
        if line_feasible(Side::Row, i, row_p[i], row_n[i], u[i], tol(u[i]))? {
            for j in 0..n {
                p[(i, j)] = 0.0;
                nn[(i, j)] = 0.0;
            }
        }
    }
    for j in 0..n {
        if line_feasible(Side::Column, j, col_p[j], col_n[j], v[j], tol(v[j]))? {
            p.col_as_slice_mut(j).fill(0.0);
            nn.col_as_slice_mut(j).fill(0.0);
        }
    }
    let neg_cols: Vec<usize> = (0..n)
        .filter(|&j| nn.col_as_slice(j).iter().any(|&x| x > 0.0))
        .collect();

    let mut r = vec![1.0; m];
    let mut s = vec![1.0; n];
    let mut pr = vec![0.0; m];
    let mut nr = vec![0.0; m];
    let mut iterations = 0;
    loop {
        // p = P s, n = N s⁻¹ (row sums of the current column scaling).
        pr.fill(0.0);
        nr.fill(0.0);
        for j in 0..n {
            let sj = s[j];
            for (acc, &a) in pr.iter_mut().zip(p.col_as_slice(j)) {
                *acc += a * sj;
            }
        }
        for &j in &neg_cols {
            let isj = inv(s[j]);
            for (acc, &a) in nr.iter_mut().zip(nn.col_as_slice(j)) {
                *acc += a * isj;
            }
        }
        // Residuals of the rows under the current r: the convergence test,
        // free because p and n were needed anyway.
        if iterations > 0 {
            let mut worst = (0.0f64, Side::Row, 0usize);
            for i in 0..m {
                let sum = r[i] * pr[i] - nr[i] * inv(r[i]);
                let rel = (sum - u[i]).abs() / u[i].abs().max(opts.floor);
                if rel > worst.0 {
                    worst = (rel, Side::Row, i);
                }
            }
            if worst.0 <= opts.rtol {
                break;
            }
            if iterations >= opts.max_iter {
                return Err(GrasError::NotConverged {
                    iterations,
                    max_rel_residual: worst.0,
                    side: worst.1,
                    index: worst.2,
                    tolerance: opts.rtol,
                });
            }
        }
        for i in 0..m {
            r[i] = multiplier(pr[i], nr[i], u[i]);
        }
        // Column step: p_j = Σ_i P_ij r_i, n_j = Σ_i N_ij / r_i.
        let ir: Vec<f64> = if neg_cols.is_empty() {
            Vec::new()
        } else {
            r.iter().map(|&x| inv(x)).collect()
        };
        let mut k = 0;
        for j in 0..n {
            let pj: f64 = p.col_as_slice(j).iter().zip(&r).map(|(a, b)| a * b).sum();
            let nj: f64 = if k < neg_cols.len() && neg_cols[k] == j {
                k += 1;
                nn.col_as_slice(j).iter().zip(&ir).map(|(a, b)| a * b).sum()
            } else {
                0.0
            };
            s[j] = multiplier(pj, nj, v[j]);
        }
        iterations += 1;
    }

    // X = diag(r) P diag(s) − diag(r)⁻¹ N diag(s)⁻¹.
    let mut x = Mat::<f64>::zeros(m, n);
    for j in 0..n {
        let sj = s[j];
        let xc = x.col_as_slice_mut(j);
        for ((o, &a), &ri) in xc.iter_mut().zip(p.col_as_slice(j)).zip(&r) {
            *o = ri * a * sj;
        }
    }
    for &j in &neg_cols {
        let isj = inv(s[j]);
        let xc = x.col_as_slice_mut(j);
        for ((o, &a), &ri) in xc.iter_mut().zip(nn.col_as_slice(j)).zip(&r) {
            if a > 0.0 {
                *o -= a * inv(ri) * isj;
            }
        }
    }
    let report = residuals(&x, u, v, opts.floor, iterations);
    Ok((x, report))
}

/// Residuals of `x` against the targets.
pub fn residuals(x: &Mat<f64>, u: &[f64], v: &[f64], floor: f64, iterations: usize) -> GrasReport {
    let mut rs = vec![0.0; x.nrows()];
    let mut rep = GrasReport {
        iterations,
        ..GrasReport::default()
    };
    for (j, &vj) in v.iter().enumerate() {
        let c = x.col_as_slice(j);
        let mut cs = 0.0;
        for (acc, &a) in rs.iter_mut().zip(c) {
            *acc += a;
            cs += a;
        }
        let d = (cs - vj).abs();
        rep.max_col_residual = rep.max_col_residual.max(d);
        rep.max_rel_residual = rep.max_rel_residual.max(d / vj.abs().max(floor));
    }
    for (s, &ui) in rs.iter().zip(u) {
        let d = (s - ui).abs();
        rep.max_row_residual = rep.max_row_residual.max(d);
        rep.max_rel_residual = rep.max_rel_residual.max(d / ui.abs().max(floor));
    }
    rep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat(rows: &[&[f64]]) -> Mat<f64> {
        Mat::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j])
    }

    fn sums(x: &Mat<f64>) -> (Vec<f64>, Vec<f64>) {
        let r = (0..x.nrows())
            .map(|i| (0..x.ncols()).map(|j| x[(i, j)]).sum())
            .collect();
        let c = (0..x.ncols())
            .map(|j| (0..x.nrows()).map(|i| x[(i, j)]).sum())
            .collect();
        (r, c)
    }

    /// A prior that already meets its targets comes back unchanged.
    #[test]
    fn fixed_point() {
        let a = mat(&[&[1.0, -2.0, 3.0], &[4.0, 5.0, -1.0]]);
        let (u, v) = sums(&a);
        let (x, rep) = gras(&a, &u, &v, &GrasOptions::default()).unwrap();
        for i in 0..2 {
            for j in 0..3 {
                assert!((x[(i, j)] - a[(i, j)]).abs() < 1e-12);
            }
        }
        assert!(rep.iterations <= 2, "{rep:?}");
    }

    /// RAS on a non-negative 2x2 with a closed-form answer: a rank-one prior
    /// balances to the product of the margins over the total.
    #[test]
    fn ras_rank_one_known_answer() {
        let a = mat(&[&[1.0, 1.0], &[1.0, 1.0]]);
        let u = [30.0, 70.0];
        let v = [40.0, 60.0];
        let (x, _) = gras(&a, &u, &v, &GrasOptions::default()).unwrap();
        for i in 0..2 {
            for j in 0..2 {
                let want = u[i] * v[j] / 100.0;
                assert!((x[(i, j)] - want).abs() < 1e-8, "{i},{j}: {}", x[(i, j)]);
            }
        }
    }

    /// The textbook RAS example of Miller & Blair (2009, sec. 7.4.1 style):
    /// a 3x3 non-negative prior, checked against the fixed point conditions
    /// and against the cross-product ratios RAS preserves:
    /// x_ij x_kl / (x_il x_kj) = a_ij a_kl / (a_il a_kj).
    #[test]
    fn ras_preserves_cross_ratios() {
        let a = mat(&[
            &[120.0, 40.0, 130.0],
            &[30.0, 250.0, 20.0],
            &[70.0, 60.0, 200.0],
        ]);
        let u = [421.0, 284.0, 599.0];
        let v = [298.0, 383.0, 623.0];
        let (x, rep) = gras(&a, &u, &v, &GrasOptions::default()).unwrap();
        let (rs, cs) = sums(&x);
        for i in 0..3 {
            assert!((rs[i] - u[i]).abs() < 1e-7, "{rs:?}");
            assert!((cs[i] - v[i]).abs() < 1e-7, "{cs:?}");
        }
        let cr = |m: &Mat<f64>, i: usize, j: usize, k: usize, l: usize| {
            m[(i, j)] * m[(k, l)] / (m[(i, l)] * m[(k, j)])
        };
        for (i, j, k, l) in [(0, 0, 1, 1), (0, 1, 2, 2), (1, 0, 2, 2)] {
            assert!((cr(&x, i, j, k, l) - cr(&a, i, j, k, l)).abs() < 1e-8);
        }
        assert!(rep.max_rel_residual < 1e-9);
    }

    /// GRAS with a negative entry, solved by hand. Prior
    ///   [ 2  -1 ]
    ///   [ 1   1 ]
    /// with targets chosen from known multipliers r = (2, 1), s = (1, 0.5):
    /// X = [2·2·1, −1/(2·0.5); 1·1·1, 1·1·0.5] = [4, −1; 1, 0.5].
    /// The GRAS solution is unique (Temurshoev et al. 2013), so it must
    /// return exactly this X.
    #[test]
    fn gras_negative_known_answer() {
        let a = mat(&[&[2.0, -1.0], &[1.0, 1.0]]);
        let want = mat(&[&[4.0, -1.0], &[1.0, 0.5]]);
        let (u, v) = sums(&want);
        let (x, rep) = gras(&a, &u, &v, &GrasOptions::default()).unwrap();
        for i in 0..2 {
            for j in 0..2 {
                assert!(
                    (x[(i, j)] - want[(i, j)]).abs() < 1e-8,
                    "{i},{j}: {} vs {}",
                    x[(i, j)],
                    want[(i, j)]
                );
            }
        }
        assert!(rep.max_rel_residual < 1e-9, "{rep:?}");
    }

    /// A negative column (an inventory draw-down) with a negative target: the
    /// signs of every cell are kept and the targets met.
    #[test]
    fn negative_column_target() {
        let a = mat(&[&[5.0, 3.0, -1.0], &[2.0, 6.0, -2.0], &[1.0, 1.0, -0.5]]);
        let u = [9.0, 4.0, 1.0];
        let v = [9.0, 10.0, -5.0];
        let (x, _) = gras(&a, &u, &v, &GrasOptions::default()).unwrap();
        let (rs, cs) = sums(&x);
        for i in 0..3 {
            assert!((rs[i] - u[i]).abs() < 1e-8);
            assert!((cs[i] - v[i]).abs() < 1e-8);
            for j in 0..3 {
                assert_eq!(x[(i, j)].signum(), a[(i, j)].signum());
            }
        }
    }

    /// Seeded property test: random sign-mixed priors, targets taken from a
    /// random GRAS-scaling of the prior (so a solution exists); GRAS must
    /// recover the margins and, the solution being unique, the matrix.
    #[test]
    fn seeded_random_recovery() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            // SplitMix64: a fixed-seed generator without a dependency.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..40 {
            let m = 2 + (next() * 6.0) as usize;
            let n = 2 + (next() * 6.0) as usize;
            let a = Mat::from_fn(m, n, |_, _| {
                let z = next();
                if z < 0.15 {
                    -(1.0 + 9.0 * next())
                } else if z < 0.25 {
                    0.0
                } else {
                    1.0 + 9.0 * next()
                }
            });
            let r: Vec<f64> = (0..m).map(|_| 0.5 + 1.5 * next()).collect();
            let s: Vec<f64> = (0..n).map(|_| 0.5 + 1.5 * next()).collect();
            let want = Mat::from_fn(m, n, |i, j| {
                let x = a[(i, j)];
                if x >= 0.0 {
                    r[i] * x * s[j]
                } else {
                    x / (r[i] * s[j])
                }
            });
            let (u, v) = sums(&want);
            let (x, rep) = gras(&a, &u, &v, &GrasOptions::default())
                .unwrap_or_else(|e| panic!("case {case}: {e}"));
            assert!(rep.max_rel_residual < 1e-9, "case {case}: {rep:?}");
            for i in 0..m {
                for j in 0..n {
                    assert!(
                        (x[(i, j)] - want[(i, j)]).abs() < 1e-6 * want[(i, j)].abs().max(1.0),
                        "case {case} ({i},{j}): {} vs {}",
                        x[(i, j)],
                        want[(i, j)]
                    );
                }
            }
        }
    }

    #[test]
    fn infeasible_inputs_are_typed() {
        let o = GrasOptions::default();
        // Totals differ.
        let a = mat(&[&[1.0, 1.0], &[1.0, 1.0]]);
        assert!(matches!(
            gras(&a, &[1.0, 1.0], &[1.0, 2.0], &o),
            Err(GrasError::TotalsDiffer { .. })
        ));
        // Positive target on an all-zero row.
        let a = mat(&[&[0.0, 0.0], &[1.0, 1.0]]);
        assert_eq!(
            gras(&a, &[1.0, 1.0], &[1.0, 1.0], &o).unwrap_err(),
            GrasError::ZeroLine {
                side: Side::Row,
                index: 0,
                target: 1.0
            }
        );
        // Positive target on an all-zero column.
        let a = mat(&[&[1.0, 0.0], &[1.0, 0.0]]);
        assert!(matches!(
            gras(&a, &[1.0, 1.0], &[1.0, 1.0], &o),
            Err(GrasError::ZeroLine {
                side: Side::Column,
                index: 1,
                ..
            })
        ));
        // Negative target on a positive-only column.
        let a = mat(&[&[1.0, 1.0], &[1.0, 1.0]]);
        assert!(matches!(
            gras(&a, &[2.0, 0.0], &[3.0, -1.0], &o),
            Err(GrasError::SignInfeasible {
                side: Side::Column,
                index: 1,
                prior_sign: "positive",
                ..
            })
        ));
        // Positive target on a negative-only row.
        let a = mat(&[&[-1.0, -1.0], &[1.0, 1.0]]);
        assert!(matches!(
            gras(&a, &[1.0, 1.0], &[1.0, 1.0], &o),
            Err(GrasError::SignInfeasible {
                side: Side::Row,
                index: 0,
                prior_sign: "negative",
                ..
            })
        ));
        // Feasible line by line but not jointly: row 0 can only reach column
        // 0, whose target is smaller than row 0's.
        let a = mat(&[&[1.0, 0.0], &[1.0, 1.0]]);
        let e = gras(&a, &[5.0, 1.0], &[2.0, 4.0], &o).unwrap_err();
        assert!(matches!(e, GrasError::NotConverged { .. }), "{e}");
        // NaN in the prior.
        let a = mat(&[&[f64::NAN, 1.0], &[1.0, 1.0]]);
        assert!(matches!(
            gras(&a, &[2.0, 2.0], &[2.0, 2.0], &o),
            Err(GrasError::NonFinite { .. })
        ));
        // Shapes.
        assert!(matches!(
            gras(&a, &[2.0], &[2.0, 2.0], &o),
            Err(GrasError::Shape { .. })
        ));
    }

    /// Zero targets on one-signed lines zero the line instead of diverging.
    #[test]
    fn zero_target_zeroes_line() {
        let a = mat(&[&[1.0, 2.0], &[3.0, 4.0]]);
        let (x, _) = gras(&a, &[0.0, 10.0], &[3.0, 7.0], &GrasOptions::default()).unwrap();
        assert_eq!(x[(0, 0)], 0.0);
        assert_eq!(x[(0, 1)], 0.0);
        assert!((x[(1, 0)] - 3.0).abs() < 1e-9 && (x[(1, 1)] - 7.0).abs() < 1e-9);
    }
}
