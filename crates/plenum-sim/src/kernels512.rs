//! Register-blocked AVX-512 versions of the two per-group kernels of
//! `kernels.rs` (region sums and order row sums, for the passes and the
//! sweep alike), for tables with 8 ≤ S ≤ [`MAX_S`] sectors; the kernels'
//! entry points take them under the dispatcher's AVX-512F function.
//!
//! A group is four buyer columns j..j+4 of Z⁰. Z⁰ is column-major with the
//! S sectors of a region contiguous, so a region's slice of a column is S
//! values: K = ⌈S/8⌉ vectors of 8 lanes, the last masked to its S − 8(K−1)
//! valid lanes.
//!
//! - [`group_sums`], pass A: `out_w[q·S + s] = Σ_r Z⁰[(r,s), j+q] w(r,s)`
//!   (and the same with v). The generic kernel keeps the 4·S partial sums in
//!   memory and reloads and stores them for every region; here the sums of
//!   up to three vectors of lanes for all four columns (24 registers) stay
//!   in registers through the whole column, in up to three passes over the
//!   regions, and each weight vector is loaded once for the four columns.
//! - [`rows_group4`], pass B: `out[i] += Z⁰[i,j] h_j[s(i)] + … +
//!   Z⁰[i,j+3] h_(j+3)[s(i)]`, with the 4·K vectors of H held in registers
//!   (at most 28) for the whole column.
//!
//! Fewer loads and stores through the first-level cache, the same
//! arithmetic: every lane adds its products one at a time, in the generic
//! kernels' order (regions ascending from 0.0 in pass A; columns j, j+1,
//! j+2, j+3 in pass B), with separate multiplies and adds (no fused
//! multiply-add), so the results are the generic kernels' bit for bit
//! (tested on every S from 8 to 56 against them). Masked lanes are never
//! read from or written to memory.

use std::arch::x86_64::{
    __m512d, __mmask8, _mm512_add_pd, _mm512_mask_storeu_pd, _mm512_maskz_loadu_pd, _mm512_mul_pd,
    _mm512_setzero_pd,
};

/// The largest S these kernels take: 4 columns × 7 vectors of H fit in
/// the 32 vector registers with room for the loads.
pub(crate) const MAX_S: usize = 56;

/// Whether these kernels take a table with `ns` sectors.
pub(crate) fn applies(ns: usize) -> bool {
    (8..=MAX_S).contains(&ns)
}

/// Lanes of vector k of a region's S values: all 8, or the valid ones of
/// the last.
#[inline(always)]
fn lane_mask(k: usize, ns: usize) -> __mmask8 {
    let valid = (ns - 8 * k).min(8);
    (((1u16) << valid) - 1) as __mmask8
}

/// Pass A of one group for the given weights (see the module docs): `cols`
/// are the four columns (length R·S each), `w` and `v` the weights (length
/// ≥ R·S), `out_w` and `out_v` at least 4·S long. With `v` None only
/// `out_w` is written.
///
/// # Safety
/// The processor must have AVX-512F, and `applies(ns)` must hold.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn group_sums(
    cols: &[&[f64]; 4],
    w: &[f64],
    v: Option<&[f64]>,
    nr: usize,
    ns: usize,
    out_w: &mut [f64],
    out_v: &mut [f64],
) {
    let len = nr * ns;
    assert!(applies(ns) && cols.iter().all(|c| c.len() >= len) && w.len() >= len);
    assert!(out_w.len() >= 4 * ns);
    if let Some(v) = v {
        assert!(v.len() >= len && out_v.len() >= 4 * ns);
    }
    let k_total = ns.div_ceil(8);
    let mut k0 = 0;
    while k0 < k_total {
        let kh = (k_total - k0).min(3);
        // SAFETY: (all three) the lengths were checked above; the kernel
        // reads lanes r·S + 8k + l with l < S − 8k, i.e. inside the slices.
        unsafe {
            match (kh, v) {
                (3, Some(v)) => sums_part::<3, true>(cols, w, v, nr, ns, k0, out_w, out_v),
                (2, Some(v)) => sums_part::<2, true>(cols, w, v, nr, ns, k0, out_w, out_v),
                (_, Some(v)) => sums_part::<1, true>(cols, w, v, nr, ns, k0, out_w, out_v),
                (3, None) => sums_part::<3, false>(cols, w, w, nr, ns, k0, out_w, out_v),
                (2, None) => sums_part::<2, false>(cols, w, w, nr, ns, k0, out_w, out_v),
                (_, None) => sums_part::<1, false>(cols, w, w, nr, ns, k0, out_w, out_v),
            }
        }
        k0 += kh;
    }
}

