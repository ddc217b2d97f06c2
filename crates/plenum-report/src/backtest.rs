//! The backtest's renderings: a self-contained HTML page (history against
//! each cut-off's projection, and the errors by quarter, as inline SVG
//! line charts; the table of errors and the summary statistics) and the
//! tidy frame written as `backtest.csv`. The numbers come from
//! `plenum_scenario::backtest`; nothing is computed here.

use std::fmt::Write as _;

use plenum_formats::tidy::TidyFrame;
use plenum_formats::FormatError;
use plenum_scenario::backtest::{BacktestReport, VARIABLE};
use plenum_scenario::Quarter;

use plenum_scenario::contrib::{BLOCKS, BLOCK_VARS};

use crate::contrib::{stacked_bars, Stack, BLOCK_COLOURS};
use crate::{esc, line_chart, Line, ReportMeta, CSS, PALETTE};

/// Columns of the tidy frame.
pub const KEYS: [&str; 6] = [
    "quarter",
    "cutoff",
    "sample",
    "region",
    "variable",
    "statistic",
];

/// The quarters any report scores, in order.
fn quarters(reports: &[BacktestReport]) -> Vec<Quarter> {
    let mut q: Vec<Quarter> = reports
        .iter()
        .flat_map(|b| b.quarters.iter().map(|s| s.quarter))
        .collect();
    q.sort();
    q.dedup();
    q
}

/// Every scored quarter of every report (statistics `history`, `model`,
/// `error`), then each cut-off's summary (quarter `all`, statistics
/// `bias`, `rmse`, `mae`, `naive_rmse`, `theil_u`, `n`, and the solved
/// `autonomous_growth`).
pub fn frame(reports: &[BacktestReport]) -> Result<TidyFrame, FormatError> {
    let mut rows: Vec<(Vec<String>, f64)> = Vec::new();
    for b in reports {
        let c = b.cutoff.to_string();
        for s in &b.quarters {
            let q = s.quarter.to_string();
            let sample = if s.in_sample { "in" } else { "out" };
            for (stat, v) in [
                ("history", s.history),
                ("model", s.model),
                ("error", s.error),
            ] {
                rows.push((
                    [&q, &c, sample, &b.region, VARIABLE, stat]
                        .map(str::to_string)
                        .to_vec(),
                    v,
                ));
            }
        }
        let o = &b.out_of_sample;
        for (sample, stat, v) in [
            ("out", "bias", o.bias),
            ("out", "rmse", o.rmse),
            ("out", "mae", o.mae),
            ("out", "n", o.n as f64),
            ("out", "naive_rmse", b.naive_rmse),
            ("out", "theil_u", b.theil_u()),
            ("in", "rmse", b.in_sample.rmse),
            ("in", "n", b.in_sample.n as f64),
            ("in", "autonomous_growth", b.growth),
        ] {
            rows.push((
                ["all", &c, sample, &b.region, VARIABLE, stat]
                    .map(str::to_string)
                    .to_vec(),
                v,
            ));
        }
    }
    TidyFrame::from_rows(&KEYS, rows.iter().map(|(k, v)| (&k[..], *v)))
}

