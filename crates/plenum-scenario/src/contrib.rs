//! Growth explained: contributions to real GDP growth y/y by component
//! of demand and by block (driver), for every quarter of a run, and for
//! the gap between a scenario and the baseline.
//!
//! GDP is an identity of the accounts ([`crate::engine::accounts`]):
//!
//! ```text
//!     GDP_t = C_t + G_t + I_t + O_t + (X_t − M_t) − D_t
//! ```
//!
//! with D_t the inventory drawdown (inputs used beyond those delivered).
//! Each final-demand column the blocks set is a sum of named pieces
//! (the trend part a_t of autonomous demand, the confidence and income
//! terms of consumption, the common-prosperity transfer, the property
//! paths and the credit channel's departures from them, the
//! local-government spending deviation, FDI demand and the
//! self-reliance programmes; see [`Piece`]); what the engine delivers of a
//! column is shared among its pieces in proportion to what they asked.
//! The contribution of a piece k to growth y/y at quarter t is
//!
//! ```text
//!     c_k,t = 100 (L_k,t − L_k,t−4) / GDP_t−4
//! ```
//!
//! so that Σ_k c_k,t = 100 (GDP_t / GDP_t−4 − 1), the growth rate, up to
//! rounding (tested to 1e-9 pp). Components and blocks are two groupings
//! of the same pieces; for a scenario against the baseline the
//! differences of contributions add up to the difference of growth rates.
//!
//! Named trends: household consumption on trend labour income (income
//! block), government consumption on the budget plan (budget), local
//! infrastructure on the local plan (local government), each at
//! potential; manufacturing and other business investment at potential
//! times the manufacturing index ([`crate::blocks::manufacturing`]); the
//! other final categories at potential (potential). The residual is one
//! named term: the calibrated index r_t over those trends, its pieces
//! (r_t − 1) times each trend. The exchange rate's switch of demand between
//! origins ([`crate::blocks::fx`]) is its own piece of net exports (block
//! `fx`); the rest of net exports carries world demand and export controls
//! together (the engine rations restricted flows; their effect on the
//! path is the difference to a run without the measure, see
//! `plenum compare`).

/// One named piece of China's GDP (a level, table units per quarter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Household consumption at trend: C⁰ a_t.
    ConsTrend,
    /// Confidence effect: C⁰ a_t ε (conf_t − conf*) / conf*.
    ConsConfidence,
    /// Labour-income feedback: mpc (W_t−1 − W*_t−1).
    ConsIncome,
    /// Common-prosperity transfer: (mpc_L − mpc_O) T_t.
    ConsTransfer,
    /// Property-sales part of household demand for real-estate services.
    ConsProperty,
    /// Government consumption at trend.
    GovTrend,
    /// Local-government spending deviation on consumption.
    GovLocal,
    /// Real-estate development investment and sales-related investment.
    InvProperty,
    /// Infrastructure at trend.
    InvInfraTrend,
    /// Local-government spending deviation on infrastructure.
    InvInfraLocal,
    /// Other investment (manufacturing and the rest) at trend.
    InvOther,
    /// FDI demand.
    InvFdi,
    /// Self-reliance programme spending.
    InvSelfReliance,
    /// Other final-demand categories (at trend).
    OtherFinal,
    /// Net exports.
    NetExports,
    /// Inventories: −drawdown.
    Inventories,
    /// Ultra-long special treasury bonds spent on infrastructure
    /// ([`crate::blocks::budget`]).
    InvInfraBonds,
    /// Ultra-long bonds spent on equipment renewal (investment in the
    /// equipment product; the March 2024 programme).
    InvEquipmentRenewal,
    /// Ultra-long bonds spent on consumer trade-ins.
    ConsTradeIn,
    /// Central government consumption from a deficit above the 2024
    /// budget's.
    GovBudget,
    /// Housing-wealth effect on consumption: C⁰ Y*_t r_t η (H_t−1 − 1)
    /// ([`crate::blocks::households`]).
    ConsHousingWealth,
    /// The residual's part of each column the residual index r_t
    /// multiplies: (r_t − 1) times the column's named trend.
    ResidualHouseholds,
    ResidualGovernment,
    ResidualInfra,
    ResidualManufacturing,
    ResidualOther,
    /// Net exports the exchange rate moved ([`crate::blocks::fx`]): China's
    /// exports gained and imports replaced by the switch between origins.
    NetExportsFx,
    /// The credit channel's part of the property-sales piece of household
    /// demand: sales part · (S_t − S^exo_t) ([`crate::blocks::propcredit`]).
    ConsPropertyCredit,
    /// The credit channel's part of property investment: property part ·
    /// (I_t − I^exo_t) + sales part · (S_t − S^exo_t).
    InvPropertyCredit,
}

