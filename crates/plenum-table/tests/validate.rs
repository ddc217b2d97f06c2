//! Validation at load: each failure is a typed error naming the labels,
//! and a valid table passes. Seeded random tables check that balanced,
//! productive tables are accepted and aggregation keeps balances.

use plenum_table::{
    aggregate, Col, Concordance, Labels, Mat, Metadata, MrioTable, TableError, TableParts,
    ValidationPolicy, ZeroOutputPolicy,
};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// Two regions × two sectors, one final-demand category, one VA row;
/// balanced by construction.
fn parts() -> TableParts {
    let z = Mat::from_fn(4, 4, |i, j| 10.0 + (i * 4 + j) as f64);
    let y = Mat::from_fn(4, 2, |i, c| 50.0 + (i + c) as f64);
    let x = Col::from_fn(4, |i| {
        (0..4).map(|j| z[(i, j)]).sum::<f64>() + (0..2).map(|c| y[(i, c)]).sum::<f64>()
    });
    let v = Mat::from_fn(1, 4, |_, j| x[j] - (0..4).map(|i| z[(i, j)]).sum::<f64>());
    TableParts {
        meta: Metadata::default(),
        labels: Labels::new(s(&["AA", "BB"]), s(&["agr", "man"]), s(&["hh"]), s(&["VA"])).unwrap(),
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: vec![],
    }
}

fn err(p: TableParts) -> TableError {
    MrioTable::new(p, &ValidationPolicy::default()).unwrap_err()
}

#[test]
fn a_balanced_productive_table_passes() {
    let t = MrioTable::new(parts(), &ValidationPolicy::default()).unwrap();
    assert!(t.report().max_row_imbalance < 1e-12);
    assert!(t.report().max_a_colsum < 1.0);
}

#[test]
fn shape_mismatch_is_named() {
    let mut p = parts();
    p.y = Mat::zeros(4, 3);
    let e = err(p);
    assert!(
        matches!(e, TableError::Shape { ref matrix, .. } if matrix == "Y"),
        "{e}"
    );
}

#[test]
fn nan_is_located_by_labels() {
    let mut p = parts();
    p.z.make_dense()[(2, 1)] = f64::NAN;
    let e = err(p).to_string();
    assert!(
        e.contains("BB/agr") && e.contains("AA/man") && e.contains("NaN"),
        "{e}"
    );
}

#[test]
fn infinity_in_output_is_caught() {
    let mut p = parts();
    p.x[3] = f64::INFINITY;
    assert!(matches!(err(p), TableError::NonFinite { .. }));
}

#[test]
fn negative_output_is_named() {
    let mut p = parts();
    p.x[1] = -1.0;
    let e = err(p).to_string();
    assert!(e.contains("AA/man"), "{e}");
}

#[test]
fn row_imbalance_reports_worst_industry() {
    let mut p = parts();
    p.y[(3, 0)] += 40.0;
    let e = err(p);
    match e {
        TableError::RowImbalance { ref worst, .. } => assert_eq!(worst[0].label, "BB/man"),
        other => panic!("{other}"),
    }
}

#[test]
fn column_imbalance_reports_worst_industry() {
    let mut p = parts();
    p.v[(0, 2)] += 25.0;
    match err(p) {
        TableError::ColumnImbalance { worst, .. } => assert_eq!(worst[0].label, "BB/agr"),
        other => panic!("{other}"),
    }
}

fn with_absent_industry() -> TableParts {
    let mut p = parts();
    for k in 0..4 {
        p.z.make_dense()[(1, k)] = 0.0;
        p.z.make_dense()[(k, 1)] = 0.0;
    }
    for c in 0..2 {
        p.y[(1, c)] = 0.0;
    }
    // Re-balance: x from rows, V from columns.
    for i in 0..4 {
        p.x[i] =
            (0..4).map(|j| p.z[(i, j)]).sum::<f64>() + (0..2).map(|c| p.y[(i, c)]).sum::<f64>();
    }
    for j in 0..4 {
        p.v[(0, j)] = p.x[j] - (0..4).map(|i| p.z[(i, j)]).sum::<f64>();
    }
    p
}

#[test]
fn zero_output_needs_an_explicit_policy() {
    let e = err(with_absent_industry());
    assert!(
        matches!(e, TableError::ZeroOutput { ref industries } if industries == &["AA/man".to_string()]),
        "{e}"
    );
    let policy = ValidationPolicy {
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        ..ValidationPolicy::default()
    };
    let t = MrioTable::new(with_absent_industry(), &policy).unwrap();
    assert_eq!(t.zero_output(), &[1]);
}

