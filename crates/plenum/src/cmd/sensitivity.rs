//! `plenum sensitivity`: which assumptions drive an output.
//!
//! Morris screening (μ*, σ over r trajectories) and Sobol' first-order and
//! total indices (Saltelli's design on a Sobol' sequence, Saltelli 2010 and
//! Jansen estimators, bootstrap intervals), from plenum-uncertainty, of the
//! named outputs over the named parameters (or every uncertain one). Every
//! design row re-calibrates the baseline and runs the scenario through
//! plenum-scenario's batch evaluator on one loaded table.
//!
//! Outputs under `--out`: `sensitivity.csv`/`.parquet` (tidy: method,
//! output, parameter, measure, value), `morris_design.csv` and
//! `sobol_design.csv` (every run's parameter values and outputs, the input
//! SALib reads for the golden comparison), `report.html` (tornado charts),
//! `sensitivity.txt`, `manifest.json`.

// Index loops mirror the maths (parameter j, quarter q); scenario errors carry labels and fixes.
#![allow(clippy::needless_range_loop, clippy::result_large_err)]

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use plenum_formats::tidy::{KeyColumn, Manifest, TidyFrame};
use plenum_scenario::batch::Batch;
use plenum_scenario::dists;
use plenum_scenario::outputs::Output;
use plenum_scenario::{Economy, Scenario};
use plenum_uncertainty::morris::{morris_analyze, morris_sample};
use plenum_uncertainty::sobol::{default_skip, saltelli_sample, sobol_analyze, SobolOptions};
use plenum_uncertainty::Dist;

use crate::cli::SensitivityArgs;

/// Runs the design rows and returns, per output, one value per row.
fn evaluate(
    batch: &Batch<'_>,
    scn: &Scenario,
    names: &[&str],
    rows: &[Vec<f64>],
    outputs: &[Output],
    what: &str,
) -> Result<Vec<Vec<f64>>> {
    let refs = [scn];
    let pb = crate::progress::bar(rows.len() as u64, what);
    let res = batch.evaluate(&refs, names, rows, |_, m| {
        pb.inc(1);
        outputs
            .iter()
            .map(|o| o.eval(&m.runs[0]))
            .collect::<Vec<f64>>()
    });
    pb.finish_and_clear();
    let failed: Vec<(usize, &String)> = res
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e)))
        .collect();
    if let Some((i, e)) = failed.first() {
        bail!(
            "{} of {} {what} runs failed (row {i}: {e}); every row of the design is needed: narrow the distributions with --dists or leave the parameter out",
            failed.len(),
            rows.len()
        );
    }
    let vals: Vec<Vec<f64>> = res.into_iter().filter_map(|r| r.ok()).collect();
    Ok((0..outputs.len())
        .map(|o| vals.iter().map(|v| v[o]).collect())
        .collect())
}

fn design_csv(names: &[&str], outputs: &[Output], rows: &[Vec<f64>], ys: &[Vec<f64>]) -> String {
    let mut s = names.join(",");
    for o in outputs {
        let _ = write!(s, ",{}", o.name);
    }
    s.push('\n');
    for (i, r) in rows.iter().enumerate() {
        let line: Vec<String> = r
            .iter()
            .map(|v| format!("{v:?}"))
            .chain(ys.iter().map(|y| format!("{:?}", y[i])))
            .collect();
        s.push_str(&line.join(","));
        s.push('\n');
    }
    s
}

