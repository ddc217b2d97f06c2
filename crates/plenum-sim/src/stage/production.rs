//! Stages 2–3 of the step: overproduction, capacity and production.
//!
//! - overproduction: α += (α^max − α) σ τ_α⁻¹ if scarcity σ = (d − x)/d > 0,
//!   else (α^b − α) τ_α⁻¹, bounded below by 1 (from the third temporal
//!   unit on, as BoARIO);
//! - capacity x^Cap = x⁰ ∘ (1 − Δ) ∘ α (∘ m, the mechanisms' scale);
//! - optimal production x^Opt = min(d, x^Cap);
//! - production under inventories (BoARIO's rule, or the mechanisms'):
//!   C = ψ · s ∘ (A^S diag(x^Opt)); where N < C for an input that matters,
//!   x = min_s x^Opt · N_sj / C_sj;
//! - the weights of the first pass: c = ρ_prev x/d (the share the
//!   intermediate buyers get) and ρ_t = x^Cap / x⁰ ("alt") or 1 ("noalt").

use crate::ario::{intermediate_first, ArioModel, Pending, Rationing, PARALLEL_MIN};
use crate::error::{Result, SimError};
use crate::kernels::{map_chunks_mut, LOOP_COLS_PER_TASK};
use crate::mechanisms::Boario;
use crate::params::OrderType;

use super::Produced;

impl ArioModel {
    /// Steps 1–3 and the weights of the first pass; the token it returns
    /// is what the distribution stage needs.
    pub(crate) fn phase_begin(&mut self, record_stocks: bool) -> Result<Produced> {
        let (n, ns) = (self.n, self.ns);
        self.status_update()?;
        let stocks = record_stocks.then(|| {
            let mut v = vec![0.0; ns * n];
            for j in 0..n {
                for s in 0..ns {
                    v[s * n + j] = self.stock[j * ns + s];
                }
            }
            v
        });
        // Hook: restrict the orders placed last step and this step's final
        // demand (a mechanism gets the model with itself taken out).
        let mut mech = std::mem::replace(&mut self.mech, Box::new(Boario));
        let r = mech.restrict_orders(self);
        self.mech = mech;
        r?;

        let tot = self.total_demand();
        if self.t > 1.0 {
            for i in 0..n {
                let mut sc = if tot[i] != 0.0 {
                    (tot[i] - self.production[i]) / tot[i]
                } else {
                    0.0
                };
                if sc.is_nan() {
                    sc = 0.0;
                }
                let op = self.overprod[i];
                let chg = ((self.params.alpha_max - op) * sc * self.base.overprod_tau)
                    + ((self.params.alpha_base - op)
                        * (if sc == 0.0 { 1.0 } else { 0.0 })
                        * self.base.overprod_tau);
                let v = op + chg;
                self.overprod[i] = if v < 1.0 { 1.0 } else { v };
            }
        }
        let rebuild_demand = self.rebuild_rowsum();

        // 3. Production.
        let mut cap: Vec<f64> = (0..n)
            .map(|i| (self.base.x0[i] * (1.0 - self.delta_tot[i])) * self.overprod[i])
            .collect();
        self.mech.scale_capacity(&mut cap);
        if let Some(i) = cap.iter().position(|c| *c < 0.0) {
            return Err(SimError::Diverged {
                step: self.step_index,
                industry: self.layout.industry_name(i),
                message: "production capacity is negative; an impact is too large for this sector"
                    .into(),
            });
        }
        let popt: Vec<f64> = (0..n).map(|i| tot[i].min(cap[i])).collect();
        let floor = self.mech.inventory_floor();
        let (prod, shortage) = self.mech.constrain_production(self, &popt, floor);
        if shortage {
            self.in_shortage = true;
            self.had_shortage = true;
        } else {
            self.in_shortage = false;
        }
        self.production = prod.clone();

        // 4. Weights of the previous orders: c = ρ_prev x/d (x/d the share
        // intermediate buyers get).
        let (int, fin) = match self.rationing() {
            Rationing::Proportional => (None, None),
            Rationing::IntermediateFirst => {
                let (i, f) = intermediate_first(&tot, &prod, &self.ord_rowsum);
                (Some(i), Some(f))
            }
        };
        let (tot_i, prod_i) = int.as_ref().map_or((&tot, &prod), |(t, p)| (t, p));
        let coef: Vec<f64> = (0..n)
            .map(|i| {
                if tot_i[i] != 0.0 {
                    self.ord_ratio[i] * (prod_i[i] / tot_i[i])
                } else {
                    0.0
                }
            })
            .collect();
        let ratio_t: Vec<f64> = match self.params.order_type {
            OrderType::Alt => (0..n)
                .map(|i| {
                    if self.base.x0[i] != 0.0 {
                        cap[i] / self.base.x0[i]
                    } else {
                        1.0
                    }
                })
                .collect(),
            OrderType::Noalt => vec![1.0; n],
        };
        self.a_coef = coef;
        self.a_ratio = ratio_t;
        Ok(Produced(Pending {
            tot,
            cap,
            prod,
            rebuild_demand,
            stocks,
            fd_unmet: Vec::new(),
            fin,
            int,
        }))
    }
}

/// BoARIO's production rule: x = min_s x^Opt N/C over the inputs that
/// matter, when some inventory is below its constraint.
pub(crate) fn boario_production(m: &ArioModel, popt: &[f64]) -> (Vec<f64>, bool) {
    let (n, ns) = (m.n, m.ns);
    let mut prod = popt.to_vec();
    // Per chunk of buyers: x_j, and whether some inventory is below
    // its constraint (BoARIO's global test, an OR over chunks).
    let short = map_chunks_mut(n >= PARALLEL_MIN, &mut prod, LOOP_COLS_PER_TASK, |c, p| {
        let mut shortage = false;
        for (dj, pj) in p.iter_mut().enumerate() {
            let j = c * LOOP_COLS_PER_TASK + dj;
            let mut ratio_min = 1.0f64;
            for s in 0..ns {
                let k = j * ns + s;
                let c = ((popt[j] * m.base.tech[k]) * m.base.psi) * m.base.inv_duration_finite[s];
                if m.base.thresh[k] && m.stock[k] < c {
                    shortage = true;
                }
                if m.base.thresh[k] && c != 0.0 {
                    let r = m.stock[k] / c;
                    if r < ratio_min {
                        ratio_min = r;
                    }
                }
            }
            if ratio_min < 1.0 {
                *pj = popt[j] * ratio_min;
            }
        }
        shortage
    });
    let shortage = short.into_iter().any(|s| s);
    if !shortage {
        prod = popt.to_vec();
    }
    (prod, shortage)
}
