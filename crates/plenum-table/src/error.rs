//! Typed errors of the table model. Every variant names the labels involved,
//! so that a user can find the offending cell in the source file.

use std::fmt;

/// An industry (or column) and the size of its problem, used to report the
/// worst offenders of a check.
#[derive(Debug, Clone, PartialEq)]
pub struct WorstEntry {
    /// `REGION/SECTOR` or `REGION/CATEGORY`.
    pub label: String,
    /// The offending value (a relative imbalance, a column sum, ...).
    pub value: f64,
}

impl fmt::Display for WorstEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:.6e})", self.label, self.value)
    }
}

fn list(entries: &[WorstEntry]) -> String {
    entries
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn names(v: &[String]) -> String {
    const MAX: usize = 60;
    let mut s = v.iter().take(MAX).cloned().collect::<Vec<_>>().join(", ");
    if v.len() > MAX {
        s.push_str(&format!(", ... ({} in all)", v.len()));
    }
    s
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("no {kind} labels were given; a table needs at least one")]
    EmptyLabels { kind: &'static str },

    #[error("{kind} label at position {position} is blank")]
    BlankLabel { kind: &'static str, position: usize },

    #[error("{kind} label {position} (\"{label}\", shown escaped) holds a control character; labels are plain text: remove the character from the file")]
    ControlInLabel {
        kind: &'static str,
        position: usize,
        label: String,
    },

    #[error("{kind} label \"{label}\" appears twice (positions {first} and {second}); labels must be unique")]
    DuplicateLabel {
        kind: &'static str,
        label: String,
        first: usize,
        second: usize,
    },

    #[error("unknown {kind} \"{label}\"; valid {kind}s are: {}", names(.valid))]
    UnknownLabel {
        kind: &'static str,
        label: String,
        valid: Vec<String>,
    },

    #[error("matrix {matrix} is {got_rows}x{got_cols} but the labels call for {want_rows}x{want_cols} ({hint})")]
    Shape {
        matrix: String,
        got_rows: usize,
        got_cols: usize,
        want_rows: usize,
        want_cols: usize,
        hint: String,
    },

    #[error("matrix {matrix} holds a non-finite value ({value}) at row {row} \"{row_label}\", column {col} \"{col_label}\"; replace it with a number (0 if the flow is absent)")]
    NonFinite {
        matrix: String,
        row: usize,
        col: usize,
        row_label: String,
        col_label: String,
        value: f64,
    },

    #[error("gross output x is negative for {}; output cannot be negative", list(.industries))]
    NegativeOutput { industries: Vec<WorstEntry> },

    /// `hint` is empty or `; ` and a likely cause (negative flows in Z).
    #[error("row balance Z·1 + Y·1 = x fails beyond relative tolerance {tolerance:e}; worst industries: {}{hint}", list(.worst))]
    RowImbalance {
        tolerance: f64,
        worst: Vec<WorstEntry>,
        hint: String,
    },

    /// `hint` as for [`TableError::RowImbalance`].
    #[error("column balance 1'Z + 1'V = x' fails beyond relative tolerance {tolerance:e}; worst industries: {}{hint}", list(.worst))]
    ColumnImbalance {
        tolerance: f64,
        worst: Vec<WorstEntry>,
        hint: String,
    },

    #[error("{} industries have zero gross output ({}); choose a policy: reject (the default) or treat them as absent (their A columns become 0)", .industries.len(), names(.industries))]
    ZeroOutput { industries: Vec<String> },

    #[error("every one of the {n} industries has zero gross output: the table has no economy to analyse (every coefficient would be 0/0); check that the values were read (units, a blank or mislabelled column) and that the file is the table meant")]
    NoOutput { n: usize },

    #[error("industry {industry} has zero gross output but non-zero inputs or sales (largest |flow| {largest:e}); the table is inconsistent there")]
    ZeroOutputWithFlows { industry: String, largest: f64 },

    #[error("the table is not productive: column sums of A reach or exceed 1 for {}; such an industry uses more intermediate inputs than it produces", list(.industries))]
    NonProductiveColumns { industries: Vec<WorstEntry> },

    #[error("the table is not productive: the spectral radius of A is {radius:.6} >= 1; largest column sums: {}", list(.industries))]
    NonProductiveSpectral {
        radius: f64,
        industries: Vec<WorstEntry>,
    },

    #[error("concordance for {kind}s: \"{label}\" is not mapped; add a row mapping it to a group")]
    Unmapped { kind: &'static str, label: String },

    #[error("concordance for {kind}s: \"{label}\" is mapped twice (to \"{first}\" and to \"{second}\"); keep one row")]
    DoublyMapped {
        kind: &'static str,
        label: String,
        first: String,
        second: String,
    },

    #[error("concordance for {kind}s names \"{label}\", which the table does not have; valid {kind}s are: {}", names(.valid))]
    ConcordanceUnknown {
        kind: &'static str,
        label: String,
        valid: Vec<String>,
    },

    #[error("extension \"{extension}\": {message}")]
    Extension { extension: String, message: String },

    /// Sparse storage of Z given rows it cannot hold (a reader's bug, or a
    /// table past the u32 column index).
    #[error("sparse Z: {message}")]
    Sparse { message: String },

    #[error("{0}")]
    Other(String),
}
