//! Trade restrictions and the redirection of orders, a mechanism of its
//! own: it restricts the orders placed last step and the step's final
//! demand (stage 1), sets the inventory floor of a lasting cut (stage 3),
//! delivers the moved orders (stage 4), reports the final demand it
//! blocked as unmet (stage 4) and keeps what the next step needs (stage 5).
//!
//! **Trade restrictions** on deliveries of product s from origin regions
//! 𝒪 to buyers in destination region d (all its industries and final
//! buyers, or the industries of some buyer sectors only). φ_k(t) ∈ [0, 1]
//! is restriction k's share removed, a phased-in path times the hook's
//! scale (or the hook's override). Restrictions covering the same flow
//! combine as independent rules, each removing its share of what the
//! others left: origin o keeps Π_k (1 − φ_k) of its flow (two of 0.5
//! remove 0.75), so no flow can turn negative.
//!
//! *Basis.* φ is a share of what the buyer would order without the
//! restriction, at its current level. For a final buyer that is the
//! current final demand (paths and hooks applied). For an industry j
//! buying input s, ARIO's order is G_sj = r_s (goal − N_sj)⁺ + a_sj x_j,
//! split over origins by ω_oj = Z⁰_(o,s)j ρ_(o,s) / Σ_o' Z⁰_(o',s)j ρ_(o',s).
//! The part of the inventory gap that restrictions caused is not an
//! order the buyer would place without them, so the reference order is
//! R_sj = min(G_sj, a_sj x^Opt_j + r_s (gap_sj − K_sj)), with x^Opt_j =
//! min(d_j, x^Cap_j) the buyer's unconstrained output and K_sj ≤ gap_sj
//! the restrictions' deficit (below). Without a deficit and when x ≤
//! x^Opt, R = G: orders are ARIO's.
//!
//! *Orders.* Restricted origin o gets (1 − Φ_o) ω_oj R_sj, Φ_o = 1 −
//! Π_k (1 − φ_k); other origins (domestic included) get ω_oj R_sj plus a
//! share of the redirection Q_sj. The blocked flow is
//! E_sj = Σ_o Φ_o ω_oj R_sj; the redirection's target is
//! T_sj = σ̄ E_sj + r_s L_sj, σ̄ of the blocked flow plus the refill of
//! L_sj, the part of the deficit substitutes could have filled but did
//! not yet; Q ← Q + λ_dt (T − Q), λ_dt = 1 − (1 − λ̄)^dt for a daily
//! speed λ̄, 0 ≤ Q ≤ T, limited by the spare capacity x^Cap − x of the
//! unrestricted origins of s, shared in proportion to it (first come,
//! first served across buyers). σ̄ and λ̄ are the restrictions' σ_k and
//! λ_k weighted by the shares they remove. So with σ = 0 no origin
//! delivers more than its unrestricted share of R: the buyer is left with
//! (1 − Σ_o Φ_o ω_oj) of its need, the Leontief loss on a critical input.
//! The deficit follows K ← max(0, min(K, gap) + (1 − p)(E − Q)): what was
//! blocked and not redirected, bounded by the actual gap, less the part
//! the inventory floor p (below) takes out of output instead of the
//! stock; its replaceable part
//! L ← min(K, max(0, min(L, K) + σ̄ E − Q)). The other (1 − σ̄) of what is
//! blocked is never refilled while the restrictions last, so in the long
//! run a buyer gets (1 − (1 − σ̄) Σ_o Φ_o ω_oj) of its need: σ̄ is the
//! share of the blocked flow replaced, not only the speed of replacing
//! it (tested: the loss on a critical input is (1 − σ̄) times the
//! Leontief loss).
//! Final buyers: the same with y (current final demand) for ω R and no
//! deficit; what is neither delivered nor redirected is reported as
//! final demand unmet. Orders are adjusted at the start of the step that
//! receives them, after the hook, so a hook's change of φ acts on the
//! next step's intermediate and final deliveries alike.
//!
//! *Rerouting and front-loaded stocks* (`reroute.rs`, `anticipation.rs`).
//! In the extended mode's composition the restrictions act with
//! φ'_k = φ_k (1 − V_k/B_k), what rerouting leaves blocked; and what is
//! still missing after substitutes, (E − Q) E_o/E per restricted origin
//! o, is drawn from the front-loaded stocks that cover the flow, D. D
//! goes into the buyer's inventory (stage 4) and out of what the
//! restrictions count: K ← max(0, min(K, gap) + (1 − p)(E − Q − D)) and
//! the floor is p (E − Q − D)/R (for final buyers, E − Q − D is unmet).
//! Without stocks D = 0 exactly.

