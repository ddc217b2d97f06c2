//! Gross-export decompositions, bilateral and by exporting sector:
//! Wang, Wei & Zhu (2013) in 16 terms, its aggregation into the 9 terms of
//! Koopman, Wang & Wei (2014), and Borin & Mancini (2019, 2023) source-based
//! and sink-based, in the exporting-country, bilateral or sector perspective.
//!
//! Notation (economies s, r, t, u; blocks of n-dimensional objects):
//! B = (I − A)⁻¹ the global Leontief inverse, L_ss = (I − A_ss)⁻¹ the local
//! one, v the value-added coefficients, Y_sr final goods of s bought by r,
//! Y_s* = Σ_r Y_sr, E_sr = A_sr x_r + Y_sr the gross exports from s to r,
//! E_s* = Σ_{r≠s} E_sr, "∘" the element-wise product (it puts each term on
//! the exporting sector), A^F the off-diagonal (trade) blocks of A.
//!
//! **WWZ (2013), eq. (37)** for r ≠ s:
//! ```text
//!  1 DVA_FIN      (v_s B_ss)' ∘ Y_sr
//!  2 DVA_INT      (v_s L_ss)' ∘ A_sr B_rr Y_rr
//!  3 DVA_INTrexI1 (v_s L_ss)' ∘ A_sr Σ_{t≠s,r} B_rt Y_tt
//!  4 DVA_INTrexF  (v_s L_ss)' ∘ A_sr B_rr Σ_{t≠s,r} Y_rt
//!  5 DVA_INTrexI2 (v_s L_ss)' ∘ A_sr Σ_{t≠s,r} B_rt Σ_{u≠s,t} Y_tu
//!  6 RDV_FIN      (v_s L_ss)' ∘ A_sr B_rr Y_rs
//!  7 RDV_FIN2     (v_s L_ss)' ∘ A_sr Σ_{t≠s,r} B_rt Y_ts
//!  8 RDV_INT      (v_s L_ss)' ∘ A_sr B_rs Y_ss
//!  9 DDC_FIN      (v_s L_ss)' ∘ A_sr B_rs Σ_{t≠s} Y_st
//! 10 DDC_INT      (v_s (B_ss − L_ss))' ∘ A_sr x_r
//! 11 MVA_FIN      (v_r B_rs)' ∘ Y_sr
//! 12 MVA_INT      (v_r B_rs)' ∘ A_sr L_rr Y_rr
//! 13 MDC          (v_r B_rs)' ∘ A_sr L_rr E_r*
//! 14 OVA_FIN      (Σ_{t≠s,r} v_t B_ts)' ∘ Y_sr
//! 15 OVA_INT      (Σ_{t≠s,r} v_t B_ts)' ∘ A_sr L_rr Y_rr
//! 16 ODC          (Σ_{t≠s,r} v_t B_ts)' ∘ A_sr L_rr E_r*
//! ```
//! They add up to E_sr because v_s B_ss + Σ_{t≠s} v_t B_ts = 1', because
//! terms 2–9 split x_r = Σ_t B_rt Y_t*, and because L_rr (Y_rr + E_r*) = x_r.
//! The sums of terms 3, 5 and 7 use Σ_t B_rt Y_t* = x_r, so no term costs
//! more than N² per pair once B·Y is known.
//!
//! **KWW (2014)** terms are sums of WWZ terms (WWZ 2013, table E2):
//! DVA_FIN = 1, DVA_INT = 2+3, DVA_INTrex = 4+5, RDV_FIN = 6+7, RDV_INT = 8,
//! DDC = 9+10, FVA_FIN = 11+14, FVA_INT = 12+15, FDC = 13+16. Summed over
//! partners these equal KWW's own country formulas (tested).
//!
//! **Borin & Mancini, source-based** (value added counted the first time it
//! leaves the exporter; B^{xs} = (I − A^{xs})⁻¹ with A^{xs} = A without s's
//! intermediate exports, so B^{xs}_ss = L_ss):
//! ```text
//! VAX1 (v_s L_ss)' ∘ Y_sr                                  DAVAX = VAX1 + VAX2
//! VAX2 (v_s L_ss)' ∘ A_sr L_rr Y_rr
//! VAX3 (v_s L_ss)' ∘ A_sr L_rr Σ_{j≠s,r} Y_rj
//! VAX4 (v_s L_ss)' ∘ A_sr L_rr Σ_{j≠r} A_rj Σ_k B_jk Σ_{l≠s} Y_kl
//! REF1 (v_s L_ss)' ∘ A_sr L_rr Y_rs
//! REF2 (v_s L_ss)' ∘ A_sr L_rr Σ_{j≠r} A_rj Σ_k B_jk Y_ks
//! DDC  (v_s (B_ss − L_ss))' ∘ E_sr
//! FVA  (Σ_{t≠s} v_t B^{xs}_ts)' ∘ E_sr
//! FDC  (Σ_{t≠s} v_t (B_ts − B^{xs}_ts))' ∘ E_sr
//! ```
//! Σ_{t≠s} v_t B^{xs}_ts = w' A_{−s,s} L_ss with w' = v_{−s}'(I − A_{−s,−s})⁻¹
//! = ρ_{−s}' − ρ_s' B_ss⁻¹ B_{s,−s}, ρ' = Σ_{t≠s} v_t B_t· (inverse of a
//! principal block from the whole inverse): no re-solve per exporter.
//!
//! **Borin & Mancini, sink-based** (value added counted the last time it
//! leaves the exporter): the same VAX/REF split with v_s B_ss in front and
//! the forward flows computed in the world without s's exports,
//! x = B^{xs}(Y^{xs} + Ẽ_s) where Y^{xs} drops s's final exports and Ẽ_s
//! puts E_s* on s's rows:
//! ```text
//! VAX1..3, REF1 as above with (v_s B_ss)'
//! VAX4 (v_s B_ss)' ∘ A_sr L_rr Σ_{j≠r} A_rj Σ_k B^{xs}_jk Σ_{l≠s} Y^{xs}_kl
//! REF2 (v_s B_ss)' ∘ A_sr L_rr Σ_{j≠r} A_rj Σ_k B^{xs}_jk Y^{xs}_ks
//! DDC  (v_s B_ss)' ∘ A_sr L_rr Σ_{j≠r} A_rj B^{xs}_js E_s*
//! FDC  (1 − v_s B_ss)' ∘ A_sr L_rr Σ_{j≠r} A_rj B^{xs}_js E_s*
//! FVA  (1 − v_s B_ss)' ∘ E_sr − FDC
//! ```
//! B^{xs}R = BR − B_·s K A_{s,−s} BR with K = (I + A_{s,−s} B_{−s,s})⁻¹
//! (Woodbury, rank N), and only three aggregated columns of R are needed.
//!
//! **Perspectives** ([`Perspective`]; Borin & Mancini 2019 working paper §4,
//! and 2023).
//! The unit whose border crossings define double counting is the exporter
//! (country, above), the pair s → r (bilateral: only A_sr is extracted) or
//! the exporting sector j of s (sector: rows of sector j of s towards other
//! economies are extracted). With the links J → C removed,
//! B^x = (I − A^x)⁻¹, and Woodbury gives B^x_{·J} = B_{·J} K,
//! K = (I + A_{J,C} B_{C,J})⁻¹:
//! * source-based: DVA = (v_s B_sJ K)' ∘ E, FVA = ((1 − v_s B_sJ) K)' ∘ E,
//!   DDC = (v_s B_sJ (I − K))' ∘ E, FDC = ((1 − v_s B_sJ)(I − K))' ∘ E,
//!   with DVA split into VAX1..REF2 by the same forward flows as in the
//!   country perspective (exvatools does the same);
//! * sink-based: weights v_s B_ss and 1 − v_s B_ss as in the country case;
//!   DDC/FDC are the part of the flow that will cross the unit's border
//!   again, A_sr B^x_rJ Ẽ_J, and VAX4/REF2 use x = B^x(Y^x + Ẽ), Y^x without
//!   the unit's final exports, Ẽ the unit's exports; B^x R is BR − B_{·J} K
//!   A_{J,C}(BR)_C (rank |J|).
//!
//! Economies may be groups of regions ([`Economies`]): flows inside a group
//! are then domestic, as exvatools does for ICIO's split China and Mexico.

