//! The distribution of every parameter of the table, for Monte Carlo
//! draws, sensitivity analysis and robust optimisation, and the
//! `[distributions]` tables that override them.
//!
//! Default rule (one rule, so every row has a stated reason; a row of the
//! parameter table may name another distribution, with its reason):
//! - a row whose range is a single value (a published figure used as is:
//!   `gdp_2023`, `local_debt_2023`, …) is fixed;
//! - the two calibrated rows (`china_autonomous_growth`,
//!   `china_demand_shift_2024q2`) are not drawn: each draw re-solves them
//!   so that 2024 Q1/Q2 growth hits its targets;
//! - every other row is triangular on its plausible range with its mode at
//!   the table's value: the value is the best estimate its source gives and
//!   the range the spread of published figures or the assumption's bounds
//!   (see the row's source); no source gives a shape, and the triangle is
//!   the least-informative shape with a mode and bounds (Johnson 1997).
//!
//! Overrides (`plenum run --draws N --dists FILE`, `[distributions]` of an
//! optimiser spec): one inline table per parameter, bounds defaulting to
//! the plausible range and never leaving it:
//!
//! ```toml
//! [distributions]
//! mpc_labour = { kind = "normal", mean = 0.6, sd = 0.05 }          # truncated to 0.4..0.8
//! land_sales_elasticity = { kind = "triangular", min = 0.6, mode = 0.84, max = 2.1 }
//! local_interest_rate = { kind = "uniform", min = 3.5, max = 6.0 }
//! sr_technology_yield = { kind = "beta", alpha = 2.0, beta = 3.0 }
//! gdp_deflator_growth = { kind = "fixed", value = -0.5 }
//! ```

use plenum_uncertainty::Dist;

use crate::error::{At, Result, ScenarioError};
use crate::params::{param_def, ParamDef, PARAMS};

/// The rows calibration solves for; never drawn.
pub const CALIBRATED: [&str; 2] = ["china_autonomous_growth", "china_demand_shift_2024q2"];

/// One parameter's distribution and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDist {
    pub name: &'static str,
    pub dist: Dist,
    pub why: String,
}

/// The default distribution of a row (see the module docs).
pub fn default_dist(p: &ParamDef) -> ParamDist {
    if CALIBRATED.contains(&p.name) {
        return ParamDist {
            name: p.name,
            dist: Dist::Fixed { value: p.value },
            why: "calibrated in every draw to 2024 Q1/Q2 growth (not drawn)".into(),
        };
    }
    if let Dist::Fixed { .. } = p.dist {
        return ParamDist {
            name: p.name,
            dist: p.dist,
            why: "a published figure used as is (its range is one value)".into(),
        };
    }
    let why = if p.why == crate::params::DEFAULT_WHY {
        format!(
            "triangular on the plausible range {}..{} with its mode at the table's value {} (best estimate of the source; range from the source)",
            p.min, p.max, p.value
        )
    } else {
        p.why.to_string()
    };
    ParamDist {
        name: p.name,
        dist: p.dist,
        why,
    }
}

/// Every row's default distribution, in table order.
pub fn defaults() -> Vec<ParamDist> {
    PARAMS.iter().map(default_dist).collect()
}

/// Names of the parameters that are drawn (not fixed, not calibrated).
pub fn uncertain(dists: &[ParamDist]) -> Vec<&'static str> {
    dists
        .iter()
        .filter(|d| !matches!(d.dist, Dist::Fixed { .. }))
        .map(|d| d.name)
        .collect()
}

/// Line of `key = …` in `text`, looked for under a `[distributions]`
/// header first (the same name may be a key of `[params]` too).
fn line_of(text: &str, key: &str) -> Option<usize> {
    let is_key = |l: &str| {
        let t = l.trim_start().trim_start_matches('"');
        t.starts_with(key)
            && t[key.len()..]
                .trim_start_matches('"')
                .trim_start()
                .starts_with('=')
    };
    let header = text
        .lines()
        .position(|l| l.trim() == "[distributions]")
        .unwrap_or(0);
    text.lines()
        .enumerate()
        .skip(header)
        .find(|(_, l)| is_key(l))
        .or_else(|| text.lines().enumerate().find(|(_, l)| is_key(l)))
        .map(|(i, _)| i + 1)
}

