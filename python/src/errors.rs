//! plenum's typed errors as Python exceptions.
//!
//! `PlenumError` is the base class; `TableError` covers reading and
//! validating tables and the input-output maths, `ScenarioError` scenario
//! files and runs, `SimulationError` the engine and its event files,
//! `AnalysisError` the GVC measures. The message is the CLI's text (the
//! error's `Display`), which names the file, line, column and label and
//! suggests the fix.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    plenum,
    PlenumError,
    PyException,
    "Base class of plenum's errors."
);
create_exception!(
    plenum,
    TableError,
    PlenumError,
    "A table could not be read, was invalid, or its maths failed (singular I − A, zero output)."
);
create_exception!(
    plenum,
    ScenarioError,
    PlenumError,
    "A scenario file or a scenario run failed."
);
create_exception!(
    plenum,
    SimulationError,
    PlenumError,
    "An event file or an engine run failed."
);
create_exception!(
    plenum,
    AnalysisError,
    PlenumError,
    "A GVC measure (self-reliance, decomposition, chokepoints) failed."
);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PlenumError", py.get_type::<PlenumError>())?;
    m.add("TableError", py.get_type::<TableError>())?;
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("SimulationError", py.get_type::<SimulationError>())?;
    m.add("AnalysisError", py.get_type::<AnalysisError>())?;
    Ok(())
}

pub fn table(e: impl std::fmt::Display) -> PyErr {
    TableError::new_err(e.to_string())
}
pub fn scenario(e: impl std::fmt::Display) -> PyErr {
    ScenarioError::new_err(e.to_string())
}
pub fn simulation(e: impl std::fmt::Display) -> PyErr {
    SimulationError::new_err(e.to_string())
}
pub fn analysis(e: impl std::fmt::Display) -> PyErr {
    AnalysisError::new_err(e.to_string())
}
