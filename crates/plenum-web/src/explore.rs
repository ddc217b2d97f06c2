//! The explorer's values, from plenum-gvc on the server's table:
//! chokepoints of a region (the three rankings of `plenum chokepoints`),
//! self-reliance of a region or region-sector (value-added origin on four
//! bases and dependence on the chip coalition, as `plenum analyze
//! self-reliance`), and the dependence heat map: for every economy r and
//! product s, the foreign share of the value added in r's final demand for
//! s (TiVA's "value added embodied in domestic final demand", the
//! absorption basis of `plenum_gvc::va_origin`).

use std::sync::Arc;

use plenum_gvc::{
    chokepoints, group_dependence, va_origin, Basis, ChokepointOptions, RegionGroup, Selection,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::{ApiError, App};

fn check_label(kind: &str, label: &str, valid: &[String]) -> Result<(), ApiError> {
    if valid.iter().any(|v| v == label) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "unknown {kind} \"{label}\"; valid {kind}s are: {}",
            valid.join(", ")
        )))
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Which ranking orders the chokepoint list.
#[derive(Debug, Clone, Copy)]
pub enum RankBy {
    Exposure,
    Bottleneck,
    Extraction,
}

impl RankBy {
    pub fn parse(s: Option<&str>) -> Result<Self, ApiError> {
        match s.unwrap_or("bottleneck") {
            "exposure" => Ok(RankBy::Exposure),
            "bottleneck" => Ok(RankBy::Bottleneck),
            "extraction" => Ok(RankBy::Extraction),
            o => Err(ApiError::bad_request(format!(
                "by = \"{o}\": expected exposure, bottleneck or extraction"
            ))),
        }
    }
    fn name(self) -> &'static str {
        match self {
            RankBy::Exposure => "exposure",
            RankBy::Bottleneck => "bottleneck",
            RankBy::Extraction => "extraction",
        }
    }
}

