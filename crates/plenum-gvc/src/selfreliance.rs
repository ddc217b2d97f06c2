//! Self-reliance: where the value inside an economy's output, exports and
//! final demand comes from, and how much it depends on a named group of
//! economies.
//!
//! **Value-added origin.** For a gross-value vector w (n), the value added
//! that industry i contributes to it, directly and through the whole chain,
//! is v_i (L w)_i; summed over i it is exactly 1'w because v'L = 1'. The
//! bases are
//! * output: w = x on the selected industries (the "VA content of output");
//! * gross exports: w = the selected industries' sales (intermediate and
//!   final) to regions outside the selection (Hummels–Ishii–Yi vertical
//!   specialisation when read as the foreign part; the domestic part is
//!   KWW's domestic content DVA + RDV + DDC of the decomposition module);
//! * final goods: w = the selected industries' final sales, all destinations
//!   (value added by origin in the selection's final products);
//! * absorption: w = final demand of the selected regions for products of
//!   the selected sectors, from any origin (trade in value added, the
//!   "value added embodied in domestic final demand" of TiVA).
//!
//! Domestic = source industries in the selection's regions; foreign = the
//! rest, split by source region and source industry.
//!
//! **Dependence on a group G of regions** for a user industry j:
//! * direct share: Σ_{i∈G} z_ij / Σ_i z_ij, and per input product s:
//!   Σ_{r∈G} z_(r,s),j / Σ_r z_(r,s),j;
//! * total value-added share: Σ_{i∈G} v_i L_ij (per unit of j's final
//!   product, the share of its value created in G);
//! * total input share ("look-through", Baldwin, Freeman & Theodorakopoulos
//!   2022): Σ_{i∈G} (L − I)_ij / Σ_i (L − I)_ij, the group's part of all the
//!   output required upstream per unit of j's output ((L − I) = L A).
//!
//! Selections aggregate with output weights x_j.

use faer::Mat;

use crate::error::GvcError;
use crate::groups::{RegionGroup, Selection};
use crate::model::GvcModel;

/// Which gross value the value added is traced in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Output,
    GrossExports,
    FinalGoods,
    Absorption,
}

/// Value-added origin of a gross value.
#[derive(Debug, Clone)]
pub struct VaOrigin {
    pub basis: Basis,
    /// 1'w, the gross value traced.
    pub total: f64,
    /// Value added from the selection's regions.
    pub domestic: f64,
    /// Value added from all other regions.
    pub foreign: f64,
    /// v_i (L w)_i per source industry i (region-major).
    pub by_source: Vec<f64>,
    pub home_regions: Vec<usize>,
    n_sectors: usize,
}

impl VaOrigin {
    /// Foreign value added by source region (domestic regions give 0).
    pub fn by_source_region(&self, n_regions: usize) -> Vec<f64> {
        let mut out = vec![0.0; n_regions];
        for (i, v) in self.by_source.iter().enumerate() {
            out[i / self.n_sectors] += v;
        }
        out
    }
    /// The `k` largest foreign source industries, largest first (ties by
    /// index), as (industry index, value added).
    pub fn top_foreign_sources(&self, k: usize) -> Vec<(usize, f64)> {
        let mut idx: Vec<usize> = (0..self.by_source.len())
            .filter(|i| !self.home_regions.contains(&(i / self.n_sectors)))
            .collect();
        idx.sort_by(|&a, &b| {
            self.by_source[b]
                .total_cmp(&self.by_source[a])
                .then(a.cmp(&b))
        });
        idx.truncate(k);
        idx.into_iter().map(|i| (i, self.by_source[i])).collect()
    }
}

/// The gross-value vector w of a basis and selection.
pub fn basis_weights(model: &GvcModel, sel: &Selection, basis: Basis) -> Vec<f64> {
    let l = model.labels();
    let ns = l.n_sectors();
    let n = model.n();
    let z = model.z();
    let ye = model.ye();
    let mut w = vec![0.0; n];
    match basis {
        Basis::Output => {
            for j in sel.industries(l) {
                w[j] = model.x()[j];
            }
        }
        Basis::GrossExports => {
            for j in sel.industries(l) {
                let mut e = 0.0;
                for k in 0..n {
                    if !sel.contains_region(k / ns) {
                        e += z[(j, k)];
                    }
                }
                for r in 0..l.n_regions() {
                    if !sel.contains_region(r) {
                        e += ye[(j, r)];
                    }
                }
                w[j] = e;
            }
        }
        Basis::FinalGoods => {
            for j in sel.industries(l) {
                w[j] = (0..l.n_regions()).map(|r| ye[(j, r)]).sum();
            }
        }
        Basis::Absorption => {
            for (i, wi) in w.iter_mut().enumerate() {
                if sel.sectors.binary_search(&(i % ns)).is_ok() {
                    *wi = sel.regions.iter().map(|&r| ye[(i, r)]).sum();
                }
            }
        }
    }
    w
}

