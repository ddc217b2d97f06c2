//! Shared test helpers: random balanced productive tables and comparisons.
#![allow(dead_code)]

use faer::{Col, Mat};
use plenum_table::{Extension, Labels, Metadata, MrioTable, TableParts, ValidationPolicy};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// A random balanced table with R regions, S sectors, F final-demand
/// categories, one extension of k stressors (with F_Y) and two value-added
/// components. Entries are uniform; a share `sparsity` of Z is zero; Y is
/// scaled so that every column of A sums well below 1. Industries in
/// `absent` get no flows at all and x = 0.
pub fn random_table(
    seed: u64,
    r: usize,
    s: usize,
    f: usize,
    k: usize,
    sparsity: f64,
    absent: &[usize],
) -> MrioTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = r * s;
    let nfd = r * f;
    let is_absent = |i: usize| absent.contains(&i);
    let z = Mat::<f64>::from_fn(n, n, |i, j| {
        let u: f64 = rng.random();
        if is_absent(i) || is_absent(j) || u < sparsity {
            0.0
        } else {
            rng.random::<f64>() * 10.0
        }
    });
    let y = Mat::<f64>::from_fn(n, nfd, |i, _| {
        if is_absent(i) {
            0.0
        } else {
            (0.1 + rng.random::<f64>()) * 10.0 * n as f64 / f as f64
        }
    });
    let x = Col::<f64>::from_fn(n, |i| {
        z.row(i).iter().sum::<f64>() + y.row(i).iter().sum::<f64>()
    });
    // Value added closes each column: two components splitting x − 1'Z.
    let share: Vec<f64> = (0..n).map(|_| 0.2 + 0.6 * rng.random::<f64>()).collect();
    let v = Mat::<f64>::from_fn(2, n, |c, j| {
        let va = x[j] - z.col(j).iter().sum::<f64>();
        if c == 0 {
            va * share[j]
        } else {
            va - va * share[j]
        }
    });
    let fmat = Mat::<f64>::from_fn(k, n, |_, j| {
        if is_absent(j) {
            0.0
        } else {
            rng.random::<f64>() * 100.0
        }
    });
    let f_y = Mat::<f64>::from_fn(k, nfd, |_, _| rng.random::<f64>() * 50.0);
    let parts = TableParts {
        meta: Metadata {
            name: format!("random-{seed}"),
            currency: "USD".into(),
            unit: "million".into(),
            ..Metadata::default()
        },
        labels: Labels::new(
            names("R", r),
            names("s", s),
            names("fd", f),
            vec!["wages".into(), "surplus".into()],
        )
        .expect("labels"),
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: vec![Extension {
            name: "env".into(),
            stressors: names("st", k),
            units: vec!["kg".into(); k],
            f: fmat,
            f_y: Some(f_y),
        }],
    };
    MrioTable::new(parts, &ValidationPolicy::lenient(1e-9)).expect("random table validates")
}

/// max |a − b| / max(|b|, floor) over all entries, with shape check.
pub fn max_rel(a: &Mat<f64>, b: &Mat<f64>, floor: f64) -> f64 {
    assert_eq!(
        (a.nrows(), a.ncols()),
        (b.nrows(), b.ncols()),
        "shapes differ"
    );
    let mut worst = 0.0f64;
    for j in 0..a.ncols() {
        for i in 0..a.nrows() {
            let d = (a[(i, j)] - b[(i, j)]).abs() / b[(i, j)].abs().max(floor);
            worst = worst.max(d);
        }
    }
    worst
}

pub fn col_to_mat(c: &Col<f64>) -> Mat<f64> {
    Mat::from_fn(c.nrows(), 1, |i, _| c[i])
}

pub fn assert_close(what: &str, a: &Mat<f64>, b: &Mat<f64>, rtol: f64, atol: f64) {
    assert_eq!(
        (a.nrows(), a.ncols()),
        (b.nrows(), b.ncols()),
        "{what}: shapes differ"
    );
    for j in 0..a.ncols() {
        for i in 0..a.nrows() {
            let (x, y) = (a[(i, j)], b[(i, j)]);
            assert!(
                (x - y).abs() <= atol + rtol * y.abs(),
                "{what}[{i},{j}]: got {x:e}, expected {y:e} (rtol {rtol:e}, atol {atol:e})"
            );
        }
    }
}

pub fn assert_col_close(what: &str, a: &Col<f64>, b: &Col<f64>, rtol: f64, atol: f64) {
    assert_close(what, &col_to_mat(a), &col_to_mat(b), rtol, atol);
}

pub fn identity(n: usize) -> Mat<f64> {
    Mat::from_fn(n, n, |i, j| if i == j { 1.0 } else { 0.0 })
}
