//! The scenario parser (schema 1), with `extends` resolved against the
//! shipped scenarios.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ =
            plenum_scenario::parse_scenario(text, "fuzz.toml", &plenum_scenario::shipped::lookup);
    }
});
