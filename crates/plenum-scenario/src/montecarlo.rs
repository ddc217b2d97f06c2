//! Monte Carlo runs of a scenario set: the one computation behind
//! `plenum run --draws N`, the web app's runs with draws and any other
//! front end, which only render its [`Draws`] value.
//!
//! Every uncertain parameter (a row of the parameter table whose
//! distribution is not fixed) is drawn `n` times, with one seeded ChaCha8
//! stream per parameter numbered by its row in the parameter table
//! (`plenum_uncertainty::draws`). A scenario's own `[distributions]` apply
//! to that scenario: it takes the value at the same quantile of its
//! distribution in each draw (`batch::Coupling`). Each draw
//! re-calibrates the baseline to 2024 Q1/Q2 growth (a draw that cannot is
//! counted as failed, with its reason) and runs every scenario with the same
//! values: common random numbers, so a scenario-minus-baseline difference
//! is taken draw by draw and its band shows only what the policy changes.
//!
//! For China's region-level series, the quantiles 5, 25, 50, 75 and 95% over
//! the successful draws are kept per quarter, for each scenario
//! ([`Fan::scenario`] = its name) and for each scenario minus the baseline
//! ([`Fan::scenario`] = `NAME-minus-BASELINE`). Quantiles are numpy's
//! "linear" ones (`plenum_uncertainty::stats::quantiles`).

use crate::batch::{Batch, Coupling, Member};
use crate::dists::ParamDist;
use crate::error::{Result, ScenarioError};
use crate::outputs::Output;
use crate::{Scenario, ScenarioRun};
use plenum_uncertainty::draws::draw_matrix_streams;
use plenum_uncertainty::stats::quantiles;

/// The quantiles kept, with their labels in tidy outputs.
pub const QUANTILES: [(f64, &str); 5] = [
    (0.05, "p05"),
    (0.25, "p25"),
    (0.5, "p50"),
    (0.75, "p75"),
    (0.95, "p95"),
];

/// Headline outputs kept per draw and summarised by their 90% bands.
pub const HEADLINES: [&str; 5] = [
    "growth_2025",
    "growth_2030",
    "growth_avg",
    "gdp_2030",
    "local_debt_to_gdp_2030",
];

/// The most draws one call accepts: each keeps China's paths in memory.
pub const MAX_DRAWS: usize = 1_000_000;

/// What one successful draw keeps.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The calibrated rates of the draw.
    pub growth: [f64; 2],
    /// Per scenario, China's region-level series: (variable, per quarter).
    pub series: Vec<Vec<(&'static str, Vec<f64>)>>,
    /// Per scenario, the [`HEADLINES`] values.
    pub headlines: Vec<Vec<f64>>,
}

/// The quantile band of one series over the draws.
#[derive(Debug, Clone)]
pub struct Fan {
    /// A scenario's name, or `NAME-minus-BASELINE` for a difference.
    pub scenario: String,
    pub variable: String,
    /// `bands[s][q]`: quantile `QUANTILES[s]` at quarter `q` (NaN where no
    /// draw has a finite value).
    pub bands: Vec<Vec<f64>>,
}

/// A Monte Carlo run set: the central runs, every draw and the bands.
#[derive(Debug, Clone)]
pub struct Draws {
    /// The runs at the table's values (the plain run's numbers).
    pub central: Member,
    /// The scenarios, in run order.
    pub scenarios: Vec<Scenario>,
    /// Index of the baseline in `scenarios`.
    pub baseline: usize,
    /// The drawn parameters' names and, per draw, their values.
    pub names: Vec<&'static str>,
    pub values: Vec<Vec<f64>>,
    /// Per draw: what it kept, or why it failed.
    pub results: Vec<std::result::Result<Kept, String>>,
    pub fans: Vec<Fan>,
    pub seed: u64,
    /// China's region (the series' region).
    pub region: String,
}

impl Draws {
    /// Number of draws asked for.
    pub fn n(&self) -> usize {
        self.results.len()
    }

    /// The successful draws.
    pub fn ok(&self) -> Vec<&Kept> {
        self.results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .collect()
    }

    /// The first failure's reason, if any draw failed.
    pub fn first_failure(&self) -> Option<&str> {
        self.results
            .iter()
            .find_map(|r| r.as_ref().err().map(|e| e.as_str()))
    }

    /// The label of scenario `i` minus the baseline.
    pub fn difference_label(&self, i: usize) -> String {
        format!(
            "{}-minus-{}",
            self.scenarios[i].name, self.scenarios[self.baseline].name
        )
    }

    /// The parsed [`HEADLINES`].
    pub fn headline_outputs() -> Vec<Output> {
        HEADLINES.iter().filter_map(|h| Output::parse(h)).collect()
    }

    /// 5%, 50% and 95% of headline `h` of scenario `s` over the successful
    /// draws; of the difference from the baseline when `minus_baseline`.
    pub fn headline_band(&self, s: usize, h: usize, minus_baseline: bool) -> [f64; 3] {
        let v: Vec<f64> = self
            .ok()
            .iter()
            .map(|k| {
                let x = k.headlines[s][h];
                if minus_baseline {
                    x - k.headlines[self.baseline][h]
                } else {
                    x
                }
            })
            .collect();
        let q = quantiles(&v, &[0.05, 0.5, 0.95]);
        [q[0], q[1], q[2]]
    }
}

/// Each parameter's random stream: its row in the parameter table, so that
/// its draws do not depend on which other parameters are drawn.
pub fn streams(names: &[&str]) -> Vec<u64> {
    names
        .iter()
        .map(|n| {
            crate::params::PARAMS
                .iter()
                .position(|p| p.name == *n)
                .unwrap_or(0) as u64
        })
        .collect()
}

