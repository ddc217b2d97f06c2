//! Test data shared by the workspace's tests, examples and benchmarks: the
//! default table (`data/default/default.plenum`, 10 regions × 24 sectors,
//! 2022) embedded once here instead of by every test. Only ever a
//! dev-dependency; the binary embeds its own copy (`plenum::embedded`),
//! which is what users run.

#![forbid(unsafe_code)]

use plenum_formats::FormatError;
use plenum_table::{MrioTable, ValidationPolicy};

/// The native bytes of the default table.
pub const DEFAULT_TABLE_BYTES: &[u8] = include_bytes!("../../../data/default/default.plenum");

/// The policy the default table is read under (as the binary reads it).
pub fn default_policy() -> ValidationPolicy {
    ValidationPolicy::lenient(1e-6)
}

/// The default table, read and validated.
pub fn default_table() -> Result<MrioTable, FormatError> {
    plenum_formats::native::read_native_bytes(DEFAULT_TABLE_BYTES, &default_policy())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_table_reads() {
        let t = super::default_table().expect("default table");
        assert_eq!(t.labels().n_regions(), 10);
        assert_eq!(t.labels().n_sectors(), 24);
    }
}
