//! The adaptive regional input-output (ARIO) model of Hallegatte (2008,
//! 2014) as BoARIO 0.7.2's `ARIOPsiModel` implements it, step for step.
//!
//! Notation (per step, n = R·S industries region-major with regions and
//! sectors sorted alphabetically as BoARIO does, S sectors, I_Σ the S × n
//! matrix that sums rows of the same sector across regions):
//!
//! - x⁰ = x·f, Z⁰ = Z·f, Y⁰ = Y·f with f = temporal_units_by_step / 365;
//! - technical coefficients by input A^S = I_Σ A (S × n), A = Z diag(x)⁻¹;
//! - capacity x^Cap = x⁰ ∘ (1 − Δ) ∘ α, Δ the capacity lost to events;
//! - total demand d = O·1 + Y⁰·1 + Σ_events R·1 (orders O, rebuilding R);
//! - optimal production x^Opt = min(d, x^Cap);
//! - inventory constraint C = ψ · s ∘ (A^S diag(x^Opt)), s the inventory
//!   targets; where an inventory N < C (and the input matters, I_Σ Z >
//!   10⁻⁵ x⁰), production falls to x = min_s x^Opt · N_sj / C_sj;
//! - production is distributed to every client in proportion to its
//!   demand; inventories become N − A^S diag(x) + I_Σ (O ∘ (x/d)1');
//! - overproduction α += (α^max − α) σ τ_α⁻¹ if scarcity σ = (d − x)/d > 0,
//!   else (α^b − α) τ_α⁻¹, bounded below by 1;
//! - orders for the next step: the inventory gap
//!   G = τ_INV⁻¹ max(s ∘ A^S diag(x^Opt) − N, 0) + A^S diag(x), split among
//!   suppliers r of each input s by the shares of Z⁰ weighted by their
//!   capacity ratio ρ = x^Cap/x⁰ (order_type "alt") or by the shares of Z
//!   ("noalt"): O[(r,s), j] = G[s,j] · Z⁰[(r,s),j] ρ_(r,s) / Σ_r' Z⁰[(r',s),j] ρ_(r',s).
//!
//! The n × n matrix O is never formed: its row sums and its weighted sums
//! over regions are all the model needs, so a step makes two passes over Z⁰
//! (see [`ArioModel::step`]) and allocates nothing of size n². In ARIO mode
//! the two passes are fused into one sweep that gives the same bits (see
//! `sweep.rs`); the extended mode and ensembles keep the two passes.
//! The per-step loops over the S × n arrays (the production constraint,
//! the inventory update, BoARIO's global `close` and `all_close` tests,
//! H) run on the thread pool in fixed chunks of
//! `LOOP_COLS_PER_TASK` buyer columns, whose test results and partial sums
//! are combined in chunk order, so the numbers do not depend on the
//! number of threads.
//!
//! This module holds the model (its immutable baseline, its state and its
//! scratch buffers, kept apart), its layout and its run loops; the model
//! is built in `build.rs`, the step's stages are one module each under
//! `stage/`, the passes over Z⁰ are in `kernels.rs`, and whatever goes
//! beyond BoARIO hooks into the stages through `mechanisms.rs`.
//!
//! BoARIO's quirks are reproduced on purpose and listed in docs/engine.md
//! (one-step lag of arbitrary capacity shocks, rounding of remaining
//! damage, stale rebuilding demand after the last rebuilding event ends,
//! skipping inventory updates that np.allclose deems negligible).

use std::sync::Arc;

use plenum_table::MrioTable;

use crate::colmajor::ColMajor;
use crate::error::Result;
use crate::event::Event;
use crate::mechanisms::Mechanisms;
use crate::params::ArioParams;
use crate::trajectory::Trajectory;

/// BoARIO's `TECHNOLOGY_THRESHOLD`: an input below this share of output is
/// not considered an input.
pub(crate) const TECHNOLOGY_THRESHOLD: f64 = 0.00001;
/// BoARIO's `EVENT_ARBITRARY_PRECISION`.
pub(crate) const EVENT_ARBITRARY_PRECISION: i32 = 6;
/// Below this many industries the passes over Z⁰ run on one thread.
pub(crate) const PARALLEL_MIN: usize = 192;

