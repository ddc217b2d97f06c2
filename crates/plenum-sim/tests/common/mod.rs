//! Test-only helpers: a tiny reader of pymrio text folders (Z.txt, Y.txt,
//! x.txt) and of the gzipped golden CSVs. Not a substitute for
//! plenum_formats::pymrio, which the CLI uses.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;

use plenum_table::{Col, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy};

fn read_tsv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(|s| s.to_string()).collect())
        .collect()
}

fn uniq(v: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Reads Z, Y and x of a pymrio text folder into a validated table.
pub fn read_pymrio_core(dir: &Path) -> MrioTable {
    let z = read_tsv(&dir.join("Z.txt"));
    let y = read_tsv(&dir.join("Y.txt"));
    let x = read_tsv(&dir.join("x.txt"));
    let rows = &z[3..];
    let regions = uniq(rows.iter().map(|r| r[0].clone()));
    let sectors = uniq(rows.iter().map(|r| r[1].clone()));
    let fd_regions = uniq(y[0][2..].iter().cloned());
    let cats = uniq(y[1][2..].iter().cloned());
    assert_eq!(fd_regions, regions);
    let n = rows.len();
    let nfd = y[0].len() - 2;
    let f = |s: &str| s.parse::<f64>().unwrap_or_else(|e| panic!("{s}: {e}"));
    let zm = Mat::<f64>::from_fn(n, n, |i, j| f(&rows[i][j + 2]));
    let ym = Mat::<f64>::from_fn(n, nfd, |i, j| f(&y[3 + i][j + 2]));
    let xv = Col::<f64>::from_fn(n, |i| f(&x[1 + i][2]));
    // Check the region-major layout the table model expects.
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], regions[i / sectors.len()]);
        assert_eq!(r[1], sectors[i % sectors.len()]);
    }
    assert_eq!(xv.nrows(), n);
    table_from(regions, sectors, cats, zm, ym, Some(xv))
}

/// A golden CSV: header and rows of values (inf allowed).
pub struct Golden {
    pub header: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

pub fn read_golden(path: &Path, n_keys: usize) -> Golden {
    let mut s = String::new();
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    flate2::read::GzDecoder::new(f)
        .read_to_string(&mut s)
        .expect("gzip");
    let mut lines = s.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(String::from)
        .collect();
    let rows = lines
        .map(|l| {
            l.split(',')
                .skip(n_keys)
                .map(|v| match v {
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    "nan" => f64::NAN,
                    _ => v.parse::<f64>().expect("number"),
                })
                .collect()
        })
        .collect();
    Golden { header, rows }
}

/// The small golden table most validation tests use (pymrio's test MRIO
/// aggregated to 3 regions × 5 sectors).
pub fn small_table() -> MrioTable {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/agg3x5_rebuild_shortage/mrio");
    read_pymrio_core(&dir)
}

/// A validated table from its labels, Z and Y; x is given or, when None,
/// the row sums of Z and Y (a balanced table).
pub fn table_from(
    regions: Vec<String>,
    sectors: Vec<String>,
    cats: Vec<String>,
    z: Mat<f64>,
    y: Mat<f64>,
    x: Option<Col<f64>>,
) -> MrioTable {
    let n = z.nrows();
    let x = x.unwrap_or_else(|| {
        Col::<f64>::from_fn(n, |i| {
            (0..n).map(|j| z[(i, j)]).sum::<f64>() + (0..y.ncols()).map(|c| y[(i, c)]).sum::<f64>()
        })
    });
    let parts = TableParts {
        meta: Metadata::default(),
        labels: Labels::new(regions, sectors, cats, vec![]).expect("labels"),
        z: z.into(),
        y,
        x,
        v: Mat::<f64>::zeros(0, n),
        imported_use: None,
        extensions: vec![],
    };
    MrioTable::new(parts, &ValidationPolicy::default()).expect("valid table")
}

/// A table of regions A, B and sectors p, u (industries A/p, A/u, B/p,
/// B/u) with one final-demand column per region, from Z and Y; x is their
/// row sums.
pub fn table_2x2(z: [[f64; 4]; 4], y: [[f64; 2]; 4]) -> MrioTable {
    table_from(
        vec!["A".into(), "B".into()],
        vec!["p".into(), "u".into()],
        vec!["hh".into()],
        Mat::<f64>::from_fn(4, 4, |i, j| z[i][j]),
        Mat::<f64>::from_fn(4, 2, |i, c| y[i][c]),
        None,
    )
}
