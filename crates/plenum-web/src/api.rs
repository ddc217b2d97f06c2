//! The JSON API (documented in [`crate::openapi`], served at
//! `/api/openapi.json`).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::{self, Stream, StreamExt};
use plenum_formats::identity::run_id;
use plenum_scenario::{shipped, Scenario};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::explore::{self, RankBy};
use crate::jobs::{Job, Progress};
use crate::registry::{now, RunFile, RunRecord, Status};
use crate::results::StoredSeriesSet;
use crate::{ApiError, App};

type AppState = State<Arc<App>>;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/runs", post(create_run).get(list_runs))
        .route("/api/runs/{id}", get(get_run))
        .route("/api/runs/{id}/events", get(events))
        .route("/api/runs/{id}/chart", get(chart))
        .route("/api/runs/{id}/{file}", get(run_file))
        .route("/api/scenarios", get(list_scenarios).post(save_scenario))
        .route("/api/schema", get(schema))
        .route("/api/chokepoints", get(get_chokepoints))
        .route("/api/self-reliance", get(get_self_reliance))
        .route("/api/heatmap", get(get_heatmap))
}

async fn health(State(app): AppState) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "plenum_version": crate::VERSION,
        "table": app.table.name,
        "table_hash": app.table.hash,
        "queue_waiting": app.jobs.waiting(),
        "queue_capacity": app.cfg.queue,
        "workers": app.cfg.workers,
    }))
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::spec())
}

/// The scenario text of a request body: TOML as is; JSON either
/// `{"toml": "..."}` or a scenario as a JSON object (turned into TOML).
pub fn scenario_text(headers: &HeaderMap, body: &[u8]) -> Result<String, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("the body is not UTF-8 text"))?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.contains("json") {
        return Ok(text.to_string());
    }
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?;
    if let Some(t) = v.get("toml").and_then(Value::as_str) {
        return Ok(t.to_string());
    }
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "a JSON body is {\"toml\": \"...\"} or a scenario object (the TOML keys as JSON)",
        ));
    }
    toml::to_string(&v).map_err(|e| {
        ApiError::bad_request(format!(
            "the JSON scenario cannot be written as TOML ({e}); JSON null has no TOML form"
        ))
    })
}

/// Parses and checks a scenario the way `plenum run FILE` does, then binds
/// it to the table; returns the scenarios to run (baseline-2024 first as
/// the reference, unless the scenario is the baseline itself).
pub fn prepare(app: &App, text: &str) -> Result<Vec<Scenario>, ApiError> {
    let scn = plenum_scenario::parse_scenario(text, "scenario.toml", &shipped::lookup)
        .map_err(|e| ApiError::scenario(&e))?;
    if scn.end > app.cfg.max_end {
        return Err(ApiError::bad_request(format!(
            "[run] end = {}: this server runs scenarios up to {} (--max-end)",
            scn.end, app.cfg.max_end
        )));
    }
    plenum_scenario::bind::bind(&scn, &app.table.econ).map_err(|e| ApiError::scenario(&e))?;
    if scn.name == "baseline-2024" {
        return Ok(vec![scn]);
    }
    let base = shipped::shipped("baseline-2024")
        .ok_or_else(|| ApiError::internal("the shipped baseline is missing"))?
        .map_err(ApiError::internal)?;
    Ok(vec![base, scn])
}

fn run_json(r: &RunRecord, progress: Option<&Progress>) -> Value {
    let base = format!("/api/runs/{}", r.id);
    json!({
        "id": r.id,
        "name": r.name,
        "status": progress.map_or(r.status, |p| p.status),
        "stage": progress.map(|p| p.stage.clone()),
        "created": r.created,
        "started": r.started,
        "finished": r.finished,
        "plenum_version": r.plenum_version,
        "table_hash": r.table_hash,
        "seed": r.seed,
        "error": r.error,
        "summary": r.summary,
        "links": {
            "self": base,
            "page": format!("/runs/{}", r.id),
            "events": format!("{base}/events"),
            "csv": format!("{base}/results.csv"),
            "parquet": format!("{base}/results.parquet"),
            "report": format!("{base}/report.html"),
        },
    })
}

