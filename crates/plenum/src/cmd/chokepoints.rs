//! `plenum chokepoints`: the foreign suppliers a region depends on, ranked
//! by exposure, bottleneck loss and hypothetical extraction, and (with
//! `--dynamic`) the bottleneck loss of the top suppliers from the dynamic
//! engine. [`compute`] yields a [`ChokepointsReport`]; its `text` and
//! `frames` render it. The measures are in crate `plenum-gvc`; formulas
//! and papers in `docs/gvc.md`.
//!
//! The rankings need L and Lᵀ times |T| + 1 right-hand sides each (T the
//! target's industries), never L: they run on plenum-gvc's lean model
//! ([`chokepoints_on_table`]) with `plenum_iomath`'s solver (`--solver`), which factors
//! I − A for small tables and iterates on Z as stored at scale, so a
//! GLORIA-size table needs neither A nor L nor, when Z is sparse, a dense
//! Z. `--dynamic` runs the engine on the dense model ([`model`]), whose LU
//! factors then serve the rankings too.

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use plenum_gvc::{
    chokepoints, chokepoints_on_table, dynamic_bottleneck, ChokeInputs, Chokepoint,
    ChokepointOptions, ChokepointReport, DynamicOptions, DynamicReport, Selection,
};
use plenum_iomath::SolveLog;
use plenum_table::Labels;

use super::analyze::{solver_json, SolveSettings};
use super::gvc::{check_labels, model, table_name, write_frames_and_files};
use crate::cli::ChokepointsArgs;
use crate::output::Frame;
use crate::source::{self, Loaded};

/// The dynamic engine's bottleneck losses of the top suppliers.
pub struct DynamicPart {
    /// The suppliers run, in the order of `report.losses`.
    pub suppliers: Vec<Chokepoint>,
    pub report: DynamicReport,
    pub steps: usize,
}

/// Everything `chokepoints` reports.
pub struct ChokepointsReport {
    pub table: String,
    pub origin: String,
    /// The target ("CHN", "CHN+HKG").
    pub target: String,
    pub labels: Labels,
    pub top: usize,
    pub top_k: usize,
    pub report: ChokepointReport,
    pub dynamic: Option<DynamicPart>,
    /// How the products with L were made (`"lu"` for `--dynamic`).
    pub solver: SolveLog,
}

pub fn chokepoints_cmd(args: ChokepointsArgs) -> Result<()> {
    if args.by == crate::cli::ChokeBy::Technology {
        return crate::cmd::techchoke::run(&args);
    }
    let loaded = source::load(&args.input)?;
    let rep = compute(&args, &loaded)?;
    crate::output::print(format_args!("{}", rep.text()))?;
    write_frames_and_files(
        &args.output,
        &loaded.table,
        "chokepoints",
        &rep.frames(),
        &[("solver.json", solver_json(&rep.solver).into_bytes())],
    )
}

