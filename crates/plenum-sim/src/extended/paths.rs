//! Capacity and final-demand paths and the hook's scales, a mechanism of
//! its own (stage 1 forms the step's final demand, stage 3 scales
//! capacity).
//!
//! At the middle of the step, t = t₀ + dt/2 (so that steps of different
//! lengths see the same average):
//!
//! - capacity x^Cap = x⁰ (1 − Δ) α · m(t), m = max(0, (1 + Σ additions(t −
//!   lag) − Σ losses(t)) · Π productivity(t) · hook scale);
//! - final demand Y(t) = Y⁰ ∘ Π paths(t) ∘ hook scale (per destination
//!   region, category and product) + the hook's added demand (per origin
//!   industry and final-demand column, ≥ 0).

use crate::ario::ArioModel;
use crate::error::{Result, SimError};
use crate::mechanisms::Mechanisms;

use super::{CapacityKind, CapacityPath, Controls, FinalDemandPath};

/// The paths, the hook's scales and the capacity multiplier m of the step.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    dt: f64,
    capacity_paths: Vec<CapacityPath>,
    final_demand_paths: Vec<FinalDemandPath>,
    /// The hook's controls as set through [`Mechanisms::set_controls`]
    /// (the extended mode passes its own to [`Paths::form`] instead of
    /// copying them here every step).
    controls: Controls,
    /// m of the step.
    pub(crate) capacity_scale: Vec<f64>,
    /// Scratch: the step's final-demand multipliers by product, then
    /// column.
    mult_by_product: Vec<f64>,
}

impl Paths {
    pub(crate) fn new(
        model: &ArioModel,
        capacity_paths: Vec<CapacityPath>,
        final_demand_paths: Vec<FinalDemandPath>,
        controls: &Controls,
    ) -> Self {
        Self {
            dt: model.dt,
            capacity_paths,
            final_demand_paths,
            controls: controls.clone(),
            capacity_scale: vec![1.0; model.n],
            mult_by_product: Vec::new(),
        }
    }
}

impl Mechanisms for Paths {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    fn set_controls(&mut self, c: &Controls) {
        self.controls.clone_from(c);
    }

    /// Forms m and the step's final demand `m.y_eff` under the controls
    /// last set.
    fn restrict_orders(&mut self, m: &mut ArioModel) -> Result<()> {
        let c = std::mem::take(&mut self.controls);
        let r = self.form(m, &c);
        self.controls = c;
        r
    }

    fn scale_capacity(&self, cap: &mut [f64]) {
        for (c, m) in cap.iter_mut().zip(&self.capacity_scale) {
            *c *= m;
        }
    }
}

impl Paths {
    /// Forms m and the step's final demand `m.y_eff` under the hook's
    /// controls `ctl`.
    pub(crate) fn form(&mut self, m: &mut ArioModel, ctl: &Controls) -> Result<()> {
        let (n, ns) = (m.n, m.ns);
        let nf = m.layout.fd_categories.len();
        let nfd = m.nfd;
        let t = m.t + 0.5 * self.dt;
        let mut add = vec![0.0; n];
        let mut prod = vec![1.0; n];
        for cp in &self.capacity_paths {
            for &i in &cp.industries {
                match cp.kind {
                    CapacityKind::Addition => add[i] += cp.path.at(t - cp.lag),
                    CapacityKind::Loss => add[i] -= cp.path.at(t),
                    CapacityKind::Productivity => prod[i] *= cp.path.at(t),
                }
            }
        }
        for i in 0..n {
            let v = (1.0 + add[i]) * prod[i] * ctl.capacity_scale[i];
            self.capacity_scale[i] = if v < 0.0 { 0.0 } else { v };
        }
        let mut mult = ctl.final_demand_scale.clone();
        for fp in &self.final_demand_paths {
            let v = fp.path.at(t);
            for &d in &fp.regions {
                for &f in &fp.categories {
                    for &s in &fp.products {
                        mult[(d * nf + f) * ns + s] *= v;
                    }
                }
            }
        }
        // m by product, then column (mult is by column, then product), so
        // that each industry's row of Y reads its multipliers contiguously.
        let by_product = &mut self.mult_by_product;
        by_product.resize(ns * nfd, 0.0);
        for c in 0..nfd {
            for s in 0..ns {
                by_product[s * nfd + c] = mult[c * ns + s];
            }
        }
        let add = &ctl.final_demand_add;
        if !add.is_empty() && add.len() != n * nfd {
            return Err(SimError::Other(format!(
                "Controls::final_demand_add has {} entries; it must be empty or have one per industry and final-demand column ({n} × {nfd} = {})",
                add.len(),
                n * nfd
            )));
        }
        m.y_eff.resize(n * nfd, 0.0);
        for i in 0..n {
            let s = i % ns;
            let row = i * nfd..(i + 1) * nfd;
            let y = &mut m.y_eff[row.clone()];
            let y0 = &m.base.y0[row.clone()];
            let ms = &by_product[s * nfd..(s + 1) * nfd];
            if add.is_empty() {
                for ((y, &y0), &ms) in y.iter_mut().zip(y0).zip(ms) {
                    *y = y0 * ms;
                }
            } else {
                // A negative entry takes demand away from its origin (an
                // exchange rate's switch between origins), never below
                // zero (or below the entry itself where it is negative,
                // as changes in inventories can be). Written without
                // branches so that it vectorises; the same operations as
                // one entry at a time.
                for (((y, &y0), &ms), &a) in y.iter_mut().zip(y0).zip(ms).zip(&add[row]) {
                    let base = y0 * ms;
                    let finite = a.is_finite();
                    let sum = base + a;
                    let lowered = sum.max(base.min(0.0));
                    *y = if a > 0.0 && finite {
                        sum
                    } else if a < 0.0 && finite {
                        lowered
                    } else {
                        base
                    };
                }
            }
        }
        Ok(())
    }
}
