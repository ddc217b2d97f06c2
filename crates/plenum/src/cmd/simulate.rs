//! `plenum simulate ario` (BoARIO's inputs, BoARIO's numbers) and
//! `plenum simulate --shocks` (the extended mechanisms: trade restrictions,
//! critical inputs, capacity and final-demand paths).

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use plenum_formats::tidy::{KeyColumn, TidyFrame};
use plenum_sim::StepRecord;
use plenum_table::MrioTable;

use crate::cli::{SimOutArgs, SimulateArgs, SimulateMode, TidyFormat};
use crate::output::OutDir;
use crate::source;

fn read_text(p: &Path) -> Result<(String, String)> {
    if p.is_dir() {
        anyhow::bail!(
            "{}: this is a folder; give the TOML file itself",
            p.display()
        );
    }
    let text =
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
    Ok((text, p.display().to_string()))
}

pub fn simulate(args: SimulateArgs) -> Result<()> {
    match args.mode {
        Some(SimulateMode::Ario {
            mrio,
            event,
            common,
        }) => {
            let out = prepare_out(&common)?;
            let policy = plenum_formats::pymrio::default_policy();
            let table = plenum_formats::pymrio::read_pymrio(&mrio, &policy)?;
            let (text, name) = read_text(&event)?;
            let file = plenum_sim::parse_event_file(&text, &name)?;
            let model = plenum_sim::build_ario(&table, &file)?;
            let hash = plenum_formats::tidy::sha256_hex(text.as_bytes());
            run_and_write(
                model,
                &table,
                &common,
                out,
                "simulate ario",
                &[(name, hash)],
            )
        }
        None => {
            let Some(shocks) = &args.shocks else {
                anyhow::bail!("give a shocks file with --shocks FILE (see docs/engine.md), or use `plenum simulate ario` for BoARIO's inputs");
            };
            let out = prepare_out(&args.common)?;
            let loaded = source::load(&args.input)?;
            let (text, name) = read_text(shocks)?;
            let file = plenum_sim::parse_shocks_file(&text, &name)?;
            let model = plenum_sim::build_extended(&loaded.table, &file)?;
            let hash = plenum_formats::tidy::sha256_hex(text.as_bytes());
            run_and_write(
                model,
                &loaded.table,
                &args.common,
                out,
                "simulate",
                &[(name, hash)],
            )
        }
    }
}

/// The output folder, checked before any work (see [`crate::output`]).
fn prepare_out(common: &SimOutArgs) -> Result<Option<OutDir>> {
    let names: &[&str] = match common.tidy {
        TidyFormat::Csv => &["trajectory.csv", "manifest.json"],
        TidyFormat::Parquet => &["trajectory.parquet", "manifest.json"],
        TidyFormat::Both => &["trajectory.csv", "trajectory.parquet", "manifest.json"],
    };
    common
        .out
        .as_ref()
        .map(|d| OutDir::prepare(d, common.tidy, names))
        .transpose()
}

/// The most quarterly steps of `plenum chokepoints --dynamic`: 400
/// quarters, a century. The dynamic bottleneck keeps each run's path
/// (production per step, for the baseline and a batch of 8 suppliers), so
/// its memory is about 8 bytes × 4 × n × steps × 9: at most 470 MB for
/// the largest tables read (n = 4,050, OECD ICIO) at 400 steps.
pub const MAX_DYNAMIC_STEPS: usize = 400;

/// clap's parser of `--dynamic-steps` (1 to [`MAX_DYNAMIC_STEPS`]).
pub fn parse_dynamic_steps(s: &str) -> std::result::Result<usize, String> {
    match s.trim().parse::<u64>() {
        Ok(v) if (1..=MAX_DYNAMIC_STEPS as u64).contains(&v) => Ok(v as usize),
        _ => Err(format!(
            "expected a number of quarterly steps from 1 to {MAX_DYNAMIC_STEPS} (a century), e.g. 4 or 12"
        )),
    }
}

/// What a run will take, estimated before it starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Tidy rows per step.
    pub rows_per_step: u64,
    /// Bytes written into the output folder (0 without --out).
    pub output_bytes: f64,
    /// Peak resident memory of the model, the table and the writers.
    pub memory_bytes: f64,
}

