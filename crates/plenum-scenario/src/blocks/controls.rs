//! Export controls and countermeasures, as trade restrictions.
//!
//! A measure (scenario `[[controls.measure]]`) names supplier regions
//! `from`, user regions `to`, products, the restricted share ρ of those
//! flows (the share of the bilateral flow the rule covers), the
//! substitutability σ of what is blocked, its start, a phase-in (quarters
//! to full effect) and an optional end. Each becomes trade restrictions of
//! the dynamic engine ([`crate::run`]): per product, origin and destination,
//! deliveries are capped at (1 − ρ_t) of their baseline and σ of the excess
//! may be redirected to other suppliers with spare capacity; what is not
//! redirected is missing from users' inventories, and output falls where
//! that input is critical (Leontief) or in proportion to its share where it
//! is not. `[controls] critical` sets κ_s: κ_s ≥ 0.5 makes input s
//! critical for every user, 0 < κ_s < 0.5 non-critical; other inputs follow
//! the engine's default rule (critical when ≥ 5% of a user's inputs).
//!
//! The rules in force by July 2024 (US 7 Oct 2022 and 17 Oct 2023, Japan
//! 23 Jul 2023, Netherlands 1 Sep 2023) are measures of the shipped
//! baseline, each with its share, substitutability and phase-in documented
//! in scenarios/baseline-2024.toml and docs/scenarios.md; escalations and
//! China's countermeasures (e.g. gallium and germanium, which sit in basic
//! metals) are further measures.
//!
//! Domestic capacity built by a self-reliance programme in the restricted
//! product raises substitutability:
//! σ_t = σ + (1 − σ) min(1, Δx̄_t / B_t), with B_t the blocked flow and
//! Δx̄_t the programme's capacity (same units): once domestic capacity
//! matches what is blocked, all of it can be replaced.

/// σ_t given the self-reliance capacity `built` and the blocked flow.
pub fn effective_substitutability(sigma: f64, built: f64, blocked: f64) -> f64 {
    if blocked <= 0.0 || built <= 0.0 {
        return sigma;
    }
    sigma + (1.0 - sigma) * (built / blocked).min(1.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn capacity_raises_substitutability_up_to_one() {
        use super::effective_substitutability as e;
        assert_eq!(e(0.2, 0.0, 10.0), 0.2);
        assert!((e(0.2, 5.0, 10.0) - 0.6).abs() < 1e-15);
        assert_eq!(e(0.2, 50.0, 10.0), 1.0);
    }
}