/// Chokepoints of `region`: every foreign supplier industry with its three
/// scores and ranks, the `top` first by `by`.
pub fn chokepoints_json(
    app: &App,
    region: &str,
    top: usize,
    by: RankBy,
) -> Result<Value, ApiError> {
    let t = &app.table;
    check_label("region", region, &t.regions)?;
    if !(1..=10_000).contains(&top) {
        return Err(ApiError::bad_request("top must be from 1 to 10000"));
    }
    let key = region.to_string();
    let cached = app
        .choke_cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .cloned();
    let all = match cached {
        Some(v) => v,
        None => {
            let labels = t.model.labels();
            let sel = Selection::new(labels, &[region], None).map_err(ApiError::from_gvc)?;
            let rep = chokepoints(&t.model, &sel, &ChokepointOptions::default())
                .map_err(ApiError::from_gvc)?;
            let ns = t.sectors.len();
            let rows: Vec<Value> = rep
                .suppliers
                .iter()
                .map(|c| {
                    json!({
                        "supplier": c.name,
                        "region": t.regions[c.supplier / ns],
                        "sector": t.sectors[c.supplier % ns],
                        "exposure_output_pct": finite(100.0 * c.exposure_output),
                        "bottleneck_va_pct": finite(100.0 * c.bottleneck_va_share),
                        "extraction_output_pct": finite(100.0 * c.extraction_output_share),
                        "deliveries": finite(c.deliveries),
                        "rank_exposure": c.rank_exposure,
                        "rank_bottleneck": c.rank_bottleneck,
                        "rank_extraction": c.rank_extraction,
                        "hits_bottleneck": c.hits_bottleneck.iter().map(|(j, _)| t.sectors[j % ns].clone()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let v = Arc::new(json!({
                "region": region,
                "table": t.name,
                "propagation": rep.propagation,
                "spearman": {
                    "exposure_bottleneck": finite(rep.spearman[0]),
                    "exposure_extraction": finite(rep.spearman[1]),
                    "bottleneck_extraction": finite(rep.spearman[2]),
                },
                "suppliers": rows,
            }));
            app.choke_cache
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key, v.clone());
            v
        }
    };
    let rank_key = format!("rank_{}", by.name());
    let mut rows: Vec<Value> = all["suppliers"].as_array().cloned().unwrap_or_default();
    rows.sort_by_key(|r| r[&rank_key].as_u64().unwrap_or(u64::MAX));
    let n = rows.len();
    rows.truncate(top);
    let mut out = (*all).clone();
    out["by"] = json!(by.name());
    out["count"] = json!(n);
    out["suppliers"] = json!(rows);
    Ok(out)
}

/// Self-reliance of `region` (all sectors, or one `sector`).
pub fn self_reliance_json(
    app: &App,
    region: &str,
    sector: Option<&str>,
) -> Result<Value, ApiError> {
    let t = &app.table;
    check_label("region", region, &t.regions)?;
    if let Some(s) = sector {
        check_label("sector", s, &t.sectors)?;
    }
    let labels = t.model.labels();
    let secs: Vec<&str> = sector.into_iter().collect();
    let sel = Selection::new(labels, &[region], sector.map(|_| secs.as_slice()))
        .map_err(ApiError::from_gvc)?;
    let nr = t.regions.len();
    let mut bases = Vec::new();
    for (b, name) in [
        (Basis::Output, "output"),
        (Basis::GrossExports, "gross_exports"),
        (Basis::FinalGoods, "final_goods"),
        (Basis::Absorption, "final_demand"),
    ] {
        let o = va_origin(&t.model, &sel, b).map_err(ApiError::from_gvc)?;
        let mut regs: Vec<(usize, f64)> = o
            .by_source_region(nr)
            .into_iter()
            .enumerate()
            .filter(|(r, _)| !sel.contains_region(*r))
            .collect();
        regs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        bases.push(json!({
            "basis": name,
            "total": finite(o.total),
            "domestic_share": finite(o.domestic / o.total),
            "foreign_share": finite(o.foreign / o.total),
            "top_foreign_regions": regs.iter().take(5).map(|(r, v)| json!({"region": t.regions[*r], "share": finite(v / o.total)})).collect::<Vec<_>>(),
        }));
    }
    let group = RegionGroup::chip_coalition();
    let dep = match group.resolve(labels) {
        Ok(_) => {
            let d = group_dependence(&t.model, &sel, &group).map_err(ApiError::from_gvc)?;
            let a = &d.aggregate;
            json!({
                "group": d.group,
                "regions": d.group_regions.iter().map(|&r| t.regions[r].clone()).collect::<Vec<_>>(),
                "direct_share": finite(a.direct_share),
                "direct_coefficient": finite(a.direct_coefficient),
                "total_va_share": finite(a.total_va_share),
                "total_input_share": finite(a.total_input_share),
            })
        }
        Err(e) => json!({"group": group.name, "unavailable": e.to_string()}),
    };
    Ok(json!({
        "region": region,
        "sector": sector,
        "table": t.name,
        "unit": "shares of the basis total (0-1)",
        "value_added_origin": bases,
        "dependence": dep,
    }))
}

/// Foreign share of the value added in each economy's final demand for
/// each product: `share[r][s]` (None where r buys none of s).
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap {
    pub regions: Vec<String>,
    pub sectors: Vec<String>,
    pub share: Vec<Vec<Option<f64>>>,
}

/// The heat map, computed once per server.
pub fn heat_map(app: &App) -> Result<Arc<HeatMap>, ApiError> {
    if let Some(h) = app.heat.get() {
        return Ok(h.clone());
    }
    let t = &app.table;
    let labels = t.model.labels();
    let mut share = Vec::with_capacity(t.regions.len());
    for r in &t.regions {
        let mut row = Vec::with_capacity(t.sectors.len());
        for s in &t.sectors {
            let sel = Selection::new(labels, &[r.as_str()], Some(&[s.as_str()][..]))
                .map_err(ApiError::from_gvc)?;
            let o = va_origin(&t.model, &sel, Basis::Absorption).map_err(ApiError::from_gvc)?;
            row.push(if o.total > 0.0 {
                finite(o.foreign / o.total)
            } else {
                None
            });
        }
        share.push(row);
    }
    let h = Arc::new(HeatMap {
        regions: t.regions.clone(),
        sectors: t.sectors.clone(),
        share,
    });
    Ok(app.heat.get_or_init(|| h).clone())
}

impl ApiError {
    fn from_gvc(e: plenum_gvc::GvcError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}
