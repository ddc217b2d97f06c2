//! The table container: [`MrioTable`] and its parts.
//!
//! | field | meaning | shape | unit |
//! |---|---|---|---|
//! | `z` | Z, intermediate flows: `z[(i, j)]` is what industry i sells to industry j | n × n | currency × unit (e.g. USD million) |
//! | `y` | Y, final demand: `y[(i, c)]` is what industry i sells to final-demand column c | n × (R·F) | same |
//! | `x` | x, gross output of each industry | n | same |
//! | `v` | V, value added (and other primary inputs) by component: `v[(k, j)]` | K × n | same |
//! | `imported_use` | competitive imports of a single-region table (Z_m, Y_m), kept apart from Z and Y | n × n, n × (R·F) | same |
//! | `extensions` | satellite accounts F (stressors × n) and F_Y (stressors × R·F) | | stressor units |
//!
//! n = regions × sectors (region-major), R·F = regions × final-demand categories.
//! See `docs/notation.md` for the one table of symbols.

use std::sync::OnceLock;

use faer::{Col, Mat};
use serde::{Deserialize, Serialize};

use crate::error::TableError;
use crate::flows::Flows;
use crate::labels::Labels;
use crate::validate::{validate, ValidationPolicy, ValidationReport};

/// How imports appear in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ImportTreatment {
    /// A multi-regional table: imports are flows from other regions' rows.
    #[default]
    Interregional,
    /// A single-region table whose uses are totals (domestic and imported
    /// together, the OECD "TTL" tables); imports enter Y as a negative
    /// final-demand column so that rows balance.
    CompetitiveTotal,
    /// A single-region table whose imported uses are kept apart in
    /// [`ImportedUse`] (China's NBS tables); Z and Y are domestic only.
    CompetitiveSplit,
}

/// Descriptive metadata. Nothing here enters the arithmetic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Metadata {
    /// Short name, e.g. `wiod-2011` or `plenum-default-2022`.
    pub name: String,
    pub year: Option<i32>,
    /// ISO 4217 code, e.g. `USD`, `CNY`.
    pub currency: String,
    /// Multiplier of the currency, e.g. `million`, `10k` (NBS: 10,000 yuan).
    pub unit: String,
    /// Where the numbers come from, with credit as the licence asks.
    pub source: String,
    pub licence: String,
    pub imports: ImportTreatment,
    /// Free-form provenance notes (commands, aggregation steps).
    pub notes: Vec<String>,
}

/// A satellite account (pymrio's "extension"): stressors such as employment
/// or emissions, per industry (F) and per final-demand column (F_Y).
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    pub name: String,
    /// Stressor labels (rows of F).
    pub stressors: Vec<String>,
    /// Unit of each stressor, same length as `stressors`.
    pub units: Vec<String>,
    /// F: stressors × n industries.
    pub f: Mat<f64>,
    /// F_Y: stressors × (R·F) final-demand columns, when the source has it.
    pub f_y: Option<Mat<f64>>,
}

/// Imported uses of a competitive-import single-region table.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedUse {
    /// Z_m: imported product i used by industry j, n × n.
    pub z: Mat<f64>,
    /// Y_m: imported product i used by final-demand column c, n × (R·F).
    pub y: Mat<f64>,
}

/// The parts of a table before validation. Readers fill this and call
/// [`MrioTable::new`].
#[derive(Debug, Clone)]
pub struct TableParts {
    pub meta: Metadata,
    pub labels: Labels,
    /// Z, dense or sparse ([`Flows`]); a dense matrix converts with `.into()`.
    pub z: Flows,
    pub y: Mat<f64>,
    pub x: Col<f64>,
    pub v: Mat<f64>,
    pub imported_use: Option<ImportedUse>,
    pub extensions: Vec<Extension>,
}

/// A validated multi-regional input-output table. Fields are reached through
/// accessors so that the validation invariants cannot be broken; take the
/// parts back with [`MrioTable::into_parts`] to change them.
#[derive(Debug, Clone)]
pub struct MrioTable {
    parts: TableParts,
    report: ValidationReport,
    /// The dense copy of a sparse Z, made by the first [`MrioTable::z`].
    z_dense: OnceLock<Mat<f64>>,
}

