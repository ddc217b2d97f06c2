//! Mechanisms beyond ARIO, in a mode that reuses the ARIO state
//! ([`crate::ArioModel`]): the same inventories N, orders O (kept as ρ and
//! H), overproduction α, events and two passes over Z⁰ per step, plus:
//!
//! - **trade restrictions**: deliveries of product s from origin regions 𝒪
//!   to destination region d are capped at (1 − φ(t)) of their baseline
//!   (Z⁰ for intermediate buyers, Y⁰ for final buyers), φ a phased-in path.
//!   The excess E of orders over the cap is redirected to the other origins
//!   of s (domestic included) up to σ_s E (substitutability σ_s ∈ [0, 1]),
//!   reached gradually — R ← R + λ_dt (σ_s E − R), λ_dt = 1 − (1 − λ)^dt for
//!   a daily adjustment speed λ — and limited by the spare capacity
//!   x^Cap − x of the alternative origins, shared in proportion to it. What
//!   is not redirected is not delivered (for final buyers it is reported as
//!   final demand unmet);
//! - **critical and non-critical inputs** (Pichler et al. 2022): with
//!   r_sj = min(1, N_sj / C_sj) the inventory ratio of input s in industry
//!   j, x_j = x^Opt_j · min( min_{s critical} r_sj,
//!   1 − Σ_{s non-critical} w_sj (1 − r_sj) ),
//!   w_sj = a_sj / Σ_s a_sj the input's share. By default an input is
//!   critical for an industry when it is at least `critical_share` (5 %) of
//!   its intermediate inputs; `[[critical_input]]` entries override;
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
//!   region and output by industry and sets final-demand and capacity
//!   scales for the next step;
//! - **ensembles** ([`Ensemble`]): many variants stepped together, each pass
//!   over Z⁰ serving all of them (a matrix-matrix product in effect),
//!   bit-for-bit equal to single runs.

use crate::ario::{ArioModel, StepBalance};
use crate::error::{Result, SimError};
use crate::trajectory::Trajectory;

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

/// A restriction on deliveries of one product from some origins to one
/// destination (resolved to model indices).
#[derive(Debug, Clone, PartialEq)]
pub struct TradeRestriction {
    pub product: usize,
    pub origins: Vec<usize>,
    pub destination: usize,
    /// φ(t): the share of baseline deliveries removed, in [0, 1].
    pub reduction: Path,
    /// σ: the share of the excess that other origins may take over.
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
}

impl Default for ExtendedSpec {
    fn default() -> Self {
        Self {
            critical_share: 0.05,
            critical_overrides: Vec::new(),
            restrictions: Vec::new(),
            capacity_paths: Vec::new(),
            final_demand_paths: Vec::new(),
        }
    }
}

/// Scales a hook sets for the next step (multiplicative, persistent until
/// changed).
#[derive(Debug, Clone, PartialEq)]
pub struct Controls {
    /// Per (destination region, category, product):
    /// index (region · F + category) · S + product.
    pub final_demand_scale: Vec<f64>,
    /// Per industry.
    pub capacity_scale: Vec<f64>,
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
}

/// A macro block run between steps: reads the state, sets the next step's
/// final-demand and capacity scales.
pub trait Hook {
    fn after_step(&mut self, view: &StateView<'_>, controls: &mut Controls);
}

#[derive(Debug, Clone)]
struct RestrictionState {
    /// Redirection reached, per buyer industry of the destination (S).
    redirect_int: Vec<f64>,
    /// Redirection reached, per final-demand category of the destination.
    redirect_fd: Vec<f64>,
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
    restr: Vec<RestrictionState>,
    /// Order changes from trade restrictions: (supplier i, buyer j, ΔO).
    adjust: Vec<(usize, usize, f64)>,
    /// Final demand blocked by restrictions this step, by destination
    /// region and product.
    pub(crate) fd_blocked: Vec<f64>,
    /// Spare capacity x^Cap − x left after the last orders' redirection.
    spare: Vec<f64>,
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
        let restr = spec
            .restrictions
            .iter()
            .map(|_| RestrictionState {
                redirect_int: vec![0.0; ns],
                redirect_fd: vec![0.0; nf],
            })
            .collect();
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
            },
            restr,
            adjust: Vec::new(),
            fd_blocked: vec![0.0; n],
            spare: vec![0.0; n],
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

