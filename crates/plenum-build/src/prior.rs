//! Priors for the bilateral allocation of imports.
//!
//! For product i, the import of economy r for use u (an industry or a
//! final-demand category), M^r_iu, is split across partners s ≠ r. The
//! prior share of partner s is
//!
//!   π^{sr}_i = e^s_i w^{sr}_i / Σ_{q≠r} e^q_i w^{qr}_i,
//!
//! with e^s_i the (domestic-origin) exports of s. Two priors:
//!
//! * market shares: w ≡ 1, so each importer buys from each exporter in
//!   proportion to the exporter's share of world exports (the importer
//!   itself left out);
//! * bilateral: w^{sr}_i is the bilateral trade intensity of a reference
//!   world table (here WIOD 2011), mapped through a sector concordance,
//!
//!     w^{sr} = (T^{sr} + α E^s M^r / T) / ((1 + α) E^s M^r / T),
//!
//!   where T^{sr} is the reference flow from s to r of the (concordance
//!   weighted) product, E^s its exports, M^r its imports and T the world
//!   total. w = 1 means "as much as market shares predict"; α (default
//!   0.05) shrinks the reference towards market shares so that a zero of
//!   2011 (often a rounded-away small flow) does not forbid a flow in the
//!   target year. Economies the reference lacks get w = 1 with everyone,
//!   unless they are mapped to a proxy region of the reference.
//!
//! * gravity: w^{sr} = (d^{sr} / d̄)^{−θ}, with d^{sr} the great-circle
//!   distance between the economies' centres
//!   (`concordances/economy_centres.csv`), d̄ the geometric mean distance
//!   over all pairs and θ = 1, the central distance elasticity of the
//!   gravity literature (Disdier & Head 2008, meta-analysis mean 0.9).
//!   Balanced by GRAS this is a gravity model with exporter and importer
//!   fixed effects and a fixed distance elasticity. Pairs involving an
//!   economy without a centre (the rest of the world) get w = 1;
//! * bilateral with gravity fill-in ([`BilateralPrior::fill_from`]): the
//!   reference's intensities where it covers both economies, gravity
//!   elsewhere.
//!
//! Balancing then rescales rows and columns (see [`crate::gras`]), so only
//! the pattern of w matters, not its level: w is the gravity-like
//! "propensity" of a pair to trade beyond what their sizes predict.

use std::collections::HashMap;

use faer::Mat;
use plenum_table::MrioTable;

use crate::error::InputError;

/// A sector concordance from a reference table's sectors to the build's
/// products: for each product, weighted source sectors.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorWeights {
    /// Build products, in the build's order.
    pub products: Vec<String>,
    /// For each product, `(source sector index, weight)`.
    pub weights: Vec<Vec<(usize, f64)>>,
}

impl SectorWeights {
    /// Reads a `source,target,weight[,note]` CSV (comment lines start with
    /// `#`) for the given source sectors and target products. Every target
    /// product must appear, weights must be positive and sum to 1 per
    /// product (within 1e-9).
    pub fn from_csv(
        file: &str,
        text: &str,
        source_sectors: &[String],
        products: &[String],
    ) -> Result<Self, InputError> {
        let src: HashMap<&str, usize> = source_sectors
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let tgt: HashMap<&str, usize> = products
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let mut weights: Vec<Vec<(usize, f64)>> = vec![Vec::new(); products.len()];
        let perr = |line: u64, message: String, hint: &str| InputError::Parse {
            file: file.to_string(),
            line,
            message,
            hint: hint.to_string(),
        };
        let mut header_seen = false;
        for (ln, raw) in text.lines().enumerate() {
            let line = (ln + 1) as u64;
            let t = raw.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if !header_seen {
                header_seen = true;
                if !t.starts_with("wiod,oecd,weight") && !t.starts_with("source,target,weight") {
                    return Err(perr(
                        line,
                        format!("header is \"{t}\""),
                        "the first non-comment line must be `source,target,weight,note` (or `wiod,oecd,weight,note`)",
                    ));
                }
                continue;
            }
            let cols: Vec<&str> = t.splitn(4, ',').collect();
            if cols.len() < 3 {
                return Err(perr(
                    line,
                    format!("{} fields", cols.len()),
                    "each row needs source,target,weight",
                ));
            }
            let s = *src.get(cols[0].trim()).ok_or_else(|| {
                perr(
                    line,
                    format!("column 1: unknown source sector \"{}\"", cols[0]),
                    &format!("valid: {}", source_sectors.join(" ")),
                )
            })?;
            let p = *tgt.get(cols[1].trim()).ok_or_else(|| {
                perr(
                    line,
                    format!("column 2: unknown target product \"{}\"", cols[1]),
                    &format!("valid: {}", products.join(" ")),
                )
            })?;
            let w: f64 = cols[2].trim().parse().map_err(|_| {
                perr(
                    line,
                    format!("column 3: weight \"{}\" is not a number", cols[2]),
                    "write a decimal such as 0.5",
                )
            })?;
            if !(w > 0.0 && w.is_finite()) {
                return Err(perr(
                    line,
                    format!("column 3: weight {w} is not positive"),
                    "drop rows with zero weight",
                ));
            }
            weights[p].push((s, w));
        }
        for (p, ws) in weights.iter().enumerate() {
            let sum: f64 = ws.iter().map(|x| x.1).sum();
            if ws.is_empty() || (sum - 1.0).abs() > 1e-9 {
                return Err(perr(
                    0,
                    format!(
                        "target product {} has weights summing to {sum}",
                        products[p]
                    ),
                    "give every target product rows whose weights sum to 1",
                ));
            }
        }
        Ok(Self {
            products: products.to_vec(),
            weights,
        })
    }
}

