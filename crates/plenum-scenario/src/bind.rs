//! Binding a scenario to a table: every region, sector and final-demand
//! category the scenario names is looked up in the table's labels, and an
//! unknown one is an error that names the file, the line and the valid
//! labels.

use crate::economy::{Economy, GOVERNMENT_NAMES, HOUSEHOLD_NAMES, INVESTMENT_NAMES};
use crate::error::{Result, ScenarioError};
use crate::schema::Scenario;

/// A measure on one product, with indices.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundMeasure {
    /// Index into `Scenario::measures`.
    pub measure: usize,
    pub product: usize,
    /// The measure's technologies of this product (empty: the whole
    /// product), from the shipped technology layer.
    pub techs: Vec<plenum_gvc::Technology>,
    pub from: Vec<bool>,
    pub to: Vec<bool>,
    pub users: Option<Vec<bool>>,
    /// The flow the measure covers in the base quarter (x⁰, Y⁰).
    pub base_flow: f64,
    /// The third economy of its rerouting, if any (region index).
    pub via: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoundProgramme {
    pub target: usize,
    pub spending: Vec<(usize, f64)>,
}

/// A scenario's labels as table indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub china: usize,
    pub households: usize,
    pub government: usize,
    pub investment: usize,
    pub chips: usize,
    pub equipment: usize,
    pub construction: usize,
    pub real_estate: usize,
    /// Trend growth (% per year) of every region other than `china`.
    pub trend: Vec<f64>,
    /// κ_s per sector.
    pub critical: Vec<f64>,
    pub measures: Vec<BoundMeasure>,
    pub programmes: Vec<BoundProgramme>,
    pub fdi_targeted: Vec<(usize, f64)>,
}

fn unknown(
    scn: &Scenario,
    key: &str,
    kind: &'static str,
    label: &str,
    valid: &[String],
) -> ScenarioError {
    ScenarioError::UnknownLabel {
        at: scn.locate(key),
        key: key.to_string(),
        kind,
        label: label.to_string(),
        valid: valid.to_vec(),
    }
}

fn find(
    scn: &Scenario,
    key: &str,
    kind: &'static str,
    label: &str,
    valid: &[String],
) -> Result<usize> {
    valid
        .iter()
        .position(|v| v == label)
        .ok_or_else(|| unknown(scn, key, kind, label, valid))
}

fn fd_role(
    scn: &Scenario,
    econ: &Economy,
    key: &str,
    given: &Option<String>,
    names: &[&str],
) -> Result<usize> {
    match given {
        Some(g) => find(scn, key, "final-demand category", g, &econ.fd_categories),
        None => names
            .iter()
            .find_map(|n| econ.fd_categories.iter().position(|c| c == n))
            .ok_or_else(|| ScenarioError::Table {
                message: format!(
                    "no final-demand category for `{key}` among {:?} (looked for {:?})",
                    econ.fd_categories, names
                ),
                fix: format!("name it in the scenario: [economy] {key} = \"...\""),
            }),
    }
}

