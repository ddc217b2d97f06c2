//! Chokepoints: which foreign suppliers (region × industry) a target
//! economy depends on, ranked three ways.
//!
//! T is the set of the target's industries, x its output, f_T its final
//! demand (all origins), L = (I − A)⁻¹.
//!
//! 1. **Exposure** (look-through, Baldwin, Freeman & Theodorakopoulos 2022):
//!    * output: Σ_{j∈T} (L − I)_ij x_j / Σ_{j∈T} x_j, the supplier's output
//!      needed directly and indirectly per unit of the target's gross output
//!      ((L − I)_ij = (LA)_ij is the upstream requirement per unit of j's
//!      output);
//!    * final demand: (L f_T)_i / 1'f_T (gross) and v_i (L f_T)_i / 1'f_T
//!      (the supplier's value-added share of the target's final demand).
//! 2. **Bottleneck loss** (first order): if supplier i = (r, s) stops
//!    delivering to the target and nothing replaces it, a Leontief user j
//!    of product s loses the fraction c_ij = z_ij / Σ_r' z_(r',s),j of its
//!    product-s input, so its output falls by δ_j = c_ij x_j. Only inputs
//!    critical to the user count: product s is critical for j when its cost
//!    share Σ_r' z_(r',s),j / x_j reaches `critical_input_share` (default
//!    1 %; 0 gives pure Leontief, where a sliver of an input that the target
//!    does not make at home, such as WIOD's China "c19 motor-vehicle trade",
//!    halts its users). The loss runs
//!    downstream through the target's own network with the Ghosh inverse
//!    G_TT = (I − B_TT)⁻¹, B_TT = x̂_T⁻¹ Z_TT: Δx' = δ' G_TT, each Δx_k capped
//!    at x_k; the value-added loss is Σ_k v_k Δx_k. The propagation is a
//!    [`DownstreamPropagation`] so that the engine's dynamic model can
//!    replace the first-order Ghosh step.
//! 3. **Hypothetical extraction** (Dietzenbacher & Lahr 2013, partial):
//!    remove the coefficients a_ij, j ∈ T (the supplier's intermediate sales
//!    to the target; final demand stays) and keep final demand fixed in the
//!    demand-driven model. With w = A_{i,T} (a rank-one change
//!    I − A' = (I − A) + e_i w'), Sherman–Morrison gives exactly
//!    x' = x − L e_i (w'x)/(1 + w'L e_i), so the world output lost is
//!    (1'L e_i)(w'x)/(1 + w'L_{T,i}) and the target's industries lose
//!    L_{T,i}(w'x)/(1 + w'L_{T,i}). One LU, |T| transposed solves and one
//!    more solve serve every supplier; nothing is re-solved per supplier.
//!
//! The three rank differently because they weigh different things: exposure
//! counts all the supplier's output in the target's chains, through other
//! industries and third countries too, whether or not the target could buy it elsewhere;
//! bottleneck loss counts only direct deliveries, scaled by how much of the
//! product the supplier provides to each user (criticality) and by how
//! central those users are downstream; extraction counts output lost
//! world-wide and grows with the supplier's own backward multiplier.

use faer::{Col, Mat, MatRef};

use crate::error::GvcError;
use crate::groups::Selection;
use plenum_iomath::{IterOptions, Leontief, LeontiefSolve, SolveLog, SolverChoice};
use plenum_table::{Labels, MrioTable};

use crate::lean::LeanModel;
use crate::linalg::{factor, io_err};
use crate::model::GvcModel;

/// What the ranking reads of a demand-side model: x, v, Y by destination,
/// the target's columns of Z and A, and products with L and Lᵀ. Built from
/// a [`GvcModel`] (LU factors) or a [`LeanModel`] (any
/// [`LeontiefSolve`], iterative at scale): the ranking itself is one code
/// path.
pub struct ChokeInputs<'a> {
    labels: &'a Labels,
    x: &'a Col<f64>,
    v: &'a Col<f64>,
    ye: MatRef<'a, f64>,
    /// The target's industries T, ascending.
    t: Vec<usize>,
    /// Z_{·,T} and A_{·,T}, n × |T|.
    z_t: Mat<f64>,
    a_t: Mat<f64>,
    leontief: &'a dyn LeontiefSolve,
    /// Solve L [E_T, f_T] and Lᵀ [E_T, 1] as one block each instead of
    /// four solves: an iterative solver then sweeps Z for the single
    /// columns within the blocks' sweeps (each sweep of a dense Z reads
    /// 8n² bytes whatever the block width). Off for LU, whose separate
    /// solves are the dense model's bits.
    one_block_per_side: bool,
}