/// Submits a run (see [`prepare`]) with `draws` Monte Carlo draws (0: a
/// plain run); the same inputs return the stored run. The draws count is
/// part of the run's identity: it is hashed as a last line of the scenario
/// text, `# plenum serve: N Monte Carlo draws`.
pub fn submit(app: &App, text: String, draws: usize) -> Result<(StatusCode, Value), ApiError> {
    if draws > app.cfg.max_draws {
        return Err(ApiError::bad_request(format!(
            "draws = {draws}: this server runs at most {} draws a run (--max-draws); ask for fewer, or run `plenum run --draws {draws}` locally",
            app.cfg.max_draws
        )));
    }
    let scenarios = prepare(app, &text)?;
    let Some(scn) = scenarios.last() else {
        return Err(ApiError::internal("no scenario"));
    };
    let seed = scn.seed;
    let identity = if draws == 0 {
        text.clone()
    } else {
        format!("{text}\n# plenum serve: {draws} Monte Carlo draws\n")
    };
    let id = run_id(crate::VERSION, &app.table.hash, &identity, seed);
    if let Some(r) = app.registry.get(&id)? {
        if r.status != Status::Failed {
            let code = if r.status == Status::Done {
                StatusCode::OK
            } else {
                StatusCode::ACCEPTED
            };
            let p = app.jobs.subscribe(&id).map(|rx| rx.borrow().clone());
            return Ok((code, run_json(&r, p.as_ref())));
        }
        app.registry.forget_failed(&id)?;
    }
    let rec = RunRecord {
        id: id.clone(),
        name: scn.name.clone(),
        status: Status::Queued,
        created: now(),
        started: None,
        finished: None,
        plenum_version: crate::VERSION.into(),
        table_hash: app.table.hash.clone(),
        seed,
        scenario_text: text.clone(),
        error: None,
        summary: None,
    };
    if app.registry.insert_queued(&rec)? {
        let job = Job {
            id: id.clone(),
            scenarios,
            text,
            seed,
            draws,
        };
        if let Err(b) = app.jobs.submit(job) {
            app.registry.remove(&id)?;
            return Err(ApiError::busy(b.retry_after, b.waiting));
        }
    }
    let r = app.registry.get(&id)?.unwrap_or(rec);
    Ok((StatusCode::ACCEPTED, run_json(&r, None)))
}

/// `POST /api/runs?draws=N`.
#[derive(Deserialize)]
struct CreateQuery {
    draws: Option<usize>,
}

async fn create_run(
    State(app): AppState,
    Query(q): Query<CreateQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let text = scenario_text(&headers, &body)?;
    let (code, v) = submit(&app, text, q.draws.unwrap_or(0))?;
    let loc = v["links"]["self"]
        .as_str()
        .unwrap_or("/api/runs")
        .to_string();
    let mut r = (code, Json(v)).into_response();
    if let Ok(h) = HeaderValue::from_str(&loc) {
        r.headers_mut().insert(header::LOCATION, h);
    }
    Ok(r)
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<usize>,
}

async fn list_runs(
    State(app): AppState,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let runs = app.registry.list(q.limit.unwrap_or(100).min(1000))?;
    let v: Vec<Value> = runs
        .iter()
        .map(|r| {
            let mut j = run_json(r, None);
            if let Some(o) = j.as_object_mut() {
                o.remove("summary");
            }
            j
        })
        .collect();
    Ok(Json(json!({ "runs": v })))
}

fn find(app: &App, id: &str) -> Result<RunRecord, ApiError> {
    app.registry
        .get(id)?
        .ok_or_else(|| ApiError::not_found(format!("no run {id}")))
}

async fn get_run(State(app): AppState, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let r = find(&app, &id)?;
    let p = app.jobs.subscribe(&id).map(|rx| rx.borrow().clone());
    Ok(Json(run_json(&r, p.as_ref())))
}

