//! The lean chokepoint path (`LeanModel`, products with L through
//! `plenum_iomath::Solver`) against the dense model's (`GvcModel`, LU):
//! bit for bit with the LU solver, whether Z is stored dense or sparse; to
//! the solver's tolerance with block GMRES; and without ever making a
//! sparse Z dense.

use plenum_gvc::synthetic::random_table;
use plenum_gvc::{
    chokepoints, chokepoints_lean, ChokeInputs, ChokepointOptions, ChokepointReport, GvcModel,
    LeanModel, Selection,
};
use plenum_iomath::{IterOptions, LeontiefSolve, SolverChoice};
use plenum_table::{MrioTable, SparseFlows, ValidationPolicy};

/// The same table with Z kept in compressed sparse rows.
fn sparse_twin(t: &MrioTable) -> MrioTable {
    let mut p = t.clone().into_parts();
    let dense = p.z.make_dense().clone();
    p.z = SparseFlows::from_dense(&dense).expect("sparse Z").into();
    MrioTable::new(p, &ValidationPolicy::default()).expect("valid sparse twin")
}

fn opts() -> ChokepointOptions {
    ChokepointOptions {
        hits: 4,
        top_k: 3,
        critical_input_share: 0.02,
    }
}

fn iter_opts(t: &MrioTable, target: &[usize]) -> IterOptions {
    IterOptions {
        block: t.labels().n_sectors(),
        expected_rhs: ChokeInputs::rhs_count(target.len()),
        ..IterOptions::default()
    }
}

fn lean(t: &MrioTable, target: &Selection, choice: SolverChoice) -> ChokepointReport {
    let m = LeanModel::new(t).expect("lean model");
    let s = m
        .solver(choice, iter_opts(t, &target.industries(t.labels())))
        .expect("solver");
    chokepoints_lean(&m, &s, target, &opts()).expect("ranking")
}

#[test]
fn lean_lu_is_the_dense_model_bit_for_bit() {
    for (seed, sparsity) in [(11u64, 0.3), (12, 0.9), (13, 0.0)] {
        let t = random_table(6, 5, 2, sparsity, seed).unwrap();
        let target = Selection::new(t.labels(), &["R01", "R04"], None).unwrap();
        let dense = GvcModel::new(&t).unwrap();
        let want = chokepoints(&dense, &target, &opts()).unwrap();
        let lm = LeanModel::new(&t).unwrap();
        // x and v are the dense model's bits.
        for i in 0..lm.n() {
            assert_eq!(lm.x()[i].to_bits(), dense.x()[i].to_bits(), "x[{i}]");
            assert_eq!(lm.v()[i].to_bits(), dense.v()[i].to_bits(), "v[{i}]");
        }
        for table in [t.clone(), sparse_twin(&t)] {
            let got = lean(&table, &target, SolverChoice::Lu);
            assert_eq!(got.suppliers, want.suppliers, "seed {seed}");
            assert_eq!(got.disagreements, want.disagreements);
            assert_eq!(got.target_industries, want.target_industries);
            for k in 0..3 {
                assert_eq!(got.spearman[k].to_bits(), want.spearman[k].to_bits());
            }
        }
    }
}

/// Relative agreement of two scores, with a floor at `scale` (the largest
/// score of the measure) for the near-zero ones.
fn close(a: f64, b: f64, scale: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * scale.max(f64::MIN_POSITIVE)
}

#[test]
fn lean_gmres_agrees_with_lu_to_the_solvers_tolerance() {
    for (seed, sparsity) in [(21u64, 0.3), (22, 0.85)] {
        let t = random_table(8, 6, 2, sparsity, seed).unwrap();
        let target = Selection::new(t.labels(), &["R03"], None).unwrap();
        let lu = lean(&t, &target, SolverChoice::Lu);
        for table in [t.clone(), sparse_twin(&t)] {
            let it = lean(&table, &target, SolverChoice::Iterative);
            assert_eq!(it.suppliers.len(), lu.suppliers.len());
            type Get = fn(&plenum_gvc::Chokepoint) -> f64;
            let measures: [(&str, Get); 5] = [
                ("exposure_output", |c| c.exposure_output),
                ("exposure_fd", |c| c.exposure_fd),
                ("exposure_fd_va", |c| c.exposure_fd_va),
                ("bottleneck_va_loss", |c| c.bottleneck_va_loss),
                ("extraction_output_loss", |c| c.extraction_output_loss),
            ];
            for (name, get) in measures {
                let scale = lu.suppliers.iter().map(get).fold(0.0, f64::max);
                for c in &lu.suppliers {
                    let d = it
                        .suppliers
                        .iter()
                        .find(|d| d.supplier == c.supplier)
                        .expect("same suppliers");
                    assert!(
                        close(get(c), get(d), scale, 1e-10),
                        "seed {seed} {name} {}: LU {} GMRES {}",
                        c.name,
                        get(c),
                        get(d)
                    );
                }
            }
        }
    }
}

#[test]
fn a_sparse_z_stays_sparse_through_the_iterative_ranking() {
    let t = sparse_twin(&random_table(10, 8, 2, 0.95, 31).unwrap());
    assert!(t.z_is_sparse_only());
    let target = Selection::new(t.labels(), &["R00"], None).unwrap();
    let m = LeanModel::new(&t).unwrap();
    let s = m
        .solver(
            SolverChoice::Iterative,
            iter_opts(&t, &target.industries(t.labels())),
        )
        .unwrap();
    let rep = chokepoints_lean(&m, &s, &target, &opts()).unwrap();
    assert_eq!(rep.suppliers.len(), 72);
    let log = s.log();
    assert_eq!(log.method, "gmres");
    assert_eq!(log.z_storage, "csr");
    assert_eq!(log.densified, None);
    assert_eq!(log.fallbacks, 0);
    assert!(log.max_residual <= 1e-12, "{}", log.max_residual);
    // Two block solves with L and two with Lᵀ: |T| + 1 columns each way.
    assert_eq!(log.solves, 4);
    assert_eq!(log.columns, 2 * (8 + 1));
    assert_eq!(s.n(), 80);
    assert!(t.z_is_sparse_only(), "the ranking made a dense copy of Z");
}

#[test]
fn the_lean_model_refuses_a_table_without_interregional_trade() {
    let t = random_table(1, 4, 1, 0.0, 41).unwrap();
    let mut p = t.into_parts();
    p.meta.imports = plenum_table::table::ImportTreatment::CompetitiveTotal;
    let t = MrioTable::new(p, &ValidationPolicy::default()).expect("a national table");
    let e = LeanModel::new(&t).err().expect("refused");
    let g = GvcModel::new(&t).err().expect("refused");
    assert_eq!(e.to_string(), g.to_string());
}
