//! Land finance and local government (nominal tn yuan per quarter).
//!
//! - Land revenue: L_t = (L₂₀₂₃/4) P_t (S_t/S̄₂₀₂₃)^β, with S the property
//!   sales index on the land market's calendar
//!   ([`super::property::land_sales_relative_to_2023`]: each quarter's y/y
//!   change is its year's sales rate), S̄₂₀₂₃ its 2023 average, P the
//!   GDP deflator ([`super::prices`]) and β (`land_sales_elasticity`) fitted on 2020-2023
//!   (8.4 → 8.71 → ~6.7 → 5.80 tn yuan against sales −28.3% in 2022 and
//!   −6.5% in 2023).
//! - Revenue: R_t = taxes + land + central transfers, with taxes
//!   (1 − θ_T) ρ_N Y_{t−1} (they move with last quarter's nominal GDP
//!   Y_{t−1}), transfers θ_T ρ_N Y*_t + τ_t Y*_t / 100 (they follow the
//!   reference GDP path Y*, plus any extra transfers τ, per cent of GDP, a
//!   scenario path), ρ_N (`local_nonland_revenue_share`), θ_T
//!   (`local_transfer_share`).
//! - Spending rule: local governments plan on smoothed revenue
//!   R̄_t = μ R̄_{t−1}(1 + g*) + (1 − μ) R_t (μ `spending_smoothing`, g* the
//!   quarterly growth of Y*), plus the planned deficit δ Y*_t/100
//!   (`local_planned_deficit`): E*_t = R̄_t + δ Y*_t/100.
//! - Interest: I_t = [i (D_{t−1} − W_{t−1}) + Σ_k i_k W_{k,t−1}]/400, with
//!   i (`local_interest_rate`) on the debt not swapped and i_k on each
//!   swapped tranche W_k (a swap moves debt to a lower rate; it does not
//!   change the debt).
//! - Borrowing limit: debt may not exceed λ (`local_debt_limit`, per cent
//!   of annual GDP) of the reference GDP, 4 Y*_t (the quota is set on plans,
//!   not on last quarter's outturn, which would feed cuts back into the
//!   limit). Borrowing is paced as debt nears the limit: a quarter's
//!   deficit may use at most the share κ (`local_borrowing_pace`) of the
//!   room left, H_t = λ 4 Y*_t/100 − D_{t−1}. When planned spending would
//!   borrow more, spending is cut to what the pace allows:
//!   E_t = min(E*_t, max(0, κ H_t − I_t + R_t)). With κ = 1 this is a hard
//!   limit, and the cut arrives at once, as a cliff, the quarter the limit
//!   binds; with κ < 1 it starts when the planned deficit exceeds κ H_t and
//!   grows as the room shrinks, and debt approaches the limit without
//!   reaching it while the limit grows with GDP. Above the limit (H < 0)
//!   the same rule asks for a surplus that repays the share κ of the
//!   excess each quarter.
//! - Central backstop and phased local cuts (issue 11): the gap
//!   Γ_t = max(0, E*_t − max(0, κ H_t − I_t + R_t)) between planned
//!   spending and what the pace allows is shared. Local governments cut
//!   toward the share (1 − β) of it (β `central_backstop_share`), phased
//!   in at the rate φ per quarter (`local_cut_phase`) and capped at
//!   c̄ per cent of annual reference GDP (`local_cut_cap`):
//!   K_t = min(K_{t−1} + φ((1 − β)Γ_t − K_{t−1}), c̄ 4 Y*_t/100, Γ_t),
//!   floored at 0. The central government covers the rest, B_t = Γ_t − K_t,
//!   as a transfer financed by central borrowing (so it adds to central,
//!   not local, debt: the consolidated budget carries it). Spending is
//!   E_t = E*_t − K_t. This is how the 2023-24 refinancing and swap
//!   programmes worked (the centre took over what the localities could
//!   not carry), and it turns the limit from a cliff into a slope: the
//!   demand cut a moved limit makes is at most c̄ per cent of GDP, and it
//!   builds over quarters. The cut falls on
//!   government consumption and infrastructure investment (shares
//!   `local_spending_to_consumption` and its complement).
//! - Deficit and debt: F_t = E_t + I_t − R_t, D_t = D_{t−1} + F_t (the
//!   identity "debt change = deficit" holds exactly and is tested).
//!
//! Debt is tracked from 2024Q1, starting from the statutory local debt of
//! end-2023 (40.74 tn yuan, MoF); in 2023 the block runs its revenue and
//! spending rule only.

/// Parameters of the block (from the parameter table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalParams {
    pub land_2023: f64,
    pub elasticity: f64,
    pub nonland_share: f64,
    pub transfer_share: f64,
    pub planned_deficit_pct: f64,
    pub smoothing: f64,
    pub interest_pct: f64,
    pub limit_pct: f64,
    /// κ: share of the room under the limit a quarter's deficit may use.
    pub pace: f64,
    /// β: share of the gap the central government covers.
    pub backstop_share: f64,
    /// φ: share of the distance to the target cut closed each quarter.
    pub cut_phase: f64,
    /// c̄: cap of the local cut, per cent of annual reference GDP.
    pub cut_cap_pct: f64,
}

