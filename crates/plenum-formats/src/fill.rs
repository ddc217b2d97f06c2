//! Matrices filled in parallel straight into fresh memory.
//!
//! `Mat::zeros` writes every zero on the calling thread before a reader's
//! parallel decoding can start: for a 200 MB Z that is ~0.1 s of page
//! faults and memset with the other cores idle, and the zeros are then
//! overwritten. Here the matrix's storage is reserved but not touched, the
//! tasks that decode disjoint parts of it are the first to write its
//! pages (on every core), and the matrix only comes into existence once
//! every part has been written. The interfaces make a partial write
//! impossible: a column group's task gets its columns as uninitialised
//! slices and must fill them (or fail), a row block's task hands over the
//! whole block at once.
//!
//! Measured against safe fills of the same parallel shape (`Mat::zeros`,
//! then faer's disjoint row/column chunks; `fill_bench` below), n = 5000
//! (200 MB), 2 threads, 3 interleaved rounds at load ≈ 15 (2026-12-02):
//! row blocks 2.50 s here vs 3.81 s safe (median; 1.52× slower safe),
//! column groups 1.07 s vs 2.19 s (2.05×). The unsafe stays.

use std::mem::MaybeUninit;

use plenum_table::Mat;
use rayon::prelude::*;

/// The base pointer of a matrix's reserved storage, shared by the tasks
/// that write disjoint parts of it.
#[derive(Clone, Copy)]
struct Base(*mut f64);
// SAFETY: the tasks write disjoint parts (see the functions below).
unsafe impl Send for Base {}
// SAFETY: as for Send: shared only to write disjoint parts.
unsafe impl Sync for Base {}

impl Base {
    /// The pointer (a method, so that closures capture the whole Send +
    /// Sync wrapper, not its field).
    fn get(self) -> *mut f64 {
        self.0
    }

    /// Columns j0..j1 of a matrix from [`reserve`] with column stride
    /// `stride`, each `nrows` elements, uninitialised.
    ///
    /// # Safety
    /// j1 is at most the reserved column count, and while the slices live
    /// no other slice covers these columns (each group of the functions
    /// below takes only its own, once).
    unsafe fn columns<'a>(
        self,
        stride: usize,
        nrows: usize,
        j0: usize,
        j1: usize,
    ) -> Vec<&'a mut [MaybeUninit<f64>]> {
        (j0..j1)
            .map(|j| {
                // SAFETY: `reserve` reserved `stride` ≥ nrows elements for
                // each column; column j starts at j·stride and is in bounds
                // (j < j1 ≤ ncols), and the caller holds no other slice of
                // it. MaybeUninit makes no claim about the contents.
                unsafe {
                    std::slice::from_raw_parts_mut(
                        self.get().add(j * stride) as *mut MaybeUninit<f64>,
                        nrows,
                    )
                }
            })
            .collect()
    }
}

/// Storage for an nrows × ncols column-major matrix: its base pointer and
/// column stride (≥ nrows).
fn reserve(nrows: usize, ncols: usize) -> (Mat<f64>, Base, usize) {
    let mut m = Mat::<f64>::with_capacity(nrows, ncols);
    let stride = m.col_stride().unsigned_abs();
    let base = Base(m.as_ptr_mut());
    (m, base, stride.max(nrows))
}

/// Backs the whole pages of the byte range [addr, addr + len) with memory
/// now, in one call (`madvise(MADV_POPULATE_WRITE)`, Linux ≥ 5.14),
/// instead of one page fault per 4 KiB page at the first write: at GLORIA
/// size Z's 790,000 first-write faults cost 2-6.6 s of system time
/// (BENCHMARKS.md). Only pages wholly inside the range are backed (the
/// range is rounded inward), so a page shared with a neighbour's range is
/// left to its first write. Contents are never changed: an absent page
/// comes in zeroed, a present one is left as it is. A refusal (an older
/// kernel, another OS, a range not mapped) changes nothing but the speed;
/// the result only says whether the kernel backed the pages (for tests).
/// Callers pass storage they are about to fill: the native stream
/// (`native_stream.rs`), on threads other than the decoder's. Called per
/// column group on the decoding threads of the Parquet direct path it was
/// not measurably faster (BENCHMARKS.md, issue 15's pre-faulting
/// section), so that path faults page by page as before.
pub(crate) fn prefault(addr: usize, len: usize) -> bool {
    let page = page_size();
    let first = addr.next_multiple_of(page);
    let end = addr.saturating_add(len) / page * page;
    if end <= first {
        return false;
    }
    populate(first, end - first)
}

