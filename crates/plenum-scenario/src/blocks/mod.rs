//! The macro blocks that drive the dynamic engine (plenum-sim). Each is a
//! small module of pure functions (state in, state out) with its equations,
//! parameters and sources in its docs; [`crate::run`] calls them once per
//! quarter, in the order households, local government, FDI, self-reliance,
//! controls, and turns what they return into the engine's final-demand and
//! capacity scales (through its hook) and trade restrictions (paths given
//! to the engine up front).
//!
//! Units: real flows are in table units per quarter at 2023 prices
//! (κ table units = 1 tn yuan, see [`crate::run`]); fiscal flows are
//! nominal tn yuan per quarter; FDI is USD bn per year.

pub mod budget;
pub mod controls;
pub mod controls_prices;
pub mod fdi;
pub mod fx;
pub mod households;
pub mod localgov;
pub mod manufacturing;
pub mod money;
pub mod prices;
pub mod propcredit;
pub mod property;
pub mod prosperity;
pub mod selfreliance;
