//! Scenario files: TOML, `schema = 1`, documented key by key in
//! docs/scenarios.md.
//!
//! A file is parsed into [`RawScenario`] (every key optional, unknown keys
//! rejected with the list of allowed keys), merged onto the file it
//! `extends` (a shipped scenario's name), and resolved into a
//! [`Scenario`]: paths built, values range-checked, parameters checked
//! against their plausible range. Region and sector names are checked
//! against a table later, when the scenario is bound to one
//! ([`crate::bind`]).
//!
//! Merging: a key given in the file replaces the inherited key, maps (paths,
//! shares) are merged key by key, and lists of tables (`[[controls.measure]]`,
//! `[[self_reliance.programme]]`, `[[local_government.swap]]`) are appended,
//! an entry with the `id` of an inherited one replacing it.
//!
//! Three stages, one module each: [`raw`] (the file as written, with the
//! locator that points messages at a key's file and line), [`merge`]
//! (along `extends`) and [`resolve`] (one function per block, mirroring
//! [`crate::blocks`]).

mod merge;
mod raw;
mod resolve;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

pub use merge::merge;
pub(crate) use raw::key_line;
pub use raw::{
    parse_raw, RawBudget, RawCommonProsperity, RawControls, RawEconomy, RawFdi, RawHouseholds,
    RawInvestment, RawLocal, RawMeasure, RawMoney, RawPrices, RawProgramme, RawProperty, RawRun,
    RawScenario, RawSelfReliance, RawSwap, RawWorld,
};

use crate::error::{At, Result, ScenarioError};
use crate::params::Params;
use crate::time::{GrowthPath, LevelPath, Quarter};
use raw::Locator;

/// The schema version this crate reads.
pub const SCHEMA: i64 = 1;
/// The first simulated quarter (enough history for y/y growth in 2024).
pub const START: Quarter = Quarter(4);
/// The default last quarter.
pub const DEFAULT_END: Quarter = Quarter(35);

pub(crate) type Map = BTreeMap<String, f64>;

/// Which table labels play which role. Checked against the table by
/// [`crate::bind`]; `None` final-demand roles are recognised by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Roles {
    pub region: String,
    pub chips: String,
    pub equipment: String,
    pub construction: String,
    pub real_estate: String,
    pub households: Option<String>,
    pub government: Option<String>,
    pub investment: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Swap {
    pub id: String,
    /// tn yuan swapped in all.
    pub amount: f64,
    pub start: Quarter,
    pub end: Quarter,
    /// % per year on the swapped part.
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    pub id: String,
    /// bn yuan in all, spent evenly from `start` to `end`.
    pub amount: f64,
    pub start: Quarter,
    pub end: Quarter,
    /// Sector whose capacity the programme builds (in the scenario region).
    pub target: String,
    /// Sector → share of spending (sums to 1).
    pub spending: Vec<(String, f64)>,
    pub lag: f64,
    pub capital_output_ratio: f64,
    pub technology_yield: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub id: String,
    pub description: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub products: Vec<String>,
    /// Technologies restricted (empty: whole products). With technologies,
    /// `restricted_share` is the share of each technology's flow covered
    /// and substitutability follows the technologies' learning curves.
    pub technologies: Vec<String>,
    /// User sectors hit; `None`: all users and final demand.
    pub users: Option<Vec<String>>,
    pub restricted_share: f64,
    pub substitutability: f64,
    pub start: Quarter,
    pub phase_in: u32,
    pub end: Option<Quarter>,
    /// Announcement (anticipation): buyers front-load imports between it
    /// and `start` (the engine's anticipation mechanism, given it by
    /// `run/trade.rs`).
    pub anticipation: Option<Anticipation>,
    /// Rerouting of a share of the restricted flow through a third economy.
    pub reroute: Option<Reroute>,
}

/// An announced measure: buyers stock up before it takes effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Anticipation {
    /// Quarter of the announcement (≤ the measure's start).
    pub announced: Quarter,
    /// Bound of the stock, in quarters of the flow the measure will block.
    pub storage_quarters: f64,
}

