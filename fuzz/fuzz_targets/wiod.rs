//! The WIOD 2013-release reader on a folder (the mock's three files,
//! packed into one input; the intermediate block gzip-compressed).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(dir) = plenum_fuzz::unpack(data) {
        let policy = plenum_formats::wiod::default_policy();
        let _ = plenum_formats::wiod::read_wiod_dir(dir.path(), &policy);
    }
});
