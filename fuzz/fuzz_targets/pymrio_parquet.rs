//! The pymrio reader on a folder saved as parquet
//! (`save_all(table_format="parquet")`): files packed into one input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(dir) = plenum_fuzz::unpack(data) {
        let policy = plenum_formats::pymrio::default_policy();
        let _ = plenum_formats::pymrio::read_pymrio(dir.path(), &policy);
    }
});
