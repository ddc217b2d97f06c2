//! Bottleneck loss computed with the dynamic engine (plenum-sim's extended
//! ARIO mode) instead of the first-order Ghosh step of [`crate::chokepoint`].
//!
//! For a target economy T and each candidate supplier i = (o, s) (origin
//! region o, product s), the engine is run with a trade restriction that
//! caps the deliveries of product s from region o to every region of the
//! target at zero (φ = 1 from the first step, substitutability σ = 0), for
//! `steps` steps of `step_days` days, inventories counted. Product s is made
//! a critical (Leontief) input of the target's user sectors by the same rule
//! as the first-order measure: s is critical for user j when its cost share
//! Σ_r' z_(r',s),j / x_j ≥ `critical_input_share`; it is non-critical
//! (output falls in proportion to the input's weight) otherwise. All other
//! inputs keep the engine's default rule (critical when at least
//! `engine_critical_share` of the user's intermediate inputs).
//!
//! The loss is measured against a baseline run of the same model without
//! the restriction: at step t the target loses
//! ΔVA(t) = Σ_{k∈T} v_k (x^b_k(t) − x_k(t)), v_k = 1 − Σ_i a_ik, reported as
//! a share of the baseline Σ_{k∈T} v_k x^b_k(t), at the last step and as the
//! mean over the horizon (Σ_t ΔVA(t) / Σ_t VA^b(t)).
//!
//! What differs from the first-order measure, on purpose (it is the
//! engine's behaviour): inventories delay the loss; the loss also runs
//! backward (users that produce less order less from the target's
//! suppliers) and through other regions; ARIO's order rule lets the user's
//! other suppliers of product s deliver more than their usual amount when
//! they have spare capacity, so some substitution happens even at σ = 0; a
//! user that loses a non-critical input loses output in proportion to its
//! weight, where the first-order measure counts nothing. The restriction
//! also stops the supplier's deliveries to the target's final buyers (the
//! engine restricts a product and origin, all buyers), which costs the
//! target no value added.
//!
//! Limitation: a restriction in plenum-sim is by product and origin region
//! (all industries of that region making that product). With a table whose
//! industries are region × sector, as here, that is exactly one supplier
//! industry. The criticality override of the engine is by input and using
//! *sector*, in every region: the rule above is applied to the target's
//! users and, for the same sectors, to other regions' users of product s
//! (whose deliveries are not restricted; they matter only through
//! secondary shortages). With several target regions, s is critical for a
//! user sector if it is critical for that sector in any target region.
//!
//! Candidates are run as an [`plenum_sim::Ensemble`] (members cloned from
//! one model, sharing Z⁰; each pass over Z⁰ serves all of them), in chunks
//! of [`DynamicOptions::batch`] members; results are bit-for-bit those of
//! single runs, so they do not depend on the chunking.

use plenum_sim::{ArioModel, Ensemble, ExtendedSpec, Path, TradeRestriction};
use plenum_table::MrioTable;

use crate::error::GvcError;
use crate::groups::Selection;
use crate::model::GvcModel;

/// Options of [`dynamic_bottleneck`].
#[derive(Debug, Clone)]
pub struct DynamicOptions {
    /// Number of engine steps (the horizon).
    pub steps: usize,
    /// Step length in days (91.25 = a quarter).
    pub step_days: f64,
    /// φ, the share of the supplier's deliveries removed (1 = all).
    pub reduction: f64,
    /// σ, the share of the lost deliveries other origins may take over.
    pub substitutability: f64,
    /// The first-order measure's criticality rule for the restricted
    /// product (cost share of the product in the user's output).
    pub critical_input_share: f64,
    /// The engine's default criticality rule for all other inputs (share
    /// of the user's intermediate inputs).
    pub engine_critical_share: f64,
    /// Target industries listed per supplier.
    pub hits: usize,
    /// Ensemble members per batch (memory: each holds O(n·R·F) state).
    pub batch: usize,
}

impl Default for DynamicOptions {
    fn default() -> Self {
        Self {
            steps: 4,
            step_days: 365.0 / 4.0,
            reduction: 1.0,
            substitutability: 0.0,
            critical_input_share: 0.01,
            engine_critical_share: 0.05,
            hits: 3,
            batch: 8,
        }
    }
}

/// One target industry's loss in a dynamic run, at the last step.
#[derive(Debug, Clone, PartialEq)]
pub struct IndustryFall {
    /// Table index of the target industry.
    pub industry: usize,
    /// v_k (x^b_k − x_k) as a share of the target's baseline value added.
    pub va_loss_share: f64,
    /// (x^b_k − x_k) / x^b_k.
    pub output_fall: f64,
}

