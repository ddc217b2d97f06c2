//! The table as the quarterly model sees it: A = Z diag(x)⁻¹ (row-major),
//! quarterly baseline flows x⁰/4 and Y⁰/4, value-added coefficients
//! v_j = 1 − Σ_i a_ij and labour shares, in the table's own order
//! (region-major, as in `plenum-table`).
//!
//! Value added is x − 1'Z, everything the table books between intermediate
//! use and output (for WIOD that includes net product taxes). The labour
//! share of industry j is LABR_j / VA_j when the table has a `LABR` row of
//! V (the OECD-based default table does), else the fallback parameter.

use plenum_table::MrioTable;

use crate::engine::{base_model, EngineMap};

use crate::error::{Result, ScenarioError};

/// Names that the final-demand roles are recognised by, in order.
pub const HOUSEHOLD_NAMES: [&str; 3] = ["HFCE", "CONS_h", "households"];
pub const GOVERNMENT_NAMES: [&str; 3] = ["GGFC", "CONS_g", "government"];
pub const INVESTMENT_NAMES: [&str; 3] = ["GFCF", "gfcf", "investment"];

#[derive(Debug, Clone)]
pub struct Economy {
    pub regions: Vec<String>,
    pub sectors: Vec<String>,
    pub fd_categories: Vec<String>,
    pub n: usize,
    pub nr: usize,
    pub ns: usize,
    pub nf: usize,
    /// A, row-major: a[i·n + j].
    pub a: Vec<f64>,
    /// A by columns (Aᵀ row-major): a_cols[j·n + i] = a[i·n + j], so that
    /// the accounts read an industry's inputs contiguously.
    pub a_cols: Vec<f64>,
    /// x⁰ per quarter.
    pub x0: Vec<f64>,
    /// Y⁰ per quarter, column-major: y0[c·n + i], c = region·nf + category.
    pub y0: Vec<f64>,
    /// v_j = 1 − Σ_i a_ij.
    pub v: Vec<f64>,
    /// Labour share of value added per industry; None where the table has
    /// no labour row (the fallback parameter applies).
    pub labour_share: Option<Vec<f64>>,
    /// Table metadata: currency and unit (for the manifest and report).
    pub currency: String,
    pub unit: String,
    /// The dynamic engine (plenum-sim's extended mode, quarterly steps) of
    /// the table at its initial equilibrium; every run clones it (the
    /// clones share Z⁰).
    pub engine: plenum_sim::ArioModel,
    /// Table order ↔ the engine's order (regions and sectors sorted).
    pub map: EngineMap,
    /// Baseline flow of product s from origin g to region r (inputs of r's
    /// industries at x⁰ plus r's final demand), index (r·S + s)·R + g: the
    /// weights of the accounts' origin split ([`crate::engine::accounts`]),
    /// fixed by the table, so computed once.
    pub origin_flows: Vec<f64>,
    /// Baseline final demand of column c for product s, all origins,
    /// index c·S + s (the accounts' demand asked, before its multiplier).
    pub fd_products: Vec<f64>,
    /// Recent warm-ups of `engine` (see [`crate::run::warm`]).
    pub warm: crate::run::warm::WarmCache,
    /// What runs derive from the table alone (see [`crate::run::statics`]).
    pub statics: crate::run::statics::Statics,
}

impl Economy {
    pub fn from_table(table: &MrioTable) -> Result<Self> {
        let l = table.labels();
        let (n, nr, ns, nf) = (
            l.n_industries(),
            l.n_regions(),
            l.n_sectors(),
            l.n_fd_categories(),
        );
        let x = table.x();
        let y = table.y();
        // plenum-iomath's A (zero-output industries as the table's policy
        // says), row-major.
        let am = plenum_iomath::coefficients::table_a(table).map_err(|e| ScenarioError::Table {
            message: e.to_string(),
            fix: "treat zero-output industries as absent, or give a table without them".into(),
        })?;
        let a: Vec<f64> = (0..n * n).map(|k| am[(k / n, k % n)]).collect();
        let a_cols: Vec<f64> = (0..n * n).map(|k| a[(k % n) * n + k / n]).collect();
        let v: Vec<f64> = (0..n)
            .map(|j| {
                if x[j] > 0.0 {
                    1.0 - (0..n).map(|i| a[i * n + j]).sum::<f64>()
                } else {
                    0.0
                }
            })
            .collect();
        if let Some(j) = (0..n).find(|&j| v[j] < -1e-9) {
            return Err(ScenarioError::Table {
                message: format!(
                    "industry {} uses more inputs than it produces (v = {:.4})",
                    l.industry_name(j),
                    v[j]
                ),
                fix: "use a table whose intermediate inputs do not exceed output".into(),
            });
        }
        let x0: Vec<f64> = (0..n).map(|i| x[i] / 4.0).collect();
        let nc = nr * nf;
        let mut y0 = vec![0.0; n * nc];
        for c in 0..nc {
            for i in 0..n {
                y0[c * n + i] = y[(i, c)] / 4.0;
            }
        }
        let labour_share = l.va_components().iter().position(|c| c == "LABR").map(|k| {
            let vm = table.v();
            (0..n)
                .map(|j| {
                    let va = v[j] * x[j];
                    if va > 0.0 {
                        (vm[(k, j)] / va).clamp(0.0, 1.0)
                    } else {
                        0.0
                    }
                })
                .collect()
        });
        let mut origin_flows = vec![0.0; nr * ns * nr];
        for r in 0..nr {
            for s in 0..ns {
                for g in 0..nr {
                    let i = g * ns + s;
                    // The same sums, in the same order, as the accounts
                    // made every quarter before this was cached.
                    let mut f: f64 = (r * ns..(r + 1) * ns).map(|j| a[i * n + j] * x0[j]).sum();
                    f += (r * nf..(r + 1) * nf).map(|c| y0[c * n + i]).sum::<f64>();
                    origin_flows[(r * ns + s) * nr + g] = f;
                }
            }
        }
        let mut fd_products = vec![0.0; nc * ns];
        for c in 0..nc {
            for s in 0..ns {
                fd_products[c * ns + s] = (0..nr).map(|g| y0[c * n + g * ns + s]).sum();
            }
        }
        Ok(Self {
            origin_flows,
            fd_products,
            regions: l.regions().to_vec(),
            sectors: l.sectors().to_vec(),
            fd_categories: l.fd_categories().to_vec(),
            n,
            nr,
            ns,
            nf,
            a,
            a_cols,
            x0,
            y0,
            v,
            labour_share,
            currency: table.meta().currency.clone(),
            unit: table.meta().unit.clone(),
            engine: base_model(table)?,
            map: EngineMap::new(table),
            warm: Default::default(),
            statics: Default::default(),
        })
    }

    pub fn n_fd_columns(&self) -> usize {
        self.nr * self.nf
    }
    pub fn region_of(&self, i: usize) -> usize {
        i / self.ns
    }
    pub fn sector_of(&self, i: usize) -> usize {
        i % self.ns
    }
    /// Baseline quarterly GDP (value added) of each region.
    pub fn gdp0(&self) -> Vec<f64> {
        let mut g = vec![0.0; self.nr];
        for j in 0..self.n {
            g[self.region_of(j)] += self.v[j] * self.x0[j];
        }
        g
    }
}
