//! OECD national (TTL) reader: mock files worked by hand, errors, and all
//! 80 real files of 2022 with their balance residuals.

mod common;

use plenum_formats::oecd_national::{
    self, read_oecd_national, read_oecd_national_dir, read_oecd_national_table,
};
use plenum_formats::FormatError;
use plenum_table::table::ImportTreatment;
use plenum_table::{MrioTable, TableError, ValidationPolicy};

fn xyz() -> std::path::PathBuf {
    common::mock("oecd-niot/XYZ2022ttl.csv")
}

#[test]
fn mock_national_table_fields() {
    let t = read_oecd_national(&xyz()).unwrap();
    assert_eq!(t.economy, "XYZ");
    assert_eq!(t.year, Some(2022));
    assert_eq!(t.industries, ["A01", "B05", "C26", "F"]);
    assert_eq!(t.use_ttl[(0, 2)], 3.25);
    assert_eq!(t.final_use[(0, 4)], -0.75);
    assert_eq!(t.final_use[(2, 6)], 0.25);
    assert_eq!(t.exports[2], 45.125);
    assert_eq!(t.imports[1], 7.0);
    assert_eq!(t.imports[2], 20.0);
    assert_eq!(t.total[2], 134.875);
    assert_eq!(t.taxes.intermediate[3], 3.0);
    assert_eq!(t.taxes.final_use[0], 12.25);
    assert_eq!(t.taxes.final_use[3], 3.0);
    assert_eq!(t.imp_other.final_use[0], 1.5);
    assert_eq!(t.va_components, ["LABR", "OTXS", "CFC", "NOPS"]);
    assert_eq!(t.va[(2, 0)], 15.2);
    assert_eq!(t.valu[2], 94.625);
    assert_eq!(t.output[1], 0.0);
    // GOPS = VALU − LABR − OTXS = CFC + NOPS here.
    let g = t.gops();
    assert!((g[2] - (29.45 + 44.175)).abs() < 1e-12);
    let r = t.residuals(1.0);
    assert!(
        r.row_abs < 1e-9 && r.col_abs < 1e-9 && r.va_components_abs < 1e-9,
        "{r:?}"
    );
}

#[test]
fn mock_as_single_region_table() {
    let tab = read_oecd_national_table(&xyz(), &oecd_national::default_policy()).unwrap();
    let l = tab.labels();
    assert_eq!(l.regions(), ["XYZ"]);
    assert_eq!(
        l.fd_categories(),
        [
            "HFCE",
            "NPISH",
            "GGFC",
            "GFCF",
            "INVNT",
            "DPABR",
            "CONS_NONRES",
            "EXPO",
            "IMPO"
        ]
    );
    assert_eq!(
        l.va_components(),
        ["TXS_INT_FNL", "IMP_OTHER", "LABR", "OTXS", "GOPS"]
    );
    assert_eq!(tab.meta().imports, ImportTreatment::CompetitiveTotal);
    assert_eq!(tab.y()[(2, 8)], -20.0);
    assert_eq!(tab.y()[(2, 7)], 45.125);
    assert_eq!(tab.v()[(1, 2)], 0.5);
    assert_eq!(tab.zero_output(), [1]);
    assert!(tab.report().max_row_imbalance < 1e-12);
    assert!(tab.report().max_col_imbalance < 1e-12);
    // Balanced to rounding: a near-exact policy accepts it too.
    read_oecd_national_table(&xyz(), &ValidationPolicy::lenient(1e-9)).unwrap();
}

#[test]
fn import_only_product_is_accepted_only_in_ttl_tables() {
    // B05 has zero output but imported uses. In a TTL table that is
    // consistent; relabelled as a multi-regional table it is not.
    let t = read_oecd_national(&xyz()).unwrap();
    let mut parts = t.to_parts().unwrap();
    parts.meta.imports = ImportTreatment::Interregional;
    let e = MrioTable::new(parts, &oecd_national::default_policy()).unwrap_err();
    assert!(
        matches!(e, TableError::ZeroOutputWithFlows { ref industry, .. } if industry == "XYZ/B05"),
        "{e}"
    );
}

#[test]
fn negative_value_added_needs_the_policy() {
    // Industry 2 buys more than it makes (column sum of A 1.1) but
    // rho(A) = 0.685 < 1: productive, rejected only by the column-sum check.
    let t = read_oecd_national(&common::mock("oecd-niot/ABC2022ttl.csv")).unwrap();
    let mut p = t.to_parts().unwrap();
    p.labels = plenum_table::Labels::new(
        vec!["ABC".into()],
        vec!["a".into(), "b".into()],
        vec!["HFCE".into()],
        vec!["VA".into()],
    )
    .unwrap();
    p.z = plenum_table::Mat::from_fn(2, 2, |i, j| [[50.0, 90.0], [10.0, 20.0]][i][j]).into();
    p.x = plenum_table::Col::from_fn(2, |_| 100.0);
    p.y = plenum_table::Mat::from_fn(2, 1, |i, _| [-40.0, 70.0][i]);
    p.v = plenum_table::Mat::from_fn(1, 2, |_, j| [40.0, -10.0][j]);
    let strict = ValidationPolicy::lenient(1e-9);
    let e = MrioTable::new(p.clone(), &strict).unwrap_err();
    assert!(matches!(e, TableError::NonProductiveColumns { .. }), "{e}");
    let ok = MrioTable::new(p.clone(), &oecd_national::default_policy()).unwrap();
    assert!(
        (ok.report().spectral_bound - 0.685).abs() < 1e-3,
        "{:?}",
        ok.report()
    );
    // A truly non-productive table is still rejected.
    p.z.make_dense()[(1, 0)] = 60.0;
    p.z.make_dense()[(1, 1)] = 80.0;
    p.y[(1, 0)] = -40.0;
    p.v[(0, 0)] = -10.0;
    p.v[(0, 1)] = -70.0;
    let e = MrioTable::new(p, &oecd_national::default_policy()).unwrap_err();
    assert!(matches!(e, TableError::NonProductiveSpectral { .. }), "{e}");
}