/// Parquet bytes per tidy row (Snappy; keys dictionary-encoded, the value
/// 8 bytes): measured 9.5-11 on the BoARIO goldens and the default table,
/// rounded up.
const PARQUET_BYTES_PER_ROW: f64 = 12.0;
/// Steps in flight between the engine and each writer.
const QUEUE_STEPS: usize = 4;

/// Estimates a run of `steps` steps of `model` on `table`: the output from
/// the CSV row lengths (labels, the step's digits and a 22-character value,
/// the longest shortest-form of a double in plain notation), and memory
/// from the matrices the table and the model hold (Z and Z⁰, Y and Y⁰
/// twice, about thirty S × n and n vectors), the steps in flight and a
/// Parquet row group.
pub fn estimate(
    table: &MrioTable,
    model: &plenum_sim::ArioModel,
    common: &SimOutArgs,
    stocks: bool,
) -> Estimate {
    let layout = model.layout();
    let (n, ns) = (layout.n_industries() as f64, layout.sectors.len() as f64);
    let nfd = table.y().ncols() as f64;
    let rows_per_step = (n * 4.0 + if stocks { ns * n } else { 0.0 }) as u64;
    let key_len =
        |v: &[String]| v.iter().map(|x| x.len()).sum::<usize>() as f64 / v.len().max(1) as f64;
    let (rl, sl) = (key_len(&layout.regions), key_len(&layout.sectors));
    let steps = common.steps as f64;
    let digits = (steps.max(1.0).log10().floor() + 1.0).max(1.0);
    // step,region,sector,variable,value\n; variables ~19 characters, stocks' names S + 15.
    let row = digits + rl + sl + 19.0 + 22.0 + 5.0;
    let csv_per_step = rows_per_step as f64 * (row + if stocks { sl * 0.8 } else { 0.0 });
    let (csv, parquet) = match common.tidy {
        TidyFormat::Csv => (true, false),
        TidyFormat::Parquet => (false, true),
        TidyFormat::Both => (true, true),
    };
    let output_bytes = if common.out.is_some() {
        steps
            * (if csv { csv_per_step } else { 0.0 }
                + if parquet {
                    rows_per_step as f64 * PARQUET_BYTES_PER_ROW
                } else {
                    0.0
                })
    } else {
        0.0
    };
    let record = 8.0 * (n * 4.0 + if stocks { ns * n } else { 0.0 });
    let matrices = 8.0 * (2.0 * n * n + 3.0 * n * nfd + 30.0 * ns * n + 30.0 * n);
    let writers = if common.out.is_some() {
        (QUEUE_STEPS as f64 + 2.0) * (record + csv_per_step)
            + if parquet {
                // A row group of up to 2^20 rows before it is flushed.
                (1u64 << 20).min(rows_per_step * common.steps) as f64 * 48.0
            } else {
                0.0
            }
    } else {
        0.0
    };
    Estimate {
        rows_per_step,
        output_bytes,
        memory_bytes: matrices + writers + 2.0 * record,
    }
}

/// Refuses a run whose estimate passes the bounds of `common`.
pub fn check_bounds(e: &Estimate, common: &SimOutArgs) -> Result<()> {
    for (flag, v) in [
        ("--max-output-gb", common.max_output_gb),
        ("--max-memory-gb", common.max_memory_gb),
    ] {
        if !(v.is_finite() && v > 0.0) {
            anyhow::bail!("{flag} must be a positive number of GB, got {v}");
        }
    }
    if e.output_bytes > common.max_output_gb * 1e9 {
        anyhow::bail!(
            "this run would write about {} ({} steps × {} rows; --max-output-gb is {}); \
             fix: fewer --steps{}, --tidy parquet (about a third of the CSV), or raise the bound with --max-output-gb {:.0}",
            super::memory::gb(e.output_bytes),
            common.steps,
            e.rows_per_step,
            common.max_output_gb,
            if common.stocks { ", drop --stocks" } else { "" },
            (e.output_bytes / 1e9).ceil() + 1.0
        );
    }
    super::memory::check(e.memory_bytes, common.max_memory_gb, "this run", "")
}

/// Messages from the steps to a thread writing an output file.
enum Msg {
    Step(usize, Arc<StepRecord>),
    /// Every step was sent: the file may replace its destination.
    Done,
}

