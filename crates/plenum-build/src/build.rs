//! From national tables to a balanced multi-regional table.
//!
//! **1. Domestic and imported uses (import proportionality).** A national
//! "TTL" table records the use of product i by each user u (industries and
//! final-demand categories) without saying how much of it was imported. The
//! builder assumes every user of i imports the same share of it:
//!
//!   μ_i = m_i / D_i,   D_i = Σ_u T_iu  (total domestic use, exports excluded),
//!   M_iu = μ_i T_iu,   domestic use T_iu − M_iu.
//!
//! When m_i > D_i the surplus is re-exports (goods passing through, as in
//! Hong Kong, Singapore or the Netherlands): μ_i is capped at 1 and the
//! surplus is removed from both the imports and the exports of i, so the
//! table routes those goods from their producer to their user directly.
//! When the source records its imported uses (`NationalAccounts::imported`)
//! they are used instead of μ.
//!
//! **2. Rest of the world.** For each product the economies' exports
//! E_i = Σ_s e_i^s and imports M_i = Σ_r m_i^r differ: economies outside the
//! set trade with them, and the national accounts disagree. A region named
//! by [`BuildOptions::row_label`] exports max(0, M_i − E_i) and imports
//! max(0, E_i − M_i). It has no intermediate inputs (its output is all
//! value added, split like the world's value added of that industry) and its
//! imports go to its final demand (split like the world's imported final
//! use of the product). It is a closure account, not a model of the
//! economies outside.
//!
//! **3. Bilateral allocation and balancing.** For product i the unknowns
//! are X_i[s, (r, u)], the flow of i from exporter s to user u in importer
//! r (s ≠ r). The prior is M^r_iu split by the shares of [`crate::prior`];
//! GRAS ([`crate::gras`]) then scales it so that
//!
//!   Σ_s X_i[s, (r, u)] = M^r_iu   (each importer's imported uses, exact),
//!   Σ_(r,u) X_i[s, (r, u)] = e^s_i (each exporter's exports).
//!
//! Inventory changes make some M^r_iu negative; GRAS keeps their sign.
//! Products are balanced in parallel, each on its own; the result does not
//! depend on the number of threads.
//!
//! **4. Assembly.** Z^{rr} and Y^{rr} are the domestic uses, Z^{sr} and
//! Y^{sr} (s ≠ r) the balanced flows, V the national primary inputs, and x
//! the national output. The rounding of the published tables (and GRAS's
//! residuals) leaves the rows x − Z1 − Y1 and the columns x − 1'Z − 1'V
//! slightly off zero; the row gap is booked on the economy's own
//! inventory changes ([`BuildOptions::absorb_fd_category`]), the column gap
//! on one primary input ([`BuildOptions::absorb_component`]), and both are
//! reported. The rest of the world's output is its row sum.

use std::sync::atomic::{AtomicUsize, Ordering};

use faer::{Col, Mat};
use plenum_table::{Labels, Metadata, MrioTable, TableParts, ValidationPolicy};
use rayon::prelude::*;

use crate::error::{BuildError, GrasError, Side};
use crate::gras::{gras, residuals, GrasOptions, GrasReport};
use crate::national::{NationalAccounts, NationalBalance};
use crate::prior::TradePrior;

pub use crate::imports::{split_imports, SplitUses};

/// When to add the rest-of-world closure region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowClosure {
    /// Only when some product's world exports and imports differ by more
    /// than [`BuildOptions::gap_rtol`].
    #[default]
    Auto,
    /// Always (the region may then trade nothing in some products).
    Always,
    /// Never; a gap beyond the tolerance is an error.
    Never,
}