use crate::ario::ArioModel;
use crate::error::Result;
use crate::mechanisms::Mechanisms;
use crate::params::OrderType;

use super::anticipation::Anticipation;
use super::{positive, unit, Controls, RestrictionFlows, TradeRestriction};

/// The restrictions on one intermediate buyer's purchases of one product.
#[derive(Debug, Clone)]
struct BuyerGroup {
    product: usize,
    /// The buying industry (destination · S + buyer sector).
    buyer: usize,
    /// Restrictions covering it, in spec order.
    members: Vec<usize>,
    /// Redirection reached, Q.
    redirect: f64,
    /// The restrictions' deficit K in the buyer's inventory of the product.
    deficit: f64,
    /// The part of K that substitutes could have filled but did not yet
    /// (redirection still adjusting, or spare capacity short): L ≤ K.
    lag: f64,
}

/// The restrictions on final buyers of one product in one destination.
#[derive(Debug, Clone)]
struct FinalGroup {
    product: usize,
    destination: usize,
    members: Vec<usize>,
    /// Redirection reached, per final-demand category.
    redirect: Vec<f64>,
}

/// What the order adjustment needs from the end of the previous step.
#[derive(Debug, Clone)]
struct Previous {
    /// x^Opt = min(d, x^Cap).
    x_opt: Vec<f64>,
    /// x^Cap − x, at least 0.
    spare: Vec<f64>,
}

/// The restrictions and their state.
#[derive(Debug, Clone)]
pub(crate) struct Restrictions {
    dt: f64,
    restrictions: Vec<TradeRestriction>,
    /// p, the inventory floor of a lasting cut.
    precaution: f64,
    /// The hook's scales and overrides of φ, per restriction.
    scale: Vec<f64>,
    overrides: Vec<Option<f64>>,
    buyers: Vec<BuyerGroup>,
    finals: Vec<FinalGroup>,
    /// Order changes this step: (supplier i, buyer j, ΔO).
    adjust: Vec<(usize, usize, f64)>,
    /// Final demand blocked this step and not redirected, by destination
    /// region and product.
    fd_blocked: Vec<f64>,
    prev: Option<Previous>,
    /// Per restriction, its flows this step.
    pub(crate) flows: Vec<RestrictionFlows>,
    /// p u_sj per (industry j, input s), index j·S + s: the share of the
    /// buyer's need of s that restrictions removed this step and
    /// substitutes did not replace, u = (E − Q)/R, times p (the floor).
    held: Vec<f64>,
}