impl<'a> ChokeInputs<'a> {
    /// From the dense model and its LU factors.
    pub fn of_model(model: &'a GvcModel, target: &Selection) -> Self {
        let l = model.labels();
        let t = Selection::of_regions(l, &target.regions).industries(l);
        let n = model.n();
        let (z, a) = (model.z(), model.a());
        Self {
            labels: l,
            x: model.x(),
            v: model.v(),
            ye: model.ye(),
            z_t: Mat::from_fn(n, t.len(), |i, k| z[(i, t[k])]),
            a_t: Mat::from_fn(n, t.len(), |i, k| a[(i, t[k])]),
            t,
            leontief: model.leontief(),
            one_block_per_side: false,
        }
    }

    /// From the lean model and a solver over its Z (usually
    /// [`LeanModel::solver`]).
    pub fn of_lean(
        model: &'a LeanModel<'_>,
        target: &Selection,
        leontief: &'a dyn LeontiefSolve,
    ) -> Self {
        let l = model.labels();
        let t = Selection::of_regions(l, &target.regions).industries(l);
        let (z_t, a_t) = model.columns(&t);
        Self {
            labels: l,
            x: model.x(),
            v: model.v(),
            ye: model.ye(),
            z_t,
            a_t,
            t,
            leontief,
            one_block_per_side: false,
        }
    }

    /// Whether L and Lᵀ each get one block solve of |T| + 1 columns
    /// (worth it for an iterative solver) or |T| and 1 apart (the dense
    /// model's bits with LU).
    pub fn one_block_per_side(mut self, yes: bool) -> Self {
        self.one_block_per_side = yes;
        self
    }

    /// The target's industries T, ascending.
    pub fn target_industries(&self) -> &[usize] {
        &self.t
    }

    /// Right-hand sides the ranking solves: |T| + 1 with L and with Lᵀ
    /// (for [`plenum_iomath::IterOptions::expected_rhs`]).
    pub fn rhs_count(target_industries: usize) -> usize {
        2 * (target_industries + 1)
    }

    fn solve(&self, rhs: MatRef<'_, f64>, what: &str) -> Result<Mat<f64>, GvcError> {
        self.leontief.solve(rhs).map_err(|e| io_err(what, e))
    }
    fn solve_t(&self, rhs: MatRef<'_, f64>, what: &str) -> Result<Mat<f64>, GvcError> {
        self.leontief
            .solve_transpose(rhs)
            .map_err(|e| io_err(what, e))
    }
}

/// How a direct output loss in the target's industries spreads downstream.
/// The default is [`GhoshFirstOrder`]; a dynamic model can plug in here.
pub trait DownstreamPropagation: Sync {
    /// `direct` is |T| × k (one column per shock, rows in the order of the
    /// target's industries); returns the total output loss, same shape.
    fn propagate(&self, direct: MatRef<'_, f64>) -> Result<Mat<f64>, GvcError>;
    fn name(&self) -> &str;
}

/// First-order forward propagation with the Ghosh inverse of the target's
/// domestic block, capped at each industry's output.
pub struct GhoshFirstOrder {
    lu: Leontief,
    x_t: Vec<f64>,
}

impl GhoshFirstOrder {
    pub fn new(model: &GvcModel, target: &[usize]) -> Result<Self, GvcError> {
        let z = model.z();
        let z_t = Mat::from_fn(model.n(), target.len(), |i, k| z[(i, target[k])]);
        Self::from_columns(z_t.as_ref(), model.x(), target)
    }

