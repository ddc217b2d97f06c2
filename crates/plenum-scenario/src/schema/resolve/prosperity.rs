//! `[common_prosperity]` ([`crate::blocks::prosperity`]): the transfer path.

use super::Resolver;
use crate::error::Result;
use crate::schema::RawCommonProsperity;
use crate::time::LevelPath;

pub(super) fn resolve(r: &Resolver<'_>, raw: Option<RawCommonProsperity>) -> Result<LevelPath> {
    r.level_path(
        "common_prosperity.transfer",
        raw.and_then(|c| c.transfer),
        0.0,
        5.0,
    )
}
