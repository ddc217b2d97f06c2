//! `plenum analyze` on a table whose Z is stored sparse (issue 15, item
//! 2): the same numbers as on its dense twin, and no dense copy of Z made
//! (the table's `z_is_sparse_only` stays true), whatever the solver; the
//! paths that need A dense say so in the solve log.

use super::tests::{balanced_parts, close, uniform};
use super::*;
use plenum_table::{SparseFlows, ValidationPolicy};

/// A balanced table whose Z keeps each off-diagonal cell with probability
/// `density` (the diagonal always), with two extensions (one with F_Y):
/// the dense table and its twin with the same Z stored sparse.
fn twins(nr: usize, ns: usize, nf: usize, density: f64, seed: u64) -> (MrioTable, MrioTable) {
    let mut st = seed;
    let n = nr * ns;
    let z = faer::Mat::<f64>::from_fn(n, n, |i, j| {
        let u = uniform(&mut st);
        if i == j || u < density {
            // About 1.4 per column in all, against at least 6 of final
            // demand per row: productive.
            (0.2 + uniform(&mut st)) * 2.0 / (1.0 + density * (n - 1) as f64)
        } else {
            0.0
        }
    });
    let sparse = SparseFlows::from_dense(&z).expect("sparse Z");
    let dense = balanced_parts(z, (nr, ns, nf), 2.0, &mut st);
    let twin = plenum_table::TableParts {
        z: sparse.into(),
        ..dense.clone()
    };
    let policy = ValidationPolicy::default();
    (
        MrioTable::new(dense, &policy).expect("dense table"),
        MrioTable::new(twin, &policy).expect("sparse table"),
    )
}

fn run(t: &MrioTable, choice: SolverChoice, want_l: bool) -> (Analysis, Option<faer::Mat<f64>>) {
    let settings = SolveSettings {
        choice,
        rtol: 1e-13,
        ..SolveSettings::default()
    };
    compute_with(t, 3, settings, want_l, &mut crate::progress::Phases::new()).expect("analyze")
}

/// Every frame of the sparse table's analysis equals its dense twin's to
/// `rtol` (the same rows in the same order).
fn same_frames(dense: &Analysis, sparse: &Analysis, rtol: f64, what: &str) {
    for (frame, a, b) in [
        ("industries", &dense.industries, &sparse.industries),
        ("regions", &dense.regions, &sparse.regions),
        ("accounts", &dense.accounts, &sparse.accounts),
        ("satellite", &dense.satellite, &sparse.satellite),
    ] {
        assert!(!a.rows.is_empty(), "{what} {frame}");
        assert_eq!(a.rows.len(), b.rows.len(), "{what} {frame}");
        for ((ka, va), (kb, vb)) in a.rows.iter().zip(&b.rows) {
            assert_eq!(ka, kb, "{what} {frame}");
            assert!(
                close(*va, *vb, rtol),
                "{what} {frame} {ka:?}: dense {va} vs sparse {vb}"
            );
        }
    }
    assert_eq!(dense.summary, sparse.summary, "{what}: summary");
}

/// x, the multipliers, linkages, trade, the footprints and every
/// satellite account (S, M, D_cba, D_pba, D_imp, D_exp and their regional
/// sums) of the sparse table equal the dense twin's to 1e-10, by every
/// solver; Z is never made dense. The iterative solves run on the stored
/// entries and densify nothing; LU and mixed LU build A dense and say so.
#[test]
fn sparse_table_matches_its_dense_twin_without_a_dense_copy() {
    for (seed, (nr, ns, nf), density) in [(3u64, (4, 5, 2), 0.1), (8, (3, 7, 1), 0.04)] {
        let (dense, sparse) = twins(nr, ns, nf, density, seed);
        assert!(sparse.z_is_sparse_only());
        for (choice, densified, storage) in [
            (SolverChoice::Iterative, None, "csr"),
            (SolverChoice::Lu, Some("lu"), "dense"),
            (SolverChoice::MixedLu, Some("mixed-lu"), "dense"),
            // Below ITERATIVE_MIN_N industries Auto factors.
            (SolverChoice::Auto, Some("lu"), "dense"),
        ] {
            let what = format!("seed {seed} {choice:?}");
            let (d, _) = run(&dense, choice, false);
            let (s, _) = run(&sparse, choice, false);
            same_frames(&d, &s, 1e-10, &what);
            assert_eq!(d.solver.z_storage, "dense", "{what}");
            assert_eq!(
                d.solver.densified, None,
                "{what}: a dense Z is not densified"
            );
            assert_eq!(s.solver.z_storage, "csr", "{what}");
            assert_eq!(s.solver.densified, densified, "{what}: {:?}", s.solver);
            assert_eq!(s.solver.storage, storage, "{what}");
            assert_eq!(s.solver.fallbacks, 0, "{what}");
            assert!(
                (s.solver.density - d.solver.density).abs() <= 1e-15
                    || choice != SolverChoice::Iterative,
                "{what}: density {} vs {}",
                s.solver.density,
                d.solver.density
            );
            assert!(sparse.z_is_sparse_only(), "{what}: Z was made dense");
        }
    }
}

/// `--write-L` on a sparse table: L by LU from A built off the stored
/// entries, the same bits as the dense twin's L (A is the same bits, so
/// are its factors); logged as densified, Z itself still not made dense.
#[test]
fn write_l_on_a_sparse_table_densifies_a_and_says_so() {
    let (dense, sparse) = twins(3, 4, 2, 0.1, 21);
    let (d, ld) = run(&dense, SolverChoice::Auto, true);
    let (s, ls) = run(&sparse, SolverChoice::Auto, true);
    same_frames(&d, &s, 1e-10, "--write-L");
    let (ld, ls) = (ld.expect("dense L"), ls.expect("sparse L"));
    assert_eq!(ld, ls, "L from the same A");
    assert_eq!(s.solver.method, "lu");
    assert_eq!(s.solver.densified, Some("lu"), "{:?}", s.solver);
    assert!(sparse.z_is_sparse_only());
    // With the iterative solves, L is still the one thing that needs the
    // factors: the log names it.
    let (it, l) = run(&sparse, SolverChoice::Iterative, true);
    assert!(l.is_some());
    assert_eq!(it.solver.densified, Some("L"), "{:?}", it.solver);
    assert!(sparse.z_is_sparse_only());
}

/// solver.json names the storage and the densification for a sparse
/// table, and is unchanged (no new keys) for a dense one.
#[test]
fn solver_json_says_when_a_sparse_z_was_densified() {
    let (dense, sparse) = twins(3, 4, 1, 0.1, 5);
    let d = solver_json(&run(&dense, SolverChoice::Lu, false).0.solver);
    assert!(!d.contains("densified") && !d.contains("Z_stored"), "{d}");
    let s = solver_json(&run(&sparse, SolverChoice::Lu, false).0.solver);
    assert!(s.contains("\"densified\": \"lu\""), "{s}");
    assert!(s.contains("\"Z_stored\": \"csr\""), "{s}");
    let it = solver_json(&run(&sparse, SolverChoice::Iterative, false).0.solver);
    assert!(it.contains("\"densified\": null"), "{it}");
}
