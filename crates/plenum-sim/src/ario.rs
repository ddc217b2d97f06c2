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
//! BoARIO's quirks are reproduced on purpose and listed in docs/engine.md
//! (one-step lag of arbitrary capacity shocks, rounding of remaining
//! damage, stale rebuilding demand after the last rebuilding event ends,
//! skipping inventory updates that np.allclose deems negligible).

use std::sync::Arc;

use plenum_table::MrioTable;
use rayon::prelude::*;

use crate::colmajor::ColMajor;
use crate::error::{Result, SimError};
use crate::event::{np_round, precision_of, Event, EventKind};
use crate::extended::Extended;
use crate::params::{ArioParams, OrderType, RestorationTau};
use crate::trajectory::Trajectory;

/// BoARIO's `TECHNOLOGY_THRESHOLD`: an input below this share of output is
/// not considered an input.
const TECHNOLOGY_THRESHOLD: f64 = 0.00001;
/// BoARIO's `EVENT_ARBITRARY_PRECISION`.
const EVENT_ARBITRARY_PRECISION: i32 = 6;
/// Below this many industries the passes over Z⁰ run on one thread.
const PARALLEL_MIN: usize = 192;

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
    rows: Vec<usize>,
    cols: Vec<usize>,
    v: Vec<f64>,
}

impl Block {
    fn row_sums_into(&self, out: &mut [f64]) {
        let nc = self.cols.len();
        for (a, &i) in self.rows.iter().enumerate() {
            out[i] += self.v[a * nc..(a + 1) * nc].iter().sum::<f64>();
        }
    }
}

/// BoARIO's `EventTracker`: the state of one event during a run.
#[derive(Debug, Clone)]
pub(crate) struct Tracker {
    ev: Event,
    status: Status,
    /// Capital destroyed at impact, per industry, in table units.
    dmg0: Vec<f64>,
    /// Capital still destroyed (None once recovered or rebuilt).
    dmg: Option<Vec<f64>>,
    /// Arbitrary capacity share lost at impact and now.
    arb0: Vec<f64>,
    arb: Option<Vec<f64>>,
    /// Remaining rebuilding demand (the stock, not the per-step demand).
    rebuild: Option<Block>,
    rebuild_id: Option<usize>,
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
    /// Z⁰ = Z · f, n × n, shared by the members of an ensemble.
    pub(crate) z0: Arc<ColMajor>,
    /// Y⁰ = Y · f, n × (R·F), row-major per industry for the distribution.
    pub(crate) y0: Vec<f64>,
    /// Y⁰ in blocks of sectors for the vector unit (`serve.rs`), used to
    /// serve final demand in ARIO mode.
    pub(crate) y0_grouped: crate::serve::GroupedY,
    pub(crate) y_rowsum: Vec<f64>,
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
    // State.
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
    pub(crate) pend: Option<Pending>,
    /// Weights of the first pass of the current step: c = ρ_prev x/d and ρ_t.
    pub(crate) a_coef: Vec<f64>,
    pub(crate) a_ratio: Vec<f64>,
    /// Buffers of the fused sweep (empty until ARIO mode's first step).
    pub(crate) sweep_scratch: crate::sweep::Scratch,
    pub(crate) last_balance: StepBalance,
    /// Mechanisms beyond ARIO (None in ARIO mode).
    pub(crate) ext: Option<Box<Extended>>,
    /// Inventory targets on expected rather than current production:
    /// None in ARIO mode (see
    /// [`crate::growth`]).
    pub(crate) expected: Option<crate::growth::Expectations>,
}

/// What a step carries between its phases.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pending {
    tot: Vec<f64>,
    cap: Vec<f64>,
    prod: Vec<f64>,
    rebuild_demand: Vec<f64>,
    stocks: Option<Vec<f64>>,
    fd_unmet: Vec<f64>,
    /// Under intermediate-first rationing: what final and rebuilding
    /// buyers are served from, as (demand, production) pairs whose ratio
    /// is their delivered share (None: proportional, use tot and prod).
    fin: Option<Served>,
    /// The same for intermediate buyers.
    int: Option<Served>,
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
type Served = (Vec<f64>, Vec<f64>);

