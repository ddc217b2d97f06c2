//! Final demand served from a copy of Y laid out for the vector unit: Y⁰
//! in ARIO mode, the step's final demand (paths, hooks, restrictions) in
//! the extended mode — the one final-demand kernel of the engine, run
//! under the one dispatcher (`dispatch.rs`).
//!
//! Each step, supplier i = (r, s) delivers to final-demand column c the
//! share `d = (Y⁰[i,c] / d_i) · x_i` of its production (d_i its total
//! demand, x_i its production; 0 · x_i if d_i = 0), and the final demand
//! unmet by region r' and product s is
//! `u[r',s] = Σ_r Σ_f (Y⁰[(r,s), r'·F + f] − d)`, added with r ascending
//! and, within r, the F categories in order (BoARIO's order).
//!
//! The sums of different products never meet, so eight products make
//! the eight lanes of a vector: [`GroupedY`] holds Y⁰ as blocks of
//! [`LANES`] sectors (sector s0 + l in lane l, zeros past S), each block
//! region by region and column by column, so that a block is one
//! contiguous stream. Every lane adds its terms in the order above, so
//! the unmet demand has the bits of the sums written row by row (tested
//! against them). The delivered total, a diagnostic of the step's
//! balance, is summed per lane (product) and then over lanes and blocks
//! in order: the same for any number of threads.

use rayon::prelude::*;

use crate::dispatch::{dispatch, Kernel};

/// Sectors per block (the lanes of an AVX-512 vector of f64).
pub(crate) const LANES: usize = 8;

/// Y⁰ in blocks of [`LANES`] sectors (see the module docs); value of
/// industry (r, s0 + l) and column c at `((g·R + r)·C + c)·LANES + l`
/// for block g = s0 / LANES.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct GroupedY {
    data: Vec<f64>,
    nr: usize,
    ns: usize,
    nfd: usize,
}

impl GroupedY {
    /// The blocked copy of `y` (n × nfd, row-major, n = nr·ns).
    pub(crate) fn new(y: &[f64], nr: usize, ns: usize, nfd: usize) -> Self {
        let groups = ns.div_ceil(LANES);
        let block = nr * nfd * LANES;
        let mut data = vec![0.0; groups * block];
        if block > 0 {
            data.par_chunks_mut(block).enumerate().for_each(|(g, out)| {
                let s0 = g * LANES;
                let w = LANES.min(ns - s0);
                for r in 0..nr {
                    for l in 0..w {
                        let row = &y[(r * ns + s0 + l) * nfd..(r * ns + s0 + l + 1) * nfd];
                        for (c, &v) in row.iter().enumerate() {
                            out[(r * nfd + c) * LANES + l] = v;
                        }
                    }
                }
            });
        }
        Self { data, nr, ns, nfd }
    }

    /// Rewrites the blocked copy from `y` (same shape), reusing the buffer.
    pub(crate) fn refill(&mut self, y: &[f64], nr: usize, ns: usize, nfd: usize) {
        if (self.nr, self.ns, self.nfd) != (nr, ns, nfd) {
            *self = Self::new(y, nr, ns, nfd);
            return;
        }
        let block = nr * nfd * LANES;
        if block == 0 {
            return;
        }
        for (g, out) in self.data.chunks_mut(block).enumerate() {
            let s0 = g * LANES;
            let w = LANES.min(ns - s0);
            for r in 0..nr {
                for l in 0..w {
                    let row = &y[(r * ns + s0 + l) * nfd..(r * ns + s0 + l + 1) * nfd];
                    for (c, &v) in row.iter().enumerate() {
                        out[(r * nfd + c) * LANES + l] = v;
                    }
                }
            }
        }
    }

    /// The final demand unmet by destination region and product (index
    /// r'·S + s) and the total delivered, for total demands `tot` and
    /// productions `prod` (model order); `nf` categories per region.
    pub(crate) fn serve(&self, tot: &[f64], prod: &[f64], nf: usize) -> (Vec<f64>, f64) {
        let (nr, ns, nfd) = (self.nr, self.ns, self.nfd);
        let n = nr * ns;
        let mut fd_unmet = vec![0.0; n];
        if nf == 0 || ns == 0 || nfd == 0 {
            return (fd_unmet, 0.0);
        }
        let groups = ns.div_ceil(LANES);
        let block = nr * nfd * LANES;
        let work = |g: usize| {
            let s0 = g * LANES;
            let w = LANES.min(ns - s0);
            let mut t = vec![[1.0f64; LANES]; nr];
            let mut p = vec![[0.0f64; LANES]; nr];
            for r in 0..nr {
                t[r][..w].copy_from_slice(&tot[r * ns + s0..r * ns + s0 + w]);
                p[r][..w].copy_from_slice(&prod[r * ns + s0..r * ns + s0 + w]);
            }
            dispatch(ServeBlock {
                yb: &self.data[g * block..(g + 1) * block],
                t: &t,
                p: &p,
                nfd,
                nf,
            })
        };
        let parts: Vec<(Vec<[f64; LANES]>, f64)> = if n * nfd >= 1 << 18 {
            (0..groups).into_par_iter().map(work).collect()
        } else {
            (0..groups).map(work).collect()
        };
        let mut delivered = 0.0;
        for (g, (unmet, d)) in parts.into_iter().enumerate() {
            let s0 = g * LANES;
            let w = LANES.min(ns - s0);
            for (rr, u) in unmet.iter().enumerate() {
                fd_unmet[rr * ns + s0..rr * ns + s0 + w].copy_from_slice(&u[..w]);
            }
            delivered += d;
        }
        (fd_unmet, delivered)
    }
}

