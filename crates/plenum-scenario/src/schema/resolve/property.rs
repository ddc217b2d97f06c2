//! `[property]` ([`crate::blocks::property`]): investment, sales and
//! house-price growth.

use super::Resolver;
use crate::error::Result;
use crate::schema::RawProperty;
use crate::time::GrowthPath;

pub(super) fn resolve(
    r: &Resolver<'_>,
    raw: Option<RawProperty>,
) -> Result<(GrowthPath, GrowthPath, GrowthPath)> {
    let prop = raw.unwrap_or_default();
    let investment = r.growth_path("property.investment_growth", prop.investment_growth, 0.0)?;
    let sales = r.growth_path("property.sales_growth", prop.sales_growth, 0.0)?;
    let prices = r.growth_path("property.price_growth", prop.price_growth, 0.0)?;
    Ok((investment, sales, prices))
}