/// State carried from quarter to quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalState {
    pub debt: f64,
    /// Swapped tranches: (amount, rate % per year).
    pub swapped: Vec<(f64, f64)>,
    pub smoothed_revenue: f64,
    /// K_{t−1}: last quarter's local cut.
    pub cut: f64,
}

/// Inputs of one quarter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalInputs {
    /// Y_{t−1}: last quarter's nominal GDP.
    pub gdp_lag: f64,
    /// Y*_t: reference nominal GDP this quarter.
    pub gdp_ref: f64,
    /// g*: quarterly growth of the reference.
    pub ref_growth: f64,
    pub price: f64,
    /// S_t / S̄₂₀₂₃.
    pub sales_rel: f64,
    pub extra_transfers_pct: f64,
    /// Debt swapped this quarter: (amount, rate).
    pub swap: Option<(f64, f64)>,
    /// Whether debt is tracked (from 2024Q1) and the limit applies.
    pub track_debt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LocalOutputs {
    pub land: f64,
    pub taxes: f64,
    pub transfers: f64,
    pub revenue: f64,
    pub planned: f64,
    pub spending: f64,
    pub cut: f64,
    pub interest: f64,
    pub deficit: f64,
    pub debt: f64,
    pub swapped: f64,
    /// B_t: the central backstop transfer (tn yuan per quarter).
    pub backstop: f64,
}

/// Revenue that would keep spending on its reference path: land at its
/// 2023 share of GDP, non-land revenue at its share.
pub fn reference_spending(p: &LocalParams, gdp_2023: f64, gdp_ref: f64) -> f64 {
    (p.nonland_share + p.land_2023 / gdp_2023 + p.planned_deficit_pct / 100.0) * gdp_ref
}

pub fn land_revenue(p: &LocalParams, price: f64, sales_rel: f64) -> f64 {
    p.land_2023 / 4.0 * price * sales_rel.max(0.0).powf(p.elasticity)
}

