//! Property: paths of real-estate investment and sales.
//!
//! The scenario gives y/y growth rates by year of real-estate development
//! investment (I^P) and of sales (S^P); [`crate::time::GrowthPath`] turns
//! them into indices (2022 average = 1). Their demand falls through the
//! table:
//!
//! - investment: the share ψ_P (`property_share_of_construction_investment`)
//!   of China's investment demand for construction moves with I^P; the
//!   construction sector then buys from its suppliers (cement, steel,
//!   machinery, services) through A;
//! - sales: the share ψ_S (`sales_share_of_real_estate_demand`) of China's
//!   final demand for real-estate services (brokerage and new-home services
//!   in the household and investment columns) moves with S^P;
//! - sales also drive land-sale revenue ([`super::localgov`]).
//!
//! Calibration facts (NBS): investment −10.0% (2022), −9.6% (2023); sales
//! value −28.3% (2022), −6.5% (2023, 11.66 tn yuan). Rogoff and Yang's
//! check — a 20% fall in real-estate activity cuts GDP by 5-10% — is
//! compared with the model's own response in docs/calibration.md.

use crate::time::{GrowthPath, Quarter};

/// The two property indices at quarter t.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PropertyIndices {
    pub investment: f64,
    pub sales: f64,
}

pub fn indices(investment: &GrowthPath, sales: &GrowthPath, t: Quarter) -> PropertyIndices {
    PropertyIndices {
        investment: investment.index(t),
        sales: sales.index(t),
    }
}

/// Sales on the land market's calendar: from 2023 on each quarter is the
/// same quarter a year before times (1 + the year's rate), so a quarter's
/// y/y change is its year's rate exactly (as NBS and MoF report them);
/// 2022 is the smooth path of [`GrowthPath::index`].
pub fn sales_yoy_index(sales: &GrowthPath, t: Quarter) -> f64 {
    let base = Quarter::new(crate::time::BASE_YEAR + 1, 1);
    if t < base {
        return sales.index(t);
    }
    let mut q = t;
    let mut f = 1.0;
    while q >= base {
        f *= (1.0 + sales.rate(q.year()) / 100.0).max(0.0);
        q = Quarter(q.0 - 4);
    }
    f * sales.index(q)
}

/// Sales relative to their 2023 average on the land market's calendar
/// ([`sales_yoy_index`]), for the land-revenue equation: land revenue in a
/// quarter moves y/y with that year's sales rate (to the power β), so H1
/// 2024 land revenue is (1 + r₂₀₂₄)^β of H1 2023 (times prices).
pub fn land_sales_relative_to_2023(sales: &GrowthPath, t: Quarter) -> f64 {
    let avg: f64 = (0..4)
        .map(|q| sales_yoy_index(sales, Quarter::new(2023, q + 1)))
        .sum::<f64>()
        / 4.0;
    if avg > 0.0 {
        sales_yoy_index(sales, t) / avg
    } else {
        0.0
    }
}

/// Sales relative to their 2023 average (smooth path).
pub fn sales_relative_to_2023(sales: &GrowthPath, t: Quarter) -> f64 {
    let avg: f64 = (0..4)
        .map(|q| sales.index(Quarter::new(2023, q + 1)))
        .sum::<f64>()
        / 4.0;
    sales.index(t) / avg
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn sales_fall_by_their_rate() {
        let mut by_year = BTreeMap::new();
        by_year.insert(2022, -28.3);
        by_year.insert(2023, -6.5);
        by_year.insert(2024, -21.0);
        let s = GrowthPath {
            by_year,
            level_shift: None,
        };
        let avg = |y: i32| {
            (0..4)
                .map(|q| sales_relative_to_2023(&s, Quarter::new(y, q + 1)))
                .sum::<f64>()
                / 4.0
        };
        assert!((avg(2023) - 1.0).abs() < 1e-12);
        // Within a year of constant quarterly decline, the average of the
        // next year falls by the next year's rate.
        assert!((avg(2025) / avg(2024) - 0.79).abs() < 1e-9);
        // On the land market's calendar every quarter falls by its year's
        // rate, and 2023 averages 1.
        for q in 1..=4 {
            let r = land_sales_relative_to_2023(&s, Quarter::new(2024, q))
                / land_sales_relative_to_2023(&s, Quarter::new(2023, q));
            assert!((r - 0.79).abs() < 1e-12);
        }
        let a23: f64 = (1..=4)
            .map(|q| land_sales_relative_to_2023(&s, Quarter::new(2023, q)))
            .sum::<f64>();
        assert!((a23 / 4.0 - 1.0).abs() < 1e-12);
    }
}