#[test]
fn no_imp_other_component_when_all_zero() {
    let tab = read_oecd_national_table(
        &common::mock("oecd-niot/ABC2022ttl.csv"),
        &ValidationPolicy::lenient(1e-9),
    )
    .unwrap();
    assert_eq!(
        tab.labels().va_components(),
        ["TXS_INT_FNL", "LABR", "OTXS", "GOPS"]
    );
}

#[test]
fn folder_sorted_by_code() {
    let all = read_oecd_national_dir(&common::mock("oecd-niot")).unwrap();
    let codes: Vec<&str> = all.iter().map(|t| t.economy.as_str()).collect();
    assert_eq!(codes, ["ABC", "XYZ"]);
    let d = tempfile::tempdir().unwrap();
    let e = read_oecd_national_dir(d.path()).unwrap_err();
    assert!(e.to_string().contains("no *ttl.csv"), "{e}");
}

fn edited(from: &str, to: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("XYZ2022ttl.csv");
    let s = std::fs::read_to_string(xyz()).unwrap();
    assert!(s.contains(from), "{from}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    (d, p)
}

#[test]
fn errors_point_at_the_cell() {
    let (_d, p) = edited("\"TTL_C26\",2,0,30", "\"TTL_C26\",2,0,n/a");
    let e = read_oecd_national(&p).unwrap_err();
    let c = e.as_cell().unwrap();
    assert_eq!(
        (c.line, c.column, c.label.as_str(), c.row_label.as_str()),
        (4, 4, "C26", "TTL_C26")
    );
    assert!(
        e.to_string()
            .contains("found \"n/a\"; replace with 0 if the flow is absent"),
        "{e}"
    );

    let (_d, p) = edited(",0,-7,0", ",0,7,0");
    let e = read_oecd_national(&p).unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    assert_eq!(e.as_cell().unwrap().label, "IMPO");

    let (_d, p) = edited("\"NOPS\"", "\"NOPZ\"");
    let e = read_oecd_national(&p).unwrap_err();
    assert_eq!(e.as_cell().unwrap().line, 13, "{e}");

    let (_d, p) = edited("\"OUTPUT\"", "\"LABR\"");
    let e = read_oecd_national(&p).unwrap_err();
    assert!(matches!(e, FormatError::Layout { line: 14, .. }), "{e}");

    let (_d, p) = edited("\"TTL_B05\"", "\"TTL_B06\"");
    let e = read_oecd_national(&p).unwrap_err();
    assert!(e.to_string().contains("expected row \"TTL_B05\""), "{e}");

    let (_d, p) = edited("\"GGFC\"", "\"GOV\"");
    let e = read_oecd_national(&p).unwrap_err();
    assert!(
        e.to_string().contains("distinct industry code") || e.to_string().contains("column \""),
        "{e}"
    );
}

#[test]
fn all_80_real_tables() {
    let Some(dir) = common::shared("oecd-niot-2022") else {
        return;
    };
    let t0 = std::time::Instant::now();
    let all = read_oecd_national_dir(&dir).unwrap();
    eprintln!("read {} national tables in {:?}", all.len(), t0.elapsed());
    assert_eq!(all.len(), 80);
    assert!(all.windows(2).all(|w| w[0].economy < w[1].economy));
    let policy = oecd_national::default_policy();
    let floor = policy.balance_floor;
    let (mut worst_row, mut worst_col) = (0.0f64, 0.0f64);
    eprintln!("economy  row_abs  row_rel  (worst)  col_abs  col_rel  (worst)  va_comp_gap (worst)");
    for t in &all {
        assert_eq!(t.n(), 50);
        let expected: Vec<&str> = oecd_national::INDUSTRIES.iter().map(|(c, _)| *c).collect();
        assert_eq!(t.industries, expected, "{}", t.economy);
        let r = t.residuals(floor);
        eprintln!(
            "{}  {:8.3} {:.1e} ({:>8})  {:8.3} {:.1e} ({:>8})  {:8.3} ({})",
            t.economy,
            r.row_abs,
            r.row_rel,
            r.row_worst,
            r.col_abs,
            r.col_rel,
            r.col_worst,
            r.va_components_abs,
            r.va_components_worst
        );
        worst_row = worst_row.max(r.row_rel);
        worst_col = worst_col.max(r.col_rel);
        let tab = t
            .to_table(&policy)
            .unwrap_or_else(|e| panic!("{}: {e}", t.economy));
        // The reported imbalances agree with the residuals measured here
        // (the column one includes GOPS, i.e. VALU).
        assert!((tab.report().max_row_imbalance - r.row_rel).abs() < 1e-12);
        assert!((tab.report().max_col_imbalance - r.col_rel).abs() < 1e-9);
    }
    eprintln!("worst relative row gap {worst_row:.2e}, column gap {worst_col:.2e} (floor {floor})");
    assert!(worst_row < 1e-3 && worst_col < 1e-3);
    let chn = all.iter().find(|t| t.economy == "CHN").unwrap();
    assert_eq!(chn.output[0], 2326303.565);
    assert_eq!(chn.use_ttl[(0, 0)], 663723.676);
    let nzl = all.iter().find(|t| t.economy == "NZL").unwrap();
    let r = nzl.residuals(floor);
    assert_eq!(r.va_components_worst, "C19");
    assert!((r.va_components_abs - 47.229).abs() < 1e-6);
}
