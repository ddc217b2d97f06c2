//! An SVG heat map: rows × columns of shares in [0, 1], one cell each,
//! shaded from white (0) to dark blue (1), grey where undefined, with row
//! and column labels, a legend, and each cell's value in its tooltip.
//! Drawn by plenum like the line charts: no script, works offline.

use std::fmt::Write as _;

use crate::svg::{self, esc};

/// The colour of a share: white to #08306b, linear in each channel.
pub fn shade(v: f64) -> String {
    let v = v.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * v).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(255.0, 8.0),
        mix(255.0, 48.0),
        mix(255.0, 107.0)
    )
}

/// A heat map of `values[row][col]` (None: undefined). `id` names the
/// SVG; cells carry `data-row`, `data-col` and `data-value`.
pub fn heat_map(
    id: &str,
    title: &str,
    rows: &[String],
    cols: &[String],
    values: &[Vec<Option<f64>>],
) -> String {
    let cell = 22.0;
    let (l, t) = (70.0, 90.0);
    let w = l + cell * cols.len() as f64 + 130.0;
    let h = t + cell * rows.len() as f64 + 20.0;
    let mut s = String::new();
    svg::open(&mut s, id, "heatmap", w, h, title);
    let _ = write!(
        s,
        r#"<text x="{l}" y="18" class="ct">{}</text>"#,
        esc(title)
    );
    for (j, c) in cols.iter().enumerate() {
        let x = l + cell * (j as f64 + 0.5);
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="{:.1}" transform="rotate(-60 {x:.1} {:.1})" class="tk">{}</text>"#,
            t - 6.0,
            t - 6.0,
            esc(c)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = t + cell * i as f64;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="tk">{}</text>"#,
            l - 6.0,
            y + cell * 0.7,
            esc(r)
        );
        for (j, c) in cols.iter().enumerate() {
            let v = values.get(i).and_then(|row| row.get(j)).copied().flatten();
            let (fill, label, data) = match v {
                Some(v) if v.is_finite() => {
                    (shade(v), format!("{:.1}%", 100.0 * v), format!("{v}"))
                }
                _ => ("#cccccc".to_string(), "no use".to_string(), String::new()),
            };
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{y:.1}" width="{cell}" height="{cell}" fill="{fill}" stroke="#fff" data-row="{}" data-col="{}" data-value="{data}"><title>{} {}: {label}</title></rect>"##,
                l + cell * j as f64,
                esc(r),
                esc(c),
                esc(r),
                esc(c)
            );
        }
    }
    let lx = l + cell * cols.len() as f64 + 20.0;
    for k in 0..=10 {
        let v = f64::from(k) / 10.0;
        let y = t + 12.0 * f64::from(10 - k);
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="{y}" width="16" height="12" fill="{}"/>"#,
            shade(v)
        );
        if k % 5 == 0 {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" class="tk">{}%</text>"#,
                lx + 22.0,
                y + 10.0,
                k * 10
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_labels_and_shades() {
        let rows = vec!["CHN".to_string(), "U<S".to_string()];
        let cols = vec!["C26".to_string(), "C28".to_string(), "F".to_string()];
        let vals = vec![
            vec![Some(0.0), Some(0.5), None],
            vec![Some(1.0), Some(0.25), Some(f64::NAN)],
        ];
        let s = heat_map("h", "T", &rows, &cols, &vals);
        assert_eq!(s.matches("data-row=").count(), 6);
        assert!(s.contains("U&lt;S") && !s.contains("U<S"));
        assert_eq!(shade(0.0), "#ffffff");
        assert_eq!(shade(1.0), "#08306b");
        assert!(s.contains(r#"data-row="CHN" data-col="C28" data-value="0.5""#));
        assert_eq!(s.matches("no use").count(), 2);
    }
}