/// The order of regions, sectors and final-demand categories in the model
/// (sorted, as BoARIO's `lexico_reindex`) and where each sits in the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub regions: Vec<String>,
    pub sectors: Vec<String>,
    pub fd_categories: Vec<String>,
    /// Table index of the industry at model index k.
    pub table_industry: Vec<usize>,
    /// Table column of Y of the final-demand column at model index c.
    pub table_fd: Vec<usize>,
}

impl Layout {
    pub fn from_table(table: &MrioTable) -> Self {
        let l = table.labels();
        let sorted = |v: &[String]| {
            let mut idx: Vec<usize> = (0..v.len()).collect();
            idx.sort_by(|&a, &b| v[a].cmp(&v[b]));
            idx
        };
        let ro = sorted(l.regions());
        let so = sorted(l.sectors());
        let fo = sorted(l.fd_categories());
        let ns = l.n_sectors();
        let nf = l.n_fd_categories();
        let mut table_industry = Vec::with_capacity(ro.len() * so.len());
        let mut table_fd = Vec::with_capacity(ro.len() * fo.len());
        for &r in &ro {
            for &s in &so {
                table_industry.push(r * ns + s);
            }
            for &f in &fo {
                table_fd.push(r * nf + f);
            }
        }
        Self {
            regions: ro.iter().map(|&i| l.regions()[i].clone()).collect(),
            sectors: so.iter().map(|&i| l.sectors()[i].clone()).collect(),
            fd_categories: fo.iter().map(|&i| l.fd_categories()[i].clone()).collect(),
            table_industry,
            table_fd,
        }
    }
    pub fn n_regions(&self) -> usize {
        self.regions.len()
    }
    pub fn n_sectors(&self) -> usize {
        self.sectors.len()
    }
    pub fn n_industries(&self) -> usize {
        self.regions.len() * self.sectors.len()
    }
    pub fn industry_name(&self, k: usize) -> String {
        let s = self.n_sectors();
        format!("{}/{}", self.regions[k / s], self.sectors[k % s])
    }
    pub fn region_index(&self, name: &str) -> Option<usize> {
        self.regions.iter().position(|r| r == name)
    }
    pub fn sector_index(&self, name: &str) -> Option<usize> {
        self.sectors.iter().position(|r| r == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Happening,
    Recovering,
    Rebuilding,
    Finished,
}

/// Rebuilding demand of one event: a dense block on its rebuilding
/// industries (rows) × damaged industries (cols), row-major.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub(crate) rows: Vec<usize>,
    pub(crate) cols: Vec<usize>,
    pub(crate) v: Vec<f64>,
}

impl Block {
    pub(crate) fn row_sums_into(&self, out: &mut [f64]) {
        let nc = self.cols.len();
        for (a, &i) in self.rows.iter().enumerate() {
            out[i] += self.v[a * nc..(a + 1) * nc].iter().sum::<f64>();
        }
    }
}

/// BoARIO's `EventTracker`: the state of one event during a run.
#[derive(Debug, Clone)]
pub(crate) struct Tracker {
    pub(crate) ev: Event,
    pub(crate) status: Status,
    /// Capital destroyed at impact, per industry, in table units.
    pub(crate) dmg0: Vec<f64>,
    /// Capital still destroyed (None once recovered or rebuilt).
    pub(crate) dmg: Option<Vec<f64>>,
    /// Arbitrary capacity share lost at impact and now.
    pub(crate) arb0: Vec<f64>,
    pub(crate) arb: Option<Vec<f64>>,
    /// Remaining rebuilding demand (the stock, not the per-step demand).
    pub(crate) rebuild: Option<Block>,
    pub(crate) rebuild_id: Option<usize>,
}

/// The model's immutable inputs, apart from its state and scratch
/// buffers: written once by the build, read by every stage and mechanism.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Baseline {
    /// Z⁰ = Z · f, n × n, shared by the members of an ensemble.
    pub(crate) z0: Arc<ColMajor>,
    /// Y⁰ = Y · f, n × (R·F), row-major per industry for the distribution.
    pub(crate) y0: Vec<f64>,
    /// Y⁰ in blocks of sectors for the vector unit (`serve.rs`), used to
    /// serve final demand in ARIO mode.
    pub(crate) y0_grouped: crate::serve::GroupedY,
    pub(crate) x0: Vec<f64>,
    /// A^S = I_Σ A, S × n stored column by column (index j·S + s).
    pub(crate) tech: Vec<f64>,
    /// I_Σ Z (annual) > 10⁻⁵ x⁰, S × n like `tech`.
    pub(crate) thresh: Vec<bool>,
    /// Σ_r Z⁰[(r,s), j], S × n (the split of orders under "noalt").
    pub(crate) zc0: Vec<f64>,
    pub(crate) va: Vec<f64>,
    pub(crate) capital: Vec<f64>,
    pub(crate) inv_duration: Vec<f64>,
    pub(crate) inv_duration_finite: Vec<f64>,
    pub(crate) restoration_tau: Vec<f64>,
    pub(crate) overprod_tau: f64,
    pub(crate) psi: f64,
}

