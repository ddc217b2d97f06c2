//! Typed errors of the GVC measures. Every variant names what was given,
//! what was expected and how to fix it; parse errors carry the source name,
//! line and column.

use plenum_table::TableError;

fn names(v: &[String]) -> String {
    const MAX: usize = 80;
    let mut s = v.iter().take(MAX).cloned().collect::<Vec<_>>().join(", ");
    if v.len() > MAX {
        s.push_str(&format!(", ... ({} in all)", v.len()));
    }
    s
}

#[derive(Debug, thiserror::Error)]
pub enum GvcError {
    #[error(transparent)]
    Table(#[from] TableError),

    #[error("{source_name}:{line}:{column}: unknown {kind} \"{label}\"; valid {kind}s of this table are: {}. Fix the spelling or remove the entry", names(.valid))]
    UnknownLabel {
        source_name: String,
        line: usize,
        column: usize,
        kind: &'static str,
        label: String,
        valid: Vec<String>,
    },

    #[error("{source_name}:{line}:{column}: {message}; expected {expected}. {hint}")]
    Parse {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
        expected: String,
        hint: String,
    },

    #[error("{what} is empty; name at least one {kind}")]
    Empty { what: String, kind: &'static str },

    #[error("region \"{region}\" is put in economy \"{first}\" and in economy \"{second}\"; an economy partition needs each region in one economy only")]
    RegionInTwoEconomies {
        region: String,
        first: String,
        second: String,
    },

    #[error("GVC accounting needs a multi-regional table with interregional trade (ImportTreatment::Interregional); table \"{table}\" records imports as {treatment}. Use a world table such as WIOD, or a table built by plenum's MRIO builder")]
    NotInterregional { table: String, treatment: String },

    #[error("the Leontief matrix (I - A) of {what} is singular or badly conditioned (pivot {pivot:e}); the table is not productive there")]
    Singular { what: String, pivot: f64 },

    #[error("{what}: {source}")]
    IoMath {
        what: String,
        #[source]
        source: plenum_iomath::IoMathError,
    },

    #[error("{0}")]
    Invalid(String),
}
