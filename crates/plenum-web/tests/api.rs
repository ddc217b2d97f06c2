//! API tests: the router in process (no socket), on the embedded default
//! table, with a fresh data dir per test.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use plenum_web::{router, App, Config, TableInfo};
use serde_json::Value;
use tower::ServiceExt;

/// The default table, embedded once for every test (plenum-testdata).
static DEFAULT: &[u8] = plenum_testdata::DEFAULT_TABLE_BYTES;

fn table() -> Arc<TableInfo> {
    static T: std::sync::OnceLock<Arc<TableInfo>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let t = plenum_formats::native::read_native_bytes(
            DEFAULT,
            &plenum_table::ValidationPolicy::lenient(1e-6),
        )
        .unwrap();
        Arc::new(TableInfo::new(&t).unwrap())
    })
    .clone()
}

fn config(dir: &std::path::Path) -> Config {
    Config::new("127.0.0.1:0".parse().unwrap(), dir.to_path_buf())
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

async fn call(app: &Arc<App>, req: Request<Body>) -> Resp {
    let r = router(app.clone()).oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = r.into_body().collect().await.unwrap().to_bytes().to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

async fn get(app: &Arc<App>, uri: &str) -> Resp {
    call(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post_toml(app: &Arc<App>, text: &str) -> Resp {
    call(
        app,
        Request::post("/api/runs")
            .header(header::CONTENT_TYPE, "application/toml")
            .body(Body::from(text.to_string()))
            .unwrap(),
    )
    .await
}

async fn wait_done(app: &Arc<App>, id: &str) -> Value {
    for _ in 0..600 {
        let r = get(app, &format!("/api/runs/{id}")).await;
        let v = r.json();
        match v["status"].as_str() {
            Some("done") => return v,
            Some("failed") => panic!("run failed: {v}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("run {id} did not finish");
}

const SCN: &str = "schema = 1\nname = \"test-controls\"\ndescription = \"controls escalate, lower MPC\"\nextends = \"controls-escalate\"\n\n[params]\nmpc_labour = 0.55\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_lifecycle_same_inputs_same_run_files_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(config(dir.path()), table()).unwrap();
    let r = post_toml(&app, SCN).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let v = r.json();
    let id = v["id"].as_str().unwrap().to_string();
    let want = plenum_formats::identity::run_id(plenum_web::VERSION, &table().hash, SCN, 0);
    assert_eq!(id, want);
    assert_eq!(
        r.headers[header::LOCATION].to_str().unwrap(),
        format!("/api/runs/{id}")
    );
    let done = wait_done(&app, &id).await;
    let cmp = done["summary"]["comparison"].as_array().unwrap();
    assert_eq!(cmp.len(), 2);
    assert_eq!(cmp[0]["scenario"], "baseline-2024");
    assert_eq!(cmp[1]["scenario"], "test-controls");
    // The same inputs return the stored run.
    let again = post_toml(&app, SCN).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], id.as_str());
    // A different seed is another run.
    let other = post_toml(&app, &format!("{SCN}\n[run]\nseed = 9\n")).await;
    assert_eq!(other.status, StatusCode::ACCEPTED);
    assert_ne!(other.json()["id"], id.as_str());
    // Files.
    let csv = get(&app, &format!("/api/runs/{id}/results.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .text()
        .starts_with("quarter,scenario,region,sector,variable,value\n"));
    assert!(csv.text().contains(",test-controls,CHN,TOTAL,gdp_real,"));
    let pq = get(&app, &format!("/api/runs/{id}/results.parquet")).await;
    assert_eq!(pq.status, StatusCode::OK);
    assert_eq!(&pq.body[..4], b"PAR1");
    let html = get(&app, &format!("/api/runs/{id}/report.html")).await;
    assert!(html.text().contains("<svg id=\"growth\""));
    assert!(html.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    // The CSV is the tidy frame of the same computation, byte for byte.
    let econ = &table().econ;
    let scn =
        plenum_scenario::parse_scenario(SCN, "scenario.toml", &plenum_scenario::shipped::lookup)
            .unwrap();
    let base = plenum_scenario::shipped::shipped("baseline-2024")
        .unwrap()
        .unwrap();
    let set = plenum_scenario::run_all(econ, &[base, scn]).unwrap();
    let frame = plenum_report::tidy::runs_frame(&set.runs).unwrap();
    assert_eq!(plenum_formats::tidy::to_csv_string(&frame), csv.text());
    // SSE of a done run: one final event.
    let ev = get(&app, &format!("/api/runs/{id}/events")).await;
    assert!(ev.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    assert!(ev.text().contains("event: progress"));
    assert!(ev.text().contains("\"status\":\"done\""));
    // Any variable as a chart.
    let ch = get(
        &app,
        &format!("/api/runs/{id}/chart?variable=local_debt_to_gdp&region=CHN"),
    )
    .await;
    assert_eq!(ch.status, StatusCode::OK);
    assert!(ch.text().starts_with("<svg") && ch.text().matches("<path").count() == 2);
    let bad = get(&app, &format!("/api/runs/{id}/chart?variable=nope")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Pages of the run and the history.
    let page = get(&app, &format!("/runs/{id}")).await;
    assert!(page.text().contains("id=\"comparison\""));
    assert!(page.text().contains("<svg id=\"growth\""));
    assert!(page.text().contains("id=\"contrib\""));
    let hist = get(&app, "/runs").await;
    assert!(hist.text().contains(&id[..12]));
    let other_id = other.json()["id"].as_str().unwrap().to_string();
    wait_done(&app, &other_id).await;
    // Runs survive a restart.
    drop(app);
    let app2 = App::start(config(dir.path()), table()).unwrap();
    let v = get(&app2, &format!("/api/runs/{id}")).await.json();
    assert_eq!(v["status"], "done");
    let csv2 = get(&app2, &format!("/api/runs/{id}/results.csv")).await;
    assert_eq!(csv2.body, csv.body);
    let list = get(&app2, "/api/runs").await.json();
    assert_eq!(list["runs"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_errors_are_400_with_key_line_reason_and_the_cli_text() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(config(dir.path()), table()).unwrap();
    let cases = [
        (
            "schema = 1\nname = \"x\"\ndescription = \"d\"\n\n[params]\nmpc_labour = 5.0\n",
            "params.mpc_labour",
            Some(6),
        ),
        (
            "schema = 1\nname = \"x\"\ndescription = \"d\"\nbogus = 3\n",
            "bogus",
            Some(4),
        ),
        (
            "schema = 1\nname = \"x\"\ndescription = \"d\"\n[economy]\nregion = \"ATLANTIS\"\n",
            "region",
            Some(5),
        ),
    ];
    for (text, key, line) in cases {
        let r = post_toml(&app, text).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        let v = r.json();
        assert_eq!(v["error"], "scenario");
        assert_eq!(v["key"], key, "{v}");
        assert_eq!(v["line"].as_u64(), line.map(|l| l as u64), "{v}");
        assert!(!v["reason"].as_str().unwrap().is_empty());
        // The CLI's text: the same error's Display.
        let cli = match plenum_scenario::parse_scenario(
            text,
            "scenario.toml",
            &plenum_scenario::shipped::lookup,
        ) {
            Err(e) => e.to_string(),
            Ok(s) => plenum_scenario::bind::bind(&s, &table().econ)
                .err()
                .unwrap()
                .to_string(),
        };
        assert_eq!(v["message"], cli.as_str());
    }
    // Not UTF-8, bad JSON.
    let r = call(
        &app,
        Request::post("/api/runs")
            .body(Body::from(vec![0xff, 0xfe]))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = call(
        &app,
        Request::post("/api/runs")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{nope"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "bad_request");
    // Run length beyond --max-end.
    let mut cfg = config(dir.path());
    cfg.max_end = plenum_scenario::Quarter::new(2028, 4);
    drop(app);
    let app = App::start(cfg, table()).unwrap();
    let r = post_toml(
        &app,
        "schema = 1\nname = \"x\"\ndescription = \"d\"\n[run]\nend = \"2030Q4\"\n",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("2028Q4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_and_body_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.max_body = 4096;
    let app = App::start(cfg, table()).unwrap();
    let body = serde_json::json!({"toml": SCN}).to_string();
    let r = call(
        &app,
        Request::post("/api/runs")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let obj = serde_json::json!({"schema": 1, "name": "j", "description": "from JSON", "extends": "baseline-2024", "params": {"mpc_labour": 0.5}});
    let r = call(
        &app,
        Request::post("/api/runs")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(obj.to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let big = format!("{SCN}\n# {}\n", "x".repeat(8192));
    let r = post_toml(&app, &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_queue_answers_429_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path());
    cfg.queue = 1;
    cfg.workers = 1;
    let app = App::start(cfg, table()).unwrap();
    let mut codes = Vec::new();
    let mut retry = None;
    for seed in 0..6 {
        let r = post_toml(&app, &format!("{SCN}\n[run]\nseed = {seed}\n")).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            retry = Some(
                r.headers[header::RETRY_AFTER]
                    .to_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap(),
            );
            assert_eq!(r.json()["error"], "queue_full");
        }
        codes.push(r.status.as_u16());
    }
    assert!(codes.contains(&429), "{codes:?}");
    assert!(retry.unwrap() >= 1);
    // A refused run is not in the registry.
    let n = get(&app, "/api/runs").await.json()["runs"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, codes.iter().filter(|c| **c == 202).count());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_path_reaches_outside_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), "SECRET").unwrap();
    let app = App::start(config(dir.path()), table()).unwrap();
    let id = post_toml(&app, SCN).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    wait_done(&app, &id).await;
    let attempts = [
        "/api/runs/..%2F..%2F..%2Fetc%2Fpasswd/results.csv".to_string(),
        "/api/runs/../registry.sqlite".to_string(),
        "/api/runs/%2e%2e/results.csv".to_string(),
        format!("/api/runs/{id}/..%2F..%2Fregistry.sqlite"),
        format!("/api/runs/{id}/..%2F..%2Fsecret.txt"),
        format!("/api/runs/{id}/%2e%2e%2fmanifest.json"),
        format!("/api/runs/{id}/series.json"),
        "/assets/..%2F..%2F..%2FCargo.toml".to_string(),
        "/assets/../../Cargo.toml".to_string(),
        "/runs/..%2Fregistry.sqlite".to_string(),
        "/editor?run=..%2F..%2Fsecret.txt".to_string(),
        "/editor?scenario=..%2F..%2Fsecret.txt".to_string(),
        "/api/runs/%2Fetc%2Fpasswd".to_string(),
        "/secret.txt".to_string(),
        "/registry.sqlite".to_string(),
    ];
    for a in &attempts {
        let r = get(&app, a).await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::BAD_REQUEST,
            "{a}: {}",
            r.status
        );
        let t = r.text();
        assert!(
            !t.contains("SECRET") && !t.contains("SQLite format") && !t.contains("root:"),
            "{a}"
        );
    }
    // The fixed names do work.
    assert_eq!(
        get(&app, &format!("/api/runs/{id}/manifest.json"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_is_required_for_every_api_call_and_headers_are_set() {
    let dir = tempfile::tempdir().unwrap();
    // Beyond loopback without a token: refused at start.
    let mut open = Config::new("0.0.0.0:8080".parse().unwrap(), dir.path().to_path_buf());
    assert!(App::start(open.clone(), table()).is_err());
    open.token = Some("short".into());
    assert!(App::start(open, table()).is_err());
    let token = "s3cret-token-0123456789";
    let mut cfg = Config::new("0.0.0.0:0".parse().unwrap(), dir.path().to_path_buf());
    cfg.token = Some(token.into());
    let app = App::start(cfg, table()).unwrap();
    for path in [
        "/api/health",
        "/api/runs",
        "/api/scenarios",
        "/api/openapi.json",
        "/api/chokepoints?region=CHN",
        "/",
    ] {
        let r = get(&app, path).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        let wrong = call(
            &app,
            Request::get(path)
                .header(header::AUTHORIZATION, "Bearer s3cret-token-0123456780")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{path}");
        let ok = call(
            &app,
            Request::get(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{path}");
    }
    let r = post_toml(&app, SCN).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // API calls do not take the token from the query.
    assert_eq!(
        get(&app, &format!("/api/health?token={token}"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Pages: once with ?token=, then by cookie.
    let r = get(&app, &format!("/?token={token}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let kv = cookie.split(';').next().unwrap().to_string();
    let r = call(
        &app,
        Request::get("/api/health")
            .header(header::COOKIE, kv)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_every_route_and_every_documented_path_answers() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(config(dir.path()), table()).unwrap();
    let spec = get(&app, "/api/openapi.json").await.json();
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().unwrap();
    let mut documented: Vec<&str> = paths.keys().map(|k| k.as_str()).collect();
    documented.sort_unstable();
    let mut listed = plenum_web::openapi::PATHS.to_vec();
    listed.sort_unstable();
    assert_eq!(documented, listed);
    let id = post_toml(&app, SCN).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    wait_done(&app, &id).await;
    for p in plenum_web::openapi::PATHS {
        let uri = p.replace("{id}", &id);
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
    }
    // Every $ref resolves.
    let text = spec.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(spec["components"]["schemas"].get(name).is_some(), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explorer_values_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(config(dir.path()), table()).unwrap();
    let t = table();
    let v = get(&app, "/api/chokepoints?region=CHN&top=5&by=exposure")
        .await
        .json();
    let s = v["suppliers"].as_array().unwrap();
    assert_eq!(s.len(), 5);
    for (k, c) in s.iter().enumerate() {
        assert_eq!(c["rank_exposure"].as_u64().unwrap(), k as u64 + 1);
        assert_ne!(c["region"], "CHN");
    }
    // Same ranking as plenum-gvc directly.
    let sel = plenum_gvc::Selection::new(t.model.labels(), &["CHN"], None).unwrap();
    let rep = plenum_gvc::chokepoints(&t.model, &sel, &Default::default()).unwrap();
    let first = rep.suppliers.iter().find(|c| c.rank_exposure == 1).unwrap();
    assert_eq!(s[0]["supplier"], first.name.as_str());
    let bad = get(&app, "/api/chokepoints?region=ATLANTIS").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.json()["message"].as_str().unwrap().contains("USA"));
    let sr = get(&app, "/api/self-reliance?region=CHN&sector=C26")
        .await
        .json();
    for b in sr["value_added_origin"].as_array().unwrap() {
        let d = b["domestic_share"].as_f64().unwrap();
        let f = b["foreign_share"].as_f64().unwrap();
        assert!((d + f - 1.0).abs() < 1e-9, "{b}");
    }
    let bad = get(&app, "/api/self-reliance?region=CHN&sector=NOPE").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let h = get(&app, "/api/heatmap").await.json();
    assert_eq!(h["share"].as_array().unwrap().len(), t.regions.len());
    // Pages.
    let lib = get(&app, "/").await.text();
    for (n, _) in plenum_scenario::shipped::SHIPPED {
        assert!(lib.contains(&format!("/editor?scenario={n}")), "{n}");
    }
    let ed = get(&app, "/editor?scenario=controls-escalate").await.text();
    for p in plenum_scenario::PARAMS {
        assert!(
            ed.contains(&format!("data-key=\"params.{}\"", p.name)),
            "{}",
            p.name
        );
    }
    assert!(ed.contains("data-key=\"run.end\"") && ed.contains("id=\"toml\""));
    assert!(ed.contains("us-2025-escalation") || ed.contains("[[controls.measure]]"));
    let ex = get(&app, "/explore?region=CHN&sector=C26").await.text();
    assert!(ex.contains("<svg id=\"heatmap\""));
    assert_eq!(
        ex.matches("data-row=").count(),
        t.regions.len() * t.sectors.len()
    );
    assert!(ex.contains("id=\"choke\"") && ex.contains("id=\"sr\""));
    let nf = get(&app, "/no/such/page").await;
    assert_eq!(nf.status, StatusCode::NOT_FOUND);
    let js = get(&app, "/assets/app.js").await;
    assert!(js.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    // Saving a scenario puts it in the library; shipped names are refused.
    let r = call(
        &app,
        Request::post("/api/scenarios")
            .header(header::CONTENT_TYPE, "application/toml")
            .body(Body::from(SCN))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(get(&app, "/")
        .await
        .text()
        .contains("/editor?scenario=test-controls"));
    let shipped = plenum_scenario::shipped::lookup("opening-up").unwrap().1;
    let r = call(
        &app,
        Request::post("/api/scenarios")
            .body(Body::from(shipped))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
