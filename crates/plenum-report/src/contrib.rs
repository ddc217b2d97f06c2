//! Growth explained in the report: stacked bars of the contributions to
//! China's real growth y/y by block (`contrib_block_…`, see
//! `plenum_scenario::contrib`), with the growth line drawn over them, for
//! the baseline; and for each other scenario the same split of its gap to
//! the baseline. Positive contributions stack up from zero, negative ones
//! down, so the bars' net height is the growth rate (or the gap) the line
//! shows.

use std::fmt::Write as _;

use plenum_scenario::contrib::{BLOCKS, BLOCK_VARS};
use plenum_scenario::summary::contribution_gaps;
use plenum_scenario::{Quarter, ScenarioRun};

use crate::svg::{self, esc};

/// Colours of the blocks, in the order of [`BLOCKS`]; one per block by
/// type, so that a block added there cannot be dropped from the charts
/// (the `zip` with the blocks would silently cut it, and the bars would
/// no longer add up to the growth line).
pub const BLOCK_COLOURS: [&str; BLOCKS.len()] = [
    "#bbbbbb", "#882255", "#dddddd", "#56B4E9", "#0072B2", "#CC79A7", "#D55E00", "#E69F00",
    "#F5C26B", "#009E73", "#8C6D1F", "#F0E442", "#666666", "#44AA99", "#332288",
];

/// One stacked group of bars.
pub struct Stack<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<f64>,
}

