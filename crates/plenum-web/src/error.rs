//! Errors of the web crate, and how the API answers them: a JSON body
//! `{"error": KIND, "message": TEXT, ...}` with the HTTP status that fits.
//! A scenario error carries the CLI's own text (the `Display` of
//! [`plenum_scenario::ScenarioError`]) and, apart, the key, line, column
//! and reason it names.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use plenum_scenario::ScenarioError;
use serde_json::{json, Value};

/// Errors of setting up or running the server.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    Registry(#[from] crate::registry::RegistryError),
    #[error("{0}")]
    Format(#[from] plenum_formats::FormatError),
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Gvc(#[from] plenum_gvc::GvcError),
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
}

/// An API error: status, kind and message, plus fields of its own.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({"error": kind, "message": message.into()}),
            retry_after: None,
        }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", what)
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
    }
    /// The queue is full: 429 with Retry-After.
    pub fn busy(retry_after: u64, queued: usize) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "queue_full",
            format!("the run queue is full ({queued} runs waiting); try again in {retry_after} s"),
        );
        e.retry_after = Some(retry_after);
        e
    }
    /// A scenario error, as the CLI words it, with its parts.
    pub fn scenario(e: &ScenarioError) -> Self {
        let (at, key, reason) = match e {
            ScenarioError::Parse { at, message, fix } => (
                Some(at),
                unknown_field(message),
                format!("{message}; fix: {fix}"),
            ),
            ScenarioError::UnknownLabel {
                at,
                key,
                kind,
                label,
                ..
            } => (
                Some(at),
                Some(key.clone()),
                format!("unknown {kind} \"{label}\""),
            ),
            ScenarioError::Invalid {
                at,
                key,
                value,
                expected,
                fix,
            } => (
                Some(at),
                Some(key.clone()),
                format!("{value}: expected {expected}; fix: {fix}"),
            ),
            ScenarioError::Missing { at, key, why } => {
                (Some(at), Some(key.clone()), format!("missing ({why})"))
            }
            ScenarioError::Table { message, fix } => (None, None, format!("{message}; fix: {fix}")),
            ScenarioError::Calibration { message, fix } => {
                (None, None, format!("{message}; fix: {fix}"))
            }
        };
        Self {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "error": "scenario",
                "message": e.to_string(),
                "key": key,
                "file": at.map(|a| a.file.clone()),
                "line": at.and_then(|a| a.line),
                "column": at.and_then(|a| a.column),
                "reason": reason,
            }),
            retry_after: None,
        }
    }
}

/// The key of serde's "unknown field `x`" message.
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    Some(rest.split('`').next()?.to_string())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, axum::Json(self.body)).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        r
    }
}

impl From<crate::registry::RegistryError> for ApiError {
    fn from(e: crate::registry::RegistryError) -> Self {
        match e {
            crate::registry::RegistryError::BadId(_) => ApiError::not_found(e.to_string()),
            e => ApiError::internal(e),
        }
    }
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        match e {
            WebError::Scenario(s) => ApiError::scenario(&s),
            WebError::Gvc(g) => ApiError::bad_request(g.to_string()),
            e => ApiError::internal(e),
        }
    }
}
