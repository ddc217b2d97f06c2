//! The builder's input: one economy's national (single-region) accounts in a
//! product-by-product layout with competitive imports.
//!
//! For economy r with n products and F final-demand categories:
//!
//! | field | symbol | shape | meaning |
//! |---|---|---|---|
//! | `u` | U | n × n | uses of product i by industry j, domestic and imported together |
//! | `f` | F | n × F | final uses of product i by category (households, government, capital formation, inventories, ...) |
//! | `exports` | e | n | exports of product i |
//! | `imports` | m | n | imports of product i (positive numbers) |
//! | `v` | V | K × n | value added and other primary inputs of industry j by component |
//! | `x` | x | n | gross output |
//! | `imported` | U_m, F_m | n × n, n × F | imported part of U and F, when the source keeps it apart |
//!
//! The two identities a national table satisfies (up to rounding):
//! row i: Σ_j U_ij + Σ_f F_if + e_i − m_i = x_i, and
//! column j: Σ_i U_ij + Σ_k V_kj = x_j.
//! [`NationalAccounts::check`] measures both.
//!
//! [`nationals_from_mrio`] derives the national tables a multi-regional
//! table implies (partners summed away), which is how the builder is tested
//! against a known world table.

use faer::{Col, Mat};
use plenum_table::MrioTable;

use crate::error::BuildError;

/// One economy's national accounts. See the module docs.
#[derive(Debug, Clone)]
pub struct NationalAccounts {
    /// ISO3 code or name of the economy.
    pub region: String,
    /// Product (= industry) labels, shared by all economies of a build.
    pub sectors: Vec<String>,
    /// Final-demand category labels, shared by all economies.
    pub fd_categories: Vec<String>,
    /// Primary-input (value-added) component labels, shared by all economies.
    pub va_components: Vec<String>,
    /// U: total (domestic + imported) intermediate uses, n × n.
    pub u: Mat<f64>,
    /// F: total final uses, n × F.
    pub f: Mat<f64>,
    /// e: exports by product.
    pub exports: Col<f64>,
    /// m: imports by product, positive.
    pub imports: Col<f64>,
    /// V: primary inputs by component, K × n.
    pub v: Mat<f64>,
    /// x: gross output by industry.
    pub x: Col<f64>,
    /// The imported part of U and F when the source records it; `None`
    /// makes the builder assume import proportionality.
    pub imported: Option<ImportedUses>,
}

/// The imported parts of U and F.
#[derive(Debug, Clone)]
pub struct ImportedUses {
    pub u: Mat<f64>,
    pub f: Mat<f64>,
}

/// How far a national table is from its own identities.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NationalBalance {
    /// Largest |row identity gap| / max(|x_i|, 1).
    pub max_row_gap: f64,
    /// Largest |column identity gap| / max(|x_j|, 1).
    pub max_col_gap: f64,
}

impl NationalAccounts {
    /// Number of products n.
    pub fn n(&self) -> usize {
        self.sectors.len()
    }