fn event(p: &Progress) -> Event {
    Event::default()
        .event("progress")
        .json_data(p)
        .unwrap_or_else(|_| Event::default().event("progress").data("{}"))
}

/// Server-sent events: `progress` events until the run is done or failed.
async fn events(
    State(app): AppState,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let r = find(&app, &id)?;
    let rx = app.jobs.subscribe(&id);
    let first = rx
        .as_ref()
        .map(|rx| rx.borrow().clone())
        .unwrap_or(Progress {
            status: r.status,
            stage: r.status.as_str().to_string(),
            elapsed_ms: 0,
            error: r.error.clone(),
        });
    let done = first.status.is_final();
    let head = stream::once(async move { Ok(event(&first)) });
    let tail = stream::unfold((rx, done), |(rx, done)| async move {
        if done {
            return None;
        }
        let mut rx = rx?;
        match rx.changed().await {
            Ok(()) => {
                let p = rx.borrow_and_update().clone();
                let fin = p.status.is_final();
                Some((Ok(event(&p)), (Some(rx), fin)))
            }
            Err(_) => {
                // The sender is gone: the run finished; its last value.
                let p = rx.borrow().clone();
                Some((Ok(event(&p)), (None, true)))
            }
        }
    });
    Ok(Sse::new(head.chain(tail)).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))))
}

/// A file of a done run: only the fixed names below, never a path.
async fn run_file(
    State(app): AppState,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (f, ctype) = match file.as_str() {
        "results.csv" => (RunFile::Csv, "text/csv; charset=utf-8"),
        "results.parquet" => (RunFile::Parquet, "application/vnd.apache.parquet"),
        "report.html" => (RunFile::Report, "text/html; charset=utf-8"),
        "manifest.json" => (RunFile::Manifest, "application/json"),
        "scenario.toml" => (RunFile::Scenario, "application/toml; charset=utf-8"),
        _ => return Err(ApiError::not_found(
            "a run has results.csv, results.parquet, report.html, manifest.json and scenario.toml",
        )),
    };
    let r = find(&app, &id)?;
    if r.status != Status::Done {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_done",
            format!(
                "run {id} is {}; its files exist once it is done",
                r.status.as_str()
            ),
        ));
    }
    let path = app.registry.file(&id, f)?;
    let bytes = tokio::fs::read(&path).await.map_err(ApiError::internal)?;
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"plenum-{}-{}\"",
        &id[..12],
        f.name()
    )) {
        if f != RunFile::Report {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    if f == RunFile::Report {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::security::REPORT_CSP),
        );
    }
    Ok(resp)
}

/// The stored series of a done run.
pub fn series(app: &App, id: &str) -> Result<StoredSeriesSet, ApiError> {
    let path = app.registry.file(id, RunFile::Series)?;
    let bytes = std::fs::read(&path).map_err(ApiError::internal)?;
    serde_json::from_slice(&bytes).map_err(ApiError::internal)
}

#[derive(Deserialize)]
pub struct ChartQuery {
    pub variable: Option<String>,
    pub region: Option<String>,
}

/// An SVG line chart of any region-level variable of a done run, one line
/// per scenario, drawn by plenum-report.
pub fn chart_svg(app: &App, id: &str, q: &ChartQuery) -> Result<String, ApiError> {
    let r = find(app, id)?;
    if r.status != Status::Done {
        return Err(ApiError::not_found(format!("run {id} is not done")));
    }
    let set = series(app, id)?;
    let variable = q.variable.as_deref().unwrap_or("gdp_growth_yoy");
    let region = q.region.as_deref().unwrap_or("CHN");
    let picked: Vec<_> = set
        .series
        .iter()
        .filter(|s| s.variable == variable && s.region == region)
        .collect();
    if picked.is_empty() {
        let mut vars: Vec<&str> = set.series.iter().map(|s| s.variable.as_str()).collect();
        vars.sort_unstable();
        vars.dedup();
        return Err(ApiError::bad_request(format!(
            "no series {variable} for region {region}; variables are: {}",
            vars.join(", ")
        )));
    }
    let lines: Vec<plenum_report::Line<'_>> = picked
        .iter()
        .enumerate()
        .map(|(i, s)| plenum_report::Line {
            name: &s.scenario,
            colour: plenum_report::PALETTE[i % plenum_report::PALETTE.len()],
            values: s.values.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        })
        .collect();
    Ok(plenum_report::line_chart(
        "chart",
        &format!("{region}: {variable}"),
        &picked[0].unit,
        &set.quarters,
        &lines,
    ))
}

