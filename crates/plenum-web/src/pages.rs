//! Server-rendered pages: scenario library, editor, run (progress and
//! results), run history and explorer. Charts are the report's own SVG
//! (plenum-report); the one script (`/assets/app.js`) keeps the editor's
//! form and TOML in sync, submits runs and follows a run's progress by
//! server-sent events. Every text from data is escaped.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use plenum_report::esc;
use plenum_scenario::{shipped, PARAMS};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{self, ChartQuery};
use crate::explore::{self, RankBy};
use crate::registry::{RunFile, RunRecord, Status};
use crate::results::StoredChart;
use crate::{ApiError, App};

type AppState = State<Arc<App>>;

const APP_JS: &str = include_str!("../assets/app.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");
/// The scenario keys, documented once in docs/scenarios.md; the editor
/// reads its table of keys so that a key documented there appears here.
const SCENARIO_DOC: &str = include_str!("../../../docs/scenarios.md");

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(library))
        .route("/editor", get(editor))
        .route("/runs", get(history).post(run_form))
        .route("/runs/{id}", get(run_page))
        .route("/explore", get(explorer))
        .route("/assets/app.js", get(app_js))
        .route("/assets/style.css", get(style_css))
        .fallback(page_not_found)
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{} · plenum</title><link rel=\"stylesheet\" href=\"/assets/style.css\"><script src=\"/assets/app.js\" defer></script></head><body><nav><a href=\"/\" class=\"brand\">plenum</a><a href=\"/\">Scenarios</a><a href=\"/editor\">Editor</a><a href=\"/runs\">History</a><a href=\"/explore\">Explorer</a><a href=\"/api/openapi.json\">API</a></nav><main>{body}</main><footer>plenum {} · open scenario engine · <a href=\"/api/openapi.json\">OpenAPI</a></footer></body></html>",
        esc(title),
        crate::VERSION
    ))
}

fn error_page(e: ApiError) -> Response {
    let msg = e.body["message"].as_str().unwrap_or("error").to_string();
    let mut r = page(
        "Error",
        &format!("<h1>Error</h1><p class=\"error\">{}</p>", esc(&msg)),
    )
    .into_response();
    *r.status_mut() = e.status;
    r
}

/// The one fallback: JSON under /api/, a page elsewhere.
async fn page_not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::not_found("no such API path; see /api/openapi.json").into_response();
    }
    error_page(ApiError::not_found("no such page"))
}

async fn app_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
        .into_response()
}

async fn style_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLE_CSS,
    )
        .into_response()
}

async fn library(State(app): AppState) -> Response {
    let list = match api::scenario_list(&app) {
        Ok(l) => l,
        Err(e) => return error_page(e),
    };
    let mut b = String::from("<h1>Scenario library</h1><p>China after the July 2024 Third Plenum, quarter by quarter to 2030, on the embedded 2022 world table. Run a scenario as shipped, or open it in the editor to change it. Every run is compared with <code>baseline-2024</code>.</p>");
    for (src, title) in [
        ("shipped", "Shipped scenarios"),
        ("experiment", "Experiments"),
        ("saved", "Your scenarios"),
    ] {
        let rows: Vec<&Value> = list.iter().filter(|s| s["source"] == src).collect();
        let _ = write!(b, "<h2>{title}</h2>");
        if rows.is_empty() {
            b.push_str("<p class=\"meta\">None yet: save one from the editor.</p>");
            continue;
        }
        b.push_str("<table class=\"list\"><thead><tr><th>scenario</th><th>what it assumes</th><th></th></tr></thead><tbody>");
        for s in rows {
            let n = esc(s["name"].as_str().unwrap_or(""));
            let _ = write!(
                b,
                "<tr><td><a href=\"/editor?scenario={n}\" class=\"scn\">{n}</a></td><td>{}</td><td><form method=\"post\" action=\"/runs\"><input type=\"hidden\" name=\"scenario\" value=\"{n}\"><button type=\"submit\">Run</button></form></td></tr>",
                esc(s["description"].as_str().unwrap_or(""))
            );
        }
        b.push_str("</tbody></table>");
    }
    page("Scenarios", &b).into_response()
}

/// One documented key of the scenario file.
struct KeyDoc {
    /// `section.key` (no section: top level).
    keys: Vec<String>,
    kind: String,
    doc: String,
}

