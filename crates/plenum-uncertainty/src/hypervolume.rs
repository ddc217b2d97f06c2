//! Hypervolume (the S-metric; Zitzler and Thiele 1998): the Lebesgue measure
//! of the region dominated by a set of points and bounded by a reference
//! point r, for minimisation. Points not strictly better than r in every
//! objective add nothing.
//!
//! Two objectives: sort by f₁ and sum the rectangles of the staircase,
//! exact, O(n log n). More objectives: slicing by the last objective
//! (HSO; While, Hingston, Barone and Huband 2006): between consecutive
//! values of the last objective, the slice's volume is the hypervolume of
//! the points below it in one dimension fewer. Exponential in the number of
//! objectives; fine for the few objectives and front sizes of a policy search.

/// Hypervolume of `points` (each of the reference's length) against `reference`.
pub fn hypervolume(points: &[Vec<f64>], reference: &[f64]) -> f64 {
    let pts: Vec<Vec<f64>> = points
        .iter()
        .filter(|p| {
            p.len() == reference.len()
                && p.iter().zip(reference).all(|(x, r)| x.is_finite() && x < r)
        })
        .cloned()
        .collect();
    hv(pts, reference)
}

fn hv(mut pts: Vec<Vec<f64>>, r: &[f64]) -> f64 {
    let d = r.len();
    if pts.is_empty() || d == 0 {
        return 0.0;
    }
    if d == 1 {
        let m = pts.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
        return r[0] - m;
    }
    if d == 2 {
        pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
        let mut vol = 0.0;
        let mut best = r[1];
        for p in &pts {
            if p[1] < best {
                vol += (r[0] - p[0]) * (best - p[1]);
                best = p[1];
            }
        }
        return vol;
    }
    pts.sort_by(|a, b| a[d - 1].total_cmp(&b[d - 1]));
    let mut vol = 0.0;
    for i in 0..pts.len() {
        let top = if i + 1 < pts.len() {
            pts[i + 1][d - 1]
        } else {
            r[d - 1]
        };
        let h = top - pts[i][d - 1];
        if h <= 0.0 {
            continue;
        }
        let proj: Vec<Vec<f64>> = pts[..=i].iter().map(|p| p[..d - 1].to_vec()).collect();
        vol += h * hv(proj, &r[..d - 1]);
    }
    vol
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_add_up() {
        let r = [1.0, 1.0];
        assert_eq!(hypervolume(&[vec![0.5, 0.5]], &r), 0.25);
        assert!((hypervolume(&[vec![0.0, 0.5], vec![0.5, 0.0]], &r) - 0.75).abs() < 1e-15);
        // Dominated and outside points add nothing.
        assert!(
            (hypervolume(
                &[
                    vec![0.0, 0.5],
                    vec![0.5, 0.0],
                    vec![0.6, 0.6],
                    vec![2.0, 0.0]
                ],
                &r
            ) - 0.75)
                .abs()
                < 1e-15
        );
        // 3-D: union of two boxes [0,1]^3 minus overlap.
        let r3 = [1.0, 1.0, 1.0];
        let v = hypervolume(&[vec![0.0, 0.5, 0.5], vec![0.5, 0.0, 0.0]], &r3);
        assert!((v - (0.25 + 0.5 - 0.125)).abs() < 1e-15, "{v}");
        // A 3-D front compared with its 2-D slices: points on x+y+z = 1 at z fixed.
        let v = hypervolume(&[vec![0.2, 0.3, 0.5]], &r3);
        assert!((v - 0.8 * 0.7 * 0.5).abs() < 1e-15);
    }
}
