//! Technological dependence and global value chains on a world
//! input-output table (plenum issue 4).
//!
//! * [`model::GvcModel`]: A, v, x, final demand by destination and the
//!   factorised Leontief system, prepared once per table.
//! * [`lean::LeanModel`]: x, v and final demand by destination only, with
//!   products with L by `plenum_iomath`'s solver on Z as stored (block
//!   GMRES at scale): the chokepoint ranking at GLORIA size.
//! * [`selfreliance`]: domestic and foreign value added in output, gross
//!   exports, final goods and final demand, by source economy and industry;
//!   dependence on a named group of economies ([`groups::RegionGroup`],
//!   default the chip-control coalition), direct and through the chain.
//! * [`participation`]: GVC participation, forward and backward, after
//!   Wang, Wei, Yu & Zhu (2017a), and Koopman et al. (2010) participation
//!   and position.
//! * [`decomp`]: gross-export decompositions: WWZ (2013) 16 terms, KWW
//!   (2014) 9 terms, Borin & Mancini (2019, 2023) source- and sink-based,
//!   for every exporter, importer and exporting sector.
//! * [`chokepoint`]: the foreign suppliers a target economy depends on,
//!   ranked by look-through exposure, bottleneck loss and hypothetical
//!   extraction, with exact low-rank updates instead of re-solving.
//! * [`technology`]: the technology layer (C26 and C28 split into chips
//!   and tools, shipped in `data/technology/chips.toml`); [`techchoke`]:
//!   chokepoints by technology.
//! * [`dynamic`]: the bottleneck loss computed with the dynamic engine
//!   (plenum-sim's extended mode: trade restriction, critical inputs).
//!
//! Formulas, papers and the checks against published numbers are in
//! `docs/gvc.md`.

#![forbid(unsafe_code)]

pub mod chokepoint;
pub mod decomp;
pub mod dynamic;
pub mod error;
pub mod groups;
pub mod lean;
mod linalg;
pub mod model;
pub mod participation;
pub mod selfreliance;
pub mod synthetic;
pub mod techchoke;
pub mod technology;

pub use chokepoint::{
    chokepoints, chokepoints_lean, chokepoints_on_table, chokepoints_with, ChokeInputs, Chokepoint,
    ChokepointOptions, ChokepointReport, DownstreamPropagation, GhoshFirstOrder,
};
pub use decomp::{BilateralTerms, BmSummary, Decomposer, BM_TERMS, KWW_TERMS, WWZ_TERMS};
pub use dynamic::{dynamic_bottleneck, DynamicLoss, DynamicOptions, DynamicReport, IndustryFall};
pub use error::GvcError;
pub use groups::{Economies, RegionGroup, Selection, CHIP_COALITION};
pub use lean::LeanModel;
pub use model::GvcModel;
pub use participation::{koopman_2010, wwz_participation, KoopmanIndex, WwzParticipation};
pub use selfreliance::{group_dependence, va_origin, Basis, Dependence, VaOrigin};
pub use techchoke::{technology_chokepoints, TechChokeOptions, TechChokeReport, TechChokepoint};
pub use technology::{Technology, TechnologyTable};
