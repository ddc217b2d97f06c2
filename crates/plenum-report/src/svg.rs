//! The parts every chart of the report shares, written once: escaping,
//! "nice" tick steps and their labels, the data extent of a chart, the
//! `<svg>` opening with its accessible title, the horizontal value grid,
//! the frame of the axes, quarter labels under a time axis, and a NaN-broken
//! polyline. The charts (line, fan, stacked bars, tornado, scatter,
//! heat map) keep only what makes each of them different.
//!
//! A value axis from `lo` to `hi` is widened to whole multiples of a step
//! chosen among 1, 2, 2.5, 5 × 10ᵏ so that it holds about `target` ticks:
//! y₀ = ⌊lo/step⌋·step, y₁ = ⌈hi/step⌉·step; a value v is drawn at
//! t + h·(1 − (v − y₀)/(y₁ − y₀)).

use std::fmt::Write as _;

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" tick step for a span, about `target` ticks.
pub(crate) fn nice_step(span: f64, target: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / target;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// A tick label with as many decimals as the step needs.
pub(crate) fn fmt_tick(v: f64, step: f64) -> String {
    let dec = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
            + usize::from(step * 10f64.powf(-step.log10().floor()) % 1.0 != 0.0)
    };
    format!("{v:.dec$}")
}

/// The smallest and largest finite values; (0, 1) when there are none and
/// lo ± 1 when they are all equal, so that an axis always has a span.
pub(crate) fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, c), v| {
            (a.min(v), c.max(v))
        });
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if (hi - lo).abs() < 1e-12 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    }
}

/// A value axis widened to whole steps (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

impl Axis {
    /// The axis over `lo..hi` with about `target` ticks.
    pub fn new(lo: f64, hi: f64, target: f64) -> Self {
        let step = nice_step(hi - lo, target);
        Axis {
            lo: (lo / step).floor() * step,
            hi: (hi / step).ceil() * step,
            step,
        }
    }

    /// The tick values lo, lo + step, …, hi.
    pub fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let mut v = self.lo;
        std::iter::from_fn(move || {
            (v <= self.hi + self.step * 1e-6).then(|| {
                let now = v;
                v += self.step;
                now
            })
        })
    }
}

/// The plot area of a chart with a vertical value axis: left edge `l`, top
/// `t`, width `pw`, height `ph`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub l: f64,
    pub t: f64,
    pub pw: f64,
    pub ph: f64,
    pub y: Axis,
}

impl Frame {
    /// The vertical position of value `v`.
    pub fn py(&self, v: f64) -> f64 {
        self.t + self.ph * (1.0 - (v - self.y.lo) / (self.y.hi - self.y.lo))
    }

    /// Horizontal grid lines with their tick labels on the left, and a
    /// darker line at zero when the axis crosses it.
    pub fn y_grid(&self, s: &mut String) {
        let (l, pw) = (self.l, self.pw);
        for v in self.y.ticks() {
            let yy = self.py(v);
            let _ = write!(
                s,
                r##"<line x1="{l}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end" class="tk">{}</text>"##,
                l + pw,
                l - 6.0,
                yy + 4.0,
                fmt_tick(v, self.y.step)
            );
        }
        if self.y.lo < 0.0 && self.y.hi > 0.0 {
            let yy = self.py(0.0);
            let _ = write!(
                s,
                r##"<line x1="{l}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#888"/>"##,
                l + pw
            );
        }
    }

    /// The left and bottom axis lines.
    pub fn axes(&self, s: &mut String) {
        let (l, t, pw, ph) = (self.l, self.t, self.pw, self.ph);
        let _ = write!(
            s,
            r##"<line x1="{l}" x2="{l}" y1="{t}" y2="{}" stroke="#333"/><line x1="{l}" x2="{}" y1="{}" y2="{}" stroke="#333"/>"##,
            t + ph,
            l + pw,
            t + ph,
            t + ph
        );
    }

