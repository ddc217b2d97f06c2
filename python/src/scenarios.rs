//! `run`: the scenarios on a table (by default the embedded one), as the
//! tidy rows `plenum run` writes (quarter, scenario, region, sector,
//! variable, value).

use plenum_scenario::calibrate::FitRow;
use plenum_scenario::{shipped, Economy, Scenario};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors;
use crate::table::Table;

/// One scenario from Python: a shipped name (`text` None), or a file name
/// and its TOML text.
fn parse(name: &str, text: Option<&str>) -> PyResult<Scenario> {
    match text {
        Some(t) => {
            plenum_scenario::parse_scenario(t, name, &shipped::lookup).map_err(errors::scenario)
        }
        None => match shipped::shipped(name) {
            Some(s) => s.map_err(errors::scenario),
            None => {
                let names: Vec<&str> = shipped::SHIPPED.iter().map(|(n, _)| *n).collect();
                Err(errors::scenario(format!(
                    "{name}: no such file, nor a shipped scenario; shipped scenarios are: {}",
                    names.join(", ")
                )))
            }
        },
    }
}

/// The shipped scenarios' names.
#[pyfunction]
pub fn shipped_scenarios() -> Vec<String> {
    shipped::SHIPPED
        .iter()
        .map(|(n, _)| n.to_string())
        .collect()
}

/// Calibrates on the shipped baseline and runs `scenarios` (all shipped
/// ones when empty). Returns a dict of tidy columns.
#[pyfunction]
#[pyo3(signature = (scenarios, table = None))]
pub fn run<'py>(
    py: Python<'py>,
    scenarios: Vec<(String, Option<String>)>,
    table: Option<&Table>,
) -> PyResult<Bound<'py, PyDict>> {
    let list: Vec<Scenario> = if scenarios.is_empty() {
        shipped::all().map_err(errors::scenario)?
    } else {
        scenarios
            .iter()
            .map(|(n, t)| parse(n, t.as_deref()))
            .collect::<PyResult<_>>()?
    };
    let mut seen = std::collections::BTreeSet::new();
    for s in &list {
        if !seen.insert(s.name.clone()) {
            return Err(errors::scenario(format!(
                "two scenarios are named \"{}\"; give each a distinct `name`",
                s.name
            )));
        }
    }
    let t = match table {
        Some(t) => t.inner.clone(),
        None => crate::table::default_table(py)?.inner.clone(),
    };
    let set = py
        .detach(move || {
            let econ = Economy::from_table(&t)?;
            plenum_scenario::run_all(&econ, &list)
        })
        .map_err(errors::scenario)?;
    let (mut q, mut sc, mut re, mut se, mut va, mut v) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for r in &set.runs {
        for row in r.tidy_rows() {
            q.push(row.quarter.to_string());
            sc.push(row.scenario.to_string());
            re.push(row.region.to_string());
            se.push(row.sector.to_string());
            va.push(row.variable.to_string());
            v.push(row.value);
        }
    }
    let d = PyDict::new(py);
    d.set_item("quarter", q)?;
    d.set_item("scenario", sc)?;
    d.set_item("region", re)?;
    d.set_item("sector", se)?;
    d.set_item("variable", va)?;
    d.set_item("value", v)?;
    // The fit against the calibration file's facts, every judged row of
    // every run (the CLI's fit.csv; plenum_scenario::calibrate::fit).
    let rows = plenum_scenario::calibrate::judged_rows(&set.runs);
    let f = PyDict::new(py);
    f.set_item("scenario", rows.iter().map(|(n, _)| *n).collect::<Vec<_>>())?;
    fit_column(&f, "target", &rows, |r| r.target)?;
    fit_column(&f, "fact", &rows, |r| r.fact)?;
    fit_column(&f, "tolerance", &rows, |r| r.tolerance)?;
    fit_column(&f, "model", &rows, |r| r.model)?;
    fit_column(&f, "met", &rows, FitRow::met)?;
    fit_column(&f, "solved", &rows, |r| r.solved)?;
    fit_column(&f, "consensus", &rows, |r| r.reference_only)?;
    fit_column(&f, "source", &rows, |r| r.source)?;
    fit_column(&f, "cause", &rows, |r| r.cause)?;
    d.set_item("_fit", f)?;
    Ok(d)
}

/// Sets column `name` of the fit's dict to `get` of every row.
fn fit_column<'py, T: IntoPyObject<'py>>(
    f: &Bound<'py, PyDict>,
    name: &str,
    rows: &[(&str, FitRow)],
    get: impl Fn(&FitRow) -> T,
) -> PyResult<()> {
    f.set_item(name, rows.iter().map(|(_, r)| get(r)).collect::<Vec<_>>())
}
