//! Sweep specs: the TOML file that `plenum sweep plan` reads, and the
//! variants it expands to.
//!
//! A spec crosses four things, in this order (outermost first):
//!
//! 1. `seeds`: each seed is an independent replicate: it seeds the sample
//!    design below and becomes the scenario's seed;
//! 2. `[grid]`: a full-factorial grid, one list of values per parameter
//!    (parameters in name order, the last one varying fastest);
//! 3. `[sample]`: `n` draws of the listed parameters, a Latin hypercube
//!    (`design = "lhs"`, the default) or independent draws
//!    (`design = "random"`), from the seed's own ChaCha8 stream; the same
//!    draws are reused at every grid point (common random numbers);
//! 4. `scenarios`: shipped names or scenario files.
//!
//! Variants that share seed, grid point and draw share a parameter set, so
//! they sit next to each other and the calibration of that set is done
//! once per shard. Every value must lie in the parameter's plausible range
//! (docs/calibration.md), as in a scenario file.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use plenum_scenario::params::{param_def, PARAMS};
use plenum_table::position::line_col;
use rand::{Rng, SeedableRng};
use serde::Deserialize;

/// The variables recorded when a spec names none: China's headline
/// series (each scenario's own region).
pub const DEFAULT_VARIABLES: [&str; 12] = [
    "gdp_real",
    "gdp_growth_yoy",
    "consumption",
    "investment",
    "exports",
    "imports",
    "net_exports",
    "labour_income",
    "local_debt_to_gdp",
    "fdi_inflow",
    "self_reliance_chips",
    "property_investment_index",
];

