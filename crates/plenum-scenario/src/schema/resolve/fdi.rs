//! `[fdi]` ([`crate::blocks::fdi`]): openness and risk paths, targeted
//! shares.

use super::Resolver;
use crate::error::Result;
use crate::schema::RawFdi;
use crate::time::LevelPath;

type Fdi = (LevelPath, LevelPath, Vec<(String, f64)>);

pub(super) fn resolve(r: &Resolver<'_>, raw: Option<RawFdi>) -> Result<Fdi> {
    let fdi = raw.unwrap_or_default();
    let openness = r.level_path("fdi.openness", fdi.openness, -3.0, 3.0)?;
    let risk = r.level_path("fdi.risk", fdi.risk, -3.0, 3.0)?;
    let targeted = r.shares("fdi.targeted", fdi.targeted.unwrap_or_default(), false)?;
    if targeted.iter().map(|(_, v)| v).sum::<f64>() > 1.0 + 1e-9 {
        return Err(r.invalid(
            "fdi.targeted",
            "shares summing above 1",
            "shares of FDI summing to at most 1",
            "lower the shares",
        ));
    }
    Ok((openness, risk, targeted))
}
