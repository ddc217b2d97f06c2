//! `plenum chokepoints --dynamic`: the dynamic bottleneck loss is printed
//! beside the first-order score for the top suppliers, written to
//! `chokepoints_dynamic` under `--out`, and reproducible.

mod common;
use common::*;

#[test]
fn dynamic_loss_beside_the_first_order_score() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cp");
    let out_s = out.to_str().unwrap();
    let args = [
        "chokepoints",
        "--region",
        "CHN",
        "--top",
        "3",
        "--dynamic",
        "--out",
        out_s,
    ];
    let o = plenum(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "failed: {err}");
    let s = String::from_utf8_lossy(&o.stdout);
    let at = s
        .find("bottleneck loss with the dynamic engine")
        .unwrap_or_else(|| panic!("no dynamic section: {s}"));
    let rows: Vec<&str> = s[at..].lines().skip(2).take(3).collect();
    assert_eq!(rows.len(), 3, "{s}");
    for (k, r) in rows.iter().enumerate() {
        let f: Vec<&str> = r.split_whitespace().collect();
        // rank (by first-order bottleneck), supplier, first-order, last, mean
        assert_eq!(f[0], (k + 1).to_string(), "{r}");
        let nums: Vec<f64> = f[2..5].iter().map(|x| x.parse().unwrap()).collect();
        assert!(nums[0] > 0.0, "{r}");
        // The engine's loss can be a small gain: ARIO's order rule lets the
        // target's own industry take over when it has spare capacity.
        assert!(nums[1].abs() < 100.0 && nums[2].abs() < 100.0, "{r}");
        if k == 0 {
            // ROW/MIN, the first-order top supplier, costs value added.
            assert!(nums[1] > 0.0 && nums[2] > 0.0, "{r}");
        }
    }
    let file = out.join("chokepoints_dynamic.csv");
    let first = std::fs::read(&file).unwrap();
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains("va_loss_share_last"), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("va_loss_share_step"))
            .count(),
        3 * 4
    );
    // A rerun writes the same bytes.
    let o2 = plenum(&args);
    assert!(o2.status.success());
    assert_eq!(std::fs::read(&file).unwrap(), first);

    // The steps flag needs --dynamic.
    let o3 = plenum(&["chokepoints", "--dynamic-steps", "2"]);
    assert!(!o3.status.success());
}
