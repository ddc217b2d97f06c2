//! One sweep over Z⁰ per step in ARIO mode, instead of two passes.
//!
//! A step of [`crate::ArioModel`] needs two products with Z⁰ (n × n, the
//! baseline flows per step):
//!
//! - pass A, the deliveries and the order split of this step: for every
//!   buyer column j and input s,
//!   `add[s,j] = Σ_r Z⁰[(r,s),j] c(r,s)` with c = ρ_prev ∘ x/d, and
//!   `zc[s,j] = Σ_r Z⁰[(r,s),j] ρ_t(r,s)` with ρ_t = x^Cap/x⁰;
//! - pass B, the row sums of the next orders
//!   `O·1 [i] = ρ_t,i Σ_j Z⁰[i,j] H[s(i),j]`, H = G / zc.
//!
//! Between them sit the inventory update N' = N − A^S diag(x) + add ∘ H_prev
//! and the gap G = τ⁻¹ max(s ∘ A^S diag(x^Opt) − N', 0) + A^S diag(x): both
//! are per column, so column j's contribution to pass B can be added while
//! column j is still in cache, which halves the traffic over Z⁰ (the cost of
//! a step on a large table). Two tests of BoARIO are global, though:
//!
//! - `close`: if every inventory addition is np.isclose to its use, the
//!   inventories are not updated at all (N' = N);
//! - `all_close`: if every inventory is np.isclose to its goal, there is no
//!   restoration (G = A^S diag(x)).
//!
//! So the sweep forms H for each outcome it cannot yet exclude — "new"
//! (N' updated, restoration), "old" (N kept, restoration) and "none" (no
//! restoration) — and accumulates one set of row sums per outcome; the
//! caller picks the one that the global tests select after the sweep.
//! An outcome is dropped as soon as one column disproves it (a column that
//! is not close rules out "old"; columns whose inventories are far from
//! their goals under both N and N' rule out "none"). Dropping changes no
//! number: the chosen outcome is never dropped, and each outcome's sums are
//! formed exactly as the two passes form them.
//!
//! Bit-for-bit equality with the two passes (and so with ensembles, which
//! keep two passes): the sweep calls the passes' own kernels
//! (`kernels::region_sums`, `kernels::order_rows`, under the one
//! dispatcher of `dispatch.rs`); pass A's sums run over r in ascending
//! order from 0.0 for every (s, j); pass B runs over fixed blocks of
//! [`COLS_PER_BLOCK`] columns, within a block in groups of four columns
//! then one by one, and adds the blocks' partial sums in block order. None
//! of this depends on the number of threads.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::ario::isclose;
use crate::colmajor::ColMajor;
use crate::dispatch::{dispatch, Kernel};
use crate::kernels::{order_rows, region_sums, COLS_PER_BLOCK};

/// The outcomes of BoARIO's two global tests (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Inventories updated, restoration: `!close && !all_close`.
    New = 0,
    /// Inventories kept, restoration: `close && !all_close`.
    Old = 1,
    /// No restoration: `all_close`.
    NoRestoration = 2,
}

impl Outcome {
    pub fn of(close: bool, all_close: bool) -> Self {
        if all_close {
            Outcome::NoRestoration
        } else if close {
            Outcome::Old
        } else {
            Outcome::New
        }
    }
}

/// What the sweep reads. S × n arrays are stored column by column
/// (index j·S + s), n arrays in model order.
pub(crate) struct SweepIn<'a> {
    pub nr: usize,
    pub ns: usize,
    /// c = ρ_prev x/d, or None when `add` already holds Σ_r Z⁰ c.
    pub coef: Option<&'a [f64]>,
    /// ρ_t, or None when `zc` already holds Σ_r Z⁰ ρ_t.
    pub rho: Option<&'a [f64]>,
    /// H of the orders placed at the previous step.
    pub h_prev: &'a [f64],
    /// A^S.
    pub tech: &'a [f64],
    /// Inventories N before this step's update.
    pub stock: &'a [f64],
    /// Production x of this step.
    pub prod: &'a [f64],
    /// x^Opt for the next orders: min(d', x^Cap) with the demand d' after
    /// this step's rebuilding.
    pub popt: &'a [f64],
    /// Inventory targets in steps, per input (S).
    pub inv_duration: &'a [f64],
    /// Restoration rate per input (S).
    pub restoration_tau: &'a [f64],
    /// Σ_r Z⁰ under "noalt" (the split does not follow capacity); None
    /// under "alt", where the split is the `zc` of this sweep.
    pub zc_fixed: Option<&'a [f64]>,
    /// Sweep the blocks in parallel.
    pub parallel: bool,
}

