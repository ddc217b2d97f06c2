//! `plenum sweep gather DIR`: checks that every shard is there with its
//! recorded hash and variants, then writes `DIR/gathered/` (complete or
//! absent):
//!
//! - `results/scenario=NAME/part-0.parquet`: every result row, partitioned
//!   by scenario the Hive way (`duckdb: read_parquet('results/*/*.parquet',
//!   hive_partitioning = true)`, `polars.read_parquet('results/**/*.parquet',
//!   hive_partitioning=True)`, `pandas.read_parquet('results')`);
//! - `summary.parquet`, `summary.csv`: per scenario, region, variable and
//!   quarter, the count, mean, min, 5/25/50/75/95th percentiles and max
//!   across variants (percentiles interpolate linearly between order
//!   statistics, numpy's default);
//! - `report.md`: what was swept and the fan of the headline variables;
//! - `manifest.json`, `SHA256SUMS` (`sha256sum -c SHA256SUMS` checks them).
//!
//! Everything gathered is a function of the shards' results alone: the
//! same sweep run in one process or on a thousand nodes gathers to the
//! same bytes. Exact percentiles hold every value in memory (8 bytes a
//! row); docs/scale.md says what to do past that.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use arrow_array::{Array, RecordBatch, UInt32Array};
use arrow_schema::Schema;
use plenum_formats::tidy::{KeyColumn, Manifest, TidyFrame};

use super::layout::{self, Layout, SweepManifest};
use super::pq;
use super::status::{ranges, status_of};
use crate::cli::SweepGatherArgs;

pub const STATS: [&str; 9] = ["n", "mean", "min", "p05", "p25", "p50", "p75", "p95", "max"];

/// The p-quantile of sorted values, linear between order statistics.
pub fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let h = (x.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

fn stats(mut v: Vec<f64>) -> [f64; 9] {
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    [
        n,
        mean,
        v[0],
        quantile_sorted(&v, 0.05),
        quantile_sorted(&v, 0.25),
        quantile_sorted(&v, 0.5),
        quantile_sorted(&v, 0.75),
        quantile_sorted(&v, 0.95),
        v[v.len() - 1],
    ]
}

/// Global label ids for one text column across shards.
#[derive(Default)]
struct Labels {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Labels {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }
    /// Global id of each label of a shard's dictionary.
    fn map(&mut self, labels: &arrow_array::StringArray) -> Vec<u32> {
        (0..labels.len())
            .map(|i| self.id(labels.value(i)))
            .collect()
    }
}

/// Values per (region, variable, quarter) of one scenario.
type Cells = HashMap<(u32, u32, u32), Vec<f64>>;

fn partition_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32)
            }
        })
        .collect()
}