    /// From the target's columns of Z (`z_t`, n × |T|, column k that of
    /// industry `target[k]`) and x.
    pub fn from_columns(
        z_t: MatRef<'_, f64>,
        x: &Col<f64>,
        target: &[usize],
    ) -> Result<Self, GvcError> {
        let m = target.len();
        // B_TT' (transposed) so that the LU solves (I − B_TT)' Δx = δ.
        let bt = Mat::from_fn(m, m, |k, j| {
            let i = target[j];
            if x[i] > 0.0 {
                z_t[(i, k)] / x[i]
            } else {
                0.0
            }
        });
        Ok(Self {
            lu: factor(bt.as_ref(), "the Ghosh system of the target")?,
            x_t: target.iter().map(|&j| x[j]).collect(),
        })
    }
}

impl DownstreamPropagation for GhoshFirstOrder {
    fn propagate(&self, direct: MatRef<'_, f64>) -> Result<Mat<f64>, GvcError> {
        let mut dx = self
            .lu
            .solve(direct)
            .map_err(|e| io_err("the Ghosh system of the target", e))?;
        for c in 0..dx.ncols() {
            for k in 0..dx.nrows() {
                dx[(k, c)] = dx[(k, c)].clamp(0.0, self.x_t[k]);
            }
        }
        Ok(dx)
    }
    fn name(&self) -> &str {
        "first-order Ghosh (supply-driven) propagation in the target's domestic network, capped at output"
    }
}

/// One foreign supplier and its three scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Chokepoint {
    pub supplier: usize,
    pub name: String,
    /// Σ_{j∈T} z_ij, direct intermediate deliveries to the target.
    pub deliveries: f64,
    pub exposure_output: f64,
    pub exposure_fd: f64,
    pub exposure_fd_va: f64,
    pub bottleneck_va_loss: f64,
    /// Bottleneck loss as a share of the target's value added.
    pub bottleneck_va_share: f64,
    pub extraction_output_loss: f64,
    /// Extraction loss as a share of world output.
    pub extraction_output_share: f64,
    /// Direct part of output exposure: Σ_j z_ij / Σ_j (L − I)_ij x_j.
    pub exposure_direct_part: f64,
    /// Delivery-weighted mean of c_ij, the supplier's share of each user's
    /// product-s input.
    pub criticality: f64,
    pub rank_exposure: usize,
    pub rank_bottleneck: usize,
    pub rank_extraction: usize,
    /// Target industries most hit, (industry, amount), largest first:
    /// by (L − I)_ij x_j, by value-added loss, by output lost in extraction.
    pub hits_exposure: Vec<(usize, f64)>,
    pub hits_bottleneck: Vec<(usize, f64)>,
    pub hits_extraction: Vec<(usize, f64)>,
}

