//! The OECD ICIO reader (2021 and 2023 layouts; the year is in the name).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((_dir, path)) = plenum_fuzz::one_file(data, "ICIO2023_2020.csv") {
        let policy = plenum_formats::icio::default_policy();
        let _ = plenum_formats::icio::read_icio(&path, &policy);
    }
});
