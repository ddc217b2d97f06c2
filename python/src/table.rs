//! `Table`: a validated plenum table (`plenum_table::MrioTable`) held by
//! Python, with its labels and matrices as numpy arrays. Reading goes
//! through `plenum_formats::auto`, the CLI's own format detection.

use std::path::PathBuf;
use std::sync::Arc;

use numpy::{PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use plenum_table::{
    Extension, Labels, Metadata, MrioTable, TableParts, ValidationPolicy, ZeroOutputPolicy,
};
use pyo3::prelude::*;

use crate::convert::{col_from, col_to, mat_from, mat_to};
use crate::errors;

/// The default table embedded in the package: the 2022 world table built
/// from the OECD national tables (10 regions × 24 sectors), the CLI's
/// default. See data/default/PROVENANCE.md.
static DEFAULT_TABLE: &[u8] = include_bytes!("../../data/default/default.plenum");

/// A validated multi-regional input-output table.
#[pyclass(module = "plenum._plenum", frozen)]
pub struct Table {
    pub inner: Arc<MrioTable>,
}

impl Table {
    pub fn new(t: MrioTable) -> Self {
        Self { inner: Arc::new(t) }
    }
}

fn extension<'a>(t: &'a MrioTable, name: &str) -> PyResult<&'a Extension> {
    t.extension(name).ok_or_else(|| {
        let have: Vec<&str> = t.extensions().iter().map(|e| e.name.as_str()).collect();
        errors::table(format!(
            "the table has no extension \"{name}\"; its extensions are: {}",
            if have.is_empty() {
                "(none)".to_string()
            } else {
                have.join(", ")
            }
        ))
    })
}

#[pymethods]
impl Table {
    #[getter]
    fn name(&self) -> String {
        self.inner.meta().name.clone()
    }
    #[getter]
    fn year(&self) -> Option<i32> {
        self.inner.meta().year
    }
    /// How Z is kept: `"dense"` or `"csr"` (compressed sparse rows).
    #[getter]
    fn storage(&self) -> &'static str {
        self.inner.z_flows().storage()
    }
    #[getter]
    fn currency(&self) -> String {
        self.inner.meta().currency.clone()
    }
    #[getter]
    fn unit(&self) -> String {
        self.inner.meta().unit.clone()
    }
    #[getter]
    fn regions(&self) -> Vec<String> {
        self.inner.labels().regions().to_vec()
    }
    #[getter]
    fn sectors(&self) -> Vec<String> {
        self.inner.labels().sectors().to_vec()
    }
    #[getter]
    fn fd_categories(&self) -> Vec<String> {
        self.inner.labels().fd_categories().to_vec()
    }
    #[getter]
    fn va_components(&self) -> Vec<String> {
        self.inner.labels().va_components().to_vec()
    }
    /// Names of the satellite accounts (pymrio's extensions).
    #[getter]
    fn extensions(&self) -> Vec<String> {
        self.inner
            .extensions()
            .iter()
            .map(|e| e.name.clone())
            .collect()
    }
    /// Industries with zero gross output (treated as absent).
    #[getter]
    fn zero_output(&self) -> Vec<usize> {
        self.inner.zero_output().to_vec()
    }
    #[getter(Z)]
    fn z<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        mat_to(py, self.inner.z())
    }
    #[getter(Y)]
    fn y<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        mat_to(py, self.inner.y())
    }
    #[getter(x)]
    fn x<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        col_to(py, self.inner.x())
    }
    #[getter(V)]
    fn v<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        mat_to(py, self.inner.v())
    }
    /// F of an extension (stressors × industries).
    #[allow(non_snake_case)]
    fn extension_F<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyArray2<f64>>> {
        Ok(mat_to(py, &extension(&self.inner, name)?.f))
    }
    /// F_Y of an extension (stressors × final-demand columns), or None.
    #[allow(non_snake_case)]
    fn extension_F_Y<'py>(
        &self,
        py: Python<'py>,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyArray2<f64>>>> {
        Ok(extension(&self.inner, name)?
            .f_y
            .as_ref()
            .map(|m| mat_to(py, m)))
    }
    fn extension_stressors(&self, name: &str) -> PyResult<Vec<String>> {
        Ok(extension(&self.inner, name)?.stressors.clone())
    }
    fn extension_units(&self, name: &str) -> PyResult<Vec<String>> {
        Ok(extension(&self.inner, name)?.units.clone())
    }
    /// sha256 of the table's canonical encoding, as in every manifest.
    fn hash(&self, py: Python<'_>) -> String {
        let t = self.inner.clone();
        py.detach(move || plenum_formats::native::table_hash(&t))
    }
    /// Writes the table: `format` is `native` (a .plenum file) or `pymrio`
    /// (a pymrio text folder).
    #[pyo3(signature = (path, format = "native"))]
    fn write(&self, py: Python<'_>, path: PathBuf, format: &str) -> PyResult<()> {
        let t = self.inner.clone();
        match format {
            "native" => py
                .detach(move || plenum_formats::native::write_native(&t, &path))
                .map_err(errors::table),
            "pymrio" => py
                .detach(move || plenum_formats::pymrio::write_folder(&t, &path))
                .map_err(errors::table),
            other => Err(errors::table(format!(
                "cannot write format \"{other}\"; write \"native\" or \"pymrio\""
            ))),
        }
    }
    fn __repr__(&self) -> String {
        let l = self.inner.labels();
        format!(
            "<plenum.Table {} : {} regions × {} sectors, {} final-demand categories, extensions [{}]>",
            self.inner.meta().name,
            l.n_regions(),
            l.n_sectors(),
            l.n_fd_categories(),
            self.extensions().join(", ")
        )
    }
}

