//! Stage 5 of the step: the orders for the next step, and its end.
//!
//! The inventory gap G = τ_INV⁻¹ max(s ∘ A^S diag(x^Opt) − N, 0) + A^S diag(x)
//! (none when BoARIO's `all_close` finds every inventory at its target),
//! with x^Opt = min(d', x^Cap) on the demand d' after this step's
//! rebuilding, is split among the suppliers r of each input s by the
//! shares of Z⁰ weighted by their capacity ratio ρ ("alt") or by Z⁰'s
//! ("noalt"): O[(r,s), j] = G[s,j] · Z⁰[(r,s),j] ρ_(r,s) / Σ_r' Z⁰[(r',s),j] ρ_(r',s).
//! O is kept as ρ (n) and H = G / Σ_r Z⁰ρ (S × n); the second pass forms
//! its row sums. The first pass's job ([`ArioModel::pass_a_job`]) and the
//! second's ([`ArioModel::pass_b_job`]) are here too.

use crate::ario::{isclose, ArioModel, PARALLEL_MIN};
use crate::ario::{Pending, StepRecord};
use crate::error::{Result, SimError};
use crate::kernels::{map_chunks, map_chunks_mut, PassAJob, PassBJob, LOOP_COLS_PER_TASK};
use crate::mechanisms::Boario;
use crate::params::OrderType;

use super::{Ordered, Produced};

impl ArioModel {
    /// Stage 5 up to the second pass: x^Opt, the gap G and H.
    pub(crate) fn next_orders(&mut self, pend: &Pending) -> Result<()> {
        let (n, ns) = (self.n, self.ns);
        let (cap, prod) = (&pend.cap, &pend.prod);
        let par = n >= PARALLEL_MIN;
        let chunk = LOOP_COLS_PER_TASK * ns.max(1);
        let tot2 = self.total_demand();
        // x^Opt per buyer first (expectations update in industry order),
        // then BoARIO's `all_close` (a global AND, per chunk of columns),
        // then H = G / Σ_r Z⁰ρ with the gap G, chunk by chunk.
        let po: Vec<f64> = match &mut self.expected {
            Some(x) => (0..n).map(|j| x.update(j, tot2[j].min(cap[j]))).collect(),
            None => (0..n).map(|j| tot2[j].min(cap[j])).collect(),
        };
        let (tech, stock, inv_duration) = (&self.base.tech, &self.stock, &self.base.inv_duration);
        let all_close = map_chunks(par, ns * n, chunk, |k0, k1| {
            let mut close = true;
            for j in k0 / ns.max(1)..k1 / ns.max(1) {
                for s in 0..ns {
                    let k = j * ns + s;
                    let goal = (po[j] * tech[k]) * inv_duration[s];
                    close &= isclose(stock[k], goal);
                }
            }
            close
        })
        .into_iter()
        .all(|c| c);
        let zc: &[f64] = match self.params.order_type {
            OrderType::Alt => &self.s_zc,
            OrderType::Noalt => &self.base.zc0,
        };
        let restoration_tau = &self.base.restoration_tau;
        let nan_at = map_chunks_mut(par, &mut self.ord_h, chunk, |c, h| {
            let j0 = c * LOOP_COLS_PER_TASK;
            for (dj, hj) in h.chunks_mut(ns.max(1)).enumerate() {
                let j = j0 + dj;
                for (s, hk) in hj.iter_mut().enumerate() {
                    let k = j * ns + s;
                    let g = if all_close {
                        0.0
                    } else {
                        let goal = (po[j] * tech[k]) * inv_duration[s];
                        let v = if goal.is_finite() {
                            goal - stock[k]
                        } else {
                            0.0
                        };
                        if v.is_nan() {
                            return Some(j);
                        }
                        (if v < 0.0 { 0.0 } else { v }) * restoration_tau[s]
                    };
                    let gap = g + prod[j] * tech[k];
                    *hk = if zc[k] != 0.0 { gap / zc[k] } else { 0.0 };
                }
            }
            None
        });
        if let Some(j) = nan_at.into_iter().flatten().next() {
            return Err(SimError::Diverged {
                step: self.step_index,
                industry: self.layout.industry_name(j),
                message: "NaN in the inventory gap".into(),
            });
        }
        self.ord_ratio = std::mem::take(&mut self.a_ratio);
        Ok(())
    }

    /// The first pass of this step, or None when nothing needs it. Both of
    /// its sums are skipped when their weights equal, bit for bit, those of
    /// the sums already at hand, which then are the same bits: the inflow
    /// Σ_r Z⁰ c equals Σ_r Z⁰ ρ_prev when no supplier is rationed (x = d, so
    /// c = ρ_prev), and Σ_r Z⁰ ρ_t is unchanged when no capacity ratio moved.
    pub(crate) fn pass_a_job(&mut self, _after: &Produced) -> Option<PassAJob<'_>> {
        let (need_add, need_zc) = self.pass_a_needs();
        if !need_add && !need_zc {
            return None;
        }
        Some(PassAJob {
            coef: if need_add { Some(&self.a_coef) } else { None },
            rho: if need_zc { Some(&self.a_ratio) } else { None },
            add: &mut self.s_add,
            zc: &mut self.s_zc,
        })
    }

    /// Which of the first pass's sums must be formed (the inflow Σ_r Z⁰ c,
    /// the split Σ_r Z⁰ ρ_t); an inflow not formed is copied from the split
    /// at hand (see [`ArioModel::pass_a_job`]).
    pub(crate) fn pass_a_needs(&mut self) -> (bool, bool) {
        let alt = self.params.order_type == OrderType::Alt;
        let same = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        let need_add = !same(&self.a_coef, &self.ord_ratio);
        let need_zc = alt && !same(&self.a_ratio, &self.ord_ratio);
        if !need_add {
            self.s_add.copy_from_slice(&self.s_zc);
        }
        (need_add, need_zc)
    }

    pub(crate) fn pass_b_job(&mut self, _after: &Ordered) -> PassBJob<'_> {
        PassBJob {
            h: &self.ord_h,
            rho: &self.ord_ratio,
            out: &mut self.ord_rowsum,
        }
    }

    /// After the second pass: trade restrictions on the new orders, and the
    /// step's record.
    pub(crate) fn phase_end(&mut self, ordered: Ordered) -> StepRecord {
        let pend = ordered.0;
        let mut mech = std::mem::replace(&mut self.mech, Box::new(Boario));
        mech.end_step(self, &pend.tot, &pend.cap);
        self.mech = mech;
        let rec = StepRecord {
            temporal_unit: self.t,
            production_realised: pend.prod,
            production_capacity: pend.cap,
            final_demand_unmet: pend
                .fd_unmet
                .into_iter()
                .map(|v| if v == 0.0 { 0.0 } else { v })
                .collect(),
            rebuild_demand: pend.rebuild_demand,
            inputs_stocks: pend.stocks,
        };
        self.t += self.dt;
        self.step_index += 1;
        rec
    }
}
