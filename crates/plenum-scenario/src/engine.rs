//! How a scenario run uses the dynamic engine: plenum-sim's extended mode
//! (ARIO state — inventories N, orders O, overproduction α — with trade
//! restrictions, critical inputs and hooks), stepped by quarters
//! (`step = "quarter"`, 91.25 days; flows per step are annual / 4).
//!
//! The engine orders regions and sectors alphabetically (BoARIO's
//! `lexico_reindex`); [`EngineMap`] translates between that order and the
//! table's (region-major, as in `plenum-table`), which the blocks and the
//! results use.
//!
//! The accounts of a quarter ([`accounts`]) follow from what the engine
//! reports: output x, capacity, inventories N at the start and end of the
//! step, and final demand unmet by destination region and product. Per
//! region r, with u_j = (1 − v_j) x_j the inputs industry j used and
//! ΔN_j the change of its inventories:
//!
//! - GDP_r = Σ_{j∈r} v_j x_j;
//! - inputs bought P_r = Σ_{j∈r} (u_j + ΔN_j), inventory drawdown
//!   D_r = −Σ_{j∈r} ΔN_j;
//! - final demand delivered FD_(r,s) = asked − unmet (exact per product;
//!   split over categories in proportion to what each asked);
//! - net exports X_r − M_r = Σ_{i∈r} x_i − P_r − Σ_s FD_(r,s) (everything
//!   produced is delivered, so this is exact); hence
//!   GDP_r = Σ_f FD_(r,f) + X_r − M_r − D_r holds every quarter.
//!
//! The engine does not report deliveries by origin region, so gross
//! imports M_r are estimated: region r's use of product s (inputs bought
//! plus final demand delivered) is split over origins g in proportion to
//! the baseline flows F_gr weighted as the engine weights orders — by the
//! capacity ratio ρ_g = x̄_g/x⁰_g ("alt" order rule) — less the restricted
//! share φ of restricted origins, σφ of which moves to unrestricted
//! origins in proportion to their spare capacity x̄ − x. Exports are
//! X_r = M_r + (X_r − M_r).

use plenum_sim::{ArioModel, Layout};
use plenum_table::MrioTable;

use crate::economy::Economy;
use crate::error::{Result, ScenarioError};

/// The engine's settings for scenario runs (everything else: BoARIO's
/// defaults, see docs/engine.md).
pub const ENGINE_SETTINGS: &str = "[simulation]\nstep = \"quarter\"\nrates = \"exponential\"\n";

/// Step length in days.
pub const DT: f64 = 365.0 / 4.0;

pub(crate) fn sim_error(e: plenum_sim::SimError) -> ScenarioError {
    ScenarioError::Table {
        message: format!("the dynamic engine (plenum-sim) refused the run: {e}"),
        fix: "check the table (Z must be non-negative) and the scenario's shocks".into(),
    }
}

/// The engine of `table` at its initial equilibrium, quarterly steps.
pub fn base_model(table: &MrioTable) -> Result<ArioModel> {
    base_model_with(table, ENGINE_SETTINGS)
}

/// The engine of `table` under other settings (a shocks file's
/// `[simulation]` and `[model]` tables; sensitivity runs).
pub fn base_model_with(table: &MrioTable, settings: &str) -> Result<ArioModel> {
    let f = plenum_sim::parse_shocks_file(settings, "plenum-scenario engine settings")
        .map_err(sim_error)?;
    plenum_sim::build_extended(table, &f).map_err(sim_error)
}

/// Table order → engine order.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineMap {
    /// Engine index of table industry i.
    pub industry: Vec<usize>,
    /// Engine index of table region r, sector s, final-demand category f.
    pub region: Vec<usize>,
    pub sector: Vec<usize>,
    pub category: Vec<usize>,
    pub nr: usize,
    pub ns: usize,
    pub nf: usize,
}