/// One quarter of the block.
pub fn step(p: &LocalParams, s: &mut LocalState, i: &LocalInputs) -> LocalOutputs {
    let land = land_revenue(p, i.price, i.sales_rel);
    let taxes = (1.0 - p.transfer_share) * p.nonland_share * i.gdp_lag;
    let transfers =
        p.transfer_share * p.nonland_share * i.gdp_ref + i.extra_transfers_pct / 100.0 * i.gdp_ref;
    let revenue = land + taxes + transfers;
    s.smoothed_revenue =
        p.smoothing * s.smoothed_revenue * (1.0 + i.ref_growth) + (1.0 - p.smoothing) * revenue;
    let planned = s.smoothed_revenue + p.planned_deficit_pct / 100.0 * i.gdp_ref;
    let swapped: f64 = s.swapped.iter().map(|(a, _)| a).sum();
    let interest = if i.track_debt {
        (p.interest_pct * (s.debt - swapped) + s.swapped.iter().map(|(a, r)| a * r).sum::<f64>())
            / 400.0
    } else {
        0.0
    };
    let mut spending = planned;
    let mut backstop = 0.0;
    if i.track_debt {
        let headroom = p.limit_pct / 100.0 * 4.0 * i.gdp_ref - s.debt;
        let room = p.pace * headroom - interest + revenue;
        let gap = (planned - room.max(0.0)).max(0.0);
        let target = (1.0 - p.backstop_share) * gap;
        let cap = p.cut_cap_pct / 100.0 * 4.0 * i.gdp_ref;
        let cut = (s.cut + p.cut_phase * (target - s.cut))
            .min(cap)
            .min(gap)
            .max(0.0);
        s.cut = cut;
        backstop = gap - cut;
        spending = planned - cut;
    }
    // The backstop is central money: it is local revenue here, central
    // borrowing in the consolidated budget.
    let deficit = spending + interest - revenue - backstop;
    if i.track_debt {
        s.debt += deficit;
        if let Some((a, r)) = i.swap {
            let free = (s.debt - s.swapped.iter().map(|(a, _)| a).sum::<f64>()).max(0.0);
            s.swapped.push((a.min(free), r));
        }
    }
    LocalOutputs {
        land,
        taxes,
        transfers,
        revenue,
        planned,
        spending,
        cut: planned - spending,
        interest,
        deficit,
        debt: s.debt,
        swapped: s.swapped.iter().map(|(a, _)| a).sum(),
        backstop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> LocalParams {
        LocalParams {
            land_2023: 5.8,
            elasticity: 0.84,
            nonland_share: 0.096,
            transfer_share: 0.45,
            planned_deficit_pct: 3.0,
            smoothing: 0.75,
            interest_pct: 4.0,
            limit_pct: 40.0,
            pace: 1.0,
            // The old hard rule: no backstop, no phasing, no cap.
            backstop_share: 0.0,
            cut_phase: 1.0,
            cut_cap_pct: 100.0,
        }
    }

    fn inputs() -> LocalInputs {
        LocalInputs {
            gdp_lag: 32.0,
            gdp_ref: 32.0,
            ref_growth: 0.0,
            price: 1.0,
            sales_rel: 1.0,
            extra_transfers_pct: 0.0,
            swap: None,
            track_debt: true,
        }
    }

    #[test]
    fn land_revenue_reproduces_2023_and_elasticity() {
        let p = params();
        assert!((land_revenue(&p, 1.0, 1.0) * 4.0 - 5.8).abs() < 1e-12);
        // 2022 -> 2023: sales -6.5%; with β = 0.84 land falls 5.5%.
        let r = land_revenue(&p, 1.0, 0.935) / land_revenue(&p, 1.0, 1.0);
        assert!((r - 0.935f64.powf(0.84)).abs() < 1e-15);
    }

    #[test]
    fn debt_change_equals_deficit_and_swap_lowers_interest() {
        let p = params();
        let mut a = LocalState {
            debt: 40.74,
            swapped: vec![],
            smoothed_revenue: 4.5,
            cut: 0.0,
        };
        let mut b = a.clone();
        let mut ia = 0.0;
        let mut ib = 0.0;
        for q in 0..12 {
            let before = a.debt;
            let oa = step(&p, &mut a, &inputs());
            assert!((a.debt - before - oa.deficit).abs() < 1e-12);
            let mut i = inputs();
            if q < 4 {
                i.swap = Some((2.0, 2.5));
            }
            let ob = step(&p, &mut b, &i);
            if q > 0 {
                assert!(ob.interest < oa.interest, "quarter {q}");
            }
            ia += oa.interest;
            ib += ob.interest;
        }
        assert!(ib < ia);
    }

    #[test]
    fn backstop_shares_the_gap_and_phases_the_local_cut() {
        let mut p = params();
        p.limit_pct = 30.0;
        p.pace = 0.25;
        p.backstop_share = 0.7;
        p.cut_phase = 0.25;
        p.cut_cap_pct = 0.3;
        let mut s = LocalState {
            debt: 40.0,
            swapped: vec![],
            smoothed_revenue: 4.5,
            cut: 0.0,
        };
        let cap = 0.003 * 4.0 * 32.0;
        let mut last = 0.0;
        for q in 0..20 {
            let before = s.debt;
            let o = step(&p, &mut s, &inputs());
            // Local debt moves by the local deficit; the gap is split
            // between the local cut and the central backstop.
            assert!((s.debt - before - o.deficit).abs() < 1e-12);
            assert!(o.cut >= 0.0 && o.cut <= cap + 1e-12, "quarter {q}");
            assert!(o.backstop > 0.0, "quarter {q}");
            // Phased: the cut moves by at most φ of its target each quarter.
            assert!(o.cut - last <= 0.25 * (o.cut + o.backstop) + 1e-12);
            last = o.cut;
        }
        assert!(
            (last - cap).abs() < 1e-12,
            "the cut reaches its cap: {last}"
        );
    }

    #[test]
    fn limit_cuts_spending() {
        let mut p = params();
        p.limit_pct = 30.0;
        let mut s = LocalState {
            debt: 40.0,
            swapped: vec![],
            smoothed_revenue: 4.5,
            cut: 0.0,
        };
        let o = step(&p, &mut s, &inputs());
        assert!(o.cut > 0.0);
        // Above the limit, spending stops until debt is back under it;
        // then debt stays at the limit.
        for _ in 0..40 {
            let o = step(&p, &mut s, &inputs());
            assert!(o.cut > 0.0);
            assert!(s.debt <= 40.0 + 1e-9);
        }
        assert!((s.debt - 0.30 * 4.0 * 32.0).abs() < 1e-9, "{}", s.debt);
    }

    #[test]
    fn paced_borrowing_phases_the_cut_in() {
        // Debt 2 pp of GDP under the limit, planned deficit 3% of GDP a
        // year: a hard limit (κ = 1) lets the first quarter borrow in full
        // and cuts later at once; κ = 0.25 cuts from the first quarter,
        // less than the hard limit's largest cut, and never reaches it.
        let run = |pace: f64| {
            let mut p = params();
            p.pace = pace;
            let mut s = LocalState {
                debt: 0.38 * 4.0 * 32.0,
                swapped: vec![],
                smoothed_revenue: 4.5,
                cut: 0.0,
            };
            let mut i = inputs();
            i.ref_growth = 0.0;
            (0..24)
                .map(|_| {
                    let o = step(&p, &mut s, &i);
                    (o.cut, s.debt)
                })
                .collect::<Vec<_>>()
        };
        let hard = run(1.0);
        let paced = run(0.25);
        let limit = 0.40 * 4.0 * 32.0;
        assert!(hard[0].0 == 0.0 && paced[0].0 > 0.0);
        let max_step =
            |v: &[(f64, f64)]| v.windows(2).map(|w| w[1].0 - w[0].0).fold(0.0f64, f64::max);
        assert!(max_step(&paced) < 0.5 * max_step(&hard));
        for (k, (_, d)) in paced.iter().enumerate() {
            assert!(*d < limit, "quarter {k}: {d} >= {limit}");
        }
        assert!((hard.last().map_or(0.0, |x| x.1) - limit).abs() < 1e-9);
    }
}
