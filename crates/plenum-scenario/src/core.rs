//! The quarterly input-output core: output given final demand, capacity,
//! trade restrictions and critical inputs.
//!
//! Each quarter, with A the technical coefficients, Y the final demand
//! (n × R·F) and x̄ the capacity:
//!
//! 1. **Restrictions.** A measure blocks the share ρ of product s flowing
//!    from regions F to users in regions T: a_(r,s),j ← (1 − ρ) a_(r,s),j
//!    for r ∈ F, j ∈ T (and the same on the columns of Y of T). The
//!    blocked amount b_j = Σ_{r∈F} ρ a_(r,s),j splits by the
//!    substitutability σ: σ b_j is re-sourced from the suppliers not in F in
//!    proportion to what they already supply (the user's own region if none
//!    does); (1 − σ) b_j cannot be replaced and is not bought: the user
//!    loses ℓ_sj = (1 − σ) b_j / Σ_r a_(r,s),j of its input s, and the
//!    missing coefficient u_j = Σ_s (1 − σ) b_sj is kept aside (v_j stays
//!    1 − Σ_i a⁰_ij). Final demand is re-sourced the same way, its
//!    unreplaceable part simply not bought. Measures apply one after
//!    another, so two measures of shares ρ₁ and ρ₂ on the same flow block
//!    1 − (1 − ρ₁)(1 − ρ₂) of it.
//! 2. **Critical inputs.** With κ_s the criticality of input s (0: any
//!    loss is absorbed, 1: Leontief), user j can make only the share
//!    m_j = Π_s (1 − κ_s min(1, ℓ_sj)) of what it would otherwise make.
//! 3. **Output.** x solves x = m ∘ min(x̄, A x + Y 1) (the demand-driven
//!    Leontief model with capacity ceilings and input bottlenecks), found by
//!    Gauss-Seidel sweeps from a warm start; the map is monotone and, A
//!    being productive and m ≤ 1, a contraction, so the sweeps converge to
//!    its unique fixed point.
//! 4. **Rationing.** Demand d = A x + Y 1; every client of industry i gets
//!    the share ρ_i = x_i / d_i of what it asked for. Users keep producing
//!    with the coefficients A, drawing the missing inputs from inventories:
//!    the shortfall s_j = Σ_i (1 − ρ_i) a_ij x_j + u_j x_j.
//!
//! Accounts per region r (all real, table units per quarter):
//! GDP_r = Σ_{j∈r} v_j x_j = Σ_f FD_{r,f} + X_r − M_r − S_r, where FD are
//! the delivered final demands of r, X and M its exports and imports
//! (intermediate and final, delivered) and S_r = Σ_{j∈r} s_j the inventory
//! drawdown; the identity holds by construction and is tested.

use crate::economy::Economy;

/// Gauss-Seidel stops when no output moves by more than this, relative.
const TOL: f64 = 1e-13;
const MAX_SWEEPS: usize = 2000;

/// One active restriction of one quarter (labels already resolved).
#[derive(Debug, Clone, PartialEq)]
pub struct Restriction {
    /// Product (sector index).
    pub product: usize,
    /// Supplier regions blocked, per region.
    pub from: Vec<bool>,
    /// User regions, per region.
    pub to: Vec<bool>,
    /// User sectors affected; `None`: every sector and final demand.
    pub users: Option<Vec<bool>>,
    /// ρ this quarter.
    pub share: f64,
    /// σ this quarter.
    pub substitutability: f64,
}

/// What the core returns for one quarter.
#[derive(Debug, Clone)]
pub struct Solution {
    pub x: Vec<f64>,
    /// Demand d = A x + Y 1.
    pub d: Vec<f64>,
    /// ρ_i = x_i / d_i.
    pub ration: Vec<f64>,
    /// Capacity x̄ and the bottleneck factor m.
    pub cap: Vec<f64>,
    pub m: Vec<f64>,
    /// Unreplaceable input coefficient u_j.
    pub unbought: Vec<f64>,
    /// Effective A (row-major) and Y (column-major) after restrictions.
    pub a: Vec<f64>,
    pub y: Vec<f64>,
    pub sweeps: usize,
}

