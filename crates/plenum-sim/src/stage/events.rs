//! Stage 1 of the step: events, capacity lost and rebuilding demand.
//!
//! BoARIO's `EventTracker`s move from pending to happening at their
//! occurrence and, at its end, to rebuilding or recovering. The capacity
//! lost is Δ = max(K_lost / K, Δ^arb_prev) per industry (capital first,
//! with the arbitrary loss of the previous update, as BoARIO); rebuilding
//! demand is R = τ_REB⁻¹ · (the remaining rebuilding stock) per rebuilding
//! event, in blocks of rebuilding industries × damaged industries. Total
//! demand is d = O·1 + Y·1 + R·1. After distribution, rebuilding stocks
//! fall by what was delivered to them (rounded as BoARIO rounds) and
//! recovering events follow their recovery function.

use crate::ario::{ArioModel, Block, Status, Tracker, EVENT_ARBITRARY_PRECISION};
use crate::error::{Result, SimError};
use crate::event::{np_round, precision_of, Event, EventKind};

impl ArioModel {
    /// Adds an event (resolved against this model's layout, see
    /// [`crate::spec`]). Its timing is checked against a run's length by
    /// [`ArioModel::check_events`].
    pub fn add_event(&mut self, ev: Event) -> Result<()> {
        let n = self.n;
        let ns = self.ns;
        let mf = self.params.monetary_factor;
        let mut tr = Tracker {
            status: Status::Pending,
            dmg0: Vec::new(),
            dmg: None,
            arb0: Vec::new(),
            arb: None,
            rebuild: None,
            rebuild_id: None,
            ev,
        };
        let ev = &tr.ev;
        let idx_name = self.trackers.len();
        if ev.occurrence == 0 || ev.duration == 0 {
            return Err(SimError::EventTiming {
                at: ev.at(),
                event: ev.label(idx_name),
                message: "occurrence and duration must be positive".into(),
                fix: "set occurrence >= 1 and duration >= 1".into(),
            });
        }
        match ev.kind {
            EventKind::Recovery | EventKind::Rebuild => {
                let mut d = vec![0.0; n];
                for &(i, v) in &ev.impact {
                    d[i] = if ev.event_monetary_factor != mf {
                        v * (ev.event_monetary_factor / mf)
                    } else {
                        v
                    };
                }
                tr.dmg = Some(d.clone());
                tr.dmg0 = d;
            }
            EventKind::Arbitrary => {
                let mut d = vec![0.0; n];
                for &(i, v) in &ev.impact {
                    d[i] = v;
                }
                tr.arb = Some(d.clone());
                tr.arb0 = d;
            }
        }
        if ev.kind == EventKind::Rebuild {
            // D⁰[(r,s), j] = (σ_s d_j) φ · Z[(r,s), j] / Σ_r' Z[(r',s), j]
            // with the raw impact d (BoARIO does not rescale it here).
            let cols: Vec<usize> = ev.impact.iter().map(|&(i, _)| i).collect();
            let mut rows = Vec::new();
            for r in 0..self.nr {
                for &(s, _) in &ev.rebuilding_sectors {
                    rows.push(r * ns + s);
                }
            }
            let nc = cols.len();
            let mut v = vec![0.0; rows.len() * nc];
            for (a, &i) in rows.iter().enumerate() {
                let s = i % ns;
                let share = ev
                    .rebuilding_sectors
                    .iter()
                    .find(|(k, _)| *k == s)
                    .map(|(_, w)| *w)
                    .unwrap_or(0.0);
                for (c, &(j, imp)) in ev.impact.iter().enumerate() {
                    // Python's sum over the regions, in order.
                    let mut tot = 0.0;
                    for r in 0..self.nr {
                        tot += self.z0_annual(r * ns + s, j);
                    }
                    let dist = self.z0_annual(i, j) / tot;
                    let dist = if dist.is_finite() { dist } else { 0.0 };
                    v[a * nc + c] = ((share * imp) * ev.rebuilding_factor) * dist;
                }
            }
            tr.rebuild = Some(Block { rows, cols, v });
        }
        self.trackers.push(tr);
        Ok(())
    }

    /// The annual flow Z[i, j], recovered from Z⁰ (exact: only used for the
    /// shares of rebuilding demand, as a ratio).
    fn z0_annual(&self, i: usize, j: usize) -> f64 {
        self.base.z0[(i, j)]
    }

