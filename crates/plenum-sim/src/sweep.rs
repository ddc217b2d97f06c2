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
//! keep two passes): pass A's sums run over r in ascending order from 0.0
//! for every (s, j); pass B runs over fixed blocks of
//! [`COLS_PER_BLOCK`] columns, within a block in groups of four columns
//! then one by one, and adds the blocks' partial sums in block order. None
//! of this depends on the number of threads.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::ario::isclose;
use crate::colmajor::ColMajor;
use crate::kernels::COLS_PER_BLOCK;

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
        let work =
            |(b, (((((a, z), x), y), w), p)): Chunks| block(z0, inp, &ruled, b, a, z, [x, y, w], p);
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

/// One block of columns j0.. (`add`, `zc` and `h` are the block's slices),
/// compiled for the widest vector unit the processor has. The kernels only
/// multiply and add, lane by lane, in the order written (Rust never fuses a
/// multiply and an add), so every width gives the same bits.
#[allow(clippy::too_many_arguments)]
fn block(
    z0: &ColMajor,
    inp: &SweepIn,
    ruled: &RuledOut,
    b: usize,
    add: &mut [f64],
    zc: &mut [f64],
    h: [&mut [f64]; 3],
    part: &mut [Vec<f64>; 3],
) -> [bool; 3] {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has AVX-512F (checked just above), the
            // only requirement of `block_avx512`.
            return unsafe { block_avx512(z0, inp, ruled, b, add, zc, h, part) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { block_avx2(z0, inp, ruled, b, add, zc, h, part) };
        }
    }
    block_impl::<false>(z0, inp, ruled, b, add, zc, h, part)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
fn block_avx512(
    z0: &ColMajor,
    inp: &SweepIn,
    ruled: &RuledOut,
    b: usize,
    add: &mut [f64],
    zc: &mut [f64],
    h: [&mut [f64]; 3],
    part: &mut [Vec<f64>; 3],
) -> [bool; 3] {
    block_impl::<true>(z0, inp, ruled, b, add, zc, h, part)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn block_avx2(
    z0: &ColMajor,
    inp: &SweepIn,
    ruled: &RuledOut,
    b: usize,
    add: &mut [f64],
    zc: &mut [f64],
    h: [&mut [f64]; 3],
    part: &mut [Vec<f64>; 3],
) -> [bool; 3] {
    block_impl::<false>(z0, inp, ruled, b, add, zc, h, part)
}

/// [`block`]'s work; returns which outcomes' partial sums are complete.
/// `AVX512`: the caller runs with AVX-512F enabled (only `block_avx512`),
/// so groups of four columns may use the register-blocked kernels of
/// `kernels512` (same bits) when the number of sectors suits them.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn block_impl<const AVX512: bool>(
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
    let wide = AVX512 && cfg!(target_arch = "x86_64") && crate::kernels512::applies(ns);
    let mut j = j0;
    while j < j1 {
        // Groups of four columns, then single columns: the second pass's
        // order of additions.
        let w = if j + 4 <= j1 { 4 } else { 1 };
        let off = (j - j0) * ns;
        let (ga, gz) = (&mut add[off..off + w * ns], &mut zc[off..off + w * ns]);
        if w == 4 {
            let cols = [
                z0.col_as_slice(j),
                z0.col_as_slice(j + 1),
                z0.col_as_slice(j + 2),
                z0.col_as_slice(j + 3),
            ];
            if wide {
                wide_group_sums(&cols, inp.coef, inp.rho, nr, ns, ga, gz);
            } else {
                group_sums::<4>(&cols, inp.coef, inp.rho, nr, ns, ga, gz);
            }
        } else {
            group_sums::<1>(&[z0.col_as_slice(j)], inp.coef, inp.rho, nr, ns, ga, gz);
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
            if w == 4 && wide {
                let cols = [
                    z0.col_as_slice(j),
                    z0.col_as_slice(j + 1),
                    z0.col_as_slice(j + 2),
                    z0.col_as_slice(j + 3),
                ];
                // SAFETY: `wide` holds only where AVX-512F is present and
                // `kernels512::applies(ns)`.
                #[cfg(target_arch = "x86_64")]
                unsafe {
                    crate::kernels512::rows_group4(&cols, nr, ns, hs[k], &mut part[k])
                };
            } else if w == 4 {
                rows_group4(z0, j, ns, hs[k], &mut part[k]);
            } else {
                rows_single(z0.col_as_slice(j), ns, &hs[k][..ns], &mut part[k]);
            }
        }
        j += w;
    }
    kept
}