/// The key table of docs/scenarios.md.
fn key_docs() -> Vec<KeyDoc> {
    let mut out = Vec::new();
    let mut on = false;
    for line in SCENARIO_DOC.lines() {
        if line.starts_with("| key | type | meaning |") {
            on = true;
            continue;
        }
        if !on {
            continue;
        }
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 || cells[1].starts_with("---") {
            continue;
        }
        let spec = cells[1].replace('`', "");
        let (section, names) = match spec.strip_prefix('[') {
            Some(rest) if !rest.starts_with('[') => match rest.split_once(']') {
                Some((s, n)) => (format!("{s}."), n.to_string()),
                None => (String::new(), spec.clone()),
            },
            _ => (String::new(), spec.clone()),
        };
        let keys = names
            .split(',')
            .map(|k| format!("{section}{}", k.trim()))
            .collect();
        out.push(KeyDoc {
            keys,
            kind: cells[2].replace('`', ""),
            doc: cells[3].replace('`', ""),
        });
    }
    out
}

/// The editor's schema: documented keys (with which have a form input) and
/// the parameter table (default, unit, range, source).
pub fn schema_json(app: &App) -> Value {
    let keys: Vec<Value> = key_docs()
        .iter()
        .flat_map(|d| {
            d.keys.iter().map(move |k| {
                json!({"key": k, "type": d.kind, "doc": d.doc, "input": input_kind(k, &d.kind).is_some()})
            })
        })
        .collect();
    let params: Vec<Value> = PARAMS
        .iter()
        .map(|p| {
            json!({"key": format!("params.{}", p.name), "default": p.value, "unit": p.unit, "min": p.min, "max": p.max, "source": p.source})
        })
        .collect();
    json!({
        "keys": keys,
        "params": params,
        "regions": app.table.regions,
        "sectors": app.table.sectors,
        "shipped": shipped::SHIPPED.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
    })
}

/// Which form input a documented key gets; None: edited in the TOML only
/// (maps and lists of tables).
fn input_kind(key: &str, kind: &str) -> Option<&'static str> {
    if key.contains("NAME") || kind.contains('{') || key.contains("[[") || key.contains(' ') {
        return None;
    }
    if key == "schema" {
        return None;
    }
    match kind {
        k if k.starts_with("integer") => Some("integer"),
        k if k.starts_with("string") => Some("string"),
        "quarter" => Some("quarter"),
        "labels" => Some("label"),
        k if k.starts_with("final-demand") => Some("string"),
        _ => None,
    }
}

#[derive(Deserialize)]
struct EditorQuery {
    scenario: Option<String>,
    run: Option<String>,
}

