//! Typed errors of the builder. Each names the region, product, row or
//! column involved and says how to fix the input.

use plenum_table::TableError;

/// Which side of a matrix a GRAS constraint sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Row,
    Column,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Row => "row",
            Side::Column => "column",
        })
    }
}

/// Why a GRAS problem has no solution or was not solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GrasError {
    #[error("prior is {rows}x{cols} but {row_targets} row targets and {col_targets} column targets were given; give one target per row and per column")]
    Shape {
        rows: usize,
        cols: usize,
        row_targets: usize,
        col_targets: usize,
    },

    #[error(
        "{what} holds a non-finite value ({value}) at {side} {index}; replace it with a number"
    )]
    NonFinite {
        what: &'static str,
        side: Side,
        index: usize,
        value: f64,
    },

    #[error("row targets sum to {row_total:.6e} but column targets to {col_total:.6e}; no matrix can meet both (balance the targets, e.g. with a rest-of-world row or column)")]
    TotalsDiffer { row_total: f64, col_total: f64 },

    #[error("{side} {index} has target {target:.6e} but its prior is all zero; GRAS keeps zeros, so give that {side} at least one non-zero prior entry or a zero target")]
    ZeroLine {
        side: Side,
        index: usize,
        target: f64,
    },

    #[error("{side} {index} has target {target:.6e} but its prior entries are all {prior_sign}; GRAS keeps signs, so no scaling reaches a target of the other sign (fix the sign of the target or of the prior)")]
    SignInfeasible {
        side: Side,
        index: usize,
        target: f64,
        prior_sign: &'static str,
    },

    #[error("GRAS did not converge in {iterations} iterations: largest relative residual {max_rel_residual:.3e} at {side} {index} (tolerance {tolerance:.1e}); the zero pattern of the prior may make the targets unreachable, or raise max_iter")]
    NotConverged {
        iterations: usize,
        max_rel_residual: f64,
        side: Side,
        index: usize,
        tolerance: f64,
    },
}

/// Errors of building a world table from national tables.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("no national tables were given; the builder needs at least two economies")]
    NoEconomies,

    #[error("economy \"{region}\": {message}")]
    National { region: String, message: String },

    #[error("economy \"{region}\" has {what} {got:?} but the first economy (\"{first}\") has {want:?}; all national tables must share the same labels (map them to one classification first)")]
    LabelMismatch {
        region: String,
        first: String,
        what: &'static str,
        got: Vec<String>,
        want: Vec<String>,
    },

    #[error("economy \"{region}\" appears twice; give each economy once")]
    DuplicateRegion { region: String },

    #[error("product \"{product}\": the economies' imports ({imports:.6e}) and exports ({exports:.6e}) differ by more than the tolerance and the rest-of-world closure is off; turn the closure on (RowClosure::Auto) or balance the inputs")]
    WorldGap {
        product: String,
        imports: f64,
        exports: f64,
    },

    #[error("trade in product \"{product}\" (exporter/importer \"{label}\"): {source}")]
    Trade {
        product: String,
        label: String,
        #[source]
        source: GrasError,
    },

    #[error("the bilateral prior covers {got} regions x {got_products} products but the build has {want} regions x {want_products} products; build the prior for the same economies and products")]
    PriorShape {
        got: usize,
        got_products: usize,
        want: usize,
        want_products: usize,
    },

    #[error("the built table failed validation: {0}")]
    Table(#[from] TableError),

    #[error("{0}")]
    Other(String),
}

/// Errors of the builder's inputs: a concordance or other text given to
/// this crate, or the tables it is given (this crate does no I/O).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{file}: line {line}: {message}; {hint}")]
    Parse {
        file: String,
        line: u64,
        message: String,
        hint: String,
    },
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Formats(#[from] plenum_formats::FormatError),
}