/// Delivered shares under intermediate-first rationing, as (demand,
/// production) pairs: intermediate buyers get min(1, x/I) of their orders
/// I, final and rebuilding buyers max(0, x − I)/F of their demand F.
fn intermediate_first(tot: &[f64], prod: &[f64], ord_rowsum: &[f64]) -> (Served, Served) {
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

impl Pending {
    fn empty() -> Self {
        Self::default()
    }
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

    /// Builds the model with a given time base (the extended mode's steps
    /// of a day or a quarter, with exponential rates).
    pub(crate) fn with_time(
        table: &MrioTable,
        params: &ArioParams,
        time: TimeBase,
    ) -> Result<Self> {
        let layout = Layout::from_table(table);
        let n = layout.n_industries();
        let ns = layout.n_sectors();
        let nr = layout.n_regions();
        let nf = layout.fd_categories.len();
        let nfd = nr * nf;
        let p = params;
        let bad = |key: &str, value: String, expected: &str, fix: &str| SimError::InvalidValue {
            at: Default::default(),
            context: "[model]".into(),
            key: key.into(),
            value,
            expected: expected.into(),
            fix: fix.into(),
        };
        if p.psi_param > 1.0 || p.psi_param.is_nan() || p.psi_param < 0.0 {
            return Err(bad(
                "psi_param",
                p.psi_param.to_string(),
                "a number in [0, 1]",
                "set psi_param to e.g. 0.8",
            ));
        }
        // Every time constant must be a positive integer; the fix names
        // BoARIO's default.
        for (key, value, default) in [
            ("temporal_units_by_step", p.temporal_units_by_step, "1"),
            (
                "iotable_year_to_temporal_unit_factor",
                p.iotable_year_to_temporal_unit_factor,
                "365",
            ),
            ("alpha_tau", p.alpha_tau, "365"),
            ("rebuild_tau", p.rebuild_tau, "60"),
        ] {
            if value == 0 {
                return Err(bad(
                    key,
                    "0".into(),
                    "a positive integer",
                    &format!("use {default}"),
                ));
            }
        }
        if p.monetary_factor.is_nan() || p.monetary_factor <= 0.0 {
            return Err(bad(
                "monetary_factor",
                p.monetary_factor.to_string(),
                "a positive number",
                "use 1000000 for a table in millions",
            ));
        }
        if p.alpha_max.is_nan() || p.alpha_max < p.alpha_base {
            return Err(bad(
                "alpha_max",
                p.alpha_max.to_string(),
                "at least alpha_base",
                "set alpha_max >= alpha_base",
            ));
        }
        let check_sectors = |key: &str, keys: Vec<&String>| -> Result<()> {
            for k in &keys {
                if layout.sector_index(k).is_none() {
                    return Err(SimError::UnknownLabel {
                        at: Default::default(),
                        context: format!("[model] {key}"),
                        kind: "sector",
                        label: (*k).clone(),
                        valid: layout.sectors.clone(),
                    });
                }
            }
            let missing: Vec<String> = layout
                .sectors
                .iter()
                .filter(|s| !keys.contains(s))
                .cloned()
                .collect();
            if !missing.is_empty() {
                return Err(bad(
                    key,
                    format!("{} sectors given", keys.len()),
                    "one entry for every sector, as BoARIO requires",
                    &format!("add {}", missing.join(", ")),
                ));
            }
            Ok(())
        };
        for s in &p.infinite_inventories_sect {
            if layout.sector_index(s).is_none() {
                return Err(SimError::UnknownLabel {
                    at: Default::default(),
                    context: "[model] infinite_inventories_sect".into(),
                    kind: "sector",
                    label: s.clone(),
                    valid: layout.sectors.clone(),
                });
            }
        }

        // Gather the table in model order.
        let (zt, yt, xt) = (table.z(), table.y(), table.x());
        let ti = &layout.table_industry;
        let tf = &layout.table_fd;
        let x: Vec<f64> = (0..n).map(|i| xt[ti[i]]).collect();
        let steply = time.dt / p.iotable_year_to_temporal_unit_factor as f64;
        let x0: Vec<f64> = x.iter().map(|v| v * steply).collect();
        let mut y0 = vec![0.0; n * nfd];
        for i in 0..n {
            for c in 0..nfd {
                y0[i * nfd + c] = yt[(ti[i], tf[c])] * steply;
            }
        }
        let y_rowsum: Vec<f64> = (0..n)
            .map(|i| y0[i * nfd..(i + 1) * nfd].iter().sum())
            .collect();

        // A = Z · (1/x) as pymrio's calc_A, then A^S = I_Σ A.
        let recix: Vec<f64> = x
            .iter()
            .map(|&v| {
                let r = 1.0 / v;
                if r == f64::INFINITY {
                    0.0
                } else {
                    r
                }
            })
            .collect();
        // One pass over the table's Z, column by column in model order:
        // Z⁰ = Z·f, the sums by input (A^S, I_Σ Z, I_Σ Z⁰) over r in order,
        // and the column sums for value added (from -0.0, as
        // `Iterator::sum`), without a gathered copy of Z. A negative flow
        // is reported at the first (column, row) in model order.
        let mut z0 = ColMajor::zeros(n, n);
        let mut tech = vec![0.0; ns * n];
        let mut zc_annual = vec![0.0; ns * n];
        let mut zc0 = vec![0.0; ns * n];
        let mut colsum = vec![-0.0; n];
        // Columns in fixed chunks on the thread pool (each column's sums
        // run over i in order, so the bits do not depend on the threads);
        // per chunk the first negative flow, the chunks in order.
        let cw = BUILD_COLS_PER_TASK;
        let nsw = cw * ns.max(1);
        let negative: Vec<Option<(usize, usize, f64)>> = z0
            .as_mut_slice()
            .par_chunks_mut(cw * n.max(1))
            .zip(tech.par_chunks_mut(nsw))
            .zip(zc_annual.par_chunks_mut(nsw))
            .zip(zc0.par_chunks_mut(nsw))
            .zip(colsum.par_chunks_mut(cw))
            .enumerate()
            .map(|(c, ((((zb, tb), ab), cb), sb))| {
                for (dj, sj) in sb.iter_mut().enumerate() {
                    let j = c * cw + dj;
                    let zcol = zt.col_as_slice(ti[j]);
                    let col = &mut zb[dj * n..(dj + 1) * n];
                    let r = dj * ns..(dj + 1) * ns;
                    let (tj, aj, cj) = (&mut tb[r.clone()], &mut ab[r.clone()], &mut cb[r]);
                    for i in 0..n {
                        let v = zcol[ti[i]];
                        if v < 0.0 {
                            return Some((i, j, v));
                        }
                        let v0 = v * steply;
                        col[i] = v0;
                        let s = i % ns;
                        tj[s] += v * recix[j];
                        aj[s] += v;
                        cj[s] += v0;
                        *sj += v;
                    }
                }
                None
            })
            .collect();
        if let Some((i, j, v)) = negative.into_iter().flatten().next() {
            return Err(SimError::Table {
                message: format!(
                    "Z holds a negative flow from {} to {} ({:e}); the ARIO model (like BoARIO) needs Z >= 0",
                    layout.industry_name(i),
                    layout.industry_name(j),
                    v
                ),
                fix: "move negative intermediate flows to final demand or set them to 0 before simulating".into(),
            });
        }
        let thresh: Vec<bool> = (0..ns * n)
            .map(|k| zc_annual[k] > x0[k / ns] * TECHNOLOGY_THRESHOLD)
            .collect();

        // Value added as BoARIO: x − 1'Z, negatives set to 0.
        let va: Vec<f64> = (0..n)
            .map(|j| {
                let v = x[j] - colsum[j];
                if v < 0.0 {
                    0.0
                } else {
                    v
                }
            })
            .collect();
        let capital: Vec<f64> = if let Some(kv) = &p.productive_capital_vector {
            let mut k = vec![0.0; n];
            for (reg, secs) in kv {
                let r = layout
                    .region_index(reg)
                    .ok_or_else(|| SimError::UnknownLabel {
                        at: Default::default(),
                        context: "[model] productive_capital_vector".into(),
                        kind: "region",
                        label: reg.clone(),
                        valid: layout.regions.clone(),
                    })?;
                for (sec, v) in secs {
                    let s = layout
                        .sector_index(sec)
                        .ok_or_else(|| SimError::UnknownLabel {
                            at: Default::default(),
                            context: "[model] productive_capital_vector".into(),
                            kind: "sector",
                            label: sec.clone(),
                            valid: layout.sectors.clone(),
                        })?;
                    if !(v.is_finite() && *v >= 0.0) {
                        return Err(bad(
                            "productive_capital_vector",
                            v.to_string(),
                            "a non-negative number",
                            "give every industry's capital stock in table units",
                        ));
                    }
                    k[r * ns + s] = *v;
                }
            }
            k
        } else if let Some(d) = &p.productive_capital_to_va_dict {
            check_sectors("productive_capital_to_VA_dict", d.keys().collect())?;
            (0..n).map(|i| va[i] * d[&layout.sectors[i % ns]]).collect()
        } else {
            va.iter().map(|v| v * 4.0).collect()
        };

        let tubs = time.dt;
        let inventories: Vec<f64> = match &p.inventory_dict {
            None => layout
                .sectors
                .iter()
                .map(|s| {
                    if p.infinite_inventories_sect.contains(s) {
                        f64::INFINITY
                    } else {
                        p.main_inv_dur
                    }
                })
                .collect(),
            Some(d) => {
                check_sectors("inventory_dict", d.keys().collect())?;
                layout
                    .sectors
                    .iter()
                    .map(|s| {
                        if p.infinite_inventories_sect.contains(s) {
                            f64::INFINITY
                        } else {
                            d[s].days()
                        }
                    })
                    .collect()
            }
        };
        for (s, v) in inventories.iter().enumerate() {
            if v.is_nan() || *v < 0.0 {
                return Err(bad(
                    "inventory_dict",
                    format!("{} = {v}", layout.sectors[s]),
                    "a non-negative number of temporal units or \"inf\"",
                    "use e.g. 90",
                ));
            }
        }
        let inv_duration: Vec<f64> = inventories
            .iter()
            .map(|v| {
                let d = v / tubs;
                if d <= 1.0 && time.boario_clamp {
                    2.0
                } else {
                    d
                }
            })
            .collect();
        let inv_duration_finite: Vec<f64> = inv_duration
            .iter()
            .map(|&d| if d.is_infinite() { 0.0 } else { d })
            .collect();
        let restoration_tau: Vec<f64> = match &p.inventory_restoration_tau {
            RestorationTau::Uniform(t) => {
                if *t == 0 {
                    return Err(bad(
                        "inventory_restoration_tau",
                        "0".into(),
                        "a positive integer",
                        "use 60",
                    ));
                }
                vec![time.rate(*t as f64); ns]
            }
            RestorationTau::PerSector(d) => {
                check_sectors("inventory_restoration_tau", d.keys().collect())?;
                let mut v = Vec::with_capacity(ns);
                for s in &layout.sectors {
                    if d[s] == 0 {
                        return Err(bad(
                            "inventory_restoration_tau",
                            format!("{s} = 0"),
                            "a positive integer",
                            "use 60",
                        ));
                    }
                    v.push(time.rate(d[s] as f64));
                }
                v
            }
        };

        let mut stock = vec![0.0; ns * n];
        for j in 0..n {
            for s in 0..ns {
                let v = (x0[j] * tech[j * ns + s]) * inv_duration[s];
                stock[j * ns + s] = if v.is_nan() || v.is_infinite() {
                    f64::INFINITY
                } else {
                    v
                };
            }
        }
        // Row sums of Z⁰, j ascending for every row as a row-wise
        // `Iterator::sum` adds them (from -0.0, its neutral element), but
        // column by column (Z⁰ is column-major).
        let mut ord_rowsum = vec![-0.0; n];
        for j in 0..n {
            for (o, z) in ord_rowsum.iter_mut().zip(z0.col_as_slice(j)) {
                *o += z;
            }
        }

        let zc0_copy = zc0.clone();
        Ok(Self {
            n,
            ns,
            nr,
            nfd,
            dt: time.dt,
            z0: Arc::new(z0),
            y0_grouped: crate::serve::GroupedY::new(&y0, nr, ns, nfd),
            y0,
            y_rowsum,
            x0: x0.clone(),
            tech,
            thresh,
            zc0,
            va,
            capital,
            inv_duration,
            inv_duration_finite,
            restoration_tau,
            overprod_tau: time.rate(p.alpha_tau as f64),
            psi: p.psi_param,
            t: 0.0,
            overprod: vec![p.alpha_base; n],
            stock,
            production: x0,
            ord_ratio: vec![1.0; n],
            ord_h: vec![1.0; ns * n],
            ord_rowsum,
            delta_tot: vec![0.0; n],
            arb_prev: None,
            blocks: Vec::new(),
            n_rebuilding_events: 0,
            trackers: Vec::new(),
            had_shortage: false,
            in_shortage: false,
            step_index: 0,
            s_add: vec![0.0; ns * n],
            // Σ_r Z⁰ ρ of the initial orders (ρ = 1).
            s_zc: zc0_copy,
            pend: None,
            a_coef: vec![0.0; n],
            a_ratio: vec![1.0; n],
            sweep_scratch: Default::default(),
            last_balance: StepBalance::default(),
            ext: None,
            expected: None,
            layout,
            params: p.clone(),
        })
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }
    pub fn params(&self) -> &ArioParams {
        &self.params
    }
    /// Value added per industry as BoARIO computes it (x − 1'Z, ≥ 0), annual.
    pub fn value_added(&self) -> &[f64] {
        &self.va
    }
    pub fn productive_capital(&self) -> &[f64] {
        &self.capital
    }
    /// Baseline output per step x⁰.
    pub fn x0(&self) -> &[f64] {
        &self.x0
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
                event: idx_name,
                name: ev.name.clone(),
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
        self.z0[(i, j)]
    }

    /// BoARIO's `event_compatibility`: every event must happen and end within
    /// `n_temporal_units` (occurrence in ]0, n], occurrence + duration ≤ n).
    pub fn check_events(&self, n_temporal_units: f64) -> Result<()> {
        for (k, tr) in self.trackers.iter().enumerate() {
            let e = &tr.ev;
            if !(e.occurrence > 0 && e.occurrence as f64 <= n_temporal_units) {
                return Err(SimError::EventTiming {
                    event: k,
                    name: e.name.clone(),
                    message: format!(
                        "occurrence {} is not within the simulated temporal units ]0, {n_temporal_units}]",
                        e.occurrence
                    ),
                    fix: "lower occurrence or simulate more steps".into(),
                });
            }
            if (e.occurrence + e.duration) as f64 > n_temporal_units {
                return Err(SimError::EventTiming {
                    event: k,
                    name: e.name.clone(),
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

    fn status_update(&mut self) -> Result<()> {
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
        if let Some(i) = (0..self.n).find(|&i| lost[i] > self.capital[i]) {
            return Err(SimError::CapitalExceeded {
                step: self.step_index,
                industry: self.layout.industry_name(i),
                lost: lost[i],
                capital: self.capital[i],
            });
        }
        for i in 0..self.n {
            let dk = if self.capital[i] != 0.0 {
                lost[i] / self.capital[i]
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
            let rate = |tau: u32| match &self.ext {
                Some(e) => e.rate(tau as f64),
                None => self.dt / tau as f64,
            };
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

    fn rebuild_rowsum(&self) -> Vec<f64> {
        let mut r = vec![0.0; self.n];
        for b in &self.blocks {
            b.row_sums_into(&mut r);
        }
        r
    }

    /// How production is shared out when short (proportional in ARIO
    /// mode; the extended mode's spec decides).
    pub fn rationing(&self) -> Rationing {
        self.ext
            .as_ref()
            .map_or(Rationing::Proportional, |e| e.rationing())
    }

    fn total_demand(&self) -> Vec<f64> {
        let reb = self.rebuild_rowsum();
        (0..self.n)
            .map(|i| self.ord_rowsum[i] + self.y_rowsum[i] + reb[i])
            .collect()
    }

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
        self.phase_begin(record_stocks)?;
        // The sweep predicts BoARIO's orders; the extended mode and
        // expected-output targets change them between the passes.
        if self.ext.is_none() && self.expected.is_none() {
            return self.step_fused().map(|(rec, _)| rec);
        }
        let z0 = Arc::clone(&self.z0);
        let (nr, ns) = (self.nr, self.ns);
        if let Some(job) = self.pass_a_job() {
            pass_weighted_sums(&z0, nr, ns, &mut [job]);
        }
        self.phase_middle()?;
        pass_order_rowsums(&z0, self.nr, self.ns, &mut [self.pass_b_job()]);
        Ok(self.phase_end())
    }

    /// Steps 4–5 of ARIO mode with one sweep over Z⁰: the sweep forms pass
    /// A's sums and the row sums of the orders of every outcome of
    /// BoARIO's global tests; `phase_middle` then runs as in two passes
    /// (multiplying the sums by H_prev, updating inventories, forming H)
    /// and the outcome's row sums become the orders' row sums if its H is
    /// the H formed, bit for bit; otherwise the second pass is made (the
    /// flag returned says whether the sweep's sums were used).
    pub(crate) fn step_fused(&mut self) -> Result<(StepRecord, bool)> {
        let z0 = Arc::clone(&self.z0);
        let (need_add, need_zc) = self.pass_a_needs();
        let Some(pend) = self.pend.as_ref() else {
            return Err(SimError::Other(
                "step_fused called before phase_begin".into(),
            ));
        };
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
                tech: &self.tech,
                stock: &self.stock,
                prod: &pend.prod,
                popt: &popt,
                inv_duration: &self.inv_duration,
                restoration_tau: &self.restoration_tau,
                zc_fixed: match self.params.order_type {
                    OrderType::Alt => None,
                    OrderType::Noalt => Some(&self.zc0[..]),
                },
                parallel: self.n >= PARALLEL_MIN,
            };
            crate::sweep::sweep(&z0, &inp, &mut self.s_add, &mut self.s_zc, &mut scratch)
        };
        self.phase_middle()?;
        let used = out.rowsums(
            &scratch,
            out.outcome(),
            &self.ord_h,
            &self.ord_ratio,
            &mut self.ord_rowsum,
        );
        self.sweep_scratch = scratch;
        if !used {
            pass_order_rowsums(&z0, self.nr, self.ns, &mut [self.pass_b_job()]);
            return Ok((self.phase_end(), false));
        }
        Ok((self.phase_end(), true))
    }

    /// The total demand `phase_middle` will find after this step's
    /// rebuilding production is taken off the rebuilding demand (the same
    /// operations, on copies).
    fn total_demand_after_rebuilding(&self, tot: &[f64], prod: &[f64]) -> Vec<f64> {
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

    /// Steps 1–3 and the weights of the first pass.
    pub(crate) fn phase_begin(&mut self, record_stocks: bool) -> Result<()> {
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
        if let Some(mut ext) = self.ext.take() {
            let r = ext.prepare_step(self);
            self.ext = Some(ext);
            r?;
        }

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
                let chg = ((self.params.alpha_max - op) * sc * self.overprod_tau)
                    + ((self.params.alpha_base - op)
                        * (if sc == 0.0 { 1.0 } else { 0.0 })
                        * self.overprod_tau);
                let v = op + chg;
                self.overprod[i] = if v < 1.0 { 1.0 } else { v };
            }
        }
        let rebuild_demand = self.rebuild_rowsum();

        // 3. Production.
        let mut cap: Vec<f64> = (0..n)
            .map(|i| (self.x0[i] * (1.0 - self.delta_tot[i])) * self.overprod[i])
            .collect();
        if let Some(ext) = &self.ext {
            for (c, m) in cap.iter_mut().zip(&ext.capacity_scale) {
                *c *= m;
            }
        }
        if let Some(i) = cap.iter().position(|c| *c < 0.0) {
            return Err(SimError::Diverged {
                step: self.step_index,
                industry: self.layout.industry_name(i),
                message: "production capacity is negative; an impact is too large for this sector"
                    .into(),
            });
        }
        let popt: Vec<f64> = (0..n).map(|i| tot[i].min(cap[i])).collect();
        let (prod, shortage) = match &self.ext {
            None => self.constrained_production(&popt),
            Some(ext) => ext.constrained_production(self, &popt),
        };
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
                    if self.x0[i] != 0.0 {
                        cap[i] / self.x0[i]
                    } else {
                        1.0
                    }
                })
                .collect(),
            OrderType::Noalt => vec![1.0; n],
        };
        self.a_coef = coef;
        self.a_ratio = ratio_t;
        self.pend = Some(Pending {
            tot,
            cap,
            prod,
            rebuild_demand,
            stocks,
            fd_unmet: Vec::new(),
            fin,
            int,
        });
        Ok(())
    }

    /// BoARIO's production rule: x = min_s x^Opt N/C over the inputs that
    /// matter, when some inventory is below its constraint.
    fn constrained_production(&self, popt: &[f64]) -> (Vec<f64>, bool) {
        let (n, ns) = (self.n, self.ns);
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
                    let c = ((popt[j] * self.tech[k]) * self.psi) * self.inv_duration_finite[s];
                    if self.thresh[k] && self.stock[k] < c {
                        shortage = true;
                    }
                    if self.thresh[k] && c != 0.0 {
                        let r = self.stock[k] / c;
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

    /// The first pass of this step, or None when nothing needs it. Both of
    /// its sums are skipped when their weights equal, bit for bit, those of
    /// the sums already at hand, which then are the same bits: the inflow
    /// Σ_r Z⁰ c equals Σ_r Z⁰ ρ_prev when no supplier is rationed (x = d, so
    /// c = ρ_prev), and Σ_r Z⁰ ρ_t is unchanged when no capacity ratio moved.
    pub(crate) fn pass_a_job(&mut self) -> Option<PassAJob<'_>> {
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
    fn pass_a_needs(&mut self) -> (bool, bool) {
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

    pub(crate) fn pass_b_job(&mut self) -> PassBJob<'_> {
        PassBJob {
            h: &self.ord_h,
            rho: &self.ord_ratio,
            out: &mut self.ord_rowsum,
        }
    }

    /// Step 4 after the first pass, and step 5 up to the second pass.
    pub(crate) fn phase_middle(&mut self) -> Result<()> {
        let (n, ns) = (self.n, self.ns);
        let Some(mut pend) = self.pend.take() else {
            return Err(SimError::Other(
                "phase_middle called before phase_begin".into(),
            ));
        };
        let (tot, cap, prod) = (&pend.tot, &pend.cap, &pend.prod);
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
        if let Some(ext) = &self.ext {
            let (ti, pi) = pend.int.as_ref().map_or((tot, prod), |(t, p)| (t, p));
            ext.add_adjusted_deliveries(&mut self.s_add, ti, pi, ns);
        }
        let ext_mode = self.ext.is_some();
        // BoARIO's `close` (a global AND, per chunk then combined) and
        // the intermediate deliveries' total (per chunk, chunks in order).
        let (close, delivered_intermediate) = {
            let (s_add, tech) = (&self.s_add, &self.tech);
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
        if !close || ext_mode {
            let (s_add, tech) = (&self.s_add, &self.tech);
            // Per chunk: (used, delivered, clamped, first bad inventory).
            let parts = map_chunks_mut(par, &mut self.stock, chunk, |c, stock| {
                let k0 = c * chunk;
                let (mut used, mut deliv, mut clamp) = (0.0, 0.0, 0.0);
                for (o, st) in stock.iter_mut().enumerate() {
                    let k = k0 + o;
                    let usev = prod[k / ns] * tech[k];
                    let v = (*st - usev) + s_add[k];
                    if v.is_nan() || (v < 0.0 && !ext_mode) {
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
        let nfd = self.nfd;
        let nf = self.layout.fd_categories.len();
        let (mut fd_unmet, fd_delivered) = {
            let (tf, pf) = pend.fin.as_ref().map_or((tot, prod), |(t, p)| (t, p));
            match &self.ext {
                Some(e) => crate::sweep::serve_final_demand(&e.y_eff, tf, pf, n, ns, nfd, nf),
                None => self.y0_grouped.serve(tf, pf, nf),
            }
        };
        self.last_balance.delivered_final = fd_delivered;
        if let Some(e) = &self.ext {
            for (u, b) in fd_unmet.iter_mut().zip(&e.fd_blocked) {
                *u += b;
            }
        }
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

        // 5. Orders for the next step.
        let tot2 = self.total_demand();
        // x^Opt per buyer first (expectations update in industry order),
        // then BoARIO's `all_close` (a global AND, per chunk of columns),
        // then H = G / Σ_r Z⁰ρ with the gap G, chunk by chunk.
        let po: Vec<f64> = match &mut self.expected {
            Some(x) => (0..n).map(|j| x.update(j, tot2[j].min(cap[j]))).collect(),
            None => (0..n).map(|j| tot2[j].min(cap[j])).collect(),
        };
        let (tech, stock, inv_duration) = (&self.tech, &self.stock, &self.inv_duration);
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
            OrderType::Noalt => &self.zc0,
        };
        let restoration_tau = &self.restoration_tau;
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
        pend.fd_unmet = fd_unmet;
        self.pend = Some(pend);
        Ok(())
    }

    /// After the second pass: trade restrictions on the new orders, and the
    /// step's record.
    pub(crate) fn phase_end(&mut self) -> StepRecord {
        let pend = self.pend.take().unwrap_or_else(Pending::empty);
        if let Some(mut ext) = self.ext.take() {
            ext.adjust_orders(self, &pend.tot, &pend.cap);
            self.ext = Some(ext);
        }
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
    fn rebuild_events(&mut self, reb_prod: &[Vec<f64>]) {
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

    fn recover_events(&mut self) {
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

/// Columns per task of the per-step loops over S × n arrays (inventories,
/// deliveries, gaps, H): fixed, so that chunked sums and tests combine in
/// the same order whatever the number of threads.
const LOOP_COLS_PER_TASK: usize = 256;

/// Columns per task of the model build's pass over Z.
const BUILD_COLS_PER_TASK: usize = 64;

/// `f(c, chunk)` over the fixed chunks of `v` (chunk c starts at c·len),
/// on the thread pool when `par`; the results in chunk order.
fn map_chunks_mut<T: Send, R: Send>(
    par: bool,
    v: &mut [T],
    len: usize,
    f: impl Fn(usize, &mut [T]) -> R + Sync + Send,
) -> Vec<R> {
    let len = len.max(1);
    if par {
        v.par_chunks_mut(len)
            .enumerate()
            .map(|(c, x)| f(c, x))
            .collect()
    } else {
        v.chunks_mut(len)
            .enumerate()
            .map(|(c, x)| f(c, x))
            .collect()
    }
}

/// `f(k0, k1)` over the fixed ranges [k0, k1) of 0..total (of `len`
/// each, the last one shorter), on the thread pool when `par`; the results
/// in range order.
fn map_chunks<R: Send>(
    par: bool,
    total: usize,
    len: usize,
    f: impl Fn(usize, usize) -> R + Sync + Send,
) -> Vec<R> {
    let len = len.max(1);
    let ranges = total.div_ceil(len);
    let g = |c: usize| f(c * len, ((c + 1) * len).min(total));
    if par {
        (0..ranges).into_par_iter().map(g).collect()
    } else {
        (0..ranges).map(g).collect()
    }
}

/// The first pass of one model: weights and outputs.
pub(crate) struct PassAJob<'a> {
    pub coef: Option<&'a [f64]>,
    pub rho: Option<&'a [f64]>,
    pub add: &'a mut [f64],
    pub zc: &'a mut [f64],
}

/// The second pass of one model.
pub(crate) struct PassBJob<'a> {
    pub h: &'a [f64],
    pub rho: &'a [f64],
    pub out: &'a mut [f64],
}

/// One model's slices of a first-pass task: weights c, ρ, outputs.
type TaskA<'a> = (
    Option<&'a [f64]>,
    Option<&'a [f64]>,
    &'a mut [f64],
    &'a mut [f64],
);

/// Columns per parallel task of the first pass.
const COLS_PER_TASK: usize = 32;

/// First pass over Z⁰ for K models at once (one read of Z⁰): for every
/// column j, sector s and model k,
/// `add_k[s,j] = Σ_r Z⁰[(r,s),j] c_k(r,s)` and `zc_k[s,j] = Σ_r Z⁰[(r,s),j] ρ_k(r,s)`.
/// Each model's sums run over r in the same order whatever K and the
/// number of threads, so batched runs equal single runs bit for bit.
pub(crate) fn pass_weighted_sums(z0: &ColMajor, nr: usize, ns: usize, jobs: &mut [PassAJob]) {
    let n = nr * ns;
    let chunk = COLS_PER_TASK * ns;
    // tasks[c] = the output slices of column chunk c, one per model.
    let n_chunks = n.div_ceil(COLS_PER_TASK);
    let mut tasks: Vec<Vec<TaskA>> = (0..n_chunks)
        .map(|_| Vec::with_capacity(jobs.len()))
        .collect();
    for job in jobs.iter_mut() {
        for (c, (a, z)) in job
            .add
            .chunks_mut(chunk)
            .zip(job.zc.chunks_mut(chunk))
            .enumerate()
        {
            tasks[c].push((job.coef, job.rho, a, z));
        }
    }
    let work = |c: usize, outs: &mut Vec<TaskA>| {
        let j0 = c * COLS_PER_TASK;
        let j1 = (j0 + COLS_PER_TASK).min(n);
        for j in j0..j1 {
            let col = z0.col_as_slice(j);
            let off = (j - j0) * ns;
            for (coef, rho, add, zc) in outs.iter_mut() {
                let (a, z) = (&mut add[off..off + ns], &mut zc[off..off + ns]);
                match (coef, rho) {
                    (Some(c), Some(r)) => weighted_region_sums2(col, c, r, nr, ns, a, z),
                    (Some(c), None) => weighted_region_sums(col, c, nr, ns, a),
                    (None, Some(r)) => weighted_region_sums(col, r, nr, ns, z),
                    (None, None) => {}
                }
            }
        }
    };
    if n >= PARALLEL_MIN {
        tasks
            .par_iter_mut()
            .enumerate()
            .for_each(|(c, outs)| work(c, outs));
    } else {
        for (c, outs) in tasks.iter_mut().enumerate() {
            work(c, outs);
        }
    }
}

/// `out[s] = Σ_r col[(r,s)] w[(r,s)]`, r ascending from 0.0 (four regions
/// per sweep with the partial sum in a register; same order of additions).
fn weighted_region_sums(col: &[f64], w: &[f64], nr: usize, ns: usize, out: &mut [f64]) {
    let out = &mut out[..ns];
    out.fill(0.0);
    let mut r = 0;
    while r + 4 <= nr {
        let b = r * ns;
        let (z0, z1, z2, z3) = (
            &col[b..b + ns],
            &col[b + ns..b + 2 * ns],
            &col[b + 2 * ns..b + 3 * ns],
            &col[b + 3 * ns..b + 4 * ns],
        );
        let (w0, w1, w2, w3) = (
            &w[b..b + ns],
            &w[b + ns..b + 2 * ns],
            &w[b + 2 * ns..b + 3 * ns],
            &w[b + 3 * ns..b + 4 * ns],
        );
        for s in 0..ns {
            let mut o = out[s];
            o += z0[s] * w0[s];
            o += z1[s] * w1[s];
            o += z2[s] * w2[s];
            o += z3[s] * w3[s];
            out[s] = o;
        }
        r += 4;
    }
    while r < nr {
        let b = r * ns;
        for ((o, z), c) in out.iter_mut().zip(&col[b..b + ns]).zip(&w[b..b + ns]) {
            *o += z * c;
        }
        r += 1;
    }
}

/// [`weighted_region_sums`] for two weight vectors in one sweep of `col`.
fn weighted_region_sums2(
    col: &[f64],
    w: &[f64],
    v: &[f64],
    nr: usize,
    ns: usize,
    out_w: &mut [f64],
    out_v: &mut [f64],
) {
    let (ow, ov) = (&mut out_w[..ns], &mut out_v[..ns]);
    ow.fill(0.0);
    ov.fill(0.0);
    let mut r = 0;
    while r + 2 <= nr {
        let b = r * ns;
        let (z0, z1) = (&col[b..b + ns], &col[b + ns..b + 2 * ns]);
        let (w0, w1) = (&w[b..b + ns], &w[b + ns..b + 2 * ns]);
        let (v0, v1) = (&v[b..b + ns], &v[b + ns..b + 2 * ns]);
        for s in 0..ns {
            let mut a = ow[s];
            let mut c = ov[s];
            a += z0[s] * w0[s];
            c += z0[s] * v0[s];
            a += z1[s] * w1[s];
            c += z1[s] * v1[s];
            ow[s] = a;
            ov[s] = c;
        }
        r += 2;
    }
    while r < nr {
        let b = r * ns;
        let (z0, w0, v0) = (&col[b..b + ns], &w[b..b + ns], &v[b..b + ns]);
        for s in 0..ns {
            ow[s] += z0[s] * w0[s];
            ov[s] += z0[s] * v0[s];
        }
        r += 1;
    }
}

/// Columns per block of the second pass (fixed, so that the order of
/// additions does not depend on the number of threads).
pub(crate) const COLS_PER_BLOCK: usize = 128;

/// Second pass over Z⁰ for K models at once: row sums of the orders,
/// `O_k·1 [i] = ρ_k,i Σ_j Z⁰[i,j] H_k[s(i), j]`. Z⁰ is streamed column by
/// column in fixed blocks of columns; each block's partial row sums run over
/// j in order and the partials are added in block order, so the result is
/// the same for any number of threads and for any K.
pub(crate) fn pass_order_rowsums(z0: &ColMajor, nr: usize, ns: usize, jobs: &mut [PassBJob]) {
    let n = nr * ns;
    let k = jobs.len();
    let n_blocks = n.div_ceil(COLS_PER_BLOCK).max(1);
    let hs: Vec<&[f64]> = jobs.iter().map(|j| j.h).collect();
    let block = |b: usize| -> Vec<Vec<f64>> {
        let mut outs = vec![vec![0.0; n]; k];
        let j0 = b * COLS_PER_BLOCK;
        let j1 = (j0 + COLS_PER_BLOCK).min(n);
        // The sweep's kernels: four columns at a time, then one, in
        // column order (the same additions as the fused sweep's).
        let mut j = j0;
        while j + 4 <= j1 {
            for (h, out) in hs.iter().zip(outs.iter_mut()) {
                crate::sweep::rows_group4(z0, j, ns, &h[j * ns..(j + 4) * ns], out);
            }
            j += 4;
        }
        while j < j1 {
            let col = z0.col_as_slice(j);
            for (h, out) in hs.iter().zip(outs.iter_mut()) {
                crate::sweep::rows_single(col, ns, &h[j * ns..(j + 1) * ns], out);
            }
            j += 1;
        }
        outs
    };
    let partials: Vec<Vec<Vec<f64>>> = if n >= PARALLEL_MIN {
        (0..n_blocks).into_par_iter().map(block).collect()
    } else {
        (0..n_blocks).map(block).collect()
    };
    for (kk, job) in jobs.iter_mut().enumerate() {
        job.out.fill(0.0);
        for p in &partials {
            for (o, v) in job.out.iter_mut().zip(&p[kk]) {
                *o += v;
            }
        }
        for (o, r) in job.out.iter_mut().zip(job.rho) {
            *o *= r;
        }
    }
}
