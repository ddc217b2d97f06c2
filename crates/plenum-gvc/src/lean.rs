//! The demand-side model without A or L in memory, for measures that need
//! only a few products with L: the chokepoint ranking needs L and Lᵀ times
//! |T| + 1 right-hand sides each (T the target's industries), never L
//! itself.
//!
//! [`crate::GvcModel`] keeps Z, A (8n² bytes each) and the LU factors of
//! I − A (8n² more, (2/3)n³ flops). At GLORIA size (n = 19,680) that is
//! 9.3 GB and about 5 TFLOP before the first answer. [`LeanModel`] keeps
//! x, v and Y by destination (O(n·R)) and reads Z as the table stores it
//! (dense or compressed sparse rows); its [`LeanModel::solver`] is
//! `plenum_iomath`'s [`Solver`], which factors I − A only when asked to
//! (or when n is small or the right-hand sides many) and otherwise runs
//! block GMRES on Z.
//!
//! Every quantity is the same bits as [`crate::GvcModel`]'s:
//! * x_i = Σ_j z_ij + Σ_r y_ir, summed over j in ascending order (the
//!   zeros a sparse Z does not store add nothing);
//! * a_ij = z_ij · (1/x_j), the product `plenum_iomath`'s technical
//!   coefficients form, with 1/x_j = 0 for the industries the table
//!   declares absent;
//! * v_j = 1 − Σ_i a_ij, summed over i in ascending order.
//!
//! So with [`SolverChoice::Lu`] (whose A is `technical_coefficients` of the
//! same Z and x) the chokepoint ranking is bit-identical to the one from
//! [`crate::GvcModel`] (test `lean_lu_is_the_dense_model_bit_for_bit`).

use faer::{Col, Mat, MatRef};
use plenum_iomath::coefficients::reciprocal_output;
use plenum_iomath::{IterOptions, Solver, SolverChoice};
use plenum_table::{Labels, MrioTable};

use crate::error::GvcError;
use crate::linalg::io_err;
use crate::model::{world_table_error, DemandSide};

/// x, v and Y by destination of a table, with Z as the table stores it.
pub struct LeanModel<'t> {
    table: &'t MrioTable,
    x: Col<f64>,
    /// x with the absent industries at 0, the x behind A.
    x_a: Col<f64>,
    /// 1/x_j of `x_a` (0 for absent industries).
    recip: Vec<f64>,
    v: Col<f64>,
    ye: Mat<f64>,
}

impl<'t> LeanModel<'t> {
    /// Prepares x, v and Y by destination in O(nnz(Z) + n·R) time and
    /// O(n·R) memory: nothing n × n is formed.
    pub fn new(table: &'t MrioTable) -> Result<Self, GvcError> {
        let DemandSide { ye, x, x_a } = DemandSide::of(table)?;
        let labels = table.labels();
        let n = labels.n_industries();
        let absent = table.zero_output();
        let recip = reciprocal_output("A", x_a.as_ref(), absent)
            .map_err(|e| io_err("A", plenum_iomath::name_industries(e, labels)))?;
        let mut colsum = vec![0.0; n];
        table
            .z_flows()
            .for_each_entry(|_, j, z| colsum[j] += z * recip[j]);
        let v = Col::<f64>::from_fn(n, |j| {
            if absent.contains(&j) {
                0.0
            } else {
                1.0 - colsum[j]
            }
        });
        Ok(Self {
            table,
            x,
            x_a,
            recip,
            v,
            ye,
        })
    }

    pub fn labels(&self) -> &'t Labels {
        self.table.labels()
    }
    pub fn n(&self) -> usize {
        self.x.nrows()
    }
    /// x = Z·1 + Y·1.
    pub fn x(&self) -> &Col<f64> {
        &self.x
    }
    /// v = 1' − 1'A.
    pub fn v(&self) -> &Col<f64> {
        &self.v
    }
    /// Final demand by destination region, n × R.
    pub fn ye(&self) -> MatRef<'_, f64> {
        self.ye.as_ref()
    }

    /// Products with L and Lᵀ by `choice` (see [`SolverChoice`]): the
    /// iterative path sweeps Z as stored; LU builds A dense and factors.
    pub fn solver(&self, choice: SolverChoice, opts: IterOptions) -> Result<Solver<'_>, GvcError> {
        Solver::for_flows(
            self.table.z_flows(),
            self.x_a.as_ref(),
            self.table.zero_output(),
            choice,
            opts,
        )
        .map_err(|e| world_table_error(self.table, e))
    }

    /// Columns `cols` of Z and of A = Z x̂⁻¹, each n × |cols|.
    pub fn columns(&self, cols: &[usize]) -> (Mat<f64>, Mat<f64>) {
        let n = self.n();
        let mut slot = vec![usize::MAX; n];
        for (k, &j) in cols.iter().enumerate() {
            slot[j] = k;
        }
        let mut z = Mat::<f64>::zeros(n, cols.len());
        let mut a = Mat::<f64>::zeros(n, cols.len());
        self.table.z_flows().for_each_entry(|i, j, v| {
            let k = slot[j];
            if k != usize::MAX {
                z[(i, k)] = v;
                a[(i, k)] = v * self.recip[j];
            }
        });
        (z, a)
    }
}
