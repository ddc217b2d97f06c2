//! The dynamic engine of plenum.
//!
//! Part 1 is an adaptive regional input-output (ARIO) model (Hallegatte
//! 2008, 2014) whose ARIO mode reproduces BoARIO 0.7.2's `ARIOPsiModel`
//! step for step ([`ario`]), driven by BoARIO-style events ([`event`],
//! parsed from TOML by [`spec`]) and producing a [`Trajectory`].
//!
//! The engine does no I/O: event files are parsed from `&str`, tables come
//! in as validated [`plenum_table::MrioTable`]s and trajectories go out as
//! in-memory vectors or tidy rows for the caller to write.
//!
//! Typical use (what `plenum simulate ario` calls):
//!
//! ```no_run
//! # fn demo(table: &plenum_table::MrioTable, text: &str) -> plenum_sim::Result<()> {
//! let file = plenum_sim::parse_event_file(text, "event.toml")?;
//! let mut model = plenum_sim::build_ario(table, &file)?;
//! let traj = model.run(365, true)?;
//! for row in traj.tidy_rows() { let _ = (row.step, row.region, row.variable, row.value); }
//! # Ok(()) }
//! ```

// Errors carry labels, values and fixes for the user; they are built on the
// cold path only, so their size does not matter.
#![allow(clippy::result_large_err)]
// Index loops mirror the maths (industry i, sector s, column j).
#![allow(clippy::needless_range_loop)]

pub mod ario;
pub mod error;
pub mod event;
pub mod extended;
pub mod params;
pub mod shocks;
pub mod spec;
pub mod trajectory;

pub use ario::StepBalance;
pub use ario::{ArioModel, Layout, StepRecord};
pub use error::{Location, Result, SimError};
pub use event::{Event, EventKind, EventSpec, RecoveryFunction};
pub use extended::{
    CapacityKind, CapacityPath, Controls, Ensemble, ExtendedSpec, FinalDemandPath, Hook, Path,
    StateView, TradeRestriction,
};
pub use params::{ArioParams, OrderType};
pub use shocks::{build_extended, parse_shocks_file, ShocksFile};
pub use spec::{build_ario, parse_event_file, resolve_event, EventFile};
pub use trajectory::{TidyRow, Trajectory, VARIABLES};
