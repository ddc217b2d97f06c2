//! The report of the shipped scenarios on the embedded default table:
//! parsed for its charts, titles and a few numbers.

use plenum_report::{render, ReportMeta, CHARTS};
use plenum_scenario::summary::summarise;

#[test]
fn report_has_its_charts_titles_and_numbers() {
    let t = plenum_testdata::default_table().unwrap();
    let e = plenum_scenario::Economy::from_table(&t).unwrap();
    let set = plenum_scenario::run_all(&e, &plenum_scenario::shipped::all().unwrap()).unwrap();
    let meta = ReportMeta {
        title: "test report".into(),
        plenum_version: "0.1.0".into(),
        table: "default".into(),
        table_hash: "abcdef0123456789abcdef".into(),
        seed: 0,
    };
    let html = render(&meta, &set.calibration, &set.runs);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    // Offline: no external resource, no script.
    for bad in ["<script", "http://", "https://", "<link", "@import", "src="] {
        let ok = bad == "http://"
            && html.matches(bad).count() == html.matches("http://www.w3.org/2000/svg").count();
        assert!(ok || !html.contains(bad), "report contains {bad}");
    }
    // The main charts, plus the contributions: the baseline's and each
    // other scenario's gap (stacked bars with one line each).
    let n_charts = CHARTS.len() + set.runs.len();
    assert_eq!(html.matches("<svg").count(), n_charts);
    assert_eq!(html.matches("</svg>").count(), n_charts);
    assert!(html.contains("id=\"contrib-baseline\"") && html.contains("Growth explained"));
    for r in set.runs.iter().skip(1) {
        assert!(
            html.contains(&format!("id=\"contrib-gap-{}\"", r.name)),
            "{}",
            r.name
        );
    }
    for (id, title, _, _) in CHARTS {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        assert!(html.contains(&plenum_report::esc(title)), "{title}");
    }
    // One line per scenario in each chart, and every scenario's section.
    assert_eq!(
        html.matches("<path").count(),
        CHARTS.len() * set.runs.len() + set.runs.len()
    );
    for r in &set.runs {
        assert!(html.contains(&format!("id=\"s-{}\"", r.name)));
        let s = summarise(r);
        assert!(
            html.contains(&format!("<td>{:.2}</td>", s.growth_avg)),
            "{}",
            r.name
        );
        assert!(
            html.contains(&format!("<td>{:.1}</td>", s.debt_to_gdp_end)),
            "{}",
            r.name
        );
    }
    assert!(
        html.contains("<td>5.3</td><td>5.30</td>") && html.contains("<td>4.7</td><td>4.70</td>")
    );
    assert!(html.contains("What moved and why") && html.contains("Restriction us-2022-10-chips"));
}
