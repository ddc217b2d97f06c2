//! `plenum compare A B …`: runs the named scenarios (files or shipped
//! names) on the embedded default table and compares them side by side:
//! the comparison table, then each scenario's difference from the first
//! (real GDP in the last year, average growth, chips self-reliance, local
//! debt/GDP, land revenue, consumption share). Writes the same outputs as
//! `plenum run` under `--out`.

use anyhow::Result;
use plenum_scenario::summary::summarise;

use crate::cli::CompareArgs;

pub fn compare(args: CompareArgs) -> Result<()> {
    let out = super::run::prepare_out(&args.out)?;
    let scenarios = super::run::load_scenarios(&args.scenarios)?;
    let runs = super::run::execute(&scenarios, &out, "compare")?;
    let Some(first) = runs.first() else {
        return Ok(());
    };
    let a = summarise(first);
    let ly = a.last_year;
    crate::output::print(format_args!("\ndifference from {} ({ly}):\n", first.name))?;
    crate::output::print(format_args!(
        "{:<22} {:>10} {:>9} {:>10} {:>10} {:>10} {:>10}\n",
        "scenario", "GDP %", "avg pp", "chips pp", "debt pp", "land tn", "cons pp"
    ))?;
    for r in &runs[1..] {
        let b = summarise(r);
        let gdp = 100.0
            * (r.annual_sum("gdp_real", &r.region, ly)
                / first.annual_sum("gdp_real", &first.region, ly)
                - 1.0);
        crate::output::print(format_args!(
            "{:<22} {:>+10.2} {:>+9.2} {:>+10.2} {:>+10.2} {:>+10.2} {:>+10.2}\n",
            r.name,
            gdp,
            b.growth_avg - a.growth_avg,
            b.self_reliance_end - a.self_reliance_end,
            b.debt_to_gdp_end - a.debt_to_gdp_end,
            b.land_revenue_end - a.land_revenue_end,
            b.consumption_share_end - a.consumption_share_end
        ))?;
    }
    Ok(())
}