impl EngineMap {
    pub fn new(table: &MrioTable) -> Self {
        let lay = Layout::from_table(table);
        let l = table.labels();
        let pos = |v: &[String], name: &String| v.iter().position(|x| x == name).unwrap_or(0);
        let n = lay.table_industry.len();
        let mut industry = vec![0; n];
        for (k, &i) in lay.table_industry.iter().enumerate() {
            industry[i] = k;
        }
        Self {
            industry,
            region: l.regions().iter().map(|r| pos(&lay.regions, r)).collect(),
            sector: l.sectors().iter().map(|s| pos(&lay.sectors, s)).collect(),
            category: l
                .fd_categories()
                .iter()
                .map(|f| pos(&lay.fd_categories, f))
                .collect(),
            nr: l.n_regions(),
            ns: l.n_sectors(),
            nf: l.n_fd_categories(),
        }
    }
    /// Index of (table region r, category f, product s) in
    /// `Controls::final_demand_scale`.
    pub fn fd_control(&self, r: usize, f: usize, s: usize) -> usize {
        (self.region[r] * self.nf + self.category[f]) * self.ns + self.sector[s]
    }
    /// A per-industry engine vector in table order.
    pub fn to_table(&self, v: &[f64]) -> Vec<f64> {
        self.industry.iter().map(|&k| v[k]).collect()
    }
    /// Inventories (engine S × n, input-major) summed per table
    /// (industry j) and per (region of j, input s): index r·S + s.
    pub fn stocks(&self, v: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let (ns, nr) = (self.ns, self.nr);
        let n = nr * ns;
        let mut by_ind = vec![0.0; n];
        let mut by_use = vec![0.0; nr * ns];
        // Engine rows of the inputs, looked up once.
        let rows: Vec<&[f64]> = self
            .sector
            .iter()
            .map(|&e| &v[e * n..(e + 1) * n])
            .collect();
        for j in 0..n {
            let mj = self.industry[j];
            let use_j = &mut by_use[(j / ns) * ns..(j / ns + 1) * ns];
            let mut ind = by_ind[j];
            for (u, row) in use_j.iter_mut().zip(&rows) {
                let q = row[mj];
                ind += q;
                *u += q;
            }
            by_ind[j] = ind;
        }
        (by_ind, by_use)
    }
}

/// A restriction as the accounts see it at one quarter (table indices).
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveRestriction {
    pub product: usize,
    pub origin: usize,
    pub destination: usize,
    pub share: f64,
    pub substitutability: f64,
}

/// The accounts of every region in one quarter (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Accounts {
    pub gdp: Vec<f64>,
    /// Delivered final demand, region·nf + category.
    pub fd: Vec<f64>,
    pub exports: Vec<f64>,
    pub imports: Vec<f64>,
    /// Inventory drawdown per region.
    pub shortfall: Vec<f64>,
    /// Value added per industry.
    pub va: Vec<f64>,
    /// Share of each (region, product) use supplied at home, r·S + s.
    pub domestic: Vec<f64>,
}

/// What the engine reported for one quarter, in table order.
pub struct Quarterly<'a> {
    pub x: &'a [f64],
    pub cap: &'a [f64],
    /// Inventories at the start and end of the step, per industry and per
    /// (region, input).
    pub n_start: (&'a [f64], &'a [f64]),
    pub n_end: (&'a [f64], &'a [f64]),
    /// Final demand asked, column·S + product (before restrictions).
    pub fd_mult: &'a [f64],
    /// Final demand unmet, region·S + product.
    pub unmet: &'a [f64],
    pub restrictions: &'a [ActiveRestriction],
    /// Final demand added on one origin (table industry, final-demand
    /// column, amount): front-loaded imports (+) and draws from the
    /// stock (−), rerouting mark-ups (the engine's, `run/trade.rs`), trade
    /// diversion and the exchange rate's switch, delivered with the rest;
    /// in parts, read in order (the run keeps them apart), the exchange
    /// rate's last (`fx`, with the quarter's `fd_mult` and China's index).
    pub fd_add: &'a [&'a [(usize, usize, f64)]],
    pub fx: Option<(&'a crate::run::fx::FxMoves, usize)>,
}

/// Products per block of [`inputs_bought`].
const BLOCK: usize = 8;

/// Σ_b Σ_g a_(g,s),(r,b) x_(r,b) for the W products s0..s0 + W, in that
/// order (b outer, g inner), each sum in a register.
fn inputs_bought<const W: usize>(econ: &Economy, x: &[f64], r: usize, s0: usize) -> [f64; W] {
    let (n, ns) = (econ.n, econ.ns);
    let mut u = [0.0; W];
    for b in 0..ns {
        let j = r * ns + b;
        let xj = x[j];
        let col = &econ.a_cols[j * n..(j + 1) * n];
        for seg in col.chunks_exact(ns) {
            let a: &[f64; W] = match seg[s0..s0 + W].try_into() {
                Ok(a) => a,
                Err(_) => continue,
            };
            for t in 0..W {
                u[t] += a[t] * xj;
            }
        }
    }
    u
}

