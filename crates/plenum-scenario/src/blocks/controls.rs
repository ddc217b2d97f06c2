//! Export controls and countermeasures, as trade restrictions with prices,
//! substitution over time, anticipation and rerouting.
//!
//! A measure (scenario `[[controls.measure]]`) names supplier regions
//! `from`, user regions `to`, products or technologies, the restricted
//! share ρ of those flows, its start, a phase-in (quarters to full effect)
//! and an optional end. Each becomes trade restrictions of the dynamic
//! engine: per product, origin and destination, deliveries are capped at
//! (1 − φ_t) of what buyers would order and a share σ_t of the excess may
//! be redirected to other suppliers with spare capacity; what is not
//! redirected is missing from users' inventories, and output falls where
//! that input is critical (Leontief) or in proportion to its share where it
//! is not.
//!
//! **Technologies.** A measure that names `technologies` (the technology
//! layer, `data/technology/chips.toml`) restricts, for each origin o and
//! product s, the share φ = ρ Σ_{τ∈s} θ_oτ of o's deliveries of s (θ_oτ
//! the technology's share of o's deliveries of s; China's own output share
//! when o is China), and its substitutability is the learning curve of the
//! technologies, weighted by what each blocks:
//! σ_t = Σ_τ θ_oτ σ_τ(t − start) / Σ_τ θ_oτ ([`tech_split`]).
//!
//! **Prices.** A restricted flow costs its buyers more: the part that is
//! redirected costs the substitute's premium π_τ, the part that is neither
//! delivered nor redirected carries a shadow price
//! s(u) = min(s̄, (1 − u)^(−1/e) − 1), u the unmet share of the restricted
//! flow and e the price elasticity of demand for it ([`shadow_premium`]),
//! and a rerouted part the third economy's mark-up. The flow's cost wedge
//! is τ = (Q π + V μ + U s(u)) / R ([`flow_wedge`]): R the reference flow,
//! Q redirected, V rerouted, U unmet. The wedges pass to China's prices
//! through the Leontief price model (`plenum_iomath::price`), and China's
//! real final demand falls with its price level P as P^(−ε). Losses
//! therefore begin when a control bites and fade as substitutes arrive.
//!
//! **Anticipation and rerouting** are mechanisms of the engine, on its
//! live flows (plenum-sim's `extended/anticipation.rs` and
//! `extended/reroute.rs`, given the measures' settings by the run:
//! `run/trade.rs`). A measure announced `lead` quarters before it takes
//! effect makes buyers front-load up to `storage_quarters` quarters of the
//! flow it will block, evenly over the lead, and draw the stock from the
//! start until it is empty; a share ν of a restricted flow reaches the
//! buyer through a third economy (`reroute_via`), V = min(ν B, λ F_via),
//! at a mark-up μ paid to its trade sector. The rerouted flow is the
//! leakage of the control, reported per quarter.
//!
//! **Trade diversion.** A blocked exporter's goods find other buyers: of
//! the flow B a measure blocks (before rerouting and the stock), a share δ
//! is sold to third markets, reached at the speed λ a quarter,
//! D ← D + λ (δ B − D) ([`divert`]), as those markets' final demand on the
//! exporter's industry, spread over them by their base purchases of the
//! product from it. So the exporter's loss is (1 − δ) of the blocked flow
//! in the long run, not all of it. The price cut needed to place the goods
//! is a terms-of-trade loss outside this quantity model (real output
//! counts the volume).
//!
//! `[controls] critical` sets κ_s: κ_s ≥ 0.5 makes input s critical for
//! every user, 0 < κ_s < 0.5 non-critical; other inputs follow the
//! engine's default rule (critical when ≥ 5% of a user's inputs).
//!
//! Domestic capacity built by a self-reliance programme in the restricted
//! product raises substitutability:
//! σ_t = σ + (1 − σ) min(1, Δx̄_t / B_t), with B_t the blocked flow and
//! Δx̄_t the programme's capacity (same units): once domestic capacity
//! matches what is blocked, all of it can be replaced.

use plenum_gvc::Technology;

/// σ_t given the self-reliance capacity `built` and the blocked flow.
pub fn effective_substitutability(sigma: f64, built: f64, blocked: f64) -> f64 {
    if blocked <= 0.0 || built <= 0.0 {
        return sigma;
    }
    sigma + (1.0 - sigma) * (built / blocked).min(1.0)
}

