//! The extended mode's entry points on [`ArioModel`]: building it,
//! turning a model into it, the hook controls, the restrictions' flows,
//! what a hook sees and the run with a hook.

use super::{
    AnticipationFlows, Controls, Extended, ExtendedSpec, Hook, RerouteFlows, RestrictionFlows,
    StateView,
};
use crate::ario::{ArioModel, StepBalance, TimeBase};
use crate::error::{Result, SimError};
use crate::params::ArioParams;
use crate::trajectory::Trajectory;

impl ArioModel {
    /// Builds the extended-mode model of `table` with steps of `step_days`
    /// days: flows per step are annual × step_days / 365, inventory targets
    /// `main_inv_dur` / step_days steps, and characteristic times become
    /// rates 1 − exp(−dt/τ) (`exponential`) or dt/τ. This is what
    /// [`crate::build_extended`] does for a shocks file; `params` must leave
    /// `temporal_units_by_step` at 1 (the step length is `step_days`).
    pub fn new_extended(
        table: &plenum_table::MrioTable,
        params: &ArioParams,
        step_days: f64,
        exponential: bool,
        spec: ExtendedSpec,
    ) -> Result<ArioModel> {
        let bad = |key: &str, value: String, expected: &str, fix: &str| SimError::InvalidValue {
            at: Default::default(),
            context: "extended model".into(),
            key: key.into(),
            value,
            expected: expected.into(),
            fix: fix.into(),
        };
        if !(step_days.is_finite() && step_days > 0.0) {
            return Err(bad(
                "step_days",
                step_days.to_string(),
                "a positive number of days",
                "use 1 (a day) or 91.25 (a quarter)",
            ));
        }
        if params.temporal_units_by_step != 1 {
            return Err(bad(
                "temporal_units_by_step",
                params.temporal_units_by_step.to_string(),
                "1 (the step length is step_days)",
                "leave temporal_units_by_step at its default",
            ));
        }
        let time = TimeBase {
            dt: step_days,
            exponential,
            boario_clamp: false,
        };
        let mut m = ArioModel::with_time(table, params, time)?;
        let (n, ns, nr) = (m.n, m.ns, m.nr);
        let nf = m.layout.fd_categories.len();
        for (k, r) in spec.restrictions.iter().enumerate() {
            let ok = r.product < ns
                && r.destination < nr
                && r.origins.iter().all(|&o| o < nr && o != r.destination)
                && r.buyer_sectors
                    .as_ref()
                    .is_none_or(|v| v.iter().all(|&b| b < ns));
            if !ok {
                return Err(bad(
                    "restrictions",
                    format!("#{}", k + 1),
                    "model indices in range, origins other than the destination",
                    "resolve labels with the model's layout()",
                ));
            }
        }
        let bad_path = spec
            .capacity_paths
            .iter()
            .any(|c| c.industries.iter().any(|&i| i >= n))
            || spec.final_demand_paths.iter().any(|f| {
                f.regions.iter().any(|&r| r >= nr)
                    || f.categories.iter().any(|&c| c >= nf)
                    || f.products.iter().any(|&s| s >= ns)
            })
            || spec
                .critical_overrides
                .iter()
                .any(|&(s, u, _)| s >= ns || u.is_some_and(|u| u >= ns));
        if bad_path {
            return Err(bad(
                "paths",
                "an index out of range".into(),
                "model indices in range",
                "resolve labels with the model's layout()",
            ));
        }
        m.enable_extended(spec, exponential);
        Ok(m)
    }

    /// Turns this model into the extended mode with `spec`. The model must
    /// have been built for the extended mode's time base (see
    /// [`ArioModel::new_extended`] and `crate::shocks::build_extended`);
    /// with an empty spec and `exponential = false` the extended mode still
    /// differs from ARIO only in that inventories are always updated and
    /// clamped at zero.
    pub fn enable_extended(&mut self, spec: ExtendedSpec, exponential: bool) {
        let e = Extended::new(self, spec, exponential);
        self.mech = Box::new(e);
    }

