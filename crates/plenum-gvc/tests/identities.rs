//! Accounting identities and brute-force cross-checks of the export
//! decompositions, value-added origin and participation, on seeded random
//! tables (SplitMix64 seeds 1..=3, 4 regions × 3 sectors).

mod common;

use common::{inv_i_minus, rel};
use plenum_gvc::selfreliance::{va_origin, Basis};
use plenum_gvc::synthetic::random_table;
use plenum_gvc::{wwz_participation, BilateralTerms, Decomposer, Economies, GvcModel, Selection};
use plenum_table::{Mat, MrioTable};

/// Dense objects of a table for brute-force formulas, by economy blocks.
struct Dense {
    a: Mat<f64>,
    b: Mat<f64>,
    v: Vec<f64>,
    x: Vec<f64>,
    yee: Mat<f64>, // n × G
    idx: Vec<Vec<usize>>,
}

impl Dense {
    fn new(t: &MrioTable, ec: &Economies) -> Self {
        let m = GvcModel::new(t).unwrap();
        let n = m.n();
        let a = m.a().to_owned();
        let b = inv_i_minus(&a);
        let g = ec.len();
        let mut yee = Mat::<f64>::zeros(n, g);
        for r in 0..t.labels().n_regions() {
            for i in 0..n {
                yee[(i, ec.of_region(r))] += m.ye()[(i, r)];
            }
        }
        Self {
            a,
            b,
            v: (0..n).map(|i| m.v()[i]).collect(),
            x: (0..n).map(|i| m.x()[i]).collect(),
            yee,
            idx: (0..g).map(|e| ec.industries(t.labels(), e)).collect(),
        }
    }
    fn blk(&self, m: &Mat<f64>, s: usize, r: usize) -> Mat<f64> {
        Mat::from_fn(self.idx[s].len(), self.idx[r].len(), |i, j| {
            m[(self.idx[s][i], self.idx[r][j])]
        })
    }
    fn ycol(&self, s: usize, r: usize) -> Mat<f64> {
        Mat::from_fn(self.idx[s].len(), 1, |i, _| self.yee[(self.idx[s][i], r)])
    }
    fn ysum(&self, s: usize, excl: &[usize]) -> Mat<f64> {
        let g = self.yee.ncols();
        Mat::from_fn(self.idx[s].len(), 1, |i, _| {
            (0..g)
                .filter(|r| !excl.contains(r))
                .map(|r| self.yee[(self.idx[s][i], r)])
                .sum()
        })
    }
    fn vrow(&self, s: usize) -> Mat<f64> {
        Mat::from_fn(1, self.idx[s].len(), |_, j| self.v[self.idx[s][j]])
    }
    fn lss(&self, s: usize) -> Mat<f64> {
        inv_i_minus(&self.blk(&self.a, s, s))
    }
    fn xcol(&self, s: usize) -> Mat<f64> {
        Mat::from_fn(self.idx[s].len(), 1, |i, _| self.x[self.idx[s][i]])
    }
    /// E_s* per industry.
    fn etot(&self, s: usize) -> Mat<f64> {
        let g = self.idx.len();
        let mut e = self.ysum(s, &[s]);
        for r in 0..g {
            if r != s {
                e += &self.blk(&self.a, s, r) * &self.xcol(r);
            }
        }
        e
    }
    fn esr(&self, s: usize, r: usize) -> Mat<f64> {
        &self.blk(&self.a, s, r) * &self.xcol(r) + self.ycol(s, r)
    }
}

fn scalar(m: Mat<f64>) -> f64 {
    m[(0, 0)]
}

fn colsum(m: &Mat<f64>) -> f64 {
    (0..m.nrows()).map(|i| m[(i, 0)]).sum()
}

fn cases() -> Vec<(MrioTable, Economies)> {
    let mut out = Vec::new();
    for seed in 1..=3u64 {
        let t = random_table(4, 3, 2, 0.25, seed).unwrap();
        let ec = Economies::regions(t.labels());
        out.push((t, ec));
    }
    let t = random_table(5, 3, 1, 0.2, 11).unwrap();
    let ec = Economies::with_groups(t.labels(), &[("BLOC", &["R01", "R03"])]).unwrap();
    out.push((t, ec));
    out
}

