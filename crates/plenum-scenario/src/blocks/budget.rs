//! One government budget: central and local government consolidated
//! (nominal tn yuan per quarter).
//!
//! Scenario inputs (`[budget]`, by year; a year not given repeats the last
//! one given):
//! - the official deficit δ_y, % of GDP (`official_deficit`; 2024: 3%,
//!   4.06 tn yuan, Government work report, March 2024): the general budget
//!   deficit, central borrowing here;
//! - the local special-bond quota Q_y, tn yuan a year
//!   (`special_bond_quota`; 2024: 3.9 tn): the borrowing local governments
//!   plan ([`super::localgov`]: E*_t = R̄_t + Q_y/4); before the first year
//!   given, the planned deficit `local_planned_deficit` (% of GDP) applies,
//!   after the last year given the quota keeps its share of GDP in that
//!   year;
//! - ultra-long special treasury bonds U_y, tn yuan a year
//!   (`ultra_long_bonds`; 2024: 1 tn), issued evenly over the year's
//!   quarters and spent as projects disburse: of the bonds issued and not
//!   yet spent, the share λ (`bond_spending_rate`) is spent each quarter,
//!   S_t = λ (K_{t−1} + U_y/4), K_t = K_{t−1} + U_y/4 − S_t; spending goes to
//!   infrastructure (share θ_I, `ultra_long_to_infrastructure`),
//!   equipment renewal (θ_E, `ultra_long_to_equipment`: investment demand
//!   for the equipment product, the March 2024 equipment-renewal and
//!   trade-in programme) and consumer trade-ins (the rest, household
//!   demand for durables);
//! - central transfers to local governments: `[local_government]
//!   extra_transfers` (% of GDP, on top of the transfers in local
//!   revenue, [`super::localgov`]).
//!
//! Demand: the deficit's departure from the 2024 budget,
//! (δ_y − δ₂₀₂₄)/100 · Y*_t, is central government consumption; the
//! bonds' spending S_t is split as above; the special bonds act through
//! local spending (a quota above the planned deficit raises it).
//!
//! Accounts: the central deficit is F^C_t = δ_y Y*_t/100 + U_y/4 + B_t
//! (B_t the central backstop of local spending near the local-debt limit,
//! [`super::localgov`]); central debt D^C_t = D^C_{t−1} + F^C_t from the
//! end-2023 figure (30.03 tn yuan, MoF); the consolidated deficit is
//! F^C_t + F^L_t (F^L the local deficit) and government debt
//! D^C_t + D^L_t (70.77 tn yuan at end-2023, 56.1% of GDP, MoF).

/// Parameters of the block (from the parameter table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetParams {
    /// δ₂₀₂₄, % of GDP.
    pub deficit_2024: f64,
    /// θ_I, θ_E.
    pub ul_infrastructure: f64,
    pub ul_equipment: f64,
}

/// The budget of one quarter as the scenario sets it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetInputs {
    /// δ_y, % of GDP.
    pub deficit_pct: f64,
    /// U_y/4 issued and S_t spent this quarter, tn yuan.
    pub ultra_long_issued: f64,
    pub ultra_long_spent: f64,
    /// Y*_t, reference nominal GDP of the quarter.
    pub gdp_ref: f64,
    /// B_t, F^L_t and D^L_t from the local-government block.
    pub backstop: f64,
    pub local_deficit: f64,
    pub local_debt: f64,
}

/// What the budget spends and owes in one quarter (nominal).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BudgetOutputs {
    /// Central government consumption above the 2024 budget's.
    pub consumption: f64,
    /// Ultra-long bond spending: infrastructure, equipment, consumer
    /// trade-ins.
    pub ul_infrastructure: f64,
    pub ul_equipment: f64,
    pub ul_consumer: f64,
    pub central_deficit: f64,
    pub deficit: f64,
    pub central_debt: f64,
    pub debt: f64,
}