/// Buffers of the sweep, kept by the model from step to step so that a
/// step allocates (and the kernel zeroes) nothing of size S·n or n per
/// block: H per outcome (S × n, column by column) and per block of
/// columns one partial row sum (n) per outcome.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    h: [Vec<f64>; 3],
    partials: Vec<[Vec<f64>; 3]>,
}

/// A clone starts empty: the buffers hold nothing between steps (every
/// sweep rewrites what it reads), so copying them into every clone of a
/// model (ensemble members, variants) would only cost memory.
impl Clone for Scratch {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// What the sweep found: BoARIO's global tests (as `phase_middle` will
/// find them) and, per block, which outcomes' partial sums are complete.
pub(crate) struct SweepOut {
    pub close: bool,
    pub all_close_old: bool,
    pub all_close_new: bool,
    kept: Vec<[bool; 3]>,
}

impl SweepOut {
    /// The outcome that BoARIO's tests select.
    pub fn outcome(&self) -> Outcome {
        let all_close = if self.close {
            self.all_close_old
        } else {
            self.all_close_new
        };
        Outcome::of(self.close, all_close)
    }

    /// `out = ρ ∘ Σ_blocks partial(outcome)`, blocks added in order (as
    /// the second pass does), provided the outcome's H is, bit for bit,
    /// the H that `phase_middle` formed (`h`): then these are the second
    /// pass's numbers. False otherwise (a mechanism changed the orders
    /// between the passes, or the outcome was dropped, which the rules
    /// above exclude), and the caller makes the second pass.
    pub fn rowsums(
        &self,
        scratch: &Scratch,
        outcome: Outcome,
        h: &[f64],
        rho: &[f64],
        out: &mut [f64],
    ) -> bool {
        let k = outcome as usize;
        if self.kept.iter().any(|p| !p[k]) || self.kept.len() > scratch.partials.len() {
            return false;
        }
        let hk = &scratch.h[k];
        if hk.len() != h.len() || hk.iter().zip(h).any(|(a, b)| a.to_bits() != b.to_bits()) {
            return false;
        }
        out.fill(0.0);
        for p in &scratch.partials[..self.kept.len()] {
            for (o, v) in out.iter_mut().zip(&p[k]) {
                *o += v;
            }
        }
        for (o, r) in out.iter_mut().zip(rho) {
            *o *= r;
        }
        true
    }
}

/// What the columns swept so far have shown, shared by the threads. A flag
/// is set by a column that fails a test, so at the end each test holds iff
/// its flag is unset; during the sweep the flags rule outcomes out (a flag
/// seen late only means more work, never other numbers).
#[derive(Default)]
struct RuledOut {
    /// Some column is not close: the outcome is not "old".
    not_close: AtomicBool,
    /// Some inventory is far from its goal when N is kept.
    not_all_close_old: AtomicBool,
    /// Some inventory is far from its goal when N is updated.
    not_all_close_new: AtomicBool,
}

impl RuledOut {
    fn flags(&self) -> [bool; 3] {
        [
            self.not_close.load(Ordering::Relaxed),
            self.not_all_close_old.load(Ordering::Relaxed),
            self.not_all_close_new.load(Ordering::Relaxed),
        ]
    }
    /// Outcomes still possible: "new" always (its tests end with the
    /// sweep), "old" while every column is close, "no restoration" while
    /// all_close may hold under the inventories that close will select.
    fn needed(&self) -> [bool; 3] {
        let [nc, nao, nan] = self.flags();
        [true, !nc, !(nan && (nao || nc))]
    }
}

/// The sweep: writes `add` (Σ_r Z⁰ c, which `phase_middle` turns into the
/// inventory additions H_prev ∘ add) and `zc` (Σ_r Z⁰ ρ_t) when their
/// weights are given, and leaves in `scratch` the row sums of every
/// outcome still possible.
pub(crate) fn sweep(
    z0: &ColMajor,
    inp: &SweepIn,
    add: &mut [f64],
    zc: &mut [f64],
    scratch: &mut Scratch,
) -> SweepOut {
    let ns = inp.ns;
    let n = inp.nr * ns;
    let chunk = COLS_PER_BLOCK * ns;
    let n_blocks = n.div_ceil(COLS_PER_BLOCK);
    for h in scratch.h.iter_mut() {
        h.resize(ns * n, 0.0);
    }
    scratch
        .partials
        .resize_with(n_blocks, || [Vec::new(), Vec::new(), Vec::new()]);
    for p in scratch.partials.iter_mut().flatten() {
        p.resize(n, 0.0);
    }
    let ruled = RuledOut::default();
    let kept: Vec<[bool; 3]> = {
        let [h0, h1, h2] = &mut scratch.h;
        let parts = &mut scratch.partials[..n_blocks];
        let work = |(b, (((((add, zc), x), y), w), part)): Chunks| {
            dispatch(Block {
                z0,
                inp,
                ruled: &ruled,
                b,
                add,
                zc,
                h: [x, y, w],
                part,
            })
        };
        if inp.parallel {
            add.par_chunks_mut(chunk)
                .zip(zc.par_chunks_mut(chunk))
                .zip(h0.par_chunks_mut(chunk))
                .zip(h1.par_chunks_mut(chunk))
                .zip(h2.par_chunks_mut(chunk))
                .zip(parts.par_iter_mut())
                .enumerate()
                .map(work)
                .collect()
        } else {
            add.chunks_mut(chunk)
                .zip(zc.chunks_mut(chunk))
                .zip(h0.chunks_mut(chunk))
                .zip(h1.chunks_mut(chunk))
                .zip(h2.chunks_mut(chunk))
                .zip(parts.iter_mut())
                .enumerate()
                .map(work)
                .collect()
        }
    };
    let [nc, nao, nan] = ruled.flags();
    SweepOut {
        close: !nc,
        all_close_old: !nao,
        all_close_new: !nan,
        kept,
    }
}

/// A block's index and its slices of add, zc, H per outcome, and its
/// partial row sums.
type Chunks<'a> = (
    usize,
    (
        (
            (
                ((&'a mut [f64], &'a mut [f64]), &'a mut [f64]),
                &'a mut [f64],
            ),
            &'a mut [f64],
        ),
        &'a mut [Vec<f64>; 3],
    ),
);

/// One block of columns j0.. (`add`, `zc` and `h` are the block's
/// slices), run by the dispatcher under the widest vector unit the
/// processor has (see `dispatch.rs`).
struct Block<'a, 'b> {
    z0: &'a ColMajor,
    inp: &'a SweepIn<'b>,
    ruled: &'a RuledOut,
    b: usize,
    add: &'a mut [f64],
    zc: &'a mut [f64],
    h: [&'a mut [f64]; 3],
    part: &'a mut [Vec<f64>; 3],
}

impl Kernel for Block<'_, '_> {
    type Out = [bool; 3];
    #[inline(always)]
    fn run<const WIDE: bool>(self) -> [bool; 3] {
        block_impl::<WIDE>(
            self.z0, self.inp, self.ruled, self.b, self.add, self.zc, self.h, self.part,
        )
    }
}

/// [`Block`]'s work; returns which outcomes' partial sums are complete.
/// `WIDE`: the dispatcher runs it with AVX-512F enabled, so the kernels
/// may take their register-blocked versions (same bits).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn block_impl<const WIDE: bool>(
    z0: &ColMajor,
    inp: &SweepIn,
    ruled: &RuledOut,
    b: usize,
    add: &mut [f64],
    zc: &mut [f64],
    h: [&mut [f64]; 3],
    part: &mut [Vec<f64>; 3],
) -> [bool; 3] {
    let (nr, ns) = (inp.nr, inp.ns);
    let n = nr * ns;
    let j0 = b * COLS_PER_BLOCK;
    let j1 = (j0 + COLS_PER_BLOCK).min(n);
    // kept[k]: outcome k has been accumulated over every group so far.
    let mut kept = ruled.needed();
    for (p, k) in part.iter_mut().zip(kept) {
        if k {
            p.fill(0.0);
        }
    }
    let [h_new, h_old, h_none] = h;
    let mut j = j0;
    while j < j1 {
        // Groups of four columns, then single columns: the second pass's
        // order of additions.
        let w = if j + 4 <= j1 { 4 } else { 1 };
        let off = (j - j0) * ns;
        let (ga, gz) = (&mut add[off..off + w * ns], &mut zc[off..off + w * ns]);
        let cols4 = (w == 4).then(|| {
            [
                z0.col_as_slice(j),
                z0.col_as_slice(j + 1),
                z0.col_as_slice(j + 2),
                z0.col_as_slice(j + 3),
            ]
        });
        let col1 = [z0.col_as_slice(j)];
        match &cols4 {
            Some(c) => region_sums::<4, WIDE>(c, inp.coef, inp.rho, nr, ns, ga, gz),
            None => region_sums::<1, WIDE>(&col1, inp.coef, inp.rho, nr, ns, ga, gz),
        }
        for q in 0..w {
            let c = off + q * ns..off + (q + 1) * ns;
            column_orders(
                inp,
                ruled,
                kept,
                j + q,
                &ga[q * ns..(q + 1) * ns],
                &gz[q * ns..(q + 1) * ns],
                [&mut h_new[c.clone()], &mut h_old[c.clone()], &mut h_none[c]],
            );
        }
        let needed = ruled.needed();
        let hs: [&[f64]; 3] = [
            &h_new[off..off + w * ns],
            &h_old[off..off + w * ns],
            &h_none[off..off + w * ns],
        ];
        for k in 0..3 {
            // An outcome ruled out stays out (the flags only ever turn on).
            kept[k] &= needed[k];
            if !kept[k] {
                continue;
            }
            match &cols4 {
                Some(c) => order_rows::<4, WIDE>(c, nr, ns, hs[k], &mut part[k]),
                None => order_rows::<1, WIDE>(&col1, nr, ns, &hs[k][..ns], &mut part[k]),
            }
        }
        j += w;
    }
    kept
}

/// Column j between the passes: BoARIO's global tests on this column
/// (those not yet settled by other columns; a failure is recorded in
/// `ruled`) and H of the outcomes still `kept`. The arithmetic is that of
/// `ArioModel::phase_middle`, operation for operation.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn column_orders(
    inp: &SweepIn,
    ruled: &RuledOut,
    kept: [bool; 3],
    j: usize,
    add: &[f64],
    zc_new: &[f64],
    h: [&mut [f64]; 3],
) {
    let ns = inp.ns;
    let base = j * ns;
    let [h_new, h_old, h_none] = h;
    let [nc, nao, nan] = ruled.flags();
    // A test already failed elsewhere need not be made again; all_close
    // under N matters only while close may hold.
    let (mut close, mut ac_old, mut ac_new) = (!nc, !nao && !nc, !nan);
    let (test_close, test_old, test_new) = (close, ac_old, ac_new);
    let x = inp.prod[j];
    let po = inp.popt[j];
    let (tech, stock) = (&inp.tech[base..base + ns], &inp.stock[base..base + ns]);
    let h_prev = &inp.h_prev[base..base + ns];
    let zc: &[f64] = match inp.zc_fixed {
        Some(z) => &z[base..base + ns],
        None => zc_new,
    };
    for s in 0..ns {
        let usev = x * tech[s];
        let n_old = stock[s];
        let goal = (po * tech[s]) * inp.inv_duration[s];
        let sadd = add[s] * h_prev[s];
        let n_new = (n_old - usev) + sadd;
        if test_close {
            close &= isclose(sadd, usev);
        }
        if test_old {
            ac_old &= isclose(n_old, goal);
        }
        if test_new {
            ac_new &= isclose(n_new, goal);
        }
        let tau = inp.restoration_tau[s];
        let gap = |stock: f64| {
            let v = if goal.is_finite() { goal - stock } else { 0.0 };
            (if v < 0.0 { 0.0 } else { v }) * tau
        };
        let z = zc[s];
        let split = |g: f64| if z != 0.0 { g / z } else { 0.0 };
        h_new[s] = split(gap(n_new) + usev);
        if kept[1] {
            h_old[s] = split(gap(n_old) + usev);
        }
        if kept[2] {
            h_none[s] = split(0.0 + usev);
        }
    }
    if test_close && !close {
        ruled.not_close.store(true, Ordering::Relaxed);
    }
    if test_old && !ac_old {
        ruled.not_all_close_old.store(true, Ordering::Relaxed);
    }
    if test_new && !ac_new {
        ruled.not_all_close_new.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::{build_ario, parse_event_file, ArioModel};

    /// Steps `model` with the fused sweep and says whether every step used
    /// the sweep's row sums (not the fallback second pass).
    fn fused_every_step(mut model: ArioModel, steps: usize) -> bool {
        let mut all = true;
        for _ in 0..steps {
            let produced = model.phase_begin(false).expect("phase_begin");
            let (_, used) = model.step_fused(produced).expect("step");
            all &= used;
        }
        all
    }

    /// The outcome chosen after the sweep must be the one whose H
    /// `phase_middle` forms, on every step of every golden case (steady
    /// steps, rationing, rebuilding, alt and noalt orders): the fallback
    /// is a safety net, not the path taken.
    #[test]
    fn the_sweep_predicts_the_orders_of_every_golden_step() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
            .expect("golden dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("event.toml").exists())
            .collect();
        cases.sort();
        assert!(cases.len() >= 10);
        for dir in cases {
            let table = plenum_formats::pymrio::read_pymrio(
                &dir.join("mrio"),
                &plenum_formats::pymrio::default_policy(),
            )
            .expect("golden table");
            let text = std::fs::read_to_string(dir.join("event.toml")).expect("event");
            let file = parse_event_file(&text, "event.toml").expect("parse");
            let model = build_ario(&table, &file).expect("model");
            let steps = 365usize.div_ceil(file.model.temporal_units_by_step as usize);
            assert!(fused_every_step(model, steps), "{}", dir.display());
        }
    }
}
