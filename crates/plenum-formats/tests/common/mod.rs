//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The crate's mock files.
pub fn mock(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// `../shared/data/<rel>` relative to the workspace root, or `None` after
/// printing the plain SKIPPED line when it is absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if !root.is_dir() {
        {
            // Straight to the stderr handle: the harness hides eprintln! of passing tests.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "SKIPPED: ../shared/data not found");
        }
        return None;
    }
    let p = root.join(rel);
    if !p.exists() {
        {
            // Straight to the stderr handle: the harness hides eprintln! of passing tests.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "SKIPPED: ../shared/data/{rel} not found");
        }
        return None;
    }
    Some(p)
}

/// Copies the mock folder `rel` into a fresh temporary folder.
pub fn copy_mock_dir(rel: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&mock(rel), d.path());
    d
}

pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

use plenum_table::table::ImportTreatment;
use plenum_table::{
    Col, Extension, ImportedUse, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A random balanced, productive table (seeded). With `extras` it also has
/// an imported-use block and an extension with F_Y, and some entries are
/// −0.0, subnormal or huge, to test bit-exact round trips.
pub fn random_table(seed: u64, nr: usize, ns: usize, nf: usize, extras: bool) -> MrioTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = nr * ns;
    let nfd = nr * nf;
    let regions: Vec<String> = (0..nr).map(|r| format!("R{r:02}")).collect();
    let sectors: Vec<String> = (0..ns).map(|s| format!("s{s:02}")).collect();
    let cats: Vec<String> = (0..nf).map(|f| format!("fd{f}")).collect();
    let mut z = Mat::<f64>::from_fn(n, n, |_, _| rng.random::<f64>());
    let y = Mat::<f64>::from_fn(n, nfd, |_, _| n as f64 * (1.0 + rng.random::<f64>()));
    if extras {
        z[(0, 0)] = -0.0;
        z[(1, 0)] = 5e-324;
        z[(0, 1)] = 1e-300;
    }
    let zm = Mat::<f64>::from_fn(n, n, |_, _| 0.1 * rng.random::<f64>());
    let ym = Mat::<f64>::from_fn(n, nfd, |_, _| rng.random::<f64>());
    let x = Col::<f64>::from_fn(n, |i| {
        (0..n).map(|j| z[(i, j)]).sum::<f64>() + (0..nfd).map(|c| y[(i, c)]).sum::<f64>()
    });
    let v = Mat::<f64>::from_fn(2, n, |k, j| {
        let rest = x[j]
            - z.col(j).iter().sum::<f64>()
            - if extras {
                zm.col(j).iter().sum::<f64>()
            } else {
                0.0
            };
        if k == 0 {
            0.25 * rest
        } else {
            rest - 0.25 * rest
        }
    });
    let extensions = if extras {
        vec![Extension {
            name: "emissions".into(),
            stressors: vec!["CO2".into(), "CH4".into()],
            units: vec!["kt".into(), "t".into()],
            f: Mat::from_fn(2, n, |_, _| 1e6 * rng.random::<f64>()),
            f_y: Some(Mat::from_fn(2, nfd, |_, _| rng.random::<f64>())),
        }]
    } else {
        Vec::new()
    };
    let parts = TableParts {
        meta: Metadata {
            name: format!("random-{seed}"),
            year: Some(2022),
            currency: "USD".into(),
            unit: "million".into(),
            source: "test".into(),
            licence: "none".into(),
            imports: ImportTreatment::Interregional,
            notes: vec!["made by tests/common".into()],
        },
        labels: Labels::new(regions, sectors, cats, vec!["W".into(), "OS".into()]).unwrap(),
        z: z.into(),
        y,
        x,
        v,
        imported_use: extras.then_some(ImportedUse { z: zm, y: ym }),
        extensions,
    };
    MrioTable::new(parts, &ValidationPolicy::lenient(1e-9)).unwrap()
}

fn bits_eq(a: &Mat<f64>, b: &Mat<f64>) -> bool {
    a.nrows() == b.nrows()
        && a.ncols() == b.ncols()
        && (0..a.ncols())
            .all(|j| (0..a.nrows()).all(|i| a[(i, j)].to_bits() == b[(i, j)].to_bits()))
}

/// Every number of `a` and `b` has the same bits, and labels and metadata
/// agree.
pub fn assert_bit_identical(a: &MrioTable, b: &MrioTable) {
    assert_eq!(a.labels(), b.labels());
    assert_eq!(a.meta(), b.meta());
    assert!(bits_eq(a.z(), b.z()), "Z differs");
    assert!(bits_eq(a.y(), b.y()), "Y differs");
    assert!(bits_eq(a.v(), b.v()), "V differs");
    assert!(a
        .x()
        .iter()
        .zip(b.x().iter())
        .all(|(p, q)| p.to_bits() == q.to_bits()));
    assert_eq!(a.x().nrows(), b.x().nrows());
    assert_eq!(a.imported_use().is_some(), b.imported_use().is_some());
    if let (Some(p), Some(q)) = (a.imported_use(), b.imported_use()) {
        assert!(bits_eq(&p.z, &q.z) && bits_eq(&p.y, &q.y));
    }
    assert_eq!(a.extensions().len(), b.extensions().len());
    for (p, q) in a.extensions().iter().zip(b.extensions()) {
        assert_eq!(
            (&p.name, &p.stressors, &p.units),
            (&q.name, &q.stressors, &q.units)
        );
        assert!(bits_eq(&p.f, &q.f));
        assert_eq!(p.f_y.is_some(), q.f_y.is_some());
        if let (Some(x), Some(y)) = (&p.f_y, &q.f_y) {
            assert!(bits_eq(x, y));
        }
    }
}

/// A balanced, productive table of `nr` regions × `ns` sectors around this
/// Z: two final-demand categories per region drawn from `rng`, x the row
/// sums of Z and Y, V = x' − 1'Z, named `name`.
pub fn table_around_z(
    z: Mat<f64>,
    nr: usize,
    ns: usize,
    rng: &mut ChaCha8Rng,
    name: String,
) -> MrioTable {
    let n = nr * ns;
    let nfd = nr * 2;
    let y = Mat::<f64>::from_fn(n, nfd, |_, _| 10.0 * n as f64 * (1.0 + rng.random::<f64>()));
    let x = Col::<f64>::from_fn(n, |i| {
        (0..n).map(|j| z[(i, j)]).sum::<f64>() + (0..nfd).map(|c| y[(i, c)]).sum::<f64>()
    });
    let v = Mat::<f64>::from_fn(1, n, |_, j| x[j] - z.col(j).iter().sum::<f64>());
    let parts = TableParts {
        meta: Metadata {
            name,
            year: Some(2022),
            currency: "USD".into(),
            unit: "million".into(),
            source: "test".into(),
            licence: "none".into(),
            imports: ImportTreatment::Interregional,
            notes: vec![],
        },
        labels: Labels::new(
            (0..nr).map(|r| format!("R{r:02}")).collect(),
            (0..ns).map(|s| format!("s{s:03}")).collect(),
            vec!["hh".into(), "gov".into()],
            vec!["VA".into()],
        )
        .unwrap(),
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: vec![],
    };
    MrioTable::new(parts, &ValidationPolicy::lenient(1e-9)).unwrap()
}
