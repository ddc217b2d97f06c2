//! The calibration's root finder: n unknowns x, n residuals f(x) (model
//! minus target), solved by Newton's method with a Jacobian that is
//! computed by finite differences once and then kept up to date by
//! Broyden's ("good") rank-one updates.
//!
//! Step k solves J_k d_k = −f(x_k) (Gaussian elimination with partial
//! pivoting) and moves to x_{k+1} = x_k + d_k. After the step,
//!
//! J_{k+1} = J_k + (Δf − J_k d_k) d_kᵀ / (d_kᵀ d_k),   Δf = f(x_{k+1}) − f(x_k),
//!
//! the smallest change of J_k that maps the step onto the change it caused
//! (Broyden 1965; Dennis and Schnabel 1996, §8.1). One evaluation per
//! iteration instead of n + 1, and the convergence stays superlinear near
//! the root.
//!
//! Why it pays here: an evaluation is a run of the model to 2024Q2, and
//! the calibration of a Monte Carlo draw or a sensitivity design row starts
//! at the central solution with the central Jacobian (`jac0`): the targets
//! are nearly linear in the unknowns and the Jacobian moves little between
//! parameter sets, so a draw converges in a few evaluations and never pays
//! for finite differences unless progress stalls.
//!
//! Safeguards: when an updated (not freshly differenced) Jacobian gives a
//! step that does not at least halve the largest residual, or is singular,
//! the Jacobian is differenced afresh at the current point (step `h` per
//! unknown, forward differences) and the step retried. With a fresh
//! Jacobian the Newton step is taken as it is (the calibration's targets
//! are smooth and nearly linear; no line search).
//!
//! Everything is sequential and in a fixed order, so the same inputs give
//! the same bits.

/// Settings of [`solve`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Stop when every |f_i| ≤ tol.
    pub tol: f64,
    /// Most evaluations of f (finite differences included).
    pub max_evals: usize,
    /// Finite-difference step per unknown.
    pub h: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tol: 1e-9,
            max_evals: 30,
            h: 0.5,
        }
    }
}

/// A dense n × n Jacobian, row-major: `m[i·n + j]` = ∂f_i/∂x_j.
#[derive(Debug, Clone, PartialEq)]
pub struct Jacobian {
    pub n: usize,
    pub m: Vec<f64>,
}

impl Jacobian {
    /// Solves J d = b (partial pivoting); None when J is singular or not
    /// finite.
    pub fn solve(&self, b: &[f64]) -> Option<Vec<f64>> {
        let n = self.n;
        if b.len() != n || self.m.len() != n * n {
            return None;
        }
        let mut a = self.m.clone();
        let mut x = b.to_vec();
        let scale = a.iter().fold(0.0_f64, |s, v| s.max(v.abs()));
        if !(scale.is_finite() && scale > 0.0) {
            return None;
        }
        for c in 0..n {
            let p = (c..n)
                .max_by(|&i, &k| a[i * n + c].abs().total_cmp(&a[k * n + c].abs()))
                .unwrap_or(c);
            if a[p * n + c].abs() <= 1e-12 * scale {
                return None;
            }
            if p != c {
                for j in 0..n {
                    a.swap(p * n + j, c * n + j);
                }
                x.swap(p, c);
            }
            for i in c + 1..n {
                let f = a[i * n + c] / a[c * n + c];
                if f != 0.0 {
                    for j in c..n {
                        a[i * n + j] -= f * a[c * n + j];
                    }
                    x[i] -= f * x[c];
                }
            }
        }
        for c in (0..n).rev() {
            let s: f64 = (c + 1..n).map(|j| a[c * n + j] * x[j]).sum();
            x[c] = (x[c] - s) / a[c * n + c];
        }
        x.iter().all(|v| v.is_finite()).then_some(x)
    }

    /// Broyden's update for step `d` that changed f by `df`.
    fn broyden(&mut self, d: &[f64], df: &[f64]) {
        let n = self.n;
        let dd: f64 = d.iter().map(|v| v * v).sum();
        if !(dd > 0.0 && dd.is_finite()) {
            return;
        }
        for i in 0..n {
            let jd: f64 = (0..n).map(|j| self.m[i * n + j] * d[j]).sum();
            let r = (df[i] - jd) / dd;
            for j in 0..n {
                self.m[i * n + j] += r * d[j];
            }
        }
    }
}

