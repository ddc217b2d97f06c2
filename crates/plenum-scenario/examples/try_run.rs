//! Runs the shipped scenarios on the synthetic test table (or WIOD 2011
//! aggregated, with `wiod` as argument) and prints the comparison and texts.
#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table = if std::env::args().any(|a| a == "wiod") {
        common::wiod_table().ok_or("no data")?
    } else {
        common::synthetic_table(7)
    };
    let econ = plenum_scenario::Economy::from_table(&table)?;
    let scns = plenum_scenario::shipped::all()?;
    let t0 = std::time::Instant::now();
    let out = plenum_scenario::run_all(&econ, &scns)?;
    eprintln!("run_all: {:?}", t0.elapsed());
    println!("{:?}", out.calibration);
    println!("{}", plenum_scenario::summary::comparison_text(&out.runs));
    let b = &out.runs[0];
    for (k, q) in b.quarters.iter().enumerate() {
        let g = |v: &str| b.series(v, "CHN").map_or(f64::NAN, |s| s.values[k]);
        println!("{q} g={:.2} C={:.0} G={:.0} I={:.0} land={:.3} spend={:.3} cut={:.3} debt%={:.1} sr={:.2} inv={:.3}", g("gdp_growth_yoy"), g("consumption"), g("government"), g("investment"), g("land_revenue"), g("local_spending"), g("local_spending_cut"), g("local_debt_to_gdp"), g("self_reliance_chips"), g("inventory_drawdown"));
    }
    for r in &out.runs {
        println!("== {}", r.name);
        for l in plenum_scenario::summary::narrative(r, out.runs.first()) {
            println!("  {l}");
        }
    }
    Ok(())
}
