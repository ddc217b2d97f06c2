//! The kernels of the two-pass step over Z⁰ and the fixed-chunk loops.
//!
//! - pass A (first pass), per column j, sector s and model k:
//!   add_k[s,j] = Σ_r Z⁰[(r,s),j] c_k(r,s) and zc_k[s,j] = Σ_r Z⁰[(r,s),j] ρ_k(r,s)
//!   (region sums, [`pass_weighted_sums`]);
//! - pass B (second pass): the row sums of the orders
//!   O·1 [i] = ρ_i Σ_j Z⁰[i,j] H[s(i), j] ([`pass_order_rowsums`]);
//! - [`map_chunks`] and [`map_chunks_mut`]: loops over S × n arrays in
//!   fixed chunks whose results combine in chunk order, so the numbers do
//!   not depend on the number of threads.
//!
//! The kernels themselves are written once here, each behind one entry
//! point that every caller uses — [`region_sums`] (pass A, for a group of
//! W columns) and [`order_rows`] (pass B) — and run under the one
//! dispatcher (`dispatch.rs`): the two passes (extended mode, ensembles)
//! and ARIO mode's fused sweep (`sweep.rs`) call the same kernels, so the
//! sweep equals the two passes bit for bit by construction. Under
//! AVX-512F the groups of four columns go to the register-blocked
//! versions of `kernels512.rs` (tested equal to the generic bodies).

use rayon::prelude::*;

use crate::ario::PARALLEL_MIN;
use crate::colmajor::ColMajor;
use crate::dispatch::{dispatch, Kernel};

/// Columns per task of the per-step loops over S × n arrays (inventories,
/// deliveries, gaps, H): fixed, so that chunked sums and tests combine in
/// the same order whatever the number of threads.
pub(crate) const LOOP_COLS_PER_TASK: usize = 256;

/// Columns per task of the model build's pass over Z.
pub(crate) const BUILD_COLS_PER_TASK: usize = 64;

/// `f(c, chunk)` over the fixed chunks of `v` (chunk c starts at c·len),
/// on the thread pool when `par`; the results in chunk order.
pub(crate) fn map_chunks_mut<T: Send, R: Send>(
    par: bool,
    v: &mut [T],
    len: usize,
    f: impl Fn(usize, &mut [T]) -> R + Sync + Send,
) -> Vec<R> {
    let len = len.max(1);
    if par {
        v.par_chunks_mut(len)
            .enumerate()
            .map(|(c, x)| f(c, x))
            .collect()
    } else {
        v.chunks_mut(len)
            .enumerate()
            .map(|(c, x)| f(c, x))
            .collect()
    }
}

/// `f(k0, k1)` over the fixed ranges [k0, k1) of 0..total (of `len`
/// each, the last one shorter), on the thread pool when `par`; the results
/// in range order.
pub(crate) fn map_chunks<R: Send>(
    par: bool,
    total: usize,
    len: usize,
    f: impl Fn(usize, usize) -> R + Sync + Send,
) -> Vec<R> {
    let len = len.max(1);
    let ranges = total.div_ceil(len);
    let g = |c: usize| f(c * len, ((c + 1) * len).min(total));
    if par {
        (0..ranges).into_par_iter().map(g).collect()
    } else {
        (0..ranges).map(g).collect()
    }
}

/// The first pass of one model: weights and outputs.
pub(crate) struct PassAJob<'a> {
    pub coef: Option<&'a [f64]>,
    pub rho: Option<&'a [f64]>,
    pub add: &'a mut [f64],
    pub zc: &'a mut [f64],
}

/// The second pass of one model.
pub(crate) struct PassBJob<'a> {
    pub h: &'a [f64],
    pub rho: &'a [f64],
    pub out: &'a mut [f64],
}

/// One model's slices of a first-pass task: weights c, ρ, outputs.
type TaskA<'a> = (
    Option<&'a [f64]>,
    Option<&'a [f64]>,
    &'a mut [f64],
    &'a mut [f64],
);

/// Columns per parallel task of the first pass.
const COLS_PER_TASK: usize = 32;

