//! numpy ⇄ faer. Inputs are read through numpy's views (any strides, no
//! intermediate copy); the one copy made is into the table's own storage,
//! which owns its matrices (a plain copy for Fortran-ordered arrays, a tiled
//! transpose for C-ordered ones). Outputs are new numpy arrays in Fortran
//! order, faer's own layout, so that they too are one plain copy.

use faer::{Col, Mat};
use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use crate::errors;

/// A faer matrix from a float64 numpy array, checking finiteness with the
/// position of the first bad entry. A Fortran-ordered array (what pandas'
/// `DataFrame.to_numpy()` gives for a frame of one float block) is copied
/// column by column, a C-ordered one by cache-sized tiles; other strides
/// element by element.
pub fn mat_from(what: &str, a: &PyReadonlyArray2<'_, f64>) -> PyResult<Mat<f64>> {
    let v = a.as_array();
    let (r, c) = v.dim();
    let finite = match v.as_slice_memory_order() {
        Some(sl) => sl.iter().all(|x| x.is_finite()),
        None => v.iter().all(|x| x.is_finite()),
    };
    if !finite {
        for ((i, j), x) in v.indexed_iter() {
            if !x.is_finite() {
                return Err(errors::table(format!(
                    "{what}: entry ({i}, {j}) is {x}; a table holds finite numbers only (replace NaN/inf, e.g. with DataFrame.fillna(0))"
                )));
            }
        }
    }
    if let Some(sl) = v.t().as_slice() {
        // Fortran order: column j is sl[j * r..(j + 1) * r].
        let mut m = Mat::<f64>::zeros(r, c);
        for j in 0..c {
            m.col_mut(j)
                .iter_mut()
                .zip(&sl[j * r..(j + 1) * r])
                .for_each(|(d, s)| *d = *s);
        }
        return Ok(m);
    }
    if let Some(sl) = v.as_slice() {
        // C order: a transpose, tile by tile so both sides stay in cache.
        const T: usize = 64;
        let mut m = Mat::<f64>::zeros(r, c);
        for j0 in (0..c).step_by(T) {
            for i0 in (0..r).step_by(T) {
                for j in j0..(j0 + T).min(c) {
                    for i in i0..(i0 + T).min(r) {
                        m[(i, j)] = sl[i * c + j];
                    }
                }
            }
        }
        return Ok(m);
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

/// A new numpy array in Fortran order, the faer layout: one copy, column
/// by column.
pub fn mat_to<'py>(py: Python<'py>, m: &Mat<f64>) -> Bound<'py, PyArray2<f64>> {
    use numpy::ndarray::ShapeBuilder;
    let (r, c) = (m.nrows(), m.ncols());
    let mut data = Vec::with_capacity(r * c);
    for j in 0..c {
        data.extend(m.col(j).iter().copied());
    }
    match Array2::from_shape_vec((r, c).f(), data) {
        Ok(a) => a.into_pyarray(py),
        // Unreachable (the length is r·c); the element-wise copy otherwise.
        Err(_) => Array2::from_shape_fn((r, c), |(i, j)| m[(i, j)]).into_pyarray(py),
    }
}

pub fn col_to<'py>(py: Python<'py>, v: &Col<f64>) -> Bound<'py, PyArray1<f64>> {
    let data: Vec<f64> = (0..v.nrows()).map(|i| v[i]).collect();
    data.into_pyarray(py)
}

/// Rows of equal length (e.g. per-step vectors) as a 2-d array.
pub fn rows_to<'py>(py: Python<'py>, rows: &[Vec<f64>], width: usize) -> Bound<'py, PyArray2<f64>> {
    Array2::from_shape_fn((rows.len(), width), |(i, j)| rows[i][j]).into_pyarray(py)
}