use faer::{Mat, MatRef};
use rayon::prelude::*;

use crate::error::GvcError;
use crate::groups::Economies;
use crate::linalg::{gather, inverse_of, local_inverse};
use crate::model::GvcModel;

/// WWZ (2013) term names, in the order of the module docs (decompr's names).
pub const WWZ_TERMS: [&str; 16] = [
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrexI1",
    "DVA_INTrexF",
    "DVA_INTrexI2",
    "RDV_FIN",
    "RDV_FIN2",
    "RDV_INT",
    "DDC_FIN",
    "DDC_INT",
    "MVA_FIN",
    "MVA_INT",
    "MDC",
    "OVA_FIN",
    "OVA_INT",
    "ODC",
];

/// KWW (2014) term names.
pub const KWW_TERMS: [&str; 9] = [
    "DVA_FIN",
    "DVA_INT",
    "DVA_INTrex",
    "RDV_FIN",
    "RDV_INT",
    "DDC",
    "FVA_FIN",
    "FVA_INT",
    "FDC",
];

/// WWZ terms (0-based) summed into each KWW term.
pub const WWZ_TO_KWW: [&[usize]; 9] = [
    &[0],
    &[1, 2],
    &[3, 4],
    &[5, 6],
    &[7],
    &[8, 9],
    &[10, 13],
    &[11, 14],
    &[12, 15],
];

/// Borin–Mancini term names (source- and sink-based).
pub const BM_TERMS: [&str; 9] = [
    "VAX1", "VAX2", "VAX3", "VAX4", "REF1", "REF2", "DDC", "FVA", "FDC",
];

/// The flow whose repeated crossings define double counting in the
/// Borin–Mancini decompositions (Borin & Mancini 2019 working paper, §4;
/// 2023).
///
/// Each perspective extracts a set of links J → C from A (rows J of the
/// exporter, columns C) and measures value added with the modified inverse
/// B^x = (I − A^x)⁻¹. Woodbury gives B^x_{·J} = B_{·J} K and
/// B^x R = BR − B_{·J} K A_{J,C} (BR)_C with K = (I + A_{J,C} B_{C,J})⁻¹,
/// |J| × |J|, so no B^x is ever formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Perspective {
    /// The exporting economy s as a whole: J = s, C = every other economy
    /// (A^{xs}). Right for country totals; the default.
    #[default]
    Country,
    /// The pair s → r: J = s, C = r (only A_sr is removed). Value added is
    /// double counted only if it has crossed (source) or will cross again
    /// (sink) the s → r border. Right for bilateral flows.
    Bilateral,
    /// The exporting sector j of s: J = the industries of sector j in s,
    /// C = every other economy. Double counting is relative to the exports
    /// of that sector. Right for sector totals (exporter × sector, summed
    /// over importers).
    Sector,
}

impl Perspective {
    pub fn name(self) -> &'static str {
        match self {
            Perspective::Country => "country",
            Perspective::Bilateral => "bilateral",
            Perspective::Sector => "sector",
        }
    }
}

/// Coefficients of DVA, DDC, FVA and FDC per unit of exports of each
/// industry of the exporter (source-based).
type SourceCoefs = [Vec<f64>; 4];

/// A sector extraction of the sink-based decomposition: the industries J,
/// and the two matrices of `Decomposer::sink_prep`.
type SinkPrep = (Vec<usize>, Mat<f64>, Mat<f64>);

/// Terms of a decomposition for every exporter s, importer r ≠ s and
/// exporting sector j, with the gross exports they add up to.
#[derive(Debug, Clone)]
pub struct BilateralTerms {
    pub method: &'static str,
    pub economies: Vec<String>,
    pub sectors: Vec<String>,
    pub term_names: Vec<&'static str>,
    ge: usize,
    ns: usize,
    nt: usize,
    /// ((s·G + r)·N + j)·T + k
    values: Vec<f64>,
    /// (s·G + r)·N + j
    exports: Vec<f64>,
}

