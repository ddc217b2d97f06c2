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
//!
//! Code map: this file holds the term tables, the shared [`Decomposer`]
//! and WWZ/KWW; `terms` the result container [`BilateralTerms`] and
//! [`BmSummary`]; `borin_mancini` the source- and sink-based methods.

use faer::{Mat, MatRef};
use rayon::prelude::*;

use crate::error::GvcError;
use crate::groups::Economies;
use crate::linalg::{gather, local_inverse};
use crate::model::GvcModel;

mod borin_mancini;
mod terms;

pub use terms::{BilateralTerms, BmSummary};

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
}
