//! Uncertainty and search for plenum: how sure a path is, which assumptions
//! drive it, and which policy package does best. Pure maths, no I/O.
//!
//! - [`dist`]: bounded parameter distributions (uniform, triangular,
//!   truncated normal, scaled beta, fixed) with CDFs, quantile functions
//!   and `rand_distr` samplers; [`draws`]: seeded Monte Carlo draw
//!   matrices, one random stream per parameter;
//! - [`stats`]: means, variances, type-7 quantiles;
//! - [`sobol_seq`]: the Sobol' sequence with Joe–Kuo direction numbers;
//! - [`sobol`]: Saltelli's design, first-order/total/second-order Sobol'
//!   indices (Saltelli 2010 and Jansen estimators) with bootstrap intervals;
//! - [`morris`]: Morris trajectories and μ, μ*, σ;
//! - [`nsga2`]: NSGA-II with constraint domination; [`hypervolume`];
//! - [`problems`]: Ishigami and ZDT1/ZDT2, with their known answers.
//!
//! Every routine takes a seed where it draws, and gives the same bits for
//! the same inputs and seed whatever the number of threads. The methods
//! follow SALib 1.6 and pymoo 0.6, and the tests check them against those
//! tools' outputs (golden files in `tests/golden/`).

#![forbid(unsafe_code)]
// Index loops mirror the maths (row i, parameter j).
#![allow(clippy::needless_range_loop)]

pub mod dist;
pub mod draws;
pub mod error;
pub mod hypervolume;
mod joe_kuo;
pub mod morris;
pub mod nsga2;
pub mod problems;
pub mod sobol;
pub mod sobol_seq;
pub mod special;
pub mod stats;

pub use dist::{Dist, Sampler};
pub use error::{Result, UncertaintyError};
pub use hypervolume::hypervolume;
pub use morris::{morris_analyze, morris_sample, MorrisIndices};
pub use nsga2::{nsga2, Evaluation, Individual, Nsga2Options, Nsga2Result};
pub use sobol::{saltelli_sample, sobol_analyze, SobolIndices, SobolOptions};
pub use stats::quantiles;
