//! The shocks file of the extended mode (`plenum simulate --shocks`),
//! parsed from `&str` and validated against a model's labels.
//!
//! ```toml
//! [simulation]
//! step = "day"                 # "day" | "quarter" (91.25 days) | a number of days
//! rates = "exponential"        # "exponential" (1 − e^(−dt/τ)) | "linear" (dt/τ, BoARIO)
//! critical_share = 0.05        # default criticality rule
//! rationing = "proportional"   # "proportional" (BoARIO) | "intermediate_first"
//!
//! [model]                      # as in the event file (ARIOPsiModel parameters)
//!
//! [[event]]                    # as in the event file
//!
//! [[trade_restriction]]
//! product = "manufactoring"
//! origins = ["reg2", "reg3"]
//! destination = "reg1"
//! buyer_sectors = ["mining"]          # default: every industry and final buyer of reg1
//! reduction = [[0, 0.0], [30, 0.5]]   # share removed of what buyers would order; a number or (day, share) points
//! substitutability = 0.5
//! adjustment_speed = 0.1              # per day
//!
//! [[critical_input]]
//! input = "food"
//! user = "*"                          # a sector or "*"
//! critical = false
//!
//! [[capacity_path]]
//! regions = ["reg1"]                  # default: all
//! sectors = ["mining"]                # default: all
//! kind = "addition"                   # addition | loss | productivity
//! path = [[0, 0.0], [365, 0.1]]
//! lag = 90
//!
//! [[final_demand_path]]
//! regions = ["reg1"]                  # destination regions, default all
//! categories = ["Final consumption expenditure by households"]   # default all
//! sectors = ["food"]                  # products, default all
//! path = [[0, 1.0], [730, 0.9]]
//! ```

use serde::Deserialize;