/// Largest number of variants a plan accepts (the variant list is held in
/// memory while planning: about 100 bytes a variant).
pub const MAX_VARIANTS: u64 = 50_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    schema: i64,
    name: String,
    #[serde(default)]
    description: String,
    scenarios: Vec<String>,
    #[serde(default)]
    seeds: Option<Vec<u64>>,
    #[serde(default)]
    shard_size: Option<u64>,
    #[serde(default)]
    table: Option<String>,
    #[serde(default)]
    grid: BTreeMap<String, Vec<f64>>,
    #[serde(default)]
    sample: Option<RawSample>,
    #[serde(default)]
    outputs: Option<RawOutputs>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSample {
    n: u64,
    #[serde(default)]
    design: Option<String>,
    params: BTreeMap<String, RawDist>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDist {
    /// `"range"`: uniform over the plausible range.
    Word(String),
    Table(RawDistTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDistTable {
    dist: String,
    lo: f64,
    hi: f64,
    #[serde(default)]
    mode: Option<f64>,
    #[serde(default)]
    mean: Option<f64>,
    #[serde(default)]
    sd: Option<f64>,
    #[serde(default)]
    alpha: Option<f64>,
    #[serde(default)]
    beta: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutputs {
    #[serde(default)]
    regions: Option<Vec<String>>,
    #[serde(default)]
    variables: Option<Vec<String>>,
}

/// The bounded distributions of the uncertainty work (plenum-uncertainty),
/// drawn by their quantile functions x = F⁻¹(u).
pub use plenum_uncertainty::Dist;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    Lhs,
    Random,
}

/// The sample part of a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub n: u64,
    pub design: Design,
    pub params: Vec<(String, Dist)>,
}

/// A checked spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub name: String,
    pub description: String,
    /// As written: shipped names or paths (relative to the spec's folder).
    pub scenarios: Vec<String>,
    pub seeds: Vec<u64>,
    pub shard_size: u64,
    pub table: Option<String>,
    pub grid: Vec<(String, Vec<f64>)>,
    pub sample: Option<Sample>,
    /// None: each scenario's own region.
    pub regions: Option<Vec<String>>,
    pub variables: Vec<String>,
}

fn line_of(text: &str, key: &str) -> String {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(String::new(), |i| format!(":{}", i + 1))
}

fn unknown_param(file: &str, text: &str, name: &str) -> anyhow::Error {
    let names: Vec<&str> = PARAMS.iter().map(|p| p.name).collect();
    anyhow::anyhow!(
        "{file}{}: unknown parameter \"{name}\"; parameters are: {}",
        line_of(text, name),
        names.join(", ")
    )
}

fn check_value(file: &str, text: &str, name: &str, v: f64) -> Result<()> {
    let def = param_def(name).ok_or_else(|| unknown_param(file, text, name))?;
    if !(v.is_finite() && def.min <= v && v <= def.max) {
        bail!(
            "{file}{}: {name} = {v} lies outside its plausible range {} to {} ({}); \
             choose a value in the range (docs/calibration.md)",
            line_of(text, name),
            def.min,
            def.max,
            def.unit
        );
    }
    Ok(())
}

/// Parses and checks a spec; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Spec> {
    let raw: RawSpec = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| line_col(text, s.start))
            .map_or(String::new(), |(l, c)| format!(":{l}:{c}"));
        anyhow::anyhow!(
            "{file}{at}: {}; see examples/sweeps/quick.toml for the keys",
            e.message().trim()
        )
    })?;
    if raw.schema != 1 {
        bail!(
            "{file}{}: schema = {} is not supported; write schema = 1",
            line_of(text, "schema"),
            raw.schema
        );
    }
    if raw.name.is_empty()
        || !raw
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        bail!(
            "{file}{}: name \"{}\" must be non-empty and use only letters, digits, '-', '_' and '.'",
            line_of(text, "name"),
            raw.name
        );
    }
    if raw.scenarios.is_empty() {
        bail!(
            "{file}{}: scenarios is empty; name at least one shipped scenario or file",
            line_of(text, "scenarios")
        );
    }
    let seeds = raw.seeds.unwrap_or_else(|| vec![0]);
    if seeds.is_empty() {
        bail!(
            "{file}{}: seeds is empty; give at least one seed or leave the key out (seed 0)",
            line_of(text, "seeds")
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for s in &seeds {
        if !seen.insert(*s) || *s > i64::MAX as u64 {
            bail!(
                "{file}{}: seed {s} is repeated or above 2^63 - 1",
                line_of(text, "seeds")
            );
        }
    }
    let shard_size = raw.shard_size.unwrap_or(100);
    if shard_size == 0 {
        bail!(
            "{file}{}: shard_size must be at least 1",
            line_of(text, "shard_size")
        );
    }
    let mut grid = Vec::new();
    for (name, values) in raw.grid {
        if values.is_empty() {
            bail!("{file}{}: grid.{name} has no values", line_of(text, &name));
        }
        for v in &values {
            check_value(file, text, &name, *v)?;
        }
        grid.push((name, values));
    }
    let sample = match raw.sample {
        None => None,
        Some(s) => {
            if s.n == 0 {
                bail!(
                    "{file}{}: sample.n must be at least 1",
                    line_of(text, "n =")
                );
            }
            let design = match s.design.as_deref() {
                None | Some("lhs") => Design::Lhs,
                Some("random") => Design::Random,
                Some(d) => bail!(
                    "{file}{}: sample.design = \"{d}\"; use \"lhs\" or \"random\"",
                    line_of(text, "design")
                ),
            };
            if s.params.is_empty() {
                bail!(
                    "{file}: [sample.params] lists no parameter; add e.g. mpc_labour = \"range\""
                );
            }
            let mut params = Vec::new();
            for (name, d) in s.params {
                if grid.iter().any(|(g, _)| *g == name) {
                    bail!(
                        "{file}{}: {name} is both in [grid] and in [sample.params]; keep it in one",
                        line_of(text, &name)
                    );
                }
                let def = param_def(&name).ok_or_else(|| unknown_param(file, text, &name))?;
                if def.min == def.max {
                    bail!(
                        "{file}{}: {name} is fixed by a published figure; it cannot be sampled",
                        line_of(text, &name)
                    );
                }
                let dist = match d {
                    RawDist::Word(w) if w == "range" => Dist::Uniform { lo: def.min, hi: def.max },
                    RawDist::Word(w) => bail!(
                        "{file}{}: sample.params.{name} = \"{w}\"; write \"range\" or a table such as {{ dist = \"uniform\", lo = 0.5, hi = 0.7 }}",
                        line_of(text, &name)
                    ),
                    RawDist::Table(t) => {
                        check_value(file, text, &name, t.lo)?;
                        check_value(file, text, &name, t.hi)?;
                        if t.lo >= t.hi {
                            bail!("{file}{}: sample.params.{name} needs lo < hi", line_of(text, &name));
                        }
                        let d = match (t.dist.as_str(), t.mode, t.mean, t.sd, t.alpha, t.beta) {
                            ("uniform", None, None, None, None, None) => Dist::Uniform { lo: t.lo, hi: t.hi },
                            ("triangular", Some(mode), None, None, None, None) => {
                                Dist::Triangular { lo: t.lo, mode, hi: t.hi }
                            }
                            ("normal", None, Some(mean), Some(sd), None, None) => {
                                Dist::Normal { mean, sd, lo: t.lo, hi: t.hi }
                            }
                            ("beta", None, None, None, Some(alpha), Some(beta)) => {
                                Dist::Beta { alpha, beta, lo: t.lo, hi: t.hi }
                            }
                            _ => bail!(
                                "{file}{}: sample.params.{name}: write {{ dist = \"uniform\", lo, hi }}, {{ dist = \"triangular\", lo, mode, hi }}, {{ dist = \"normal\", mean, sd, lo, hi }} or {{ dist = \"beta\", alpha, beta, lo, hi }}",
                                line_of(text, &name)
                            ),
                        };
                        d.validate().map_err(|e| {
                            anyhow::anyhow!("{file}{}: sample.params.{name}: {e}", line_of(text, &name))
                        })?;
                        d
                    }
                };
                params.push((name, dist));
            }
            Some(Sample {
                n: s.n,
                design,
                params,
            })
        }
    };
    let (regions, variables) = match raw.outputs {
        None => (None, None),
        Some(o) => (o.regions, o.variables),
    };
    let variables =
        variables.unwrap_or_else(|| DEFAULT_VARIABLES.iter().map(|s| s.to_string()).collect());
    if variables.is_empty() || regions.as_ref().is_some_and(|r| r.is_empty()) {
        bail!(
            "{file}{}: outputs lists no variable or no region; leave the key out for the defaults",
            line_of(text, "[outputs]")
        );
    }
    let spec = Spec {
        name: raw.name,
        description: raw.description,
        scenarios: raw.scenarios,
        seeds,
        shard_size,
        table: raw.table,
        grid,
        sample,
        regions,
        variables,
    };
    let n = spec.n_variants();
    if n > MAX_VARIANTS {
        bail!("{file}: the spec makes {n} variants, more than the {MAX_VARIANTS} one plan holds; split it into several sweeps");
    }
    Ok(spec)
}

/// One variant's place in the cross product.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub id: u64,
    pub scenario: usize,
    pub seed: u64,
    /// Index of the parameter set (seed × grid point × draw).
    pub set: u64,
    /// One value per name of [`Spec::param_names`].
    pub values: Vec<f64>,
}