/// Binds `scn` to the table behind `econ`.
pub fn bind(scn: &Scenario, econ: &Economy) -> Result<Bound> {
    let r = &scn.roles;
    let regions = &econ.regions;
    let sectors = &econ.sectors;
    let china = find(scn, "region", "region", &r.region, regions)?;
    let mut trend = vec![f64::NAN; econ.nr];
    for (name, g) in &scn.trend_growth {
        let k = find(scn, name, "region", name, regions)?;
        if k == china {
            return Err(ScenarioError::Invalid {
                at: scn.locate(name),
                key: format!("trend_growth.{name}"),
                value: g.to_string(),
                expected: "no trend for the scenario's own region".into(),
                fix: "China's demand growth is calibrated; set params.china_autonomous_growth to fix it instead".into(),
            });
        }
        trend[k] = *g;
    }
    trend[china] = 0.0;
    if let Some(k) = trend.iter().position(|g| g.is_nan()) {
        return Err(ScenarioError::Missing {
            at: scn.locate("trend_growth"),
            key: format!("world.trend_growth.{}", regions[k]),
            why: "every region other than the scenario's own needs a trend growth rate".into(),
        });
    }
    let mut critical = vec![0.0; econ.ns];
    for (s, k) in &scn.critical {
        critical[find(scn, s, "sector", s, sectors)?] = *k;
    }
    let mut measures = Vec::new();
    for (mi, m) in scn.measures.iter().enumerate() {
        let mut from = vec![false; econ.nr];
        for g in &m.from {
            from[find(scn, "from", "region", g, regions)?] = true;
        }
        let mut to = vec![false; econ.nr];
        for g in &m.to {
            to[find(scn, "to", "region", g, regions)?] = true;
        }
        let users = match &m.users {
            Some(u) => {
                let mut v = vec![false; econ.ns];
                for s in u {
                    v[find(scn, "users", "sector", s, sectors)?] = true;
                }
                Some(v)
            }
            None => None,
        };
        let via = match &m.reroute {
            Some(rr) => Some(find(scn, "reroute_via", "region", &rr.via, regions)?),
            None => None,
        };
        for p in &m.products {
            let product = find(scn, "products", "sector", p, sectors)?;
            let (n, ns, nf) = (econ.n, econ.ns, econ.nf);
            let mut base_flow = 0.0;
            for g in (0..econ.nr).filter(|&g| from[g]) {
                let i = g * ns + product;
                for j in 0..n {
                    if to[j / ns] && users.as_ref().is_none_or(|u| u[j % ns]) {
                        base_flow += econ.a[i * n + j] * econ.x0[j];
                    }
                }
                if users.is_none() {
                    for c in (0..econ.nr * nf).filter(|c| to[c / nf]) {
                        base_flow += econ.y0[c * n + i];
                    }
                }
            }
            let techs = if m.technologies.is_empty() {
                Vec::new()
            } else {
                let layer =
                    plenum_gvc::TechnologyTable::shipped().map_err(|e| ScenarioError::Table {
                        message: format!("the technology layer: {e}"),
                        fix: "restore data/technology/chips.toml".into(),
                    })?;
                layer
                    .technologies
                    .into_iter()
                    .filter(|t| &t.product == p && m.technologies.contains(&t.id))
                    .collect()
            };
            measures.push(BoundMeasure {
                measure: mi,
                product,
                techs,
                from: from.clone(),
                to: to.clone(),
                users: users.clone(),
                base_flow,
                via,
            });
        }
    }
    let mut programmes = Vec::new();
    for p in &scn.programmes {
        let target = find(scn, "target", "sector", &p.target, sectors)?;
        let spending = p
            .spending
            .iter()
            .map(|(s, v)| Ok((find(scn, s, "sector", s, sectors)?, *v)))
            .collect::<Result<Vec<_>>>()?;
        programmes.push(BoundProgramme { target, spending });
    }
    let fdi_targeted = scn
        .fdi_targeted
        .iter()
        .map(|(s, v)| Ok((find(scn, s, "sector", s, sectors)?, *v)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Bound {
        china,
        households: fd_role(scn, econ, "households", &r.households, &HOUSEHOLD_NAMES)?,
        government: fd_role(scn, econ, "government", &r.government, &GOVERNMENT_NAMES)?,
        investment: fd_role(scn, econ, "investment", &r.investment, &INVESTMENT_NAMES)?,
        chips: find(scn, "chips", "sector", &r.chips, sectors)?,
        equipment: find(scn, "equipment", "sector", &r.equipment, sectors)?,
        construction: find(scn, "construction", "sector", &r.construction, sectors)?,
        real_estate: find(scn, "real_estate", "sector", &r.real_estate, sectors)?,
        trend,
        critical,
        measures,
        programmes,
        fdi_targeted,
    })
}
