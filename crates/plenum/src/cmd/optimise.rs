//! `plenum optimise SPEC.toml`: the Pareto front of a policy package.
//!
//! The spec names instruments (numbers or quarters, each with bounds), a
//! scenario template in which `{instrument}` placeholders stand for their
//! values (so any scenario key can be an instrument: transfers' size and
//! timing, the debt swap, self-reliance spending, opening, …), one or more
//! objectives and constraints on named outputs (plenum-scenario's
//! `outputs`), and optional budget constraints (weighted sums of
//! instruments). NSGA-II with constraint domination (plenum-uncertainty)
//! searches; each candidate's scenario is parsed from the filled template
//! and run on one loaded table (plenum-scenario's batch evaluator).
//!
//! Robust mode (`[robust] draws = R, quantile = q`) scores each candidate
//! over the same R parameter draws (common random numbers; each draw's
//! calibration solved once): an objective to maximise by its q-quantile
//! (e.g. the 10th percentile), one to minimise by its (1 − q)-quantile,
//! and a constraint on the unfavourable side likewise.
//!
//! Outputs under `--out`: `front.csv`/`.parquet` (tidy: point, kind, name,
//! value), `front/point-NNN.toml` (each a scenario `plenum run` reproduces
//! exactly), `population.csv` (the last population), `report.html` (the
//! front chart), `optimise.txt`, `manifest.json`. No feasible candidate:
//! an error naming the binding constraint.

// Index loops mirror the maths (parameter j, quarter q); scenario errors carry labels and fixes.
#![allow(clippy::needless_range_loop, clippy::result_large_err)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use plenum_formats::tidy::{KeyColumn, Manifest, TidyFrame};
use plenum_scenario::batch::{map_chunked, Batch};
use plenum_scenario::outputs::Output;
use plenum_scenario::{shipped, Economy, Quarter};
use plenum_uncertainty::draws::draw_matrix;
use plenum_uncertainty::nsga2::{nsga2, Evaluation, Nsga2Options};
use plenum_uncertainty::stats::quantiles;
use serde::Deserialize;

