//! Parameters of the ARIO model, named and defaulted as the arguments of
//! BoARIO 0.7.2's `ARIOPsiModel` constructor.
//!
//! | name | letter | default | meaning |
//! |---|---|---|---|
//! | `order_type` | | `"alt"` | how orders are split among suppliers of a product: `alt` by current capacity-weighted shares, `noalt` by the baseline shares of Z |
//! | `alpha_base` | α^b | 1.0 | base overproduction factor |
//! | `alpha_max` | α^max | 1.25 | maximum overproduction factor |
//! | `alpha_tau` | τ_α | 365 | characteristic time of overproduction, temporal units |
//! | `rebuild_tau` | τ_R | 60 | characteristic time of rebuilding, used when an event gives none |
//! | `main_inv_dur` | s | 90 | inventory target of every input, temporal units |
//! | `monetary_factor` | | 10⁶ | the table's monetary unit (10⁶ if the table is in millions) |
//! | `temporal_units_by_step` | | 1 | temporal units (days) per step |
//! | `iotable_year_to_temporal_unit_factor` | | 365 | temporal units per year of the table |
//! | `infinite_inventories_sect` | | `[]` | inputs that never constrain production |
//! | `inventory_dict` | s_i | none | inventory target per input sector (all sectors), a number or `"inf"` |
//! | `productive_capital_vector` | K | 4·VA | capital stock per industry |
//! | `productive_capital_to_VA_dict` | | none | capital/VA ratio per sector (all sectors) |
//! | `psi_param` | ψ | 0.8 | share of the inventory target below which production is constrained |
//! | `inventory_restoration_tau` | τ_INV | 60 | characteristic time of inventory restoration, one number or per sector |

use std::collections::BTreeMap;

use serde::Deserialize;

/// How orders for a product are split among its suppliers (BoARIO's
/// `order_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OrderType {
    /// Shares of the baseline flows Z, weighted by each supplier's current
    /// capacity ratio x^Cap / x⁰ (Guan et al. 2020; BoARIO's default).
    #[default]
    Alt,
    /// Fixed shares of the baseline flows Z.
    Noalt,
}

/// An inventory target: a number of temporal units, or never constraining.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Inventory {
    Days(f64),
    /// One of BoARIO's spellings "inf", "Inf", "Infinity", "infinity".
    Word(InfWord),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum InfWord {
    #[serde(rename = "inf")]
    Inf,
    #[serde(rename = "Inf")]
    InfCap,
    #[serde(rename = "Infinity")]
    InfinityCap,
    #[serde(rename = "infinity")]
    Infinity,
}

impl Inventory {
    pub fn days(&self) -> f64 {
        match self {
            Inventory::Days(d) => *d,
            Inventory::Word(_) => f64::INFINITY,
        }
    }
}

/// Inventory restoration time: one value for every input or one per sector.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RestorationTau {
    Uniform(u32),
    PerSector(BTreeMap<String, u32>),
}

impl Default for RestorationTau {
    fn default() -> Self {
        RestorationTau::Uniform(60)
    }
}

/// The parameters of [`crate::ario::ArioModel`], with BoARIO's names and
/// defaults. Deserialised from the `[model]` table of an event file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArioParams {
    pub order_type: OrderType,
    pub alpha_base: f64,
    pub alpha_max: f64,
    pub alpha_tau: u32,
    pub rebuild_tau: u32,
    pub main_inv_dur: f64,
    pub monetary_factor: f64,
    pub temporal_units_by_step: u32,
    pub iotable_year_to_temporal_unit_factor: u32,
    pub infinite_inventories_sect: Vec<String>,
    pub inventory_dict: Option<BTreeMap<String, Inventory>>,
    /// `{ region = { sector = capital } }`; industries not named get 0.
    pub productive_capital_vector: Option<BTreeMap<String, BTreeMap<String, f64>>>,
    #[serde(rename = "productive_capital_to_VA_dict")]
    pub productive_capital_to_va_dict: Option<BTreeMap<String, f64>>,
    pub psi_param: f64,
    pub inventory_restoration_tau: RestorationTau,
}

impl Default for ArioParams {
    fn default() -> Self {
        Self {
            order_type: OrderType::Alt,
            alpha_base: 1.0,
            alpha_max: 1.25,
            alpha_tau: 365,
            rebuild_tau: 60,
            main_inv_dur: 90.0,
            monetary_factor: 1e6,
            temporal_units_by_step: 1,
            iotable_year_to_temporal_unit_factor: 365,
            infinite_inventories_sect: Vec::new(),
            inventory_dict: None,
            productive_capital_vector: None,
            productive_capital_to_va_dict: None,
            psi_param: 0.8,
            inventory_restoration_tau: RestorationTau::Uniform(60),
        }
    }
}