/// What the restrictions leave: A, Y, ℓ (stored s·n + j) and u.
pub struct Restricted {
    pub a: Vec<f64>,
    pub y: Vec<f64>,
    pub lost: Vec<f64>,
    pub unbought: Vec<f64>,
}

/// Applies the restrictions to A and Y (see the module docs).
pub fn restrict(econ: &Economy, y: &[f64], rs: &[Restriction]) -> Restricted {
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let mut a = econ.a.clone();
    let mut y = y.to_vec();
    let mut lost = vec![0.0; ns * n];
    let mut unbought = vec![0.0; n];
    // Re-sources one column (user) of a matrix stored with stride: entry of
    // supplier region r is m[idx(r)].
    fn one(
        m: &mut [f64],
        idx: &dyn Fn(usize) -> usize,
        nr: usize,
        own: usize,
        r: &Restriction,
    ) -> (f64, f64) {
        let total: f64 = (0..nr).map(|g| m[idx(g)]).sum();
        if total <= 0.0 {
            return (0.0, 0.0);
        }
        let mut blocked = 0.0;
        for g in (0..nr).filter(|&g| r.from[g]) {
            let b = r.share * m[idx(g)];
            m[idx(g)] -= b;
            blocked += b;
        }
        if blocked <= 0.0 {
            return (0.0, total);
        }
        let moved = r.substitutability * blocked;
        let others: f64 = (0..nr).filter(|&g| !r.from[g]).map(|g| m[idx(g)]).sum();
        if others > 0.0 {
            let k = moved / others;
            for g in (0..nr).filter(|&g| !r.from[g]) {
                let v = m[idx(g)];
                m[idx(g)] = v + v * k;
            }
        } else {
            m[idx(own)] += moved;
        }
        (blocked, total)
    }
    for r in rs.iter().filter(|r| r.share > 0.0) {
        let s = r.product;
        for j in 0..n {
            let (rj, sj) = (j / ns, j % ns);
            if !r.to[rj] || r.users.as_ref().is_some_and(|u| !u[sj]) {
                continue;
            }
            let (blocked, total) = one(&mut a, &|g| (g * ns + s) * n + j, nr, rj, r);
            if blocked > 0.0 {
                lost[s * n + j] += (1.0 - r.substitutability) * blocked / total;
                unbought[j] += (1.0 - r.substitutability) * blocked;
            }
        }
        if r.users.is_none() {
            for c in 0..nr * nf {
                let rc = c / nf;
                if r.to[rc] {
                    one(&mut y, &|g| c * n + g * ns + s, nr, rc, r);
                }
            }
        }
    }
    Restricted {
        a,
        y,
        lost,
        unbought,
    }
}

