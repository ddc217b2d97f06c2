//! A short load test for CI: 50 clients for 5 s against a real server on
//! loopback (the 60 s, 200-client benchmark is `cargo run --release -p
//! plenum-web --example load`, see BENCHMARKS.md). Passes only with no
//! errors other than deliberate 429s.

#[path = "common/load.rs"]
mod load;

/// The default table, embedded once for every test (plenum-testdata).
static DEFAULT: &[u8] = plenum_testdata::DEFAULT_TABLE_BYTES;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_five_seconds_no_errors() {
    let t = plenum_formats::native::read_native_bytes(
        DEFAULT,
        &plenum_table::ValidationPolicy::lenient(1e-6),
    )
    .unwrap();
    let info = std::sync::Arc::new(plenum_web::TableInfo::new(&t).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = plenum_web::Config::new("127.0.0.1:0".parse().unwrap(), dir.path().into());
    cfg.queue = 4;
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(plenum_web::serve(cfg, info, move |a| {
        let _ = tx.send(a);
    }));
    let addr = rx.await.unwrap();
    let r = load::run_load(&format!("http://{addr}"), None, 50, 5.0, 40).await;
    println!("{}", r.summary());
    assert_eq!(r.errors, 0, "{:?}", r.error_samples);
    assert!(r.ok > 100, "{}", r.summary());
}
