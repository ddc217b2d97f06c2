//! Step 1 of the build (see [`crate::build`]'s module docs): one
//! economy's uses split into domestic and imported parts by import
//! proportionality, μ_i = m_i / D_i of every user's use of product i (or
//! the source's own imported uses where it records them), with re-exports
//! netted out of imports and exports.

use faer::Mat;

use crate::national::NationalAccounts;

/// One economy's uses split into total and imported, by product × use
/// (uses = n industries then F categories).
#[derive(Debug, Clone)]
pub struct SplitUses {
    /// T: total uses, n × (n + F).
    pub total: Mat<f64>,
    /// M: imported uses, n × (n + F).
    pub imported: Mat<f64>,
    /// μ_i: imported share of the domestic use of i (1 when capped).
    pub mu: Vec<f64>,
    /// Exports after re-export netting.
    pub exports: Vec<f64>,
    /// Imports after re-export netting (row sums of `imported`).
    pub imports: Vec<f64>,
    /// Re-exports netted out, by product.
    pub reexports: Vec<f64>,
}

/// Splits one economy's uses into domestic and imported parts; see the
/// module docs (step 1). Industries with zero output use nothing; an
/// industry whose intermediate inputs exceed `max_input_share` of its
/// output (negative value added in the source) has them scaled down to it.
pub fn split_imports(nat: &NationalAccounts, max_input_share: f64) -> SplitUses {
    let n = nat.n();
    let nf = nat.fd_categories.len();
    let nu = n + nf;
    // An industry with no output uses nothing (published tables can hold
    // rounding crumbs there).
    // Columns whose intermediate inputs reach the cap (negative value
    // added in the source) are scaled down to it, so that A stays
    // productive.
    let scale: Vec<f64> = (0..n)
        .map(|j| {
            let zin: f64 = nat.u.col_as_slice(j).iter().sum();
            if nat.x[j] > 0.0 && zin > max_input_share * nat.x[j] {
                max_input_share * nat.x[j] / zin
            } else {
                1.0
            }
        })
        .collect();
    let total = Mat::from_fn(n, nu, |i, u| {
        if u < n {
            if nat.x[u] > 0.0 {
                nat.u[(i, u)] * scale[u]
            } else {
                0.0
            }
        } else {
            nat.f[(i, u - n)]
        }
    });
    let mut imported = Mat::<f64>::zeros(n, nu);
    let mut mu = vec![0.0; n];
    let mut exports = vec![0.0; n];
    let mut imports = vec![0.0; n];
    let mut reexports = vec![0.0; n];
    for i in 0..n {
        let m = nat.imports[i].max(0.0);
        let booked = if let Some(im) = &nat.imported {
            for u in 0..nu {
                imported[(i, u)] = if u < n {
                    im.u[(i, u)]
                } else {
                    im.f[(i, u - n)]
                };
            }
            let d: f64 = (0..nu).map(|u| total[(i, u)]).sum();
            let b: f64 = (0..nu).map(|u| imported[(i, u)]).sum();
            mu[i] = if d > 0.0 { b / d } else { 0.0 };
            b
        } else {
            let d: f64 = (0..nu).map(|u| total[(i, u)]).sum();
            // A product the economy does not make is all imported.
            let share = if d <= 0.0 {
                0.0
            } else if nat.x[i] <= 0.0 {
                1.0
            } else {
                (m / d).clamp(0.0, 1.0)
            };
            mu[i] = share;
            let mut b = 0.0;
            for u in 0..nu {
                let val = share * total[(i, u)];
                imported[(i, u)] = val;
                b += val;
            }
            b
        };
        reexports[i] = (m - booked).max(0.0);
        exports[i] = (nat.exports[i] - reexports[i]).max(0.0);
        imports[i] = booked;
    }
    SplitUses {
        total,
        imported,
        mu,
        exports,
        imports,
        reexports,
    }
}
