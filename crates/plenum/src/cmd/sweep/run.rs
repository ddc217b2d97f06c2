//! `plenum sweep run DIR --shard K`: runs the variants of one shard (or of
//! every shard with `--all`, in one process) and writes the shard's
//! Parquet file atomically, then its record.
//!
//! A shard whose record exists and whose Parquet file still has the
//! recorded hash is skipped, so re-submitting a whole array after a crash
//! recomputes only what is missing. A task refuses a sweep planned by
//! another plenum version or on another table.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use plenum_scenario::{shipped, ScenarioRun};

use super::eval::{self, Context, SetJob};
use super::layout::{self, Layout, ShardEvent, ShardRecord, SweepManifest};
use super::pq::{self, Col, DictColumn};
use crate::cli::SweepRunArgs;

/// Environment variables a scheduler sets to the task's index.
pub const INDEX_VARS: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

/// Loads what every shard of the sweep needs, checking the manifest
/// against this binary and the table.
pub fn load_context(dir: &Path, m: &SweepManifest) -> Result<Context> {
    let version = env!("CARGO_PKG_VERSION");
    if m.plenum_version != version {
        bail!(
            "{}: the sweep was planned by plenum {} but this is plenum {version}; run it with plenum {} (results of two versions do not mix)",
            dir.join(layout::MANIFEST).display(),
            m.plenum_version,
            m.plenum_version
        );
    }
    let table = super::load_table(m.table_path.as_deref().map(Path::new))?;
    let table_hash = plenum_formats::native::table_hash(&table);
    if table_hash != m.table_hash {
        bail!(
            "{}: the sweep was planned on table {} (hash {}) but the table read now has hash {}; restore that table, or plan a new sweep",
            dir.join(layout::MANIFEST).display(),
            m.table_name,
            &m.table_hash[..12],
            &table_hash[..12]
        );
    }
    let vp = dir.join(layout::VARIANTS);
    let size = std::fs::metadata(&vp)
        .with_context(|| format!("cannot read {}", vp.display()))?
        .len();
    if size != m.variants_bytes {
        bail!(
            "{}: the variant list changed since it was planned ({size} bytes, planned {}); plan the sweep again",
            vp.display(),
            m.variants_bytes
        );
    }
    let mut scenarios = Vec::new();
    for e in &m.scenarios {
        let s = match &e.file {
            None => shipped::shipped(&e.name)
                .with_context(|| format!("scenario {} is not shipped with this build", e.name))??,
            Some(f) => {
                let text = std::fs::read_to_string(dir.join(f))
                    .with_context(|| format!("cannot read {}", dir.join(f).display()))?;
                plenum_scenario::parse_scenario(&text, f, &shipped::lookup)?
            }
        };
        if s.hash != e.hash {
            bail!(
                "scenario {}: its text changed since the sweep was planned (hash {} ≠ {}); plan the sweep again",
                e.name,
                &s.hash[..12],
                &e.hash[..12]
            );
        }
        scenarios.push(s);
    }
    let econ = plenum_scenario::Economy::from_table(&table)?;
    Context::new(econ, scenarios, m.params.clone())
}

/// The variants of rows `range` of the variant list.
struct ShardVariants {
    ids: Vec<i64>,
    scenario: Vec<usize>,
    seed: Vec<i64>,
    set: Vec<i64>,
    /// values[j][i]: parameter j of variant i.
    values: Vec<Vec<f64>>,
}

fn read_variants(
    dir: &Path,
    m: &SweepManifest,
    range: std::ops::Range<u64>,
) -> Result<ShardVariants> {
    let batches = pq::read(&dir.join(layout::VARIANTS), Some(range.clone()))?;
    let mut v = ShardVariants {
        ids: Vec::new(),
        scenario: Vec::new(),
        seed: Vec::new(),
        set: Vec::new(),
        values: vec![Vec::new(); m.params.len()],
    };
    for b in &batches {
        v.ids.extend(pq::ints(b, "variant")?.values().iter());
        v.seed.extend(pq::ints(b, "seed")?.values().iter());
        v.set.extend(pq::ints(b, "set")?.values().iter());
        let (keys, labels) = pq::dict(b, "scenario")?;
        for k in keys.values().iter() {
            let name = labels.value(*k as usize);
            let i = m
                .scenarios
                .iter()
                .position(|s| s.name == name)
                .with_context(|| format!("variants.parquet names unknown scenario {name}"))?;
            v.scenario.push(i);
        }
        for (j, p) in m.params.iter().enumerate() {
            v.values[j].extend(pq::floats(b, p)?.values().iter());
        }
    }
    let want: Vec<i64> = (range.start as i64..range.end as i64).collect();
    if v.ids != want {
        bail!(
            "variants.parquet: rows {range:?} do not hold variants {range:?}; plan the sweep again"
        );
    }
    Ok(v)
}

