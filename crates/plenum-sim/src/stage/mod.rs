//! The step of the engine, one stage per module, and the order of its
//! phases held by types.
//!
//! A step (BoARIO's `Simulation.next_step`) is five stages:
//!
//! 1. [`events`]: event statuses, capacity lost Δ, rebuilding demand R;
//!    total demand d = O·1 + Y·1 + R·1;
//! 2. and 3. [`production`]: overproduction α, capacity
//!    x^Cap = x⁰ ∘ (1 − Δ) ∘ α, x^Opt = min(d, x^Cap), production x under
//!    the inventory constraint;
//! 4. [`distribution`]: production shared out to every buyer in
//!    proportion to its demand; inventories N ← N − A^S diag(x) +
//!    I_Σ(O ∘ (x/d)1'); final demand served; rebuilding and recovery;
//! 5. [`orders`]: the next orders O = diag(ρ) Z⁰ ∘ (I_Σ' H), kept as ρ and
//!    H, with H = G / Σ_r Z⁰ρ and the inventory gap G.
//!
//! The mechanisms beyond BoARIO ([`crate::mechanisms`]) hook into stages
//! 1, 3, 4 and 5. Between stages 3 and 4 and between 4 and 5 come the two
//! passes over Z⁰ ([`crate::kernels`]), which an ensemble makes for all
//! its members at once. The phases therefore are separate calls, and
//! their order is held by types: [`ArioModel::phase_begin`] returns a
//! [`Produced`], which only [`ArioModel::phase_middle`] consumes, which
//! returns an [`Ordered`], which only [`ArioModel::phase_end`] consumes;
//! the passes' jobs borrow the token of the phase they follow.

pub(crate) mod distribution;
pub(crate) mod events;
pub(crate) mod orders;
pub(crate) mod production;

use std::sync::Arc;

use crate::ario::{ArioModel, Pending, StepRecord, PARALLEL_MIN};
use crate::error::Result;
use crate::kernels::{pass_order_rowsums, pass_weighted_sums};
use crate::params::OrderType;

/// Stages 1–3 done: what the distribution stage needs.
#[derive(Debug)]
#[must_use = "a step's phases must run to its end"]
pub(crate) struct Produced(pub(crate) Pending);

/// Stages 4 and 5 up to the second pass done: what the end of the step
/// needs.
#[derive(Debug)]
#[must_use = "a step's phases must run to its end"]
pub(crate) struct Ordered(pub(crate) Pending);

impl ArioModel {
    /// One step of the model (BoARIO's `Simulation.next_step`):
    /// 1. event statuses, capacity loss Δ and rebuilding demand;
    /// 2. overproduction α (from the third temporal unit on);
    /// 3. production under capacity and inventory constraints;
    /// 4. distribution of production, inventories, unmet final demand,
    ///    rebuilding progress, recovery — first pass over Z⁰, which also
    ///    forms Σ_r Z⁰ ρ for the next orders;
    /// 5. orders for the next step — second pass over Z⁰ (row sums of O).
    ///
    /// In ARIO mode the two passes are one sweep over Z⁰ (see
    /// `sweep.rs`), with the same numbers bit for bit.
    pub fn step(&mut self, record_stocks: bool) -> Result<StepRecord> {
        let produced = self.phase_begin(record_stocks)?;
        // The sweep predicts BoARIO's orders; other mechanisms and
        // expected-output targets change them between the passes.
        if self.mech.is_boario() && self.expected.is_none() {
            return self.step_fused(produced).map(|(rec, _)| rec);
        }
        let z0 = Arc::clone(&self.base.z0);
        let (nr, ns) = (self.nr, self.ns);
        if let Some(job) = self.pass_a_job(&produced) {
            pass_weighted_sums(&z0, nr, ns, &mut [job]);
        }
        let ordered = self.phase_middle(produced)?;
        pass_order_rowsums(&z0, self.nr, self.ns, &mut [self.pass_b_job(&ordered)]);
        Ok(self.phase_end(ordered))
    }

    /// Steps 4–5 of ARIO mode with one sweep over Z⁰: the sweep forms pass
    /// A's sums and the row sums of the orders of every outcome of
    /// BoARIO's global tests; `phase_middle` then runs as in two passes
    /// (multiplying the sums by H_prev, updating inventories, forming H)
    /// and the outcome's row sums become the orders' row sums if its H is
    /// the H formed, bit for bit; otherwise the second pass is made (the
    /// flag returned says whether the sweep's sums were used).
    pub(crate) fn step_fused(&mut self, produced: Produced) -> Result<(StepRecord, bool)> {
        let z0 = Arc::clone(&self.base.z0);
        let (need_add, need_zc) = self.pass_a_needs();
        let pend = &produced.0;
        // x^Opt of the next orders needs the demand after this step's
        // rebuilding, which phase_middle forms later: predict it here (the
        // check of H after phase_middle covers the prediction).
        let tot2 = self.total_demand_after_rebuilding(&pend.tot, &pend.prod);
        let popt: Vec<f64> = tot2.iter().zip(&pend.cap).map(|(d, c)| d.min(*c)).collect();
        let mut scratch = std::mem::take(&mut self.sweep_scratch);
        let out = {
            let inp = crate::sweep::SweepIn {
                nr: self.nr,
                ns: self.ns,
                coef: need_add.then_some(&self.a_coef[..]),
                rho: need_zc.then_some(&self.a_ratio[..]),
                h_prev: &self.ord_h,
                tech: &self.base.tech,
                stock: &self.stock,
                prod: &pend.prod,
                popt: &popt,
                inv_duration: &self.base.inv_duration,
                restoration_tau: &self.base.restoration_tau,
                zc_fixed: match self.params.order_type {
                    OrderType::Alt => None,
                    OrderType::Noalt => Some(&self.base.zc0[..]),
                },
                parallel: self.n >= PARALLEL_MIN,
            };
            crate::sweep::sweep(&z0, &inp, &mut self.s_add, &mut self.s_zc, &mut scratch)
        };
        let ordered = self.phase_middle(produced)?;
        let used = out.rowsums(
            &scratch,
            out.outcome(),
            &self.ord_h,
            &self.ord_ratio,
            &mut self.ord_rowsum,
        );
        self.sweep_scratch = scratch;
        if !used {
            pass_order_rowsums(&z0, self.nr, self.ns, &mut [self.pass_b_job(&ordered)]);
            return Ok((self.phase_end(ordered), false));
        }
        Ok((self.phase_end(ordered), true))
    }
}
