//! Sample statistics: mean, variance, quantiles.
//!
//! Quantiles are R's type 7 (numpy's default "linear"): for sorted values
//! x₀ ≤ … ≤ x_{n−1} and probability p, h = (n − 1)p and
//! Q(p) = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋₊₁ − x_⌊h⌋) (Hyndman and Fan 1996).

/// Mean (NaN for an empty slice).
pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Variance with `ddof` degrees of freedom removed (numpy's `var(ddof)`).
pub fn variance(x: &[f64], ddof: usize) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() as f64 - ddof as f64)
}

/// Standard deviation with `ddof` degrees of freedom removed.
pub fn std_dev(x: &[f64], ddof: usize) -> f64 {
    variance(x, ddof).sqrt()
}

/// Type-7 quantile of already sorted, NaN-free values (NaN if empty).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    if i + 1 >= n {
        return sorted[n - 1];
    }
    sorted[i] + (h - i as f64) * (sorted[i + 1] - sorted[i])
}

/// Type-7 quantiles of `x` at each of `ps`; NaN values are left out.
pub fn quantiles(x: &[f64], ps: &[f64]) -> Vec<f64> {
    let mut s: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    s.sort_by(f64::total_cmp);
    ps.iter().map(|&p| quantile_sorted(&s, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.quantile([3, 1, 4, 1, 5, 9, 2, 6], [0.05, 0.25, 0.5, 0.75, 0.95])
        // = [1.0, 1.75, 3.5, 5.25, 7.95]
        let q = quantiles(
            &[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0],
            &[0.05, 0.25, 0.5, 0.75, 0.95],
        );
        let want = [1.0, 1.75, 3.5, 5.25, 7.95];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
        assert!(quantiles(&[], &[0.5])[0].is_nan());
        assert_eq!(quantiles(&[f64::NAN, 2.0], &[0.5]), vec![2.0]);
        assert!((variance(&[1.0, 2.0, 3.0, 4.0], 0) - 1.25).abs() < 1e-15);
        assert!((variance(&[1.0, 2.0, 3.0, 4.0], 1) - 5.0 / 3.0).abs() < 1e-15);
    }
}
