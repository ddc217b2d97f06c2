//! The event file: BoARIO's language in TOML, parsed from a `&str` (the
//! engine reads no file) and validated against a model's labels.
//!
//! ```toml
//! [model]                      # ARIOPsiModel parameters, BoARIO defaults
//! alpha_max = 1.25
//!
//! [[event]]                    # one table per event
//! event_type = "recovery"      # recovery | rebuild | arbitrary
//! impact = 5.0e8               # a number, or { REGION = { SECTOR = v } }
//! affected_regions = ["reg1"]
//! affected_sectors = ["mining", "manufactoring"]
//! impact_regional_distrib = "equal"   # equal | gdp | { REGION = weight }
//! impact_sectoral_distrib = "gdp"     # equal | gdp | { SECTOR = weight }
//! occurrence = 1
//! duration = 20
//! recovery_tau = 180
//! recovery_function = "linear"        # linear | convexe | convexe noscale | concave
//! event_monetary_factor = 1000000
//! ```
//!
//! Every key is documented in docs/engine.md. Unknown keys are errors
//! (serde `deny_unknown_fields`); unknown regions and sectors are errors
//! listing the valid names; shares outside [0, 1] are caught.

use std::collections::BTreeMap;

use plenum_table::line_col;
use serde::Deserialize;

use crate::ario::{ArioModel, Layout};
use crate::error::{Location, Result, SimError};
use crate::event::{Distribution, Event, EventKind, EventSpec, ImpactSpec, RecoveryFunction};
use crate::params::{ArioParams, RestorationTau};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    model: ArioParams,
    #[serde(default)]
    event: Vec<EventSpec>,
}

/// A parsed event file.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFile {
    pub file: String,
    pub model: ArioParams,
    pub events: Vec<EventSpec>,
    /// Line of each `[[event]]` header, for error messages.
    pub event_lines: Vec<Option<usize>>,
    pub model_line: Option<usize>,
}

