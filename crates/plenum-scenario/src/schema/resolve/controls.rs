//! `[controls]` ([`crate::blocks::controls`]): critical inputs and the
//! export-control measures.

use super::Resolver;
use crate::error::Result;
use crate::schema::{Measure, RawControls};

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
        measures.push(Measure {
            restricted_share: r.check(
                &key("restricted_share"),
                m.restricted_share,
                0.0,
                1.0,
                "a share",
            )?,
            substitutability: r.check(
                &key("substitutability"),
                m.substitutability,
                0.0,
                1.0,
                "a share",
            )?,
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
