//! The numeric columns of a pandas Parquet file decoded straight into a
//! matrix, with validation's folds gathered on the way.
//!
//! The arrow path of [`crate::pymrio_parquet`] decodes each group of
//! columns into fresh arrow arrays (a projection, an array reader built
//! over the whole schema, buffers allocated and zeroed per batch), copies
//! them into the matrix, and validation then reads the 3.1 GB of a GLORIA
//! Z twice more (column folds, row sums). Here each column is decoded by
//! the parquet crate's column reader into one reused buffer (in cache),
//! and copied into its column of the matrix; the column's sum, NaN scan
//! and negative scan ([`ColumnFold`]) read the buffer while it is in
//! cache, four columns' sums as independent chains; the
//! groups of columns are handed on in order, still in cache, to add the
//! row sums column by column ([`crate::fill::by_column_groups_in_order`]),
//! so the folds are the bits validation's own passes give.
//!
//! Z read with `Storage::Sparse`, or `Auto` (issue 15, item 2), is filled
//! without a dense n × n matrix ([`sparse_fill`]): each group of columns
//! keeps only its nonzeros (row as u32, value), the groups are handed on
//! in column order to add the folds and count the nonzeros, and the lists
//! are sorted into compressed sparse rows at the end. Under `Auto` the
//! count is checked against [`crate::storage::SPARSE_MAX_DENSITY`]·n²
//! after each group in column order, so that whether Z ends sparse or
//! dense, and where the switch to the dense fill happens, depend only on
//! the file. Both read a
//! −0.0 as 0.0, as the text reader does (a stored entry is never zero, and
//! columns are decoded before the storage is known); the folds are those
//! of the Z stored, which validation's passes over it give (unit test).
//!
//! Only files of the plain kind pandas writes take this path: a flat
//! schema, float64 (DOUBLE) or int64 (INT64) data columns, at most one
//! definition level, as many rows as the index. Anything else, and any
//! error or panic of the parquet crate here, returns `None`, and the arrow
//! path reads the file and reports what it reported before. Missing and
//! non-finite values are errors with the arrow path's words and row (the
//! first missing value of a record batch of [`ARROW_BATCH`] rows before
//! the batch's first non-finite one, as that path checks them).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_schema::DataType;
use parquet::basic::Type as PhysicalType;
use parquet::column::reader::ColumnReader;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::ReaderProperties;
use parquet::file::reader::RowGroupReader;
use parquet::file::serialized_reader::SerializedRowGroupReader;
use std::mem::MaybeUninit;
use std::sync::{Mutex, PoisonError};

use plenum_table::{ColumnFold, ColumnFolds, Flows, Mat, SparseFlows};

use crate::error::FormatError;
use crate::storage::{sparse_pays, Storage};

/// Rows per record batch of the arrow path (its `with_batch_size`): the
/// window in which a missing value is reported before a non-finite one.
pub(crate) const ARROW_BATCH: usize = 1 << 16;

/// Data columns per group: 16 columns of GLORIA's 19,680 rows are 2.5 MB,
/// still in the shared cache when the group's row sums are added.
const COLS_PER_GROUP: usize = 16;

/// Why a group was not decoded here.
enum Fail {
    /// A missing or non-finite value: the error to report.
    Value(FormatError),
    /// Something the arrow path should read (and report) instead.
    Other,
}

impl From<FormatError> for Fail {
    /// A panic of the parquet crate, contained ([`crate::contain`]).
    fn from(_: FormatError) -> Self {
        Fail::Other
    }
}

impl From<parquet::errors::ParquetError> for Fail {
    fn from(_: parquet::errors::ParquetError) -> Self {
        Fail::Other
    }
}

