//! The native reader (`.plenum`), from bytes in memory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let policy = plenum_table::ValidationPolicy::default();
    let _ = plenum_formats::native::read_native_bytes(data, &policy);
});
