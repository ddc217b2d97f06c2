//! Resolving a merged scenario: paths built, values range-checked,
//! parameters checked against their plausible range. One function per
//! block, in the module of the block's name, mirroring [`crate::blocks`];
//! the scenario's head (name, run, economy roles, parameters, world) is
//! resolved here.
//!
//! Every check names the key by its full dotted path
//! (`world.trend_growth.USA`, `controls.measure[id].restricted_share`),
//! which the [`Locator`] finds in the most derived file that writes it.

mod controls;
mod fdi;
mod households;
mod localgov;
mod property;
mod prosperity;
mod selfreliance;

use std::collections::BTreeMap;

use super::raw::{Locator, RawScenario};
use super::{Map, Roles, Scenario, DEFAULT_END};
use crate::error::{At, Result, ScenarioError};
use crate::params::{param_def, Params};
use crate::time::{GrowthPath, LevelPath, Quarter};

/// Range checks and messages, with keys located in the scenario's files.
pub(super) struct Resolver<'a> {
    loc: Locator<'a>,
}

impl Resolver<'_> {
    /// The file and line where `key` is written (most derived file first).
    pub(super) fn at(&self, key: &str) -> At {
        self.loc.at(key)
    }

    pub(super) fn invalid(
        &self,
        key: &str,
        value: impl ToString,
        expected: &str,
        fix: &str,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            at: self.at(key),
            key: key.to_string(),
            value: plenum_table::message::shown(value),
            expected: expected.to_string(),
            fix: fix.to_string(),
        }
    }

    pub(super) fn quarter(&self, key: &str, s: &str) -> Result<Quarter> {
        Quarter::parse(s, false).ok_or_else(|| {
            // A well-written quarter outside the model's years is a range
            // error, not a format error (issue 14, defect 7).
            let t = s.trim().to_ascii_uppercase();
            let well_written = t.split_once('Q').is_some_and(|(y, q)| {
                y.parse::<i32>().is_ok() && matches!(q, "1" | "2" | "3" | "4")
            });
            if well_written {
                self.invalid(
                    key,
                    format!("\"{s}\""),
                    "a quarter between 1990Q1 and 2100Q4, the years plenum models",
                    "give a quarter in that range (scenarios run 2022-2035)",
                )
            } else {
                self.invalid(
                    key,
                    format!("\"{s}\""),
                    "a quarter written like \"2024Q2\"",
                    "write the year, Q and the quarter 1-4",
                )
            }
        })
    }

    pub(super) fn check(&self, key: &str, v: f64, lo: f64, hi: f64, what: &str) -> Result<f64> {
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

    pub(super) fn level_path(
        &self,
        key: &str,
        m: Option<Map>,
        lo: f64,
        hi: f64,
    ) -> Result<LevelPath> {
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

    pub(super) fn growth_path(
        &self,
        key: &str,
        m: Option<Map>,
        default: f64,
    ) -> Result<GrowthPath> {
        self.by_year(
            key,
            m,
            default,
            (-60.0, 60.0),
            "a y/y growth rate in per cent",
        )
    }

    /// Values by year (`{ YEAR = value }`), each in `range`; a year not
    /// given takes the last one given before it (the first one before
    /// them all): [`GrowthPath::rate`].
    pub(super) fn by_year(
        &self,
        key: &str,
        m: Option<Map>,
        default: f64,
        range: (f64, f64),
        what: &str,
    ) -> Result<GrowthPath> {
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
                self.check(&format!("{key}.{k}"), v, range.0, range.1, what)?,
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

    pub(super) fn shares(&self, key: &str, m: Map, sum_to_one: bool) -> Result<Vec<(String, f64)>> {
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

    /// The scenario's head: name, description, run, economy roles.
    fn head(&self, raw: &mut RawScenario) -> Result<(String, String, Quarter, u64, Roles)> {
        let name = raw.name.take().ok_or_else(|| ScenarioError::Missing {
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
        let description = raw
            .description
            .take()
            .ok_or_else(|| ScenarioError::Missing {
                at: self.at("name"),
                key: "description".into(),
                why: "every scenario states its assumptions in plain words".into(),
            })?;
        let run = raw.run.take().unwrap_or_default();
        let end = match run.end {
            Some(s) => self.quarter("run.end", &s)?,
            None => DEFAULT_END,
        };
        if end < Quarter(9) || end > Quarter::new(2035, 4) {
            return Err(self.invalid(
                "run.end",
                end,
                "a last quarter from 2024Q2 to 2035Q4",
                "change `end` in [run]",
            ));
        }
        let e = raw.economy.take().unwrap_or_default();
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
        Ok((name, description, end, run.seed.unwrap_or(0), roles))
    }

    /// `[params]`: each checked against its plausible range.
    fn params(&self, m: Option<Map>) -> Result<(Params, Vec<String>)> {
        let mut params = Params::defaults();
        let mut params_set = Vec::new();
        for (k, v) in m.unwrap_or_default() {
            let key = format!("params.{k}");
            let Some(def) = param_def(&k) else {
                return Err(ScenarioError::UnknownLabel {
                    at: self.at(&key),
                    key,
                    kind: "parameter",
                    label: k,
                    valid: crate::params::PARAMS
                        .iter()
                        .map(|p| p.name.to_string())
                        .collect(),
                });
            };
            self.check(
                &key,
                v,
                def.min,
                def.max,
                &format!("{} ({}) within its plausible range", def.name, def.unit),
            )?;
            params.set(&k, v);
            params_set.push(k);
        }
        Ok((params, params_set))
    }

    /// `[distributions]`: each entry checked against its row (kind, shape,
    /// support inside the plausible range), errors at the entry's file and
    /// line.
    fn distributions(&self, t: Option<toml::Table>) -> Result<Vec<crate::dists::ParamDist>> {
        t.unwrap_or_default()
            .iter()
            .map(|(k, v)| {
                let at = self.at(&format!("distributions.{k}"));
                let why = format!("scenario file {}", at.file);
                crate::dists::parse_entry_at(&at, k, v, &why)
            })
            .collect()
    }

    /// `[world]`: trend growth of the other regions.
    fn world(&self, raw: &mut RawScenario) -> Result<Vec<(String, f64)>> {
        raw.world
            .take()
            .and_then(|w| w.trend_growth)
            .unwrap_or_default()
            .into_iter()
            .map(|(r, g)| {
                Ok((
                    r.clone(),
                    self.check(
                        &format!("world.trend_growth.{r}"),
                        g,
                        -5.0,
                        12.0,
                        "growth in % per year",
                    )?,
                ))
            })
            .collect()
    }
}

/// Resolves a merged scenario (see the module docs).
pub(super) fn resolve(
    mut raw: RawScenario,
    hash: String,
    texts: Vec<(String, String)>,
) -> Result<Scenario> {
    let r = Resolver {
        loc: Locator::new(&texts),
    };
    let (name, description, end, seed, roles) = r.head(&mut raw)?;
    let (params, params_set) = r.params(raw.params.take())?;
    let distributions = r.distributions(raw.distributions.take())?;
    let trend_growth = r.world(&mut raw)?;
    let confidence = households::resolve(&r, raw.households.take())?;
    let (property_investment, property_sales, property_prices) =
        property::resolve(&r, raw.property.take())?;
    let (extra_transfers, swaps) = localgov::resolve(&r, raw.local_government.take(), &params)?;
    let (fdi_openness, fdi_risk, fdi_targeted) = fdi::resolve(&r, raw.fdi.take())?;
    let programmes = selfreliance::resolve(&r, raw.self_reliance.take(), &params)?;
    let (critical, measures) = controls::resolve(&r, raw.controls.take())?;
    let cp_transfer = prosperity::resolve(&r, raw.common_prosperity.take())?;
    let bud = raw.budget.take().unwrap_or_default();
    let budget = crate::schema::Budget {
        official_deficit: r.by_year(
            "budget.official_deficit",
            bud.official_deficit,
            3.0,
            (0.0, 15.0),
            "a deficit in % of GDP",
        )?,
        special_bond_quota: match bud.special_bond_quota {
            Some(m) => Some(r.by_year(
                "budget.special_bond_quota",
                Some(m),
                0.0,
                (0.0, 20.0),
                "a quota in tn yuan a year",
            )?),
            None => None,
        },
        ultra_long_bonds: r.by_year(
            "budget.ultra_long_bonds",
            bud.ultra_long_bonds,
            0.0,
            (0.0, 10.0),
            "an amount in tn yuan a year",
        )?,
    };
    let import_prices = r.growth_path(
        "prices.import_price_growth",
        raw.prices.take().unwrap_or_default().import_price_growth,
        0.0,
    )?;
    let inv = raw.investment.take().unwrap_or_default();
    let manufacturing_credit = r.by_year(
        "investment.manufacturing_credit_growth",
        inv.manufacturing_credit_growth,
        crate::blocks::manufacturing::CREDIT_DEFAULT,
        (-20.0, 80.0),
        "a y/y growth rate of loans in per cent",
    )?;
    let equipment_renewal = r.by_year(
        "investment.equipment_renewal_growth",
        inv.equipment_renewal_growth,
        0.0,
        (-10.0, 10.0),
        "extra growth in pp a year",
    )?;
    let money = raw.money.take().unwrap_or_default();
    let lpr_cut = r.by_year(
        "money.lpr_cut_pp",
        money.lpr_cut_pp,
        0.0,
        (-3.0, 3.0),
        "a cut of the 1-year LPR below the rule's path in pp (negative: a rise)",
    )?;
    let lpr5_cut = r.by_year(
        "money.lpr5_cut_pp",
        money.lpr5_cut_pp,
        0.0,
        (-3.0, 3.0),
        "a cut of the 5-year LPR alone below its rule's path in pp (negative: a rise)",
    )?;
    let fx_managed = r.by_year(
        "money.fx_managed_depreciation",
        money.fx_managed_depreciation,
        0.0,
        (-30.0, 30.0),
        "a managed move of the yuan per dollar in % (positive: a weaker yuan)",
    )?;
    let foreign_rate = r.by_year(
        "money.foreign_rate_change_pp",
        money.foreign_rate_change_pp,
        0.0,
        (-10.0, 10.0),
        "the change of foreign (US) policy rates since 2024Q2 in pp",
    )?;
    let files = texts.iter().map(|(f, _)| f.clone()).collect();
    Ok(Scenario {
        name,
        description,
        files,
        hash,
        end,
        seed,
        roles,
        params,
        params_set,
        distributions,
        trend_growth,
        confidence,
        property_investment,
        property_sales,
        property_prices,
        extra_transfers,
        swaps,
        fdi_openness,
        fdi_risk,
        fdi_targeted,
        programmes,
        critical,
        measures,
        cp_transfer,
        import_prices,
        budget,
        manufacturing_credit,
        equipment_renewal,
        lpr_cut,
        lpr5_cut,
        fx_managed,
        foreign_rate,
        texts,
    })
}
