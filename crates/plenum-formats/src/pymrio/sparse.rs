//! Z read straight into compressed sparse rows when that pays (issue 15,
//! item 2): the text fast paths of [`super::fast`] parse the same lines
//! with the same parser ([`super::fast::row_with`]), but each unit of rows
//! (a block of lines of a small file, a piece of a large one) gives its
//! rows' nonzeros instead of writing dense rows, and the units are appended
//! in file order.
//!
//! With [`Storage::Auto`] the rows go into a [`SparseFlows`] while the
//! running count of nonzeros stays within [`SPARSE_MAX_DENSITY`] of the
//! n × n cells; counts only grow, so that is exactly the final test. The
//! moment it is exceeded the rows so far are copied into a dense matrix and
//! the rest is written dense. No dense Z is ever held for a sparse result,
//! and the peak of a dense one is the matrix plus the sparse rows so far.
//! Units are parsed in parallel in batches of a few per thread, so that a
//! dense table does not first become a whole table of (column, value)
//! lists.
//!
//! What the fast paths refuse (quotes, bad numbers, NaN, …) is read by the
//! csv path as before, dense, and converted: its errors are the dense
//! reader's, and files it reads are not the large ones sparse storage is
//! for.

use std::path::Path;

use plenum_table::{Flows, Mat, SparseFlows};
use rayon::prelude::*;

use super::fast::{self, Header};
use super::{name, read_frame, read_raw, Frame};
use crate::error::{FormatError, Result};
use crate::storage::{sparse_pays, Storage};

/// The rows of one unit: index labels, line numbers, and each row's
/// nonzeros (its entries end at `ends[r]` in `idx`/`val`).
#[derive(Default)]
struct Rows {
    keys: Vec<Vec<String>>,
    lines: Vec<u64>,
    ends: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f64>,
}

impl Rows {
    /// Parses one body line of `ncol` numbers; None where the dense fast
    /// path refuses it.
    fn push_line(&mut self, line: &[u8], nic: usize, ncol: usize, number: u64) -> Option<()> {
        let (idx, val) = (&mut self.idx, &mut self.val);
        let key = fast::row_with(line, nic, ncol, |c, v| {
            // -0.0 is dropped too: a stored entry is never zero.
            if v != 0.0 {
                // ncol ≤ u32::MAX is checked before parsing.
                idx.push(c as u32);
                val.push(v);
            }
        })?;
        self.keys.push(key);
        self.lines.push(number);
        self.ends.push(self.idx.len());
        Some(())
    }
}

/// Z as it is being filled.
enum Fill {
    Sparse(SparseFlows),
    /// Dense, with the next row to write.
    Dense(Mat<f64>, usize),
}

/// Appends units of rows in file order, choosing the storage on the way.
struct Assembler {
    storage: Storage,
    nrows: usize,
    ncols: usize,
    fill: Fill,
    keys: Vec<Vec<String>>,
    lines: Vec<u64>,
}

impl Assembler {
    fn new(storage: Storage, nrows: usize, ncols: usize) -> Option<Self> {
        let fill = match storage {
            Storage::Dense => Fill::Dense(Mat::zeros(nrows, ncols), 0),
            // Fails only past u32::MAX columns: the caller reads dense.
            _ => Fill::Sparse(SparseFlows::with_capacity(nrows, ncols, 0).ok()?),
        };
        Some(Self {
            storage,
            nrows,
            ncols,
            fill,
            keys: Vec::with_capacity(nrows),
            lines: Vec::with_capacity(nrows),
        })
    }

