//! The parquet variant of pymrio's saved tables
//! (`save_all(table_format="parquet")`, written by pandas `to_parquet`
//! through pyarrow).
//!
//! pandas stores the row index as ordinary columns, named in the schema's
//! `pandas` metadata (`index_columns`), and a multi-level column label as
//! the repr of a Python tuple, e.g. `('reg1', 'food')`. This module reads
//! such a file into index keys, column keys and values for
//! [`crate::pymrio`]. The footer is parsed once; the index columns are
//! decoded first. Numeric data columns of a plain file go straight into the
//! matrix through the parquet crate's column readers, validation's folds
//! gathered on the way ([`crate::parquet_columns`]); otherwise fixed groups
//! of data columns are decoded on the thread pool, each through its own
//! projection and copied straight into its columns of the matrix, so the
//! file is decoded on every core and the decoded arrays of only a few
//! groups are alive at a time. Z read with sparse storage (`Storage::Auto`
//! or `Sparse`) is filled straight into compressed sparse rows by the
//! column readers; the arrow path reads it dense and converts it.

use std::fs::File;
use std::mem::MaybeUninit;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use plenum_table::{ColumnFolds, Flows, Mat};

use crate::error::{FormatError, Result};
use crate::storage::Storage;
use crate::text::name;

/// Index keys, column keys, numbers (if `numeric`), text values (if not),
/// and the numbers' validation folds when they were gathered while
/// decoding ([`crate::parquet_columns`]).
pub(crate) type ParquetFrame<N = Mat<f64>> = (
    Vec<Vec<String>>,
    Vec<Vec<String>>,
    N,
    Vec<Vec<String>>,
    Option<ColumnFolds>,
);