/// Options of [`build_world_table`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub prior: TradePrior,
    /// `false` allocates imports by the prior shares and stops there (no
    /// balancing; exporters' totals are then not met). Kept as the baseline
    /// the balanced table is judged against.
    pub balance: bool,
    pub gras: GrasOptions,
    pub row_closure: RowClosure,
    /// Name of the rest-of-world region.
    pub row_label: String,
    /// A product's world export/import gap below `gap_rtol` · max(E, M) is
    /// treated as rounding and closed by scaling exports.
    pub gap_rtol: f64,
    /// Primary-input component that absorbs the rounding discrepancy of the
    /// columns; `None` takes the last component.
    pub absorb_component: Option<String>,
    /// Final-demand category that absorbs the rounding gap of the national
    /// rows (x − Z1 − Y1 of the domestic industry); `None` takes the first
    /// category whose name starts with "INV" (inventory changes), else the
    /// last.
    pub absorb_fd_category: Option<String>,
    /// Cap on an industry's intermediate inputs relative to its output
    /// (the column sum of A). The few industries above it in the source
    /// (negative value added) are scaled down to it; the table model
    /// requires column sums of A below 1.
    pub max_input_share: f64,
    /// Metadata of the built table (name, year, unit, source, licence).
    pub meta: Metadata,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            prior: TradePrior::MarketShare,
            balance: true,
            gras: GrasOptions::default(),
            row_closure: RowClosure::Auto,
            row_label: "ROW".into(),
            gap_rtol: 1e-9,
            absorb_component: None,
            absorb_fd_category: None,
            max_input_share: 0.99,
            meta: Metadata::default(),
        }
    }
}

/// Stages reported to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Checking the national tables and splitting their uses.
    Split,
    /// Allocating and balancing trade, one product at a time.
    Trade,
    /// Assembling Z, Y, V, x.
    Assemble,
    /// Validating the table.
    Validate,
}

/// One progress event: `done` of `total` units of `stage` are finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// Per-product account of the trade step.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductReport {
    pub product: String,
    /// Σ exports and Σ imports of the economies (after re-export netting).
    pub exports: f64,
    pub imports: f64,
    /// Exports and imports of the rest-of-world closure.
    pub row_exports: f64,
    pub row_imports: f64,
    /// GRAS convergence (or, unbalanced, the residuals of the prior).
    pub gras: GrasReport,
}

/// What a build did.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildReport {
    pub products: Vec<ProductReport>,
    /// Largest GRAS iteration count over products.
    pub max_iterations: usize,
    /// Largest relative residual of the trade constraints over products.
    pub max_rel_residual: f64,
    /// Largest absolute residual of the trade constraints, table units.
    pub max_abs_residual: f64,
    /// Re-exports netted out, per economy (table units).
    pub reexports: Vec<(String, f64)>,
    /// The national tables' own identity gaps, worst over economies.
    pub national: NationalBalance,
    /// Largest column discrepancy booked on the absorbing primary input,
    /// relative to max(x_j, 1).
    pub max_absorbed: f64,
    /// Largest row discrepancy booked on the absorbing final-demand
    /// category, relative to max(x_i, 1).
    pub max_row_absorbed: f64,
    /// Whether the rest-of-world region was added.
    pub row_included: bool,
}

/// A built table and the account of how it was built.
#[derive(Debug, Clone)]
pub struct BuildOutput {
    pub table: MrioTable,
    pub report: BuildReport,
}

fn check_inputs(nationals: &[NationalAccounts]) -> Result<NationalBalance, BuildError> {
    let first = nationals.first().ok_or(BuildError::NoEconomies)?;
    if nationals.len() < 2 {
        return Err(BuildError::NoEconomies);
    }
    let mut bal = NationalBalance::default();
    let mut seen = std::collections::BTreeSet::new();
    for nat in nationals {
        if !seen.insert(nat.region.clone()) {
            return Err(BuildError::DuplicateRegion {
                region: nat.region.clone(),
            });
        }
        for (what, got, want) in [
            ("products", &nat.sectors, &first.sectors),
            (
                "final-demand categories",
                &nat.fd_categories,
                &first.fd_categories,
            ),
            ("primary inputs", &nat.va_components, &first.va_components),
        ] {
            if got != want {
                return Err(BuildError::LabelMismatch {
                    region: nat.region.clone(),
                    first: first.region.clone(),
                    what,
                    got: got.clone(),
                    want: want.clone(),
                });
            }
        }
        let b = nat.check()?;
        bal.max_row_gap = bal.max_row_gap.max(b.max_row_gap);
        bal.max_col_gap = bal.max_col_gap.max(b.max_col_gap);
    }
    Ok(bal)
}