fn assert_identity(bt: &BilateralTerms) {
    let (cell, pair) = bt.max_identity_residual();
    assert!(
        cell < 1e-9 && pair < 1e-9,
        "{}: residual cell {cell:e} pair {pair:e}",
        bt.method
    );
}

#[test]
fn terms_add_up_to_gross_exports() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let d = Decomposer::new(&m, &ec).unwrap();
        assert_identity(&d.wwz());
        assert_identity(&d.wwz().kww_from_wwz());
        assert_identity(&d.bm_source().unwrap());
        assert_identity(&d.bm_sink().unwrap());
    }
}

/// KWW (2014) eq. (36) computed from its own formulas, against the WWZ
/// aggregation.
#[test]
fn kww_country_formulas_equal_wwz_aggregation() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let kww = Decomposer::new(&m, &ec).unwrap().wwz().kww_from_wwz();
        let dn = Dense::new(&t, &ec);
        let g = ec.len();
        for s in 0..g {
            let vs = dn.vrow(s);
            let bss = dn.blk(&dn.b, s, s);
            let lss = dn.lss(s);
            let es = dn.etot(s);
            let mut k = [0.0; 9];
            k[0] = scalar(&vs * &bss * dn.ysum(s, &[s]));
            for r in (0..g).filter(|&r| r != s) {
                let bsr = dn.blk(&dn.b, s, r);
                k[1] += scalar(&vs * &bsr * dn.ycol(r, r));
                k[2] += scalar(&vs * &bsr * dn.ysum(r, &[s, r]));
                k[3] += scalar(&vs * &bsr * dn.ycol(r, s));
                let bal = &bsr * dn.blk(&dn.a, r, s) * &lss;
                k[4] += scalar(&vs * &bal * dn.ycol(s, s));
                k[5] += scalar(&vs * &bal * &es);
                let lrr = dn.lss(r);
                let asr = dn.blk(&dn.a, s, r);
                for tt in (0..g).filter(|&tt| tt != s) {
                    let vtb = &dn.vrow(tt) * dn.blk(&dn.b, tt, s);
                    k[6] += scalar(&vtb * dn.ycol(s, r));
                    k[7] += scalar(&vtb * &asr * &lrr * dn.ycol(r, r));
                    k[8] += scalar(&vtb * &asr * &lrr * dn.etot(r));
                }
            }
            let got = kww.country(s);
            let e = kww.country_exports(s);
            for q in 0..9 {
                assert!(
                    (got[q] - k[q]).abs() < 1e-9 * e,
                    "economy {s} KWW term {}: {} vs {}",
                    q + 1,
                    got[q],
                    k[q]
                );
            }
        }
    }
}

