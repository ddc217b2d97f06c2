//! Reconstruction tests of the LU factorisation across awkward sizes, in
//! the style of faer's own tests: P⁻¹ L U must give back the factored
//! matrix to within a small multiple of n·ε·‖M‖, for Leontief matrices
//! (I − A, diagonally dominant: no pivoting) and for general matrices that
//! force row interchanges; solves must satisfy their equations; singular
//! systems are typed errors.

mod common;

use common::{assert_close, identity};
use faer::Mat;
use plenum_iomath::backend::Backend;
use plenum_iomath::{IoMathError, Leontief};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SIZES: &[usize] = &[1, 2, 3, 4, 7, 16, 17, 31, 63, 64, 65, 100, 129, 257];

fn backends() -> Vec<Backend> {
    Backend::ALL
        .into_iter()
        .filter(|b| b.is_available())
        .collect()
}

fn norm_max(m: &Mat<f64>) -> f64 {
    let mut s = 0.0f64;
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            s = s.max(m[(i, j)].abs());
        }
    }
    s
}

/// A productive A with column sums `target`.
fn productive(n: usize, seed: u64, target: f64) -> Mat<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut a = Mat::<f64>::from_fn(n, n, |_, _| rng.random::<f64>());
    for j in 0..n {
        let s: f64 = a.col(j).iter().sum();
        for i in 0..n {
            a[(i, j)] *= target / s;
        }
    }
    a
}

/// A general A (so I − A is a dense matrix with no dominance) that makes
/// partial pivoting swap rows.
fn general(n: usize, seed: u64) -> Mat<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Mat::<f64>::from_fn(n, n, |i, j| {
        let v = rng.random::<f64>() * 2.0 - 1.0;
        // Shift the diagonal so that I − A has a small diagonal.
        if i == j {
            1.0 + 0.01 * v
        } else {
            v
        }
    })
}

fn check_reconstruction(a: &Mat<f64>, backend: Backend, what: &str, pivots: bool) {
    let n = a.nrows();
    let lu = Leontief::factor_with(a.as_ref(), backend).unwrap();
    assert_eq!(lu.backend(), backend);
    let perm = lu.row_permutation();
    let identity_perm = perm.iter().enumerate().all(|(i, &p)| i == p);
    if pivots && n > 1 {
        assert!(
            !identity_perm,
            "{what} n={n} {backend}: expected row interchanges"
        );
    } else if !pivots {
        assert!(
            identity_perm,
            "{what} n={n} {backend}: I - A must need no interchanges"
        );
    }
    let m = &identity(n) - a;
    let back = lu.reconstruct();
    let tol = 8.0 * n as f64 * f64::EPSILON * norm_max(&m);
    assert_close(
        &format!("{what} n={n} {backend}: P^-1 L U"),
        &back,
        &m,
        0.0,
        tol,
    );
    // Solves satisfy their equations for several right-hand sides.
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    let r = Mat::<f64>::from_fn(n, 5, |_, _| rng.random::<f64>() - 0.5);
    let x = lu.solve(r.as_ref()).unwrap();
    let xt = lu.solve_transpose(r.as_ref()).unwrap();
    let scale = norm_max(&x).max(norm_max(&xt)).max(1.0) * norm_max(&m);
    let tol = 8.0 * n as f64 * f64::EPSILON * scale;
    assert_close(
        &format!("{what} n={n} {backend}: M X = R"),
        &(&m * &x),
        &r,
        0.0,
        tol,
    );
    assert_close(
        &format!("{what} n={n} {backend}: M' X = R"),
        &(m.transpose() * &xt),
        &r,
        0.0,
        tol,
    );
    let inv = lu.inverse().unwrap();
    let scale = norm_max(&inv) * norm_max(&m);
    assert_close(
        &format!("{what} n={n} {backend}: M M^-1 = I"),
        &(&m * &inv),
        &identity(n),
        0.0,
        8.0 * n as f64 * f64::EPSILON * scale,
    );
}

#[test]
fn reconstruct_leontief_matrices() {
    for &n in SIZES {
        for backend in backends() {
            for (seed, target) in [(1, 0.2), (2, 0.6), (3, 0.95)] {
                check_reconstruction(
                    &productive(n, seed + 10 * n as u64, target),
                    backend,
                    "I - A",
                    false,
                );
            }
        }
    }
}

#[test]
fn reconstruct_general_matrices_with_pivoting() {
    for &n in SIZES {
        for backend in backends() {
            check_reconstruction(&general(n, 7 + n as u64), backend, "general", true);
        }
    }
}

#[test]
fn backends_agree() {
    let bs = backends();
    for &n in &[5usize, 64, 130] {
        let a = productive(n, 99, 0.7);
        let r = Mat::<f64>::from_fn(n, 3, |i, j| (i + 2 * j) as f64);
        let x0 = Leontief::factor_with(a.as_ref(), bs[0])
            .unwrap()
            .solve(r.as_ref())
            .unwrap();
        for &b in &bs[1..] {
            let x = Leontief::factor_with(a.as_ref(), b)
                .unwrap()
                .solve(r.as_ref())
                .unwrap();
            assert_close(&format!("{b} vs {}", bs[0]), &x, &x0, 1e-12, 1e-12);
        }
    }
}

#[test]
fn singular_systems_are_typed_errors() {
    // A = I: I − A = 0.
    let e = Leontief::factor(&identity(3)).unwrap_err();
    assert!(matches!(e, IoMathError::Singular { index: 0, .. }), "{e}");
    // I − A = [[1, 1], [1, 1]]: the second pivot is exactly 0.
    let a = faer::mat![[0.0, -1.0], [-1.0, 0.0]];
    let e = Leontief::factor(&a).unwrap_err();
    assert!(matches!(e, IoMathError::Singular { index: 1, .. }), "{e}");
    assert!(e.to_string().contains("productive"), "{e}");
    // Non-square and non-finite inputs.
    let e = Leontief::factor(&Mat::<f64>::zeros(2, 3)).unwrap_err();
    assert!(matches!(e, IoMathError::Shape { .. }), "{e}");
    let mut a = Mat::<f64>::zeros(2, 2);
    a[(1, 0)] = f64::NAN;
    let e = Leontief::factor(&a).unwrap_err();
    assert!(
        matches!(e, IoMathError::NonFinite { row: 1, col: 0, .. }),
        "{e}"
    );
    // A right-hand side of the wrong height.
    let lu = Leontief::factor(&Mat::<f64>::zeros(3, 3)).unwrap();
    let e = lu.solve(Mat::<f64>::zeros(2, 1).as_ref()).unwrap_err();
    assert!(matches!(e, IoMathError::Shape { .. }), "{e}");
}

#[test]
fn empty_system() {
    let lu = Leontief::factor(&Mat::<f64>::zeros(0, 0)).unwrap();
    assert_eq!(lu.n(), 0);
    assert_eq!(
        lu.solve(Mat::<f64>::zeros(0, 2).as_ref()).unwrap().ncols(),
        2
    );
    assert_eq!(lu.inverse().unwrap().nrows(), 0);
}

#[test]
fn backend_names_round_trip() {
    for b in Backend::ALL {
        assert_eq!(b.name().parse::<Backend>().unwrap(), b);
    }
    assert!(matches!(
        "mkl".parse::<Backend>(),
        Err(IoMathError::UnknownBackend { .. })
    ));
    if !Backend::OpenBlas.is_available() {
        let e = Leontief::factor_with(identity(2).as_ref(), Backend::OpenBlas).unwrap_err();
        assert!(matches!(e, IoMathError::BackendUnavailable { .. }), "{e}");
    }
}