fn invalid(at: &At, key: &str, value: String, expected: String, fix: &str) -> ScenarioError {
    ScenarioError::Invalid {
        at: at.clone(),
        key: key.to_string(),
        value: plenum_table::message::shown(value),
        expected,
        fix: fix.to_string(),
    }
}

/// Parses one `name = { kind = …, … }` entry of the file `file` with text
/// `text` against its row.
pub fn parse_entry(file: &str, text: &str, name: &str, v: &toml::Value) -> Result<ParamDist> {
    let at = At {
        file: file.into(),
        line: line_of(text, name),
        column: None,
    };
    parse_entry_at(&at, name, v, &format!("override in {file}"))
}

/// Parses one entry against its row; errors point at `at`, and `why` is
/// the reason recorded with the distribution.
pub fn parse_entry_at(at: &At, name: &str, v: &toml::Value, why: &str) -> Result<ParamDist> {
    let key = format!("distributions.{name}");
    let Some(def) = param_def(name) else {
        let valid: Vec<String> = PARAMS.iter().map(|p| p.name.to_string()).collect();
        return Err(ScenarioError::UnknownLabel {
            at: at.clone(),
            key,
            kind: "parameter",
            label: name.into(),
            valid,
        });
    };
    if CALIBRATED.contains(&def.name) {
        return Err(invalid(
            at,
            &key,
            v.to_string(),
            "a parameter that is not calibrated".into(),
            "leave it out: each draw re-solves it to hit 2024 Q1/Q2 growth",
        ));
    }
    let Some(t) = v.as_table() else {
        return Err(invalid(
            at,
            &key,
            v.to_string(),
            "an inline table such as { kind = \"uniform\" }".into(),
            "write name = { kind = \"triangular\", min = …, mode = …, max = … }",
        ));
    };
    let num = |k: &str| -> Result<Option<f64>> {
        match t.get(k) {
            None => Ok(None),
            Some(x) => x
                .as_float()
                .or_else(|| x.as_integer().map(|i| i as f64))
                .map(Some)
                .ok_or_else(|| {
                    invalid(
                        at,
                        &key,
                        x.to_string(),
                        format!("a number for `{k}`"),
                        "give a number",
                    )
                }),
        }
    };
    let need = |k: &str| -> Result<f64> {
        num(k)?.ok_or_else(|| invalid(at, &key, v.to_string(), format!("key `{k}`"), "add it"))
    };
    let kind = t.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let allowed: &[&str] = match kind {
        "fixed" => &["kind", "value"],
        "uniform" => &["kind", "min", "max"],
        "triangular" => &["kind", "min", "mode", "max"],
        "normal" => &["kind", "mean", "sd", "min", "max"],
        "beta" => &["kind", "alpha", "beta", "min", "max"],
        _ => {
            return Err(invalid(
                at,
                &key,
                format!("kind = {:?}", kind),
                "kind = \"fixed\", \"uniform\", \"triangular\", \"normal\" or \"beta\"".into(),
                "name one of the five kinds",
            ))
        }
    };
    if let Some(extra) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(invalid(
            at,
            &key,
            format!("{extra} = …"),
            format!("only {} for kind {kind}", allowed.join(", ")),
            "remove the key",
        ));
    }
    let (lo, hi) = (
        num("min")?.unwrap_or(def.min),
        num("max")?.unwrap_or(def.max),
    );
    let dist = match kind {
        "fixed" => Dist::Fixed {
            value: need("value")?,
        },
        "uniform" => Dist::Uniform { lo, hi },
        "triangular" => Dist::Triangular {
            lo,
            mode: num("mode")?.unwrap_or(def.value),
            hi,
        },
        "normal" => Dist::Normal {
            mean: num("mean")?.unwrap_or(def.value),
            sd: need("sd")?,
            lo,
            hi,
        },
        _ => Dist::Beta {
            alpha: need("alpha")?,
            beta: need("beta")?,
            lo,
            hi,
        },
    };
    dist.validate().map_err(|e| {
        invalid(
            at,
            &key,
            v.to_string(),
            "a possible distribution".into(),
            &e.to_string(),
        )
    })?;
    let (a, b) = dist.bounds();
    if a < def.min || b > def.max {
        return Err(invalid(
            at,
            &key,
            v.to_string(),
            format!("support inside the plausible range {}..{} ({}); got {a}..{b}", def.min, def.max, def.unit),
            "narrow the distribution, or widen the row's range in the parameter table with a source",
        ));
    }
    Ok(ParamDist {
        name: def.name,
        dist,
        why: why.to_string(),
    })
}

