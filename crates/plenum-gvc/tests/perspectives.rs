//! Borin–Mancini bilateral and sector perspectives: identities, a
//! brute-force cross-check with the modified inverses formed densely, and
//! the cases where a perspective must coincide with the country one.
//! Seeded random tables (SplitMix64 seeds 1..=3 and 11 with a two-region
//! bloc, as in identities.rs; 21..=22 for the degenerate cases).

mod common;

use common::inv_i_minus;
use plenum_gvc::decomp::Perspective;
use plenum_gvc::synthetic::random_table;
use plenum_gvc::{BilateralTerms, Decomposer, Economies, GvcModel};
use plenum_table::{Mat, MrioTable};

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

fn sub(m: &Mat<f64>, rows: &[usize], cols: &[usize]) -> Mat<f64> {
    Mat::from_fn(rows.len(), cols.len(), |i, j| m[(rows[i], cols[j])])
}

/// Dense world: A, B, v, x, Y by destination economy, E by destination
/// economy, industries of each economy.
struct World {
    n: usize,
    ns: usize,
    a: Mat<f64>,
    b: Mat<f64>,
    v: Vec<f64>,
    yee: Mat<f64>,
    eoff: Mat<f64>,
    idx: Vec<Vec<usize>>,
    econ_of: Vec<usize>,
}

impl World {
    fn new(t: &MrioTable, ec: &Economies) -> Self {
        let m = GvcModel::new(t).unwrap();
        let n = m.n();
        let g = ec.len();
        let a = m.a().to_owned();
        let b = inv_i_minus(&a);
        let idx: Vec<Vec<usize>> = (0..g).map(|e| ec.industries(t.labels(), e)).collect();
        let mut econ_of = vec![0; n];
        for (e, is) in idx.iter().enumerate() {
            for &i in is {
                econ_of[i] = e;
            }
        }
        let mut yee = Mat::<f64>::zeros(n, g);
        for r in 0..t.labels().n_regions() {
            for i in 0..n {
                yee[(i, ec.of_region(r))] += m.ye()[(i, r)];
            }
        }
        let x: Vec<f64> = (0..n).map(|i| m.x()[i]).collect();
        let mut eoff = Mat::<f64>::zeros(n, g);
        for i in 0..n {
            for e in 0..g {
                if e != econ_of[i] {
                    eoff[(i, e)] =
                        yee[(i, e)] + idx[e].iter().map(|&j| a[(i, j)] * x[j]).sum::<f64>();
                }
            }
        }
        Self {
            n,
            ns: t.labels().n_sectors(),
            a,
            b,
            v: (0..n).map(|i| m.v()[i]).collect(),
            yee,
            eoff,
            idx,
            econ_of,
        }
    }

    fn g(&self) -> usize {
        self.idx.len()
    }

    /// B^x = (I − A^x)⁻¹ with A^x = A without the links J → C.
    fn bx(&self, jset: &[usize], cset: &[usize]) -> Mat<f64> {
        let mut ax = self.a.clone();
        for &i in jset {
            for &c in cset {
                ax[(i, c)] = 0.0;
            }
        }
        inv_i_minus(&ax)
    }

    /// Σ_{j≠r} A_rj w_j.
    fn arj(&self, r: usize, w: &Mat<f64>) -> Mat<f64> {
        let not_r: Vec<usize> = (0..self.n).filter(|&j| self.econ_of[j] != r).collect();
        &sub(&self.a, &self.idx[r], &not_r) * &sub(w, &not_r, &[0])
    }

    /// Σ over destination economies l with keep(l) of column l of m.
    fn ysel(&self, m: &Mat<f64>, keep: &dyn Fn(usize) -> bool) -> Mat<f64> {
        Mat::from_fn(m.nrows(), 1, |i, _| {
            (0..self.g()).filter(|&l| keep(l)).map(|l| m[(i, l)]).sum()
        })
    }