impl Restrictions {
    pub(crate) fn new(
        model: &ArioModel,
        restrictions: Vec<TradeRestriction>,
        precaution: f64,
    ) -> Self {
        let (n, ns) = (model.n, model.ns);
        let nf = model.layout.fd_categories.len();
        // Groups in a fixed order (product, buyer), so that spare capacity
        // is handed out the same way in every run.
        let mut buyers: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
        let mut finals: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
        for (k, r) in restrictions.iter().enumerate() {
            let sectors: Vec<usize> = match &r.buyer_sectors {
                Some(v) => v.clone(),
                None => {
                    finals
                        .entry((r.product, r.destination))
                        .or_default()
                        .push(k);
                    (0..ns).collect()
                }
            };
            for b in sectors {
                let v = buyers
                    .entry((r.product, r.destination * ns + b))
                    .or_default();
                if !v.contains(&k) {
                    v.push(k);
                }
            }
        }
        let buyers = buyers
            .into_iter()
            .map(|((product, buyer), members)| BuyerGroup {
                product,
                buyer,
                members,
                redirect: 0.0,
                deficit: 0.0,
                lag: 0.0,
            })
            .collect();
        let finals = finals
            .into_iter()
            .map(|((product, destination), members)| FinalGroup {
                product,
                destination,
                members,
                redirect: vec![0.0; nf],
            })
            .collect();
        let nk = restrictions.len();
        Self {
            dt: model.dt,
            restrictions,
            precaution,
            scale: vec![1.0; nk],
            overrides: vec![None; nk],
            buyers,
            finals,
            adjust: Vec::new(),
            fd_blocked: vec![0.0; n],
            prev: None,
            flows: vec![RestrictionFlows::default(); nk],
            held: vec![0.0; ns * n],
        }
    }

    /// φ_k in effect at temporal unit t: the hook's override, or the path
    /// times the hook's scale.
    fn reduction(&self, k: usize, t: f64) -> f64 {
        match self.overrides.get(k).copied().flatten() {
            Some(v) => unit(v),
            None => {
                let scale = self.scale.get(k).copied().unwrap_or(1.0);
                unit(self.restrictions[k].reduction.at(t) * scale)
            }
        }
    }
}

impl Mechanisms for Restrictions {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    fn set_controls(&mut self, c: &Controls) {
        self.scale.clone_from(&c.restriction_scale);
        self.overrides.clone_from(&c.restriction_override);
    }

    /// The restrictions on the orders placed at the end of the last step
    /// and on this step's final demand (formed by the paths), φ evaluated
    /// at the middle of the step; a hook's change of φ acts on the next
    /// step's intermediate and final deliveries alike.
    fn restrict_orders(&mut self, m: &mut ArioModel) -> Result<()> {
        let phi = self.shares(m);
        self.restrict_with(m, &phi, None);
        Ok(())
    }

    fn inventory_floor(&self) -> Option<&[f64]> {
        (!self.restrictions.is_empty()).then_some(&self.held[..])
    }

    /// Deliveries of the orders moved by restrictions, added to the
    /// inventories' inflow: Σ ΔO_ij x_i/d_i into input s(i) of j.
    fn adjust_deliveries(&self, s_add: &mut [f64], tot: &[f64], prod: &[f64], ns: usize) {
        for &(i, j, d) in &self.adjust {
            if tot[i] != 0.0 {
                s_add[j * ns + i % ns] += d * (prod[i] / tot[i]);
            }
        }
    }

    /// What restrictions blocked and substitutes did not replace counts
    /// as unmet final demand.
    fn unmet_final_demand(&self, unmet: &mut [f64]) {
        for (u, b) in unmet.iter_mut().zip(&self.fd_blocked) {
            *u += b;
        }
    }

    /// Keeps x^Opt = min(d, x^Cap) and the spare capacity x^Cap − x for
    /// the next step's order adjustment.
    fn end_step(&mut self, m: &mut ArioModel, tot: &[f64], cap: &[f64]) {
        if self.restrictions.is_empty() {
            return;
        }
        let n = m.n;
        let x_opt = (0..n).map(|i| tot[i].min(cap[i])).collect();
        let spare = (0..n)
            .map(|i| {
                let v = cap[i] - m.production[i];
                if v > 0.0 {
                    v
                } else {
                    0.0
                }
            })
            .collect();
        self.prev = Some(Previous { x_opt, spare });
    }
}

impl Restrictions {
    /// The restrictions, in spec order.
    pub(crate) fn specs(&self) -> &[TradeRestriction] {
        &self.restrictions
    }