/// China's region-level series of a run: (variable, values per quarter).
pub fn china_series(run: &ScenarioRun) -> Vec<(&'static str, Vec<f64>)> {
    run.series
        .iter()
        .filter(|s| s.region == run.region && s.sector == crate::results::TOTAL)
        .map(|s| (s.variable, s.values.clone()))
        .collect()
}

/// Quantiles over draws of per-draw vectors: `vals[d][q]` → `[stat][q]`.
pub fn band(vals: &[&[f64]], nq: usize) -> Vec<Vec<f64>> {
    let ps: Vec<f64> = QUANTILES.iter().map(|q| q.0).collect();
    let mut out = vec![vec![f64::NAN; nq]; ps.len()];
    for q in 0..nq {
        let col: Vec<f64> = vals
            .iter()
            .map(|v| v.get(q).copied().unwrap_or(f64::NAN))
            .collect();
        for (s, x) in quantiles(&col, &ps).into_iter().enumerate() {
            out[s][q] = x;
        }
    }
    out
}

fn keep(m: &Member, heads: &[Output]) -> Kept {
    Kept {
        growth: m.calibration.growth,
        series: m.runs.iter().map(china_series).collect(),
        headlines: m
            .runs
            .iter()
            .map(|r| heads.iter().map(|h| h.eval(r)).collect())
            .collect(),
    }
}

/// Runs `n` draws of `scenarios` (the `baseline`, the scenario every draw
/// calibrates, is put first when missing) under `dists`, seeded by `seed`;
/// `tick` is called once per finished draw (for a progress bar). Fails when
/// `n` is 0 or above [`MAX_DRAWS`], when the central run fails, or when
/// every draw fails (naming the first failure).
pub fn run_draws(
    econ: &crate::Economy,
    scenarios: &[Scenario],
    baseline: &Scenario,
    dists: &[ParamDist],
    n: usize,
    seed: u64,
    tick: impl Fn() + Sync,
) -> Result<Draws> {
    let bad = |message: String, fix: &str| ScenarioError::Calibration {
        message,
        fix: fix.into(),
    };
    if n == 0 {
        return Err(bad(
            "0 draws asked for".into(),
            "ask for at least one draw (1,000 is usual)",
        ));
    }
    if n > MAX_DRAWS {
        return Err(bad(
            format!("{n} draws asked for; at most {MAX_DRAWS}"),
            "each draw keeps China's paths in memory: ask for fewer",
        ));
    }
    let mut scenarios = scenarios.to_vec();
    if !scenarios.iter().any(|s| s.name == baseline.name) {
        scenarios.insert(0, baseline.clone());
    }
    let bi = scenarios
        .iter()
        .position(|s| s.name == baseline.name)
        .unwrap_or(0);
    let refs: Vec<&Scenario> = scenarios.iter().collect();
    // Scenarios' own [distributions] follow the run's draws at the same
    // quantile (common random numbers; `batch::Coupling`).
    let (names, coupling) = Coupling::new(dists, baseline, &refs);
    if names.is_empty() {
        return Err(bad(
            "no parameter is uncertain: every distribution is fixed".into(),
            "give one a distribution (--dists FILE or a scenario's [distributions])",
        ));
    }
    let values =
        draw_matrix_streams(&coupling.reference, &streams(&names), n, seed).map_err(|e| {
            bad(
                format!("the parameter distributions cannot be drawn: {e}"),
                "fix the distribution named",
            )
        })?;
    let batch = Batch::new(econ, baseline.clone())?;
    let central = batch.run_set(&refs, &[], &[])?;
    let heads = Draws::headline_outputs();
    let results = batch.evaluate_coupled(&refs, &names, &values, &coupling, |_, m| {
        tick();
        keep(m, &heads)
    });
    let region = central.runs[bi].region.clone();
    let mut draws = Draws {
        central,
        scenarios,
        baseline: bi,
        names,
        values,
        results,
        fans: Vec::new(),
        seed,
        region,
    };
    if draws.ok().is_empty() {
        return Err(bad(
            format!(
                "all {n} draws failed; the first: {}",
                draws.first_failure().unwrap_or("")
            ),
            "widen the calibration's reach or narrow the distributions",
        ));
    }
    draws.fans = fans(&draws);
    Ok(draws)
}

/// The bands of every China series, per scenario and per difference.
fn fans(d: &Draws) -> Vec<Fan> {
    let ok = d.ok();
    let bi = d.baseline;
    let mut out = Vec::new();
    for (si, run) in d.central.runs.iter().enumerate() {
        let nq = run.quarters.len();
        for (vi, (var, _)) in china_series(run).iter().enumerate() {
            let vals: Vec<&[f64]> = ok.iter().map(|k| k.series[si][vi].1.as_slice()).collect();
            out.push(Fan {
                scenario: run.name.clone(),
                variable: var.to_string(),
                bands: band(&vals, nq),
            });
            if si == bi {
                continue;
            }
            let nq = nq.min(d.central.runs[bi].quarters.len());
            let diffs: Vec<Vec<f64>> = ok
                .iter()
                .map(|k| {
                    let a = &k.series[si][vi].1;
                    let b = k.series[bi]
                        .iter()
                        .find(|(v, _)| v == var)
                        .map(|(_, v)| v.as_slice())
                        .unwrap_or(&[]);
                    (0..nq)
                        .map(|q| a[q] - b.get(q).copied().unwrap_or(f64::NAN))
                        .collect()
                })
                .collect();
            let dv: Vec<&[f64]> = diffs.iter().map(|x| x.as_slice()).collect();
            out.push(Fan {
                scenario: d.difference_label(si),
                variable: var.to_string(),
                bands: band(&dv, nq),
            });
        }
    }
    out
}
