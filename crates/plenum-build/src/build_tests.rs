//! Unit tests of the build's steps on small hand-made economies.

use super::*;

/// A two-product economy whose identities hold exactly.
fn nat(region: &str, u: [[f64; 2]; 2], fd: [f64; 2], e: [f64; 2], m: [f64; 2]) -> NationalAccounts {
    let um = Mat::from_fn(2, 2, |i, j| u[i][j]);
    let x = Col::from_fn(2, |i| u[i][0] + u[i][1] + fd[i] + e[i] - m[i]);
    let v = Mat::from_fn(1, 2, |_, j| x[j] - u[0][j] - u[1][j]);
    NationalAccounts {
        region: region.into(),
        sectors: vec!["a".into(), "b".into()],
        fd_categories: vec!["hh".into()],
        va_components: vec!["va".into()],
        u: um,
        f: Mat::from_fn(2, 1, |i, _| fd[i]),
        exports: Col::from_fn(2, |i| e[i]),
        imports: Col::from_fn(2, |i| m[i]),
        v,
        x,
        imported: None,
    }
}

fn three() -> Vec<NationalAccounts> {
    vec![
        nat(
            "P",
            [[10.0, 5.0], [4.0, 8.0]],
            [20.0, 12.0],
            [5.0, 2.0],
            [3.0, 4.0],
        ),
        nat(
            "Q",
            [[6.0, 2.0], [3.0, 9.0]],
            [15.0, 10.0],
            [3.0, 5.0],
            [4.0, 2.0],
        ),
        nat(
            "R",
            [[8.0, 3.0], [2.0, 6.0]],
            [10.0, 9.0],
            [1.0, 3.0],
            [2.0, 4.0],
        ),
    ]
}

/// Exports and imports balance by product (9 = 9, 10 = 10): no closure,
/// and the table's exports and imports equal the national ones.
#[test]
fn small_world_balances_without_closure() {
    let nats = three();
    let out = build_world_table(&nats, &BuildOptions::default(), &|_| {}).unwrap();
    assert!(!out.report.row_included);
    let t = &out.table;
    let e = crate::compare::gross_exports(t);
    let m = crate::compare::bilateral_imports(t);
    for (r, nat) in nats.iter().enumerate() {
        for i in 0..2 {
            assert!((e[r * 2 + i] - nat.exports[i]).abs() < 1e-8);
            let imp: f64 = (0..3).map(|s| m[i][(s, r)]).sum();
            assert!((imp - nat.imports[i]).abs() < 1e-8);
            // Import proportionality: every user of i imports the same share.
            let d: f64 = nat.u[(i, 0)] + nat.u[(i, 1)] + nat.f[(i, 0)];
            let mu = nat.imports[i] / d;
            let dom = t.z()[(r * 2 + i, r * 2)];
            assert!((dom - (1.0 - mu) * nat.u[(i, 0)]).abs() < 1e-12);
        }
    }
    assert!(out.report.max_absorbed < 1e-8 && out.report.max_row_absorbed < 1e-8);
}

/// A world gap with the closure off is a typed error; with it on, the
/// rest of the world takes the gap.
#[test]
fn world_gap_and_closure() {
    let mut nats = three();
    nats[0].exports[0] += 5.0;
    nats[0].x[0] += 5.0;
    nats[0].v[(0, 0)] += 5.0;
    let never = BuildOptions {
        row_closure: RowClosure::Never,
        ..BuildOptions::default()
    };
    let e = build_world_table(&nats, &never, &|_| {}).unwrap_err();
    assert!(
        matches!(e, BuildError::WorldGap { ref product, .. } if product == "a"),
        "{e}"
    );
    let out = build_world_table(&nats, &BuildOptions::default(), &|_| {}).unwrap();
    assert!(out.report.row_included);
    assert!((out.report.products[0].row_imports - 5.0).abs() < 1e-12);
    assert_eq!(out.report.products[1].row_imports, 0.0);
}

/// An importer whose only possible partner is itself cannot be served.
#[test]
fn import_without_exporter_is_typed() {
    let mut nats = three();
    for n in nats.iter_mut() {
        n.exports[1] = 0.0;
        n.x[1] = n.u[(1, 0)] + n.u[(1, 1)] + n.f[(1, 0)] - n.imports[1];
    }
    let opts = BuildOptions {
        row_closure: RowClosure::Never,
        gap_rtol: 1.0,
        ..BuildOptions::default()
    };
    let e = build_world_table(&nats, &opts, &|_| {}).unwrap_err();
    assert!(
        matches!(e, BuildError::Trade { ref product, source: GrasError::ZeroLine { .. }, .. } if product == "b"),
        "{e}"
    );
}