/// First pass over Z⁰ for K models at once (one read of Z⁰): for every
/// column j, sector s and model k,
/// `add_k[s,j] = Σ_r Z⁰[(r,s),j] c_k(r,s)` and `zc_k[s,j] = Σ_r Z⁰[(r,s),j] ρ_k(r,s)`.
/// Each model's sums run over r in the same order whatever K and the
/// number of threads, so batched runs equal single runs bit for bit (and
/// the sweep's sums, made by the same [`region_sums`]).
pub(crate) fn pass_weighted_sums(z0: &ColMajor, nr: usize, ns: usize, jobs: &mut [PassAJob]) {
    let n = nr * ns;
    let chunk = COLS_PER_TASK * ns;
    // tasks[c] = the output slices of column chunk c, one per model.
    let n_chunks = n.div_ceil(COLS_PER_TASK);
    let mut tasks: Vec<Vec<TaskA>> = (0..n_chunks)
        .map(|_| Vec::with_capacity(jobs.len()))
        .collect();
    for job in jobs.iter_mut() {
        for (c, (a, z)) in job
            .add
            .chunks_mut(chunk)
            .zip(job.zc.chunks_mut(chunk))
            .enumerate()
        {
            tasks[c].push((job.coef, job.rho, a, z));
        }
    }
    let work = |c: usize, outs: &mut Vec<TaskA>| {
        let j0 = c * COLS_PER_TASK;
        let j1 = (j0 + COLS_PER_TASK).min(n);
        dispatch(PassATask {
            z0,
            nr,
            ns,
            j0,
            j1,
            outs,
        })
    };
    if n >= PARALLEL_MIN {
        tasks
            .par_iter_mut()
            .enumerate()
            .for_each(|(c, outs)| work(c, outs));
    } else {
        for (c, outs) in tasks.iter_mut().enumerate() {
            work(c, outs);
        }
    }
}

/// Pass A over the columns j0..j1 of one task, for every model: groups of
/// four columns, then single ones (each column's sums are independent).
struct PassATask<'a, 'b> {
    z0: &'a ColMajor,
    nr: usize,
    ns: usize,
    j0: usize,
    j1: usize,
    outs: &'a mut Vec<TaskA<'b>>,
}

impl Kernel for PassATask<'_, '_> {
    type Out = ();
    #[inline(always)]
    fn run<const WIDE: bool>(self) {
        let Self {
            z0,
            nr,
            ns,
            j0,
            j1,
            outs,
        } = self;
        let mut j = j0;
        while j < j1 {
            let off = (j - j0) * ns;
            if j + 4 <= j1 {
                let cols = [
                    z0.col_as_slice(j),
                    z0.col_as_slice(j + 1),
                    z0.col_as_slice(j + 2),
                    z0.col_as_slice(j + 3),
                ];
                for (coef, rho, add, zc) in outs.iter_mut() {
                    let (a, z) = (&mut add[off..off + 4 * ns], &mut zc[off..off + 4 * ns]);
                    region_sums::<4, WIDE>(&cols, *coef, *rho, nr, ns, a, z);
                }
                j += 4;
            } else {
                let cols = [z0.col_as_slice(j)];
                for (coef, rho, add, zc) in outs.iter_mut() {
                    let (a, z) = (&mut add[off..off + ns], &mut zc[off..off + ns]);
                    region_sums::<1, WIDE>(&cols, *coef, *rho, nr, ns, a, z);
                }
                j += 1;
            }
        }
    }
}

/// Columns per block of the second pass (fixed, so that the order of
/// additions does not depend on the number of threads).
pub(crate) const COLS_PER_BLOCK: usize = 128;

/// Second pass over Z⁰ for K models at once: row sums of the orders,
/// `O_k·1 [i] = ρ_k,i Σ_j Z⁰[i,j] H_k[s(i), j]`. Z⁰ is streamed column by
/// column in fixed blocks of columns; each block's partial row sums run over
/// j in order and the partials are added in block order, so the result is
/// the same for any number of threads and for any K.
pub(crate) fn pass_order_rowsums(z0: &ColMajor, nr: usize, ns: usize, jobs: &mut [PassBJob]) {
    let n = nr * ns;
    let k = jobs.len();
    let n_blocks = n.div_ceil(COLS_PER_BLOCK).max(1);
    let hs: Vec<&[f64]> = jobs.iter().map(|j| j.h).collect();
    let block = |b: usize| -> Vec<Vec<f64>> {
        let mut outs = vec![vec![0.0; n]; k];
        let j0 = b * COLS_PER_BLOCK;
        let j1 = (j0 + COLS_PER_BLOCK).min(n);
        dispatch(PassBBlock {
            z0,
            nr,
            ns,
            j0,
            j1,
            hs: &hs,
            outs: &mut outs,
        });
        outs
    };
    let partials: Vec<Vec<Vec<f64>>> = if n >= PARALLEL_MIN {
        (0..n_blocks).into_par_iter().map(block).collect()
    } else {
        (0..n_blocks).map(block).collect()
    };
    for (kk, job) in jobs.iter_mut().enumerate() {
        job.out.fill(0.0);
        for p in &partials {
            for (o, v) in job.out.iter_mut().zip(&p[kk]) {
                *o += v;
            }
        }
        for (o, r) in job.out.iter_mut().zip(job.rho) {
            *o *= r;
        }
    }
}

/// Pass B over the block of columns j0..j1, for every model: four columns
/// at a time, then one, in column order (the sweep's additions).
struct PassBBlock<'a> {
    z0: &'a ColMajor,
    nr: usize,
    ns: usize,
    j0: usize,
    j1: usize,
    hs: &'a [&'a [f64]],
    outs: &'a mut [Vec<f64>],
}

