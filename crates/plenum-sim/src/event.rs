//! Events of the ARIO model, as BoARIO 0.7.2 defines them, and their
//! recovery functions.
//!
//! Three kinds ([`EventKind`]):
//! - `recovery` (BoARIO's `EventKapitalRecover`): capital K is destroyed,
//!   d⁰ per industry, and recovers exogenously along a recovery function
//!   d(e) of the elapsed time e since the end of the event;
//! - `rebuild` (`EventKapitalRebuild`): capital is destroyed and must be
//!   rebuilt: a rebuilding demand D⁰[(r,s), j] = σ_s · d⁰_j · φ ·
//!   Z[(r,s), j] / Σ_r' Z[(r',s), j] is addressed to the rebuilding sectors s
//!   (shares σ), each region r supplying in proportion to its baseline sales
//!   to the damaged industry j; each step asks D/τ_R and the capital lost is
//!   what remains to be rebuilt;
//! - `arbitrary` (`EventArbitraryProd`): a share δ of production capacity is
//!   lost, recovering along a recovery function.
//!
//! The capacity lost by industry j is Δ_j = max(d_j / K_j, δ_j), and
//! x^Cap_j = α_j (1 − Δ_j) x⁰_j.
//!
//! Recovery functions of e (elapsed temporal units), τ (recovery_tau):
//! - `linear`: d⁰ (1 − e/τ)
//! - `convexe`: d⁰ (1 − 1/τ)^(4e)
//! - `convexe noscale`: d⁰ (1 − 1/τ)^e
//! - `concave`: d⁰ τ / (τ + 10⁻⁶ e^k), k = (ln τ − ln 10⁻⁶) / (ln τ − ln 2)

use std::collections::BTreeMap;

use serde::Deserialize;

/// The kind of an event, BoARIO's `event_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Recovery,
    Rebuild,
    Arbitrary,
}

/// BoARIO's recovery functions, by their names there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum RecoveryFunction {
    #[default]
    #[serde(rename = "linear")]
    Linear,
    #[serde(rename = "convexe")]
    Convexe,
    #[serde(rename = "convexe noscale")]
    ConvexeNoscale,
    #[serde(rename = "concave")]
    Concave,
}

impl RecoveryFunction {
    /// The multiplier-free recovery of one initial value `init` after
    /// `elapsed` temporal units, computed in BoARIO's order of operations.
    pub fn apply(self, elapsed: f64, init: f64, tau: f64) -> f64 {
        match self {
            RecoveryFunction::Linear => init * (1.0 - (elapsed / tau)),
            RecoveryFunction::Convexe => init * (1.0 - (1.0 / tau)).powf(4.0 * elapsed),
            RecoveryFunction::ConvexeNoscale => init * (1.0 - (1.0 / tau)).powf(elapsed),
            RecoveryFunction::Concave => {
                let steep = 0.000001_f64;
                let tau_h = 2.0_f64;
                let exponent = (tau.ln() - steep.ln()) / (tau.ln() - tau_h.ln());
                (init * tau) / (tau + steep * elapsed.powf(exponent))
            }
        }
    }
}

/// numpy's `round(x, decimals)`: scale by 10^d, round half to even, scale back.
pub fn np_round(x: f64, decimals: i32) -> f64 {
    if decimals >= 0 {
        let f = 10f64.powi(decimals);
        (x * f).round_ties_even() / f
    } else {
        let f = 10f64.powi(-decimals);
        (x / f).round_ties_even() * f
    }
}

/// BoARIO's rounding precision of a capital event's remaining damage:
/// `int(log10(event_monetary_factor)) + 1` decimals.
pub fn precision_of(event_monetary_factor: f64) -> i32 {
    event_monetary_factor.log10().trunc() as i32 + 1
}

