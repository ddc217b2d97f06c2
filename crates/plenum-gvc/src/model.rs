//! The prepared demand-side model every GVC measure starts from.
//!
//! From a validated interregional table:
//! * x = Z·1 + Y·1, output as the row sum, so that every accounting
//!   identity below is exact (on a validated table it differs from the
//!   stored x by at most the balance tolerance);
//! * A = Z diag(x)⁻¹ by plenum-iomath (zero columns only for the industries
//!   the table treats as absent under its `ZeroOutputPolicy`);
//! * v_j = 1 − Σ_i a_ij, the primary-input (value-added) coefficient: all
//!   that the world table does not record as an intermediate input, so that
//!   v'L = 1' holds exactly (WIOD's value added is defined this way);
//! * Y_e: final demand summed over categories, one column per destination
//!   region (n × R);
//! * the LU factors of (I − A) (`plenum_iomath::Leontief`), so that
//!   L·R = (I − A)⁻¹R and L'·R cost a solve each; the dense L (called B in
//!   the GVC literature) is formed only by the export decompositions.

use faer::{Col, Mat, MatRef};
use plenum_table::table::ImportTreatment;
use plenum_table::{Flows, Labels, MrioTable};

use plenum_iomath::{Backend, IoMathError, Leontief};

use crate::error::GvcError;
use crate::linalg::io_err;

/// A, v, x, Y by destination and the factorised Leontief system of a table.
pub struct GvcModel {
    labels: Labels,
    z: Mat<f64>,
    a: Mat<f64>,
    x: Col<f64>,
    v: Col<f64>,
    ye: Mat<f64>,
    leontief: Leontief,
}

impl GvcModel {
    /// Prepares the model; factorises (I − A) once (O(n³/3·2) flops).
    pub fn new(table: &MrioTable) -> Result<Self, GvcError> {
        let DemandSide { ye, x, x_a } = DemandSide::of(table)?;
        let labels = table.labels().clone();
        let n = labels.n_industries();
        let z = table.z().clone();
        let absent = table.zero_output();
        let a =
            plenum_iomath::coefficients::technical_coefficients(z.as_ref(), x_a.as_ref(), absent)
                .map_err(|e| io_err("A", plenum_iomath::name_industries(e, &labels)))?;
        let v = Col::<f64>::from_fn(n, |j| {
            if absent.contains(&j) {
                0.0
            } else {
                1.0 - (0..n).map(|i| a[(i, j)]).sum::<f64>()
            }
        });
        let leontief = Leontief::factor_with(a.as_ref(), Backend::default())
            .map_err(|e| world_table_error(table, e))?;
        Ok(Self {
            labels,
            z,
            a,
            x,
            v,
            ye,
            leontief,
        })
    }

    pub fn labels(&self) -> &Labels {
        &self.labels
    }
    pub fn n(&self) -> usize {
        self.labels.n_industries()
    }
    pub fn z(&self) -> MatRef<'_, f64> {
        self.z.as_ref()
    }
    /// A = Z diag(x)⁻¹.
    pub fn a(&self) -> MatRef<'_, f64> {
        self.a.as_ref()
    }
    /// x = Z·1 + Y·1.
    pub fn x(&self) -> &Col<f64> {
        &self.x
    }
    /// v = 1' − 1'A.
    pub fn v(&self) -> &Col<f64> {
        &self.v
    }
    /// Value added v ∘ x.
    pub fn va(&self) -> Col<f64> {
        Col::from_fn(self.n(), |i| self.v[i] * self.x[i])
    }
    /// Final demand by destination region, n × R.
    pub fn ye(&self) -> MatRef<'_, f64> {
        self.ye.as_ref()
    }
    /// The LU factors of I − A.
    pub fn leontief(&self) -> &Leontief {
        &self.leontief
    }
    /// L · R; R needs one row per industry.
    pub fn leontief_solve(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, GvcError> {
        self.leontief.solve(rhs).map_err(|e| io_err("L·R", e))
    }
    /// L' · R; R needs one row per industry.
    pub fn leontief_solve_t(&self, rhs: MatRef<'_, f64>) -> Result<Mat<f64>, GvcError> {
        self.leontief
            .solve_transpose(rhs)
            .map_err(|e| io_err("L'·R", e))
    }
    /// The dense L = (I − A)⁻¹ (n² memory, ~2n³ flops).
    pub fn leontief_inverse(&self) -> Result<Mat<f64>, GvcError> {
        debug_assert_eq!(self.leontief.n(), self.n());
        self.leontief
            .inverse()
            .map_err(|e| io_err("the Leontief inverse", e))
    }
    /// Columns `cols` of L, n × |cols|.
    pub fn leontief_columns(&self, cols: &[usize]) -> Result<Mat<f64>, GvcError> {
        let n = self.n();
        let mut e = Mat::<f64>::zeros(n, cols.len());
        for (k, &j) in cols.iter().enumerate() {
            e[(j, k)] = 1.0;
        }
        self.leontief_solve(e.as_ref())
    }
    /// Rows `rows` of L, returned transposed (n × |rows|).
    pub fn leontief_rows_t(&self, rows: &[usize]) -> Result<Mat<f64>, GvcError> {
        let n = self.n();
        let mut e = Mat::<f64>::zeros(n, rows.len());
        for (k, &i) in rows.iter().enumerate() {
            e[(i, k)] = 1.0;
        }
        self.leontief_solve_t(e.as_ref())
    }
}

