//! `plenum chokepoints` by every solver and storage (issue 15, item 4):
//! the lean path with LU is the dense model's ranking bit for bit, block
//! GMRES agrees with it to the solver's tolerance, and a Z stored sparse
//! is never made dense on the iterative path.

use super::*;
use clap::Parser;
use plenum_table::{MrioTable, SparseFlows, ValidationPolicy};

fn args(extra: &[&str]) -> ChokepointsArgs {
    let mut v = vec!["plenum", "chokepoints", "--region", "R02", "--top", "4"];
    v.extend_from_slice(extra);
    match crate::cli::Cli::try_parse_from(v).expect("flags").command {
        crate::cli::Command::Chokepoints(a) => a,
        other => panic!("parsed {other:?}"),
    }
}

fn loaded(t: &MrioTable) -> Loaded {
    Loaded {
        table: t.clone(),
        origin: "test".into(),
    }
}

fn sparse_twin(t: &MrioTable) -> MrioTable {
    let mut p = t.clone().into_parts();
    let dense = p.z.make_dense().clone();
    p.z = SparseFlows::from_dense(&dense).expect("sparse Z").into();
    MrioTable::new(p, &ValidationPolicy::default()).expect("sparse twin")
}

/// The frames' rows, keys and values.
fn rows(r: &ChokepointsReport) -> Vec<(String, Vec<String>, f64)> {
    r.frames()
        .into_iter()
        .filter(|(stem, _)| *stem != "chokepoints_dynamic")
        .flat_map(|(stem, f)| {
            f.rows
                .into_iter()
                .map(move |(k, v)| (stem.to_string(), k, v))
        })
        .collect()
}

#[test]
fn every_solver_and_storage_gives_the_dense_models_ranking() {
    let t = plenum_gvc::synthetic::random_table(7, 6, 2, 0.85, 7).expect("table");
    let twin = sparse_twin(&t);
    assert!(twin.z_is_sparse_only());
    // The old path: the dense model with its LU factors.
    let dense = compute(&args(&["--dynamic", "--dynamic-steps", "1"]), &loaded(&t)).unwrap();
    assert_eq!(dense.solver.method, "lu");
    assert_eq!((dense.solver.solves, dense.solver.columns), (4, 14));
    let want = rows(&dense);
    assert!(want.len() > 100);

    for (table, sparse) in [(&t, false), (&twin, true)] {
        let lu = compute(&args(&["--solver", "lu"]), &loaded(table)).unwrap();
        assert_eq!(rows(&lu), want, "LU on Z stored sparse: {sparse}");
        assert_eq!(lu.text(), compute(&args(&[]), &loaded(&t)).unwrap().text());
        assert_eq!(lu.solver.densified, sparse.then_some("lu"));

        let it = compute(
            &args(&["--solver", "iterative", "--rtol", "1e-13"]),
            &loaded(table),
        )
        .unwrap();
        assert_eq!(it.solver.method, "gmres");
        assert_eq!(it.solver.z_storage, if sparse { "csr" } else { "dense" });
        assert_eq!(it.solver.densified, None);
        assert_eq!(it.solver.fallbacks, 0);
        // L [E_T, f_T] and Lᵀ [E_T, 1]: two blocks of |T| + 1 = 7 columns.
        assert_eq!((it.solver.solves, it.solver.columns), (2, 14));
        assert_eq!((lu.solver.solves, lu.solver.columns), (4, 14));
        assert!(it.solver.max_residual <= 1e-13);
        let got = rows(&it);
        assert_eq!(got.len(), want.len());
        // Each measure's scale, for a tolerance relative to it.
        let mut scale = std::collections::HashMap::<(String, String), f64>::new();
        for (stem, k, v) in &want {
            let m = k.last().cloned().unwrap_or_default();
            let s = scale.entry((stem.clone(), m)).or_insert(0.0);
            *s = s.max(v.abs());
        }
        for ((sa, ka, va), (sb, kb, vb)) in want.iter().zip(&got) {
            assert_eq!((sa, ka), (sb, kb));
            let s = scale[&(sa.clone(), ka.last().cloned().unwrap_or_default())];
            assert!(
                (va - vb).abs() <= 1e-10 * s.max(f64::MIN_POSITIVE),
                "{sa} {ka:?}: LU {va} GMRES {vb}"
            );
        }
        assert!(table.z_is_sparse_only() == sparse, "Z made dense");
    }
}

#[test]
fn a_bad_rtol_is_refused_before_any_work() {
    let t = plenum_gvc::synthetic::random_table(3, 2, 1, 0.0, 1).expect("table");
    let e = compute(&args(&["--rtol", "0.5"]), &loaded(&t))
        .err()
        .expect("refused");
    assert!(e.to_string().contains("--rtol 0.5 is out of range"), "{e}");
}
