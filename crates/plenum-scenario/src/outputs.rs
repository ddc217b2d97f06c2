//! Named scalar outputs of a run, the quantities Monte Carlo, sensitivity
//! and the optimiser talk about (all for the scenario's region, China):
//!
//! | name | value |
//! |---|---|
//! | `growth_YYYY` | real GDP growth of year YYYY over the year before, % |
//! | `growth_avg` | average annual real growth 2025-2030, % (geometric: (GDP₂₀₃₀/GDP₂₀₂₄)^(1/6) − 1) |
//! | `growth_avg_YYYY_ZZZZ` | the same over YYYY..ZZZZ |
//! | `gdp_YYYY` | real GDP of year YYYY, index 2023 = 100 |
//! | `VARIABLE_YYYY` | annual mean of a region-level series, e.g. `local_debt_to_gdp_2030`, `consumption_share_2030`, `self_reliance_chips_2030` |
//! | `VARIABLE_YYYYQn` | one quarter of a region-level series, e.g. `local_debt_to_gdp_2030Q4` |
//!
//! A name that fits no rule, or a series the run lacks, is NaN from
//! [`Output::eval`]; [`Output::check`] turns that into an error listing
//! the run's variables.

use crate::error::{At, Result, ScenarioError};
use crate::results::{ScenarioRun, TOTAL};
use crate::time::Quarter;

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Growth(i32),
    GrowthAvg(i32, i32),
    Gdp(i32),
    Mean(String, i32),
    At(String, Quarter),
}

/// A named output.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub name: String,
    kind: Kind,
}

fn year(s: &str) -> Option<i32> {
    (s.len() == 4)
        .then(|| s.parse().ok())
        .flatten()
        .filter(|y| (2023..=2100).contains(y))
}

impl Output {
    /// Parses a name (see the module docs); `None` if it fits no rule.
    pub fn parse(name: &str) -> Option<Self> {
        let kind = if name == "growth_avg" {
            Kind::GrowthAvg(2025, 2030)
        } else if let Some(r) = name.strip_prefix("growth_avg_") {
            let (a, b) = r.split_once('_')?;
            let (a, b) = (year(a)?, year(b)?);
            if b < a || a < 2024 {
                return None;
            }
            Kind::GrowthAvg(a, b)
        } else if let Some(y) = name.strip_prefix("growth_").and_then(year) {
            Kind::Growth(y)
        } else if let Some(y) = name.strip_prefix("gdp_").and_then(year) {
            Kind::Gdp(y)
        } else {
            let (var, tail) = name.rsplit_once('_')?;
            if let Some(y) = year(tail) {
                Kind::Mean(var.to_string(), y)
            } else {
                let (y, q) = tail.split_once('Q')?;
                let (y, q) = (
                    year(y)?,
                    q.parse::<u8>().ok().filter(|q| (1..=4).contains(q))?,
                );
                Kind::At(var.to_string(), Quarter::new(y, q))
            }
        };
        Some(Self {
            name: name.to_string(),
            kind,
        })
    }

    /// Parses `name`, or an error naming it, `at` and the rules.
    pub fn parse_at(name: &str, at: At) -> Result<Self> {
        Self::parse(name).ok_or_else(|| ScenarioError::Invalid {
            at,
            key: "output".into(),
            value: format!("\"{name}\""),
            expected: "growth_YYYY, growth_avg, growth_avg_YYYY_YYYY, gdp_YYYY, VARIABLE_YYYY or VARIABLE_YYYYQn".into(),
            fix: "name an output by one of these rules (docs/uncertainty.md lists them)".into(),
        })
    }

    /// The output's value on `run` (NaN where undefined).
    pub fn eval(&self, run: &ScenarioRun) -> f64 {
        let r = &run.region;
        let gdp = |y: i32| run.annual_sum("gdp_real", r, y);
        match &self.kind {
            Kind::Growth(y) => run.annual_growth(r, *y),
            Kind::GrowthAvg(a, b) => {
                100.0 * ((gdp(*b) / gdp(a - 1)).powf(1.0 / f64::from(b - a + 1)) - 1.0)
            }
            Kind::Gdp(y) => 100.0 * gdp(*y) / gdp(2023),
            Kind::Mean(v, y) => run.annual_mean(v, r, *y),
            Kind::At(v, q) => run.at(v, r, *q),
        }
    }

    /// Checks the output is defined on `run` (a reference run), else an
    /// error listing the variables it has.
    pub fn check(&self, run: &ScenarioRun, at: At) -> Result<()> {
        if self.eval(run).is_finite() {
            return Ok(());
        }
        let mut vars: Vec<String> = run
            .series
            .iter()
            .filter(|s| s.sector == TOTAL && s.region == run.region)
            .map(|s| s.variable.to_string())
            .collect();
        vars.dedup();
        Err(ScenarioError::Invalid {
            at,
            key: "output".into(),
            value: format!("\"{}\"", self.name),
            expected: format!(
                "an output the run defines (quarters {}..{}); region-level variables: {}",
                run.quarters
                    .first()
                    .map_or(String::new(), |q| q.to_string()),
                run.quarters.last().map_or(String::new(), |q| q.to_string()),
                vars.join(", ")
            ),
            fix: "pick a variable and a year the run covers".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_by_their_rules() {
        assert_eq!(
            Output::parse("growth_2025").unwrap().kind,
            Kind::Growth(2025)
        );
        assert_eq!(
            Output::parse("growth_avg").unwrap().kind,
            Kind::GrowthAvg(2025, 2030)
        );
        assert_eq!(
            Output::parse("growth_avg_2025_2027").unwrap().kind,
            Kind::GrowthAvg(2025, 2027)
        );
        assert_eq!(Output::parse("gdp_2030").unwrap().kind, Kind::Gdp(2030));
        assert_eq!(
            Output::parse("local_debt_to_gdp_2030").unwrap().kind,
            Kind::Mean("local_debt_to_gdp".into(), 2030)
        );
        assert_eq!(
            Output::parse("local_debt_to_gdp_2030Q4").unwrap().kind,
            Kind::At("local_debt_to_gdp".into(), Quarter::new(2030, 4))
        );
        for bad in [
            "growth",
            "x_20300",
            "debt_2030Q5",
            "growth_avg_2027_2025",
            "nodigits",
        ] {
            assert!(Output::parse(bad).is_none(), "{bad}");
        }
    }
}