    /// Whether this step's orders are restricted (not in the first step,
    /// which has no previous step's x^Opt).
    pub(crate) fn orders_restricted(&self) -> bool {
        self.prev.is_some()
    }

    /// φ_k of each restriction in this step, at the middle of the step.
    pub(crate) fn shares(&self, m: &ArioModel) -> Vec<f64> {
        let t = m.t + 0.5 * self.dt;
        (0..self.restrictions.len())
            .map(|k| self.reduction(k, t))
            .collect()
    }

    /// Stage 1 with the shares `phi` in effect (after rerouting) and the
    /// front-loaded stocks to draw from, if any.
    pub(crate) fn restrict_with(
        &mut self,
        m: &mut ArioModel,
        phi: &[f64],
        mut stock: Option<&mut Anticipation>,
    ) {
        for (f, p) in self.flows.iter_mut().zip(phi) {
            *f = RestrictionFlows {
                reduction: *p,
                ..Default::default()
            };
        }
        let mut spare = match &self.prev {
            Some(p) => p.spare.clone(),
            None => vec![0.0; m.n],
        };
        self.restrict_intermediate(m, phi, &mut spare, stock.as_deref_mut());
        self.restrict_final(m, phi, &mut spare, stock);
    }

    /// Restrictions on the orders placed at the end of the last step (see
    /// the module docs): records ΔO in `adjust` and adds it to O·1.
    fn restrict_intermediate(
        &mut self,
        m: &mut ArioModel,
        phi: &[f64],
        spare: &mut [f64],
        mut stock: Option<&mut Anticipation>,
    ) {
        let (ns, nr) = (m.ns, m.nr);
        self.adjust.clear();
        let Some(prev) = self.prev.as_ref() else {
            return;
        };
        let zc: &[f64] = match m.params.order_type {
            OrderType::Alt => &m.s_zc,
            OrderType::Noalt => &m.base.zc0,
        };
        let dt = self.dt;
        let mut left = vec![1.0; nr];
        let mut restricted = vec![false; nr];
        let mut removed = Vec::new();
        for g in self.buyers.iter_mut() {
            let active: Vec<usize> = g
                .members
                .iter()
                .copied()
                .filter(|&k| phi[k] > 0.0)
                .collect();
            let (s, j) = (g.product, g.buyer);
            let kk = j * ns + s;
            let zcv = zc[kk];
            let gtot = m.ord_h[kk] * zcv;
            if active.is_empty() || !positive(zcv) || !positive(gtot) {
                g.redirect = 0.0;
                g.deficit = 0.0;
                g.lag = 0.0;
                self.held[kk] = 0.0;
                continue;
            }
            // Remaining share per origin, and each restriction's removed
            // share of the buyer's orders (ω weighted), sequentially.
            left.iter_mut().for_each(|v| *v = 1.0);
            restricted.iter_mut().for_each(|v| *v = false);
            removed.clear();
            for &k in &active {
                let mut e = 0.0;
                for &o in &self.restrictions[k].origins {
                    let i = o * ns + s;
                    let w = m.base.z0[(i, j)] * m.ord_ratio[i] / zcv;
                    let r = phi[k] * left[o];
                    e += r * w;
                    left[o] -= r;
                    restricted[o] = true;
                }
                removed.push(e);
            }
            let e_tot: f64 = removed.iter().sum();
            if !positive(e_tot) {
                g.redirect = 0.0;
                g.deficit = 0.0;
                g.lag = 0.0;
                self.held[kk] = 0.0;
                continue;
            }
            let a = m.base.tech[kk];
            let refill = (gtot - a * m.production[j]).max(0.0);
            let rate = m.base.restoration_tau[s];
            let gap = if rate > 0.0 { refill / rate } else { 0.0 };
            let deficit = g.deficit.min(gap).max(0.0);
            let reference = gtot
                .min(a * prev.x_opt[j] + refill - rate * deficit)
                .max(0.0);
            let scale = reference / gtot;
            let blocked = e_tot * reference;
            let (mut sig, mut lam) = (0.0, 0.0);
            for (&k, e) in active.iter().zip(&removed) {
                let r = &self.restrictions[k];
                sig += r.substitutability * e / e_tot;
                lam += r.adjustment_speed * e / e_tot;
            }
            // Substitutes take σ̄ of the blocked flow, plus the refill of
            // what they could have taken but did not yet (L); the rest of
            // the deficit, (1 − σ̄) of what was blocked, is never refilled
            // while the restrictions last, so σ̄ is the share replaced in
            // the long run.
            let lag = g.lag.min(deficit).max(0.0);
            let target = sig * blocked + rate * lag;
            g.redirect += (1.0 - (1.0 - unit(lam)).powf(dt)) * (target - g.redirect);
            let spare_tot: f64 = (0..nr)
                .filter(|&o| !restricted[o])
                .map(|o| spare[o * ns + s])
                .sum();
            let red = g.redirect.min(target).min(spare_tot).max(0.0);
            for o in 0..nr {
                let i = o * ns + s;
                let old = m.base.z0[(i, j)] * m.ord_ratio[i] * m.ord_h[kk];
                let mut new = if restricted[o] {
                    old * scale * left[o]
                } else if scale == 1.0 {
                    old
                } else {
                    old * scale
                };
                if !restricted[o] && red > 0.0 && spare[i] > 0.0 {
                    let share = red * spare[i] / spare_tot;
                    new += share;
                    spare[i] -= share;
                }
                if new != old {
                    self.adjust.push((i, j, new - old));
                }
                for &k in &active {
                    if self.restrictions[k].origins.contains(&o) {
                        self.flows[k].reference += old * scale;
                    }
                }
            }
            // What is still missing is drawn from front-loaded stocks
            // (anticipation.rs), origin by origin: (E − Q) E_o / E.
            let mut drawn = 0.0;
            if let Some(st) = stock.as_deref_mut() {
                let short = blocked - red;
                if positive(short) && positive(blocked) {
                    for o in (0..nr).filter(|&o| restricted[o] && left[o] < 1.0) {
                        let i = o * ns + s;
                        let w = m.base.z0[(i, j)] * m.ord_ratio[i] / zcv;
                        let need = (1.0 - left[o]) * w * reference * short / blocked;
                        drawn += st.draw(s, o, j / ns, Some((j, j % ns)), need, ns);
                    }
                }
            }
            let sig_e: f64 = active
                .iter()
                .zip(&removed)
                .map(|(&k, e)| self.restrictions[k].substitutability * e)
                .sum();
            for (&k, e) in active.iter().zip(&removed) {
                self.flows[k].blocked += e * reference;
                if sig_e > 0.0 {
                    self.flows[k].redirected +=
                        red * self.restrictions[k].substitutability * e / sig_e;
                }
            }
            // With the inventory floor the buyer cuts its output by p of
            // what is blocked and not redirected instead of drawing its
            // stock, so only (1 − p) of it is a deficit of the restrictions.
            // (Counting all of it let K absorb the ordinary gap of a
            // growing buyer — orders lag use by a step — which was then
            // never refilled: the stock drained at the growth rate until
            // it bound, years after the cut.)
            let p = unit(self.precaution);
            g.deficit = (deficit + (1.0 - p) * (blocked - red - drawn)).max(0.0);
            g.lag = (lag + sig * blocked - red).max(0.0).min(g.deficit);
            self.held[kk] = if positive(reference) {
                unit(self.precaution) * unit((blocked - red - drawn) / reference)
            } else {
                0.0
            };
        }
        for &(i, _, d) in &self.adjust {
            let v = m.ord_rowsum[i] + d;
            // Only round-off can take a sum of non-negative orders below 0.
            m.ord_rowsum[i] = if v < 0.0 { 0.0 } else { v };
        }
    }

