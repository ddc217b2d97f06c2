//! [`IoModel`]: a validated table with A and the factors of I − A, and
//! methods for every quantity of this crate.
//!
//! It is a thin layer over the free functions of the other modules, each of
//! which states its maths; this one adds no maths of its own. It uses the
//! table's gross output x as recorded (pymrio computes x = Z·1 + Y·1; the
//! table model has checked that the two agree within its tolerance), its
//! zero-output industries as absent, and names industries in errors by their
//! `REGION/SECTOR` labels.

use faer::{Col, ColRef, Mat};
use plenum_table::{Extension, MrioTable};

use crate::accounts::{self, Accounts, AccountsRoute};
use crate::backend::Backend;
use crate::dims::{final_demand_by_region, sum_column_groups, Dims};
use crate::error::IoMathError;
use crate::leontief::Leontief;
use crate::linkages::Linkages;
use crate::trade::GrossTrade;
use crate::value_added::ValueAddedFootprint;
use crate::{
    coefficients, ghosh, linkages, multipliers, name_industries, output, trade, value_added,
};

/// A table ready for input-output analysis: A and the LU factors of I − A.
#[derive(Debug, Clone)]
pub struct IoModel<'t> {
    table: &'t MrioTable,
    dims: Dims,
    a: Mat<f64>,
    leontief: Leontief,
}

impl<'t> IoModel<'t> {
    /// A = Z x̂⁻¹ and the factors of I − A with the default backend.
    pub fn new(table: &'t MrioTable) -> Result<Self, IoMathError> {
        Self::with_backend(table, Backend::default())
    }

    /// As [`IoModel::new`] with a chosen backend.
    pub fn with_backend(table: &'t MrioTable, backend: Backend) -> Result<Self, IoMathError> {
        let a = coefficients::table_a(table)?;
        let leontief =
            Leontief::factor_with(a.as_ref(), backend).map_err(|e| self::name(e, table))?;
        Ok(Self {
            table,
            dims: Dims::of(table.labels()),
            a,
            leontief,
        })
    }