/// Pass A for W columns: `add[q·S + s] = Σ_r col_q[(r,s)] c(r,s)` and
/// `zc[q·S + s] = Σ_r col_q[(r,s)] ρ(r,s)` for the weights given (a sum
/// whose weights are None is already in place). Each sum starts at 0.0
/// and adds r = 0, 1, … in turn, as the two-pass kernels do; a weight is
/// loaded once for W columns.
#[inline(always)]
pub(crate) fn group_sums<const W: usize>(
    cols: &[&[f64]; W],
    c: Option<&[f64]>,
    rho: Option<&[f64]>,
    nr: usize,
    ns: usize,
    add: &mut [f64],
    zc: &mut [f64],
) {
    match (c, rho) {
        (Some(c), Some(r)) => sums2::<W>(cols, c, r, nr, ns, add, zc),
        (Some(c), None) => sums1::<W>(cols, c, nr, ns, add),
        (None, Some(r)) => sums1::<W>(cols, r, nr, ns, zc),
        (None, None) => {}
    }
}

/// [`group_sums`] for four columns through `kernels512` (same bits).
/// Only called with `wide` set (see [`block_impl`]).
#[inline(always)]
fn wide_group_sums(
    cols: &[&[f64]; 4],
    c: Option<&[f64]>,
    rho: Option<&[f64]>,
    nr: usize,
    ns: usize,
    add: &mut [f64],
    zc: &mut [f64],
) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `wide` holds only in `block_avx512` (AVX-512F present) and
    // where `kernels512::applies(ns)`.
    unsafe {
        use crate::kernels512::group_sums as k;
        match (c, rho) {
            (Some(c), Some(r)) => k(cols, c, Some(r), nr, ns, add, zc),
            (Some(c), None) => k(cols, c, None, nr, ns, add, &mut []),
            (None, Some(r)) => k(cols, r, None, nr, ns, zc, &mut []),
            (None, None) => {}
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    group_sums::<4>(cols, c, rho, nr, ns, add, zc);
}

#[inline(always)]
fn sums2<const W: usize>(
    cols: &[&[f64]; W],
    w: &[f64],
    v: &[f64],
    nr: usize,
    ns: usize,
    out_w: &mut [f64],
    out_v: &mut [f64],
) {
    let (out_w, out_v) = (&mut out_w[..W * ns], &mut out_v[..W * ns]);
    out_w.fill(0.0);
    out_v.fill(0.0);
    // Regions in order; within a region the columns' sectors are
    // contiguous, so Z⁰ streams through and the partial sums (W · S of
    // each) stay in the first-level cache.
    for r in 0..nr {
        let o = r * ns;
        let (wr, vr) = (&w[o..o + ns], &v[o..o + ns]);
        for q in 0..W {
            let z = &cols[q][o..o + ns];
            let (a, b) = (
                &mut out_w[q * ns..(q + 1) * ns],
                &mut out_v[q * ns..(q + 1) * ns],
            );
            for s in 0..ns {
                a[s] += z[s] * wr[s];
                b[s] += z[s] * vr[s];
            }
        }
    }
}

#[inline(always)]
fn sums1<const W: usize>(cols: &[&[f64]; W], w: &[f64], nr: usize, ns: usize, out: &mut [f64]) {
    let out = &mut out[..W * ns];
    out.fill(0.0);
    for r in 0..nr {
        let o = r * ns;
        let wr = &w[o..o + ns];
        for q in 0..W {
            let z = &cols[q][o..o + ns];
            let a = &mut out[q * ns..(q + 1) * ns];
            for s in 0..ns {
                a[s] += z[s] * wr[s];
            }
        }
    }
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

/// `out[i] += Z⁰[i,j] h_j[s(i)] + … + Z⁰[i,j+3] h_(j+3)[s(i)]`, one addition
/// at a time in column order (as the second pass).
#[inline(always)]
pub(crate) fn rows_group4(z0: &ColMajor, j: usize, ns: usize, h: &[f64], out: &mut [f64]) {
    let (c0, c1, c2, c3) = (
        z0.col_as_slice(j),
        z0.col_as_slice(j + 1),
        z0.col_as_slice(j + 2),
        z0.col_as_slice(j + 3),
    );
    let (h0, h1, h2, h3) = (
        &h[..ns],
        &h[ns..2 * ns],
        &h[2 * ns..3 * ns],
        &h[3 * ns..4 * ns],
    );
    for (r, orr) in out.chunks_exact_mut(ns).enumerate() {
        let b = r * ns;
        let (z0r, z1r, z2r, z3r) = (
            &c0[b..b + ns],
            &c1[b..b + ns],
            &c2[b..b + ns],
            &c3[b..b + ns],
        );
        for s in 0..ns {
            let mut o = orr[s];
            o += z0r[s] * h0[s];
            o += z1r[s] * h1[s];
            o += z2r[s] * h2[s];
            o += z3r[s] * h3[s];
            orr[s] = o;
        }
    }
}

/// `out[i] += Z⁰[i,j] h_j[s(i)]`.
#[inline(always)]
pub(crate) fn rows_single(col: &[f64], ns: usize, hj: &[f64], out: &mut [f64]) {
    for (zr, orr) in col.chunks_exact(ns).zip(out.chunks_exact_mut(ns)) {
        for ((o, z), h) in orr.iter_mut().zip(zr).zip(hj) {
            *o += z * h;
        }
    }
}

/// Sectors per task of [`serve_final_demand`] (fixed, so that the
/// delivered total is added in the same order for any number of threads).
const SECTORS_PER_TASK: usize = 8;

/// Final demand served in proportion to demand, dist = Y⁰ x/d (part of
/// `phase_middle`, here for the same vector dispatch as the sweep): returns
/// the final demand unmet by destination region and product (index
/// region·S + s) and the total delivered.
///
/// Column c of Y⁰ (n × R·F, row-major) is category c % F of region c / F:
/// the regions' runs of F columns are walked with the unmet sum of
/// (region, s) in a register, the additions in the same order as column
/// by column (suppliers r ascending). Sectors are served in fixed groups
/// of [`SECTORS_PER_TASK`], in parallel: the unmet sums of different
/// sectors never meet. The delivered total (a diagnostic of the balance)
/// is summed per group in eight lanes, and the groups' totals in group
/// order.
pub(crate) fn serve_final_demand(
    y: &[f64],
    tot: &[f64],
    prod: &[f64],
    n: usize,
    ns: usize,
    nfd: usize,
    nf: usize,
) -> (Vec<f64>, f64) {
    let mut fd_unmet = vec![0.0; n];
    if nf == 0 || ns == 0 {
        return (fd_unmet, 0.0);
    }
    let nr = n / ns;
    let groups = ns.div_ceil(SECTORS_PER_TASK);
    let work = |g: usize| {
        let s0 = g * SECTORS_PER_TASK;
        let s1 = (s0 + SECTORS_PER_TASK).min(ns);
        serve_group(y, tot, prod, nr, ns, nfd, nf, s0, s1)
    };
    let parts: Vec<(Vec<f64>, f64)> = if n * nfd >= 1 << 18 {
        (0..groups).into_par_iter().map(work).collect()
    } else {
        (0..groups).map(work).collect()
    };
    let mut delivered = 0.0;
    for (g, (unmet, d)) in parts.into_iter().enumerate() {
        let s0 = g * SECTORS_PER_TASK;
        let w = unmet.len() / nr.max(1);
        for rr in 0..nr {
            fd_unmet[rr * ns + s0..rr * ns + s0 + w].copy_from_slice(&unmet[rr * w..(rr + 1) * w]);
        }
        delivered += d;
    }
    (fd_unmet, delivered)
}

/// One group of sectors s0..s1 of [`serve_final_demand`]: the unmet sums
/// (index region·w + s − s0, w = s1 − s0) and the delivered total.
#[allow(clippy::too_many_arguments)]
fn serve_group(
    y: &[f64],
    tot: &[f64],
    prod: &[f64],
    nr: usize,
    ns: usize,
    nfd: usize,
    nf: usize,
    s0: usize,
    s1: usize,
) -> (Vec<f64>, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has AVX-512F (checked just above).
            return unsafe { serve_avx512(y, tot, prod, nr, ns, nfd, nf, s0, s1) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { serve_avx2(y, tot, prod, nr, ns, nfd, nf, s0, s1) };
        }
    }
    serve_impl(y, tot, prod, nr, ns, nfd, nf, s0, s1)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
fn serve_avx512(
    y: &[f64],
    tot: &[f64],
    prod: &[f64],
    nr: usize,
    ns: usize,
    nfd: usize,
    nf: usize,
    s0: usize,
    s1: usize,
) -> (Vec<f64>, f64) {
    serve_impl(y, tot, prod, nr, ns, nfd, nf, s0, s1)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn serve_avx2(
    y: &[f64],
    tot: &[f64],
    prod: &[f64],
    nr: usize,
    ns: usize,
    nfd: usize,
    nf: usize,
    s0: usize,
    s1: usize,
) -> (Vec<f64>, f64) {
    serve_impl(y, tot, prod, nr, ns, nfd, nf, s0, s1)
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn serve_impl(
    y: &[f64],
    tot: &[f64],
    prod: &[f64],
    nr: usize,
    ns: usize,
    nfd: usize,
    nf: usize,
    s0: usize,
    s1: usize,
) -> (Vec<f64>, f64) {
    let w = s1 - s0;
    let mut unmet = vec![0.0; nr * w];
    let mut dist = vec![0.0; nfd];
    let mut lanes = [0.0f64; 8];
    // Suppliers r ascending, i = r·S + s: the order of the column-by-column
    // sums for every (region, s).
    for r in 0..nr {
        for s in s0..s1 {
            let i = r * ns + s;
            let (t, p) = (tot[i], prod[i]);
            let yi = &y[i * nfd..(i + 1) * nfd];
            if t != 0.0 {
                for (d, &yv) in dist.iter_mut().zip(yi) {
                    *d = (yv / t) * p;
                }
            } else {
                for d in dist.iter_mut() {
                    *d = 0.0 * p;
                }
            }
            let mut chunks = dist.chunks_exact(8);
            for c in &mut chunks {
                for (l, d) in lanes.iter_mut().zip(c) {
                    *l += d;
                }
            }
            for (l, d) in lanes.iter_mut().zip(chunks.remainder()) {
                *l += d;
            }
            for (rr, (ys, ds)) in yi.chunks_exact(nf).zip(dist.chunks_exact(nf)).enumerate() {
                let mut u = unmet[rr * w + (s - s0)];
                for (yv, d) in ys.iter().zip(ds) {
                    u += yv - d;
                }
                unmet[rr * w + (s - s0)] = u;
            }
        }
    }
    (unmet, lanes.iter().sum())
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
