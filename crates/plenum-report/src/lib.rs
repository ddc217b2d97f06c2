//! The HTML report of a set of scenario runs: one self-contained file with
//! inline CSS and inline SVG charts drawn here (axes, ticks, grid, legend,
//! one colour per scenario). No script, no font or stylesheet from a CDN:
//! it opens offline in any browser.
//!
//! Contents: the comparison table; line charts of China's real growth,
//! GDP level, chips self-reliance (domestic share of China's use of the
//! chips sector), local debt/GDP, land revenue and the household
//! consumption share, one line per scenario; the calibration against 2024
//! H1 growth and the fit against every fact of the calibration file
//! ([`fit`]); and per scenario its description, a generated text saying
//! what moved and why, in numbers, and its assumptions.
//!
//! The crate does no I/O; [`render`] returns the page as a `String`.

#![forbid(unsafe_code)]

pub mod backtest;
pub mod contrib;

use std::fmt::Write as _;

pub mod fan;
pub mod fit;
pub mod heatmap;
pub mod svg;
pub mod tidy;
pub mod tornado;

pub use svg::esc;

use plenum_scenario::summary::{narrative, summarise};
use plenum_scenario::{Calibration, Quarter, ScenarioRun};

/// Colours of the scenarios, in order (colour-blind-safe palette, Okabe-Ito
/// with black for the baseline).
pub const PALETTE: [&str; 10] = [
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#8C6D1F",
    "#999999", "#F0E442",
];

/// What the page shows besides the runs.
#[derive(Debug, Clone)]
pub struct ReportMeta {
    pub title: String,
    pub plenum_version: String,
    pub table: String,
    pub table_hash: String,
    pub seed: u64,
}

/// One line of a chart.
pub struct Line<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<f64>,
}

