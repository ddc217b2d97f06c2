//! `plenum run --draws`, `plenum sensitivity` and `plenum optimise` on the
//! embedded default table: outputs, reproducibility, bad input, and the
//! sensitivity indices of a plenum sample against SALib 1.6.0 (golden files
//! in tests/golden-uncertainty, made by its make_golden.py).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn plenum(args: &[&str], threads: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plenum"));
    c.current_dir(root()).args(args);
    if let Some(t) = threads {
        c.env("RAYON_NUM_THREADS", t);
    }
    c.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "expected failure: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn draws_give_quantiles_differences_and_the_same_bits_on_any_thread_count() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let pa = a.path().to_str().unwrap();
    let pb = b.path().to_str().unwrap();
    let args = |p: &str| {
        vec![
            "run",
            "baseline-2024",
            "local-debt-swap",
            "--draws",
            "6",
            "--seed",
            "5",
            "--out",
            p,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let aa = args(pa);
    let out = ok(&plenum(
        &aa.iter().map(String::as_str).collect::<Vec<_>>(),
        Some("1"),
    ));
    assert!(out.contains("6 draws") && out.contains("90% band"), "{out}");
    let bb = args(pb);
    ok(&plenum(
        &bb.iter().map(String::as_str).collect::<Vec<_>>(),
        Some("2"),
    ));
    let ra = std::fs::read(a.path().join("results.csv")).unwrap();
    assert_eq!(
        ra,
        std::fs::read(b.path().join("results.csv")).unwrap(),
        "thread count changed the results"
    );
    assert_eq!(
        std::fs::read(a.path().join("draws.csv")).unwrap(),
        std::fs::read(b.path().join("draws.csv")).unwrap()
    );
    let csv = String::from_utf8(ra).unwrap();
    assert!(csv.lines().next().unwrap().contains("statistic"));
    for stat in ["central", "p05", "p25", "p50", "p75", "p95"] {
        assert!(csv.contains(&format!(",gdp_growth_yoy,{stat},")), "{stat}");
    }
    assert!(csv.contains(",local-debt-swap-minus-baseline-2024,"));
    // Quantiles are ordered.
    let q = |stat: &str| -> f64 {
        let key = format!("2030Q4,baseline-2024,CHN,TOTAL,local_debt_to_gdp,{stat},");
        csv.lines()
            .find(|l| l.starts_with(&key))
            .and_then(|l| l.rsplit(',').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        q("p05") <= q("p25")
            && q("p25") <= q("p50")
            && q("p50") <= q("p75")
            && q("p75") <= q("p95")
    );
    let draws = std::fs::read_to_string(a.path().join("draws.csv")).unwrap();
    assert_eq!(draws.lines().count(), 7);
    let html = std::fs::read_to_string(a.path().join("report.html")).unwrap();
    assert!(html.contains("id=\"fans\"") && html.contains("id=\"fan-differences\""));
    let manifest = std::fs::read_to_string(a.path().join("manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 5"));
}

#[test]
fn bad_distribution_names_key_line_and_reason() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("d.toml");
    std::fs::write(
        &f,
        "# dists\n[distributions]\nmpc_labour = { kind = \"uniform\", min = 0.1, max = 0.7 }\n",
    )
    .unwrap();
    let e = err(&plenum(
        &[
            "run",
            "--draws",
            "2",
            "--dists",
            f.to_str().unwrap(),
            "--out",
            d.path().to_str().unwrap(),
        ],
        None,
    ));
    assert!(
        e.contains("d.toml:3")
            && e.contains("distributions.mpc_labour")
            && e.contains("plausible range"),
        "{e}"
    );
}

#[test]
fn a_scenarios_own_distributions_apply_to_its_draws_and_bad_ones_are_errors() {
    let d = tempfile::tempdir().unwrap();
    // Identical to the baseline but for one parameter held fixed in every
    // draw: its difference from the baseline is then that parameter's
    // effect alone, non-zero in the draws and zero in the central run.
    let f = d.path().join("fixed.toml");
    std::fs::write(
        &f,
        "schema = 1\nname = \"fixed\"\ndescription = \"baseline with one parameter fixed\"\nextends = \"baseline-2024\"\n\n[distributions]\nchina_potential_growth = { kind = \"fixed\", value = 5.0 }\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let o = ok(&plenum(
        &[
            "run",
            "baseline-2024",
            f.to_str().unwrap(),
            "--draws",
            "4",
            "--seed",
            "9",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    ));
    assert!(o.contains("4 draws"), "{o}");
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let band = |stat: &str| -> f64 {
        let key = format!("2030Q4,fixed-minus-baseline-2024,CHN,TOTAL,gdp_growth_yoy,{stat},");
        csv.lines()
            .find(|l| l.starts_with(&key))
            .and_then(|l| l.rsplit(',').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        band("p95") - band("p05") > 1e-6,
        "the fixed parameter changed nothing"
    );
    // A bad entry in a scenario file names the file, line, key and reason.
    let b = d.path().join("bad.toml");
    std::fs::write(
        &b,
        "schema = 1\nname = \"bad\"\ndescription = \"d\"\nextends = \"baseline-2024\"\n[distributions]\nmpc_labour = { kind = \"uniform\", min = 0.1, max = 0.7 }\n",
    )
    .unwrap();
    let e = err(&plenum(
        &[
            "run",
            b.to_str().unwrap(),
            "--draws",
            "2",
            "--out",
            d.path().join("o2").to_str().unwrap(),
        ],
        None,
    ));
    assert!(
        e.contains("bad.toml:6")
            && e.contains("distributions.mpc_labour")
            && e.contains("plausible range"),
        "{e}"
    );
}

fn write_spec(dir: &Path, constraints: &str) -> PathBuf {
    let spec = format!(
        r#"name = "t"
evaluations = 16
population = 8
seed = 3
template = """
schema = 1
name = "{{name}}"
extends = "baseline-2024"
[local_government]
extra_transfers = {{ 2024Q4 = 0.0, {{from}} = {{transfers}} }}
[[local_government.swap]]
id = "s"
amount = {{swap}}
start = "2024Q4"
end = "2026Q4"
rate = 2.5
"""
[instruments]
transfers = {{ min = 0.0, max = 2.0 }}
from = {{ min = "2025Q1", max = "2026Q4" }}
swap = {{ min = 0.0, max = 10.0 }}

[[objectives]]
output = "growth_avg"
sense = "max"

[[objectives]]
output = "local_debt_to_gdp_2030Q4"
sense = "min"
{constraints}"#
    );
    let p = dir.join("spec.toml");
    std::fs::write(&p, spec).unwrap();
    p
}

#[test]
fn optimiser_front_points_reproduce_exactly_under_plenum_run() {
    let d = tempfile::tempdir().unwrap();
    let spec = write_spec(
        d.path(),
        "\n[[constraints]]\noutput = \"local_debt_to_gdp_2030Q4\"\nmax = 80.0\n",
    );
    let out = d.path().join("opt");
    ok(&plenum(
        &[
            "optimise",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    ));
    let front = std::fs::read_to_string(out.join("front.csv")).unwrap();
    let want: f64 = front
        .lines()
        .find(|l| l.starts_with("t-000,objective,local_debt_to_gdp_2030Q4,"))
        .and_then(|l| l.rsplit(',').next())
        .unwrap()
        .parse()
        .unwrap();
    let run_out = d.path().join("run");
    ok(&plenum(
        &[
            "run",
            out.join("front/point-000.toml").to_str().unwrap(),
            "--out",
            run_out.to_str().unwrap(),
        ],
        None,
    ));
    let res = std::fs::read_to_string(run_out.join("results.csv")).unwrap();
    let got: f64 = res
        .lines()
        .find(|l| l.starts_with("2030Q4,t-000,CHN,TOTAL,local_debt_to_gdp,"))
        .and_then(|l| l.rsplit(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        got.to_bits(),
        want.to_bits(),
        "plenum run gives {got}, the front says {want}"
    );
}

/// Robust mode scores candidates over draws; the template's own
/// `[distributions]` must apply to those draws as they do under `plenum
/// run --draws` (they were once ignored). Fixing the most influential
/// parameter in the template at the top of its range must change the
/// robust objectives; the same spec without it, run twice, must not.
#[test]
fn robust_mode_applies_the_templates_own_distributions() {
    let d = tempfile::tempdir().unwrap();
    let robust = "\n[robust]\ndraws = 4\nquantile = 0.1\n";
    let spec = write_spec(d.path(), robust);
    let text = std::fs::read_to_string(&spec).unwrap();
    let fixed = text.replace(
        "rate = 2.5\n\"\"\"",
        "rate = 2.5\n[distributions]\nchina_potential_growth = { kind = \"fixed\", value = 5.5 }\n\"\"\"",
    );
    assert_ne!(fixed, text, "the template edit applies");
    let spec_fixed = d.path().join("spec-fixed.toml");
    std::fs::write(&spec_fixed, fixed).unwrap();
    let front = |spec: &Path, name: &str| {
        let out = d.path().join(name);
        ok(&plenum(
            &[
                "optimise",
                spec.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            None,
        ));
        std::fs::read_to_string(out.join("front.csv")).unwrap()
    };
    let a = front(&spec, "a");
    let b = front(&spec, "b");
    let c = front(&spec_fixed, "c");
    assert_eq!(a, b, "robust mode is reproducible");
    assert_ne!(a, c, "the template's [distributions] changed nothing");
}

#[test]
fn infeasible_and_impossible_constraints_are_clear_errors() {
    let d = tempfile::tempdir().unwrap();
    let spec = write_spec(
        d.path(),
        "\n[[constraints]]\noutput = \"local_debt_to_gdp_2030Q4\"\nmax = 1.0\n",
    );
    let e = err(&plenum(
        &[
            "optimise",
            spec.to_str().unwrap(),
            "--out",
            d.path().join("o").to_str().unwrap(),
        ],
        None,
    ));
    assert!(
        e.contains("no feasible package")
            && e.contains("local_debt_to_gdp_2030Q4")
            && e.contains("binds"),
        "{e}"
    );
    let spec = write_spec(
        d.path(),
        "\n[[constraints]]\noutput = \"growth_avg\"\nmin = 6.0\nmax = 5.0\n",
    );
    let e = err(&plenum(
        &[
            "optimise",
            spec.to_str().unwrap(),
            "--out",
            d.path().join("o").to_str().unwrap(),
        ],
        None,
    ));
    assert!(
        e.contains("spec.toml:32") && e.contains("impossible"),
        "{e}"
    );
    let spec = write_spec(
        d.path(),
        "\n[[constraints]]\noutput = \"nonsense\"\nmax = 5.0\n",
    );
    let e = err(&plenum(
        &[
            "optimise",
            spec.to_str().unwrap(),
            "--out",
            d.path().join("o").to_str().unwrap(),
        ],
        None,
    ));
    assert!(e.contains("spec.toml:32") && e.contains("nonsense"), "{e}");
}

/// Reads a design file: (parameter names, rows of parameter values, output names, output columns).
fn design(text: &str, n_params: usize) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<String>) {
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    let x: Vec<Vec<f64>> = rows.iter().map(|r| r[..n_params].to_vec()).collect();
    let ys: Vec<Vec<f64>> = (n_params..head.len())
        .map(|k| rows.iter().map(|r| r[k]).collect())
        .collect();
    (x, ys, head[n_params..].to_vec())
}

fn sobol(d: usize, y: &[f64]) -> plenum_uncertainty::SobolIndices {
    plenum_uncertainty::sobol_analyze(
        d,
        y,
        plenum_uncertainty::SobolOptions {
            second_order: false,
            resamples: 200,
            conf_level: 0.95,
            seed: 11,
        },
    )
    .unwrap()
}

/// A plenum sample (4 parameters, Sobol' N = 16, Morris 6 trajectories; made by
/// `plenum sensitivity --params mpc_labour,land_sales_elasticity,local_interest_rate,china_potential_growth
/// --outputs growth_avg,local_debt_to_gdp_2030 --n 16 --trajectories 6 --seed 11`) analysed by
/// plenum and by SALib 1.6.0 (make_golden.py): the same indices.
#[test]
fn sensitivity_indices_of_a_plenum_sample_match_salib() {
    let gdir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-uncertainty");
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gdir.join("salib.json")).unwrap()).unwrap();
    let (_, ys, outs) = design(
        &std::fs::read_to_string(gdir.join("sobol_design.csv")).unwrap(),
        4,
    );
    let (xm, ym, _) = design(
        &std::fs::read_to_string(gdir.join("morris_design.csv")).unwrap(),
        4,
    );
    for (k, out) in outs.iter().enumerate() {
        let s = sobol(4, &ys[k]);
        let m = plenum_uncertainty::morris_analyze(&xm, &ym[k], 4, 100, 0.95, 1).unwrap();
        for j in 0..4 {
            for (name, got) in [
                ("S1", s.s1[j]),
                ("ST", s.st[j]),
                ("mu", m.mu[j]),
                ("mu_star", m.mu_star[j]),
                ("sigma", m.sigma[j]),
            ] {
                let want = g[out][name][j].as_f64().unwrap();
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                    "{out} {name} {j}: plenum {got}, SALib {want}"
                );
            }
        }
    }
}

/// `plenum sensitivity` reports the library's indices of the design it ran.
#[test]
fn sensitivity_cli_reports_the_indices_of_its_own_design() {
    let d = tempfile::tempdir().unwrap();
    let params = "mpc_labour,local_interest_rate";
    ok(&plenum(
        &[
            "sensitivity",
            "--params",
            params,
            "--outputs",
            "growth_2025,local_debt_to_gdp_2030Q4",
            "--n",
            "8",
            "--trajectories",
            "3",
            "--resamples",
            "200",
            "--seed",
            "11",
            "--out",
            d.path().to_str().unwrap(),
        ],
        None,
    ));
    let csv = std::fs::read_to_string(d.path().join("sensitivity.csv")).unwrap();
    let val = |method: &str, output: &str, param: &str, measure: &str| -> f64 {
        let key = format!("{method},{output},{param},{measure},");
        csv.lines()
            .find(|l| l.starts_with(&key))
            .and_then(|l| l.rsplit(',').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    let names: Vec<&str> = params.split(',').collect();
    let (_, ys, outs) = design(
        &std::fs::read_to_string(d.path().join("sobol_design.csv")).unwrap(),
        2,
    );
    assert_eq!(ys[0].len(), 8 * 4);
    let (xm, ym, _) = design(
        &std::fs::read_to_string(d.path().join("morris_design.csv")).unwrap(),
        2,
    );
    assert_eq!(xm.len(), 3 * 3);
    for (k, out) in outs.iter().enumerate() {
        let s = sobol(2, &ys[k]);
        let m = plenum_uncertainty::morris_analyze(&xm, &ym[k], 4, 200, 0.95, 11).unwrap();
        for (j, p) in names.iter().enumerate() {
            assert_eq!(val("sobol", out, p, "ST").to_bits(), s.st[j].to_bits());
            assert_eq!(
                val("sobol", out, p, "S1_conf").to_bits(),
                s.s1_conf[j].to_bits()
            );
            assert_eq!(
                val("morris", out, p, "mu_star").to_bits(),
                m.mu_star[j].to_bits()
            );
        }
    }
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert!(
        html.contains("<svg id=\"sobol-growth_2025\"")
            && html.contains("<svg id=\"morris-local_debt_to_gdp_2030Q4\"")
    );
}