/// Applies the `[distributions]` table of `text` (a TOML document) to `base`.
pub fn apply_overrides(base: &mut [ParamDist], text: &str, file: &str) -> Result<()> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| ScenarioError::Parse {
        at: At {
            file: file.into(),
            line: None,
            column: None,
        },
        message: e.message().trim().to_string(),
        fix: "fix the TOML syntax".into(),
    })?;
    let Some(d) = doc.get("distributions") else {
        return Ok(());
    };
    let Some(d) = d.as_table() else {
        let at = At {
            file: file.into(),
            line: line_of(text, "distributions"),
            column: None,
        };
        return Err(invalid(
            &at,
            "distributions",
            d.to_string(),
            "a table".into(),
            "write [distributions]",
        ));
    };
    for (name, v) in d {
        let pd = parse_entry(file, text, name, v)?;
        if let Some(slot) = base.iter_mut().find(|b| b.name == pd.name) {
            *slot = pd;
        }
    }
    Ok(())
}

/// Replaces the rows of `base` that `overrides` name (a scenario's
/// `[distributions]`).
pub fn with_overrides(base: &[ParamDist], overrides: &[ParamDist]) -> Vec<ParamDist> {
    base.iter()
        .map(|b| {
            overrides
                .iter()
                .find(|o| o.name == b.name)
                .unwrap_or(b)
                .clone()
        })
        .collect()
}

/// The value a parameter takes under distribution `to` in the draw where
/// it took `x` under `from`: x itself when the two are the same, the fixed
/// value when `to` is fixed, else F_to⁻¹(F_from(x)), the value at the same
/// quantile. Two scenarios with different distributions of a parameter
/// thus stay on common random numbers (the comonotone coupling: a draw high
/// in one is as high in the other).
pub fn follow(x: f64, from: &Dist, to: &Dist) -> f64 {
    if from == to {
        return x;
    }
    match *to {
        Dist::Fixed { value } => value,
        _ => to.quantile(from.cdf(x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_valid_distribution_inside_its_range() {
        for d in defaults() {
            d.dist.validate().unwrap();
            let p = param_def(d.name).unwrap();
            let (a, b) = d.dist.bounds();
            assert!(a >= p.min && b <= p.max, "{}", d.name);
            assert!(!d.why.is_empty());
        }
        let u = uncertain(&defaults());
        assert!(
            u.contains(&"mpc_labour")
                && !u.contains(&"gdp_2023")
                && !u.contains(&"china_autonomous_growth")
        );
    }

    #[test]
    fn overrides_parse_and_bad_ones_name_key_line_and_reason() {
        let mut d = defaults();
        let text = "[distributions]\nmpc_labour = { kind = \"normal\", mean = 0.6, sd = 0.05 }\n";
        apply_overrides(&mut d, text, "d.toml").unwrap();
        let m = d.iter().find(|x| x.name == "mpc_labour").unwrap();
        assert_eq!(
            m.dist,
            Dist::Normal {
                mean: 0.6,
                sd: 0.05,
                lo: 0.4,
                hi: 0.8
            }
        );
        let cases = [
            (
                "[distributions]\n\nmpc_labour = { kind = \"uniform\", min = 0.1, max = 0.7 }\n",
                "plausible range",
                3,
            ),
            (
                "[distributions]\nmpc_labour = { kind = \"triangular\", mode = 0.9 }\n",
                "mode",
                2,
            ),
            (
                "[distributions]\nmpc_labour = { kind = \"normal\", sd = -1 }\n",
                "sd",
                2,
            ),
            (
                "[distributions]\nmpc_labour = { kind = \"lognormal\" }\n",
                "kind",
                2,
            ),
            (
                "[distributions]\nnope = { kind = \"fixed\", value = 1 }\n",
                "nope",
                2,
            ),
        ];
        for (t, word, line) in cases {
            let e = apply_overrides(&mut defaults(), t, "d.toml")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(word) && e.contains(&format!("d.toml:{line}")),
                "{e}"
            );
        }
    }
}