    /// BoARIO's `event_compatibility`: every event must happen and end within
    /// `n_temporal_units` (occurrence in ]0, n], occurrence + duration ≤ n).
    pub fn check_events(&self, n_temporal_units: f64) -> Result<()> {
        for (k, tr) in self.trackers.iter().enumerate() {
            let e = &tr.ev;
            if !(e.occurrence > 0 && e.occurrence as f64 <= n_temporal_units) {
                return Err(SimError::EventTiming {
                    at: e.at(),
                    event: e.label(k),
                    message: format!(
                        "key `occurrence` = {} is not within the simulated temporal units ]0, {n_temporal_units}]",
                        e.occurrence
                    ),
                    fix: format!(
                        "give an occurrence of at most {n_temporal_units}, or simulate more steps (--steps)"
                    ),
                });
            }
            if (e.occurrence + e.duration) as f64 > n_temporal_units {
                return Err(SimError::EventTiming {
                    at: e.at(),
                    event: e.label(k),
                    message: format!(
                        "occurrence + duration = {} is beyond the simulated temporal units ({n_temporal_units})",
                        e.occurrence + e.duration
                    ),
                    fix: "shorten the event or simulate more steps".into(),
                });
            }
        }
        Ok(())
    }

    pub(crate) fn status_update(&mut self) -> Result<()> {
        let t = self.t;
        let tubs = self.dt;
        let mut new_reb = false;
        for tr in self.trackers.iter_mut() {
            let occ = tr.ev.occurrence as f64;
            if tr.status == Status::Pending && t - tubs <= occ && occ <= t {
                tr.status = Status::Happening;
            }
        }
        for tr in self.trackers.iter_mut() {
            let end = (tr.ev.occurrence + tr.ev.duration) as f64;
            if tr.status == Status::Happening && t >= end {
                match tr.ev.kind {
                    EventKind::Rebuild => {
                        new_reb = true;
                        self.n_rebuilding_events += 1;
                        tr.rebuild_id = Some(self.n_rebuilding_events - 1);
                        tr.status = Status::Rebuilding;
                    }
                    EventKind::Recovery | EventKind::Arbitrary => tr.status = Status::Recovering,
                }
            }
        }
        // Capacity lost: capital first (with the arbitrary loss of the
        // previous update, as BoARIO), then the arbitrary loss for next time.
        let lost = self.capital_lost();
        if let Some(i) = (0..self.n).find(|&i| lost[i] > self.base.capital[i]) {
            return Err(SimError::CapitalExceeded {
                step: self.step_index,
                industry: self.layout.industry_name(i),
                lost: lost[i],
                capital: self.base.capital[i],
            });
        }
        for i in 0..self.n {
            let dk = if self.base.capital[i] != 0.0 {
                lost[i] / self.base.capital[i]
            } else {
                0.0
            };
            let da = self.arb_prev.as_ref().map_or(dk, |a| a[i]);
            self.delta_tot[i] = if dk.is_nan() || da.is_nan() {
                f64::NAN
            } else {
                dk.max(da)
            };
        }
        let mut arb = vec![0.0f64; self.n];
        for tr in &self.trackers {
            if matches!(tr.status, Status::Happening | Status::Recovering) {
                if let Some(a) = &tr.arb {
                    for (o, v) in arb.iter_mut().zip(a) {
                        *o = (*o).max(*v);
                    }
                }
            }
        }
        self.arb_prev = Some(arb);

        if new_reb {
            self.blocks.clear();
        }
        if self.trackers.iter().any(|t| t.status == Status::Rebuilding) {
            let mut reb: Vec<&Tracker> = self
                .trackers
                .iter()
                .filter(|t| t.status == Status::Rebuilding)
                .collect();
            reb.sort_by_key(|t| t.rebuild_id);
            let rate = |tau: u32| self.mech.rate(tau as f64, self.dt);
            self.blocks = reb
                .iter()
                .filter_map(|t| t.rebuild.as_ref().map(|b| (b, t.ev.rebuild_tau)))
                .map(|(b, tau)| {
                    let f = rate(tau);
                    Block {
                        rows: b.rows.clone(),
                        cols: b.cols.clone(),
                        v: b.v.iter().map(|v| v * f).collect(),
                    }
                })
                .collect();
        }
        Ok(())
    }

    pub(crate) fn rebuild_rowsum(&self) -> Vec<f64> {
        let mut r = vec![0.0; self.n];
        for b in &self.blocks {
            b.row_sums_into(&mut r);
        }
        r
    }