/// A share of a restricted flow that reaches the buyer through a third
/// economy.
#[derive(Debug, Clone, PartialEq)]
pub struct Reroute {
    /// The third economy (a region label).
    pub via: String,
    /// ν: share of the blocked flow rerouted.
    pub share: f64,
    /// λ: cap, as a multiple of the third economy's own deliveries of the
    /// product to the buyers.
    pub limit: f64,
    /// μ: the third economy's mark-up on rerouted trade.
    pub markup: f64,
}

impl Measure {
    /// Share of the flow restricted at quarter t: ramps up linearly over
    /// `phase_in` quarters from `start`, zero after `end`.
    pub fn share_at(&self, t: Quarter) -> f64 {
        if t < self.start || self.end.is_some_and(|e| t > e) {
            return 0.0;
        }
        let k = f64::from(t.0 - self.start.0 + 1);
        self.restricted_share * (k / f64::from(self.phase_in.max(1))).min(1.0)
    }
}

/// `[budget]`: values by year (read with [`GrowthPath::rate`]: a year not
/// given repeats the last one given).
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// Official deficit, % of GDP.
    pub official_deficit: GrowthPath,
    /// Local special-bond quota, tn yuan a year (None: the planned deficit
    /// `local_planned_deficit` applies).
    pub special_bond_quota: Option<GrowthPath>,
    /// Ultra-long special treasury bonds, tn yuan a year.
    pub ultra_long_bonds: GrowthPath,
}

/// A resolved scenario (not yet bound to a table).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The file names, most derived first (the file and what it extends).
    pub files: Vec<String>,
    /// SHA-256 of the texts of `files`, in that order.
    pub hash: String,
    pub end: Quarter,
    pub seed: u64,
    pub roles: Roles,
    pub params: Params,
    /// Parameters the scenario set itself (kept through calibration).
    pub params_set: Vec<String>,
    /// `[distributions]`: the scenario's own distributions of parameters
    /// for draws (Monte Carlo, sensitivity), overriding the table's; a
    /// `kind = "fixed"` entry fixes the parameter in every draw.
    pub distributions: Vec<crate::dists::ParamDist>,
    pub trend_growth: Vec<(String, f64)>,
    pub confidence: LevelPath,
    pub property_investment: GrowthPath,
    pub property_sales: GrowthPath,
    /// House prices, y/y % by year (`[property] price_growth`), for the
    /// housing-wealth effect ([`crate::blocks::households`]).
    pub property_prices: GrowthPath,
    pub extra_transfers: LevelPath,
    pub swaps: Vec<Swap>,
    pub fdi_openness: LevelPath,
    pub fdi_risk: LevelPath,
    pub fdi_targeted: Vec<(String, f64)>,
    pub programmes: Vec<Programme>,
    pub critical: Vec<(String, f64)>,
    pub measures: Vec<Measure>,
    pub cp_transfer: LevelPath,
    /// World import prices in yuan, y/y % by year ([`crate::blocks::prices`]).
    pub import_prices: GrowthPath,
    /// The government budget by year ([`crate::blocks::budget`]).
    pub budget: Budget,
    /// Growth of manufacturing medium- and long-term loans, y/y % by year
    /// (`[investment] manufacturing_credit_growth`,
    /// [`crate::blocks::manufacturing`]).
    pub manufacturing_credit: GrowthPath,
    /// Extra growth of manufacturing (equipment) investment from the
    /// equipment-renewal programme, pp a year by year
    /// (`[investment] equipment_renewal_growth`).
    pub equipment_renewal: GrowthPath,
    /// Cut of the 1-year LPR below the rule's path, pp by year
    /// (`[money] lpr_cut_pp`, [`crate::blocks::money`]).
    pub lpr_cut: GrowthPath,
    /// Cut of the 5-year LPR alone below its path (the 1-year LPR plus the
    /// term spread), pp by year (`[money] lpr5_cut_pp`,
    /// [`crate::blocks::propcredit`]).
    pub lpr5_cut: GrowthPath,
    /// Managed move of the yuan per dollar, % by year, and the change of
    /// foreign policy rates since 2024Q2, pp by year (`[money]
    /// fx_managed_depreciation`, `foreign_rate_change_pp`;
    /// [`crate::blocks::fx`]).
    pub fx_managed: GrowthPath,
    pub foreign_rate: GrowthPath,
    /// Every file's text, to locate keys in error messages.
    pub(crate) texts: Vec<(String, String)>,
}

