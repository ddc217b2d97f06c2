//! `plenum sweep plan SPEC.toml --out DIR`: checks a spec against the
//! table and the scenarios, expands its variants and writes the sweep
//! folder (complete or absent).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use plenum_scenario::{run_scenario, shipped, Quarter, Scenario};

use super::layout::{self, ScenarioEntry, SweepManifest};
use super::pq::{self, Col, DictColumn};
use super::spec::{self, Spec};
use crate::cli::SweepPlanArgs;

/// A scenario named by a spec: shipped, or a file (copied into the sweep
/// folder under `scenarios/`).
pub struct Named {
    pub scenario: Scenario,
    /// (file name inside the sweep folder, text) for a file.
    pub copy: Option<(String, String)>,
}

/// Label a copied scenario file carries, at plan and at run (the scenario
/// hash covers it).
pub fn copied_label(file_name: &str) -> String {
    format!("scenarios/{file_name}")
}

fn resolve_scenarios(spec: &Spec, spec_dir: &Path) -> Result<Vec<Named>> {
    let mut out: Vec<Named> = Vec::new();
    for s in &spec.scenarios {
        let path = spec_dir.join(s);
        let named = if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read scenario {}", path.display()))?;
            let file_name = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario.toml".into());
            let label = copied_label(&file_name);
            let scenario = plenum_scenario::parse_scenario(&text, &label, &shipped::lookup)
                .with_context(|| format!("in scenario {}", path.display()))?;
            if out
                .iter()
                .any(|n| n.copy.as_ref().is_some_and(|(f, _)| *f == file_name))
            {
                bail!("two scenario files are named {file_name}; rename one");
            }
            Named {
                scenario,
                copy: Some((file_name, text)),
            }
        } else if let Some(sc) = shipped::shipped(s) {
            Named {
                scenario: sc?,
                copy: None,
            }
        } else {
            let names: Vec<&str> = shipped::SHIPPED.iter().map(|(n, _)| *n).collect();
            bail!(
                "scenario \"{s}\": no file {} and no shipped scenario of that name; shipped scenarios are: {}",
                path.display(),
                names.join(", ")
            );
        };
        if out.iter().any(|n| n.scenario.name == named.scenario.name) {
            bail!(
                "two scenarios are named \"{}\"; give each a distinct `name`",
                named.scenario.name
            );
        }
        out.push(named);
    }
    Ok(out)
}

/// Checks that every requested series exists, on a short run of each
/// scenario (to 2023Q1).
fn check_outputs(spec: &Spec, econ: &plenum_scenario::Economy, named: &[Named]) -> Result<()> {
    if let Some(rs) = &spec.regions {
        for r in rs {
            if !econ.regions.contains(r) {
                bail!(
                    "outputs.regions: \"{r}\" is not a region of the table; regions are: {}",
                    econ.regions.join(", ")
                );
            }
        }
    }
    for n in named {
        let run = run_scenario(econ, &n.scenario, [5.0, 0.0], Some(Quarter(4)))?;
        let regions = spec
            .regions
            .clone()
            .unwrap_or_else(|| vec![run.region.clone()]);
        for r in &regions {
            for v in &spec.variables {
                if run.series(v, r).is_none() {
                    let mut have: Vec<&str> = run
                        .series
                        .iter()
                        .filter(|s| s.region == *r && s.sector == plenum_scenario::results::TOTAL)
                        .map(|s| s.variable)
                        .collect();
                    have.dedup();
                    bail!(
                        "outputs.variables: scenario {} has no series \"{v}\" for region {r}; it has: {}",
                        n.scenario.name,
                        have.join(", ")
                    );
                }
            }
        }
    }
    Ok(())
}

fn variants_parquet(spec: &Spec, names: &[String]) -> Result<Vec<u8>> {
    let vs = spec.variants();
    let params = spec.param_names();
    let n = vs.len();
    let mut scen = DictColumn::new(names.to_vec());
    scen.keys = vs.iter().map(|v| v.scenario as i32).collect();
    let mut cols = vec![
        (
            "variant".to_string(),
            Col::Int(vs.iter().map(|v| v.id as i64).collect()),
        ),
        (
            "shard".to_string(),
            Col::Int(vs.iter().map(|v| (v.id / spec.shard_size) as i64).collect()),
        ),
        ("scenario".to_string(), Col::Dict(scen)),
        (
            "seed".to_string(),
            Col::Int(vs.iter().map(|v| v.seed as i64).collect()),
        ),
        (
            "set".to_string(),
            Col::Int(vs.iter().map(|v| v.set as i64).collect()),
        ),
    ];
    for (j, p) in params.iter().enumerate() {
        let mut c = Vec::with_capacity(n);
        c.extend(vs.iter().map(|v| v.values[j]));
        cols.push((p.clone(), Col::Float(c)));
    }
    // Row groups of whole shards, about 64k variants each.
    let per = spec.shard_size.max(1);
    let group = (per * (65_536 / per).max(1)) as usize;
    pq::to_bytes_grouped(&pq::batch(cols)?, group)
}

