//! `plenum simulate ario` (BoARIO's inputs, BoARIO's numbers) and
//! `plenum simulate --shocks` (the extended mechanisms: trade restrictions,
//! critical inputs, capacity and final-demand paths).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use plenum_formats::tidy::{KeyColumn, TidyFrame};
use plenum_sim::{StepRecord, Trajectory};
use plenum_table::MrioTable;

use crate::cli::{SimOutArgs, SimulateArgs, SimulateMode, TidyFormat};
use crate::output::OutDir;
use crate::source;

fn read_text(p: &Path) -> Result<(String, String)> {
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
            let policy = plenum_formats::pymrio::default_policy();
            let table = plenum_formats::pymrio::read_pymrio(&mrio, &policy)?;
            let (text, name) = read_text(&event)?;
            let file = plenum_sim::parse_event_file(&text, &name)?;
            let mut model = plenum_sim::build_ario(&table, &file)?;
            // A folder this run creates is removed again if the run fails
            // (it is then empty: the streamed CSV is only renamed into place
            // after the last step).
            let created = common.out.as_ref().filter(|d| !d.exists());
            let out = match &common.out {
                Some(dir) => Some(OutDir::create(dir, common.tidy)?),
                None => None,
            };
            let stream = out
                .as_ref()
                .filter(|o| matches!(o.format(), TidyFormat::Csv | TidyFormat::Both));
            let rows = CsvRows::new(&model.layout().regions, &model.layout().sectors);
            let pb = crate::progress::spinner("simulating");
            // Two jobs run on their own threads while the steps run, each
            // with the same result as after the run: the manifest's table
            // hash (one SHA-256 stream over the whole table, ~0.1 s of CPU
            // at n = 5000), and the trajectory CSV, each step rendered and
            // written as soon as it is made. They use cores the steps leave
            // idle; on two busy cores they mostly share them (BENCHMARKS.md).
            let (traj, hash, written) = std::thread::scope(|s| {
                let hasher = out
                    .is_some()
                    .then(|| s.spawn(|| plenum_formats::native::table_hash(&table)));
                let (tx, rx) = std::sync::mpsc::channel::<CsvMsg>();
                let writer = stream.map(|o| {
                    let (path, rows) = (o.path("trajectory.csv"), &rows);
                    s.spawn(move || stream_csv(&path, rows, rx))
                });
                let traj = model.run_each(common.steps, !common.no_stocks, |t, rec| {
                    if writer.is_some() {
                        // A writer that stopped reports its error at join.
                        let _ = tx.send(CsvMsg::Step(t, rec.clone()));
                    }
                });
                if traj.is_ok() {
                    let _ = tx.send(CsvMsg::Done);
                }
                drop(tx);
                let hash = hasher.map(|h| h.join());
                let written = writer.map(|w| w.join());
                (traj, hash, written)
            });
            pb.finish_and_clear();
            let traj = match traj {
                Ok(t) => t,
                Err(e) => {
                    if let Some(d) = created {
                        let _ = std::fs::remove_dir(d);
                    }
                    return Err(e.into());
                }
            };
            match written {
                Some(Ok(r)) => r?,
                Some(Err(_)) => anyhow::bail!("the thread writing trajectory.csv panicked"),
                None => {}
            }
            let hash = match hash {
                Some(Ok(h)) => Some(h),
                Some(Err(_)) => anyhow::bail!("the thread hashing the table panicked"),
                None => None,
            };
            if let Some(o) = &out {
                if stream.is_some() {
                    o.add_file("trajectory.csv");
                }
            }
            finish(
                &table,
                hash,
                &traj,
                &common,
                out.as_ref(),
                stream.is_some(),
                "simulate ario",
                &[(name, plenum_formats::tidy::sha256_hex(text.as_bytes()))],
            )
        }
        None => {
            let Some(shocks) = &args.shocks else {
                anyhow::bail!("give a shocks file with --shocks FILE (see docs/engine.md), or use `plenum simulate ario` for BoARIO's inputs");
            };
            let loaded = source::load(&args.input)?;
            let (text, name) = read_text(shocks)?;
            let file = plenum_sim::parse_shocks_file(&text, &name)?;
            let mut model = plenum_sim::build_extended(&loaded.table, &file)?;
            let pb = crate::progress::spinner("simulating");
            let traj = model.run(args.common.steps, !args.common.no_stocks)?;
            pb.finish_and_clear();
            let out = match &args.common.out {
                Some(dir) => Some(OutDir::create(dir, args.common.tidy)?),
                None => None,
            };
            finish(
                &loaded.table,
                None,
                &traj,
                &args.common,
                out.as_ref(),
                false,
                "simulate",
                &[(name, plenum_formats::tidy::sha256_hex(text.as_bytes()))],
            )
        }
    }
}

/// Messages from the steps to the thread writing trajectory.csv.
enum CsvMsg {
    Step(usize, StepRecord),
    /// Every step was sent: the file may replace its destination.
    Done,
}

