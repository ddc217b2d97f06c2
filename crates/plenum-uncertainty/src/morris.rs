//! Morris elementary-effects screening (Morris 1991), with μ* (Campolongo,
//! Cariboni and Saltelli 2007), as SALib 1.6's `morris` computes it.
//!
//! Design: r trajectories on a p-level grid of the unit cube
//! {0, 1/(p−1), …, 1}, step Δ = p/(2(p−1)). Trajectory t is Morris's
//! B* = (J·x* + (Δ/2)·((2B − J)·D* + J))·P*: a random base point x* on the
//! levels ≤ 1 − Δ, B the (D+1)×D strictly lower-triangular matrix of ones,
//! D* a random diagonal of ±1 (directions) and P* a random permutation
//! (order). Consecutive rows differ in one coordinate by ±Δ. Unit values
//! map to parameters by x = F⁻¹(u).
//!
//! Analysis: the elementary effect of the coordinate that changes between
//! rows i and i+1 is EE = ±(y_{i+1} − y_i)/Δ, the sign making it the
//! effect of an increase; μ = mean EE, μ* = mean |EE|, σ = sd(EE) (ddof 1),
//! and the μ* confidence half-width z·sd of bootstrap means of |EE|. Effects
//! are in output units per unit of the cube (SALib's convention), so μ*
//! ranks parameters whatever their units.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dist::Dist;
use crate::error::{bad_input, Result};
use crate::special::norm_ppf;
use crate::stats::std_dev;

/// Δ = p/(2(p − 1)).
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

fn check_levels(levels: usize) -> Result<()> {
    if levels < 2 || levels & 1 == 1 {
        return Err(bad_input(
            format!("Morris needs an even number of levels ≥ 2, got {levels}"),
            "use 4 (the usual choice) or another even number",
        ));
    }
    Ok(())
}