    pub fn table(&self) -> &'t MrioTable {
        self.table
    }
    pub fn dims(&self) -> Dims {
        self.dims
    }
    /// A = Z x̂⁻¹.
    pub fn a(&self) -> &Mat<f64> {
        &self.a
    }
    /// The factors of I − A.
    pub fn leontief(&self) -> &Leontief {
        &self.leontief
    }
    /// Gross output x as recorded in the table.
    pub fn x(&self) -> &Col<f64> {
        self.table.x()
    }
    fn zero(&self) -> &[usize] {
        self.table.zero_output()
    }
    fn name(&self, e: IoMathError) -> IoMathError {
        name(e, self.table)
    }

    /// y = Y·1.
    pub fn y_total(&self) -> Col<f64> {
        output::total_final_demand(self.table.y().as_ref())
    }
    /// Y_agg: final demand summed over categories per region, n × R.
    pub fn y_agg(&self) -> Result<Mat<f64>, IoMathError> {
        final_demand_by_region(self.table.y().as_ref(), self.dims)
    }
    /// x solving (I − A) x = y for a final-demand vector y.
    pub fn output_for(&self, y: ColRef<'_, f64>) -> Result<Col<f64>, IoMathError> {
        output::output(&self.leontief, y)
    }
    /// x solving (I − A) x = Y·1 for the table's own final demand.
    pub fn output_from_demand(&self) -> Result<Col<f64>, IoMathError> {
        self.output_for(self.y_total().as_ref())
    }
    /// L = (I − A)⁻¹, formed explicitly.
    pub fn l(&self) -> Result<Mat<f64>, IoMathError> {
        self.leontief.inverse()
    }
    /// B = x̂⁻¹ Z.
    pub fn b(&self) -> Result<Mat<f64>, IoMathError> {
        ghosh::allocation_coefficients(self.table.z().as_ref(), self.x().as_ref(), self.zero())
            .map_err(|e| self.name(e))
    }
    /// G = x̂⁻¹ L x̂ (forms L).
    pub fn g(&self) -> Result<Mat<f64>, IoMathError> {
        ghosh::ghosh_inverse_from(&self.leontief, self.x().as_ref(), self.zero())
            .map_err(|e| self.name(e))
    }
    /// Output multipliers 1'L.
    pub fn output_multipliers(&self) -> Result<Col<f64>, IoMathError> {
        multipliers::output_multipliers(&self.leontief)
    }
    /// V_c = V x̂⁻¹ (K × n).
    pub fn value_added_coefficients(&self) -> Result<Mat<f64>, IoMathError> {
        value_added::value_added_coefficients(
            self.table.v().as_ref(),
            self.x().as_ref(),
            self.zero(),
        )
        .map_err(|e| self.name(e))
    }
    /// Value-added multipliers v_c' L.
    pub fn value_added_multipliers(&self) -> Result<Col<f64>, IoMathError> {
        let vc = value_added::value_added_coefficient_totals(
            self.table.v().as_ref(),
            self.x().as_ref(),
            self.zero(),
        )
        .map_err(|e| self.name(e))?;
        multipliers::value_added_multipliers(&self.leontief, vc.as_ref())
    }
    /// Value added embodied in each region's final demand.
    pub fn value_added_footprint(&self) -> Result<ValueAddedFootprint, IoMathError> {
        let vc = self.value_added_coefficients()?;
        let y_agg = self.y_agg()?;
        value_added::value_added_footprint(&self.leontief, vc.as_ref(), y_agg.as_ref(), self.dims)
    }

    /// The extension called `name`, or an error listing the valid names.
    pub fn extension(&self, name: &str) -> Result<&'t Extension, IoMathError> {
        self.table
            .extension(name)
            .ok_or_else(|| IoMathError::Invalid {
                what: "extension".into(),
                message: format!(
                    "the table has no extension \"{name}\"; valid extensions are: {}",
                    self.table
                        .extensions()
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }
    /// S = F x̂⁻¹ of an extension.
    pub fn stressor_coefficients(&self, extension: &str) -> Result<Mat<f64>, IoMathError> {
        let e = self.extension(extension)?;
        coefficients::stressor_coefficients(e.f.as_ref(), self.x().as_ref(), self.zero())
            .map_err(|e| self.name(e))
    }
    /// M = S L of an extension (transpose solves).
    pub fn satellite_multipliers(&self, extension: &str) -> Result<Mat<f64>, IoMathError> {
        let s = self.stressor_coefficients(extension)?;
        multipliers::satellite_multipliers(&self.leontief, s.as_ref())
    }
    /// The footprint accounts D_cba, D_pba, D_imp, D_exp and their regional
    /// sums of an extension, pymrio-style.
    pub fn accounts(&self, extension: &str) -> Result<Accounts, IoMathError> {
        self.accounts_with(extension, AccountsRoute::Auto)
    }
    /// As [`IoModel::accounts`] with a chosen route.
    pub fn accounts_with(
        &self,
        extension: &str,
        route: AccountsRoute,
    ) -> Result<Accounts, IoMathError> {
        let e = self.extension(extension)?;
        let s = self.stressor_coefficients(extension)?;
        let y_agg = self.y_agg()?;
        let f_y_agg = match &e.f_y {
            Some(fy) => Some(sum_column_groups(fy.as_ref(), self.dims.n_fd_categories)?),
            None => None,
        };
        accounts::accounts(
            &self.leontief,
            s.as_ref(),
            y_agg.as_ref(),
            f_y_agg.as_ref().map(|m| m.as_ref()),
            self.dims,
            route,
        )
    }
    /// Gross bilateral trade (pymrio calc_gross_trade).
    pub fn gross_trade(&self) -> Result<GrossTrade, IoMathError> {
        trade::gross_trade(self.table.z().as_ref(), self.table.y().as_ref(), self.dims)
    }
    /// Backward and forward linkages.
    pub fn linkages(&self) -> Result<Linkages, IoMathError> {
        linkages::linkages(
            self.a.as_ref(),
            &self.leontief,
            self.x().as_ref(),
            self.zero(),
        )
        .map_err(|e| self.name(e))
    }
}

fn name(e: IoMathError, table: &MrioTable) -> IoMathError {
    name_industries(e, table.labels())
}
