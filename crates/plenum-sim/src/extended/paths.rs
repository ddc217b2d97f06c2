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
    /// The hook's capacity scales, final-demand scales and added demand.
    capacity_control: Vec<f64>,
    final_demand_scale: Vec<f64>,
    final_demand_add: Vec<f64>,
    /// m of the step.
    pub(crate) capacity_scale: Vec<f64>,
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
            capacity_control: controls.capacity_scale.clone(),
            final_demand_scale: controls.final_demand_scale.clone(),
            final_demand_add: controls.final_demand_add.clone(),
            capacity_scale: vec![1.0; model.n],
        }
    }
}

impl Mechanisms for Paths {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    fn set_controls(&mut self, c: &Controls) {
        self.capacity_control.clone_from(&c.capacity_scale);
        self.final_demand_scale.clone_from(&c.final_demand_scale);
        self.final_demand_add.clone_from(&c.final_demand_add);
    }

    /// Forms m and the step's final demand `m.y_eff`.
    fn restrict_orders(&mut self, m: &mut ArioModel) -> Result<()> {
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
            let v = (1.0 + add[i]) * prod[i] * self.capacity_control[i];
            self.capacity_scale[i] = if v < 0.0 { 0.0 } else { v };
        }
        let mut mult = self.final_demand_scale.clone();
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
        m.y_eff.resize(n * nfd, 0.0);
        for i in 0..n {
            let s = i % ns;
            for c in 0..nfd {
                m.y_eff[i * nfd + c] = m.base.y0[i * nfd + c] * mult[c * ns + s];
            }
        }
        let add = &self.final_demand_add;
        if !add.is_empty() {
            if add.len() != n * nfd {
                return Err(SimError::Other(format!(
                    "Controls::final_demand_add has {} entries; it must be empty or have one per industry and final-demand column ({n} × {nfd} = {})",
                    add.len(),
                    n * nfd
                )));
            }
            // A negative entry takes demand away from its origin (an
            // exchange rate's switch between origins), never below zero
            // (or below the entry itself where it is negative, as changes
            // in inventories can be).
            for (y, &a) in m.y_eff.iter_mut().zip(add) {
                if a > 0.0 && a.is_finite() {
                    *y += a;
                } else if a < 0.0 && a.is_finite() {
                    *y = (*y + a).max(y.min(0.0));
                }
            }
        }
        Ok(())
    }

    fn scale_capacity(&self, cap: &mut [f64]) {
        for (c, m) in cap.iter_mut().zip(&self.capacity_scale) {
            *c *= m;
        }
    }
}
