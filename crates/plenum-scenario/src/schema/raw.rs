//! A scenario file as written: every key optional, unknown keys rejected
//! with the list of allowed keys; and the [`Locator`] that finds where a
//! key is written, most derived file first, for error messages.

use serde::Deserialize;

use super::{Map, SCHEMA};
use crate::error::{At, Result, ScenarioError};
use plenum_table::position::line_col;

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
    pub prices: Option<RawPrices>,
    pub budget: Option<RawBudget>,
    pub investment: Option<RawInvestment>,
    pub money: Option<RawMoney>,
    /// Parameter distributions for draws, sensitivity and robust search
    /// (checked by [`crate::dists::parse_entry_at`]).
    pub distributions: Option<toml::Table>,
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
    pub price_growth: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudget {
    pub official_deficit: Option<Map>,
    pub special_bond_quota: Option<Map>,
    pub ultra_long_bonds: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInvestment {
    pub manufacturing_credit_growth: Option<Map>,
    pub equipment_renewal_growth: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMoney {
    pub lpr_cut_pp: Option<Map>,
    pub lpr5_cut_pp: Option<Map>,
    pub fx_managed_depreciation: Option<Map>,
    pub foreign_rate_change_pp: Option<Map>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrices {
    pub import_price_growth: Option<Map>,
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
    /// Technologies of the technology layer (data/technology/chips.toml)
    /// the measure restricts, of the listed products.
    pub technologies: Option<Vec<String>>,
    pub users: Option<Vec<String>>,
    pub restricted_share: f64,
    pub substitutability: Option<f64>,
    pub start: String,
    pub phase_in: Option<u32>,
    pub end: Option<String>,
    /// Quarter the measure was announced (at or before `start`): buyers
    /// front-load imports over the lead (anticipation).
    pub announced: Option<String>,
    /// Bound of the front-loaded stock, in quarters of the blocked flow.
    pub storage_quarters: Option<f64>,
    /// Third economy a share of the restricted flow is rerouted through.
    pub reroute_via: Option<String>,
    pub reroute_share: Option<f64>,
    pub reroute_limit: Option<f64>,
    pub reroute_markup: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommonProsperity {
    pub transfer: Option<Map>,
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

/// Finds where a key is written in the files of a scenario (most derived
/// file first), for error messages.
///
/// A key is a dotted path from the top of the file: `world.trend_growth.USA`,
/// `params.mpc_labour`; an entry of a list of tables is selected by its id,
/// `controls.measure[chips-2022].restricted_share`. The path is looked up in
/// each file's parsed TOML (so inline tables and dotted keys are found
/// where they are written), and the first file that writes it is named: a
/// value a user's file sets is reported in that file, not in the shipped
/// file it extends. A key no file writes (a default) is located at the
/// deepest part of its path that a file writes, else by the old line
/// search for its last segment.
pub(crate) struct Locator<'a> {
    texts: &'a [(String, String)],
}

/// One step of a key path: a table key, optionally selecting the entry of
/// a list of tables by its `id`.
fn segments(path: &str) -> Vec<(&str, Option<&str>)> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        // A selector may hold dots (ids are free text): split at the first
        // '.' outside brackets.
        let mut depth = 0usize;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                '.' if depth == 0 => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        let seg = &rest[..cut];
        rest = rest.get(cut + 1..).unwrap_or("");
        match seg.find('[') {
            Some(b) if seg.ends_with(']') => {
                out.push((&seg[..b], Some(&seg[b + 1..seg.len() - 1])))
            }
            _ => out.push((seg, None)),
        }
    }
    out
}

/// How many segments of `path` the file writes, and the byte offset of the
/// deepest key written.
fn walk(text: &str, path: &[(&str, Option<&str>)]) -> (usize, Option<usize>) {
    use toml::de::{DeTable, DeValue};
    let Ok(root) = DeTable::parse(text) else {
        return (0, None);
    };
    let mut table: &DeTable<'_> = root.get_ref();
    let mut depth = 0;
    let mut at = None;
    for (i, (key, sel)) in path.iter().enumerate() {
        let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *key) else {
            break;
        };
        depth = i + 1;
        at = Some(k.span().start);
        let next = match (v.get_ref(), sel) {
            (DeValue::Table(t), None) => Some(t),
            (DeValue::Array(a), Some(id)) => {
                let found = a.iter().find_map(|e| match e.get_ref() {
                    DeValue::Table(t) => t
                        .iter()
                        .find(|(k, v)| {
                            k.get_ref().as_ref() == "id"
                                && matches!(v.get_ref(), DeValue::String(s) if s.as_ref() == *id)
                        })
                        .map(|_| (e.span().start, t)),
                    _ => None,
                });
                match found {
                    Some((start, t)) => {
                        at = Some(start);
                        Some(t)
                    }
                    None => None,
                }
            }
            _ => None,
        };
        match next {
            Some(t) => table = t,
            None => {
                if i + 1 < path.len() {
                    // The path goes deeper than this file: only a prefix.
                    if sel.is_some() {
                        depth = i;
                    }
                }
                break;
            }
        }
    }
    (depth, at)
}

impl<'a> Locator<'a> {
    pub(crate) fn new(texts: &'a [(String, String)]) -> Self {
        Locator { texts }
    }

    /// The file, line and column where `key` is written (see the type's
    /// docs).
    pub(crate) fn at(&self, key: &str) -> At {
        let path = segments(key);
        let mut best: Option<(usize, &str, &str, usize)> = None;
        for (f, t) in self.texts {
            let (depth, off) = walk(t, &path);
            if let Some(off) = off {
                if depth == path.len() {
                    return at_offset(f, t, off);
                }
                if depth > 0 && best.is_none_or(|b| depth > b.0) {
                    best = Some((depth, f, t, off));
                }
            }
        }
        // A bare key (no table path): the old line search.
        if path.len() == 1 {
            for (f, t) in self.texts {
                if let Some(l) = key_line(t, key) {
                    return At {
                        file: f.clone(),
                        line: Some(l),
                        column: None,
                    };
                }
            }
        }
        if let Some((_, f, t, off)) = best {
            return at_offset(f, t, off);
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
}

fn at_offset(file: &str, text: &str, offset: usize) -> At {
    let (line, column) = line_col(text, offset);
    At {
        file: file.to_string(),
        line: Some(line),
        column: Some(column),
    }
}
