//! Chokepoints by technology: which foreign supplier of which technology
//! (origin r × technology τ of the technology layer) a target economy
//! depends on, measured by the output its users lose if that supply stops.
//!
//! The measure is a technology-aware Leontief loss with substitution over a
//! horizon of H years, not a Ghosh (supply-push) propagation: a loss stays
//! with the users that need the technology and with the users of what they
//! no longer make, so inputs that users can do without or replace (hotels,
//! say) never rank. T is the set of the target's industries, s(τ) the
//! product of τ, θ_rτ the technology's share of origin r's deliveries of s
//! to the target (the target's own output share for its own region).
//!
//! * **Chips** (intermediate technologies). The target user j's supply of τ
//!   from r is S_rτj = z_(r,s),j θ_rτ. If r stops, a user for which s is
//!   critical (Σ_r z_(r,s),j ≥ c̲ x_j) loses
//!
//!   δ_j = x_j · D_τ · (S_rτj / Σ_r' S_r'τj) · (1 − σ_τ(H)),
//!
//!   D_τ the dependent share of its output, σ_τ(H) the share of the blocked
//!   flow replaced H years on (learning curve, [`crate::technology`]).
//! * **Tools** (capital goods, bought mostly as fixed capital: in Y, not Z).
//!   r's share of the target's supply of the tool is c_rτ = F_rτ / Σ_r' F_r'τ,
//!   F_rτ = (Σ_{t∈target} y_(r,s),t + Σ_{j∈T} z_(r,s),j) θ_rτ. Chip capacity
//!   that needs the tool and is not renewed within H years is lost: the
//!   target's chip producers j = (t, s(κ)) lose
//!
//!   Δ_jκ = x_j · θ_tκ · D_τ · c_rτ · (1 − σ_τ(H)) · min(1, H / life)
//!
//!   of chip technology κ ∈ uses(τ), and the users k of those chips lose in
//!   turn x_k D_κ (1 − σ_κ(H)) Δ_jκ (z_jk / x_j) / Σ_r' S_r'κk (their
//!   share of the lost chips over their whole supply of κ).
//!
//! Losses are capped at each industry's output; the value-added loss is
//! Σ_k v_k Δx_k, ranked largest first.

use plenum_table::Labels;

use crate::error::GvcError;
use crate::groups::Selection;
use crate::model::GvcModel;
use crate::technology::{Technology, TechnologyTable};

/// Options of [`technology_chokepoints`].
#[derive(Debug, Clone)]
pub struct TechChokeOptions {
    /// H, years after the stop at which losses are measured.
    pub horizon_years: f64,
    /// c̲: smallest cost share of a product for it to be critical to a user.
    pub critical_input_share: f64,
    /// Target industries listed per row.
    pub hits: usize,
}

impl Default for TechChokeOptions {
    fn default() -> Self {
        Self {
            horizon_years: 2.0,
            critical_input_share: 0.01,
            hits: 3,
        }
    }
}

/// One (origin, technology) supplier of the target.
#[derive(Debug, Clone, PartialEq)]
pub struct TechChokepoint {
    pub origin: String,
    pub technology: String,
    pub product: String,
    /// The origin's supply of the technology to the target (Z and Y).
    pub supply: f64,
    /// Its share of the target's whole supply of the technology.
    pub supplier_share: f64,
    /// σ_τ(H).
    pub substitutability: f64,
    pub output_loss: f64,
    pub va_loss: f64,
    /// Value-added loss over the target's value added.
    pub va_share: f64,
    pub rank: usize,
    /// Target industries most hit, (industry, value-added loss).
    pub hits: Vec<(usize, f64)>,
}

/// The technology view of the target's chokepoints.
#[derive(Debug, Clone)]
pub struct TechChokeReport {
    pub target_regions: Vec<usize>,
    pub horizon_years: f64,
    /// Sorted by rank.
    pub rows: Vec<TechChokepoint>,
}

/// Per-technology supply of the target, by origin region and user.
struct Supply<'a> {
    tech: &'a Technology,
    sector: usize,
    /// S_rτj: origin region × target user (index in T).
    inter: Vec<Vec<f64>>,
    /// F_rτ by origin region.
    fixed: Vec<f64>,
}

fn supply<'a>(
    model: &GvcModel,
    labels: &Labels,
    target: &Selection,
    t_ind: &[usize],
    tech: &'a Technology,
    sector: usize,
) -> Supply<'a> {
    let nr = labels.n_regions();
    let z = model.z();
    let ye = model.ye();
    let mut inter = vec![vec![0.0; t_ind.len()]; nr];
    let mut fixed = vec![0.0; nr];
    for r in 0..nr {
        let theta = if target.contains_region(r) {
            tech.output_share
        } else {
            tech.trade_share_of(&labels.regions()[r])
        };
        let i = labels.industry_index(r, sector);
        let mut f = 0.0;
        for (k, &j) in t_ind.iter().enumerate() {
            inter[r][k] = z[(i, j)] * theta;
            f += z[(i, j)];
        }
        for &t in &target.regions {
            f += ye[(i, t)];
        }
        fixed[r] = f * theta;
    }
    Supply {
        tech,
        sector,
        inter,
        fixed,
    }
}

