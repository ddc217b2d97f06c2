//! GVC participation and position.
//!
//! **Wang, Wei, Yu & Zhu (2017a), production-based participation.** With
//! L the block-diagonal of local inverses L_ss, A^F the trade blocks of A,
//! y the final sales of each industry, y^D the part bought at home and
//! y^F = y − y^D, value added v̂ B ŷ splits into
//! ```text
//! D      v̂ L ŷ^D                     produced and absorbed at home
//! RT     v̂ L ŷ^F                     traditional trade in final goods
//! GVC_S  v̂ L A^F L ŷ^D               simple GVC: crosses one border, absorbed by the importer
//! GVC_C  v̂ L A^F (B ŷ − L ŷ^D)       complex GVC: the rest
//! ```
//! Row sums (by the industry creating the value added, "forward") add to
//! v_i x_i; column sums (by the industry making the final good,
//! "backward") add to y_j. Forward participation = (GVC_S + GVC_C)/VA,
//! backward = (GVC_S + GVC_C)/y.
//!
//! **Koopman, Powers, Wang & Wei (2010), export-based participation and
//! position.** From the KWW terms of an exporter's gross exports E:
//! IV = DVA_INTrex (value added in intermediates the direct importer
//! re-exports to third countries), FV = FVA_FIN + FVA_INT + FDC (foreign
//! content). Participation = (IV + FV)/E; position = ln(1 + IV/E) −
//! ln(1 + FV/E), positive when an economy sits upstream. This crate's
//! position measure is Koopman et al. (2010); WWZ (2017b)'s
//! production-length position is not implemented.

use faer::Mat;

use crate::decomp::BilateralTerms;
use crate::error::GvcError;
use crate::groups::Economies;
use crate::linalg::{gather, local_inverse};
use crate::model::GvcModel;

/// WWZ (2017a) split of one industry's value added (forward) or final
/// goods (backward).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WwzSplit {
    pub total: f64,
    pub domestic: f64,
    pub traditional: f64,
    pub gvc_simple: f64,
    pub gvc_complex: f64,
}

impl WwzSplit {
    pub fn participation(&self) -> f64 {
        (self.gvc_simple + self.gvc_complex) / self.total
    }
    fn add(&mut self, o: &WwzSplit) {
        self.total += o.total;
        self.domestic += o.domestic;
        self.traditional += o.traditional;
        self.gvc_simple += o.gvc_simple;
        self.gvc_complex += o.gvc_complex;
    }
}

/// Forward and backward WWZ (2017a) splits by industry, with economy sums.
#[derive(Debug, Clone)]
pub struct WwzParticipation {
    pub forward: Vec<WwzSplit>,
    pub backward: Vec<WwzSplit>,
    pub economies: Vec<String>,
    pub forward_by_economy: Vec<WwzSplit>,
    pub backward_by_economy: Vec<WwzSplit>,
}

