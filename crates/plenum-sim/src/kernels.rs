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
//! ARIO mode fuses the two passes into one sweep (`sweep.rs`, with its
//! vector kernels in `kernels512.rs`); these are the reference kernels the
//! sweep must equal bit for bit, and the ones the extended mode and
//! ensembles use.

use rayon::prelude::*;

use crate::ario::PARALLEL_MIN;
use crate::colmajor::ColMajor;

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
/// number of threads, so batched runs equal single runs bit for bit.
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
        for j in j0..j1 {
            let col = z0.col_as_slice(j);
            let off = (j - j0) * ns;
            for (coef, rho, add, zc) in outs.iter_mut() {
                let (a, z) = (&mut add[off..off + ns], &mut zc[off..off + ns]);
                match (coef, rho) {
                    (Some(c), Some(r)) => weighted_region_sums2(col, c, r, nr, ns, a, z),
                    (Some(c), None) => weighted_region_sums(col, c, nr, ns, a),
                    (None, Some(r)) => weighted_region_sums(col, r, nr, ns, z),
                    (None, None) => {}
                }
            }
        }
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

/// `out[s] = Σ_r col[(r,s)] w[(r,s)]`, r ascending from 0.0 (four regions
/// per sweep with the partial sum in a register; same order of additions).
fn weighted_region_sums(col: &[f64], w: &[f64], nr: usize, ns: usize, out: &mut [f64]) {
    let out = &mut out[..ns];
    out.fill(0.0);
    let mut r = 0;
    while r + 4 <= nr {
        let b = r * ns;
        let (z0, z1, z2, z3) = (
            &col[b..b + ns],
            &col[b + ns..b + 2 * ns],
            &col[b + 2 * ns..b + 3 * ns],
            &col[b + 3 * ns..b + 4 * ns],
        );
        let (w0, w1, w2, w3) = (
            &w[b..b + ns],
            &w[b + ns..b + 2 * ns],
            &w[b + 2 * ns..b + 3 * ns],
            &w[b + 3 * ns..b + 4 * ns],
        );
        for s in 0..ns {
            let mut o = out[s];
            o += z0[s] * w0[s];
            o += z1[s] * w1[s];
            o += z2[s] * w2[s];
            o += z3[s] * w3[s];
            out[s] = o;
        }
        r += 4;
    }
    while r < nr {
        let b = r * ns;
        for ((o, z), c) in out.iter_mut().zip(&col[b..b + ns]).zip(&w[b..b + ns]) {
            *o += z * c;
        }
        r += 1;
    }
}

/// [`weighted_region_sums`] for two weight vectors in one sweep of `col`.
fn weighted_region_sums2(
    col: &[f64],
    w: &[f64],
    v: &[f64],
    nr: usize,
    ns: usize,
    out_w: &mut [f64],
    out_v: &mut [f64],
) {
    let (ow, ov) = (&mut out_w[..ns], &mut out_v[..ns]);
    ow.fill(0.0);
    ov.fill(0.0);
    let mut r = 0;
    while r + 2 <= nr {
        let b = r * ns;
        let (z0, z1) = (&col[b..b + ns], &col[b + ns..b + 2 * ns]);
        let (w0, w1) = (&w[b..b + ns], &w[b + ns..b + 2 * ns]);
        let (v0, v1) = (&v[b..b + ns], &v[b + ns..b + 2 * ns]);
        for s in 0..ns {
            let mut a = ow[s];
            let mut c = ov[s];
            a += z0[s] * w0[s];
            c += z0[s] * v0[s];
            a += z1[s] * w1[s];
            c += z1[s] * v1[s];
            ow[s] = a;
            ov[s] = c;
        }
        r += 2;
    }
    while r < nr {
        let b = r * ns;
        let (z0, w0, v0) = (&col[b..b + ns], &w[b..b + ns], &v[b..b + ns]);
        for s in 0..ns {
            ow[s] += z0[s] * w0[s];
            ov[s] += z0[s] * v0[s];
        }
        r += 1;
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
        // The sweep's kernels: four columns at a time, then one, in
        // column order (the same additions as the fused sweep's).
        let mut j = j0;
        while j + 4 <= j1 {
            for (h, out) in hs.iter().zip(outs.iter_mut()) {
                crate::sweep::rows_group4(z0, j, ns, &h[j * ns..(j + 4) * ns], out);
            }
            j += 4;
        }
        while j < j1 {
            let col = z0.col_as_slice(j);
            for (h, out) in hs.iter().zip(outs.iter_mut()) {
                crate::sweep::rows_single(col, ns, &h[j * ns..(j + 1) * ns], out);
            }
            j += 1;
        }
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