use crate::ario::{ArioModel, TimeBase};
use crate::error::{Location, Result, SimError};
use crate::event::{EventSpec, Labels};
use crate::extended::{
    CapacityKind, CapacityPath, ExtendedSpec, FinalDemandPath, Path, TradeRestriction,
};
use crate::params::ArioParams;
use crate::spec::resolve_event;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum StepSpec {
    Named(String),
    Days(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Rates {
    #[default]
    Exponential,
    Linear,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PathSpec {
    Constant(f64),
    Points(Vec<(f64, f64)>),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSpec {
    #[serde(default = "default_step")]
    pub step: StepSpec,
    #[serde(default)]
    pub rates: Rates,
    #[serde(default = "default_critical_share")]
    pub critical_share: f64,
    #[serde(default)]
    pub rationing: crate::ario::Rationing,
}

fn default_step() -> StepSpec {
    StepSpec::Named("day".into())
}
fn default_critical_share() -> f64 {
    0.05
}

impl Default for SimulationSpec {
    fn default() -> Self {
        Self {
            step: default_step(),
            rates: Rates::Exponential,
            critical_share: default_critical_share(),
            rationing: crate::ario::Rationing::Proportional,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradeRestrictionSpec {
    pub product: String,
    pub origins: Labels,
    pub destination: String,
    /// Buyer sectors in the destination; absent: every industry and the
    /// final buyers.
    pub buyer_sectors: Option<Labels>,
    pub reduction: PathSpec,
    #[serde(default)]
    pub substitutability: f64,
    #[serde(default = "one")]
    pub adjustment_speed: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriticalInputSpec {
    pub input: String,
    #[serde(default = "star")]
    pub user: String,
    pub critical: bool,
}

fn star() -> String {
    "*".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CapacityKindSpec {
    Addition,
    Loss,
    Productivity,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityPathSpec {
    pub regions: Option<Labels>,
    pub sectors: Option<Labels>,
    pub kind: CapacityKindSpec,
    pub path: PathSpec,
    #[serde(default)]
    pub lag: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinalDemandPathSpec {
    pub regions: Option<Labels>,
    pub categories: Option<Labels>,
    pub sectors: Option<Labels>,
    pub path: PathSpec,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawShocks {
    #[serde(default)]
    simulation: SimulationSpec,
    #[serde(default)]
    model: ArioParams,
    #[serde(default)]
    event: Vec<EventSpec>,
    #[serde(default)]
    trade_restriction: Vec<TradeRestrictionSpec>,
    #[serde(default)]
    critical_input: Vec<CriticalInputSpec>,
    #[serde(default)]
    capacity_path: Vec<CapacityPathSpec>,
    #[serde(default)]
    final_demand_path: Vec<FinalDemandPathSpec>,
}

/// A parsed shocks file.
#[derive(Debug, Clone, PartialEq)]
pub struct ShocksFile {
    pub file: String,
    pub simulation: SimulationSpec,
    pub model: ArioParams,
    pub events: Vec<EventSpec>,
    pub trade_restrictions: Vec<TradeRestrictionSpec>,
    pub critical_inputs: Vec<CriticalInputSpec>,
    pub capacity_paths: Vec<CapacityPathSpec>,
    pub final_demand_paths: Vec<FinalDemandPathSpec>,
    lines: std::collections::BTreeMap<&'static str, Vec<usize>>,
}

const TABLES: [&str; 6] = [
    "[[event]]",
    "[[trade_restriction]]",
    "[[critical_input]]",
    "[[capacity_path]]",
    "[[final_demand_path]]",
    "[simulation]",
];

/// Parses a shocks file; `file` names it in messages.
pub fn parse_shocks_file(text: &str, file: &str) -> Result<ShocksFile> {
    let raw: RawShocks = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(sp) => {
                let before = &text[..sp.start.min(text.len())];
                let l = before.matches('\n').count() + 1;
                let c = before.rfind('\n').map_or(before.len(), |p| before.len() - p - 1) + 1;
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        SimError::Parse {
            at: Location {
                file: file.into(),
                line,
                column,
            },
            message: format!(
                "{}; valid tables: [simulation] (step, rates, critical_share, rationing), [model], [[event]], [[trade_restriction]] (product, origins, destination, buyer_sectors, reduction, substitutability, adjustment_speed), [[critical_input]] (input, user, critical), [[capacity_path]] (regions, sectors, kind, path, lag), [[final_demand_path]] (regions, categories, sectors, path); see docs/engine.md",
                e.message()
            ),
        }
    })?;
    crate::spec::check_model(text, file, &raw.model)?;
    let mut lines = std::collections::BTreeMap::new();
    for h in TABLES {
        lines.insert(
            h,
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.trim_start().starts_with(h))
                .map(|(i, _)| i + 1)
                .collect(),
        );
    }
    Ok(ShocksFile {
        file: file.into(),
        simulation: raw.simulation,
        model: raw.model,
        events: raw.event,
        trade_restrictions: raw.trade_restriction,
        critical_inputs: raw.critical_input,
        capacity_paths: raw.capacity_path,
        final_demand_paths: raw.final_demand_path,
        lines,
    })
}

struct Ctx<'a> {
    file: &'a ShocksFile,
    table: &'static str,
    k: usize,
    model: &'a ArioModel,
}

impl Ctx<'_> {
    fn at(&self) -> Location {
        Location {
            file: self.file.file.clone(),
            line: self
                .file
                .lines
                .get(self.table)
                .and_then(|v| v.get(self.k).copied()),
            column: None,
        }
    }
    fn context(&self) -> String {
        format!("{} #{}", self.table, self.k + 1)
    }
    fn unknown(&self, key: &str, kind: &'static str, label: &str, valid: &[String]) -> SimError {
        SimError::UnknownLabel {
            at: self.at(),
            context: format!("{} `{key}`", self.context()),
            kind,
            label: label.into(),
            valid: valid.to_vec(),
        }
    }
    fn bad(&self, key: &str, value: impl ToString, expected: &str, fix: &str) -> SimError {
        SimError::InvalidValue {
            at: self.at(),
            context: self.context(),
            key: key.into(),
            value: value.to_string(),
            expected: expected.into(),
            fix: fix.into(),
        }
    }
    fn regions(&self, key: &str, l: &Option<Labels>) -> Result<Vec<usize>> {
        let lay = &self.model.layout;
        match l {
            None => Ok((0..lay.n_regions()).collect()),
            Some(l) => l
                .to_vec()
                .iter()
                .map(|r| {
                    if r == "*" {
                        return Ok(usize::MAX);
                    }
                    lay.region_index(r)
                        .ok_or_else(|| self.unknown(key, "region", r, &lay.regions))
                })
                .collect::<Result<Vec<_>>>()
                .map(|v| expand(v, lay.n_regions())),
        }
    }
    fn sectors(&self, key: &str, l: &Option<Labels>) -> Result<Vec<usize>> {
        let lay = &self.model.layout;
        match l {
            None => Ok((0..lay.n_sectors()).collect()),
            Some(l) => l
                .to_vec()
                .iter()
                .map(|s| {
                    if s == "*" {
                        return Ok(usize::MAX);
                    }
                    lay.sector_index(s)
                        .ok_or_else(|| self.unknown(key, "sector", s, &lay.sectors))
                })
                .collect::<Result<Vec<_>>>()
                .map(|v| expand(v, lay.n_sectors())),
        }
    }
    fn path(&self, key: &str, p: &PathSpec, lo: f64, hi: f64) -> Result<Path> {
        let pts = match p {
            PathSpec::Constant(v) => vec![(0.0, *v)],
            PathSpec::Points(v) => v.clone(),
        };
        if pts.is_empty() {
            return Err(self.bad(
                key,
                "[]",
                "a number or at least one [time, value] point",
                "give e.g. 0.5",
            ));
        }
        for w in pts.windows(2) {
            if w[1].0 < w[0].0 {
                return Err(self.bad(
                    key,
                    format!("time {} after {}", w[1].0, w[0].0),
                    "points in increasing time",
                    "sort the points by time",
                ));
            }
        }
        for (t, v) in &pts {
            if !(t.is_finite() && v.is_finite()) || *v < lo || *v > hi {
                return Err(self.bad(
                    key,
                    format!("[{t}, {v}]"),
                    &format!("values in [{lo}, {hi}]"),
                    "fix the value",
                ));
            }
        }
        Ok(Path(pts))
    }
}

/// `*` (usize::MAX) stands for every label.
fn expand(v: Vec<usize>, n: usize) -> Vec<usize> {
    if v.contains(&usize::MAX) {
        (0..n).collect()
    } else {
        let mut out = Vec::new();
        for x in v {
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
}

/// The step length in days of a `[simulation] step`.
pub fn step_days(s: &StepSpec) -> Option<f64> {
    match s {
        StepSpec::Named(n) if n == "day" => Some(1.0),
        StepSpec::Named(n) if n == "week" => Some(7.0),
        StepSpec::Named(n) if n == "quarter" => Some(365.0 / 4.0),
        StepSpec::Named(n) if n == "year" => Some(365.0),
        StepSpec::Days(d) if d.is_finite() && *d > 0.0 => Some(*d),
        _ => None,
    }
}

/// Builds the extended-mode model of `table` from a shocks file.
pub fn build_extended(table: &plenum_table::MrioTable, file: &ShocksFile) -> Result<ArioModel> {
    let sim = &file.simulation;
    let loc = |table: &'static str| Location {
        file: file.file.clone(),
        line: file.lines.get(table).and_then(|v| v.first().copied()),
        column: None,
    };
    let dt = step_days(&sim.step).ok_or_else(|| SimError::InvalidValue {
        at: loc("[simulation]"),
        context: "[simulation]".into(),
        key: "step".into(),
        value: match &sim.step {
            StepSpec::Named(n) => format!("\"{n}\""),
            StepSpec::Days(d) => d.to_string(),
        },
        expected: "\"day\", \"week\", \"quarter\", \"year\" or a positive number of days".into(),
        fix: "use step = \"day\"".into(),
    })?;
    if file.model.temporal_units_by_step != 1 {
        return Err(SimError::InvalidValue {
            at: loc("[simulation]"),
            context: "[model]".into(),
            key: "temporal_units_by_step".into(),
            value: file.model.temporal_units_by_step.to_string(),
            expected: "absent in a shocks file (the step length is [simulation] step)".into(),
            fix: "remove it and set [simulation] step".into(),
        });
    }
    if !(0.0..=1.0).contains(&sim.critical_share) {
        return Err(SimError::InvalidValue {
            at: loc("[simulation]"),
            context: "[simulation]".into(),
            key: "critical_share".into(),
            value: sim.critical_share.to_string(),
            expected: "a share in [0, 1]".into(),
            fix: "use 0.05".into(),
        });
    }
    let time = TimeBase {
        dt,
        exponential: sim.rates == Rates::Exponential,
        boario_clamp: false,
    };
    let mut model = ArioModel::with_time(table, &file.model, time)?;
    for (k, e) in file.events.iter().enumerate() {
        let at = Location {
            file: file.file.clone(),
            line: file.lines.get("[[event]]").and_then(|v| v.get(k).copied()),
            column: None,
        };
        let ev = resolve_event(e, &model, at, k)?;
        model.add_event(ev)?;
    }
    let mut spec = ExtendedSpec {
        critical_share: sim.critical_share,
        rationing: sim.rationing,
        ..Default::default()
    };
    for (k, r) in file.trade_restrictions.iter().enumerate() {
        let c = Ctx {
            file,
            table: "[[trade_restriction]]",
            k,
            model: &model,
        };
        let lay = &model.layout;
        let product = lay
            .sector_index(&r.product)
            .ok_or_else(|| c.unknown("product", "sector", &r.product, &lay.sectors))?;
        let destination = lay
            .region_index(&r.destination)
            .ok_or_else(|| c.unknown("destination", "region", &r.destination, &lay.regions))?;
        let origins = c.regions("origins", &Some(r.origins.clone()))?;
        if origins.contains(&destination) {
            return Err(c.bad(
                "origins",
                &r.destination,
                "origins other than the destination (domestic supply is never restricted)",
                "remove the destination from origins",
            ));
        }
        for (key, v) in [
            ("substitutability", r.substitutability),
            ("adjustment_speed", r.adjustment_speed),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(c.bad(key, v, "a share in [0, 1]", "use a value between 0 and 1"));
            }
        }
        let buyer_sectors = match &r.buyer_sectors {
            None => None,
            Some(l) => {
                let v = c.sectors("buyer_sectors", &Some(l.clone()))?;
                if v.is_empty() {
                    return Err(c.bad(
                        "buyer_sectors",
                        "[]",
                        "at least one sector, or the key left out for every buyer",
                        "remove buyer_sectors or name the buying sectors",
                    ));
                }
                Some(v)
            }
        };
        spec.restrictions.push(TradeRestriction {
            product,
            origins,
            destination,
            buyer_sectors,
            reduction: c.path("reduction", &r.reduction, 0.0, 1.0)?,
            substitutability: r.substitutability,
            adjustment_speed: r.adjustment_speed,
        });
    }
    for (k, ci) in file.critical_inputs.iter().enumerate() {
        let c = Ctx {
            file,
            table: "[[critical_input]]",
            k,
            model: &model,
        };
        let lay = &model.layout;
        let input = lay
            .sector_index(&ci.input)
            .ok_or_else(|| c.unknown("input", "sector", &ci.input, &lay.sectors))?;
        let user = if ci.user == "*" {
            None
        } else {
            Some(
                lay.sector_index(&ci.user)
                    .ok_or_else(|| c.unknown("user", "sector", &ci.user, &lay.sectors))?,
            )
        };
        spec.critical_overrides.push((input, user, ci.critical));
    }
    for (k, cp) in file.capacity_paths.iter().enumerate() {
        let c = Ctx {
            file,
            table: "[[capacity_path]]",
            k,
            model: &model,
        };
        let ns = model.layout.n_sectors();
        let regions = c.regions("regions", &cp.regions)?;
        let sectors = c.sectors("sectors", &cp.sectors)?;
        let (kind, lo, hi) = match cp.kind {
            CapacityKindSpec::Addition => (CapacityKind::Addition, 0.0, f64::MAX),
            CapacityKindSpec::Loss => (CapacityKind::Loss, 0.0, 1.0),
            CapacityKindSpec::Productivity => (CapacityKind::Productivity, 0.0, f64::MAX),
        };
        if !(cp.lag.is_finite() && cp.lag >= 0.0) {
            return Err(c.bad("lag", cp.lag, "a non-negative number of days", "use 0"));
        }
        spec.capacity_paths.push(CapacityPath {
            industries: regions
                .iter()
                .flat_map(|r| sectors.iter().map(move |s| r * ns + s))
                .collect(),
            kind,
            path: c.path("path", &cp.path, lo, hi)?,
            lag: cp.lag,
        });
    }
    for (k, fp) in file.final_demand_paths.iter().enumerate() {
        let c = Ctx {
            file,
            table: "[[final_demand_path]]",
            k,
            model: &model,
        };
        let lay = &model.layout;
        let categories = match &fp.categories {
            None => (0..lay.fd_categories.len()).collect(),
            Some(l) => {
                let mut v = Vec::new();
                for name in l.to_vec() {
                    if name == "*" {
                        v = (0..lay.fd_categories.len()).collect();
                        break;
                    }
                    v.push(
                        lay.fd_categories
                            .iter()
                            .position(|f| *f == name)
                            .ok_or_else(|| {
                                c.unknown(
                                    "categories",
                                    "final-demand category",
                                    &name,
                                    &lay.fd_categories,
                                )
                            })?,
                    );
                }
                v
            }
        };
        spec.final_demand_paths.push(FinalDemandPath {
            regions: c.regions("regions", &fp.regions)?,
            categories,
            products: c.sectors("sectors", &fp.sectors)?,
            path: c.path("path", &fp.path, 0.0, f64::MAX)?,
        });
    }
    model.enable_extended(spec, time.exponential);
    Ok(model)
}

impl ArioModel {
    /// A member for an [`crate::Ensemble`] with `self`: the model of `file`
    /// on the same table and step length, sharing `self`'s Z⁰.
    pub fn variant(&self, table: &plenum_table::MrioTable, file: &ShocksFile) -> Result<ArioModel> {
        let mut m = build_extended(table, file)?;
        if m.dt != self.dt || *m.base.z0 != *self.base.z0 {
            return Err(SimError::Other(
                "an ensemble variant must use the same table and step length as its base".into(),
            ));
        }
        // Share the baseline: all of it when the variant's equals the
        // base's, else Z⁰ only (the variant may change inventory targets
        // or rates).
        if *m.base == *self.base {
            m.base = std::sync::Arc::clone(&self.base);
        } else if let Some(b) = std::sync::Arc::get_mut(&mut m.base) {
            b.z0 = std::sync::Arc::clone(&self.base.z0);
        }
        Ok(m)
    }
}