async fn editor(State(app): AppState, Query(q): Query<EditorQuery>) -> Response {
    let text = if let Some(id) = &q.run {
        match app.registry.get(id) {
            Ok(Some(r)) => r.scenario_text,
            _ => return error_page(ApiError::not_found(format!("no run {id}"))),
        }
    } else {
        let name = q.scenario.as_deref().unwrap_or("baseline-2024");
        match shipped::lookup(name) {
            Some((_, t)) => t,
            None => match app.registry.scenario(name) {
                Ok(Some(s)) => s.text,
                _ => return error_page(ApiError::not_found(format!("no scenario {name}"))),
            },
        }
    };
    let mut b = String::from("<h1>Scenario editor</h1><p>Change a value in the form or in the TOML: each follows the other. Keys, units, ranges and sources are those of <code>docs/scenarios.md</code> and <code>docs/calibration.md</code>; an empty field means the inherited or default value.</p><div class=\"editor\"><form id=\"form\" class=\"form\" autocomplete=\"off\">");
    b.push_str("<h2>Scenario keys</h2><table class=\"keys\"><thead><tr><th>key</th><th>value</th><th>type and meaning</th></tr></thead><tbody>");
    let regions = &app.table.regions;
    let sectors = &app.table.sectors;
    for d in key_docs() {
        for k in &d.keys {
            let doc = format!("{} — {}", esc(&d.kind), esc(&d.doc));
            let input = match input_kind(k, &d.kind) {
                Some("integer") => format!("<input type=\"number\" step=\"1\" min=\"0\" data-key=\"{0}\" data-type=\"integer\" name=\"{0}\">", esc(k)),
                Some("quarter") => format!("<input type=\"text\" pattern=\"20[0-9][0-9]Q[1-4]\" placeholder=\"e.g. 2030Q4\" data-key=\"{0}\" data-type=\"string\" name=\"{0}\">", esc(k)),
                Some("label") => {
                    let opts = if k.ends_with("region") { regions } else { sectors };
                    let mut s = format!("<select data-key=\"{0}\" data-type=\"string\" name=\"{0}\"><option value=\"\">(default)</option>", esc(k));
                    for o in opts {
                        let _ = write!(s, "<option>{}</option>", esc(o));
                    }
                    s.push_str("</select>");
                    s
                }
                Some(_) if k == "extends" => {
                    let mut s = String::from("<select data-key=\"extends\" data-type=\"string\" name=\"extends\"><option value=\"\">(none)</option>");
                    for (n, _) in shipped::SHIPPED {
                        let _ = write!(s, "<option>{n}</option>");
                    }
                    s.push_str("</select>");
                    s
                }
                Some(_) => format!("<input type=\"text\" data-key=\"{0}\" data-type=\"string\" name=\"{0}\">", esc(k)),
                None => "<span class=\"meta\">in the TOML</span>".to_string(),
            };
            let _ = write!(
                b,
                "<tr><td><code>{}</code></td><td>{input}</td><td class=\"doc\">{doc}</td></tr>",
                esc(k)
            );
        }
    }
    b.push_str("</tbody></table><h2>Parameters <code>[params]</code></h2><table class=\"keys\"><thead><tr><th>parameter</th><th>value</th><th>default</th><th>unit</th><th>range</th><th>source</th></tr></thead><tbody>");
    for p in PARAMS {
        let k = format!("params.{}", p.name);
        let fixed = p.min == p.max;
        let _ = write!(
            b,
            "<tr><td><code>{}</code></td><td><input type=\"number\" step=\"any\" min=\"{}\" max=\"{}\" placeholder=\"{}\" data-key=\"{}\" data-type=\"number\" name=\"{}\" id=\"p-{}\"{}></td><td>{}</td><td>{}</td><td>{} to {}</td><td class=\"doc\">{}</td></tr>",
            esc(p.name), p.min, p.max, p.value, esc(&k), esc(&k), esc(p.name),
            if fixed { " readonly" } else { "" },
            p.value, esc(p.unit), p.min, p.max, esc(p.source)
        );
    }
    b.push_str("</tbody></table></form><div class=\"toml\"><h2>TOML</h2><textarea id=\"toml\" spellcheck=\"false\" rows=\"40\">");
    b.push_str(&esc(&text));
    b.push_str("</textarea><p><label>Monte Carlo draws <input id=\"draws\" type=\"number\" min=\"0\" step=\"50\" value=\"0\" title=\"0: one run; N: N draws of every uncertain parameter, each re-calibrated, shown as fan charts\"></label> <button id=\"run\" type=\"button\">Run</button> <button id=\"save\" type=\"button\">Save to library</button> <span id=\"status\" class=\"meta\"></span></p><pre id=\"error\" class=\"error\" hidden></pre></div></div>");
    page("Editor", &b).into_response()
}

#[derive(Deserialize)]
struct RunForm {
    scenario: Option<String>,
    toml: Option<String>,
    draws: Option<usize>,
}

