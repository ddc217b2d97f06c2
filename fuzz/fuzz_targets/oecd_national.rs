//! The OECD national IOT reader (`TTL_` layout), as a national table and
//! as a one-region table.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((_dir, path)) = plenum_fuzz::one_file(data, "XYZ2022ttl.csv") {
        let _ = plenum_formats::oecd_national::read_oecd_national(&path);
        let policy = plenum_formats::oecd_national::default_policy();
        let _ = plenum_formats::oecd_national::read_oecd_national_table(&path, &policy);
    }
});