fn header_lines(text: &str, header: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(header))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Where each `[model]` key's value sits (line, column), from a second,
/// lenient parse of the same text (the file already parsed once).
fn model_key_positions(text: &str) -> BTreeMap<String, (usize, usize)> {
    #[derive(Deserialize)]
    struct Spans {
        #[serde(default)]
        model: BTreeMap<String, toml::Spanned<toml::Value>>,
    }
    toml::from_str::<Spans>(text)
        .map(|s| {
            s.model
                .into_iter()
                .map(|(k, v)| (k, line_col(text, v.span().start)))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks the range of every `[model]` key when the file is read, so that
/// a bad value is reported at its key and line instead of failing later,
/// mid-run, under another name. The ranges (docs/engine.md, "The event
/// file"):
///
/// - `alpha_base`: finite, ≥ 1 (below 1 the initial state is not an
///   equilibrium: capacity would not meet demand);
/// - `alpha_max`: finite, ≥ `alpha_base`;
/// - `alpha_tau`, `rebuild_tau`, `iotable_year_to_temporal_unit_factor`,
///   `inventory_restoration_tau` (each value): positive integers;
/// - `temporal_units_by_step`: a positive integer no larger than a year of
///   the table (`iotable_year_to_temporal_unit_factor`) nor than any
///   characteristic time (`alpha_tau`, `inventory_restoration_tau`): a step
///   longer than τ overshoots (the explicit update moves by dt/τ > 1);
/// - `main_inv_dur`, `inventory_dict` values: positive, or infinite;
/// - `monetary_factor`: finite, positive;
/// - `productive_capital_vector`, `productive_capital_to_VA_dict` values:
///   finite, ≥ 0;
/// - `psi_param`: in [0, 1].
///
/// Labels (sectors, regions) are checked against the table when the model
/// is built.
pub(crate) fn check_model(text: &str, file: &str, p: &ArioParams) -> Result<()> {
    let pos = model_key_positions(text);
    let bad = |key: &str, value: String, expected: &str, fix: &str| {
        let (line, column) = match pos.get(key) {
            Some(&(l, c)) => (Some(l), Some(c)),
            None => (header_lines(text, "[model]").first().copied(), None),
        };
        Err(SimError::InvalidValue {
            at: Location {
                file: file.to_string(),
                line,
                column,
            },
            context: "[model]".into(),
            key: key.into(),
            value,
            expected: expected.into(),
            fix: fix.into(),
        })
    };
    if !(p.alpha_base.is_finite() && p.alpha_base >= 1.0) {
        return bad(
            "alpha_base",
            p.alpha_base.to_string(),
            "a finite number >= 1 (the base overproduction factor; below 1 the initial state is no equilibrium)",
            "use BoARIO's default 1.0",
        );
    }
    if !(p.alpha_max.is_finite() && p.alpha_max >= p.alpha_base) {
        return bad(
            "alpha_max",
            p.alpha_max.to_string(),
            &format!("a finite number >= alpha_base ({})", p.alpha_base),
            "use BoARIO's default 1.25",
        );
    }
    for (key, v, default) in [
        ("alpha_tau", p.alpha_tau, 365),
        ("rebuild_tau", p.rebuild_tau, 60),
        (
            "iotable_year_to_temporal_unit_factor",
            p.iotable_year_to_temporal_unit_factor,
            365,
        ),
        ("temporal_units_by_step", p.temporal_units_by_step, 1),
    ] {
        if v == 0 {
            return bad(
                key,
                "0".into(),
                "a positive integer",
                &format!("use BoARIO's default {default}"),
            );
        }
    }
    let taus: Vec<(String, u32)> = match &p.inventory_restoration_tau {
        RestorationTau::Uniform(t) => vec![("inventory_restoration_tau".into(), *t)],
        RestorationTau::PerSector(m) => m
            .iter()
            .map(|(s, t)| (format!("inventory_restoration_tau.{s}"), *t))
            .collect(),
    };
    for (what, t) in &taus {
        if *t == 0 {
            return bad(
                "inventory_restoration_tau",
                format!("{what} = 0"),
                "a positive integer",
                "use BoARIO's default 60",
            );
        }
    }
    let dt = p.temporal_units_by_step;
    let mut limits = vec![
        (
            "iotable_year_to_temporal_unit_factor",
            p.iotable_year_to_temporal_unit_factor,
        ),
        ("alpha_tau", p.alpha_tau),
    ];
    limits.extend(taus.iter().map(|(w, t)| (w.as_str(), *t)));
    if let Some((what, lim)) = limits.into_iter().find(|(_, lim)| dt > *lim) {
        return bad(
            "temporal_units_by_step",
            dt.to_string(),
            &format!("a step no longer than {what} ({lim} temporal units)"),
            "use 1 (a day per step), or lengthen the characteristic times",
        );
    }
    if p.main_inv_dur.is_nan() || p.main_inv_dur <= 0.0 {
        return bad(
            "main_inv_dur",
            p.main_inv_dur.to_string(),
            "a positive number of temporal units (or inf)",
            "use BoARIO's default 90",
        );
    }
    if let Some(d) = &p.inventory_dict {
        for (s, v) in d {
            if v.days().is_nan() || v.days() <= 0.0 {
                return bad(
                    "inventory_dict",
                    format!("{s} = {}", v.days()),
                    "a positive number of temporal units or \"inf\"",
                    "use e.g. 90",
                );
            }
        }
    }
    if !(p.monetary_factor.is_finite() && p.monetary_factor > 0.0) {
        return bad(
            "monetary_factor",
            p.monetary_factor.to_string(),
            "a finite positive number",
            "use 1000000 for a table in millions",
        );
    }
    if let Some(k) = &p.productive_capital_vector {
        for (r, secs) in k {
            for (s, v) in secs {
                if !(v.is_finite() && *v >= 0.0) {
                    return bad(
                        "productive_capital_vector",
                        format!("{r}.{s} = {v}"),
                        "a finite non-negative capital stock",
                        "give every industry's capital stock in table units",
                    );
                }
            }
        }
    }
    if let Some(d) = &p.productive_capital_to_va_dict {
        for (s, v) in d {
            if !(v.is_finite() && *v >= 0.0) {
                return bad(
                    "productive_capital_to_VA_dict",
                    format!("{s} = {v}"),
                    "a finite non-negative capital/value-added ratio",
                    "use e.g. 4 (BoARIO's default ratio)",
                );
            }
        }
    }
    if !(0.0..=1.0).contains(&p.psi_param) {
        return bad(
            "psi_param",
            p.psi_param.to_string(),
            "a number in [0, 1]",
            "use BoARIO's default 0.8",
        );
    }
    Ok(())
}

/// Parses an event file. `file` names it in error messages.
pub fn parse_event_file(text: &str, file: &str) -> Result<EventFile> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(sp) => {
                let (l, c) = line_col(text, sp.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        SimError::Parse {
            at: Location {
                file: file.to_string(),
                line,
                column,
            },
            message: format!(
                "{}; valid [model] keys: order_type, alpha_base, alpha_max, alpha_tau, rebuild_tau, main_inv_dur, monetary_factor, temporal_units_by_step, iotable_year_to_temporal_unit_factor, infinite_inventories_sect, inventory_dict, productive_capital_vector, productive_capital_to_VA_dict, psi_param, inventory_restoration_tau; valid [[event]] keys: event_type, impact, name, affected_regions, affected_sectors, impact_regional_distrib, impact_sectoral_distrib, occurrence, duration, recovery_tau, recovery_function, rebuild_tau, rebuilding_sectors, rebuilding_factor, event_monetary_factor (see docs/engine.md)",
                e.message()
            ),
        }
    })?;
    check_model(text, file, &raw.model)?;
    let ev_lines = header_lines(text, "[[event]]");
    let model_line = header_lines(text, "[model]").first().copied();
    Ok(EventFile {
        file: file.to_string(),
        model: raw.model,
        event_lines: (0..raw.event.len())
            .map(|k| ev_lines.get(k).copied())
            .collect(),
        events: raw.event,
        model_line,
    })
}

struct Ctx<'a> {
    at: Location,
    context: String,
    layout: &'a Layout,
}

impl Ctx<'_> {
    fn bad(&self, key: &str, value: impl ToString, expected: &str, fix: &str) -> SimError {
        SimError::InvalidValue {
            at: self.at.clone(),
            context: self.context.clone(),
            key: key.into(),
            value: plenum_table::message::shown(value),
            expected: expected.into(),
            fix: fix.into(),
        }
    }
    fn missing(&self, key: &str, why: &str) -> SimError {
        SimError::MissingKey {
            at: self.at.clone(),
            context: self.context.clone(),
            key: key.into(),
            why: why.into(),
        }
    }
    fn region(&self, key: &str, name: &str) -> Result<usize> {
        self.layout
            .region_index(name)
            .ok_or_else(|| SimError::UnknownLabel {
                at: self.at.clone(),
                context: format!("{} `{key}`", self.context),
                kind: "region",
                label: name.into(),
                valid: self.layout.regions.clone(),
            })
    }
    fn sector(&self, key: &str, name: &str) -> Result<usize> {
        self.layout
            .sector_index(name)
            .ok_or_else(|| SimError::UnknownLabel {
                at: self.at.clone(),
                context: format!("{} `{key}`", self.context),
                kind: "sector",
                label: name.into(),
                valid: self.layout.sectors.clone(),
            })
    }
    fn positive_int(&self, key: &str, v: Option<i64>, default: Option<u32>) -> Result<u32> {
        match (v, default) {
            (Some(v), _) if v > 0 && v <= u32::MAX as i64 => Ok(v as u32),
            (Some(v), _) if v > 0 => Err(self.bad(
                key,
                v,
                &format!("a positive integer of at most {}", u32::MAX),
                "use e.g. 1",
            )),
            (Some(v), _) => Err(self.bad(key, v, "a positive integer", "use e.g. 1")),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(self.missing(key, "required for this event type")),
        }
    }
}

