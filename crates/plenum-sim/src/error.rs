//! Typed errors of the dynamic engine. Every variant names the key, label or
//! industry involved, what was expected and how to fix it.

use std::fmt;

/// Where in an event or shock file a problem sits (1-based line and column),
/// when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file name given by the caller (the engine itself reads no file).
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = if self.file.is_empty() {
            "<input>"
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

fn names(v: &[String]) -> String {
    const MAX: usize = 60;
    let mut s = v.iter().take(MAX).cloned().collect::<Vec<_>>().join(", ");
    if v.len() > MAX {
        s.push_str(&format!(", ... ({} in all)", v.len()));
    }
    s
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{at}: cannot parse the file: {message}")]
    Parse { at: Location, message: String },

    #[error("{at}: {context}: unknown {kind} \"{label}\"; valid {kind}s are: {}", names(.valid))]
    UnknownLabel {
        at: Location,
        context: String,
        kind: &'static str,
        label: String,
        valid: Vec<String>,
    },

    #[error("{at}: {context}: key `{key}` = {value}: {expected}; fix: {fix}")]
    InvalidValue {
        at: Location,
        context: String,
        key: String,
        value: String,
        expected: String,
        fix: String,
    },

    #[error("{at}: {context}: missing key `{key}` ({why})")]
    MissingKey {
        at: Location,
        context: String,
        key: String,
        why: String,
    },

    #[error("the table cannot be simulated: {message}; fix: {fix}")]
    Table { message: String, fix: String },

    #[error("step {step}: capital lost exceeds the productive capital of {industry} (lost {lost:.6e} > capital {capital:.6e}); BoARIO stops here too; fix: lower the event's impact or its share on that industry")]
    CapitalExceeded {
        step: usize,
        industry: String,
        lost: f64,
        capital: f64,
    },

    /// `at` is the rendered `file:line: ` of the event (empty for events
    /// built in code) and `event` its label (`event #1 ("flood")`), both
    /// from [`crate::event::Event::at`] and [`crate::event::Event::label`].
    #[error("{at}{event}: {message}; fix: {fix}")]
    EventTiming {
        at: String,
        event: String,
        message: String,
        fix: String,
    },

    #[error("step {step}: the model state became invalid: {message} (industry {industry})")]
    Diverged {
        step: usize,
        industry: String,
        message: String,
    },

    #[error("{0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, SimError>;