/// The library's Run buttons (no script needed): submit, then go to the run.
async fn run_form(State(app): AppState, Form(f): Form<RunForm>) -> Response {
    let text = match (f.toml, f.scenario) {
        (Some(t), _) => t,
        (None, Some(n)) => match shipped::lookup(&n) {
            Some((_, t)) => t,
            None => match app.registry.scenario(&n) {
                Ok(Some(s)) => s.text,
                _ => return error_page(ApiError::not_found(format!("no scenario {n}"))),
            },
        },
        _ => return error_page(ApiError::bad_request("give a scenario name or its TOML")),
    };
    match api::submit(&app, text, f.draws.unwrap_or(0)) {
        Ok((_, v)) => Redirect::to(v["links"]["page"].as_str().unwrap_or("/runs")).into_response(),
        Err(e) => {
            let retry = e.retry_after;
            let mut r = error_page(e);
            if let Some(s) = retry {
                if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            r
        }
    }
}

fn when(t: Option<i64>) -> String {
    t.map_or("—".to_string(), |t| {
        let d = t.div_euclid(86_400);
        let s = t.rem_euclid(86_400);
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = d + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!(
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    })
}

async fn history(State(app): AppState) -> Response {
    let runs = match app.registry.list(500) {
        Ok(r) => r,
        Err(e) => return error_page(e.into()),
    };
    let mut b = String::from("<h1>Run history</h1><p>Every run is stored in the registry under the data dir (<code>plenum runs list</code> shows the same).</p><table class=\"list\" id=\"history\"><thead><tr><th>run</th><th>scenario</th><th>status</th><th>submitted</th><th>finished</th></tr></thead><tbody>");
    for r in &runs {
        let _ = write!(
            b,
            "<tr><td><a href=\"/runs/{0}\"><code>{1}</code></a></td><td>{2}</td><td class=\"st-{3}\">{3}</td><td>{4}</td><td>{5}</td></tr>",
            esc(&r.id), esc(&r.id[..12]), esc(&r.name), r.status.as_str(), when(Some(r.created)), when(r.finished)
        );
    }
    if runs.is_empty() {
        b.push_str("<tr><td colspan=\"5\">No runs yet.</td></tr>");
    }
    b.push_str("</tbody></table>");
    page("History", &b).into_response()
}

fn num(v: &Value, dec: usize) -> String {
    v.as_f64().map_or("—".to_string(), |x| format!("{x:.dec$}"))
}

/// The comparison table: the numbers (and decimals) of `plenum run`'s.
fn comparison_table(summary: &Value) -> String {
    let rows = summary["comparison"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let Some(first) = rows.first() else {
        return String::new();
    };
    let years: Vec<i64> = first["growth"]
        .as_array()
        .map(|g| g.iter().filter_map(|p| p[0].as_i64()).collect())
        .unwrap_or_default();
    let ly = first["last_year"].as_i64().unwrap_or(2030);
    let mut h = String::from("<table id=\"comparison\" class=\"num\"><thead><tr><th>scenario</th>");
    for y in &years {
        let _ = write!(h, "<th>growth {y} %</th>");
    }
    let _ = write!(h, "<th>avg %</th><th>chips self-reliance {ly}Q4 %</th><th>local debt/GDP {ly}Q4 %</th><th>land revenue {ly} tn yuan</th><th>consumption share {ly} %</th></tr></thead><tbody>");
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            h,
            "<tr data-scenario=\"{0}\"><td><svg class=\"sw\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"{1}\"/></svg>{0}</td>",
            esc(r["scenario"].as_str().unwrap_or("")),
            plenum_report::PALETTE[i % plenum_report::PALETTE.len()]
        );
        for g in r["growth"].as_array().into_iter().flatten() {
            let _ = write!(h, "<td>{}</td>", num(&g[1], 2));
        }
        let _ = write!(
            h,
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            num(&r["growth_avg"], 2),
            num(&r["self_reliance_end"], 1),
            num(&r["debt_to_gdp_end"], 1),
            num(&r["land_revenue_end"], 2),
            num(&r["consumption_share_end"], 1)
        );
    }
    h.push_str("</tbody></table>");
    h
}

/// Contributions to the change of real GDP from the reference (first
/// scenario) in the last full year, by expenditure component (the GDP
/// identity the comparison text uses), in % of the reference's GDP.
fn contributions(set: &crate::results::StoredSeriesSet, region: &str, last_year: i64) -> String {
    let idx: Vec<usize> = set
        .quarters
        .iter()
        .enumerate()
        .filter(|(_, q)| q.starts_with(&format!("{last_year}Q")))
        .map(|(i, _)| i)
        .collect();
    if idx.len() != 4 || set.scenarios.len() < 2 {
        return String::new();
    }
    let sum = |scn: &str, var: &str| -> Option<f64> {
        let s = set
            .series
            .iter()
            .find(|s| s.scenario == scn && s.variable == var && s.region == region)?;
        idx.iter()
            .map(|&k| s.values.get(k).copied().flatten())
            .sum()
    };
    let base = &set.scenarios[0];
    let Some(gdp0) = sum(base, "gdp_real") else {
        return String::new();
    };
    let parts: [(&str, &str, f64); 7] = [
        ("consumption", "households", 1.0),
        ("government", "government", 1.0),
        ("investment", "investment", 1.0),
        ("other_final", "other final demand", 1.0),
        ("exports", "exports", 1.0),
        ("imports", "− imports", -1.0),
        ("inventory_drawdown", "− inventory drawdown", -1.0),
    ];
    let mut h = format!("<h2 id=\"contributions\">Contributions</h2><p>Change of {region}'s real GDP in {last_year} from <code>{}</code>, by expenditure component, in % of the reference's GDP (ΔGDP = ΔC + ΔG + ΔI + ΔO + ΔX − ΔM − ΔS).</p><table class=\"num\" id=\"contrib\"><thead><tr><th>scenario</th><th>ΔGDP %</th>", esc(base));
    for (_, label, _) in parts {
        let _ = write!(h, "<th>{}</th>", esc(label));
    }
    h.push_str("</tr></thead><tbody>");
    for scn in &set.scenarios[1..] {
        let d =
            |var: &str| -> Option<f64> { Some(100.0 * (sum(scn, var)? - sum(base, var)?) / gdp0) };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td>",
            esc(scn),
            d("gdp_real").map_or("—".into(), |v| format!("{v:+.2}"))
        );
        for (var, _, sign) in parts {
            let _ = write!(
                h,
                "<td>{}</td>",
                d(var).map_or("—".into(), |v| format!("{:+.2}", sign * v))
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

async fn run_page(
    State(app): AppState,
    Path(id): Path<String>,
    Query(q): Query<ChartQuery>,
) -> Response {
    let r: RunRecord = match app.registry.get(&id) {
        Ok(Some(r)) => r,
        Ok(None) => return error_page(ApiError::not_found(format!("no run {id}"))),
        Err(e) => return error_page(e.into()),
    };
    let mut b = format!(
        "<h1>Run <code>{}</code>: {}</h1><p class=\"meta\">scenario <b>{}</b> against baseline-2024 · submitted {} · seed {}{} · table hash {} · <a href=\"/editor?run={}\">edit this scenario</a></p>",
        esc(&r.id[..12]),
        r.status.as_str(),
        esc(&r.name),
        when(Some(r.created)),
        r.seed,
        r.summary
            .as_ref()
            .and_then(|s| s["draws"].as_u64())
            .map_or(String::new(), |n| format!(
                " · {n} Monte Carlo draws (<a href=\"#fans\">fan charts</a>)"
            )),
        esc(r.table_hash.get(..16).unwrap_or("")),
        esc(&r.id)
    );
    match r.status {
        Status::Queued | Status::Running => {
            let _ = write!(
                b,
                "<div id=\"progress\" data-id=\"{}\" class=\"progress\"><progress></progress> <span id=\"stage\">{}</span></div><p class=\"meta\">This page follows the run by server-sent events and shows the results when it is done.</p>",
                esc(&r.id),
                r.status.as_str()
            );
        }
        Status::Failed => {
            let _ = write!(
                b,
                "<p class=\"error\" id=\"failed\">The run failed: {}</p>",
                esc(r.error.as_deref().unwrap_or("unknown error"))
            );
        }
        Status::Done => {
            let base = format!("/api/runs/{}", esc(&r.id));
            let _ = write!(b, "<p class=\"downloads\">Download: <a href=\"{base}/results.csv\">results.csv</a> · <a href=\"{base}/results.parquet\">results.parquet</a> · <a href=\"{base}/report.html\">report.html</a> · <a href=\"{base}/manifest.json\">manifest.json</a> · <a href=\"{base}/scenario.toml\">scenario.toml</a></p>");
            let summary = r.summary.clone().unwrap_or(Value::Null);
            b.push_str("<h2>Comparison</h2>");
            b.push_str(&comparison_table(&summary));
            b.push_str("<h2 id=\"charts\">Main paths</h2><div class=\"charts\">");
            let charts: Vec<StoredChart> = app
                .registry
                .file(&r.id, RunFile::Charts)
                .ok()
                .and_then(|p| std::fs::read(p).ok())
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            for c in &charts {
                b.push_str(&c.svg);
            }
            b.push_str("</div>");
            let fans: Vec<StoredChart> = app
                .registry
                .file(&r.id, RunFile::Fans)
                .ok()
                .and_then(|p| std::fs::read(p).ok())
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            if !fans.is_empty() {
                b.push_str("<div id=\"fans\" class=\"charts\">");
                for c in &fans {
                    b.push_str(&c.svg);
                }
                b.push_str("</div>");
            }
            if let Ok(set) = api::series(&app, &r.id) {
                let region = q.region.clone().unwrap_or_else(|| "CHN".into());
                let ly = summary["comparison"][0]["last_year"]
                    .as_i64()
                    .unwrap_or(2030);
                b.push_str(&contributions(&set, &region, ly));
                let mut vars: Vec<&str> = set.series.iter().map(|s| s.variable.as_str()).collect();
                vars.sort_unstable();
                vars.dedup();
                let mut regs: Vec<&str> = set.series.iter().map(|s| s.region.as_str()).collect();
                regs.sort_unstable();
                regs.dedup();
                let var = q.variable.clone().unwrap_or_else(|| "gdp_real".into());
                let _ = write!(b, "<h2 id=\"any\">Any variable</h2><form method=\"get\" action=\"/runs/{}\" class=\"inline\"><select name=\"variable\">", esc(&r.id));
                for v in &vars {
                    let sel = if *v == var { " selected" } else { "" };
                    let _ = write!(b, "<option{sel}>{}</option>", esc(v));
                }
                b.push_str("</select> <select name=\"region\">");
                for g in &regs {
                    let sel = if *g == region { " selected" } else { "" };
                    let _ = write!(b, "<option{sel}>{}</option>", esc(g));
                }
                b.push_str("</select> <button type=\"submit\">Chart</button></form>");
                let cq = ChartQuery {
                    variable: Some(var),
                    region: Some(region),
                };
                match api::chart_svg(&app, &r.id, &cq) {
                    Ok(svg) => b.push_str(&svg),
                    Err(e) => {
                        let _ = write!(
                            b,
                            "<p class=\"meta\">{}</p>",
                            esc(e.body["message"].as_str().unwrap_or(""))
                        );
                    }
                }
            }
            if let Some(cal) = summary.get("calibration") {
                let _ = write!(
                    b,
                    "<h2>Calibration</h2><p class=\"meta\">autonomous demand growth {:.2}% a year (2022-24), level {:+.2}% from 2024Q2; within ±0.3 pp: {}</p>",
                    cal["growth"][0].as_f64().unwrap_or(f64::NAN),
                    cal["growth"][1].as_f64().unwrap_or(f64::NAN),
                    cal["within_tolerance"]
                );
            }
        }
    }
    let _ = write!(
        b,
        "<h2>Scenario</h2><pre class=\"src\">{}</pre>",
        esc(&r.scenario_text)
    );
    let mut resp = page(&format!("Run {}", &r.id[..12]), &b).into_response();
    if !r.status.is_final() {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

#[derive(Deserialize)]
struct ExploreQuery {
    region: Option<String>,
    sector: Option<String>,
    top: Option<usize>,
    by: Option<String>,
}

async fn explorer(State(app): AppState, Query(q): Query<ExploreQuery>) -> Response {
    let region = q.region.clone().unwrap_or_else(|| "CHN".into());
    let sector = q.sector.clone().filter(|s| !s.is_empty());
    let top = q.top.unwrap_or(15);
    let by = match RankBy::parse(q.by.as_deref()) {
        Ok(b) => b,
        Err(e) => return error_page(e),
    };
    let app2 = app.clone();
    let (r2, s2) = (region.clone(), sector.clone());
    let computed = tokio::task::spawn_blocking(move || {
        let c = explore::chokepoints_json(&app2, &r2, top, by)?;
        let s = explore::self_reliance_json(&app2, &r2, s2.as_deref())?;
        let h = explore::heat_map(&app2)?;
        Ok::<_, ApiError>((c, s, h))
    })
    .await;
    let (choke, sr, heat) = match computed {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return error_page(e),
        Err(e) => return error_page(ApiError::internal(e)),
    };
    let t = &app.table;
    let mut b = format!("<h1>Explorer</h1><p>{} · chokepoints and self-reliance for any region and sector, and dependence of every economy on foreign value added.</p><form method=\"get\" action=\"/explore\" class=\"inline\"><label>region <select name=\"region\">", esc(&t.name));
    for r in &t.regions {
        let sel = if *r == region { " selected" } else { "" };
        let _ = write!(b, "<option{sel}>{}</option>", esc(r));
    }
    b.push_str("</select></label> <label>sector <select name=\"sector\"><option value=\"\">all sectors</option>");
    for s in &t.sectors {
        let sel = if Some(s) == sector.as_ref() {
            " selected"
        } else {
            ""
        };
        let _ = write!(b, "<option{sel}>{}</option>", esc(s));
    }
    let _ = write!(b, "</select></label> <label>top <input type=\"number\" name=\"top\" min=\"1\" max=\"200\" value=\"{top}\"></label> <label>rank by <select name=\"by\">");
    for o in ["bottleneck", "exposure", "extraction"] {
        let sel = if choke["by"] == o { " selected" } else { "" };
        let _ = write!(b, "<option{sel}>{o}</option>");
    }
    b.push_str("</select></label> <button type=\"submit\">Show</button></form>");
    let _ = write!(b, "<h2 id=\"chokepoints\">Chokepoints of {}</h2><p class=\"meta\">Foreign supplier industries ranked three ways (as <code>plenum chokepoints</code>): exposure (supplier output per unit of the target's output), bottleneck (target value added lost if the supplier stops, first-order Ghosh propagation), extraction (world output lost). Spearman exposure–bottleneck {}.</p><table class=\"num\" id=\"choke\"><thead><tr><th>supplier</th><th>exposure %</th><th>bottleneck % of VA</th><th>extraction % of world</th><th>ranks E/B/X</th><th>hits most</th></tr></thead><tbody>", esc(&region), num(&choke["spearman"]["exposure_bottleneck"], 2));
    for c in choke["suppliers"].as_array().into_iter().flatten() {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}/{}/{}</td><td>{}</td></tr>",
            esc(c["supplier"].as_str().unwrap_or("")),
            num(&c["exposure_output_pct"], 4),
            num(&c["bottleneck_va_pct"], 4),
            num(&c["extraction_output_pct"], 4),
            c["rank_exposure"],
            c["rank_bottleneck"],
            c["rank_extraction"],
            esc(&c["hits_bottleneck"]
                .as_array()
                .map(|v| v
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "))
                .unwrap_or_default())
        );
    }
    let _ = write!(b, "</tbody></table><h2 id=\"self-reliance\">Self-reliance of {} {}</h2><table class=\"num\" id=\"sr\"><thead><tr><th>value added in</th><th>total</th><th>domestic %</th><th>foreign %</th><th>largest foreign sources</th></tr></thead><tbody>", esc(&region), esc(sector.as_deref().unwrap_or("(all sectors)")));
    for o in sr["value_added_origin"].as_array().into_iter().flatten() {
        let srcs: Vec<String> = o["top_foreign_regions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                format!(
                    "{} {:.1}%",
                    s["region"].as_str().unwrap_or(""),
                    100.0 * s["share"].as_f64().unwrap_or(f64::NAN)
                )
            })
            .collect();
        let pct = |v: &Value| {
            v.as_f64()
                .map_or("—".into(), |x| format!("{:.1}", 100.0 * x))
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(o["basis"].as_str().unwrap_or("")),
            num(&o["total"], 0),
            pct(&o["domestic_share"]),
            pct(&o["foreign_share"]),
            esc(&srcs.join(", "))
        );
    }
    b.push_str("</tbody></table>");
    let d = &sr["dependence"];
    if d.get("total_input_share").is_some() {
        let pct = |v: &Value| {
            v.as_f64()
                .map_or("—".into(), |x| format!("{:.2}%", 100.0 * x))
        };
        let _ = write!(b, "<p>Dependence on the {} ({}): direct share of inputs {}, value-added share {}, look-through input share {}.</p>", esc(d["group"].as_str().unwrap_or("")), esc(&d["regions"].as_array().map(|v| v.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" ")).unwrap_or_default()), pct(&d["direct_share"]), pct(&d["total_va_share"]), pct(&d["total_input_share"]));
    }
    b.push_str("<h2 id=\"heat\">Dependence heat map</h2><p class=\"meta\">Foreign share of the value added in each economy's final demand for each product (value added by origin, the absorption basis). Hover a cell for its value.</p>");
    b.push_str(&plenum_report::heatmap::heat_map(
        "heatmap",
        "Foreign value-added share of final demand, economies × products",
        &heat.regions,
        &heat.sectors,
        &heat.share,
    ));
    page("Explorer", &b).into_response()
}
