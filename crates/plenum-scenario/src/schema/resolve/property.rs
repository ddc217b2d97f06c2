//! `[property]` ([`crate::blocks::property`]): investment and sales growth.

use super::Resolver;
use crate::error::Result;
use crate::schema::RawProperty;
use crate::time::GrowthPath;

pub(super) fn resolve(
    r: &Resolver<'_>,
    raw: Option<RawProperty>,
) -> Result<(GrowthPath, GrowthPath)> {
    let prop = raw.unwrap_or_default();
    let investment = r.growth_path("property.investment_growth", prop.investment_growth, 0.0)?;
    let sales = r.growth_path("property.sales_growth", prop.sales_growth, 0.0)?;
    Ok((investment, sales))
}
