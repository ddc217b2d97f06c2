//! Seeded synthetic world tables for tests and benchmarks.
//!
//! Output x_i is drawn first; intermediate flows follow a gravity form
//! z_ij ∝ u_ij x_i x_j, with domestic blocks weighted up and some cells
//! zero, scaled so that every row sells at most 60 % and every column buys
//! at most 65 % of its output as intermediates; the rest of each row is
//! final demand, spread over destinations (home-biased) and categories.
//! Rows then balance exactly and value added is positive. The generator is
//! SplitMix64, so a seed gives the same table on every platform.

use faer::{Col, Mat};
use plenum_table::{Labels, Metadata, MrioTable, TableParts, ValidationPolicy};

use crate::error::GvcError;

/// SplitMix64: small, fast, reproducible.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// A random balanced table with `regions` × `sectors` industries and
/// `fd` final-demand categories. `sparsity` is the probability that an
/// interregional cell is zero.
pub fn random_table(
    regions: usize,
    sectors: usize,
    fd: usize,
    sparsity: f64,
    seed: u64,
) -> Result<MrioTable, GvcError> {
    let mut rng = SplitMix64::new(seed);
    let n = regions * sectors;
    let region_names: Vec<String> = (0..regions).map(|r| format!("R{r:02}")).collect();
    let sector_names: Vec<String> = (0..sectors).map(|s| format!("S{s:02}")).collect();
    let fd_names: Vec<String> = (0..fd).map(|f| format!("F{f}")).collect();
    let size: Vec<f64> = (0..regions).map(|_| 0.2 + 2.0 * rng.uniform()).collect();
    let x0: Vec<f64> = (0..n)
        .map(|i| size[i / sectors] * (10.0 + 90.0 * rng.uniform()))
        .collect();
    let mut z = Mat::<f64>::zeros(n, n);
    for j in 0..n {
        for i in 0..n {
            let dom = i / sectors == j / sectors;
            if !dom && rng.uniform() < sparsity {
                continue;
            }
            let w = if dom { 8.0 } else { 1.0 };
            z[(i, j)] = w * rng.uniform() * x0[i] * x0[j];
        }
    }
    let mut rows = vec![0.0; n];
    let mut cols = vec![0.0; n];
    for j in 0..n {
        for i in 0..n {
            rows[i] += z[(i, j)];
            cols[j] += z[(i, j)];
        }
    }
    let mut scale = f64::INFINITY;
    for i in 0..n {
        if rows[i] > 0.0 {
            scale = scale.min(0.6 * x0[i] / rows[i]);
        }
        if cols[i] > 0.0 {
            scale = scale.min(0.65 * x0[i] / cols[i]);
        }
    }
    z *= faer::Scale(scale);
    let mut y = Mat::<f64>::zeros(n, regions * fd);
    for i in 0..n {
        let fin = x0[i] - rows[i] * scale;
        let home = i / sectors;
        let weights: Vec<f64> = (0..regions * fd)
            .map(|c| {
                let w = rng.uniform();
                if c / fd == home {
                    6.0 * w
                } else {
                    w
                }
            })
            .collect();
        let tot: f64 = weights.iter().sum();
        for (c, w) in weights.iter().enumerate() {
            y[(i, c)] = fin * w / tot;
        }
    }
    let mut x = Col::<f64>::zeros(n);
    for i in 0..n {
        let mut s = 0.0;
        for j in 0..n {
            s += z[(i, j)];
        }
        for c in 0..regions * fd {
            s += y[(i, c)];
        }
        x[i] = s;
    }
    let mut v = Mat::<f64>::zeros(1, n);
    for j in 0..n {
        let c: f64 = (0..n).map(|i| z[(i, j)]).sum();
        v[(0, j)] = x[j] - c;
    }
    let parts = TableParts {
        meta: Metadata {
            name: format!("synthetic-{regions}x{sectors}-seed{seed}"),
            currency: "XXX".into(),
            unit: "1".into(),
            source: "plenum_gvc::synthetic::random_table".into(),
            ..Metadata::default()
        },
        labels: Labels::new(region_names, sector_names, fd_names, vec!["VA".into()])?,
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: vec![],
    };
    Ok(MrioTable::new(parts, &ValidationPolicy::default())?)
}