impl Chokepoint {
    /// The supplier's scores and ranks by name, in the order of the CLI's
    /// `chokepoints.csv` measures: the one list the CLI and Python render
    /// (ranks as numbers, 1 = first).
    pub fn measures(&self) -> [(&'static str, f64); 13] {
        [
            ("deliveries", self.deliveries),
            ("exposure_output", self.exposure_output),
            ("exposure_fd", self.exposure_fd),
            ("exposure_fd_va", self.exposure_fd_va),
            ("bottleneck_va_loss", self.bottleneck_va_loss),
            ("bottleneck_va_share", self.bottleneck_va_share),
            ("extraction_output_loss", self.extraction_output_loss),
            ("extraction_output_share", self.extraction_output_share),
            ("exposure_direct_part", self.exposure_direct_part),
            ("criticality", self.criticality),
            ("rank_exposure", self.rank_exposure as f64),
            ("rank_bottleneck", self.rank_bottleneck as f64),
            ("rank_extraction", self.rank_extraction as f64),
        ]
    }
}

/// Chokepoint ranking of a target and how the rankings agree.
#[derive(Debug, Clone)]
pub struct ChokepointReport {
    pub target_regions: Vec<usize>,
    pub target_industries: Vec<usize>,
    pub propagation: String,
    /// Sorted by exposure rank.
    pub suppliers: Vec<Chokepoint>,
    /// Spearman rank correlations: exposure–bottleneck, exposure–extraction,
    /// bottleneck–extraction.
    pub spearman: [f64; 3],
    /// Suppliers in one measure's top `k` and outside another's top 3k, with
    /// the reason the diagnostics point to.
    pub disagreements: Vec<Disagreement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub supplier: usize,
    pub name: String,
    pub ranks: [usize; 3],
    pub reason: String,
}

fn top_hits(vals: impl Iterator<Item = (usize, f64)>, k: usize) -> Vec<(usize, f64)> {
    let mut v: Vec<(usize, f64)> = vals.filter(|p| p.1 > 0.0).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(k);
    v
}

fn ranks(values: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let mut r = vec![0; values.len()];
    for (pos, &i) in idx.iter().enumerate() {
        r[i] = pos + 1;
    }
    r
}

fn spearman(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len() as f64;
    if a.len() < 2 {
        return 1.0;
    }
    let d2: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
        .sum();
    1.0 - 6.0 * d2 / (n * (n * n - 1.0))
}

/// Options of [`chokepoints`].
#[derive(Debug, Clone)]
pub struct ChokepointOptions {
    /// How many target industries to list per supplier and measure.
    pub hits: usize,
    /// Size of the "top" used to report disagreements.
    pub top_k: usize,
    /// Smallest cost share Σ_r z_(r,s),j / x_j for which product s counts
    /// as a critical (Leontief) input of user j in the bottleneck measure.
    pub critical_input_share: f64,
}

impl Default for ChokepointOptions {
    fn default() -> Self {
        Self {
            hits: 3,
            top_k: 20,
            critical_input_share: 0.01,
        }
    }
}

/// Ranks every supplier outside the target's regions, with the default
/// first-order Ghosh propagation.
pub fn chokepoints(
    model: &GvcModel,
    target: &Selection,
    opts: &ChokepointOptions,
) -> Result<ChokepointReport, GvcError> {
    rank(&ChokeInputs::of_model(model, target), target, opts, None)
}

/// As [`chokepoints`], with a caller-supplied downstream propagation.
pub fn chokepoints_with(
    model: &GvcModel,
    target: &Selection,
    opts: &ChokepointOptions,
    propagation: &dyn DownstreamPropagation,
) -> Result<ChokepointReport, GvcError> {
    rank(
        &ChokeInputs::of_model(model, target),
        target,
        opts,
        Some(propagation),
    )
}

/// [`chokepoints`] on the lean model: L and Lᵀ only through `leontief`
/// (for example [`LeanModel::solver`], iterative at scale), no A or L in
/// memory. With an LU solver it is the dense model's ranking bit for bit.
pub fn chokepoints_lean(
    model: &LeanModel<'_>,
    leontief: &dyn LeontiefSolve,
    target: &Selection,
    opts: &ChokepointOptions,
) -> Result<ChokepointReport, GvcError> {
    rank(
        &ChokeInputs::of_lean(model, target, leontief),
        target,
        opts,
        None,
    )
}

/// [`chokepoints_lean`] from a table, with the solver `choice` picks
/// (block-Jacobi on each region's domestic block, 2|T| + 2 expected
/// right-hand sides for [`SolverChoice::Auto`]) and to `rtol`: what
/// `plenum chokepoints` and Python's `chokepoints` run. A solve that does
/// not converge falls back to LU only if the process stays under
/// `max_fallback_bytes` ([`IterOptions::max_fallback_bytes`]). Returns the
/// ranking and how the products with L were made.
pub fn chokepoints_on_table(
    table: &MrioTable,
    target: &Selection,
    opts: &ChokepointOptions,
    choice: SolverChoice,
    rtol: f64,
    max_fallback_bytes: Option<f64>,
) -> Result<(ChokepointReport, SolveLog), GvcError> {
    let lean = LeanModel::new(table)?;
    let l = table.labels();
    let iter = IterOptions {
        rtol,
        block: l.n_sectors(),
        expected_rhs: ChokeInputs::rhs_count(target.industries(l).len()),
        max_fallback_bytes,
        ..IterOptions::default()
    };
    let solver = lean.solver(choice, iter)?;
    let inp =
        ChokeInputs::of_lean(&lean, target, &solver).one_block_per_side(solver.is_iterative());
    let rep = rank(&inp, target, opts, None)?;
    Ok((rep, solver.log()))
}

/// The ranking on prepared inputs, with the first-order Ghosh propagation
/// unless another is given.
pub fn rank(
    inp: &ChokeInputs<'_>,
    target: &Selection,
    opts: &ChokepointOptions,
    propagation: Option<&dyn DownstreamPropagation>,
) -> Result<ChokepointReport, GvcError> {
    let ghosh;
    let propagation = match propagation {
        Some(p) => p,
        None => {
            ghosh = GhoshFirstOrder::from_columns(inp.z_t.as_ref(), inp.x, &inp.t)?;
            &ghosh as &dyn DownstreamPropagation
        }
    };
    let l = inp.labels;
    let ns = l.n_sectors();
    let n = inp.x.nrows();
    let tsel = Selection::of_regions(l, &target.regions);
    let t = inp.t.clone();
    let m = t.len();
    let z_t = inp.z_t.as_ref();
    let a_t = inp.a_t.as_ref();
    let x = inp.x;
    let v = inp.v;
    let ye = inp.ye;
    let suppliers: Vec<usize> = (0..n).filter(|&i| !tsel.contains_region(i / ns)).collect();

    // Columns and rows of L for the target's industries, L f_T and 1'L.
    let f_t = Mat::from_fn(n, 1, |i, _| {
        target.regions.iter().map(|&r| ye[(i, r)]).sum::<f64>()
    });
    let (lt, rt, colsum, lf) = if inp.one_block_per_side {
        let mut b = Mat::<f64>::zeros(n, m + 1);
        for (k, &j) in t.iter().enumerate() {
            b[(j, k)] = 1.0;
        }
        b.col_mut(m).copy_from(f_t.col(0));
        let lt = inp.solve(b.as_ref(), "L·R")?; // n × (m + 1): [L_{i, T_k}, L f_T]
        b.col_mut(m).fill(1.0);
        let rt = inp.solve_t(b.as_ref(), "L'·R")?; // n × (m + 1): [L_{T_k, i}, 1'L]
        let lf = Mat::from_fn(n, 1, |i, _| lt[(i, m)]);
        let colsum = Mat::from_fn(n, 1, |i, _| rt[(i, m)]);
        (lt, rt, colsum, lf)
    } else {
        let mut e_t = Mat::<f64>::zeros(n, m);
        for (k, &j) in t.iter().enumerate() {
            e_t[(j, k)] = 1.0;
        }
        let lt = inp.solve(e_t.as_ref(), "L·R")?; // n × m: L_{i, T_k}
        let rt = inp.solve_t(e_t.as_ref(), "L'·R")?; // n × m: L_{T_k, i}
        drop(e_t);
        let ones = Mat::from_fn(n, 1, |_, _| 1.0);
        let colsum = inp.solve_t(ones.as_ref(), "L'·R")?; // 1'L
        let lf = inp.solve(f_t.as_ref(), "L·R")?;
        (lt, rt, colsum, lf)
    };
    let fd_total: f64 = (0..n).map(|i| f_t[(i, 0)]).sum();
    let x_t: f64 = t.iter().map(|&j| x[j]).sum();
    let va_t: f64 = t.iter().map(|&j| v[j] * x[j]).sum();
    let x_world: f64 = (0..n).map(|i| x[i]).sum();

    // Product-s input of each target user from all origins.
    let mut prod_in = Mat::<f64>::zeros(ns, m);
    for k in 0..m {
        for i in 0..n {
            prod_in[(i % ns, k)] += z_t[(i, k)];
        }
    }
    // Direct output losses δ, one column per supplier.
    let mut delta = Mat::<f64>::zeros(m, suppliers.len());
    let mut crit = vec![0.0; suppliers.len()];
    let mut deliv = vec![0.0; suppliers.len()];
    for (c, &i) in suppliers.iter().enumerate() {
        let s = i % ns;
        let mut cw = 0.0;
        for (k, &j) in t.iter().enumerate() {
            let zij = z_t[(i, k)];
            let critical =
                prod_in[(s, k)] > 0.0 && prod_in[(s, k)] >= opts.critical_input_share * x[j];
            if zij > 0.0 && critical {
                let share = zij / prod_in[(s, k)];
                delta[(k, c)] = share * x[j];
                cw += share * zij;
            }
            deliv[c] += zij;
        }
        crit[c] = if deliv[c] > 0.0 { cw / deliv[c] } else { 0.0 };
    }
    let dx = propagation.propagate(delta.as_ref())?;
    if dx.nrows() != m || dx.ncols() != suppliers.len() {
        return Err(GvcError::Invalid(format!(
            "the downstream propagation \"{}\" returned a {} × {} matrix for a {} × {} shock; it must keep the shape (one row per target industry, one column per supplier)",
            propagation.name(),
            dx.nrows(),
            dx.ncols(),
            m,
            suppliers.len()
        )));
    }

    let mut out = Vec::with_capacity(suppliers.len());
    for (c, &i) in suppliers.iter().enumerate() {
        let mut exp_out = 0.0;
        let mut hits_e = Vec::with_capacity(m);
        for (k, &j) in t.iter().enumerate() {
            let req = (lt[(i, k)] - if i == j { 1.0 } else { 0.0 }) * x[j];
            exp_out += req;
            hits_e.push((j, req));
        }
        let mut bn = 0.0;
        let mut hits_b = Vec::with_capacity(m);
        for (k, &j) in t.iter().enumerate() {
            let loss = v[j] * dx[(k, c)];
            bn += loss;
            hits_b.push((j, loss));
        }
        // Sherman–Morrison for the removal of A_{i,T}.
        let mut wx = 0.0;
        let mut wbe = 0.0;
        for (k, &j) in t.iter().enumerate() {
            wx += a_t[(i, k)] * x[j];
            wbe += a_t[(i, k)] * rt[(i, k)];
        }
        let scale = wx / (1.0 + wbe);
        let hem = colsum[(i, 0)] * scale;
        let hits_h = t.iter().enumerate().map(|(k, &j)| (j, rt[(i, k)] * scale));
        out.push(Chokepoint {
            supplier: i,
            name: l.industry_name(i),
            deliveries: deliv[c],
            exposure_output: exp_out / x_t,
            exposure_fd: lf[(i, 0)] / fd_total,
            exposure_fd_va: v[i] * lf[(i, 0)] / fd_total,
            bottleneck_va_loss: bn,
            bottleneck_va_share: bn / va_t,
            extraction_output_loss: hem,
            extraction_output_share: hem / x_world,
            exposure_direct_part: if exp_out > 0.0 {
                deliv[c] / exp_out
            } else {
                0.0
            },
            criticality: crit[c],
            rank_exposure: 0,
            rank_bottleneck: 0,
            rank_extraction: 0,
            hits_exposure: top_hits(hits_e.into_iter(), opts.hits),
            hits_bottleneck: top_hits(hits_b.into_iter(), opts.hits),
            hits_extraction: top_hits(hits_h, opts.hits),
        });
    }
    let re = ranks(&out.iter().map(|c| c.exposure_output).collect::<Vec<_>>());
    let rb = ranks(&out.iter().map(|c| c.bottleneck_va_loss).collect::<Vec<_>>());
    let rh = ranks(
        &out.iter()
            .map(|c| c.extraction_output_loss)
            .collect::<Vec<_>>(),
    );
    for (k, c) in out.iter_mut().enumerate() {
        c.rank_exposure = re[k];
        c.rank_bottleneck = rb[k];
        c.rank_extraction = rh[k];
    }
    let spearman = [spearman(&re, &rb), spearman(&re, &rh), spearman(&rb, &rh)];
    let k = opts.top_k.max(1);
    let median_crit = {
        let mut cs: Vec<f64> = out
            .iter()
            .filter(|c| c.deliveries > 0.0)
            .map(|c| c.criticality)
            .collect();
        cs.sort_by(f64::total_cmp);
        cs.get(cs.len() / 2).copied().unwrap_or(0.0)
    };
    let mut disagreements = Vec::new();
    for c in &out {
        let r = [c.rank_exposure, c.rank_bottleneck, c.rank_extraction];
        let best = *r.iter().min().unwrap_or(&usize::MAX);
        let worst = *r.iter().max().unwrap_or(&0);
        if best <= k && worst > 3 * k {
            disagreements.push(Disagreement {
                supplier: c.supplier,
                name: c.name.clone(),
                ranks: r,
                reason: explain(c, median_crit, k),
            });
        }
    }
    disagreements.sort_by_key(|d| (*d.ranks.iter().min().unwrap_or(&0), d.supplier));
    out.sort_by_key(|c| (c.rank_exposure, c.supplier));
    Ok(ChokepointReport {
        target_regions: target.regions.clone(),
        target_industries: t,
        propagation: propagation.name().to_string(),
        suppliers: out,
        spearman,
        disagreements,
    })
}

fn explain(c: &Chokepoint, median_crit: f64, k: usize) -> String {
    let mut why = Vec::new();
    if c.rank_exposure <= k && c.rank_bottleneck > 3 * k {
        if c.exposure_direct_part < 0.5 {
            why.push(format!(
                "exposure is mostly indirect ({:.0}% direct): the supplier reaches the target through other industries (the target's own and third countries'), which a stop of direct deliveries does not touch",
                100.0 * c.exposure_direct_part
            ));
        }
        if c.criticality < median_crit {
            why.push(format!(
                "its direct deliveries are a small part of each user's input of that product (criticality {:.3} < median {:.3})",
                c.criticality, median_crit
            ));
        }
    }
    if c.rank_bottleneck <= k && c.rank_exposure > 3 * k {
        why.push(format!(
            "small in volume but a large share of its users' input of that product (criticality {:.3}), and the users sit upstream in the target's network",
            c.criticality
        ));
    }
    if c.rank_extraction <= k && c.rank_exposure > 3 * k {
        why.push("large direct sales to the target and a high own backward multiplier: extraction counts output lost world-wide, including the supplier's own upstream".into());
    }
    if c.rank_extraction > 3 * k && c.rank_exposure <= k {
        why.push("little direct sale to the target: extraction only removes direct links".into());
    }
    if why.is_empty() {
        why.push("different weights: gross look-through volume vs. criticality-weighted downstream loss vs. world output multiplier".into());
    }
    why.join("; ")
}