#[cfg(target_os = "linux")]
fn populate(first: usize, len: usize) -> bool {
    // SAFETY: MADV_POPULATE_WRITE neither reads nor writes any byte the
    // program can see: it backs the pages of [first, first + len) as a
    // write fault would, without writing (absent anonymous pages come in
    // zeroed, present pages are untouched). `first` is page-aligned; a
    // range that is not mapped or not writable makes the call fail
    // (ENOMEM, EFAULT, EINVAL), with nothing changed, and the failure is
    // ignored by the callers.
    unsafe { libc::madvise(first as *mut libc::c_void, len, libc::MADV_POPULATE_WRITE) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn populate(_first: usize, _len: usize) -> bool {
    false
}

/// The page size (4 KiB when the system does not say).
fn page_size() -> usize {
    static PAGE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *PAGE.get_or_init(|| {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: sysconf reads a system constant; no memory is passed.
            let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            if let Ok(p) = usize::try_from(p) {
                if p.is_power_of_two() {
                    return p;
                }
            }
        }
        4096
    })
}

/// Where a column-major matrix's elements lie in its reserved storage: a
/// plain value, so that another thread can pre-fault the part about to be
/// written ([`prefault`]) while the owner fills it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    addr: usize,
    nrows: usize,
    stride: usize,
}

impl Layout {
    /// The byte range (address, length) holding elements e0..e1 in
    /// column-major order (e0 < e1 ≤ nrows·ncols), from the first to the
    /// last (with any column padding between).
    pub(crate) fn span(&self, e0: usize, e1: usize) -> (usize, usize) {
        let size = std::mem::size_of::<f64>();
        let at = |e: usize| self.addr + ((e / self.nrows) * self.stride + e % self.nrows) * size;
        let first = at(e0);
        (first, at(e1 - 1) + size - first)
    }
}

/// A matrix's storage, reserved but not yet written: it becomes a matrix
/// only by [`Reserved::fill_column_major`], which writes every element.
pub(crate) struct Reserved {
    m: Mat<f64>,
    base: Base,
    stride: usize,
    nrows: usize,
    ncols: usize,
}

impl Reserved {
    /// Storage for an nrows × ncols matrix; no page of it is touched.
    pub(crate) fn new(nrows: usize, ncols: usize) -> Self {
        let (m, base, stride) = reserve(nrows, ncols);
        Self {
            m,
            base,
            stride,
            nrows,
            ncols,
        }
    }

    /// Where the elements lie.
    pub(crate) fn layout(&self) -> Layout {
        Layout {
            addr: self.base.get() as usize,
            nrows: self.nrows,
            stride: self.stride,
        }
    }

    /// The matrix, its elements taken from `next` in column-major order.
    pub(crate) fn fill_column_major(mut self, mut next: impl FnMut() -> f64) -> Mat<f64> {
        for j in 0..self.ncols {
            for i in 0..self.nrows {
                // SAFETY: element (i, j) lies at j·stride + i, inside the
                // storage `reserve` reserved (i < nrows ≤ stride, j < ncols);
                // only this call writes it.
                unsafe { self.base.get().add(j * self.stride + i).write(next()) };
            }
        }
        // SAFETY: the loops wrote every element; the dimensions are within
        // the reserved capacity.
        unsafe { self.m.set_dims(self.nrows, self.ncols) };
        self.m
    }
}

/// An nrows × ncols matrix whose columns are written by `fill`, called on
/// the thread pool for each group of `group` columns with the group's
/// first column and its columns as uninitialised slices. `fill` must write
/// every element of the columns it is given (and return Ok) or fail; the
/// first failure, in group order, is returned.
pub(crate) fn by_column_groups<E: Send>(
    nrows: usize,
    ncols: usize,
    group: usize,
    fill: impl Fn(usize, &mut [&mut [MaybeUninit<f64>]]) -> Result<(), E> + Sync,
) -> Result<Mat<f64>, E> {
    let group = group.max(1);
    let (mut m, base, stride) = reserve(nrows, ncols);
    let done: Vec<Result<(), E>> = (0..ncols.div_ceil(group))
        .into_par_iter()
        .map(|g| {
            let (j0, j1) = (g * group, ((g + 1) * group).min(ncols));
            // SAFETY: j1 ≤ ncols, and each group takes only its own
            // columns, once.
            let mut cols = unsafe { base.columns(stride, nrows, j0, j1) };
            fill(j0, &mut cols)
        })
        .collect();
    for r in done {
        r?;
    }
    // SAFETY: every group succeeded, so every element of every column was
    // written; the dimensions are within the reserved capacity.
    unsafe { m.set_dims(nrows, ncols) };
    Ok(m)
}

