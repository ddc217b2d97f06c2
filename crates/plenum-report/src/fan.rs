//! Fan charts of Monte Carlo runs: for each quarter the 5-95% band (light),
//! the 25-75% band (darker) and the median (line), one colour per
//! scenario; and the HTML section `plenum run --draws` adds to the report
//! (main paths and scenario-minus-baseline differences under common
//! random numbers). Drawn as inline SVG, no script.

use std::fmt::Write as _;

use crate::svg::{self, esc};

/// One fan: quantiles per quarter (NaN where undefined).
pub struct Fan<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub p05: &'a [f64],
    pub p25: &'a [f64],
    pub p50: &'a [f64],
    pub p75: &'a [f64],
    pub p95: &'a [f64],
}

fn band(lo: &[f64], hi: &[f64], px: &dyn Fn(usize) -> f64, py: &dyn Fn(f64) -> f64) -> String {
    let idx: Vec<usize> = (0..lo.len().min(hi.len()))
        .filter(|&k| lo[k].is_finite() && hi[k].is_finite())
        .collect();
    let mut d = String::new();
    for (n, &k) in idx.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1},{:.1} ",
            if n == 0 { "M" } else { "L" },
            px(k),
            py(hi[k])
        );
    }
    for &k in idx.iter().rev() {
        let _ = write!(d, "L{:.1},{:.1} ", px(k), py(lo[k]));
    }
    if !d.is_empty() {
        d.push('Z');
    }
    d
}

/// A fan chart of `fans` over the quarter labels `x`.
pub fn fan_chart(id: &str, title: &str, unit: &str, x: &[String], fans: &[Fan<'_>]) -> String {
    let (w, h) = (760.0, 330.0);
    let (l, r, t, b) = (64.0, 200.0, 36.0, 44.0);
    let (pw, ph) = (w - l - r, h - t - b);
    let (lo, hi) = svg::extent(fans.iter().flat_map(|f| {
        f.p05
            .iter()
            .chain(f.p95.iter())
            .chain(f.p50.iter())
            .copied()
    }));
    let frame = svg::Frame {
        l,
        t,
        pw,
        ph,
        y: svg::Axis::new(lo, hi, 5.0),
    };
    let n = x.len().max(2);
    let px = |k: usize| l + pw * k as f64 / (n - 1) as f64;
    let py = |v: f64| frame.py(v);
    let mut s = String::new();
    svg::open(&mut s, id, "chart", w, h, title);
    svg::heading(&mut s, l, title, Some((t - 6.0, unit)));
    frame.y_grid(&mut s);
    frame.axes(&mut s);
    frame.quarter_labels(&mut s, x, px, false);
    for (i, f) in fans.iter().enumerate() {
        let _ = write!(
            s,
            r#"<path d="{}" fill="{}" fill-opacity="0.15" stroke="none"/>"#,
            band(f.p05, f.p95, &px, &py),
            f.colour
        );
        let _ = write!(
            s,
            r#"<path d="{}" fill="{}" fill-opacity="0.3" stroke="none"/>"#,
            band(f.p25, f.p75, &px, &py),
            f.colour
        );
        let d = svg::polyline(f.p50.iter().map(|v| Some(*v)), px, py);
        let _ = write!(
            s,
            r#"<path d="{d}" fill="none" stroke="{}" stroke-width="2"/>"#,
            f.colour
        );
        let ly = t + 14.0 + 34.0 * i as f64;
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="14" height="10" fill="{}" fill-opacity="0.3"/><text x="{}" y="{ly:.1}" class="lg">{}</text><text x="{}" y="{:.1}" class="tk">median, 25-75%, 5-95%</text>"#,
            l + pw + 12.0,
            ly - 9.0,
            f.colour,
            l + pw + 32.0,
            esc(f.name),
            l + pw + 32.0,
            ly + 14.0
        );
    }
    s.push_str("</svg>");
    s
}

/// One Monte Carlo section: a heading, a paragraph and charts.
pub fn section(id: &str, heading: &str, text: &str, charts: &[String]) -> String {
    let mut h = format!(
        "<h2 id=\"{}\">{}</h2><p>{}</p>",
        esc(id),
        esc(heading),
        esc(text)
    );
    for c in charts {
        h.push_str(c);
    }
    h
}