/// Writes trajectory.csv (atomically) from the steps received, rendering
/// each as it comes. Without [`CsvMsg::Done`] (the run failed) the
/// temporary file is removed and no trajectory.csv appears.
fn stream_csv(
    path: &Path,
    rows: &CsvRows,
    rx: std::sync::mpsc::Receiver<CsvMsg>,
) -> plenum_formats::Result<()> {
    use std::io::Write as _;
    plenum_formats::atomic::write_atomic(path, |w| {
        w.write_all(CSV_HEADER.as_bytes())?;
        for msg in rx {
            match msg {
                CsvMsg::Step(t, rec) => w.write_all(rows.render_record(t, &rec).as_bytes())?,
                CsvMsg::Done => return Ok(()),
            }
        }
        Err(std::io::Error::other(
            "the run stopped before its last step",
        ))
    })
}

/// Prints the summary and writes the tidy trajectory into `out` (the CSV
/// only if `csv_written` is false: it may have been written while the
/// steps ran); `table_hash` is the table's hash when already computed
/// (else computed here).
#[allow(clippy::too_many_arguments)]
fn finish(
    table: &MrioTable,
    table_hash: Option<String>,
    traj: &Trajectory,
    common: &SimOutArgs,
    out: Option<&OutDir>,
    csv_written: bool,
    command: &str,
    inputs: &[(String, String)],
) -> Result<()> {
    crate::output::print(format_args!("{}", summary(traj)))?;
    if let Some(out) = out {
        // The CSV is rendered straight from the trajectory (the same bytes
        // as the tidy frame's CSV, without a string per key and row);
        // Parquet goes through the tidy frame.
        if !csv_written && matches!(out.format(), TidyFormat::Csv | TidyFormat::Both) {
            out.write_file_parts("trajectory.csv", &trajectory_csv(traj))?;
        }
        if matches!(out.format(), TidyFormat::Parquet | TidyFormat::Both) {
            let bytes = plenum_formats::tidy::to_parquet_bytes(&tidy(traj)?)?;
            out.write_file("trajectory.parquet", &bytes)?;
        }
        match table_hash {
            Some(h) => out.manifest_with_hash(table, h, command, inputs, None)?,
            None => out.manifest(table, command, inputs, None)?,
        }
        if let Some(dir) = &common.out {
            eprintln!("wrote {}", dir.display());
        }
    }
    Ok(())
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

/// The tidy trajectory as CSV ([`CsvRows`]), rendered in contiguous runs
/// of steps on the available threads; the file is the concatenation of the
/// returned parts (the header, then one part per step). The parts are
/// written as they are, not joined: at n = 5000 a joined copy is another
/// 92 MB of fresh pages to fault in and fill.
fn trajectory_csv(traj: &Trajectory) -> Vec<String> {
    let rows = CsvRows::new(&traj.regions, &traj.sectors);
    let step = |t: usize| -> String {
        let var = |name: &str| {
            traj.variable(name)
                .and_then(|v| v.get(t))
                .map(Vec::as_slice)
        };
        let vars = [0, 1, 2, 3].map(|k| var(plenum_sim::VARIABLES[k]));
        rows.render(t, vars, traj.inputs_stocks.get(t).map(Vec::as_slice))
    };
    let steps = traj.n_steps();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let per = steps.div_ceil(threads.max(1)).max(1);
    let runs: Vec<Vec<String>> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..steps)
            .step_by(per)
            .map(|t0| {
                let step = &step;
                sc.spawn(move || (t0..(t0 + per).min(steps)).map(step).collect::<Vec<_>>())
            })
            .collect();
        // A panic in a renderer is a bug; render that run again here so
        // that it surfaces on this thread.
        handles
            .into_iter()
            .enumerate()
            .map(|(k, h)| {
                h.join().unwrap_or_else(|_| {
                    let t0 = k * per;
                    (t0..(t0 + per).min(steps)).map(step).collect()
                })
            })
            .collect()
    });
    let mut parts = Vec::with_capacity(steps + 1);
    parts.push(CSV_HEADER.to_string());
    parts.extend(runs.into_iter().flatten());
    parts
}

fn tidy(traj: &Trajectory) -> Result<TidyFrame> {
    let mut step = Vec::new();
    let mut region = Vec::new();
    let mut sector = Vec::new();
    let mut variable = Vec::new();
    let mut value = Vec::new();
    for r in traj.tidy_rows() {
        step.push(r.step as i64);
        region.push(r.region.to_string());
        sector.push(r.sector.to_string());
        variable.push(r.variable.into_owned());
        value.push(r.value);
    }
    Ok(TidyFrame::new(
        vec![
            ("step".into(), KeyColumn::Int(step)),
            ("region".into(), KeyColumn::Text(region)),
            ("sector".into(), KeyColumn::Text(sector)),
            ("variable".into(), KeyColumn::Text(variable)),
        ],
        value,
    )?)
}

