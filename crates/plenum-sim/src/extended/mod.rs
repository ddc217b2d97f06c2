//! Mechanisms beyond ARIO, in a mode that reuses the ARIO state
//! ([`crate::ArioModel`]): the same inventories N, orders O (kept as ρ and
//! H), overproduction α, events and two passes over Z⁰ per step, plus:
//!
//! - **trade restrictions** on deliveries of product s from origin regions
//!   to buyers in a destination region, with the redirection of orders to
//!   other origins over time and an inventory floor for a lasting cut
//!   (`Restrictions`, rules in `restrict.rs`);
//! - **rerouting**: a share of a restricted flow reaches its buyers through
//!   a third economy, V = min(ν B, λ F_via) on the live flows, at a
//!   mark-up μ V on that economy's trade industry (`Reroute`, in
//!   `reroute.rs`);
//! - **anticipation**: a control announced L ahead makes buyers order
//!   F = B̄ q̄ / L a step on top over the lead, into a stock S ≤ B̄ q̄/dt held
//!   apart from N and drawn into N from the start for what is blocked and
//!   not replaced (`Anticipation`, in `anticipation.rs`);
//! - **critical and non-critical inputs** (Pichler et al. 2022; the
//!   production rule in `critical.rs`, `Criticality`);
//! - **capacity paths**: x^Cap = x⁰ (1 − Δ) α · m(t),
//!   m = (1 + Σ additions(t − lag) − Σ losses(t)) · Π productivity(t) · hook;
//! - **final-demand paths**: Y⁰ scaled per destination region, category and
//!   product, times the hook's scale (both `Paths`, in `paths.rs`);
//! - **time steps** of any length dt (a day, a quarter = 91.25 days): flows
//!   are annual × dt/365, inventory targets s/dt steps, and characteristic
//!   times become rates 1 − exp(−dt/τ) (overproduction, inventory
//!   restoration, rebuilding), so that a slow shock gives the same path at
//!   any step length;
//! - **hooks** ([`Hook`]): after each step a hook reads value added by
//!   region, output by industry, inventories and the restrictions' flows,
//!   and sets final-demand, capacity and restriction scales for the next
//!   step;
//! - **ensembles** ([`crate::Ensemble`]): many variants stepped together,
//!   each pass over Z⁰ serving all of them (a matrix-matrix product in
//!   effect), bit-for-bit equal to single runs.
//!
//! Each mechanism is its own implementation of the stage hooks
//! ([`crate::mechanisms`]); [`Extended`] composes them in a fixed order:
//! between steps the hook's controls go to each; in stage 1 the paths form
//! the step's final demand and capacity scale, rerouting lets V of each
//! restricted flow through (φ' = φ (1 − V/B)), then the restrictions cut
//! and redirect orders and final demand and draw what is still missing
//! from the front-loaded stocks, and the mark-ups and front-loaded orders
//! join the step's final demand; in stage 3 the restrictions'
//! inventory floor goes into the criticality production rule; in stage 4
//! the restrictions deliver the moved orders and report the final demand
//! they blocked, and the criticality rule clamps inventories at zero; in
//! stage 5 the restrictions keep what the next step needs.

use crate::ario::{ArioModel, StepBalance};
use crate::error::Result;
use crate::mechanisms::Mechanisms;

mod anticipation;
mod critical;
mod model;
mod paths;
mod reroute;
mod restrict;

pub(crate) use anticipation::Anticipation;
pub use anticipation::{AnticipationFlows, AnticipationSpec};
pub(crate) use critical::Criticality;
pub(crate) use paths::Paths;
pub(crate) use reroute::Reroute;
pub use reroute::{RerouteFlows, RerouteSpec};
pub(crate) use restrict::Restrictions;

/// A time path: (temporal unit, value) points, linear in between, constant
/// beyond the ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Path(pub Vec<(f64, f64)>);

impl Path {
    pub fn constant(v: f64) -> Self {
        Path(vec![(0.0, v)])
    }
    pub fn at(&self, t: f64) -> f64 {
        let p = &self.0;
        match p.len() {
            0 => 0.0,
            _ if t <= p[0].0 => p[0].1,
            _ if t >= p[p.len() - 1].0 => p[p.len() - 1].1,
            _ => {
                let k = p.iter().position(|(x, _)| *x > t).unwrap_or(p.len() - 1);
                let (t0, v0) = p[k - 1];
                let (t1, v1) = p[k];
                if t1 == t0 {
                    v1
                } else {
                    v0 + (v1 - v0) * (t - t0) / (t1 - t0)
                }
            }
        }
    }
}

