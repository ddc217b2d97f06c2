//! The default table embedded in the binary, so that `plenum run` works on
//! a fresh machine with nothing else. It is the 2022 world table built from
//! the OECD national tables, aggregated to 10 regions × 24 sectors; see
//! data/default/PROVENANCE.md for the command that makes it.

use anyhow::{Context, Result};
use plenum_table::{MrioTable, ValidationPolicy};

/// The bytes of `data/default/default.plenum`.
pub static DEFAULT_TABLE: &[u8] = include_bytes!("../../../data/default/default.plenum");

/// The policy the default table was built under (balanced to 1e-6).
pub fn policy() -> ValidationPolicy {
    ValidationPolicy::lenient(1e-6)
}

/// Reads and validates the embedded default table.
pub fn default_table() -> Result<MrioTable> {
    plenum_formats::native::read_native_bytes(DEFAULT_TABLE, &policy())
        .context("reading the embedded default table")
}