async fn chart(
    State(app): AppState,
    Path(id): Path<String>,
    Query(q): Query<ChartQuery>,
) -> Result<Response, ApiError> {
    let svg = chart_svg(&app, &id, &q)?;
    let mut r = svg.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(r)
}

/// The shipped scenarios, experiments and the user's saved ones.
pub fn scenario_list(app: &App) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    let describe = |text: &str| -> String {
        plenum_scenario::schema::parse_raw(text, "x")
            .ok()
            .and_then(|r| r.description)
            .unwrap_or_default()
    };
    for (n, t) in shipped::SHIPPED {
        out.push(json!({"name": n, "source": "shipped", "description": describe(t), "toml": t}));
    }
    for (n, t) in shipped::EXPERIMENTS {
        out.push(json!({"name": n, "source": "experiment", "description": describe(t), "toml": t}));
    }
    for s in app.registry.scenarios()? {
        out.push(json!({"name": s.name, "source": "saved", "description": describe(&s.text), "toml": s.text, "updated": s.updated}));
    }
    Ok(out)
}

async fn list_scenarios(State(app): AppState) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "scenarios": scenario_list(&app)? })))
}

/// Saves a scenario in the library under its `name` (checked like a run).
async fn save_scenario(
    State(app): AppState,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let text = scenario_text(&headers, &body)?;
    let scenarios = prepare(&app, &text)?;
    let name = scenarios.last().map(|s| s.name.clone()).unwrap_or_default();
    if shipped::lookup(&name).is_some() {
        return Err(ApiError::bad_request(format!(
            "\"{name}\" is a shipped scenario; give yours another `name` (it may `extends = \"{name}\"`)"
        )));
    }
    app.registry.save_scenario(&name, &text)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"name": name, "saved": true})),
    ))
}

async fn schema(State(app): AppState) -> Json<Value> {
    Json(crate::pages::schema_json(&app))
}

#[derive(Deserialize)]
struct ChokeQuery {
    region: Option<String>,
    top: Option<usize>,
    by: Option<String>,
}

async fn get_chokepoints(
    State(app): AppState,
    Query(q): Query<ChokeQuery>,
) -> Result<Json<Value>, ApiError> {
    let region = q.region.as_deref().unwrap_or("CHN");
    let by = RankBy::parse(q.by.as_deref())?;
    let app2 = app.clone();
    let region = region.to_string();
    let top = q.top.unwrap_or(20);
    let v = tokio::task::spawn_blocking(move || explore::chokepoints_json(&app2, &region, top, by))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(v))
}

#[derive(Deserialize)]
struct SrQuery {
    region: Option<String>,
    sector: Option<String>,
}

async fn get_self_reliance(
    State(app): AppState,
    Query(q): Query<SrQuery>,
) -> Result<Json<Value>, ApiError> {
    let app2 = app.clone();
    let region = q.region.unwrap_or_else(|| "CHN".into());
    let sector = q.sector.filter(|s| !s.is_empty());
    let v = tokio::task::spawn_blocking(move || {
        explore::self_reliance_json(&app2, &region, sector.as_deref())
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(v))
}

async fn get_heatmap(State(app): AppState) -> Result<Json<Value>, ApiError> {
    let app2 = app.clone();
    let h = tokio::task::spawn_blocking(move || explore::heat_map(&app2))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(serde_json::to_value(&*h).map_err(ApiError::internal)?))
}
