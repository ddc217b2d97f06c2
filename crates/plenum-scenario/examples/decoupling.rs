//! Prints the parameter table (markdown, for docs/calibration.md) and
//! what the full-decoupling experiment costs on the embedded default table.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("{}", plenum_scenario::params::markdown_table());
    let t = plenum_testdata::default_table()?;
    let e = plenum_scenario::Economy::from_table(&t)?;
    let mut scns = vec![plenum_scenario::shipped::shipped("baseline-2024").ok_or("no baseline")??];
    scns.push(plenum_scenario::shipped::shipped("full-decoupling").ok_or("no experiment")??);
    let set = plenum_scenario::run_all(&e, &scns)?;
    let (b, d) = (&set.runs[0], &set.runs[1]);
    for y in [2024, 2025, 2026, 2028, 2030] {
        let loss = |r: &str| {
            100.0 * (d.annual_sum("gdp_real", r, y) / b.annual_sum("gdp_real", r, y) - 1.0)
        };
        let world: f64 = t
            .labels()
            .regions()
            .iter()
            .map(|r| d.annual_sum("gdp_real", r, y))
            .sum::<f64>()
            / t.labels()
                .regions()
                .iter()
                .map(|r| b.annual_sum("gdp_real", r, y))
                .sum::<f64>();
        println!("{y}: CHN {:+.2}% USA {:+.2}% JPN {:+.2}% KOR {:+.2}% TWN {:+.2}% EU_REST {:+.2}% world {:+.2}%", loss("CHN"), loss("USA"), loss("JPN"), loss("KOR"), loss("TWN"), loss("EU_REST"), 100.0 * (world - 1.0));
    }
    for l in plenum_scenario::summary::narrative(d, Some(b)) {
        println!("{l}");
    }
    // Rogoff-Yang check: a 20% fall in real-estate activity: the exogenous
    // paths 20% below the baseline's from 2025 on (its 2025 rates, -7.7%
    // and -11.5%, times 0.8; later years the baseline's); the credit
    // channel then responds as it does.
    let text = "schema = 1\nname = \"ry\"\ndescription = \"20% fall in real-estate activity in 2025\"\nextends = \"baseline-2024\"\n[property]\ninvestment_growth = { 2025 = -26.2 }\nsales_growth = { 2025 = -29.2 }\n";
    let s = plenum_scenario::parse_scenario(text, "ry.toml", &plenum_scenario::shipped::lookup)?;
    let r = plenum_scenario::run_scenario(&e, &s, set.calibration.growth, None)?;
    println!(
        "property -20% vs baseline path in 2026: CHN GDP {:+.2}%",
        100.0
            * (r.annual_sum("gdp_real", "CHN", 2026) / b.annual_sum("gdp_real", "CHN", 2026) - 1.0)
    );
    println!(
        "2023 growth (not fitted): {:.2}%",
        b.annual_growth("CHN", 2023)
    );
    for reg in t.labels().regions() {
        print!("{reg} {:.2}  ", b.annual_growth(reg, 2024));
    }
    println!();
    Ok(())
}