/// One block: unmet per destination region (lanes = sectors) and the
/// block's delivered total.
struct ServeBlock<'a> {
    yb: &'a [f64],
    t: &'a [[f64; LANES]],
    p: &'a [[f64; LANES]],
    nfd: usize,
    nf: usize,
}

impl Kernel for ServeBlock<'_> {
    type Out = (Vec<[f64; LANES]>, f64);
    #[inline(always)]
    fn run<const WIDE: bool>(self) -> Self::Out {
        let Self { yb, t, p, nfd, nf } = self;
        #[cfg(target_arch = "x86_64")]
        if WIDE {
            // SAFETY: WIDE holds only under the dispatcher's AVX-512F
            // function.
            return unsafe { serve_block_avx512(yb, t, p, nfd, nf) };
        }
        serve_block_impl(yb, t, p, nfd, nf)
    }
}

/// [`serve_block_impl`] written with AVX-512 intrinsics, the same
/// operations lane by lane (the compiler split the generic version's
/// divisions into pieces).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn serve_block_avx512(
    yb: &[f64],
    t: &[[f64; LANES]],
    p: &[[f64; LANES]],
    nfd: usize,
    nf: usize,
) -> (Vec<[f64; LANES]>, f64) {
    use std::arch::x86_64::{
        _mm512_add_pd, _mm512_cmp_pd_mask, _mm512_div_pd, _mm512_loadu_pd, _mm512_mask_blend_pd,
        _mm512_mul_pd, _mm512_setzero_pd, _mm512_storeu_pd, _mm512_sub_pd, _CMP_NEQ_UQ,
    };
    let n_dest = nfd / nf;
    let mut unmet = vec![[0.0f64; LANES]; n_dest];
    let zero = _mm512_setzero_pd();
    let mut lanes = zero;
    for (r, (tr, pr)) in t.iter().zip(p).enumerate() {
        // SAFETY: tr and pr are arrays of LANES = 8 values.
        let (tv, pv) = unsafe { (_mm512_loadu_pd(tr.as_ptr()), _mm512_loadu_pd(pr.as_ptr())) };
        // `!=` as in the generic kernel (true for NaN: unordered).
        let nonzero = _mm512_cmp_pd_mask::<_CMP_NEQ_UQ>(tv, zero);
        let zero_share = _mm512_mul_pd(zero, pv);
        let (yr, _) = yb[r * nfd * LANES..(r + 1) * nfd * LANES].as_chunks::<LANES>();
        for (u, yd) in unmet.iter_mut().zip(yr.chunks_exact(nf)) {
            // SAFETY: u is an array of 8 values.
            let mut uv = unsafe { _mm512_loadu_pd(u.as_ptr()) };
            for yc in yd {
                // SAFETY: yc is an array of 8 values.
                let yv = unsafe { _mm512_loadu_pd(yc.as_ptr()) };
                let q = _mm512_mul_pd(_mm512_div_pd(yv, tv), pv);
                // Lanes with zero demand take 0 · x.
                let d = _mm512_mask_blend_pd(nonzero, zero_share, q);
                lanes = _mm512_add_pd(lanes, d);
                uv = _mm512_add_pd(uv, _mm512_sub_pd(yv, d));
            }
            // SAFETY: as above.
            unsafe { _mm512_storeu_pd(u.as_mut_ptr(), uv) };
        }
    }
    let mut l = [0.0f64; LANES];
    // SAFETY: l is an array of 8 values.
    unsafe { _mm512_storeu_pd(l.as_mut_ptr(), lanes) };
    (unmet, l.iter().sum())
}