pub fn accounts(econ: &Economy, q: &Quarterly<'_>) -> Accounts {
    let (n, ns, nr, nf) = (econ.n, econ.ns, econ.nr, econ.nf);
    let va: Vec<f64> = (0..n).map(|j| econ.v[j] * q.x[j]).collect();
    let mut acc = Accounts {
        gdp: vec![0.0; nr],
        fd: vec![0.0; nr * nf],
        exports: vec![0.0; nr],
        imports: vec![0.0; nr],
        shortfall: vec![0.0; nr],
        va,
        domestic: vec![0.0; nr * ns],
    };
    // Use of (region, product): inputs bought + final demand delivered.
    let mut use_rs = vec![0.0; nr * ns];
    let mut net = vec![0.0; nr];
    for j in 0..n {
        let r = j / ns;
        acc.gdp[r] += acc.va[j];
        let dn = q.n_end.0[j] - q.n_start.0[j];
        acc.shortfall[r] -= dn;
        net[r] += q.x[j] - ((1.0 - econ.v[j]) * q.x[j] + dn);
    }
    // Inputs of product s bought by region r's industries: Σ_b Σ_g
    // a_(g,s),(r,b) x_(r,b), summed in that order (b outer, g inner) for
    // every s at once, reading A by columns (one running sum per s, so
    // each is the same sum in the same order as one s at a time).
    let mut used = vec![0.0; ns];
    for r in 0..nr {
        if ns % BLOCK == 0 {
            // Eight products at a time, their sums held in registers.
            for s0 in (0..ns).step_by(BLOCK) {
                let u = inputs_bought::<BLOCK>(econ, q.x, r, s0);
                used[s0..s0 + BLOCK].copy_from_slice(&u);
            }
        } else {
            used.iter_mut().for_each(|u| *u = 0.0);
            for b in 0..ns {
                let j = r * ns + b;
                let xj = q.x[j];
                let col = &econ.a_cols[j * n..(j + 1) * n];
                for seg in col.chunks_exact(ns) {
                    for (u, &a) in used.iter_mut().zip(seg) {
                        *u += a * xj;
                    }
                }
            }
        }
        for s in 0..ns {
            use_rs[r * ns + s] = used[s] + (q.n_end.1[r * ns + s] - q.n_start.1[r * ns + s]);
        }
    }
    let mut asked = vec![0.0; nf];
    for r in 0..nr {
        for s in 0..ns {
            for (f, a) in asked.iter_mut().enumerate() {
                let c = r * nf + f;
                *a = econ.fd_products[c * ns + s] * q.fd_mult[c * ns + s];
            }
            let total: f64 = asked.iter().sum();
            let delivered = total - q.unmet[r * ns + s];
            if total > 0.0 {
                for f in 0..nf {
                    acc.fd[r * nf + f] += delivered * asked[f] / total;
                }
            }
            net[r] -= delivered;
            use_rs[r * ns + s] += delivered;
        }
    }
    // Final demand placed on one origin: imports of the buyer's region
    // when the origin is another region, else domestic use.
    // (Regions of columns and industries looked up, not divided out: the
    // list has an entry per origin, column and product.)
    let col_region: Vec<usize> = (0..nr * nf).map(|c| c / nf).collect();
    let ind_region: Vec<usize> = (0..n).map(|i| i / ns).collect();
    let mut add = |i: usize, c: usize, v: f64| {
        let (r, g) = (col_region[c], ind_region[i]);
        acc.fd[c] += v;
        net[r] -= v;
        if g != r {
            acc.imports[r] += v;
        }
    };
    for part in q.fd_add {
        for &(i, c, v) in part.iter() {
            add(i, c, v);
        }
    }
    if let Some((moves, china)) = q.fx {
        moves.for_each(econ, china, q.fd_mult, add);
    }
    // Origin split of each use (see the module docs); scratch reused for
    // every (region, product).
    let mut w = vec![0.0; nr];
    let mut restricted = vec![false; nr];
    let mut spare = vec![0.0; nr];
    for r in 0..nr {
        for s in 0..ns {
            for g in 0..nr {
                let i = g * ns + s;
                let f = econ.origin_flows[(r * ns + s) * nr + g];
                w[g] = if econ.x0[i] > 0.0 {
                    f * q.cap[i] / econ.x0[i]
                } else {
                    0.0
                };
            }
            restricted.iter_mut().for_each(|b| *b = false);
            let mut moved = 0.0;
            for a in q
                .restrictions
                .iter()
                .filter(|a| a.product == s && a.destination == r)
            {
                let b = a.share * w[a.origin];
                w[a.origin] -= b;
                moved += a.substitutability * b;
                restricted[a.origin] = true;
            }
            if moved > 0.0 {
                for (g, sp) in spare.iter_mut().enumerate() {
                    let i = g * ns + s;
                    *sp = if restricted[g] {
                        0.0
                    } else {
                        (q.cap[i] - q.x[i]).max(0.0)
                    };
                }
                let tot: f64 = spare.iter().sum();
                if tot > 0.0 {
                    for g in 0..nr {
                        w[g] += moved * spare[g] / tot;
                    }
                }
            }
            let tot: f64 = w.iter().sum();
            let dom = if tot > 0.0 { w[r] / tot } else { 1.0 };
            acc.domestic[r * ns + s] = dom;
            acc.imports[r] += (1.0 - dom) * use_rs[r * ns + s];
        }
    }
    for r in 0..nr {
        acc.exports[r] = acc.imports[r] + net[r];
    }
    acc
}