/// The result rows of a shard: one per variant × region × variable ×
/// quarter (NaN skipped), variants in order.
fn shard_batch(
    m: &SweepManifest,
    v: &ShardVariants,
    runs: &[&ScenarioRun],
) -> Result<arrow_array::RecordBatch> {
    let mut quarters: Vec<String> = Vec::new();
    let mut regions: Vec<String> = Vec::new();
    let intern = |list: &mut Vec<String>, s: &str| -> i32 {
        match list.iter().position(|x| x == s) {
            Some(i) => i as i32,
            None => {
                list.push(s.to_string());
                (list.len() - 1) as i32
            }
        }
    };
    let mut variant = Vec::new();
    let mut scen = DictColumn::new(m.scenarios.iter().map(|s| s.name.clone()).collect());
    let mut seed = Vec::new();
    let mut params: Vec<Vec<f64>> = vec![Vec::new(); m.params.len()];
    let mut q = Vec::new();
    let mut reg = Vec::new();
    let mut var = DictColumn::new(m.variables.clone());
    let mut value = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let q_keys: Vec<i32> = run
            .quarters
            .iter()
            .map(|x| intern(&mut quarters, &x.to_string()))
            .collect();
        let rs = m
            .regions
            .clone()
            .unwrap_or_else(|| vec![run.region.clone()]);
        for r in &rs {
            let rk = intern(&mut regions, r);
            for (vk, name) in m.variables.iter().enumerate() {
                let s = run.series(name, r).with_context(|| {
                    format!("scenario {} has no series {name} for {r}", run.name)
                })?;
                for (k, x) in s.values.iter().enumerate() {
                    if x.is_nan() {
                        continue;
                    }
                    variant.push(v.ids[i]);
                    scen.keys.push(v.scenario[i] as i32);
                    seed.push(v.seed[i]);
                    for (j, p) in params.iter_mut().enumerate() {
                        p.push(v.values[j][i]);
                    }
                    q.push(q_keys[k]);
                    reg.push(rk);
                    var.keys.push(vk as i32);
                    value.push(*x);
                }
            }
        }
    }
    let n = value.len();
    let mut qc = DictColumn::new(quarters);
    qc.keys = q;
    let mut rc = DictColumn::new(regions);
    rc.keys = reg;
    let mut sc = DictColumn::new(vec![plenum_scenario::results::TOTAL.to_string()]);
    sc.keys = vec![0; n];
    let mut cols = vec![
        ("variant".to_string(), Col::Int(variant)),
        ("scenario".to_string(), Col::Dict(scen)),
        ("seed".to_string(), Col::Int(seed)),
    ];
    for (p, c) in m.params.iter().zip(params) {
        cols.push((p.clone(), Col::Float(c)));
    }
    cols.push(("quarter".into(), Col::Dict(qc)));
    cols.push(("region".into(), Col::Dict(rc)));
    cols.push(("sector".into(), Col::Dict(sc)));
    cols.push(("variable".into(), Col::Dict(var)));
    cols.push(("value".into(), Col::Float(value)));
    pq::batch(cols)
}

/// Whether shard `k` is done: its record exists, was made for this sweep,
/// and its Parquet file has the recorded size and (with `verify`, reading
/// the file) the recorded hash.
pub fn is_done(lay: &Layout, m: &SweepManifest, k: u64, verify: bool) -> Option<ShardRecord> {
    let r: ShardRecord = layout::read_json(&lay.shard_record(k)).ok()?;
    if r.identity != m.identity || r.shard != k {
        return None;
    }
    let p = lay.shard_parquet(k);
    if std::fs::metadata(&p).ok()?.len() != r.bytes {
        return None;
    }
    if verify && layout::file_hash(&p).ok()? != r.sha256 {
        return None;
    }
    Some(r)
}

/// Outcome of one shard.
pub enum Outcome {
    Skipped,
    Done(ShardRecord),
}

