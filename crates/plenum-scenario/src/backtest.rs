//! The backtest: calibrate on the history up to a cut-off quarter, project
//! the quarters after it, and score the projection against what happened.
//!
//! History ([`History`]) is a quarterly file, one figure a row
//! (`quarter,variable,value,unit,source`), every figure with its source;
//! the shipped one ([`HISTORY`], `data/history/china-quarterly.csv`) is
//! read from the calibration file (China as known in mid-July 2024).
//!
//! For a cut-off c, the in-sample quarters are the history's quarters of
//! `gdp_growth_yoy` from the first recorded quarter ([`START`], 2023Q1) up
//! to c; the out-of-sample quarters are those after c. The calibration
//! solves one unknown, China's autonomous demand growth g (2022-2024,
//! `china_autonomous_growth`), so that the model's mean growth over the
//! in-sample quarters equals history's:
//!
//! (1/m) Σ_{q ≤ c} ĝ_q(g) = (1/m) Σ_{q ≤ c} g_q,
//!
//! by the calibration's root finder ([`crate::calibrate::newton`]) on runs
//! up to c. The level shift of 2024Q2 (`china_demand_shift_2024q2`) is a
//! fact of 2024Q2 and is set to zero: a backtest uses nothing published
//! after its cut-off. Fitting the mean (one unknown) instead of every
//! quarter keeps the projection from extrapolating a base effect (2023Q2's
//! 6.3% is growth on the Shanghai lockdown quarter) as a trend.
//!
//! The projection is the run of the scenario to the history's last quarter
//! with that g. For each out-of-sample quarter, e_q = ĝ_q − g_q (model
//! minus history, pp), and over the m' out-of-sample quarters
//!
//! bias = (1/m') Σ e_q,  RMSE = √((1/m') Σ e_q²),  MAE = (1/m') Σ |e_q|,
//!
//! against the naive forecast that growth stays at its last in-sample
//! value (RMSE_naive; Theil's U = RMSE / RMSE_naive, below 1 when the
//! model beats it).
//!
//! This is a conditional (ex-post) test: the scenario's exogenous paths
//! (world growth, property, budget, controls) are those of the scenario,
//! written with the whole of 2023-H1 2024 known. It tests the model's
//! propagation and its trend, not the forecasting of those inputs.

use crate::calibrate::newton;
use crate::economy::Economy;
use crate::error::{At, Result, ScenarioError};
use crate::results::ScenarioRun;
use crate::run::run_scenario;
use crate::schema::{Scenario, START};
use crate::time::Quarter;

/// The shipped history (China, quarterly, to 2024Q2).
pub const HISTORY: &str = include_str!("../../../data/history/china-quarterly.csv");
/// The name the shipped history goes by in messages and manifests.
pub const HISTORY_FILE: &str = "data/history/china-quarterly.csv";
/// The variable the backtest scores.
pub const VARIABLE: &str = "gdp_growth_yoy";

/// One figure of history.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub quarter: Quarter,
    pub variable: String,
    pub value: f64,
    pub unit: String,
    pub source: String,
}

/// A quarterly history file.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub file: String,
    /// SHA-256 of the file's text (for manifests).
    pub hash: String,
    pub facts: Vec<Fact>,
}

impl History {
    /// The value of `variable` at `q`, if history has it.
    pub fn get(&self, variable: &str, q: Quarter) -> Option<&Fact> {
        self.facts
            .iter()
            .find(|f| f.quarter == q && f.variable == variable)
    }
    /// The quarters of `variable`, in order.
    pub fn quarters(&self, variable: &str) -> Vec<Quarter> {
        let mut q: Vec<Quarter> = self
            .facts
            .iter()
            .filter(|f| f.variable == variable)
            .map(|f| f.quarter)
            .collect();
        q.sort();
        q
    }
}