/// A restriction on deliveries of one product from some origins to buyers
/// in one destination (resolved to model indices).
#[derive(Debug, Clone, PartialEq)]
pub struct TradeRestriction {
    pub product: usize,
    pub origins: Vec<usize>,
    pub destination: usize,
    /// The buyers restricted: None for every industry of the destination
    /// and its final buyers; Some(sectors) for the industries of those
    /// sectors only (no final buyers).
    pub buyer_sectors: Option<Vec<usize>>,
    /// φ(t): the share removed of what the buyers would order without the
    /// restriction, in [0, 1].
    pub reduction: Path,
    /// σ: the share of the blocked excess that other origins may take over.
    pub substitutability: f64,
    /// λ: the share of the gap to the target redirection closed per day.
    pub adjustment_speed: f64,
}

/// What a capacity path does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityKind {
    /// Adds a share of baseline capacity, `lag` temporal units after the
    /// path says so (investment coming on stream).
    Addition,
    /// Removes a share of baseline capacity.
    Loss,
    /// Multiplies capacity (productivity).
    Productivity,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CapacityPath {
    pub industries: Vec<usize>,
    pub kind: CapacityKind,
    pub path: Path,
    pub lag: f64,
}

/// A final-demand multiplier path on some (destination region, category,
/// product) cells.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalDemandPath {
    pub regions: Vec<usize>,
    pub categories: Vec<usize>,
    pub products: Vec<usize>,
    pub path: Path,
}

/// The extended mode's settings, resolved against a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtendedSpec {
    /// Share of an industry's intermediate inputs from which an input is
    /// critical by default.
    pub critical_share: f64,
    /// (input sector, using sector or None for all, critical).
    pub critical_overrides: Vec<(usize, Option<usize>, bool)>,
    pub restrictions: Vec<TradeRestriction>,
    pub capacity_paths: Vec<CapacityPath>,
    pub final_demand_paths: Vec<FinalDemandPath>,
    /// How suppliers short of demand share out production.
    pub rationing: crate::ario::Rationing,
    /// p ∈ [0, 1]: the inventory floor of a lasting cut. A buyer of an
    /// input whose flow restrictions cut by a share u = (E − Q)/R (blocked
    /// less redirected, over its reference order) this step produces at
    /// most (1 − p u) of x^Opt on that input's account, instead of running
    /// its stock down first. 0 is ARIO's rule: the stock is a buffer until
    /// it runs out.
    pub restriction_precaution: f64,
    /// Reroutings of restricted flows through third economies
    /// (`reroute.rs`).
    pub reroutes: Vec<RerouteSpec>,
    /// Anticipated controls: front-loading over the announcement lead,
    /// then the stock drawn (`anticipation.rs`).
    pub anticipations: Vec<AnticipationSpec>,
}

impl Default for ExtendedSpec {
    fn default() -> Self {
        Self {
            critical_share: 0.05,
            critical_overrides: Vec::new(),
            restrictions: Vec::new(),
            capacity_paths: Vec::new(),
            final_demand_paths: Vec::new(),
            rationing: crate::ario::Rationing::Proportional,
            restriction_precaution: 0.0,
            reroutes: Vec::new(),
            anticipations: Vec::new(),
        }
    }
}

/// Scales a hook sets for the next step (persistent until changed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Controls {
    /// Per (destination region, category, product):
    /// index (region · F + category) · S + product.
    pub final_demand_scale: Vec<f64>,
    /// Per industry.
    pub capacity_scale: Vec<f64>,
    /// Per restriction (in [`ExtendedSpec::restrictions`] order): φ(t) is
    /// multiplied by it (the product is kept in [0, 1]). Default 1.
    pub restriction_scale: Vec<f64>,
    /// Per restriction: when Some(φ), φ replaces the restriction's path
    /// (kept in [0, 1]) — e.g. a restriction with a zero path that an
    /// escalation block switches on. Default None.
    pub restriction_override: Vec<Option<f64>>,
    /// Final demand added to the scaled Y⁰, per (origin industry, final
    /// demand column): index industry · (R · F) + region · F + category,
    /// in table units per step; a negative entry removes demand from its
    /// origin, never below zero (non-finite entries count as 0). Empty
    /// (the default) adds nothing. It lets a hook place demand on one
    /// origin, which the scales (one per destination × category × product,
    /// every origin alike) cannot: a blocked exporter's sales to third
    /// markets, an exchange rate's switch of demand between origins.
    /// (Front-loaded imports and rerouting mark-ups are the engine's own:
    /// [`AnticipationSpec`], [`RerouteSpec`].)
    pub final_demand_add: Vec<f64>,
}

