//! China NBS reader: the two mock layouts worked by hand, errors, and the
//! four real tables.

mod common;

use plenum_formats::nbs::{self, read_nbs, read_nbs_with_sectors, NbsLayout};
use plenum_table::table::ImportTreatment;

#[test]
fn split_layout_keeps_imports_apart() {
    let (t, layout, sectors) = read_nbs_with_sectors(
        &common::mock("nbs/china_2017_3.csv"),
        &nbs::default_policy(),
    )
    .unwrap();
    assert_eq!(layout, NbsLayout::Split);
    assert_eq!(sectors[2].code, "03");
    assert!(sectors[2]
        .description
        .starts_with("Communication equipment, computers"));
    assert_eq!(sectors[0].description_zh, "农林牧渔产品和服务");
    let l = t.labels();
    assert_eq!(l.regions(), ["CHN"]);
    assert_eq!(l.sectors(), ["01", "02", "03"]);
    assert_eq!(l.fd_categories(), ["TC", "FU201", "FU202", "EX"]);
    assert_eq!(l.va_components(), ["VA001", "VA002", "VA003", "VA004"]);
    assert_eq!(t.meta().imports, ImportTreatment::CompetitiveSplit);
    assert_eq!(
        (
            t.meta().currency.as_str(),
            t.meta().unit.as_str(),
            t.meta().year
        ),
        ("CNY", "10k", Some(2017))
    );
    assert_eq!(t.z()[(1, 2)], 6.0);
    assert_eq!(t.y()[(0, 2)], -1.5);
    assert_eq!(t.y()[(2, 3)], 50.25);
    assert_eq!(t.x()[2], 123.25);
    let m = t.imported_use().unwrap();
    assert_eq!(m.z[(2, 2)], 12.0);
    assert_eq!(m.z[(0, 1)], 0.5);
    assert_eq!(m.y[(2, 3)], 3.0); // re-exports of imported products
    assert_eq!(t.v()[(1, 0)], 5.90625);
    assert_eq!(t.report().max_row_imbalance, 0.0);
    assert_eq!(t.report().max_col_imbalance, 0.0);
}

#[test]
fn total_layout_has_imports_as_negative_final_use() {
    let (t, layout, _) = read_nbs_with_sectors(
        &common::mock("nbs/china_2020_4.csv"),
        &nbs::default_policy(),
    )
    .unwrap();
    assert_eq!(layout, NbsLayout::Total);
    assert_eq!(t.meta().imports, ImportTreatment::CompetitiveTotal);
    assert!(t.imported_use().is_none());
    let l = t.labels();
    assert_eq!(l.sectors(), ["001", "002", "003", "004"]);
    assert_eq!(
        l.fd_categories(),
        ["FU101", "FU102", "FU103", "FU201", "FU202", "EX", "IM"]
    );
    assert_eq!(t.y()[(2, 6)], -60.5);
    assert_eq!(t.y()[(2, 5)], 80.0);
    assert_eq!(t.x()[1], 29.5);
    assert_eq!(t.report().max_row_imbalance, 0.0);
}

fn edited(from: &str, to: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("china_2017_3.csv");
    let s = std::fs::read_to_string(common::mock("nbs/china_2017_3.csv")).unwrap();
    assert!(s.contains(from), "{from}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    (d, p)
}

#[test]
fn errors() {
    let (_d, p) = edited("Domestic,3.0,20.0", "Domestic,3.0,x");
    let e = read_nbs(&p, &nbs::default_policy()).unwrap_err();
    let c = e.as_cell().unwrap();
    assert_eq!(
        (c.line, c.column, c.label.as_str(), c.row_label.as_str()),
        (3, 6, "02", "02")
    );
    let (_d, p) = edited("Imports,0.0,2.0", "Domestic,0.0,2.0");
    let e = read_nbs(&p, &nbs::default_policy()).unwrap_err();
    assert!(e.to_string().contains("Origin"), "{e}");
    let (_d, p) = edited("VA003,", "VA009,");
    let e = read_nbs(&p, &nbs::default_policy()).unwrap_err();
    assert!(e.to_string().contains("VA009"), "{e}");
    let (_d, p) = edited(",EX,TFU,GO", ",EXP,TFU,GO");
    let e = read_nbs(&p, &nbs::default_policy()).unwrap_err();
    assert!(e.to_string().contains("no final-use column EX"), "{e}");
    let (_d, p) = edited(",EX,TFU,GO", ",EX,TFU,EXTRA,GO");
    let e = read_nbs(&p, &nbs::default_policy()).unwrap_err();
    assert!(e.to_string().contains("EXTRA"), "{e}");
    // A wrong output breaks the balance: a typed validation error.
    let (_d, p) = edited(",46.5,62.5", ",46.5,63.5");
    let e = read_nbs(&p, &nbs::default_policy()).unwrap_err();
    assert!(
        matches!(e, plenum_formats::FormatError::Table { .. }),
        "{e}"
    );
}

#[test]
fn all_four_real_tables() {
    let Some(dir) = common::shared("china-nbs-io") else {
        return;
    };
    for (file, n, layout) in [
        ("china_2017_42.csv", 42, NbsLayout::Split),
        ("china_2018_42.csv", 42, NbsLayout::Split),
        ("china_2020_42.csv", 42, NbsLayout::Split),
        ("china_2020_153.csv", 153, NbsLayout::Total),
    ] {
        let (t, got, sectors) = read_nbs_with_sectors(&dir.join(file), &nbs::default_policy())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(got, layout, "{file}");
        assert_eq!(t.n_industries(), n, "{file}");
        assert_eq!(sectors.len(), n);
        let r = t.report();
        eprintln!(
            "{file}: {:?}, {} sectors, row gap {:.1e}, column gap {:.1e}, max A column sum {:.3}, total output {:.4e} (10k yuan)",
            got,
            n,
            r.max_row_imbalance,
            r.max_col_imbalance,
            r.max_a_colsum,
            t.x().iter().sum::<f64>()
        );
        assert!(r.max_row_imbalance < 1e-12 && r.max_col_imbalance < 1e-12);
    }
    let (t, _, s) =
        read_nbs_with_sectors(&dir.join("china_2020_42.csv"), &nbs::default_policy()).unwrap();
    assert!(
        s[19]
            .description
            .contains("communication equipment, computers"),
        "{:?}",
        s[19]
    );
    assert!(t.imported_use().unwrap().z[(19, 19)] > 0.0);
}
