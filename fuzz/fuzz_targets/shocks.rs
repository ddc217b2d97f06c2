//! The shocks-file parser of `simulate --shocks`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = plenum_sim::parse_shocks_file(text, "shocks.toml");
    }
});