/// A restriction's flows in one step (per-step table units): intermediate
/// orders of the step and final demand, over the flows it covers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RestrictionFlows {
    /// φ in effect (path × scale, or the override).
    pub reduction: f64,
    /// What its buyers would order from its origins without restrictions
    /// (ω R for industries, current final demand for final buyers).
    pub reference: f64,
    /// The part of `reference` this restriction removed.
    pub blocked: f64,
    /// Orders moved to other origins on its account.
    pub redirected: f64,
}

/// What a hook sees after a step.
#[derive(Debug, Clone)]
pub struct StateView<'a> {
    pub step: usize,
    /// Temporal unit (day) at the end of the step.
    pub temporal_unit: f64,
    pub regions: &'a [String],
    pub sectors: &'a [String],
    /// Output per industry this step.
    pub production: &'a [f64],
    pub capacity: &'a [f64],
    /// Value added this step, x_j (1 − Σ_s a_sj), summed by region.
    pub value_added_by_region: Vec<f64>,
    pub balance: StepBalance,
    /// Inventories N at the end of the step, S × n stored industry by
    /// industry: index industry · S + input.
    pub inventories: &'a [f64],
    /// Inventory added back per industry this step when a stock was
    /// clamped at zero (a non-critical input used beyond what was held);
    /// sums to `balance.inventory_clamped`.
    pub inventory_clamped: Vec<f64>,
    /// Per restriction (spec order), its flows this step.
    pub restrictions: &'a [RestrictionFlows],
    /// Per rerouting (spec order), its flows this step.
    pub reroutes: &'a [RerouteFlows],
    /// Per anticipation (spec order), its flows this step.
    pub anticipations: &'a [AnticipationFlows],
}

/// A macro block run between steps: reads the state, sets the next step's
/// final-demand, capacity and restriction scales.
pub trait Hook {
    fn after_step(&mut self, view: &StateView<'_>, controls: &mut Controls);
}
/// The extended mode: its mechanisms, composed in the order of the
/// stages, and the hook's controls.
#[derive(Debug, Clone)]
pub(crate) struct Extended {
    dt: f64,
    exponential: bool,
    rationing: crate::ario::Rationing,
    pub(crate) controls: Controls,
    /// Inventories at the start of the step (kept only for hooks).
    pub(crate) stock_start: Option<Vec<f64>>,
    paths: Paths,
    pub(crate) reroute: Reroute,
    pub(crate) restrictions: Restrictions,
    pub(crate) anticipation: Anticipation,
    criticality: Criticality,
    /// The factor (1 − V/B) on each restriction's φ this step (scratch).
    through: Vec<f64>,
    /// The step's final demand blocked for the serving kernel.
    y_grouped: crate::serve::GroupedY,
}

/// v > 0 (false for NaN).
fn positive(v: f64) -> bool {
    v > 0.0
}

/// φ ∈ [0, 1], NaN as 0.
fn unit(v: f64) -> f64 {
    if v > 1.0 {
        1.0
    } else if v > 0.0 {
        v
    } else {
        0.0
    }
}

impl Extended {
    pub(crate) fn new(model: &mut ArioModel, spec: ExtendedSpec, exponential: bool) -> Self {
        let (n, ns, nr) = (model.n, model.ns, model.nr);
        let nf = model.layout.fd_categories.len();
        let nk = spec.restrictions.len();
        let controls = Controls {
            final_demand_scale: vec![1.0; nr * nf * ns],
            capacity_scale: vec![1.0; n],
            restriction_scale: vec![1.0; nk],
            restriction_override: vec![None; nk],
            final_demand_add: Vec::new(),
        };
        model.y_eff = model.base.y0.clone();
        let criticality = Criticality::new(model, &spec);
        let ExtendedSpec {
            restrictions,
            capacity_paths,
            final_demand_paths,
            rationing,
            restriction_precaution,
            reroutes,
            anticipations,
            ..
        } = spec;
        Self {
            dt: model.dt,
            exponential,
            rationing,
            paths: Paths::new(model, capacity_paths, final_demand_paths, &controls),
            reroute: Reroute::new(reroutes),
            restrictions: Restrictions::new(model, restrictions, restriction_precaution),
            anticipation: Anticipation::new(model.dt, anticipations),
            criticality,
            through: Vec::new(),
            controls,
            stock_start: None,
            y_grouped: model.base.y0_grouped.clone(),
        }
    }
}

/// The extended mode's hooks: its mechanisms' hooks in the order of the
/// stages.
impl Mechanisms for Extended {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    /// Rates 1 − exp(−dt/τ) (or dt/τ).
    fn rate(&self, tau: f64, _dt: f64) -> f64 {
        if self.exponential {
            1.0 - (-self.dt / tau).exp()
        } else {
            self.dt / tau
        }
    }