pub fn run(args: SensitivityArgs) -> Result<()> {
    let base = crate::cmd::draws::baseline()?;
    let scn = match &args.scenario {
        Some(p) => crate::cmd::run::load_scenarios(std::slice::from_ref(p))?.remove(0),
        None => base.clone(),
    };
    // The analysed scenario's own [distributions] override the run's.
    let dists = dists::with_overrides(
        &crate::cmd::draws::load_dists(args.dists.as_deref())?,
        &scn.distributions,
    );
    let uncertain = dists::uncertain(&dists);
    let names: Vec<&'static str> = if args.params.trim() == "all" {
        uncertain.clone()
    } else {
        let mut v = Vec::new();
        for n in args
            .params
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match uncertain.iter().find(|u| **u == n) {
                Some(u) => v.push(*u),
                None if plenum_scenario::params::param_def(n).is_some() => bail!(
                    "--params: parameter \"{n}\" is fixed or calibrated, so it has nothing to vary; give it a distribution with --dists FILE or leave it out"
                ),
                None => bail!("--params: unknown parameter \"{n}\"; uncertain parameters are: {}", uncertain.join(", ")),
            }
        }
        v
    };
    if names.is_empty() {
        bail!("--params names no parameter; give names separated by commas, or `all`");
    }
    let dvec: Vec<Dist> = names
        .iter()
        .filter_map(|n| dists.iter().find(|d| d.name == *n))
        .map(|d| d.dist)
        .collect();
    let arg_at = || plenum_scenario::At {
        file: "--outputs".into(),
        line: None,
        column: None,
    };
    let outputs: Vec<Output> = args
        .outputs
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|o| Output::parse_at(o, arg_at()))
        .collect::<std::result::Result<_, _>>()?;
    if outputs.is_empty() {
        bail!("--outputs names no output");
    }
    let (do_morris, do_sobol) = (args.method != "sobol", args.method != "morris");
    if do_sobol && (args.n < 2 || !args.n.is_power_of_two()) {
        bail!(
            "--n {}: Sobol' sampling needs a power of two (e.g. 256, 1024)",
            args.n
        );
    }
    let table = crate::embedded::default_table()?;
    let econ = Economy::from_table(&table)?;
    let batch = Batch::new(&econ, base)?;
    let central = batch.run_set(&[&scn], &[], &[])?;
    for o in &outputs {
        o.check(&central.runs[0], arg_at())?;
    }
    let t0 = std::time::Instant::now();

    let mut k: [Vec<String>; 4] = Default::default();
    let mut val = Vec::new();
    let mut push = |m: &str, o: &str, p: &str, meas: &str, v: f64| {
        for (c, s) in k.iter_mut().zip([m, o, p, meas]) {
            c.push(s.to_string());
        }
        val.push(v);
    };
    let mut txt = format!(
        "scenario {}; {} parameters; outputs {}\n",
        scn.name,
        names.len(),
        outputs
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut charts = Vec::new();
    let mut files = vec![
        "sensitivity.csv",
        "sensitivity.parquet",
        "sensitivity.txt",
        "report.html",
        "manifest.json",
    ];
    let mut design_files: Vec<(String, String)> = Vec::new();
    use plenum_report::tornado::{tornado_chart, Bar};

    if do_morris {
        let rows = morris_sample(&dvec, args.trajectories, args.levels, args.seed)?;
        let ys = evaluate(&batch, &scn, &names, &rows, &outputs, "Morris")?;
        design_files.push((
            "morris_design.csv".into(),
            design_csv(&names, &outputs, &rows, &ys),
        ));
        for (o, y) in outputs.iter().zip(&ys) {
            let m = morris_analyze(&rows, y, args.levels, args.resamples, 0.95, args.seed)?;
            let _ = writeln!(
                txt,
                "Morris, {} ({} trajectories): parameter, mu*, mu, sigma",
                o.name, args.trajectories
            );
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by(|&a, &b| m.mu_star[b].total_cmp(&m.mu_star[a]));
            for &j in &order {
                let _ = writeln!(
                    txt,
                    "  {:<44} {:>10.4} {:>10.4} {:>10.4}",
                    names[j], m.mu_star[j], m.mu[j], m.sigma[j]
                );
            }
            for j in 0..names.len() {
                push("morris", &o.name, names[j], "mu", m.mu[j]);
                push("morris", &o.name, names[j], "mu_star", m.mu_star[j]);
                push("morris", &o.name, names[j], "sigma", m.sigma[j]);
                push(
                    "morris",
                    &o.name,
                    names[j],
                    "mu_star_conf",
                    m.mu_star_conf[j],
                );
            }
            let bars: Vec<Bar<'_>> = (0..names.len())
                .map(|j| Bar {
                    label: names[j],
                    value: m.mu_star[j],
                    inner: f64::NAN,
                    conf: m.mu_star_conf[j],
                })
                .collect();
            charts.push(tornado_chart(
                &format!("morris-{}", o.name),
                &format!(
                    "Morris μ* of {} (per unit of the parameter's quantile range)",
                    o.name
                ),
                "μ*",
                &bars,
            ));
        }
    }
    if do_sobol {
        let rows = saltelli_sample(&dvec, args.n, args.second_order, default_skip(args.n))?;
        let ys = evaluate(&batch, &scn, &names, &rows, &outputs, "Sobol'")?;
        design_files.push((
            "sobol_design.csv".into(),
            design_csv(&names, &outputs, &rows, &ys),
        ));
        for (o, y) in outputs.iter().zip(&ys) {
            let s = sobol_analyze(
                names.len(),
                y,
                SobolOptions {
                    second_order: args.second_order,
                    resamples: args.resamples,
                    conf_level: 0.95,
                    seed: args.seed,
                },
            )?;
            let _ = writeln!(
                txt,
                "Sobol', {} (N = {}, {} runs): parameter, ST ± 95%, S1 ± 95%",
                o.name,
                args.n,
                rows.len()
            );
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by(|&a, &b| s.st[b].total_cmp(&s.st[a]));
            for &j in &order {
                let _ = writeln!(
                    txt,
                    "  {:<44} {:>7.3} ± {:.3}   {:>7.3} ± {:.3}",
                    names[j], s.st[j], s.st_conf[j], s.s1[j], s.s1_conf[j]
                );
            }
            for j in 0..names.len() {
                push("sobol", &o.name, names[j], "S1", s.s1[j]);
                push("sobol", &o.name, names[j], "S1_conf", s.s1_conf[j]);
                push("sobol", &o.name, names[j], "ST", s.st[j]);
                push("sobol", &o.name, names[j], "ST_conf", s.st_conf[j]);
            }
            if let Some(s2) = &s.s2 {
                for a in 0..names.len() {
                    for b in a + 1..names.len() {
                        push(
                            "sobol",
                            &o.name,
                            &format!("{}×{}", names[a], names[b]),
                            "S2",
                            s2[a][b],
                        );
                    }
                }
            }
            let bars: Vec<Bar<'_>> = (0..names.len())
                .map(|j| Bar {
                    label: names[j],
                    value: s.st[j],
                    inner: s.s1[j],
                    conf: s.st_conf[j],
                })
                .collect();
            charts.push(tornado_chart(
                &format!("sobol-{}", o.name),
                &format!(
                    "Sobol' indices of {}: total (light), first order (dark), 95% interval",
                    o.name
                ),
                "share of variance",
                &bars,
            ));
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let _ = writeln!(txt, "{secs:.1} s");
    crate::out!("{txt}")?;

    let names_k = ["method", "output", "parameter", "measure"];
    let keys = names_k
        .iter()
        .zip(k)
        .map(|(n, c)| (n.to_string(), KeyColumn::Text(c)))
        .collect();
    let frame = TidyFrame::new(keys, val)?;
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let table_hash = plenum_formats::native::table_hash(&table);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>plenum sensitivity: {}</title><style>body{{font-family:system-ui,sans-serif;max-width:820px;margin:2em auto;color:#222}}.chart{{width:100%;height:auto;margin:1em 0}}.ct{{font-size:15px;font-weight:600}}.cu,.tk{{font-size:11px;fill:#444}}.lg{{font-size:12px}}pre{{font-size:12px;overflow-x:auto}}</style></head><body><h1>Global sensitivity: {}</h1><p>plenum {} · table {} ({}) · seed {} · {} parameters, each run re-calibrated to 2024 H1 growth</p>{}<h2>Numbers</h2><pre>{}</pre></body></html>\n",
        plenum_report::esc(&scn.name),
        plenum_report::esc(&scn.name),
        env!("CARGO_PKG_VERSION"),
        plenum_report::esc(&table.meta().name),
        &table_hash[..12.min(table_hash.len())],
        args.seed,
        names.len(),
        charts.join(""),
        plenum_report::esc(&txt)
    );
    plenum_formats::tidy::write_csv(&frame, &out.join("sensitivity.csv"))?;
    plenum_formats::tidy::write_parquet(&frame, &out.join("sensitivity.parquet"))?;
    for (f, body) in &design_files {
        plenum_formats::atomic::write_bytes_atomic(&out.join(f), body.as_bytes())?;
    }
    plenum_formats::atomic::write_bytes_atomic(&out.join("sensitivity.txt"), txt.as_bytes())?;
    plenum_formats::atomic::write_bytes_atomic(&out.join("report.html"), html.as_bytes())?;
    for (f, _) in &design_files {
        files.push(if f.starts_with("morris") {
            "morris_design.csv"
        } else {
            "sobol_design.csv"
        });
    }
    let mut manifest = Manifest {
        plenum_version: env!("CARGO_PKG_VERSION").into(),
        command: format!(
            "sensitivity --method {} --params {} --outputs {} --n {} --trajectories {} --levels {} --seed {}{}",
            args.method, args.params, args.outputs, args.n, args.trajectories, args.levels, args.seed,
            if args.second_order { " --second-order" } else { "" }
        ),
        table_name: table.meta().name.clone(),
        table_hash,
        scenarios: vec![(scn.name.clone(), scn.hash.clone())],
        seed: Some(args.seed),
        files: files.iter().map(|s| s.to_string()).collect(),
        sha256: Default::default(),
    };
    manifest.sha256 = plenum_formats::tidy::sha256_files(out, &manifest.files)?;
    plenum_formats::tidy::write_manifest(&manifest, &out.join("manifest.json"))?;
    crate::outln!(
        "wrote sensitivity.csv, sensitivity.parquet, report.html and the designs under {}",
        out.display()
    )?;
    Ok(())
}