    pub(crate) fn total_demand(&self) -> Vec<f64> {
        let reb = self.rebuild_rowsum();
        (0..self.n)
            .map(|i| self.ord_rowsum[i] + self.y_rowsum[i] + reb[i])
            .collect()
    }

    /// The total demand `phase_middle` will find after this step's
    /// rebuilding production is taken off the rebuilding demand (the same
    /// operations, on copies).
    pub(crate) fn total_demand_after_rebuilding(&self, tot: &[f64], prod: &[f64]) -> Vec<f64> {
        let mut reb = vec![0.0; self.n];
        for b in &self.blocks {
            let nc = b.cols.len();
            let mut v = b.v.clone();
            for (a, &i) in b.rows.iter().enumerate() {
                for c in 0..nc {
                    let d = b.v[a * nc + c];
                    let sh = if tot[i] != 0.0 { d / tot[i] } else { 0.0 };
                    v[a * nc + c] -= sh * prod[i];
                }
            }
            Block {
                rows: b.rows.clone(),
                cols: b.cols.clone(),
                v,
            }
            .row_sums_into(&mut reb);
        }
        (0..self.n)
            .map(|i| self.ord_rowsum[i] + self.y_rowsum[i] + reb[i])
            .collect()
    }
    pub(crate) fn rebuild_events(&mut self, reb_prod: &[Vec<f64>]) {
        let mut finished_ids = Vec::new();
        for tr in self.trackers.iter_mut() {
            if tr.status != Status::Rebuilding {
                continue;
            }
            let Some(id) = tr.rebuild_id else { continue };
            let Some(b) = tr.rebuild.as_mut() else {
                continue;
            };
            let prec = precision_of(tr.ev.event_monetary_factor);
            if let Some(p) = reb_prod.get(id) {
                for (v, q) in b.v.iter_mut().zip(p) {
                    *v -= q;
                }
            }
            let mut any = false;
            for v in b.v.iter_mut() {
                let r = np_round(*v, prec);
                *v = if r < 0.0 { 0.0 } else { r };
                if *v != 0.0 {
                    any = true;
                }
            }
            if !any {
                tr.rebuild = None;
                tr.dmg = None;
                tr.status = Status::Finished;
                finished_ids.push(id);
            } else {
                let mut d = vec![0.0; self.n];
                let nc = b.cols.len();
                for (c, &j) in b.cols.iter().enumerate() {
                    let mut sum = 0.0;
                    for a in 0..b.rows.len() {
                        sum += b.v[a * nc + c];
                    }
                    d[j] = sum / tr.ev.rebuilding_factor;
                }
                tr.dmg = Some(d);
            }
        }
        if !finished_ids.is_empty() {
            finished_ids.sort();
            for tr in self.trackers.iter_mut() {
                if tr.status == Status::Finished {
                    continue;
                }
                if let Some(id) = tr.rebuild_id.as_mut() {
                    let below = finished_ids.iter().filter(|&&f| f < *id).count();
                    *id -= below;
                }
            }
        }
    }

    pub(crate) fn recover_events(&mut self) {
        let t = self.t;
        for tr in self.trackers.iter_mut() {
            if tr.status != Status::Recovering {
                continue;
            }
            let elapsed = t - (tr.ev.occurrence + tr.ev.duration) as f64;
            let tau = tr.ev.recovery_tau as f64;
            let f = tr.ev.recovery_function;
            if tr.ev.kind == EventKind::Recovery && tr.dmg.is_some() {
                let prec = precision_of(tr.ev.event_monetary_factor);
                let d: Vec<f64> = tr
                    .dmg0
                    .iter()
                    .map(|&v| np_round(f.apply(elapsed, v, tau), prec))
                    .collect();
                tr.dmg = if d.iter().any(|v| *v != 0.0) {
                    Some(d)
                } else {
                    None
                };
            }
            if tr.arb.is_some() {
                let d: Vec<f64> = tr
                    .arb0
                    .iter()
                    .map(|&v| np_round(f.apply(elapsed, v, tau), EVENT_ARBITRARY_PRECISION))
                    .collect();
                tr.arb = if d.iter().any(|v| *v != 0.0) {
                    Some(d)
                } else {
                    None
                };
            }
            if tr.dmg.is_none() && tr.arb.is_none() {
                tr.status = Status::Finished;
            }
        }
    }
}
