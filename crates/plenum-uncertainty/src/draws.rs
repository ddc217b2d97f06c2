//! Seeded Monte Carlo draws of a parameter vector.
//!
//! Parameter j's draws come from their own ChaCha8 stream (seed, stream j),
//! so draw i of parameter j is the same number whatever the other
//! parameters are, whether some are fixed, and however many draws are
//! asked for (the first N draws of a run of M > N draws are the N draws).
//! This keeps common random numbers common: a scenario that fixes one
//! parameter sees the same draws of all the others.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::dist::Dist;
use crate::error::Result;

/// `n` draws of each distribution: `out[i][j]` is draw i of parameter j.
pub fn draw_matrix(dists: &[Dist], n: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
    let streams: Vec<u64> = (0..dists.len() as u64).collect();
    draw_matrix_streams(dists, &streams, n, seed)
}

/// As [`draw_matrix`], parameter j drawn from stream `streams[j]` (a
/// parameter's fixed number, such as its row in a table, so that its draws
/// do not depend on which other parameters are drawn).
pub fn draw_matrix_streams(
    dists: &[Dist],
    streams: &[u64],
    n: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>> {
    let mut out = vec![vec![0.0; dists.len()]; n];
    for (j, d) in dists.iter().enumerate() {
        let s = d.sampler()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(streams.get(j).copied().unwrap_or(j as u64));
        for row in out.iter_mut() {
            row[j] = s.draw(&mut rng);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_per_parameter_and_prefix_stable() {
        let a = Dist::Uniform { lo: 0.0, hi: 1.0 };
        let b = Dist::Normal {
            mean: 0.0,
            sd: 1.0,
            lo: -2.0,
            hi: 2.0,
        };
        let m1 = draw_matrix(&[a, b], 50, 11).unwrap();
        let m2 = draw_matrix(&[a, Dist::Fixed { value: 0.3 }], 80, 11).unwrap();
        for i in 0..50 {
            assert_eq!(m1[i][0].to_bits(), m2[i][0].to_bits());
            assert_eq!(m2[i][1], 0.3);
        }
        assert_ne!(draw_matrix(&[a], 1, 12).unwrap()[0][0], m1[0][0]);
    }
}
