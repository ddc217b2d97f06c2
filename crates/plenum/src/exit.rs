//! Exit codes by the kind of error, found by walking the error's causes
//! (the documented table is in `plenum --help`'s after-help and in README):
//!
//! | code | meaning |
//! |-----:|---------|
//! | 0 | success, or standard output closed early (`plenum ... | head`), as in ripgrep |
//! | 1 | the run failed (a singular or unproductive system, a diverging model, GRAS did not converge, any other failure) |
//! | 2 | the command line is wrong (clap's own code) |
//! | 65 | an input was rejected: a table, scenario, shocks, event, group or concordance file (`EX_DATAERR`) |
//! | 66 | an input file or folder does not exist (`EX_NOINPUT`) |
//! | 74 | reading or writing failed otherwise (permissions, full disk, …) (`EX_IOERR`) |

use std::io::ErrorKind;

/// What `main` does with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Standard output was closed by its reader: stop quietly, exit 0.
    BrokenPipe,
    /// Print the error and exit with this code.
    Fail(u8),
}

pub const FAILURE: u8 = 1;
pub const DATA: u8 = 65;
pub const NO_INPUT: u8 = 66;
pub const IO: u8 = 74;

/// The outcome of `err`: the first I/O error among its causes decides;
/// else the first typed plenum error.
pub fn classify(err: &anyhow::Error) -> Outcome {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                ErrorKind::BrokenPipe => Outcome::BrokenPipe,
                ErrorKind::NotFound => Outcome::Fail(NO_INPUT),
                _ => Outcome::Fail(IO),
            };
        }
    }
    for cause in err.chain() {
        if let Some(code) = typed(cause) {
            return Outcome::Fail(code);
        }
    }
    Outcome::Fail(FAILURE)
}

/// The code of one of the library crates' typed errors: bad input is
/// [`DATA`], a computation that cannot go on is [`FAILURE`].
fn typed(cause: &(dyn std::error::Error + 'static)) -> Option<u8> {
    use plenum_build::{BuildError, GrasError, InputError};
    use plenum_formats::FormatError;
    use plenum_gvc::GvcError;
    use plenum_iomath::IoMathError;
    use plenum_scenario::ScenarioError;
    use plenum_sim::SimError;
    use plenum_table::TableError;
    if cause.is::<FormatError>() || cause.is::<TableError>() || cause.is::<InputError>() {
        return Some(DATA);
    }
    if cause.is::<GrasError>() {
        return Some(FAILURE);
    }
    if let Some(e) = cause.downcast_ref::<BuildError>() {
        return Some(match e {
            BuildError::Trade { .. } | BuildError::Other(_) => FAILURE,
            _ => DATA,
        });
    }
    if let Some(e) = cause.downcast_ref::<ScenarioError>() {
        return Some(match e {
            ScenarioError::Calibration { .. } => FAILURE,
            _ => DATA,
        });
    }
    if let Some(e) = cause.downcast_ref::<SimError>() {
        return Some(match e {
            SimError::CapitalExceeded { .. } | SimError::Diverged { .. } | SimError::Other(_) => {
                FAILURE
            }
            _ => DATA,
        });
    }
    if let Some(e) = cause.downcast_ref::<GvcError>() {
        return Some(match e {
            GvcError::Singular { .. } | GvcError::IoMath { .. } | GvcError::Invalid(_) => FAILURE,
            _ => DATA,
        });
    }
    if let Some(e) = cause.downcast_ref::<IoMathError>() {
        return Some(match e {
            IoMathError::ZeroOutput { .. } | IoMathError::NonFinite { .. } => DATA,
            _ => FAILURE,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    fn io(kind: ErrorKind) -> anyhow::Error {
        anyhow::Error::new(std::io::Error::from(kind))
    }

    #[test]
    fn io_errors_by_kind_and_through_context() {
        assert_eq!(classify(&io(ErrorKind::BrokenPipe)), Outcome::BrokenPipe);
        assert_eq!(classify(&io(ErrorKind::NotFound)), Outcome::Fail(NO_INPUT));
        let denied = Err::<(), _>(std::io::Error::from(ErrorKind::PermissionDenied))
            .context("writing out/results.csv")
            .unwrap_err();
        assert_eq!(classify(&denied), Outcome::Fail(IO));
    }

    #[test]
    fn typed_errors_by_kind() {
        let bad = plenum_table::TableError::Other("bad".into());
        assert_eq!(classify(&anyhow::Error::new(bad)), Outcome::Fail(DATA));
        let diverged = plenum_sim::SimError::Other("boom".into());
        let e = Err::<(), _>(diverged).context("simulating").unwrap_err();
        assert_eq!(classify(&e), Outcome::Fail(FAILURE));
        assert_eq!(
            classify(&anyhow::anyhow!("--top must be positive")),
            Outcome::Fail(FAILURE)
        );
    }
}