/// Splits one CSV line into fields (double quotes around a field that
/// holds commas; `""` inside quotes is a quote). Returns each field with
/// its 1-based starting column, or the column of an unclosed quote.
fn fields(line: &str) -> std::result::Result<Vec<(String, usize)>, usize> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 1;
    let mut quoted = false;
    let mut open_at = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek().map(|x| x.1) == Some('"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && cur.trim().is_empty() {
            quoted = true;
            open_at = i + 1;
            cur.clear();
        } else if c == ',' {
            out.push((std::mem::take(&mut cur), start));
            start = i + 2;
        } else {
            cur.push(c);
        }
    }
    if quoted {
        return Err(open_at);
    }
    out.push((cur, start));
    Ok(out)
}

/// The header a history file must start with.
pub const HEADER: &str = "quarter,variable,value,unit,source";

/// Parses a history file (see the module docs); `file` names it in
/// messages. Every row needs a quarter (`2023Q2`), a variable, a finite
/// value and a non-empty source; a (quarter, variable) pair appears once.
pub fn parse_history(text: &str, file: &str) -> Result<History> {
    let at = |line: usize, column: Option<usize>| At {
        file: file.to_string(),
        line: Some(line),
        column,
    };
    let invalid =
        |line, col, key: &str, value: &str, expected: &str, fix: &str| ScenarioError::Invalid {
            at: at(line, col),
            key: key.into(),
            value: format!("\"{value}\""),
            expected: expected.into(),
            fix: fix.into(),
        };
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, l)| l.trim_start_matches('\u{feff}').trim())
        .unwrap_or("");
    if header != HEADER {
        return Err(invalid(
            1,
            Some(1),
            "header",
            header,
            &format!("the header `{HEADER}`"),
            "start the file with that header line",
        ));
    }
    let mut facts: Vec<Fact> = Vec::new();
    for (i, raw) in lines {
        let n = i + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let f = fields(raw).map_err(|col| {
            invalid(
                n,
                Some(col),
                "source",
                raw,
                "a closed double quote",
                "close the quote, and write a quote inside a quoted field as \"\"",
            )
        })?;
        if f.len() != 5 {
            return Err(invalid(
                n,
                Some(1),
                "row",
                raw,
                &format!("5 fields ({HEADER}), found {}", f.len()),
                "quote a source that holds commas: \"NBS, 15 Jul 2024\"",
            ));
        }
        let (q, qc) = (&f[0].0, f[0].1);
        let quarter = Quarter::parse(q, false).ok_or_else(|| {
            invalid(
                n,
                Some(qc),
                "quarter",
                q,
                "a quarter such as 2023Q2",
                "write the year, Q and the quarter 1-4",
            )
        })?;
        let variable = f[1].0.trim().to_string();
        if variable.is_empty() {
            return Err(invalid(
                n,
                Some(f[1].1),
                "variable",
                "",
                "a variable name such as gdp_growth_yoy",
                "name the variable of the row",
            ));
        }
        let value: f64 = f[2]
            .0
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| {
                invalid(
                    n,
                    Some(f[2].1),
                    "value",
                    &f[2].0,
                    "a finite number",
                    "write the figure as a plain number (4.7, not 4.7%)",
                )
            })?;
        let source = f[4].0.trim().to_string();
        if source.is_empty() {
            return Err(invalid(
                n,
                Some(f[4].1),
                "source",
                "",
                "the public report the figure was read in",
                "cite the source of every figure",
            ));
        }
        if facts
            .iter()
            .any(|x| x.quarter == quarter && x.variable == variable)
        {
            return Err(invalid(
                n,
                Some(qc),
                "quarter",
                q,
                &format!("one row per quarter and variable ({quarter} {variable} is repeated)"),
                "remove the repeated row",
            ));
        }
        facts.push(Fact {
            quarter,
            variable,
            value,
            unit: f[3].0.trim().to_string(),
            source,
        });
    }
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(History {
        file: file.to_string(),
        hash,
        facts,
    })
}

/// The shipped history.
pub fn shipped_history() -> Result<History> {
    parse_history(HISTORY, HISTORY_FILE)
}

/// One scored quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub quarter: Quarter,
    /// The model's value.
    pub model: f64,
    /// History's value.
    pub history: f64,
    /// Model minus history.
    pub error: f64,
    /// Whether the quarter was in the calibration sample.
    pub in_sample: bool,
}