/// Parses the repr of a Python tuple of strings, e.g. `('a', "b's")`.
pub(crate) fn parse_tuple_repr(s: &str) -> Option<Vec<String>> {
    let mut it = s.trim().chars().peekable();
    if it.next()? != '(' {
        return None;
    }
    let mut out = Vec::new();
    loop {
        while it.peek().is_some_and(|c| c.is_whitespace()) {
            it.next();
        }
        match it.next()? {
            ')' => return Some(out),
            q @ ('\'' | '"') => {
                let mut v = String::new();
                loop {
                    match it.next()? {
                        '\\' => match it.next()? {
                            'n' => v.push('\n'),
                            't' => v.push('\t'),
                            'r' => v.push('\r'),
                            c => v.push(c),
                        },
                        c if c == q => break,
                        c => v.push(c),
                    }
                }
                out.push(v);
                while it.peek().is_some_and(|c| c.is_whitespace()) {
                    it.next();
                }
                match it.next()? {
                    ',' => {}
                    ')' => return Some(out),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

fn strings(file: &str, col: &dyn Array, what: &str) -> Result<Vec<String>> {
    let bad = || {
        FormatError::file(
            file,
            format!(
                "column \"{what}\" holds {} values, expected text",
                col.data_type()
            ),
            "save index labels as strings",
        )
    };
    if col.null_count() > 0 {
        return Err(FormatError::file(
            file,
            format!("column \"{what}\" has missing labels"),
            "give every row its labels",
        ));
    }
    let v: Vec<String> = match col.data_type() {
        DataType::Utf8 => col
            .as_string::<i32>()
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect(),
        DataType::LargeUtf8 => col
            .as_string::<i64>()
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect(),
        DataType::Utf8View => col
            .as_string_view()
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect(),
        _ => return Err(bad()),
    };
    Ok(v)
}

/// Copies a numeric column piece into `dst` (as long as the piece): float64
/// values as they are, int64 converted; missing or non-finite values are
/// errors naming the row (`r0` rows came before this piece). `dst` may be
/// uninitialised; every element of it is written when this returns Ok.
fn numbers_into(
    file: &str,
    col: &dyn Array,
    what: &str,
    r0: usize,
    dst: &mut [MaybeUninit<f64>],
) -> Result<()> {
    let bad_row = |i: usize| {
        FormatError::file(
            file,
            format!(
                "column \"{what}\", row {}: a missing or non-finite value",
                r0 + i + 1
            ),
            "replace with 0 if the flow is absent",
        )
    };
    if let Some(nulls) = col.logical_nulls() {
        if let Some(i) = (0..col.len()).find(|&i| nulls.is_null(i)) {
            return Err(bad_row(i));
        }
    }
    match col.data_type() {
        DataType::Float64 => {
            let src = col.as_primitive::<Float64Type>().values();
            if let Some(i) = src.iter().position(|v| !v.is_finite()) {
                return Err(bad_row(i));
            }
            dst.write_copy_of_slice(src);
        }
        DataType::Int64 => {
            let src = col.as_primitive::<Int64Type>().values();
            for (d, v) in dst.iter_mut().zip(src.iter()) {
                d.write(*v as f64);
            }
        }
        other => {
            return Err(FormatError::file(
                file,
                format!("column \"{what}\" holds {other} values, expected float64"),
                "save the table's values as floats",
            ))
        }
    }
    Ok(())
}

/// Data columns per parallel task of [`read_parquet_frame`].
const COLS_PER_TASK: usize = 128;

/// Reads a pandas parquet file with `nic` index levels and `nh` column
/// levels.
pub(crate) fn read_parquet_frame(
    path: &Path,
    nic: usize,
    nh: usize,
    numeric: bool,
) -> Result<ParquetFrame> {
    let (rows, cols, z, text, folds) =
        read_frame_via(path, nic, nh, numeric, true, Storage::Dense)?;
    let m = match z {
        Flows::Dense(m) => m,
        // Not made with Storage::Dense; converted all the same.
        Flows::Sparse(s) => s.to_dense(),
    };
    Ok((rows, cols, m, text, folds))
}

/// Reads Z, a pandas parquet file of numbers, in the storage asked for:
/// with `Auto` or `Sparse` a plain file fills compressed sparse rows
/// directly ([`crate::parquet_columns`]), and any other is decoded dense
/// and converted.
pub(crate) fn read_parquet_z(
    path: &Path,
    nic: usize,
    nh: usize,
    storage: Storage,
) -> Result<ParquetFrame<Flows>> {
    read_frame_via(path, nic, nh, true, true, storage)
}

/// [`read_parquet_frame`], numbers through [`crate::parquet_columns`] if
/// `direct` and the file allows, else through arrow arrays (tests compare
/// the two) and then stored as `storage` asks.
fn read_frame_via(
    path: &Path,
    nic: usize,
    nh: usize,
    numeric: bool,
    direct: bool,
    storage: Storage,
) -> Result<ParquetFrame<Flows>> {
    let file = name(path);
    let f = File::open(path).map_err(|e| FormatError::io(&file, "open", e))?;
    let fail = |e: String| {
        FormatError::file(
            &file,
            format!("cannot read parquet: {e}"),
            "give the file as pandas wrote it",
        )
    };
    // Every call into the parquet crate is contained: it can panic on a
    // damaged file (see crate::contain).
    let builder = crate::contain::contain(&file, "Parquet", || {
        ParquetRecordBatchReaderBuilder::try_new(
            f.try_clone()
                .map_err(|e| FormatError::io(&file, "open", e))?,
        )
        .map_err(|e| fail(e.to_string()))
    })?;
    let schema = builder.schema().clone();
    let meta = schema.metadata().get("pandas").ok_or_else(|| {
        FormatError::file(
            &file,
            "no pandas metadata in the schema",
            "save the table with pandas to_parquet",
        )
    })?;
    let meta: serde_json::Value = serde_json::from_str(meta).map_err(|e| fail(e.to_string()))?;
    let index_cols: Vec<String> = meta
        .get("index_columns")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if index_cols.len() != nic {
        return Err(FormatError::file(
            &file,
            format!(
                "{} index columns in the pandas metadata, {nic} declared",
                index_cols.len()
            ),
            "check nr_index_col in file_parameters.json",
        ));
    }
    let field_names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let data_cols: Vec<usize> = (0..field_names.len())
        .filter(|&i| !index_cols.contains(&field_names[i]))
        .collect();
    let mut col_keys = Vec::with_capacity(data_cols.len());
    for &c in &data_cols {
        let nm = &field_names[c];
        let key = if nh == 1 {
            vec![nm.clone()]
        } else {
            parse_tuple_repr(nm)
                .filter(|k| k.len() == nh)
                .ok_or_else(|| {
                    FormatError::file(
                        &file,
                        format!("column name {nm:?} is not a {nh}-level label"),
                        "check nr_header in file_parameters.json",
                    )
                })?
        };
        col_keys.push(key);
    }
    let mut index_pos = Vec::with_capacity(nic);
    for ic in &index_cols {
        let Some(c) = field_names.iter().position(|f| f == ic) else {
            return Err(FormatError::file(
                &file,
                format!("index column \"{ic}\" is missing"),
                "give the file as pandas wrote it",
            ));
        };
        index_pos.push(c);
    }
    // The footer is parsed once; each task decodes only its own columns
    // (a projection) from its own handle on the file.
    let pq_meta = builder.metadata().clone();
    let arrow_meta = pq_meta.clone();
    let arrow_meta = crate::contain::contain(&file, "Parquet", || {
        ArrowReaderMetadata::try_new(arrow_meta, ArrowReaderOptions::new())
            .map_err(|e| fail(e.to_string()))
    })?;
    let read_cols = |cols: &[usize]| -> Result<Vec<RecordBatch>> {
        // Its own open file (a clone would share the read offset).
        let h = File::open(path).map_err(|e| FormatError::io(&file, "open", e))?;
        crate::contain::contain(&file, "Parquet", || {
            let b = ParquetRecordBatchReaderBuilder::new_with_metadata(h, arrow_meta.clone());
            let mask = ProjectionMask::roots(b.parquet_schema(), cols.iter().copied());
            let reader = b
                .with_projection(mask)
                .with_batch_size(1 << 16)
                .build()
                .map_err(|e| fail(e.to_string()))?;
            reader
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| fail(e.to_string()))
        })
    };
    // Index columns: in the projection's (schema) order.
    let mut sorted_index = index_pos.clone();
    sorted_index.sort_unstable();
    let index_batches = read_cols(&sorted_index)?;
    let nrows: usize = index_batches.iter().map(|b| b.num_rows()).sum();
    let mut idx: Vec<Vec<String>> = Vec::with_capacity(nic);
    for (ic, &c) in index_cols.iter().zip(&index_pos) {
        let at = sorted_index.iter().position(|&x| x == c).unwrap_or(0);
        let mut all = Vec::with_capacity(nrows);
        for b in &index_batches {
            all.extend(strings(&file, b.column(at).as_ref(), ic)?);
        }
        idx.push(all);
    }
    drop(index_batches);
    let row_keys: Vec<Vec<String>> = (0..nrows)
        .map(|r| idx.iter().map(|l| l[r].clone()).collect())
        .collect();
    let mut text = vec![Vec::with_capacity(data_cols.len()); if numeric { 0 } else { nrows }];
    let check_rows = |batches: &[RecordBatch]| -> Result<()> {
        let got: usize = batches.iter().map(|b| b.num_rows()).sum();
        if got != nrows {
            return Err(fail(format!(
                "{got} rows in some columns, {nrows} in the index"
            )));
        }
        Ok(())
    };
    let mut values = Mat::<f64>::zeros(if numeric { nrows } else { 0 }, 0);
    let fast = if direct && numeric && !data_cols.is_empty() {
        // Straight into the matrix where the file allows (see
        // crate::parquet_columns); else the arrow path below.
        let types: Vec<DataType> = data_cols
            .iter()
            .map(|&c| schema.field(c).data_type().clone())
            .collect();
        let names: Vec<&str> = data_cols.iter().map(|&c| field_names[c].as_str()).collect();
        crate::parquet_columns::read_numeric(
            path, &file, &pq_meta, &data_cols, &types, &names, nrows, storage,
        )?
    } else {
        None
    };
    if let Some((z, f)) = fast {
        return Ok((row_keys, col_keys, z, text, Some(f)));
    } else if numeric && !data_cols.is_empty() {
        // Fixed groups of columns in parallel, each decoded and copied
        // straight into its columns of the matrix.
        values =
            crate::fill::by_column_groups(nrows, data_cols.len(), COLS_PER_TASK, |j0, block| {
                let cols = &data_cols[j0..j0 + block.len()];
                let batches = read_cols(cols)?;
                check_rows(&batches)?;
                for (dst, (jj, &c)) in block.iter_mut().zip(cols.iter().enumerate()) {
                    let mut r0 = 0;
                    for b in &batches {
                        let a = b.column(jj).as_ref();
                        numbers_into(&file, a, &field_names[c], r0, &mut dst[r0..r0 + a.len()])?;
                        r0 += a.len();
                    }
                    // check_rows made every column as long as the index.
                    if r0 != nrows {
                        return Err(fail(format!("{r0} rows in a column, {nrows} in the index")));
                    }
                }
                Ok(())
            })?;
    } else if !numeric {
        let batches = read_cols(&data_cols)?;
        check_rows(&batches)?;
        for (jj, &c) in data_cols.iter().enumerate() {
            let mut r0 = 0;
            for b in &batches {
                let a = b.column(jj).as_ref();
                for (k, v) in strings(&file, a, &field_names[c])?.into_iter().enumerate() {
                    text[r0 + k].push(v);
                }
                r0 += a.len();
            }
        }
    }
    let z = crate::storage::stored(values, storage).map_err(|e| FormatError::table(&file, e))?;
    Ok((row_keys, col_keys, z, text, None))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use arrow_schema::{Field, Schema};
    use parquet::arrow::ArrowWriter;

    use super::*;

    /// A pandas-style parquet file: index columns "region", "sector" and
    /// one data column per (name, values) with a two-level tuple name.
    fn write_frame(path: &Path, nrows: usize, cols: Vec<(String, ArrayRef)>) {
        write_frame_with(path, nrows, cols, None)
    }

    /// [`write_frame`] with writer properties (row groups, compression).
    pub(crate) fn write_frame_with(
        path: &Path,
        nrows: usize,
        cols: Vec<(String, ArrayRef)>,
        props: Option<parquet::file::properties::WriterProperties>,
    ) {
        let regions: ArrayRef = Arc::new(StringArray::from_iter_values(
            (0..nrows).map(|i| format!("r{}", i % 3)),
        ));
        let sectors: ArrayRef = Arc::new(StringArray::from_iter_values(
            (0..nrows).map(|i| format!("s{i}")),
        ));
        let mut fields = vec![
            Field::new("region", DataType::Utf8, false),
            Field::new("sector", DataType::Utf8, false),
        ];
        let mut arrays = vec![regions, sectors];
        for (name, a) in cols {
            fields.push(Field::new(name, a.data_type().clone(), true));
            arrays.push(a);
        }
        let meta = [(
            "pandas".to_string(),
            r#"{"index_columns": ["region", "sector"]}"#.to_string(),
        )];
        let schema = Arc::new(
            Schema::new(fields).with_metadata(
                meta.into_iter()
                    .collect::<std::collections::HashMap<_, _>>(),
            ),
        );
        let batch = RecordBatch::try_new(schema.clone(), arrays).unwrap();
        let f = File::create(path).unwrap();
        let mut w = ArrowWriter::try_new(f, schema, props).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    /// [`read_frame_via`] of a `Z.parquet`-like file in the storage asked
    /// for.
    pub(crate) fn via(p: &Path, direct: bool, storage: Storage) -> Result<ParquetFrame<Flows>> {
        read_frame_via(p, 2, 2, true, direct, storage)
    }

    /// [`read_frame_via`] of a `Z.parquet`-like file, stored dense.
    fn dense_via(p: &Path, direct: bool) -> Result<ParquetFrame> {
        let (rows, keys, z, text, folds) = read_frame_via(p, 2, 2, true, direct, Storage::Dense)?;
        let Flows::Dense(m) = z else {
            panic!("Storage::Dense gave sparse storage")
        };
        Ok((rows, keys, m, text, folds))
    }

    pub(crate) fn name(j: usize) -> String {
        format!("('r{}', 'c{j}')", j % 2)
    }

    /// Every value lands in its place, across several column groups and
    /// record batches, for float64 and int64 columns.
    #[test]
    fn values_across_column_groups_and_batches() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("Z.parquet");
        let (nrows, ncols) = (3, 2 * COLS_PER_TASK + 5);
        let v = |i: usize, j: usize| (i * 1000 + j) as f64 + 0.25;
        let cols = (0..ncols)
            .map(|j| {
                let a: ArrayRef = if j % 7 == 3 {
                    Arc::new(Int64Array::from_iter_values(
                        (0..nrows).map(|i| (i * 1000 + j) as i64),
                    ))
                } else {
                    Arc::new(Float64Array::from_iter_values((0..nrows).map(|i| v(i, j))))
                };
                (name(j), a)
            })
            .collect();
        write_frame(&p, nrows, cols);
        let (rows, keys, m, _, _) = read_parquet_frame(&p, 2, 2, true).unwrap();
        assert_eq!(
            (rows.len(), keys.len(), m.nrows(), m.ncols()),
            (nrows, ncols, nrows, ncols)
        );
        assert_eq!(rows[1], ["r1", "s1"]);
        assert_eq!(keys[4], ["r0", "c4"]);
        for j in 0..ncols {
            for i in 0..nrows {
                let want = if j % 7 == 3 {
                    (i * 1000 + j) as f64
                } else {
                    v(i, j)
                };
                assert_eq!(m[(i, j)], want, "({i}, {j})");
            }
        }

        // More rows than one record batch holds (the reader's batches are
        // 65 536 rows).
        let nrows = (1 << 16) + 11;
        let cols = (0..2)
            .map(|j| {
                let a: ArrayRef = Arc::new(Float64Array::from_iter_values(
                    (0..nrows).map(|i| (i as f64) * 0.5 - j as f64),
                ));
                (name(j), a)
            })
            .collect();
        write_frame(&p, nrows, cols);
        let (_, _, m, _, _) = read_parquet_frame(&p, 2, 2, true).unwrap();
        for i in [0, 1, (1 << 16) - 1, 1 << 16, nrows - 1] {
            assert_eq!(m[(i, 1)], (i as f64) * 0.5 - 1.0);
        }
    }

    /// A NaN, an infinity or a missing value anywhere is an error naming the
    /// file, the column and the row.
    #[test]
    fn missing_and_non_finite_values_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("Z.parquet");
        let ncols = COLS_PER_TASK + 3;
        for (bad_col, bad) in [
            (COLS_PER_TASK + 1, Some(f64::NAN)),
            (2, Some(f64::INFINITY)),
            (7, None),
        ] {
            let cols = (0..ncols)
                .map(|j| {
                    let a: ArrayRef = Arc::new(Float64Array::from_iter((0..4).map(|i| {
                        if j == bad_col && i == 2 {
                            bad
                        } else {
                            Some(1.0)
                        }
                    })));
                    (name(j), a)
                })
                .collect();
            write_frame(&p, 4, cols);
            let e = read_parquet_frame(&p, 2, 2, true).unwrap_err().to_string();
            assert!(e.contains("Z.parquet"), "{e}");
            assert!(e.contains(&name(bad_col)), "{e}");
            assert!(e.contains("row 3: a missing or non-finite value"), "{e}");
        }
    }

    /// The direct path (parquet_columns) gives the arrow path's matrix bit
    /// for bit, and folds equal to validation's own passes over it, on a
    /// seeded table of several row groups (snappy, dictionary pages, as
    /// pyarrow writes), on 1, 2 and 3 threads; and the same errors.
    #[test]
    fn direct_path_equals_the_arrow_path() {
        use parquet::basic::Compression;
        use parquet::file::properties::WriterProperties;
        use rand::{Rng, SeedableRng};
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("Z.parquet");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
        // Rows over three row groups and two arrow batches; 70 columns
        // (five groups of parquet_columns), a few of them int64.
        let (nrows, ncols) = (crate::parquet_columns::ARROW_BATCH + 700, 70);
        let cols: Vec<(String, ArrayRef)> = (0..ncols)
            .map(|j| {
                let a: ArrayRef = if j % 9 == 4 {
                    Arc::new(Int64Array::from_iter_values(
                        (0..nrows).map(|_| rng.random_range(-50..1000)),
                    ))
                } else {
                    Arc::new(Float64Array::from_iter_values((0..nrows).map(|_| {
                        // 60 % zeros, a few negative, values repeating
                        // (dictionary pages) and not.
                        match rng.random_range(0..10) {
                            0..6 => 0.0,
                            6 => -rng.random_range(0.0..1.0),
                            7 => f64::from(rng.random_range(0..40)) * 0.125,
                            _ => rng.random_range(0.0..1e6),
                        }
                    })))
                };
                (name(j), a)
            })
            .collect();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(30_000))
            .set_compression(Compression::SNAPPY)
            .build();
        write_frame_with(&p, nrows, cols, Some(props));
        let pf = File::open(&p).unwrap();
        let groups = ParquetRecordBatchReaderBuilder::try_new(pf)
            .unwrap()
            .metadata()
            .num_row_groups();
        assert_eq!(groups, 3);
        let (rows0, keys0, m0, _, f0) = dense_via(&p, false).unwrap();
        assert!(f0.is_none(), "the arrow path gathers no folds");
        let bits = |m: &Mat<f64>| {
            (0..m.ncols())
                .flat_map(|j| {
                    m.col_as_slice(j)
                        .iter()
                        .map(|v| v.to_bits())
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        };
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (rows, keys, m, _, f) = pool.install(|| dense_via(&p, true)).unwrap();
            assert_eq!((&rows, &keys), (&rows0, &keys0));
            assert_eq!((m.nrows(), m.ncols()), (nrows, ncols));
            assert!(bits(&m) == bits(&m0), "{threads} threads: values differ");
            let f = f.expect("folds gathered");
            assert!(f.is_complete_for(nrows, ncols));
            assert_eq!(f, ColumnFolds::of_matrix(&m0), "{threads} threads: folds");
        }

        // Errors: the same words and row either way, a batch's missing value
        // before its non-finite one (rows 5 and 3), a later batch's missing
        // value after an earlier batch's infinity.
        let big = crate::parquet_columns::ARROW_BATCH + 10;
        for (nrows, bad) in [
            (8, vec![(4, None), (2, Some(f64::NAN))]),
            (big, vec![(big - 2, None), (7, Some(f64::INFINITY))]),
            (8, vec![(6, Some(f64::NEG_INFINITY))]),
            (8, vec![(0, None)]),
        ] {
            let cols = (0..3)
                .map(|j| {
                    let a: ArrayRef = Arc::new(Float64Array::from_iter((0..nrows).map(|i| {
                        match bad.iter().find(|(r, _)| j == 1 && *r == i) {
                            Some((_, v)) => *v,
                            None => Some(1.5),
                        }
                    })));
                    (name(j), a)
                })
                .collect();
            write_frame(&p, nrows, cols);
            let arrow = dense_via(&p, false).unwrap_err().to_string();
            let direct = dense_via(&p, true).unwrap_err().to_string();
            assert_eq!(direct, arrow);
            assert!(direct.contains(&name(1)), "{direct}");
        }
    }

    #[test]
    fn tuple_reprs() {
        assert_eq!(
            parse_tuple_repr("('reg1', 'food')").unwrap(),
            ["reg1", "food"]
        );
        assert_eq!(
            parse_tuple_repr("(\"a'b\", 'c\\\\d',)").unwrap(),
            ["a'b", "c\\d"]
        );
        assert_eq!(parse_tuple_repr("('x',)").unwrap(), ["x"]);
        assert!(parse_tuple_repr("reg1").is_none());
        assert!(parse_tuple_repr("('a' 'b')").is_none());
        assert!(parse_tuple_repr("('a").is_none());
    }
}