/// The values (rows × data columns) in the storage asked for and their
/// folds, `Ok(None)` when the arrow path should read the file (see the
/// module docs). `cols` are the data columns' positions in the (flat)
/// schema, `types` their arrow types, `names` their names for errors.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_numeric(
    path: &Path,
    file: &str,
    meta: &Arc<ParquetMetaData>,
    cols: &[usize],
    types: &[DataType],
    names: &[&str],
    nrows: usize,
    storage: Storage,
) -> Result<Option<(Flows, ColumnFolds)>, FormatError> {
    let schema = meta.file_metadata().schema_descr();
    let rg_rows: Vec<usize> = meta
        .row_groups()
        .iter()
        .map(|rg| usize::try_from(rg.num_rows()).unwrap_or(usize::MAX))
        .collect();
    let plain = schema.num_columns() == schema.root_schema().get_fields().len()
        && rg_rows.iter().try_fold(0usize, |a, &r| a.checked_add(r)) == Some(nrows)
        && cols.iter().zip(types).all(|(&c, t)| {
            let d = schema.column(c);
            let physical = matches!(
                (t, d.physical_type()),
                (DataType::Float64, PhysicalType::DOUBLE) | (DataType::Int64, PhysicalType::INT64)
            );
            physical && d.max_rep_level() == 0 && d.max_def_level() <= 1
        });
    if !plain {
        return Ok(None);
    }
    let src = Source {
        path,
        file,
        meta,
        props: Arc::new(ReaderProperties::builder().build()),
        rg_rows,
        cols,
        names,
        nrows,
    };
    // Row and column indices of sparse storage are u32 (never exceeded by
    // a table that fits in memory): past them, dense and converted.
    let fits = nrows <= u32::MAX as usize && cols.len() <= u32::MAX as usize;
    let decoded = match storage {
        Storage::Auto | Storage::Sparse if fits => sparse_fill(&src, storage),
        _ => dense_fill(&src, &[], Vec::new(), vec![0.0; nrows], false).and_then(|(m, f)| {
            crate::storage::stored(m, storage)
                .map(|z| (z, f))
                .map_err(|_| Fail::Other)
        }),
    };
    match decoded {
        Ok(z) => Ok(Some(z)),
        Err(Fail::Value(e)) => Err(e),
        Err(Fail::Other) => Ok(None),
    }
}

/// Where the data columns are, and how to read them.
struct Source<'a> {
    path: &'a Path,
    file: &'a str,
    meta: &'a Arc<ParquetMetaData>,
    props: Arc<ReaderProperties>,
    rg_rows: Vec<usize>,
    cols: &'a [usize],
    names: &'a [&'a str],
    nrows: usize,
}

