//! The technology layer: products that export controls target, split into
//! technologies (shipped file `data/technology/chips.toml`).
//!
//! A table's C26 (electronics) and C28 (machinery) are far wider than what
//! the controls name. For a technology τ of product s the file gives the
//! share θ_rτ of origin r's deliveries of s to the target (its trade share;
//! for the target's own output, its output share), the substitutability
//! σ⁰_τ (share of a blocked flow replaced within about a year), China's
//! capability κ_τ (share it could make itself while controls last), the
//! learning time L_τ of new domestic capacity, the cost premium π_τ of the
//! substitute and the dependent share D_τ (share of a critical user's output
//! that needs the technology; for tools, of chip-making capacity). The
//! share of a blocked flow that substitutes replace t years after the block
//! is
//!
//! σ_τ(t) = κ̄ − (κ̄ − σ⁰_τ) e^(−t/L_τ),  κ̄ = max(κ_τ, σ⁰_τ),
//!
//! so σ_τ(0) = σ⁰_τ and σ_τ(∞) = κ̄: substitutes arrive with a learning
//! curve of time constant L_τ and stop at what domestic capability allows.
//! Every figure carries a stated range; loading checks that the values sit
//! in their ranges and that the shares of a product sum to 1 for every
//! origin.

use std::collections::BTreeMap;

use plenum_table::Labels;
use serde::Deserialize;

use crate::error::GvcError;