/// Solves one quarter. `critical[s]` is κ_s; `warm` a starting output.
pub fn solve(
    econ: &Economy,
    y: &[f64],
    cap: &[f64],
    rs: &[Restriction],
    critical: &[f64],
    warm: &[f64],
) -> Solution {
    let (n, ns) = (econ.n, econ.ns);
    let nc = econ.n_fd_columns();
    let Restricted {
        a,
        y,
        lost,
        unbought,
    } = restrict(econ, y, rs);
    let mut m = vec![1.0; n];
    for s in (0..ns).filter(|&s| critical[s] > 0.0) {
        for j in 0..n {
            let l = lost[s * n + j];
            if l > 0.0 {
                m[j] *= 1.0 - critical[s] * l.min(1.0);
            }
        }
    }
    let mut ysum = vec![0.0; n];
    for c in 0..nc {
        for i in 0..n {
            ysum[i] += y[c * n + i];
        }
    }
    let mut x: Vec<f64> = (0..n)
        .map(|i| (m[i] * warm[i].min(cap[i])).max(0.0))
        .collect();
    let mut sweeps = 0;
    while sweeps < MAX_SWEEPS {
        sweeps += 1;
        let mut worst = 0.0f64;
        for i in 0..n {
            let row = &a[i * n..(i + 1) * n];
            let d: f64 = row.iter().zip(&x).map(|(p, q)| p * q).sum::<f64>() + ysum[i];
            let new = m[i] * d.min(cap[i]);
            let ch = (new - x[i]).abs() / new.abs().max(1e-300);
            if new != x[i] {
                worst = worst.max(ch);
            }
            x[i] = new;
        }
        if worst < TOL {
            break;
        }
    }
    let d: Vec<f64> = (0..n)
        .map(|i| {
            a[i * n..(i + 1) * n]
                .iter()
                .zip(&x)
                .map(|(p, q)| p * q)
                .sum::<f64>()
                + ysum[i]
        })
        .collect();
    let ration = (0..n)
        .map(|i| {
            if d[i] > 0.0 {
                (x[i] / d[i]).min(1.0)
            } else {
                1.0
            }
        })
        .collect();
    Solution {
        x,
        d,
        ration,
        cap: cap.to_vec(),
        m,
        unbought,
        a,
        y,
        sweeps,
    }
}

/// The accounts of every region in one quarter (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Accounts {
    pub gdp: Vec<f64>,
    /// Delivered final demand, region·nf + category.
    pub fd: Vec<f64>,
    pub exports: Vec<f64>,
    pub imports: Vec<f64>,
    /// Inventory drawdown (input shortfall) per region.
    pub shortfall: Vec<f64>,
    /// Value added per industry.
    pub va: Vec<f64>,
}

pub fn accounts(econ: &Economy, sol: &Solution) -> Accounts {
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let mut acc = Accounts {
        gdp: vec![0.0; nr],
        fd: vec![0.0; nr * nf],
        exports: vec![0.0; nr],
        imports: vec![0.0; nr],
        shortfall: vec![0.0; nr],
        va: (0..n).map(|j| econ.v[j] * sol.x[j]).collect(),
    };
    for j in 0..n {
        acc.gdp[j / ns] += acc.va[j];
        acc.shortfall[j / ns] += sol.unbought[j] * sol.x[j];
    }
    for i in 0..n {
        let ri = i / ns;
        let row = &sol.a[i * n..(i + 1) * n];
        for j in 0..n {
            let flow = row[j] * sol.x[j];
            if flow == 0.0 {
                continue;
            }
            let rj = j / ns;
            let delivered = sol.ration[i] * flow;
            acc.shortfall[rj] += flow - delivered;
            if ri != rj {
                acc.exports[ri] += delivered;
                acc.imports[rj] += delivered;
            }
        }
        for c in 0..nr * nf {
            let delivered = sol.ration[i] * sol.y[c * n + i];
            let rc = c / nf;
            acc.fd[c] += delivered;
            if ri != rc {
                acc.exports[ri] += delivered;
                acc.imports[rc] += delivered;
            }
        }
    }
    acc
}

/// Share of region r's use of product s (intermediate and final,
/// delivered) that its own industry supplies.
pub fn domestic_share(econ: &Economy, sol: &Solution, r: usize, s: usize) -> f64 {
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let (mut dom, mut tot) = (0.0, 0.0);
    for g in 0..nr {
        let i = g * ns + s;
        let row = &sol.a[i * n..(i + 1) * n];
        let mut u: f64 = (r * ns..(r + 1) * ns).map(|j| row[j] * sol.x[j]).sum();
        u += (r * nf..(r + 1) * nf)
            .map(|c| sol.y[c * n + i])
            .sum::<f64>();
        u *= sol.ration[i];
        tot += u;
        if g == r {
            dom += u;
        }
    }
    if tot > 0.0 {
        dom / tot
    } else {
        0.0
    }
}
