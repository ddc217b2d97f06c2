//! Tests of `plenum simulate`: the streamed CSV and Parquet files hold the
//! engine's own tidy rows (and only a whole run is kept), the summary folds
//! the steps, and the run-size bounds refuse large runs naming the flag.

use super::*;
use plenum_sim::Trajectory;

/// The tidy frame of a whole trajectory, from the engine's own tidy
/// rows: what the streamed files must hold.
fn tidy(traj: &Trajectory) -> TidyFrame {
    let mut cols: [Vec<String>; 3] = Default::default();
    let (mut step, mut value) = (Vec::new(), Vec::new());
    for r in traj.tidy_rows() {
        step.push(r.step as i64);
        cols[0].push(r.region.to_string());
        cols[1].push(r.sector.to_string());
        cols[2].push(r.variable.into_owned());
        value.push(r.value);
    }
    let [region, sector, variable] = cols;
    TidyFrame::new(
        vec![
            ("step".into(), KeyColumn::Int(step)),
            ("region".into(), KeyColumn::Text(region)),
            ("sector".into(), KeyColumn::Text(sector)),
            ("variable".into(), KeyColumn::Text(variable)),
        ],
        value,
    )
    .expect("frame")
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

fn trajectory() -> Trajectory {
    let mut traj = Trajectory {
        regions: vec!["CN".into(), "a,b".into()],
        sectors: vec!["x\"y".into(), "s2".into(), "s3".into()],
        temporal_units: vec![0.0, 1.0, 2.0],
        production_realised: vec![vec![1.0, 2.5, 1e-9, 3e20, -0.0, f64::NAN]; 3],
        production_capacity: vec![vec![0.1; 6]; 3],
        final_demand_unmet: vec![vec![0.0; 6]; 3],
        rebuild_demand: vec![vec![7.25; 6]; 3],
        inputs_stocks: vec![(0..18).map(|k| k as f64 / 3.0).collect(); 3],
        had_shortage: false,
    };
    traj.inputs_stocks[1][4] = f64::INFINITY;
    traj
}

fn labels(traj: &Trajectory) -> Labels<'_> {
    (&traj.regions, &traj.sectors)
}

/// Sends the steps of `traj` to `write` (with the final Done or not).
fn send<F>(traj: &Trajectory, done: bool, write: F) -> plenum_formats::Result<()>
where
    F: FnOnce(std::sync::mpsc::Receiver<Msg>) -> plenum_formats::Result<()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    for t in 0..traj.n_steps() {
        tx.send(Msg::Step(t, Arc::new(record(traj, t))))
            .expect("send");
    }
    if done {
        tx.send(Msg::Done).expect("send");
    }
    drop(tx);
    write(rx)
}

/// The CSV written step by step while a run goes on is the tidy
/// frame's CSV, byte for byte (with and without inventories, names
/// that need quoting, values in scientific notation); a run that stops
/// early leaves no file (and no temporary file) behind.
#[test]
fn streamed_csv_is_the_tidy_csv_and_only_a_whole_run_is_kept() {
    let mut traj = trajectory();
    for with_stocks in [true, false] {
        if !with_stocks {
            traj.inputs_stocks.clear();
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("trajectory.csv");
        let rows = CsvRows::new(&traj.regions, &traj.sectors);
        assert!(send(&traj, false, |rx| stream_csv(&path, &rows, rx)).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
        send(&traj, true, |rx| stream_csv(&path, &rows, rx)).expect("whole run");
        let got = std::fs::read_to_string(&path).expect("csv");
        assert_eq!(got, plenum_formats::tidy::to_csv_string(&tidy(&traj)));
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }
}

/// The Parquet written step by step holds the rows of the tidy frame,
/// in order (each step's frame is the frame's rows of that step).
#[test]
fn streamed_parquet_steps_are_the_tidy_rows() {
    let traj = trajectory();
    let whole = tidy(&traj);
    let lay = labels(&traj);
    let per_step = whole.len() / traj.n_steps();
    for t in 0..traj.n_steps() {
        let f = step_frame(lay, t, Some(&record(&traj, t))).expect("frame");
        assert_eq!(f.len(), per_step);
        let cut = |c: &KeyColumn| match c {
            KeyColumn::Text(v) => KeyColumn::Text(v[t * per_step..(t + 1) * per_step].to_vec()),
            KeyColumn::Int(v) => KeyColumn::Int(v[t * per_step..(t + 1) * per_step].to_vec()),
        };
        for ((_, a), (_, b)) in f.keys.iter().zip(&whole.keys) {
            assert_eq!(a, &cut(b));
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&f.value),
            bits(&whole.value[t * per_step..(t + 1) * per_step])
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("trajectory.parquet");
    assert!(send(&traj, false, |rx| stream_parquet(&path, lay, rx)).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    send(&traj, true, |rx| stream_parquet(&path, lay, rx)).expect("whole run");
    let bytes = std::fs::read(&path).expect("parquet");
    assert_eq!(&bytes[..4], b"PAR1");
}

/// The summary folded step by step is the one of the whole trajectory.
#[test]
fn summary_folds_the_steps() {
    let mut traj = trajectory();
    traj.production_realised[1][0] = 0.5;
    traj.production_realised[2][5] = 1.0;
    let mut s = Summary::new(&traj.regions, traj.sectors.len());
    for t in 0..traj.n_steps() {
        s.add(t, &record(&traj, t));
    }
    assert_eq!(s.steps, 3);
    assert_eq!(s.lo[0], ([0.5, 2.5, 1e-9].iter().sum::<f64>(), 1));
    assert_eq!(s.last[0], [1.0, 2.5, 1e-9].iter().sum::<f64>());
    assert!(s.text().contains("3 steps"));
}

/// The estimate grows with the steps and the inventories, and the
/// bounds refuse a run past them, naming the flag that lifts them.
#[test]
fn bounds_refuse_large_runs_and_name_the_flag() {
    let args = |steps: u64, stocks: bool| SimOutArgs {
        steps,
        out: Some(std::path::PathBuf::from("out")),
        tidy: TidyFormat::Csv,
        stocks,
        no_stocks: false,
        max_output_gb: 10.0,
        max_memory_gb: 8.0,
    };
    let e = Estimate {
        rows_per_step: 1000,
        output_bytes: 2e10,
        memory_bytes: 1e9,
    };
    let msg = check_bounds(&e, &args(1000, false))
        .expect_err("too large")
        .to_string();
    assert!(
        msg.contains("20.00 GB") && msg.contains("--max-output-gb 21"),
        "{msg}"
    );
    let e = Estimate {
        memory_bytes: 9e9,
        output_bytes: 0.0,
        ..e
    };
    let msg = check_bounds(&e, &args(1, false))
        .expect_err("too large")
        .to_string();
    assert!(
        msg.contains("9.00 GB") && msg.contains("--max-memory-gb 10"),
        "{msg}"
    );
}