pub fn gather(args: SweepGatherArgs) -> Result<()> {
    let t0 = std::time::Instant::now();
    let dir = &args.dir;
    let m = layout::read_manifest(dir)?;
    let vh = layout::file_hash(&dir.join(layout::VARIANTS))?;
    if vh != m.variants_hash {
        bail!(
            "{}: the variant list changed since it was planned (hash {} ≠ {}); the results cannot be matched to their parameters",
            dir.join(layout::VARIANTS).display(),
            &vh[..12],
            &m.variants_hash[..12]
        );
    }
    let st = status_of(dir, &m, true);
    if st.done.len() as u64 != m.n_shards {
        let failed: Vec<u64> = st.failed.iter().map(|(k, _)| *k).collect();
        let missing: Vec<u64> = st.missing.iter().map(|(k, _)| *k).collect();
        bail!(
            "the sweep in {} is incomplete: {} of {} shards done; failed: {}; missing: {}. Run them (plenum sweep status {} shows how), then gather again",
            dir.display(),
            st.done.len(),
            m.n_shards,
            if failed.is_empty() { "none".into() } else { ranges(&failed) },
            if missing.is_empty() { "none".into() } else { ranges(&missing) },
            dir.display()
        );
    }
    let lay = Layout::new(dir, m.n_shards);
    let ns = m.scenarios.len();
    let mut writers: Vec<Option<pq::Writer>> = (0..ns).map(|_| None).collect();
    let mut cells: Vec<Cells> = (0..ns).map(|_| Cells::new()).collect();
    let (mut regions, mut variables, mut quarters) =
        (Labels::default(), Labels::default(), Labels::default());
    for v in &m.variables {
        variables.id(v);
    }
    let mut rows = 0u64;
    for k in 0..m.n_shards {
        let rec = super::run::is_done(&lay, &m, k, false)
            .with_context(|| format!("shard {k} changed while gathering; gather again"))?;
        let path = lay.shard_parquet(k);
        let batches = pq::read(&path, None)?;
        let want = rec.first_variant..rec.first_variant + rec.n_variants;
        let mut seen = vec![false; rec.n_variants as usize];
        let mut shard_rows = 0u64;
        for b in &batches {
            shard_rows += b.num_rows() as u64;
            let variant = pq::ints(b, "variant")?;
            for id in variant.values().iter() {
                let id = *id as u64;
                if !want.contains(&id) {
                    bail!("{}: holds variant {id}, which belongs to another shard; run shard {k} again", path.display());
                }
                seen[(id - want.start) as usize] = true;
            }
            let (skeys, slabels) = pq::dict(b, "scenario")?;
            let smap: Vec<usize> = (0..slabels.len())
                .map(|i| {
                    m.scenarios
                        .iter()
                        .position(|s| s.name == slabels.value(i))
                        .with_context(|| {
                            format!("{}: unknown scenario {}", path.display(), slabels.value(i))
                        })
                })
                .collect::<Result<_>>()?;
            let (rk, rl) = pq::dict(b, "region")?;
            let (vk, vl) = pq::dict(b, "variable")?;
            let (qk, ql) = pq::dict(b, "quarter")?;
            let (rmap, vmap, qmap) = (regions.map(rl), variables.map(vl), quarters.map(ql));
            let value = pq::floats(b, "value")?;
            let mut pick: Vec<Vec<u32>> = vec![Vec::new(); ns];
            for i in 0..b.num_rows() {
                let s = smap[skeys.value(i) as usize];
                pick[s].push(i as u32);
                let key = (
                    rmap[rk.value(i) as usize],
                    vmap[vk.value(i) as usize],
                    qmap[qk.value(i) as usize],
                );
                cells[s].entry(key).or_default().push(value.value(i));
            }
            // The partition files drop the scenario column: it is in the
            // folder name.
            let keep: Vec<usize> = (0..b.num_columns())
                .filter(|&c| b.schema().field(c).name() != "scenario")
                .collect();
            let part = b.project(&keep)?;
            for (s, idx) in pick.into_iter().enumerate() {
                if idx.is_empty() {
                    continue;
                }
                let idx = UInt32Array::from(idx);
                let cols = part
                    .columns()
                    .iter()
                    .map(|c| arrow_select::take::take(c.as_ref(), &idx, None))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                let sub = RecordBatch::try_new(part.schema(), cols)?;
                if writers[s].is_none() {
                    writers[s] = Some(pq::Writer::new(Arc::new(Schema::clone(&part.schema())))?);
                }
                if let Some(w) = writers[s].as_mut() {
                    w.write(&sub)?;
                }
            }
        }
        if shard_rows != rec.rows || seen.iter().any(|s| !s) {
            bail!("{}: holds {shard_rows} rows (record: {}) or misses variants of {want:?}; run shard {k} again", path.display(), rec.rows);
        }
        rows += shard_rows;
    }

    // Write everything into a temporary folder, then swap it in.
    let tmp = tempfile::Builder::new()
        .prefix(".gathered-")
        .tempdir_in(dir)?;
    let g = tmp.path();
    let mut files: Vec<String> = Vec::new();
    for (s, w) in writers.into_iter().enumerate() {
        let Some(w) = w else { continue };
        let rel = format!(
            "results/scenario={}/part-0.parquet",
            partition_name(&m.scenarios[s].name)
        );
        let p = g.join(&rel);
        std::fs::create_dir_all(p.parent().unwrap_or(g))?;
        plenum_formats::atomic::write_bytes_atomic(&p, &w.finish()?)?;
        files.push(rel);
    }
    let summary = summary_frame(&m, &cells, &regions, &variables, &quarters)?;
    plenum_formats::tidy::write_parquet(&summary, &g.join("summary.parquet"))?;
    plenum_formats::tidy::write_csv(&summary, &g.join("summary.csv"))?;
    files.push("summary.parquet".into());
    files.push("summary.csv".into());
    let report = super::report::report(dir, &m, rows, &summary)?;
    plenum_formats::atomic::write_bytes_atomic(&g.join("report.md"), report.as_bytes())?;
    files.push("report.md".into());
    let mut sums = String::new();
    for f in &files {
        sums.push_str(&format!("{}  {f}\n", layout::file_hash(&g.join(f))?));
    }
    plenum_formats::atomic::write_bytes_atomic(&g.join("SHA256SUMS"), sums.as_bytes())?;
    files.push("SHA256SUMS".into());
    files.push("manifest.json".into());
    let mut manifest = Manifest {
        plenum_version: m.plenum_version.clone(),
        command: format!("sweep gather (sweep {}, identity {})", m.name, m.identity),
        table_name: m.table_name.clone(),
        table_hash: m.table_hash.clone(),
        scenarios: m
            .scenarios
            .iter()
            .map(|s| (s.name.clone(), s.hash.clone()))
            .collect(),
        seed: None,
        files,
        sha256: Default::default(),
    };
    manifest.sha256 = plenum_formats::tidy::sha256_files(g, &manifest.files)?;
    plenum_formats::tidy::write_manifest(&manifest, &g.join("manifest.json"))?;
    let dest = dir.join(layout::GATHERED);
    if dest.exists() {
        std::fs::remove_dir_all(&dest)
            .with_context(|| format!("cannot replace {}", dest.display()))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, &dest)
        .with_context(|| format!("cannot move the gathered results to {}", dest.display()))?;
    crate::outln!(
        "gathered {} shards, {} variants, {rows} rows into {} in {:.2} s ({} summary rows; report.md)",
        m.n_shards,
        m.n_variants,
        dest.display(),
        t0.elapsed().as_secs_f64(),
        summary.len()
    )?;
    Ok(())
}