/// [`by_column_groups`] whose groups are also handed, once written and in
/// group order, to `after` (with the group's first column, what `fill`
/// returned and its columns, now initialised): what needs the columns in
/// order, such as row sums added column by column, runs while the group
/// is still in cache ([`crate::order::in_order`]: one worker per thread of
/// the pool, at most one group per worker waiting for its turn). After the
/// first failure (in group order) the remaining groups are skipped and
/// `after` is not called again.
pub(crate) fn by_column_groups_in_order<T, E: Send>(
    nrows: usize,
    ncols: usize,
    group: usize,
    fill: impl Fn(usize, &mut [&mut [MaybeUninit<f64>]]) -> Result<T, E> + Sync,
    mut after: impl FnMut(usize, T, &[&[f64]]) + Send,
) -> Result<Mat<f64>, E> {
    let group = group.max(1);
    let ngroups = ncols.div_ceil(group);
    let (mut m, base, stride) = reserve(nrows, ncols);
    let handed = crate::order::in_order(
        ngroups,
        |g| {
            let (j0, j1) = (g * group, ((g + 1) * group).min(ncols));
            // SAFETY: j1 ≤ ncols, and each group (worked on once by
            // `in_order`) takes only its own columns.
            let mut cols = unsafe { base.columns(stride, nrows, j0, j1) };
            fill(j0, &mut cols).map(|v| (v, cols))
        },
        |g, (v, cols)| {
            let written: Vec<&[f64]> = cols
                .iter()
                .map(|c| {
                    // SAFETY: `fill` returned Ok, so it wrote every element
                    // of its columns (its contract); MaybeUninit<f64> has
                    // f64's layout.
                    unsafe { std::slice::from_raw_parts(c.as_ptr() as *const f64, c.len()) }
                })
                .collect();
            after(g * group, v, &written);
            true
        },
    )?;
    // `after` never stops the run, so without a failure every group was
    // filled and handed on; the check keeps the unsafe below sound should
    // that change.
    assert_eq!(handed, ngroups, "every column group is filled");
    // SAFETY: every group's `fill` returned Ok, so every element of every
    // column was written; the dimensions are within the reserved capacity.
    unsafe { m.set_dims(nrows, ncols) };
    Ok(m)
}

/// A block of consecutive rows of a matrix being filled (see
/// [`by_row_blocks`]).
pub(crate) struct RowBlock {
    base: Base,
    stride: usize,
    i0: usize,
    len: usize,
    ncols: usize,
}

impl RowBlock {
    /// Rows in the block.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Writes the whole block from `rows`, row-major (len × ncols values):
    /// row i, column c from `rows[i·ncols + c]`; returns the token that
    /// [`by_row_blocks`] and [`by_row_ranges`] ask for.
    pub(crate) fn write(self, rows: &[f64]) -> Written {
        assert_eq!(
            rows.len(),
            self.len * self.ncols,
            "a row block is written whole"
        );
        for c in 0..self.ncols {
            for i in 0..self.len {
                // SAFETY: element (i0 + i, c) lies at c·stride + i0 + i,
                // inside the reserved storage (i0 + i < nrows ≤ stride,
                // c < ncols); blocks are disjoint sets of rows.
                unsafe {
                    self.base
                        .get()
                        .add(c * self.stride + self.i0 + i)
                        .write(rows[i * self.ncols + c])
                };
            }
        }
        Written(())
    }
}