impl Kernel for PassBBlock<'_> {
    type Out = ();
    #[inline(always)]
    fn run<const WIDE: bool>(self) {
        let Self {
            z0,
            nr,
            ns,
            j0,
            j1,
            hs,
            outs,
        } = self;
        let mut j = j0;
        while j < j1 {
            if j + 4 <= j1 {
                let cols = [
                    z0.col_as_slice(j),
                    z0.col_as_slice(j + 1),
                    z0.col_as_slice(j + 2),
                    z0.col_as_slice(j + 3),
                ];
                for (h, out) in hs.iter().zip(outs.iter_mut()) {
                    order_rows::<4, WIDE>(&cols, nr, ns, &h[j * ns..(j + 4) * ns], out);
                }
                j += 4;
            } else {
                let cols = [z0.col_as_slice(j)];
                for (h, out) in hs.iter().zip(outs.iter_mut()) {
                    order_rows::<1, WIDE>(&cols, nr, ns, &h[j * ns..(j + 1) * ns], out);
                }
                j += 1;
            }
        }
    }
}

/// Pass A's kernel for a group of W columns, the one entry point of the
/// passes and the sweep: `add[q·S + s] = Σ_r col_q[(r,s)] c(r,s)` and
/// `zc[q·S + s] = Σ_r col_q[(r,s)] ρ(r,s)` for the weights given (a sum
/// whose weights are None is left in place). Each sum starts at 0.0 and
/// adds r = 0, 1, … in turn. `WIDE` (AVX-512F enabled by the dispatcher):
/// four columns go to the register-blocked kernel when S suits it.
#[inline(always)]
pub(crate) fn region_sums<const W: usize, const WIDE: bool>(
    cols: &[&[f64]; W],
    c: Option<&[f64]>,
    rho: Option<&[f64]>,
    nr: usize,
    ns: usize,
    add: &mut [f64],
    zc: &mut [f64],
) {
    #[cfg(target_arch = "x86_64")]
    if WIDE && W == 4 && crate::kernels512::applies(ns) {
        if let Ok(c4) = <&[&[f64]; 4]>::try_from(&cols[..]) {
            // SAFETY: WIDE holds only under the dispatcher's AVX-512F
            // function, and `applies(ns)` was checked.
            unsafe {
                use crate::kernels512::group_sums as k;
                match (c, rho) {
                    (Some(c), Some(r)) => k(c4, c, Some(r), nr, ns, add, zc),
                    (Some(c), None) => k(c4, c, None, nr, ns, add, &mut []),
                    (None, Some(r)) => k(c4, r, None, nr, ns, zc, &mut []),
                    (None, None) => {}
                }
            }
            return;
        }
    }
    match (c, rho) {
        (Some(c), Some(r)) => sums2::<W>(cols, c, r, nr, ns, add, zc),
        (Some(c), None) => sums1::<W>(cols, c, nr, ns, add),
        (None, Some(r)) => sums1::<W>(cols, r, nr, ns, zc),
        (None, None) => {}
    }
}

/// Pass B's kernel for a group of W columns j.. (1 or 4), the one entry
/// point of the passes and the sweep: `out[i] += Z⁰[i,j] h_j[s(i)] + … +
/// Z⁰[i,j+W−1] h_(j+W−1)[s(i)]`, one addition at a time in column order;
/// `h` holds the W columns' H (W·S values).
#[inline(always)]
pub(crate) fn order_rows<const W: usize, const WIDE: bool>(
    cols: &[&[f64]; W],
    nr: usize,
    ns: usize,
    h: &[f64],
    out: &mut [f64],
) {
    if let Ok(c4) = <&[&[f64]; 4]>::try_from(&cols[..]) {
        #[cfg(target_arch = "x86_64")]
        if WIDE && crate::kernels512::applies(ns) {
            // SAFETY: WIDE holds only under the dispatcher's AVX-512F
            // function, and `applies(ns)` was checked.
            unsafe { crate::kernels512::rows_group4(c4, nr, ns, h, out) };
            return;
        }
        let _ = nr;
        rows_group4(c4, ns, h, out);
    } else {
        for (q, col) in cols.iter().enumerate() {
            rows_single(col, ns, &h[q * ns..(q + 1) * ns], out);
        }
    }
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

/// `out[i] += Z⁰[i,j] h_j[s(i)] + … + Z⁰[i,j+3] h_(j+3)[s(i)]`, one addition
/// at a time in column order (as the second pass).
#[inline(always)]
fn rows_group4(cols: &[&[f64]; 4], ns: usize, h: &[f64], out: &mut [f64]) {
    let [c0, c1, c2, c3] = *cols;
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
fn rows_single(col: &[f64], ns: usize, hj: &[f64], out: &mut [f64]) {
    for (zr, orr) in col.chunks_exact(ns).zip(out.chunks_exact_mut(ns)) {
        for ((o, z), h) in orr.iter_mut().zip(zr).zip(hj) {
            *o += z * h;
        }
    }
}