/// WWZ (2017a) participation for every industry. Costs the local inverses,
/// one n² product and one transposed solve.
pub fn wwz_participation(
    model: &GvcModel,
    economies: &Economies,
) -> Result<WwzParticipation, GvcError> {
    let l = model.labels();
    let n = model.n();
    let ge = economies.len();
    let a = model.a();
    let v = model.v();
    let x = model.x();
    let ye = model.ye();
    let mut econ_of = vec![0; n];
    let idx: Vec<Vec<usize>> = (0..ge).map(|e| economies.industries(l, e)).collect();
    for (e, is) in idx.iter().enumerate() {
        for &i in is {
            econ_of[i] = e;
        }
    }
    let mut y = vec![0.0; n];
    let mut yd = vec![0.0; n];
    for i in 0..n {
        for r in 0..l.n_regions() {
            y[i] += ye[(i, r)];
            if economies.of_region(r) == econ_of[i] {
                yd[i] += ye[(i, r)];
            }
        }
    }
    let yf: Vec<f64> = (0..n).map(|i| y[i] - yd[i]).collect();
    let lss = idx
        .iter()
        .enumerate()
        .map(|(e, is)| {
            local_inverse(
                gather(a, is, is).as_ref(),
                &format!("the domestic block of {}", economies.names()[e]),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Block-diagonal L applied to column vectors, and from the left to rows.
    let lmul = |w: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0; n];
        for (e, is) in idx.iter().enumerate() {
            for (p, &i) in is.iter().enumerate() {
                out[i] = is
                    .iter()
                    .enumerate()
                    .map(|(q, &k)| lss[e][(p, q)] * w[k])
                    .sum();
            }
        }
        out
    };
    let lmul_left = |w: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0; n];
        for (e, is) in idx.iter().enumerate() {
            for (q, &j) in is.iter().enumerate() {
                out[j] = is
                    .iter()
                    .enumerate()
                    .map(|(p, &k)| w[k] * lss[e][(p, q)])
                    .sum();
            }
        }
        out
    };
    // A^F w and w' A^F.
    let af_mul = |w: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0; n];
        for j in 0..n {
            if w[j] != 0.0 {
                for i in 0..n {
                    if econ_of[i] != econ_of[j] {
                        out[i] += a[(i, j)] * w[j];
                    }
                }
            }
        }
        out
    };
    let af_left = |w: &[f64]| -> Vec<f64> {
        (0..n)
            .map(|j| {
                (0..n)
                    .filter(|&i| econ_of[i] != econ_of[j])
                    .map(|i| w[i] * a[(i, j)])
                    .sum()
            })
            .collect()
    };
    let l_yd = lmul(&yd);
    let l_yf = lmul(&yf);
    let xs: Vec<f64> = (0..n).map(|i| x[i]).collect();
    let gvc_all = lmul(&af_mul(&xs));
    let gvc_s = lmul(&af_mul(&l_yd));
    let forward: Vec<WwzSplit> = (0..n)
        .map(|i| WwzSplit {
            total: v[i] * x[i],
            domestic: v[i] * l_yd[i],
            traditional: v[i] * l_yf[i],
            gvc_simple: v[i] * gvc_s[i],
            gvc_complex: v[i] * (gvc_all[i] - gvc_s[i]),
        })
        .collect();
    let vs: Vec<f64> = (0..n).map(|i| v[i]).collect();
    let g = lmul_left(&vs);
    let h = af_left(&g);
    let hl = lmul_left(&h);
    let hm = Mat::from_fn(n, 1, |i, _| h[i]);
    let hb = model.leontief_solve_t(hm.as_ref())?;
    let backward: Vec<WwzSplit> = (0..n)
        .map(|j| WwzSplit {
            total: y[j],
            domestic: g[j] * yd[j],
            traditional: g[j] * yf[j],
            gvc_simple: hl[j] * yd[j],
            gvc_complex: hb[(j, 0)] * y[j] - hl[j] * yd[j],
        })
        .collect();
    let mut fe = vec![WwzSplit::default(); ge];
    let mut be = vec![WwzSplit::default(); ge];
    for i in 0..n {
        fe[econ_of[i]].add(&forward[i]);
        be[econ_of[i]].add(&backward[i]);
    }
    Ok(WwzParticipation {
        forward,
        backward,
        economies: economies.names().to_vec(),
        forward_by_economy: fe,
        backward_by_economy: be,
    })
}

/// Koopman et al. (2010) indices of one exporter (or exporting sector).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KoopmanIndex {
    pub exports: f64,
    /// Indirect value-added exports (KWW DVA_INTrex).
    pub iv: f64,
    /// Foreign value added in exports (KWW FVA_FIN + FVA_INT + FDC).
    pub fv: f64,
    pub participation: f64,
    pub position: f64,
}

impl KoopmanIndex {
    fn from_kww(t: &[f64], e: f64) -> Self {
        let iv = t[2];
        let fv = t[6] + t[7] + t[8];
        Self {
            exports: e,
            iv,
            fv,
            participation: (iv + fv) / e,
            position: (iv / e).ln_1p() - (fv / e).ln_1p(),
        }
    }
}

/// Koopman et al. (2010) participation and position of every economy, from
/// a KWW decomposition ([`BilateralTerms::kww_from_wwz`]).
pub fn koopman_2010(kww: &BilateralTerms) -> Vec<KoopmanIndex> {
    (0..kww.economies.len())
        .map(|s| KoopmanIndex::from_kww(&kww.country(s), kww.country_exports(s)))
        .collect()
}

/// The same by exporting sector of economy `s`.
pub fn koopman_2010_sectors(kww: &BilateralTerms, s: usize) -> Vec<KoopmanIndex> {
    (0..kww.sectors.len())
        .map(|j| {
            let e: f64 = (0..kww.economies.len())
                .map(|r| kww.sector_exports(s, r, j))
                .sum();
            KoopmanIndex::from_kww(&kww.sector_world(s, j), e)
        })
        .collect()
}
