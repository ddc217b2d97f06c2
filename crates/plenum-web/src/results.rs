//! What a done run leaves in the registry, made from the run set that
//! plenum-scenario returns: the tidy rows (CSV and Parquet, the same
//! layout as `plenum run`), the HTML report, the manifest, the scenario
//! text, the report's main-path charts, and every region-level series as
//! JSON so that the results page can chart any variable the runs have,
//! including variables added later, without code here knowing them.

use std::path::Path;

use plenum_formats::tidy::Manifest;
use plenum_scenario::summary::summarise;
use plenum_scenario::{Calibration, RunSet, ScenarioRun};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::registry::RunFile;

/// One region-level series of one scenario (sector `TOTAL`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSeries {
    pub scenario: String,
    pub variable: String,
    pub region: String,
    pub unit: String,
    /// NaN is stored as null.
    pub values: Vec<Option<f64>>,
}

/// Every region-level series of a run set, with the quarters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSeriesSet {
    pub quarters: Vec<String>,
    pub scenarios: Vec<String>,
    pub series: Vec<StoredSeries>,
}

/// One main-path chart (SVG drawn by plenum-report).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredChart {
    pub id: String,
    pub svg: String,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// The comparison rows (the numbers of `plenum run`'s comparison table)
/// and the calibration, as JSON.
pub fn summary_json(calibration: &Calibration, runs: &[ScenarioRun], rows: usize) -> Value {
    let scenarios: Vec<Value> = runs
        .iter()
        .map(|r| {
            let s = summarise(r);
            json!({
                "scenario": s.scenario,
                "growth": s.growth.iter().map(|(y, g)| json!([y, finite(*g)])).collect::<Vec<_>>(),
                "growth_avg": finite(s.growth_avg),
                "self_reliance_end": finite(s.self_reliance_end),
                "debt_to_gdp_end": finite(s.debt_to_gdp_end),
                "land_revenue_end": finite(s.land_revenue_end),
                "consumption_share_end": finite(s.consumption_share_end),
                "last_year": s.last_year,
            })
        })
        .collect();
    let cal = calibration;
    json!({
        "comparison": scenarios,
        "comparison_text": plenum_scenario::summary::comparison_text(runs),
        "calibration": {
            "growth": cal.growth,
            "reached": cal.reached.iter().map(|(q, got, want)| json!({"quarter": q.to_string(), "model": got, "target": want})).collect::<Vec<_>>(),
            "within_tolerance": cal.within_tolerance(),
        },
        // The reference run's fit against the calibration file's facts
        // (plenum_scenario::calibrate::fit; the report shows the same table).
        "fit": runs.first().map(|r| plenum_scenario::calibrate::judged(r, true)).unwrap_or_default().iter().map(|f| json!({
            "target": f.target,
            "fact": f.fact,
            "tolerance": f.tolerance,
            "model": finite(f.model),
            "met": f.met(),
            "solved": f.solved,
            "consensus": f.reference_only,
            "source": f.source,
            "cause": f.cause,
        })).collect::<Vec<_>>(),
        "rows": rows,
    })
}

/// Every region-level series (sector TOTAL) of the runs.
pub fn series_set(runs: &[ScenarioRun]) -> StoredSeriesSet {
    let quarters = runs
        .first()
        .map(|r| r.quarters.iter().map(|q| q.to_string()).collect())
        .unwrap_or_default();
    let mut series = Vec::new();
    for r in runs {
        for s in r
            .series
            .iter()
            .filter(|s| s.sector == plenum_scenario::results::TOTAL)
        {
            series.push(StoredSeries {
                scenario: r.name.clone(),
                variable: s.variable.to_string(),
                region: s.region.clone(),
                unit: s.unit.clone(),
                values: s.values.iter().map(|v| finite(*v)).collect(),
            });
        }
    }
    StoredSeriesSet {
        quarters,
        scenarios: runs.iter().map(|r| r.name.clone()).collect(),
        series,
    }
}

/// What a run is made on, for the manifest and the report.
pub struct RunInputs<'a> {
    pub id: &'a str,
    pub plenum_version: &'a str,
    pub table_name: &'a str,
    pub table_hash: &'a str,
    pub seed: u64,
    pub scenario_text: &'a str,
}