    /// Appends a unit's rows; None if they are more than the rows counted.
    fn push(&mut self, unit: Rows) -> Option<()> {
        let mut start = 0;
        for &end in &unit.ends {
            let (idx, val) = (&unit.idx[start..end], &unit.val[start..end]);
            match &mut self.fill {
                Fill::Sparse(s) => s
                    .push_row(idx.iter().map(|&j| j as usize).zip(val.iter().copied()))
                    .ok()?,
                Fill::Dense(m, i) => {
                    if *i >= self.nrows {
                        return None;
                    }
                    for (&j, &v) in idx.iter().zip(val) {
                        m[(*i, j as usize)] = v;
                    }
                    *i += 1;
                }
            }
            start = end;
        }
        self.keys.extend(unit.keys);
        self.lines.extend(unit.lines);
        if let Fill::Sparse(s) = &self.fill {
            // Checked after each unit, so that the rest of the batch (and
            // every later one) is written dense.
            if self.storage == Storage::Auto && !sparse_pays(s.nnz(), self.nrows, self.ncols) {
                // Past the bound the final density is too: dense from here.
                let rows = s.rows_filled();
                self.fill = Fill::Dense(s.to_dense(), rows);
            }
        }
        Some(())
    }

    fn finish(self) -> Option<(Flows, Vec<Vec<String>>, Vec<u64>)> {
        let z = match self.fill {
            Fill::Sparse(s) if s.is_complete() => Flows::Sparse(s),
            Fill::Dense(m, i) if i == self.nrows => Flows::Dense(m),
            _ => return None,
        };
        Some((z, self.keys, self.lines))
    }
}