    /// Labels under a quarterly time axis: the year at each first quarter
    /// (every label when there are at most eight), with a tick mark when
    /// `marks`.
    pub fn quarter_labels(
        &self,
        s: &mut String,
        x: &[String],
        px: impl Fn(usize) -> f64,
        marks: bool,
    ) {
        let base = self.t + self.ph;
        for (k, lab) in x.iter().enumerate() {
            if !(lab.ends_with("Q1") || x.len() <= 8) {
                continue;
            }
            let xx = px(k);
            if marks {
                let _ = write!(
                    s,
                    r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{base}" y2="{}" stroke="#333"/>"##,
                    base + 5.0
                );
            }
            let _ = write!(
                s,
                r##"<text x="{xx:.1}" y="{}" text-anchor="middle" class="tk">{}</text>"##,
                base + 18.0,
                esc(lab.trim_end_matches("Q1"))
            );
        }
    }
}

/// Opens an `<svg>` of class `class` and size `w` × `h` whose accessible
/// name is `title` (the `<title>` element the `aria-labelledby` points to).
pub(crate) fn open(s: &mut String, id: &str, class: &str, w: f64, h: f64, title: &str) {
    let _ = write!(
        s,
        r#"<svg id="{id}" class="{class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t"><title id="{id}-t">{}</title>"#,
        esc(title)
    );
}

/// The visible title at (`x`, 20) and, when given, the unit at (`x`, `uy`).
pub(crate) fn heading(s: &mut String, x: f64, title: &str, unit: Option<(f64, &str)>) {
    let _ = write!(
        s,
        r#"<text x="{x}" y="20" class="ct">{}</text>"#,
        esc(title)
    );
    if let Some((uy, unit)) = unit {
        let _ = write!(
            s,
            r#"<text x="{x}" y="{uy}" class="cu">{}</text>"#,
            esc(unit)
        );
    }
}

/// The `d` of a path through (`px(k)`, `py(v_k)`), lifting the pen at each
/// value that is `None` or not finite; no trailing space.
pub(crate) fn polyline(
    values: impl Iterator<Item = Option<f64>>,
    px: impl Fn(usize) -> f64,
    py: impl Fn(f64) -> f64,
) -> String {
    let mut d = String::new();
    let mut pen = false;
    for (k, v) in values.enumerate() {
        match v.filter(|v| v.is_finite()) {
            Some(v) => {
                let _ = write!(
                    d,
                    "{}{:.1},{:.1} ",
                    if pen { "L" } else { "M" },
                    px(k),
                    py(v)
                );
                pen = true;
            }
            None => pen = false,
        }
    }
    d.truncate(d.trim_end().len());
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(10.0, 5.0), 2.0);
        assert_eq!(nice_step(1.0, 5.0), 0.2);
        assert_eq!(nice_step(37.0, 5.0), 10.0);
        assert_eq!(nice_step(f64::NAN, 5.0), 1.0);
    }

    #[test]
    fn axis_covers_the_extent_in_whole_steps() {
        let a = Axis::new(-0.3, 4.1, 5.0);
        assert_eq!((a.lo, a.hi, a.step), (-1.0, 5.0, 1.0));
        let t: Vec<f64> = a.ticks().collect();
        assert_eq!(t, vec![-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(extent([f64::NAN].into_iter()), (0.0, 1.0));
        assert_eq!(extent([2.0, 2.0].into_iter()), (1.0, 3.0));
    }

    #[test]
    fn polyline_breaks_at_missing_values() {
        let v = [
            Some(1.0),
            None,
            Some(2.0),
            Some(f64::NAN),
            Some(3.0),
            Some(4.0),
        ];
        let d = polyline(v.into_iter(), |k| k as f64, |y| y);
        assert_eq!(d, "M0.0,1.0 M2.0,2.0 M4.0,3.0 L5.0,4.0");
    }

    #[test]
    fn ticks_have_the_decimals_of_their_step() {
        assert_eq!(fmt_tick(2.0, 1.0), "2");
        assert_eq!(fmt_tick(0.4, 0.2), "0.4");
        assert_eq!(fmt_tick(0.25, 0.25), "0.25");
        assert_eq!(fmt_tick(30.0, 10.0), "30");
    }
}
