//! Rerouting, a mechanism of its own: a share of a restricted flow reaches
//! its buyers through a third economy, at a mark-up and with a limit.
//!
//! For a rerouting r on restriction k (product s, origins 𝒪_k, buyers in
//! destination d) through economy w, in each step, on the live flows —
//! the orders the buyers placed at the end of the last step, O_oj =
//! Z⁰_(o,s)j ρ_(o,s) H_sj, and the step's final demand y_(o,s),d (after
//! the paths and hooks), over the buyers the restriction covers:
//!
//! - R_o = Σ_j O_oj + Σ_c y_(o,s),(d,c), the live flow from origin o;
//! - B = φ_k Σ_{o∈𝒪_k} R_o, what the restriction would block (φ_k its
//!   share in effect this step);
//! - F_via = R_w Σ_{o∈𝒪_k} R_o / Σ_{o∈𝒫} R_o, w's own live deliveries of
//!   s to the same buyers, shared among the measure's origins 𝒫 (`peers`;
//!   𝒪_k when empty) by their live flows;
//! - **V = min(ν B, λ F_via)**: the rerouted flow (the control's leakage;
//!   ν may follow a path ν(t));
//! - the restriction then blocks φ'_k = φ_k (1 − V/B) of the buyers'
//!   orders: V stays with the origins (they produce it; it is delivered,
//!   not blocked), and the restriction's redirection, deficit and
//!   inventory floor see only what is left blocked;
//! - w earns the mark-up **μ V**, added as final demand of d (category
//!   `markup_category`) on w's trade industry (`markup_industry`): a
//!   service w sells to the buyers in d, paid on top of the goods. It is
//!   placed in final demand because the buyers' technical coefficients
//!   are fixed in the engine (an input-side placement would change A^S and
//!   their inventory targets); the scenario layer books μ V in the flow's
//!   cost wedge.
//!
//! The limit uses w's own orders (ARIO's split of the buyers' orders
//! before any redirection), not what substitutes send through w: λ bounds
//! the rerouted flow by w's usual trade with d, the volume that can pass
//! through it without new capacity. V, B and F_via are recorded per step
//! ([`RerouteFlows`]) so that the scenario layer reports leakage per
//! quarter. With ν = 0 the factor is exactly 1 and nothing is added: the
//! run is the one without rerouting, bit for bit.

use crate::ario::ArioModel;
use crate::error::Result;
use crate::mechanisms::Mechanisms;

use super::{positive, TradeRestriction};

/// A rerouting of restriction k's flow through a third economy (model
/// indices).
#[derive(Debug, Clone, PartialEq)]
pub struct RerouteSpec {
    /// The restriction (index in [`super::ExtendedSpec::restrictions`]).
    pub restriction: usize,
    /// w: the third economy (region index).
    pub via: usize,
    /// ν(t) ∈ [0, 1]: the share of the blocked flow rerouted, at the
    /// middle of the step (a path, so that a scenario can give the part
    /// of a compounded restriction that its rerouting measure covers).
    pub share: super::Path,
    /// λ ≥ 0: the limit, a multiple of w's own deliveries.
    pub limit: f64,
    /// μ ≥ 0: the mark-up per unit rerouted.
    pub markup: f64,
    /// The industry of w that earns the mark-up (w · S + trade sector);
    /// None: no mark-up is placed.
    pub markup_industry: Option<usize>,
    /// The final-demand category of d that pays it.
    pub markup_category: usize,
    /// 𝒫: the origins that share w's deliveries (a measure's origins);
    /// empty: the restriction's own origins.
    pub peers: Vec<usize>,
}

/// A rerouting's flows in one step (per-step table units).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RerouteFlows {
    /// B: what the restriction would block without rerouting.
    pub blocked: f64,
    /// F_via: w's live deliveries, the origins' share.
    pub via_flow: f64,
    /// V = min(ν B, λ F_via).
    pub rerouted: f64,
    /// μ V, added to w's trade industry.
    pub markup: f64,
    /// d: the restriction's destination (model index).
    pub destination: usize,
}