impl Spec {
    fn n_points(&self) -> u64 {
        self.grid
            .iter()
            .map(|(_, v)| v.len() as u64)
            .product::<u64>()
    }
    fn n_draws(&self) -> u64 {
        self.sample.as_ref().map_or(1, |s| s.n)
    }
    pub fn n_variants(&self) -> u64 {
        (self.seeds.len() as u64)
            .saturating_mul(self.n_points())
            .saturating_mul(self.n_draws())
            .saturating_mul(self.scenarios.len() as u64)
    }
    /// The swept parameters: grid ones (name order), then sampled ones.
    pub fn param_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.grid.iter().map(|(n, _)| n.clone()).collect();
        if let Some(s) = &self.sample {
            v.extend(s.params.iter().map(|(n, _)| n.clone()));
        }
        v
    }

    /// The sample draws of one seed: `n` rows of one value per sampled
    /// parameter.
    fn draws(&self, seed: u64) -> Vec<Vec<f64>> {
        let Some(s) = &self.sample else {
            return vec![Vec::new()];
        };
        let n = s.n as usize;
        let d = s.params.len();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut u = vec![vec![0.0; d]; n];
        match s.design {
            Design::Random => {
                for row in u.iter_mut() {
                    for x in row.iter_mut() {
                        *x = rng.random::<f64>();
                    }
                }
            }
            Design::Lhs => {
                // Each dimension: one point in each of n strata, strata
                // shuffled (Fisher-Yates), point uniform within its stratum.
                for j in 0..d {
                    let mut perm: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        let k = rng.random_range(0..=i);
                        perm.swap(i, k);
                    }
                    for (i, row) in u.iter_mut().enumerate() {
                        row[j] = (perm[i] as f64 + rng.random::<f64>()) / n as f64;
                    }
                }
            }
        }
        u.into_iter()
            .map(|row| {
                row.iter()
                    .zip(&s.params)
                    .map(|(x, (_, dist))| dist.quantile(*x))
                    .collect()
            })
            .collect()
    }

    /// Every variant, in order (ids 0, 1, …).
    pub fn variants(&self) -> Vec<Variant> {
        let mut out = Vec::with_capacity(self.n_variants() as usize);
        let n_points = self.n_points();
        let mut set = 0u64;
        for &seed in &self.seeds {
            let draws = self.draws(seed);
            for p in 0..n_points {
                // Mixed-radix digits of p, last grid parameter fastest.
                let mut rest = p;
                let mut point = vec![0.0; self.grid.len()];
                for (k, (_, vals)) in self.grid.iter().enumerate().rev() {
                    let m = vals.len() as u64;
                    point[k] = vals[(rest % m) as usize];
                    rest /= m;
                }
                for draw in &draws {
                    let mut values = point.clone();
                    values.extend_from_slice(draw);
                    for scenario in 0..self.scenarios.len() {
                        out.push(Variant {
                            id: out.len() as u64,
                            scenario,
                            seed,
                            set,
                            values: values.clone(),
                        });
                    }
                    set += 1;
                }
            }
        }
        out
    }

    pub fn n_shards(&self) -> u64 {
        self.n_variants().div_ceil(self.shard_size).max(1)
    }
}

