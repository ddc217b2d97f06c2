//! Running the engine on a growing economy (extended mode; ARIO mode keeps
//! BoARIO's rule): inventory targets on expected production, and a start on
//! the growth path instead of the stationary equilibrium.
//!
//! ## Inventory targets on expected production
//!
//! BoARIO's order rule sets the inventory target of input s in industry j
//! on the current optimal production, G_sj = s_s a_sj x^Opt_j, and orders
//! use plus a share r of the gap: O_sj = a_sj x_j + r (G_sj − N_sj). When
//! the target follows x^Opt step by step, a 1 % rise of output raises
//! orders by (1 + r s) % of use: an accelerator. With quarterly steps (s ≈ 1
//! quarter, r = 1 − e^{−91.25/60} ≈ 0.78) and intermediate inputs a
//! share a of output, the closed-economy linearisation
//!
//! ```text
//! x_{t+1} = a x_t + r (s a E_t − N_{t+1}) + y_{t+1},  N_{t+1} = N_t + (1 − a) x_t − y_t,
//! E_t = E_{t−1} + θ (x_t − E_{t−1})
//! ```
//!
//! has spectral radius 1.03 at a = 0.6 and 1.11 at a = 0.7 when θ = 1
//! (BoARIO): unstable, the Metzler (1941) inventory cycle, bounded only by
//! capacity and the rule's floor at zero. Driven by steadily growing demand
//! the engine then cycles with a period of about three years instead of
//! settling on the growth path. Forming targets on production smoothed
//! over τ_E (adaptive expectations, θ = 1 − e^{−dt/τ_E}) removes the
//! accelerator's instability: with τ_E = 730 days the radius is 0.85 at
//! a = 0.6 and 0.86 at a = 0.7 (tested on the linearisation and on the
//! engine). At the stationary equilibrium E = x⁰, so a run without shocks is
//! unchanged up to rounding (tested to 10⁻¹²).
//!
//! ## A start on the growth path
//!
//! The table's equilibrium is stationary; an economy that was growing when
//! the table was made holds inventories and orders that anticipate growth.
//! Switching growth on at t = 0 makes the engine build inventories for a
//! couple of years (output growth overshoots demand growth), which would
//! bias whatever is calibrated on those years. [`ArioModel::warm_start`]
//! runs M steps in which final demand and capacity grow by the factor γ per
//! step, from the equilibrium, and then divides every level of the state
//! (production, inventories N, orders O through H, their row sums,
//! expected production E) by γ^M / L, so that the last warm-up step sits at
//! level L. ARIO's rules are homogeneous of degree one in these levels when
//! no event, restriction or capacity limit is active (the warm-up checks
//! this), so the rescaled state is exactly the state of an economy that
//! has grown at γ for M steps up to level L: the next step at level L·γ
//! continues the path without a kick. Overproduction α and the order split
//! ρ are left as they are; time and the step counter restart at zero. Warm
//! up a model without trade restrictions (their redirected amounts are
//! levels, and their paths would be read at warm-up times): the scenario
//! runs enable their spec afterwards.

use crate::ario::ArioModel;
use crate::error::{Result, SimError};

/// Expected production: E_j ← γ_j E_j + θ (x^Opt_j − γ_j E_j).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expectations {
    /// Smoothing weight per step, θ = 1 − e^{−dt/τ_E}.
    pub theta: f64,
    /// Trend growth factor per step, per industry.
    pub trend: Vec<f64>,
    /// Expected production per industry (per step).
    pub e: Vec<f64>,
}

impl Expectations {
    /// Updates E_j with this step's optimal production and returns it.
    pub fn update(&mut self, j: usize, po: f64) -> f64 {
        let carried = self.trend[j] * self.e[j];
        self.e[j] = carried + self.theta * (po - carried);
        self.e[j]
    }
}

