//! How trade answers an export control: anticipation (front-loading before
//! an announced measure, then drawing the stock down) and rerouting
//! through a third economy.
//!
//! Per measure m, restricted flow of product s from origin g to buyers in
//! d, and quarter t (table units per quarter, the reference flow
//! R = the flow of the base table × the demand index of the quarter):
//!
//! - **Anticipation.** A measure announced L = start − announced > 0
//!   quarters ahead makes buyers stock up over the lead: each lead quarter
//!   they import F = B̄ · q̄ / L on top of their orders ([`front_load`]),
//!   B̄ = φ̄ R the flow the measure will block at full effect and q̄ the
//!   storage bound in quarters (`storage_quarters`). The stock
//!   S ≤ q̄ B̄ is bought as the destination's inventory investment from the
//!   origin (final demand on the origin's industry: exporters gain before
//!   the control). From the start, what the measure blocks and substitutes
//!   do not replace, (1 − σ)(B − V), is drawn from the stock until it is
//!   empty ([`drain`]).
//! - **Rerouting.** A share ν of the blocked flow B = φ R reaches the
//!   buyers through a third economy, up to λ times that economy's own
//!   deliveries of the product to them, F_via, shared among the measure's
//!   origins by their flows: V = min(ν B, λ F_via R_g / Σ_g' R_g')
//!   ([`reroute`]). The third economy earns a mark-up μ V on it (final
//!   demand on its trade sector), and the buyers pay it: the rerouted part
//!   carries the mark-up in the flow's cost wedge
//!   ([`super::controls::flow_wedge`]). V is the control's leakage.
//!
//! The restriction the engine applies is what neither route lets
//! through: φ' = φ (1 − (V + D)/B), D the stock drawn.

use super::controls::{drain, front_load, reroute};

/// What a measure does to one flow in one quarter.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlowResponse {
    /// φ': the restricted share left after rerouting and the stock.
    pub share: f64,
    /// V: rerouted through the third economy.
    pub rerouted: f64,
    /// D: drawn from the front-loaded stock.
    pub drawn: f64,
    /// F: imports front-loaded this quarter (before the measure starts).
    pub front_loaded: f64,
}

/// The rerouting settings of a measure, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RerouteParams {
    /// ν.
    pub share: f64,
    /// λ.
    pub limit: f64,
    /// The third economy's deliveries of the product to the buyers (this
    /// quarter) times the origin's share of the measure's flows.
    pub via_flow: f64,
}

/// Before the start: front-loading over the lead. `stock` grows by what
/// is bought, up to `storage_quarters` × the flow blocked at full effect.
pub fn before_start(
    full_blocked: f64,
    lead_quarters: u32,
    storage_quarters: f64,
    stock: &mut f64,
) -> FlowResponse {
    let bound = full_blocked.max(0.0) * storage_quarters.max(0.0);
    let f =
        front_load(full_blocked, lead_quarters, storage_quarters).min((bound - *stock).max(0.0));
    *stock += f;
    FlowResponse {
        share: 0.0,
        front_loaded: f,
        ..Default::default()
    }
}

/// While the measure acts: φ on a flow R, substitutability σ, the
/// rerouting settings and the stock left from front-loading.
pub fn while_active(
    phi: f64,
    reference: f64,
    sigma: f64,
    rr: Option<RerouteParams>,
    stock: &mut f64,
) -> FlowResponse {
    let blocked = phi * reference;
    if blocked <= 0.0 {
        return FlowResponse {
            share: phi,
            ..Default::default()
        };
    }
    let v = rr.map_or(0.0, |r| reroute(blocked, r.share, r.limit, r.via_flow));
    let need = (1.0 - sigma.clamp(0.0, 1.0)) * (blocked - v);
    let d = drain(stock, need);
    let left = (1.0 - (v + d) / blocked).clamp(0.0, 1.0);
    FlowResponse {
        share: phi * left,
        rerouted: v,
        drawn: d,
        front_loaded: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_loading_fills_the_stock_over_the_lead_up_to_its_bound() {
        let mut s = 0.0;
        // Blocked 10 a quarter at full effect, 2 quarters of storage, lead 4:
        // 5 a quarter, 20 in all.
        let mut bought = 0.0;
        for _ in 0..4 {
            bought += before_start(10.0, 4, 2.0, &mut s).front_loaded;
        }
        assert!((bought - 20.0).abs() < 1e-12);
        assert!((s - 20.0).abs() < 1e-12);
        // More lead quarters than announced: the bound holds.
        assert_eq!(before_start(10.0, 4, 2.0, &mut s).front_loaded, 0.0);
        // No announcement lead, no front-loading.
        let mut z = 0.0;
        assert_eq!(before_start(10.0, 0, 2.0, &mut z).front_loaded, 0.0);
    }

    #[test]
    fn the_stock_covers_what_substitutes_do_not_then_runs_out() {
        let mut s = 6.0;
        // φ 0.5 of 20 = 10 blocked, σ 0.2: 8 a quarter drawn while it lasts.
        let a = while_active(0.5, 20.0, 0.2, None, &mut s);
        assert!((a.drawn - 6.0).abs() < 1e-12);
        assert!((a.share - 0.5 * (1.0 - 0.6)).abs() < 1e-12);
        let b = while_active(0.5, 20.0, 0.2, None, &mut s);
        assert_eq!(b.drawn, 0.0);
        assert_eq!(b.share, 0.5);
    }

    #[test]
    fn rerouting_takes_its_share_up_to_the_limit_and_lowers_the_restriction() {
        let mut s = 0.0;
        let rr = RerouteParams {
            share: 0.2,
            limit: 0.5,
            via_flow: 100.0,
        };
        let a = while_active(0.5, 100.0, 0.0, Some(rr), &mut s);
        assert!((a.rerouted - 10.0).abs() < 1e-12);
        assert!((a.share - 0.4).abs() < 1e-12);
        // The third economy's limit binds.
        let small = RerouteParams {
            via_flow: 4.0,
            ..rr
        };
        let b = while_active(0.5, 100.0, 0.0, Some(small), &mut s);
        assert!((b.rerouted - 2.0).abs() < 1e-12);
        assert!((b.share - 0.5 * (1.0 - 2.0 / 50.0)).abs() < 1e-12);
        // Nothing blocked, nothing rerouted.
        let c = while_active(0.0, 100.0, 0.0, Some(rr), &mut s);
        assert_eq!(c, FlowResponse::default());
    }
}