#[test]
fn zero_output_with_flows_is_inconsistent() {
    let mut p = with_absent_industry();
    p.z.make_dense()[(0, 1)] = 5.0; // AA/man buys inputs yet produces nothing
    let policy = ValidationPolicy {
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        balance_rtol: None,
        ..ValidationPolicy::default()
    };
    let e = MrioTable::new(p, &policy).unwrap_err();
    assert!(
        matches!(e, TableError::ZeroOutputWithFlows { ref industry, .. } if industry == "AA/man"),
        "{e}"
    );
}

#[test]
fn non_productive_column_is_named() {
    let mut p = parts();
    // BB/man buys more intermediates than it produces.
    p.z.make_dense()[(0, 3)] += p.x[3];
    p.x[0] += p.x[3];
    p.v[(0, 0)] = p.x[0] - (0..4).map(|i| p.z[(i, 0)]).sum::<f64>();
    p.v[(0, 3)] = p.x[3] - (0..4).map(|i| p.z[(i, 3)]).sum::<f64>();
    let e = err(p);
    match e {
        TableError::NonProductiveColumns { ref industries } => {
            assert_eq!(industries[0].label, "BB/man")
        }
        other => panic!("{other}"),
    }
}

#[test]
fn negative_entries_checked_by_spectral_radius() {
    let mut p = parts();
    p.z.make_dense()[(0, 0)] = -5.0;
    p.x[0] = (0..4).map(|j| p.z[(0, j)]).sum::<f64>() + (0..2).map(|c| p.y[(0, c)]).sum::<f64>();
    for j in 0..4 {
        p.v[(0, j)] = p.x[j] - (0..4).map(|i| p.z[(i, j)]).sum::<f64>();
    }
    let t = MrioTable::new(p, &ValidationPolicy::default()).unwrap();
    assert!(t.report().spectral_bound < 1.0);
}

#[test]
fn duplicate_and_blank_labels() {
    assert!(matches!(
        Labels::new(s(&["A", "A"]), s(&["x"]), s(&["h"]), vec![]),
        Err(TableError::DuplicateLabel { .. })
    ));
    assert!(matches!(
        Labels::new(s(&["A", " "]), s(&["x"]), s(&["h"]), vec![]),
        Err(TableError::BlankLabel { .. })
    ));
}

/// Issue 14, defect 7: a label with an escape sequence reached the terminal
/// raw; it is now refused when the table is built, and shown escaped.
#[test]
fn control_characters_in_labels_are_refused_and_shown_escaped() {
    let e = Labels::new(s(&["A"]), s(&["fo\u{1b}[31mod"]), s(&["h"]), vec![]).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, TableError::ControlInLabel { .. }), "{msg}");
    assert!(msg.contains("fo\\u{1b}[31mod"), "{msg}");
    assert!(!msg.contains('\u{1b}'), "{msg}");
}

/// SplitMix64, so the seeded tables are the same everywhere.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn random_parts(regions: usize, sectors: usize, seed: u64) -> TableParts {
    let mut rng = Rng(seed);
    let n = regions * sectors;
    let z = Mat::from_fn(n, n, |_, _| rng.next());
    let y = Mat::from_fn(n, 2 * regions, |_, _| rng.next() * n as f64);
    let x = Col::from_fn(n, |i| {
        (0..n).map(|j| z[(i, j)]).sum::<f64>() + (0..2 * regions).map(|c| y[(i, c)]).sum::<f64>()
    });
    let v = Mat::from_fn(1, n, |_, j| x[j] - (0..n).map(|i| z[(i, j)]).sum::<f64>());
    TableParts {
        meta: Metadata::default(),
        labels: Labels::new(
            (0..regions).map(|r| format!("R{r}")).collect(),
            (0..sectors).map(|s| format!("S{s}")).collect(),
            s(&["hh", "gov"]),
            s(&["VA"]),
        )
        .unwrap(),
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: vec![],
    }
}

