//! `[[self_reliance.programme]]` ([`crate::blocks::selfreliance`]).

use super::Resolver;
use crate::error::Result;
use crate::params::Params;
use crate::schema::{Programme, RawSelfReliance};

pub(super) fn resolve(
    r: &Resolver<'_>,
    raw: Option<RawSelfReliance>,
    params: &Params,
) -> Result<Vec<Programme>> {
    let mut programmes = Vec::new();
    for p in raw.and_then(|s| s.programme).unwrap_or_default() {
        let key = |k: &str| format!("self_reliance.programme[{}].{k}", p.id);
        let start = r.quarter(&key("start"), &p.start)?;
        let end = r.quarter(&key("end"), &p.end)?;
        if end < start {
            return Err(r.invalid(
                &key("end"),
                &p.end,
                "a programme end not before its start",
                "swap start and end",
            ));
        }
        programmes.push(Programme {
            amount: r.check(&key("amount"), p.amount, 0.0, 20_000.0, "bn yuan")?,
            spending: r.shares(&key("spending"), p.spending.clone(), true)?,
            lag: r.check(
                &key("lag"),
                p.lag.unwrap_or(params.sr_lag),
                0.0,
                40.0,
                "quarters",
            )?,
            capital_output_ratio: r.check(
                &key("capital_output_ratio"),
                p.capital_output_ratio
                    .unwrap_or(params.sr_capital_output_ratio),
                0.5,
                10.0,
                "years of output",
            )?,
            technology_yield: r.check(
                &key("technology_yield"),
                p.technology_yield.unwrap_or(params.sr_technology_yield),
                0.0,
                1.0,
                "a share",
            )?,
            id: p.id,
            start,
            end,
            target: p.target,
        });
    }
    Ok(programmes)
}
