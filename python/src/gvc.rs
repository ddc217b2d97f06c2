//! GVC measures for Python: self-reliance (value added by origin and
//! dependence on a group), gross-export decompositions and chokepoints, each
//! returned as columns (a dict of equal-length lists) that the Python layer
//! turns into a tidy DataFrame. The numbers are plenum-gvc's, the same
//! calls as `plenum analyze self-reliance`, `plenum analyze decompose` and
//! `plenum chokepoints`.

use plenum_gvc::decomp::Perspective;
use plenum_gvc::selfreliance::{va_origin, Basis};
use plenum_gvc::{
    chokepoints_on_table, group_dependence, BilateralTerms, ChokeInputs, ChokepointOptions,
    Decomposer, Economies, GvcModel, RegionGroup, Selection,
};
use pyo3::prelude::*;

use crate::errors;
use crate::table::Table;

/// Columns of a tidy frame: key columns of text and one `value` column.
#[derive(Default)]
struct Columns {
    keys: Vec<(&'static str, Vec<String>)>,
    value: Vec<f64>,
}

impl Columns {
    fn new(keys: &[&'static str]) -> Self {
        Self {
            keys: keys.iter().map(|k| (*k, Vec::new())).collect(),
            value: Vec::new(),
        }
    }
    fn push(&mut self, keys: &[&str], v: f64) {
        for (c, k) in self.keys.iter_mut().zip(keys) {
            c.1.push((*k).to_string());
        }
        self.value.push(v);
    }
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let d = pyo3::types::PyDict::new(py);
        for (k, c) in self.keys {
            d.set_item(k, c)?;
        }
        d.set_item("value", self.value)?;
        Ok(d.into_any().unbind())
    }
}

fn labels_check(
    t: &plenum_table::MrioTable,
    what: &str,
    got: &[String],
    have: &[String],
) -> PyResult<()> {
    for g in got {
        if !have.contains(g) {
            return Err(errors::analysis(format!(
                "table {} has no {what} \"{g}\"; its {what}s are: {}",
                t.meta().name,
                have.join(", ")
            )));
        }
    }
    Ok(())
}

const BASES: [(Basis, &str); 4] = [
    (Basis::Output, "output"),
    (Basis::GrossExports, "gross_exports"),
    (Basis::FinalGoods, "final_goods"),
    (Basis::Absorption, "absorption"),
];

/// Value added by origin and dependence on a group of regions (default:
/// the chip-control coalition) for the selected regions and sectors.
/// Returns (va_origin, va_origin_by_source, dependence) as column dicts.
#[pyfunction]
#[pyo3(signature = (table, region, sector = None, group = None, max_memory_gb = crate::memory::DEFAULT_GB))]
pub fn self_reliance(
    py: Python<'_>,
    table: &Table,
    region: Vec<String>,
    sector: Option<Vec<String>>,
    group: Option<Vec<String>>,
    max_memory_gb: f64,
) -> PyResult<(Py<PyAny>, Py<PyAny>, Py<PyAny>)> {
    let t = table.inner.clone();
    let l = t.labels();
    labels_check(&t, "region", &region, l.regions())?;
    let sectors = sector.unwrap_or_default();
    labels_check(&t, "sector", &sectors, l.sectors())?;
    let need = crate::memory::dense_model_need(&t);
    crate::memory::check(need, max_memory_gb, "self_reliance", "").map_err(errors::analysis)?;
    let out = py.detach(|| -> Result<(Columns, Columns, Columns), String> {
        let l = t.labels();
        let grp = match &group {
            Some(g) => {
                let rs: Vec<&str> = g.iter().map(|s| s.as_str()).collect();
                RegionGroup::from_labels("custom", &rs).map_err(|e| e.to_string())?
            }
            None => RegionGroup::chip_coalition(),
        };
        grp.resolve(l).map_err(|e| e.to_string())?;
        let regions: Vec<&str> = region.iter().map(|s| s.as_str()).collect();
        let secs: Vec<&str> = sectors.iter().map(|s| s.as_str()).collect();
        let sel = Selection::new(
            l,
            &regions,
            if secs.is_empty() { None } else { Some(&secs) },
        )
        .map_err(|e| e.to_string())?;
        let m = GvcModel::new(&t).map_err(|e| e.to_string())?;
        let mut summary = Columns::new(&["basis", "measure"]);
        let mut by_source = Columns::new(&["basis", "source_region", "source_sector"]);
        for (b, bn) in BASES {
            let o = va_origin(&m, &sel, b).map_err(|e| e.to_string())?;
            summary.push(&[bn, "total"], o.total);
            summary.push(&[bn, "domestic"], o.domestic);
            summary.push(&[bn, "foreign"], o.foreign);
            summary.push(&[bn, "foreign_share"], o.foreign / o.total);
            for (i, v) in o.by_source.iter().enumerate() {
                let id = l.industry(i);
                by_source.push(&[bn, &l.regions()[id.region], &l.sectors()[id.sector]], *v);
            }
        }
        let dep = group_dependence(&m, &sel, &grp).map_err(|e| e.to_string())?;
        let mut d = Columns::new(&["industry", "measure"]);
        for r in dep.rows.iter().chain(std::iter::once(&dep.aggregate)) {
            d.push(&[&r.name, "direct_share"], r.direct_share);
            d.push(&[&r.name, "direct_coefficient"], r.direct_coefficient);
            d.push(&[&r.name, "total_va_share"], r.total_va_share);
            d.push(&[&r.name, "total_input_share"], r.total_input_share);
        }
        Ok((summary, by_source, d))
    });
    let (a, b, c) = out.map_err(errors::analysis)?;
    Ok((a.into_py(py)?, b.into_py(py)?, c.into_py(py)?))
}

/// A gross-export decomposition: `method` kww, wwz, bm-source or bm-sink;
/// `level` country, bilateral or sector. Columns exporter, importer,
/// sector, term, value (EXGR and each term).
#[pyfunction]
#[pyo3(signature = (table, method = "bm-source", level = "country", region = None, max_memory_gb = crate::memory::DEFAULT_GB))]
pub fn decompose(
    py: Python<'_>,
    table: &Table,
    method: &str,
    level: &str,
    region: Option<Vec<String>>,
    max_memory_gb: f64,
) -> PyResult<Py<PyAny>> {
    let t = table.inner.clone();
    let persp = match level {
        "country" => Perspective::Country,
        "bilateral" => Perspective::Bilateral,
        "sector" => Perspective::Sector,
        other => {
            return Err(errors::analysis(format!(
                "unknown level \"{other}\"; give country, bilateral or sector"
            )))
        }
    };
    if !matches!(method, "kww" | "wwz" | "bm-source" | "bm-sink") {
        return Err(errors::analysis(format!(
            "unknown method \"{method}\"; give kww, wwz, bm-source or bm-sink"
        )));
    }
    let regions = region.unwrap_or_default();
    labels_check(&t, "region", &regions, t.labels().regions())?;
    let need = crate::memory::dense_model_need(&t);
    crate::memory::check(need, max_memory_gb, "decompose", "").map_err(errors::analysis)?;
    let method = method.to_string();
    let cols = py.detach(move || -> Result<Columns, String> {
        let l = t.labels();
        let m = GvcModel::new(&t).map_err(|e| e.to_string())?;
        let econ = Economies::regions(l);
        let dec = Decomposer::new(&m, &econ).map_err(|e| e.to_string())?;
        let terms: BilateralTerms = match method.as_str() {
            "kww" => dec.wwz().kww_from_wwz(),
            "wwz" => dec.wwz(),
            "bm-source" => dec.bm_source_in(persp).map_err(|e| e.to_string())?,
            _ => dec.bm_sink_in(persp).map_err(|e| e.to_string())?,
        };
        let ge = terms.economies.len();
        let exporters: Vec<usize> = if regions.is_empty() {
            (0..ge).collect()
        } else {
            regions
                .iter()
                .map(|r| econ.index(r).map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?
        };
        let mut c = Columns::new(&["exporter", "importer", "sector", "term"]);
        let mut push = |s: usize, r: Option<usize>, j: Option<usize>, v: Vec<f64>, e: f64| {
            let ex = terms.economies[s].clone();
            let im = r.map_or("WLD".to_string(), |r| terms.economies[r].clone());
            let se = j.map_or("TOTAL".to_string(), |j| terms.sectors[j].clone());
            c.push(&[&ex, &im, &se, "EXGR"], e);
            for (name, x) in terms.term_names.iter().zip(v) {
                c.push(&[&ex, &im, &se, name], x);
            }
        };
        for &s in &exporters {
            match persp {
                Perspective::Country => {
                    push(s, None, None, terms.country(s), terms.country_exports(s))
                }
                Perspective::Bilateral => {
                    for r in (0..ge).filter(|&r| r != s) {
                        push(s, Some(r), None, terms.pair(s, r), terms.pair_exports(s, r));
                    }
                }
                Perspective::Sector => {
                    for j in 0..terms.sectors.len() {
                        let e: f64 = (0..ge).map(|r| terms.sector_exports(s, r, j)).sum();
                        push(s, None, Some(j), terms.sector_world(s, j), e);
                    }
                }
            }
        }
        Ok(c)
    });
    cols.map_err(errors::analysis)?.into_py(py)
}

/// Foreign suppliers of the target regions ranked three ways (look-through
/// exposure, bottleneck loss, hypothetical extraction). Returns `(columns,
/// solver)`: supplier region and sector, then one column per score and rank
/// in the CLI's order ([`plenum_gvc::Chokepoint::measures`]); and the solve
/// log with the keys of the CLI's `solver.json`.
#[pyfunction]
#[pyo3(signature = (table, region, critical_share = 0.01, solver = "auto", rtol = 1e-12, max_memory_gb = crate::memory::DEFAULT_GB))]
pub fn chokepoints<'py>(
    py: Python<'py>,
    table: &Table,
    region: Vec<String>,
    critical_share: f64,
    solver: &str,
    rtol: f64,
    max_memory_gb: f64,
) -> PyResult<(
    Bound<'py, pyo3::types::PyDict>,
    Bound<'py, pyo3::types::PyDict>,
)> {
    let (choice, rtol) = crate::solve::settings(solver, rtol).map_err(errors::analysis)?;
    let t = table.inner.clone();
    labels_check(&t, "region", &region, t.labels().regions())?;
    if region.is_empty() {
        return Err(errors::analysis("name at least one target region"));
    }
    if !(critical_share.is_finite() && (0.0..1.0).contains(&critical_share)) {
        return Err(errors::analysis(format!(
            "critical_share must be in [0, 1), got {critical_share}"
        )));
    }
    let rep = py.detach(
        || -> Result<(plenum_gvc::ChokepointReport, plenum_iomath::SolveLog), String> {
            let l = t.labels();
            let regions: Vec<&str> = region.iter().map(|s| s.as_str()).collect();
            let target = Selection::new(l, &regions, None).map_err(|e| e.to_string())?;
            let rhs = ChokeInputs::rhs_count(target.industries(l).len());
            let (need, factors) = crate::memory::chokepoints_need(&t, choice, rhs);
            crate::memory::check(
                need,
                max_memory_gb,
                "chokepoints",
                if factors {
                    "solver=\"iterative\" (block GMRES on Z: no A or factors), "
                } else {
                    ""
                },
            )?;
            let opts = ChokepointOptions {
                critical_input_share: critical_share,
                ..ChokepointOptions::default()
            };
            // The CLI's computation: products with L by LU for small tables,
            // block GMRES on Z as stored at scale (no A or L in memory).
            chokepoints_on_table(
                &t,
                &target,
                &opts,
                choice,
                rtol,
                crate::memory::fallback_budget(max_memory_gb),
            )
            .map_err(|e| e.to_string())
        },
    );
    let (rep, log) = rep.map_err(errors::analysis)?;
    let l = t.labels();
    // In the measures' order (a BTreeMap would sort the columns by name).
    let mut cols: Vec<(&str, Vec<f64>)> = Vec::new();
    let mut reg = Vec::new();
    let mut sec = Vec::new();
    for c in &rep.suppliers {
        let id = l.industry(c.supplier);
        reg.push(l.regions()[id.region].clone());
        sec.push(l.sectors()[id.sector].clone());
        for (i, (k, v)) in c.measures().into_iter().enumerate() {
            if cols.len() <= i {
                cols.push((k, Vec::with_capacity(rep.suppliers.len())));
            }
            cols[i].1.push(v);
        }
    }
    let d = pyo3::types::PyDict::new(py);
    d.set_item("region", reg)?;
    d.set_item("sector", sec)?;
    for (k, v) in cols {
        d.set_item(k, v)?;
    }
    Ok((d, crate::solve::log_dict(py, &log)?))
}
