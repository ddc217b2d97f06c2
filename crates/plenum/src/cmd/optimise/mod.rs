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

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use plenum_formats::tidy::{KeyColumn, Manifest, TidyFrame};
use plenum_scenario::batch::{map_chunked, Batch};
use plenum_scenario::{shipped, Economy};
use plenum_uncertainty::draws::draw_matrix;
use plenum_uncertainty::nsga2::{nsga2, Evaluation, Nsga2Options};
use plenum_uncertainty::stats::quantiles;

mod spec;

use crate::cli::OptimiseArgs;
use spec::{fill, line_of, parse_spec, Target};

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
