//! The tidy long frames of scenario runs, the one layout every front end
//! writes (CLI `results.csv`/`.parquet`, the web app's downloads):
//! (quarter, scenario, region, sector, variable, value) for plain runs,
//! with a `statistic` column (`central`, `p05` … `p95`) for Monte Carlo
//! run sets.

use plenum_formats::tidy::{KeyColumn, TidyFrame};
use plenum_formats::FormatError;
use plenum_scenario::montecarlo::{Draws, QUANTILES};
use plenum_scenario::ScenarioRun;

/// Key columns being built, with their values.
struct Cols<const K: usize> {
    k: [Vec<String>; K],
    v: Vec<f64>,
}

impl<const K: usize> Cols<K> {
    fn with_capacity(n: usize) -> Self {
        Self {
            k: std::array::from_fn(|_| Vec::with_capacity(n)),
            v: Vec::with_capacity(n),
        }
    }
    fn push(&mut self, keys: [&str; K], v: f64) {
        for (c, k) in self.k.iter_mut().zip(keys) {
            c.push(k.to_string());
        }
        self.v.push(v);
    }
    fn frame(self, names: [&str; K]) -> Result<TidyFrame, FormatError> {
        let keys = names
            .iter()
            .zip(self.k)
            .map(|(n, c)| (n.to_string(), KeyColumn::Text(c)))
            .collect();
        TidyFrame::new(keys, self.v)
    }
}

const RUN_KEYS: [&str; 5] = ["quarter", "scenario", "region", "sector", "variable"];

/// Every row of `runs`, in run order.
pub fn runs_frame(runs: &[ScenarioRun]) -> Result<TidyFrame, FormatError> {
    let n: usize = runs.iter().map(|r| r.tidy_rows().count()).sum();
    let mut cols = Cols::<5>::with_capacity(n);
    for r in runs {
        for row in r.tidy_rows() {
            let q = row.quarter.to_string();
            cols.push(
                [&q, row.scenario, row.region, row.sector, row.variable],
                row.value,
            );
        }
    }
    cols.frame(RUN_KEYS)
}

/// A Monte Carlo run set: the central rows (statistic `central`), then for
/// every fan its finite quantiles (statistic `p05` … `p95`), in the order of
/// [`Draws::fans`].
pub fn draws_frame(d: &Draws) -> Result<TidyFrame, FormatError> {
    let mut cols = Cols::<6>::with_capacity(0);
    for r in &d.central.runs {
        for row in r.tidy_rows() {
            let q = row.quarter.to_string();
            cols.push(
                [
                    &q,
                    row.scenario,
                    row.region,
                    row.sector,
                    row.variable,
                    "central",
                ],
                row.value,
            );
        }
    }
    let qs: Vec<String> = d
        .central
        .runs
        .first()
        .map(|r| r.quarters.iter().map(|q| q.to_string()).collect())
        .unwrap_or_default();
    for f in &d.fans {
        for (s, (_, lab)) in QUANTILES.iter().enumerate() {
            for (ql, x) in qs.iter().zip(&f.bands[s]) {
                if x.is_finite() {
                    cols.push([ql, &f.scenario, &d.region, "TOTAL", &f.variable, lab], *x);
                }
            }
        }
    }
    let [a, b, c, e, f] = RUN_KEYS;
    cols.frame([a, b, c, e, f, "statistic"])
}
