//! The credit channel to property on the run side ([`propcredit`]): the
//! driver's quarter of the 5-year LPR, the mortgage rate and the channel's
//! departures of sales, developers' loans, property investment and house
//! prices, from the money block's quarter and last quarter's house prices
//! (equations in [`crate::blocks::propcredit`]).

use crate::blocks::{money, propcredit};
use crate::time::Quarter;

use super::driver::{lever, Driver};

/// One quarter of the credit channel to property.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PropCreditQuarter {
    /// The 5-year LPR and its spread over the 1-year, %, pp.
    pub(crate) lpr5: f64,
    pub(crate) spread: f64,
    /// The average new mortgage's rate, %.
    pub(crate) mortgage: f64,
    /// The departures ξ^S, d^D, ξ^I, %.
    pub(crate) state: propcredit::State,
    /// Developers' loan growth ℓ^D_0 + d^D, % y/y.
    pub(crate) developer_credit: f64,
    /// House-price growth y/y with the departure ξ^h, % (the exogenous
    /// rate of the quarter's year up to 2024Q2;
    /// [`propcredit::total_growth`]).
    pub(crate) house_growth: f64,
}

/// Sales volume and value on the land market's calendar (each quarter's
/// y/y is its year's rate, as NBS reports floor area sold and sales
/// value; [`crate::blocks::property::sales_yoy_index`]), with the credit channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SalesReported {
    pub(crate) volume: f64,
    pub(crate) value: f64,
}

impl Driver<'_> {
    /// The credit channel of step k ([`propcredit`]): the 5-year LPR, the
    /// mortgage rate and the departures of sales, developers' loans and
    /// property investment. Needs the money block of step k.
    pub(super) fn prop_credit(&mut self, k: usize) -> PropCreditQuarter {
        if let Some(q) = self.pc.get(k) {
            return *q;
        }
        let t = self.pl.t[k];
        let mq = self.money(k);
        let pp = self.pc_params;
        let last = self.pc.last().copied();
        let (lpr5, spread) = match (propcredit::observed(t), last) {
            (Some(i), _) => (i, i - mq.lpr),
            (None, last) => {
                let s0 = last.map_or(
                    propcredit::OBSERVED_LPR5[propcredit::OBSERVED_LPR5.len() - 1]
                        - money::OBSERVED_LPR[money::OBSERVED_LPR.len() - 1],
                    |q| q.spread,
                );
                let s = propcredit::spread_step(&pp, s0);
                let cut = lever(&self.scn.lpr5_cut, t);
                (propcredit::lpr5(&pp, mq.lpr, s, cut), s)
            }
        };
        let mortgage = lpr5 + propcredit::mortgage_spread(&pp, t);
        let house = self.house_growth_before(k);
        let drivers = propcredit::Drivers {
            mortgage,
            price_expectation: house,
            real_rate: mq.real,
            house_growth: house,
        };
        let state = if t <= money::last_observed() {
            if t == money::last_observed() {
                self.pc_ref = Some(drivers);
            }
            propcredit::State::default()
        } else {
            let reference = *self.pc_ref.get_or_insert(drivers);
            propcredit::step(
                &pp,
                last.map(|q| q.state).unwrap_or_default(),
                &drivers,
                &reference,
            )
        };
        let h4 = self.house_departure_at(k.checked_sub(4));
        let q = PropCreditQuarter {
            lpr5,
            spread,
            mortgage,
            state,
            developer_credit: pp.dev_loan_growth + state.d,
            house_growth: propcredit::total_growth(
                self.scn.property_prices.rate(t.year()),
                state.h - h4,
            ),
        };
        self.pc.push(q);
        q
    }

    /// House-price growth y/y of the quarter before step k, %, with the
    /// price departure (what buyers expect and lenders value collateral
    /// at): the credit channel's figure for step k − 1, or the scenario's
    /// rate of its year before the run's first step.
    pub(super) fn house_growth_before(&self, k: usize) -> f64 {
        match k.checked_sub(1).and_then(|j| self.pc.get(j)) {
            Some(q) => q.house_growth,
            None => self
                .scn
                .property_prices
                .rate(Quarter(self.pl.t[k].0 - 1).year()),
        }
    }

    /// The price departure ξ^h of the quarter before step k, % (0 before
    /// the run's first step).
    pub(super) fn house_departure_before(&self, k: usize) -> f64 {
        self.house_departure_at(k.checked_sub(1))
    }

    /// The price departure ξ^h of step j, % (0 for a step before the run's
    /// first or not yet taken).
    fn house_departure_at(&self, j: Option<usize>) -> f64 {
        j.and_then(|j| self.pc.get(j)).map_or(0.0, |q| q.state.h)
    }
}