/// The dynamic bottleneck loss of one supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicLoss {
    /// Table index of the supplier industry.
    pub supplier: usize,
    pub name: String,
    /// ΔVA(t) / VA^b(t) per step.
    pub va_loss_path: Vec<f64>,
    /// At the last step.
    pub va_loss_last: f64,
    /// Σ_t ΔVA(t) / Σ_t VA^b(t).
    pub va_loss_mean: f64,
    /// Target industries with the largest value-added loss at the last
    /// step, largest first (positive losses only).
    pub hits: Vec<IndustryFall>,
}

/// Result of [`dynamic_bottleneck`], suppliers in the order given.
#[derive(Debug, Clone)]
pub struct DynamicReport {
    pub target_industries: Vec<usize>,
    pub steps: usize,
    pub step_days: f64,
    pub losses: Vec<DynamicLoss>,
}

fn sim_err(what: &str, e: plenum_sim::SimError) -> GvcError {
    GvcError::Invalid(format!("the dynamic engine ({what}): {e}"))
}

/// Runs the engine once per candidate supplier (table industry indices,
/// outside the target's regions) and reports the target's value-added
/// loss. `model` must be the [`GvcModel`] of `table`.
pub fn dynamic_bottleneck(
    table: &MrioTable,
    model: &GvcModel,
    target: &Selection,
    suppliers: &[usize],
    opts: &DynamicOptions,
) -> Result<DynamicReport, GvcError> {
    let l = model.labels();
    let (n, ns) = (model.n(), l.n_sectors());
    if table.labels().n_industries() != n {
        return Err(GvcError::Invalid(format!(
            "the table has {} industries but the GVC model {}; build the model from the same table",
            table.labels().n_industries(),
            n
        )));
    }
    if opts.steps == 0 {
        return Err(GvcError::Invalid(
            "the dynamic bottleneck needs at least one step; use steps = 4".into(),
        ));
    }
    if !(opts.step_days.is_finite() && opts.step_days > 0.0) {
        return Err(GvcError::Invalid(format!(
            "step length {} days is not a positive number; use 91.25 (a quarter)",
            opts.step_days
        )));
    }
    for (what, v) in [
        ("reduction", opts.reduction),
        ("substitutability", opts.substitutability),
        ("critical_input_share", opts.critical_input_share),
        ("engine_critical_share", opts.engine_critical_share),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(GvcError::Invalid(format!(
                "{what} = {v} is not a share in [0, 1]; use a value between 0 and 1"
            )));
        }
    }
    let tsel = Selection::of_regions(l, &target.regions);
    let t = tsel.industries(l);
    for &i in suppliers {
        if i >= n {
            return Err(GvcError::Invalid(format!(
                "supplier index {i} is outside the table's {n} industries"
            )));
        }
        if tsel.contains_region(i / ns) {
            return Err(GvcError::Invalid(format!(
                "supplier {} is in the target's own regions; name a foreign supplier",
                l.industry_name(i)
            )));
        }
    }

    // The base model: the engine's extended mode with the step length
    // asked for, and nothing else.
    let text = format!(
        "[simulation]\nstep = {:?}\ncritical_share = {:?}\n",
        opts.step_days, opts.engine_critical_share
    );
    let file = plenum_sim::parse_shocks_file(&text, "<dynamic bottleneck>")
        .map_err(|e| sim_err("settings", e))?;
    let base = plenum_sim::build_extended(table, &file).map_err(|e| sim_err("model", e))?;
    let lay = base.layout().clone();
    // Model order (sorted labels) ↔ table order.
    let mut model_of = vec![0usize; n];
    for (k, &ti) in lay.table_industry.iter().enumerate() {
        model_of[ti] = k;
    }
    let region_m = |r: usize| lay.region_index(&l.regions()[r]);
    let sector_m = |s: usize| lay.sector_index(&l.sectors()[s]);
    let mut dest_m = Vec::with_capacity(target.regions.len());
    for &r in &target.regions {
        dest_m.push(region_m(r).ok_or_else(|| {
            GvcError::Invalid(format!("region {} missing in the engine", l.regions()[r]))
        })?);
    }

    // Product-s input of each target user from all origins, for the
    // criticality rule (the same as the first-order measure's).
    let z = model.z();
    let x = model.x();
    let v = model.v();
    let critical_for = |s: usize| -> Vec<(usize, bool)> {
        let mut crit = vec![false; ns];
        for &j in &t {
            let inp: f64 = (0..n).filter(|i| i % ns == s).map(|i| z[(i, j)]).sum();
            if inp > 0.0 && inp >= opts.critical_input_share * x[j] {
                crit[j % ns] = true;
            }
        }
        crit.into_iter().enumerate().collect()
    };

    let spec_for = |i: usize| -> Result<ExtendedSpec, GvcError> {
        let (o, s) = (i / ns, i % ns);
        let missing = || {
            GvcError::Invalid(format!(
                "supplier {} missing in the engine",
                l.industry_name(i)
            ))
        };
        let om = region_m(o).ok_or_else(missing)?;
        let sm = sector_m(s).ok_or_else(missing)?;
        let mut overrides = Vec::with_capacity(ns);
        for (u, crit) in critical_for(s) {
            overrides.push((sm, Some(sector_m(u).ok_or_else(missing)?), crit));
        }
        Ok(ExtendedSpec {
            critical_share: opts.engine_critical_share,
            critical_overrides: overrides,
            restrictions: dest_m
                .iter()
                .map(|&d| TradeRestriction {
                    product: sm,
                    origins: vec![om],
                    destination: d,
                    buyer_sectors: None,
                    reduction: Path::constant(opts.reduction),
                    substitutability: opts.substitutability,
                    adjustment_speed: 1.0,
                })
                .collect(),
            capacity_paths: Vec::new(),
            final_demand_paths: Vec::new(),
            // BoARIO's rule, as the bottleneck measure was defined and
            // tested with it.
            rationing: plenum_sim::Rationing::Proportional,
            // ARIO's rule: inventories are a buffer until they run out.
            restriction_precaution: 0.0,
            reroutes: Vec::new(),
            anticipations: Vec::new(),
        })
    };

    let mut b = base.clone();
    let baseline = b
        .run(opts.steps, false)
        .map_err(|e| sim_err("baseline run", e))?;
    let va_of = |xs: &[f64]| -> Vec<f64> {
        // Value added of each target industry (table order of `t`).
        t.iter().map(|&k| v[k] * xs[model_of[k]]).collect()
    };
    let base_va: Vec<Vec<f64>> = baseline
        .production_realised
        .iter()
        .map(|xs| va_of(xs))
        .collect();
    let base_tot: Vec<f64> = base_va.iter().map(|r| r.iter().sum()).collect();

    let mut losses = Vec::with_capacity(suppliers.len());
    for chunk in suppliers.chunks(opts.batch.max(1)) {
        let mut members: Vec<ArioModel> = Vec::with_capacity(chunk.len());
        for &i in chunk {
            let mut m = base.clone();
            m.enable_extended(spec_for(i)?, true);
            members.push(m);
        }
        let mut ens = Ensemble::new(members).map_err(|e| sim_err("ensemble", e))?;
        let trajs = ens
            .run(opts.steps, false)
            .map_err(|e| sim_err("restricted runs", e))?;
        for (&i, tr) in chunk.iter().zip(&trajs) {
            let mut path = Vec::with_capacity(opts.steps);
            let (mut sum_loss, mut sum_base) = (0.0, 0.0);
            let mut last = Vec::new();
            for (step, xs) in tr.production_realised.iter().enumerate() {
                let va = va_of(xs);
                let loss: f64 = base_va[step].iter().zip(&va).map(|(b, a)| b - a).sum();
                path.push(if base_tot[step] > 0.0 {
                    loss / base_tot[step]
                } else {
                    0.0
                });
                sum_loss += loss;
                sum_base += base_tot[step];
                last = va;
            }
            let ls = opts.steps - 1;
            let bt = base_tot[ls];
            let bx = &baseline.production_realised[ls];
            let xs = &tr.production_realised[ls];
            let mut hits: Vec<IndustryFall> = t
                .iter()
                .enumerate()
                .map(|(p, &k)| {
                    let xb = bx[model_of[k]];
                    IndustryFall {
                        industry: k,
                        va_loss_share: if bt > 0.0 {
                            (base_va[ls][p] - last[p]) / bt
                        } else {
                            0.0
                        },
                        output_fall: if xb > 0.0 {
                            (xb - xs[model_of[k]]) / xb
                        } else {
                            0.0
                        },
                    }
                })
                .filter(|h| h.va_loss_share > 0.0)
                .collect();
            hits.sort_by(|a, b| {
                b.va_loss_share
                    .total_cmp(&a.va_loss_share)
                    .then(a.industry.cmp(&b.industry))
            });
            hits.truncate(opts.hits);
            losses.push(DynamicLoss {
                supplier: i,
                name: l.industry_name(i),
                va_loss_last: path[ls],
                va_loss_mean: if sum_base > 0.0 {
                    sum_loss / sum_base
                } else {
                    0.0
                },
                va_loss_path: path,
                hits,
            });
        }
    }
    Ok(DynamicReport {
        target_industries: t,
        steps: opts.steps,
        step_days: opts.step_days,
        losses,
    })
}
