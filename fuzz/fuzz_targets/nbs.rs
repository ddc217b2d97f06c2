//! The China NBS reader (either layout; the year is in the name).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((_dir, path)) = plenum_fuzz::one_file(data, "china_2020_4.csv") {
        let policy = plenum_formats::nbs::default_policy();
        let _ = plenum_formats::nbs::read_nbs(&path, &policy);
    }
});