/// Borin–Mancini terms from the formulas with B^{xs} formed by brute force
/// (inverting A with s's intermediate exports removed) for every pair.
#[test]
fn borin_mancini_against_brute_force_extraction() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let d = Decomposer::new(&m, &ec).unwrap();
        let src = d.bm_source().unwrap();
        let snk = d.bm_sink().unwrap();
        let dn = Dense::new(&t, &ec);
        let g = ec.len();
        let n = dn.x.len();
        let gall: Vec<usize> = (0..g).collect();
        for s in 0..g {
            let mut ax = dn.a.clone();
            for &i in &dn.idx[s] {
                for j in 0..n {
                    if !dn.idx[s].contains(&j) {
                        ax[(i, j)] = 0.0;
                    }
                }
            }
            let bx = inv_i_minus(&ax);
            // Y^{xs} (s's final exports dropped) and Ẽ.
            let mut yx = dn.yee.clone();
            for &i in &dn.idx[s] {
                for r in 0..g {
                    if r != s {
                        yx[(i, r)] = 0.0;
                    }
                }
            }
            let es = dn.etot(s);
            let mut et = Mat::<f64>::zeros(n, 1);
            for (k, &i) in dn.idx[s].iter().enumerate() {
                et[(i, 0)] = es[(k, 0)];
            }
            let byx = &bx * &yx; // n × G
            let bxe = &bx * &et; // n × 1
            let by = &dn.b * &dn.yee;
            let vs = dn.vrow(s);
            let lss = dn.lss(s);
            let bss = dn.blk(&dn.b, s, s);
            let vl = &vs * &lss;
            let vb = &vs * &bss;
            let mut fva_coef = Mat::<f64>::zeros(1, dn.idx[s].len());
            for tt in (0..g).filter(|&tt| tt != s) {
                fva_coef += &dn.vrow(tt) * dn.blk(&bx, tt, s);
            }
            for r in (0..g).filter(|&r| r != s) {
                let asr = dn.blk(&dn.a, s, r);
                let lrr = dn.lss(r);
                let esr = dn.esr(s, r);
                let ar = |mm: &Mat<f64>, cols: &dyn Fn(usize) -> bool| -> Mat<f64> {
                    // Σ_{j≠r} A_rj Σ_{l: cols(l)} mm_j,l
                    let mut acc = Mat::<f64>::zeros(dn.idx[r].len(), 1);
                    for j in (0..g).filter(|&j| j != r) {
                        let col = Mat::from_fn(dn.idx[j].len(), 1, |i, _| {
                            gall.iter()
                                .filter(|&&l| cols(l))
                                .map(|&l| mm[(dn.idx[j][i], l)])
                                .sum::<f64>()
                        });
                        acc += &dn.blk(&dn.a, r, j) * &col;
                    }
                    acc
                };
                let not_s = |l: usize| l != s;
                let only_s = |l: usize| l == s;
                let al = &asr * &lrr;
                let terms_src = [
                    scalar(&vl * dn.ycol(s, r)),
                    scalar(&vl * &al * dn.ycol(r, r)),
                    scalar(&vl * &al * dn.ysum(r, &[s, r])),
                    scalar(&vl * &al * ar(&by, &not_s)),
                    scalar(&vl * &al * dn.ycol(r, s)),
                    scalar(&vl * &al * ar(&by, &only_s)),
                    scalar(&(&vb - &vl) * &esr),
                    scalar(&fva_coef * &esr),
                    colsum(&esr) - scalar(&vb * &esr) - scalar(&fva_coef * &esr),
                ];
                let ddc_in = {
                    let mut acc = Mat::<f64>::zeros(dn.idx[r].len(), 1);
                    for j in (0..g).filter(|&j| j != r) {
                        let col = Mat::from_fn(dn.idx[j].len(), 1, |i, _| bxe[(dn.idx[j][i], 0)]);
                        acc += &dn.blk(&dn.a, r, j) * &col;
                    }
                    acc
                };
                let ones = Mat::from_fn(1, dn.idx[s].len(), |_, _| 1.0);
                let fc = &ones - &vb;
                let fdc = scalar(&fc * &al * &ddc_in);
                let terms_snk = [
                    scalar(&vb * dn.ycol(s, r)),
                    scalar(&vb * &al * dn.ycol(r, r)),
                    scalar(&vb * &al * dn.ysum(r, &[s, r])),
                    scalar(&vb * &al * ar(&byx, &not_s)),
                    scalar(&vb * &al * dn.ycol(r, s)),
                    scalar(&vb * &al * ar(&byx, &only_s)),
                    scalar(&vb * &al * &ddc_in),
                    scalar(&fc * &esr) - fdc,
                    fdc,
                ];
                let e = colsum(&esr);
                let got_src = src.pair(s, r);
                let got_snk = snk.pair(s, r);
                for q in 0..9 {
                    assert!(
                        (got_src[q] - terms_src[q]).abs() < 1e-9 * e,
                        "src s{s} r{r} term {q}: {} vs {}",
                        got_src[q],
                        terms_src[q]
                    );
                    assert!(
                        (got_snk[q] - terms_snk[q]).abs() < 1e-9 * e,
                        "snk s{s} r{r} term {q}: {} vs {}",
                        got_snk[q],
                        terms_snk[q]
                    );
                }
            }
        }
    }
}