    /// Checks shapes and finiteness and measures the two identities.
    /// Negative exports or imports (net of cross-border inventory changes,
    /// as a derived table can hold) are accepted; the builder treats them
    /// as zero.
    pub fn check(&self) -> Result<NationalBalance, BuildError> {
        let n = self.n();
        let nf = self.fd_categories.len();
        let nk = self.va_components.len();
        let err = |message: String| BuildError::National {
            region: self.region.clone(),
            message,
        };
        let shape = |what: &str, got: (usize, usize), want: (usize, usize)| {
            if got != want {
                Err(err(format!(
                    "{what} is {}x{} but {} products, {} final-demand categories and {} primary inputs call for {}x{}",
                    got.0, got.1, n, nf, nk, want.0, want.1
                )))
            } else {
                Ok(())
            }
        };
        shape("U", (self.u.nrows(), self.u.ncols()), (n, n))?;
        shape("F", (self.f.nrows(), self.f.ncols()), (n, nf))?;
        shape("V", (self.v.nrows(), self.v.ncols()), (nk, n))?;
        shape("exports", (self.exports.nrows(), 1), (n, 1))?;
        shape("imports", (self.imports.nrows(), 1), (n, 1))?;
        shape("x", (self.x.nrows(), 1), (n, 1))?;
        if let Some(im) = &self.imported {
            shape("imported U", (im.u.nrows(), im.u.ncols()), (n, n))?;
            shape("imported F", (im.f.nrows(), im.f.ncols()), (n, nf))?;
        }
        let finite = |what: &str, m: &Mat<f64>, rl: &dyn Fn(usize) -> String| {
            for j in 0..m.ncols() {
                for i in 0..m.nrows() {
                    if !m[(i, j)].is_finite() {
                        return Err(err(format!(
                            "{what} holds {} at row {i} ({}), column {j}; replace it with a number",
                            m[(i, j)],
                            rl(i)
                        )));
                    }
                }
            }
            Ok(())
        };
        let prod = |i: usize| self.sectors[i].clone();
        let comp = |i: usize| self.va_components[i].clone();
        finite("U", &self.u, &prod)?;
        finite("F", &self.f, &prod)?;
        finite("V", &self.v, &comp)?;
        for (what, c) in [
            ("exports", &self.exports),
            ("imports", &self.imports),
            ("x", &self.x),
        ] {
            for i in 0..n {
                let val = c[i];
                if !val.is_finite() {
                    return Err(err(format!("{what} of {} is {val}", self.sectors[i])));
                }
            }
        }
        let mut bal = NationalBalance::default();
        for i in 0..n {
            let uses: f64 = (0..n).map(|j| self.u[(i, j)]).sum::<f64>()
                + (0..nf).map(|c| self.f[(i, c)]).sum::<f64>();
            let gap = uses + self.exports[i] - self.imports[i] - self.x[i];
            bal.max_row_gap = bal.max_row_gap.max(gap.abs() / self.x[i].abs().max(1.0));
        }
        for j in 0..n {
            let inputs: f64 = self.u.col_as_slice(j).iter().sum::<f64>()
                + (0..nk).map(|k| self.v[(k, j)]).sum::<f64>();
            let gap = inputs - self.x[j];
            bal.max_col_gap = bal.max_col_gap.max(gap.abs() / self.x[j].abs().max(1.0));
        }
        Ok(bal)
    }
}

/// The national tables a multi-regional table implies: for each region r,
/// U_r = Σ_s Z^{sr}, F_r = Σ_s Y^{sr}, exports e_r = what r's rows sell to
/// other regions, imports m_r = what other regions' rows sell to r, V and x
/// as in the table. With `keep_imported`, the true imported parts are kept
/// (for checks of the import-proportionality assumption); otherwise they are
/// dropped, as in a "TTL" national table.
pub fn nationals_from_mrio(table: &MrioTable, keep_imported: bool) -> Vec<NationalAccounts> {
    let l = table.labels();
    let (nr, ns, nf) = (l.n_regions(), l.n_sectors(), l.n_fd_categories());
    let (z, y) = (table.z(), table.y());
    let mut out = Vec::with_capacity(nr);
    for r in 0..nr {
        let mut u = Mat::<f64>::zeros(ns, ns);
        let mut f = Mat::<f64>::zeros(ns, nf);
        let mut um = Mat::<f64>::zeros(ns, ns);
        let mut fm = Mat::<f64>::zeros(ns, nf);
        let mut exports = Col::<f64>::zeros(ns);
        let mut imports = Col::<f64>::zeros(ns);
        for s in 0..nr {
            for i in 0..ns {
                let row = s * ns + i;
                for j in 0..ns {
                    let val = z[(row, r * ns + j)];
                    u[(i, j)] += val;
                    if s != r {
                        um[(i, j)] += val;
                        imports[i] += val;
                    }
                }
                for c in 0..nf {
                    let val = y[(row, r * nf + c)];
                    f[(i, c)] += val;
                    if s != r {
                        fm[(i, c)] += val;
                        imports[i] += val;
                    }
                }
            }
        }
        for i in 0..ns {
            let row = r * ns + i;
            let mut e = 0.0;
            for q in 0..nr {
                if q == r {
                    continue;
                }
                e += (0..ns).map(|j| z[(row, q * ns + j)]).sum::<f64>();
                e += (0..nf).map(|c| y[(row, q * nf + c)]).sum::<f64>();
            }
            exports[i] = e;
        }
        let v = Mat::from_fn(l.va_components().len(), ns, |k, j| {
            table.v()[(k, r * ns + j)]
        });
        let x = Col::from_fn(ns, |i| table.x()[r * ns + i]);
        out.push(NationalAccounts {
            region: l.regions()[r].clone(),
            sectors: l.sectors().to_vec(),
            fd_categories: l.fd_categories().to_vec(),
            va_components: l.va_components().to_vec(),
            u,
            f,
            exports,
            imports,
            v,
            x,
            imported: keep_imported.then_some(ImportedUses { u: um, f: fm }),
        });
    }
    out
}