/// What [`solve`] found.
#[derive(Debug, Clone)]
pub struct Solution<P> {
    /// The last accepted point and its residuals and payload.
    pub x: Vec<f64>,
    pub f: Vec<f64>,
    pub payload: P,
    /// Evaluations of f, finite differences included.
    pub evals: usize,
    /// The Jacobian at the end (a start for a nearby problem).
    pub jacobian: Jacobian,
    /// Whether every |f_i| ≤ tol.
    pub converged: bool,
}

/// The largest |f_i|; NaN if any is NaN.
fn norm(f: &[f64]) -> f64 {
    if f.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    f.iter().fold(0.0_f64, |m, v| m.max(v.abs()))
}

/// The forward-difference Jacobian of `f` at `x` (residuals `r`), step
/// `h` per unknown.
fn difference<P, E>(
    f: &mut impl FnMut(&[f64]) -> Result<(Vec<f64>, P), E>,
    x: &[f64],
    r: &[f64],
    h: f64,
    evals: &mut usize,
) -> Result<Jacobian, E> {
    let n = x.len();
    let mut m = vec![0.0; n * n];
    for j in 0..n {
        let mut xj = x.to_vec();
        xj[j] += h;
        let (rj, _) = f(&xj)?;
        *evals += 1;
        for i in 0..n {
            m[i * n + j] = (rj[i] - r[i]) / h;
        }
    }
    Ok(Jacobian { n, m })
}