/// Vectors k0..k0+KH of pass A, their sums in registers over all regions.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn sums_part<const KH: usize, const TWO: bool>(
    cols: &[&[f64]; 4],
    w: &[f64],
    v: &[f64],
    nr: usize,
    ns: usize,
    k0: usize,
    out_w: &mut [f64],
    out_v: &mut [f64],
) {
    let zero = _mm512_setzero_pd();
    let mut aw: [[__m512d; KH]; 4] = [[zero; KH]; 4];
    let mut av: [[__m512d; KH]; 4] = [[zero; KH]; 4];
    let masks: [__mmask8; KH] = std::array::from_fn(|kk| lane_mask(k0 + kk, ns));
    let cp: [*const f64; 4] = std::array::from_fn(|q| cols[q].as_ptr());
    for r in 0..nr {
        let o = r * ns;
        for kk in 0..KH {
            let i = o + 8 * (k0 + kk);
            let m = masks[kk];
            // SAFETY: lane l of vector k0+kk in region r is r·S + 8k + l <
            // R·S for every unmasked l; masked lanes are not read.
            unsafe {
                let wv = _mm512_maskz_loadu_pd(m, w.as_ptr().add(i));
                let vv = if TWO {
                    _mm512_maskz_loadu_pd(m, v.as_ptr().add(i))
                } else {
                    zero
                };
                for q in 0..4 {
                    let z = _mm512_maskz_loadu_pd(m, cp[q].add(i));
                    aw[q][kk] = _mm512_add_pd(aw[q][kk], _mm512_mul_pd(z, wv));
                    if TWO {
                        av[q][kk] = _mm512_add_pd(av[q][kk], _mm512_mul_pd(z, vv));
                    }
                }
            }
        }
    }
    for q in 0..4 {
        for kk in 0..KH {
            let at = q * ns + 8 * (k0 + kk);
            // SAFETY: unmasked lanes are < 4·S ≤ the outputs' lengths.
            unsafe {
                _mm512_mask_storeu_pd(out_w.as_mut_ptr().add(at), masks[kk], aw[q][kk]);
                if TWO {
                    _mm512_mask_storeu_pd(out_v.as_mut_ptr().add(at), masks[kk], av[q][kk]);
                }
            }
        }
    }
}

/// Pass B of one group (see the module docs): `cols` the four columns, `h`
/// their H (4·S values, column q at q·S), `out` the partial row sums
/// (length ≥ R·S).
///
/// # Safety
/// The processor must have AVX-512F, and `applies(ns)` must hold.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn rows_group4(
    cols: &[&[f64]; 4],
    nr: usize,
    ns: usize,
    h: &[f64],
    out: &mut [f64],
) {
    let len = nr * ns;
    assert!(applies(ns) && cols.iter().all(|c| c.len() >= len));
    assert!(h.len() >= 4 * ns && out.len() >= len);
    // SAFETY: (all) as checked just above.
    unsafe {
        match ns.div_ceil(8) {
            1 => rows_k::<1>(cols, nr, ns, h, out),
            2 => rows_k::<2>(cols, nr, ns, h, out),
            3 => rows_k::<3>(cols, nr, ns, h, out),
            4 => rows_k::<4>(cols, nr, ns, h, out),
            5 => rows_k::<5>(cols, nr, ns, h, out),
            6 => rows_k::<6>(cols, nr, ns, h, out),
            _ => rows_k::<7>(cols, nr, ns, h, out),
        }
    }
}