/// Ranks every foreign (origin, technology) supplier of the target.
pub fn technology_chokepoints(
    model: &GvcModel,
    target_regions: &[usize],
    techs: &TechnologyTable,
    opts: &TechChokeOptions,
) -> Result<TechChokeReport, GvcError> {
    let h = opts.horizon_years;
    if !(h.is_finite() && h > 0.0) {
        return Err(GvcError::Invalid(format!(
            "the horizon must be a positive number of years, not {h}"
        )));
    }
    let labels = model.labels();
    let ns = labels.n_sectors();
    let nr = labels.n_regions();
    let sectors = techs.resolve_products(labels)?;
    let target = Selection::of_regions(labels, target_regions);
    let t_ind = target.industries(labels);
    let m = t_ind.len();
    let x = model.x();
    let v = model.v();
    let z = model.z();
    // Σ_r z_(r,s),j for every product and target user; critical products.
    let mut prod_in = vec![vec![0.0; m]; ns];
    for (k, &j) in t_ind.iter().enumerate() {
        for i in 0..model.n() {
            prod_in[i % ns][k] += z[(i, j)];
        }
    }
    let critical = |s: usize, k: usize| {
        prod_in[s][k] > 0.0 && prod_in[s][k] >= opts.critical_input_share * x[t_ind[k]]
    };
    let supplies: Vec<Supply> = techs
        .technologies
        .iter()
        .map(|t| {
            let p = techs
                .products
                .iter()
                .position(|(p, _, _)| p == &t.product)
                .unwrap_or(0);
            supply(model, labels, &target, &t_ind, t, sectors[p])
        })
        .collect();
    let va_t: f64 = t_ind.iter().map(|&j| v[j] * x[j]).sum();
    // Loss of users k of chip technology κ when the target's producers of κ
    // lose `lost[k']` of it (k' indexes T).
    let chip_users_loss = |kappa: &Supply, lost: &[f64], out: &mut [f64]| {
        let tech = kappa.tech;
        let w = tech.dependent_share * (1.0 - tech.substitutability_at(h));
        for (kp, &jp) in t_ind.iter().enumerate() {
            if lost[kp] <= 0.0 || x[jp] <= 0.0 {
                continue;
            }
            for (k, &j) in t_ind.iter().enumerate() {
                if !critical(kappa.sector, k) {
                    continue;
                }
                let tot: f64 = (0..nr).map(|r| kappa.inter[r][k]).sum();
                if tot <= 0.0 {
                    continue;
                }
                out[k] += x[j] * w * (lost[kp] * z[(jp, j)] / x[jp]) / tot;
            }
        }
    };
    let mut rows = Vec::new();
    for sup in &supplies {
        let tech = sup.tech;
        let sig = tech.substitutability_at(h);
        let fixed_tot: f64 = sup.fixed.iter().sum();
        for r in 0..nr {
            if target.contains_region(r) || sup.fixed[r] <= 0.0 {
                continue;
            }
            let mut loss = vec![0.0; m];
            if tech.is_tool() {
                let c = sup.fixed[r] / fixed_tot;
                let renew = (h / techs.tool_life_years).min(1.0);
                for kappa in supplies.iter().filter(|k| tech.uses.contains(&k.tech.id)) {
                    // The target's producers of κ lose capacity.
                    let mut lost = vec![0.0; m];
                    for (k, &j) in t_ind.iter().enumerate() {
                        if j % ns == kappa.sector {
                            lost[k] = x[j]
                                * kappa.tech.output_share
                                * tech.dependent_share
                                * c
                                * (1.0 - sig)
                                * renew;
                        }
                    }
                    for k in 0..m {
                        loss[k] += lost[k];
                    }
                    chip_users_loss(kappa, &lost, &mut loss);
                }
            } else if tech.dependent_share > 0.0 {
                for (k, &j) in t_ind.iter().enumerate() {
                    if !critical(sup.sector, k) {
                        continue;
                    }
                    let tot: f64 = (0..nr).map(|o| sup.inter[o][k]).sum();
                    if tot > 0.0 {
                        loss[k] +=
                            x[j] * tech.dependent_share * (sup.inter[r][k] / tot) * (1.0 - sig);
                    }
                }
            }
            let mut out_loss = 0.0;
            let mut va = 0.0;
            let mut hits = Vec::with_capacity(m);
            for (k, &j) in t_ind.iter().enumerate() {
                let l = loss[k].min(x[j]);
                out_loss += l;
                va += v[j] * l;
                if l > 0.0 {
                    hits.push((j, v[j] * l));
                }
            }
            hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            hits.truncate(opts.hits);
            rows.push(TechChokepoint {
                origin: labels.regions()[r].clone(),
                technology: tech.id.clone(),
                product: tech.product.clone(),
                supply: sup.fixed[r],
                supplier_share: sup.fixed[r] / fixed_tot,
                substitutability: sig,
                output_loss: out_loss,
                va_loss: va,
                va_share: if va_t > 0.0 { va / va_t } else { 0.0 },
                rank: 0,
                hits,
            });
        }
    }
    rows.sort_by(|a, b| {
        b.va_loss
            .total_cmp(&a.va_loss)
            .then(a.technology.cmp(&b.technology))
            .then(a.origin.cmp(&b.origin))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(TechChokeReport {
        target_regions: target.regions.clone(),
        horizon_years: h,
        rows,
    })
}