// Index loops: bar k of every stack.
#[allow(clippy::needless_range_loop)]
/// An SVG chart of stacked bars (one bar per x, one segment per stack)
/// with a line (`line`, NaN breaks it) over them.
pub fn stacked_bars(
    id: &str,
    title: &str,
    unit: &str,
    x: &[String],
    stacks: &[Stack<'_>],
    line: (&str, &[f64]),
) -> String {
    let (w, h) = (760.0, 360.0);
    let (l, r, t, b) = (64.0, 200.0, 36.0, 44.0);
    let (pw, ph) = (w - l - r, h - t - b);
    let n = x.len().max(1);
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for k in 0..n {
        let (mut up, mut down) = (0.0, 0.0);
        for s in stacks {
            let v = s.values.get(k).copied().unwrap_or(f64::NAN);
            if v.is_finite() {
                if v >= 0.0 {
                    up += v;
                } else {
                    down += v;
                }
            }
        }
        hi = hi.max(up);
        lo = lo.min(down);
        if let Some(v) = line.1.get(k).filter(|v| v.is_finite()) {
            hi = hi.max(*v);
            lo = lo.min(*v);
        }
    }
    if hi - lo < 1e-9 {
        hi += 1.0;
        lo -= 1.0;
    }
    let frame = svg::Frame {
        l,
        t,
        pw,
        ph,
        y: svg::Axis::new(lo, hi, 6.0),
    };
    let bw = pw / n as f64;
    let px = |k: usize| l + bw * (k as f64 + 0.5);
    let py = |v: f64| frame.py(v);
    let mut s = String::new();
    svg::open(&mut s, id, "chart", w, h, title);
    svg::heading(&mut s, l, title, Some((t - 4.0, unit)));
    frame.y_grid(&mut s);
    for k in 0..n {
        let (mut up, mut down) = (0.0, 0.0);
        for st in stacks {
            let v = st.values.get(k).copied().unwrap_or(f64::NAN);
            if !v.is_finite() || v == 0.0 {
                continue;
            }
            let (a, b2) = if v > 0.0 {
                up += v;
                (up - v, up)
            } else {
                down += v;
                (down, down - v)
            };
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.2}" fill="{}"><title>{} {}: {v:+.2} pp</title></rect>"#,
                px(k) - bw * 0.38,
                py(b2),
                bw * 0.76,
                (py(a) - py(b2)).max(0.0),
                st.colour,
                esc(st.name),
                esc(&x[k])
            );
        }
    }
    let d = svg::polyline((0..n).map(|k| line.1.get(k).copied()), px, py);
    let _ = write!(
        s,
        r##"<path d="{d}" fill="none" stroke="#000" stroke-width="2"/>"##
    );
    let every = (n / 8).max(1);
    for (k, q) in x.iter().enumerate().step_by(every) {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" class="tk" text-anchor="middle">{}</text>"#,
            px(k),
            t + ph + 16.0,
            esc(q)
        );
    }
    let mut ly = t + 8.0;
    let _ = write!(
        s,
        r##"<line x1="{}" x2="{}" y1="{ly}" y2="{ly}" stroke="#000" stroke-width="2"/><text x="{}" y="{}" class="lg">{}</text>"##,
        l + pw + 12.0,
        l + pw + 32.0,
        l + pw + 38.0,
        ly + 4.0,
        esc(line.0)
    );
    for st in stacks {
        ly += 18.0;
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="20" height="10" fill="{}"/><text x="{}" y="{}" class="lg">{}</text>"#,
            l + pw + 12.0,
            ly - 5.0,
            st.colour,
            l + pw + 38.0,
            ly + 4.0,
            esc(st.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// The report section: the baseline's growth by block, and each other
/// scenario's gap to it by block, from 2024Q1.
pub fn section(runs: &[ScenarioRun]) -> String {
    let mut h = String::from(
        "<h2 id=\"contributions\">Growth explained</h2><p>Contributions to China's real growth y/y by block, in percentage points: they add up to the growth rate (the line). The residual is the demand growth no block drives (the calibrated index over the named trends); “manufacturing” is manufacturing investment (credit, PPI margins, the equipment-renewal programme); “income”, “budget”, “local government” and “potential” carry consumption, government consumption, infrastructure and other final demand at potential growth; “external” is net exports (world demand and export controls together); “inventories” the engine's stock cycle.</p>",
    );
    let Some(base) = runs.first() else {
        return h;
    };
    let from = base
        .quarters
        .iter()
        .position(|q| *q >= Quarter::new(2024, 1))
        .unwrap_or(0);
    let x: Vec<String> = base.quarters[from..]
        .iter()
        .map(|q| q.to_string())
        .collect();
    let growth = base
        .series("gdp_growth_yoy", &base.region)
        .map_or(vec![], |s| s.values[from..].to_vec());
    let stacks: Vec<Stack<'_>> = BLOCKS
        .iter()
        .zip(BLOCK_VARS)
        .zip(BLOCK_COLOURS)
        .map(|((name, var), colour)| Stack {
            name,
            colour,
            values: base
                .series(var, &base.region)
                .map_or(vec![], |s| s.values[from..].to_vec()),
        })
        .collect();
    h.push_str(&stacked_bars(
        "contrib-baseline",
        &format!("{}: contributions to real growth y/y", base.name),
        "pp",
        &x,
        &stacks,
        ("growth, % y/y", &growth),
    ));
    for run in runs.iter().skip(1) {
        let gaps = contribution_gaps(run, base);
        let g = run
            .series("gdp_growth_yoy", &run.region)
            .map_or(vec![], |s| s.values.clone());
        let gap: Vec<f64> = run.quarters[from..]
            .iter()
            .enumerate()
            .map(|(k, q)| g[from + k] - base.at("gdp_growth_yoy", &base.region, *q))
            .collect();
        let stacks: Vec<Stack<'_>> = BLOCKS
            .iter()
            .zip(BLOCK_VARS)
            .zip(BLOCK_COLOURS)
            .map(|((name, var), colour)| Stack {
                name,
                colour,
                values: gaps
                    .iter()
                    .find(|(v, _)| *v == var)
                    .map_or(vec![], |(_, v)| v[from..].to_vec()),
            })
            .collect();
        h.push_str(&stacked_bars(
            &format!("contrib-gap-{}", run.name),
            &format!("{} minus {}: growth gap by block", run.name, base.name),
            "pp",
            &x,
            &stacks,
            ("growth gap, pp", &gap),
        ));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stack_to_their_net_height() {
        let x: Vec<String> = vec!["a".into(), "b".into()];
        let stacks = [
            Stack {
                name: "up",
                colour: "#000",
                values: vec![2.0, 1.0],
            },
            Stack {
                name: "down",
                colour: "#111",
                values: vec![-1.0, -3.0],
            },
        ];
        let s = stacked_bars("t", "T", "pp", &x, &stacks, ("net", &[1.0, -2.0]));
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert_eq!(
            s.matches("<rect").count(),
            4 + 2,
            "4 bars and 2 legend swatches"
        );
        assert!(s.contains("up b: +1.00 pp") && s.contains("down b: -3.00 pp"));
    }

    #[test]
    fn every_block_has_a_distinct_colour() {
        let mut c = BLOCK_COLOURS.to_vec();
        c.sort_unstable();
        c.dedup();
        assert_eq!(c.len(), BLOCKS.len());
    }
}