    /// v_s B_s· restricted to column i, and Σ over all economies.
    fn vb_col(&self, bm: &Mat<f64>, s: usize, i: usize) -> (f64, f64) {
        let dom: f64 = self.idx[s].iter().map(|&k| self.v[k] * bm[(k, i)]).sum();
        let tot: f64 = (0..self.n).map(|k| self.v[k] * bm[(k, i)]).sum();
        (dom, tot)
    }
}

/// Brute-force terms of the extraction J → C of exporter s for the
/// exports to r of every industry in J, added into `out[(r, sector)]`.
fn brute_into(
    w: &World,
    s: usize,
    jset: &[usize],
    cset: &[usize],
    sector_unit: bool,
    src: &mut [Vec<[f64; 9]>],
    snk: &mut [Vec<[f64; 9]>],
) {
    let g = w.g();
    let is = &w.idx[s];
    let bx = w.bx(jset, cset);
    // Forward flows of the source-based split (global B).
    let by_ns = &w.b * &w.ysel(&w.yee, &|l| l != s);
    let by_s = &w.b * &w.ysel(&w.yee, &|l| l == s);
    // Sink: Y^x without the unit's final exports, Ẽ the unit's exports.
    let mut yx = w.yee.clone();
    let mut et = Mat::<f64>::zeros(w.n, 1);
    for &i in jset {
        for l in 0..g {
            let dropped = if sector_unit {
                l != s
            } else {
                w.econ_of[cset[0]] == l
            };
            if dropped {
                yx[(i, l)] = 0.0;
                et[(i, 0)] += w.eoff[(i, l)];
            }
        }
    }
    let bxy_ns = &bx * &w.ysel(&yx, &|l| l != s);
    let bxy_s = &bx * &w.ysel(&yx, &|l| l == s);
    let bxe = &bx * &et;
    for r in (0..g).filter(|&r| r != s) {
        if !sector_unit && w.econ_of[cset[0]] != r {
            continue;
        }
        let ir = &w.idx[r];
        let al = &sub(&w.a, is, ir) * &inv_i_minus(&sub(&w.a, ir, ir));
        let yc = |keep: &dyn Fn(usize) -> bool| sub(&w.ysel(&w.yee, keep), ir, &[0]);
        let v2 = &al * &yc(&|l| l == r);
        let v3 = &al * &yc(&|l| l != r && l != s);
        let r1 = &al * &yc(&|l| l == s);
        let v4_src = &al * &w.arj(r, &by_ns);
        let r2_src = &al * &w.arj(r, &by_s);
        let v4_snk = &al * &w.arj(r, &bxy_ns);
        let r2_snk = &al * &w.arj(r, &bxy_s);
        let dc_snk = &al * &w.arj(r, &bxe);
        for (k, &i) in is.iter().enumerate() {
            if !jset.contains(&i) {
                continue;
            }
            let e = w.eoff[(i, r)];
            let (vb, _) = w.vb_col(&w.b, s, i);
            let (dva, tot) = w.vb_col(&bx, s, i);
            let fva = tot - dva;
            let y_sr = w.yee[(i, r)];
            let vecs = [
                y_sr,
                v2[(k, 0)],
                v3[(k, 0)],
                v4_src[(k, 0)],
                r1[(k, 0)],
                r2_src[(k, 0)],
            ];
            let mut ts = [0.0; 9];
            for q in 0..6 {
                ts[q] = dva * vecs[q];
            }
            ts[6] = (vb - dva) * e;
            ts[7] = fva * e;
            ts[8] = (1.0 - vb - fva) * e;
            let vecs = [
                y_sr,
                v2[(k, 0)],
                v3[(k, 0)],
                v4_snk[(k, 0)],
                r1[(k, 0)],
                r2_snk[(k, 0)],
            ];
            let mut tk = [0.0; 9];
            for q in 0..6 {
                tk[q] = vb * vecs[q];
            }
            tk[6] = vb * dc_snk[(k, 0)];
            tk[8] = (1.0 - vb) * dc_snk[(k, 0)];
            tk[7] = (1.0 - vb) * e - tk[8];
            let j = i % w.ns;
            for q in 0..9 {
                src[r][j][q] += ts[q];
                snk[r][j][q] += tk[q];
            }
        }
    }
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
fn perspective_terms_add_up_to_gross_exports() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let d = Decomposer::new(&m, &ec).unwrap();
        for p in [Perspective::Bilateral, Perspective::Sector] {
            let src = d.bm_source_in(p).unwrap();
            let snk = d.bm_sink_in(p).unwrap();
            assert_identity(&src);
            assert_identity(&snk);
            // Every cell has exports and nonzero terms: the test is not empty.
            assert!(src.country_exports(0) > 0.0);
            // As at country level (Borin & Mancini's result), source- and
            // sink-based DVA, DDC, FVA and FDC coincide for the
            // perspective's own unit: the pair, or the sector to the world.
            let g = ec.len();
            let ns = t.labels().n_sectors();
            for s in 0..g {
                let units: Vec<(Vec<f64>, Vec<f64>, f64)> = if p == Perspective::Bilateral {
                    (0..g)
                        .filter(|&r| r != s)
                        .map(|r| (src.pair(s, r), snk.pair(s, r), src.pair_exports(s, r)))
                        .collect()
                } else {
                    (0..ns)
                        .map(|j| {
                            (
                                src.sector_world(s, j),
                                snk.sector_world(s, j),
                                src.country_exports(s),
                            )
                        })
                        .collect()
                };
                for (a, b, e) in units {
                    let agg = |x: &[f64]| [x[..6].iter().sum::<f64>(), x[6], x[7], x[8]];
                    let (a, b) = (agg(&a), agg(&b));
                    for q in 0..4 {
                        assert!(
                            (a[q] - b[q]).abs() < 1e-9 * e,
                            "{p:?} s{s} aggregate {q}: {} vs {}",
                            a[q],
                            b[q]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn perspectives_against_brute_force_extraction() {
    let mut worst: f64 = 0.0;
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let d = Decomposer::new(&m, &ec).unwrap();
        let w = World::new(&t, &ec);
        let g = w.g();
        for p in [Perspective::Bilateral, Perspective::Sector] {
            let got_src = d.bm_source_in(p).unwrap();
            let got_snk = d.bm_sink_in(p).unwrap();
            for s in 0..g {
                let mut src = vec![vec![[0.0; 9]; w.ns]; g];
                let mut snk = vec![vec![[0.0; 9]; w.ns]; g];
                match p {
                    Perspective::Bilateral => {
                        for r in (0..g).filter(|&r| r != s) {
                            brute_into(&w, s, &w.idx[s], &w.idx[r], false, &mut src, &mut snk);
                        }
                    }
                    _ => {
                        let outside: Vec<usize> = (0..w.n).filter(|&i| w.econ_of[i] != s).collect();
                        for j in 0..w.ns {
                            let jset: Vec<usize> = w.idx[s]
                                .iter()
                                .copied()
                                .filter(|&i| i % w.ns == j)
                                .collect();
                            brute_into(&w, s, &jset, &outside, true, &mut src, &mut snk);
                        }
                    }
                }
                for r in (0..g).filter(|&r| r != s) {
                    let scale = got_src.pair_exports(s, r);
                    assert!(scale > 0.0);
                    for j in 0..w.ns {
                        for (bt, want, what) in [
                            (&got_src, &src[r][j], "source"),
                            (&got_snk, &snk[r][j], "sink"),
                        ] {
                            let got = bt.sector_terms(s, r, j);
                            for q in 0..9 {
                                let err = (got[q] - want[q]).abs() / scale;
                                worst = worst.max(err);
                                assert!(
                                    err < 1e-9,
                                    "{what} {p:?} s{s} r{r} j{j} term {q}: {} vs {}",
                                    got[q],
                                    want[q]
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!("perspectives vs dense extraction: largest error / pair exports {worst:.1e}");
}

/// With two economies the pair is the whole of the exporter's exports, and
/// with one sector the sector is the exporter: the perspectives must then
/// give the country decomposition.
#[test]
fn degenerate_perspectives_equal_country() {
    for (regions, sectors, p) in [(2, 4, Perspective::Bilateral), (4, 1, Perspective::Sector)] {
        for seed in 21..=22u64 {
            let t = random_table(regions, sectors, 2, 0.2, seed).unwrap();
            let ec = Economies::regions(t.labels());
            let m = GvcModel::new(&t).unwrap();
            let d = Decomposer::new(&m, &ec).unwrap();
            for (a, b) in [
                (d.bm_source().unwrap(), d.bm_source_in(p).unwrap()),
                (d.bm_sink().unwrap(), d.bm_sink_in(p).unwrap()),
            ] {
                for s in 0..regions {
                    for r in (0..regions).filter(|&r| r != s) {
                        let e = a.pair_exports(s, r);
                        for j in 0..sectors {
                            let (x, y) = (a.sector_terms(s, r, j), b.sector_terms(s, r, j));
                            for q in 0..9 {
                                assert!(
                                    (x[q] - y[q]).abs() < 1e-10 * e,
                                    "{p:?} {} s{s} r{r} j{j} q{q}: {} vs {}",
                                    b.method,
                                    x[q],
                                    y[q]
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Removing fewer links leaves more value added counted the first time:
/// source-based DVA per cell is at least the country perspective's, and
/// the double-counted terms are non-negative. In the sector perspective of
/// a single-region exporter, B^x_{·j} = B_{·j}/(1 + κ), so the double
/// counted share is the same for domestic and foreign content.
#[test]
fn perspective_orderings_and_sector_shares() {
    for (t, ec) in cases() {
        let m = GvcModel::new(&t).unwrap();
        let d = Decomposer::new(&m, &ec).unwrap();
        let c = d.bm_source().unwrap();
        let g = ec.len();
        let ns = t.labels().n_sectors();
        for p in [Perspective::Bilateral, Perspective::Sector] {
            // The perspective must change something: cells whose DVA moves
            // by more than 1e-6 of the pair's exports.
            let mut changed = 0;
            let b = d.bm_source_in(p).unwrap();
            let k = d.bm_sink_in(p).unwrap();
            for s in 0..g {
                for r in (0..g).filter(|&r| r != s) {
                    let e = c.pair_exports(s, r);
                    for j in 0..ns {
                        let (tc, tb) = (c.sector_terms(s, r, j), b.sector_terms(s, r, j));
                        let dva = |x: &[f64]| x[..6].iter().sum::<f64>();
                        assert!(dva(tb) >= dva(tc) - 1e-12 * e, "{p:?} DVA s{s} r{r} j{j}");
                        if dva(tb) - dva(tc) > 1e-6 * e {
                            changed += 1;
                        }
                        assert!(tb[7] >= tc[7] - 1e-12 * e, "{p:?} FVA s{s} r{r} j{j}");
                        for x in [tb, k.sector_terms(s, r, j)] {
                            assert!(x[6] >= -1e-12 * e && x[8] >= -1e-12 * e);
                        }
                        let single = ec.industries(t.labels(), s).len() == ns;
                        if p == Perspective::Sector && single {
                            let dc = dva(tb) + tb[6];
                            let fc = tb[7] + tb[8];
                            assert!(
                                (tb[6] / dc - tb[8] / fc).abs() < 1e-9,
                                "sector shares s{s} r{r} j{j}: {} vs {}",
                                tb[6] / dc,
                                tb[8] / fc
                            );
                        }
                    }
                }
            }
            assert!(
                changed > g,
                "{p:?}: only {changed} cells differ from the country perspective"
            );
        }
    }
}
