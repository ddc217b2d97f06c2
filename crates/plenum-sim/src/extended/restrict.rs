//! The restrictions' stage hooks on orders: intermediate buyers' orders
//! cut, redirected and their deficit kept ([`Extended::restrict_orders`]),
//! and final buyers' demand cut and redirected
//! ([`Extended::restrict_final`]); the rules are in the parent module's
//! docs.

use super::{positive, unit, Extended};
use crate::ario::ArioModel;
use crate::params::OrderType;

impl Extended {
    /// Restrictions on the orders placed at the end of the last step (see
    /// the module docs): records ΔO in `adjust` and adds it to O·1.
    pub(super) fn restrict_orders(&mut self, m: &mut ArioModel, phi: &[f64], spare: &mut [f64]) {
        let (ns, nr) = (m.ns, m.nr);
        self.adjust.clear();
        let Some(prev) = self.prev.as_ref() else {
            return;
        };
        let zc: &[f64] = match m.params.order_type {
            OrderType::Alt => &m.s_zc,
            OrderType::Noalt => &m.zc0,
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
                for &o in &self.spec.restrictions[k].origins {
                    let i = o * ns + s;
                    let w = m.z0[(i, j)] * m.ord_ratio[i] / zcv;
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
            let a = m.tech[kk];
            let refill = (gtot - a * m.production[j]).max(0.0);
            let rate = m.restoration_tau[s];
            let gap = if rate > 0.0 { refill / rate } else { 0.0 };
            let deficit = g.deficit.min(gap).max(0.0);
            let reference = gtot
                .min(a * prev.x_opt[j] + refill - rate * deficit)
                .max(0.0);
            let scale = reference / gtot;
            let blocked = e_tot * reference;
            let (mut sig, mut lam) = (0.0, 0.0);
            for (&k, e) in active.iter().zip(&removed) {
                let r = &self.spec.restrictions[k];
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
                let old = m.z0[(i, j)] * m.ord_ratio[i] * m.ord_h[kk];
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
                    if self.spec.restrictions[k].origins.contains(&o) {
                        self.flows[k].reference += old * scale;
                    }
                }
            }
            let sig_e: f64 = active
                .iter()
                .zip(&removed)
                .map(|(&k, e)| self.spec.restrictions[k].substitutability * e)
                .sum();
            for (&k, e) in active.iter().zip(&removed) {
                self.flows[k].blocked += e * reference;
                if sig_e > 0.0 {
                    self.flows[k].redirected +=
                        red * self.spec.restrictions[k].substitutability * e / sig_e;
                }
            }
            // With the inventory floor the buyer cuts its output by p of
            // what is blocked and not redirected instead of drawing its
            // stock, so only (1 − p) of it is a deficit of the restrictions.
            // (Counting all of it let K absorb the ordinary gap of a
            // growing buyer — orders lag use by a step — which was then
            // never refilled: the stock drained at the growth rate until
            // it bound, years after the cut.)
            let p = unit(self.spec.restriction_precaution);
            g.deficit = (deficit + (1.0 - p) * (blocked - red)).max(0.0);
            g.lag = (lag + sig * blocked - red).max(0.0).min(g.deficit);
            self.held[kk] = if positive(reference) {
                unit(self.spec.restriction_precaution) * unit((blocked - red) / reference)
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
    pub(super) fn restrict_final(&mut self, m: &ArioModel, phi: &[f64], spare: &mut [f64]) {
        let (ns, nr) = (m.ns, m.nr);
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
                for &k in &active {
                    let mut e = 0.0;
                    for &o in &self.spec.restrictions[k].origins {
                        let y = self.y_eff[(o * ns + s) * nfd + c];
                        let r = phi[k] * left[o];
                        e += r * y;
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
                        let r = &self.spec.restrictions[k];
                        sig += r.substitutability * e / blocked;
                        lam += r.adjustment_speed * e / blocked;
                    }
                }
                for o in 0..nr {
                    if restricted[o] {
                        self.y_eff[(o * ns + s) * nfd + c] *= left[o];
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
                            self.y_eff[i * nfd + c] += share;
                            spare[i] -= share;
                        }
                    }
                    let sig_e: f64 = active
                        .iter()
                        .zip(&removed)
                        .map(|(&k, e)| self.spec.restrictions[k].substitutability * e)
                        .sum();
                    for (&k, e) in active.iter().zip(&removed) {
                        self.flows[k].redirected +=
                            red * self.spec.restrictions[k].substitutability * e / sig_e;
                    }
                }
                self.fd_blocked[d * ns + s] += blocked - red;
            }
        }
    }
}