/// `r` trajectories of `d + 1` rows each on the unit cube (row-major, rows of length d).
pub fn morris_unit(d: usize, r: usize, levels: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
    check_levels(levels)?;
    if d == 0 || r < 2 {
        return Err(bad_input(
            format!("Morris needs at least one parameter and two trajectories (D = {d}, r = {r})"),
            "name a parameter and ask for r ≥ 2 (10 to 50 is usual)",
        ));
    }
    let dl = delta(levels);
    let step = 1.0 / (levels as f64 - 1.0);
    // Base levels i/(p−1) ≤ 1 − Δ, i.e. i < p/2.
    let n_base = levels / 2;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(r * (d + 1));
    for _ in 0..r {
        let xs: Vec<f64> = (0..d)
            .map(|_| rng.random_range(0..n_base) as f64 * step)
            .collect();
        let dirs: Vec<f64> = (0..d)
            .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
            .collect();
        let mut perm: Vec<usize> = (0..d).collect();
        perm.shuffle(&mut rng);
        for i in 0..=d {
            let mut row = vec![0.0; d];
            for j in 0..d {
                let bij = if i > j { 1.0 } else { 0.0 };
                row[perm[j]] = xs[j] + dl / 2.0 * ((2.0 * bij - 1.0) * dirs[j] + 1.0);
            }
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The design mapped through each parameter's quantile function.
pub fn morris_sample(dists: &[Dist], r: usize, levels: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
    for d in dists {
        d.validate()?;
    }
    let mut rows = morris_unit(dists.len(), r, levels, seed)?;
    for row in &mut rows {
        for (x, d) in row.iter_mut().zip(dists) {
            *x = d.quantile(*x);
        }
    }
    Ok(rows)
}

/// Morris measures of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    pub mu: Vec<f64>,
    pub mu_star: Vec<f64>,
    pub sigma: Vec<f64>,
    pub mu_star_conf: Vec<f64>,
}

/// Elementary effects (one vector per parameter) of a design `x` (the
/// unit-cube rows or the mapped ones: only the sign of each step is read)
/// with outputs `y`.
pub fn elementary_effects(x: &[Vec<f64>], y: &[f64], levels: usize) -> Result<Vec<Vec<f64>>> {
    check_levels(levels)?;
    let d = x.first().map_or(0, |r| r.len());
    if d == 0 || x.len() != y.len() || x.len().checked_rem(d + 1) != Some(0) {
        return Err(bad_input(
            format!(
                "{} rows and {} outputs do not make Morris trajectories of {d} parameters",
                x.len(),
                y.len()
            ),
            "pass every row of the design and one output per row",
        ));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(bad_input(
            format!("output of run {i} is {}", y[i]),
            "repair failed runs before the analysis",
        ));
    }
    let dl = delta(levels);
    let mut ee = vec![Vec::with_capacity(x.len() / (d + 1)); d];
    for t in 0..x.len() / (d + 1) {
        for i in 0..d {
            let (a, b) = (&x[t * (d + 1) + i], &x[t * (d + 1) + i + 1]);
            let changed: Vec<usize> = (0..d).filter(|&j| a[j] != b[j]).collect();
            if changed.len() != 1 {
                return Err(bad_input(
                    format!(
                        "rows {} and {} of trajectory {t} differ in {} parameters, not one",
                        i,
                        i + 1,
                        changed.len()
                    ),
                    "pass the design's rows unchanged and in order",
                ));
            }
            let j = changed[0];
            let dy = y[t * (d + 1) + i + 1] - y[t * (d + 1) + i];
            ee[j].push(if b[j] > a[j] { dy } else { -dy } / dl);
        }
    }
    Ok(ee)
}

/// μ, μ*, σ and the μ* confidence half-width.
pub fn morris_analyze(
    x: &[Vec<f64>],
    y: &[f64],
    levels: usize,
    resamples: usize,
    conf_level: f64,
    seed: u64,
) -> Result<MorrisIndices> {
    let ee = elementary_effects(x, y, levels)?;
    let z = norm_ppf(0.5 + conf_level / 2.0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = MorrisIndices {
        mu: vec![],
        mu_star: vec![],
        sigma: vec![],
        mu_star_conf: vec![],
    };
    for e in &ee {
        let n = e.len() as f64;
        out.mu.push(e.iter().sum::<f64>() / n);
        out.mu_star.push(e.iter().map(|v| v.abs()).sum::<f64>() / n);
        out.sigma
            .push(if e.len() > 1 { std_dev(e, 1) } else { f64::NAN });
        let boot: Vec<f64> = (0..resamples)
            .map(|_| {
                (0..e.len())
                    .map(|_| e[rng.random_range(0..e.len())].abs())
                    .sum::<f64>()
                    / n
            })
            .collect();
        out.mu_star_conf.push(if resamples > 1 {
            z * std_dev(&boot, 1)
        } else {
            f64::NAN
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_move_one_coordinate_by_delta_on_the_grid() {
        let (d, r, p) = (5, 20, 4);
        let x = morris_unit(d, r, p, 3).unwrap();
        assert_eq!(x.len(), r * (d + 1));
        let dl = delta(p);
        for t in 0..r {
            let mut moved = vec![false; d];
            for i in 0..d {
                let (a, b) = (&x[t * (d + 1) + i], &x[t * (d + 1) + i + 1]);
                let ch: Vec<usize> = (0..d).filter(|&j| a[j] != b[j]).collect();
                assert_eq!(ch.len(), 1);
                assert!(((a[ch[0]] - b[ch[0]]).abs() - dl).abs() < 1e-12);
                moved[ch[0]] = true;
            }
            assert!(moved.iter().all(|&m| m));
            for v in x[t * (d + 1)..(t + 1) * (d + 1)].iter().flatten() {
                let k = v * (p - 1) as f64;
                assert!((k - k.round()).abs() < 1e-12 && (0.0..=1.0).contains(v));
            }
        }
    }

    #[test]
    fn linear_model_has_exact_effects() {
        // y = 3·x0 − 2·x1 + 0·x2: every EE equals the coefficient.
        let x = morris_unit(3, 10, 4, 1).unwrap();
        let y: Vec<f64> = x.iter().map(|r| 3.0 * r[0] - 2.0 * r[1]).collect();
        let m = morris_analyze(&x, &y, 4, 100, 0.95, 0).unwrap();
        assert!((m.mu[0] - 3.0).abs() < 1e-12 && (m.mu[1] + 2.0).abs() < 1e-12);
        assert!((m.mu_star[1] - 2.0).abs() < 1e-12 && m.mu_star[2] == 0.0);
        assert!(m.sigma[0] < 1e-12);
    }
}
