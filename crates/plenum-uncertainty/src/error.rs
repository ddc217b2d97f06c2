//! Errors of the uncertainty crate: what was wrong and how to fix it.

/// An error of a distribution, a design or a search.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UncertaintyError {
    /// A distribution's parameters are impossible (e.g. `lo >= hi`, a mode
    /// outside the range, a non-positive standard deviation).
    #[error("bad distribution: {reason}; fix: {fix}")]
    BadDistribution { reason: String, fix: String },
    /// A design or analysis was asked for something it cannot do (too many
    /// dimensions, outputs of the wrong length, …).
    #[error("{reason}; fix: {fix}")]
    BadInput { reason: String, fix: String },
}

pub type Result<T> = std::result::Result<T, UncertaintyError>;

pub(crate) fn bad_input(reason: impl Into<String>, fix: impl Into<String>) -> UncertaintyError {
    UncertaintyError::BadInput {
        reason: reason.into(),
        fix: fix.into(),
    }
}

pub(crate) fn bad_dist(reason: impl Into<String>, fix: impl Into<String>) -> UncertaintyError {
    UncertaintyError::BadDistribution {
        reason: reason.into(),
        fix: fix.into(),
    }
}