/// The page (see the module docs).
pub fn render(meta: &ReportMeta, reports: &[BacktestReport]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><h1>{}</h1>",
        esc(&meta.title),
        esc(&meta.title)
    );
    let _ = write!(
        h,
        "<p class=\"meta\">plenum {} · table {} (hash {}) · scenario {} · history {}</p>",
        esc(&meta.plenum_version),
        esc(&meta.table),
        esc(meta.table_hash.get(..16).unwrap_or(&meta.table_hash)),
        esc(&reports
            .first()
            .map(|b| b.scenario.clone())
            .unwrap_or_default()),
        esc(&reports
            .first()
            .map(|b| b.history_file.clone())
            .unwrap_or_default()),
    );
    h.push_str("<p>For each cut-off, China's autonomous demand growth is solved so that the model's mean real growth (y/y) over the quarters of history from 2023Q1 to the cut-off equals history's; the scenario is then run on and its growth in the later quarters compared with history. Errors are model minus history, in percentage points. The naive forecast keeps growth at its cut-off value; Theil's U is the model's RMSE over the naive one (below 1: the model does better). The scenario's own inputs (world growth, property, budget, controls) are kept: this is a conditional, ex-post test.</p>");
    let qs = quarters(reports);
    let x: Vec<String> = qs.iter().map(|q| q.to_string()).collect();
    let names: Vec<String> = reports
        .iter()
        .map(|b| format!("cut-off {}", b.cutoff))
        .collect();
    let pick = |b: &BacktestReport, f: &dyn Fn(&plenum_scenario::backtest::Scored) -> f64| {
        qs.iter()
            .map(|q| {
                b.quarters
                    .iter()
                    .find(|s| s.quarter == *q)
                    .map_or(f64::NAN, f)
            })
            .collect::<Vec<f64>>()
    };
    let mut lines = vec![Line {
        name: "history (NBS)",
        colour: PALETTE[0],
        values: qs
            .iter()
            .map(|q| {
                reports
                    .iter()
                    .find_map(|b| b.quarters.iter().find(|s| s.quarter == *q))
                    .map_or(f64::NAN, |s| s.history)
            })
            .collect(),
    }];
    for (i, b) in reports.iter().enumerate() {
        lines.push(Line {
            name: &names[i],
            colour: PALETTE[(i + 1) % PALETTE.len()],
            values: pick(b, &|s| s.model),
        });
    }
    h.push_str("<h2 id=\"paths\">History and projections</h2>");
    h.push_str(&line_chart(
        "backtest-growth",
        "China's real GDP growth: history and the model from each cut-off",
        "% y/y",
        &x,
        &lines,
    ));
    let errs: Vec<Line<'_>> = reports
        .iter()
        .enumerate()
        .map(|(i, b)| Line {
            name: &names[i],
            colour: PALETTE[(i + 1) % PALETTE.len()],
            values: pick(b, &|s| if s.in_sample { f64::NAN } else { s.error }),
        })
        .collect();
    h.push_str(&line_chart(
        "backtest-errors",
        "Out-of-sample errors: model minus history",
        "pp",
        &x,
        &errs,
    ));
    // What moved the projections: each cut-off's run split by block (the
    // same contributions as the main report's "Growth explained").
    h.push_str("<h2 id=\"explained\">The projections explained</h2><p>Contributions to the model's real growth y/y by block in each cut-off's run, in percentage points; they add up to the model's growth (the line). History has no such split: the errors above are the gap between this line and history's.</p>");
    for b in reports {
        let stacks: Vec<Stack<'_>> = BLOCKS
            .iter()
            .zip(BLOCK_VARS)
            .zip(BLOCK_COLOURS)
            .map(|((name, var), colour)| Stack {
                name,
                colour,
                values: qs.iter().map(|q| b.run.at(var, &b.region, *q)).collect(),
            })
            .collect();
        let growth = pick(b, &|s| s.model);
        h.push_str(&stacked_bars(
            &format!("backtest-contrib-{}", b.cutoff),
            &format!(
                "From cut-off {}: contributions to real growth y/y",
                b.cutoff
            ),
            "pp",
            &x,
            &stacks,
            ("model growth, % y/y", &growth),
        ));
    }
    h.push_str("<h2 id=\"errors\">Errors</h2><table><thead><tr><th>cut-off</th><th>autonomous growth % a year</th><th>quarters out</th><th>bias pp</th><th>RMSE pp</th><th>MAE pp</th><th>naive RMSE pp</th><th>Theil's U</th><th>in-sample RMSE pp</th></tr></thead><tbody>");
    for b in reports {
        let o = &b.out_of_sample;
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{:.3}</td><td>{}</td><td>{:+.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td></tr>",
            b.cutoff, b.growth, o.n, o.bias, o.rmse, o.mae, b.naive_rmse, b.theil_u(), b.in_sample.rmse
        );
    }
    h.push_str("</tbody></table>");
    for b in reports {
        let _ = write!(
            h,
            "<h3>Cut-off {}</h3><table><thead><tr><th>quarter</th><th>sample</th><th>history %</th><th>model %</th><th>error pp</th></tr></thead><tbody>",
            b.cutoff
        );
        for s in &b.quarters {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:+.2}</td></tr>",
                s.quarter,
                if s.in_sample { "in" } else { "out" },
                s.history,
                s.model,
                s.error
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</body></html>\n");
    h
}
