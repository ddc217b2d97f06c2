//! The Sobol' low-discrepancy sequence (Sobol' 1967), with the Joe–Kuo
//! direction numbers (new-joe-kuo-6.21201; Joe and Kuo 2008), generated in
//! Gray-code order (Antonov and Saleev 1979) on 31 bits, exactly as
//! SALib's `sobol_sequence.sample` does (the first point is the origin).
//!
//! For dimension d with primitive polynomial of degree s and interior
//! coefficients a, and initial integers m₁ … m_s, the direction numbers are
//! V_j = m_j·2^(31−j) for j ≤ s and
//! V_j = V_{j−s} ⊕ (V_{j−s} ≫ s) ⊕ ⨁_{k=1}^{s−1} a_k·V_{j−k} after; point
//! i+1 is point i XOR V_c, c the position of the lowest zero bit of i.

use crate::error::{bad_input, Result};
use crate::joe_kuo::directions as direction_table;

const SCALE: u32 = 31;

/// Largest dimension supported.
pub fn max_dim() -> usize {
    direction_table().len() + 1
}

/// Direction numbers V_1 … V_L of dimension `d` (0-based).
fn directions(d: usize, l: usize) -> Vec<u32> {
    let mut v = vec![0u32; l + 1];
    if d == 0 {
        for j in 1..=l {
            v[j] = 1 << (SCALE as usize - j);
        }
        return v;
    }
    let m = &direction_table()[d - 1];
    let a = m[0];
    let s = m.len() - 1;
    for j in 1..=l.min(s) {
        v[j] = m[j] << (SCALE as usize - j);
    }
    for j in s + 1..=l {
        v[j] = v[j - s] ^ (v[j - s] >> s);
        for k in 1..s {
            v[j] ^= ((a >> (s - 1 - k)) & 1) * v[j - k];
        }
    }
    v
}

/// The first `n` points of the `dim`-dimensional Sobol' sequence, row-major
/// (`n × dim`), the origin first (SALib's `sobol_sequence.sample(n, dim)`).
pub fn sobol_points(n: usize, dim: usize) -> Result<Vec<f64>> {
    if dim == 0 || dim > max_dim() {
        return Err(bad_input(
            format!(
                "a Sobol' sequence of {dim} dimensions was asked for; 1 to {} are supported",
                max_dim()
            ),
            "analyse fewer parameters at once",
        ));
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    let l = (n as f64).log2().ceil() as usize;
    if l > SCALE as usize {
        return Err(bad_input(
            format!("{n} Sobol' points need more than {SCALE} bits"),
            "ask for fewer than 2^31 points",
        ));
    }
    let mut out = vec![0.0; n * dim];
    let denom = (1u64 << SCALE) as f64;
    for d in 0..dim {
        let v = directions(d, l.max(1));
        let mut x = 0u32;
        for j in 1..n {
            let c = ((j - 1) as u64).trailing_ones() as usize + 1;
            x ^= v[c];
            out[j * dim + d] = x as f64 / denom;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_are_the_textbook_ones() {
        let p = sobol_points(8, 2).unwrap();
        // (0,0), (.5,.5), (.75,.25), (.25,.75), (.375,.375), (.875,.875), (.625,.125), (.125,.625)
        let want = [
            0.0, 0.0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375, 0.875, 0.875, 0.625, 0.125,
            0.125, 0.625,
        ];
        assert_eq!(p, want);
        assert!(sobol_points(4, max_dim() + 1).is_err());
    }

    #[test]
    fn each_dimension_is_stratified() {
        // Every 2^k consecutive points from 0 put one point in each interval of 1/2^k.
        let dim = 40;
        let p = sobol_points(256, dim).unwrap();
        for d in 0..dim {
            let mut seen = [false; 256];
            for i in 0..256 {
                seen[(p[i * dim + d] * 256.0) as usize] = true;
            }
            assert!(seen.iter().all(|&s| s), "dimension {d}");
        }
    }
}