/// The shipped technology file.
pub const SHIPPED: &str = include_str!("../../../data/technology/chips.toml");
const SHIPPED_NAME: &str = "data/technology/chips.toml (embedded)";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema: u32,
    product: BTreeMap<String, RawProduct>,
    tools: RawTools,
    technology: Vec<RawTech>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    name: String,
    technologies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTools {
    life_years: f64,
    life_years_range: [f64; 2],
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTech {
    id: String,
    product: String,
    name: String,
    trade_share: BTreeMap<String, f64>,
    trade_share_other: f64,
    trade_share_range: [f64; 2],
    output_share: f64,
    output_share_range: [f64; 2],
    substitutability: f64,
    substitutability_range: [f64; 2],
    capability: f64,
    capability_range: [f64; 2],
    learning_years: f64,
    learning_years_range: [f64; 2],
    premium: f64,
    premium_range: [f64; 2],
    dependent_share: f64,
    dependent_share_range: [f64; 2],
    #[serde(default)]
    uses: Vec<String>,
    sources: String,
}

/// One technology of a product.
#[derive(Debug, Clone, PartialEq)]
pub struct Technology {
    pub id: String,
    /// Product (sector label) it belongs to.
    pub product: String,
    pub name: String,
    /// θ_rτ by origin label; origins not listed take `trade_share_other`.
    pub trade_share: BTreeMap<String, f64>,
    pub trade_share_other: f64,
    /// Share of the target's own output of the product.
    pub output_share: f64,
    /// σ⁰: share of a blocked flow replaced within about a year.
    pub substitutability: f64,
    /// κ: share of demand the target's industry could meet itself.
    pub capability: f64,
    /// L: time constant of new domestic capacity, years.
    pub learning_years: f64,
    /// π: cost premium of the substitute.
    pub premium: f64,
    /// D: dependent share of a critical user's output (tools: of capacity).
    pub dependent_share: f64,
    /// Tools: chip technologies whose capacity needs the tool.
    pub uses: Vec<String>,
    pub sources: String,
}

impl Technology {
    /// θ_rτ for an origin label.
    pub fn trade_share_of(&self, origin: &str) -> f64 {
        self.trade_share
            .get(origin)
            .copied()
            .unwrap_or(self.trade_share_other)
    }
    /// Share of origin `origin`'s flows that is this technology; the
    /// target's own region takes the output share.
    pub fn share(&self, origin: &str, target: &str) -> f64 {
        if origin == target {
            self.output_share
        } else {
            self.trade_share_of(origin)
        }
    }
    /// σ_τ(t): share of a blocked flow replaced t ≥ 0 years after the block.
    pub fn substitutability_at(&self, years: f64) -> f64 {
        let kbar = self.capability.max(self.substitutability);
        let t = years.max(0.0);
        kbar - (kbar - self.substitutability) * (-t / self.learning_years).exp()
    }
    /// A capital good (tool) rather than an intermediate input.
    pub fn is_tool(&self) -> bool {
        !self.uses.is_empty()
    }
}

/// The technology layer: products and their technologies.
#[derive(Debug, Clone, PartialEq)]
pub struct TechnologyTable {
    /// (product label, name, technology ids in file order).
    pub products: Vec<(String, String, Vec<String>)>,
    pub technologies: Vec<Technology>,
    /// Service life of a wafer-fab tool, years.
    pub tool_life_years: f64,
}

fn err(source: &str, message: String, hint: &str) -> GvcError {
    GvcError::Parse {
        source_name: source.into(),
        line: 1,
        column: 1,
        message,
        expected:
            "values inside their stated ranges and shares of a product summing to 1 per origin"
                .into(),
        hint: hint.into(),
    }
}

fn check_range(
    source: &str,
    what: &str,
    v: f64,
    r: [f64; 2],
    hard: [f64; 2],
) -> Result<(), GvcError> {
    if !(v.is_finite() && r[0].is_finite() && r[1].is_finite()) {
        return Err(err(
            source,
            format!("{what} is not a finite number"),
            "Give a number.",
        ));
    }
    if r[0] > r[1] || r[0] < hard[0] || r[1] > hard[1] {
        return Err(err(
            source,
            format!(
                "{what}: range [{}, {}] is not within [{}, {}] or is reversed",
                r[0], r[1], hard[0], hard[1]
            ),
            "Give [low, high] with low <= high inside the allowed bounds.",
        ));
    }
    if v < r[0] - 1e-12 || v > r[1] + 1e-12 {
        return Err(err(
            source,
            format!(
                "{what} = {v} lies outside its stated range [{}, {}]",
                r[0], r[1]
            ),
            "Move the value into its range or widen the range (with a source).",
        ));
    }
    Ok(())
}

impl TechnologyTable {
    /// The shipped file, parsed once per process (scenario runs ask for
    /// it on every run; parsing was an eighth of a Monte Carlo draw's
    /// time), then cloned.
    pub fn shipped() -> Result<Self, GvcError> {
        static PARSED: std::sync::OnceLock<Option<TechnologyTable>> = std::sync::OnceLock::new();
        match PARSED.get_or_init(|| Self::parse(SHIPPED, SHIPPED_NAME).ok()) {
            Some(t) => Ok(t.clone()),
            // Parse again for the error (the file is checked by tests).
            None => Self::parse(SHIPPED, SHIPPED_NAME),
        }
    }

    /// Parses and checks a technology file.
    pub fn parse(text: &str, source_name: &str) -> Result<Self, GvcError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |s| plenum_table::line_col(text, s.start));
            GvcError::Parse {
                source_name: source_name.into(),
                line,
                column,
                message: e.message().to_string(),
                expected: "the layout of data/technology/chips.toml".into(),
                hint: "See the comment at the top of data/technology/chips.toml.".into(),
            }
        })?;
        if raw.schema != 1 {
            return Err(err(
                source_name,
                format!("schema {} is not supported", raw.schema),
                "Write schema = 1.",
            ));
        }
        check_range(
            source_name,
            "[tools] life_years",
            raw.tools.life_years,
            raw.tools.life_years_range,
            [0.5, 50.0],
        )?;
        let mut techs = Vec::with_capacity(raw.technology.len());
        for t in &raw.technology {
            let at = |k: &str| format!("technology \"{}\" {k}", t.id);
            let unit = [0.0, 1.0];
            check_range(
                source_name,
                &at("output_share"),
                t.output_share,
                t.output_share_range,
                unit,
            )?;
            check_range(
                source_name,
                &at("substitutability"),
                t.substitutability,
                t.substitutability_range,
                unit,
            )?;
            check_range(
                source_name,
                &at("capability"),
                t.capability,
                t.capability_range,
                unit,
            )?;
            check_range(
                source_name,
                &at("learning_years"),
                t.learning_years,
                t.learning_years_range,
                [0.1, 100.0],
            )?;
            check_range(
                source_name,
                &at("premium"),
                t.premium,
                t.premium_range,
                [0.0, 10.0],
            )?;
            check_range(
                source_name,
                &at("dependent_share"),
                t.dependent_share,
                t.dependent_share_range,
                unit,
            )?;
            check_range(
                source_name,
                &at("trade_share_range"),
                1.0,
                t.trade_share_range,
                [0.0, 10.0],
            )?;
            for (o, &v) in t
                .trade_share
                .iter()
                .chain([(&"(other)".to_string(), &t.trade_share_other)])
            {
                if !(0.0..=1.0).contains(&v) {
                    return Err(err(
                        source_name,
                        format!(
                            "{}: share {v} for origin {o} is not in [0, 1]",
                            at("trade_share")
                        ),
                        "Give a share in [0, 1].",
                    ));
                }
            }
            if t.sources.trim().is_empty() {
                return Err(err(
                    source_name,
                    format!("{}: no sources", at("sources")),
                    "Say where every figure comes from.",
                ));
            }
            techs.push(Technology {
                id: t.id.clone(),
                product: t.product.clone(),
                name: t.name.clone(),
                trade_share: t.trade_share.clone(),
                trade_share_other: t.trade_share_other,
                output_share: t.output_share,
                substitutability: t.substitutability,
                capability: t.capability,
                learning_years: t.learning_years,
                premium: t.premium,
                dependent_share: t.dependent_share,
                uses: t.uses.clone(),
                sources: t.sources.trim().to_string(),
            });
        }
        let mut products = Vec::new();
        for (p, rp) in &raw.product {
            for id in &rp.technologies {
                match techs.iter().find(|t| &t.id == id) {
                    Some(t) if &t.product == p => {}
                    Some(t) => {
                        return Err(err(
                            source_name,
                            format!(
                                "product {p} lists technology \"{id}\", which belongs to {}",
                                t.product
                            ),
                            "List each technology under its own product.",
                        ))
                    }
                    None => {
                        return Err(err(
                            source_name,
                            format!("product {p} lists unknown technology \"{id}\""),
                            "Add a [[technology]] with that id or remove it from the list.",
                        ))
                    }
                }
            }
            let members: Vec<&Technology> = techs.iter().filter(|t| &t.product == p).collect();
            if members.len() != rp.technologies.len() {
                return Err(err(
                    source_name,
                    format!("product {p}: its technologies list does not name every technology of the product"),
                    "List every technology of the product once.",
                ));
            }
            // Shares sum to 1 for every origin named, for "other" and for output.
            let mut origins: Vec<&String> =
                members.iter().flat_map(|t| t.trade_share.keys()).collect();
            origins.sort();
            origins.dedup();
            let mut checks: Vec<(String, f64)> = origins
                .iter()
                .map(|o| {
                    (
                        format!("origin {o}"),
                        members.iter().map(|t| t.trade_share_of(o)).sum(),
                    )
                })
                .collect();
            checks.push((
                "other origins".into(),
                members.iter().map(|t| t.trade_share_other).sum(),
            ));
            checks.push((
                "output".into(),
                members.iter().map(|t| t.output_share).sum(),
            ));
            for (what, sum) in checks {
                if (sum - 1.0).abs() > 1e-9 {
                    return Err(err(
                        source_name,
                        format!("product {p}: the shares of {what} sum to {sum}, not 1"),
                        "Make the technologies of a product add up to the whole product.",
                    ));
                }
            }
            products.push((p.clone(), rp.name.clone(), rp.technologies.clone()));
        }
        for t in &techs {
            if !raw.product.contains_key(&t.product) {
                return Err(err(
                    source_name,
                    format!(
                        "technology \"{}\" names product {}, which has no [product.{}] entry",
                        t.id, t.product, t.product
                    ),
                    "Add the product with its list of technologies.",
                ));
            }
            for u in &t.uses {
                match techs.iter().find(|k| &k.id == u) {
                    Some(k) if !k.is_tool() => {}
                    _ => {
                        return Err(err(
                            source_name,
                            format!("technology \"{}\" uses \"{u}\", which is not a chip technology of the file", t.id),
                            "Name technologies without `uses` (the chips the tool makes).",
                        ))
                    }
                }
            }
        }
        let mut ids: Vec<&str> = techs.iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(err(
                source_name,
                format!("technology \"{}\" appears twice", w[0]),
                "Give each technology one entry.",
            ));
        }
        Ok(Self {
            products,
            technologies: techs,
            tool_life_years: raw.tools.life_years,
        })
    }

    /// The technology with this id.
    pub fn get(&self, id: &str) -> Result<&Technology, GvcError> {
        self.technologies
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| {
                GvcError::Invalid(format!(
                    "unknown technology \"{id}\"; the technology file has: {}",
                    self.technologies
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// Sector indices of the file's products in a table; an error names a
    /// product the table lacks.
    pub fn resolve_products(&self, labels: &Labels) -> Result<Vec<usize>, GvcError> {
        self.products
            .iter()
            .map(|(p, _, _)| {
                labels.sector_index(p).ok_or_else(|| {
                    GvcError::Invalid(format!(
                        "the technology layer splits product {p}, which this table does not have (its sectors: {}); use a table with the default table's sectors (C26, C28) or a technology file for this table's sectors",
                        labels.sectors().join(", ")
                    ))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_loads_and_is_consistent() {
        let t = TechnologyTable::shipped().expect("shipped file");
        assert_eq!(t.products.len(), 2);
        assert_eq!(t.technologies.len(), 7);
        let litho = t.get("lithography").expect("lithography");
        assert!(litho.is_tool());
        assert!(litho.trade_share_of("NLD") > 0.5);
        assert!(litho.substitutability < 0.1);
    }

    #[test]
    fn learning_curve_starts_at_sigma0_and_tends_to_capability() {
        let t = TechnologyTable::shipped().expect("shipped file");
        let m = t.get("memory").expect("memory");
        assert_eq!(m.substitutability_at(0.0), m.substitutability);
        assert!((m.substitutability_at(1000.0) - m.capability).abs() < 1e-12);
        let mid = m.substitutability_at(m.learning_years);
        let want = m.capability - (m.capability - m.substitutability) / std::f64::consts::E;
        assert!((mid - want).abs() < 1e-12);
    }

    #[test]
    fn shares_that_do_not_sum_to_one_are_rejected() {
        let bad = SHIPPED.replace("trade_share = { NLD = 0.70", "trade_share = { NLD = 0.60");
        let e = TechnologyTable::parse(&bad, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("product C28") && e.contains("origin NLD"), "{e}");
    }

    #[test]
    fn values_outside_their_range_and_unknown_keys_are_rejected() {
        let bad = SHIPPED.replace("substitutability = 0.05\n", "substitutability = 0.5\n");
        let e = TechnologyTable::parse(&bad, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("lithography") && e.contains("outside its stated range"),
            "{e}"
        );
        let bad = SHIPPED.replace("premium = 1.0\n", "premium = 1.0\nprice = 2\n");
        let e = TechnologyTable::parse(&bad, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.toml:") && e.contains("price"), "{e}");
    }
}