#[test]
fn seeded_tables_validate_and_aggregate_exactly() {
    for (k, (r, sct)) in [(1, 1), (2, 3), (3, 5), (4, 7)].into_iter().enumerate() {
        let t = MrioTable::new(
            random_parts(r, sct, 42 + k as u64),
            &ValidationPolicy::default(),
        )
        .unwrap();
        let rc = Concordance::from_pairs(
            "region",
            t.labels().regions(),
            &t.labels()
                .regions()
                .iter()
                .map(|l| (l.clone(), "W".to_string()))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let sc = Concordance::identity(t.labels().sectors());
        let a = aggregate(&t, &rc, &sc, &ValidationPolicy::default()).unwrap();
        let total = |m: &Mat<f64>| {
            (0..m.ncols())
                .map(|j| m.col(j).iter().sum::<f64>())
                .sum::<f64>()
        };
        assert!((total(a.z()) - total(t.z())).abs() <= 1e-9 * total(t.z()));
        assert!(
            (a.x().iter().sum::<f64>() - t.x().iter().sum::<f64>()).abs()
                <= 1e-9 * t.x().iter().sum::<f64>()
        );
        assert!(a.report().max_row_imbalance < 1e-9);
    }
}

#[test]
fn a_table_without_any_output_is_rejected_under_every_policy() {
    let zero = || {
        let mut p = parts();
        for m in [p.z.make_dense(), &mut p.y, &mut p.v] {
            for j in 0..m.ncols() {
                for i in 0..m.nrows() {
                    m[(i, j)] = 0.0;
                }
            }
        }
        for i in 0..p.x.nrows() {
            p.x[i] = 0.0;
        }
        p
    };
    for policy in [ValidationPolicy::default(), ValidationPolicy::lenient(1e-2)] {
        let e = MrioTable::new(zero(), &policy).unwrap_err();
        assert!(matches!(e, TableError::NoOutput { n: 4 }), "{e}");
        assert!(
            e.to_string().contains("every one of the 4 industries"),
            "{e}"
        );
    }
}

/// `parts` with Z stored sparse (the same entries).
fn sparse(mut p: TableParts) -> TableParts {
    let dense = p.z.make_dense().clone();
    p.z = plenum_table::SparseFlows::from_dense(&dense)
        .unwrap()
        .into();
    p
}

/// A seeded table whose Z is mostly zeros (about `1 - keep` of the cells),
/// with a few negative flows when `negative`, balanced by construction.
fn sparse_random_parts(
    regions: usize,
    sectors: usize,
    seed: u64,
    keep: f64,
    negative: bool,
) -> TableParts {
    let mut rng = Rng(seed);
    let mut p = random_parts(regions, sectors, seed);
    let n = regions * sectors;
    let z = p.z.make_dense();
    for j in 0..n {
        for i in 0..n {
            let u = rng.next();
            if u > keep {
                z[(i, j)] = 0.0;
            } else if negative && u < keep * 0.05 {
                z[(i, j)] *= -0.01;
            }
        }
    }
    let z = z.clone();
    for i in 0..n {
        p.x[i] = (0..n).map(|j| z[(i, j)]).sum::<f64>()
            + (0..p.y.ncols()).map(|c| p.y[(i, c)]).sum::<f64>();
    }
    for j in 0..n {
        p.v[(0, j)] = p.x[j] - (0..n).map(|i| z[(i, j)]).sum::<f64>();
    }
    p
}

/// Issue 15, item 2: Z kept in compressed sparse rows validates exactly as
/// its dense twin: the same report bit for bit when it passes, the same
/// error when it fails, for every check that reads Z.
#[test]
fn sparse_z_validates_as_its_dense_twin() {
    let absent = ValidationPolicy {
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        ..ValidationPolicy::default()
    };
    let lenient = ValidationPolicy {
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        balance_rtol: None,
        ..ValidationPolicy::default()
    };
    let mut cases: Vec<(&str, TableParts, ValidationPolicy)> = vec![
        ("balanced", parts(), ValidationPolicy::default()),
        ("absent industry", with_absent_industry(), absent.clone()),
        (
            "absent industry rejected",
            with_absent_industry(),
            ValidationPolicy::default(),
        ),
    ];
    let mut p = with_absent_industry();
    p.z.make_dense()[(0, 1)] = 5.0;
    cases.push(("zero output with flows", p, lenient.clone()));
    let mut p = parts();
    p.z.make_dense()[(2, 1)] = f64::NAN;
    cases.push(("NaN", p, ValidationPolicy::default()));
    let mut p = parts();
    p.z.make_dense()[(1, 2)] = -3.0;
    cases.push((
        "row imbalance with a negative flow",
        p,
        ValidationPolicy::default(),
    ));
    let mut p = parts();
    p.z.make_dense()[(0, 3)] += p.x[3];
    p.x[0] += p.x[3];
    p.v[(0, 0)] = p.x[0] - (0..4).map(|i| p.z[(i, 0)]).sum::<f64>();
    p.v[(0, 3)] = p.x[3] - (0..4).map(|i| p.z[(i, 3)]).sum::<f64>();
    cases.push(("non-productive column", p, ValidationPolicy::default()));
    // A negative flow large enough that a column of |A| sums past 1: the
    // bound on rho(|A|) then comes from the power iteration.
    let mut p = parts();
    let x1 = p.x[1];
    p.z.make_dense()[(0, 1)] = -0.9 * x1;
    p.y[(0, 0)] += 2.0 * x1;
    p.x[0] = (0..4).map(|j| p.z[(0, j)]).sum::<f64>() + (0..2).map(|c| p.y[(0, c)]).sum::<f64>();
    for j in 0..4 {
        p.v[(0, j)] = p.x[j] - (0..4).map(|i| p.z[(i, j)]).sum::<f64>();
    }
    cases.push((
        "negative entry, the spectral radius by power iteration",
        p,
        ValidationPolicy::default(),
    ));
    for (k, (r, sct)) in [(2, 3), (3, 5), (5, 8)].into_iter().enumerate() {
        cases.push((
            "seeded sparse",
            sparse_random_parts(r, sct, 7 + k as u64, 0.1, false),
            ValidationPolicy::default(),
        ));
        cases.push((
            "seeded sparse with negatives",
            sparse_random_parts(r, sct, 17 + k as u64, 0.2, true),
            ValidationPolicy::default(),
        ));
    }
    let (mut checked_negative, mut checked_perron) = (false, false);
    for (what, p, policy) in cases {
        let dense = MrioTable::new(p.clone(), &policy);
        let sp = MrioTable::new(sparse(p), &policy);
        match (dense, sp) {
            (Ok(d), Ok(s)) => {
                assert_eq!(
                    format!("{:?}", d.report()),
                    format!("{:?}", s.report()),
                    "{what}"
                );
                let bits = |r: &plenum_table::ValidationReport| {
                    [
                        r.max_row_imbalance,
                        r.max_col_imbalance,
                        r.max_a_colsum,
                        r.spectral_bound,
                    ]
                    .map(f64::to_bits)
                };
                assert_eq!(bits(d.report()), bits(s.report()), "{what}");
                assert_eq!(s.z_flows().storage(), "csr", "{what}");
                assert!(
                    s.z_is_sparse_only(),
                    "{what}: validation made no dense copy"
                );
                assert_eq!(d.z(), s.z(), "{what}: the dense copy on demand");
                assert!(!s.z_is_sparse_only());
                checked_negative |= what.contains("negatives");
                if what.contains("power iteration") {
                    let r = s.report();
                    assert!(
                        r.spectral_bound < 1.0 && r.spectral_bound > 0.0,
                        "{what}: {r:?}"
                    );
                    let abs_col_1 = (0..4).map(|i| s.z()[(i, 1)].abs()).sum::<f64>() / s.x()[1];
                    assert!(
                        abs_col_1 >= 1.0,
                        "{what}: the column bound must not suffice ({abs_col_1})"
                    );
                    checked_perron = true;
                }
            }
            (Err(d), Err(s)) => assert_eq!(d.to_string(), s.to_string(), "{what}"),
            (d, s) => panic!("{what}: dense {:?} but sparse {:?}", d.err(), s.err()),
        }
    }
    assert!(checked_negative && checked_perron);
}

/// Aggregating a table with a sparse Z gives the bits of aggregating its
/// dense twin.
#[test]
fn sparse_z_aggregates_as_its_dense_twin() {
    let p = sparse_random_parts(4, 6, 3, 0.12, false);
    let d = MrioTable::new(p.clone(), &ValidationPolicy::default()).unwrap();
    let s = MrioTable::new(sparse(p), &ValidationPolicy::default()).unwrap();
    let pairs: Vec<(String, String)> = ["R0", "R1", "R2", "R3"]
        .iter()
        .zip(["A", "B", "A", "B"])
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let rc = Concordance::from_pairs("region", d.labels().regions(), &pairs).unwrap();
    let sc = Concordance::identity(d.labels().sectors());
    let ad = aggregate(&d, &rc, &sc, &ValidationPolicy::default()).unwrap();
    let asp = aggregate(&s, &rc, &sc, &ValidationPolicy::default()).unwrap();
    assert!(
        s.z_is_sparse_only(),
        "aggregation made no dense copy of the input"
    );
    let bits = |m: &Mat<f64>| {
        (0..m.ncols())
            .flat_map(|j| m.col(j).iter().map(|v| v.to_bits()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(ad.z()), bits(asp.z()));
    assert_eq!(format!("{:?}", ad.report()), format!("{:?}", asp.report()));
}