/// Per region: production at the trough relative to the first step, when,
/// at the end, and unmet final demand summed over the run.
fn summary(traj: &Trajectory) -> String {
    let mut s = String::new();
    let ns = traj.sectors.len();
    let steps = traj.n_steps();
    let _ = writeln!(
        s,
        "{} steps; inventories ever constraining production: {}\n",
        steps,
        if traj.had_shortage { "yes" } else { "no" }
    );
    let _ = writeln!(
        s,
        "{:<16} {:>12} {:>10} {:>12} {:>18}",
        "region", "trough %", "at step", "final %", "unmet final dem."
    );
    if steps == 0 {
        return s;
    }
    for (r, name) in traj.regions.iter().enumerate() {
        let total = |t: usize| {
            traj.production_realised[t][r * ns..(r + 1) * ns]
                .iter()
                .sum::<f64>()
        };
        let base = total(0);
        let (mut lo, mut at) = (f64::INFINITY, 0);
        for t in 0..steps {
            let v = total(t);
            if v < lo {
                lo = v;
                at = t;
            }
        }
        let unmet: f64 = (0..steps)
            .map(|t| {
                traj.final_demand_unmet[t][r * ns..(r + 1) * ns]
                    .iter()
                    .sum::<f64>()
            })
            .sum();
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
            name,
            pct(lo),
            at,
            pct(total(steps - 1)),
            unmet
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct CSV is the tidy frame's CSV, byte for byte, with
    /// inventories, with names that need quoting, and for values that
    /// print in scientific notation.
    #[test]
    fn trajectory_csv_equals_the_tidy_frame_csv() {
        let mut traj = Trajectory {
            regions: vec!["CN".into(), "a,b".into()],
            sectors: vec!["x\"y".into(), "s2".into(), "s3".into()],
            temporal_units: vec![0.0, 1.0],
            production_realised: vec![vec![1.0, 2.5, 1e-9, 3e20, -0.0, f64::NAN]; 2],
            production_capacity: vec![vec![0.1; 6]; 2],
            final_demand_unmet: vec![vec![0.0; 6]; 2],
            rebuild_demand: vec![vec![7.25; 6]; 2],
            inputs_stocks: vec![(0..18).map(|k| k as f64 / 3.0).collect(); 2],
            had_shortage: false,
        };
        traj.inputs_stocks[1][4] = f64::INFINITY;
        let want = plenum_formats::tidy::to_csv_string(&tidy(&traj).expect("frame"));
        assert_eq!(trajectory_csv(&traj).concat(), want);
        traj.inputs_stocks.clear();
        let want = plenum_formats::tidy::to_csv_string(&tidy(&traj).expect("frame"));
        assert_eq!(trajectory_csv(&traj).concat(), want);
    }

    fn record(traj: &Trajectory, t: usize) -> StepRecord {
        StepRecord {
            temporal_unit: traj.temporal_units[t],
            production_realised: traj.production_realised[t].clone(),
            production_capacity: traj.production_capacity[t].clone(),
            final_demand_unmet: traj.final_demand_unmet[t].clone(),
            rebuild_demand: traj.rebuild_demand[t].clone(),
            inputs_stocks: traj.inputs_stocks.get(t).cloned(),
        }
    }

    /// The CSV written step by step while a run goes on is the CSV of the
    /// whole trajectory; a run that stops early leaves no file (and no
    /// temporary file) behind.
    #[test]
    fn streamed_csv_is_the_trajectory_csv_and_only_a_whole_run_is_kept() {
        let traj = Trajectory {
            regions: vec!["CN".into(), "US".into()],
            sectors: vec!["a".into(), "b,c".into()],
            temporal_units: vec![0.0, 1.0, 2.0],
            production_realised: vec![vec![1.0, 2.5, 1e-9, 3e20]; 3],
            production_capacity: vec![vec![0.1; 4]; 3],
            final_demand_unmet: vec![vec![0.0; 4]; 3],
            rebuild_demand: vec![vec![7.25; 4]; 3],
            inputs_stocks: vec![(0..8).map(|k| k as f64 / 3.0).collect(); 3],
            had_shortage: false,
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("trajectory.csv");
        let rows = CsvRows::new(&traj.regions, &traj.sectors);
        let send_steps = |done: bool| {
            let (tx, rx) = std::sync::mpsc::channel();
            for t in 0..traj.n_steps() {
                tx.send(CsvMsg::Step(t, record(&traj, t))).expect("send");
            }
            if done {
                tx.send(CsvMsg::Done).expect("send");
            }
            drop(tx);
            stream_csv(&path, &rows, rx)
        };
        assert!(send_steps(false).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
        send_steps(true).expect("whole run");
        let got = std::fs::read_to_string(&path).expect("csv");
        assert_eq!(got, trajectory_csv(&traj).concat());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }
}
