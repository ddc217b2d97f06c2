//! The load test of BENCHMARKS.md: 200 concurrent clients mixing reads and
//! run submissions for 60 s against `plenum serve` on loopback; prints
//! throughput, the answers by status and p50/p99 latency. Exits non-zero
//! if any answer was an error (anything but 2xx and deliberate 429s).
//!
//! ```sh
//! target/release/plenum serve --data-dir /tmp/load-data &            # a server
//! cargo run --release -p plenum-web --example load -- --url http://127.0.0.1:8080
//! cargo run --release -p plenum-web --example load                   # its own server in process
//! ```
//! Flags: `--url URL`, `--token T`, `--clients N` (200), `--secs S` (60),
//! `--distinct-runs K` (200: run submissions cycle through K seeds).

#[path = "../tests/common/load.rs"]
mod load;

/// The default table, embedded once for every test (plenum-testdata).
static DEFAULT: &[u8] = plenum_testdata::DEFAULT_TABLE_BYTES;

fn main() -> std::process::ExitCode {
    let mut url = None;
    let mut token = None;
    let mut clients = 200usize;
    let mut secs = 60.0f64;
    let mut distinct = 200u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_default();
        match a.as_str() {
            "--url" => url = Some(val()),
            "--token" => token = Some(val()),
            "--clients" => clients = val().parse().unwrap_or(clients),
            "--secs" => secs = val().parse().unwrap_or(secs),
            "--distinct-runs" => distinct = val().parse().unwrap_or(distinct).max(1),
            o => {
                eprintln!(
                    "unknown flag {o}; flags: --url --token --clients --secs --distinct-runs"
                );
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let report = rt.block_on(async {
        let _dir;
        let base = match url {
            Some(u) => u,
            None => {
                let t = plenum_formats::native::read_native_bytes(
                    DEFAULT,
                    &plenum_table::ValidationPolicy::lenient(1e-6),
                )
                .expect("embedded table");
                let info = std::sync::Arc::new(plenum_web::TableInfo::new(&t).expect("table"));
                _dir = tempfile::tempdir().expect("temp dir");
                let cfg =
                    plenum_web::Config::new("127.0.0.1:0".parse().unwrap(), _dir.path().into());
                let (tx, rx) = tokio::sync::oneshot::channel();
                tokio::spawn(plenum_web::serve(cfg, info, move |a| {
                    let _ = tx.send(a);
                }));
                format!("http://{}", rx.await.expect("server"))
            }
        };
        println!("load: {clients} clients for {secs} s against {base}");
        load::run_load(&base, token.as_deref(), clients, secs, distinct).await
    });
    println!("{}", report.summary());
    if report.errors > 0 {
        eprintln!("errors: {:?}", report.error_samples);
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
