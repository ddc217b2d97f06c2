//! Chokepoint scores against brute force on seeded random tables: the
//! extraction loss by re-solving the whole system per supplier, exposure
//! with the dense L, bottleneck loss with the dense Ghosh inverse.

mod common;

use common::inv_i_minus;
use faer::MatRef;
use plenum_gvc::synthetic::random_table;
use plenum_gvc::{
    chokepoints, chokepoints_with, ChokepointOptions, DownstreamPropagation, GvcModel, Selection,
};
use plenum_table::Mat;

#[test]
fn scores_match_brute_force() {
    for seed in [5u64, 6, 7] {
        let t = random_table(5, 4, 2, 0.3, seed).unwrap();
        let m = GvcModel::new(&t).unwrap();
        let l = t.labels();
        let n = m.n();
        let target = Selection::new(l, &["R02"], None).unwrap();
        let rep = chokepoints(
            &m,
            &target,
            &ChokepointOptions {
                hits: 4,
                top_k: 3,
                critical_input_share: 0.02,
            },
        )
        .unwrap();
        let tt = target.industries(l);
        assert_eq!(rep.suppliers.len(), n - tt.len());
        let a = m.a().to_owned();
        let lmat = inv_i_minus(&a);
        let x: Vec<f64> = (0..n).map(|i| m.x()[i]).collect();
        let ytot = Mat::from_fn(n, 1, |i, _| {
            (0..l.n_regions()).map(|r| m.ye()[(i, r)]).sum::<f64>()
        });
        let xsum: f64 = x.iter().sum();
        let xt: f64 = tt.iter().map(|&j| x[j]).sum();
        let va_t: f64 = tt.iter().map(|&j| m.v()[j] * x[j]).sum();
        // Ghosh inverse of the target block.
        let bt = Mat::from_fn(tt.len(), tt.len(), |p, q| m.z()[(tt[p], tt[q])] / x[tt[p]]);
        let g = inv_i_minus(&bt);
        for c in &rep.suppliers {
            let i = c.supplier;
            // Extraction: zero A[i, T] and re-solve.
            let mut a2 = a.clone();
            for &j in &tt {
                a2[(i, j)] = 0.0;
            }
            let x2 = inv_i_minus(&a2) * &ytot;
            let loss: f64 = (0..n).map(|k| x[k] - x2[(k, 0)]).sum();
            // Brute force differences carry round-off of order 1e-16 · Σx.
            assert!(
                (c.extraction_output_loss - loss).abs() <= 1e-9 * loss.abs() + 1e-13 * xsum,
                "{}: {} vs {}",
                c.name,
                c.extraction_output_loss,
                loss
            );
            for &(j, v) in &c.hits_extraction {
                assert!((v - (x[j] - x2[(j, 0)])).abs() <= 1e-9 * v.abs() + 1e-13 * xsum);
            }
            // Exposure.
            let e: f64 = tt.iter().map(|&j| lmat[(i, j)] * x[j]).sum::<f64>() / xt;
            assert!((c.exposure_output - e).abs() <= 1e-10 * e.max(1e-12));
            // Bottleneck.
            let s = i % l.n_sectors();
            let delta: Vec<f64> = tt
                .iter()
                .map(|&j| {
                    let tot: f64 = (0..l.n_regions())
                        .map(|r| m.z()[(r * l.n_sectors() + s, j)])
                        .sum();
                    // Only inputs with a cost share of at least 2 % are critical.
                    if m.z()[(i, j)] > 0.0 && tot >= 0.02 * x[j] {
                        m.z()[(i, j)] / tot * x[j]
                    } else {
                        0.0
                    }
                })
                .collect();
            let mut bn = 0.0;
            for (q, &k) in tt.iter().enumerate() {
                let dx: f64 = (0..tt.len()).map(|p| delta[p] * g[(p, q)]).sum();
                bn += m.v()[k] * dx.clamp(0.0, x[k]);
            }
            assert!(
                (c.bottleneck_va_loss - bn).abs() <= 1e-9 * bn.max(1e-9),
                "{}: {} vs {bn}",
                c.name,
                c.bottleneck_va_loss
            );
            assert!((c.bottleneck_va_share - bn / va_t).abs() < 1e-12);
        }
        // Ranks are permutations.
        for get in [
            |c: &plenum_gvc::Chokepoint| c.rank_exposure,
            |c: &plenum_gvc::Chokepoint| c.rank_bottleneck,
            |c: &plenum_gvc::Chokepoint| c.rank_extraction,
        ] {
            let mut r: Vec<usize> = rep.suppliers.iter().map(get).collect();
            r.sort_unstable();
            assert_eq!(r, (1..=rep.suppliers.len()).collect::<Vec<_>>());
        }
        for s in rep.spearman {
            assert!((-1.0..=1.0).contains(&s));
        }
    }
}

/// A propagation hook that keeps only the direct loss: bottleneck loss is
/// then Σ_j v_j δ_j exactly.
struct DirectOnly;
impl DownstreamPropagation for DirectOnly {
    fn propagate(&self, direct: MatRef<'_, f64>) -> Result<Mat<f64>, plenum_gvc::GvcError> {
        Ok(direct.to_owned())
    }
    fn name(&self) -> &str {
        "direct only"
    }
}

#[test]
fn propagation_hook_is_used() {
    let t = random_table(4, 3, 1, 0.2, 9).unwrap();
    let m = GvcModel::new(&t).unwrap();
    let target = Selection::new(t.labels(), &["R00"], None).unwrap();
    let d = chokepoints_with(&m, &target, &ChokepointOptions::default(), &DirectOnly).unwrap();
    let g = chokepoints(&m, &target, &ChokepointOptions::default()).unwrap();
    assert_eq!(d.propagation, "direct only");
    // Downstream propagation can only add to the direct loss.
    for (a, b) in d.suppliers.iter().zip(&g.suppliers) {
        assert_eq!(a.supplier, b.supplier);
        assert!(b.bottleneck_va_loss >= a.bottleneck_va_loss - 1e-12);
    }
    assert!(g
        .suppliers
        .iter()
        .zip(&d.suppliers)
        .any(|(b, a)| b.bottleneck_va_loss > a.bottleneck_va_loss * 1.01));
}

/// A broken hook that drops a column: the shape check turns it into an
/// error instead of an out-of-bounds panic.
struct DropsAColumn;
impl DownstreamPropagation for DropsAColumn {
    fn propagate(&self, direct: MatRef<'_, f64>) -> Result<Mat<f64>, plenum_gvc::GvcError> {
        Ok(direct
            .subcols(0, direct.ncols().saturating_sub(1))
            .to_owned())
    }
    fn name(&self) -> &str {
        "drops a column"
    }
}

#[test]
fn propagation_hook_of_wrong_shape_is_an_error() {
    let t = random_table(4, 3, 1, 0.2, 9).unwrap();
    let m = GvcModel::new(&t).unwrap();
    let target = Selection::new(t.labels(), &["R00"], None).unwrap();
    let e = chokepoints_with(&m, &target, &ChokepointOptions::default(), &DropsAColumn)
        .expect_err("a wrong shape must be an error");
    let msg = e.to_string();
    assert!(
        msg.contains("drops a column") && msg.contains("3 × 8 matrix for a 3 × 9 shock"),
        "{msg}"
    );
}