impl MrioTable {
    /// Validates the parts under `policy` and builds the table.
    pub fn new(parts: TableParts, policy: &ValidationPolicy) -> Result<Self, TableError> {
        let report = validate(&parts, policy)?;
        Ok(Self {
            parts,
            report,
            z_dense: OnceLock::new(),
        })
    }

    /// [`MrioTable::new`] with Z's sums and scans gathered while Z was read
    /// (see [`crate::folds`]): the same table, report and errors, without
    /// validation's own passes over Z.
    pub fn new_with_folds(
        parts: TableParts,
        policy: &ValidationPolicy,
        z_folds: &crate::folds::ColumnFolds,
    ) -> Result<Self, TableError> {
        let report = crate::validate::validate_with_folds(&parts, policy, Some(z_folds))?;
        Ok(Self {
            parts,
            report,
            z_dense: OnceLock::new(),
        })
    }

    pub fn meta(&self) -> &Metadata {
        &self.parts.meta
    }
    pub fn labels(&self) -> &Labels {
        &self.parts.labels
    }
    /// Z, intermediate flows, n × n, dense. When the table keeps Z sparse,
    /// the first call builds the dense copy (8n² bytes) and keeps it with
    /// the table: only code that needs Z dense pays for it. Code that can
    /// work on the stored entries takes [`MrioTable::z_flows`] instead.
    pub fn z(&self) -> &Mat<f64> {
        match &self.parts.z {
            Flows::Dense(m) => m,
            Flows::Sparse(s) => self.z_dense.get_or_init(|| s.to_dense()),
        }
    }
    /// True when Z is kept sparse and no dense copy has been made of it.
    pub fn z_is_sparse_only(&self) -> bool {
        matches!(self.parts.z, Flows::Sparse(_)) && self.z_dense.get().is_none()
    }
    /// Z as stored: dense, or compressed sparse rows.
    pub fn z_flows(&self) -> &Flows {
        &self.parts.z
    }
    /// Y, final demand, n × (R·F).
    pub fn y(&self) -> &Mat<f64> {
        &self.parts.y
    }
    /// x, gross output, n.
    pub fn x(&self) -> &Col<f64> {
        &self.parts.x
    }
    /// V, value added by component, K × n.
    pub fn v(&self) -> &Mat<f64> {
        &self.parts.v
    }
    pub fn imported_use(&self) -> Option<&ImportedUse> {
        self.parts.imported_use.as_ref()
    }
    pub fn extensions(&self) -> &[Extension] {
        &self.parts.extensions
    }
    pub fn extension(&self, name: &str) -> Option<&Extension> {
        self.parts.extensions.iter().find(|e| e.name == name)
    }
    /// What validation found: balances, zero-output industries, the
    /// productivity margin.
    pub fn report(&self) -> &ValidationReport {
        &self.report
    }
    /// Industries treated as absent because their output is zero (only
    /// non-empty under [`crate::ZeroOutputPolicy::TreatAsAbsent`]).
    pub fn zero_output(&self) -> &[usize] {
        &self.report.zero_output
    }
    pub fn n_industries(&self) -> usize {
        self.parts.labels.n_industries()
    }
    /// Value added per industry: the column sums of V, length n.
    pub fn va_total(&self) -> Col<f64> {
        let v = &self.parts.v;
        Col::from_fn(v.ncols(), |j| (0..v.nrows()).map(|k| v[(k, j)]).sum())
    }
    pub fn parts(&self) -> &TableParts {
        &self.parts
    }
    pub fn into_parts(self) -> TableParts {
        self.parts
    }
    /// Multiplies every monetary entry (Z, Y, x, V, imported use) by
    /// `factor`, e.g. to change the currency unit. Stressors are untouched.
    pub fn rescaled(
        &self,
        factor: f64,
        unit: &str,
        policy: &ValidationPolicy,
    ) -> Result<Self, TableError> {
        let mut p = self.parts.clone();
        p.z.scale(factor);
        p.y *= faer::Scale(factor);
        p.x *= faer::Scale(factor);
        p.v *= faer::Scale(factor);
        if let Some(m) = p.imported_use.as_mut() {
            m.z *= faer::Scale(factor);
            m.y *= faer::Scale(factor);
        }
        p.meta.unit = unit.to_string();
        Self::new(p, policy)
    }
}