/// What both prepared models start from: Y by destination, x and the x
/// behind A.
pub(crate) struct DemandSide {
    /// Y summed over each destination's final-demand categories, n × R.
    pub ye: Mat<f64>,
    /// x = Z·1 + Y·1, the row sums, so that the accounting identities hold
    /// exactly (on a validated table it differs from the stored x by at
    /// most the balance tolerance).
    pub x: Col<f64>,
    /// x with the industries the table declares absent at 0: the x behind
    /// A, whose columns for them are then absent, as the table's
    /// `ZeroOutputPolicy` says (never a silent 0 for a column it did not
    /// declare). An absent industry's row sum may not be exactly 0 (WIOD's
    /// LUX/c5 sums to −1 through negative inventory changes).
    pub x_a: Col<f64>,
}

impl DemandSide {
    /// For an interregional table (else [`GvcError::NotInterregional`]).
    pub(crate) fn of(table: &MrioTable) -> Result<Self, GvcError> {
        if table.meta().imports != ImportTreatment::Interregional {
            return Err(GvcError::NotInterregional {
                table: table.meta().name.clone(),
                treatment: format!("{:?}", table.meta().imports),
            });
        }
        let ye = final_demand_by_destination(table);
        let x = output_as_row_sums(table.z_flows(), ye.as_ref());
        let absent = table.zero_output();
        let x_a = Col::<f64>::from_fn(x.nrows(), |j| if absent.contains(&j) { 0.0 } else { x[j] });
        Ok(Self { ye, x, x_a })
    }
}

/// An error of I − A's factorisation or solves in this crate's terms,
/// naming the table and, where factoring stopped, the industry.
pub(crate) fn world_table_error(table: &MrioTable, e: IoMathError) -> GvcError {
    let what = format!("the world table \"{}\"", table.meta().name);
    match plenum_iomath::name_industries(e, table.labels()) {
        IoMathError::Singular { label, pivot, .. } => GvcError::Singular {
            what: format!("{what}, at {label}"),
            pivot,
        },
        other => io_err(&what, other),
    }
}

/// Y summed over each destination's final-demand categories, n × R.
fn final_demand_by_destination(table: &MrioTable) -> Mat<f64> {
    let labels = table.labels();
    let (n, nr, nf) = (
        labels.n_industries(),
        labels.n_regions(),
        labels.n_fd_categories(),
    );
    let y = table.y();
    let mut ye = Mat::<f64>::zeros(n, nr);
    for c in 0..y.ncols() {
        let r = c / nf;
        for i in 0..n {
            ye[(i, r)] += y[(i, c)];
        }
    }
    ye
}

/// x_i = Σ_j z_ij + Σ_r y_ir, j ascending for each i (the stored entries
/// of a sparse Z in the dense pass's order: the same bits).
fn output_as_row_sums(z: &Flows, ye: MatRef<'_, f64>) -> Col<f64> {
    let n = ye.nrows();
    let mut x = Col::<f64>::zeros(n);
    z.for_each_entry(|i, _, v| x[i] += v);
    for r in 0..ye.ncols() {
        for i in 0..n {
            x[i] += ye[(i, r)];
        }
    }
    x
}
