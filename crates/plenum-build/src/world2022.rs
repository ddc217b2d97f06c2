//! The 2022 world table from the OECD national tables, and its aggregation
//! to plenum's default 10 regions × 24 sectors.
//!
//! [`build_world_2022`] takes the 80 `XXX2022ttl.csv` tables of
//! `DATA/oecd-niot-2022` as plenum-formats reads them (this crate does no
//! I/O; see [`Sources2022`]), turns each into [`NationalAccounts`]
//! ([`national_from_oecd`]) and calls [`build_world_table`] with the chosen
//! prior; the result has 80 economies + `ROW` × 50 industries, USD million.
//! [`aggregate_default`] maps it through the concordances in
//! `data/concordances/` (regions-2022-10.csv, sectors-2022-24.csv).
//!
//! Primary inputs V of every economy: `TXS_INT_FNL` (taxes less subsidies
//! on products), `IMP_OTHER` (imports not allocated to products), `LABR`
//! (compensation of employees), `OTXS` (other net taxes on production),
//! `GOPS` (gross operating surplus and mixed income, = VALU − LABR − OTXS,
//! which also absorbs rounding). Value added at basic prices is
//! LABR + OTXS + GOPS; GDP adds TXS_INT_FNL. The TXS_INT_FNL and IMP_OTHER
//! entries of the final-use columns have no place in an MRIO table's Y and
//! are dropped.

use std::collections::HashMap;

use faer::{Col, Mat};
use plenum_formats::oecd_national::NationalTable;
use plenum_table::{aggregate, Metadata, MrioTable, TableError, ValidationPolicy};

use crate::build::{build_world_table, BuildOptions, BuildOutput, Progress};
use crate::error::{BuildError, InputError};
use crate::national::NationalAccounts;
use crate::prior::{
    read_centres, BilateralPrior, SectorWeights, TradePrior, ECONOMY_CENTRES_CSV, WIOD_TO_OECD_CSV,
};

/// Primary-input labels of the 2022 table.
pub const VA_COMPONENTS: [&str; 5] = ["TXS_INT_FNL", "IMP_OTHER", "LABR", "OTXS", "GOPS"];

/// The region concordance of the default table (81 → 10).
pub const DEFAULT_REGIONS_CSV: &str =
    include_str!("../../../data/concordances/regions-2022-10.csv");
/// The sector concordance of the default table (50 → 24).
pub const DEFAULT_SECTORS_CSV: &str =
    include_str!("../../../data/concordances/sectors-2022-24.csv");

/// Which prior the 2022 build uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prior2022 {
    /// Exporters' world market shares.
    MarketShare,
    /// Market shares × distance^-1 (see [`crate::prior`]).
    Gravity,
    /// WIOD 2011 bilateral intensities where WIOD covers both economies,
    /// gravity elsewhere. Needs `DATA/wiod-2013-wiot2011`.
    #[default]
    WiodGravity,
}

/// One OECD national table as builder input (see the module docs for V).
pub fn national_from_oecd(t: &NationalTable) -> NationalAccounts {
    let n = t.n();
    let labr = t.va_components.iter().position(|c| c == "LABR");
    let otxs = t.va_components.iter().position(|c| c == "OTXS");
    let comp = |k: Option<usize>, j: usize| k.map_or(0.0, |k| t.va[(k, j)]);
    let v = Mat::from_fn(VA_COMPONENTS.len(), n, |k, j| match k {
        0 => t.taxes.intermediate[j],
        1 => t.imp_other.intermediate[j],
        2 => comp(labr, j),
        3 => comp(otxs, j),
        _ => t.valu[j] - comp(labr, j) - comp(otxs, j),
    });
    NationalAccounts {
        region: t.economy.clone(),
        sectors: t.industries.clone(),
        fd_categories: t.final_categories.clone(),
        va_components: VA_COMPONENTS.iter().map(|s| s.to_string()).collect(),
        u: t.use_ttl.clone(),
        f: t.final_use.clone(),
        exports: t.exports.clone(),
        imports: t.imports.clone(),
        v,
        x: Col::from_fn(n, |i| t.output[i]),
        imported: None,
    }
}

/// What the 2022 build reads, parsed by plenum-formats (the caller reads
/// the files: `plenum table build` does, from `DATA/oecd-niot-2022` with
/// `plenum_formats::oecd_national::read_oecd_national_dir` and
/// `DATA/wiod-2013-wiot2011` with `plenum_formats::wiod::read_wiod_dir`).
#[derive(Debug, Clone)]
pub struct Sources2022 {
    /// The 80 national tables.
    pub nationals: Vec<NationalTable>,
    /// The WIOD 2011 world table, for [`Prior2022::WiodGravity`] only.
    pub wiod: Option<MrioTable>,
}