pub fn plan(args: SweepPlanArgs) -> Result<()> {
    let (spec, text) = spec::read(&args.spec)?;
    let spec_dir = args
        .spec
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} exists and is not empty; choose another --out, or remove it to plan again",
            args.out.display()
        );
    }
    let table_path = spec.table.as_ref().map(|t| {
        let p = spec_dir.join(t);
        std::fs::canonicalize(&p).unwrap_or(p)
    });
    let t0 = std::time::Instant::now();
    let table = super::load_table(table_path.as_deref())?;
    let table_hash = plenum_formats::native::table_hash(&table);
    let econ = plenum_scenario::Economy::from_table(&table)?;
    let named = resolve_scenarios(&spec, &spec_dir)?;
    check_outputs(&spec, &econ, &named)?;

    let spec_hash = plenum_formats::tidy::sha256_hex(text.as_bytes());
    let scenarios: Vec<ScenarioEntry> = named
        .iter()
        .map(|n| ScenarioEntry {
            name: n.scenario.name.clone(),
            hash: n.scenario.hash.clone(),
            file: n.copy.as_ref().map(|(f, _)| copied_label(f)),
        })
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    let identity = super::identity(version, &table_hash, &spec_hash, &scenarios);
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let variants = variants_parquet(&spec, &names)?;
    let n_sets = spec.n_variants() / spec.scenarios.len() as u64;
    let manifest = SweepManifest {
        format: layout::FORMAT.into(),
        plenum_version: version.into(),
        name: spec.name.clone(),
        description: spec.description.clone(),
        spec_hash,
        identity,
        table_name: table.meta().name.clone(),
        table_hash,
        table_path: table_path.map(|p| p.display().to_string()),
        scenarios,
        seeds: spec.seeds.clone(),
        params: spec.param_names(),
        regions: spec.regions.clone(),
        variables: spec.variables.clone(),
        n_variants: spec.n_variants(),
        n_sets,
        shard_size: spec.shard_size,
        n_shards: spec.n_shards(),
        variants_hash: plenum_formats::tidy::sha256_hex(&variants),
        variants_bytes: variants.len() as u64,
    };

    // Everything goes into a temporary folder beside DIR, renamed at the end.
    let parent = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".sweep-plan-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a folder in {}", parent.display()))?;
    let d = tmp.path();
    std::fs::create_dir_all(d.join(layout::SHARDS))?;
    plenum_formats::atomic::write_bytes_atomic(&d.join(layout::SPEC), text.as_bytes())?;
    plenum_formats::atomic::write_bytes_atomic(&d.join(layout::VARIANTS), &variants)?;
    for n in &named {
        if let Some((f, t)) = &n.copy {
            std::fs::create_dir_all(d.join("scenarios"))?;
            plenum_formats::atomic::write_bytes_atomic(&d.join("scenarios").join(f), t.as_bytes())?;
        }
    }
    layout::write_json(&d.join(layout::MANIFEST), &manifest)?;
    if args.out.exists() {
        std::fs::remove_dir(&args.out)
            .with_context(|| format!("cannot replace the empty folder {}", args.out.display()))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, &args.out)
        .with_context(|| format!("cannot move the planned sweep to {}", args.out.display()))?;
    crate::outln!(
        "planned sweep {}: {} variants ({} scenarios × {} parameter sets), {} shards of up to {}, in {:.2} s",
        manifest.name,
        manifest.n_variants,
        manifest.scenarios.len(),
        manifest.n_sets,
        manifest.n_shards,
        manifest.shard_size,
        t0.elapsed().as_secs_f64()
    )?;
    if spec.sample.is_none() && spec.seeds.len() > 1 {
        crate::outln!(
            "note: the engine is deterministic and the spec samples nothing, so the {} seeds repeat the same runs; add [sample] to draw parameters per seed",
            spec.seeds.len()
        )?;
    }
    crate::outln!(
        "table {} ({}), identity {}",
        manifest.table_name,
        &manifest.table_hash[..12],
        &manifest.identity[..12]
    )?;
    crate::outln!(
        "next: plenum sweep run {d} --shard K (K = 0..{}), or sbatch --array=0-{}%50 deploy/slurm/sweep.sbatch {d}",
        manifest.n_shards - 1,
        manifest.n_shards - 1,
        d = args.out.display()
    )?;
    Ok(())
}
