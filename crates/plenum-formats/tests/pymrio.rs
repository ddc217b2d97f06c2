//! pymrio folders: mocks written by pymrio 0.7.0 itself (txt and parquet),
//! errors, writer round trips, and the writer's output pinned as a golden
//! folder that pymrio loads (checked by tests/golden/pymrio/check_with_pymrio.py).

mod common;

use std::path::Path;

use plenum_formats::pymrio::{
    self, read_pymrio, read_pymrio_with, write_folder, PymrioReadOptions, ValueAdded,
};
use plenum_formats::wiod::read_wiod_dir;
use plenum_table::{MrioTable, ValidationPolicy};

fn txt() -> std::path::PathBuf {
    common::mock("pymrio/test-mrio-txt")
}

/// The first data value of a pymrio text table (row `line`, field `field`).
fn cell(path: &Path, line: usize, field: usize) -> f64 {
    let s = std::fs::read_to_string(path).unwrap();
    s.lines()
        .nth(line - 1)
        .unwrap()
        .split('\t')
        .nth(field - 1)
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn reads_pymrio_test_system() {
    let t = read_pymrio(&txt(), &pymrio::default_policy()).unwrap();
    let l = t.labels();
    assert_eq!(
        l.regions(),
        ["reg1", "reg2", "reg3", "reg4", "reg5", "reg6"]
    );
    assert_eq!(l.sectors().len(), 8);
    assert_eq!(l.sectors()[2], "manufactoring");
    assert_eq!(l.n_fd_categories(), 7);
    assert_eq!(
        l.fd_categories()[0],
        "Final consumption expenditure by households"
    );
    assert_eq!(l.va_components(), ["VA"]);
    // Spot values against the files (line 4 is the first data line).
    assert_eq!(t.z()[(0, 0)], cell(&txt().join("Z.txt"), 4, 3));
    assert_eq!(t.z()[(1, 3)], cell(&txt().join("Z.txt"), 5, 6));
    assert_eq!(t.y()[(0, 0)], cell(&txt().join("Y.txt"), 4, 3));
    assert_eq!(t.x()[1], cell(&txt().join("x.txt"), 3, 3));
    for j in [0, 17, 47] {
        let va = t.x()[j] - t.z().col(j).iter().sum::<f64>();
        assert_eq!(t.v()[(0, j)], va);
    }
    assert_eq!(
        (t.meta().currency.as_str(), t.meta().unit.as_str()),
        ("USD", "million")
    );
    assert_eq!(t.meta().name, "testmrio");
    let names: Vec<&str> = t.extensions().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Emissions", "Factor Inputs"]);
    let em = t.extension("Emissions").unwrap();
    assert_eq!(
        em.stressors,
        ["emission_type1 | air", "emission_type2 | water"]
    );
    assert_eq!(em.units, ["kg", "kg"]);
    assert_eq!(em.f_y.as_ref().unwrap().ncols(), 42);
    let fi = t.extension("Factor Inputs").unwrap();
    assert_eq!(fi.stressors, ["Value Added"]);
    assert!(fi.f_y.is_none());
    // pymrio wrote x with 12 significant digits: rows balance to ~1e-12.
    assert!(t.report().max_row_imbalance < 1e-10, "{:?}", t.report());
}

#[test]
fn x_is_computed_when_absent() {
    let d = common::copy_mock_dir("pymrio/test-mrio-txt");
    std::fs::remove_file(d.path().join("x.txt")).unwrap();
    let p = d.path().join("file_parameters.json");
    let mut fp: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    fp["files"].as_object_mut().unwrap().remove("x");
    std::fs::write(&p, serde_json::to_string(&fp).unwrap()).unwrap();
    let with_x = read_pymrio(&txt(), &pymrio::default_policy()).unwrap();
    let t = read_pymrio(d.path(), &ValidationPolicy::lenient(1e-12)).unwrap();
    assert_eq!(t.report().max_row_imbalance, 0.0);
    for i in 0..48 {
        let want: f64 = (0..48).map(|j| t.z()[(i, j)]).sum::<f64>()
            + (0..42).map(|c| t.y()[(i, c)]).sum::<f64>();
        assert_eq!(t.x()[i], want);
        assert!((t.x()[i] - with_x.x()[i]).abs() <= 1e-11 * with_x.x()[i]);
    }
}

#[test]
fn value_added_from_extension() {
    let opts = PymrioReadOptions {
        value_added: ValueAdded::FromExtension("factor_inputs".into()),
        ..Default::default()
    };
    let policy = ValidationPolicy {
        balance_rtol: None,
        ..pymrio::default_policy()
    };
    let t = read_pymrio_with(&txt(), &opts, &policy).unwrap();
    assert_eq!(t.labels().va_components(), ["Value Added"]);
    assert_eq!(t.extensions().len(), 1);
    let derived = read_pymrio(&txt(), &pymrio::default_policy()).unwrap();
    let fi = derived.extension("Factor Inputs").unwrap();
    assert_eq!(t.v()[(0, 5)], fi.f[(0, 5)]);
    let e = read_pymrio_with(
        &txt(),
        &PymrioReadOptions {
            value_added: ValueAdded::FromExtension("nope".into()),
            ..Default::default()
        },
        &policy,
    )
    .unwrap_err();
    assert!(e.to_string().contains("Emissions, Factor Inputs"), "{e}");
}

#[test]
fn parquet_variant_matches_an_aggregation_of_the_txt() {
    let p = read_pymrio(
        &common::mock("pymrio/test-mrio-parquet"),
        &pymrio::default_policy(),
    )
    .unwrap();
    let l = p.labels();
    assert_eq!(l.regions(), ["north", "south"]);
    assert_eq!(l.sectors(), ["goods", "services"]);
    assert_eq!(l.n_fd_categories(), 7);
    // Aggregate the txt system by hand: regions 1-3 / 4-6, sectors 1-4 / 5-8.
    let t = read_pymrio(&txt(), &pymrio::default_policy()).unwrap();
    let g = |i: usize| (i / 8 / 3) * 2 + (i % 8) / 4;
    let mut z = [[0.0f64; 4]; 4];
    for i in 0..48 {
        for j in 0..48 {
            z[g(i)][g(j)] += t.z()[(i, j)];
        }
    }
    for (a, row) in z.iter().enumerate() {
        for (b, want) in row.iter().enumerate() {
            let rel = (p.z()[(a, b)] - want).abs() / want.abs().max(1.0);
            assert!(rel < 1e-9, "Z[{a},{b}] {} vs {want}", p.z()[(a, b)]);
        }
    }
    let em = p.extension("Emissions").unwrap();
    assert_eq!(em.stressors.len(), 2);
    assert_eq!(em.f_y.as_ref().unwrap().ncols(), 14);
}

#[test]
fn errors_name_cells() {
    let d = common::copy_mock_dir("pymrio/test-mrio-txt");
    let p = d.path().join("Z.txt");
    let s = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
    let mut f: Vec<String> = lines[4].split('\t').map(str::to_string).collect();
    f[5] = "n/a".into();
    lines[4] = f.join("\t");
    std::fs::write(&p, lines.join("\n")).unwrap();
    let e = read_pymrio(d.path(), &pymrio::default_policy()).unwrap_err();
    let c = e.as_cell().unwrap_or_else(|| panic!("{e}"));
    assert_eq!(
        (c.line, c.column, c.label.as_str(), c.row_label.as_str()),
        (5, 6, "reg1/electricity", "reg1/mining")
    );

    // Rows of Y out of order.
    let d = common::copy_mock_dir("pymrio/test-mrio-txt");
    let p = d.path().join("Y.txt");
    let s = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<&str> = s.lines().collect();
    lines.swap(3, 4);
    std::fs::write(&p, lines.join("\n")).unwrap();
    let e = read_pymrio(d.path(), &pymrio::default_policy()).unwrap_err();
    assert!(
        e.to_string()
            .contains("expected reg1/food, found \"reg1/mining\""),
        "{e}"
    );

    let e = read_pymrio(&txt().join("emissions"), &pymrio::default_policy()).unwrap_err();
    assert!(e.to_string().contains("systemtype is \"Extension\""), "{e}");
    let d = tempfile::tempdir().unwrap();
    let e = read_pymrio(d.path(), &pymrio::default_policy()).unwrap_err();
    assert!(e.to_string().contains("file_parameters.json"), "{e}");
}

fn numbers_equal(a: &MrioTable, b: &MrioTable) {
    assert_eq!(a.labels(), b.labels());
    let bits = |m: &plenum_table::Mat<f64>| -> Vec<u64> {
        (0..m.ncols())
            .flat_map(|j| (0..m.nrows()).map(move |i| m[(i, j)].to_bits()))
            .collect()
    };
    assert_eq!(bits(a.z()), bits(b.z()));
    assert_eq!(bits(a.y()), bits(b.y()));
    assert_eq!(bits(a.v()), bits(b.v()));
    let xb = |t: &MrioTable| -> Vec<u64> { t.x().iter().map(|v| v.to_bits()).collect() };
    assert_eq!(xb(a), xb(b));
    assert_eq!(a.extensions(), b.extensions());
    assert_eq!(a.meta().currency, b.meta().currency);
    assert_eq!(a.meta().unit, b.meta().unit);
    assert_eq!(a.meta().name, b.meta().name);
    assert_eq!(a.meta().year, b.meta().year);
}

#[test]
fn writer_round_trips_bit_exact() {
    let opts = PymrioReadOptions {
        value_added: ValueAdded::FromExtension("Factor Inputs".into()),
        ..Default::default()
    };
    for seed in 0..6u64 {
        let mut t = common::random_table(seed, 2 + seed as usize % 2, 3, 2, false);
        if seed % 2 == 0 {
            // An extension with F_Y, and labels pandas must keep as text.
            let mut p = t.into_parts();
            let n = p.labels.n_industries();
            let nfd = p.labels.n_fd_columns();
            p.extensions.push(plenum_table::Extension {
                name: "Emissions".into(),
                stressors: vec!["CO2 | air".into(), "1990".into()],
                units: vec!["kt".into(), "t".into()],
                f: plenum_table::Mat::from_fn(2, n, |i, j| (i * 7 + j) as f64 * 0.1 + 1e-17),
                f_y: Some(plenum_table::Mat::from_fn(2, nfd, |i, j| {
                    (i + j) as f64 / 3.0
                })),
            });
            t = MrioTable::new(p, &ValidationPolicy::lenient(1e-9)).unwrap();
        }
        let d = tempfile::tempdir().unwrap();
        write_folder(&t, d.path()).unwrap();
        let back = read_pymrio_with(d.path(), &opts, &ValidationPolicy::lenient(1e-9)).unwrap();
        numbers_equal(&t, &back);
        // Default read: V collapses to VA, the components stay as an extension.
        let derived = read_pymrio(d.path(), &ValidationPolicy::lenient(1e-9)).unwrap();
        assert_eq!(derived.labels().va_components(), ["VA"]);
        let fi = derived.extension("Factor Inputs").unwrap();
        assert_eq!(fi.stressors, t.labels().va_components());
        assert_eq!(&fi.f, t.v());
        // Writing what was read gives the same files.
        let d2 = tempfile::tempdir().unwrap();
        write_folder(&back, d2.path()).unwrap();
        for f in ["Z.txt", "Y.txt", "x.txt", "factor_inputs/F.txt"] {
            assert_eq!(
                std::fs::read(d.path().join(f)).unwrap(),
                std::fs::read(d2.path().join(f)).unwrap(),
                "{f}"
            );
        }
    }
}

#[test]
fn imported_use_cannot_be_written() {
    let t = common::random_table(1, 1, 3, 2, true);
    let d = tempfile::tempdir().unwrap();
    let e = write_folder(&t, d.path()).unwrap_err();
    assert!(e.to_string().contains("pymrio cannot hold"), "{e}");
}

fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let n = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            for s in list_files(&e.path()) {
                out.push(format!("{n}/{s}"));
            }
        } else {
            out.push(n);
        }
    }
    out.sort();
    out
}