/// An nrows × ncols matrix whose rows are written by `fill`, called on the
/// thread pool for each block of `block` rows with the block's first row;
/// `fill` returns Some(value) after writing its block with
/// [`RowBlock::write`] (which writes every element), or None.
/// The matrix and the values in block order, or None if any block gave
/// None or did not write its rows.
pub(crate) fn by_row_blocks<T: Send>(
    nrows: usize,
    ncols: usize,
    block: usize,
    fill: impl Fn(usize, RowBlock) -> Option<(T, Written)> + Sync,
) -> Option<(Mat<f64>, Vec<T>)> {
    let block = block.max(1);
    let (mut m, base, stride) = reserve(nrows, ncols);
    let parts: Vec<T> = (0..nrows.div_ceil(block))
        .into_par_iter()
        .map(|b| {
            let i0 = b * block;
            let len = block.min(nrows - i0);
            let blk = RowBlock {
                base,
                stride,
                i0,
                len,
                ncols,
            };
            fill(i0, blk).map(|(t, _)| t)
        })
        .collect::<Option<Vec<T>>>()?;
    // SAFETY: every block returned Some, which needs a `Written` token, and
    // the only way to one is `RowBlock::write`, which writes
    // every element of its block; the dimensions are within the capacity.
    unsafe { m.set_dims(nrows, ncols) };
    Some((m, parts))
}

/// [`by_row_blocks`] for blocks of any sizes: `lens[k]` rows in block k,
/// the blocks in order and covering the nrows = Σ lens rows; `fill` is
/// called with k and the block.
pub(crate) fn by_row_ranges<T: Send>(
    lens: &[usize],
    ncols: usize,
    fill: impl Fn(usize, RowBlock) -> Option<(T, Written)> + Sync,
) -> Option<(Mat<f64>, Vec<T>)> {
    let nrows: usize = lens.iter().sum();
    let starts: Vec<usize> = lens
        .iter()
        .scan(0, |at, &l| {
            let s = *at;
            *at += l;
            Some(s)
        })
        .collect();
    let (mut m, base, stride) = reserve(nrows, ncols);
    let parts: Vec<T> = (0..lens.len())
        .into_par_iter()
        .map(|k| {
            let blk = RowBlock {
                base,
                stride,
                i0: starts[k],
                len: lens[k],
                ncols,
            };
            fill(k, blk).map(|(t, _)| t)
        })
        .collect::<Option<Vec<T>>>()?;
    // SAFETY: as in `by_row_blocks`: the blocks tile 0..nrows and each
    // was written whole (a `Written` token per block).
    unsafe { m.set_dims(nrows, ncols) };
    Some((m, parts))
}