    /// The hook controls of the extended mode (None in ARIO mode).
    pub fn controls_mut(&mut self) -> Option<&mut Controls> {
        self.mech.extended_mut().map(|e| &mut e.controls)
    }

    /// Totals of the last step (conservation checks).
    pub fn last_balance(&self) -> StepBalance {
        self.last_balance
    }

    /// Per restriction, its flows in the last step (empty in ARIO mode).
    pub fn restriction_flows(&self) -> &[RestrictionFlows] {
        self.mech.extended().map_or(&[], |e| &e.restrictions.flows)
    }

    /// Per rerouting, its flows in the last step (empty in ARIO mode).
    pub fn reroute_flows(&self) -> &[RerouteFlows] {
        self.mech.extended().map_or(&[], |e| &e.reroute.flows)
    }

    /// Per anticipation, its flows in the last step (empty in ARIO mode).
    pub fn anticipation_flows(&self) -> &[AnticipationFlows] {
        self.mech.extended().map_or(&[], |e| &e.anticipation.flows)
    }

    /// Inventories N, S × n stored industry by industry (index
    /// industry · S + input).
    pub fn inventories(&self) -> &[f64] {
        &self.stock
    }

    /// Inventory added back per industry in the last step by the clamp at
    /// zero, recomputed from the step's flows (the same arithmetic as the
    /// update, so exact); needs the start-of-step inventories, kept once
    /// hooks run.
    fn clamped_by_industry(&self) -> Vec<f64> {
        let (n, ns) = (self.n, self.ns);
        let mut out = vec![0.0; n];
        let Some(start) = self.mech.extended().and_then(|e| e.stock_start.as_ref()) else {
            return out;
        };
        for k in 0..ns * n {
            let usev = self.production[k / ns] * self.base.tech[k];
            let v = (start[k] - usev) + self.s_add[k];
            if v < 0.0 {
                out[k / ns] -= v;
            }
        }
        out
    }

    fn view<'a>(&'a self, rec: &'a crate::ario::StepRecord) -> StateView<'a> {
        let (n, ns) = (self.n, self.ns);
        let mut va = vec![0.0; self.nr];
        for j in 0..n {
            let a: f64 = (0..ns).map(|s| self.base.tech[j * ns + s]).sum();
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
            inventories: &self.stock,
            inventory_clamped: self.clamped_by_industry(),
            restrictions: self.restriction_flows(),
            reroutes: self.reroute_flows(),
            anticipations: self.anticipation_flows(),
        }
    }

    /// Runs `steps` steps calling `hook` after each (extended mode only).
    pub fn run_with_hook(
        &mut self,
        steps: usize,
        record_stocks: bool,
        hook: &mut dyn Hook,
    ) -> Result<Trajectory> {
        let len = self.stock.len();
        match self.mech.extended_mut() {
            None => {
                return Err(SimError::Other(
                    "hooks need the extended mode; call enable_extended first".into(),
                ))
            }
            Some(e) => {
                if e.stock_start.is_none() {
                    e.stock_start = Some(vec![0.0; len]);
                }
            }
        }
        self.check_events(steps as f64 * self.dt)?;
        let mut traj = Trajectory::new(&self.layout);
        for _ in 0..steps {
            let rec = self.step(record_stocks)?;
            // The controls are lent to the hook (moved out and back, not
            // copied: nothing reads them while the hook runs).
            let mut controls = self
                .mech
                .extended_mut()
                .map(|e| std::mem::take(&mut e.controls))
                .unwrap_or_default();
            hook.after_step(&self.view(&rec), &mut controls);
            if let Some(e) = self.mech.extended_mut() {
                e.controls = controls;
            }
            traj.push(rec);
        }
        traj.had_shortage = self.had_shortage;
        Ok(traj)
    }
}