/// The lane-wise arithmetic (see the module docs); only lane-wise
/// divisions, multiplies, subtractions and additions in the written
/// order, so every vector width gives the same bits.
#[inline(always)]
fn serve_block_impl(
    yb: &[f64],
    t: &[[f64; LANES]],
    p: &[[f64; LANES]],
    nfd: usize,
    nf: usize,
) -> (Vec<[f64; LANES]>, f64) {
    let n_dest = nfd / nf;
    let mut unmet = vec![[0.0f64; LANES]; n_dest];
    let mut lanes = [0.0f64; LANES];
    for (r, (&tr, &pr)) in t.iter().zip(p).enumerate() {
        let nonzero: [bool; LANES] = std::array::from_fn(|l| tr[l] != 0.0);
        // 0 · x where the demand is zero (every lane divides; those lanes'
        // quotients are discarded).
        let zero_share: [f64; LANES] = std::array::from_fn(|l| 0.0 * pr[l]);
        let (yr, _) = yb[r * nfd * LANES..(r + 1) * nfd * LANES].as_chunks::<LANES>();
        for (u, yd) in unmet.iter_mut().zip(yr.chunks_exact(nf)) {
            for yc in yd {
                let mut d = [0.0f64; LANES];
                for l in 0..LANES {
                    let q = (yc[l] / tr[l]) * pr[l];
                    d[l] = if nonzero[l] { q } else { zero_share[l] };
                }
                for l in 0..LANES {
                    lanes[l] += d[l];
                    u[l] += yc[l] - d[l];
                }
            }
        }
    }
    (unmet, lanes.iter().sum())
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// The unmet demand and the delivered total written row by row, as the
    /// maths reads: suppliers r ascending, then the F categories.
    fn row_wise(
        y: &[f64],
        tot: &[f64],
        prod: &[f64],
        nr: usize,
        ns: usize,
        nf: usize,
    ) -> (Vec<f64>, f64) {
        let nfd = nr * nf;
        let mut unmet = vec![0.0; nr * ns];
        let mut delivered = 0.0;
        for r in 0..nr {
            for s in 0..ns {
                let i = r * ns + s;
                for c in 0..nfd {
                    let yv = y[i * nfd + c];
                    let d = if tot[i] != 0.0 {
                        (yv / tot[i]) * prod[i]
                    } else {
                        0.0 * prod[i]
                    };
                    delivered += d;
                    unmet[(c / nf) * ns + s] += yv - d;
                }
            }
        }
        (unmet, delivered)
    }

    /// The blocked kernels (AVX-512, and the generic one every other
    /// processor runs) give the row-wise sums' unmet demand bit for bit
    /// and their delivered total to rounding, with rationed suppliers,
    /// suppliers without demand, and sector counts that do and do not fill
    /// the lanes.
    #[test]
    fn same_unmet_demand_as_the_row_wise_kernel() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        for (nr, ns, nf) in [
            (1, 1, 1),
            (3, 5, 2),
            (4, 8, 3),
            (2, 13, 1),
            (5, 17, 4),
            (3, 24, 5),
        ] {
            let n = nr * ns;
            let nfd = nr * nf;
            let y: Vec<f64> = (0..n * nfd)
                .map(|_| {
                    if rng.random_bool(0.2) {
                        0.0
                    } else {
                        rng.random_range(0.0..10.0)
                    }
                })
                .collect();
            let tot: Vec<f64> = (0..n)
                .map(|_| {
                    if rng.random_bool(0.1) {
                        0.0
                    } else {
                        rng.random_range(1.0..100.0)
                    }
                })
                .collect();
            let prod: Vec<f64> = tot
                .iter()
                .map(|&t| {
                    if rng.random_bool(0.5) {
                        t
                    } else {
                        t * rng.random_range(0.3..1.0)
                    }
                })
                .collect();
            let (want, want_d) = row_wise(&y, &tot, &prod, nr, ns, nf);
            let mut g = GroupedY::new(&vec![1.5; n * nfd], nr, ns, nfd);
            g.refill(&y, nr, ns, nfd);
            assert_eq!(g, GroupedY::new(&y, nr, ns, nfd));
            let (got, got_d) = g.serve(&tot, &prod, nf);
            assert_eq!(bits(&want), bits(&got), "R = {nr}, S = {ns}, F = {nf}");
            assert!(
                (want_d - got_d).abs() <= 1e-12 * want_d.abs().max(1.0),
                "{want_d} {got_d}"
            );
            // The generic kernel, block by block, against the dispatched one.
            let block = nr * nfd * LANES;
            for b in 0..ns.div_ceil(LANES) {
                let s0 = b * LANES;
                let w = LANES.min(ns - s0);
                let mut t = vec![[1.0; LANES]; nr];
                let mut p = vec![[0.0; LANES]; nr];
                for r in 0..nr {
                    t[r][..w].copy_from_slice(&tot[r * ns + s0..r * ns + s0 + w]);
                    p[r][..w].copy_from_slice(&prod[r * ns + s0..r * ns + s0 + w]);
                }
                let yb = &g.data[b * block..(b + 1) * block];
                let (u0, d0) = serve_block_impl(yb, &t, &p, nfd, nf);
                let (u1, d1) = dispatch(ServeBlock {
                    yb,
                    t: &t,
                    p: &p,
                    nfd,
                    nf,
                });
                assert_eq!(bits(u0.as_flattened()), bits(u1.as_flattened()));
                assert_eq!(d0.to_bits(), d1.to_bits());
            }
        }
    }
}