/// Summary statistics of errors (pp).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Errors {
    pub n: usize,
    pub bias: f64,
    pub rmse: f64,
    pub mae: f64,
}

impl Errors {
    pub fn of(e: &[f64]) -> Self {
        let n = e.len();
        let m = n.max(1) as f64;
        Self {
            n,
            bias: e.iter().sum::<f64>() / m,
            rmse: (e.iter().map(|v| v * v).sum::<f64>() / m).sqrt(),
            mae: e.iter().map(|v| v.abs()).sum::<f64>() / m,
        }
    }
}

/// What a backtest at one cut-off found.
#[derive(Debug, Clone)]
pub struct BacktestReport {
    pub cutoff: Quarter,
    pub scenario: String,
    pub region: String,
    pub history_file: String,
    /// Solved autonomous demand growth, % a year (2022-24).
    pub growth: f64,
    /// Runs of the model the calibration took.
    pub evaluations: usize,
    /// Every scored quarter, in order (in-sample first).
    pub quarters: Vec<Scored>,
    /// Out-of-sample errors.
    pub out_of_sample: Errors,
    /// In-sample errors (their mean is zero by construction).
    pub in_sample: Errors,
    /// RMSE of the naive forecast (growth stays at the cut-off's value).
    pub naive_rmse: f64,
    /// The projection run (to the history's last quarter).
    pub run: ScenarioRun,
}

impl BacktestReport {
    /// Theil's U: the model's out-of-sample RMSE over the naive one.
    pub fn theil_u(&self) -> f64 {
        self.out_of_sample.rmse / self.naive_rmse
    }
}

/// The cut-offs `history` allows for `VARIABLE`: at least one in-sample
/// quarter from [`START`] and one quarter after.
pub fn valid_cutoffs(history: &History) -> Vec<Quarter> {
    let qs: Vec<Quarter> = history
        .quarters(VARIABLE)
        .into_iter()
        .filter(|q| *q >= START)
        .collect();
    qs.iter()
        .copied()
        .filter(|c| qs.iter().any(|q| q > c))
        .collect()
}