    /// Restrictions on final buyers: the current final demand from the
    /// restricted origins is cut, a share redirected.
    fn restrict_final(
        &mut self,
        m: &mut ArioModel,
        phi: &[f64],
        spare: &mut [f64],
        mut stock: Option<&mut Anticipation>,
    ) {
        let (ns, nr) = (m.ns, m.nr);
        let mut by_origin = vec![0.0; nr];
        let nf = m.layout.fd_categories.len();
        let nfd = m.nfd;
        self.fd_blocked.iter_mut().for_each(|v| *v = 0.0);
        let mut left = vec![1.0; nr];
        let mut restricted = vec![false; nr];
        let mut removed = Vec::new();
        for gi in 0..self.finals.len() {
            let (s, d) = (self.finals[gi].product, self.finals[gi].destination);
            let active: Vec<usize> = self.finals[gi]
                .members
                .iter()
                .copied()
                .filter(|&k| phi[k] > 0.0)
                .collect();
            if active.is_empty() {
                self.finals[gi].redirect.iter_mut().for_each(|v| *v = 0.0);
                continue;
            }
            for f in 0..nf {
                let c = d * nf + f;
                left.iter_mut().for_each(|v| *v = 1.0);
                restricted.iter_mut().for_each(|v| *v = false);
                removed.clear();
                by_origin.iter_mut().for_each(|v| *v = 0.0);
                for &k in &active {
                    let mut e = 0.0;
                    for &o in &self.restrictions[k].origins {
                        let y = m.y_eff[(o * ns + s) * nfd + c];
                        let r = phi[k] * left[o];
                        e += r * y;
                        by_origin[o] += r * y;
                        left[o] -= r;
                        restricted[o] = true;
                        self.flows[k].reference += y;
                    }
                    self.flows[k].blocked += e;
                    removed.push(e);
                }
                let blocked: f64 = removed.iter().sum();
                let (mut sig, mut lam) = (0.0, 0.0);
                if blocked > 0.0 {
                    for (&k, e) in active.iter().zip(&removed) {
                        let r = &self.restrictions[k];
                        sig += r.substitutability * e / blocked;
                        lam += r.adjustment_speed * e / blocked;
                    }
                }
                for o in 0..nr {
                    if restricted[o] {
                        m.y_eff[(o * ns + s) * nfd + c] *= left[o];
                    }
                }
                let target = sig * blocked;
                let q = &mut self.finals[gi].redirect[f];
                *q += (1.0 - (1.0 - unit(lam)).powf(self.dt)) * (target - *q);
                let spare_tot: f64 = (0..nr)
                    .filter(|&o| !restricted[o])
                    .map(|o| spare[o * ns + s])
                    .sum();
                let red = q.min(target).min(spare_tot).max(0.0);
                if red > 0.0 {
                    for o in (0..nr).filter(|&o| !restricted[o]) {
                        let i = o * ns + s;
                        if spare[i] > 0.0 {
                            let share = red * spare[i] / spare_tot;
                            m.y_eff[i * nfd + c] += share;
                            spare[i] -= share;
                        }
                    }
                    let sig_e: f64 = active
                        .iter()
                        .zip(&removed)
                        .map(|(&k, e)| self.restrictions[k].substitutability * e)
                        .sum();
                    for (&k, e) in active.iter().zip(&removed) {
                        self.flows[k].redirected +=
                            red * self.restrictions[k].substitutability * e / sig_e;
                    }
                }
                let mut drawn = 0.0;
                if let Some(st) = stock.as_deref_mut() {
                    let short = blocked - red;
                    if positive(short) && positive(blocked) {
                        for o in (0..nr).filter(|&o| positive(by_origin[o])) {
                            drawn += st.draw(s, o, d, None, by_origin[o] * short / blocked, ns);
                        }
                    }
                }
                self.fd_blocked[d * ns + s] += blocked - red - drawn;
            }
        }
    }
}
