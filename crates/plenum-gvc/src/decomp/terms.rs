//! The result of a decomposition: terms per exporter, importer and
//! exporting sector with the gross exports they add up to, and the
//! aggregates of a Borin–Mancini result.

use super::{KWW_TERMS, WWZ_TO_KWW};
use crate::error::GvcError;

/// Terms of a decomposition for every exporter s, importer r ≠ s and
/// exporting sector j, with the gross exports they add up to.
#[derive(Debug, Clone)]
pub struct BilateralTerms {
    pub method: &'static str,
    pub economies: Vec<String>,
    pub sectors: Vec<String>,
    pub term_names: Vec<&'static str>,
    pub(super) ge: usize,
    pub(super) ns: usize,
    pub(super) nt: usize,
    /// ((s·G + r)·N + j)·T + k
    pub(super) values: Vec<f64>,
    /// (s·G + r)·N + j
    pub(super) exports: Vec<f64>,
}

impl BilateralTerms {
    pub(super) fn slot(&self, s: usize, r: usize, j: usize) -> usize {
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
