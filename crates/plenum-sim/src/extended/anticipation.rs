//! Anticipation, a mechanism of its own: buyers who know that a control
//! is coming stock up before it starts, then draw the stock down.
//!
//! For an anticipation a on the flow of product s from origin g to buyers
//! in destination d (all of them, or the industries of some sectors),
//! announced at t_a and effective from t_s (temporal units, lead
//! L = t_s − t_a > 0), with full-effect share φ̄ and storage bound q̄
//! (temporal units of the blocked flow), in the step whose middle t lies:
//!
//! - **over the lead** (t_a ≤ t < t_s): B̄ = φ̄ R_g, R_g the live flow
//!   (the buyers' orders placed at the end of the last step and the
//!   step's final demand before any restriction cuts it, as in
//!   `reroute.rs`), is what the control will
//!   block at full effect, per step. The buyers order on top of their
//!   orders **F = B̄ q̄ / L** per step (dt-independent: over the lead they
//!   buy B̄ q̄/dt, q̄/dt steps of the blocked flow), up to the bound
//!   S ≤ B̄ q̄ / dt. F is final demand of d (category `category`, the
//!   inventory investment that buys it) on g's industry: real demand on
//!   the exporter, which gains before the control. The stock S grows by
//!   F (what was ordered).
//! - **from the start** (t ≥ t_s): in each step the restrictions block
//!   E_oj of the buyers' orders from g (after any rerouting) and
//!   substitutes replace Q_j; what is still missing, (E − Q) E_gj / E for
//!   an industry j (the same for final buyers, per category), is drawn
//!   from S until it is empty: **D = min(S, (E − Q) E_g / E)**. D goes
//!   into j's inventory N_sj without being produced again (it was bought
//!   over the lead), so j's inputs, and its output, do not fall until S
//!   runs out; then they fall as under the restriction alone. For final
//!   buyers D is delivered and not counted as unmet.
//!
//! **The front-loaded stock and ARIO's inventories.** S is held apart
//! from N. Counted in N, it would raise N above its target s A^S x, and
//! ARIO's order rule would cut the buyers' orders by the excess over the
//! lead (undoing the front-loading at once), while the restrictions'
//! inventory floor f = p u (the share of the need a buyer does not draw
//! from N under a lasting cut) would keep it from being used. Held apart,
//! S enters N only as it is drawn, and the draw lowers what the
//! restrictions count as cut: their deficit K grows by (1 − p)(E − Q − D)
//! and the floor is p (E − Q − D)/R, so the floor does not throw the
//! front-loaded stock away, and output follows the cut only once S is
//! empty. Without an anticipation D = 0 exactly, and the restrictions'
//! arithmetic is unchanged bit for bit.

use crate::ario::ArioModel;
use crate::error::Result;
use crate::mechanisms::Mechanisms;

use super::positive;
use super::reroute::live_flow;

/// An anticipated control on one flow (model indices, temporal units).
#[derive(Debug, Clone, PartialEq)]
pub struct AnticipationSpec {
    pub product: usize,
    /// g.
    pub origin: usize,
    /// d.
    pub destination: usize,
    /// The buyers: None for every industry of d and its final buyers;
    /// Some(sectors) for the industries of those sectors (as
    /// [`super::TradeRestriction::buyer_sectors`]).
    pub buyer_sectors: Option<Vec<usize>>,
    /// t_a: the announcement (temporal unit).
    pub announced: f64,
    /// t_s: the start of the control (temporal unit).
    pub start: f64,
    /// φ̄ ∈ [0, 1]: the share the control will block at full effect.
    pub full_reduction: f64,
    /// q̄ ≥ 0: the storage bound, temporal units of the blocked flow.
    pub storage: f64,
    /// The final-demand category of d that buys the front-loaded goods.
    pub category: usize,
}

/// An anticipation's flows in one step (per-step table units).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AnticipationFlows {
    /// F: ordered on top over the lead.
    pub front_loaded: f64,
    /// D: drawn from the stock.
    pub drawn: f64,
    /// S at the end of stage 1.
    pub stock: f64,
    /// B̄ = φ̄ R_g over the lead: the flow the control will block at full
    /// effect, per step, on this step's live flow (0 outside the lead).
    pub full_blocked: f64,
}

