//! Containment of panics inside third-party decoders.
//!
//! plenum never panics on bad input, but the decoders it builds on may: the
//! `parquet` crate (60.1) panics with "offset + len out of bounds" in
//! `BooleanBufferBuilder::append_packed_range` on a Parquet file whose
//! definition levels are corrupt, where it should return an error (found by
//! fuzzing the pymrio parquet reader, issue 14; the file is kept as
//! `tests/data/regress/parquet-def-levels`). [`contain`] runs such a decoder
//! under `catch_unwind` and turns a panic into a [`FormatError`] naming the
//! file, so a damaged file gets a clear error and exit code, not a crash.
//!
//! While a contained call runs, the panic hook stays silent on its thread
//! (the error carries the message instead of a backtrace on the terminal).
//! The hook is installed once, on first use, and hands every other panic to
//! the hook it replaced, so a panic outside a contained call is reported
//! (and, in a fuzz target, still counts as a crash) as before.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::error::FormatError;

thread_local! {
    /// How many contained calls are running on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `decode` (third-party decoding of `file`, a `what` such as
/// "Parquet") and returns its result, or an error naming the file if it
/// panicked. Any error type that a [`FormatError`] converts into will do
/// (anyhow's included).
pub fn contain<T, E: From<FormatError>>(
    file: &str,
    what: &str,
    decode: impl FnOnce() -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let out = panic::catch_unwind(AssertUnwindSafe(decode));
    DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    out.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        Err(E::from(FormatError::file(
            file,
            format!("the {what} decoder failed on this file ({why}): it is damaged or truncated"),
            format!(
                "write the file again (pandas to_parquet or pyarrow); if it opens elsewhere, \
                 report it with the file: the {what} library should have returned an error"
            ),
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Result;

    #[test]
    fn a_panic_becomes_an_error_naming_the_file() {
        let r: Result<()> = contain("Z.parquet", "Parquet", || {
            panic!("offset + len out of bounds")
        });
        let e = r.expect_err("contained").to_string();
        assert!(e.contains("Z.parquet"), "{e}");
        assert!(e.contains("offset + len out of bounds"), "{e}");
        assert!(e.contains("Parquet decoder failed"), "{e}");
    }

    #[test]
    fn results_and_errors_pass_through() {
        let r: Result<i32> = contain("f", "Parquet", || Ok(3));
        assert_eq!(r.ok(), Some(3));
        let r: Result<()> = contain("f", "Parquet", || {
            Err(FormatError::file("f", "bad", "fix it"))
        });
        assert!(r.expect_err("error").to_string().contains("bad"));
        // The depth is back to zero: a later panic outside is not silenced.
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
