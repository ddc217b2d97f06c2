//! Times the phases of an ARIO run on a pymrio folder and a BoARIO-style
//! event file (what `plenum simulate ario` does, without the output):
//! `cargo run --release -p plenum-sim --example bench_ario_folder -- FOLDER
//! EVENT.toml STEPS`. Prints read, build and run times and the time per step.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [folder, event, steps] = args.as_slice() else {
        return Err("usage: bench_ario_folder FOLDER EVENT.toml STEPS".into());
    };
    let steps: usize = steps.parse()?;
    let t0 = Instant::now();
    let table = plenum_formats::pymrio::read_pymrio(
        std::path::Path::new(folder),
        &plenum_formats::pymrio::default_policy(),
    )?;
    let read = t0.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(event)?;
    let t1 = Instant::now();
    let file = plenum_sim::parse_event_file(&text, event)?;
    let mut model = plenum_sim::build_ario(&table, &file)?;
    let build = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let traj = model.run(steps, false)?;
    let run = t2.elapsed().as_secs_f64();
    let last: f64 = traj
        .production_realised
        .last()
        .map_or(0.0, |x| x.iter().sum());
    println!(
        "n={} steps={steps} read={read:.3}s build={build:.3}s run={run:.3}s per_step={:.2}ms final_output={last:.9e}",
        traj.n_industries(),
        run * 1e3 / steps as f64
    );
    Ok(())
}