/// Backtests `scn` on `econ` at `cutoff` against `history` (see the
/// module docs).
pub fn backtest(
    econ: &Economy,
    scn: &Scenario,
    history: &History,
    cutoff: Quarter,
) -> Result<BacktestReport> {
    let valid = valid_cutoffs(history);
    if !valid.contains(&cutoff) {
        return Err(ScenarioError::Invalid {
            at: At {
                file: "--cutoff".into(),
                line: None,
                column: None,
            },
            key: "cutoff".into(),
            value: cutoff.to_string(),
            expected: format!(
                "a quarter with {VARIABLE} in {} from {START} on and at least one quarter of it after (one of: {})",
                history.file,
                valid
                    .iter()
                    .map(|q| q.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            fix: "choose one of those cut-offs, or give a history file that covers the quarters around it".into(),
        });
    }
    let qs = history.quarters(VARIABLE);
    let inside: Vec<Quarter> = qs
        .iter()
        .copied()
        .filter(|q| *q >= START && *q <= cutoff)
        .collect();
    let last = qs.last().copied().unwrap_or(cutoff);
    let end = last.min(scn.end);
    if end <= cutoff {
        return Err(ScenarioError::Invalid {
            at: scn.locate("end"),
            key: "end".into(),
            value: scn.end.to_string(),
            expected: format!("a scenario that runs past the cut-off {cutoff}"),
            fix: "choose an earlier cut-off or let the scenario run longer".into(),
        });
    }
    let hist = |q: Quarter| history.get(VARIABLE, q).map_or(f64::NAN, |f| f.value);
    let target = inside.iter().map(|q| hist(*q)).sum::<f64>() / inside.len() as f64;
    // The backtest solves the rates itself: a scenario's own values of
    // them are dropped.
    let mut s = scn.clone();
    s.params_set
        .retain(|k| !crate::calibrate::CALIBRATED.contains(&k.as_str()));
    let r = s.roles.region.clone();
    let mean_growth = |run: &ScenarioRun| {
        inside.iter().map(|q| run.at(VARIABLE, &r, *q)).sum::<f64>() / inside.len() as f64
    };
    let resid = |x: &[f64]| -> Result<(Vec<f64>, f64)> {
        let run = run_scenario(econ, &s, [x[0], 0.0], Some(cutoff))?;
        let m = mean_growth(&run);
        Ok((vec![m - target], m))
    };
    let sol = newton::solve(
        resid,
        &[scn.params.china_autonomous_growth],
        None,
        &newton::Options::default(),
    )?;
    let g = sol.x[0];
    if !sol.converged || !g.is_finite() {
        return Err(ScenarioError::Calibration {
            message: format!(
                "backtest at {cutoff}: target not met: mean real growth {}-{cutoff} {target:.2}% (missed by {:+.3} pp at autonomous demand growth {g:.3}% a year)",
                inside.first().copied().unwrap_or(cutoff),
                sol.f.first().copied().unwrap_or(f64::NAN)
            ),
            fix: "check the scenario's [params] and its 2023 inputs: they must leave room to reach the in-sample growth".into(),
        });
    }
    let run = run_scenario(econ, &s, [g, 0.0], Some(end))?;
    let quarters: Vec<Scored> = qs
        .iter()
        .copied()
        .filter(|q| *q >= START && *q <= end)
        .map(|q| {
            let (model, history) = (run.at(VARIABLE, &r, q), hist(q));
            Scored {
                quarter: q,
                model,
                history,
                error: model - history,
                in_sample: q <= cutoff,
            }
        })
        .collect();
    let errs = |inside: bool| -> Vec<f64> {
        quarters
            .iter()
            .filter(|s| s.in_sample == inside)
            .map(|s| s.error)
            .collect()
    };
    let naive: Vec<f64> = quarters
        .iter()
        .filter(|s| !s.in_sample)
        .map(|s| hist(cutoff) - s.history)
        .collect();
    Ok(BacktestReport {
        cutoff,
        scenario: scn.name.clone(),
        region: r.clone(),
        history_file: history.file.clone(),
        growth: g,
        evaluations: sol.evals,
        out_of_sample: Errors::of(&errs(false)),
        in_sample: Errors::of(&errs(true)),
        naive_rmse: Errors::of(&naive).rmse,
        quarters,
        run,
    })
}

/// The reports as text: one block per cut-off with each quarter's error
/// and the summary statistics.
pub fn text(reports: &[BacktestReport]) -> String {
    let mut s = String::new();
    for b in reports {
        s.push_str(&format!(
            "backtest of {} at cut-off {} against {}: autonomous demand growth {:.3}% a year ({} runs)\n",
            b.scenario, b.cutoff, b.history_file, b.growth, b.evaluations
        ));
        s.push_str("  quarter   sample  history %  model %  error pp\n");
        for q in &b.quarters {
            s.push_str(&format!(
                "  {:<8}  {:<6}  {:>9.2}  {:>7.2}  {:>+8.2}\n",
                q.quarter.to_string(),
                if q.in_sample { "in" } else { "out" },
                q.history,
                q.model,
                q.error
            ));
        }
        let o = &b.out_of_sample;
        s.push_str(&format!(
            "  out of sample ({} quarters): bias {:+.2} pp, RMSE {:.2} pp, MAE {:.2} pp; naive (growth stays at {}) RMSE {:.2} pp, Theil's U {:.2}\n",
            o.n, o.bias, o.rmse, o.mae, b.cutoff, b.naive_rmse, b.theil_u()
        ));
        s.push_str(&format!(
            "  in sample ({} quarters): RMSE {:.2} pp (their mean is fitted)\n",
            b.in_sample.n, b.in_sample.rmse
        ));
    }
    s
}

/// The reports as markdown: the summary by cut-off, then each quarter's
/// error (model minus history, pp) by cut-off, in-sample errors in
/// brackets. docs/calibration.md shows it (a test regenerates it).
pub fn markdown(reports: &[BacktestReport]) -> String {
    let mut s = String::from(
        "| cut-off | autonomous growth, % a year | quarters out | bias, pp | RMSE, pp | MAE, pp | naive RMSE, pp | Theil's U |\n|---|---|---|---|---|---|---|---|\n",
    );
    for b in reports {
        let o = &b.out_of_sample;
        s.push_str(&format!(
            "| {} | {:.2} | {} | {:+.2} | {:.2} | {:.2} | {:.2} | {:.2} |\n",
            b.cutoff,
            b.growth,
            o.n,
            o.bias,
            o.rmse,
            o.mae,
            b.naive_rmse,
            b.theil_u()
        ));
    }
    let mut qs: Vec<Quarter> = reports
        .iter()
        .flat_map(|b| b.quarters.iter().map(|q| q.quarter))
        .collect();
    qs.sort();
    qs.dedup();
    s.push_str("\n| quarter | history, % |");
    for b in reports {
        s.push_str(&format!(" from {} |", b.cutoff));
    }
    s.push_str("\n|---|---|");
    s.push_str(&"---|".repeat(reports.len()));
    s.push('\n');
    for q in qs {
        let h = reports
            .iter()
            .find_map(|b| b.quarters.iter().find(|x| x.quarter == q))
            .map_or(f64::NAN, |x| x.history);
        s.push_str(&format!("| {q} | {h} |"));
        for b in reports {
            match b.quarters.iter().find(|x| x.quarter == q) {
                Some(x) if x.in_sample => s.push_str(&format!(" ({:+.2}) |", x.error)),
                Some(x) => s.push_str(&format!(" {:+.2} |", x.error)),
                None => s.push_str(" |"),
            }
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_history_parses_with_a_source_for_every_figure() {
        let h = shipped_history().unwrap();
        assert_eq!(h.quarters(VARIABLE).len(), 10);
        assert!(h.facts.iter().all(|f| f.source.contains("NBS")));
        assert_eq!(h.get(VARIABLE, Quarter::new(2023, 2)).unwrap().value, 6.3);
        assert_eq!(
            valid_cutoffs(&h),
            (4..=8).map(Quarter).collect::<Vec<_>>(),
            "2023Q1 to 2024Q1"
        );
    }

    #[test]
    fn bad_history_rows_are_named_by_line_and_column() {
        let e = |t: &str| parse_history(t, "h.csv").unwrap_err().to_string();
        let m = e("quarter,value\n");
        assert!(m.contains("h.csv:1") && m.contains("header"), "{m}");
        let m = e(&format!("{HEADER}\n2023Q5,gdp_growth_yoy,4.5,%,NBS\n"));
        assert!(m.contains("h.csv:2:1") && m.contains("2023Q2"), "{m}");
        let m = e(&format!("{HEADER}\n2023Q1,gdp_growth_yoy,4.5%,%,NBS\n"));
        assert!(
            m.contains("h.csv:2:23") && m.contains("finite number"),
            "{m}"
        );
        let m = e(&format!("{HEADER}\n2023Q1,gdp_growth_yoy,4.5,%,\n"));
        assert!(m.contains("source"), "{m}");
        let m = e(&format!(
            "{HEADER}\n2023Q1,gdp_growth_yoy,4.5,%,NBS, 2024\n"
        ));
        assert!(m.contains("5 fields") && m.contains("quote"), "{m}");
        let m = e(&format!(
            "{HEADER}\n2023Q1,g,4.5,%,\"NBS\"\n2023Q1,g,4.6,%,NBS\n"
        ));
        assert!(m.contains("h.csv:3") && m.contains("repeated"), "{m}");
        let m = e(&format!("{HEADER}\n2023Q1,g,4.5,%,\"NBS, 2024\n"));
        assert!(m.contains("h.csv:2:16") && m.contains("quote"), "{m}");
    }

    #[test]
    fn quoted_fields_keep_commas_and_quotes() {
        let f = fields("a,\"b, c\",\"say \"\"x\"\"\",d").unwrap();
        let v: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(v, ["a", "b, c", "say \"x\"", "d"]);
        assert_eq!(f[1].1, 3);
    }

    #[test]
    fn error_statistics() {
        let e = Errors::of(&[1.0, -3.0]);
        assert_eq!((e.n, e.bias, e.mae), (2, -1.0, 2.0));
        assert!((e.rmse - 5.0f64.sqrt()).abs() < 1e-15);
    }
}
