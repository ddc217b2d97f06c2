//! Security layers of every response: the bearer token (when the server
//! has one), the body-size limit, and the security headers
//! (Content-Security-Policy, no sniffing, no framing, no referrer).
//!
//! With a token, API calls must send `Authorization: Bearer TOKEN`; the
//! browser's pages may instead open once with `?token=TOKEN`, which sets a
//! same-site, HTTP-only cookie that the pages' own requests then carry.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::{ApiError, App};

/// The app pages' policy: only this origin's scripts and styles, no
/// inline script, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The downloaded HTML report's policy: its own inline CSS, no script.
pub const REPORT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

const COOKIE: &str = "plenum_token";

/// Compares in time independent of where the strings differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

fn cookie(req: &Request) -> Option<&str> {
    let h = req.headers().get(header::COOKIE)?.to_str().ok()?;
    h.split(';')
        .map(str::trim)
        .find_map(|c| c.strip_prefix(COOKIE)?.strip_prefix('='))
}

fn query_token(req: &Request) -> Option<String> {
    let q = req.uri().query()?;
    q.split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .map(str::to_string)
}

async fn auth(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let Some(token) = app.cfg.token.as_deref() else {
        return next.run(req).await;
    };
    let t = token.as_bytes();
    let is_api = req.uri().path().starts_with("/api/");
    let ok_header = bearer(&req).is_some_and(|b| same(b.as_bytes(), t));
    let ok_cookie = cookie(&req).is_some_and(|c| same(c.as_bytes(), t));
    if ok_header || ok_cookie {
        return next.run(req).await;
    }
    if !is_api {
        if let Some(q) = query_token(&req) {
            if same(q.as_bytes(), t) {
                let mut r = next.run(req).await;
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
                )) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                return r;
            }
        }
    }
    let mut r = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "this server needs a token: send `Authorization: Bearer TOKEN` (pages: open them once with ?token=TOKEN)",
    )
    .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"plenum\""),
    );
    r
}

async fn headers(req: Request, next: Next) -> Response<Body> {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// Wraps the routes in the body limit, the token check and the headers.
pub fn layers(routes: Router<Arc<App>>, app: Arc<App>) -> Router<Arc<App>> {
    let max = app.cfg.max_body;
    routes
        .layer(DefaultBodyLimit::max(max))
        .layer(middleware::from_fn_with_state(app, auth))
        .layer(middleware::from_fn(headers))
}