/// The ARIO model and its state. Build with [`ArioModel::new`], add events,
/// then call [`ArioModel::run`] or [`ArioModel::step`] repeatedly.
#[derive(Debug, Clone)]
pub struct ArioModel {
    pub(crate) layout: Layout,
    pub(crate) params: ArioParams,
    pub(crate) n: usize,
    pub(crate) ns: usize,
    pub(crate) nr: usize,
    pub(crate) nfd: usize,
    /// Temporal units per step (days).
    pub(crate) dt: f64,
    /// The immutable baseline, shared by reference (members of an
    /// ensemble built from the same table share one).
    pub(crate) base: Arc<Baseline>,
    // State.
    /// Y·1 of the step: Y⁰·1 in ARIO mode, the mechanisms' final demand's
    /// row sums in the extended mode (state, not baseline).
    pub(crate) y_rowsum: Vec<f64>,
    /// Final demand of the step (n × R·F like Y⁰) when mechanisms change
    /// it: Y⁰ under paths and hook scales, then cut and redirected by
    /// restrictions (extended mode); empty in ARIO mode, which serves Y⁰.
    pub(crate) y_eff: Vec<f64>,
    pub(crate) t: f64,
    pub(crate) overprod: Vec<f64>,
    pub(crate) stock: Vec<f64>,
    pub(crate) production: Vec<f64>,
    /// Orders O = diag(ρ) Z⁰ ∘ (I_Σ' H) kept as ρ (n) and H (S × n).
    pub(crate) ord_ratio: Vec<f64>,
    pub(crate) ord_h: Vec<f64>,
    pub(crate) ord_rowsum: Vec<f64>,
    pub(crate) delta_tot: Vec<f64>,
    pub(crate) arb_prev: Option<Vec<f64>>,
    pub(crate) blocks: Vec<Block>,
    pub(crate) n_rebuilding_events: usize,
    pub(crate) trackers: Vec<Tracker>,
    pub(crate) had_shortage: bool,
    pub(crate) in_shortage: bool,
    pub(crate) step_index: usize,
    // Scratch (S × n and n), reused every step.
    pub(crate) s_add: Vec<f64>,
    pub(crate) s_zc: Vec<f64>,
    /// Weights of the first pass of the current step: c = ρ_prev x/d and ρ_t.
    pub(crate) a_coef: Vec<f64>,
    pub(crate) a_ratio: Vec<f64>,
    /// Buffers of the fused sweep (empty until ARIO mode's first step).
    pub(crate) sweep_scratch: crate::sweep::Scratch,
    pub(crate) last_balance: StepBalance,
    /// The mechanisms hooked into the step's stages: [`crate::mechanisms::Boario`]
    /// (no-ops) in ARIO mode, [`crate::extended::Extended`] in the extended mode.
    pub(crate) mech: Box<dyn Mechanisms>,
    /// Inventory targets on expected rather than current production:
    /// None in ARIO mode (see
    /// [`crate::growth`]).
    pub(crate) expected: Option<crate::growth::Expectations>,
}

