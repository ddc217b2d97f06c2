//! The Leontief price model: prices from unit costs, with exogenous (import)
//! prices and cost wedges on single flows.
//!
//! # The model
//!
//! With A the technical coefficients and v_c the value-added coefficients
//! (value added per unit of output), the cost-push price model of Miller &
//! Blair (2009, §2.6) says each industry's price covers its input costs and
//! its value added per unit:
//!
//! ```text
//!     p_j = Σ_i a_ij p_i + v_j     ⇔   p' = p'A + v'   ⇔   p' = v'(I − A)⁻¹ = v'L
//! ```
//!
//! In a balanced table v' = 1' − 1'A, so p = 1: the base-year prices are the
//! unit prices of the table. A change in value added per unit (wages, taxes,
//! profits) moves prices by Δp' = Δv'L.
//!
//! # Exogenous prices and wedges (the form the engine and the scenarios use)
//!
//! A country's import prices are set abroad. Split the industries into an
//! endogenous set E (e.g. China's sectors) and the rest X, whose prices p_X
//! are given (world prices, moved by an exchange rate or by a shock). A cost
//! wedge τ_ij ≥ −1 on the flow from industry i to industry j ∈ E multiplies
//! what j pays for that input: a tariff, a mark-up on a rerouted flow, or the
//! *shadow price* of a restricted input (the premium a buyer pays, or the
//! cost of the scarce substitute, when part of a flow is blocked). Then
//!
//! ```text
//!     p_E' = p_X' Ã_XE + p_E' Ã_EE + v_E'        with ã_ij = a_ij (1 + τ_ij)
//!          ⇔ (I − A_EE)' p_E = v_E + Ã_XE' p_X + (A_EE ∘ T_EE)' p_E
//! ```
//!
//! [`PriceModel`] factors I − A_EE once (plenum's [`Leontief`], so the
//! factorisation is the one the quantity model uses) and solves many price
//! shocks. Wedges on flows *into* E from X enter the right-hand side directly;
//! wedges on flows within E are resolved by the fixed-point iteration
//!
//! ```text
//!     p_E⁽ᵏ⁺¹⁾ = (I − A_EE)⁻ᵀ [ v_E + Ã_XE' p_X + (A_EE ∘ T_EE)' p_E⁽ᵏ⁾ ]
//! ```
//!
//! which converges when the spectral radius of (I − A_EE)⁻ᵀ (A_EE ∘ T_EE)'
//! is below one (small wedges on a few flows: one or two iterations); the
//! solution reports its iterations and its relative residual
//! ‖(I − Ã_EE)' p_E − v_E − Ã_XE' p_X‖∞ / ‖p_E‖∞, and a shock that does not
//! converge is an error, never a silent approximation.
//!
//! With E all industries and no wedges this is p' = v'L exactly (tested
//! against Miller & Blair's two-sector example); with p_X at the full model's
//! solution the partitioned model returns the full model's p_E (tested).

use faer::{Col, ColRef, Mat, MatRef};

use crate::backend::Backend;
use crate::error::{check_finite, check_shape, IoMathError};
use crate::leontief::Leontief;

/// p' = v'(I − A)⁻¹ for a factored I − A: the price of every industry when
/// value added per unit of output is `v` (length n).
pub fn prices(lu: &Leontief, v: ColRef<'_, f64>) -> Result<Col<f64>, IoMathError> {
    lu.solve_transpose_col(v)
}

/// A cost wedge τ on the flow from industry `from` to industry `to`: the
/// buyer `to` pays (1 + τ) times the supplier's price for this input.
/// `to` must be endogenous; `from` may be either.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wedge {
    pub from: usize,
    pub to: usize,
    /// τ ≥ −1 (−1 makes the input free; 0 is no wedge).
    pub rate: f64,
}

/// One price shock for a [`PriceModel`]. Empty fields mean "as in the base
/// year".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceShock {
    /// Prices of the exogenous industries, in the order of
    /// [`PriceModel::exogenous`]; `None`: all 1.
    pub exogenous: Option<Col<f64>>,
    /// Value added per unit of output of the endogenous industries, in the
    /// order of [`PriceModel::endogenous`]; `None`: the base year's.
    pub value_added: Option<Col<f64>>,
    /// Cost wedges on single flows (at most one per flow).
    pub wedges: Vec<Wedge>,
}