/// [`rows_group4`] with K = ⌈S/8⌉ vectors per region.
#[target_feature(enable = "avx512f")]
unsafe fn rows_k<const K: usize>(
    cols: &[&[f64]; 4],
    nr: usize,
    ns: usize,
    h: &[f64],
    out: &mut [f64],
) {
    let masks: [__mmask8; K] = std::array::from_fn(|k| lane_mask(k, ns));
    let hr: [[__m512d; K]; 4] = std::array::from_fn(|q| {
        // SAFETY: unmasked lanes q·S + 8k + l < 4·S ≤ h.len().
        std::array::from_fn(|k| unsafe {
            _mm512_maskz_loadu_pd(masks[k], h.as_ptr().add(q * ns + 8 * k))
        })
    });
    let cp: [*const f64; 4] = std::array::from_fn(|q| cols[q].as_ptr());
    let op = out.as_mut_ptr();
    for r in 0..nr {
        let o = r * ns;
        for k in 0..K {
            let i = o + 8 * k;
            let m = masks[k];
            // SAFETY: unmasked lanes r·S + 8k + l < R·S, inside the columns
            // and `out`; masked lanes are neither read nor written.
            unsafe {
                let mut x = _mm512_maskz_loadu_pd(m, op.add(i));
                for q in 0..4 {
                    let z = _mm512_maskz_loadu_pd(m, cp[q].add(i));
                    x = _mm512_add_pd(x, _mm512_mul_pd(z, hr[q][k]));
                }
                _mm512_mask_storeu_pd(op.add(i), m, x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use crate::colmajor::ColMajor;

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// A value of any sign and a wide range of magnitudes, sometimes zero,
    /// so that rounding differs between orders of addition.
    fn value(rng: &mut ChaCha8Rng) -> f64 {
        if rng.random_bool(0.1) {
            return 0.0;
        }
        let m: f64 = rng.random_range(-1.0..1.0);
        m * 10f64.powi(rng.random_range(-6..7))
    }

    /// Both kernels give the generic kernels' numbers bit for bit, for every
    /// S they take, with one and two weights, on a few region counts.
    #[test]
    fn same_bits_as_the_generic_kernels() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            eprintln!("SKIPPED: this processor has no AVX-512F (the kernels are not used here)");
            return;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(512);
        for ns in 8..=super::MAX_S {
            for nr in [1usize, 3, 8] {
                let n = nr * ns;
                // Four columns of a column-major n × 4 matrix.
                let mut z = ColMajor::zeros(n, 4);
                for x in z.as_mut_slice() {
                    *x = value(&mut rng);
                }
                let cols = [0, 1, 2, 3].map(|q| z.col_as_slice(q));
                let w: Vec<f64> = (0..n).map(|_| value(&mut rng)).collect();
                let v: Vec<f64> = (0..n).map(|_| value(&mut rng)).collect();
                for weights in [
                    (Some(&w[..]), Some(&v[..])),
                    (Some(&w[..]), None),
                    (None, Some(&v[..])),
                ] {
                    let (mut a0, mut b0) = (vec![7.0; 4 * ns], vec![7.0; 4 * ns]);
                    let (mut a1, mut b1) = (a0.clone(), b0.clone());
                    crate::kernels::region_sums::<4, false>(
                        &cols, weights.0, weights.1, nr, ns, &mut a0, &mut b0,
                    );
                    // SAFETY: AVX-512F was detected above; 8 ≤ ns ≤ MAX_S.
                    unsafe {
                        match weights {
                            (Some(c), Some(r)) => {
                                super::group_sums(&cols, c, Some(r), nr, ns, &mut a1, &mut b1)
                            }
                            (Some(c), None) => {
                                super::group_sums(&cols, c, None, nr, ns, &mut a1, &mut [])
                            }
                            (None, Some(r)) => {
                                super::group_sums(&cols, r, None, nr, ns, &mut b1, &mut [])
                            }
                            (None, None) => unreachable!(),
                        }
                    }
                    assert_eq!(
                        bits(&a0),
                        bits(&a1),
                        "pass A (first sums), S = {ns}, R = {nr}"
                    );
                    assert_eq!(
                        bits(&b0),
                        bits(&b1),
                        "pass A (second sums), S = {ns}, R = {nr}"
                    );
                }
                let h: Vec<f64> = (0..4 * ns).map(|_| value(&mut rng)).collect();
                let start: Vec<f64> = (0..n).map(|_| value(&mut rng)).collect();
                let (mut o0, mut o1) = (start.clone(), start);
                crate::kernels::order_rows::<4, false>(&cols, nr, ns, &h, &mut o0);
                // SAFETY: as above.
                unsafe { super::rows_group4(&cols, nr, ns, &h, &mut o1) };
                assert_eq!(bits(&o0), bits(&o1), "pass B, S = {ns}, R = {nr}");
            }
        }
    }

    #[test]
    fn lane_masks() {
        assert_eq!(super::lane_mask(0, 8), 0xFF);
        assert_eq!(super::lane_mask(0, 50), 0xFF);
        assert_eq!(super::lane_mask(6, 50), 0b11);
        assert_eq!(super::lane_mask(1, 9), 0b1);
        assert!(
            !super::applies(7) && super::applies(8) && super::applies(56) && !super::applies(57)
        );
    }
}