/// Country-level equalities the papers prove: source- and sink-based DVA
/// and DDC coincide, and equal the WWZ/KWW domestic terms.
#[test]
fn country_level_equalities_across_methods() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let d = Decomposer::new(&m, &ec).unwrap();
        let (w, src, snk) = (d.wwz(), d.bm_source().unwrap(), d.bm_sink().unwrap());
        for s in 0..ec.len() {
            let e = w.country_exports(s);
            let (cw, cs, ck) = (w.country(s), src.country(s), snk.country(s));
            let dva_w: f64 = cw[..8].iter().sum();
            let dva_s: f64 = cs[..6].iter().sum();
            let dva_k: f64 = ck[..6].iter().sum();
            assert!((dva_w - dva_s).abs() < 1e-9 * e && (dva_s - dva_k).abs() < 1e-9 * e);
            assert!((cw[8] + cw[9] - cs[6]).abs() < 1e-9 * e);
            assert!((cs[6] - ck[6]).abs() < 1e-9 * e);
            // Foreign content: BM FVA + FDC = WWZ terms 11..16.
            let fc_w: f64 = cw[10..].iter().sum();
            assert!((cs[7] + cs[8] - fc_w).abs() < 1e-9 * e);
            assert!((ck[7] + ck[8] - fc_w).abs() < 1e-9 * e);
        }
    }
}

#[test]
fn va_origin_identities() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let l = t.labels();
        let kww = Decomposer::new(&m, &ec).unwrap().wwz().kww_from_wwz();
        for e in 0..ec.len() {
            let regions: Vec<usize> = ec.members(e).to_vec();
            let sel = Selection::of_regions(l, &regions);
            for basis in [
                Basis::Output,
                Basis::GrossExports,
                Basis::FinalGoods,
                Basis::Absorption,
            ] {
                let o = va_origin(&m, &sel, basis).unwrap();
                assert!(rel(o.domestic + o.foreign, o.total) < 1e-12, "{basis:?}");
                let sum: f64 = o.by_source.iter().sum();
                assert!(rel(sum, o.total) < 1e-12);
            }
            // Foreign value added in gross exports = KWW FVA_FIN + FVA_INT + FDC;
            // domestic = DVA + RDV + DDC.
            let o = va_origin(&m, &sel, Basis::GrossExports).unwrap();
            let c = kww.country(e);
            assert!(rel(o.total, kww.country_exports(e)) < 1e-12);
            assert!(
                rel(o.foreign, c[6] + c[7] + c[8]) < 1e-9,
                "{} vs {}",
                o.foreign,
                c[6] + c[7] + c[8]
            );
            assert!(rel(o.domestic, c[..6].iter().sum()) < 1e-9);
        }
    }
}

#[test]
fn wwz_participation_splits_add_up() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let p = wwz_participation(&m, &ec).unwrap();
        for f in p.forward.iter().chain(p.backward.iter()) {
            let s = f.domestic + f.traditional + f.gvc_simple + f.gvc_complex;
            assert!(rel(s, f.total) < 1e-9, "{s} vs {}", f.total);
            assert!(f.gvc_simple >= -1e-12 && f.gvc_complex >= -1e-9);
        }
        // World: value added = final goods.
        let va: f64 = p.forward.iter().map(|f| f.total).sum();
        let y: f64 = p.backward.iter().map(|f| f.total).sum();
        assert!(rel(va, y) < 1e-9);
        let gf: f64 = p.forward.iter().map(|f| f.gvc_simple + f.gvc_complex).sum();
        let gb: f64 = p
            .backward
            .iter()
            .map(|f| f.gvc_simple + f.gvc_complex)
            .sum();
        assert!(
            rel(gf, gb) < 1e-9,
            "world GVC forward {gf} vs backward {gb}"
        );
    }
}