/// The prior of `kind` for the economies of `nationals` (plus `ROW`);
/// `wiod` is needed by [`Prior2022::WiodGravity`].
pub fn prior_2022(
    nationals: &[NationalAccounts],
    wiod: Option<&MrioTable>,
    kind: Prior2022,
) -> Result<TradePrior, InputError> {
    if kind == Prior2022::MarketShare {
        return Ok(TradePrior::MarketShare);
    }
    let products = nationals
        .first()
        .map(|n| n.sectors.clone())
        .unwrap_or_default();
    let mut regions: Vec<String> = nationals.iter().map(|n| n.region.clone()).collect();
    regions.push("ROW".into());
    let centres = read_centres("concordances/economy_centres.csv", ECONOMY_CENTRES_CSV)?;
    let gravity = BilateralPrior::gravity(&regions, &products, &centres, 1.0);
    if kind == Prior2022::Gravity {
        return Ok(TradePrior::Bilateral(gravity));
    }
    let Some(wiod) = wiod else {
        return Err(BuildError::Other(
            "the wiod-gravity prior needs the WIOD 2011 table (wiod-2013-wiot2011); read it, or choose the gravity or market-share prior".into(),
        )
        .into());
    };
    let weights = SectorWeights::from_csv(
        "concordances/wiod35_to_oecd50.csv",
        WIOD_TO_OECD_CSV,
        wiod.labels().sectors(),
        &products,
    )?;
    // WIOD spells Romania ROM; economies WIOD lacks are left uncovered
    // (gravity fills them), rather than proxied by WIOD's rest of world.
    let proxy = |name: &str| (name == "ROU").then(|| "ROM".to_string());
    let bilateral = BilateralPrior::from_mrio(wiod, &weights, &regions, &proxy, 0.05);
    Ok(TradePrior::Bilateral(bilateral.fill_from(&gravity)))
}

/// Builds the 2022 world table (80 economies + ROW × 50 industries) from
/// the national tables (and WIOD for the default prior). This is what
/// `plenum table build` calls.
pub fn build_world_2022(
    sources: &Sources2022,
    kind: Prior2022,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<BuildOutput, InputError> {
    let nationals: Vec<NationalAccounts> =
        sources.nationals.iter().map(national_from_oecd).collect();
    let prior = prior_2022(&nationals, sources.wiod.as_ref(), kind)?;
    let options = BuildOptions {
        prior,
        meta: Metadata {
            name: "plenum-world-2022".into(),
            year: Some(2022),
            currency: "USD".into(),
            unit: "million".into(),
            source: "OECD Inter-Country Input-Output Database / national IOTs, 2022; bilateral prior from WIOD 2013 release (Timmer et al. 2015); built by plenum-build".into(),
            licence: "CC BY 4.0 (OECD data)".into(),
            ..Metadata::default()
        },
        ..BuildOptions::default()
    };
    Ok(build_world_table(&nationals, &options, progress)?)
}

/// Aggregates the 2022 world table to plenum's default 10 regions × 24
/// sectors with the concordances of `data/concordances/`.
pub fn aggregate_default(table: &MrioTable) -> Result<MrioTable, InputError> {
    let l = table.labels();
    let parse = |file: &str, text: &str, kind: &'static str, source: &[String]| {
        plenum_formats::concordance::parse_concordance(file, text, kind, source)
    };
    let rc = parse(
        "data/concordances/regions-2022-10.csv",
        DEFAULT_REGIONS_CSV,
        "region",
        l.regions(),
    )?;
    let sc = parse(
        "data/concordances/sectors-2022-24.csv",
        DEFAULT_SECTORS_CSV,
        "sector",
        l.sectors(),
    )?;
    let policy = ValidationPolicy::lenient(1e-6);
    let mut t = aggregate(table, &rc, &sc, &policy)?;
    if t.meta().name == "plenum-world-2022" {
        let mut parts = t.into_parts();
        parts.meta.name = "plenum-default-2022".into();
        t = MrioTable::new(parts, &policy)?;
    }
    Ok(t)
}

/// Value added at basic prices (LABR + OTXS + GOPS) and GDP (that plus
/// TXS_INT_FNL) of each region, USD million, in label order.
pub fn va_and_gdp(table: &MrioTable) -> Result<Vec<(String, f64, f64)>, TableError> {
    let l = table.labels();
    let comp: HashMap<&str, usize> = l
        .va_components()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let need = |c: &str| {
        comp.get(c)
            .copied()
            .ok_or_else(|| TableError::UnknownLabel {
                kind: "value-added component",
                label: c.into(),
                valid: l.va_components().to_vec(),
            })
    };
    let (labr, otxs, gops, txs) = (
        need("LABR")?,
        need("OTXS")?,
        need("GOPS")?,
        need("TXS_INT_FNL")?,
    );
    let ns = l.n_sectors();
    let v = table.v();
    Ok((0..l.n_regions())
        .map(|r| {
            let (mut va, mut tx) = (0.0, 0.0);
            for j in r * ns..(r + 1) * ns {
                va += v[(labr, j)] + v[(otxs, j)] + v[(gops, j)];
                tx += v[(txs, j)];
            }
            (l.regions()[r].clone(), va, va + tx)
        })
        .collect())
}