impl BilateralTerms {
    fn slot(&self, s: usize, r: usize, j: usize) -> usize {
        (s * self.ge + r) * self.ns + j
    }
    pub fn n_terms(&self) -> usize {
        self.nt
    }
    /// Terms of exporter s, importer r, exporting sector j.
    pub fn sector_terms(&self, s: usize, r: usize, j: usize) -> &[f64] {
        let o = self.slot(s, r, j) * self.nt;
        &self.values[o..o + self.nt]
    }
    /// Gross exports of sector j of s to r.
    pub fn sector_exports(&self, s: usize, r: usize, j: usize) -> f64 {
        self.exports[self.slot(s, r, j)]
    }
    /// Terms of s's exports to r, summed over sectors.
    pub fn pair(&self, s: usize, r: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.nt];
        for j in 0..self.ns {
            for (o, v) in out.iter_mut().zip(self.sector_terms(s, r, j)) {
                *o += v;
            }
        }
        out
    }
    pub fn pair_exports(&self, s: usize, r: usize) -> f64 {
        (0..self.ns).map(|j| self.sector_exports(s, r, j)).sum()
    }
    /// Terms of s's exports to the world, by exporting sector.
    pub fn sector_world(&self, s: usize, j: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.nt];
        for r in 0..self.ge {
            for (o, v) in out.iter_mut().zip(self.sector_terms(s, r, j)) {
                *o += v;
            }
        }
        out
    }
    /// Terms of s's exports to the world.
    pub fn country(&self, s: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.nt];
        for r in 0..self.ge {
            for (o, v) in out.iter_mut().zip(self.pair(s, r)) {
                *o += v;
            }
        }
        out
    }
    pub fn country_exports(&self, s: usize) -> f64 {
        (0..self.ge).map(|r| self.pair_exports(s, r)).sum()
    }
    /// Largest |Σ terms − E| / |E| over exporter × importer × sector cells
    /// with E ≠ 0, and over exporter × importer pairs.
    pub fn max_identity_residual(&self) -> (f64, f64) {
        let mut cell: f64 = 0.0;
        let mut pair: f64 = 0.0;
        for s in 0..self.ge {
            for r in 0..self.ge {
                let mut ps = 0.0;
                for j in 0..self.ns {
                    let e = self.sector_exports(s, r, j);
                    let t: f64 = self.sector_terms(s, r, j).iter().sum();
                    ps += t;
                    if e != 0.0 {
                        cell = cell.max((t - e).abs() / e.abs());
                    }
                }
                let e = self.pair_exports(s, r);
                if e != 0.0 {
                    pair = pair.max((ps - e).abs() / e.abs());
                }
            }
        }
        (cell, pair)
    }
    /// Regroups the terms (e.g. WWZ into KWW) by summing the given lists of
    /// term indices; one list per new name.
    pub fn regroup(
        &self,
        method: &'static str,
        names: &[&'static str],
        map: &[&[usize]],
    ) -> Result<Self, GvcError> {
        if names.len() != map.len() {
            return Err(GvcError::Invalid(format!(
                "regroup: {} names but {} index lists; give one list per name",
                names.len(),
                map.len()
            )));
        }
        if let Some(bad) = map.iter().flat_map(|l| l.iter()).find(|&&q| q >= self.nt) {
            return Err(GvcError::Invalid(format!(
                "regroup: term index {bad} is out of range; {} has {} terms (0..{})",
                self.method, self.nt, self.nt
            )));
        }
        Ok(self.regroup_checked(method, names, map))
    }

    fn regroup_checked(
        &self,
        method: &'static str,
        names: &[&'static str],
        map: &[&[usize]],
    ) -> Self {
        let nt = names.len();
        let cells = self.exports.len();
        let mut values = vec![0.0; cells * nt];
        for c in 0..cells {
            for (k, src) in map.iter().enumerate() {
                values[c * nt + k] = src.iter().map(|&q| self.values[c * self.nt + q]).sum();
            }
        }
        Self {
            method,
            economies: self.economies.clone(),
            sectors: self.sectors.clone(),
            term_names: names.to_vec(),
            ge: self.ge,
            ns: self.ns,
            nt,
            values,
            exports: self.exports.clone(),
        }
    }
    /// The 9 KWW terms from a WWZ decomposition.
    pub fn kww_from_wwz(&self) -> Self {
        // WWZ_TO_KWW only names terms 0..16 of a 16-term WWZ result.
        self.regroup_checked("KWW (2014) from WWZ (2013)", &KWW_TERMS, &WWZ_TO_KWW)
    }
}

/// Aggregates of a Borin–Mancini decomposition (any level).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BmSummary {
    pub exgr: f64,
    /// Domestic content DC = DVA + DDC.
    pub dc: f64,
    pub dva: f64,
    pub vax: f64,
    /// Domestic value added absorbed by the direct importer (VAX1 + VAX2).
    pub davax: f64,
    pub reflection: f64,
    pub ddc: f64,
    /// Foreign content FC = FVA + FDC.
    pub fc: f64,
    pub fva: f64,
    pub fdc: f64,
    /// GVC-related trade: exports crossing at least two borders, E − DAVAX.
    pub gvc: f64,
    /// Forward GVC trade: DVA − DAVAX.
    pub gvc_forward: f64,
    /// Backward GVC trade: GVC − forward = DDC + FC.
    pub gvc_backward: f64,
}

impl BmSummary {
    pub fn from_terms(t: &[f64], exgr: f64) -> Self {
        let vax = t[0] + t[1] + t[2] + t[3];
        let reflection = t[4] + t[5];
        let dva = vax + reflection;
        let davax = t[0] + t[1];
        let gvc = exgr - davax;
        Self {
            exgr,
            dc: dva + t[6],
            dva,
            vax,
            davax,
            reflection,
            ddc: t[6],
            fc: t[7] + t[8],
            fva: t[7],
            fdc: t[8],
            gvc,
            gvc_forward: dva - davax,
            gvc_backward: gvc - (dva - davax),
        }
    }
}

fn matvec(m: MatRef<'_, f64>, v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; m.nrows()];
    for (j, &vj) in v.iter().enumerate() {
        if vj != 0.0 {
            for (i, o) in out.iter_mut().enumerate() {
                *o += m[(i, j)] * vj;
            }
        }
    }
    out
}

/// v' M for a row vector v.
fn vecmat(v: &[f64], m: MatRef<'_, f64>) -> Vec<f64> {
    (0..m.ncols())
        .map(|j| (0..m.nrows()).map(|i| v[i] * m[(i, j)]).sum())
        .collect()
}

fn cols_to_mat(cols: &[&[f64]]) -> Mat<f64> {
    let m = cols.first().map_or(0, |c| c.len());
    Mat::from_fn(m, cols.len(), |i, j| cols[j][i])
}

/// Everything the decompositions share: the dense B, local inverses,
/// B·Y and v'B by source economy. Forming it costs one n×n inverse.
pub struct Decomposer<'m> {
    model: &'m GvcModel,
    econ: Economies,
    ge: usize,
    ns: usize,
    b: Mat<f64>,
    idx: Vec<Vec<usize>>,
    econ_of: Vec<usize>,
    lss: Vec<Mat<f64>>,
    /// Final demand by destination economy, n × G.
    yee: Mat<f64>,
    ytot: Vec<f64>,
    /// B · yee, n × G.
    bye: Mat<f64>,
    /// B · y^D with y^D_i = yee[i, econ(i)].
    byd: Vec<f64>,
    /// Σ_{j∈r} z_ij + yee[i, r]: exports by destination economy (0 on own).
    eoff: Mat<f64>,
    etot: Vec<f64>,
    /// v_t' B_t·, G × n.
    vb: Mat<f64>,
    vbss: Vec<Vec<f64>>,
    vlss: Vec<Vec<f64>>,
    lrr_yrr: Vec<Vec<f64>>,
    lrr_er: Vec<Vec<f64>>,
    brr: Vec<Mat<f64>>,
}

