//! Probe: China's calibration, annual and quarterly growth and main
//! accounts in baseline-2024 on the embedded default table, optionally
//! under other engine settings (PROBE_SETTINGS, a shocks-file text with
//! `\n` for new lines).
//!
//!     cargo run --release -p plenum-scenario --example growth_probe
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = include_bytes!("../../../data/default/default.plenum");
    let table = plenum_formats::native::read_native_bytes(
        bytes,
        &plenum_table::ValidationPolicy::lenient(1e-6),
    )?;
    let mut econ = plenum_scenario::Economy::from_table(&table)?;
    if let Ok(s) = std::env::var("PROBE_SETTINGS") {
        let s = s.replace("\\n", "\n");
        econ.engine = plenum_scenario::engine::base_model_with(&table, &s)?;
    }
    let scns = plenum_scenario::shipped::all()?;
    let out = plenum_scenario::run_all(&econ, &scns[..1])?;
    println!("{:?}", out.calibration);
    let b = &out.runs[0];
    let years: Vec<String> = (2023..=2030)
        .map(|y| format!("{y}:{:.2}", b.annual_growth("CHN", y)))
        .collect();
    println!("annual {}", years.join(" "));
    let qs: Vec<String> = b
        .quarters
        .iter()
        .zip(
            &b.series("gdp_growth_yoy", "CHN")
                .ok_or("no growth series")?
                .values,
        )
        .map(|(q, v)| format!("{q}:{v:.1}"))
        .collect();
    println!("yoy {}", qs.join(" "));
    for v in [
        "consumption",
        "government",
        "investment",
        "net_exports",
        "inventory_drawdown",
        "local_spending_cut",
        "land_revenue",
        "local_debt_to_gdp",
        "gdp",
    ] {
        if let Some(sr) = b.series(v, "CHN") {
            let x: Vec<String> = sr
                .values
                .iter()
                .step_by(2)
                .map(|v| format!("{v:.0}"))
                .collect();
            println!("{v}: {}", x.join(" "));
        }
    }
    Ok(())
}