/// Every piece, in a fixed order.
pub const PIECES: [Piece; NP] = [
    Piece::ConsTrend,
    Piece::ConsConfidence,
    Piece::ConsIncome,
    Piece::ConsTransfer,
    Piece::ConsProperty,
    Piece::GovTrend,
    Piece::GovLocal,
    Piece::InvProperty,
    Piece::InvInfraTrend,
    Piece::InvInfraLocal,
    Piece::InvOther,
    Piece::InvFdi,
    Piece::InvSelfReliance,
    Piece::OtherFinal,
    Piece::NetExports,
    Piece::Inventories,
    Piece::InvInfraBonds,
    Piece::InvEquipmentRenewal,
    Piece::ConsTradeIn,
    Piece::GovBudget,
    Piece::ConsHousingWealth,
    Piece::ResidualHouseholds,
    Piece::ResidualGovernment,
    Piece::ResidualInfra,
    Piece::ResidualManufacturing,
    Piece::ResidualOther,
    Piece::NetExportsFx,
    Piece::ConsPropertyCredit,
    Piece::InvPropertyCredit,
];

/// The final-demand column of a piece (`None`: not final demand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Households,
    Government,
    Investment,
    Other,
}

impl Piece {
    pub fn column(self) -> Option<Column> {
        use Piece::*;
        match self {
            ConsTrend | ConsConfidence | ConsIncome | ConsTransfer | ConsProperty | ConsTradeIn
            | ConsHousingWealth | ConsPropertyCredit | ResidualHouseholds => {
                Some(Column::Households)
            }
            GovTrend | GovLocal | GovBudget | ResidualGovernment => Some(Column::Government),
            InvProperty
            | InvPropertyCredit
            | InvInfraTrend
            | InvInfraLocal
            | InvOther
            | InvFdi
            | InvSelfReliance
            | InvInfraBonds
            | InvEquipmentRenewal
            | ResidualInfra
            | ResidualManufacturing => Some(Column::Investment),
            OtherFinal | ResidualOther => Some(Column::Other),
            NetExports | NetExportsFx | Inventories => None,
        }
    }

    /// The demand component (`contrib_<component>`).
    pub fn component(self) -> &'static str {
        use Piece::*;
        match self {
            ConsTrend | ConsConfidence | ConsIncome | ConsTransfer | ConsProperty | ConsTradeIn
            | ConsHousingWealth | ConsPropertyCredit | ResidualHouseholds => "consumption",
            GovTrend | GovLocal | GovBudget | ResidualGovernment => "government",
            InvProperty | InvPropertyCredit => "inv_property",
            InvInfraTrend | InvInfraLocal | InvInfraBonds | ResidualInfra => "inv_infrastructure",
            InvEquipmentRenewal => "inv_equipment_renewal",
            InvOther | ResidualManufacturing => "inv_manufacturing",
            InvFdi => "inv_fdi",
            InvSelfReliance => "inv_self_reliance",
            OtherFinal | ResidualOther => "other_final",
            NetExports | NetExportsFx => "net_exports",
            Inventories => "inventories",
        }
    }

    /// The block or driver (`contrib_block_<block>`).
    pub fn block(self) -> &'static str {
        use Piece::*;
        match self {
            ResidualHouseholds
            | ResidualGovernment
            | ResidualInfra
            | ResidualManufacturing
            | ResidualOther => "residual",
            OtherFinal => "potential",
            InvOther => "manufacturing",
            ConsConfidence => "confidence",
            ConsTrend | ConsIncome => "income",
            ConsTransfer => "transfers",
            ConsProperty | InvProperty | ConsHousingWealth => "property",
            ConsPropertyCredit | InvPropertyCredit => "property_credit",
            GovLocal | InvInfraLocal | InvInfraTrend => "local_government",
            InvFdi => "fdi",
            InvSelfReliance => "self_reliance",
            NetExports => "external",
            NetExportsFx => "fx",
            Inventories => "inventories",
            InvInfraBonds | InvEquipmentRenewal | ConsTradeIn | GovBudget | GovTrend => "budget",
        }
    }
}

/// The components, in the order of the outputs.
pub const COMPONENTS: [&str; 11] = [
    "consumption",
    "government",
    "inv_property",
    "inv_infrastructure",
    "inv_equipment_renewal",
    "inv_manufacturing",
    "inv_fdi",
    "inv_self_reliance",
    "other_final",
    "net_exports",
    "inventories",
];

/// The blocks, in the order of the outputs.
pub const BLOCKS: [&str; 15] = [
    "residual",
    "manufacturing",
    "potential",
    "budget",
    "confidence",
    "income",
    "transfers",
    "property",
    "property_credit",
    "local_government",
    "fdi",
    "self_reliance",
    "external",
    "fx",
    "inventories",
];

