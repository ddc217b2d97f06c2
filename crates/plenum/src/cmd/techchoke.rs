//! `plenum chokepoints --by technology`: China's (or any target's) foreign
//! suppliers of the technologies that export controls name, from the
//! shipped technology layer (data/technology/chips.toml), ranked by the
//! value added the target loses if the supply stops (plenum-gvc's
//! `techchoke`: a technology-aware Leontief loss with substitution over a
//! horizon, not a Ghosh propagation). Formulas in docs/gvc.md.

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use plenum_gvc::{technology_chokepoints, TechChokeOptions, TechnologyTable};

use crate::cli::ChokepointsArgs;
use crate::output::{Frame, OutDir};
use crate::source;

pub fn run(args: &ChokepointsArgs) -> Result<()> {
    let loaded = source::load(&args.input)?;
    let t = &loaded.table;
    let l = t.labels();
    let mut target = Vec::new();
    for r in &args.region {
        match l.region_index(r) {
            Some(i) => target.push(i),
            None => bail!(
                "unknown region \"{r}\" in --region; the regions of this table are: {}",
                l.regions().join(", ")
            ),
        }
    }
    if !(args.horizon.is_finite() && args.horizon > 0.0) {
        bail!(
            "--horizon must be a positive number of years, got {}",
            args.horizon
        );
    }
    let techs = TechnologyTable::shipped().context("loading the technology layer")?;
    // The layer's products must be the table's, checked before the model is
    // built (the memory bound and the factorisation come after the cheap
    // checks).
    techs.resolve_products(l)?;
    let m = super::gvc::model(
        t,
        &args.memory,
        super::memory::Work::DenseModelOnly,
        "plenum chokepoints --by technology (the dense model)",
        "",
    )?;
    let opts = TechChokeOptions {
        horizon_years: args.horizon,
        critical_input_share: args.critical_share,
        hits: args.hits,
    };
    let rep = technology_chokepoints(&m, &target, &techs, &opts)?;
    let tname = args.region.join("+");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — chokepoints of {tname} by technology: {} (origin, technology) suppliers of {}",
        loaded.origin,
        rep.rows.len(),
        techs
            .products
            .iter()
            .map(|(p, n, _)| format!("{p} ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "measure: value added {tname} loses {} years after the supply stops (users that need the technology, at its substitutability then; tools: chip capacity not renewed); % of {tname}'s value added",
        rep.horizon_years
    );
    let _ = writeln!(
        s,
        "  {:>4} {:<10} {:<18} {:>10} {:>7} {:>6} {:>9}  hits most",
        "rank", "origin", "technology", "supply", "share", "σ(H)", "VA loss %"
    );
    let sec = |j: usize| l.sectors()[j % l.n_sectors()].clone();
    for r in rep.rows.iter().take(args.top) {
        let _ = writeln!(
            s,
            "  {:>4} {:<10} {:<18} {:>10.0} {:>7.3} {:>6.2} {:>9.4}  {}",
            r.rank,
            r.origin,
            r.technology,
            r.supply,
            r.supplier_share,
            r.substitutability,
            100.0 * r.va_share,
            r.hits
                .iter()
                .map(|(j, _)| sec(*j))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    crate::out!("{s}")?;
    if let Some(dir) = &args.output.out {
        let mut f = Frame::new(&["origin", "technology", "product", "measure"]);
        for r in &rep.rows {
            for (name, v) in [
                ("supply", r.supply),
                ("supplier_share", r.supplier_share),
                ("substitutability", r.substitutability),
                ("output_loss", r.output_loss),
                ("va_loss", r.va_loss),
                ("va_share", r.va_share),
                ("rank", r.rank as f64),
            ] {
                f.push(&[&r.origin, &r.technology, &r.product, name], v);
            }
        }
        let out = OutDir::create(dir, args.output.tidy)?;
        out.write("chokepoints_technology", &f)?;
        out.manifest(t, "chokepoints", &[], None)?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}