/// Runs shard `k` (whatever its state, unless done).
pub fn run_shard(
    dir: &Path,
    m: &SweepManifest,
    ctx: &Context,
    k: u64,
    seconds_startup: f64,
) -> Result<Outcome> {
    let lay = Layout::new(dir, m.n_shards);
    if is_done(&lay, m, k, true).is_some() {
        return Ok(Outcome::Skipped);
    }
    let event = ShardEvent {
        shard: k,
        host: layout::host(),
        pid: std::process::id(),
        at: layout::now(),
        error: None,
    };
    layout::write_json(&lay.shard_started(k), &event)?;
    let result = (|| -> Result<ShardRecord> {
        let t = Instant::now();
        let range = super::spec::shard_range(k, m.shard_size, m.n_variants);
        let v = read_variants(dir, m, range.clone())?;
        // Consecutive variants of one set form one job.
        let mut jobs: Vec<SetJob> = Vec::new();
        let mut last_set = None;
        for i in 0..v.ids.len() {
            if last_set != Some(v.set[i]) {
                jobs.push(SetJob {
                    values: v.values.iter().map(|c| c[i]).collect(),
                    seed: v.seed[i] as u64,
                    scenarios: Vec::new(),
                });
                last_set = Some(v.set[i]);
            }
            if let Some(j) = jobs.last_mut() {
                j.scenarios.push(v.scenario[i]);
            }
        }
        let results = eval::evaluate(ctx, &jobs)?;
        let runs: Vec<&ScenarioRun> = results.iter().flatten().collect();
        let b = shard_batch(m, &v, &runs)?;
        let bytes = pq::to_bytes(&b)?;
        plenum_formats::atomic::write_bytes_atomic(&lay.shard_parquet(k), &bytes)?;
        Ok(ShardRecord {
            shard: k,
            first_variant: range.start,
            n_variants: range.end - range.start,
            rows: b.num_rows() as u64,
            sha256: plenum_formats::tidy::sha256_hex(&bytes),
            bytes: bytes.len() as u64,
            identity: m.identity.clone(),
            plenum_version: m.plenum_version.clone(),
            table_hash: m.table_hash.clone(),
            seconds_startup,
            seconds_eval: t.elapsed().as_secs_f64(),
            calibrations: jobs.len() as u64,
            threads: rayon::current_num_threads(),
            host: layout::host(),
        })
    })();
    match result {
        Ok(rec) => {
            layout::write_json(&lay.shard_record(k), &rec)?;
            let _ = std::fs::remove_file(lay.shard_failed(k));
            let _ = std::fs::remove_file(lay.shard_started(k));
            Ok(Outcome::Done(rec))
        }
        Err(e) => {
            let failed = ShardEvent {
                error: Some(format!("{e:#}")),
                at: layout::now(),
                ..event
            };
            let _ = layout::write_json(&lay.shard_failed(k), &failed);
            let _ = std::fs::remove_file(lay.shard_started(k));
            Err(e.context(format!("shard {k} failed")))
        }
    }
}

fn index_from_env() -> Result<u64> {
    for var in INDEX_VARS {
        if let Ok(s) = std::env::var(var) {
            return s.trim().parse::<u64>().with_context(|| {
                format!("{var} = \"{s}\" is not a shard index (a whole number from 0)")
            });
        }
    }
    bail!("no shard given: pass --shard K (or --all), or run as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX)")
}

pub fn run(args: SweepRunArgs) -> Result<()> {
    let t0 = Instant::now();
    let m = layout::read_manifest(&args.dir)?;
    let shards: Vec<u64> = if args.all {
        (0..m.n_shards).collect()
    } else {
        let k = match args.shard {
            Some(k) => k,
            None => index_from_env()?,
        };
        vec![k]
    };
    if let Some(n) = args.of {
        if n != m.n_shards {
            bail!(
                "--of {n}: the sweep in {} has {} shards; run --shard K --of {} with K from 0 to {} (or leave --of out)",
                args.dir.display(),
                m.n_shards,
                m.n_shards,
                m.n_shards - 1
            );
        }
    }
    if let Some(&k) = shards.iter().find(|&&k| k >= m.n_shards) {
        bail!(
            "shard {k} does not exist: the sweep in {} has shards 0 to {}; submit --array=0-{}",
            args.dir.display(),
            m.n_shards - 1,
            m.n_shards - 1
        );
    }
    let threads = args.threads.or_else(|| {
        std::env::var("SLURM_CPUS_PER_TASK")
            .ok()
            .and_then(|s| s.trim().parse().ok())
    });
    if let Some(t) = threads {
        // Fails only if the pool was already built: keep the default.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build_global();
    }
    let lay = Layout::new(&args.dir, m.n_shards);
    if shards.len() == 1 && is_done(&lay, &m, shards[0], true).is_some() {
        crate::outln!("shard {} of {}: already done; skipped", shards[0], m.name)?;
        return Ok(());
    }
    let ctx = load_context(&args.dir, &m)?;
    let startup = t0.elapsed().as_secs_f64();
    let bar = crate::progress::bar(shards.len() as u64, "shards");
    for &k in &shards {
        match run_shard(&args.dir, &m, &ctx, k, startup)? {
            Outcome::Skipped => {
                if !args.all {
                    crate::outln!("shard {k} of {}: already done; skipped", m.name)?;
                }
            }
            Outcome::Done(r) => crate::outln!(
                "shard {k} of {}: {} variants, {} rows in {:.2} s ({:.2} s startup, {} calibrations, {} threads)",
                m.name, r.n_variants, r.rows, r.seconds_eval, r.seconds_startup, r.calibrations, r.threads
            )?,
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}
