//! The report's fit table: the reference run (the first, the baseline)
//! against every fact of the calibration file the model has a variable for
//! (`plenum_scenario::calibrate::fit`), with the band, whether it is met,
//! how (solved, check, consensus), the source, and for each row outside its
//! band what sets it in the model and the documented reason. Other runs are
//! listed only where their misses differ (their history moves with their
//! overrides; the consensus rows are judged for the reference alone).

use std::fmt::Write as _;

use plenum_scenario::calibrate::judged;
use plenum_scenario::ScenarioRun;

use crate::svg::esc;

/// The fit section's HTML (a heading-less block placed in "Calibration").
pub fn section(runs: &[ScenarioRun]) -> String {
    let Some(first) = runs.first() else {
        return String::new();
    };
    let rows = judged(first, true);
    let met = rows.iter().filter(|f| f.met()).count();
    let mut h = String::new();
    let _ = write!(
        h,
        "<p id=\"fit\">The fit of {} against the calibration file's facts: {met} of {} rows within their bands. Rows outside say what sets them in the model and why they miss (docs/calibration.md).</p><table><thead><tr><th>target</th><th>fact</th><th>band</th><th>model</th><th>met</th><th>how</th><th>source</th></tr></thead><tbody>",
        esc(&first.name),
        rows.len()
    );
    for f in &rows {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>±{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(f.target),
            f.fact,
            f.tolerance,
            f.model_text(),
            if f.met() { "yes" } else { "<b class=\"miss\">no</b>" },
            f.how(),
            esc(f.source)
        );
        if !f.met() {
            let _ = write!(
                h,
                "<tr class=\"why\"><td colspan=\"7\">why: {}</td></tr>",
                esc(f.cause)
            );
        }
    }
    h.push_str("</tbody></table>");
    let diffs = plenum_scenario::calibrate::fit::differing(runs);
    if diffs.is_empty() {
        if runs.len() > 1 {
            h.push_str("<p>Every other scenario misses the same history rows.</p>");
        }
    } else {
        let _ = write!(
            h,
            "<p>Scenarios whose history rows differ from {}'s:</p><ul>",
            esc(&first.name)
        );
        for d in diffs {
            let mut parts: Vec<String> = d
                .outside
                .iter()
                .map(|f| {
                    format!(
                        "also outside: {} ({} against {} ± {})",
                        esc(f.target),
                        f.model_text(),
                        f.fact,
                        f.tolerance
                    )
                })
                .collect();
            parts.extend(d.within.iter().map(|t| format!("within: {}", esc(t))));
            let _ = write!(h, "<li>{}: {}</li>", esc(d.scenario), parts.join("; "));
        }
        h.push_str("</ul>");
    }
    h
}