/// Value-added origin of the selection's output, exports, final goods or
/// absorption. One solve with L.
pub fn va_origin(model: &GvcModel, sel: &Selection, basis: Basis) -> Result<VaOrigin, GvcError> {
    let n = model.n();
    let ns = model.labels().n_sectors();
    let w = basis_weights(model, sel, basis);
    let wm = Mat::from_fn(n, 1, |i, _| w[i]);
    let lw = model.leontief_solve(wm.as_ref())?;
    let by_source: Vec<f64> = (0..n).map(|i| model.v()[i] * lw[(i, 0)]).collect();
    let mut domestic = 0.0;
    let mut foreign = 0.0;
    for (i, v) in by_source.iter().enumerate() {
        if sel.contains_region(i / ns) {
            domestic += v;
        } else {
            foreign += v;
        }
    }
    Ok(VaOrigin {
        basis,
        total: w.iter().sum(),
        domestic,
        foreign,
        by_source,
        home_regions: sel.regions.clone(),
        n_sectors: ns,
    })
}

/// Dependence of one user industry (or an output-weighted aggregate) on a
/// group of regions.
#[derive(Debug, Clone, PartialEq)]
pub struct DependenceRow {
    /// Industry index, or `None` for the aggregate of the selection.
    pub industry: Option<usize>,
    pub name: String,
    /// Σ_{i∈G} z_ij / Σ_i z_ij (NaN if j buys no intermediates).
    pub direct_share: f64,
    /// Σ_{i∈G} a_ij, group inputs per unit of output.
    pub direct_coefficient: f64,
    /// Per input product s: Σ_{r∈G} z_(r,s)j / Σ_r z_(r,s)j; `None` where j
    /// buys none of s.
    pub direct_by_product: Vec<Option<f64>>,
    /// Σ_{i∈G} v_i L_ij.
    pub total_va_share: f64,
    /// Σ_{i∈G} (L − I)_ij / Σ_i (L − I)_ij.
    pub total_input_share: f64,
}

/// Dependence of the selection's industries on a group of regions.
#[derive(Debug, Clone)]
pub struct Dependence {
    pub group: String,
    pub group_regions: Vec<usize>,
    pub rows: Vec<DependenceRow>,
    pub aggregate: DependenceRow,
}

/// Direct and total dependence of every selected industry on `group`
/// (labels checked against the table). |selection| solves with L.
pub fn group_dependence(
    model: &GvcModel,
    sel: &Selection,
    group: &RegionGroup,
) -> Result<Dependence, GvcError> {
    let l = model.labels();
    let ns = l.n_sectors();
    let nr = l.n_regions();
    let n = model.n();
    let g = group.resolve(l)?;
    let in_g: Vec<bool> = (0..nr).map(|r| g.contains(&r)).collect();
    let js = sel.industries(l);
    let cols = model.leontief_columns(&js)?;
    let z = model.z();
    let a = model.a();
    let v = model.v();
    let x = model.x();
    let mut rows = Vec::with_capacity(js.len());
    // Aggregate numerators and denominators.
    let (mut zg, mut zt, mut xg_va, mut xg_in, mut xt_in, mut xsum, mut ag) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let mut prod_g = vec![0.0; ns];
    let mut prod_t = vec![0.0; ns];
    for (k, &j) in js.iter().enumerate() {
        let mut pg = vec![0.0; ns];
        let mut pt = vec![0.0; ns];
        let (mut dg, mut dt, mut coef, mut tva, mut tin_g, mut tin) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for i in 0..n {
            let r = i / ns;
            let s = i % ns;
            let zij = z[(i, j)];
            pt[s] += zij;
            dt += zij;
            let lij = cols[(i, k)] - if i == j { 1.0 } else { 0.0 };
            tin += lij;
            if in_g[r] {
                pg[s] += zij;
                dg += zij;
                coef += a[(i, j)];
                tva += v[i] * cols[(i, k)];
                tin_g += lij;
            }
        }
        for s in 0..ns {
            prod_g[s] += pg[s];
            prod_t[s] += pt[s];
        }
        zg += dg;
        zt += dt;
        xsum += x[j];
        ag += coef * x[j];
        xg_va += tva * x[j];
        xg_in += tin_g * x[j];
        xt_in += tin * x[j];
        rows.push(DependenceRow {
            industry: Some(j),
            name: l.industry_name(j),
            direct_share: dg / dt,
            direct_coefficient: coef,
            direct_by_product: (0..ns)
                .map(|s| {
                    if pt[s] != 0.0 {
                        Some(pg[s] / pt[s])
                    } else {
                        None
                    }
                })
                .collect(),
            total_va_share: tva,
            total_input_share: tin_g / tin,
        });
    }
    let aggregate = DependenceRow {
        industry: None,
        name: "selection (output-weighted)".into(),
        direct_share: zg / zt,
        direct_coefficient: ag / xsum,
        direct_by_product: (0..ns)
            .map(|s| {
                if prod_t[s] != 0.0 {
                    Some(prod_g[s] / prod_t[s])
                } else {
                    None
                }
            })
            .collect(),
        total_va_share: xg_va / xsum,
        total_input_share: xg_in / xt_in,
    };
    Ok(Dependence {
        group: group.name.clone(),
        group_regions: g,
        rows,
        aggregate,
    })
}