/// Dedupes labels, keeping the first occurrence (BoARIO drops duplicates).
fn dedupe(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Weights of a distribution over `affected` (indices), normalised to sum 1
/// as BoARIO's `_level_distrib`.
fn level_distrib(
    ctx: &Ctx,
    key: &str,
    spec: &Option<Distribution>,
    affected: &[(String, usize)],
    gdp: impl Fn(usize) -> f64,
) -> Result<Vec<f64>> {
    let raw: Vec<f64> = match spec {
        None => return Ok(vec![1.0 / affected.len() as f64; affected.len()]),
        Some(Distribution::Word(w)) if w == "equal" => {
            return Ok(vec![1.0 / affected.len() as f64; affected.len()])
        }
        Some(Distribution::Word(w)) if w == "gdp" => {
            affected.iter().map(|(_, i)| gdp(*i)).collect()
        }
        Some(Distribution::Word(w)) => {
            return Err(ctx.bad(
                key,
                format!("\"{w}\""),
                "\"equal\", \"gdp\" or a table of weights by label",
                "use \"equal\"",
            ))
        }
        Some(Distribution::Weights(m)) => {
            for k in m.keys() {
                if !affected.iter().any(|(a, _)| a == k) {
                    let valid: Vec<String> = affected.iter().map(|(a, _)| a.clone()).collect();
                    return Err(ctx.bad(
                        key,
                        format!("\"{k}\""),
                        &format!(
                            "weights only for the affected labels ({})",
                            valid.join(", ")
                        ),
                        "remove the entry or add the label to the affected list",
                    ));
                }
            }
            let mut v = Vec::with_capacity(affected.len());
            for (a, _) in affected {
                match m.get(a) {
                    Some(w) if w.is_finite() && *w >= 0.0 => v.push(*w),
                    Some(w) => {
                        return Err(ctx.bad(
                            key,
                            format!("{a} = {w}"),
                            "a non-negative weight",
                            "use weights >= 0",
                        ))
                    }
                    None => {
                        return Err(ctx.bad(
                            key,
                            format!("no weight for \"{a}\""),
                            "a weight for every affected label",
                            &format!("add {a} = <weight>"),
                        ))
                    }
                }
            }
            v
        }
    };
    let sum: f64 = raw.iter().sum();
    if sum.is_nan() || sum <= 0.0 || !sum.is_finite() {
        return Err(ctx.bad(
            key,
            format!("weights summing to {sum}"),
            "weights with a positive sum",
            "give at least one positive weight",
        ));
    }
    Ok(raw.iter().map(|w| w / sum).collect())
}

/// Resolves one event against the model's labels (BoARIO's
/// `from_scalar_regions_sectors` / `from_series` and constructors).
pub fn resolve_event(
    spec: &EventSpec,
    model: &ArioModel,
    at: Location,
    index: usize,
) -> Result<Event> {
    let layout = model.layout();
    let ns = layout.n_sectors();
    let source = Some(at.clone());
    let ctx = Ctx {
        at,
        context: format!("event #{}", index + 1),
        layout,
    };
    let kind = spec.event_type;
    let occurrence = ctx.positive_int("occurrence", spec.occurrence, Some(1))?;
    let duration = ctx.positive_int("duration", spec.duration, Some(1))?;
    let (recovery_tau, recovery_function) = match kind {
        EventKind::Recovery => (
            ctx.positive_int("recovery_tau", spec.recovery_tau, None)?,
            spec.recovery_function.unwrap_or(RecoveryFunction::Linear),
        ),
        EventKind::Arbitrary => (
            ctx.positive_int("recovery_tau", spec.recovery_tau, Some(1))?,
            spec.recovery_function.unwrap_or(RecoveryFunction::Linear),
        ),
        EventKind::Rebuild => {
            if spec.recovery_tau.is_some() || spec.recovery_function.is_some() {
                return Err(ctx.bad(
                    "recovery_tau/recovery_function",
                    "given",
                    "no recovery keys on a rebuild event (it recovers by rebuilding)",
                    "remove them or use event_type = \"recovery\"",
                ));
            }
            (1, RecoveryFunction::Linear)
        }
    };
    let mut rebuild_tau = 0;
    let mut rebuilding_sectors = Vec::new();
    let mut rebuilding_factor = 1.0;
    if kind == EventKind::Rebuild {
        rebuild_tau = ctx.positive_int(
            "rebuild_tau",
            spec.rebuild_tau,
            Some(model.params().rebuild_tau),
        )?;
        let rs = spec.rebuilding_sectors.as_ref().ok_or_else(|| {
            ctx.missing(
                "rebuilding_sectors",
                "a rebuild event needs { SECTOR = share }",
            )
        })?;
        if rs.is_empty() {
            return Err(ctx.missing("rebuilding_sectors", "give at least one sector"));
        }
        let mut sum = 0.0;
        for (s, w) in rs {
            let si = ctx.sector("rebuilding_sectors", s)?;
            if !(0.0..=1.0).contains(w) {
                return Err(ctx.bad(
                    "rebuilding_sectors",
                    format!("{s} = {w}"),
                    "a share in [0, 1]",
                    "give shares that sum to 1",
                ));
            }
            sum += w;
            rebuilding_sectors.push((si, *w));
        }
        // np.isclose(sum, 1.0)
        if (sum - 1.0).abs() > 1e-8 + 1e-5 {
            return Err(ctx.bad(
                "rebuilding_sectors",
                format!("shares summing to {sum}"),
                "shares summing to 1",
                "rescale the shares",
            ));
        }
        rebuilding_factor = spec.rebuilding_factor.unwrap_or(1.0);
        if !(rebuilding_factor > 0.0 && rebuilding_factor.is_finite()) {
            return Err(ctx.bad(
                "rebuilding_factor",
                rebuilding_factor,
                "a positive number",
                "use 1.0",
            ));
        }
    } else if spec.rebuild_tau.is_some()
        || spec.rebuilding_sectors.is_some()
        || spec.rebuilding_factor.is_some()
    {
        return Err(ctx.bad(
            "rebuild_tau/rebuilding_sectors/rebuilding_factor",
            "given",
            "rebuilding keys only on event_type = \"rebuild\"",
            "remove them or change the event type",
        ));
    }
    let event_monetary_factor = match (kind, spec.event_monetary_factor) {
        (EventKind::Arbitrary, Some(_)) => {
            return Err(ctx.bad(
                "event_monetary_factor",
                "given",
                "no monetary factor on an arbitrary event (its impact is a share of capacity)",
                "remove the key",
            ))
        }
        (_, Some(f)) if f > 0.0 && f.is_finite() => f,
        (_, Some(f)) => {
            return Err(ctx.bad(
                "event_monetary_factor",
                f,
                "a positive number",
                "use the table's monetary factor, e.g. 1000000",
            ))
        }
        (_, None) => 1.0,
    };

    let mut impact: Vec<(usize, f64)> = Vec::new();
    match &spec.impact {
        ImpactSpec::PerIndustry(m) => {
            if spec.affected_regions.is_some()
                || spec.affected_sectors.is_some()
                || spec.impact_regional_distrib.is_some()
                || spec.impact_sectoral_distrib.is_some()
            {
                return Err(ctx.bad(
                    "impact",
                    "a table",
                    "no affected_* or *_distrib keys when the impact is given per industry",
                    "remove those keys or give a scalar impact",
                ));
            }
            for (r, secs) in m {
                let ri = ctx.region("impact", r)?;
                for (s, v) in secs {
                    let si = ctx.sector("impact", s)?;
                    if !v.is_finite() || *v < 0.0 {
                        return Err(ctx.bad(
                            "impact",
                            format!("{r}.{s} = {v}"),
                            "a non-negative impact",
                            "remove negative impacts",
                        ));
                    }
                    impact.push((ri * ns + si, *v));
                }
            }
        }
        ImpactSpec::Scalar(v) => {
            if !(v.is_finite() && *v > 0.0) {
                return Err(ctx.bad("impact", v, "a positive number", "give the total impact"));
            }
            let regs = dedupe(
                spec.affected_regions
                    .as_ref()
                    .ok_or_else(|| {
                        ctx.missing(
                            "affected_regions",
                            "a scalar impact needs the regions it hits",
                        )
                    })?
                    .to_vec(),
            );
            let secs = dedupe(
                spec.affected_sectors
                    .as_ref()
                    .ok_or_else(|| {
                        ctx.missing(
                            "affected_sectors",
                            "a scalar impact needs the sectors it hits",
                        )
                    })?
                    .to_vec(),
            );
            if regs.is_empty() {
                return Err(ctx.missing("affected_regions", "the list is empty"));
            }
            if secs.is_empty() {
                return Err(ctx.missing("affected_sectors", "the list is empty"));
            }
            let regs: Vec<(String, usize)> = regs
                .into_iter()
                .map(|r| ctx.region("affected_regions", &r).map(|i| (r, i)))
                .collect::<Result<_>>()?;
            let secs: Vec<(String, usize)> = secs
                .into_iter()
                .map(|s| ctx.sector("affected_sectors", &s).map(|i| (s, i)))
                .collect::<Result<_>>()?;
            let va = model.value_added();
            let rd = level_distrib(
                &ctx,
                "impact_regional_distrib",
                &spec.impact_regional_distrib,
                &regs,
                |r| (0..ns).map(|s| va[r * ns + s]).sum(),
            )?;
            let sd = level_distrib(
                &ctx,
                "impact_sectoral_distrib",
                &spec.impact_sectoral_distrib,
                &secs,
                |s| regs.iter().map(|(_, r)| va[r * ns + s]).sum(),
            )?;
            for (a, (_, r)) in regs.iter().enumerate() {
                for (b, (_, s)) in secs.iter().enumerate() {
                    impact.push((r * ns + s, v * (rd[a] * sd[b])));
                }
            }
        }
    }
    impact.retain(|(_, v)| *v != 0.0);
    impact.sort_by_key(|(i, _)| *i);
    if impact.is_empty() {
        return Err(ctx.bad(
            "impact",
            "all zero",
            "a positive impact somewhere",
            "give a positive impact",
        ));
    }
    if kind == EventKind::Arbitrary {
        if let Some((i, v)) = impact.iter().find(|(_, v)| *v > 1.0) {
            return Err(ctx.bad(
                "impact",
                format!("{} = {v}", layout.industry_name(*i)),
                "a share of capacity in [0, 1] for an arbitrary event",
                "give shares, e.g. 0.2 for 20 %",
            ));
        }
    }
    Ok(Event {
        name: spec
            .name
            .clone()
            .unwrap_or_else(|| format!("event #{}", index + 1)),
        kind,
        occurrence,
        duration,
        impact,
        recovery_tau,
        recovery_function,
        rebuild_tau,
        rebuilding_sectors,
        rebuilding_factor,
        event_monetary_factor,
        source,
    })
}

/// Builds an [`ArioModel`] of `table` from an event file: parameters from
/// `[model]`, every `[[event]]` resolved and added.
pub fn build_ario(table: &plenum_table::MrioTable, file: &EventFile) -> Result<ArioModel> {
    let mut model = ArioModel::new(table, &file.model).map_err(|e| match e {
        SimError::InvalidValue {
            context,
            key,
            value,
            expected,
            fix,
            ..
        } => SimError::InvalidValue {
            at: Location {
                file: file.file.clone(),
                line: file.model_line,
                column: None,
            },
            context,
            key,
            value,
            expected,
            fix,
        },
        SimError::UnknownLabel {
            context,
            kind,
            label,
            valid,
            ..
        } => SimError::UnknownLabel {
            at: Location {
                file: file.file.clone(),
                line: file.model_line,
                column: None,
            },
            context,
            kind,
            label,
            valid,
        },
        other => other,
    })?;
    for (k, spec) in file.events.iter().enumerate() {
        let at = Location {
            file: file.file.clone(),
            line: file.event_lines.get(k).copied().flatten(),
            column: None,
        };
        let ev = resolve_event(spec, &model, at, k)?;
        model.add_event(ev)?;
    }
    Ok(model)
}
