//! Typed errors of the input-output maths.
//!
//! The maths works on matrices, so an error names the matrix, the row and
//! column index and, where the caller passed labels (the table-level
//! functions do), the `REGION/SECTOR` label of the industry involved, with
//! a suggested fix.

/// Errors of `plenum-iomath`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IoMathError {
    #[error("{what} is {got_rows}x{got_cols} but {want_rows}x{want_cols} is needed ({hint})")]
    Shape {
        what: String,
        got_rows: usize,
        got_cols: usize,
        want_rows: usize,
        want_cols: usize,
        hint: String,
    },

    #[error("{what} holds a non-finite value ({value}) at row {row}, column {col}; the inputs must be finite numbers")]
    NonFinite {
        what: String,
        row: usize,
        col: usize,
        value: f64,
    },

    #[error("industry {index} ({label}) has gross output x = {x:e}, so its column of {what} would be a division by zero; \
             validate the table with ZeroOutputPolicy::TreatAsAbsent (its column is then defined as 0) or pass the index in `zero_output`")]
    ZeroOutput {
        what: String,
        index: usize,
        label: String,
        x: f64,
    },

    #[error(
        "industry {index} ({label}) is listed as zero-output but its gross output is x = {x:e}; \
             pass only industries whose output is exactly zero"
    )]
    NotZeroOutput { index: usize, label: String, x: f64 },

    #[error("I - A is singular to working precision: LU pivot {pivot:e} at step {index} ({label}), \
             smallest/largest |pivot| = {ratio:e}; check that A is productive (every column sum of A below 1) \
             and that no industry only supplies itself (a_jj = 1)")]
    Singular {
        index: usize,
        label: String,
        pivot: f64,
        ratio: f64,
    },

    #[error("backend {backend} is not compiled into this build; rebuild with `--features plenum-iomath/openblas` \
             (needs the system OpenBLAS, Debian: `apt-get install libopenblas-dev`) or use Backend::Faer")]
    BackendUnavailable { backend: &'static str },

    #[error("unknown linear-algebra backend \"{name}\"; valid backends are: faer, openblas")]
    UnknownBackend { name: String },

    #[error("LAPACK {routine} returned info = {info}; this is a bug in the call (negative info names the bad argument)")]
    Lapack { routine: &'static str, info: i32 },

    #[error(
        "dimension {value} of {what} exceeds the 32-bit index range of LAPACK; use Backend::Faer"
    )]
    TooLarge { what: &'static str, value: usize },

    #[error("{what}: {message}")]
    Invalid { what: String, message: String },

    #[error("the iterative solve with I - A reached a relative residual of {residual:e} after {sweeps} sweeps, \
             above the target {rtol:e}; check that A is productive (spectral radius below 1), or use the LU \
             factorisation (`--solver lu`)")]
    NotConverged {
        sweeps: usize,
        residual: f64,
        rtol: f64,
    },

    #[error("the iterative solve with I - A reached a relative residual of {residual:e} after {sweeps} sweeps, \
             above the target {rtol:e}, and its LU fallback would raise the process to about {need_gb:.2} GB, \
             over the memory bound of {max_gb} GB; fix: a looser relative residual (`--rtol`, Python's `rtol=`), \
             aggregate the table (plenum table aggregate), or raise the bound (`--max-memory-gb`, \
             Python's `max_memory_gb=`)")]
    FallbackOverMemory {
        sweeps: usize,
        residual: f64,
        rtol: f64,
        need_gb: f64,
        max_gb: f64,
    },
}

pub(crate) fn check_shape(
    what: &str,
    got: (usize, usize),
    want: (usize, usize),
    hint: &str,
) -> Result<(), IoMathError> {
    if got != want {
        return Err(IoMathError::Shape {
            what: what.to_string(),
            got_rows: got.0,
            got_cols: got.1,
            want_rows: want.0,
            want_cols: want.1,
            hint: hint.to_string(),
        });
    }
    Ok(())
}

pub(crate) fn check_finite(what: &str, m: faer::MatRef<'_, f64>) -> Result<(), IoMathError> {
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            let v = m[(i, j)];
            if !v.is_finite() {
                return Err(IoMathError::NonFinite {
                    what: what.to_string(),
                    row: i,
                    col: j,
                    value: v,
                });
            }
        }
    }
    Ok(())
}
