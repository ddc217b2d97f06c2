//! The multi-regional input-output (MRIO) table model of plenum.
//!
//! This crate holds the data container and nothing else: labels, the
//! matrices Z, Y, V and x, metadata, satellite accounts, validation at
//! construction and aggregation by concordance. It does no I/O: parsers
//! and writers live in `plenum-formats`, the maths in `plenum-iomath`.
//!
//! Every [`MrioTable`] that exists has passed [`validate`]: its shapes
//! agree with its labels, it holds no NaN or infinity, its output is not
//! negative, its balances hold within the policy's tolerance, zero-output
//! industries are handled by an explicit policy and its coefficient matrix
//! A is productive. Code downstream may rely on that.

#![forbid(unsafe_code)]

pub mod aggregate;
pub mod error;
pub mod flows;
pub mod folds;
pub mod labels;
pub mod message;
pub mod position;
pub mod table;
pub mod validate;

pub use aggregate::{aggregate, Concordance};
pub use error::{TableError, WorstEntry};
pub use flows::{Flows, SparseFlows};
pub use folds::{ColumnFold, ColumnFolds};
pub use labels::{Industry, Labels};
pub use position::line_col;
pub use table::{Extension, ImportedUse, Metadata, MrioTable, TableParts};
pub use validate::{ValidationPolicy, ValidationReport, ZeroOutputPolicy};

/// Re-exported so that users of the table need not name faer's version.
pub use faer::{Col, Mat};
