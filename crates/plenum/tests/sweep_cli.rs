//! `plenum sweep` end to end on the binary: plan, shards by index and by
//! scheduler variable, idempotent re-runs, a crash between the Parquet file
//! and its record, refusal of a foreign manifest, status, gather (and its
//! bit-identity with a one-process run), and the deploy files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn plenum(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plenum"));
    c.args(args);
    for v in [
        "SLURM_ARRAY_TASK_ID",
        "JOB_COMPLETION_INDEX",
        "SLURM_CPUS_PER_TASK",
    ] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run plenum")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A small sweep: 2 scenarios × 2 grid points × 1 draw × 1 seed in 3 shards.
const SPEC: &str = r#"
schema = 1
name = "t"
scenarios = ["baseline-2024", "my-controls.toml"]
seeds = [3]
shard_size = 3
[grid]
mpc_labour = [0.55, 0.65]
[sample]
n = 1
[sample.params]
confidence_elasticity = "range"
[outputs]
variables = ["gdp_real", "gdp_growth_yoy"]
"#;

fn plan(d: &Path, name: &str) -> PathBuf {
    let spec = d.join("spec.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let ctl = std::fs::read_to_string(root().join("scenarios/controls-escalate.toml")).unwrap();
    std::fs::write(
        d.join("my-controls.toml"),
        ctl.replacen("name = \"controls-escalate\"", "name = \"my-controls\"", 1),
    )
    .unwrap();
    let out = d.join(name);
    let s = ok(&plenum(
        &[
            "sweep",
            "plan",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(
        s.contains("4 variants (2 scenarios × 2 parameter sets), 2 shards"),
        "{s}"
    );
    out
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                v.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn plan_run_status_gather_and_recovery() {
    let d = tempfile::tempdir().unwrap();
    let a = plan(d.path(), "a");
    let a_s = a.to_str().unwrap();
    assert!(a.join("scenarios/my-controls.toml").is_file());

    // Nothing done yet: gather refuses and names the missing shards.
    let e = err(&plenum(&["sweep", "gather", a_s], &[]));
    assert!(
        e.contains("incomplete") && e.contains("missing: 0-1"),
        "{e}"
    );

    // Shard 1 from Slurm's variable, shard 0 from Kubernetes'.
    let s = ok(&plenum(
        &["sweep", "run", a_s],
        &[("SLURM_ARRAY_TASK_ID", "1")],
    ));
    assert!(s.contains("shard 1 of t: 1 variants"), "{s}");
    let st = ok(&plenum(&["sweep", "status", a_s], &[]));
    assert!(
        st.contains("done: 1/2") && st.contains("missing: 0\n"),
        "{st}"
    );
    let s = ok(&plenum(
        &["sweep", "run", a_s, "--of", "2"],
        &[("JOB_COMPLETION_INDEX", "0")],
    ));
    assert!(s.contains("shard 0 of t: 3 variants"), "{s}");

    // A finished shard is skipped and its files are not rewritten.
    let rec = a.join("shards/shard-00000.json");
    let before = std::fs::metadata(&rec).unwrap().modified().unwrap();
    let s = ok(&plenum(&["sweep", "run", a_s, "--shard", "0"], &[]));
    assert!(s.contains("already done; skipped"), "{s}");
    assert_eq!(std::fs::metadata(&rec).unwrap().modified().unwrap(), before);

    // Bad indices and counts.
    let e = err(&plenum(&["sweep", "run", a_s, "--shard", "2"], &[]));
    assert!(
        e.contains("shard 2 does not exist") && e.contains("--array=0-1"),
        "{e}"
    );
    let e = err(&plenum(
        &["sweep", "run", a_s, "--shard", "0", "--of", "8"],
        &[],
    ));
    assert!(e.contains("has 2 shards"), "{e}");
    let e = err(&plenum(&["sweep", "run", a_s], &[]));
    assert!(
        e.contains("SLURM_ARRAY_TASK_ID") && e.contains("JOB_COMPLETION_INDEX"),
        "{e}"
    );

    ok(&plenum(&["sweep", "gather", a_s], &[]));
    let g = a.join("gathered");
    for f in [
        "results/scenario=baseline-2024/part-0.parquet",
        "results/scenario=my-controls/part-0.parquet",
        "summary.parquet",
        "summary.csv",
        "report.md",
        "manifest.json",
        "SHA256SUMS",
    ] {
        assert!(g.join(f).is_file(), "{f}");
    }
    let csv = std::fs::read_to_string(g.join("summary.csv")).unwrap();
    assert!(csv.starts_with("scenario,quarter,region,sector,variable,statistic,value\n"));
    assert!(
        csv.contains("baseline-2024,2030Q4,CHN,TOTAL,gdp_real,n,2.0\n"),
        "{}",
        &csv[..400]
    );

    // The same sweep in one process, with a crash between shard 1's Parquet
    // file and its record: the re-run finishes it; the gathered bytes equal.
    let b = plan(d.path(), "b");
    let b_s = b.to_str().unwrap();
    ok(&plenum(
        &["sweep", "run", b_s, "--all", "--threads", "1"],
        &[],
    ));
    std::fs::remove_file(b.join("shards/shard-00001.json")).unwrap();
    std::fs::write(b.join("shards/shard-00001.parquet"), b"half a file").unwrap();
    let st = ok(&plenum(&["sweep", "status", b_s], &[]));
    assert!(st.contains("missing: 1\n"), "{st}");
    let s = ok(&plenum(&["sweep", "run", b_s, "--all"], &[]));
    assert!(
        s.contains("shard 1 of t") && !s.contains("shard 0 of t"),
        "{s}"
    );
    ok(&plenum(&["sweep", "gather", b_s], &[]));
    assert_eq!(files(&g), files(&b.join("gathered")));
    assert_eq!(
        files(&a.join("shards")).len(),
        files(&b.join("shards")).len()
    );

    // A tampered shard is caught by its hash.
    let p = a.join("shards/shard-00000.parquet");
    let mut bytes = std::fs::read(&p).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 1;
    std::fs::write(&p, bytes).unwrap();
    let e = err(&plenum(&["sweep", "gather", a_s], &[]));
    assert!(e.contains("missing: 0"), "{e}");
}

#[test]
fn a_foreign_manifest_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let a = plan(d.path(), "a");
    let m = a.join("sweep.json");
    let text = std::fs::read_to_string(&m).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let version = v["plenum_version"].as_str().unwrap().to_string();
    let hash = v["table_hash"].as_str().unwrap().to_string();

    std::fs::write(&m, text.replace(&version, "0.0.1-other")).unwrap();
    let e = err(&plenum(
        &["sweep", "run", a.to_str().unwrap(), "--shard", "0"],
        &[],
    ));
    assert!(e.contains("planned by plenum 0.0.1-other"), "{e}");

    std::fs::write(&m, text.replace(&hash, &"0".repeat(64))).unwrap();
    let e = err(&plenum(
        &["sweep", "run", a.to_str().unwrap(), "--shard", "0"],
        &[],
    ));
    assert!(e.contains("table") && e.contains("000000000000"), "{e}");
    assert!(!a.join("shards/shard-00000.parquet").exists());

    // Plan refuses a non-empty folder and a bad spec names the line.
    let e = err(&plenum(
        &[
            "sweep",
            "plan",
            d.path().join("spec.toml").to_str().unwrap(),
            "--out",
            a.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(e.contains("not empty"), "{e}");
    std::fs::write(d.path().join("bad.toml"), SPEC.replace("0.55", "0.95")).unwrap();
    let e = err(&plenum(
        &[
            "sweep",
            "plan",
            d.path().join("bad.toml").to_str().unwrap(),
            "--out",
            d.path().join("c").to_str().unwrap(),
        ],
        &[],
    ));
    assert!(
        e.contains("bad.toml:8: mpc_labour = 0.95 lies outside"),
        "{e}"
    );
    assert!(!d.path().join("c").exists());
}

#[test]
fn shipped_example_specs_plan() {
    let d = tempfile::tempdir().unwrap();
    for (spec, want) in [
        (
            "examples/sweeps/quick.toml",
            "16 variants (2 scenarios × 8 parameter sets), 8 shards",
        ),
        (
            "examples/sweeps/cluster.toml",
            "1000000 variants (8 scenarios × 125000 parameter sets), 1000 shards",
        ),
    ] {
        let out = d.path().join(spec.replace('/', "_"));
        let s = ok(&plenum(
            &[
                "sweep",
                "plan",
                root().join(spec).to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            &[],
        ));
        assert!(s.contains(want), "{s}");
    }
}

#[test]
fn deploy_files_have_the_fields_that_matter() {
    let text = std::fs::read_to_string(root().join("deploy/k8s/sweep-job.yaml")).unwrap();
    let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect();
    let job = docs
        .iter()
        .find(|d| d["kind"] == "Job")
        .expect("a Job document");
    assert_eq!(job["apiVersion"], "batch/v1");
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    let completions = spec["completions"].as_u64().unwrap();
    let parallelism = spec["parallelism"].as_u64().unwrap();
    assert!(parallelism >= 1 && parallelism <= completions);
    let pod = &spec["template"]["spec"];
    // backoffLimitPerIndex needs restartPolicy Never.
    assert_eq!(pod["restartPolicy"], "Never");
    assert!(spec["backoffLimitPerIndex"].as_u64().is_some());
    let c = &pod["containers"][0];
    assert!(c["image"].as_str().is_some_and(|s| !s.is_empty()));
    let cmd: Vec<&str> = c["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(&cmd[..3], ["plenum", "sweep", "run"]);
    // No --shard: the index comes from JOB_COMPLETION_INDEX.
    assert!(!cmd.contains(&"--shard"));
    let mount = &c["volumeMounts"][0];
    let path = mount["mountPath"].as_str().unwrap();
    assert!(
        cmd[3].starts_with(path),
        "the sweep folder {} is on the volume {path}",
        cmd[3]
    );
    let vol = pod["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("the mounted volume is declared");
    let claim = vol["persistentVolumeClaim"]["claimName"].as_str().unwrap();
    let pvc = docs
        .iter()
        .find(|d| d["kind"] == "PersistentVolumeClaim" && d["metadata"]["name"] == claim)
        .expect("the claim is declared");
    assert_eq!(pvc["spec"]["accessModes"][0], "ReadWriteMany");
    // The completions match the cluster example's shard count (1,000).
    assert_eq!(completions, 1000);

    let sb = std::fs::read_to_string(root().join("deploy/slurm/sweep.sbatch")).unwrap();
    let array = sb
        .lines()
        .find(|l| l.starts_with("#SBATCH --array="))
        .unwrap();
    assert!(array.contains('%'), "{array}");
    assert!(sb.contains("sweep run \"$DIR\"") && !sb.contains("--shard"));
}