    /// Start of a step: capacity scale, effective final demand (paths,
    /// hooks, restrictions on final buyers).
    pub(crate) fn prepare_step(&mut self, m: &mut ArioModel) -> Result<()> {
        let (n, ns, nr) = (m.n, m.ns, m.nr);
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
        // Restrictions on final buyers.
        self.fd_blocked.iter_mut().for_each(|v| *v = 0.0);
        for (k, r) in self.spec.restrictions.iter().enumerate() {
            let phi = r.reduction.at(t).clamp(0.0, 1.0);
            let st = &mut self.restr[k];
            if phi <= 0.0 {
                st.redirect_fd.iter_mut().for_each(|v| *v = 0.0);
                continue;
            }
            let s = r.product;
            let alt: Vec<usize> = (0..nr).filter(|o| !r.origins.contains(o)).collect();
            let spare_tot: f64 = alt.iter().map(|&o| self.spare[o * ns + s]).sum();
            let lam = 1.0 - (1.0 - r.adjustment_speed.clamp(0.0, 1.0)).powf(self.dt);
            for f in 0..nf {
                let c = r.destination * nf + f;
                let mut excess = 0.0;
                for &o in &r.origins {
                    let i = o * ns + s;
                    let y = self.y_eff[i * nfd + c];
                    let allowed = (1.0 - phi) * y;
                    if y > allowed {
                        excess += y - allowed;
                        self.y_eff[i * nfd + c] = allowed;
                    }
                }
                let target = r.substitutability * excess;
                st.redirect_fd[f] += lam * (target - st.redirect_fd[f]);
                let mut red = st.redirect_fd[f].min(target);
                if spare_tot <= 0.0 {
                    red = 0.0;
                }
                let red = red.min(spare_tot.max(0.0));
                if red > 0.0 {
                    for &o in &alt {
                        let i = o * ns + s;
                        self.y_eff[i * nfd + c] += red * self.spare[i] / spare_tot;
                    }
                }
                self.fd_blocked[r.destination * ns + s] += excess - red;
            }
        }
        m.y_rowsum = (0..n)
            .map(|i| self.y_eff[i * nfd..(i + 1) * nfd].iter().sum())
            .collect();
        Ok(())
    }