impl Source<'_> {
    /// Decodes data columns k0..k1 (a group), checks each (missing and
    /// non-finite values) and hands it to `sink(k, values)` in column
    /// order; returns their folds. With `zero_sign` each −0.0 is read as
    /// 0.0 first (sparse storage stores neither, so that the folds are
    /// those of the stored Z).
    fn decode_group(
        &self,
        k0: usize,
        k1: usize,
        zero_sign: bool,
        mut sink: impl FnMut(usize, &[f64]),
    ) -> Result<Vec<ColumnFold>, Fail> {
        let (file, nrows) = (self.file, self.nrows);
        // Its own open file: the parquet crate seeks a clone of the
        // handle, which would share the read offset with other groups.
        let h = Arc::new(File::open(self.path).map_err(|_| Fail::Other)?);
        crate::contain::contain(file, "Parquet", || {
            let groups = (0..self.rg_rows.len())
                .map(|g| {
                    SerializedRowGroupReader::new(
                        h.clone(),
                        self.meta.row_group(g),
                        self.meta.page_index_for_row_group(g),
                        self.props.clone(),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            // Four columns at a time: their sums run as four independent
            // chains (ColumnFold::of_columns).
            let mut bufs: [Buffers; 4] = Default::default();
            let mut out = Vec::with_capacity(k1 - k0);
            for c0 in (k0..k1).step_by(4) {
                let c1 = (c0 + 4).min(k1);
                for (b, k) in bufs.iter_mut().zip(c0..c1) {
                    b.decode(&groups, self.cols[k], &self.rg_rows)?;
                    if zero_sign {
                        // -0.0 + 0.0 is 0.0; every other value is unchanged.
                        b.floats.iter_mut().for_each(|v| *v += 0.0);
                    }
                }
                let bufs = &bufs[..c1 - c0];
                let complete: Vec<&[f64]> = bufs
                    .iter()
                    .map(|b| b.floats.get(..nrows).unwrap_or(&[]))
                    .collect();
                let folds = ColumnFold::of_columns(&complete);
                // Errors in column order, as the arrow path finds them.
                for ((b, f), k) in bufs.iter().zip(&folds).zip(c0..) {
                    b.check(file, self.names[k], nrows, f)?;
                }
                for (b, k) in bufs.iter().zip(c0..) {
                    sink(k, &b.floats);
                }
                out.extend(folds);
            }
            Ok(out)
        })
    }
}

/// The dense matrix, groups decoded on the thread pool straight into its
/// columns and handed on in order to add the row sums. The first
/// `gathered.len()` groups were decoded before (a sparse fill that passed
/// the bound): their columns are written from their nonzeros, and their
/// folds and row sums are already in `folds` and `row_sums`.
fn dense_fill(
    src: &Source<'_>,
    gathered: &[Mutex<Option<Nonzeros>>],
    mut folds: Vec<ColumnFold>,
    mut row_sums: Vec<f64>,
    zero_sign: bool,
) -> Result<(Mat<f64>, ColumnFolds), Fail> {
    let ncols = src.cols.len();
    folds.reserve(ncols.saturating_sub(folds.len()));
    let m = crate::fill::by_column_groups_in_order(
        src.nrows,
        ncols,
        COLS_PER_GROUP,
        |j0, block| -> Result<Option<Vec<ColumnFold>>, Fail> {
            if let Some(slot) = gathered.get(j0 / COLS_PER_GROUP) {
                // Taken once: each group is filled once.
                let nz = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                return match nz {
                    Some(nz) => {
                        nz.write_into(block);
                        Ok(None)
                    }
                    None => Err(Fail::Other),
                };
            }
            let f = src.decode_group(j0, j0 + block.len(), zero_sign, |k, col| {
                block[k - j0].write_copy_of_slice(col);
            })?;
            Ok(Some(f))
        },
        |_, group_folds, columns| {
            if let Some(f) = group_folds {
                folds.extend(f);
                for col in columns {
                    for (s, v) in row_sums.iter_mut().zip(col.iter()) {
                        *s += *v;
                    }
                }
            }
        },
    )?;
    let f = ColumnFolds::from_columns(src.nrows, folds, row_sums);
    Ok((m, f))
}

/// The nonzeros of a group's columns: column k's rows (ascending) and
/// values end at `ends[k]` in `rows` and `vals`.
#[derive(Default)]
struct Nonzeros {
    ends: Vec<usize>,
    rows: Vec<u32>,
    vals: Vec<f64>,
}

impl Nonzeros {
    fn push_column(&mut self, col: &[f64]) {
        for (i, &v) in col.iter().enumerate() {
            if v != 0.0 {
                // nrows ≤ u32::MAX: checked before a sparse fill.
                self.rows.push(i as u32);
                self.vals.push(v);
            }
        }
        self.ends.push(self.rows.len());
    }

    /// Column k's rows and values.
    fn column(&self, k: usize) -> (&[u32], &[f64]) {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        let r = start..self.ends[k];
        (&self.rows[r.clone()], &self.vals[r])
    }

    /// Writes every element of the group's columns: zeros, then the
    /// nonzeros in their rows.
    fn write_into(&self, block: &mut [&mut [MaybeUninit<f64>]]) {
        for (k, dst) in block.iter_mut().enumerate() {
            dst.fill(MaybeUninit::new(0.0));
            let (rows, vals) = self.column(k);
            for (&i, &v) in rows.iter().zip(vals) {
                dst[i as usize].write(v);
            }
        }
    }
}

/// Z filled sparse (`Storage::Sparse`, or `Auto` while it pays): each
/// group of columns is decoded on the thread pool into its nonzeros, and
/// the groups are handed on in column order ([`crate::order::in_order`]),
/// which adds their folds and row sums and counts their nonzeros. With
/// `Auto`, the moment the running count passes the bound
/// ([`sparse_pays`]) after a group is handed on, the rest is skipped and
/// [`dense_fill`] makes the dense matrix: the groups gathered so far
/// written from their nonzeros, the others decoded dense. The count is
/// taken only in column order, and counts only grow, so the storage is
/// dense exactly when the whole Z's count passes the bound, and the group
/// where the switch happens depends only on the file, never on which thread
/// finished first. A sparse result is sorted from the columns' nonzeros
/// into compressed rows (rows in order, columns ascending within a row),
/// with no copy beside the lists and the rows.
fn sparse_fill(src: &Source<'_>, storage: Storage) -> Result<(Flows, ColumnFolds), Fail> {
    let (nrows, ncols) = (src.nrows, src.cols.len());
    let mut gathered: Vec<Nonzeros> = Vec::new();
    let mut folds: Vec<ColumnFold> = Vec::with_capacity(ncols);
    let mut row_sums = vec![0.0; nrows];
    let mut row_nnz = vec![0usize; nrows];
    let mut nnz = 0usize;
    let mut passed = false;
    crate::order::in_order(
        ncols.div_ceil(COLS_PER_GROUP),
        |g| {
            let k0 = g * COLS_PER_GROUP;
            let k1 = (k0 + COLS_PER_GROUP).min(ncols);
            let mut nz = Nonzeros::default();
            let f = src.decode_group(k0, k1, true, |_, col| nz.push_column(col))?;
            nz.rows.shrink_to_fit();
            nz.vals.shrink_to_fit();
            Ok::<_, Fail>((f, nz))
        },
        |_, (f, nz)| {
            folds.extend(f);
            // Each row's entries added in column order from 0.0: the bits
            // of the dense pass, whose zeros add nothing to a sum that is
            // never −0.0.
            for (&i, &v) in nz.rows.iter().zip(&nz.vals) {
                row_sums[i as usize] += v;
                row_nnz[i as usize] += 1;
            }
            nnz += nz.vals.len();
            gathered.push(nz);
            passed = storage == Storage::Auto && !sparse_pays(nnz, nrows, ncols);
            !passed
        },
    )?;
    if passed {
        let gathered: Vec<Mutex<Option<Nonzeros>>> = gathered
            .into_iter()
            .map(|nz| Mutex::new(Some(nz)))
            .collect();
        let (m, f) = dense_fill(src, &gathered, folds, row_sums, true)?;
        return Ok((Flows::Dense(m), f));
    }
    // The columns' nonzeros sorted into rows (a counting sort by row):
    // columns are visited in order, so each row's come out ascending.
    let mut ptr = Vec::with_capacity(nrows + 1);
    ptr.push(0);
    for c in row_nnz {
        ptr.push(ptr[ptr.len() - 1] + c);
    }
    let mut next = ptr[..nrows].to_vec();
    let mut idx = vec![0u32; nnz];
    let mut val = vec![0.0; nnz];
    let mut j = 0u32;
    for nz in gathered {
        for k in 0..nz.ends.len() {
            let (rows, vals) = nz.column(k);
            for (&i, &v) in rows.iter().zip(vals) {
                let at = &mut next[i as usize];
                idx[*at] = j;
                val[*at] = v;
                *at += 1;
            }
            // ncols ≤ u32::MAX: checked before a sparse fill.
            j += 1;
        }
    }
    drop(next);
    let z = SparseFlows::from_parts(nrows, ncols, ptr, idx, val).map_err(|_| Fail::Other)?;
    let f = ColumnFolds::from_columns(nrows, folds, row_sums);
    Ok((Flows::Sparse(z), f))
}

/// One column's decoded values (int64 ones converted) and definition
/// levels, reused column after column.
#[derive(Default)]
struct Buffers {
    floats: Vec<f64>,
    ints: Vec<i64>,
    defs: Vec<i16>,
    /// Whether the column is int64 (its values also in `ints`).
    is_int: bool,
    /// Whether the column may hold missing values (`defs` filled).
    nullable: bool,
}

impl Buffers {
    /// Decodes column `c` of every row group, in row order.
    fn decode(
        &mut self,
        groups: &[SerializedRowGroupReader<'_, File>],
        c: usize,
        rg_rows: &[usize],
    ) -> Result<(), Fail> {
        self.floats.clear();
        self.ints.clear();
        self.defs.clear();
        for (g, &rows) in groups.iter().zip(rg_rows) {
            self.nullable = g.metadata().column(c).column_descr().max_def_level() > 0;
            let mut got = 0;
            match g.get_column_reader(c)? {
                ColumnReader::DoubleColumnReader(mut r) => {
                    self.is_int = false;
                    while got < rows {
                        let (n, _, _) = r.read_records(
                            rows - got,
                            Some(&mut self.defs),
                            None,
                            &mut self.floats,
                        )?;
                        if n == 0 {
                            return Err(Fail::Other);
                        }
                        got += n;
                    }
                }
                ColumnReader::Int64ColumnReader(mut r) => {
                    self.is_int = true;
                    while got < rows {
                        let (n, _, _) =
                            r.read_records(rows - got, Some(&mut self.defs), None, &mut self.ints)?;
                        if n == 0 {
                            return Err(Fail::Other);
                        }
                        got += n;
                    }
                }
                _ => return Err(Fail::Other),
            }
        }
        if self.is_int {
            self.floats.extend(self.ints.iter().map(|&v| v as f64));
        }
        Ok(())
    }

    /// Whether the decoded column is complete (`nrows` values, none
    /// missing) and finite (its fold `f` found no NaN or infinity); a
    /// missing or non-finite value is an error naming file, column and
    /// row, as the arrow path's.
    fn check(&self, file: &str, what: &str, nrows: usize, f: &ColumnFold) -> Result<(), Fail> {
        if self.nullable && self.defs.len() != nrows {
            return Err(Fail::Other);
        }
        let present = self.floats.len();
        if present != nrows {
            // Missing values (definition level 0): report as the arrow path.
            if !self.nullable || present > nrows {
                return Err(Fail::Other);
            }
            return Err(Fail::Value(self.first_bad(file, what)));
        }
        match f.first_nonfinite_row() {
            // int64 values are finite: only a float64 column gets here.
            Some(i) => Err(Fail::Value(bad_row(file, what, i))),
            None => Ok(()),
        }
    }

    /// The error of a column with missing values: in record batches of
    /// [`ARROW_BATCH`] rows, a batch's first missing value, else its first
    /// non-finite one.
    fn first_bad(&self, file: &str, what: &str) -> FormatError {
        let mut at = 0; // the next present value
        for (b, defs) in self.defs.chunks(ARROW_BATCH).enumerate() {
            let r0 = b * ARROW_BATCH;
            if let Some(i) = defs.iter().position(|&d| d == 0) {
                return bad_row(file, what, r0 + i);
            }
            if !self.is_int {
                let vals = self.floats.get(at..at + defs.len()).unwrap_or(&[]);
                if let Some(i) = vals.iter().position(|v| !v.is_finite()) {
                    return bad_row(file, what, r0 + i);
                }
            }
            at += defs.len();
        }
        // Unreachable with fewer values than rows; named all the same.
        bad_row(file, what, self.defs.len().saturating_sub(1))
    }
}

/// The arrow path's error for a missing or non-finite value at row `i`
/// (0-based) of column `what`.
fn bad_row(file: &str, what: &str, i: usize) -> FormatError {
    FormatError::file(
        file,
        format!(
            "column \"{what}\", row {}: a missing or non-finite value",
            i + 1
        ),
        "replace with 0 if the flow is absent",
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Float64Array, Int64Array};
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::pymrio_parquet::tests::{name, via, write_frame_with};
    use crate::storage::SPARSE_MAX_DENSITY;

    /// The stored entries of `z` as a dense matrix's bits, column-major.
    fn bits(z: &Flows) -> Vec<u64> {
        let m = z.dense();
        (0..m.ncols())
            .flat_map(|j| {
                m.col_as_slice(j)
                    .iter()
                    .map(|v| v.to_bits())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Seeded files of several row groups and column groups (float64 with
    /// −0.0s, an all −0.0 column, int64), at densities below, at and past
    /// the bound and with the bound passed early: with `Auto` and `Sparse`
    /// the numbers are the dense read's with −0.0 read as 0.0, the storage
    /// is sparse exactly when asked or when the density is at most the
    /// bound, and the folds are validation's own passes over the stored Z
    /// (`ColumnFolds::of_flows`), on 1, 2 and 3 threads.
    #[test]
    fn sparse_fills_give_the_dense_reads_numbers_and_validations_folds() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("Z.parquet");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
        let (nrows, ncols) = (90, 5 * COLS_PER_GROUP + 3);
        let cells = (nrows * ncols) as f64;
        for (case, share, front) in [
            ("sparse", 0.05, 0),
            ("near the bound", SPARSE_MAX_DENSITY, 0),
            ("dense", 0.6, 0),
            ("dense front", 0.02, 2 * COLS_PER_GROUP),
        ] {
            let nonzero = |i: usize, j: usize, r: f64| j < front || (r < share && i + j > 0);
            let cols: Vec<(String, ArrayRef)> = (0..ncols)
                .map(|j| {
                    let a: ArrayRef = if j % 9 == 4 {
                        Arc::new(Int64Array::from_iter_values((0..nrows).map(|i| {
                            let r = rng.random::<f64>();
                            if nonzero(i, j, r) {
                                rng.random_range(1..50)
                            } else {
                                0
                            }
                        })))
                    } else {
                        Arc::new(Float64Array::from_iter_values((0..nrows).map(|i| {
                            let r = rng.random::<f64>();
                            if nonzero(i, j, r) {
                                rng.random_range(-1.0..1e3)
                            } else if j == 7 || rng.random_bool(0.3) {
                                -0.0
                            } else {
                                0.0
                            }
                        })))
                    };
                    (name(j), a)
                })
                .collect();
            let props = WriterProperties::builder()
                .set_max_row_group_row_count(Some(40))
                .set_compression(Compression::SNAPPY)
                .build();
            write_frame_with(&p, nrows, cols, Some(props));
            let (_, _, dense, _, folds) = via(&p, true, Storage::Dense).unwrap();
            assert_eq!(folds.unwrap(), ColumnFolds::of_flows(&dense), "{case}");
            // −0.0 read as 0.0: what a sparse Z holds.
            let want: Vec<u64> = bits(&dense)
                .into_iter()
                .map(|b| (f64::from_bits(b) + 0.0).to_bits())
                .collect();
            let nnz = want.iter().filter(|&&b| b != 0).count();
            // The file has zeros of both signs.
            assert!(want.contains(&0) && bits(&dense).contains(&(-0.0f64).to_bits()));
            for storage in [Storage::Auto, Storage::Sparse] {
                for threads in [1, 2, 3] {
                    let what = format!("{case}, {storage:?}, {threads} threads");
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap();
                    let (_, _, z, _, folds) = pool.install(|| via(&p, true, storage)).unwrap();
                    let sparse =
                        storage == Storage::Sparse || nnz as f64 <= SPARSE_MAX_DENSITY * cells;
                    assert_eq!(matches!(z, Flows::Sparse(_)), sparse, "{what}");
                    assert_eq!(z.nnz(), nnz, "{what}");
                    assert!(bits(&z) == want, "{what}: numbers differ");
                    let folds = folds.expect("folds gathered");
                    assert!(folds.is_complete_for(nrows, ncols), "{what}");
                    assert_eq!(folds, ColumnFolds::of_flows(&z), "{what}: folds");
                    // The arrow path, stored as asked, agrees.
                    let (_, _, a, _, _) = via(&p, false, storage).unwrap();
                    assert_eq!(
                        matches!(a, Flows::Sparse(_)),
                        sparse || storage == Storage::Sparse,
                        "{what}: arrow"
                    );
                    if let Flows::Sparse(_) = a {
                        assert!(bits(&a) == want, "{what}: arrow numbers");
                    }
                }
            }
        }
    }
}
