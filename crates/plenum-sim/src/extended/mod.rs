//! Mechanisms beyond ARIO, in a mode that reuses the ARIO state
//! ([`crate::ArioModel`]): the same inventories N, orders O (kept as ρ and
//! H), overproduction α, events and two passes over Z⁰ per step, plus:
//!
//! - **trade restrictions** on deliveries of product s from origin regions
//!   𝒪 to buyers in destination region d (all its industries and final
//!   buyers, or the industries of some buyer sectors only). φ_k(t) ∈ [0, 1]
//!   is restriction k's share removed, a phased-in path times the hook's
//!   scale (or the hook's override). Restrictions covering the same flow
//!   combine as independent rules, each removing its share of what the
//!   others left: origin o keeps Π_k (1 − φ_k) of its flow (two of 0.5
//!   remove 0.75), so no flow can turn negative.
//!
//!   *Basis.* φ is a share of what the buyer would order without the
//!   restriction, at its current level. For a final buyer that is the
//!   current final demand (paths and hooks applied). For an industry j
//!   buying input s, ARIO's order is G_sj = r_s (goal − N_sj)⁺ + a_sj x_j,
//!   split over origins by ω_oj = Z⁰_(o,s)j ρ_(o,s) / Σ_o' Z⁰_(o',s)j ρ_(o',s).
//!   The part of the inventory gap that restrictions caused is not an
//!   order the buyer would place without them, so the reference order is
//!   R_sj = min(G_sj, a_sj x^Opt_j + r_s (gap_sj − K_sj)), with x^Opt_j =
//!   min(d_j, x^Cap_j) the buyer's unconstrained output and K_sj ≤ gap_sj
//!   the restrictions' deficit (below). Without a deficit and when x ≤
//!   x^Opt, R = G: orders are ARIO's.
//!
//!   *Orders.* Restricted origin o gets (1 − Φ_o) ω_oj R_sj, Φ_o = 1 −
//!   Π_k (1 − φ_k); other origins (domestic included) get ω_oj R_sj plus a
//!   share of the redirection Q_sj. The blocked flow is
//!   E_sj = Σ_o Φ_o ω_oj R_sj; the redirection's target is
//!   T_sj = σ̄ E_sj + r_s L_sj, σ̄ of the blocked flow plus the refill of
//!   L_sj, the part of the deficit substitutes could have filled but did
//!   not yet; Q ← Q + λ_dt (T − Q), λ_dt = 1 − (1 − λ̄)^dt for a daily
//!   speed λ̄, 0 ≤ Q ≤ T, limited by the spare capacity x^Cap − x of the
//!   unrestricted origins of s, shared in proportion to it (first come,
//!   first served across buyers). σ̄ and λ̄ are the restrictions' σ_k and
//!   λ_k weighted by the shares they remove. So with σ = 0 no origin
//!   delivers more than its unrestricted share of R: the buyer is left with
//!   (1 − Σ_o Φ_o ω_oj) of its need, the Leontief loss on a critical input.
//!   The deficit follows K ← max(0, min(K, gap) + (1 − p)(E − Q)): what was
//!   blocked and not redirected, bounded by the actual gap, less the part
//!   the inventory floor p (below) takes out of output instead of the
//!   stock; its replaceable part
//!   L ← min(K, max(0, min(L, K) + σ̄ E − Q)). The other (1 − σ̄) of what is
//!   blocked is never refilled while the restrictions last, so in the long
//!   run a buyer gets (1 − (1 − σ̄) Σ_o Φ_o ω_oj) of its need: σ̄ is the
//!   share of the blocked flow replaced, not only the speed of replacing
//!   it (tested: the loss on a critical input is (1 − σ̄) times the
//!   Leontief loss).
//!   Final buyers: the same with y (current final demand) for ω R and no
//!   deficit; what is neither delivered nor redirected is reported as
//!   final demand unmet. Orders are adjusted at the start of the step that
//!   receives them, after the hook, so a hook's change of φ acts on the
//!   next step's intermediate and final deliveries alike;
//! - **critical and non-critical inputs** (Pichler et al. 2022): with
//!   r_sj = min(1, N_sj / C_sj) the inventory ratio of input s in industry
//!   j, x_j = x^Opt_j · min( min_{s critical} r_sj,
//!   1 − Σ_{s non-critical} w_sj (1 − r_sj) ),
//!   w_sj = a_sj / Σ_s a_sj the input's share. By default an input is
//!   critical for an industry when it is at least `critical_share` (5 %) of
//!   its intermediate inputs; `[[critical_input]]` entries override. Under
//!   proportional rationing a critical input in a loop (a sector's own
//!   purchases, or C26 → C27 → C26) lets a persistent shortage feed on
//!   itself down to zero output: the users produce less, so their
//!   suppliers, rationed by the same inputs, deliver every buyer less;
//!   intermediate-first rationing (below) stops that (tested);
//! - **capacity paths**: x^Cap = x⁰ (1 − Δ) α · m(t),
//!   m = (1 + Σ additions(t − lag) − Σ losses(t)) · Π productivity(t) · hook;
//! - **final-demand paths**: Y⁰ scaled per destination region, category and
//!   product, times the hook's scale;
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

