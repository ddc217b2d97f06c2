//! `plenum serve`: the web app and JSON API of plenum, over a run registry.
//!
//! This is the only crate of plenum that speaks HTTP. It computes nothing
//! of its own: runs come from `plenum_scenario::run_all`, charts from
//! `plenum-report`, chokepoints and self-reliance from `plenum-gvc`; it
//! renders those values as pages, JSON, CSV and Parquet.
//!
//! | module | what |
//! |---|---|
//! | [`registry`] | SQLite registry of runs and saved scenarios, result files under the data dir |
//! | [`jobs`] | the bounded run queue and its workers; progress for server-sent events |
//! | [`results`] | the files of a done run, from the run set |
//! | `api` | JSON API handlers (documented in [`openapi`]) |
//! | `pages` | server-rendered pages (library, editor, run, history, explorer) |
//! | `explore` | chokepoints, self-reliance and the dependence heat map |
//! | `security` | bearer token, security headers (CSP) |
//!
//! Safety: the queue is bounded (429 with Retry-After when full), bodies and
//! run length are limited, no request path names a file (files are
//! `runs/<checked id>/<fixed name>`), no shell is ever called, every
//! response carries a Content-Security-Policy, and binding beyond loopback
//! needs a bearer token.

#![forbid(unsafe_code)]
// The OpenAPI document is one large json! literal.
#![recursion_limit = "512"]
// Handlers return ApiError, which carries a JSON body.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use plenum_gvc::GvcModel;
use plenum_scenario::{Economy, Quarter};
use plenum_table::MrioTable;

mod api;
mod error;
mod explore;
pub mod jobs;
pub mod openapi;
mod pages;
pub mod registry;
pub mod results;
mod security;

pub use error::{ApiError, WebError};
pub use registry::Registry;

/// plenum's version, part of every run id.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Checked settings of the server.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// Bearer token; required when `addr` is not loopback.
    pub token: Option<String>,
    /// Runs that may wait in the queue (beyond those running).
    pub queue: usize,
    /// Runs computed at once.
    pub workers: usize,
    /// Largest request body, bytes.
    pub max_body: usize,
    /// Wall-clock limit of one run; a run over it is marked failed.
    pub run_timeout: Duration,
    /// Latest last quarter a submitted scenario may ask for.
    pub max_end: Quarter,
    /// Most Monte Carlo draws one run may ask for (`?draws=N`; each draw
    /// re-calibrates and runs both scenarios, about 0.1 s of one core).
    pub max_draws: usize,
}

impl Config {
    /// Defaults: 127.0.0.1:8080, data dir `plenum-data`, queue 16, workers
    /// 2, body 256 KiB, runs up to 120 s and to 2035Q4, at most 500 draws.
    pub fn new(addr: SocketAddr, data_dir: PathBuf) -> Self {
        Self {
            addr,
            data_dir,
            token: None,
            queue: 16,
            workers: 2,
            max_body: 256 * 1024,
            run_timeout: Duration::from_secs(120),
            max_end: Quarter::new(2035, 4),
            max_draws: 500,
        }
    }

    /// Checks the settings: a token beyond loopback, positive sizes.
    pub fn check(&self) -> Result<(), WebError> {
        if !self.addr.ip().is_loopback() && self.token.as_deref().is_none_or(str::is_empty) {
            return Err(WebError::Config(format!(
                "--addr {} reaches beyond this machine; give --token TOKEN (then every API call needs `Authorization: Bearer TOKEN`), or bind 127.0.0.1",
                self.addr
            )));
        }
        if let Some(t) = &self.token {
            if t.len() < 16 || !t.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(WebError::Config(
                    "--token must be at least 16 printable characters without spaces".into(),
                ));
            }
        }
        if self.queue == 0 || self.workers == 0 || self.max_body < 1024 {
            return Err(WebError::Config(
                "--queue and --workers must be at least 1 and --max-body at least 1024".into(),
            ));
        }
        Ok(())
    }
}

/// The table the server runs on: its economy for runs and its GVC model for
/// the explorer, built once at start.
pub struct TableInfo {
    pub name: String,
    pub hash: String,
    pub regions: Vec<String>,
    pub sectors: Vec<String>,
    pub econ: Economy,
    pub model: GvcModel,
}

impl TableInfo {
    pub fn new(table: &MrioTable) -> Result<Self, WebError> {
        Ok(Self {
            name: table.meta().name.clone(),
            hash: plenum_formats::native::table_hash(table),
            regions: table.labels().regions().to_vec(),
            sectors: table.labels().sectors().to_vec(),
            econ: Economy::from_table(table)?,
            model: GvcModel::new(table)?,
        })
    }
}

/// Everything the handlers share.
pub struct App {
    pub cfg: Config,
    pub registry: Arc<Registry>,
    pub table: Arc<TableInfo>,
    pub jobs: jobs::Jobs,
    choke_cache: Mutex<HashMap<String, Arc<serde_json::Value>>>,
    heat: OnceLock<Arc<explore::HeatMap>>,
}

impl App {
    /// Opens the registry (marking runs a stopped server left unfinished as
    /// failed) and starts the workers. Call inside a tokio runtime.
    pub fn start(cfg: Config, table: Arc<TableInfo>) -> Result<Arc<Self>, WebError> {
        cfg.check()?;
        let registry = Arc::new(Registry::open(&cfg.data_dir)?);
        registry.recover()?;
        let (jobs, rx) = jobs::Jobs::new(cfg.queue, cfg.workers);
        let app = Arc::new(App {
            cfg,
            registry,
            table,
            jobs,
            choke_cache: Mutex::new(HashMap::new()),
            heat: OnceLock::new(),
        });
        jobs::spawn_workers(&app, rx);
        Ok(app)
    }
}

/// The router: pages, assets and API, with the security layers.
pub fn router(app: Arc<App>) -> Router {
    let routes = api::routes().merge(pages::routes());
    security::layers(routes, app.clone()).with_state(app)
}

/// Binds `cfg.addr` and serves until Ctrl-C. `ready` is called with the
/// bound address (useful with port 0).
pub async fn serve(
    cfg: Config,
    table: Arc<TableInfo>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), WebError> {
    let app = App::start(cfg, table)?;
    let listener = tokio::net::TcpListener::bind(app.cfg.addr)
        .await
        .map_err(|source| WebError::Io {
            what: format!("cannot listen on {}", app.cfg.addr),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| WebError::Io {
        what: "cannot read the bound address".into(),
        source,
    })?;
    ready(addr);
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|source| WebError::Io {
            what: "server stopped".into(),
            source,
        })
}

/// [`serve`] on a tokio runtime of its own, for a caller without one (the
/// binary).
pub fn serve_blocking(
    cfg: Config,
    table: Arc<TableInfo>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), WebError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| WebError::Io {
            what: "cannot start the async runtime".into(),
            source,
        })?;
    rt.block_on(serve(cfg, table, ready))
}
