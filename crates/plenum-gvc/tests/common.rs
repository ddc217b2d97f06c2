//! Helpers shared by the integration tests.
#![allow(dead_code)]

use plenum_table::{Col, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy};

/// Builds a table from Z (n × n) and Y (n × R·F) with x = row sums and one
/// value-added row x − 1'Z.
pub fn table_from(
    regions: &[&str],
    sectors: &[&str],
    fd: &[&str],
    z: Mat<f64>,
    y: Mat<f64>,
    policy: &ValidationPolicy,
) -> MrioTable {
    let n = z.nrows();
    let x = Col::from_fn(n, |i| {
        (0..n).map(|j| z[(i, j)]).sum::<f64>() + (0..y.ncols()).map(|c| y[(i, c)]).sum::<f64>()
    });
    let v = Mat::from_fn(1, n, |_, j| x[j] - (0..n).map(|i| z[(i, j)]).sum::<f64>());
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let parts = TableParts {
        meta: Metadata {
            name: "test".into(),
            ..Metadata::default()
        },
        labels: Labels::new(s(regions), s(sectors), s(fd), vec!["VA".into()]).unwrap(),
        z: z.into(),
        y,
        x,
        v,
        imported_use: None,
        extensions: vec![],
    };
    MrioTable::new(parts, policy).unwrap()
}

pub fn read_csv(path: &str) -> Vec<Vec<f64>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .map(|v| v.trim().parse::<f64>().unwrap())
                .collect()
        })
        .collect()
}

/// Dense (I − A)⁻¹ by faer, for brute-force checks.
pub fn inv_i_minus(a: &Mat<f64>) -> Mat<f64> {
    use faer::linalg::solvers::DenseSolveCore;
    let n = a.nrows();
    let m = Mat::from_fn(n, n, |i, j| if i == j { 1.0 } else { 0.0 } - a[(i, j)]);
    m.partial_piv_lu().inverse()
}

pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}
