//! `analyze`: every quantity of pymrio's `calc_all`, as numpy arrays keyed
//! by pymrio's names, from `plenum_iomath::report`, the very computation
//! `plenum analyze` renders (block solves with the solver that suits the
//! table, LU or block GMRES; never L). L, B, G and M_down need n × n
//! inverses and are formed only when asked for.

use std::collections::BTreeMap;

use faer::{Col, Mat};
use plenum_iomath::accounts::per_capita;
use plenum_iomath::{
    coefficients, ghosh, multipliers, report, IterOptions, LeontiefSolve, Solver, SolverChoice,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{col_to, mat_to};
use crate::errors;
use crate::table::Table;

enum Value {
    M(Mat<f64>),
    C(Col<f64>),
}

/// Everything computed, before conversion (so the GIL is released for the
/// whole computation).
struct Computed {
    core: BTreeMap<&'static str, Value>,
    ext: Vec<(String, BTreeMap<&'static str, Value>)>,
    log: plenum_iomath::SolveLog,
}

fn compute(
    t: &plenum_table::MrioTable,
    with_l: bool,
    ghosh: bool,
    extras: bool,
    population: Option<&[f64]>,
    (choice, rtol): (SolverChoice, f64),
    max_fallback_bytes: Option<f64>,
) -> Result<Computed, plenum_iomath::IoMathError> {
    let zero = t.zero_output();
    let x = t.x();
    // Z as the table keeps it: a sparse Z goes to the solver without the
    // dense copy (pymrio's A below is dense whatever the storage).
    let m = Solver::for_flows(
        t.z_flows(),
        x.as_ref(),
        zero,
        choice,
        IterOptions {
            rtol,
            block: t.labels().n_sectors(),
            expected_rhs: report::expected_rhs(t),
            max_fallback_bytes,
            ..IterOptions::default()
        },
    )?;
    let rep = report::report(t, &m)?;
    let mut core = BTreeMap::new();
    core.insert("x", Value::C(rep.x_from_demand));
    core.insert("A", Value::M(coefficients::table_a(t)?));
    core.insert("output_multipliers", Value::C(rep.output_multipliers));
    if t.labels().n_regions() > 0 && !t.labels().va_components().is_empty() {
        core.insert("va_multipliers", Value::C(rep.va_multipliers));
    }
    if with_l {
        core.insert("L", Value::M(m.inverse()?));
    }
    let g = if ghosh {
        let g = ghosh::ghosh_inverse_from(m.factors()?, x.as_ref(), zero)?;
        core.insert(
            "B",
            Value::M(ghosh::allocation_coefficients(
                t.z().as_ref(),
                x.as_ref(),
                zero,
            )?),
        );
        Some(g)
    } else {
        None
    };
    if extras {
        let lk = rep.linkages;
        core.insert("backward_direct", Value::C(lk.backward_direct));
        core.insert("forward_direct", Value::C(lk.forward_direct));
        core.insert("backward_total", Value::C(lk.backward_total));
        core.insert("forward_total", Value::C(lk.forward_total));
        core.insert("backward_index", Value::C(lk.backward_index));
        core.insert("forward_index", Value::C(lk.forward_index));
        let gt = rep.trade;
        core.insert("bilat_flows", Value::M(gt.bilat_flows));
        core.insert("gross_exports", Value::C(gt.exports));
        core.insert("gross_imports", Value::C(gt.imports));
    }
    let mut ext = Vec::new();
    for (e, er) in t.extensions().iter().zip(rep.extensions) {
        let mut q = BTreeMap::new();
        let s = er.s;
        let acc = er.accounts;
        if let Some(g) = &g {
            q.insert(
                "M_down",
                Value::M(multipliers::downstream_multipliers(s.as_ref(), g.as_ref())?),
            );
        }
        if let Some(fy) = &e.f_y {
            q.insert(
                "S_Y",
                Value::M(coefficients::final_demand_stressor_coefficients(
                    fy.as_ref(),
                    t.y().as_ref(),
                )?),
            );
        }
        if let Some(pop) = population {
            let cap = per_capita(&acc, pop)?;
            q.insert("D_cba_cap", Value::M(cap.d_cba_cap));
            q.insert("D_pba_cap", Value::M(cap.d_pba_cap));
            q.insert("D_imp_cap", Value::M(cap.d_imp_cap));
            q.insert("D_exp_cap", Value::M(cap.d_exp_cap));
        }
        q.insert("S", Value::M(s));
        q.insert("M", Value::M(acc.m));
        q.insert("D_cba", Value::M(acc.d_cba));
        q.insert("D_pba", Value::M(acc.d_pba));
        q.insert("D_imp", Value::M(acc.d_imp));
        q.insert("D_exp", Value::M(acc.d_exp));
        q.insert("D_cba_reg", Value::M(acc.d_cba_reg));
        q.insert("D_pba_reg", Value::M(acc.d_pba_reg));
        q.insert("D_imp_reg", Value::M(acc.d_imp_reg));
        q.insert("D_exp_reg", Value::M(acc.d_exp_reg));
        ext.push((e.name.clone(), q));
    }
    if let Some(g) = g {
        core.insert("G", Value::M(g));
    }
    Ok(Computed {
        core,
        ext,
        log: m.log(),
    })
}

fn put(py: Python<'_>, d: &Bound<'_, PyDict>, map: BTreeMap<&'static str, Value>) -> PyResult<()> {
    for (k, v) in map {
        match v {
            Value::M(m) => d.set_item(k, mat_to(py, &m))?,
            Value::C(c) => d.set_item(k, col_to(py, &c))?,
        }
    }
    Ok(())
}

/// Computes pymrio's `calc_all` quantities; returns `(core, extensions,
/// solver)`: a dict of arrays, a dict extension name → dict of arrays, and
/// the solve log (the keys of the CLI's `solver.json`).
#[pyfunction]
#[pyo3(signature = (table, L = false, ghosh = false, population = None, linkages = false, solver = "auto", rtol = 1e-12, max_memory_gb = crate::memory::DEFAULT_GB))]
#[allow(non_snake_case, clippy::too_many_arguments, clippy::type_complexity)]
pub fn analyze<'py>(
    py: Python<'py>,
    table: &Table,
    L: bool,
    ghosh: bool,
    population: Option<Vec<f64>>,
    linkages: bool,
    solver: &str,
    rtol: f64,
    max_memory_gb: f64,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let (choice, rtol) = crate::solve::settings(solver, rtol).map_err(errors::table)?;
    // L and G need the f64 factors: with them at hand every solve uses
    // them too, unless the caller chose a solver (as the CLI's --write-L).
    let settings = (choice.factoring_if(L || ghosh), rtol);
    let t = table.inner.clone();
    let (need, factors) = crate::memory::analyze_need(&t, settings.0, L, ghosh);
    let fix = match (L, ghosh, factors) {
        (true, _, _) => "L=False (the accounts never need L), ",
        (false, true, _) => "ghosh=False, ",
        (false, false, true) => "solver=\"iterative\" (block GMRES on Z: no factors), ",
        _ => "",
    };
    crate::memory::check(need, max_memory_gb, "analyze", fix).map_err(errors::table)?;
    let c = py
        .detach(move || {
            compute(
                &t,
                L,
                ghosh,
                linkages,
                population.as_deref(),
                settings,
                crate::memory::fallback_budget(max_memory_gb),
            )
            .map_err(|e| plenum_iomath::name_industries(e, t.labels()))
        })
        .map_err(errors::table)?;
    let core = PyDict::new(py);
    put(py, &core, c.core)?;
    let exts = PyDict::new(py);
    for (name, q) in c.ext {
        let d = PyDict::new(py);
        put(py, &d, q)?;
        exts.set_item(name, d)?;
    }
    Ok((core, exts, crate::solve::log_dict(py, &c.log)?))
}
