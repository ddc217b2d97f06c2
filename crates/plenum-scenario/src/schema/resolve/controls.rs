//! `[controls]` ([`crate::blocks::controls`]): critical inputs and the
//! export-control measures.

use super::Resolver;
use crate::error::Result;
use crate::schema::{Anticipation, Measure, RawControls, Reroute};

type Controls = (Vec<(String, f64)>, Vec<Measure>);

pub(super) fn resolve(r: &Resolver<'_>, raw: Option<RawControls>) -> Result<Controls> {
    let ctl = raw.unwrap_or_default();
    let critical = r.shares("controls.critical", ctl.critical.unwrap_or_default(), false)?;
    let mut measures = Vec::new();
    for m in ctl.measure.unwrap_or_default() {
        let key = |k: &str| format!("controls.measure[{}].{k}", m.id);
        let start = r.quarter(&key("start"), &m.start)?;
        let end = m
            .end
            .as_deref()
            .map(|s| r.quarter(&key("end"), s))
            .transpose()?;
        if m.from.is_empty() || m.to.is_empty() || m.products.is_empty() {
            return Err(r.invalid(
                &key("from"),
                format!("measure \"{}\"", m.id),
                "non-empty `from`, `to` and `products` lists",
                "name the regions and products",
            ));
        }
        if let Some(reg) = m.from.iter().find(|reg| m.to.contains(reg)) {
            return Err(r.invalid(
                &key("to"),
                format!("\"{reg}\" in measure \"{}\"", m.id),
                "a region that is not also in `from`",
                "a measure restricts flows between different regions",
            ));
        }
        let techs = plenum_gvc::TechnologyTable::shipped().map_err(|e| {
            r.invalid(
                &key("technologies"),
                format!("measure \"{}\"", m.id),
                "the shipped technology layer",
                &format!("it failed to load: {e}"),
            )
        })?;
        let technologies = m.technologies.clone().unwrap_or_default();
        for t in &technologies {
            match techs.technologies.iter().find(|x| &x.id == t) {
                Some(x) if m.products.contains(&x.product) => {}
                Some(x) => {
                    return Err(r.invalid(
                        &key("technologies"),
                        format!("\"{t}\" in measure \"{}\"", m.id),
                        &format!(
                            "a technology of the listed products ({} is a technology of {})",
                            t, x.product
                        ),
                        &format!("add {} to `products` or remove \"{t}\"", x.product),
                    ))
                }
                None => {
                    return Err(r.invalid(
                        &key("technologies"),
                        format!("\"{t}\" in measure \"{}\"", m.id),
                        "a technology of data/technology/chips.toml",
                        &format!(
                            "use one of: {}",
                            techs
                                .technologies
                                .iter()
                                .map(|x| x.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ))
                }
            }
        }
        if !technologies.is_empty() {
            if let Some(p) = m.products.iter().find(|p| {
                !techs
                    .technologies
                    .iter()
                    .any(|x| &x.product == *p && technologies.contains(&x.id))
            }) {
                return Err(r.invalid(
                    &key("products"),
                    format!("{p} in measure \"{}\"", m.id),
                    "a product with at least one of the measure's technologies",
                    "name a technology of it in `technologies` or remove it",
                ));
            }
        }
        let substitutability = match (m.substitutability, technologies.is_empty()) {
            (Some(v), true) => r.check(&key("substitutability"), v, 0.0, 1.0, "a share")?,
            (None, false) => 0.0,
            (Some(_), false) => return Err(r.invalid(
                &key("substitutability"),
                format!("measure \"{}\"", m.id),
                "no substitutability on a measure with `technologies`",
                "remove it: the technologies' learning curves (data/technology/chips.toml) give it",
            )),
            (None, true) => {
                return Err(r.invalid(
                    &key("substitutability"),
                    format!("measure \"{}\"", m.id),
                    "a share (required on a measure of whole products)",
                    "add substitutability = 0.2, or name `technologies`",
                ))
            }
        };
        let anticipation = match &m.announced {
            None => {
                if m.storage_quarters.is_some() {
                    return Err(r.invalid(
                        &key("storage_quarters"),
                        format!("measure \"{}\"", m.id),
                        "storage_quarters only with `announced`",
                        "add announced = \"YYYYQn\" (before `start`) or remove storage_quarters",
                    ));
                }
                None
            }
            Some(a) => {
                let announced = r.quarter(&key("announced"), a)?;
                if announced > start {
                    return Err(r.invalid(
                        &key("announced"),
                        format!("\"{a}\" in measure \"{}\"", m.id),
                        "a quarter at or before `start`",
                        "a measure is announced before it takes effect",
                    ));
                }
                let storage_quarters = r.check(
                    &key("storage_quarters"),
                    m.storage_quarters.unwrap_or(2.0),
                    0.0,
                    8.0,
                    "quarters of the blocked flow",
                )?;
                Some(Anticipation {
                    announced,
                    storage_quarters,
                })
            }
        };
        let reroute = match &m.reroute_via {
            None => {
                if m.reroute_share.is_some()
                    || m.reroute_limit.is_some()
                    || m.reroute_markup.is_some()
                {
                    return Err(r.invalid(
                        &key("reroute_via"),
                        format!("measure \"{}\"", m.id),
                        "reroute_share, reroute_limit and reroute_markup only with `reroute_via`",
                        "add reroute_via = \"APAC_REST\" (a region) or remove them",
                    ));
                }
                None
            }
            Some(via) => {
                if m.from.contains(via) || m.to.contains(via) {
                    return Err(r.invalid(
                        &key("reroute_via"),
                        format!("\"{via}\" in measure \"{}\"", m.id),
                        "a third economy, neither in `from` nor in `to`",
                        "name another region, e.g. APAC_REST",
                    ));
                }
                Some(Reroute {
                    via: via.clone(),
                    share: r.check(
                        &key("reroute_share"),
                        m.reroute_share.unwrap_or(0.1),
                        0.0,
                        1.0,
                        "a share",
                    )?,
                    limit: r.check(
                        &key("reroute_limit"),
                        m.reroute_limit.unwrap_or(0.5),
                        0.0,
                        10.0,
                        "a multiple of the third economy's own deliveries",
                    )?,
                    markup: r.check(
                        &key("reroute_markup"),
                        m.reroute_markup.unwrap_or(0.15),
                        0.0,
                        1.0,
                        "a share of the flow's value",
                    )?,
                })
            }
        };
        measures.push(Measure {
            anticipation,
            reroute,
            technologies,
            restricted_share: r.check(
                &key("restricted_share"),
                m.restricted_share,
                0.0,
                1.0,
                "a share",
            )?,
            substitutability,
            phase_in: m.phase_in.unwrap_or(1).max(1),
            description: m.description.clone().unwrap_or_default(),
            id: m.id.clone(),
            from: m.from.clone(),
            to: m.to.clone(),
            products: m.products.clone(),
            users: m.users.clone(),
            start,
            end,
        });
    }
    Ok((critical, measures))
}