/// Runs `model` for the steps asked, streaming every step to the writers
/// (CSV and/or Parquet, each on its own thread, written into the staging
/// folder) and into the printed summary: nothing is kept per step, so
/// memory does not grow with the run. Then switches the folder into place.
fn run_and_write(
    mut model: plenum_sim::ArioModel,
    table: &MrioTable,
    common: &SimOutArgs,
    out: Option<OutDir>,
    command: &str,
    inputs: &[(String, String)],
) -> Result<()> {
    let stocks = common.stocks;
    let est = estimate(table, &model, common, stocks);
    check_bounds(&est, common)?;
    let layout = model.layout().clone();
    let rows = CsvRows::new(&layout.regions, &layout.sectors);
    let steps = usize::try_from(common.steps).context("--steps is too large")?;
    let (csv, parquet) = match (&out, common.tidy) {
        (None, _) => (false, false),
        (Some(_), TidyFormat::Csv) => (true, false),
        (Some(_), TidyFormat::Parquet) => (false, true),
        (Some(_), TidyFormat::Both) => (true, true),
    };
    let mut summary = Summary::new(&layout.regions, layout.sectors.len());
    let pb = crate::progress::spinner("simulating");
    // The table's hash (one SHA-256 stream over the table, ~0.1 s at
    // n = 5000) and the writers run on their own threads beside the
    // steps; the queues hold a few steps, so a slow disk slows the run
    // instead of filling memory.
    let (result, hash, written) = std::thread::scope(|s| {
        let hasher = out
            .is_some()
            .then(|| s.spawn(|| plenum_formats::native::table_hash(table)));
        let mut senders = Vec::new();
        let mut writers = Vec::new();
        if csv {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(QUEUE_STEPS);
            let (path, rows) = (out.as_ref().map(|o| o.path("trajectory.csv")), &rows);
            senders.push(tx);
            writers.push(s.spawn(move || match path {
                Some(p) => stream_csv(&p, rows, rx),
                None => Ok(()),
            }));
        }
        if parquet {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(QUEUE_STEPS);
            let path = out.as_ref().map(|o| o.path("trajectory.parquet"));
            let labels: Labels = (&layout.regions, &layout.sectors);
            senders.push(tx);
            writers.push(s.spawn(move || match path {
                Some(p) => stream_parquet(&p, labels, rx),
                None => Ok(()),
            }));
        }
        let result = model.run_streaming(steps, stocks, |t, rec| {
            summary.add(t, &rec);
            let rec = Arc::new(rec);
            for tx in &senders {
                // A writer that stopped reports its error at join.
                if tx.send(Msg::Step(t, Arc::clone(&rec))).is_err() {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        if matches!(result, Ok(n) if n == steps) {
            for tx in &senders {
                let _ = tx.send(Msg::Done);
            }
        }
        drop(senders);
        let written: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
        (result, hasher.map(|h| h.join()), written)
    });
    pb.finish_and_clear();
    // The run's own error first: the writers then only report that the
    // run stopped.
    let made = result?;
    for w in written {
        match w {
            Ok(r) => r?,
            Err(_) => anyhow::bail!("a thread writing the trajectory panicked"),
        }
    }
    if made != steps {
        anyhow::bail!("the run stopped after {made} of {steps} steps");
    }
    summary.had_shortage = model.had_shortage();
    crate::out!("{}", summary.text())?;
    if let Some(o) = &out {
        if csv {
            o.add_file("trajectory.csv");
        }
        if parquet {
            o.add_file("trajectory.parquet");
        }
        let hash = match hash {
            Some(Ok(h)) => h,
            Some(Err(_)) => anyhow::bail!("the thread hashing the table panicked"),
            None => plenum_formats::native::table_hash(table),
        };
        o.manifest_with_hash(table, hash, command, inputs, None)?;
        eprintln!("wrote {}", o.dir().display());
    }
    Ok(())
}

/// Writes trajectory.csv (atomically) from the steps received, rendering
/// each as it comes. Without [`Msg::Done`] (the run failed) the temporary
/// file is removed and no trajectory.csv appears.
fn stream_csv(
    path: &Path,
    rows: &CsvRows,
    rx: std::sync::mpsc::Receiver<Msg>,
) -> plenum_formats::Result<()> {
    use std::io::Write as _;
    plenum_formats::atomic::write_atomic(path, |w| {
        w.write_all(CSV_HEADER.as_bytes())?;
        for msg in rx {
            match msg {
                Msg::Step(t, rec) => w.write_all(rows.render_record(t, &rec).as_bytes())?,
                Msg::Done => return Ok(()),
            }
        }
        Err(std::io::Error::other(
            "the run stopped before its last step",
        ))
    })
}

/// Writes trajectory.parquet (atomically) from the steps received, one
/// piece per step (rows in the order of the CSV).
fn stream_parquet(
    path: &Path,
    labels: Labels<'_>,
    rx: std::sync::mpsc::Receiver<Msg>,
) -> plenum_formats::Result<()> {
    plenum_formats::atomic::write_atomic(path, |w| {
        let like = step_frame(labels, 0, None)?;
        let mut ps = plenum_formats::tidy::ParquetStream::new(w, &like)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        for msg in rx {
            match msg {
                Msg::Step(t, rec) => ps.write(&step_frame(labels, t, Some(&rec))?)?,
                Msg::Done => {
                    ps.finish()?;
                    return Ok(());
                }
            }
        }
        Err(std::io::Error::other(
            "the run stopped before its last step",
        ))
    })
}

/// The model's regions and sectors, in model order.
type Labels<'a> = (&'a [String], &'a [String]);

/// One step's tidy rows as a frame (empty without a record): the four
/// per-industry variables, then the inventories if recorded, in the order
/// of [`CsvRows::render`].
fn step_frame(
    (regions, sectors): Labels<'_>,
    t: usize,
    rec: Option<&StepRecord>,
) -> std::io::Result<TidyFrame> {
    let ns = sectors.len();
    let n = regions.len() * ns;
    let mut cols: [Vec<String>; 3] = Default::default();
    let mut value = Vec::new();
    if let Some(rec) = rec {
        let vars = [
            &rec.production_realised,
            &rec.production_capacity,
            &rec.final_demand_unmet,
            &rec.rebuild_demand,
        ];
        for (vals, name) in vars.iter().zip(plenum_sim::VARIABLES) {
            for (i, &v) in vals.iter().enumerate().take(n) {
                cols[0].push(regions[i / ns].clone());
                cols[1].push(sectors[i % ns].clone());
                cols[2].push(name.to_string());
                value.push(v);
            }
        }
        if let Some(st) = &rec.inputs_stocks {
            for (k, &v) in st.iter().enumerate() {
                let i = k % n;
                cols[0].push(regions[i / ns].clone());
                cols[1].push(sectors[i % ns].clone());
                cols[2].push(format!("inputs_stocks[{}]", sectors[k / n]));
                value.push(v);
            }
        }
    }
    let [region, sector, variable] = cols;
    TidyFrame::new(
        vec![
            ("step".into(), KeyColumn::Int(vec![t as i64; value.len()])),
            ("region".into(), KeyColumn::Text(region)),
            ("sector".into(), KeyColumn::Text(sector)),
            ("variable".into(), KeyColumn::Text(variable)),
        ],
        value,
    )
    .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The printed summary, folded step by step: per region, production at the
/// trough relative to the first step, when, at the end, and unmet final
/// demand summed over the run.
struct Summary {
    regions: Vec<String>,
    ns: usize,
    steps: usize,
    base: Vec<f64>,
    lo: Vec<(f64, usize)>,
    last: Vec<f64>,
    unmet: Vec<f64>,
    had_shortage: bool,
}

impl Summary {
    fn new(regions: &[String], ns: usize) -> Self {
        let nr = regions.len();
        Self {
            regions: regions.to_vec(),
            ns,
            steps: 0,
            base: vec![0.0; nr],
            lo: vec![(f64::INFINITY, 0); nr],
            last: vec![0.0; nr],
            unmet: vec![0.0; nr],
            had_shortage: false,
        }
    }

    fn add(&mut self, t: usize, rec: &StepRecord) {
        let ns = self.ns;
        for r in 0..self.regions.len() {
            let v: f64 = rec.production_realised[r * ns..(r + 1) * ns].iter().sum();
            if t == 0 {
                self.base[r] = v;
            }
            if v < self.lo[r].0 {
                self.lo[r] = (v, t);
            }
            self.last[r] = v;
            self.unmet[r] += rec.final_demand_unmet[r * ns..(r + 1) * ns]
                .iter()
                .sum::<f64>();
        }
        self.steps = t + 1;
    }

    fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} steps; inventories ever constraining production: {}\n",
            self.steps,
            if self.had_shortage { "yes" } else { "no" }
        );
        let _ = writeln!(
            s,
            "{:<16} {:>12} {:>10} {:>12} {:>18}",
            "region", "trough %", "at step", "final %", "unmet final dem."
        );
        if self.steps == 0 {
            return s;
        }
        for (r, name) in self.regions.iter().enumerate() {
            let base = self.base[r];
            let pct = |v: f64| {
                if base != 0.0 {
                    100.0 * v / base
                } else {
                    f64::NAN
                }
            };
            let _ = writeln!(
                s,
                "{:<16} {:>12.3} {:>10} {:>12.3} {:>18.4e}",
                crate::output::printable(name),
                pct(self.lo[r].0),
                self.lo[r].1,
                pct(self.last[r]),
                self.unmet[r]
            );
        }
        s
    }
}

/// A CSV field as plenum_formats' tidy CSV writes it: quoted (with quotes
/// doubled) when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The header of the tidy trajectory CSV.
const CSV_HEADER: &str = "step,region,sector,variable,value\n";

/// Renders the rows of one step of the tidy trajectory CSV: byte for byte
/// what `plenum_formats::tidy::to_csv_string(&tidy(traj))` gives for that
/// step (rows in [`Trajectory::tidy_rows`]'s order, values in Rust's
/// shortest round-trip form).
struct CsvRows {
    /// "region,sector," per industry.
    keys: Vec<String>,
    /// The first four of [`plenum_sim::VARIABLES`], as CSV fields.
    names: Vec<String>,
    /// "inputs_stocks[sector]" per input sector, as CSV fields.
    stock_names: Vec<String>,
}

impl CsvRows {
    fn new(regions: &[String], sectors: &[String]) -> Self {
        let ns = sectors.len();
        let regions: Vec<String> = regions.iter().map(|r| csv_field(r)).collect();
        let fields: Vec<String> = sectors.iter().map(|s| csv_field(s)).collect();
        Self {
            keys: (0..regions.len() * ns)
                .map(|i| format!("{},{},", regions[i / ns], fields[i % ns]))
                .collect(),
            names: plenum_sim::VARIABLES[..4]
                .iter()
                .map(|v| csv_field(v))
                .collect(),
            stock_names: sectors
                .iter()
                .map(|s| csv_field(&format!("inputs_stocks[{s}]")))
                .collect(),
        }
    }

    /// Step `t`'s rows: the four per-industry variables in
    /// [`plenum_sim::VARIABLES`] order (a missing one is skipped), then the
    /// inventories (input-major) if recorded.
    fn render(&self, t: usize, vars: [Option<&[f64]>; 4], stocks: Option<&[f64]>) -> String {
        let n = self.keys.len();
        let mut out = String::with_capacity(n * 4 * 48);
        // The fixed pieces pushed as strings, the value through
        // `push_f64` (the text of `{v:?}`): the same bytes as
        // `writeln!(out, "{t},{key}{name},{v:?}")`, without parsing a
        // format per row.
        let ts = format!("{t},");
        let row = |out: &mut String, key: &str, name: &str, v: f64| {
            out.push_str(&ts);
            out.push_str(key);
            out.push_str(name);
            out.push(',');
            plenum_formats::tidy::push_f64(out, v);
            out.push('\n');
        };
        for (vals, name) in vars.iter().zip(&self.names) {
            for (key, &v) in self.keys.iter().zip(vals.unwrap_or_default()) {
                row(&mut out, key, name, v);
            }
        }
        if let Some(st) = stocks {
            for (k, &v) in st.iter().enumerate() {
                row(&mut out, &self.keys[k % n], &self.stock_names[k / n], v);
            }
        }
        out
    }

    /// [`CsvRows::render`] for a step of the ARIO engine.
    fn render_record(&self, t: usize, rec: &StepRecord) -> String {
        self.render(
            t,
            [
                Some(&rec.production_realised),
                Some(&rec.production_capacity),
                Some(&rec.final_demand_unmet),
                Some(&rec.rebuild_demand),
            ],
            rec.inputs_stocks.as_deref(),
        )
    }
}

#[cfg(test)]
#[path = "simulate_tests.rs"]
mod tests;
