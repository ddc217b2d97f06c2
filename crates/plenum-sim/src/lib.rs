//! The dynamic engine of plenum.
//!
//! The ARIO mode is an adaptive regional input-output model (Hallegatte
//! 2008, 2014) that reproduces BoARIO 0.7.2's `ARIOPsiModel` step for step
//! ([`ario`]), driven by BoARIO-style events ([`event`], parsed from TOML by
//! [`spec`]) and producing a [`Trajectory`]. The extended mode
//! ([`extended`], parsed by [`shocks`]) reuses the same state and adds trade
//! restrictions, critical inputs, capacity and final-demand paths, steps of
//! a day or a quarter, hooks and ensembles.
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
mod build;
mod colmajor;
mod dispatch;
pub mod ensemble;
pub mod error;
pub mod event;
pub mod extended;
pub mod growth;
mod kernels;
#[cfg(target_arch = "x86_64")]
mod kernels512;
mod mechanisms;
pub mod params;
mod serve;
pub mod shocks;
pub mod spec;
mod stage;
mod sweep;
pub mod trajectory;

pub use ario::StepBalance;
pub use ario::{ArioModel, Layout, Rationing, StepRecord};
pub use ensemble::Ensemble;
pub use error::{Location, Result, SimError};
pub use event::{Event, EventKind, EventSpec, RecoveryFunction};
pub use extended::{
    AnticipationFlows, AnticipationSpec, CapacityKind, CapacityPath, Controls, ExtendedSpec,
    FinalDemandPath, Hook, Path, RerouteFlows, RerouteSpec, RestrictionFlows, StateView,
    TradeRestriction,
};
pub use params::{ArioParams, OrderType};
pub use shocks::{build_extended, parse_shocks_file, ShocksFile};
pub use spec::{build_ario, parse_event_file, resolve_event, EventFile};
pub use trajectory::{TidyRow, Trajectory, VARIABLES};

/// `plenum simulate ario --mrio FOLDER --event EVENT.toml --steps N`: parses
/// the event file `text` (named `file` in messages), builds the ARIO model
/// of `table` and runs `steps` steps, recording inventories.
pub fn simulate_ario(
    table: &plenum_table::MrioTable,
    text: &str,
    file: &str,
    steps: usize,
) -> Result<Trajectory> {
    let f = parse_event_file(text, file)?;
    let mut m = build_ario(table, &f)?;
    m.run(steps, true)
}

/// `plenum simulate --table T --shocks SHOCKS.toml --steps N`: the extended
/// mode (see [`shocks`]).
pub fn simulate_shocks(
    table: &plenum_table::MrioTable,
    text: &str,
    file: &str,
    steps: usize,
) -> Result<Trajectory> {
    let f = parse_shocks_file(text, file)?;
    let mut m = build_extended(table, &f)?;
    m.run(steps, true)
}
