//! `plenum serve` as a real process: a `kill -9` during runs leaves the
//! registry consistent and the next start marks the runs failed; `plenum
//! runs list|show|export|rm` read the same registry; and, end to end in a
//! real headless Chromium driven through chromedriver (fantoccini): open
//! the app, edit a scenario in the form, run it, wait for the chart, and
//! check the chart's SVG and the comparison values against `plenum run`'s
//! output for the same scenario. The screenshot is saved as an artifact
//! (path printed). Without chromium and chromedriver the browser test
//! prints `SKIPPED: chromium not found` and passes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_plenum");

/// A `plenum serve` child and the address it printed.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start plenum serve");
    let out = child.stdout.take().unwrap();
    let mut reader = BufReader::new(out);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    // Keep draining the server's stdout so that it never writes into a
    // closed pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let url = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .map(|a| format!("http://{a}"))
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server { child, url }
}

fn plenum(args: &[&str]) -> (bool, String) {
    let o = Command::new(BIN).args(args).output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr),
    )
}

const SCN: &str = "schema = 1\nname = \"kill-test\"\ndescription = \"for the kill test\"\nextends = \"baseline-2024\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_runs_leaves_the_registry_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let srv = start(&data, &["--workers", "1", "--queue", "64"]);
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for seed in 0..12 {
        let r = http
            .post(format!("{}/api/runs", srv.url))
            .header("content-type", "application/toml")
            .body(format!("{SCN}[run]\nseed = {seed}\n"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202);
        let v: Value = r.json().await.unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    // Wait until the worker is inside a run, then kill -9.
    let t0 = Instant::now();
    loop {
        let mut running = false;
        for id in &ids {
            let v: Value = http
                .get(format!("{}/api/runs/{id}", srv.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            running |= v["status"] == "running";
        }
        if running {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(120), "no run started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(srv); // SIGKILL (Child::kill) and wait
               // The registry opens and every done run has its complete folder.
    {
        let reg = plenum_web::Registry::open(&data).unwrap();
        let rows = reg.list(100).unwrap();
        assert_eq!(rows.len(), ids.len());
        let unfinished = rows.iter().filter(|r| !r.status.is_final()).count();
        assert!(unfinished > 0, "the kill came after every run ended");
        for r in rows
            .iter()
            .filter(|r| r.status == plenum_web::registry::Status::Done)
        {
            for f in plenum_web::registry::RunFile::ALL {
                assert!(
                    reg.file(&r.id, f).unwrap().is_file(),
                    "{} {}",
                    r.id,
                    f.name()
                );
            }
        }
    }
    // The next start marks the unfinished runs failed and clears their files.
    let srv = start(&data, &["--workers", "1"]);
    let http = reqwest::Client::new();
    let mut failed = 0;
    for id in &ids {
        let v: Value = http
            .get(format!("{}/api/runs/{id}", srv.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        match v["status"].as_str().unwrap() {
            "done" => {
                let r = http
                    .get(format!("{}/api/runs/{id}/results.parquet", srv.url))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
            }
            "failed" => {
                failed += 1;
                assert!(v["error"].as_str().unwrap().contains("interrupted"));
                assert!(!data.join("runs").join(id).exists());
            }
            s => panic!("run {id} is {s} after the restart"),
        }
    }
    assert!(failed > 0);
    let leftovers: Vec<_> = std::fs::read_dir(data.join("runs"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
    // A failed run can be submitted again, and then completes.
    let first_failed = ids
        .iter()
        .position(|id| !data.join("runs").join(id).exists())
        .unwrap();
    let r = http
        .post(format!("{}/api/runs", srv.url))
        .header("content-type", "application/toml")
        .body(format!("{SCN}[run]\nseed = {first_failed}\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    drop(srv);

    // The CLI reads the same registry.
    let d = data.to_str().unwrap();
    let (ok, out) = plenum(&["runs", "list", "--data-dir", d]);
    assert!(ok, "{out}");
    assert!(
        out.contains(&ids[0][..12]) && out.contains("failed"),
        "{out}"
    );
    let done = plenum_web::Registry::open(&data)
        .unwrap()
        .list(100)
        .unwrap()
        .into_iter()
        .find(|r| r.status == plenum_web::registry::Status::Done);
    if let Some(r) = done {
        let (ok, out) = plenum(&["runs", "show", &r.id[..10], "--data-dir", d]);
        assert!(
            ok && out.contains("baseline-2024") && out.contains("g2024"),
            "{out}"
        );
        let exp = dir.path().join("export");
        let (ok, out) = plenum(&[
            "runs",
            "export",
            &r.id[..10],
            "--out",
            exp.to_str().unwrap(),
            "--data-dir",
            d,
        ]);
        assert!(ok, "{out}");
        assert!(exp.join("results.parquet").is_file() && exp.join("report.html").is_file());
        let (ok, out) = plenum(&["runs", "rm", &r.id, "--data-dir", d]);
        assert!(ok, "{out}");
        assert!(!data.join("runs").join(&r.id).exists());
    }
    let (ok, out) = plenum(&["runs", "show", "zz", "--data-dir", d]);
    assert!(!ok && out.contains("not a run id"), "{out}");
    let (ok, out) = plenum(&[
        "runs",
        "list",
        "--data-dir",
        dir.path().join("nothing").to_str().unwrap(),
    ]);
    assert!(!ok && out.contains("no run registry"), "{out}");
}

#[test]
fn binding_beyond_loopback_needs_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = plenum(&[
        "serve",
        "--addr",
        "0.0.0.0:0",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!ok && out.contains("--token"), "{out}");
}

fn which(name: &str, env: &str) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `d` attributes of the paths inside `<svg id="ID" ...>...</svg>`.
fn svg_paths(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no svg {id}"));
    let end = start + html[start..].find("</svg>").unwrap();
    html[start..end]
        .split("<path d=\"")
        .skip(1)
        .map(|p| p.split('"').next().unwrap().to_string())
        .collect()
}

struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_in_headless_chromium() {
    let (Some(chromium), Some(chromedriver)) = (
        which("chromium", "PLENUM_CHROMIUM"),
        which("chromedriver", "PLENUM_CHROMEDRIVER"),
    ) else {
        println!("SKIPPED: chromium not found");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let srv = start(&dir.path().join("data"), &[]);
    let port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let profile = dir.path().join("profile");
    let caps: serde_json::Map<String, Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,2000",
                     format!("--user-data-dir={}", profile.display())]
        }
    }))
    .unwrap();
    let mut builder =
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps);
    let t0 = Instant::now();
    let client = loop {
        match builder.connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => break c,
            Err(e) if t0.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a chromium session: {e}"),
        }
    };
    use fantoccini::Locator;
    // Open the app and go to the editor from the library.
    client.goto(&format!("{}/", srv.url)).await.unwrap();
    client
        .find(Locator::Css(
            "a.scn[href=\"/editor?scenario=controls-escalate\"]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let area = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("toml"))
        .await
        .unwrap();
    // The form was filled from the TOML.
    let name = client
        .find(Locator::Css("[data-key=\"name\"]"))
        .await
        .unwrap();
    assert_eq!(
        name.prop("value").await.unwrap().as_deref(),
        Some("controls-escalate")
    );
    // Edit in the form: the TOML follows.
    let mpc = client
        .find(Locator::Css("[data-key=\"params.mpc_labour\"]"))
        .await
        .unwrap();
    mpc.clear().await.unwrap();
    mpc.send_keys("0.55").await.unwrap();
    let name_in = client
        .find(Locator::Css("[data-key=\"name\"]"))
        .await
        .unwrap();
    name_in.clear().await.unwrap();
    name_in.send_keys("web-edited").await.unwrap();
    let text = area.prop("value").await.unwrap().unwrap();
    assert!(text.contains("mpc_labour = 0.55"), "{text}");
    assert!(text.contains("name = \"web-edited\""), "{text}");
    // Edit in the TOML: the form follows.
    client
        .execute(
            "const a = document.getElementById('toml'); a.value = a.value.replace('mpc_labour = 0.55', 'mpc_labour = 0.56'); a.dispatchEvent(new Event('input')); return true;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(mpc.prop("value").await.unwrap().as_deref(), Some("0.56"));
    let text = area.prop("value").await.unwrap().unwrap();
    // Run it and wait for the chart.
    client
        .find(Locator::Id("run"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(180))
        .for_element(Locator::Css("svg#growth"))
        .await
        .unwrap();
    let run_id = client
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let page = client.source().await.unwrap();
    let web_paths: Vec<String> = {
        let v = client
            .execute(
                "return Array.from(document.querySelectorAll('#growth path')).map(p => p.getAttribute('d'));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    };
    let web_rows: Vec<Vec<String>> = {
        let v = client
            .execute(
                "return Array.from(document.querySelectorAll('#comparison tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent.trim()));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    };
    // Screenshot artifact.
    let png = client.screenshot().await.unwrap();
    let art = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-e2e");
    std::fs::create_dir_all(&art).unwrap();
    let shot = art.join("results.png");
    std::fs::write(&shot, &png).unwrap();
    println!("screenshot: {}", shot.display());
    client
        .goto(&format!("{}/explore?region=CHN&sector=C26", srv.url))
        .await
        .unwrap();
    client.find(Locator::Css("svg#heatmap")).await.unwrap();
    std::fs::write(art.join("explorer.png"), client.screenshot().await.unwrap()).unwrap();
    // The same scenario again with 12 Monte Carlo draws: fan charts.
    client
        .goto(&format!("{}/editor?run={run_id}", srv.url))
        .await
        .unwrap();
    let draws = client.find(Locator::Id("draws")).await.unwrap();
    draws.clear().await.unwrap();
    draws.send_keys("12").await.unwrap();
    client
        .find(Locator::Id("run"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(300))
        .for_element(Locator::Css("#fans svg#web-fan0"))
        .await
        .unwrap();
    let fan_paths: Vec<String> = {
        let v = client
            .execute(
                "return Array.from(document.querySelectorAll('#web-fan0 path')).map(p => p.getAttribute('d'));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    };
    client
        .execute("document.getElementById('fans').scrollIntoView();", vec![])
        .await
        .unwrap();
    std::fs::write(art.join("fans.png"), client.screenshot().await.unwrap()).unwrap();
    client.close().await.unwrap();

    // The CLI on the same scenario text.
    let scn = dir.path().join("web-edited.toml");
    std::fs::write(&scn, &text).unwrap();
    let out = dir.path().join("cli");
    let (ok, log) = plenum(&[
        "run",
        "baseline-2024",
        scn.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{log}");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    let cli_paths = svg_paths(&report, "growth");
    // The fan chart of the draws equals `plenum run --draws 12` on the same
    // scenario and seed (the scenario's, 0).
    let out_d = dir.path().join("cli-draws");
    let (ok, log) = plenum(&[
        "run",
        "--draws",
        "12",
        "--seed",
        "0",
        "baseline-2024",
        scn.to_str().unwrap(),
        "--out",
        out_d.to_str().unwrap(),
    ]);
    assert!(ok, "{log}");
    let report_d = std::fs::read_to_string(out_d.join("report.html")).unwrap();
    let cli_fan = svg_paths(&report_d, "fan0");
    assert!(
        cli_fan.len() >= 6,
        "{} paths in the CLI's fan chart",
        cli_fan.len()
    );
    assert_eq!(
        fan_paths, cli_fan,
        "the web fan chart differs from plenum run --draws"
    );
    assert_eq!(web_paths.len(), 2);
    assert_eq!(
        web_paths, cli_paths,
        "the chart's lines differ from plenum run's"
    );
    assert_eq!(svg_paths(&page, "growth"), cli_paths);
    // Comparison values: comparison.txt's columns (g2024, g<last>, avg,
    // chips SR, debt/GDP, land, cons/GDP) against the page's table.
    let txt = std::fs::read_to_string(out.join("comparison.txt")).unwrap();
    let cli_rows: Vec<Vec<String>> = txt
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    assert_eq!(cli_rows.len(), web_rows.len());
    for (c, w) in cli_rows.iter().zip(&web_rows) {
        let n = w.len();
        assert_eq!(c[0], w[0]);
        let web = [
            &w[1],
            &w[n - 6],
            &w[n - 5],
            &w[n - 4],
            &w[n - 3],
            &w[n - 2],
            &w[n - 1],
        ];
        let cli: Vec<&String> = c[1..].iter().collect();
        assert_eq!(cli.len(), 7, "{c:?}");
        for (a, b) in cli.iter().zip(web) {
            assert_eq!(*a, b, "row {}: CLI {c:?}, web {w:?}", c[0]);
        }
    }
    assert!(web_rows.iter().any(|r| r[0] == "web-edited"));
}
