//! Typed errors of scenario files and runs. Every variant names the file,
//! the line when it is known, the key or label, what was expected and a fix.

/// Where in a scenario file a problem sits: the engine's own location type
/// (file, 1-based line and column when known), so both crates report
/// positions alike.
pub use plenum_sim::Location as At;

fn list(v: &[String]) -> String {
    const MAX: usize = 60;
    let mut s = v.iter().take(MAX).cloned().collect::<Vec<_>>().join(", ");
    if v.len() > MAX {
        s.push_str(&format!(", ... ({} in all)", v.len()));
    }
    s
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// TOML syntax errors and unknown keys (serde lists the allowed keys).
    #[error("{at}: {message}; fix: {fix}")]
    Parse {
        at: At,
        message: String,
        fix: String,
    },

    #[error("{at}: key `{key}`: unknown {kind} \"{label}\"; valid {kind}s are: {}", list(.valid))]
    UnknownLabel {
        at: At,
        key: String,
        kind: &'static str,
        label: String,
        valid: Vec<String>,
    },

    #[error("{at}: key `{key}` = {value}: expected {expected}; fix: {fix}")]
    Invalid {
        at: At,
        key: String,
        value: String,
        expected: String,
        fix: String,
    },

    #[error("{at}: missing key `{key}` ({why})")]
    Missing { at: At, key: String, why: String },

    #[error("the table cannot carry this scenario: {message}; fix: {fix}")]
    Table { message: String, fix: String },

    #[error("calibration failed: {message}; fix: {fix}")]
    Calibration { message: String, fix: String },
}

pub type Result<T> = std::result::Result<T, ScenarioError>;