/// The solution of a price shock.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceSolution {
    /// Prices of all n industries: the given ones for X, the solved ones
    /// for E (base year = 1 in a balanced table).
    pub p: Col<f64>,
    /// Fixed-point iterations used for wedges within E (0 when none).
    pub iterations: usize,
    /// Relative residual of the wedged system (see the module docs).
    pub residual: f64,
}

/// Stops the fixed-point iteration for wedges within E.
const TOL: f64 = 1e-13;
const MAX_ITER: usize = 200;

/// The partitioned Leontief price model, factored once: see the module docs.
#[derive(Debug, Clone)]
pub struct PriceModel {
    n: usize,
    endo: Vec<usize>,
    exo: Vec<usize>,
    /// Position of each industry in E (usize::MAX when exogenous).
    pos_e: Vec<usize>,
    /// Position of each industry in X (usize::MAX when endogenous).
    pos_x: Vec<usize>,
    a_ee: Mat<f64>,
    a_xe: Mat<f64>,
    v_e: Col<f64>,
    lu: Leontief,
}

impl PriceModel {
    /// Builds the model from A (n × n), the base year's value added per
    /// unit of output `v` (length n; the column sums of V x̂⁻¹) and the
    /// endogenous industries (sorted or not, without repeats).
    pub fn new(
        a: MatRef<'_, f64>,
        v: ColRef<'_, f64>,
        endogenous: &[usize],
    ) -> Result<Self, IoMathError> {
        let n = a.nrows();
        check_shape("A", (a.nrows(), a.ncols()), (n, n), "A must be square")?;
        check_shape("v", (v.nrows(), 1), (n, 1), "one entry per industry")?;
        check_finite("A", a)?;
        check_finite("v", v.as_mat())?;
        let mut pos_e = vec![usize::MAX; n];
        for (k, &i) in endogenous.iter().enumerate() {
            if i >= n {
                return Err(invalid(format!(
                    "endogenous industry {i} is out of range (n = {n})"
                )));
            }
            if pos_e[i] != usize::MAX {
                return Err(invalid(format!("endogenous industry {i} is listed twice")));
            }
            pos_e[i] = k;
        }
        if endogenous.is_empty() {
            return Err(invalid("the endogenous set is empty".into()));
        }
        let endo = endogenous.to_vec();
        let exo: Vec<usize> = (0..n).filter(|&i| pos_e[i] == usize::MAX).collect();
        let mut pos_x = vec![usize::MAX; n];
        for (k, &i) in exo.iter().enumerate() {
            pos_x[i] = k;
        }
        let a_ee = Mat::from_fn(endo.len(), endo.len(), |r, c| a[(endo[r], endo[c])]);
        let a_xe = Mat::from_fn(exo.len(), endo.len(), |r, c| a[(exo[r], endo[c])]);
        let v_e = Col::from_fn(endo.len(), |r| v[endo[r]]);
        let lu = Leontief::factor_with(a_ee.as_ref(), Backend::default())?;
        Ok(Self {
            n,
            endo,
            exo,
            pos_e,
            pos_x,
            a_ee,
            a_xe,
            v_e,
            lu,
        })
    }

    /// The endogenous industries E, in the order of the model's vectors.
    pub fn endogenous(&self) -> &[usize] {
        &self.endo
    }

    /// The exogenous industries X (all others, ascending).
    pub fn exogenous(&self) -> &[usize] {
        &self.exo
    }

