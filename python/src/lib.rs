//! `plenum._plenum`: the compiled core of the Python package `plenum`.
//!
//! This crate only converts: numpy arrays and Python values in, plenum's
//! library calls, numpy arrays and plain Python values out. Every number is
//! computed by the same library functions the CLI calls (plenum-iomath,
//! plenum-gvc, plenum-sim, plenum-scenario), and every error is the CLI's
//! typed error, raised as a Python exception of the matching class. The
//! pandas layer (labels, DataFrames, pymrio conversion) is pure Python in
//! `plenum/__init__.py`.
//!
//! Heavy calls release the GIL (`Python::detach`) so other Python threads
//! run meanwhile.

// The library crates' errors carry labels, values and fixes for the user and
// are built on the cold path only, so their size does not matter (as in
// plenum-scenario and plenum-sim, which allow the same lint).
#![allow(clippy::result_large_err)]

use pyo3::prelude::*;

mod analysis;
mod convert;
mod errors;
mod gvc;
mod memory;
mod scenarios;
mod sim;
mod solve;
mod table;

#[pymodule]
fn _plenum(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<table::Table>()?;
    m.add_function(wrap_pyfunction!(table::read_table, m)?)?;
    m.add_function(wrap_pyfunction!(table::default_table, m)?)?;
    m.add_function(wrap_pyfunction!(table::table_from_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::analyze, m)?)?;
    m.add_function(wrap_pyfunction!(gvc::self_reliance, m)?)?;
    m.add_function(wrap_pyfunction!(gvc::decompose, m)?)?;
    m.add_function(wrap_pyfunction!(gvc::chokepoints, m)?)?;
    m.add_function(wrap_pyfunction!(sim::simulate_ario, m)?)?;
    m.add_function(wrap_pyfunction!(scenarios::run, m)?)?;
    m.add_function(wrap_pyfunction!(scenarios::shipped_scenarios, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
