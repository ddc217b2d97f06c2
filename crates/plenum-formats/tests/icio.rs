//! OECD ICIO reader: the two mock layouts (with China and Mexico split into
//! parts) must give back the true table the mock generator started from,
//! exactly; errors.

#![allow(clippy::needless_range_loop)] // index loops mirror the generator's formulas

mod common;

use plenum_formats::icio::{self, read_icio, read_icio_with_layout, IcioLayout};
use plenum_formats::FormatError;

/// The true table of tests/data/icio/make_mock.py (3 regions x 3 sectors,
/// 6 categories): Z, Y, x, taxes, value added.
#[allow(clippy::type_complexity)]
fn truth() -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = 9;
    let z: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| ((3 * i + 5 * j) % 7 + if i == j { 8 } else { 0 }) as f64)
                .collect()
        })
        .collect();
    let y: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..18)
                .map(|c| {
                    if c == 4 {
                        if i % 2 == 1 {
                            -0.5
                        } else {
                            0.25
                        }
                    } else {
                        ((i + 2 * c) % 5) as f64 * 4.0 + if c % 6 == 0 { 1.0 } else { 0.0 }
                    }
                })
                .collect()
        })
        .collect();
    let x: Vec<f64> = (0..n)
        .map(|i| z[i].iter().sum::<f64>() + y[i].iter().sum::<f64>())
        .collect();
    let tax: Vec<f64> = (0..n).map(|j| 0.125 * (j + 1) as f64).collect();
    let va: Vec<f64> = (0..n)
        .map(|j| x[j] - (0..n).map(|i| z[i][j]).sum::<f64>() - tax[j])
        .collect();
    (z, y, x, tax, va)
}

fn check_against_truth(t: &plenum_table::MrioTable) {
    let (z, y, x, tax, va) = truth();
    for i in 0..9 {
        for j in 0..9 {
            assert_eq!(t.z()[(i, j)], z[i][j], "Z[{i},{j}]");
        }
        for c in 0..18 {
            assert_eq!(t.y()[(i, c)], y[i][c], "Y[{i},{c}]");
        }
        assert_eq!(t.x()[i], x[i]);
        assert_eq!(t.v()[(0, i)], tax[i]);
        assert_eq!(t.v()[(1, i)], va[i]);
    }
    assert_eq!(t.report().max_row_imbalance, 0.0);
    assert_eq!(t.report().max_col_imbalance, 0.0);
}

#[test]
fn edition_2021_with_china_split() {
    let (t, layout) = read_icio_with_layout(
        &common::mock("icio/ICIO2021_2018.csv"),
        &icio::default_policy(),
    )
    .unwrap();
    assert_eq!(layout, IcioLayout::Edition2021);
    let l = t.labels();
    assert_eq!(l.regions(), ["AUS", "CHN", "ROW"]);
    assert_eq!(l.sectors(), ["A01T02", "C26", "F"]);
    assert_eq!(l.fd_categories(), icio::FD_CATEGORIES);
    assert_eq!(l.va_components(), ["TAXSUB", "VALU"]);
    assert_eq!(
        (t.meta().name.as_str(), t.meta().year),
        ("oecd-icio2021-2018", Some(2018))
    );
    assert!(t
        .meta()
        .notes
        .iter()
        .any(|s| s.contains("merged CN1, CN2 into CHN/MEX")));
    check_against_truth(&t);
}

#[test]
fn edition_2023_with_mexico_only_in_parts() {
    let (t, layout) = read_icio_with_layout(
        &common::mock("icio/ICIO2023_2020.csv"),
        &icio::default_policy(),
    )
    .unwrap();
    assert_eq!(layout, IcioLayout::Edition2023);
    let l = t.labels();
    assert_eq!(l.regions(), ["USA", "MEX", "ROW"]);
    assert_eq!(l.sectors(), ["A01_02", "C26", "J62_63"]);
    assert_eq!(l.va_components(), ["TLS", "VA"]);
    check_against_truth(&t);
}

fn edited(file: &str, from: &str, to: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(file);
    let s = std::fs::read_to_string(common::mock(&format!("icio/{file}"))).unwrap();
    assert!(s.contains(from), "{from}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    (d, p)
}

#[test]
fn errors() {
    let pol = icio::default_policy();
    let (_d, p) = edited("ICIO2023_2020.csv", ",OUT\n", ",DISC\n");
    let e = read_icio(&p, &pol).unwrap_err();
    assert!(e.to_string().contains("\"DISC\""), "{e}");

    let (_d, p) = edited("ICIO2021_2018.csv", "\nVALU,", "\nVA,");
    let e = read_icio(&p, &pol).unwrap_err();
    assert!(
        matches!(e, FormatError::Layout { .. }) && e.to_string().contains("other ICIO layout"),
        "{e}"
    );

    let (_d, p) = edited("ICIO2021_2018.csv", "AUS_C26,3.0,9.0", "AUS_C26,3.0,x");
    let e = read_icio(&p, &pol).unwrap_err();
    let c = e.as_cell().unwrap();
    assert_eq!(
        (c.line, c.column, c.label.as_str(), c.row_label.as_str()),
        (3, 3, "AUS_C26", "AUS_C26")
    );

    let (_d, p) = edited("ICIO2021_2018.csv", ",ROW_DPABR,", ",ROW_XXX,");
    let e = read_icio(&p, &pol).unwrap_err();
    assert!(e.to_string().contains("ROW_XXX"), "{e}");

    let (_d, p) = edited("ICIO2021_2018.csv", "CN1_C26,CN1_F", "CN1_F,CN1_C26");
    let e = read_icio(&p, &pol).unwrap_err();
    assert!(
        e.to_string()
            .contains("CN1_C26 (sectors in the order of AUS)"),
        "{e}"
    );

    let (_d, p) = edited("ICIO2021_2018.csv", "\nOUTPUT,", "\nOUTPT,");
    let e = read_icio(&p, &pol).unwrap_err();
    assert!(e.to_string().contains("OUTPT"), "{e}");
}
