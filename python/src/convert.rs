//! numpy ⇄ faer. Inputs are read through numpy's views (any strides, no
//! intermediate copy); the one copy made is into the table's own storage,
//! which owns its matrices. Outputs are new numpy arrays (row-major).

use faer::{Col, Mat};
use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::errors;

/// A faer matrix from a float64 numpy array, checking finiteness with the
/// position of the first bad entry.
pub fn mat_from(what: &str, a: &PyReadonlyArray2<'_, f64>) -> PyResult<Mat<f64>> {
    let v = a.as_array();
    let (r, c) = v.dim();
    for ((i, j), x) in v.indexed_iter() {
        if !x.is_finite() {
            return Err(errors::table(format!(
                "{what}: entry ({i}, {j}) is {x}; a table holds finite numbers only (replace NaN/inf, e.g. with DataFrame.fillna(0))"
            )));
        }
    }
    Ok(Mat::from_fn(r, c, |i, j| v[[i, j]]))
}

pub fn col_from(what: &str, a: &PyReadonlyArray1<'_, f64>) -> PyResult<Col<f64>> {
    let v = a.as_array();
    for (i, x) in v.indexed_iter() {
        if !x.is_finite() {
            return Err(errors::table(format!(
                "{what}: entry {i} is {x}; a table holds finite numbers only"
            )));
        }
    }
    Ok(Col::from_fn(v.len(), |i| v[i]))
}

pub fn mat_to<'py>(py: Python<'py>, m: &Mat<f64>) -> Bound<'py, PyArray2<f64>> {
    let (r, c) = (m.nrows(), m.ncols());
    Array2::from_shape_fn((r, c), |(i, j)| m[(i, j)]).into_pyarray(py)
}

pub fn col_to<'py>(py: Python<'py>, v: &Col<f64>) -> Bound<'py, PyArray1<f64>> {
    let data: Vec<f64> = (0..v.nrows()).map(|i| v[i]).collect();
    data.into_pyarray(py)
}

/// Rows of equal length (e.g. per-step vectors) as a 2-d array.
pub fn rows_to<'py>(py: Python<'py>, rows: &[Vec<f64>], width: usize) -> Bound<'py, PyArray2<f64>> {
    Array2::from_shape_fn((rows.len(), width), |(i, j)| rows[i][j]).into_pyarray(py)
}
