//! Runs with Monte Carlo draws through the API: `POST /api/runs?draws=N`
//! gives fan charts on the results page and in the report, quantile rows
//! in the tidy results equal to `plenum_scenario::montecarlo` on the same
//! inputs, a draws count that is part of the run's identity, and a 400 over
//! the server's limit.

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
    let t = plenum_formats::native::read_native_bytes(
        DEFAULT,
        &plenum_table::ValidationPolicy::lenient(1e-6),
    )
    .unwrap();
    Arc::new(TableInfo::new(&t).unwrap())
}

async fn call(app: &Arc<App>, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let r = router(app.clone()).oneshot(req).await.unwrap();
    let status = r.status();
    let body = r.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, body)
}

async fn get(app: &Arc<App>, uri: &str) -> (StatusCode, String) {
    let (s, b) = call(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (s, String::from_utf8_lossy(&b).to_string())
}

async fn post(app: &Arc<App>, uri: &str, text: &str) -> (StatusCode, Value) {
    let (s, b) = call(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/toml")
            .body(Body::from(text.to_string()))
            .unwrap(),
    )
    .await;
    (s, serde_json::from_slice(&b).unwrap())
}

const SCN: &str =
    "schema = 1\nname = \"pkg\"\ndescription = \"the package\"\nextends = \"plenum-package\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draws_give_fans_quantiles_and_their_own_identity() {
    let dir = tempfile::tempdir().unwrap();
    let info = table();
    let mut cfg = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());
    cfg.max_draws = 12;
    let app = App::start(cfg, info.clone()).unwrap();

    // Over the limit: 400 naming the limit.
    let (s, v) = post(&app, "/api/runs?draws=13", SCN).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("--max-draws"),
        "{v}"
    );

    let (s, v) = post(&app, "/api/runs?draws=12", SCN).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    // The draws count is part of the identity.
    let plain = plenum_formats::identity::run_id(plenum_web::VERSION, &info.hash, SCN, 0);
    assert_ne!(id, plain);
    let mut done = Value::Null;
    for _ in 0..1200 {
        let (_, t) = get(&app, &format!("/api/runs/{id}")).await;
        let v: Value = serde_json::from_str(&t).unwrap();
        match v["status"].as_str() {
            Some("done") => {
                done = v;
                break;
            }
            Some("failed") => panic!("run failed: {v}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert_eq!(done["status"], "done", "the run did not finish");
    assert_eq!(done["summary"]["draws"], 12);
    let ok = done["summary"]["draws_ok"].as_u64().unwrap();
    assert!(ok >= 10, "{ok} of 12 draws succeeded");
    let bands = &done["summary"]["uncertainty"][1]["bands"]["growth_2025"];
    assert!(bands["p05"].as_f64().unwrap() <= bands["p50"].as_f64().unwrap());
    assert!(bands["p50"].as_f64().unwrap() <= bands["p95"].as_f64().unwrap());

    // The same computation in-process: the tidy results are its frame.
    let scn =
        plenum_scenario::parse_scenario(SCN, "scenario.toml", &plenum_scenario::shipped::lookup)
            .unwrap();
    let base = plenum_scenario::baseline().unwrap();
    let d = plenum_scenario::montecarlo::run_draws(
        &info.econ,
        &[base.clone(), scn],
        &base,
        &plenum_scenario::dists::defaults(),
        12,
        0,
        || {},
    )
    .unwrap();
    let frame = plenum_report::tidy::draws_frame(&d).unwrap();
    let (s, csv) = get(&app, &format!("/api/runs/{id}/results.csv")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.starts_with("quarter,scenario,region,sector,variable,statistic,value\n"));
    assert!(csv.contains(",pkg-minus-baseline-2024,CHN,TOTAL,gdp_growth_yoy,p95,"));
    assert_eq!(plenum_formats::tidy::to_csv_string(&frame), csv);

    // Fans on the results page and in the report.
    let (_, page) = get(&app, &format!("/runs/{id}")).await;
    assert!(page.contains("id=\"fans\""), "no fans on the results page");
    assert!(page.contains("id=\"web-fan0\""));
    assert!(page.contains("id=\"web-fand0\""));
    let (_, html) = get(&app, &format!("/api/runs/{id}/report.html")).await;
    assert!(html.contains("id=\"fan0\"") && html.contains("Uncertainty: fan charts"));
    // The manifest lists fans.json with its hash.
    let (_, m) = get(&app, &format!("/api/runs/{id}/manifest.json")).await;
    let m: Value = serde_json::from_str(&m).unwrap();
    assert!(m["sha256"]["fans.json"].as_str().is_some(), "{m}");
    assert!(m["command"].as_str().unwrap().contains("12 draws"));
}