/// The writer's output for the WIOD mock table is pinned in
/// tests/golden/pymrio/wiod-mock/ (regenerate with PLENUM_BLESS=1); the
/// Python script next to it loads that folder with pymrio 0.7.0 and records
/// its checks in pymrio_check.json, which must say ok and name the same
/// file hashes.
#[test]
fn writer_golden_folder_loaded_by_pymrio() {
    let t = read_wiod_dir(&common::mock("wiod"), &ValidationPolicy::default()).unwrap();
    // The notes name the path the mock was read from: fix them.
    let mut p = t.into_parts();
    p.meta.notes = vec!["the WIOD mock table of plenum-formats' tests".into()];
    let t = MrioTable::new(p, &ValidationPolicy::default()).unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/pymrio/wiod-mock");
    if std::env::var_os("PLENUM_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        write_folder(&t, &golden).unwrap();
    }
    let d = tempfile::tempdir().unwrap();
    write_folder(&t, d.path()).unwrap();
    let files = list_files(d.path());
    assert_eq!(files, list_files(&golden));
    for f in &files {
        assert_eq!(
            std::fs::read(d.path().join(f)).unwrap(),
            std::fs::read(golden.join(f)).unwrap(),
            "{f} differs from the golden folder (PLENUM_BLESS=1 regenerates it; then rerun the Python check)"
        );
    }
    let check_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/pymrio/pymrio_check.json");
    let check: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(check_path).unwrap()).unwrap();
    assert_eq!(check["ok"], serde_json::Value::Bool(true), "{check}");
    assert_eq!(check["pymrio_version"], "0.7.0");
    for f in &files {
        let want = plenum_formats::tidy::sha256_hex(&std::fs::read(golden.join(f)).unwrap());
        assert_eq!(
            check["sha256"][f.as_str()],
            serde_json::Value::String(want),
            "{f}: rerun check_with_pymrio.py"
        );
    }
}

