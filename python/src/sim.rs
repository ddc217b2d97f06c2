//! `simulate_ario`: the ARIO engine (BoARIO-exact mode) on a table, from an
//! event file in BoARIO's argument names. Python dicts arrive as JSON and
//! are turned into the same TOML the CLI reads, so the one parser checks
//! them and names the key at fault.

use plenum_sim::Trajectory;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::rows_to;
use crate::errors;
use crate::table::Table;

/// The event file's text: TOML as given, or JSON converted to TOML.
fn event_text(text: &str, json: bool) -> Result<String, String> {
    if !json {
        return Ok(text.to_string());
    }
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("events: not valid JSON: {e}"))?;
    toml::to_string(&v).map_err(|e| {
        format!("events: cannot be written as an event file ({e}); give numbers, strings, lists and dicts only (no None)")
    })
}

/// Runs `steps` steps; returns a dict with `regions`, `sectors`,
/// `temporal_units` and one steps × n array per recorded variable
/// (`inputs_stocks`, steps × S·n, only with `stocks=True`).
#[pyfunction]
#[pyo3(signature = (table, events, steps, json = false, name = "<events>", stocks = false))]
pub fn simulate_ario<'py>(
    py: Python<'py>,
    table: &Table,
    events: &str,
    steps: usize,
    json: bool,
    name: &str,
    stocks: bool,
) -> PyResult<Bound<'py, PyDict>> {
    if steps == 0 || steps > 1_000_000 {
        return Err(errors::simulation(format!(
            "steps must be between 1 and 1000000, got {steps}"
        )));
    }
    let text = event_text(events, json).map_err(errors::simulation)?;
    let t = table.inner.clone();
    let name = name.to_string();
    let traj: Trajectory = py
        .detach(move || -> plenum_sim::Result<Trajectory> {
            let f = plenum_sim::parse_event_file(&text, &name)?;
            let mut m = plenum_sim::build_ario(&t, &f)?;
            m.run(steps, stocks)
        })
        .map_err(errors::simulation)?;
    let d = PyDict::new(py);
    let n = traj.regions.len() * traj.sectors.len();
    d.set_item("regions", &traj.regions)?;
    d.set_item("sectors", &traj.sectors)?;
    d.set_item("temporal_units", &traj.temporal_units)?;
    d.set_item(
        "production_realised",
        rows_to(py, &traj.production_realised, n),
    )?;
    d.set_item(
        "production_capacity",
        rows_to(py, &traj.production_capacity, n),
    )?;
    d.set_item(
        "final_demand_unmet",
        rows_to(py, &traj.final_demand_unmet, n),
    )?;
    d.set_item("rebuild_demand", rows_to(py, &traj.rebuild_demand, n))?;
    if stocks {
        let w = traj.sectors.len() * n;
        d.set_item("inputs_stocks", rows_to(py, &traj.inputs_stocks, w))?;
    }
    d.set_item("had_shortage", traj.had_shortage)?;
    Ok(d)
}