/// Parameters of the price, anticipation and rerouting channels, with
/// their sources and ranges (docs/calibration.md, "Export controls").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ControlsParams {
    /// e: price elasticity of demand for a restricted input in the short
    /// run. Chips and tools have few substitutes within a year; trade
    /// elasticities at quarterly horizons are 0.2-1 (Boehm, Levchenko &
    /// Pandalai-Nayar 2023, AER: short-run tariff elasticity ~0.76 after a
    /// year); judgement 0.5, range [0.2, 1.0].
    pub shadow_elasticity: f64,
    /// s̄: cap of the shadow premium (a fully blocked input is not priced
    /// at infinity: users stop buying); judgement 2.0, range [1, 4].
    pub shadow_cap: f64,
    /// ε: elasticity of China's real final demand to its price level;
    /// 1 keeps nominal spending (an income loss from dearer inputs);
    /// range [0.5, 1.5].
    pub demand_price_elasticity: f64,
    /// Front-loading bound: quarters of the blocked flow buyers can stock.
    /// China's chip-equipment imports rose 46% in 2023 (China customs)
    /// between the Dutch and Japanese announcements (Mar 2023) and their
    /// entry into force (Jul-Sep 2023, Jan 2024): about two quarters of
    /// the flow; range [1, 4].
    pub storage_quarters: f64,
    /// δ: share of a blocked exporter's flow sold to third markets in the
    /// long run. Jiang, Lu, Song & Zhang (2023, JIE 140, 103687): the 2018
    /// US tariffs cut China's exports to the US by 16.5% and diverted
    /// exports to other (closer, larger) economies; Jiao, Liu, Tian & Wang
    /// (2022, "The impacts of the U.S. trade war on Chinese exporters",
    /// working paper): firms' lost US sales were partly offset by sales to
    /// the EU, not elsewhere, product standards limiting the switch; Bown
    /// & Crowley (2007, JIE 72(1)): US antidumping duties deflected
    /// Japanese exports to third markets. None gives the offset share of
    /// a lost flow; judgement 0.25 (partial offset), range [0, 0.5].
    pub diversion_share: f64,
    /// λ: share of the gap to δ B closed per quarter. Diversion shows
    /// within months of the 2018 tariffs in the monthly data of Jiang et
    /// al. (2023); judgement 0.25 (two thirds after a year), range
    /// [0.1, 0.5].
    pub diversion_speed: f64,
}

impl Default for ControlsParams {
    fn default() -> Self {
        Self {
            shadow_elasticity: 0.5,
            shadow_cap: 2.0,
            demand_price_elasticity: 1.0,
            storage_quarters: 2.0,
            diversion_share: 0.25,
            diversion_speed: 0.25,
        }
    }
}

/// s(u) = min(s̄, (1 − u)^(−1/e) − 1): the premium buyers would pay for
/// the last unit of a flow of which a share u is missing.
pub fn shadow_premium(unmet_share: f64, elasticity: f64, cap: f64) -> f64 {
    let u = unmet_share.clamp(0.0, 1.0);
    if u <= 0.0 {
        return 0.0;
    }
    if u >= 1.0 || elasticity <= 0.0 {
        return cap;
    }
    ((1.0 - u).powf(-1.0 / elasticity) - 1.0).min(cap)
}

/// The pieces of one restricted flow in a quarter (table units).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlowPieces {
    /// R: what buyers would order without the restriction.
    pub reference: f64,
    /// B: blocked.
    pub blocked: f64,
    /// Q: redirected to other origins.
    pub redirected: f64,
    /// V: rerouted through a third economy.
    pub rerouted: f64,
}

/// τ = (Q π + V μ + U s(u)) / R, U = max(0, B − Q − V), u = U / R: the cost
/// wedge on a restricted flow (0 when nothing is blocked).
pub fn flow_wedge(f: &FlowPieces, premium: f64, markup: f64, p: &ControlsParams) -> f64 {
    if f.reference <= 0.0 || f.blocked <= 0.0 {
        return 0.0;
    }
    let unmet = (f.blocked - f.redirected - f.rerouted).max(0.0);
    let u = unmet / f.reference;
    let s = shadow_premium(u, p.shadow_elasticity, p.shadow_cap);
    (f.redirected * premium + f.rerouted * markup + unmet * s) / f.reference
}

/// A measure on technologies, seen on one product and origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TechSplit {
    /// Σ_τ θ_oτ over the measure's technologies of the product.
    pub share: f64,
    /// σ_t, weighted by θ.
    pub substitutability: f64,
    /// π, the substitutes' premium, weighted by θ.
    pub premium: f64,
}

/// The share of origin `origin`'s deliveries of a product that a measure
/// on `techs` (all of that product) covers, and their substitutability
/// `years` after the measure started. `home` is the economy whose output
/// shares the file gives (China): when it is the origin (countermeasures),
/// its output share stands for the share of its deliveries.
pub fn tech_split(techs: &[&Technology], origin: &str, home: &str, years: f64) -> TechSplit {
    let mut share = 0.0;
    let mut sw = 0.0;
    let mut pw = 0.0;
    for t in techs {
        let th = t.share(origin, home);
        share += th;
        sw += th * t.substitutability_at(years);
        pw += th * t.premium;
    }
    if share <= 0.0 {
        return TechSplit {
            share: 0.0,
            substitutability: 0.0,
            premium: 0.0,
        };
    }
    TechSplit {
        share,
        substitutability: sw / share,
        premium: pw / share,
    }
}