impl Scenario {
    /// Where `key` is written (most derived file first), for messages;
    /// `key` is a dotted path (`world.trend_growth.USA`), or a bare key.
    pub(crate) fn locate(&self, key: &str) -> At {
        Locator::new(&self.texts).at(key)
    }
}

/// Resolves text into a scenario. `file` names it in messages; `lookup`
/// finds the text of a scenario named by `extends` (the shipped library,
/// see [`crate::shipped::lookup`]).
pub fn parse_scenario(
    text: &str,
    file: &str,
    lookup: &dyn Fn(&str) -> Option<(String, String)>,
) -> Result<Scenario> {
    let mut texts = vec![(file.to_string(), text.to_string())];
    let mut raw = parse_raw(text, file)?;
    let mut chain = vec![raw.clone()];
    let mut next = raw.extends.clone();
    while let Some(parent) = next {
        let (cur_file, cur_text) = texts.last().cloned().unwrap_or_default();
        let at = At {
            file: cur_file.clone(),
            line: key_line(&cur_text, "extends"),
            column: None,
        };
        if texts.len() > 8 || texts.iter().any(|(f, _)| f == &format!("{parent}.toml")) {
            return Err(ScenarioError::Invalid {
                at,
                key: "extends".into(),
                value: format!("\"{parent}\""),
                expected: "a chain of at most 8 files without a cycle".into(),
                fix: "extend a scenario that does not extend this one".into(),
            });
        }
        let Some((pf, pt)) = lookup(&parent) else {
            let valid = crate::shipped::SHIPPED
                .iter()
                .map(|(n, _)| n.to_string())
                .collect();
            return Err(ScenarioError::UnknownLabel {
                at,
                key: "extends".into(),
                kind: "shipped scenario",
                label: parent,
                valid,
            });
        };
        let p = parse_raw(&pt, &pf)?;
        next = p.extends.clone();
        chain.push(p);
        texts.push((pf, pt));
    }
    // Merge from the root down.
    raw = chain.pop().unwrap_or_default();
    while let Some(over) = chain.pop() {
        raw = merge(raw, over);
    }
    let mut h = Sha256::new();
    for (f, t) in &texts {
        h.update(f.as_bytes());
        h.update([0]);
        h.update(t.as_bytes());
        h.update([0]);
    }
    let hash: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    resolve::resolve(raw, hash, texts)
}

/// Parameter overrides for one run: name → value, set without re-parsing
/// any TOML (batch evaluation, Monte Carlo, the optimiser).
pub type Overrides = BTreeMap<String, f64>;

impl Scenario {
    /// This scenario with `overrides` applied to its parameters, each
    /// checked against its row of the table (name and plausible range).
    /// The overridden names count as set by the scenario, so a run
    /// re-solves the calibration around them (and keeps a calibrated rate
    /// that is overridden). Errors name the parameter (file "overrides").
    pub fn with_overrides(&self, overrides: &Overrides) -> Result<Scenario> {
        let mut out = self.clone();
        let at = || At {
            file: "overrides".into(),
            line: None,
            column: None,
        };
        for (k, &v) in overrides {
            let Some(def) = crate::params::param_def(k) else {
                return Err(ScenarioError::UnknownLabel {
                    at: at(),
                    key: format!("params.{k}"),
                    kind: "parameter",
                    label: k.clone(),
                    valid: crate::params::PARAMS
                        .iter()
                        .map(|p| p.name.to_string())
                        .collect(),
                });
            };
            if !(v.is_finite() && v >= def.min && v <= def.max) {
                return Err(ScenarioError::Invalid {
                    at: at(),
                    key: format!("params.{k}"),
                    value: v.to_string(),
                    expected: format!("{k} ({}) in [{}, {}]", def.unit, def.min, def.max),
                    fix: "give a value in the parameter's plausible range".into(),
                });
            }
            out.params.set(k, v);
            if !out.params_set.iter().any(|s| s == k) {
                out.params_set.push(k.clone());
            }
        }
        Ok(out)
    }
}