/// Reads a table file or folder; `format` is `auto` or one of the CLI's
/// `--format` names; `storage` is the CLI's `--storage` (how Z is kept:
/// `auto`, `dense` or `sparse`).
#[pyfunction]
#[pyo3(signature = (path, format = "auto", allow_zero_output = false, balance_rtol = None, storage = "auto"))]
pub fn read_table(
    py: Python<'_>,
    path: PathBuf,
    format: &str,
    allow_zero_output: bool,
    balance_rtol: Option<f64>,
    storage: &str,
) -> PyResult<Table> {
    use plenum_formats::Storage;
    let storage = Storage::parse(storage).ok_or_else(|| {
        errors::table(format!(
            "unknown storage \"{storage}\"; give one of: {}",
            Storage::NAMES.join(", ")
        ))
    })?;
    use plenum_formats::auto::{self, Format, FORMAT_NAMES};
    let fmt = match format {
        "auto" => auto::detect(&path).map_err(errors::table)?,
        f => Format::parse(f).ok_or_else(|| {
            errors::table(format!(
                "unknown format \"{f}\"; give \"auto\" or one of: {}",
                FORMAT_NAMES.join(", ")
            ))
        })?,
    };
    // As the CLI: sparse storage is filled by the pymrio reader only, and
    // asking for it elsewhere would silently give dense.
    if storage == Storage::Sparse && fmt != Format::Pymrio {
        return Err(errors::table(format!(
            "storage=\"sparse\" is implemented for pymrio folders only, and {} is {}; use \"auto\" or \"dense\"",
            path.display(),
            fmt.name()
        )));
    }
    let mut policy = fmt.default_policy();
    if let Some(r) = balance_rtol {
        if !(r.is_finite() && r > 0.0) {
            return Err(errors::table(format!(
                "balance_rtol must be a positive number, got {r}"
            )));
        }
        policy.balance_rtol = Some(r);
    }
    if allow_zero_output {
        policy.zero_output = ZeroOutputPolicy::TreatAsAbsent;
    }
    let t = py
        .detach(move || auto::read_with_storage(&path, fmt, &policy, storage))
        .map_err(errors::table)?;
    Ok(Table::new(t))
}