/// π per product (table sector order): the mean premium of the technology
/// layer's controlled technologies of the product (those a user depends
/// on, D > 0); 0 for products the layer does not split or if it fails to
/// load (it is checked by its own tests).
pub fn product_premia(sectors: &[String]) -> Vec<f64> {
    let Ok(layer) = plenum_gvc::TechnologyTable::shipped() else {
        return vec![0.0; sectors.len()];
    };
    sectors
        .iter()
        .map(|s| {
            let v: Vec<f64> = layer
                .technologies
                .iter()
                .filter(|t| &t.product == s && t.dependent_share > 0.0)
                .map(|t| t.premium)
                .collect();
            if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        })
        .collect()
}

/// Trade diversion: the flow `diverted` (D) moves towards δ × `blocked` at
/// the speed λ a quarter, D ← D + λ (δ B − D), and stays ≥ 0; returns D.
/// When the measure ends (B = 0) it winds down at the same speed.
pub fn divert(diverted: &mut f64, blocked: f64, share: f64, speed: f64) -> f64 {
    let target = share.clamp(0.0, 1.0) * blocked.max(0.0);
    *diverted = (*diverted + speed.clamp(0.0, 1.0) * (target - *diverted)).max(0.0);
    *diverted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diversion_approaches_its_share_at_its_speed_and_winds_down() {
        let mut d = 0.0;
        // δ 0.25 of 100 blocked, λ 0.5: 12.5, 18.75, … → 25.
        assert!((divert(&mut d, 100.0, 0.25, 0.5) - 12.5).abs() < 1e-12);
        assert!((divert(&mut d, 100.0, 0.25, 0.5) - 18.75).abs() < 1e-12);
        for _ in 0..60 {
            divert(&mut d, 100.0, 0.25, 0.5);
        }
        assert!((d - 25.0).abs() < 1e-9);
        // Never more than δ B, and back to 0 when nothing is blocked.
        assert!(d <= 25.0);
        assert!((divert(&mut d, 0.0, 0.25, 0.5) - 12.5).abs() < 1e-9);
        let mut z = 0.0;
        assert_eq!(divert(&mut z, 100.0, 0.0, 0.5), 0.0);
    }

    #[test]
    fn capacity_raises_substitutability_up_to_one() {
        use super::effective_substitutability as e;
        assert_eq!(e(0.2, 0.0, 10.0), 0.2);
        assert!((e(0.2, 5.0, 10.0) - 0.6).abs() < 1e-15);
        assert_eq!(e(0.2, 50.0, 10.0), 1.0);
    }

    #[test]
    fn shadow_premium_rises_with_the_unmet_share_up_to_its_cap() {
        assert_eq!(shadow_premium(0.0, 0.5, 2.0), 0.0);
        // (1 − 0.2)^(−2) − 1 = 0.5625
        assert!((shadow_premium(0.2, 0.5, 2.0) - 0.5625).abs() < 1e-12);
        assert_eq!(shadow_premium(0.9, 0.5, 2.0), 2.0);
        assert_eq!(shadow_premium(1.0, 0.5, 2.0), 2.0);
        let mut last = 0.0;
        for k in 1..100 {
            let s = shadow_premium(f64::from(k) / 100.0, 0.5, 2.0);
            assert!(s >= last);
            last = s;
        }
    }

    #[test]
    fn wedge_weighs_premium_markup_and_shadow_price() {
        let p = ControlsParams::default();
        let f = FlowPieces {
            reference: 10.0,
            blocked: 4.0,
            redirected: 1.0,
            rerouted: 1.0,
        };
        // U = 2, u = 0.2, s = 0.5625: (1·0.5 + 1·0.2 + 2·0.5625) / 10
        let w = flow_wedge(&f, 0.5, 0.2, &p);
        assert!((w - (0.5 + 0.2 + 2.0 * 0.5625) / 10.0).abs() < 1e-12);
        assert_eq!(flow_wedge(&FlowPieces::default(), 0.5, 0.2, &p), 0.0);
    }

    #[test]
    fn technology_split_of_lithography_and_tools() {
        let t = plenum_gvc::TechnologyTable::shipped().expect("technology file");
        let litho = t.get("lithography").expect("lithography");
        let tools = t.get("fab_tools").expect("tools");
        let s = tech_split(&[litho, tools], "NLD", "CHN", 0.0);
        assert!((s.share - 0.9).abs() < 1e-12);
        let want = (0.7 * litho.substitutability + 0.2 * tools.substitutability) / 0.9;
        assert!((s.substitutability - want).abs() < 1e-12);
        // Substitutes arrive with time.
        assert!(
            tech_split(&[litho, tools], "NLD", "CHN", 5.0).substitutability > s.substitutability
        );
        assert_eq!(tech_split(&[litho], "USA", "CHN", 1.0).share, 0.0);
    }
}
