//! WIOD reader: mock files (exact values, errors) and the real 2011 table.

mod common;

use plenum_formats::wiod::{self, read_wiod_dir, WiodFiles};
use plenum_formats::FormatError;
use plenum_table::{TableError, ValidationPolicy};

#[test]
fn mock_table_reads_exactly() {
    let t = read_wiod_dir(&common::mock("wiod"), &ValidationPolicy::default()).unwrap();
    let l = t.labels();
    assert_eq!(l.regions(), ["AUS", "RoW"]);
    assert_eq!(l.sectors(), ["c1", "c2", "c3"]);
    assert_eq!(l.fd_categories(), wiod::FD_CATEGORIES);
    assert_eq!(l.va_components(), ["VA"]);
    assert_eq!(t.z()[(1, 2)], 5.0);
    assert_eq!(t.z()[(5, 5)], 40.0);
    assert_eq!(t.y()[(3, 9)], -2.0);
    assert_eq!(t.y()[(0, 4)], -1.0);
    assert_eq!(t.x()[2], 121.0);
    // V = x' − 1'Z, worked by hand from the mock file.
    let va = [62.0, 70.0, 83.0, 91.0, 61.0, 113.0];
    for (j, v) in va.iter().enumerate() {
        assert_eq!(t.v()[(0, j)], *v);
    }
    assert_eq!(t.report().max_row_imbalance, 0.0);
    assert_eq!(t.meta().currency, "USD");
}

fn with_edit(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let d = common::copy_mock_dir("wiod");
    let p = d.path().join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from));
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    d
}

#[test]
fn bad_number_names_file_line_column_labels_and_fix() {
    let d = with_edit("wiotmock_output.csv", "AUS_c3,121", "AUS_c3,n/a");
    let e = read_wiod_dir(d.path(), &ValidationPolicy::default()).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("wiotmock_output.csv line 4, column 2 (\"output\", row \"AUS_c3\"): expected a finite number, found \"n/a\"; "), "{m}");

    let d = with_edit(
        "wiotmock_final.csv",
        "RoW_c1,2,0,0,1,0,70",
        "RoW_c1,2,0,0,1,0,NaN",
    );
    let m = read_wiod_dir(d.path(), &ValidationPolicy::default())
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("line 5, column 7 (\"5 (RoW/CONS_h)\", row \"RoW_c1\")"),
        "{m}"
    );
    assert!(m.contains("replace with 0 if the flow is absent"), "{m}");
}

#[test]
fn layout_errors() {
    let d = with_edit("wiotmock_final.csv", ",0,1,2,3,4,5", ",0,1,2,3,4,6");
    let e = read_wiod_dir(d.path(), &ValidationPolicy::default()).unwrap_err();
    let c = e.as_cell().unwrap();
    assert_eq!((c.line, c.column), (1, 7), "{e}");

    let d = with_edit(
        "wiotmock_output.csv",
        "RoW_c1,116\nRoW_c2,94",
        "RoW_c2,94\nRoW_c1,116",
    );
    let e = read_wiod_dir(d.path(), &ValidationPolicy::default()).unwrap_err();
    assert!(e.to_string().contains("expected row \"RoW_c1\""), "{e}");

    let d = with_edit(
        "wiotmock_output.csv",
        "RoW_c3,165\n",
        "RoW_c3,165\nTOTAL,672\n",
    );
    let e = read_wiod_dir(d.path(), &ValidationPolicy::default()).unwrap_err();
    assert!(matches!(e, FormatError::Layout { line: 8, .. }), "{e}");

    // A wrong output breaks the row balance: the validation error is typed.
    let d = with_edit("wiotmock_output.csv", "AUS_c2,96", "AUS_c2,196");
    let e = read_wiod_dir(d.path(), &ValidationPolicy::default()).unwrap_err();
    assert!(
        matches!(
            e,
            FormatError::Table {
                source: TableError::RowImbalance { .. },
                ..
            }
        ),
        "{e}"
    );

    let d = tempfile::tempdir().unwrap();
    let e = WiodFiles::in_dir(d.path()).unwrap_err();
    assert!(e.to_string().contains("_inter.csv"), "{e}");
}

#[test]
fn sector_names_cover_the_sectors() {
    assert_eq!(wiod::SECTORS.len(), 35);
    for (i, s) in wiod::SECTORS.iter().enumerate() {
        assert_eq!(s.code, format!("c{}", i + 1));
    }
    assert_eq!(
        wiod::sector_name("c14"),
        Some("Electrical and optical equipment")
    );
}

#[test]
fn real_wiot2011() {
    let Some(dir) = common::shared("wiod-2013-wiot2011") else {
        return;
    };
    let files = WiodFiles::in_dir(&dir).unwrap();
    assert_eq!(files.year(), Some(2011));
    let t0 = std::time::Instant::now();
    let t = wiod::read_wiod(&files, &wiod::default_policy()).unwrap();
    eprintln!("read WIOD 2011 in {:?}", t0.elapsed());
    let l = t.labels();
    assert_eq!(
        (l.n_regions(), l.n_sectors(), l.n_fd_columns()),
        (41, 35, 205)
    );
    assert_eq!(l.regions()[6], "CHN");
    assert_eq!(l.regions()[40], "RoW");
    let sectors: Vec<&str> = wiod::SECTORS.iter().map(|s| s.code).collect();
    assert_eq!(l.sectors(), sectors.as_slice());
    // Spot values from the files (first and last cells).
    assert_eq!(t.z()[(0, 0)], 8732.0);
    assert_eq!(t.z()[(1, 1)], 24512.0);
    assert_eq!(t.y()[(0, 0)], 16969.0);
    assert_eq!(t.x()[0], 76834.0);
    assert_eq!(t.x()[1434], 6703.0);
    assert_eq!(t.zero_output().len(), 22);
    let r = t.report();
    eprintln!(
        "WIOD 2011: max relative row imbalance {:.4e} (policy 0.005 with floor 40000), column {:.1e}",
        r.max_row_imbalance, r.max_col_imbalance
    );
    assert!(r.max_col_imbalance < 1e-12);
    assert!(r.max_row_imbalance > 1e-3 && r.max_row_imbalance < 0.003);
    // The rounding is real: a tolerance ten times tighter rejects the table.
    let tight = ValidationPolicy {
        balance_rtol: Some(0.0005),
        ..wiod::default_policy()
    };
    let e = wiod::read_wiod(&files, &tight).unwrap_err();
    assert!(
        matches!(
            e,
            FormatError::Table {
                source: TableError::RowImbalance { .. },
                ..
            }
        ),
        "{e}"
    );
}