/// Bilateral trade intensities w^{sr}_i by product (see the module docs).
#[derive(Debug, Clone)]
pub struct BilateralPrior {
    /// Names of the regions the intensities are indexed by.
    pub regions: Vec<String>,
    /// Products, in the build's order.
    pub products: Vec<String>,
    /// One R × R matrix per product, exporter × importer.
    pub intensity: Vec<Mat<f64>>,
    /// Whether each region is covered by the source of the intensities
    /// (pairs of covered, distinct regions carry information).
    pub covered: Vec<bool>,
}

impl BilateralPrior {
    /// Intensities from a reference MRIO table. `regions` are the build's
    /// region names; `proxy` maps a build region to a reference region when
    /// the names differ (e.g. an economy the reference only has inside its
    /// rest of the world). Regions neither found nor mapped get w = 1.
    /// Two build regions mapped to the same reference region get w = 1
    /// between them (the reference's diagonal is domestic, not trade).
    pub fn from_mrio(
        reference: &MrioTable,
        sectors: &SectorWeights,
        regions: &[String],
        proxy: &dyn Fn(&str) -> Option<String>,
        alpha: f64,
    ) -> Self {
        let l = reference.labels();
        let (nr, ns, nf) = (l.n_regions(), l.n_sectors(), l.n_fd_categories());
        // Reference bilateral flows by source sector: T_k[s, r].
        let mut flows: Vec<Mat<f64>> = (0..ns).map(|_| Mat::zeros(nr, nr)).collect();
        let (z, y) = (reference.z(), reference.y());
        for r in 0..nr {
            for s in 0..nr {
                if s == r {
                    continue;
                }
                for k in 0..ns {
                    let row = s * ns + k;
                    let mut t = 0.0;
                    for j in 0..ns {
                        t += z[(row, r * ns + j)];
                    }
                    for c in 0..nf {
                        t += y[(row, r * nf + c)];
                    }
                    flows[k][(s, r)] = t;
                }
            }
        }
        let map: Vec<Option<usize>> = regions
            .iter()
            .map(|name| {
                l.region_index(name)
                    .or_else(|| proxy(name).and_then(|p| l.region_index(&p)))
            })
            .collect();
        let nb = regions.len();
        let intensity = sectors
            .weights
            .iter()
            .map(|ws| {
                let t = Mat::from_fn(nr, nr, |s, r| {
                    ws.iter()
                        .map(|&(k, w)| w * flows[k][(s, r)].max(0.0))
                        .sum::<f64>()
                });
                let e: Vec<f64> = (0..nr).map(|s| (0..nr).map(|r| t[(s, r)]).sum()).collect();
                let m: Vec<f64> = (0..nr).map(|r| (0..nr).map(|s| t[(s, r)]).sum()).collect();
                let tot: f64 = e.iter().sum();
                Mat::from_fn(nb, nb, |a, b| match (map[a], map[b]) {
                    (Some(s), Some(r)) if s != r && tot > 0.0 => {
                        let expect = e[s] * m[r] / tot;
                        if expect > 0.0 {
                            (t[(s, r)] + alpha * expect) / ((1.0 + alpha) * expect)
                        } else {
                            1.0
                        }
                    }
                    _ => 1.0,
                })
            })
            .collect();
        // Two regions sharing a reference region carry no information
        // between them; mark a region covered when its reference region is
        // its own.
        let covered = map
            .iter()
            .map(|m| m.is_some_and(|a| map.iter().filter(|x| **x == Some(a)).count() == 1))
            .collect();
        Self {
            regions: regions.to_vec(),
            products: sectors.products.clone(),
            intensity,
            covered,
        }
    }