impl<'m> Decomposer<'m> {
    pub fn new(model: &'m GvcModel, economies: &Economies) -> Result<Self, GvcError> {
        let l = model.labels();
        let n = model.n();
        let ns = l.n_sectors();
        let ge = economies.len();
        let a = model.a();
        let z = model.z();
        let x = model.x();
        let v = model.v();
        let idx: Vec<Vec<usize>> = (0..ge).map(|e| economies.industries(l, e)).collect();
        let mut econ_of = vec![0; n];
        for (e, is) in idx.iter().enumerate() {
            for &i in is {
                econ_of[i] = e;
            }
        }
        let b = model.leontief_inverse()?;
        let lss = idx
            .par_iter()
            .enumerate()
            .map(|(e, is)| {
                local_inverse(
                    gather(a, is, is).as_ref(),
                    &format!("the domestic block of {}", economies.names()[e]),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ye = model.ye();
        let mut yee = Mat::<f64>::zeros(n, ge);
        for r in 0..l.n_regions() {
            let e = economies.of_region(r);
            for i in 0..n {
                yee[(i, e)] += ye[(i, r)];
            }
        }
        let ytot: Vec<f64> = (0..n).map(|i| (0..ge).map(|e| yee[(i, e)]).sum()).collect();
        let bye = &b * &yee;
        let yd: Vec<f64> = (0..n).map(|i| yee[(i, econ_of[i])]).collect();
        let byd = matvec(b.as_ref(), &yd);
        let mut eoff = Mat::<f64>::zeros(n, ge);
        for j in 0..n {
            let e = econ_of[j];
            for i in 0..n {
                eoff[(i, e)] += z[(i, j)];
            }
        }
        for i in 0..n {
            for e in 0..ge {
                eoff[(i, e)] = if e == econ_of[i] {
                    0.0
                } else {
                    eoff[(i, e)] + yee[(i, e)]
                };
            }
        }
        let etot: Vec<f64> = (0..n)
            .map(|i| (0..ge).map(|e| eoff[(i, e)]).sum())
            .collect();
        let mut sv = Mat::<f64>::zeros(ge, n);
        for i in 0..n {
            sv[(econ_of[i], i)] = v[i];
        }
        let vb = &sv * &b;
        let mut vbss = Vec::with_capacity(ge);
        let mut vlss = Vec::with_capacity(ge);
        let mut lrr_yrr = Vec::with_capacity(ge);
        let mut lrr_er = Vec::with_capacity(ge);
        let mut brr = Vec::with_capacity(ge);
        for (e, is) in idx.iter().enumerate() {
            vbss.push(is.iter().map(|&k| vb[(e, k)]).collect::<Vec<_>>());
            let vs: Vec<f64> = is.iter().map(|&k| v[k]).collect();
            vlss.push(vecmat(&vs, lss[e].as_ref()));
            let yrr: Vec<f64> = is.iter().map(|&k| yee[(k, e)]).collect();
            let er: Vec<f64> = is.iter().map(|&k| etot[k]).collect();
            lrr_yrr.push(matvec(lss[e].as_ref(), &yrr));
            lrr_er.push(matvec(lss[e].as_ref(), &er));
            brr.push(gather(b.as_ref(), is, is));
        }
        let _ = x;
        Ok(Self {
            model,
            econ: economies.clone(),
            ge,
            ns,
            b,
            idx,
            econ_of,
            lss,
            yee,
            ytot,
            bye,
            byd,
            eoff,
            etot,
            vb,
            vbss,
            vlss,
            lrr_yrr,
            lrr_er,
            brr,
        })
    }

    pub fn economies(&self) -> &Economies {
        &self.econ
    }

    /// The dense global Leontief inverse B.
    pub fn b(&self) -> MatRef<'_, f64> {
        self.b.as_ref()
    }

    fn empty(&self, method: &'static str, names: &[&'static str]) -> BilateralTerms {
        let cells = self.ge * self.ge * self.ns;
        BilateralTerms {
            method,
            economies: self.econ.names().to_vec(),
            sectors: self.model.labels().sectors().to_vec(),
            term_names: names.to_vec(),
            ge: self.ge,
            ns: self.ns,
            nt: names.len(),
            values: vec![0.0; cells * names.len()],
            exports: vec![0.0; cells],
        }
    }

    fn col(&self, m: MatRef<'_, f64>, rows: &[usize], c: usize) -> Vec<f64> {
        rows.iter().map(|&i| m[(i, c)]).collect()
    }

    /// Runs `per_pair(s, r)` → (terms by local industry, exports by local
    /// industry) for every pair in parallel over exporters, and scatters the
    /// results onto sectors. Deterministic: each exporter owns its slice.
    fn assemble<F>(&self, mut out: BilateralTerms, per_exporter: F) -> BilateralTerms
    where
        F: Fn(usize) -> Vec<(usize, Vec<Vec<f64>>, Vec<f64>)> + Sync,
    {
        let nt = out.nt;
        let ns = self.ns;
        let ge = self.ge;
        let chunk_v = ge * ns * nt;
        let chunk_e = ge * ns;
        let results: Vec<_> = (0..ge).into_par_iter().map(&per_exporter).collect();
        for (s, pairs) in results.into_iter().enumerate() {
            let vals = &mut out.values[s * chunk_v..(s + 1) * chunk_v];
            let exps = &mut out.exports[s * chunk_e..(s + 1) * chunk_e];
            for (r, terms, e) in pairs {
                for (k, &i) in self.idx[s].iter().enumerate() {
                    let j = i % ns;
                    exps[r * ns + j] += e[k];
                    for (q, t) in terms.iter().enumerate() {
                        vals[(r * ns + j) * nt + q] += t[k];
                    }
                }
            }
        }
        out
    }

    /// WWZ (2013) 16 terms for every pair and exporting sector.
    pub fn wwz(&self) -> BilateralTerms {
        let out = self.empty("WWZ (2013)", &WWZ_TERMS);
        let a = self.model.a();
        let x = self.model.x();
        let b = self.b.as_ref();
        self.assemble(out, |s| {
            let is = &self.idx[s];
            let ms = is.len();
            let y_ss = self.col(self.yee.as_ref(), is, s);
            let y_stot: Vec<f64> = is.iter().map(|&k| self.ytot[k]).collect();
            let vbss = &self.vbss[s];
            let vlss = &self.vlss[s];
            let mut res = Vec::with_capacity(self.ge - 1);
            for r in 0..self.ge {
                if r == s {
                    continue;
                }
                let ir = &self.idx[r];
                let asr = gather(a, is, ir);
                let brs = gather(b, ir, is);
                let brr = &self.brr[r];
                let y_sr = self.col(self.yee.as_ref(), is, r);
                let y_rs = self.col(self.yee.as_ref(), ir, s);
                let y_rr = self.col(self.yee.as_ref(), ir, r);
                let w_r: Vec<f64> = ir
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| self.ytot[i] - y_rr[k] - y_rs[k])
                    .collect();
                let w_s: Vec<f64> = (0..ms).map(|k| y_stot[k] - 2.0 * y_ss[k]).collect();
                let y_sx: Vec<f64> = (0..ms).map(|k| y_stot[k] - y_ss[k]).collect();
                let bs = &brs * cols_to_mat(&[&y_ss, &w_s, &y_sx]);
                let br = brr * cols_to_mat(&[&w_r, &y_rs]);
                let q2 = &self.brr_yrr(r);
                let mr = ir.len();
                let mut q = Mat::<f64>::zeros(mr, 11);
                for (k, &i) in ir.iter().enumerate() {
                    let bye_rs = self.bye[(i, s)];
                    q[(k, 0)] = q2[k];
                    q[(k, 1)] = self.byd[i] - q2[k] - bs[(k, 0)];
                    q[(k, 2)] = br[(k, 0)];
                    q[(k, 3)] = x[i] - self.byd[i] - bye_rs - br[(k, 0)] - bs[(k, 1)];
                    q[(k, 4)] = br[(k, 1)];
                    q[(k, 5)] = bye_rs - br[(k, 1)] - bs[(k, 0)];
                    q[(k, 6)] = bs[(k, 0)];
                    q[(k, 7)] = bs[(k, 2)];
                    q[(k, 8)] = x[i];
                    q[(k, 9)] = self.lrr_yrr[r][k];
                    q[(k, 10)] = self.lrr_er[r][k];
                }
                let p = &asr * &q;
                let mut t = vec![vec![0.0; ms]; 16];
                let mut e = vec![0.0; ms];
                for k in 0..ms {
                    let c_r = self.vb[(r, is[k])];
                    let c_o = 1.0 - vbss[k] - c_r;
                    let vbl = vbss[k] - vlss[k];
                    t[0][k] = vbss[k] * y_sr[k];
                    for q in 0..8 {
                        t[1 + q][k] = vlss[k] * p[(k, q)];
                    }
                    t[9][k] = vbl * p[(k, 8)];
                    t[10][k] = c_r * y_sr[k];
                    t[11][k] = c_r * p[(k, 9)];
                    t[12][k] = c_r * p[(k, 10)];
                    t[13][k] = c_o * y_sr[k];
                    t[14][k] = c_o * p[(k, 9)];
                    t[15][k] = c_o * p[(k, 10)];
                    e[k] = self.eoff[(is[k], r)];
                }
                res.push((r, t, e));
            }
            res
        })
    }

