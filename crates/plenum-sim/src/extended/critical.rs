//! Critical and non-critical inputs (Pichler et al. 2022), a mechanism of
//! its own: the production rule of stage 3 and the clamp of inventories
//! at zero in stage 4.
//!
//! With r_sj = min(1, N_sj / C_sj) the inventory ratio of input s in
//! industry j (C = ψ s ∘ A^S diag(x^Opt), for the inputs that matter),
//! lowered to 1 − f_sj by the inventory floor f of other mechanisms
//! (restrictions: the share of the need removed and not replaced),
//!
//!   x_j = x^Opt_j · min( min_{s critical} r_sj, 1 − Σ_{s non-critical} w_sj (1 − r_sj) ),
//!
//! w_sj = a_sj / Σ_s a_sj the input's share. By default an input is
//! critical for an industry when it is at least `critical_share` (5 %) of
//! its intermediate inputs; `[[critical_input]]` entries override. Under
//! proportional rationing a critical input in a loop (a sector's own
//! purchases, or C26 → C27 → C26) lets a persistent shortage feed on itself
//! down to zero output; intermediate-first rationing stops that (tested).
//! Inventories are clamped at zero: a non-critical input can be short
//! without stopping production.

use crate::ario::ArioModel;
use crate::mechanisms::Mechanisms;

use super::ExtendedSpec;

/// Which inputs are critical for whom, and their shares.
#[derive(Debug, Clone)]
pub(crate) struct Criticality {
    /// Input s critical for industry j (index j·S + s).
    critical: Vec<bool>,
    /// w_sj = a_sj / Σ_s a_sj.
    weight: Vec<f64>,
}

impl Criticality {
    pub(crate) fn new(model: &ArioModel, spec: &ExtendedSpec) -> Self {
        let (n, ns) = (model.n, model.ns);
        let mut weight = vec![0.0; ns * n];
        let mut critical = vec![false; ns * n];
        for j in 0..n {
            let tot: f64 = (0..ns).map(|s| model.base.tech[j * ns + s]).sum();
            for s in 0..ns {
                let w = if tot > 0.0 {
                    model.base.tech[j * ns + s] / tot
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
        Self { critical, weight }
    }
}

impl Mechanisms for Criticality {
    fn boxed_clone(&self) -> Box<dyn Mechanisms> {
        Box::new(self.clone())
    }

    /// Production under critical (Leontief) and non-critical
    /// (proportional) inputs, each ratio at most 1 − f.
    fn constrain_production(
        &self,
        m: &ArioModel,
        popt: &[f64],
        floor: Option<&[f64]>,
    ) -> (Vec<f64>, bool) {
        let (n, ns) = (m.n, m.ns);
        let mut prod = popt.to_vec();
        let mut shortage = false;
        // Per industry, two passes over its inputs: the ratios r_sj first
        // (a loop without branches on the data, which vectorises: the
        // division is most of the work), then the critical minimum and the
        // non-critical loss in input order, as one pass did.
        let mut ratio = vec![1.0; ns];
        let psi = m.base.psi;
        for j in 0..n {
            let row = j * ns..(j + 1) * ns;
            let (tech, stock) = (&m.base.tech[row.clone()], &m.stock[row.clone()]);
            for (((r, &a), &q), &d) in ratio
                .iter_mut()
                .zip(tech)
                .zip(stock)
                .zip(&m.base.inv_duration_finite)
            {
                let c = (popt[j] * a * psi) * d;
                let v = (q / c).min(1.0);
                *r = if c > 0.0 { v } else { 1.0 };
            }
            // The inventory floor of a lasting restriction: the buyer
            // does not run its stock down to cover the share of its need
            // the restrictions removed and substitutes did not replace, so
            // output follows the flow from the first step, not after the
            // buffer is gone.
            if let Some(f) = floor {
                for (r, &held) in ratio.iter_mut().zip(&f[row.clone()]) {
                    if held > 0.0 {
                        *r = r.min(1.0 - held);
                    }
                }
            }
            let mut crit = 1.0f64;
            let mut loss = 0.0;
            for (s, &r) in ratio.iter().enumerate() {
                let k = j * ns + s;
                if !m.base.thresh[k] {
                    continue;
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

    fn clamp_inventories(&self) -> bool {
        true
    }
}
