//! `[local_government]` ([`crate::blocks::localgov`]): extra transfers
//! and debt swaps.

use super::Resolver;
use crate::error::Result;
use crate::params::Params;
use crate::schema::{RawLocal, Swap};
use crate::time::LevelPath;

pub(super) fn resolve(
    r: &Resolver<'_>,
    raw: Option<RawLocal>,
    params: &Params,
) -> Result<(LevelPath, Vec<Swap>)> {
    let local = raw.unwrap_or_default();
    let extra_transfers = r.level_path(
        "local_government.extra_transfers",
        local.extra_transfers,
        -2.0,
        5.0,
    )?;
    let mut swaps = Vec::new();
    for s in local.swap.unwrap_or_default() {
        let key = |k: &str| format!("local_government.swap[{}].{k}", s.id);
        let start = r.quarter(&key("start"), &s.start)?;
        let end = r.quarter(&key("end"), &s.end)?;
        if end < start {
            return Err(r.invalid(
                &key("end"),
                &s.end,
                "a swap end not before its start",
                "swap start and end",
            ));
        }
        swaps.push(Swap {
            amount: r.check(&key("amount"), s.amount, 0.0, 40.0, "tn yuan swapped")?,
            rate: r.check(
                &key("rate"),
                s.rate.unwrap_or(params.swap_interest_rate),
                0.0,
                10.0,
                "% per year",
            )?,
            id: s.id,
            start,
            end,
        });
    }
    Ok((extra_transfers, swaps))
}
