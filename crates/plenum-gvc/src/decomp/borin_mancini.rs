//! Borin & Mancini (2019, 2023), source-based and sink-based, in the
//! country, bilateral and sector perspectives (formulas in the parent
//! module's docs): the extractions by Woodbury updates of the shared B.

use faer::{Mat, MatRef};
use rayon::prelude::*;

use super::{cols_to_mat, vecmat, BilateralTerms, Decomposer, Perspective, BM_TERMS};
use crate::error::GvcError;
use crate::linalg::{gather, inverse_of};

/// Coefficients of DVA, DDC, FVA and FDC per unit of exports of each
/// industry of the exporter (source-based).
type SourceCoefs = [Vec<f64>; 4];

/// A sector extraction of the sink-based decomposition: the industries J,
/// and the two matrices of `Decomposer::sink_prep`.
type SinkPrep = (Vec<usize>, Mat<f64>, Mat<f64>);

impl<'m> Decomposer<'m> {
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
