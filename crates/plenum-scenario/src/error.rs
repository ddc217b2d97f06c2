//! Typed errors of scenario files and runs. Every variant names the file,
//! the line when it is known, the key or label, what was expected and a fix.

use std::fmt;

/// Where in a scenario file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct At {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = if self.file.is_empty() {
            "<scenario>"
        } else {
            &self.file
        };
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{file}:{l}:{c}"),
            (Some(l), None) => write!(f, "{file}:{l}"),
            _ => write!(f, "{file}"),
        }
    }
}

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