    /// Solves one shock; see the module docs for the equations.
    pub fn solve(&self, shock: &PriceShock) -> Result<PriceSolution, IoMathError> {
        let (ne, nx) = (self.endo.len(), self.exo.len());
        let p_x = match &shock.exogenous {
            Some(p) => {
                check_shape(
                    "exogenous prices",
                    (p.nrows(), 1),
                    (nx, 1),
                    "one per exogenous industry",
                )?;
                check_finite("exogenous prices", p.as_mat())?;
                p.clone()
            }
            None => Col::from_fn(nx, |_| 1.0),
        };
        let v_e = match &shock.value_added {
            Some(v) => {
                check_shape(
                    "value added",
                    (v.nrows(), 1),
                    (ne, 1),
                    "one per endogenous industry",
                )?;
                check_finite("value added", v.as_mat())?;
                v.clone()
            }
            None => self.v_e.clone(),
        };
        // Wedges from X enter the right-hand side; wedges within E are kept
        // for the fixed point as (from, to, a_ij τ_ij) in E's positions.
        let mut seen = std::collections::BTreeSet::new();
        let mut rhs = v_e;
        for r in 0..nx {
            if p_x[r] != 0.0 {
                for c in 0..ne {
                    rhs[c] += self.a_xe[(r, c)] * p_x[r];
                }
            }
        }
        let mut inner = Vec::new();
        for w in &shock.wedges {
            if w.from >= self.n || w.to >= self.n {
                return Err(invalid(format!(
                    "wedge {} → {} is out of range (n = {})",
                    w.from, w.to, self.n
                )));
            }
            if !(w.rate.is_finite() && w.rate >= -1.0) {
                return Err(invalid(format!(
                    "wedge {} → {} has rate {}; it must be a finite number ≥ −1",
                    w.from, w.to, w.rate
                )));
            }
            if !seen.insert((w.from, w.to)) {
                return Err(invalid(format!(
                    "wedge {} → {} is given twice; combine the two as (1 + τ₁)(1 + τ₂) − 1",
                    w.from, w.to
                )));
            }
            let c = self.pos_e[w.to];
            if c == usize::MAX {
                return Err(invalid(format!(
                    "wedge {} → {}: the buyer is exogenous, so its price does not respond",
                    w.from, w.to
                )));
            }
            let r = self.pos_x[w.from];
            if r != usize::MAX {
                rhs[c] += self.a_xe[(r, c)] * w.rate * p_x[r];
            } else {
                let re = self.pos_e[w.from];
                inner.push((re, c, self.a_ee[(re, c)] * w.rate));
            }
        }
        let mut p_e = self.lu.solve_transpose_col(rhs.as_ref())?;
        let mut iterations = 0;
        if !inner.is_empty() {
            loop {
                let mut b = rhs.clone();
                for &(re, c, aw) in &inner {
                    b[c] += aw * p_e[re];
                }
                let next = self.lu.solve_transpose_col(b.as_ref())?;
                iterations += 1;
                let change = (0..ne)
                    .map(|k| (next[k] - p_e[k]).abs())
                    .fold(0.0, f64::max);
                let scale = (0..ne)
                    .map(|k| next[k].abs())
                    .fold(0.0, f64::max)
                    .max(1e-300);
                p_e = next;
                if !(change / scale).is_finite() {
                    return Err(invalid(
                        "the wedged price system diverged (non-finite prices); the wedges within the endogenous set are too large".into(),
                    ));
                }
                if change / scale <= TOL {
                    break;
                }
                if iterations >= MAX_ITER {
                    return Err(invalid(format!(
                        "the wedged price system did not converge in {MAX_ITER} iterations (last relative change {:e}); \
                         the wedges within the endogenous set are too large for the fixed point (its spectral radius is near or above 1)",
                        change / scale
                    )));
                }
            }
        }
        // Residual of (I − Ã_EE)' p_E = v_E + Ã_XE' p_X, relative to ‖p_E‖∞.
        let mut res = rhs;
        for &(re, c, aw) in &inner {
            res[c] += aw * p_e[re];
        }
        for c in 0..ne {
            let mut s = p_e[c];
            for r in 0..ne {
                s -= self.a_ee[(r, c)] * p_e[r];
            }
            res[c] -= s;
        }
        let scale = (0..ne)
            .map(|k| p_e[k].abs())
            .fold(0.0, f64::max)
            .max(1e-300);
        let residual = (0..ne).map(|k| res[k].abs()).fold(0.0, f64::max) / scale;
        let mut p = Col::zeros(self.n);
        for (k, &i) in self.exo.iter().enumerate() {
            p[i] = p_x[k];
        }
        for (k, &i) in self.endo.iter().enumerate() {
            p[i] = p_e[k];
        }
        Ok(PriceSolution {
            p,
            iterations,
            residual,
        })
    }
}

fn invalid(message: String) -> IoMathError {
    IoMathError::Invalid {
        what: "price model".into(),
        message,
    }
}