/// The default table of `plenum run`, embedded in the package.
#[pyfunction]
pub fn default_table(py: Python<'_>) -> PyResult<Table> {
    let t = py
        .detach(|| {
            plenum_formats::native::read_native_bytes(
                DEFAULT_TABLE,
                &ValidationPolicy::lenient(1e-6),
            )
        })
        .map_err(errors::table)?;
    Ok(Table::new(t))
}

/// One extension passed from Python: name, stressor names, units, F and
/// optionally F_Y.
type ExtArgs<'py> = (
    String,
    Vec<String>,
    Vec<String>,
    PyReadonlyArray2<'py, f64>,
    Option<PyReadonlyArray2<'py, f64>>,
);

/// Builds and validates a table from arrays (the route of
/// `Table.from_pymrio`): V may be None, and is then derived as the one
/// component `VA` = x' − 1'Z, as the pymrio folder reader does.
#[pyfunction]
#[pyo3(signature = (regions, sectors, fd_categories, Z, Y, x, extensions, V = None, va_components = None, name = "pymrio", unit = "", balance_rtol = 1e-8))]
#[allow(non_snake_case, clippy::too_many_arguments)]
pub fn table_from_arrays(
    py: Python<'_>,
    regions: Vec<String>,
    sectors: Vec<String>,
    fd_categories: Vec<String>,
    Z: PyReadonlyArray2<'_, f64>,
    Y: PyReadonlyArray2<'_, f64>,
    x: PyReadonlyArray1<'_, f64>,
    extensions: Vec<ExtArgs<'_>>,
    V: Option<PyReadonlyArray2<'_, f64>>,
    va_components: Option<Vec<String>>,
    name: &str,
    unit: &str,
    balance_rtol: Option<f64>,
) -> PyResult<Table> {
    let z = mat_from("Z", &Z)?;
    let y = mat_from("Y", &Y)?;
    let xx = col_from("x", &x)?;
    let n = z.nrows();
    if xx.nrows() != n || z.ncols() != n {
        return Err(errors::table(format!(
            "Z is {}×{} and x has {} entries; Z must be n×n and x have n entries",
            z.nrows(),
            z.ncols(),
            xx.nrows()
        )));
    }
    let (v, va) = match V {
        Some(v) => (
            mat_from("V", &v)?,
            va_components.unwrap_or_else(|| vec!["VA".to_string()]),
        ),
        None => (
            faer::Mat::from_fn(1, n, |_, j| xx[j] - (0..n).map(|i| z[(i, j)]).sum::<f64>()),
            vec!["VA".to_string()],
        ),
    };
    let mut exts = Vec::with_capacity(extensions.len());
    for (ename, stressors, units, f, f_y) in extensions {
        exts.push(Extension {
            f: mat_from(&format!("{ename}.F"), &f)?,
            f_y: match f_y {
                Some(a) => Some(mat_from(&format!("{ename}.F_Y"), &a)?),
                None => None,
            },
            name: ename,
            stressors,
            units,
        });
    }
    let labels = Labels::new(regions, sectors, fd_categories, va).map_err(errors::table)?;
    let parts = TableParts {
        meta: Metadata {
            name: name.to_string(),
            unit: unit.to_string(),
            source: "built from arrays in Python".into(),
            ..Metadata::default()
        },
        labels,
        z: z.into(),
        y,
        x: xx,
        v,
        imported_use: None,
        extensions: exts,
    };
    let policy = ValidationPolicy {
        balance_rtol,
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        allow_negative_value_added: true,
        ..ValidationPolicy::default()
    };
    let t = py
        .detach(move || MrioTable::new(parts, &policy))
        .map_err(errors::table)?;
    Ok(Table::new(t))
}