    fn brr_yrr(&self, r: usize) -> Vec<f64> {
        let ir = &self.idx[r];
        let y_rr = self.col(self.yee.as_ref(), ir, r);
        matvec(self.brr[r].as_ref(), &y_rr)
    }

    /// M = A^F B Y_e (n × G) with A^F the trade blocks: A·B = B − I gives
    /// A^F B Y = B Y − Y − A^D B Y.
    fn forward_m(&self) -> Mat<f64> {
        let a = self.model.a();
        let n = self.model.n();
        let mut m = Mat::from_fn(n, self.ge, |i, c| self.bye[(i, c)] - self.yee[(i, c)]);
        for is in &self.idx {
            let att = gather(a, is, is);
            let blk = gather(self.bye.as_ref(), is, &(0..self.ge).collect::<Vec<_>>());
            let ad = &att * &blk;
            for (k, &i) in is.iter().enumerate() {
                for c in 0..self.ge {
                    m[(i, c)] -= ad[(k, c)];
                }
            }
        }
        m
    }

    /// Σ_{t≠s} v_t B^{xs}_ts for every exporter s (source-based FVA
    /// coefficients), via the inverse of a principal block of B.
    fn fva_source_coefficients(&self) -> Result<Vec<Vec<f64>>, GvcError> {
        let a = self.model.a();
        let n = self.model.n();
        // v'B summed over all economies: ≈ 1' (exactly in exact arithmetic).
        let colsum: Vec<f64> = (0..n)
            .map(|k| (0..self.ge).map(|t| self.vb[(t, k)]).sum())
            .collect();
        (0..self.ge)
            .into_par_iter()
            .map(|s| {
                let is = &self.idx[s];
                let rho: Vec<f64> = (0..n).map(|k| colsum[k] - self.vb[(s, k)]).collect();
                let rho_s: Vec<f64> = is.iter().map(|&k| rho[k]).collect();
                let bss_inv = inverse_of(
                    self.brr[s].as_ref(),
                    &format!("B_ss of {}", self.econ.names()[s]),
                )?;
                // c' = ρ_s' B_ss⁻¹
                let c = vecmat(&rho_s, bss_inv.as_ref());
                // w' = ρ' − c' B_{s,·}, then zero on s.
                let mut w = rho;
                for (k, &i) in is.iter().enumerate() {
                    if c[k] != 0.0 {
                        for (col, wv) in w.iter_mut().enumerate() {
                            *wv -= c[k] * self.b[(i, col)];
                        }
                    }
                }
                for &i in is {
                    w[i] = 0.0;
                }
                // f' = w' A_{·,s} L_ss
                let was: Vec<f64> = is
                    .iter()
                    .map(|&j| (0..n).map(|i| w[i] * a[(i, j)]).sum())
                    .collect();
                Ok(vecmat(&was, self.lss[s].as_ref()))
            })
            .collect()
    }

