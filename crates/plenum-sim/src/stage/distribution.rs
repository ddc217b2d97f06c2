//! Stage 4 of the step: distribution, inventories, final demand,
//! rebuilding.
//!
//! A supplier i short of its demand d_i serves every buyer the same share
//! x_i/d_i of its order (or, under intermediate-first rationing,
//! industries first). Inventories become
//! N ← N − A^S diag(x) + H_prev ∘ I_Σ(diag(ρ_prev x/d) Z⁰), the inflow
//! being the first pass's region sums times H_prev (plus what the
//! mechanisms adjust). BoARIO skips the update when np.allclose deems it
//! negligible and stops on a negative inventory; a mechanism may instead
//! clamp at zero ([`crate::mechanisms::Mechanisms::clamp_inventories`]).
//! Final demand gets Y ∘ (x/d) per supplier (Y⁰ in ARIO mode, the
//! mechanisms' Y of the step in the extended mode) and the rest is unmet,
//! plus what a mechanism blocked
//! ([`crate::mechanisms::Mechanisms::unmet_final_demand`]);
//! rebuilding demand gets its share R/d of x and the rebuilding stocks
//! fall by it.

use crate::ario::{isclose, ArioModel, StepBalance, PARALLEL_MIN};
use crate::error::{Result, SimError};
use crate::kernels::{map_chunks, map_chunks_mut, LOOP_COLS_PER_TASK};

use super::{Ordered, Produced};

impl ArioModel {
    /// Stage 4 after the first pass, and stage 5 up to the second pass.
    pub(crate) fn phase_middle(&mut self, produced: Produced) -> Result<Ordered> {
        let (n, ns) = (self.n, self.ns);
        let mut pend = produced.0;
        let (tot, prod) = (&pend.tot, &pend.prod);
        // stock_add = H_prev ∘ I_Σ(diag(c) Z⁰), plus the orders moved by
        // trade restrictions.
        let par = n >= PARALLEL_MIN;
        let chunk = LOOP_COLS_PER_TASK * ns.max(1);
        {
            let h_prev = &self.ord_h;
            map_chunks_mut(par, &mut self.s_add, chunk, |c, add| {
                let h = &h_prev[c * chunk..c * chunk + add.len()];
                for (a, h) in add.iter_mut().zip(h) {
                    *a *= h;
                }
            });
        }
        {
            let (ti, pi) = pend.int.as_ref().map_or((tot, prod), |(t, p)| (t, p));
            self.mech.adjust_deliveries(&mut self.s_add, ti, pi, ns);
        }
        let floor = self.mech.clamp_inventories();
        // BoARIO's `close` (a global AND, per chunk then combined) and
        // the intermediate deliveries' total (per chunk, chunks in order).
        let (close, delivered_intermediate) = {
            let (s_add, tech) = (&self.s_add, &self.base.tech);
            let parts = map_chunks(par, s_add.len(), chunk, |k0, k1| {
                let mut close = true;
                let mut sum = 0.0;
                for j in k0 / ns.max(1)..k1 / ns.max(1) {
                    for k in j * ns..(j + 1) * ns {
                        close &= isclose(s_add[k], prod[j] * tech[k]);
                        sum += s_add[k];
                    }
                }
                (close, sum)
            });
            parts
                .into_iter()
                .fold((true, 0.0), |(c, s), (pc, ps)| (c && pc, s + ps))
        };
        let mut used_total = 0.0;
        let mut delivered_total = 0.0;
        let mut clamped = 0.0;
        if !close || floor {
            let (s_add, tech) = (&self.s_add, &self.base.tech);
            // Per chunk: (used, delivered, clamped, first bad inventory).
            let parts = map_chunks_mut(par, &mut self.stock, chunk, |c, stock| {
                let k0 = c * chunk;
                let (mut used, mut deliv, mut clamp) = (0.0, 0.0, 0.0);
                for (o, st) in stock.iter_mut().enumerate() {
                    let k = k0 + o;
                    let usev = prod[k / ns] * tech[k];
                    let v = (*st - usev) + s_add[k];
                    if v.is_nan() || (v < 0.0 && !floor) {
                        return (used, deliv, clamp, Some(k));
                    }
                    if st.is_finite() {
                        used += usev;
                        deliv += s_add[k];
                    }
                    // The extended mode clamps at zero: a non-critical
                    // input can be short without stopping production.
                    if v < 0.0 {
                        clamp -= v;
                        *st = 0.0;
                    } else {
                        *st = v;
                    }
                }
                (used, deliv, clamp, None)
            });
            for (u, d, c, bad) in parts {
                if let Some(k) = bad {
                    return Err(SimError::Diverged {
                        step: self.step_index,
                        industry: self.layout.industry_name(k / ns),
                        message: format!(
                            "the inventory of input {} became negative or NaN",
                            self.layout.sectors[k % ns]
                        ),
                    });
                }
                used_total += u;
                delivered_total += d;
                clamped += c;
            }
        }
        self.last_balance = StepBalance {
            production: prod.iter().sum(),
            delivered_intermediate,
            delivered_final: 0.0,
            delivered_rebuild: 0.0,
            inputs_used_finite: used_total,
            inputs_delivered_finite: delivered_total,
            inventory_clamped: clamped,
        };
        let (fd_unmet, fd_delivered) = {
            let (tf, pf) = pend.fin.as_ref().map_or((tot, prod), |(t, p)| (t, p));
            let (mut unmet, delivered) = self.mech.serve_final_demand(self, tf, pf);
            self.mech.unmet_final_demand(&mut unmet);
            (unmet, delivered)
        };
        self.last_balance.delivered_final = fd_delivered;
        // Rebuilding production, per block, out of the current demand.
        let (tot_f, prod_f) = pend.fin.as_ref().map_or((tot, prod), |(t, p)| (t, p));
        let mut reb_prod: Vec<Vec<f64>> = Vec::with_capacity(self.blocks.len());
        let mut reb_delivered = 0.0;
        for b in self.blocks.iter_mut() {
            let nc = b.cols.len();
            let mut p = vec![0.0; b.v.len()];
            for (a, &i) in b.rows.iter().enumerate() {
                for c in 0..nc {
                    let d = b.v[a * nc + c];
                    let sh = if tot_f[i] != 0.0 { d / tot_f[i] } else { 0.0 };
                    p[a * nc + c] = sh * prod_f[i];
                    reb_delivered += p[a * nc + c];
                }
            }
            for (v, q) in b.v.iter_mut().zip(&p) {
                *v -= q;
            }
            reb_prod.push(p);
        }
        self.last_balance.delivered_rebuild = reb_delivered;
        self.rebuild_events(&reb_prod);
        self.recover_events();

        self.next_orders(&pend)?;
        pend.fd_unmet = fd_unmet;
        Ok(Ordered(pend))
    }
}
