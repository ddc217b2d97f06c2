//! Variance-based global sensitivity: Saltelli's sampling design on a
//! Sobol' sequence and the first-order, total and second-order Sobol'
//! indices with bootstrap confidence intervals, as SALib 1.6 computes them.
//!
//! Design (Saltelli 2002): from row i of a 2D-dimensional Sobol' sequence
//! (after `skip` rows) take A = its first D columns and B = its last D. The
//! design has, per base row, A, then A_B^(j) (A with column j from B) for
//! each j, then (for second-order indices) B_A^(j), then B: N·(D + 2) or
//! N·(2D + 2) rows. Unit-cube values map to parameters by x = F⁻¹(u).
//!
//! Estimators, after standardising Y to mean 0 and variance 1 over all
//! runs, with V = Var([f(A); f(B)]) (population variance):
//! - first order (Saltelli et al. 2010, eq. (b) of their Table 2):
//!   S_j = mean(f(B)·(f(A_B^j) − f(A))) / V;
//! - total (Jansen 1999): S_Tj = ½·mean((f(A) − f(A_B^j))²) / V;
//! - second order (Saltelli 2002): S_jk = mean(f(B_A^j)·f(A_B^k) − f(A)·f(B))/V − S_j − S_k.
//!
//! Confidence intervals: each index is re-estimated on `resamples`
//! bootstrap resamples of the N base rows; the half-width is
//! z_{(1+level)/2} · sd (ddof 1) of the resampled estimates (SALib's rule).
//! The resamples come from a seeded ChaCha8 generator, so intervals are
//! reproducible; their exact values differ from SALib's, whose resamples
//! come from numpy.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::dist::Dist;
use crate::error::{bad_input, Result};
use crate::sobol_seq::sobol_points;
use crate::special::norm_ppf;
use crate::stats::{mean, std_dev, variance};

/// SALib's default number of Sobol' rows skipped: the power of two ≥ N, at least 16.
pub fn default_skip(n: usize) -> usize {
    n.max(1).next_power_of_two().max(16)
}

/// Saltelli's design on the unit cube: rows of length `d` (see the module docs).
pub fn saltelli_unit(n: usize, d: usize, second_order: bool, skip: usize) -> Result<Vec<Vec<f64>>> {
    if d == 0 || n == 0 {
        return Err(bad_input(
            format!("a Saltelli design needs N ≥ 1 and at least one parameter (N = {n}, D = {d})"),
            "name at least one parameter and a positive N",
        ));
    }
    let base = sobol_points(n + skip, 2 * d)?;
    let per = if second_order { 2 * d + 2 } else { d + 2 };
    let mut rows = Vec::with_capacity(n * per);
    for i in skip..n + skip {
        let row = &base[i * 2 * d..(i + 1) * 2 * d];
        let (a, b) = row.split_at(d);
        rows.push(a.to_vec());
        for k in 0..d {
            let mut r = a.to_vec();
            r[k] = b[k];
            rows.push(r);
        }
        if second_order {
            for k in 0..d {
                let mut r = b.to_vec();
                r[k] = a[k];
                rows.push(r);
            }
        }
        rows.push(b.to_vec());
    }
    Ok(rows)
}

/// Saltelli's design mapped through each parameter's quantile function.
pub fn saltelli_sample(
    dists: &[Dist],
    n: usize,
    second_order: bool,
    skip: usize,
) -> Result<Vec<Vec<f64>>> {
    for d in dists {
        d.validate()?;
    }
    let mut rows = saltelli_unit(n, dists.len(), second_order, skip)?;
    for r in &mut rows {
        for (x, d) in r.iter_mut().zip(dists) {
            *x = d.quantile(*x);
        }
    }
    Ok(rows)
}

/// Sobol' indices of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub s1: Vec<f64>,
    pub s1_conf: Vec<f64>,
    pub st: Vec<f64>,
    pub st_conf: Vec<f64>,
    /// S_jk for j < k (row j, column k; NaN elsewhere), if asked for.
    pub s2: Option<Vec<Vec<f64>>>,
    pub s2_conf: Option<Vec<Vec<f64>>>,
}

/// Options of [`sobol_analyze`].
#[derive(Debug, Clone, Copy)]
pub struct SobolOptions {
    pub second_order: bool,
    pub resamples: usize,
    pub conf_level: f64,
    pub seed: u64,
}

impl Default for SobolOptions {
    fn default() -> Self {
        Self {
            second_order: false,
            resamples: 100,
            conf_level: 0.95,
            seed: 0,
        }
    }
}

fn first_order(a: &[f64], ab: &[f64], b: &[f64]) -> f64 {
    let v = var_ab(a, b);
    if v.is_nan() {
        return 0.0;
    }
    let s = a
        .iter()
        .zip(ab)
        .zip(b)
        .map(|((a, ab), b)| b * (ab - a))
        .sum::<f64>()
        / a.len() as f64;
    if v > f64::EPSILON {
        s / v
    } else {
        0.0
    }
}

fn total_order(a: &[f64], ab: &[f64], b: &[f64]) -> f64 {
    let v = var_ab(a, b);
    if v.is_nan() {
        return 0.0;
    }
    let s = 0.5
        * a.iter()
            .zip(ab)
            .map(|(a, ab)| (a - ab) * (a - ab))
            .sum::<f64>()
        / a.len() as f64;
    if v > f64::EPSILON {
        s / v
    } else {
        0.0
    }
}

