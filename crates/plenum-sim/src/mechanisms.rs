//! The mechanisms beyond BoARIO's step, as hooks at its stages.
//!
//! BoARIO's step ([`crate::stage`]) is the same for every mode; what the
//! extended mode adds — trade restrictions and the redirection of orders,
//! critical inputs, capacity and final-demand paths, hook controls — plugs
//! in at five stage hooks of one trait, [`Mechanisms`]:
//!
//! | hook | stage | what it may change |
//! |---|---|---|
//! | [`Mechanisms::set_controls`] | between steps | the hook's controls for the next step |
//! | [`Mechanisms::restrict_orders`] | 1, before total demand d = O·1 + Y·1 + R·1 | the orders O·1 placed last step, final demand Y |
//! | [`Mechanisms::scale_capacity`] | 3, capacity x^Cap | x^Cap ∘ m |
//! | [`Mechanisms::inventory_floor`] | 3, production under inventories | f_sj: the share of the need of input s that industry j does not draw from its stock |
//! | [`Mechanisms::constrain_production`] | 3, production under inventories | x from x^Opt, N and the floor f |
//! | [`Mechanisms::adjust_deliveries`] | 4, distribution | the inflow to inventories |
//! | [`Mechanisms::clamp_inventories`] | 4, inventory update | whether N is clamped at 0 |
//! | [`Mechanisms::serve_final_demand`] | 4, distribution | what final buyers get and miss |
//! | [`Mechanisms::unmet_final_demand`] | 4, distribution | final demand a mechanism blocked, added to the unmet |
//! | [`Mechanisms::end_step`] | 5, after the next orders | what the next step's hooks need |
//!
//! Each mechanism is its own implementation, overriding only its hooks:
//!
//! - ARIO mode is [`Boario`], whose hooks do nothing and whose production
//!   rule is BoARIO's; only with it may the step fuse its two passes over
//!   Z⁰ (`sweep.rs`), since every other implementation may change the
//!   orders between them;
//! - `extended::Paths`: capacity and final-demand paths and the hook's
//!   scales (restrict orders: forms Y of the step; scale capacity);
//! - `extended::Reroute`: a share of a restricted flow through a third
//!   economy, V = min(ν B, λ F_via) on the live flows (restrict orders:
//!   lets V through the restriction, places the mark-up μ V);
//! - `extended::Restrictions`: trade restrictions and the redirection of
//!   orders (restrict orders, inventory floor, adjust deliveries, unmet
//!   final demand, end of step);
//! - `extended::Anticipation`: front-loading over an announcement lead
//!   into a stock held apart from N, drawn by the restrictions from the
//!   start (restrict orders: the front-loaded orders; adjust deliveries:
//!   the draws into inventories);
//! - `extended::Criticality`: critical and non-critical inputs (constrain
//!   production, clamp inventories).
//!
//! The extended mode, [`crate::extended::Extended`], is their composition
//! in a fixed order held by its type (paths, rerouting, restrictions,
//! anticipation; the restrictions' floor into the criticality rule), not
//! by run-time flags.
//! The mechanisms read the immutable baseline (Z⁰, Y⁰, A^S, thresholds)
//! through the model by shared reference and keep only their own state.

use crate::ario::{ArioModel, Rationing};
use crate::error::Result;

/// The stage hooks of the engine's step. Every method has BoARIO's
/// behaviour as its default, so an implementation overrides only the
/// stages it changes.
pub(crate) trait Mechanisms: std::fmt::Debug + Send + Sync {
    /// A copy behind a new box (models are cloned into ensembles).
    fn boxed_clone(&self) -> Box<dyn Mechanisms>;

    /// True only for BoARIO's step, which the fused sweep reproduces.
    fn is_boario(&self) -> bool {
        false
    }

    /// A characteristic time τ (temporal units) as a per-step rate; BoARIO:
    /// dt/τ.
    fn rate(&self, tau: f64, dt: f64) -> f64 {
        dt / tau
    }

    /// How a supplier short of its total demand shares out production.
    fn rationing(&self) -> Rationing {
        Rationing::Proportional
    }

    /// Between steps: the controls a hook set for the next step.
    fn set_controls(&mut self, _c: &crate::extended::Controls) {}

    /// Stage 1: before total demand is formed, change the orders O·1 placed
    /// at the end of the last step and the final demand Y of this step.
    fn restrict_orders(&mut self, _m: &mut ArioModel) -> Result<()> {
        Ok(())
    }

    /// Stage 3: x^Cap ← x^Cap ∘ m.
    fn scale_capacity(&self, _cap: &mut [f64]) {}

    /// Stage 3: the inventory floor f_sj ∈ [0, 1] per (industry j, input
    /// s), index j·S + s: the share of j's need of s that it does not draw
    /// from its stock (so that output follows a lasting cut from its first
    /// step). None: no floor (BoARIO).
    fn inventory_floor(&self) -> Option<&[f64]> {
        None
    }

    /// Stage 3: production from x^Opt under the inventory constraint and
    /// the floor f (from [`Mechanisms::inventory_floor`]); returns x and
    /// whether some input was short. BoARIO's rule: x = min_s x^Opt N/C
    /// over the inputs that matter (it has no floor).
    fn constrain_production(
        &self,
        m: &ArioModel,
        popt: &[f64],
        _floor: Option<&[f64]>,
    ) -> (Vec<f64>, bool) {
        crate::stage::production::boario_production(m, popt)
    }

    /// Stage 4: the inflow to inventories `s_add` (S × n, index j·S + s),
    /// given the demand and production the intermediate buyers are served
    /// from.
    fn adjust_deliveries(&self, _s_add: &mut [f64], _tot: &[f64], _prod: &[f64], _ns: usize) {}

    /// Stage 4: true to update inventories every step and clamp them at
    /// zero (a non-critical input used beyond what was held); false for
    /// BoARIO's rule (a negative inventory is an error, and the update is
    /// skipped when np.allclose deems it negligible).
    fn clamp_inventories(&self) -> bool {
        false
    }

    /// Stage 4: final demand served from `prod` out of `tot`; returns the
    /// unmet final demand by destination region and product (region·S +
    /// sector) and the total delivered.
    fn serve_final_demand(&self, m: &ArioModel, tot: &[f64], prod: &[f64]) -> (Vec<f64>, f64) {
        m.base
            .y0_grouped
            .serve(tot, prod, m.layout.fd_categories.len())
    }

    /// Stage 4: adds the final demand this mechanism blocked (and nothing
    /// replaced) to the unmet final demand, by destination region and
    /// product (region·S + sector).
    fn unmet_final_demand(&self, _unmet: &mut [f64]) {}

    /// Stage 5, after the next orders are known.
    fn end_step(&mut self, _m: &mut ArioModel, _tot: &[f64], _cap: &[f64]) {}

    /// The extended mode's state, for its public accessors (controls,
    /// restriction flows).
    fn extended(&self) -> Option<&crate::extended::Extended> {
        None
    }

    fn extended_mut(&mut self) -> Option<&mut crate::extended::Extended> {
        None
    }
}

impl Clone for Box<dyn Mechanisms> {
    fn clone(&self) -> Self {
        self.boxed_clone()
    }
}

/// ARIO mode: BoARIO's step, every hook a no-op.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Boario;

impl Mechanisms for Boario {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(*self)
    }

    fn is_boario(&self) -> bool {
        true
    }
}