/// The live flow of product s from origin o to the buyers a restriction
/// covers in d: their orders placed at the end of the last step
/// (Z⁰_(o,s)j ρ_(o,s) H_sj) plus, when it covers final buyers, the step's
/// final demand of d on (o, s).
/// `orders` false leaves the orders out (a step whose orders the
/// restrictions do not touch: the first).
pub(crate) fn live_flow(
    m: &ArioModel,
    s: usize,
    o: usize,
    d: usize,
    buyer_sectors: Option<&[usize]>,
    orders: bool,
) -> f64 {
    let ns = m.ns;
    let nf = m.layout.fd_categories.len();
    let i = o * ns + s;
    let order = |b: usize| {
        let j = d * ns + b;
        m.base.z0[(i, j)] * m.ord_ratio[i] * m.ord_h[j * ns + s]
    };
    let placed: f64 = match (orders, buyer_sectors) {
        (false, _) => 0.0,
        (true, Some(bs)) => bs.iter().map(|&b| order(b)).sum(),
        (true, None) => (0..ns).map(order).sum(),
    };
    if buyer_sectors.is_some() {
        return placed;
    }
    let fd: f64 = (0..nf)
        .map(|f| m.y_eff.get(i * m.nfd + d * nf + f).copied().unwrap_or(0.0))
        .sum();
    placed + fd
}

/// The reroutings and their flows this step.
#[derive(Debug, Clone)]
pub(crate) struct Reroute {
    specs: Vec<RerouteSpec>,
    /// Per rerouting, its flows this step.
    pub(crate) flows: Vec<RerouteFlows>,
}

impl Reroute {
    pub(crate) fn new(specs: Vec<RerouteSpec>) -> Self {
        let flows = vec![RerouteFlows::default(); specs.len()];
        Self { specs, flows }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Before the restrictions act: V of each rerouting from the live
    /// flows, and the factor (1 − V/B) on each restriction's φ (`through`,
    /// one per restriction, 1 where nothing is rerouted). `phi` is each
    /// restriction's share in effect this step; `orders` is false in a
    /// step whose orders the restrictions do not touch (the first), when
    /// only final buyers count.
    pub(crate) fn let_through(
        &mut self,
        m: &ArioModel,
        restrictions: &[TradeRestriction],
        phi: &[f64],
        orders: bool,
        through: &mut Vec<f64>,
    ) {
        through.clear();
        through.resize(restrictions.len(), 1.0);
        let t = m.t + 0.5 * m.dt;
        for (spec, fl) in self.specs.iter().zip(self.flows.iter_mut()) {
            let Some(r) = restrictions.get(spec.restriction) else {
                *fl = RerouteFlows::default();
                continue;
            };
            *fl = RerouteFlows {
                destination: r.destination,
                ..Default::default()
            };
            let p = phi.get(spec.restriction).copied().unwrap_or(0.0);
            let nu = spec.share.at(t).clamp(0.0, 1.0);
            if !positive(p) || !positive(nu) {
                continue;
            }
            let (s, d) = (r.product, r.destination);
            let buyers = r.buyer_sectors.as_deref();
            let flow = |o: usize| live_flow(m, s, o, d, buyers, orders);
            let own: f64 = r.origins.iter().map(|&o| flow(o)).sum();
            let peers: f64 = if spec.peers.is_empty() {
                own
            } else {
                spec.peers.iter().map(|&o| flow(o)).sum()
            };
            let blocked = p * own;
            if !positive(blocked) {
                continue;
            }
            let via = if positive(peers) {
                flow(spec.via) * own / peers
            } else {
                0.0
            };
            let v = (nu * blocked).min(spec.limit.max(0.0) * via).max(0.0);
            fl.blocked = blocked;
            fl.via_flow = via;
            fl.rerouted = v;
            fl.markup = spec.markup.max(0.0) * v;
            through[spec.restriction] *= 1.0 - v / blocked;
        }
    }
}

impl Mechanisms for Reroute {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    /// After the restrictions: the mark-ups μ V on the third economies'
    /// trade industries, as final demand of the destinations.
    fn restrict_orders(&mut self, m: &mut ArioModel) -> Result<()> {
        let nf = m.layout.fd_categories.len();
        for (spec, fl) in self.specs.iter().zip(&self.flows) {
            let Some(w) = spec.markup_industry else {
                continue;
            };
            if !positive(fl.markup) {
                continue;
            }
            let c = fl.destination * nf + spec.markup_category;
            if let Some(y) = m.y_eff.get_mut(w * m.nfd + c) {
                *y += fl.markup;
            }
        }
        Ok(())
    }
}