/// The anticipations, their stocks and this step's draws.
#[derive(Debug, Clone)]
pub(crate) struct Anticipation {
    dt: f64,
    specs: Vec<AnticipationSpec>,
    /// Middle of the step (temporal unit).
    now: f64,
    /// Per anticipation, its flows this step.
    pub(crate) flows: Vec<AnticipationFlows>,
    /// Draws into inventories this step: (index j·S + s, D).
    inflow: Vec<(usize, f64)>,
}

impl Anticipation {
    pub(crate) fn new(dt: f64, specs: Vec<AnticipationSpec>) -> Self {
        let flows = vec![AnticipationFlows::default(); specs.len()];
        Self {
            dt,
            specs,
            now: 0.0,
            flows,
            inflow: Vec::new(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Stage 1, before the restrictions: the step's time; resets the
    /// step's flows (the stock carries over); over the lead, B̄ from the
    /// live flow as the buyers placed it (before any restriction cuts the
    /// step's final demand, as the orders are).
    pub(crate) fn begin_step(&mut self, m: &ArioModel) {
        self.now = m.t + 0.5 * self.dt;
        for (a, f) in self.specs.iter().zip(self.flows.iter_mut()) {
            f.front_loaded = 0.0;
            f.drawn = 0.0;
            f.full_blocked = 0.0;
            if a.announced <= self.now && self.now < a.start {
                let live = live_flow(
                    m,
                    a.product,
                    a.origin,
                    a.destination,
                    a.buyer_sectors.as_deref(),
                    true,
                );
                f.full_blocked = a.full_reduction.clamp(0.0, 1.0) * live;
            }
        }
        self.inflow.clear();
    }

    /// Draws up to `need` of product s from origin o for a buyer in d:
    /// `buyer` Some((j, sector of j)) for an industry, None for final
    /// buyers. Returns D, what came out of the stocks that cover it (in
    /// spec order, from the start of their control on).
    pub(crate) fn draw(
        &mut self,
        s: usize,
        o: usize,
        d: usize,
        buyer: Option<(usize, usize)>,
        need: f64,
        ns: usize,
    ) -> f64 {
        let mut left = need;
        let mut got = 0.0;
        for (a, f) in self.specs.iter().zip(self.flows.iter_mut()) {
            if !positive(left) {
                break;
            }
            if a.product != s || a.origin != o || a.destination != d || self.now < a.start {
                continue;
            }
            let covered = match (&a.buyer_sectors, buyer) {
                (None, _) => true,
                (Some(v), Some((_, b))) => v.contains(&b),
                (Some(_), None) => false,
            };
            if !covered || !positive(f.stock) {
                continue;
            }
            let take = f.stock.min(left);
            f.stock -= take;
            f.drawn += take;
            left -= take;
            got += take;
            if let Some((j, _)) = buyer {
                self.inflow.push((j * ns + s, take));
            }
        }
        got
    }
}

impl Mechanisms for Anticipation {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    /// After the restrictions: the front-loaded orders of the step, as
    /// final demand of d on g's industry (B̄ from `begin_step`; not cut by
    /// a restriction already on the flow: it is bought before the new
    /// control).
    fn restrict_orders(&mut self, m: &mut ArioModel) -> Result<()> {
        let nf = m.layout.fd_categories.len();
        for (a, f) in self.specs.iter().zip(self.flows.iter_mut()) {
            let lead = a.start - a.announced;
            let in_lead = a.announced <= self.now && self.now < a.start;
            if !(in_lead && positive(lead) && positive(a.storage)) {
                continue;
            }
            let full = f.full_blocked;
            let bound = full * a.storage / self.dt;
            let buy = (full * a.storage / lead).min(bound - f.stock).max(0.0);
            if !positive(buy) {
                continue;
            }
            let i = a.origin * m.ns + a.product;
            let c = a.destination * nf + a.category;
            if let Some(y) = m.y_eff.get_mut(i * m.nfd + c) {
                *y += buy;
                f.stock += buy;
                f.front_loaded += buy;
            }
        }
        Ok(())
    }

    /// Stage 4: the draws go into the buyers' inventories (bought over
    /// the lead, not produced again).
    fn adjust_deliveries(&self, s_add: &mut [f64], _tot: &[f64], _prod: &[f64], _ns: usize) {
        for &(k, v) in &self.inflow {
            if let Some(x) = s_add.get_mut(k) {
                *x += v;
            }
        }
    }
}