/// S_t = λ (K + issued), K ← K + issued − S_t: bond spending of a quarter.
pub fn disburse(stock: &mut f64, issued: f64, rate: f64) -> f64 {
    let s = rate.clamp(0.0, 1.0) * (*stock + issued).max(0.0);
    *stock += issued - s;
    s
}

/// One quarter; `central_debt` is D^C, updated when `track` (from 2024Q1).
pub fn step(
    p: &BudgetParams,
    central_debt: &mut f64,
    i: &BudgetInputs,
    track: bool,
) -> BudgetOutputs {
    let ul = i.ultra_long_spent.max(0.0);
    let consumption = (i.deficit_pct - p.deficit_2024) / 100.0 * i.gdp_ref;
    let central_deficit = i.deficit_pct / 100.0 * i.gdp_ref + i.ultra_long_issued + i.backstop;
    if track {
        *central_debt += central_deficit;
    }
    let ul_e = p.ul_equipment.clamp(0.0, 1.0);
    let ul_i = p.ul_infrastructure.clamp(0.0, 1.0 - ul_e);
    BudgetOutputs {
        consumption,
        ul_infrastructure: ul * ul_i,
        ul_equipment: ul * ul_e,
        ul_consumer: ul * (1.0 - ul_i - ul_e),
        central_deficit,
        deficit: central_deficit + i.local_deficit,
        central_debt: *central_debt,
        debt: *central_debt + i.local_debt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> BudgetParams {
        BudgetParams {
            deficit_2024: 3.0,
            ul_infrastructure: 0.7,
            ul_equipment: 0.2,
        }
    }

    #[test]
    fn the_2024_budget_adds_no_demand_beyond_its_bonds_and_debt_is_the_sum_of_deficits() {
        let mut d = 30.03;
        let i = BudgetInputs {
            deficit_pct: 3.0,
            ultra_long_issued: 0.25,
            ultra_long_spent: 0.25,
            gdp_ref: 33.0,
            backstop: 0.1,
            local_deficit: 1.0,
            local_debt: 40.74,
        };
        let mut last = d;
        for _ in 0..4 {
            let o = step(&p(), &mut d, &i, true);
            assert_eq!(o.consumption, 0.0);
            assert!((o.ul_infrastructure + o.ul_equipment + o.ul_consumer - 0.25).abs() < 1e-15);
            assert!((o.central_deficit - (0.99 + 0.25 + 0.1)).abs() < 1e-12);
            assert!((d - last - o.central_deficit).abs() < 1e-12);
            assert!((o.debt - d - 40.74).abs() < 1e-12);
            last = d;
        }
        // 2024 as budgeted: 3% of GDP plus 1 tn of bonds, plus the backstop.
        assert!((d - 30.03 - (0.03 * 132.0 + 1.0 + 0.4)).abs() < 1e-9);
    }

    #[test]
    fn bonds_are_spent_with_a_lag_and_in_full() {
        let mut k = 0.0;
        let mut spent = 0.0;
        for q in 0..40 {
            let issued = if q < 4 { 0.25 } else { 0.0 };
            let s = disburse(&mut k, issued, 0.35);
            if q == 0 {
                assert!((s - 0.0875).abs() < 1e-12);
            }
            spent += s;
        }
        assert!((spent + k - 1.0).abs() < 1e-12);
        assert!(k < 1e-6);
    }

    #[test]
    fn a_larger_deficit_is_central_consumption() {
        let mut d = 0.0;
        let i = BudgetInputs {
            deficit_pct: 4.0,
            ultra_long_issued: 0.0,
            ultra_long_spent: 0.0,
            gdp_ref: 33.0,
            backstop: 0.0,
            local_deficit: 0.0,
            local_debt: 0.0,
        };
        let o = step(&p(), &mut d, &i, false);
        assert!((o.consumption - 0.33).abs() < 1e-12);
        assert_eq!(d, 0.0);
    }
}
