//! Readers and writers of input-output tables for plenum.
//!
//! | module | format | reads | writes |
//! |---|---|---|---|
//! | [`wiod`] | WIOD 2013-release world table (CSV, gz) | yes | |
//! | [`oecd_national`] | OECD national IOTs, `TTL_` layout | yes | |
//! | [`native`] | plenum's own binary format (`.plenum`) | yes | yes |
//! | [`icio`] | OECD ICIO CSV, 2021 and 2023/2025 layouts | yes | |
//! | [`nbs`] | China NBS tables (42 sectors split, 153 sectors total) | yes | |
//! | [`pymrio`] | pymrio's saved folder (`save_all`, txt or parquet) | yes | yes (txt) |
//! | [`concordance`] | concordance CSV (label, group) | yes | |
//! | [`tidy`] | long-format outputs (CSV, Parquet) and `manifest.json` | | yes |
//! | [`identity`] | run ids: hash of version, table hash, scenario text, seed | | |
//!
//! Every reader returns a validated [`plenum_table::MrioTable`], built under
//! the caller's [`plenum_table::ValidationPolicy`]; readers of rounded
//! sources offer a measured `default_policy()`. Every parse error is a
//! [`FormatError`] naming file, line, column and labels, what was expected,
//! and a fix. See `docs/formats.md` for the layouts and how each maps to
//! Z, Y, x and V.

pub mod atomic;
pub mod auto;
pub mod concordance;
pub mod contain;
pub mod error;
mod fill;
pub mod icio;
pub mod identity;
mod industry_labels;
pub mod native;
mod native_stream;
pub mod nbs;
pub mod oecd_national;
mod order;
mod parquet_columns;
pub mod pymrio;
mod pymrio_parquet;
pub mod storage;
mod text;
pub mod tidy;
pub mod wiod;

pub use error::{FormatError, Result};
pub use storage::Storage;