fn summary_frame(
    m: &SweepManifest,
    cells: &[Cells],
    regions: &Labels,
    variables: &Labels,
    quarters: &Labels,
) -> Result<TidyFrame> {
    let mut cols: [Vec<String>; 6] = Default::default();
    let mut value = Vec::new();
    // Regions and quarters in label order (quarters sort in time), variables
    // in the manifest's order.
    let mut r_order: Vec<u32> = (0..regions.names.len() as u32).collect();
    r_order.sort_by(|a, b| regions.names[*a as usize].cmp(&regions.names[*b as usize]));
    let mut q_order: Vec<u32> = (0..quarters.names.len() as u32).collect();
    q_order.sort_by(|a, b| quarters.names[*a as usize].cmp(&quarters.names[*b as usize]));
    for (s, sc) in m.scenarios.iter().enumerate() {
        for &r in &r_order {
            for v in 0..variables.names.len() as u32 {
                for &q in &q_order {
                    let Some(vals) = cells[s].get(&(r, v, q)) else {
                        continue;
                    };
                    for (stat, x) in STATS.iter().zip(stats(vals.clone())) {
                        cols[0].push(sc.name.clone());
                        cols[1].push(quarters.names[q as usize].clone());
                        cols[2].push(regions.names[r as usize].clone());
                        cols[3].push(plenum_scenario::results::TOTAL.to_string());
                        cols[4].push(variables.names[v as usize].clone());
                        cols[5].push(stat.to_string());
                        value.push(x);
                    }
                }
            }
        }
    }
    let names = [
        "scenario",
        "quarter",
        "region",
        "sector",
        "variable",
        "statistic",
    ];
    Ok(TidyFrame::new(
        names
            .iter()
            .zip(cols)
            .map(|(n, c)| (n.to_string(), KeyColumn::Text(c)))
            .collect(),
        value,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 25, 50, 75, 95]) =
        // [1.2, 2.0, 3.0, 4.0, 8.8]
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        let got: Vec<f64> = [0.05, 0.25, 0.5, 0.75, 0.95]
            .iter()
            .map(|p| quantile_sorted(&x, *p))
            .collect();
        let want = [1.2, 2.0, 3.0, 4.0, 8.8];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{g} {w}");
        }
        let s = stats(vec![10.0, 1.0, 4.0, 3.0, 2.0]);
        assert_eq!(s[0], 5.0);
        assert_eq!(s[1], 4.0);
        assert_eq!((s[2], s[8]), (1.0, 10.0));
    }

    #[test]
    fn partition_names_are_safe() {
        assert_eq!(partition_name("plenum-package"), "plenum-package");
        assert_eq!(partition_name("a b/c"), "a%20b%2Fc");
    }
}