    /// Gravity intensities (see the module docs) for `regions`, the same for
    /// every product. `centres` holds (latitude, longitude) in degrees;
    /// regions without one get w = 1 with everyone.
    pub fn gravity(
        regions: &[String],
        products: &[String],
        centres: &HashMap<String, (f64, f64)>,
        theta: f64,
    ) -> Self {
        let nb = regions.len();
        let pos: Vec<Option<(f64, f64)>> =
            regions.iter().map(|r| centres.get(r).copied()).collect();
        let dist = |a: (f64, f64), b: (f64, f64)| -> f64 {
            let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
            let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
            let h = ((la2 - la1) / 2.0).sin().powi(2)
                + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
            // Great-circle distance in km, floored at 100 km so that
            // neighbouring centres do not dominate.
            (2.0 * 6371.0 * h.sqrt().min(1.0).asin()).max(100.0)
        };
        let (mut lsum, mut cnt) = (0.0, 0usize);
        for a in 0..nb {
            for b in 0..nb {
                if let (true, Some(pa), Some(pb)) = (a != b, pos[a], pos[b]) {
                    lsum += dist(pa, pb).ln();
                    cnt += 1;
                }
            }
        }
        let dbar = if cnt > 0 {
            (lsum / cnt as f64).exp()
        } else {
            1.0
        };
        let w = Mat::from_fn(nb, nb, |a, b| match (a != b, pos[a], pos[b]) {
            (true, Some(pa), Some(pb)) => (dist(pa, pb) / dbar).powf(-theta),
            _ => 1.0,
        });
        Self {
            regions: regions.to_vec(),
            products: products.to_vec(),
            intensity: vec![w; products.len()],
            covered: pos.iter().map(|p| p.is_some()).collect(),
        }
    }

    /// Keeps this prior's intensities between covered regions and takes
    /// `other`'s elsewhere (matched by region name; 1 where neither has
    /// information). Both must have the same products.
    pub fn fill_from(&self, other: &BilateralPrior) -> Self {
        let idx: Vec<Option<usize>> = self
            .regions
            .iter()
            .map(|r| other.regions.iter().position(|x| x == r))
            .collect();
        let nb = self.regions.len();
        let intensity = self
            .intensity
            .iter()
            .enumerate()
            .map(|(i, w)| {
                Mat::from_fn(nb, nb, |a, b| {
                    if self.covered[a] && self.covered[b] {
                        w[(a, b)]
                    } else {
                        match (idx[a], idx[b], other.intensity.get(i)) {
                            (Some(oa), Some(ob), Some(ow)) => ow[(oa, ob)],
                            _ => 1.0,
                        }
                    }
                })
            })
            .collect();
        Self {
            regions: self.regions.clone(),
            products: self.products.clone(),
            intensity,
            covered: self
                .covered
                .iter()
                .zip(&idx)
                .map(|(c, o)| *c || o.is_some_and(|k| other.covered[k]))
                .collect(),
        }
    }
}

/// Reads economy centres from an `iso3,lat,lon,note` CSV (comment lines
/// start with `#`).
pub fn read_centres(file: &str, text: &str) -> Result<HashMap<String, (f64, f64)>, InputError> {
    let mut out = HashMap::new();
    let mut header = false;
    for (ln, raw) in text.lines().enumerate() {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !header {
            header = true;
            continue;
        }
        let c: Vec<&str> = t.splitn(4, ',').collect();
        let bad = |what: &str| InputError::Parse {
            file: file.to_string(),
            line: ln as u64 + 1,
            message: format!("{what} in \"{t}\""),
            hint: "each row is iso3,lat,lon,note with decimal degrees".into(),
        };
        if c.len() < 3 {
            return Err(bad("fewer than 3 fields"));
        }
        let lat: f64 = c[1]
            .trim()
            .parse()
            .map_err(|_| bad("latitude is not a number"))?;
        let lon: f64 = c[2]
            .trim()
            .parse()
            .map_err(|_| bad("longitude is not a number"))?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(bad("coordinates out of range"));
        }
        out.insert(c[0].trim().to_string(), (lat, lon));
    }
    Ok(out)
}

/// The economy centres shipped with the crate.
pub const ECONOMY_CENTRES_CSV: &str = include_str!("../concordances/economy_centres.csv");
/// The WIOD → OECD industry concordance shipped with the crate.
pub const WIOD_TO_OECD_CSV: &str = include_str!("../concordances/wiod35_to_oecd50.csv");

/// The prior of the bilateral allocation.
#[derive(Debug, Clone, Default)]
pub enum TradePrior {
    /// Exporters' world market shares.
    #[default]
    MarketShare,
    /// Market shares times bilateral intensities.
    Bilateral(BilateralPrior),
}