/// Ranks the suppliers (and runs the dynamic engine with `--dynamic`).
pub fn compute(args: &ChokepointsArgs, loaded: &Loaded) -> Result<ChokepointsReport> {
    let t = &loaded.table;
    let l = t.labels();
    let tn = table_name(t);
    check_labels("region", "--region", &args.region, l.regions(), tn)?;
    if !(args.critical_share.is_finite() && (0.0..1.0).contains(&args.critical_share)) {
        bail!(
            "--critical-share must be in [0, 1), got {}",
            args.critical_share
        );
    }
    let regions: Vec<&str> = args.region.iter().map(|s| s.as_str()).collect();
    let target = Selection::new(l, &regions, None)?;
    let settings = SolveSettings::from_flags(args.solver, args.rtol, args.memory.max_memory_gb)?;
    let opts = ChokepointOptions {
        hits: args.hits,
        top_k: args.top.max(1),
        critical_input_share: args.critical_share,
    };
    let (rep, dynamic, solver) = if args.dynamic {
        if args.dynamic_steps == 0 {
            bail!("--dynamic-steps must be at least 1, got 0");
        }
        // The engine needs the dense model; its LU factors rank too.
        let m = model(
            t,
            &args.memory,
            super::memory::Work::DenseModelDynamic,
            "plenum chokepoints --dynamic (the dense model and the engine)",
            "drop --dynamic (the three rankings need no dense model), ",
        )?;
        let pb = crate::progress::spinner("ranking chokepoints");
        let rep = chokepoints(&m, &target, &opts)?;
        pb.finish_and_clear();
        let mut by_b: Vec<&Chokepoint> = rep.suppliers.iter().collect();
        by_b.sort_by_key(|c| (c.rank_bottleneck, c.supplier));
        by_b.truncate(args.top);
        let cand: Vec<usize> = by_b.iter().map(|c| c.supplier).collect();
        let dopts = DynamicOptions {
            steps: args.dynamic_steps,
            critical_input_share: args.critical_share,
            hits: args.hits,
            ..Default::default()
        };
        let pb = crate::progress::spinner("running the dynamic engine");
        let dr = dynamic_bottleneck(t, &m, &target, &cand, &dopts)?;
        pb.finish_and_clear();
        let dynamic = DynamicPart {
            suppliers: by_b.into_iter().cloned().collect(),
            report: dr,
            steps: dopts.steps,
        };
        let solver = SolveLog {
            method: "lu",
            storage: "dense",
            rtol: settings.rtol,
            solves: 4,
            columns: ChokeInputs::rhs_count(rep.target_industries.len()),
            factored: true,
            z_storage: t.z_flows().storage(),
            densified: (t.z_flows().storage() == "csr").then_some("lu"),
            ..SolveLog::default()
        };
        (rep, Some(dynamic), solver)
    } else {
        super::memory::check_solves(
            t,
            settings.choice,
            ChokeInputs::rhs_count(target.industries(l).len()),
            false,
            args.memory.max_memory_gb,
            "plenum chokepoints",
        )?;
        let pb = crate::progress::spinner("ranking chokepoints (products with L: LU or iterative)");
        let (rep, solver) = chokepoints_on_table(
            t,
            &target,
            &opts,
            settings.choice,
            settings.rtol,
            settings.max_fallback_bytes,
        )
        .context("ranking the chokepoints")?;
        pb.finish_and_clear();
        if let Some(why) = solver.densified {
            eprintln!(
                "note: Z is stored sparse, but an {n} x {n} dense A was made ({why}); \
                 --solver iterative keeps it sparse",
                n = l.n_industries()
            );
        }
        (rep, None, solver)
    };
    Ok(ChokepointsReport {
        table: tn.to_string(),
        origin: loaded.origin.clone(),
        target: args.region.join("+"),
        labels: l.clone(),
        top: args.top,
        top_k: opts.top_k,
        report: rep,
        dynamic,
        solver,
    })
}

type Score = fn(&Chokepoint) -> (usize, f64);

/// The three rankings: name, what the score is, (rank, score).
const MEASURES: [(&str, &str, Score); 3] = [
    (
        "exposure",
        "supplier output per unit of target output, %",
        |c| (c.rank_exposure, 100.0 * c.exposure_output),
    ),
    (
        "bottleneck",
        "target value added lost, % of target VA",
        |c| (c.rank_bottleneck, 100.0 * c.bottleneck_va_share),
    ),
    ("extraction", "world output lost, % of world output", |c| {
        (c.rank_extraction, 100.0 * c.extraction_output_share)
    }),
];

