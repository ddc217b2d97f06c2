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
use plenum_table::{ColumnFold, ColumnFolds, Mat};

use crate::error::FormatError;

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

/// The values (rows × data columns) and their folds, `Ok(None)` when the
/// arrow path should read the file (see the module docs). `cols` are the
/// data columns' positions in the (flat) schema, `types` their arrow types,
/// `names` their names for errors.
pub(crate) fn read_numeric(
    path: &Path,
    file: &str,
    meta: &Arc<ParquetMetaData>,
    cols: &[usize],
    types: &[DataType],
    names: &[&str],
    nrows: usize,
) -> Result<Option<(Mat<f64>, ColumnFolds)>, FormatError> {
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
    let props = Arc::new(ReaderProperties::builder().build());
    let mut folds: Vec<ColumnFold> = Vec::with_capacity(cols.len());
    let mut row_sums = vec![0.0; nrows];
    let decoded = crate::fill::by_column_groups_in_order(
        nrows,
        cols.len(),
        COLS_PER_GROUP,
        |j0, block| -> Result<Vec<ColumnFold>, Fail> {
            // Its own open file: the parquet crate seeks a clone of the
            // handle, which would share the read offset with other groups.
            let h = Arc::new(File::open(path).map_err(|_| Fail::Other)?);
            crate::contain::contain(file, "Parquet", || {
                let groups = (0..rg_rows.len())
                    .map(|g| {
                        SerializedRowGroupReader::new(
                            h.clone(),
                            meta.row_group(g),
                            meta.page_index_for_row_group(g),
                            props.clone(),
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                // Four columns at a time: their sums run as four
                // independent chains (ColumnFold::of_columns).
                let mut bufs: [Buffers; 4] = Default::default();
                let mut out = Vec::with_capacity(block.len());
                for (dsts, k0) in block.chunks_mut(4).zip((j0..).step_by(4)) {
                    for (b, k) in bufs.iter_mut().zip(k0..k0 + dsts.len()) {
                        b.decode(&groups, cols[k], &rg_rows)?;
                    }
                    let bufs = &bufs[..dsts.len()];
                    let complete: Vec<&[f64]> = bufs
                        .iter()
                        .map(|b| b.floats.get(..nrows).unwrap_or(&[]))
                        .collect();
                    let folds = ColumnFold::of_columns(&complete);
                    // Errors in column order, as the arrow path finds them.
                    for ((b, f), k) in bufs.iter().zip(&folds).zip(k0..) {
                        b.check(file, names[k], nrows, f)?;
                    }
                    for (dst, b) in dsts.iter_mut().zip(bufs) {
                        dst.write_copy_of_slice(&b.floats);
                    }
                    out.extend(folds);
                }
                Ok(out)
            })
        },
        |_, group_folds, columns| {
            folds.extend(group_folds);
            for col in columns {
                for (s, v) in row_sums.iter_mut().zip(col.iter()) {
                    *s += *v;
                }
            }
        },
    );
    match decoded {
        Ok(m) => Ok(Some((m, ColumnFolds::from_columns(nrows, folds, row_sums)))),
        Err(Fail::Value(e)) => Err(e),
        Err(Fail::Other) => Ok(None),
    }
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
