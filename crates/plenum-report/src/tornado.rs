//! Charts of sensitivity and search results: the tornado chart (one bar
//! per parameter, longest on top: total Sobol' index with its first-order
//! part, or Morris μ*) and the Pareto-front scatter of two objectives.

use std::fmt::Write as _;

use crate::svg::{self, esc, fmt_tick};

/// One bar: the parameter, its main value, an inner value drawn darker
/// (e.g. S1 inside ST; NaN for none) and a ± half-width (NaN for none).
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: f64,
    pub inner: f64,
    pub conf: f64,
}

/// A tornado chart, bars sorted by value, largest on top.
pub fn tornado_chart(id: &str, title: &str, unit: &str, bars: &[Bar<'_>]) -> String {
    let mut idx: Vec<usize> = (0..bars.len()).collect();
    idx.sort_by(|&a, &b| bars[b].value.total_cmp(&bars[a].value).then(a.cmp(&b)));
    let row = 22.0;
    let (l, r, t, b) = (250.0, 40.0, 40.0, 36.0);
    let w = 760.0;
    let h = t + b + row * bars.len().max(1) as f64;
    let pw = w - l - r;
    let hi = bars
        .iter()
        .map(|b| b.value + if b.conf.is_finite() { b.conf } else { 0.0 })
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1e-12);
    let lo = bars
        .iter()
        .map(|b| b.value.min(b.inner))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::min);
    let xa = svg::Axis::new(lo, hi, 5.0);
    let (x0, x1) = (xa.lo, xa.hi);
    let px = |v: f64| l + pw * (v - x0) / (x1 - x0);
    let mut s = String::new();
    svg::open(&mut s, id, "chart", w, h, title);
    svg::heading(&mut s, 10.0, title, None);
    for v in xa.ticks() {
        let xx = px(v);
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{t}" y2="{}" stroke="#ddd"/><text x="{xx:.1}" y="{}" text-anchor="middle" class="tk">{}</text>"##,
            h - b,
            h - b + 16.0,
            fmt_tick(v, xa.step)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="end" class="cu">{}</text>"#,
        w - r,
        h - 4.0,
        esc(unit)
    );
    for (k, &i) in idx.iter().enumerate() {
        let bar = &bars[i];
        let y = t + row * k as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end" class="tk">{}</text>"#,
            l - 6.0,
            y + 15.0,
            esc(bar.label)
        );
        if bar.value.is_finite() {
            let (a, c) = (px(0.0_f64.max(x0)), px(bar.value));
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{}" fill="#56B4E9"/>"##,
                a.min(c),
                y + 3.0,
                (c - a).abs(),
                row - 6.0
            );
        }
        if bar.inner.is_finite() {
            let (a, c) = (px(0.0_f64.max(x0)), px(bar.inner));
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{}" fill="#0072B2"/>"##,
                a.min(c),
                y + 7.0,
                (c - a).abs(),
                row - 14.0
            );
        }
        if bar.conf.is_finite() && bar.value.is_finite() {
            let _ = write!(
                s,
                r##"<line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#333"/>"##,
                px(bar.value - bar.conf),
                px(bar.value + bar.conf),
                y + row / 2.0,
                y + row / 2.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A scatter of points (x, y) with axis names; `front` marks the points drawn larger.
pub fn scatter_chart(
    id: &str,
    title: &str,
    xname: &str,
    yname: &str,
    pts: &[(f64, f64)],
    front: &[bool],
) -> String {
    let (w, h) = (760.0, 420.0);
    let (l, r, t, b) = (70.0, 30.0, 36.0, 50.0);
    let (pw, ph) = (w - l - r, h - t - b);
    let fin: Vec<&(f64, f64)> = pts
        .iter()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let (xl, xh) = svg::extent(fin.iter().map(|p| p.0));
    let (yl, yh) = svg::extent(fin.iter().map(|p| p.1));
    let xa = svg::Axis::new(xl, xh, 6.0);
    let frame = svg::Frame {
        l,
        t,
        pw,
        ph,
        y: svg::Axis::new(yl, yh, 5.0),
    };
    let px = |v: f64| l + pw * (v - xa.lo) / (xa.hi - xa.lo);
    let py = |v: f64| frame.py(v);
    let mut s = String::new();
    svg::open(&mut s, id, "chart", w, h, title);
    svg::heading(&mut s, l, title, None);
    frame.y_grid(&mut s);
    for v in xa.ticks() {
        let xx = px(v);
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{t}" y2="{}" stroke="#eee"/><text x="{xx:.1}" y="{}" text-anchor="middle" class="tk">{}</text>"##,
            t + ph,
            t + ph + 16.0,
            fmt_tick(v, xa.step)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle" class="cu">{}</text><text x="14" y="{}" class="cu" transform="rotate(-90 14 {})" text-anchor="middle">{}</text>"#,
        l + pw / 2.0,
        h - 8.0,
        esc(xname),
        t + ph / 2.0,
        t + ph / 2.0,
        esc(yname)
    );
    for (k, p) in pts.iter().enumerate() {
        if !(p.0.is_finite() && p.1.is_finite()) {
            continue;
        }
        let on = front.get(k).copied().unwrap_or(false);
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="{}" fill-opacity="{}"/>"##,
            px(p.0),
            py(p.1),
            if on { 4.5 } else { 2.0 },
            if on { "#D55E00" } else { "#999999" },
            if on { 0.9 } else { 0.4 }
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tornado_sorts_bars_and_scatter_marks_the_front() {
        let bars = [
            Bar {
                label: "small",
                value: 0.1,
                inner: 0.05,
                conf: 0.02,
            },
            Bar {
                label: "big",
                value: 0.6,
                inner: 0.5,
                conf: f64::NAN,
            },
        ];
        let svg = tornado_chart("t", "Total Sobol' index", "index", &bars);
        assert!(svg.find(">big<").unwrap() < svg.find(">small<").unwrap());
        let sc = scatter_chart(
            "s",
            "Front",
            "growth",
            "debt",
            &[(1.0, 2.0), (2.0, 1.0), (f64::NAN, 0.0)],
            &[true, false],
        );
        assert_eq!(sc.matches("<circle").count(), 2);
    }
}