    fn rationing(&self) -> crate::ario::Rationing {
        self.rationing
    }

    fn set_controls(&mut self, c: &Controls) {
        self.controls.clone_from(c);
    }

    /// The controls to each mechanism, the paths' final demand, then the
    /// restrictions on it and on last step's orders; Y·1 of the step.
    fn restrict_orders(&mut self, m: &mut ArioModel) -> Result<()> {
        if let Some(st) = self.stock_start.as_mut() {
            st.copy_from_slice(&m.stock);
        }
        self.restrictions.set_controls(&self.controls);
        self.paths.form(m, &self.controls)?;
        if self.reroute.is_empty() && self.anticipation.is_empty() {
            self.restrictions.restrict_orders(m)?;
        } else {
            // Rerouting lets V of the blocked flow through (φ' = φ (1 −
            // V/B)), the restrictions cut what is left and draw what
            // substitutes miss from the front-loaded stocks; then the
            // mark-ups and the front-loaded orders join the step's Y.
            self.anticipation.begin_step(m);
            let mut phi = self.restrictions.shares(m);
            let orders = self.restrictions.orders_restricted();
            self.reroute.let_through(
                m,
                self.restrictions.specs(),
                &phi,
                orders,
                &mut self.through,
            );
            for (p, f) in phi.iter_mut().zip(&self.through) {
                *p *= f;
            }
            let stock = (!self.anticipation.is_empty()).then_some(&mut self.anticipation);
            self.restrictions.restrict_with(m, &phi, stock);
            self.reroute.restrict_orders(m)?;
            self.anticipation.restrict_orders(m)?;
        }
        let nfd = m.nfd;
        m.y_rowsum = (0..m.n)
            .map(|i| m.y_eff[i * nfd..(i + 1) * nfd].iter().sum())
            .collect();
        self.y_grouped.refill(&m.y_eff, m.nr, m.ns, nfd);
        Ok(())
    }

    fn scale_capacity(&self, cap: &mut [f64]) {
        self.paths.scale_capacity(cap);
    }

    fn inventory_floor(&self) -> Option<&[f64]> {
        self.restrictions.inventory_floor()
    }

    fn constrain_production(
        &self,
        m: &ArioModel,
        popt: &[f64],
        floor: Option<&[f64]>,
    ) -> (Vec<f64>, bool) {
        self.criticality.constrain_production(m, popt, floor)
    }

    fn adjust_deliveries(&self, s_add: &mut [f64], tot: &[f64], prod: &[f64], ns: usize) {
        self.restrictions.adjust_deliveries(s_add, tot, prod, ns);
        self.anticipation.adjust_deliveries(s_add, tot, prod, ns);
    }

    fn clamp_inventories(&self) -> bool {
        self.criticality.clamp_inventories()
    }

    /// The step's final demand (paths, hooks, restrictions) served by
    /// the one serving kernel.
    fn serve_final_demand(&self, m: &ArioModel, tot: &[f64], prod: &[f64]) -> (Vec<f64>, f64) {
        self.y_grouped
            .serve(tot, prod, m.layout.fd_categories.len())
    }

    fn unmet_final_demand(&self, unmet: &mut [f64]) {
        self.restrictions.unmet_final_demand(unmet);
    }

    fn end_step(&mut self, m: &mut ArioModel, tot: &[f64], cap: &[f64]) {
        self.restrictions.end_step(m, tot, cap);
    }

    fn extended(&self) -> Option<&Extended> {
        Some(self)
    }

    fn extended_mut(&mut self) -> Option<&mut Extended> {
        Some(self)
    }
}
