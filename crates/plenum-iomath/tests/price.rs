//! The Leontief price model (`plenum_iomath::price`) against Miller & Blair
//! (2009), §2.6, on the two-sector example of §2.3 (A = [[.15, .25],
//! [.2, .05]], value added per unit v = [0.65, 0.70], det(I − A) = 0.7575),
//! hand-solved partitioned and wedged systems, and the identity that the
//! partitioned model reproduces the full one.

use faer::{col, mat, Col, Mat};
use plenum_iomath::price::{prices, PriceModel, PriceShock, Wedge};
use plenum_iomath::Leontief;
use rand::{Rng, SeedableRng};

const DET: f64 = 0.7575;

fn a() -> Mat<f64> {
    mat![[0.15, 0.25], [0.2, 0.05]]
}
fn v() -> Col<f64> {
    col![0.65, 0.70]
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want}");
}

#[test]
fn base_prices_are_one_and_cost_push_is_v_times_l() {
    let lu = Leontief::factor(&a()).unwrap();
    let p = prices(&lu, v().as_ref()).unwrap();
    close(p[0], 1.0, 1e-15, "p1");
    close(p[1], 1.0, 1e-15, "p2");
    // M&B §2.6: Δp' = Δv' L; a rise of 0.1 in sector 1's value added per
    // unit raises p1 by 0.1·l11 and p2 by 0.1·l12.
    let p = prices(&lu, col![0.75, 0.70].as_ref()).unwrap();
    close(p[0], 1.0 + 0.1 * 0.95 / DET, 1e-15, "p1 after cost push");
    close(p[1], 1.0 + 0.1 * 0.25 / DET, 1e-15, "p2 after cost push");
}

#[test]
fn full_model_through_price_model_matches() {
    let m = PriceModel::new(a().as_ref(), v().as_ref(), &[0, 1]).unwrap();
    let s = m.solve(&PriceShock::default()).unwrap();
    close(s.p[0], 1.0, 1e-15, "p1");
    close(s.p[1], 1.0, 1e-15, "p2");
    assert_eq!(s.iterations, 0);
    assert!(s.residual < 1e-15);
}

#[test]
fn exogenous_import_price() {
    // Sector 1 is abroad at price 1.1: p2 = (0.70 + 0.25·1.1) / (1 − 0.05).
    let m = PriceModel::new(a().as_ref(), v().as_ref(), &[1]).unwrap();
    assert_eq!(m.exogenous(), &[0]);
    let s = m
        .solve(&PriceShock {
            exogenous: Some(col![1.1]),
            ..Default::default()
        })
        .unwrap();
    close(s.p[0], 1.1, 0.0, "given p1");
    close(s.p[1], 0.975 / 0.95, 1e-15, "p2");
    // A wedge of 20% on the imported input is the same as a 20% higher
    // import price for this buyer.
    let w = m
        .solve(&PriceShock {
            exogenous: Some(col![1.0]),
            wedges: vec![Wedge {
                from: 0,
                to: 1,
                rate: 0.1,
            }],
            ..Default::default()
        })
        .unwrap();
    close(w.p[1], 0.975 / 0.95, 1e-15, "p2 with a wedge");
}

#[test]
fn wedge_within_the_endogenous_set() {
    // τ = 0.2 on the flow 1 → 2: ã12 = 0.3; hand-solved
    // 0.85 p1 − 0.2 p2 = 0.65, −0.3 p1 + 0.95 p2 = 0.70, det 0.7475.
    let m = PriceModel::new(a().as_ref(), v().as_ref(), &[0, 1]).unwrap();
    let s = m
        .solve(&PriceShock {
            wedges: vec![Wedge {
                from: 0,
                to: 1,
                rate: 0.2,
            }],
            ..Default::default()
        })
        .unwrap();
    close(s.p[0], 0.7575 / 0.7475, 1e-13, "p1");
    close(s.p[1], 0.79 / 0.7475, 1e-13, "p2");
    assert!(s.iterations > 0 && s.residual < 1e-12, "{s:?}");
}

#[test]
fn partitioned_model_reproduces_the_full_model() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for case in 0..20 {
        let n = 3 + case % 6;
        // Productive: column sums of A at most 0.8.
        let mut a = Mat::from_fn(n, n, |_, _| rng.random::<f64>());
        for j in 0..n {
            let s: f64 = (0..n).map(|i| a[(i, j)]).sum();
            let target = 0.8 * rng.random::<f64>();
            for i in 0..n {
                a[(i, j)] *= target / s;
            }
        }
        let v = Col::from_fn(n, |_| 0.2 + rng.random::<f64>());
        let full = prices(&Leontief::factor(&a).unwrap(), v.as_ref()).unwrap();
        let endo: Vec<usize> = (0..n).filter(|i| (i + case) % 3 != 0).collect();
        let m = PriceModel::new(a.as_ref(), v.as_ref(), &endo).unwrap();
        let p_x = Col::from_fn(m.exogenous().len(), |k| full[m.exogenous()[k]]);
        let s = m
            .solve(&PriceShock {
                exogenous: Some(p_x),
                ..Default::default()
            })
            .unwrap();
        for i in 0..n {
            close(s.p[i], full[i], 1e-12 * full[i].abs(), "partitioned p");
        }
    }
}

#[test]
fn bad_shocks_are_errors_not_panics() {
    let m = PriceModel::new(a().as_ref(), v().as_ref(), &[1]).unwrap();
    let bad = |w: Wedge| {
        m.solve(&PriceShock {
            wedges: vec![w],
            ..Default::default()
        })
    };
    assert!(bad(Wedge {
        from: 5,
        to: 1,
        rate: 0.1
    })
    .is_err());
    assert!(bad(Wedge {
        from: 0,
        to: 1,
        rate: f64::NAN
    })
    .is_err());
    assert!(bad(Wedge {
        from: 0,
        to: 1,
        rate: -2.0
    })
    .is_err());
    let e = bad(Wedge {
        from: 1,
        to: 0,
        rate: 0.1,
    })
    .unwrap_err()
    .to_string();
    assert!(e.contains("exogenous"), "{e}");
    let twice = m.solve(&PriceShock {
        wedges: vec![
            Wedge {
                from: 0,
                to: 1,
                rate: 0.1,
            },
            Wedge {
                from: 0,
                to: 1,
                rate: 0.1,
            },
        ],
        ..Default::default()
    });
    assert!(twice.unwrap_err().to_string().contains("twice"));
    assert!(PriceModel::new(a().as_ref(), v().as_ref(), &[1, 1]).is_err());
    assert!(PriceModel::new(a().as_ref(), v().as_ref(), &[2]).is_err());
    assert!(PriceModel::new(a().as_ref(), v().as_ref(), &[]).is_err());
    let wrong_len = m.solve(&PriceShock {
        exogenous: Some(col![1.0, 2.0]),
        ..Default::default()
    });
    assert!(wrong_len.is_err());
}