    /// Production under critical (Leontief) and non-critical (proportional)
    /// inputs.
    pub(crate) fn constrained_production(&self, m: &ArioModel, popt: &[f64]) -> (Vec<f64>, bool) {
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
                let r = if c > 0.0 {
                    (m.stock[k] / c).min(1.0)
                } else {
                    1.0
                };
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
    pub(crate) fn add_adjusted_deliveries(
        &self,
        s_add: &mut [f64],
        tot: &[f64],
        prod: &[f64],
        ns: usize,
    ) {
        for &(i, j, d) in &self.adjust {
            if tot[i] != 0.0 {
                s_add[j * ns + i % ns] += d * (prod[i] / tot[i]);
            }
        }
    }

    /// After the orders for the next step are known: cap those to the
    /// destinations of restrictions and redirect the excess.
    pub(crate) fn adjust_orders(&mut self, m: &mut ArioModel, _tot: &[f64], cap: &[f64]) {
        let (n, ns, nr) = (m.n, m.ns, m.nr);
        self.adjust.clear();
        for i in 0..n {
            let v = cap[i] - m.production[i];
            self.spare[i] = if v > 0.0 { v } else { 0.0 };
        }
        let t = m.t + 1.5 * self.dt;
        for (k, r) in self.spec.restrictions.iter().enumerate() {
            let phi = r.reduction.at(t).clamp(0.0, 1.0);
            let st = &mut self.restr[k];
            if phi <= 0.0 {
                st.redirect_int.iter_mut().for_each(|v| *v = 0.0);
                continue;
            }
            let s = r.product;
            let alt: Vec<usize> = (0..nr).filter(|o| !r.origins.contains(o)).collect();
            let lam = 1.0 - (1.0 - r.adjustment_speed.clamp(0.0, 1.0)).powf(self.dt);
            let mut reds = vec![0.0; ns];
            for b in 0..ns {
                let j = r.destination * ns + b;
                let h = m.ord_h[j * ns + s];
                let mut excess = 0.0;
                for &o in &r.origins {
                    let i = o * ns + s;
                    let z = m.z0[(i, j)];
                    let order = z * m.ord_ratio[i] * h;
                    let allowed = (1.0 - phi) * z;
                    if order > allowed {
                        excess += order - allowed;
                        self.adjust.push((i, j, allowed - order));
                    }
                }
                let target = r.substitutability * excess;
                st.redirect_int[b] += lam * (target - st.redirect_int[b]);
                reds[b] = st.redirect_int[b].min(target).max(0.0);
            }
            let spare_tot: f64 = alt.iter().map(|&o| self.spare[o * ns + s]).sum();
            let want: f64 = reds.iter().sum();
            let scale = if want > spare_tot {
                if want > 0.0 {
                    spare_tot / want
                } else {
                    0.0
                }
            } else {
                1.0
            };
            if spare_tot > 0.0 && want > 0.0 {
                for b in 0..ns {
                    let j = r.destination * ns + b;
                    let red = reds[b] * scale;
                    for &o in &alt {
                        let i = o * ns + s;
                        if self.spare[i] > 0.0 {
                            self.adjust.push((i, j, red * self.spare[i] / spare_tot));
                        }
                    }
                }
                for &o in &alt {
                    let i = o * ns + s;
                    self.spare[i] -= want * scale * self.spare[i] / spare_tot;
                }
            }
        }
        for &(i, _, d) in &self.adjust {
            m.ord_rowsum[i] += d;
        }
    }
}

impl ArioModel {
    /// Turns this model into the extended mode with `spec`. The model must
    /// have been built for the extended mode's time base (see
    /// `crate::shocks::build_extended`); with an empty spec and
    /// `exponential = false` the extended mode still differs from ARIO only
    /// in that inventories are always updated and clamped at zero.
    pub fn enable_extended(&mut self, spec: ExtendedSpec, exponential: bool) {
        let e = Extended::new(self, spec, exponential);
        self.ext = Some(Box::new(e));
    }

    /// The hook controls of the extended mode (None in ARIO mode).
    pub fn controls_mut(&mut self) -> Option<&mut Controls> {
        self.ext.as_mut().map(|e| &mut e.controls)
    }

    /// Totals of the last step (conservation checks).
    pub fn last_balance(&self) -> StepBalance {
        self.last_balance
    }

    fn view<'a>(&'a self, rec: &'a crate::ario::StepRecord) -> StateView<'a> {
        let (n, ns) = (self.n, self.ns);
        let mut va = vec![0.0; self.nr];
        for j in 0..n {
            let a: f64 = (0..ns).map(|s| self.tech[j * ns + s]).sum();
            va[j / ns] += self.production[j] * (1.0 - a);
        }
        StateView {
            step: self.step_index - 1,
            temporal_unit: rec.temporal_unit + self.dt,
            regions: &self.layout.regions,
            sectors: &self.layout.sectors,
            production: &self.production,
            capacity: &rec.production_capacity,
            value_added_by_region: va,
            balance: self.last_balance,
        }
    }

    /// Runs `steps` steps calling `hook` after each (extended mode only).
    pub fn run_with_hook(
        &mut self,
        steps: usize,
        record_stocks: bool,
        hook: &mut dyn Hook,
    ) -> Result<Trajectory> {
        if self.ext.is_none() {
            return Err(SimError::Other(
                "hooks need the extended mode; call enable_extended first".into(),
            ));
        }
        self.check_events(steps as f64 * self.dt)?;
        let mut traj = Trajectory::new(&self.layout);
        for _ in 0..steps {
            let rec = self.step(record_stocks)?;
            let mut controls = self
                .ext
                .as_ref()
                .map(|e| e.controls.clone())
                .unwrap_or_else(|| Controls {
                    final_demand_scale: Vec::new(),
                    capacity_scale: Vec::new(),
                });
            hook.after_step(&self.view(&rec), &mut controls);
            if let Some(e) = self.ext.as_mut() {
                e.controls = controls;
            }
            traj.push(rec);
        }
        traj.had_shortage = self.had_shortage;
        Ok(traj)
    }
}
