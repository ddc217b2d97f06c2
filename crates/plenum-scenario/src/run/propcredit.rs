//! The credit channel to property on the run side ([`propcredit`]): the
//! driver's quarter of the 5-year LPR, the mortgage rate and the channel's
//! departures of sales, developers' loans and property investment, from
//! the money block's quarter and the scenario's house prices (equations in
//! [`crate::blocks::propcredit`]).

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
        let house = self.scn.property_prices.rate(Quarter(t.0 - 1).year());
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
        let q = PropCreditQuarter {
            lpr5,
            spread,
            mortgage,
            state,
            developer_credit: pp.dev_loan_growth + state.d,
        };
        self.pc.push(q);
        q
    }
}
