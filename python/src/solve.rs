//! The `solver=` and `rtol=` arguments of `analyze` and `chokepoints` (the
//! CLI's `--solver` and `--rtol`, with the same choices and range), and the
//! solve log as a dict with the keys of the CLI's `solver.json`
//! ([`SolveLog::entries`]).

use plenum_iomath::{LogValue, SolveLog, SolverChoice};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The solver names, as the CLI spells them.
const CHOICES: [(&str, SolverChoice); 4] = [
    ("auto", SolverChoice::Auto),
    ("lu", SolverChoice::Lu),
    ("iterative", SolverChoice::Iterative),
    ("mixed-lu", SolverChoice::MixedLu),
];

/// Checks `solver` and `rtol`; the message names the argument and the
/// accepted values.
pub fn settings(solver: &str, rtol: f64) -> Result<(SolverChoice, f64), String> {
    let choice = CHOICES
        .iter()
        .find(|(name, _)| *name == solver)
        .map(|(_, c)| *c)
        .ok_or_else(|| {
            format!(
                "solver = {solver:?} is not a solver; give one of \"auto\", \"lu\", \
                 \"iterative\" or \"mixed-lu\" (as the CLI's --solver)"
            )
        })?;
    // The CLI's range (`SolveSettings::from_flags`).
    if !plenum_iomath::solver::rtol_in_range(rtol) {
        return Err(format!(
            "rtol = {rtol} is out of range; give a relative residual in (0, 1e-3), e.g. 1e-12"
        ));
    }
    Ok((choice, rtol))
}

/// The log as a dict: `method`, `sweeps`, `max_relative_residual`, ...
pub fn log_dict<'py>(py: Python<'py>, log: &SolveLog) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in log.entries() {
        match v {
            LogValue::Text(s) => d.set_item(k, s)?,
            LogValue::Number(x) => d.set_item(k, x)?,
            LogValue::Count(c) => d.set_item(k, c)?,
            LogValue::Flag(b) => d.set_item(k, b)?,
            LogValue::Absent => d.set_item(k, py.None())?,
        }
    }
    Ok(d)
}