/// Parses the units of rows (unit k holds `lens[k]` rows) with `parse`,
/// in parallel batches, and appends them in order. Once Z is dense, each
/// unit is parsed and written into its own rows of the matrix on its
/// thread (disjoint row views), so that a dense table read with `Auto`
/// is written in parallel as by the dense reader.
fn assemble(
    storage: Storage,
    ncols: usize,
    lens: &[usize],
    parse: impl Fn(usize) -> Option<Rows> + Sync,
) -> Option<(Flows, Vec<Vec<String>>, Vec<u64>)> {
    if ncols > u32::MAX as usize {
        return None;
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(lens.iter().scan(0, |at, &l| {
            *at += l;
            Some(*at)
        }))
        .collect();
    let units = lens.len();
    let nrows = starts[units];
    let mut a = Assembler::new(storage, nrows, ncols)?;
    // A few units per thread at a time: enough to keep the threads busy,
    // few enough that a dense table never holds many units' lists.
    let batch = 2 * rayon::current_num_threads().max(1);
    let mut u0 = 0;
    while u0 < units {
        let u1 = (u0 + batch).min(units);
        if let Fill::Dense(m, next) = &mut a.fill {
            if *next != starts[u0] {
                return None;
            }
            let mut views = Vec::with_capacity(u1 - u0);
            let mut rest = m.as_mut().subrows_mut(starts[u0], starts[u1] - starts[u0]);
            for &len in &lens[u0..u1] {
                let (view, after) = rest.split_at_row_mut(len);
                views.push(view);
                rest = after;
            }
            let labels: Vec<(Vec<Vec<String>>, Vec<u64>)> = views
                .into_par_iter()
                .zip(u0..u1)
                .map(|(mut view, u)| {
                    let r = parse(u)?;
                    if r.ends.len() != lens[u] {
                        return None;
                    }
                    let mut start = 0;
                    for (i, &end) in r.ends.iter().enumerate() {
                        for (&j, &v) in r.idx[start..end].iter().zip(&r.val[start..end]) {
                            view[(i, j as usize)] = v;
                        }
                        start = end;
                    }
                    Some((r.keys, r.lines))
                })
                .collect::<Option<Vec<_>>>()?;
            *next = starts[u1];
            for (k, l) in labels {
                a.keys.extend(k);
                a.lines.extend(l);
            }
        } else {
            let parsed: Vec<Rows> = (u0..u1)
                .into_par_iter()
                .map(&parse)
                .collect::<Option<Vec<Rows>>>()?;
            for r in parsed {
                a.push(r)?;
            }
        }
        u0 = u1;
    }
    a.finish()
}

/// Rows per unit of a small file.
const UNIT_ROWS: usize = 64;

/// [`fast::parse`] with Z's storage chosen: None where it gives None.
fn parse(bytes: &[u8], nic: usize, nh: usize, storage: Storage) -> Option<(Frame, Flows)> {
    let (
        Header {
            col_keys,
            header_line,
            ..
        },
        body,
    ) = fast::split(bytes, nic, nh)?;
    let ncol = col_keys.len();
    let lens: Vec<usize> = (0..body.len().div_ceil(UNIT_ROWS))
        .map(|u| UNIT_ROWS.min(body.len() - u * UNIT_ROWS))
        .collect();
    let (z, row_keys, row_lines) = assemble(storage, ncol, &lens, |u| {
        let mut r = Rows::default();
        for l in body.iter().skip(u * UNIT_ROWS).take(UNIT_ROWS) {
            r.push_line(l.bytes, nic, ncol, l.number)?;
        }
        Some(r)
    })?;
    Some((frame(row_keys, row_lines, col_keys, header_line), z))
}

/// [`fast::parse_file`] with Z's storage chosen: None where it gives None.
#[cfg(unix)]
fn parse_file(
    path: &Path,
    nic: usize,
    nh: usize,
    piece: usize,
    storage: Storage,
) -> Option<(Frame, Flows)> {
    let plan = fast::plan(path, nic, nh, piece)?;
    let ncol = plan.col_keys.len();
    let (z, row_keys, row_lines) = assemble(storage, ncol, &plan.lens, |k| {
        let mut r = Rows::default();
        plan.rows_of_piece(k, |l, number| r.push_line(l, nic, ncol, number))?;
        Some(r)
    })?;
    let fast::Plan {
        col_keys,
        header_line,
        ..
    } = plan;
    Some((frame(row_keys, row_lines, col_keys, header_line), z))
}

/// A frame of labels only: Z's numbers are in the [`Flows`] beside it.
fn frame(
    row_keys: Vec<Vec<String>>,
    row_lines: Vec<u64>,
    col_keys: Vec<Vec<String>>,
    header_line: u64,
) -> Frame {
    Frame {
        file: String::new(),
        row_keys,
        row_lines,
        col_keys,
        header_line,
        values: Mat::zeros(0, 0),
        text: Vec::new(),
        folds: None,
    }
}

/// Reads Z's frame in the storage asked for: its labels in the frame
/// (`values` empty) and its numbers as [`Flows`]. `Storage::Dense` is the
/// dense reader exactly; otherwise the text fast paths fill sparse rows
/// directly, as does the Parquet reader's direct path (the folds gathered
/// on the way, `crate::parquet_columns`), and what they refuse is read
/// dense and converted.
pub(super) fn read_z(
    path: &Path,
    nic: usize,
    nh: usize,
    storage: Storage,
    large: usize,
    piece: usize,
) -> Result<(Frame, Flows)> {
    let is_text = !path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if storage != Storage::Dense && !is_text {
        let (row_keys, col_keys, z, _, folds) =
            crate::pymrio_parquet::read_parquet_z(path, nic, nh, storage)?;
        let lines = vec![0; row_keys.len()];
        let mut f = frame(row_keys, lines, col_keys, 0);
        f.file = name(path);
        f.folds = folds;
        return Ok((f, z));
    }
    if storage != Storage::Dense && is_text {
        #[cfg(unix)]
        {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            if size >= large as u64 {
                if let Some((mut f, z)) = parse_file(path, nic, nh, piece, storage) {
                    f.file = name(path);
                    return Ok((f, z));
                }
            }
        }
        #[cfg(not(unix))]
        let _ = (large, piece);
        let (file, bytes) = read_raw(path)?;
        if let Some((mut f, z)) = parse(&bytes, nic, nh, storage) {
            f.file = file;
            return Ok((f, z));
        }
    }
    let mut f = read_frame(path, nic, nh, true)?;
    let m = std::mem::replace(&mut f.values, Mat::zeros(0, 0));
    let z = crate::storage::stored(m, storage).map_err(|e| FormatError::table(&f.file, e))?;
    Ok((f, z))
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;

    /// A Z.txt-like file of `n` rows, with `share` of its cells nonzero,
    /// and some empty lines and carriage returns.
    fn text(seed: u64, n: usize, share: f64) -> Vec<u8> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut s = format!(
            "region\t\t{}\nsector\t\t{}\nregion\tsector{}\n",
            vec!["r1"; n].join("\t"),
            (0..n)
                .map(|c| format!("s{c}"))
                .collect::<Vec<_>>()
                .join("\t"),
            "\t".repeat(n)
        );
        for i in 0..n {
            let vals: Vec<String> = (0..n)
                .map(|_| {
                    if rng.random_bool(share) {
                        format!("{:?}", rng.random::<f64>() * 1e3)
                    } else {
                        ["0", "0.0", "-0.0", "0e0"][rng.random_range(0..4)].to_string()
                    }
                })
                .collect();
            s.push_str(&format!("r1\ts{i}\t{}", vals.join("\t")));
            s.push_str(["\n", "\r\n", "\n\n"][rng.random_range(0..3)]);
        }
        s.into_bytes()
    }

    /// The dense matrix of `z`, with -0.0 read as the 0.0 sparse storage
    /// keeps (a stored entry is never zero).
    fn bits(m: &Mat<f64>) -> Vec<u64> {
        (0..m.ncols())
            .flat_map(|j| (0..m.nrows()).map(move |i| (i, j)))
            .map(|(i, j)| (m[(i, j)] + 0.0).to_bits())
            .collect()
    }

    /// Sparse fills of small and piecewise files give the dense parser's
    /// labels, line numbers and numbers, for every storage and for pieces
    /// of every size; `Auto` keeps sparse exactly when the density is at
    /// most the threshold.
    #[cfg(unix)]
    #[test]
    fn sparse_fills_agree_with_the_dense_parsers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Z.txt");
        for (case, (n, share)) in [(30, 0.05), (30, 0.5), (70, 0.14), (70, 0.17), (1, 1.0)]
            .into_iter()
            .enumerate()
        {
            let b = text(case as u64, n, share);
            std::fs::write(&path, &b).unwrap();
            let dense = fast::parse(&b, 2, 2).unwrap().into_frame("Z.txt".into());
            let want = bits(&dense.values);
            let nnz = want.iter().filter(|&&v| v != 0).count();
            let mut got = Vec::new();
            for storage in [Storage::Auto, Storage::Dense, Storage::Sparse] {
                got.push((storage, 0, parse(&b, 2, 2, storage).unwrap()));
                for piece in [1, 7, 100, 4096] {
                    let p = parse_file(&path, 2, 2, piece, storage).unwrap();
                    got.push((storage, piece, p));
                }
            }
            for (storage, piece, (f, z)) in got {
                let what = format!("n {n}, share {share}, {storage:?}, piece {piece}");
                assert_eq!(f.row_keys, dense.row_keys, "{what}");
                assert_eq!(f.row_lines, dense.row_lines, "{what}");
                assert_eq!(f.col_keys, dense.col_keys, "{what}");
                assert_eq!(f.header_line, dense.header_line, "{what}");
                let sparse = match storage {
                    Storage::Auto => sparse_pays(nnz, n, n),
                    Storage::Dense => false,
                    Storage::Sparse => true,
                };
                assert_eq!(matches!(z, Flows::Sparse(_)), sparse, "{what}");
                assert_eq!(bits(&z.dense()), want, "{what}");
            }
        }
    }

    /// What the fast parsers refuse, the sparse ones refuse.
    #[test]
    fn sparse_fills_refuse_what_the_dense_parser_refuses() {
        let b = text(3, 20, 0.1);
        for bad in ["nan", "\"1\"", "1x"] {
            let s = String::from_utf8(b.clone())
                .unwrap()
                .replacen("\t0", &format!("\t{bad}"), 1);
            assert!(fast::parse(s.as_bytes(), 2, 2).is_none(), "{bad}");
            for storage in [Storage::Auto, Storage::Sparse] {
                assert!(parse(s.as_bytes(), 2, 2, storage).is_none(), "{bad}");
            }
        }
    }
}