/// An event resolved against a model's industries: what the engine runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub name: String,
    pub kind: EventKind,
    /// Temporal unit at which the event happens (> 0).
    pub occurrence: u32,
    /// Temporal units before recovery or rebuilding starts (> 0).
    pub duration: u32,
    /// Non-zero impact per industry (model order, regions and sectors
    /// sorted): capital destroyed (recovery, rebuild) in units of
    /// `event_monetary_factor`, or the share of capacity lost (arbitrary).
    pub impact: Vec<(usize, f64)>,
    pub recovery_tau: u32,
    pub recovery_function: RecoveryFunction,
    pub rebuild_tau: u32,
    /// Rebuilding sectors (model order) and their shares σ (sum 1).
    pub rebuilding_sectors: Vec<(usize, f64)>,
    pub rebuilding_factor: f64,
    pub event_monetary_factor: f64,
    /// Where the event was written (file and line of its `[[event]]`), so
    /// that a timing error found at run time can still name it; `None` for
    /// events built in code.
    pub source: Option<crate::error::Location>,
}

impl Event {
    /// How errors name the event: its place in the file (`event #2`, the
    /// file's own numbering) and its name when it has one of its own.
    pub fn label(&self, index: usize) -> String {
        let number = format!("event #{}", index + 1);
        if self.name.is_empty() || self.name == number {
            number
        } else {
            format!("{number} (\"{}\")", self.name)
        }
    }

    /// The `file:line: ` prefix of an error about this event, or nothing.
    pub fn at(&self) -> String {
        self.source
            .as_ref()
            .map(|l| format!("{l}: "))
            .unwrap_or_default()
    }
}

/// How an impact is spread over affected regions or sectors.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Distribution {
    /// `"equal"` or `"gdp"` (value added x − 1'Z, of each affected region,
    /// or of each affected sector summed over the affected regions).
    Word(String),
    /// Weights by label, normalised over the affected labels.
    Weights(BTreeMap<String, f64>),
}

/// An impact: one number to distribute, or a value per region and sector.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ImpactSpec {
    Scalar(f64),
    PerIndustry(BTreeMap<String, BTreeMap<String, f64>>),
}

/// A list of labels, or one label.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Labels {
    One(String),
    Many(Vec<String>),
}

impl Labels {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Labels::One(s) => vec![s.clone()],
            Labels::Many(v) => v.clone(),
        }
    }
}

/// One `[[event]]` table of an event file: the arguments of BoARIO's event
/// constructors (`from_scalar_regions_sectors` or `from_series`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    pub event_type: EventKind,
    pub impact: ImpactSpec,
    pub name: Option<String>,
    pub affected_regions: Option<Labels>,
    pub affected_sectors: Option<Labels>,
    pub impact_regional_distrib: Option<Distribution>,
    pub impact_sectoral_distrib: Option<Distribution>,
    pub occurrence: Option<i64>,
    pub duration: Option<i64>,
    pub recovery_tau: Option<i64>,
    pub recovery_function: Option<RecoveryFunction>,
    pub rebuild_tau: Option<i64>,
    pub rebuilding_sectors: Option<BTreeMap<String, f64>>,
    pub rebuilding_factor: Option<f64>,
    pub event_monetary_factor: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_rounding_is_half_even() {
        assert_eq!(np_round(0.25, 1), 0.2);
        // Values checked against numpy 2 (np.round).
        assert_eq!(np_round(0.35, 1), 0.4);
        assert_eq!(np_round(3.5e-7, 7), 4e-7);
        assert_eq!(np_round(2.5, 0), 2.0);
        assert_eq!(np_round(-1.26, 1), -1.3);
        assert_eq!(np_round(1234.0, -2), 1200.0);
        assert_eq!(precision_of(1.0), 1);
        assert_eq!(precision_of(1e6), 7);
    }

    #[test]
    fn recovery_functions_start_at_the_impact() {
        for f in [
            RecoveryFunction::Linear,
            RecoveryFunction::Convexe,
            RecoveryFunction::ConvexeNoscale,
            RecoveryFunction::Concave,
        ] {
            assert_eq!(f.apply(0.0, 5.0, 30.0), 5.0, "{f:?}");
            assert!(f.apply(10.0, 5.0, 30.0) < 5.0, "{f:?}");
        }
        assert_eq!(RecoveryFunction::Linear.apply(30.0, 5.0, 30.0), 0.0);
    }
}