use crate::ario::{ArioModel, StepBalance};
use crate::error::{Result, SimError};
use crate::mechanisms::Mechanisms;

mod model;
mod restrict;

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
    /// in table units per step, ≥ 0 (negative entries count as 0). Empty
    /// (the default) adds nothing. It lets a hook place demand on one
    /// origin, which the scales (one per destination × category × product,
    /// every origin alike) cannot: front-loaded imports before an
    /// announced control, a third economy's mark-up on rerouted trade.
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
}

/// A macro block run between steps: reads the state, sets the next step's
/// final-demand, capacity and restriction scales.
pub trait Hook {
    fn after_step(&mut self, view: &StateView<'_>, controls: &mut Controls);
}
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

/// The extended mode's state inside an [`ArioModel`].
#[derive(Debug, Clone)]
pub(crate) struct Extended {
    dt: f64,
    exponential: bool,
    spec: ExtendedSpec,
    /// Input s critical for industry j (index j·S + s).
    critical: Vec<bool>,
    /// w_sj = a_sj / Σ_s a_sj.
    weight: Vec<f64>,
    pub(crate) capacity_scale: Vec<f64>,
    pub(crate) y_eff: Vec<f64>,
    pub(crate) controls: Controls,
    buyers: Vec<BuyerGroup>,
    finals: Vec<FinalGroup>,
    /// Order changes from trade restrictions this step: (supplier i,
    /// buyer j, ΔO).
    adjust: Vec<(usize, usize, f64)>,
    /// Final demand blocked by restrictions this step, by destination
    /// region and product.
    pub(crate) fd_blocked: Vec<f64>,
    prev: Option<Previous>,
    /// Per restriction, its flows this step.
    flows: Vec<RestrictionFlows>,
    /// Inventories at the start of the step (kept only for hooks).
    stock_start: Option<Vec<f64>>,
    /// p u_sj per (industry j, input s), index j·S + s: the share of the
    /// buyer's need of s that restrictions removed this step and
    /// substitutes did not replace, u = (E − Q)/R, times the precaution p
    /// (the inventory floor).
    held: Vec<f64>,
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
    pub(crate) fn new(model: &ArioModel, spec: ExtendedSpec, exponential: bool) -> Self {
        let (n, ns, nr) = (model.n, model.ns, model.nr);
        let nf = model.layout.fd_categories.len();
        let mut weight = vec![0.0; ns * n];
        let mut critical = vec![false; ns * n];
        for j in 0..n {
            let tot: f64 = (0..ns).map(|s| model.tech[j * ns + s]).sum();
            for s in 0..ns {
                let w = if tot > 0.0 {
                    model.tech[j * ns + s] / tot
                } else {
                    0.0
                };
                weight[j * ns + s] = w;
                critical[j * ns + s] = w >= spec.critical_share;
            }
        }
        for &(input, user, crit) in &spec.critical_overrides {
            for j in 0..n {
                if user.is_none_or(|u| u == j % ns) {
                    critical[j * ns + input] = crit;
                }
            }
        }
        // Groups in a fixed order (product, buyer), so that spare capacity
        // is handed out the same way in every run.
        let mut buyers: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
        let mut finals: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
        for (k, r) in spec.restrictions.iter().enumerate() {
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
        let nk = spec.restrictions.len();
        Self {
            dt: model.dt,
            exponential,
            critical,
            weight,
            capacity_scale: vec![1.0; n],
            y_eff: model.y0.clone(),
            controls: Controls {
                final_demand_scale: vec![1.0; nr * nf * ns],
                capacity_scale: vec![1.0; n],
                restriction_scale: vec![1.0; nk],
                restriction_override: vec![None; nk],
                final_demand_add: Vec::new(),
            },
            buyers,
            finals,
            adjust: Vec::new(),
            fd_blocked: vec![0.0; n],
            prev: None,
            flows: vec![RestrictionFlows::default(); nk],
            stock_start: None,
            held: vec![0.0; ns * n],
            spec,
        }
    }

    /// A characteristic time τ as a per-step rate.
    pub(crate) fn rate(&self, tau: f64) -> f64 {
        if self.exponential {
            1.0 - (-self.dt / tau).exp()
        } else {
            self.dt / tau
        }
    }

    /// φ_k in effect at temporal unit t: the hook's override, or the path
    /// times the hook's scale.
    fn reduction(&self, k: usize, t: f64) -> f64 {
        let c = &self.controls;
        match c.restriction_override.get(k).copied().flatten() {
            Some(v) => unit(v),
            None => {
                let scale = c.restriction_scale.get(k).copied().unwrap_or(1.0);
                unit(self.spec.restrictions[k].reduction.at(t) * scale)
            }
        }
    }

    /// Start of a step: capacity scale, effective final demand (paths,
    /// hooks), then the restrictions on the orders placed at the end of the
    /// last step and on final buyers.
    fn prepare_step(&mut self, m: &mut ArioModel) -> Result<()> {
        let (n, ns) = (m.n, m.ns);
        let nf = m.layout.fd_categories.len();
        let nfd = m.nfd;
        // Paths are evaluated at the middle of the step so that steps of
        // different lengths see the same average.
        let t = m.t + 0.5 * self.dt;
        let mut add = vec![0.0; n];
        let mut prod = vec![1.0; n];
        for cp in &self.spec.capacity_paths {
            for &i in &cp.industries {
                match cp.kind {
                    CapacityKind::Addition => add[i] += cp.path.at(t - cp.lag),
                    CapacityKind::Loss => add[i] -= cp.path.at(t),
                    CapacityKind::Productivity => prod[i] *= cp.path.at(t),
                }
            }
        }
        for i in 0..n {
            let v = (1.0 + add[i]) * prod[i] * self.controls.capacity_scale[i];
            self.capacity_scale[i] = if v < 0.0 { 0.0 } else { v };
        }
        let mut mult = self.controls.final_demand_scale.clone();
        for fp in &self.spec.final_demand_paths {
            let v = fp.path.at(t);
            for &d in &fp.regions {
                for &f in &fp.categories {
                    for &s in &fp.products {
                        mult[(d * nf + f) * ns + s] *= v;
                    }
                }
            }
        }
        for i in 0..n {
            let s = i % ns;
            for c in 0..nfd {
                self.y_eff[i * nfd + c] = m.y0[i * nfd + c] * mult[c * ns + s];
            }
        }
        let add = &self.controls.final_demand_add;
        if !add.is_empty() {
            if add.len() != n * nfd {
                return Err(SimError::Other(format!(
                    "Controls::final_demand_add has {} entries; it must be empty or have one per industry and final-demand column ({n} × {nfd} = {})",
                    add.len(),
                    n * nfd
                )));
            }
            for (y, &a) in self.y_eff.iter_mut().zip(add) {
                if a > 0.0 {
                    *y += a;
                }
            }
        }
        if let Some(st) = self.stock_start.as_mut() {
            st.copy_from_slice(&m.stock);
        }
        let phi: Vec<f64> = (0..self.spec.restrictions.len())
            .map(|k| self.reduction(k, t))
            .collect();
        for (f, p) in self.flows.iter_mut().zip(&phi) {
            *f = RestrictionFlows {
                reduction: *p,
                ..Default::default()
            };
        }
        let mut spare = match &self.prev {
            Some(p) => p.spare.clone(),
            None => vec![0.0; n],
        };
        self.restrict_orders(m, &phi, &mut spare);
        self.restrict_final(m, &phi, &mut spare);
        m.y_rowsum = (0..n)
            .map(|i| self.y_eff[i * nfd..(i + 1) * nfd].iter().sum())
            .collect();
        Ok(())
    }

    /// Production under critical (Leontief) and non-critical (proportional)
    /// inputs.
    fn constrained_production(&self, m: &ArioModel, popt: &[f64]) -> (Vec<f64>, bool) {
        let (n, ns) = (m.n, m.ns);
        let mut prod = popt.to_vec();
        let mut shortage = false;
        for j in 0..n {
            let mut crit = 1.0f64;
            let mut loss = 0.0;
            for s in 0..ns {
                let k = j * ns + s;
                if !m.thresh[k] {
                    continue;
                }
                let need = popt[j] * m.tech[k];
                let c = (need * m.psi) * m.inv_duration_finite[s];
                let mut r = if c > 0.0 {
                    (m.stock[k] / c).min(1.0)
                } else {
                    1.0
                };
                // The inventory floor of a lasting restriction: the buyer
                // does not run its stock down to cover the share of its
                // need the restrictions removed and substitutes did not
                // replace, so output follows the flow from the first
                // step, not after the buffer is gone.
                let held = self.held[k];
                if held > 0.0 {
                    r = r.min(1.0 - held);
                }
                if self.critical[k] {
                    crit = crit.min(r);
                } else {
                    loss += self.weight[k] * (1.0 - r);
                }
            }
            let f = crit.min(1.0 - loss).max(0.0);
            if f < 1.0 {
                shortage = true;
                prod[j] = popt[j] * f;
            }
        }
        (prod, shortage)
    }

    /// Deliveries of the orders moved by restrictions, added to the
    /// inventories' inflow: Σ ΔO_ij x_i/d_i into input s(i) of j.
    fn add_adjusted_deliveries(&self, s_add: &mut [f64], tot: &[f64], prod: &[f64], ns: usize) {
        for &(i, j, d) in &self.adjust {
            if tot[i] != 0.0 {
                s_add[j * ns + i % ns] += d * (prod[i] / tot[i]);
            }
        }
    }

    /// End of a step (after the next orders are known): keeps what the
    /// restrictions need at the start of the next step, after the hook.
    fn adjust_orders(&mut self, m: &mut ArioModel, tot: &[f64], cap: &[f64]) {
        if self.spec.restrictions.is_empty() {
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

/// The extended mode's hooks into the step's stages.
impl Mechanisms for Extended {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    fn rate(&self, tau: f64, _dt: f64) -> f64 {
        Extended::rate(self, tau)
    }

    fn rationing(&self) -> crate::ario::Rationing {
        self.spec.rationing
    }

    fn restrict_orders(&mut self, m: &mut ArioModel) -> Result<()> {
        self.prepare_step(m)
    }

    fn scale_capacity(&self, cap: &mut [f64]) {
        for (c, m) in cap.iter_mut().zip(&self.capacity_scale) {
            *c *= m;
        }
    }

    fn constrain_production(&self, m: &ArioModel, popt: &[f64]) -> (Vec<f64>, bool) {
        self.constrained_production(m, popt)
    }

    fn adjust_deliveries(&self, s_add: &mut [f64], tot: &[f64], prod: &[f64], ns: usize) {
        self.add_adjusted_deliveries(s_add, tot, prod, ns);
    }

    /// The extended mode clamps at zero: a non-critical input can be short
    /// without stopping production.
    fn inventory_floor(&self) -> bool {
        true
    }

    /// Y_eff (paths, hooks, restrictions) served; what restrictions
    /// blocked and substitutes did not replace counts as unmet.
    fn serve_final_demand(&self, m: &ArioModel, tot: &[f64], prod: &[f64]) -> (Vec<f64>, f64) {
        let nf = m.layout.fd_categories.len();
        let (mut unmet, delivered) =
            crate::sweep::serve_final_demand(&self.y_eff, tot, prod, m.n, m.ns, m.nfd, nf);
        for (u, b) in unmet.iter_mut().zip(&self.fd_blocked) {
            *u += b;
        }
        (unmet, delivered)
    }

    fn end_step(&mut self, m: &mut ArioModel, tot: &[f64], cap: &[f64]) {
        self.adjust_orders(m, tot, cap);
    }

    fn extended(&self) -> Option<&Extended> {
        Some(self)
    }

    fn extended_mut(&mut self) -> Option<&mut Extended> {
        Some(self)
    }
}