use crate::cli::OptimiseArgs;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
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
struct RawInstrument {
    min: toml::Value,
    max: toml::Value,
    unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjective {
    output: String,
    sense: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConstraint {
    output: Option<String>,
    budget: Option<BTreeMap<String, f64>>,
    min: Option<f64>,
    max: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRobust {
    draws: usize,
    quantile: f64,
}

/// An instrument: a number, or a quarter (searched as its index).
#[derive(Debug, Clone)]
struct Instrument {
    name: String,
    lo: f64,
    hi: f64,
    quarter: bool,
    unit: String,
}

impl Instrument {
    fn text(&self, v: f64) -> String {
        if self.quarter {
            Quarter(v.round() as i32).to_string()
        } else {
            format!("{v:?}")
        }
    }
    /// The value the scenario sees (quarters rounded).
    fn snap(&self, v: f64) -> f64 {
        if self.quarter {
            v.round()
        } else {
            v
        }
    }
}

#[derive(Debug, Clone)]
enum Target {
    Output(Output),
    Budget(Vec<(usize, f64)>),
}

#[derive(Debug, Clone)]
struct Constraint {
    label: String,
    target: Target,
    min: Option<f64>,
    max: Option<f64>,
    line: Option<usize>,
}

struct Spec {
    name: String,
    evaluations: usize,
    population: usize,
    seed: u64,
    template: String,
    instruments: Vec<Instrument>,
    objectives: Vec<(Output, bool)>, // (output, maximise)
    constraints: Vec<Constraint>,
    robust: Option<(usize, f64)>,
    dists_text: Option<String>,
}

fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// Line of `needle` inside the k-th `[[constraints]]` table (else the table's header line).
fn constraint_line(text: &str, k: usize, needle: &str) -> Option<usize> {
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

fn parse_spec(text: &str, file: &str) -> Result<Spec> {
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

fn fill(spec: &Spec, name: &str, x: &[f64]) -> String {
    let mut t = spec.template.replace("{name}", name);
    for (ins, v) in spec.instruments.iter().zip(x) {
        t = t.replace(&format!("{{{}}}", ins.name), &ins.text(*v));
    }
    t
}

/// Per candidate: objective values (as reported, not negated), constraint values, or failure.
type Scored = std::result::Result<(Vec<f64>, Vec<f64>), String>;

pub fn run(args: OptimiseArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.spec)
        .with_context(|| format!("cannot read {}", args.spec.display()))?;
    let file = args.spec.display().to_string();
    let mut spec = parse_spec(&text, &file)?;
    if let Some(e) = args.evaluations {
        spec.evaluations = e;
    }
    if let Some(s) = args.seed {
        spec.seed = s;
    }
    if spec.evaluations < spec.population {
        bail!(
            "evaluations {} < population {}: give at least one population's worth",
            spec.evaluations,
            spec.population
        );
    }
    let table = crate::embedded::default_table()?;
    let econ = Economy::from_table(&table)?;
    let baseline = crate::cmd::draws::baseline()?;
    let batch = Batch::new(&econ, baseline.clone())?;

    // Check the template at the centre of the box (names the bad key and line).
    let centre: Vec<f64> = spec
        .instruments
        .iter()
        .map(|i| i.snap(0.5 * (i.lo + i.hi)))
        .collect();
    let scn = plenum_scenario::parse_scenario(
        &fill(&spec, &format!("{}-centre", spec.name), &centre),
        &format!("{file} (template)"),
        &shipped::lookup,
    )?;
    let probe = batch.run_set(&[&scn], &[], &[])?;
    for (o, _) in &spec.objectives {
        o.check(
            &probe.runs[0],
            plenum_scenario::At {
                file: file.clone(),
                line: line_of(&text, &format!("\"{}\"", o.name)),
                column: None,
            },
        )?;
    }
    for c in &spec.constraints {
        if let Target::Output(o) = &c.target {
            o.check(
                &probe.runs[0],
                plenum_scenario::At {
                    file: file.clone(),
                    line: c.line,
                    column: None,
                },
            )?;
        }
    }

    // Robust mode: draws and their calibrations, solved once. The template's
    // own [distributions] (hence every candidate's, which extend it) apply
    // as in `plenum run --draws`: the baseline is calibrated at the run's
    // distributions and candidates take the value at the same quantile of
    // theirs (common random numbers, `batch::Coupling`).
    let mut robust_sets: Vec<(Vec<f64>, plenum_scenario::Calibration)> = Vec::new();
    let mut names: Vec<&'static str> = Vec::new();
    if let Some((r, _)) = spec.robust {
        let mut d = plenum_scenario::dists::defaults();
        if let Some(t) = &spec.dists_text {
            plenum_scenario::dists::apply_overrides(&mut d, t, &file)?;
        }
        let (drawn, coupling) = plenum_scenario::batch::Coupling::new(&d, &baseline, &[&scn]);
        names = drawn;
        let draws = draw_matrix(&coupling.reference, r, spec.seed)?;
        let cals = map_chunked(&draws, |_, v| {
            batch.calibrate_set(&names, &coupling.values(&coupling.baseline, v))
        });
        for (v, c) in draws.iter().zip(cals) {
            if let Ok(c) = c {
                robust_sets.push((coupling.values(&coupling.scenarios[0], v), c));
            }
        }
        if robust_sets.is_empty() {
            bail!("robust mode: every one of the {r} draws failed to calibrate; narrow [distributions]");
        }
        crate::outln!(
            "robust mode: {} of {r} draws calibrated; objectives at the {} quantile",
            robust_sets.len(),
            spec.robust.map_or(0.0, |x| x.1)
        )?;
    }

    let score = |x: &[f64], idx: usize| -> Scored {
        let s = plenum_scenario::parse_scenario(
            &fill(&spec, &format!("{}-{idx}", spec.name), x),
            "candidate",
            &shipped::lookup,
        )
        .map_err(|e| e.to_string())?;
        let budget = |w: &[(usize, f64)]| {
            w.iter()
                .map(|(i, wt)| wt * spec.instruments[*i].snap(x[*i]))
                .sum::<f64>()
        };
        if robust_sets.is_empty() {
            let runs = batch
                .run_calibrated(&[&s], &[], &[], batch.central())
                .map_err(|e| e.to_string())?;
            let f = spec
                .objectives
                .iter()
                .map(|(o, _)| o.eval(&runs[0]))
                .collect();
            let g = spec
                .constraints
                .iter()
                .map(|c| match &c.target {
                    Target::Output(o) => o.eval(&runs[0]),
                    Target::Budget(w) => budget(w),
                })
                .collect();
            return Ok((f, g));
        }
        let q = spec.robust.map_or(0.1, |r| r.1);
        let mut per: Vec<Vec<f64>> = Vec::new();
        for (v, c) in &robust_sets {
            let runs = batch
                .run_calibrated(&[&s], &names, v, c)
                .map_err(|e| e.to_string())?;
            let mut row: Vec<f64> = spec
                .objectives
                .iter()
                .map(|(o, _)| o.eval(&runs[0]))
                .collect();
            row.extend(spec.constraints.iter().map(|c| match &c.target {
                Target::Output(o) => o.eval(&runs[0]),
                Target::Budget(w) => budget(w),
            }));
            per.push(row);
        }
        let col =
            |k: usize, p: f64| quantiles(&per.iter().map(|r| r[k]).collect::<Vec<_>>(), &[p])[0];
        let no = spec.objectives.len();
        let f = spec
            .objectives
            .iter()
            .enumerate()
            .map(|(k, (_, max))| col(k, if *max { q } else { 1.0 - q }))
            .collect();
        let g = spec
            .constraints
            .iter()
            .enumerate()
            .map(|(k, c)| {
                // The unfavourable side: high values against a max, low against a min.
                if c.max.is_some() {
                    col(no + k, 1.0 - q)
                } else {
                    col(no + k, q)
                }
            })
            .collect();
        Ok((f, g))
    };

    let lo: Vec<f64> = spec
        .instruments
        .iter()
        .map(|i| if i.quarter { i.lo - 0.5 + 1e-9 } else { i.lo })
        .collect();
    let hi: Vec<f64> = spec
        .instruments
        .iter()
        .map(|i| if i.quarter { i.hi + 0.5 - 1e-9 } else { i.hi })
        .collect();
    let opt = Nsga2Options {
        pop_size: spec.population,
        max_evals: spec.evaluations,
        seed: spec.seed,
        ..Default::default()
    };
    let pb = crate::progress::bar(spec.evaluations as u64, "evaluations");
    let t0 = std::time::Instant::now();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let mut failures = 0usize;
    let mut first_failure: Option<String> = None;
    // Every candidate's raw constraint values, to report them for the front.
    let mut raw_g: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    let result = nsga2(&lo, &hi, &opt, |xs| {
        let base_idx = counter.fetch_add(xs.len(), std::sync::atomic::Ordering::Relaxed);
        let scored = map_chunked(xs, |k, x| {
            let r = score(x, base_idx + k);
            pb.inc(1);
            r
        });
        scored
            .into_iter()
            .zip(xs)
            .map(|(r, x)| match r {
                Ok((f, g)) => Evaluation {
                    f: f.iter()
                        .zip(&spec.objectives)
                        .map(|(v, (_, max))| if *max { -v } else { *v })
                        .collect(),
                    g: {
                        let gv = g
                            .iter()
                            .zip(&spec.constraints)
                            .map(|(v, c)| {
                                let a = c.max.map_or(f64::NEG_INFINITY, |m| v - m);
                                let b = c.min.map_or(f64::NEG_INFINITY, |m| m - v);
                                a.max(b)
                            })
                            .collect();
                        raw_g.push((x.clone(), g));
                        gv
                    },
                },
                Err(e) => {
                    failures += 1;
                    first_failure.get_or_insert(e);
                    Evaluation {
                        f: vec![f64::NAN; spec.objectives.len()],
                        g: vec![f64::NAN; spec.constraints.len()],
                    }
                }
            })
            .collect()
    })?;
    pb.finish_and_clear();
    let secs = t0.elapsed().as_secs_f64();

    let front = result.front();
    if front.is_empty() {
        // Name the binding constraint: the one the least-violating candidate misses most.
        let best = result
            .population
            .iter()
            .filter(|i| i.cv.is_finite())
            .min_by(|a, b| a.cv.total_cmp(&b.cv));
        let Some(best) = best else {
            bail!(
                "every candidate failed to run ({failures} failures; first: {})",
                first_failure.unwrap_or_default()
            );
        };
        let (k, v) = best
            .g
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(k, v)| (k, *v))
            .unwrap_or((0, 0.0));
        let c = &spec.constraints[k];
        bail!(
            "no feasible package in {} evaluations: constraint on {} ({}{}) binds; the closest candidate misses it by {v:.4} (line {}); fix: relax the constraint or widen the instruments' bounds",
            result.evaluations,
            c.label,
            c.min.map_or(String::new(), |m| format!("min {m} ")),
            c.max.map_or(String::new(), |m| format!("max {m}")),
            c.line.map_or("?".into(), |l| l.to_string())
        );
    }
    // Order the front by the first objective (as reported).
    let mut pts: Vec<_> = front.iter().map(|i| (*i).clone()).collect();
    pts.sort_by(|a, b| {
        a.f[0]
            .total_cmp(&b.f[0])
            .then(a.x.partial_cmp(&b.x).unwrap_or(std::cmp::Ordering::Equal))
    });
    let obj_val = |i: &plenum_uncertainty::Individual, k: usize| {
        if spec.objectives[k].1 {
            -i.f[k]
        } else {
            i.f[k]
        }
    };

    let out = &args.out;
    std::fs::create_dir_all(out.join("front"))
        .with_context(|| format!("cannot create {}", out.display()))?;
    let (mut kp, mut kk, mut kn, mut vals): (Vec<String>, Vec<String>, Vec<String>, Vec<f64>) =
        Default::default();
    let mut txt = format!(
        "{} evaluations ({} generations, population {}, seed {}) in {secs:.1} s; {} on the front; {failures} failed runs{}\n",
        result.evaluations,
        result.generations,
        spec.population,
        spec.seed,
        pts.len(),
        spec.robust.map_or(String::new(), |(r, q)| format!("; robust over {r} draws at quantile {q}"))
    );
    let mut files: Vec<String> = vec![
        "front.csv".into(),
        "front.parquet".into(),
        "population.csv".into(),
        "optimise.txt".into(),
        "report.html".into(),
        "manifest.json".into(),
    ];
    for (p, ind) in pts.iter().enumerate() {
        let pname = format!("{}-{p:03}", spec.name);
        let snapped: Vec<f64> = spec
            .instruments
            .iter()
            .zip(&ind.x)
            .map(|(i, v)| i.snap(*v))
            .collect();
        let toml_text = format!(
            "# Front point {p} of `plenum optimise {file}` (seed {}): {}\n{}",
            spec.seed,
            spec.objectives
                .iter()
                .enumerate()
                .map(|(k, (o, _))| format!("{} = {:?}", o.name, obj_val(ind, k)))
                .collect::<Vec<_>>()
                .join(", "),
            fill(&spec, &pname, &snapped)
        );
        let f = format!("front/point-{p:03}.toml");
        plenum_formats::atomic::write_bytes_atomic(&out.join(&f), toml_text.as_bytes())?;
        files.push(f);
        let mut push = |k: &str, n: &str, v: f64| {
            kp.push(pname.clone());
            kk.push(k.into());
            kn.push(n.into());
            vals.push(v);
        };
        for (i, v) in spec.instruments.iter().zip(&snapped) {
            push("instrument", &i.name, *v);
        }
        for (k, (o, _)) in spec.objectives.iter().enumerate() {
            push("objective", &o.name, obj_val(ind, k));
        }
        if let Some((_, g)) = raw_g.iter().find(|(x, _)| *x == ind.x) {
            for (c, v) in spec.constraints.iter().zip(g) {
                push("constraint", &c.label, *v);
            }
        }
        let _ = writeln!(
            txt,
            "{pname}: {} | {}",
            spec.instruments
                .iter()
                .zip(&snapped)
                .map(|(i, v)| format!("{} {} {}", i.name, i.text(*v), i.unit))
                .collect::<Vec<_>>()
                .join(", "),
            spec.objectives
                .iter()
                .enumerate()
                .map(|(k, (o, _))| format!("{} {:.3}", o.name, obj_val(ind, k)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    crate::out!("{txt}")?;
    let keys = vec![
        ("point".to_string(), KeyColumn::Text(kp)),
        ("kind".to_string(), KeyColumn::Text(kk)),
        ("name".to_string(), KeyColumn::Text(kn)),
    ];
    let frame = TidyFrame::new(keys, vals)?;
    plenum_formats::tidy::write_csv(&frame, &out.join("front.csv"))?;
    plenum_formats::tidy::write_parquet(&frame, &out.join("front.parquet"))?;
    let mut pop = String::from("member,feasible,rank,violation");
    for i in &spec.instruments {
        let _ = write!(pop, ",{}", i.name);
    }
    for (o, _) in &spec.objectives {
        let _ = write!(pop, ",{}", o.name);
    }
    pop.push('\n');
    for (m, ind) in result.population.iter().enumerate() {
        let _ = write!(pop, "{m},{},{},{:?}", ind.feasible(), ind.rank, ind.cv);
        for (i, v) in spec.instruments.iter().zip(&ind.x) {
            let _ = write!(pop, ",{:?}", i.snap(*v));
        }
        for k in 0..spec.objectives.len() {
            let _ = write!(pop, ",{:?}", obj_val(ind, k));
        }
        pop.push('\n');
    }
    plenum_formats::atomic::write_bytes_atomic(&out.join("population.csv"), pop.as_bytes())?;
    plenum_formats::atomic::write_bytes_atomic(&out.join("optimise.txt"), txt.as_bytes())?;
    let chart = if spec.objectives.len() >= 2 {
        let all: Vec<(f64, f64)> = result
            .population
            .iter()
            .map(|i| (obj_val(i, 0), obj_val(i, 1)))
            .collect();
        let on: Vec<bool> = result
            .population
            .iter()
            .map(|i| i.feasible() && i.rank == 0)
            .collect();
        plenum_report::tornado::scatter_chart(
            "front",
            "Pareto front (orange) and last population (grey)",
            &spec.objectives[0].0.name,
            &spec.objectives[1].0.name,
            &all,
            &on,
        )
    } else {
        let all: Vec<(f64, f64)> = pts
            .iter()
            .enumerate()
            .map(|(p, i)| (p as f64, obj_val(i, 0)))
            .collect();
        plenum_report::tornado::scatter_chart(
            "front",
            "Best packages",
            "point",
            &spec.objectives[0].0.name,
            &all,
            &vec![true; all.len()],
        )
    };
    let table_hash = plenum_formats::native::table_hash(&table);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>plenum optimise</title><style>body{{font-family:system-ui,sans-serif;max-width:820px;margin:2em auto;color:#222}}.chart{{width:100%;height:auto}}.ct{{font-size:15px;font-weight:600}}.cu,.tk{{font-size:11px;fill:#444}}pre{{font-size:12px;overflow-x:auto}}</style></head><body><h1>Policy search: {}</h1><p>plenum {} · table {} · NSGA-II, seed {}</p>{chart}<h2>Front</h2><pre>{}</pre></body></html>\n",
        plenum_report::esc(&file),
        env!("CARGO_PKG_VERSION"),
        &table_hash[..12.min(table_hash.len())],
        spec.seed,
        plenum_report::esc(&txt)
    );
    plenum_formats::atomic::write_bytes_atomic(&out.join("report.html"), html.as_bytes())?;
    let mut manifest = Manifest {
        plenum_version: env!("CARGO_PKG_VERSION").into(),
        command: format!(
            "optimise {file} --evaluations {} --seed {}",
            spec.evaluations, spec.seed
        ),
        table_name: table.meta().name.clone(),
        table_hash,
        scenarios: vec![(
            file.clone(),
            plenum_formats::tidy::sha256_hex(text.as_bytes()),
        )],
        seed: Some(spec.seed),
        files,
        sha256: Default::default(),
    };
    manifest.sha256 = plenum_formats::tidy::sha256_files(out, &manifest.files)?;
    plenum_formats::tidy::write_manifest(&manifest, &out.join("manifest.json"))?;
    crate::outln!(
        "wrote front.csv, front.parquet, front/*.toml, report.html under {}",
        out.display()
    )?;
    Ok(())
}
