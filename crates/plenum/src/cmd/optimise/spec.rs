//! The optimiser's spec file: its raw TOML shape, the checked [`Spec`]
//! (instruments with bounds, objectives, constraints, the robust mode) with
//! errors naming the spec's file, line and key, and the template filled with
//! a candidate's instrument values.

// Scenario errors carry labels and fixes.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use plenum_scenario::outputs::Output;
use plenum_scenario::Quarter;
use serde::Deserialize;
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpec {
    name: Option<String>,
    evaluations: Option<usize>,
    population: Option<usize>,
    seed: Option<u64>,
    template: String,
    instruments: BTreeMap<String, RawInstrument>,
    #[serde(default)]
    objectives: Vec<RawObjective>,
    #[serde(default)]
    constraints: Vec<RawConstraint>,
    robust: Option<RawRobust>,
    distributions: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInstrument {
    min: toml::Value,
    max: toml::Value,
    unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawObjective {
    output: String,
    sense: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConstraint {
    output: Option<String>,
    budget: Option<BTreeMap<String, f64>>,
    min: Option<f64>,
    max: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRobust {
    draws: usize,
    quantile: f64,
}

/// An instrument: a number, or a quarter (searched as its index).
#[derive(Debug, Clone)]
pub(super) struct Instrument {
    pub(super) name: String,
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) quarter: bool,
    pub(super) unit: String,
}

impl Instrument {
    pub(super) fn text(&self, v: f64) -> String {
        if self.quarter {
            Quarter(v.round() as i32).to_string()
        } else {
            format!("{v:?}")
        }
    }
    /// The value the scenario sees (quarters rounded).
    pub(super) fn snap(&self, v: f64) -> f64 {
        if self.quarter {
            v.round()
        } else {
            v
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Target {
    Output(Output),
    Budget(Vec<(usize, f64)>),
}

#[derive(Debug, Clone)]
pub(super) struct Constraint {
    pub(super) label: String,
    pub(super) target: Target,
    pub(super) min: Option<f64>,
    pub(super) max: Option<f64>,
    pub(super) line: Option<usize>,
}

pub(super) struct Spec {
    pub(super) name: String,
    pub(super) evaluations: usize,
    pub(super) population: usize,
    pub(super) seed: u64,
    pub(super) template: String,
    pub(super) instruments: Vec<Instrument>,
    pub(super) objectives: Vec<(Output, bool)>, // (output, maximise)
    pub(super) constraints: Vec<Constraint>,
    pub(super) robust: Option<(usize, f64)>,
    pub(super) dists_text: Option<String>,
}

pub(super) fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// Line of `needle` inside the k-th `[[constraints]]` table (else the table's header line).
pub(super) fn constraint_line(text: &str, k: usize, needle: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let head = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[constraints]]"))
        .nth(k)?
        .0;
    let end = lines[head + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |p| head + 1 + p);
    Some(
        (head + 1..end)
            .find(|&i| lines[i].contains(needle))
            .unwrap_or(head)
            + 1,
    )
}

pub(super) fn parse_spec(text: &str, file: &str) -> Result<Spec> {
    let raw: RawSpec = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        anyhow::anyhow!(
            "{file}:{}: {}; fix: keys are name, evaluations, population, seed, template, [instruments], [[objectives]], [[constraints]], [robust], [distributions]",
            line.map_or("?".into(), |l| l.to_string()),
            e.message().trim()
        )
    })?;
    let at = |needle: &str| {
        format!(
            "{file}:{}",
            line_of(text, needle).map_or("?".into(), |l| l.to_string())
        )
    };
    let mut instruments = Vec::new();
    for (name, r) in &raw.instruments {
        let num = |v: &toml::Value| -> Option<(f64, bool)> {
            if let Some(s) = v.as_str() {
                Quarter::parse(s, false).map(|q| (f64::from(q.0), true))
            } else {
                v.as_float()
                    .or_else(|| v.as_integer().map(|i| i as f64))
                    .map(|x| (x, false))
            }
        };
        let (Some((lo, qa)), Some((hi, qb))) = (num(&r.min), num(&r.max)) else {
            bail!("{}: instruments.{name}: min and max must be numbers or quarters such as \"2025Q1\"; fix: write {name} = {{ min = 0.0, max = 2.0 }}", at(&format!("{name} =")));
        };
        if qa != qb || !(lo.is_finite() && hi.is_finite()) || lo > hi {
            bail!("{}: instruments.{name}: min {} and max {} must both be numbers (or both quarters) with min ≤ max", at(&format!("{name} =")), r.min, r.max);
        }
        if !raw.template.contains(&format!("{{{name}}}")) {
            bail!("{}: instruments.{name} does not appear in the template; fix: write {{{name}}} where its value goes", at(&format!("{name} =")));
        }
        instruments.push(Instrument {
            name: name.clone(),
            lo,
            hi,
            quarter: qa,
            unit: r.unit.clone().unwrap_or_default(),
        });
    }
    if instruments.is_empty() {
        bail!("{file}: [instruments] is empty; fix: name at least one instrument with bounds");
    }
    // Placeholders must all be instruments (or {name}).
    let mut rest = raw.template.as_str();
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        if let Some(j) = after.find('}') {
            let key = &after[..j];
            if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !key.is_empty()
                && key != "name"
                && !raw.instruments.contains_key(key)
            {
                bail!("{}: the template's placeholder {{{key}}} is not an instrument; fix: add it under [instruments] or write the value", at(&format!("{{{key}}}")));
            }
        }
        rest = after;
    }
    let mut objectives = Vec::new();
    for o in &raw.objectives {
        let line = line_of(text, &format!("\"{}\"", o.output));
        let out = Output::parse_at(
            &o.output,
            plenum_scenario::At {
                file: file.into(),
                line,
                column: None,
            },
        )?;
        let max = match o.sense.as_str() {
            "max" | "maximise" | "maximize" => true,
            "min" | "minimise" | "minimize" => false,
            s => bail!(
                "{}: objectives: sense \"{s}\" for {}; fix: \"max\" or \"min\"",
                at(&format!("\"{s}\"")),
                o.output
            ),
        };
        objectives.push((out, max));
    }
    if objectives.is_empty() {
        bail!("{file}: no [[objectives]]; fix: add one, e.g. output = \"growth_avg\", sense = \"max\"");
    }
    let mut constraints = Vec::new();
    for (ci, c) in raw.constraints.iter().enumerate() {
        let (label, target, line) = match (&c.output, &c.budget) {
            (Some(o), None) => {
                let line = constraint_line(text, ci, &format!("\"{o}\""));
                (o.clone(), Target::Output(Output::parse_at(o, plenum_scenario::At { file: file.into(), line, column: None })?), line)
            }
            (None, Some(b)) => {
                let line = constraint_line(text, ci, "budget");
                let mut w = Vec::new();
                for (k, v) in b {
                    let Some(i) = instruments.iter().position(|x| &x.name == k) else {
                        bail!("{file}:{}: constraints.budget names \"{k}\", which is not an instrument", line.unwrap_or(0));
                    };
                    w.push((i, *v));
                }
                ("budget".to_string(), Target::Budget(w), line)
            }
            _ => bail!("{file}: each [[constraints]] has either output = \"…\" or budget = {{ instrument = weight, … }}"),
        };
        let l = line.map_or("?".into(), |l| l.to_string());
        if c.min.is_none() && c.max.is_none() {
            bail!("{file}:{l}: constraint on {label} has neither min nor max; fix: give a bound");
        }
        if let (Some(a), Some(b)) = (c.min, c.max) {
            if a > b {
                bail!("{file}:{l}: constraint on {label} is impossible: min {a} > max {b}; fix: swap or widen the bounds");
            }
        }
        if c.min.is_some_and(|v| !v.is_finite()) || c.max.is_some_and(|v| !v.is_finite()) {
            bail!("{file}:{l}: constraint on {label}: bounds must be finite numbers");
        }
        if let Target::Budget(w) = &target {
            // The budget's range over the instrument box.
            let (mut lo, mut hi) = (0.0, 0.0);
            for (i, wt) in w {
                let (a, b) = (wt * instruments[*i].lo, wt * instruments[*i].hi);
                lo += a.min(b);
                hi += a.max(b);
            }
            if c.max.is_some_and(|m| lo > m) || c.min.is_some_and(|m| hi < m) {
                bail!(
                    "{file}:{l}: budget constraint is impossible: over the instruments' bounds the budget ranges {lo} to {hi}, outside min {:?} / max {:?}; fix: relax the bound or the instruments' ranges",
                    c.min, c.max
                );
            }
        }
        if let Target::Output(o) = &target {
            let n = &o.name;
            let share = n.contains("share") || n.contains("to_gdp") || n.contains("self_reliance");
            if share && c.max.is_some_and(|m| m < 0.0) {
                bail!("{file}:{l}: constraint {n} ≤ {:?} is impossible: a share or ratio cannot be negative; fix: give a non-negative bound", c.max);
            }
        }
        constraints.push(Constraint {
            label,
            target,
            min: c.min,
            max: c.max,
            line,
        });
    }
    let robust = match &raw.robust {
        None => None,
        Some(r) => {
            if r.draws < 2 || r.draws > 10_000 || !(r.quantile > 0.0 && r.quantile < 1.0) {
                bail!(
                    "{}: robust: draws {} (2 to 10,000) and quantile {} (strictly between 0 and 1)",
                    at("[robust]"),
                    r.draws,
                    r.quantile
                );
            }
            Some((r.draws, r.quantile))
        }
    };
    let population = raw.population.unwrap_or(100);
    let evaluations = raw.evaluations.unwrap_or(5_000);
    if !(4..=10_000).contains(&population) {
        bail!(
            "{}: population {population}: use 4 to 10,000 (100 is usual)",
            at("population")
        );
    }
    Ok(Spec {
        name: raw.name.unwrap_or_else(|| "point".into()),
        evaluations,
        population,
        seed: raw.seed.unwrap_or(2024),
        template: raw.template,
        instruments,
        objectives,
        constraints,
        robust,
        dists_text: raw.distributions.map(|_| text.to_string()),
    })
}

pub(super) fn fill(spec: &Spec, name: &str, x: &[f64]) -> String {
    let mut t = spec.template.replace("{name}", name);
    for (ins, v) in spec.instruments.iter().zip(x) {
        t = t.replace(&format!("{{{}}}", ins.name), &ins.text(*v));
    }
    t
}