/// The result of the trade step for one product.
struct Traded {
    /// Columns (importer region, use) of X.
    cols: Vec<(usize, usize)>,
    /// X: exporters × cols.
    x: Mat<f64>,
    report: ProductReport,
}

/// Builds a balanced MRIO table from national tables. `progress` is called
/// from worker threads as stages advance. See the module docs for the
/// method; errors name the economy or product at fault.
pub fn build_world_table(
    nationals: &[NationalAccounts],
    options: &BuildOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<BuildOutput, BuildError> {
    let national = check_inputs(nationals)?;
    let first = &nationals[0];
    let n = first.n();
    let nf = first.fd_categories.len();
    let nk = first.va_components.len();
    let nu = n + nf;
    if options.row_closure != RowClosure::Never
        && nationals.iter().any(|x| x.region == options.row_label)
    {
        return Err(BuildError::DuplicateRegion {
            region: options.row_label.clone(),
        });
    }

    let nn = nationals.len();
    let mut splits = Vec::with_capacity(nn);
    for (k, nat) in nationals.iter().enumerate() {
        splits.push(split_imports(nat, options.max_input_share));
        progress(Progress {
            stage: Stage::Split,
            done: k + 1,
            total: nn,
        });
    }

    // World gaps and the rest-of-world closure.
    let world_e: Vec<f64> = (0..n)
        .map(|i| splits.iter().map(|s| s.exports[i]).sum())
        .collect();
    let world_m: Vec<f64> = (0..n)
        .map(|i| splits.iter().map(|s| s.imports[i]).sum())
        .collect();
    let gap_tol = |i: usize| options.gap_rtol * world_e[i].max(world_m[i]).max(1.0);
    let any_gap = (0..n).any(|i| (world_m[i] - world_e[i]).abs() > gap_tol(i));
    let row_included = match options.row_closure {
        RowClosure::Always => true,
        RowClosure::Auto => any_gap,
        RowClosure::Never => {
            if let Some(i) = (0..n).find(|&i| (world_m[i] - world_e[i]).abs() > gap_tol(i)) {
                return Err(BuildError::WorldGap {
                    product: first.sectors[i].clone(),
                    imports: world_m[i],
                    exports: world_e[i],
                });
            }
            false
        }
    };
    let nr = nn + usize::from(row_included);
    let w = nn; // index of the rest of the world, when included
    let row_e: Vec<f64> = (0..n)
        .map(|i| {
            if row_included {
                (world_m[i] - world_e[i]).max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    let row_m: Vec<f64> = (0..n)
        .map(|i| {
            if row_included {
                (world_e[i] - world_m[i]).max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    // Exports scaled to close gaps that are rounding only (no closure).
    let e_scale: Vec<f64> = (0..n)
        .map(|i| {
            if !row_included && world_e[i] > 0.0 {
                world_m[i] / world_e[i]
            } else {
                1.0
            }
        })
        .collect();
    // The rest of the world's imports go to its final demand, split like
    // the world's imported final use of the product (positive parts).
    let row_fd_split: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let wts: Vec<f64> = (0..nf)
                .map(|c| {
                    splits
                        .iter()
                        .map(|s| s.imported[(i, n + c)])
                        .sum::<f64>()
                        .max(0.0)
                })
                .collect();
            let tot: f64 = wts.iter().sum();
            if tot > 0.0 {
                wts.iter().map(|x| x / tot).collect()
            } else {
                vec![1.0 / nf as f64; nf]
            }
        })
        .collect();

    let region_names: Vec<String> = nationals
        .iter()
        .map(|x| x.region.clone())
        .chain(row_included.then(|| options.row_label.clone()))
        .collect();
    // Prior intensities: the build's regions looked up in the prior's.
    let prior_idx: Option<(Vec<Option<usize>>, &crate::prior::BilateralPrior)> =
        match &options.prior {
            TradePrior::MarketShare => None,
            TradePrior::Bilateral(bp) => {
                if bp.intensity.len() != n {
                    return Err(BuildError::PriorShape {
                        got: bp.regions.len(),
                        got_products: bp.intensity.len(),
                        want: nr,
                        want_products: n,
                    });
                }
                Some((
                    region_names
                        .iter()
                        .map(|r| bp.regions.iter().position(|x| x == r))
                        .collect(),
                    bp,
                ))
            }
        };
    let intensity = |i: usize, s: usize, r: usize| -> f64 {
        match &prior_idx {
            None => 1.0,
            Some((idx, bp)) => match (idx[s], idx[r]) {
                (Some(a), Some(b)) => bp.intensity[i][(a, b)],
                _ => 1.0,
            },
        }
    };

    // Trade, product by product.
    let done = AtomicUsize::new(0);
    let traded: Vec<Result<Traded, BuildError>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let product = &first.sectors[i];
            let exp: Vec<f64> = (0..nr)
                .map(|s| {
                    if s < nn {
                        splits[s].exports[i] * e_scale[i]
                    } else {
                        row_e[i]
                    }
                })
                .collect();
            let mut cols: Vec<(usize, usize)> = Vec::new();
            let mut targets: Vec<f64> = Vec::new();
            for r in 0..nr {
                if r < nn {
                    for u in 0..nu {
                        let t = splits[r].imported[(i, u)];
                        if t != 0.0 {
                            cols.push((r, u));
                            targets.push(t);
                        }
                    }
                } else if row_m[i] > 0.0 {
                    for c in 0..nf {
                        let t = row_m[i] * row_fd_split[i][c];
                        if t != 0.0 {
                            cols.push((r, n + c));
                            targets.push(t);
                        }
                    }
                }
            }
            let label_of = |side: Side, index: usize| match side {
                Side::Row => region_names[index].clone(),
                Side::Column => {
                    let (r, u) = cols[index];
                    let use_name = if u < n {
                        first.sectors[u].as_str()
                    } else {
                        first.fd_categories[u - n].as_str()
                    };
                    format!("{}/{}", region_names[r], use_name)
                }
            };
            let trade_err = |e: GrasError| {
                let label = match &e {
                    GrasError::ZeroLine { side, index, .. }
                    | GrasError::SignInfeasible { side, index, .. }
                    | GrasError::NotConverged { side, index, .. } => label_of(*side, *index),
                    GrasError::NonFinite { side, index, .. } => label_of(*side, *index),
                    _ => "all".into(),
                };
                BuildError::Trade {
                    product: product.clone(),
                    label,
                    source: e,
                }
            };
            // Prior: each importer-use split over exporters by e^s w^{sr}.
            let mut x0 = Mat::<f64>::zeros(nr, cols.len());
            let mut wts = vec![0.0; nr];
            let mut last_r = usize::MAX;
            let mut wsum = 0.0;
            for (c, &(r, _)) in cols.iter().enumerate() {
                if r != last_r {
                    last_r = r;
                    for s in 0..nr {
                        wts[s] = if s == r {
                            0.0
                        } else {
                            exp[s] * intensity(i, s, r)
                        };
                    }
                    wsum = wts.iter().sum();
                }
                if wsum <= 0.0 {
                    return Err(trade_err(GrasError::ZeroLine {
                        side: Side::Column,
                        index: c,
                        target: targets[c],
                    }));
                }
                let t = targets[c];
                for (o, &wt) in x0.col_as_slice_mut(c).iter_mut().zip(&wts) {
                    *o = wt / wsum * t;
                }
            }
            let (x, rep) = if options.balance {
                gras(&x0, &exp, &targets, &options.gras).map_err(trade_err)?
            } else {
                let rep = residuals(&x0, &exp, &targets, options.gras.floor, 0);
                (x0, rep)
            };
            let k = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(Progress {
                stage: Stage::Trade,
                done: k,
                total: n,
            });
            Ok(Traded {
                cols,
                x,
                report: ProductReport {
                    product: product.clone(),
                    exports: world_e[i],
                    imports: world_m[i],
                    row_exports: row_e[i],
                    row_imports: row_m[i],
                    gras: rep,
                },
            })
        })
        .collect();
    let traded: Vec<Traded> = traded.into_iter().collect::<Result<_, _>>()?;

    // Assembly.
    let ni = nr * n;
    let mut z = Mat::<f64>::zeros(ni, ni);
    let mut y = Mat::<f64>::zeros(ni, nr * nf);
    for (r, sp) in splits.iter().enumerate() {
        for u in 0..nu {
            for i in 0..n {
                let d = sp.total[(i, u)] - sp.imported[(i, u)];
                if u < n {
                    z[(r * n + i, r * n + u)] = d;
                } else {
                    y[(r * n + i, r * nf + (u - n))] = d;
                }
            }
        }
    }
    for (i, t) in traded.iter().enumerate() {
        for (c, &(r, u)) in t.cols.iter().enumerate() {
            let xc = t.x.col_as_slice(c);
            for (s, &val) in xc.iter().enumerate() {
                if val == 0.0 {
                    continue;
                }
                if u < n {
                    z[(s * n + i, r * n + u)] += val;
                } else {
                    y[(s * n + i, r * nf + (u - n))] += val;
                }
            }
        }
    }
    progress(Progress {
        stage: Stage::Assemble,
        done: 1,
        total: 2,
    });

    let absorb = match &options.absorb_component {
        None => nk.checked_sub(1),
        Some(name) => Some(
            first
                .va_components
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| {
                    BuildError::Other(format!(
                        "absorb_component \"{name}\" is not a primary input; valid: {}",
                        first.va_components.join(", ")
                    ))
                })?,
        ),
    };
    let mut v = Mat::<f64>::zeros(nk, ni);
    for (r, nat) in nationals.iter().enumerate() {
        for j in 0..n {
            for k in 0..nk {
                v[(k, r * n + j)] = nat.v[(k, j)];
            }
        }
    }
    let zrow = row_sums(&z);
    let yrow = row_sums(&y);
    let mut x = Col::<f64>::zeros(ni);
    let mut max_absorbed = 0.0f64;
    let mut max_row_absorbed = 0.0f64;
    let absorb_fd = match &options.absorb_fd_category {
        Some(name) => first
            .fd_categories
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| {
                BuildError::Other(format!(
                    "absorb_fd_category \"{name}\" is not a final-demand category; valid: {}",
                    first.fd_categories.join(", ")
                ))
            })?,
        None => first
            .fd_categories
            .iter()
            .position(|c| c.to_ascii_uppercase().starts_with("INV"))
            .unwrap_or(nf - 1),
    };
    for j in 0..ni {
        let r = j / n;
        let col_in: f64 = z.col_as_slice(j).iter().sum::<f64>();
        if r < nn {
            x[j] = nationals[r].x[j % n];
            if options.balance {
                // The national row gap (rounding, clamped negative exports)
                // goes to the absorbing final-demand category.
                let d = x[j] - zrow[j] - yrow[j];
                y[(j, r * nf + absorb_fd)] += d;
                max_row_absorbed = max_row_absorbed.max(d.abs() / x[j].abs().max(1.0));
            }
        } else {
            x[j] = zrow[j] + yrow[j];
        }
        if r == w && row_included {
            // Rest of the world: all value added, composed like the world's.
            let jj = j % n;
            let comp: Vec<f64> = (0..nk)
                .map(|k| nationals.iter().map(|nat| nat.v[(k, jj)]).sum())
                .collect();
            let tot: f64 = comp.iter().sum();
            for k in 0..nk {
                v[(k, j)] = if tot.abs() > 0.0 {
                    x[j] * comp[k] / tot
                } else if Some(k) == absorb {
                    x[j]
                } else {
                    0.0
                };
            }
            continue;
        }
        if options.balance && x[j] == 0.0 && col_in == 0.0 {
            // An absent industry: drop stray primary inputs (rounding).
            let vin: f64 = (0..nk).map(|k| v[(k, j)].abs()).sum();
            max_absorbed = max_absorbed.max(vin);
            for k in 0..nk {
                v[(k, j)] = 0.0;
            }
            continue;
        }
        if options.balance {
            if let Some(a) = absorb {
                let vin: f64 = (0..nk).map(|k| v[(k, j)]).sum();
                let disc = x[j] - col_in - vin;
                v[(a, j)] += disc;
                max_absorbed = max_absorbed.max(disc.abs() / x[j].abs().max(1.0));
            }
        }
    }

    let mut meta = options.meta.clone();
    meta.imports = plenum_table::table::ImportTreatment::Interregional;
    meta.notes.push(format!(
        "built by plenum-build from {} national tables: import proportionality, {} prior, {}; rest of world {}",
        nn,
        match options.prior {
            TradePrior::MarketShare => "market-share",
            TradePrior::Bilateral(_) => "bilateral",
        },
        if options.balance {
            "GRAS-balanced"
        } else {
            "not balanced"
        },
        if row_included {
            format!("\"{}\" as closure", options.row_label)
        } else {
            "not needed".into()
        }
    ));
    let labels = Labels::new(
        region_names,
        first.sectors.clone(),
        first.fd_categories.clone(),
        first.va_components.clone(),
    )?;
    let parts = TableParts {
        meta,
        labels,
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: Vec::new(),
    };
    let policy = if options.balance {
        ValidationPolicy::lenient(1e-6)
    } else {
        ValidationPolicy {
            balance_rtol: None,
            ..ValidationPolicy::lenient(1e-6)
        }
    };
    progress(Progress {
        stage: Stage::Assemble,
        done: 2,
        total: 2,
    });
    let table = MrioTable::new(parts, &policy)?;
    progress(Progress {
        stage: Stage::Validate,
        done: 1,
        total: 1,
    });

    let products: Vec<ProductReport> = traded.into_iter().map(|t| t.report).collect();
    let report = BuildReport {
        max_iterations: products
            .iter()
            .map(|p| p.gras.iterations)
            .max()
            .unwrap_or(0),
        max_rel_residual: products
            .iter()
            .map(|p| p.gras.max_rel_residual)
            .fold(0.0, f64::max),
        max_abs_residual: products
            .iter()
            .map(|p| p.gras.max_row_residual.max(p.gras.max_col_residual))
            .fold(0.0, f64::max),
        products,
        reexports: nationals
            .iter()
            .zip(&splits)
            .map(|(nat, s)| (nat.region.clone(), s.reexports.iter().sum()))
            .collect(),
        national,
        max_absorbed,
        max_row_absorbed,
        row_included,
    };
    Ok(BuildOutput { table, report })
}

fn row_sums(m: &Mat<f64>) -> Vec<f64> {
    let mut out = vec![0.0; m.nrows()];
    for j in 0..m.ncols() {
        for (o, &a) in out.iter_mut().zip(m.col_as_slice(j)) {
            *o += a;
        }
    }
    out
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