impl ChokepointsReport {
    /// The readable summary: each ranking's top, the disagreements, and
    /// the dynamic losses.
    pub fn text(&self) -> String {
        let l = &self.labels;
        let rep = &self.report;
        let tname = &self.target;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} ({}) — chokepoints of {tname}: {} foreign supplier industries",
            self.table,
            self.origin,
            rep.suppliers.len()
        );
        let _ = writeln!(s, "downstream propagation: {}", rep.propagation);
        // A rank correlation needs at least two suppliers (issue 14, defect 6).
        if rep.suppliers.len() >= 2 && rep.spearman.iter().all(|r| r.is_finite()) {
            let _ = writeln!(
                s,
                "Spearman rank correlation: exposure–bottleneck {:.2}, exposure–extraction {:.2}, bottleneck–extraction {:.2}",
                rep.spearman[0], rep.spearman[1], rep.spearman[2]
            );
        } else {
            let _ = writeln!(
                s,
                "Spearman rank correlation: not defined ({} foreign supplier industries with output; it needs two)",
                rep.suppliers.len()
            );
        }
        let sec = |j: usize| l.sectors()[j % l.n_sectors()].clone();
        let hits_txt = |h: &[(usize, f64)]| -> String {
            h.iter().map(|(j, _)| sec(*j)).collect::<Vec<_>>().join(" ")
        };
        for (k, (name, what, score)) in MEASURES.iter().enumerate() {
            let mut v: Vec<&Chokepoint> = rep.suppliers.iter().collect();
            v.sort_by_key(|c| (score(c).0, c.supplier));
            let _ = writeln!(s, "\nby {name} ({what})");
            let _ = writeln!(
                s,
                "  {:>4} {:<20} {:>10} {:>5} {:>5} {:>5}  hits most (target sectors)",
                "rank", "supplier", "score", "E", "B", "X"
            );
            for c in v.iter().take(self.top) {
                let hits = match k {
                    0 => &c.hits_exposure,
                    1 => &c.hits_bottleneck,
                    _ => &c.hits_extraction,
                };
                let _ = writeln!(
                    s,
                    "  {:>4} {:<20} {:>10.4} {:>5} {:>5} {:>5}  {}",
                    score(c).0,
                    c.name,
                    score(c).1,
                    c.rank_exposure,
                    c.rank_bottleneck,
                    c.rank_extraction,
                    hits_txt(hits)
                );
            }
        }
        let _ = writeln!(
            s,
            "\nwhere the rankings disagree (in one top {} and outside another's top {}):",
            self.top_k,
            3 * self.top_k
        );
        if rep.disagreements.is_empty() {
            let _ = writeln!(s, "  none");
        }
        for d in &rep.disagreements {
            let _ = writeln!(
                s,
                "  {:<20} E {:>4} B {:>4} X {:>4}: {}",
                d.name, d.ranks[0], d.ranks[1], d.ranks[2], d.reason
            );
        }
        if let Some(dy) = &self.dynamic {
            let _ = writeln!(
                s,
                "\nbottleneck loss with the dynamic engine (supplier's deliveries to {tname} stopped, σ = 0, {} quarterly steps, inventories; % of target VA)",
                dy.steps
            );
            let _ = writeln!(
                s,
                "  {:>4} {:<20} {:>11} {:>10} {:>10}  falls most (target sectors)",
                "B", "supplier", "first-order", "last step", "mean"
            );
            for (c, d) in dy.suppliers.iter().zip(&dy.report.losses) {
                let hits: Vec<String> = d.hits.iter().map(|h| sec(h.industry)).collect();
                let _ = writeln!(
                    s,
                    "  {:>4} {:<20} {:>11.4} {:>10.4} {:>10.4}  {}",
                    c.rank_bottleneck,
                    c.name,
                    100.0 * c.bottleneck_va_share,
                    100.0 * d.va_loss_last,
                    100.0 * d.va_loss_mean,
                    hits.join(" ")
                );
            }
        }
        s
    }

    /// The tidy frames, by file stem.
    pub fn frames(&self) -> Vec<(&'static str, Frame)> {
        let l = &self.labels;
        let rep = &self.report;
        let mut f = Frame::new(&["supplier_region", "supplier_sector", "measure"]);
        let mut h = Frame::new(&[
            "supplier_region",
            "supplier_sector",
            "measure",
            "target_region",
            "target_sector",
        ]);
        for c in &rep.suppliers {
            let id = l.industry(c.supplier);
            let (rn, sn) = (&l.regions()[id.region], &l.sectors()[id.sector]);
            for (name, v) in c.measures() {
                f.push(&[rn, sn, name], v);
            }
            for (name, hits) in [
                ("exposure", &c.hits_exposure),
                ("bottleneck", &c.hits_bottleneck),
                ("extraction", &c.hits_extraction),
            ] {
                for (j, v) in hits {
                    let jd = l.industry(*j);
                    h.push(
                        &[
                            rn,
                            sn,
                            name,
                            &l.regions()[jd.region],
                            &l.sectors()[jd.sector],
                        ],
                        *v,
                    );
                }
            }
        }
        let mut d = Frame::new(&["supplier_region", "supplier_sector", "reason", "measure"]);
        for x in &rep.disagreements {
            let id = l.industry(x.supplier);
            let (rn, sn) = (&l.regions()[id.region], &l.sectors()[id.sector]);
            for (k, name) in ["rank_exposure", "rank_bottleneck", "rank_extraction"]
                .iter()
                .enumerate()
            {
                d.push(&[rn, sn, &x.reason, name], x.ranks[k] as f64);
            }
        }
        let mut sp = Frame::new(&["pair"]);
        sp.push(&["exposure_bottleneck"], rep.spearman[0]);
        sp.push(&["exposure_extraction"], rep.spearman[1]);
        sp.push(&["bottleneck_extraction"], rep.spearman[2]);
        let mut frames = vec![
            ("chokepoints", f),
            ("chokepoint_hits", h),
            ("chokepoint_disagreements", d),
            ("spearman", sp),
        ];
        if let Some(dy) = &self.dynamic {
            let mut fr = Frame::new(&["supplier_region", "supplier_sector", "measure"]);
            for d in &dy.report.losses {
                let id = l.industry(d.supplier);
                let (rn, sn) = (&l.regions()[id.region], &l.sectors()[id.sector]);
                fr.push(&[rn, sn, "va_loss_share_last"], d.va_loss_last);
                fr.push(&[rn, sn, "va_loss_share_mean"], d.va_loss_mean);
                for (k, v) in d.va_loss_path.iter().enumerate() {
                    fr.push(&[rn, sn, &format!("va_loss_share_step{}", k + 1)], *v);
                }
            }
            frames.push(("chokepoints_dynamic", fr));
        }
        frames
    }
}

#[cfg(test)]
#[path = "chokepoints_tests.rs"]
mod tests;
