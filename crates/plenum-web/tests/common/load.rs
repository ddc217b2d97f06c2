//! The load generator shared by the load-test example (the 60 s benchmark
//! of BENCHMARKS.md) and the short CI test: `clients` concurrent clients
//! for `secs` seconds against a server, each looping over a fixed mix of
//! reads and run submissions. Every answer is counted by status; an error
//! is anything that is neither 2xx nor a deliberate 429 (queue full), or
//! a failed connection.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one load run measured.
#[derive(Debug, Default, Clone)]
pub struct LoadReport {
    pub requests: u64,
    pub ok: u64,
    pub too_many: u64,
    pub errors: u64,
    pub error_samples: Vec<String>,
    pub secs: f64,
    /// Latencies in microseconds, per kind ("read", "run").
    pub read_us: Vec<u64>,
    pub run_us: Vec<u64>,
    pub runs_accepted: u64,
}

fn pct(v: &mut [u64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_unstable();
    let k = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[k] as f64 / 1000.0
}

impl LoadReport {
    /// (p50, p99) in milliseconds of reads, runs and all.
    pub fn percentiles(&self) -> [(f64, f64); 3] {
        let mut r = self.read_us.clone();
        let mut s = self.run_us.clone();
        let mut a: Vec<u64> = r.iter().chain(&s).copied().collect();
        [
            (pct(&mut r, 0.5), pct(&mut r, 0.99)),
            (pct(&mut s, 0.5), pct(&mut s, 0.99)),
            (pct(&mut a, 0.5), pct(&mut a, 0.99)),
        ]
    }

    pub fn summary(&self) -> String {
        let [r, s, a] = self.percentiles();
        format!(
            "{} requests in {:.1} s = {:.0} req/s; 2xx {}, 429 {}, errors {}; runs accepted {}\n\
             latency ms   p50      p99\n\
             reads     {:>7.2} {:>8.2}   ({} requests)\n\
             runs      {:>7.2} {:>8.2}   ({} requests)\n\
             all       {:>7.2} {:>8.2}",
            self.requests,
            self.secs,
            self.requests as f64 / self.secs,
            self.ok,
            self.too_many,
            self.errors,
            self.runs_accepted,
            r.0,
            r.1,
            self.read_us.len(),
            s.0,
            s.1,
            self.run_us.len(),
            a.0,
            a.1
        )
    }
}

const SCN: &str =
    "schema = 1\nname = \"load\"\ndescription = \"load test\"\nextends = \"controls-escalate\"\n";

/// Runs the load against `base` (e.g. `http://127.0.0.1:8080`), with
/// `token` as bearer if given. Run submissions use seeds from a range of
/// `distinct_runs`, so most repeat a stored run (cheap) and some queue new
/// work (and meet 429 when the queue is full).
pub async fn run_load(
    base: &str,
    token: Option<&str>,
    clients: usize,
    secs: f64,
    distinct_runs: u64,
) -> LoadReport {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client");
    // One stored run to read.
    let mut known = String::new();
    for _ in 0..600 {
        let mut rq = http
            .post(format!("{base}/api/runs"))
            .header("content-type", "application/toml")
            .body(SCN);
        if let Some(t) = token {
            rq = rq.bearer_auth(t);
        }
        if let Ok(r) = rq.send().await {
            if let Ok(v) = r.json::<serde_json::Value>().await {
                if v["status"] == "done" {
                    known = v["id"].as_str().unwrap_or("").to_string();
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!known.is_empty(), "the first run did not finish");
    let reads: Vec<String> = vec![
        "/api/health".into(),
        "/api/scenarios".into(),
        "/api/runs?limit=20".into(),
        format!("/api/runs/{known}"),
        "/api/chokepoints?region=CHN&top=10".into(),
        "/api/self-reliance?region=CHN&sector=C26".into(),
        format!("/api/runs/{known}/results.csv"),
        "/".into(),
        format!("/runs/{known}"),
    ];
    let report = Arc::new(Mutex::new(LoadReport::default()));
    let seq = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let http = http.clone();
        let base = base.to_string();
        let token = token.map(str::to_string);
        let reads = reads.clone();
        let report = report.clone();
        let seq = seq.clone();
        tasks.push(tokio::spawn(async move {
            let mut local = LoadReport::default();
            let mut k = c;
            while Instant::now() < deadline {
                k += 1;
                // One request in five submits a run.
                let is_run = k % 5 == 0;
                let mut rq = if is_run {
                    let n = seq.fetch_add(1, Ordering::Relaxed) % distinct_runs;
                    http.post(format!("{base}/api/runs"))
                        .header("content-type", "application/toml")
                        .body(format!("{SCN}[run]\nseed = {n}\n"))
                } else {
                    http.get(format!("{base}{}", reads[k % reads.len()]))
                };
                if let Some(t) = &token {
                    rq = rq.bearer_auth(t);
                }
                let t = Instant::now();
                let res = rq.send().await;
                let res = match res {
                    Ok(r) => {
                        let st = r.status().as_u16();
                        match r.bytes().await {
                            Ok(_) => Ok(st),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                    Err(e) => Err(e.to_string()),
                };
                let us = t.elapsed().as_micros() as u64;
                local.requests += 1;
                if is_run {
                    local.run_us.push(us);
                } else {
                    local.read_us.push(us);
                }
                match res {
                    Ok(st) if (200..300).contains(&st) => {
                        local.ok += 1;
                        if is_run && st == 202 {
                            local.runs_accepted += 1;
                        }
                    }
                    Ok(429) => local.too_many += 1,
                    Ok(st) => {
                        local.errors += 1;
                        if local.error_samples.len() < 5 {
                            local.error_samples.push(format!("status {st}"));
                        }
                    }
                    Err(e) => {
                        local.errors += 1;
                        if local.error_samples.len() < 5 {
                            local.error_samples.push(e);
                        }
                    }
                }
            }
            let mut r = report.lock().unwrap();
            r.requests += local.requests;
            r.ok += local.ok;
            r.too_many += local.too_many;
            r.errors += local.errors;
            r.runs_accepted += local.runs_accepted;
            r.read_us.extend(local.read_us);
            r.run_us.extend(local.run_us);
            for s in local.error_samples {
                if r.error_samples.len() < 10 {
                    r.error_samples.push(s);
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("client task");
    }
    let mut r = report.lock().unwrap().clone();
    r.secs = t0.elapsed().as_secs_f64();
    r
}
