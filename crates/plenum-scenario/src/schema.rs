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

use std::collections::BTreeMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{At, Result, ScenarioError};
use crate::params::{param_def, Params};
use crate::time::{GrowthPath, LevelPath, Quarter};

/// The schema version this crate reads.
pub const SCHEMA: i64 = 1;
/// The first simulated quarter (enough history for y/y growth in 2024).
pub const START: Quarter = Quarter(4);
/// The default last quarter.
pub const DEFAULT_END: Quarter = Quarter(35);

type Map = BTreeMap<String, f64>;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub schema: Option<i64>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub extends: Option<String>,
    pub run: Option<RawRun>,
    pub economy: Option<RawEconomy>,
    pub params: Option<Map>,
    pub world: Option<RawWorld>,
    pub households: Option<RawHouseholds>,
    pub property: Option<RawProperty>,
    pub local_government: Option<RawLocal>,
    pub fdi: Option<RawFdi>,
    pub self_reliance: Option<RawSelfReliance>,
    pub controls: Option<RawControls>,
    pub common_prosperity: Option<RawCommonProsperity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    pub end: Option<String>,
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEconomy {
    pub region: Option<String>,
    pub chips: Option<String>,
    pub equipment: Option<String>,
    pub construction: Option<String>,
    pub real_estate: Option<String>,
    pub households: Option<String>,
    pub government: Option<String>,
    pub investment: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorld {
    pub trend_growth: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHouseholds {
    pub confidence: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProperty {
    pub investment_growth: Option<Map>,
    pub sales_growth: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocal {
    pub extra_transfers: Option<Map>,
    pub swap: Option<Vec<RawSwap>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSwap {
    pub id: String,
    pub amount: f64,
    pub start: String,
    pub end: String,
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFdi {
    pub openness: Option<Map>,
    pub risk: Option<Map>,
    pub targeted: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSelfReliance {
    pub programme: Option<Vec<RawProgramme>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProgramme {
    pub id: String,
    pub amount: f64,
    pub start: String,
    pub end: String,
    pub target: String,
    pub spending: Map,
    pub lag: Option<f64>,
    pub capital_output_ratio: Option<f64>,
    pub technology_yield: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawControls {
    pub critical: Option<Map>,
    pub measure: Option<Vec<RawMeasure>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeasure {
    pub id: String,
    pub description: Option<String>,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub products: Vec<String>,
    pub users: Option<Vec<String>>,
    pub restricted_share: f64,
    pub substitutability: f64,
    pub start: String,
    pub phase_in: Option<u32>,
    pub end: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommonProsperity {
    pub transfer: Option<Map>,
}

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
    /// User sectors hit; `None`: all users and final demand.
    pub users: Option<Vec<String>>,
    pub restricted_share: f64,
    pub substitutability: f64,
    pub start: Quarter,
    pub phase_in: u32,
    pub end: Option<Quarter>,
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
    pub trend_growth: Vec<(String, f64)>,
    pub confidence: LevelPath,
    pub property_investment: GrowthPath,
    pub property_sales: GrowthPath,
    pub extra_transfers: LevelPath,
    pub swaps: Vec<Swap>,
    pub fdi_openness: LevelPath,
    pub fdi_risk: LevelPath,
    pub fdi_targeted: Vec<(String, f64)>,
    pub programmes: Vec<Programme>,
    pub critical: Vec<(String, f64)>,
    pub measures: Vec<Measure>,
    pub cp_transfer: LevelPath,
    /// Every file's text, to locate keys in error messages.
    pub(crate) texts: Vec<(String, String)>,
}

impl Scenario {
    /// Where `key` is written (most derived file first), for messages.
    pub(crate) fn locate(&self, key: &str) -> At {
        Resolver { texts: &self.texts }.at(key)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |p| before.len() - p - 1)
        + 1;
    (line, col)
}

/// Line of the first `key =` (or `[key]`/`[[key]]` header) in `text`, to
/// point error messages at it.
pub(crate) fn key_line(text: &str, key: &str) -> Option<usize> {
    let last = key.rsplit('.').next().unwrap_or(key);
    let bare = last.trim_matches('"');
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            let t = t.strip_prefix('"').unwrap_or(t);
            (t.starts_with(bare)
                && t[bare.len()..]
                    .trim_start()
                    .trim_start_matches('"')
                    .trim_start()
                    .starts_with('='))
                || t.trim_start_matches('[').starts_with(&format!("{key}]"))
        })
        .map(|i| i + 1)
        .or_else(|| {
            let quoted = format!("\"{bare}\"");
            text.lines()
                .position(|l| l.contains(&quoted))
                .map(|i| i + 1)
        })
}

/// Parses one file (no merging). Unknown keys and type errors are reported
/// with line, column and (for unknown keys) the allowed keys.
pub fn parse_raw(text: &str, file: &str) -> Result<RawScenario> {
    let raw: RawScenario = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|sp| line_col(text, sp.start))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        let message = e.message().trim().to_string();
        let fix = if message.contains("unknown field") {
            "use one of the keys listed (docs/scenarios.md documents each)".to_string()
        } else if message.contains("missing field") {
            "add the key (docs/scenarios.md lists the required keys of each table)".to_string()
        } else {
            "check the TOML syntax and the key's type in docs/scenarios.md".to_string()
        };
        ScenarioError::Parse {
            at: At {
                file: file.to_string(),
                line,
                column,
            },
            message,
            fix,
        }
    })?;
    match raw.schema {
        Some(SCHEMA) => {}
        Some(v) => {
            return Err(ScenarioError::Invalid {
                at: At {
                    file: file.into(),
                    line: key_line(text, "schema"),
                    column: None,
                },
                key: "schema".into(),
                value: v.to_string(),
                expected: format!("schema version {SCHEMA}, the only one this plenum reads"),
                fix: format!("write `schema = {SCHEMA}` and follow docs/scenarios.md"),
            })
        }
        None => {
            return Err(ScenarioError::Missing {
                at: At {
                    file: file.into(),
                    line: Some(1),
                    column: None,
                },
                key: "schema".into(),
                why: format!("every scenario file states its schema version: `schema = {SCHEMA}`"),
            })
        }
    }
    Ok(raw)
}

fn merge_map(base: Option<Map>, over: Option<Map>) -> Option<Map> {
    match (base, over) {
        (Some(mut b), Some(o)) => {
            b.extend(o);
            Some(b)
        }
        (b, o) => o.or(b),
    }
}

fn merge_list<T: Clone>(
    base: Option<Vec<T>>,
    over: Option<Vec<T>>,
    id: fn(&T) -> &str,
) -> Option<Vec<T>> {
    match (base, over) {
        (Some(mut b), Some(o)) => {
            for item in o {
                if let Some(slot) = b.iter_mut().find(|x| id(x) == id(&item)) {
                    *slot = item;
                } else {
                    b.push(item);
                }
            }
            Some(b)
        }
        (b, o) => o.or(b),
    }
}

macro_rules! merge_opt {
    ($b:expr, $o:expr, |$bb:ident, $oo:ident| $body:expr) => {
        match ($b, $o) {
            (Some($bb), Some($oo)) => Some($body),
            (b, o) => o.or(b),
        }
    };
}

/// Merges `over` onto `base` (see the module docs).
pub fn merge(base: RawScenario, over: RawScenario) -> RawScenario {
    RawScenario {
        schema: over.schema.or(base.schema),
        name: over.name.or(base.name),
        description: over.description.or(base.description),
        extends: over.extends,
        run: merge_opt!(base.run, over.run, |b, o| RawRun {
            end: o.end.or(b.end),
            seed: o.seed.or(b.seed),
        }),
        economy: merge_opt!(base.economy, over.economy, |b, o| RawEconomy {
            region: o.region.or(b.region),
            chips: o.chips.or(b.chips),
            equipment: o.equipment.or(b.equipment),
            construction: o.construction.or(b.construction),
            real_estate: o.real_estate.or(b.real_estate),
            households: o.households.or(b.households),
            government: o.government.or(b.government),
            investment: o.investment.or(b.investment),
        }),
        params: merge_map(base.params, over.params),
        world: merge_opt!(base.world, over.world, |b, o| RawWorld {
            trend_growth: merge_map(b.trend_growth, o.trend_growth),
        }),
        households: merge_opt!(base.households, over.households, |b, o| RawHouseholds {
            confidence: merge_map(b.confidence, o.confidence),
        }),
        property: merge_opt!(base.property, over.property, |b, o| RawProperty {
            investment_growth: merge_map(b.investment_growth, o.investment_growth),
            sales_growth: merge_map(b.sales_growth, o.sales_growth),
        }),
        local_government: merge_opt!(base.local_government, over.local_government, |b, o| {
            RawLocal {
                extra_transfers: merge_map(b.extra_transfers, o.extra_transfers),
                swap: merge_list(b.swap, o.swap, |s| &s.id),
            }
        }),
        fdi: merge_opt!(base.fdi, over.fdi, |b, o| RawFdi {
            openness: merge_map(b.openness, o.openness),
            risk: merge_map(b.risk, o.risk),
            targeted: merge_map(b.targeted, o.targeted),
        }),
        self_reliance: merge_opt!(base.self_reliance, over.self_reliance, |b, o| {
            RawSelfReliance {
                programme: merge_list(b.programme, o.programme, |p| &p.id),
            }
        }),
        controls: merge_opt!(base.controls, over.controls, |b, o| RawControls {
            critical: merge_map(b.critical, o.critical),
            measure: merge_list(b.measure, o.measure, |m| &m.id),
        }),
        common_prosperity: merge_opt!(base.common_prosperity, over.common_prosperity, |b, o| {
            RawCommonProsperity {
                transfer: merge_map(b.transfer, o.transfer),
            }
        }),
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
    Resolver { texts: &texts }.resolve(raw, hash, texts.clone())
}

struct Resolver<'a> {
    texts: &'a [(String, String)],
}

impl Resolver<'_> {
    /// The file and line where `key` is written (most derived file first).
    fn at(&self, key: &str) -> At {
        for (f, t) in self.texts {
            if let Some(l) = key_line(t, key) {
                return At {
                    file: f.clone(),
                    line: Some(l),
                    column: None,
                };
            }
        }
        At {
            file: self
                .texts
                .first()
                .map(|(f, _)| f.clone())
                .unwrap_or_default(),
            line: None,
            column: None,
        }
    }

    fn invalid(&self, key: &str, value: impl ToString, expected: &str, fix: &str) -> ScenarioError {
        ScenarioError::Invalid {
            at: self.at(key),
            key: key.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
            fix: fix.to_string(),
        }
    }

    fn quarter(&self, key: &str, s: &str) -> Result<Quarter> {
        Quarter::parse(s, false).ok_or_else(|| {
            self.invalid(
                key,
                format!("\"{s}\""),
                "a quarter written like \"2024Q2\"",
                "write the year, Q and the quarter 1-4",
            )
        })
    }

    fn check(&self, key: &str, v: f64, lo: f64, hi: f64, what: &str) -> Result<f64> {
        if v.is_finite() && v >= lo && v <= hi {
            Ok(v)
        } else {
            Err(self.invalid(
                key,
                v,
                &format!("{what} in [{lo}, {hi}]"),
                "give a value in that range",
            ))
        }
    }

    fn level_path(&self, key: &str, m: Option<Map>, lo: f64, hi: f64) -> Result<LevelPath> {
        let mut out = BTreeMap::new();
        for (k, v) in m.unwrap_or_default() {
            let q = Quarter::parse(&k, true).ok_or_else(|| {
                self.invalid(
                    &format!("{key}.{k}"),
                    &k,
                    "a quarter key like 2024Q2 (or a year, meaning its Q1)",
                    "rename the key",
                )
            })?;
            out.insert(q, self.check(&format!("{key}.{k}"), v, lo, hi, "a value")?);
        }
        Ok(LevelPath::from_map(&out))
    }

    fn growth_path(&self, key: &str, m: Option<Map>, default: f64) -> Result<GrowthPath> {
        let mut by_year = BTreeMap::new();
        for (k, v) in m.unwrap_or_default() {
            let y: i32 = k
                .parse()
                .ok()
                .filter(|y| (2022..=2040).contains(y))
                .ok_or_else(|| {
                    self.invalid(
                        &format!("{key}.{k}"),
                        &k,
                        "a year from 2022 to 2040 as key",
                        "write e.g. 2024 = -10.0",
                    )
                })?;
            by_year.insert(
                y,
                self.check(
                    &format!("{key}.{k}"),
                    v,
                    -60.0,
                    60.0,
                    "a y/y growth rate in per cent",
                )?,
            );
        }
        if by_year.is_empty() {
            by_year.insert(2022, default);
        }
        Ok(GrowthPath {
            by_year,
            level_shift: None,
        })
    }

    fn shares(&self, key: &str, m: Map, sum_to_one: bool) -> Result<Vec<(String, f64)>> {
        let mut out = Vec::new();
        for (k, v) in m {
            out.push((
                k.clone(),
                self.check(&format!("{key}.{k}"), v, 0.0, 1.0, "a share")?,
            ));
        }
        let s: f64 = out.iter().map(|(_, v)| v).sum();
        if sum_to_one && (out.is_empty() || (s - 1.0).abs() > 1e-9) {
            return Err(self.invalid(
                key,
                format!("shares summing to {s}"),
                "shares summing to 1",
                "rescale the shares",
            ));
        }
        Ok(out)
    }

    fn resolve(
        &self,
        raw: RawScenario,
        hash: String,
        texts: Vec<(String, String)>,
    ) -> Result<Scenario> {
        let name = raw.name.ok_or_else(|| ScenarioError::Missing {
            at: self.at("schema"),
            key: "name".into(),
            why: "every scenario has a short name, used in outputs".into(),
        })?;
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(self.invalid(
                "name",
                format!("\"{name}\""),
                "a non-empty name of letters, digits, - and _",
                "rename the scenario",
            ));
        }
        let description = raw.description.ok_or_else(|| ScenarioError::Missing {
            at: self.at("name"),
            key: "description".into(),
            why: "every scenario states its assumptions in plain words".into(),
        })?;
        let run = raw.run.unwrap_or_default();
        let end = match run.end {
            Some(s) => self.quarter("end", &s)?,
            None => DEFAULT_END,
        };
        if end < Quarter(9) || end > Quarter::new(2035, 4) {
            return Err(self.invalid(
                "end",
                end,
                "a last quarter from 2024Q2 to 2035Q4",
                "change `end` in [run]",
            ));
        }
        let e = raw.economy.unwrap_or_default();
        let roles = Roles {
            region: e.region.unwrap_or_else(|| "CHN".into()),
            chips: e.chips.unwrap_or_else(|| "C26".into()),
            equipment: e.equipment.unwrap_or_else(|| "C28".into()),
            construction: e.construction.unwrap_or_else(|| "F".into()),
            real_estate: e.real_estate.unwrap_or_else(|| "L".into()),
            households: e.households,
            government: e.government,
            investment: e.investment,
        };
        let mut params = Params::defaults();
        let mut params_set = Vec::new();
        for (k, v) in raw.params.unwrap_or_default() {
            let Some(def) = param_def(&k) else {
                return Err(ScenarioError::UnknownLabel {
                    at: self.at(&k),
                    key: format!("params.{k}"),
                    kind: "parameter",
                    label: k,
                    valid: crate::params::PARAMS
                        .iter()
                        .map(|p| p.name.to_string())
                        .collect(),
                });
            };
            self.check(
                &format!("params.{k}"),
                v,
                def.min,
                def.max,
                &format!("{} ({}) within its plausible range", def.name, def.unit),
            )?;
            params.set(&k, v);
            params_set.push(k);
        }
        let trend_growth = raw
            .world
            .and_then(|w| w.trend_growth)
            .unwrap_or_default()
            .into_iter()
            .map(|(r, g)| {
                Ok((
                    r.clone(),
                    self.check(
                        &format!("trend_growth.{r}"),
                        g,
                        -5.0,
                        12.0,
                        "growth in % per year",
                    )?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let confidence = self.level_path(
            "confidence",
            raw.households.and_then(|h| h.confidence),
            40.0,
            160.0,
        )?;
        let prop = raw.property.unwrap_or_default();
        let property_investment =
            self.growth_path("investment_growth", prop.investment_growth, 0.0)?;
        let property_sales = self.growth_path("sales_growth", prop.sales_growth, 0.0)?;
        let local = raw.local_government.unwrap_or_default();
        let extra_transfers =
            self.level_path("extra_transfers", local.extra_transfers, -2.0, 5.0)?;
        let mut swaps = Vec::new();
        for s in local.swap.unwrap_or_default() {
            let start = self.quarter("start", &s.start)?;
            let end = self.quarter("end", &s.end)?;
            if end < start {
                return Err(self.invalid(
                    "end",
                    &s.end,
                    "a swap end not before its start",
                    "swap start and end",
                ));
            }
            swaps.push(Swap {
                amount: self.check("amount", s.amount, 0.0, 40.0, "tn yuan swapped")?,
                rate: self.check(
                    "rate",
                    s.rate.unwrap_or(params.swap_interest_rate),
                    0.0,
                    10.0,
                    "% per year",
                )?,
                id: s.id,
                start,
                end,
            });
        }
        let fdi = raw.fdi.unwrap_or_default();
        let fdi_openness = self.level_path("openness", fdi.openness, -3.0, 3.0)?;
        let fdi_risk = self.level_path("risk", fdi.risk, -3.0, 3.0)?;
        let fdi_targeted = self.shares("targeted", fdi.targeted.unwrap_or_default(), false)?;
        if fdi_targeted.iter().map(|(_, v)| v).sum::<f64>() > 1.0 + 1e-9 {
            return Err(self.invalid(
                "targeted",
                "shares summing above 1",
                "shares of FDI summing to at most 1",
                "lower the shares",
            ));
        }
        let mut programmes = Vec::new();
        for p in raw
            .self_reliance
            .and_then(|s| s.programme)
            .unwrap_or_default()
        {
            let start = self.quarter("start", &p.start)?;
            let end = self.quarter("end", &p.end)?;
            if end < start {
                return Err(self.invalid(
                    "end",
                    &p.end,
                    "a programme end not before its start",
                    "swap start and end",
                ));
            }
            programmes.push(Programme {
                amount: self.check("amount", p.amount, 0.0, 20_000.0, "bn yuan")?,
                spending: self.shares("spending", p.spending, true)?,
                lag: self.check("lag", p.lag.unwrap_or(params.sr_lag), 0.0, 40.0, "quarters")?,
                capital_output_ratio: self.check(
                    "capital_output_ratio",
                    p.capital_output_ratio
                        .unwrap_or(params.sr_capital_output_ratio),
                    0.5,
                    10.0,
                    "years of output",
                )?,
                technology_yield: self.check(
                    "technology_yield",
                    p.technology_yield.unwrap_or(params.sr_technology_yield),
                    0.0,
                    1.0,
                    "a share",
                )?,
                id: p.id,
                start,
                end,
                target: p.target,
            });
        }
        let ctl = raw.controls.unwrap_or_default();
        let critical = self.shares("critical", ctl.critical.unwrap_or_default(), false)?;
        let mut measures = Vec::new();
        for m in ctl.measure.unwrap_or_default() {
            let start = self.quarter("start", &m.start)?;
            let end = m
                .end
                .as_deref()
                .map(|s| self.quarter("end", s))
                .transpose()?;
            if m.from.is_empty() || m.to.is_empty() || m.products.is_empty() {
                return Err(self.invalid(
                    "from",
                    format!("measure \"{}\"", m.id),
                    "non-empty `from`, `to` and `products` lists",
                    "name the regions and products",
                ));
            }
            if let Some(r) = m.from.iter().find(|r| m.to.contains(r)) {
                return Err(self.invalid(
                    "to",
                    format!("\"{r}\" in measure \"{}\"", m.id),
                    "a region that is not also in `from`",
                    "a measure restricts flows between different regions",
                ));
            }
            measures.push(Measure {
                restricted_share: self.check(
                    "restricted_share",
                    m.restricted_share,
                    0.0,
                    1.0,
                    "a share",
                )?,
                substitutability: self.check(
                    "substitutability",
                    m.substitutability,
                    0.0,
                    1.0,
                    "a share",
                )?,
                phase_in: m.phase_in.unwrap_or(1).max(1),
                description: m.description.unwrap_or_default(),
                id: m.id,
                from: m.from,
                to: m.to,
                products: m.products,
                users: m.users,
                start,
                end,
            });
        }
        let cp_transfer = self.level_path(
            "transfer",
            raw.common_prosperity.and_then(|c| c.transfer),
            0.0,
            5.0,
        )?;
        Ok(Scenario {
            name,
            description,
            files: texts.iter().map(|(f, _)| f.clone()).collect(),
            hash,
            end,
            seed: run.seed.unwrap_or(0),
            roles,
            params,
            params_set,
            trend_growth,
            confidence,
            property_investment,
            property_sales,
            extra_transfers,
            swaps,
            fdi_openness,
            fdi_risk,
            fdi_targeted,
            programmes,
            critical,
            measures,
            cp_transfer,
            texts,
        })
    }
}