fn second_order(a: &[f64], abj: &[f64], abk: &[f64], baj: &[f64], b: &[f64]) -> f64 {
    let v = var_ab(a, b);
    if v.is_nan() {
        return 0.0;
    }
    let n = a.len() as f64;
    let s = (0..a.len())
        .map(|i| baj[i] * abk[i] - a[i] * b[i])
        .sum::<f64>()
        / n;
    let vjk = if v > f64::EPSILON { s / v } else { 0.0 };
    vjk - first_order(a, abj, b) - first_order(a, abk, b)
}

/// Var([A; B]) (population), or NaN when the outputs are constant
/// (SALib then returns 0 for the index).
fn var_ab(a: &[f64], b: &[f64]) -> f64 {
    let y: Vec<f64> = a.iter().chain(b).copied().collect();
    let (lo, hi) = y
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    if hi - lo <= f64::EPSILON {
        return f64::NAN;
    }
    variance(&y, 0)
}

/// Sobol' indices from the outputs `y` of a Saltelli design with `d`
/// parameters (rows in the design's order).
pub fn sobol_analyze(d: usize, y: &[f64], opt: SobolOptions) -> Result<SobolIndices> {
    let per = if opt.second_order { 2 * d + 2 } else { d + 2 };
    if d == 0 || y.is_empty() || y.len().checked_rem(per) != Some(0) {
        return Err(bad_input(
            format!("{} outputs do not make a Saltelli design of {d} parameters ({per} runs per base row)", y.len()),
            "pass the outputs of every run of the design, in its order, with the same second-order setting",
        ));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(bad_input(
            format!("output of run {i} is {}", y[i]),
            "drop or repair failed runs before the analysis (every design row is needed)",
        ));
    }
    if !(opt.conf_level > 0.0 && opt.conf_level < 1.0) || opt.resamples < 2 {
        return Err(bad_input(
            format!(
                "confidence level {} with {} resamples",
                opt.conf_level, opt.resamples
            ),
            "use a level in (0, 1) and at least 2 resamples",
        ));
    }
    let n = y.len() / per;
    let (m, s) = (mean(y), std_dev(y, 0));
    let ys: Vec<f64> = y.iter().map(|v| (v - m) / s).collect();
    let col = |k: usize| -> Vec<f64> { (0..n).map(|i| ys[i * per + k]).collect() };
    let a = col(0);
    let b = col(per - 1);
    let ab: Vec<Vec<f64>> = (0..d).map(|j| col(j + 1)).collect();
    let ba: Vec<Vec<f64>> = if opt.second_order {
        (0..d).map(|j| col(j + 1 + d)).collect()
    } else {
        Vec::new()
    };

    let mut rng = ChaCha8Rng::seed_from_u64(opt.seed);
    let r: Vec<Vec<usize>> = (0..opt.resamples)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect();
    let pick = |v: &[f64], idx: &[usize]| -> Vec<f64> { idx.iter().map(|&i| v[i]).collect() };
    let z = norm_ppf(0.5 + opt.conf_level / 2.0);
    let boot_sd = |f: &(dyn Fn(&[usize]) -> f64 + Sync)| -> f64 {
        let est: Vec<f64> = r.iter().map(|idx| f(idx)).collect();
        z * std_dev(&est, 1)
    };

    let per_param: Vec<(f64, f64, f64, f64)> = (0..d)
        .into_par_iter()
        .map(|j| {
            let s1 = first_order(&a, &ab[j], &b);
            let st = total_order(&a, &ab[j], &b);
            let s1c =
                boot_sd(&|idx| first_order(&pick(&a, idx), &pick(&ab[j], idx), &pick(&b, idx)));
            let stc =
                boot_sd(&|idx| total_order(&pick(&a, idx), &pick(&ab[j], idx), &pick(&b, idx)));
            (s1, s1c, st, stc)
        })
        .collect();
    let (s2, s2_conf) = if opt.second_order {
        let mut s2 = vec![vec![f64::NAN; d]; d];
        let mut s2c = vec![vec![f64::NAN; d]; d];
        let pairs: Vec<(usize, usize)> = (0..d)
            .flat_map(|j| (j + 1..d).map(move |k| (j, k)))
            .collect();
        let vals: Vec<(f64, f64)> = pairs
            .par_iter()
            .map(|&(j, k)| {
                let v = second_order(&a, &ab[j], &ab[k], &ba[j], &b);
                let c = boot_sd(&|idx| {
                    second_order(
                        &pick(&a, idx),
                        &pick(&ab[j], idx),
                        &pick(&ab[k], idx),
                        &pick(&ba[j], idx),
                        &pick(&b, idx),
                    )
                });
                (v, c)
            })
            .collect();
        for (&(j, k), (v, c)) in pairs.iter().zip(vals) {
            s2[j][k] = v;
            s2c[j][k] = c;
        }
        (Some(s2), Some(s2c))
    } else {
        (None, None)
    };
    Ok(SobolIndices {
        s1: per_param.iter().map(|p| p.0).collect(),
        s1_conf: per_param.iter().map(|p| p.1).collect(),
        st: per_param.iter().map(|p| p.2).collect(),
        st_conf: per_param.iter().map(|p| p.3).collect(),
        s2,
        s2_conf,
    })
}
