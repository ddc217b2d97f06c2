//! plenum-build: a balanced multi-regional input-output (MRIO) table built
//! from national tables.
//!
//! The steps, each in its own module:
//! 1. [`national`]: the input, one [`NationalAccounts`] per economy (uses of
//!    products, final uses, exports and imports by product, value added);
//! 2. [`imports`] splits each economy's uses into domestic and imported
//!    parts (import proportionality); [`build`] then allocates imports across partners from a
//!    [`prior`], balance the bilateral flows with [`gras`] so that exporters'
//!    exports and importers' imports both hold, close the world with a
//!    rest-of-world region;
//! 3. [`compare`]: metrics to judge a built table against a true one;
//! 4. [`world2022`]: the 2022 world table from the OECD national tables and
//!    its aggregation to plenum's default 10 regions.

#![forbid(unsafe_code)]
// Index loops over several parallel arrays read more plainly than zipped
// iterators in the matrix code here.
#![allow(clippy::needless_range_loop)]

pub mod build;
pub mod compare;
pub mod error;
pub mod gras;
pub mod imports;
pub mod national;
pub mod nbs;
pub mod prior;
pub mod world2022;

pub use build::{
    build_world_table, split_imports, BuildOptions, BuildOutput, BuildReport, Progress, RowClosure,
    Stage,
};
pub use error::{BuildError, GrasError, InputError, Side};
pub use gras::{gras, GrasOptions, GrasReport};
pub use national::{nationals_from_mrio, ImportedUses, NationalAccounts};
pub use prior::{BilateralPrior, SectorWeights, TradePrior};
