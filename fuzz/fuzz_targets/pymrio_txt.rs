//! The pymrio reader on a folder saved as text (`save_all`, txt): files
//! packed into one input (see `plenum_fuzz::unpack`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(dir) = plenum_fuzz::unpack(data) {
        let policy = plenum_formats::pymrio::default_policy();
        let _ = plenum_formats::pymrio::read_pymrio(dir.path(), &policy);
    }
});