/// What a step carries between its phases.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pending {
    pub(crate) tot: Vec<f64>,
    pub(crate) cap: Vec<f64>,
    pub(crate) prod: Vec<f64>,
    pub(crate) rebuild_demand: Vec<f64>,
    pub(crate) stocks: Option<Vec<f64>>,
    pub(crate) fd_unmet: Vec<f64>,
    /// Under intermediate-first rationing: what final and rebuilding
    /// buyers are served from, as (demand, production) pairs whose ratio
    /// is their delivered share (None: proportional, use tot and prod).
    pub(crate) fin: Option<Served>,
    /// The same for intermediate buyers.
    pub(crate) int: Option<Served>,
}

/// How a supplier short of its total demand shares its production out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rationing {
    /// BoARIO's rule: every buyer gets the same share x/d of its order.
    #[default]
    Proportional,
    /// Intermediate buyers first, final and rebuilding buyers from what is
    /// left (Pichler et al. 2020's "mixed" rationing): a supplier short of
    /// inputs still serves the industries that need its output to produce,
    /// so a shortage does not feed on itself through rationed inputs.
    IntermediateFirst,
}

/// Demand and production per supplier whose ratio is the share a group of
/// buyers gets.
pub(crate) type Served = (Vec<f64>, Vec<f64>);

/// Delivered shares under intermediate-first rationing, as (demand,
/// production) pairs: intermediate buyers get min(1, x/I) of their orders
/// I, final and rebuilding buyers max(0, x − I)/F of their demand F.
pub(crate) fn intermediate_first(
    tot: &[f64],
    prod: &[f64],
    ord_rowsum: &[f64],
) -> (Served, Served) {
    let n = tot.len();
    let mut int = (vec![0.0; n], vec![0.0; n]);
    let mut fin = (vec![0.0; n], vec![0.0; n]);
    for i in 0..n {
        let d_int = ord_rowsum[i].max(0.0).min(tot[i]);
        let d_fin = tot[i] - d_int;
        let x_int = prod[i].min(d_int);
        int.0[i] = d_int;
        int.1[i] = x_int;
        fin.0[i] = d_fin;
        fin.1[i] = (prod[i] - x_int).clamp(0.0, d_fin);
    }
    (int, fin)
}

/// Totals of a step, for conservation checks: production is delivered to
/// intermediate, final and rebuilding buyers; inventories change by what
/// was delivered less what was used (finite inventories only).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepBalance {
    pub production: f64,
    pub delivered_intermediate: f64,
    pub delivered_final: f64,
    pub delivered_rebuild: f64,
    pub inputs_used_finite: f64,
    pub inputs_delivered_finite: f64,
    /// Inventory added back when the extended mode clamps a stock at 0
    /// (a non-critical input used beyond what was held).
    pub inventory_clamped: f64,
}

/// What one step produced, in model order.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// Temporal unit of the step (BoARIO's `current_temporal_unit`).
    pub temporal_unit: f64,
    pub production_realised: Vec<f64>,
    pub production_capacity: Vec<f64>,
    /// Final demand not met, by destination region and product
    /// (index region·S + sector).
    pub final_demand_unmet: Vec<f64>,
    pub rebuild_demand: Vec<f64>,
    /// Inventories N at the start of the step, S × n input-major
    /// (index input·n + industry).
    pub inputs_stocks: Option<Vec<f64>>,
}

/// The length of a step and how characteristic times become per-step rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeBase {
    /// Temporal units (days) per step.
    pub dt: f64,
    /// Rates 1 − exp(−dt/τ) instead of BoARIO's dt/τ.
    pub exponential: bool,
    /// BoARIO's rule: inventory targets of at most one step become two.
    pub boario_clamp: bool,
}

impl TimeBase {
    pub fn boario(dt: f64) -> Self {
        Self {
            dt,
            exponential: false,
            boario_clamp: true,
        }
    }
    pub fn rate(&self, tau: f64) -> f64 {
        if self.exponential {
            1.0 - (-self.dt / tau).exp()
        } else {
            self.dt / tau
        }
    }
}