/// Solves f(x) = 0 from `x0` (see the module docs). `f` returns the
/// residuals and a payload kept for the accepted point (the calibration
/// keeps the model's values there, so the solution needs no further run).
/// `jac0`, when given and of the right size, is the starting Jacobian; else
/// it is differenced at `x0`. Errors of `f` end the solve.
pub fn solve<P, E>(
    mut f: impl FnMut(&[f64]) -> Result<(Vec<f64>, P), E>,
    x0: &[f64],
    jac0: Option<&Jacobian>,
    opts: &Options,
) -> Result<Solution<P>, E> {
    let n = x0.len();
    let mut x = x0.to_vec();
    let (mut r, mut payload) = f(&x)?;
    let mut evals = 1;
    let (mut jac, mut fresh) = match jac0 {
        Some(j) if j.n == n && j.m.len() == n * n => (j.clone(), false),
        _ if norm(&r) <= opts.tol => (
            Jacobian {
                n,
                m: vec![f64::NAN; n * n],
            },
            false,
        ),
        _ => (difference(&mut f, &x, &r, opts.h, &mut evals)?, true),
    };
    while norm(&r) > opts.tol && evals < opts.max_evals {
        let neg: Vec<f64> = r.iter().map(|v| -v).collect();
        let Some(d) = jac.solve(&neg) else {
            if fresh {
                break;
            }
            jac = difference(&mut f, &x, &r, opts.h, &mut evals)?;
            fresh = true;
            continue;
        };
        let xn: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + b).collect();
        let (rn, pn) = f(&xn)?;
        evals += 1;
        let (now, before) = (norm(&rn), norm(&r));
        // (NaN residuals count as no progress.)
        let progressed = now <= 0.5 * before;
        if !fresh && !progressed {
            // The updated Jacobian led astray: difference afresh where
            // we are and take the step again (a better point is kept).
            if now < before {
                x = xn;
                r = rn;
                payload = pn;
            }
            if norm(&r) > opts.tol && evals < opts.max_evals {
                jac = difference(&mut f, &x, &r, opts.h, &mut evals)?;
                fresh = true;
            }
            continue;
        }
        let df: Vec<f64> = rn.iter().zip(&r).map(|(a, b)| a - b).collect();
        jac.broyden(&d, &df);
        fresh = false;
        x = xn;
        r = rn;
        payload = pn;
    }
    let converged = norm(&r) <= opts.tol;
    Ok(Solution {
        x,
        f: r,
        payload,
        evals,
        jacobian: jac,
        converged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(Vec<f64>, usize), String>;

    #[test]
    fn a_linear_system_is_solved_in_one_step_from_a_differenced_jacobian() {
        // f(x) = A x − b, A = [[2, 1, 0], [1, 3, 1], [0, 1, 4]], x* = (1, −1, 2).
        let a = [2.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 4.0];
        let xs = [1.0, -1.0, 2.0];
        let b: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| a[i * 3 + j] * xs[j]).sum())
            .collect();
        let f = |x: &[f64]| -> R {
            Ok((
                (0..3)
                    .map(|i| (0..3).map(|j| a[i * 3 + j] * x[j]).sum::<f64>() - b[i])
                    .collect(),
                0,
            ))
        };
        let s = solve(f, &[0.0, 0.0, 0.0], None, &Options::default()).unwrap();
        assert!(s.converged);
        // One evaluation at x0, three differences, one step.
        assert_eq!(s.evals, 5);
        for (got, want) in s.x.iter().zip(xs) {
            assert!((got - want).abs() < 1e-12);
        }
        // Forward differences of a linear map are exact up to rounding.
        for (g, w) in s.jacobian.m.iter().zip(a) {
            assert!((g - w).abs() < 1e-9);
        }
    }

    #[test]
    fn broyden_converges_on_a_nonlinear_system_and_a_good_start_saves_evaluations() {
        // f(x, y) = (x² + y − 3, x + y³ − 9): root (1, 2) near (1.1, 1.9).
        let f =
            |x: &[f64]| -> R { Ok((vec![x[0] * x[0] + x[1] - 3.0, x[0] + x[1].powi(3) - 9.0], 7)) };
        let opts = Options {
            h: 1e-3,
            ..Options::default()
        };
        let cold = solve(f, &[1.1, 1.9], None, &opts).unwrap();
        assert!(cold.converged, "{cold:?}");
        assert!((cold.x[0] - 1.0).abs() < 1e-9 && (cold.x[1] - 2.0).abs() < 1e-9);
        assert_eq!(cold.payload, 7);
        // Warm: the exact Jacobian at the root, from a nearby start.
        let j = Jacobian {
            n: 2,
            m: vec![2.0, 1.0, 1.0, 12.0],
        };
        let warm = solve(f, &[1.05, 1.97], Some(&j), &opts).unwrap();
        assert!(warm.converged);
        assert!(warm.evals < cold.evals, "{} vs {}", warm.evals, cold.evals);
        assert!(norm(&warm.f) <= 1e-9);
    }

    #[test]
    fn a_bad_starting_jacobian_is_replaced_and_singular_problems_stop() {
        let f = |x: &[f64]| -> R { Ok((vec![3.0 * x[0] - 6.0], 0)) };
        // A Jacobian of the wrong sign sends the first step the wrong way.
        let j = Jacobian {
            n: 1,
            m: vec![-1.0],
        };
        let s = solve(f, &[0.0], Some(&j), &Options::default()).unwrap();
        assert!(s.converged && (s.x[0] - 2.0).abs() < 1e-12, "{s:?}");
        // f does not depend on x: no step is possible.
        let g = |_: &[f64]| -> R { Ok((vec![1.0, 1.0], 0)) };
        let s = solve(g, &[0.0, 0.0], None, &Options::default()).unwrap();
        assert!(!s.converged);
        assert_eq!(s.evals, 3);
        // Errors of f end the solve.
        let e = |x: &[f64]| -> R {
            if x[0] > 0.5 {
                Err("diverged".into())
            } else {
                Ok((vec![x[0] - 1.0], 0))
            }
        };
        assert_eq!(
            solve(e, &[0.0], None, &Options::default()).unwrap_err(),
            "diverged"
        );
    }

    #[test]
    fn a_start_on_the_root_costs_one_evaluation() {
        let f = |x: &[f64]| -> R { Ok((vec![x[0] - 1.0, x[1] + 2.0], 0)) };
        let s = solve(f, &[1.0, -2.0], None, &Options::default()).unwrap();
        assert!(s.converged);
        assert_eq!(s.evals, 1);
    }

    #[test]
    fn gaussian_elimination_pivots() {
        // A zero on the diagonal needs a row swap.
        let j = Jacobian {
            n: 2,
            m: vec![0.0, 1.0, 2.0, 0.0],
        };
        assert_eq!(j.solve(&[3.0, 4.0]).unwrap(), vec![2.0, 3.0]);
        let s = Jacobian {
            n: 2,
            m: vec![1.0, 2.0, 2.0, 4.0],
        };
        assert!(s.solve(&[1.0, 1.0]).is_none());
    }
}