/// An SVG line chart: x are categories (quarters), y values; NaN breaks
/// a line. `id` names the chart for tests and links.
pub fn line_chart(id: &str, title: &str, unit: &str, x: &[String], lines: &[Line<'_>]) -> String {
    let (w, h) = (760.0, 330.0);
    let (l, r, t, b) = (64.0, 180.0, 36.0, 44.0);
    let (pw, ph) = (w - l - r, h - t - b);
    let (lo, hi) = svg::extent(lines.iter().flat_map(|s| s.values.iter().copied()));
    let f = svg::Frame {
        l,
        t,
        pw,
        ph,
        y: svg::Axis::new(lo, hi, 5.0),
    };
    let n = x.len().max(2);
    let px = |k: usize| l + pw * k as f64 / (n - 1) as f64;
    let mut s = String::new();
    svg::open(&mut s, id, "chart", w, h, title);
    svg::heading(&mut s, l, title, Some((t - 6.0, unit)));
    f.y_grid(&mut s);
    f.axes(&mut s);
    f.quarter_labels(&mut s, x, px, true);
    for (li, line) in lines.iter().enumerate() {
        let d = svg::polyline(line.values.iter().map(|v| Some(*v)), px, |v| f.py(v));
        let width = if li == 0 { 2.6 } else { 1.8 };
        let _ = write!(
            s,
            r#"<path d="{d}" fill="none" stroke="{}" stroke-width="{width}"><title>{}</title></path>"#,
            line.colour,
            esc(line.name)
        );
        let ly = t + 14.0 + 18.0 * li as f64;
        let _ = write!(
            s,
            r#"<line x1="{}" x2="{}" y1="{ly}" y2="{ly}" stroke="{}" stroke-width="3"/><text x="{}" y="{}" class="lg">{}</text>"#,
            l + pw + 12.0,
            l + pw + 32.0,
            line.colour,
            l + pw + 38.0,
            ly + 4.0,
            esc(line.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// The charts of the report: (id, title, variable, unit). `gdp_index` is
/// derived (real GDP, 2023 = 100).
pub const CHARTS: [(&str, &str, &str, &str); 6] = [
    (
        "growth",
        "China: real GDP growth, y/y",
        "gdp_growth_yoy",
        "%",
    ),
    (
        "gdp-index",
        "China: real GDP (2023 = 100)",
        "gdp_index",
        "index",
    ),
    (
        "self-reliance",
        "China: self-reliance in chips (domestic share of use)",
        "self_reliance_chips",
        "%",
    ),
    (
        "debt",
        "China: local government debt / GDP",
        "local_debt_to_gdp",
        "%",
    ),
    (
        "land",
        "China: land-sale revenue",
        "land_revenue",
        "tn yuan per quarter",
    ),
    (
        "consumption",
        "China: household consumption share of GDP",
        "consumption_share",
        "% of GDP",
    ),
];

fn values(run: &ScenarioRun, var: &str, from: usize) -> Vec<f64> {
    let r = &run.region;
    if var == "gdp_index" {
        let base = run.annual_mean("gdp_real", r, 2023);
        return run.series("gdp_real", r).map_or(vec![], |s| {
            s.values[from..].iter().map(|v| 100.0 * v / base).collect()
        });
    }
    run.series(var, r)
        .map_or(vec![], |s| s.values[from..].to_vec())
}

pub(crate) const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}thead th{background:#f3f3f3}.chart{width:100%;max-width:760px;height:auto;display:block;margin:1em 0}.ct{font-size:15px;font-weight:600;fill:#222}.cu{font-size:11px;fill:#555}.tk{font-size:11px;fill:#333}.lg{font-size:12px;fill:#222}.sw{display:inline-block;width:1em;height:.6em;margin-right:.4em}.meta{color:#555;font-size:.9em}li{margin:.3em 0}.miss{color:#b00020}tr.why td{text-align:left;color:#555;font-size:.9em;border-top:none}";

/// The main-path charts of [`CHARTS`] from 2024Q1, one line per run:
/// (chart id, SVG). The report and the web app show these same charts.
pub fn main_charts(runs: &[ScenarioRun]) -> Vec<(&'static str, String)> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let from = first
        .quarters
        .iter()
        .position(|q| *q >= Quarter::new(2024, 1))
        .unwrap_or(0);
    let x: Vec<String> = first.quarters[from..]
        .iter()
        .map(|q| q.to_string())
        .collect();
    CHARTS
        .iter()
        .map(|(id, title, var, unit)| {
            let lines: Vec<Line<'_>> = runs
                .iter()
                .enumerate()
                .map(|(i, r)| Line {
                    name: &r.name,
                    colour: PALETTE[i % PALETTE.len()],
                    values: values(r, var, from),
                })
                .collect();
            (*id, line_chart(id, title, unit, &x, &lines))
        })
        .collect()
}

/// Renders the report (see the module docs). `runs[0]` is the reference
/// the texts compare against (the baseline).
pub fn render(meta: &ReportMeta, calibration: &Calibration, runs: &[ScenarioRun]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>",
        esc(&meta.title)
    );
    let _ = write!(h, "<h1>{}</h1>", esc(&meta.title));
    let _ = write!(
        h,
        "<p class=\"meta\">plenum {} · table {} (hash {}) · seed {} · {} scenario(s). Quarterly model, 2023Q1 to {}; growth is real value added y/y.</p>",
        esc(&meta.plenum_version),
        esc(&meta.table),
        esc(meta.table_hash.get(..16).unwrap_or(&meta.table_hash)),
        meta.seed,
        runs.len(),
        runs.first().and_then(|r| r.quarters.last()).map(|q| q.to_string()).unwrap_or_default()
    );
    // Comparison table.
    h.push_str("<h2 id=\"comparison\">Comparison</h2><table><thead><tr><th>scenario</th>");
    let sums: Vec<_> = runs.iter().map(summarise).collect();
    let years: Vec<i32> = sums
        .first()
        .map(|s| s.growth.iter().map(|(y, _)| *y).collect())
        .unwrap_or_default();
    for y in &years {
        let _ = write!(h, "<th>growth {y} %</th>");
    }
    let ly = sums.first().map_or(2030, |s| s.last_year);
    let _ = write!(
        h,
        "<th>avg %</th><th>chips self-reliance {ly}Q4 %</th><th>local debt/GDP {ly}Q4 %</th><th>land revenue {ly} tn yuan</th><th>consumption share {ly} %</th></tr></thead><tbody>"
    );
    for (i, s) in sums.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span><a href=\"#s-{}\">{}</a></td>",
            PALETTE[i % PALETTE.len()],
            esc(&s.scenario),
            esc(&s.scenario)
        );
        for (_, g) in &s.growth {
            let _ = write!(h, "<td>{g:.2}</td>");
        }
        let _ = write!(
            h,
            "<td>{:.2}</td><td>{:.1}</td><td>{:.1}</td><td>{:.2}</td><td>{:.1}</td></tr>",
            s.growth_avg,
            s.self_reliance_end,
            s.debt_to_gdp_end,
            s.land_revenue_end,
            s.consumption_share_end
        );
    }
    h.push_str("</tbody></table>");
    // Charts from 2024Q1.
    h.push_str("<h2 id=\"charts\">Main paths</h2>");
    for (_, svg) in main_charts(runs) {
        h.push_str(&svg);
    }
    // Calibration.
    h.push_str(&contrib::section(runs));
    h.push_str("<h2 id=\"calibration\">Calibration</h2><p>China's autonomous demand growth is solved so that the baseline reproduces real growth in the first half of 2024 (NBS, 15 Jul 2024), within ±0.1 pp (every scenario is calibrated on itself the same way):</p><table><thead><tr><th>quarter</th><th>target %</th><th>model %</th></tr></thead><tbody>");
    for (q, got, want) in &calibration.reached {
        let _ = write!(
            h,
            "<tr><td>{q}</td><td>{want:.1}</td><td>{got:.2}</td></tr>"
        );
    }
    let _ = write!(
        h,
        "</tbody></table><p>Solved: autonomous demand growth {:.2}% a year in 2022-2024, converging to potential growth by 2027, and a lasting change of its level of {:+.2}% from 2024Q2 (the quarter grew 0.7% q/q).</p>",
        calibration.growth[0], calibration.growth[1]
    );
    h.push_str(&fit::section(runs));
    // Scenarios.
    h.push_str("<h2 id=\"scenarios\">Scenarios</h2>");
    for (i, run) in runs.iter().enumerate() {
        let _ = write!(
            h,
            "<h3 id=\"s-{}\"><span class=\"sw\" style=\"background:{}\"></span>{}</h3><p>{}</p>",
            esc(&run.name),
            PALETTE[i % PALETTE.len()],
            esc(&run.name),
            esc(&run.description)
        );
        h.push_str("<p><b>What moved and why.</b></p><ul>");
        for l in narrative(run, runs.first()) {
            let _ = write!(h, "<li>{}</li>", esc(&l));
        }
        h.push_str("</ul>");
        if !run.assumptions.is_empty() {
            h.push_str("<p><b>Assumptions.</b></p><ul>");
            for a in &run.assumptions {
                let _ = write!(h, "<li>{}</li>", esc(a));
            }
            h.push_str("</ul>");
        }
        let _ = write!(
            h,
            "<p class=\"meta\">files: {} · sha256 {}</p>",
            esc(&run.files.join(" ← ")),
            esc(&run.hash)
        );
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_axes_lines_and_legend() {
        let x: Vec<String> = (0..8).map(|k| Quarter(8 + k).to_string()).collect();
        let lines = [
            Line {
                name: "a<b",
                colour: "#000",
                values: vec![1.0, 2.0, f64::NAN, 4.0, 5.0, 6.0, 7.0, 8.0],
            },
            Line {
                name: "c",
                colour: "#f00",
                values: vec![2.0; 8],
            },
        ];
        let s = line_chart("t", "Title", "%", &x, &lines);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert_eq!(s.matches("<path").count(), 2);
        assert!(s.contains("a&lt;b") && !s.contains("a<b"));
        // The NaN breaks the first line into two pieces.
        assert_eq!(s.matches("M").count() - s.matches("Misc").count(), 3);
    }
}