/// Tidy variable names of the components' contributions (`contrib_` and
/// the component), in the order of [`COMPONENTS`].
pub const COMPONENT_VARS: [&str; 11] = [
    "contrib_consumption",
    "contrib_government",
    "contrib_inv_property",
    "contrib_inv_infrastructure",
    "contrib_inv_equipment_renewal",
    "contrib_inv_manufacturing",
    "contrib_inv_fdi",
    "contrib_inv_self_reliance",
    "contrib_other_final",
    "contrib_net_exports",
    "contrib_inventories",
];

/// Tidy variable names of the blocks' contributions (`contrib_block_` and
/// the block), in the order of [`BLOCKS`].
pub const BLOCK_VARS: [&str; 15] = [
    "contrib_block_residual",
    "contrib_block_manufacturing",
    "contrib_block_potential",
    "contrib_block_budget",
    "contrib_block_confidence",
    "contrib_block_income",
    "contrib_block_transfers",
    "contrib_block_property",
    "contrib_block_property_credit",
    "contrib_block_local_government",
    "contrib_block_fdi",
    "contrib_block_self_reliance",
    "contrib_block_external",
    "contrib_block_fx",
    "contrib_block_inventories",
];

/// Levels of the pieces in one quarter, in the order of [`PIECES`].
/// Number of pieces.
pub const NP: usize = 29;

pub type Levels = [f64; NP];

/// Delivered levels: each column's pieces scaled to what the engine
/// delivered of the column (`delivered` per [`Column`] in the order
/// Households, Government, Investment, Other), net exports and
/// inventories as given.
pub fn delivered(asked: &Levels, delivered: [f64; 4], net_exports: f64, drawdown: f64) -> Levels {
    let cols = [
        Column::Households,
        Column::Government,
        Column::Investment,
        Column::Other,
    ];
    let mut out = [0.0; NP];
    for (ci, c) in cols.iter().enumerate() {
        let idx: Vec<usize> = (0..NP)
            .filter(|&k| PIECES[k].column() == Some(*c))
            .collect();
        let tot: f64 = idx.iter().map(|&k| asked[k]).sum();
        if tot != 0.0 {
            for &k in &idx {
                out[k] = asked[k] * delivered[ci] / tot;
            }
        } else if let Some(&k) = idx.first() {
            out[k] = delivered[ci];
        }
    }
    // The exchange rate's switch is asked of other origins and delivered
    // with them; the rest of net exports is world demand and controls.
    let fx = asked[Piece::NetExportsFx as usize];
    out[Piece::NetExports as usize] = net_exports - fx;
    out[Piece::NetExportsFx as usize] = fx;
    out[Piece::Inventories as usize] = -drawdown;
    out
}

/// Contributions per piece at each quarter k ≥ 4 (NaN before):
/// 100 (L_k − L_k−4) / GDP_k−4.
pub fn by_piece(levels: &[Levels], gdp: &[f64]) -> Vec<Levels> {
    (0..levels.len())
        .map(|k| {
            let mut c = [f64::NAN; NP];
            if k >= 4 {
                for p in 0..NP {
                    c[p] = 100.0 * (levels[k][p] - levels[k - 4][p]) / gdp[k - 4];
                }
            }
            c
        })
        .collect()
}

/// Sums piece contributions into the groups `names` by `group`.
pub fn grouped(
    pieces: &[Levels],
    names: &[&str],
    group: fn(Piece) -> &'static str,
) -> Vec<Vec<f64>> {
    names
        .iter()
        .map(|n| {
            pieces
                .iter()
                .map(|c| {
                    (0..NP)
                        .filter(|&p| group(PIECES[p]) == *n)
                        .map(|p| c[p])
                        .sum()
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_is_in_one_component_and_one_block() {
        for (c, v) in COMPONENTS.iter().zip(COMPONENT_VARS) {
            assert_eq!(format!("contrib_{c}"), v);
        }
        for (b, v) in BLOCKS.iter().zip(BLOCK_VARS) {
            assert_eq!(format!("contrib_block_{b}"), v);
        }
        for p in PIECES {
            assert!(COMPONENTS.contains(&p.component()), "{p:?}");
            assert!(BLOCKS.contains(&p.block()), "{p:?}");
        }
    }

    #[test]
    fn delivered_levels_add_up_to_the_columns() {
        let mut asked = [0.0; NP];
        for (k, a) in asked.iter_mut().enumerate() {
            *a = 1.0 + k as f64;
        }
        let d = delivered(&asked, [10.0, 5.0, 20.0, 1.0], 3.0, 0.5);
        let col = |c: Column| -> f64 {
            (0..NP)
                .filter(|&k| PIECES[k].column() == Some(c))
                .map(|k| d[k])
                .sum()
        };
        assert!((col(Column::Households) - 10.0).abs() < 1e-12);
        assert!((col(Column::Investment) - 20.0).abs() < 1e-12);
        assert_eq!(d[15], -0.5);
    }
}