/// What a run computed: plain runs, or a Monte Carlo set (whose central
/// runs are the plain runs' numbers).
pub enum Computed<'a> {
    Plain(&'a RunSet),
    Draws(&'a plenum_scenario::montecarlo::Draws),
}

fn json_bytes(v: &impl Serialize) -> Result<Vec<u8>, crate::WebError> {
    Ok(serde_json::to_vec(v)?)
}

/// Writes every file of a done run into `dir` (atomically, one by one) and
/// returns the summary JSON for the registry row.
pub fn write_run(
    dir: &Path,
    inp: &RunInputs<'_>,
    computed: &Computed<'_>,
) -> Result<Value, crate::WebError> {
    use plenum_formats::atomic::write_bytes_atomic;
    // The runs and calibration shown: a Monte Carlo set's central runs.
    let (calibration, runs, frame, draws) = match computed {
        Computed::Plain(set) => (
            &set.calibration,
            &set.runs[..],
            plenum_report::tidy::runs_frame(&set.runs)?,
            None,
        ),
        Computed::Draws(d) => (
            &d.central.calibration,
            &d.central.runs[..],
            plenum_report::tidy::draws_frame(d)?,
            Some(*d),
        ),
    };
    plenum_formats::tidy::write_csv(&frame, &dir.join(RunFile::Csv.name()))?;
    plenum_formats::tidy::write_parquet(&frame, &dir.join(RunFile::Parquet.name()))?;
    let meta = plenum_report::ReportMeta {
        title: format!(
            "plenum run {}: {}",
            &inp.id[..12],
            runs.last().map_or("", |r| r.name.as_str())
        ),
        plenum_version: inp.plenum_version.into(),
        table: inp.table_name.into(),
        table_hash: inp.table_hash.into(),
        seed: inp.seed,
    };
    let mut html = plenum_report::render(&meta, calibration, runs);
    // Fan charts of a run with draws: the report's sections, and the same
    // charts stored for the results page (ids prefixed so they do not clash
    // with the report's own when both are on one page).
    let mut fans: Vec<StoredChart> = Vec::new();
    if let Some(d) = draws {
        let sections = plenum_report::fan::draws_sections(d, "");
        html = plenum_report::fan::append_sections(&html, &sections);
        fans = plenum_report::fan::draws_sections(d, "web-")
            .into_iter()
            .enumerate()
            .map(|(i, svg)| StoredChart {
                id: format!("fans{i}"),
                svg,
            })
            .collect();
    }
    write_bytes_atomic(&dir.join(RunFile::Report.name()), html.as_bytes())?;
    write_bytes_atomic(&dir.join(RunFile::Fans.name()), &json_bytes(&fans)?)?;
    write_bytes_atomic(
        &dir.join(RunFile::Scenario.name()),
        inp.scenario_text.as_bytes(),
    )?;
    let charts: Vec<StoredChart> = plenum_report::main_charts(runs)
        .into_iter()
        .map(|(id, svg)| StoredChart {
            id: id.to_string(),
            svg,
        })
        .collect();
    write_bytes_atomic(&dir.join(RunFile::Charts.name()), &json_bytes(&charts)?)?;
    write_bytes_atomic(
        &dir.join(RunFile::Series.name()),
        &json_bytes(&series_set(runs))?,
    )?;
    // The manifest is written last with every other file's sha256, so a
    // reader can tell a complete run folder from an incomplete one.
    let files: Vec<String> = RunFile::ALL
        .iter()
        .filter(|f| f.name() != RunFile::Manifest.name())
        .map(|f| f.name().to_string())
        .collect();
    let mut sha256 = std::collections::BTreeMap::new();
    for f in &files {
        sha256.insert(f.clone(), plenum_formats::tidy::sha256_file(&dir.join(f))?);
    }
    let manifest = Manifest {
        plenum_version: inp.plenum_version.into(),
        command: match draws {
            Some(d) => format!("serve (run {}, {} draws)", inp.id, d.n()),
            None => format!("serve (run {})", inp.id),
        },
        table_name: inp.table_name.into(),
        table_hash: inp.table_hash.into(),
        scenarios: runs
            .iter()
            .map(|r| (r.name.clone(), r.hash.clone()))
            .collect(),
        seed: Some(inp.seed),
        files,
        sha256,
    };
    plenum_formats::tidy::write_manifest(&manifest, &dir.join(RunFile::Manifest.name()))?;
    let mut summary = summary_json(calibration, runs, frame.len());
    if let (Some(d), Some(o)) = (draws, summary.as_object_mut()) {
        o.insert("draws".into(), json!(d.n()));
        o.insert("draws_ok".into(), json!(d.ok().len()));
        let bands: Vec<Value> = (0..d.scenarios.len())
            .map(|s| {
                let heads: serde_json::Map<String, Value> = plenum_scenario::montecarlo::HEADLINES
                    .iter()
                    .enumerate()
                    .map(|(h, name)| {
                        let [lo, med, hi] = d.headline_band(s, h, false);
                        (
                            (*name).to_string(),
                            json!({"p05": finite(lo), "p50": finite(med), "p95": finite(hi)}),
                        )
                    })
                    .collect();
                json!({"scenario": d.scenarios[s].name, "bands": heads})
            })
            .collect();
        o.insert("uncertainty".into(), Value::Array(bands));
    }
    Ok(summary)
}