/// Issue 14, defect 5: a file name in file_parameters.json that leaves the
/// folder (`..`, an absolute path) is refused before anything is opened,
/// even when the file it points at is a valid table.
#[test]
fn file_names_must_stay_inside_the_folder() {
    let outer = tempfile::tempdir().unwrap();
    let inner = outer.path().join("mrio");
    std::fs::create_dir(&inner).unwrap();
    let src = txt();
    for f in std::fs::read_dir(&src).unwrap() {
        let f = f.unwrap();
        if f.file_type().unwrap().is_file() {
            std::fs::copy(f.path(), inner.join(f.file_name())).unwrap();
        }
    }
    // A valid Z beside the folder, which the crafted name points at.
    std::fs::copy(src.join("Z.txt"), outer.path().join("Z.txt")).unwrap();
    let para = std::fs::read_to_string(src.join("file_parameters.json")).unwrap();
    for bad in [
        "../Z.txt",
        "../../../../etc/passwd",
        "/etc/passwd",
        "sub/../../Z.txt",
    ] {
        let text = para.replace("\"Z.txt\"", &format!("\"{bad}\""));
        std::fs::write(inner.join("file_parameters.json"), text).unwrap();
        let e = read_pymrio(&inner, &pymrio::default_policy()).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("file_parameters.json") && msg.contains("leaves the folder"),
            "{bad}: {msg}"
        );
    }
    // A plain name, and one in a subfolder, are still read.
    std::fs::write(inner.join("file_parameters.json"), &para).unwrap();
    read_pymrio(&inner, &pymrio::default_policy()).unwrap();
}

/// Found by fuzzing (issue 14): a Parquet file with corrupt definition
/// levels made the parquet crate panic ("offset + len out of bounds") and
/// the whole process abort. It is now an error naming the file.
#[test]
fn damaged_parquet_is_an_error_not_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/regress/parquet-def-levels");
    let e = read_pymrio(&dir, &pymrio::default_policy()).expect_err("a damaged file");
    let msg = e.to_string();
    assert!(msg.contains("Parquet decoder failed"), "{msg}");
    assert!(msg.contains(".parquet"), "{msg}");
    assert!(msg.contains("write the file again"), "{msg}");
}