/// Proof that a [`RowBlock`] was written whole (only
/// [`RowBlock::write`] makes one).
pub(crate) struct Written(());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_groups_and_row_blocks_fill_every_element() {
        for (nr, nc) in [(0, 0), (0, 3), (3, 0), (1, 1), (5, 7), (17, 33), (64, 9)] {
            let want = |i: usize, j: usize| (i * 100 + j) as f64;
            let m = by_column_groups::<()>(nr, nc, 4, |j0, cols| {
                for (dj, col) in cols.iter_mut().enumerate() {
                    for (i, x) in col.iter_mut().enumerate() {
                        x.write(want(i, j0 + dj));
                    }
                }
                Ok(())
            })
            .unwrap();
            let (m2, firsts) = by_row_blocks(nr, nc, 3, |i0, blk| {
                let rows: Vec<f64> = (0..blk.len() * nc)
                    .map(|k| want(i0 + k / nc.max(1), k % nc.max(1)))
                    .collect();
                Some((i0, blk.write(&rows)))
            })
            .unwrap();
            assert_eq!(
                (m.nrows(), m.ncols(), m2.nrows(), m2.ncols()),
                (nr, nc, nr, nc)
            );
            assert_eq!(
                firsts,
                (0..nr.div_ceil(3)).map(|b| b * 3).collect::<Vec<_>>()
            );
            for i in 0..nr {
                for j in 0..nc {
                    assert_eq!(m[(i, j)], want(i, j));
                    assert_eq!(m2[(i, j)], want(i, j));
                }
            }
            // In order: `after` sees every group once, in order, written.
            for group in [1, 3, 4] {
                let mut seen = Vec::new();
                let m3 = by_column_groups_in_order::<usize, ()>(
                    nr,
                    nc,
                    group,
                    |j0, cols| {
                        for (dj, col) in cols.iter_mut().enumerate() {
                            for (i, x) in col.iter_mut().enumerate() {
                                x.write(want(i, j0 + dj));
                            }
                        }
                        Ok(cols.len())
                    },
                    |j0, k, cols| {
                        assert_eq!(k, cols.len());
                        for (dj, col) in cols.iter().enumerate() {
                            assert!(col.iter().enumerate().all(|(i, v)| *v == want(i, j0 + dj)));
                        }
                        seen.push(j0);
                    },
                )
                .unwrap();
                assert_eq!(seen, (0..nc).step_by(group).collect::<Vec<_>>());
                assert_eq!((m3.nrows(), m3.ncols()), (nr, nc));
                for i in 0..nr {
                    for j in 0..nc {
                        assert_eq!(m3[(i, j)], want(i, j));
                    }
                }
            }
        }
        // A failure anywhere: no matrix.
        assert!(by_column_groups(4, 9, 2, |j0, cols| {
            for col in cols.iter_mut() {
                for x in col.iter_mut() {
                    x.write(1.0);
                }
            }
            if j0 == 4 {
                Err(j0)
            } else {
                Ok(())
            }
        })
        .is_err());
        let mut seen = Vec::new();
        let r = by_column_groups_in_order(
            4,
            9,
            2,
            |j0, cols| {
                for col in cols.iter_mut() {
                    for x in col.iter_mut() {
                        x.write(1.0);
                    }
                }
                if j0 >= 4 {
                    Err(j0)
                } else {
                    Ok(())
                }
            },
            |j0, (), _| seen.push(j0),
        );
        assert_eq!(
            (r.map(|_| ()), seen),
            (Err(4), vec![0, 2]),
            "first failure in order"
        );
        assert!(by_row_blocks(9, 2, 2, |i0, blk| {
            let rows = vec![0.0; blk.len() * 2];
            let w = blk.write(&rows);
            (i0 != 4).then_some(((), w))
        })
        .is_none());
    }

    /// `prefault` backs exactly the pages wholly inside its range (rounded
    /// inward), changes no contents, does nothing on an empty or sub-page
    /// range, and a refusal (an unmapped range) is only a `false`.
    #[cfg(target_os = "linux")]
    #[test]
    fn prefault_backs_whole_pages_inside_the_range_only() {
        let page = page_size();
        let resident = |addr: usize, pages: usize| -> Vec<u8> {
            let mut v = vec![0u8; pages];
            // SAFETY: `addr` is the page-aligned start of a mapping of
            // `pages` pages (below) and `v` has one byte per page.
            let r =
                unsafe { libc::mincore(addr as *mut libc::c_void, pages * page, v.as_mut_ptr()) };
            assert_eq!(r, 0, "mincore");
            v.iter().map(|b| b & 1).collect()
        };
        // SAFETY: a fresh private anonymous mapping of 6 pages, unmapped
        // below; no other code sees it.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                6 * page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(map, libc::MAP_FAILED);
        let a = map as usize;
        assert_eq!(resident(a, 6), [0; 6], "nothing is backed before");
        assert!(!prefault(a + 8, 0), "an empty range");
        assert!(!prefault(a + 8, page), "a page's worth, but no whole page");
        assert_eq!(resident(a, 6), [0; 6]);
        // Not aligned at either end: pages 1 and 2 only.
        assert!(prefault(a + 100, 3 * page));
        assert_eq!(resident(a, 6), [0, 1, 1, 0, 0, 0]);
        // Contents are kept: page 4 written, then pre-faulted again.
        let p4 = (a + 4 * page) as *mut u8;
        // SAFETY: page 4 of the mapping, writable.
        unsafe { p4.write(0xAB) };
        assert!(prefault(a + 3 * page, 3 * page));
        assert_eq!(resident(a, 6), [0, 1, 1, 1, 1, 1]);
        // SAFETY: as above; read back what was written.
        let kept = unsafe { p4.read() };
        assert_eq!(kept, 0xAB, "a present page is left as it is");
        // SAFETY: the mapping made above, no longer used.
        let unmapped = unsafe { libc::munmap(map, 6 * page) };
        assert_eq!(unmapped, 0);
        // Refused: the range is no longer mapped. Nothing but `false`.
        assert!(!prefault(a, 6 * page));
    }

    /// `Reserved` fills column-major into storage whose `Layout` spans the
    /// elements asked for, column padding included.
    #[test]
    fn reserved_fills_column_major_and_spans_its_elements() {
        for (nr, nc) in [(0, 0), (0, 3), (3, 0), (1, 1), (5, 7), (17, 33)] {
            let r = Reserved::new(nr, nc);
            let l = r.layout();
            let size = std::mem::size_of::<f64>();
            if nr * nc > 0 {
                let (addr, len) = l.span(0, nr * nc);
                assert_eq!(addr, l.addr);
                assert_eq!(len, ((nc - 1) * l.stride + nr) * size);
                // The second column alone.
                if nc > 1 {
                    assert_eq!(l.span(nr, 2 * nr), (l.addr + l.stride * size, nr * size));
                }
            }
            let mut k = 0.0;
            let m = r.fill_column_major(|| {
                k += 1.0;
                k
            });
            assert_eq!((m.nrows(), m.ncols()), (nr, nc));
            for j in 0..nc {
                for i in 0..nr {
                    assert_eq!(m[(i, j)], (j * nr + i + 1) as f64);
                }
            }
        }
    }

    /// The measurement behind keeping this module's `unsafe` (issue 14):
    /// `by_row_blocks` and `by_column_groups` against safe fills of the
    /// same parallel shape (`Mat::zeros`, then faer's disjoint row/column
    /// chunks), n × n with n = PLENUM_FILL_N (default 5000, 200 MB), the
    /// two interleaved, best and median of PLENUM_FILL_ROUNDS rounds.
    /// `cargo test --release -p plenum-formats --lib fill_bench -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement, not a test"]
    fn fill_bench() {
        use std::time::Instant;
        let env = |k: &str, d: usize| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        let n = env("PLENUM_FILL_N", 5000);
        let rounds = env("PLENUM_FILL_ROUNDS", 7);
        let val = |i: usize, j: usize| (i ^ j) as f64;
        let rows_of = |i0: usize, len: usize| -> Vec<f64> {
            (0..len * n).map(|k| val(i0 + k / n, k % n)).collect()
        };
        let row_unsafe = || {
            by_row_blocks(n, n, 64, |i0, blk| {
                let rows = rows_of(i0, blk.len());
                Some(((), blk.write(&rows)))
            })
            .unwrap()
            .0
        };
        let row_safe = || {
            let mut m = Mat::<f64>::zeros(n, n);
            m.as_mut()
                .par_row_chunks_mut(64)
                .enumerate()
                .for_each(|(b, mut blk)| {
                    let len = blk.nrows();
                    let rows = rows_of(b * 64, len);
                    for c in 0..n {
                        for i in 0..len {
                            blk[(i, c)] = rows[i * n + c];
                        }
                    }
                });
            m
        };
        let col_unsafe = || {
            by_column_groups::<()>(n, n, 16, |j0, cols| {
                for (dj, col) in cols.iter_mut().enumerate() {
                    for (i, x) in col.iter_mut().enumerate() {
                        x.write(val(i, j0 + dj));
                    }
                }
                Ok(())
            })
            .unwrap()
        };
        let col_safe = || {
            let mut m = Mat::<f64>::zeros(n, n);
            m.as_mut()
                .par_col_chunks_mut(16)
                .enumerate()
                .for_each(|(g, mut blk)| {
                    for dj in 0..blk.ncols() {
                        for i in 0..n {
                            blk[(i, dj)] = val(i, g * 16 + dj);
                        }
                    }
                });
            m
        };
        let time = |f: &dyn Fn() -> Mat<f64>| {
            let t = Instant::now();
            let m = f();
            let s = t.elapsed().as_secs_f64();
            assert_eq!(m[(n - 1, n - 2)], val(n - 1, n - 2));
            drop(m);
            s
        };
        let stats = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            (v[0], v[v.len() / 2])
        };
        for (name, fu, fs) in [
            (
                "row blocks",
                &row_unsafe as &dyn Fn() -> Mat<f64>,
                &row_safe as &dyn Fn() -> Mat<f64>,
            ),
            ("column groups", &col_unsafe, &col_safe),
        ] {
            let (mut tu, mut ts) = (Vec::new(), Vec::new());
            for _ in 0..rounds {
                tu.push(time(fu));
                ts.push(time(fs));
            }
            let ((bu, mu), (bs, ms)) = (stats(tu), stats(ts));
            println!(
                "{name}, n = {n}, {} threads: fill.rs best {bu:.3} s median {mu:.3} s; safe (zeros + faer chunks) best {bs:.3} s median {ms:.3} s; safe / fill.rs: best {:.2}, median {:.2}",
                rayon::current_num_threads(),
                bs / bu,
                ms / mu
            );
        }
    }
}
