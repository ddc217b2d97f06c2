//! `[households]` ([`crate::blocks::households`]): the consumer-confidence
//! path.

use super::Resolver;
use crate::error::Result;
use crate::schema::RawHouseholds;
use crate::time::LevelPath;

pub(super) fn resolve(r: &Resolver<'_>, raw: Option<RawHouseholds>) -> Result<LevelPath> {
    r.level_path(
        "households.confidence",
        raw.and_then(|h| h.confidence),
        40.0,
        160.0,
    )
}