pub(crate) fn isclose(a: f64, b: f64) -> bool {
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= 1e-8 + 1e-5 * b.abs()
}

impl ArioModel {
    /// Builds the model of `table` under `params` at its initial equilibrium.
    pub fn new(table: &MrioTable, params: &ArioParams) -> Result<Self> {
        let dt = params.temporal_units_by_step as f64;
        Self::with_time(table, params, TimeBase::boario(dt))
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }
    pub fn params(&self) -> &ArioParams {
        &self.params
    }
    /// Value added per industry as BoARIO computes it (x − 1'Z, ≥ 0), annual.
    pub fn value_added(&self) -> &[f64] {
        &self.base.va
    }
    pub fn productive_capital(&self) -> &[f64] {
        &self.base.capital
    }
    /// Baseline output per step x⁰.
    pub fn x0(&self) -> &[f64] {
        &self.base.x0
    }
    pub fn production(&self) -> &[f64] {
        &self.production
    }
    pub fn overproduction(&self) -> &[f64] {
        &self.overprod
    }
    /// Current capacity loss Δ per industry.
    pub fn capacity_loss(&self) -> &[f64] {
        &self.delta_tot
    }
    /// Whether some industry was ever constrained by its inventories.
    pub fn had_shortage(&self) -> bool {
        self.had_shortage
    }
    /// Temporal unit of the next step.
    pub fn temporal_unit(&self) -> f64 {
        self.t
    }
    /// Capital still destroyed per industry, summed over events.
    pub fn capital_lost(&self) -> Vec<f64> {
        let mut lost = vec![0.0; self.n];
        for tr in &self.trackers {
            if matches!(
                tr.status,
                Status::Happening | Status::Rebuilding | Status::Recovering
            ) {
                if let Some(d) = &tr.dmg {
                    for (l, v) in lost.iter_mut().zip(d) {
                        *l += v;
                    }
                }
            }
        }
        lost
    }

    /// Runs `steps` steps and records them. Events are checked against the
    /// run's length first.
    pub fn run(&mut self, steps: usize, record_stocks: bool) -> Result<Trajectory> {
        self.run_each(steps, record_stocks, |_, _| {})
    }

    /// [`ArioModel::run`], handing each step's record to `each` (with the
    /// step's index) as soon as it is made, before it joins the trajectory:
    /// a caller can write the output while the following steps run. The
    /// records and the trajectory are those of `run`.
    pub fn run_each(
        &mut self,
        steps: usize,
        record_stocks: bool,
        mut each: impl FnMut(usize, &StepRecord),
    ) -> Result<Trajectory> {
        let mut traj = Trajectory::new(&self.layout);
        self.run_streaming(steps, record_stocks, |t, rec| {
            each(t, &rec);
            traj.push(rec);
            std::ops::ControlFlow::Continue(())
        })?;
        traj.had_shortage = self.had_shortage;
        Ok(traj)
    }

    /// [`ArioModel::run`] without keeping a trajectory: each step's record
    /// is handed to `each` (with the step's index) and dropped by the
    /// engine, so memory does not grow with the number of steps (the
    /// caller streams the records to disk or folds them into a summary).
    /// `each` may stop the run early (e.g. when its writer failed); the
    /// number of steps made is returned. Whether inventories ever
    /// constrained production is [`ArioModel::had_shortage`] afterwards.
    pub fn run_streaming(
        &mut self,
        steps: usize,
        record_stocks: bool,
        mut each: impl FnMut(usize, StepRecord) -> std::ops::ControlFlow<()>,
    ) -> Result<usize> {
        self.check_events(steps as f64 * self.dt)?;
        for t in 0..steps {
            let rec = self.step(record_stocks)?;
            if each(t, rec).is_break() {
                return Ok(t + 1);
            }
        }
        Ok(steps)
    }

    /// How production is shared out when short (proportional in ARIO
    /// mode; the extended mode's spec decides).
    pub fn rationing(&self) -> Rationing {
        self.mech.rationing()
    }
}
