//! Merging a file onto the file it `extends`: a key given in the file
//! replaces the inherited key, maps are merged key by key, and lists of
//! tables are appended, an entry with the `id` of an inherited one
//! replacing it.

use super::raw::*;
use super::Map;

fn merge_map(base: Option<Map>, over: Option<Map>) -> Option<Map> {
    match (base, over) {
        (Some(mut b), Some(o)) => {
            b.extend(o);
            Some(b)
        }
        (b, o) => o.or(b),
    }
}

fn merge_list<T: Clone>(
    base: Option<Vec<T>>,
    over: Option<Vec<T>>,
    id: fn(&T) -> &str,
) -> Option<Vec<T>> {
    match (base, over) {
        (Some(mut b), Some(o)) => {
            for item in o {
                if let Some(slot) = b.iter_mut().find(|x| id(x) == id(&item)) {
                    *slot = item;
                } else {
                    b.push(item);
                }
            }
            Some(b)
        }
        (b, o) => o.or(b),
    }
}

macro_rules! merge_opt {
    ($b:expr, $o:expr, |$bb:ident, $oo:ident| $body:expr) => {
        match ($b, $o) {
            (Some($bb), Some($oo)) => Some($body),
            (b, o) => o.or(b),
        }
    };
}

/// Merges `over` onto `base` (see the module docs).
pub fn merge(base: RawScenario, over: RawScenario) -> RawScenario {
    RawScenario {
        schema: over.schema.or(base.schema),
        name: over.name.or(base.name),
        description: over.description.or(base.description),
        extends: over.extends,
        run: merge_opt!(base.run, over.run, |b, o| RawRun {
            end: o.end.or(b.end),
            seed: o.seed.or(b.seed),
        }),
        economy: merge_opt!(base.economy, over.economy, |b, o| RawEconomy {
            region: o.region.or(b.region),
            chips: o.chips.or(b.chips),
            equipment: o.equipment.or(b.equipment),
            construction: o.construction.or(b.construction),
            real_estate: o.real_estate.or(b.real_estate),
            households: o.households.or(b.households),
            government: o.government.or(b.government),
            investment: o.investment.or(b.investment),
        }),
        params: merge_map(base.params, over.params),
        distributions: match (base.distributions, over.distributions) {
            (Some(mut b), Some(o)) => {
                b.extend(o);
                Some(b)
            }
            (b, o) => o.or(b),
        },
        world: merge_opt!(base.world, over.world, |b, o| RawWorld {
            trend_growth: merge_map(b.trend_growth, o.trend_growth),
        }),
        households: merge_opt!(base.households, over.households, |b, o| RawHouseholds {
            confidence: merge_map(b.confidence, o.confidence),
        }),
        property: merge_opt!(base.property, over.property, |b, o| RawProperty {
            investment_growth: merge_map(b.investment_growth, o.investment_growth),
            sales_growth: merge_map(b.sales_growth, o.sales_growth),
            price_growth: merge_map(b.price_growth, o.price_growth),
        }),
        local_government: merge_opt!(base.local_government, over.local_government, |b, o| {
            RawLocal {
                extra_transfers: merge_map(b.extra_transfers, o.extra_transfers),
                swap: merge_list(b.swap, o.swap, |s| &s.id),
            }
        }),
        fdi: merge_opt!(base.fdi, over.fdi, |b, o| RawFdi {
            openness: merge_map(b.openness, o.openness),
            risk: merge_map(b.risk, o.risk),
            targeted: merge_map(b.targeted, o.targeted),
        }),
        self_reliance: merge_opt!(base.self_reliance, over.self_reliance, |b, o| {
            RawSelfReliance {
                programme: merge_list(b.programme, o.programme, |p| &p.id),
            }
        }),
        controls: merge_opt!(base.controls, over.controls, |b, o| RawControls {
            critical: merge_map(b.critical, o.critical),
            measure: merge_list(b.measure, o.measure, |m| &m.id),
        }),
        budget: merge_opt!(base.budget, over.budget, |b, o| RawBudget {
            official_deficit: merge_map(b.official_deficit, o.official_deficit),
            special_bond_quota: merge_map(b.special_bond_quota, o.special_bond_quota),
            ultra_long_bonds: merge_map(b.ultra_long_bonds, o.ultra_long_bonds),
        }),
        investment: merge_opt!(base.investment, over.investment, |b, o| RawInvestment {
            manufacturing_credit_growth: merge_map(
                b.manufacturing_credit_growth,
                o.manufacturing_credit_growth
            ),
            equipment_renewal_growth: merge_map(
                b.equipment_renewal_growth,
                o.equipment_renewal_growth
            ),
        }),
        money: merge_opt!(base.money, over.money, |b, o| RawMoney {
            lpr_cut_pp: merge_map(b.lpr_cut_pp, o.lpr_cut_pp),
            lpr5_cut_pp: merge_map(b.lpr5_cut_pp, o.lpr5_cut_pp),
            fx_managed_depreciation: merge_map(
                b.fx_managed_depreciation,
                o.fx_managed_depreciation
            ),
            foreign_rate_change_pp: merge_map(b.foreign_rate_change_pp, o.foreign_rate_change_pp),
        }),
        prices: merge_opt!(base.prices, over.prices, |b, o| RawPrices {
            import_price_growth: merge_map(b.import_price_growth, o.import_price_growth),
        }),
        common_prosperity: merge_opt!(base.common_prosperity, over.common_prosperity, |b, o| {
            RawCommonProsperity {
                transfer: merge_map(b.transfer, o.transfer),
            }
        }),
    }
}