impl ArioModel {
    /// Inventory targets follow production smoothed over `tau_days`
    /// (temporal units) and carried forward at each region's trend growth
    /// (`trend_per_year`, fractions a year, one per region in the engine's
    /// order), instead of the current optimal production. Starts from the
    /// current production. Extended mode only: ARIO mode must stay BoARIO's.
    pub fn set_inventory_target_smoothing(
        &mut self,
        tau_days: f64,
        trend_per_year: &[f64],
    ) -> Result<()> {
        if self.mech.extended().is_none() {
            return Err(SimError::Other(
                "inventory target smoothing needs the extended mode (ARIO mode is BoARIO's rule)"
                    .into(),
            ));
        }
        if !(tau_days.is_finite() && tau_days > 0.0) {
            return Err(SimError::Other(format!(
                "inventory target smoothing must be a positive number of days, not {tau_days}"
            )));
        }
        if trend_per_year.len() != self.nr
            || trend_per_year.iter().any(|g| !g.is_finite() || *g <= -1.0)
        {
            return Err(SimError::Other(format!(
                "inventory target smoothing: {} trend growth rates above -1 expected (one per \
                 region), got {:?}",
                self.nr, trend_per_year
            )));
        }
        let theta = 1.0 - (-self.dt / tau_days).exp();
        let ns = self.ns;
        let trend = (0..self.n)
            .map(|j| (1.0 + trend_per_year[j / ns]).powf(self.dt / 365.0))
            .collect();
        self.expected = Some(Expectations {
            theta,
            trend,
            e: self.production.clone(),
        });
        Ok(())
    }

    /// Runs `steps` warm-up steps on a growth path (final demand and
    /// capacity scales multiplied by `gamma` per step, on top of the current
    /// controls), then rescales the state so that the last warm-up step is
    /// at `level` (see the module docs). Extended mode only; no event may be
    /// pending and no restriction may act during the warm-up (enable the
    /// scenario's own spec afterwards).
    pub fn warm_start(&mut self, gamma: f64, steps: usize, level: f64) -> Result<()> {
        let Some(ext) = self.mech.extended() else {
            return Err(SimError::Other(
                "the warm start needs the extended mode; call enable_extended first".into(),
            ));
        };
        if !(gamma.is_finite() && gamma > 0.0 && level.is_finite() && level > 0.0) {
            return Err(SimError::Other(format!(
                "warm start: growth factor and level must be positive numbers, not {gamma} and {level}"
            )));
        }
        if !self.trackers.is_empty() || !self.blocks.is_empty() {
            return Err(SimError::Other(
                "warm start: add events after the warm start, not before".into(),
            ));
        }
        let base = ext.controls.clone();
        // Growth is γ everywhere during the warm-up, so expectations carry
        // E forward at γ; the regions' own trends apply afterwards.
        let trends = self.expected.as_mut().map(|x| {
            let own = x.trend.clone();
            x.trend.iter_mut().for_each(|g| *g = gamma);
            own
        });
        let mut scale = 1.0;
        for _ in 0..steps {
            scale *= gamma;
            if let Some(c) = self.controls_mut() {
                for (v, b) in c
                    .final_demand_scale
                    .iter_mut()
                    .zip(&base.final_demand_scale)
                {
                    *v = b * scale;
                }
                for (v, b) in c.capacity_scale.iter_mut().zip(&base.capacity_scale) {
                    *v = b * scale;
                }
            }
            self.step(false)?;
            if self.in_shortage || self.last_balance.inventory_clamped > 0.0 {
                return Err(SimError::Other(
                    "warm start: the growth path hit a capacity or inventory limit; use less \
                     growth or more capacity headroom"
                        .into(),
                ));
            }
        }
        if let Some(c) = self.controls_mut() {
            *c = base;
        }
        let k = level / scale;
        for v in self
            .production
            .iter_mut()
            .chain(self.ord_h.iter_mut())
            .chain(self.ord_rowsum.iter_mut())
        {
            *v *= k;
        }
        for v in self.stock.iter_mut().filter(|v| v.is_finite()) {
            *v *= k;
        }
        if let (Some(x), Some(own)) = (self.expected.as_mut(), trends) {
            x.trend = own;
            for v in x.e.iter_mut() {
                *v *= k;
            }
        }
        self.t = 0.0;
        self.step_index = 0;
        Ok(())
    }

    /// The expected production inventory targets are set on, when
    /// smoothing is on.
    pub fn expected_production(&self) -> Option<&[f64]> {
        self.expected.as_ref().map(|x| x.e.as_slice())
    }
}