    /// K = (I + A_{J,C} B_{C,J})⁻¹ for the extraction of the links from
    /// industries J to industries C (see [`Perspective`]).
    fn extraction_core(
        &self,
        jset: &[usize],
        cset: &[usize],
        what: &str,
    ) -> Result<Mat<f64>, GvcError> {
        let a = self.model.a();
        let mut m = &gather(a, jset, cset) * &gather(self.b.as_ref(), cset, jset);
        for k in 0..jset.len() {
            m[(k, k)] += 1.0;
        }
        inverse_of(m.as_ref(), what)
    }

    /// Industries outside economy s (the C of the country and sector
    /// perspectives).
    fn outside(&self, s: usize) -> Vec<usize> {
        (0..self.model.n())
            .filter(|&i| self.econ_of[i] != s)
            .collect()
    }

    /// For each sector j: the positions in idx[s] of s's industries of
    /// sector j (one per region of the economy).
    fn sector_sets(&self, s: usize) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.ns];
        for (k, &i) in self.idx[s].iter().enumerate() {
            out[i % self.ns].push(k);
        }
        out
    }

    /// Source-based coefficients on the positions `pos` of s's industries
    /// from the extraction core K: v'B^x_{·J} = (v'B_{·J}) K, so
    /// DVA = (v_s B_sJ) K, total = 1'K, FVA = total − DVA, and DDC, FDC
    /// are what the extraction moved out of DVA and FVA.
    fn source_coefs_from_core(&self, s: usize, pos: &[usize], k: &Mat<f64>, out: &mut SourceCoefs) {
        let vbss = &self.vbss[s];
        for (c, &pc) in pos.iter().enumerate() {
            let mut dva = 0.0;
            let mut tot = 0.0;
            for (q, &pq) in pos.iter().enumerate() {
                dva += vbss[pq] * k[(q, c)];
                tot += k[(q, c)];
            }
            let fva = tot - dva;
            out[0][pc] = dva;
            out[1][pc] = vbss[pc] - dva;
            out[2][pc] = fva;
            out[3][pc] = (1.0 - vbss[pc]) - fva;
        }
    }

    /// Source-based coefficients for every exporter: one set per importer
    /// (bilateral) or one shared by all importers (country, sector).
    fn source_coefs(&self, p: Perspective) -> Result<Vec<Vec<SourceCoefs>>, GvcError> {
        let names = self.econ.names();
        match p {
            Perspective::Country => {
                let fva = self.fva_source_coefficients()?;
                Ok((0..self.ge)
                    .map(|s| {
                        let vbss = &self.vbss[s];
                        let vlss = &self.vlss[s];
                        let f = &fva[s];
                        let m = vbss.len();
                        vec![[
                            vlss.clone(),
                            (0..m).map(|k| vbss[k] - vlss[k]).collect(),
                            f.clone(),
                            (0..m).map(|k| 1.0 - vbss[k] - f[k]).collect(),
                        ]]
                    })
                    .collect())
            }
            Perspective::Bilateral => (0..self.ge)
                .into_par_iter()
                .map(|s| {
                    let m = self.idx[s].len();
                    let all: Vec<usize> = (0..m).collect();
                    (0..self.ge)
                        .map(|r| {
                            let mut c: SourceCoefs = std::array::from_fn(|_| vec![0.0; m]);
                            if r != s {
                                let k = self.extraction_core(
                                    &self.idx[s],
                                    &self.idx[r],
                                    &format!(
                                        "the bilateral extraction {} → {}",
                                        names[s], names[r]
                                    ),
                                )?;
                                self.source_coefs_from_core(s, &all, &k, &mut c);
                            }
                            Ok(c)
                        })
                        .collect::<Result<Vec<_>, GvcError>>()
                })
                .collect(),
            Perspective::Sector => (0..self.ge)
                .into_par_iter()
                .map(|s| {
                    let m = self.idx[s].len();
                    let cset = self.outside(s);
                    let mut c: SourceCoefs = std::array::from_fn(|_| vec![0.0; m]);
                    for (j, pos) in self.sector_sets(s).iter().enumerate() {
                        if pos.is_empty() {
                            continue;
                        }
                        let jset: Vec<usize> = pos.iter().map(|&k| self.idx[s][k]).collect();
                        let k = self.extraction_core(
                            &jset,
                            &cset,
                            &format!(
                                "the sector extraction of {} {}",
                                names[s],
                                self.model.labels().sectors()[j]
                            ),
                        )?;
                        self.source_coefs_from_core(s, pos, &k, &mut c);
                    }
                    Ok(vec![c])
                })
                .collect(),
        }
    }

    /// Borin & Mancini source-based decomposition (exporting-country
    /// perspective), terms [`BM_TERMS`].
    pub fn bm_source(&self) -> Result<BilateralTerms, GvcError> {
        self.bm_source_in(Perspective::Country)
    }

    /// Borin & Mancini source-based decomposition in the given
    /// [`Perspective`], terms [`BM_TERMS`]. The VAX/REF split of DVA uses
    /// the same forward flows in every perspective (as exvatools does);
    /// only the value-added coefficients in front change.
    pub fn bm_source_in(&self, persp: Perspective) -> Result<BilateralTerms, GvcError> {
        let method = match persp {
            Perspective::Country => "Borin-Mancini source-based",
            Perspective::Bilateral => "Borin-Mancini source-based, bilateral perspective",
            Perspective::Sector => "Borin-Mancini source-based, sector perspective",
        };
        let out = self.empty(method, &BM_TERMS);
        let a = self.model.a();
        let x = self.model.x();
        let m = self.forward_m();
        let ms_row: Vec<f64> = (0..self.model.n())
            .map(|i| (0..self.ge).map(|c| m[(i, c)]).sum())
            .collect();
        let coefs = self.source_coefs(persp)?;
        Ok(self.assemble(out, |s| {
            let is = &self.idx[s];
            let msz = is.len();
            let mut res = Vec::with_capacity(self.ge - 1);
            for r in 0..self.ge {
                if r == s {
                    continue;
                }
                let cf = &coefs[s][if coefs[s].len() == 1 { 0 } else { r }];
                let (dva, ddc, fva, fdc) = (&cf[0], &cf[1], &cf[2], &cf[3]);
                let ir = &self.idx[r];
                let asr = gather(a, is, ir);
                let y_sr = self.col(self.yee.as_ref(), is, r);
                let mut u = Mat::<f64>::zeros(ir.len(), 4);
                for (k, &i) in ir.iter().enumerate() {
                    let y_rs = self.yee[(i, s)];
                    let y_rr = self.yee[(i, r)];
                    u[(k, 0)] = self.ytot[i] - y_rr - y_rs;
                    u[(k, 1)] = ms_row[i] - m[(i, s)];
                    u[(k, 2)] = y_rs;
                    u[(k, 3)] = m[(i, s)];
                }
                let lu = &self.lss[r] * &u;
                let mut q = Mat::<f64>::zeros(ir.len(), 6);
                for (k, &i) in ir.iter().enumerate() {
                    q[(k, 0)] = self.lrr_yrr[r][k];
                    for c in 0..4 {
                        q[(k, c + 1)] = lu[(k, c)];
                    }
                    q[(k, 5)] = x[i];
                }
                let p = &asr * &q;
                let mut t = vec![vec![0.0; msz]; 9];
                let mut e = vec![0.0; msz];
                for k in 0..msz {
                    let ek = p[(k, 5)] + y_sr[k];
                    e[k] = ek;
                    t[0][k] = dva[k] * y_sr[k];
                    for c in 0..5 {
                        t[1 + c][k] = dva[k] * p[(k, c)];
                    }
                    t[6][k] = ddc[k] * ek;
                    t[7][k] = fva[k] * ek;
                    t[8][k] = fdc[k] * ek;
                }
                res.push((r, t, e));
            }
            res
        }))
    }

    /// Borin & Mancini sink-based decomposition (exporting-country
    /// perspective), terms [`BM_TERMS`].
    pub fn bm_sink(&self) -> Result<BilateralTerms, GvcError> {
        let out = self.empty("Borin-Mancini sink-based", &BM_TERMS);
        let a = self.model.a();
        let x = self.model.x();
        let n = self.model.n();
        let b = self.b.as_ref();
        // Three aggregated columns of X^s = B^{xs} R for every s.
        let xs_all: Vec<Mat<f64>> = (0..self.ge)
            .into_par_iter()
            .map(|s| {
                let is = &self.idx[s];
                let msz = is.len();
                let c = gather(b, &(0..n).collect::<Vec<_>>(), is);
                // D = A[s, ·] with s's own columns zeroed.
                let mut d = Mat::<f64>::zeros(msz, n);
                for (k, &i) in is.iter().enumerate() {
                    for j in 0..n {
                        if self.econ_of[j] != s {
                            d[(k, j)] = a[(i, j)];
                        }
                    }
                }
                let mut ik = &d * &c;
                for k in 0..msz {
                    ik[(k, k)] += 1.0;
                }
                let kinv = inverse_of(
                    ik.as_ref(),
                    &format!("Woodbury core of {}", self.econ.names()[s]),
                )?;
                // F Π = [−(Y_s* − Y_ss), 0, E_s*] on s's rows.
                let mut f = Mat::<f64>::zeros(msz, 3);
                for (k, &i) in is.iter().enumerate() {
                    f[(k, 0)] = -(self.ytot[i] - self.yee[(i, s)]);
                    f[(k, 2)] = self.etot[i];
                }
                let cf = &c * &f;
                let mut br = Mat::<f64>::zeros(n, 3);
                for i in 0..n {
                    br[(i, 0)] = x[i] - self.bye[(i, s)] + cf[(i, 0)];
                    br[(i, 1)] = self.bye[(i, s)] + cf[(i, 1)];
                    br[(i, 2)] = cf[(i, 2)];
                }
                let t = &d * &br;
                let kt = &kinv * &t;
                let ckt = &c * &kt;
                Ok(Mat::from_fn(n, 3, |i, q| br[(i, q)] - ckt[(i, q)]))
            })
            .collect::<Result<Vec<_>, GvcError>>()?;
        Ok(self.assemble(out, |s| {
            let msz = self.idx[s].len();
            let xs = &xs_all[s];
            let all: Vec<usize> = (0..msz).collect();
            let mut res = Vec::with_capacity(self.ge - 1);
            for r in 0..self.ge {
                if r == s {
                    continue;
                }
                let xr = gather(xs.as_ref(), &self.idx[r], &[0, 1, 2]);
                let mut t = vec![vec![0.0; msz]; 9];
                let mut e = vec![0.0; msz];
                self.sink_pair(s, r, &all, xr.as_ref(), &mut t, &mut e);
                res.push((r, t, e));
            }
            res
        }))
    }

    /// Sink-based terms of the exports to r of the industries of s at
    /// positions `rows`, given X_r (n_r × 3): the rows of r of
    /// B^x [Y^x summed over destinations ≠ s, Y_{·s}, Ẽ], with B^x, Y^x and
    /// Ẽ those of the perspective's extraction.
    fn sink_pair(
        &self,
        s: usize,
        r: usize,
        rows: &[usize],
        xr: MatRef<'_, f64>,
        t: &mut [Vec<f64>],
        e: &mut [f64],
    ) {
        let a = self.model.a();
        let x = self.model.x();
        let is: Vec<usize> = rows.iter().map(|&k| self.idx[s][k]).collect();
        let vbss = &self.vbss[s];
        let ir = &self.idx[r];
        let asr = gather(a, &is, ir);
        let y_sr = self.col(self.yee.as_ref(), &is, r);
        // M^s_r = (I − A_rr) X^s_r − R_r on the three columns.
        let arr = gather(a, ir, ir);
        let axr = &arr * xr;
        let mut u = Mat::<f64>::zeros(ir.len(), 5);
        for (k, &i) in ir.iter().enumerate() {
            let y_rs = self.yee[(i, s)];
            let y_rr = self.yee[(i, r)];
            u[(k, 0)] = self.ytot[i] - y_rr - y_rs;
            u[(k, 1)] = xr[(k, 0)] - axr[(k, 0)] - (self.ytot[i] - y_rs);
            u[(k, 2)] = y_rs;
            u[(k, 3)] = xr[(k, 1)] - axr[(k, 1)] - y_rs;
            u[(k, 4)] = xr[(k, 2)] - axr[(k, 2)];
        }
        let lu = &self.lss[r] * &u;
        // Columns: VAX2, VAX3, VAX4, REF1, REF2, DDC inputs, then x_r.
        let mut q = Mat::<f64>::zeros(ir.len(), 7);
        for (k, &i) in ir.iter().enumerate() {
            q[(k, 0)] = self.lrr_yrr[r][k];
            for c in 0..5 {
                q[(k, c + 1)] = lu[(k, c)];
            }
            q[(k, 6)] = x[i];
        }
        let p = &asr * &q;
        for (kk, &k) in rows.iter().enumerate() {
            let ek = p[(kk, 6)] + y_sr[kk];
            e[k] = ek;
            let fc = 1.0 - vbss[k];
            t[0][k] = vbss[k] * y_sr[kk];
            for c in 0..6 {
                t[1 + c][k] = vbss[k] * p[(kk, c)];
            }
            t[8][k] = fc * p[(kk, 5)];
            t[7][k] = fc * ek - t[8][k];
        }
    }

    /// For the extraction J → C of exporter s with core K: the final sales
    /// yexp_J that Y^x drops and the exports ẽ_J it re-injects, as the
    /// m × 2 matrix [yexp, ẽ], and K A_{J,C} (BR)_C (m × 3) for the three
    /// columns of R in [`Self::sink_pair`].
    fn sink_prep(
        &self,
        s: usize,
        jset: &[usize],
        cset: &[usize],
        k: &Mat<f64>,
        yexp: &[f64],
        ej: &[f64],
    ) -> (Mat<f64>, Mat<f64>) {
        let x = self.model.x();
        let yj = cols_to_mat(&[yexp, ej]);
        let bcy = &gather(self.b.as_ref(), cset, jset) * &yj;
        let brc = Mat::from_fn(cset.len(), 3, |q, c| {
            let i = cset[q];
            match c {
                0 => x[i] - self.bye[(i, s)] - bcy[(q, 0)],
                1 => self.bye[(i, s)],
                _ => bcy[(q, 1)],
            }
        });
        let w = &gather(self.model.a(), jset, cset) * &brc;
        (yj, k * &w)
    }

    /// Rows r of B^x R (n_r × 3) from [`Self::sink_prep`]:
    /// B^x R = BR − B_{·J} K A_{J,C} (BR)_C.
    fn sink_rows(
        &self,
        s: usize,
        jset: &[usize],
        yj: &Mat<f64>,
        kw: &Mat<f64>,
        r: usize,
    ) -> Mat<f64> {
        let x = self.model.x();
        let ir = &self.idx[r];
        let brj = gather(self.b.as_ref(), ir, jset);
        let bry = &brj * yj;
        let corr = &brj * kw;
        Mat::from_fn(ir.len(), 3, |q, c| {
            let i = ir[q];
            let base = match c {
                0 => x[i] - self.bye[(i, s)] - bry[(q, 0)],
                1 => self.bye[(i, s)],
                _ => bry[(q, 1)],
            };
            base - corr[(q, c)]
        })
    }

    /// Borin & Mancini sink-based decomposition in the given
    /// [`Perspective`], terms [`BM_TERMS`]. Domestic value added is
    /// weighted by v_s B_ss in every perspective (it is counted the last
    /// time it crosses the unit's border); what changes is the part of the
    /// flow that will cross that border again (DDC, FDC) and the forward
    /// flows of VAX4 and REF2, computed in the world without the unit's
    /// exports: x = B^x (Y^x + Ẽ).
    pub fn bm_sink_in(&self, persp: Perspective) -> Result<BilateralTerms, GvcError> {
        let (method, bilateral) = match persp {
            Perspective::Country => return self.bm_sink(),
            Perspective::Bilateral => ("Borin-Mancini sink-based, bilateral perspective", true),
            Perspective::Sector => ("Borin-Mancini sink-based, sector perspective", false),
        };
        let names = self.econ.names();
        let out = self.empty(method, &BM_TERMS);
        // Extraction cores: per (s, r) for bilateral, per (s, j) for sector.
        let cores: Vec<Vec<Option<Mat<f64>>>> = (0..self.ge)
            .into_par_iter()
            .map(|s| {
                if bilateral {
                    (0..self.ge)
                        .map(|r| {
                            if r == s {
                                return Ok(None);
                            }
                            self.extraction_core(
                                &self.idx[s],
                                &self.idx[r],
                                &format!("the bilateral extraction {} → {}", names[s], names[r]),
                            )
                            .map(Some)
                        })
                        .collect::<Result<Vec<_>, GvcError>>()
                } else {
                    let cset = self.outside(s);
                    self.sector_sets(s)
                        .iter()
                        .enumerate()
                        .map(|(j, pos)| {
                            if pos.is_empty() {
                                return Ok(None);
                            }
                            let jset: Vec<usize> = pos.iter().map(|&k| self.idx[s][k]).collect();
                            self.extraction_core(
                                &jset,
                                &cset,
                                &format!(
                                    "the sector extraction of {} {}",
                                    names[s],
                                    self.model.labels().sectors()[j]
                                ),
                            )
                            .map(Some)
                        })
                        .collect::<Result<Vec<_>, GvcError>>()
                }
            })
            .collect::<Result<Vec<_>, GvcError>>()?;
        Ok(self.assemble(out, |s| {
            let is = &self.idx[s];
            let msz = is.len();
            let mut res = Vec::with_capacity(self.ge - 1);
            if bilateral {
                let all: Vec<usize> = (0..msz).collect();
                for (r, core) in cores[s].iter().enumerate() {
                    let Some(k) = core else { continue };
                    let yexp = self.col(self.yee.as_ref(), is, r);
                    let ej = self.col(self.eoff.as_ref(), is, r);
                    let (yj, kw) = self.sink_prep(s, is, &self.idx[r], k, &yexp, &ej);
                    let xr = self.sink_rows(s, is, &yj, &kw, r);
                    let mut t = vec![vec![0.0; msz]; 9];
                    let mut e = vec![0.0; msz];
                    self.sink_pair(s, r, &all, xr.as_ref(), &mut t, &mut e);
                    res.push((r, t, e));
                }
            } else {
                let cset = self.outside(s);
                let sets = self.sector_sets(s);
                let preps: Vec<Option<SinkPrep>> = sets
                    .iter()
                    .zip(&cores[s])
                    .map(|(pos, k)| {
                        let k = k.as_ref()?;
                        let jset: Vec<usize> = pos.iter().map(|&q| is[q]).collect();
                        let yexp: Vec<f64> = jset
                            .iter()
                            .map(|&i| self.ytot[i] - self.yee[(i, s)])
                            .collect();
                        let ej: Vec<f64> = jset.iter().map(|&i| self.etot[i]).collect();
                        let (yj, kw) = self.sink_prep(s, &jset, &cset, k, &yexp, &ej);
                        Some((jset, yj, kw))
                    })
                    .collect();
                for r in 0..self.ge {
                    if r == s {
                        continue;
                    }
                    let mut t = vec![vec![0.0; msz]; 9];
                    let mut e = vec![0.0; msz];
                    for (pos, prep) in sets.iter().zip(&preps) {
                        let Some((jset, yj, kw)) = prep else { continue };
                        let xr = self.sink_rows(s, jset, yj, kw, r);
                        self.sink_pair(s, r, pos, xr.as_ref(), &mut t, &mut e);
                    }
                    res.push((r, t, e));
                }
            }
            res
        }))
    }
}