/// The variant ids of shard `k` of a layout of `shard_size` per shard.
pub fn shard_range(k: u64, shard_size: u64, n_variants: u64) -> std::ops::Range<u64> {
    let a = (k * shard_size).min(n_variants);
    let b = ((k + 1) * shard_size).min(n_variants);
    a..b
}

/// Reads and parses a spec file.
pub fn read(path: &std::path::Path) -> Result<(Spec, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read sweep spec {}", path.display()))?;
    Ok((parse(&text, &path.display().to_string())?, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
schema = 1
name = "t"
scenarios = ["baseline-2024", "controls-escalate"]
seeds = [1, 2]
shard_size = 5
[grid]
mpc_labour = [0.5, 0.6, 0.7]
[sample]
n = 4
[sample.params]
confidence_elasticity = "range"
capacity_headroom = { dist = "triangular", lo = 0.05, mode = 0.08, hi = 0.12 }
"#;

    #[test]
    fn crosses_seeds_grid_draws_and_scenarios() {
        let s = parse(SPEC, "t.toml").unwrap();
        assert_eq!(s.n_variants(), 2 * 3 * 4 * 2);
        let v = s.variants();
        assert_eq!(v.len(), 48);
        assert_eq!(s.n_shards(), 10);
        assert_eq!(shard_range(9, 5, 48), 45..48);
        // Scenario fastest, sharing the parameter set.
        assert_eq!(
            (v[0].scenario, v[1].scenario, v[0].set, v[1].set),
            (0, 1, 0, 0)
        );
        assert_eq!(v[0].values, v[1].values);
        // Grid value changes after the 4 draws × 2 scenarios.
        assert_eq!(v[0].values[0], 0.5);
        assert_eq!(v[8].values[0], 0.6);
        // Common random numbers across grid points, fresh draws per seed.
        assert_eq!(v[0].values[1..], v[8].values[1..]);
        assert_ne!(v[0].values[1..], v[24].values[1..]);
        // Same spec, same variants.
        assert_eq!(v, parse(SPEC, "t.toml").unwrap().variants());
        // Sampled parameters in name order: capacity_headroom, then
        // confidence_elasticity.
        assert_eq!(
            s.param_names(),
            ["mpc_labour", "capacity_headroom", "confidence_elasticity"]
        );
        for x in &v {
            assert!((0.05..=0.12).contains(&x.values[1]));
            assert!((0.05..=0.3).contains(&x.values[2]));
        }
    }

    #[test]
    fn latin_hypercube_fills_each_stratum_once() {
        let text = SPEC.replace("n = 4", "n = 50");
        let s = parse(&text, "t.toml").unwrap();
        let d = s.draws(7);
        let (lo, hi) = (0.05, 0.3);
        let mut strata: Vec<usize> = d
            .iter()
            .map(|r| (((r[1] - lo) / (hi - lo)) * 50.0) as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn bad_specs_name_the_place_and_the_fix() {
        let e = parse(
            &SPEC.replace("mpc_labour = [0.5", "mpc_labour = [0.95"),
            "t.toml",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("t.toml:8: mpc_labour = 0.95 lies outside"),
            "{e}"
        );
        let e = parse(&SPEC.replace("mpc_labour", "mpc_labor"), "t.toml").unwrap_err();
        assert!(
            e.to_string().contains("unknown parameter \"mpc_labor\""),
            "{e}"
        );
        let e = parse(&SPEC.replace("shard_size", "shard_sise"), "t.toml").unwrap_err();
        assert!(e.to_string().contains("t.toml:6:1"), "{e}");
        let e = parse(&SPEC.replace("\"range\"", "\"wide\""), "t.toml").unwrap_err();
        assert!(e.to_string().contains("write \"range\""), "{e}");
        let e = parse(
            &SPEC.replace("n = 4", "n = 4\ndesign = \"sobol\""),
            "t.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("\"lhs\" or \"random\""), "{e}");
    }

    #[test]
    fn normal_and_beta_draws_stay_in_their_bounds() {
        let text = SPEC.replace(
            "capacity_headroom = { dist = \"triangular\", lo = 0.05, mode = 0.08, hi = 0.12 }",
            "capacity_headroom = { dist = \"normal\", mean = 0.08, sd = 0.02, lo = 0.05, hi = 0.12 }\nmpc_owners = { dist = \"beta\", alpha = 2.0, beta = 3.0, lo = 0.1, hi = 0.4 }",
        );
        let s = parse(&text, "t.toml").unwrap();
        for v in s.variants() {
            assert!((0.05..=0.12).contains(&v.values[1]), "{:?}", v.values);
            assert!((0.1..=0.4).contains(&v.values[3]), "{:?}", v.values);
        }
        let bad = SPEC.replace("mode = 0.08, ", "");
        let e = parse(&bad, "t.toml").unwrap_err();
        assert!(
            e.to_string()
                .contains("dist = \"triangular\", lo, mode, hi"),
            "{e}"
        );
    }

    #[test]
    fn triangular_quantile_is_the_inverse_cdf() {
        let d = Dist::Triangular {
            lo: 0.0,
            mode: 1.0,
            hi: 4.0,
        };
        assert_eq!(d.quantile(0.0), 0.0);
        assert!((d.quantile(0.25) - 1.0).abs() < 1e-12);
        assert!((d.quantile(1.0) - 4.0).abs() < 1e-12);
    }
}