/// Inserts `sections` before the end of a page made by [`crate::render`].
pub fn append_sections(page: &str, sections: &[String]) -> String {
    let tail = "</body></html>";
    let cut = page.rfind(tail).unwrap_or(page.len());
    let mut out =
        String::with_capacity(page.len() + sections.iter().map(String::len).sum::<usize>());
    out.push_str(&page[..cut]);
    for s in sections {
        out.push_str(s);
    }
    out.push_str(&page[cut..]);
    out
}

/// Series charted as fans: (variable, title, unit).
pub const FAN_VARS: [(&str, &str, &str); 4] = [
    ("gdp_growth_yoy", "Real GDP growth, year on year", "%"),
    ("local_debt_to_gdp", "Local government debt / GDP", "%"),
    (
        "consumption_share",
        "Household consumption share",
        "% of GDP",
    ),
    ("self_reliance_chips", "Chips self-reliance", "%"),
];

/// The two report sections of a Monte Carlo run set: the main paths'
/// fans, and the scenario-minus-baseline fans (common random numbers).
/// Chart ids start with `prefix` so that a page can hold several sets.
pub fn draws_sections(d: &plenum_scenario::montecarlo::Draws, prefix: &str) -> Vec<String> {
    let runs = &d.central.runs;
    let x: Vec<String> = runs
        .first()
        .map(|r| r.quarters.iter().map(|q| q.to_string()).collect())
        .unwrap_or_default();
    let colour = |i: usize| crate::PALETTE[i % crate::PALETTE.len()];
    let mk = |labels: &[String], var: &str, title: &str, unit: &str, id: &str| -> String {
        let fs: Vec<Fan<'_>> = labels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                d.fans
                    .iter()
                    .find(|f| &f.scenario == l && f.variable == var)
                    .map(|f| Fan {
                        name: l,
                        colour: colour(i),
                        p05: &f.bands[0],
                        p25: &f.bands[1],
                        p50: &f.bands[2],
                        p75: &f.bands[3],
                        p95: &f.bands[4],
                    })
            })
            .collect();
        fan_chart(id, title, unit, &x, &fs)
    };
    let names: Vec<String> = runs.iter().map(|r| r.name.clone()).collect();
    let diffs: Vec<String> = (0..runs.len())
        .filter(|&i| i != d.baseline)
        .map(|i| d.difference_label(i))
        .collect();
    let main: Vec<String> = FAN_VARS
        .iter()
        .enumerate()
        .map(|(i, (v, t, u))| mk(&names, v, t, u, &format!("{prefix}fan{i}")))
        .collect();
    let diff: Vec<String> = FAN_VARS
        .iter()
        .enumerate()
        .map(|(i, (v, t, u))| {
            mk(
                &diffs,
                v,
                &format!("{t}: scenario minus baseline"),
                u,
                &format!("{prefix}fand{i}"),
            )
        })
        .collect();
    let (n, n_ok) = (d.n(), d.ok().len());
    let mut out = vec![section(
        &format!("{prefix}fans"),
        "Uncertainty: fan charts",
        &format!(
            "{n_ok} of {n} draws (seed {}) of every uncertain parameter, each re-calibrated to 2024 H1 growth; median, 25-75% and 5-95% bands per quarter ({} failed draws left out).",
            d.seed,
            n - n_ok
        ),
        &main,
    )];
    if !diffs.is_empty() {
        out.push(section(
            &format!("{prefix}fan-differences"),
            "Uncertainty: differences from the baseline",
            "Scenario minus baseline, draw by draw under common random numbers (both runs of a draw share its parameter values), so the bands show what the policy changes, not what both runs share.",
            &diff,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fan_chart_has_bands_median_and_legend() {
        let x: Vec<String> = ["2024Q1", "2024Q2", "2024Q3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (a, b, c, d, e) = (
            [1.0, 2.0, 3.0],
            [2.0, 3.0, 4.0],
            [3.0, 4.0, 5.0],
            [4.0, 5.0, 6.0],
            [5.0, 6.0, f64::NAN],
        );
        let f = Fan {
            name: "base<line>",
            colour: "#000000",
            p05: &a,
            p25: &b,
            p50: &c,
            p75: &d,
            p95: &e,
        };
        let svg = fan_chart("g", "Growth", "%", &x, &[f]);
        assert_eq!(svg.matches("<path").count(), 3);
        assert!(svg.contains("base&lt;line&gt;") && svg.ends_with("</svg>"));
        let page = append_sections(
            "<html><body>x</body></html>\n",
            &["<h2>MC</h2>".to_string()],
        );
        assert_eq!(page, "<html><body>x<h2>MC</h2></body></html>\n");
    }
}
