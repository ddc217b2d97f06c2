//! `gathered/report.md`: what a sweep varied and the fan of its results
//! (median and 5-95 % range across variants at the end of each year). The
//! report holds no timings or paths, so it is as reproducible as the data.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use plenum_formats::tidy::{KeyColumn, TidyFrame};

use super::layout::{self, SweepManifest};
use super::pq;

fn text(frame: &TidyFrame, k: usize) -> &[String] {
    match &frame.keys[k].1 {
        KeyColumn::Text(v) => v,
        KeyColumn::Int(_) => &[],
    }
}

pub fn report(dir: &Path, m: &SweepManifest, rows: u64, summary: &TidyFrame) -> Result<String> {
    let mut s = String::new();
    writeln!(s, "# Sweep {}\n", m.name)?;
    if !m.description.trim().is_empty() {
        writeln!(s, "{}\n", m.description.trim())?;
    }
    writeln!(
        s,
        "- plenum {}; table {} (sha256 {}…)",
        m.plenum_version,
        m.table_name,
        &m.table_hash[..16]
    )?;
    writeln!(
        s,
        "- sweep identity {}; spec sha256 {}…",
        m.identity,
        &m.spec_hash[..16]
    )?;
    writeln!(
        s,
        "- {} variants = {} scenarios × {} parameter sets; {} shards of up to {}; {rows} result rows",
        m.n_variants,
        m.scenarios.len(),
        m.n_sets,
        m.n_shards,
        m.shard_size
    )?;
    let seeds: Vec<String> = m.seeds.iter().map(|x| x.to_string()).collect();
    writeln!(s, "- seeds: {}", seeds.join(", "))?;
    let names: Vec<&str> = m.scenarios.iter().map(|x| x.name.as_str()).collect();
    writeln!(s, "- scenarios: {}", names.join(", "))?;
    if !m.params.is_empty() {
        writeln!(s, "\n## Parameters swept\n\n| parameter | min | max | distinct values |\n|---|---|---|---|")?;
        let batches = pq::read(&dir.join(layout::VARIANTS), None)?;
        for p in &m.params {
            let mut v: Vec<f64> = Vec::new();
            for b in &batches {
                v.extend(pq::floats(b, p)?.values().iter());
            }
            v.sort_by(f64::total_cmp);
            let lo = v.first().copied().unwrap_or(f64::NAN);
            let hi = v.last().copied().unwrap_or(f64::NAN);
            v.dedup();
            writeln!(s, "| `{p}` | {lo:.6} | {hi:.6} | {} |", v.len())?;
        }
    }
    // (scenario, region, variable) → quarter → stat → value.
    let (sc, qu, re, va, st) = (
        text(summary, 0),
        text(summary, 1),
        text(summary, 2),
        text(summary, 4),
        text(summary, 5),
    );
    let mut fan: BTreeMap<(usize, &str, usize), BTreeMap<&str, [f64; 3]>> = BTreeMap::new();
    for i in 0..summary.len() {
        let slot = match st[i].as_str() {
            "p05" => 0,
            "p50" => 1,
            "p95" => 2,
            _ => continue,
        };
        if !qu[i].ends_with("Q4") {
            continue;
        }
        let si = m
            .scenarios
            .iter()
            .position(|x| x.name == sc[i])
            .unwrap_or(0);
        let vi = m.variables.iter().position(|x| *x == va[i]).unwrap_or(0);
        fan.entry((vi, re[i].as_str(), si))
            .or_default()
            .entry(qu[i].as_str())
            .or_insert([f64::NAN; 3])[slot] = summary.value[i];
    }
    writeln!(
        s,
        "\n## Results: median [5th, 95th percentile] across variants, fourth quarters\n"
    )?;
    let mut last: Option<(usize, &str)> = None;
    for ((vi, region, si), by_q) in &fan {
        if last != Some((*vi, region)) {
            let qs: Vec<&str> = by_q.keys().copied().collect();
            writeln!(s, "\n### {} ({region})\n", m.variables[*vi])?;
            writeln!(s, "| scenario | {} |", qs.join(" | "))?;
            writeln!(s, "|---|{}", "---|".repeat(qs.len()))?;
            last = Some((*vi, region));
        }
        let cells: Vec<String> = by_q
            .values()
            .map(|[lo, mid, hi]| format!("{mid:.3} [{lo:.3}, {hi:.3}]"))
            .collect();
        writeln!(s, "| {} | {} |", m.scenarios[*si].name, cells.join(" | "))?;
    }
    writeln!(
        s,
        "\nAll rows: `results/scenario=NAME/part-0.parquet` (Hive partitions; join `variant` with the sweep's variants.parquet for the set, seed and parameters). Every statistic per quarter: `summary.parquet`, `summary.csv`."
    )?;
    Ok(s)
}
