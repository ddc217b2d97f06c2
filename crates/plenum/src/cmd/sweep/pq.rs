//! Parquet files of a sweep: the variant list and the result shards.
//!
//! Text keys (scenario, quarter, region, sector, variable) are dictionary
//! columns: a shard repeats a few dozen labels millions of times, and
//! DuckDB, Polars and pandas (as categoricals) read them as text. Files are
//! Snappy-compressed, written atomically, and the same rows always give the
//! same bytes.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, DictionaryArray, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReaderBuilder, RowSelection, RowSelector};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// A text column as dictionary keys into `labels`.
pub struct DictColumn {
    pub labels: Vec<String>,
    pub keys: Vec<i32>,
}

impl DictColumn {
    pub fn new(labels: Vec<String>) -> Self {
        Self {
            labels,
            keys: Vec::new(),
        }
    }
    fn array(self) -> Result<ArrayRef> {
        let values: ArrayRef = Arc::new(StringArray::from(self.labels));
        Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
            Int32Array::from(self.keys),
            values,
        )?))
    }
}

/// A column to write.
pub enum Col {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Dict(DictColumn),
}

pub fn dict_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// A record batch of named columns.
pub fn batch(cols: Vec<(String, Col)>) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, col) in cols {
        let (t, a): (DataType, ArrayRef) = match col {
            Col::Int(v) => (DataType::Int64, Arc::new(Int64Array::from(v))),
            Col::Float(v) => (DataType::Float64, Arc::new(Float64Array::from(v))),
            Col::Dict(d) => (dict_type(), d.array()?),
        };
        fields.push(Field::new(name, t, false));
        arrays.push(a);
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

fn props(group_rows: usize) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("plenum {}", env!("CARGO_PKG_VERSION")))
        .set_max_row_group_row_count(Some(group_rows.max(1)))
        .build()
}

/// Default largest row group (the parquet crate's).
const GROUP_ROWS: usize = 1024 * 1024;

/// A Parquet writer into memory; one row group per [`Writer::write`] call
/// (a shard, when gather appends shards to a partition).
pub struct Writer {
    inner: ArrowWriter<Vec<u8>>,
}

impl Writer {
    pub fn new(schema: Arc<Schema>) -> Result<Self> {
        Ok(Self {
            inner: ArrowWriter::try_new(Vec::new(), schema, Some(props(GROUP_ROWS)))?,
        })
    }
    pub fn write(&mut self, b: &RecordBatch) -> Result<()> {
        self.inner.write(b)?;
        self.inner.flush()?;
        Ok(())
    }
    pub fn finish(self) -> Result<Vec<u8>> {
        Ok(self.inner.into_inner()?)
    }
}

/// The bytes of one batch as a Parquet file.
pub fn to_bytes(b: &RecordBatch) -> Result<Vec<u8>> {
    to_bytes_grouped(b, GROUP_ROWS)
}

/// The bytes of one batch as a Parquet file in row groups of `group_rows`
/// (the variant list: whole shards per group, so that a task reads only
/// its own group).
pub fn to_bytes_grouped(b: &RecordBatch, group_rows: usize) -> Result<Vec<u8>> {
    let mut w = ArrowWriter::try_new(Vec::new(), b.schema(), Some(props(group_rows)))?;
    w.write(b)?;
    Ok(w.into_inner()?)
}

/// Reads a whole Parquet file, or only rows `rows` of it.
pub fn read(path: &Path, rows: Option<std::ops::Range<u64>>) -> Result<Vec<RecordBatch>> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    // The parquet crate can panic on a damaged file: contained (a shard
    // copied back from a cluster may be truncated).
    plenum_formats::contain::contain(&path.display().to_string(), "Parquet", || {
        read_file(f, path, rows)
    })
}

fn read_file(f: File, path: &Path, rows: Option<std::ops::Range<u64>>) -> Result<Vec<RecordBatch>> {
    let mut b = ParquetRecordBatchReaderBuilder::try_new(f)
        .with_context(|| format!("{}: not a readable Parquet file", path.display()))?
        .with_batch_size(1 << 16);
    if let Some(r) = rows {
        // Only the row groups that hold the rows are read.
        let mut groups = Vec::new();
        let (mut at, mut first) = (0u64, None);
        for (i, g) in b.metadata().row_groups().iter().enumerate() {
            let n = g.num_rows().max(0) as u64;
            if at + n > r.start && at < r.end {
                groups.push(i);
                first.get_or_insert(at);
            }
            at += n;
        }
        let skip = r.start - first.unwrap_or(0);
        b = b
            .with_row_groups(groups)
            .with_row_selection(RowSelection::from(vec![
                RowSelector::skip(skip as usize),
                RowSelector::select((r.end - r.start) as usize),
            ]));
    }
    let reader = b.build()?;
    let mut out = Vec::new();
    for batch in reader {
        out.push(batch.with_context(|| format!("{}: damaged Parquet data", path.display()))?);
    }
    Ok(out)
}

/// A column by name.
pub fn column<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef> {
    match b.schema().index_of(name) {
        Ok(i) => Ok(b.column(i)),
        Err(_) => bail!("the Parquet file has no column \"{name}\""),
    }
}

pub fn ints<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a Int64Array> {
    column(b, name)?
        .as_any()
        .downcast_ref::<Int64Array>()
        .with_context(|| format!("column \"{name}\" is not Int64"))
}

pub fn floats<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a Float64Array> {
    column(b, name)?
        .as_any()
        .downcast_ref::<Float64Array>()
        .with_context(|| format!("column \"{name}\" is not Float64"))
}

/// A dictionary text column: (keys, labels).
pub fn dict<'a>(b: &'a RecordBatch, name: &str) -> Result<(&'a Int32Array, &'a StringArray)> {
    let d = column(b, name)?
        .as_any()
        .downcast_ref::<DictionaryArray<Int32Type>>()
        .with_context(|| format!("column \"{name}\" is not a dictionary of text"))?;
    let labels = d
        .values()
        .as_any()
        .downcast_ref::<StringArray>()
        .with_context(|| format!("column \"{name}\" is not a dictionary of text"))?;
    if d.keys().null_count() > 0 {
        bail!("column \"{name}\" has missing values");
    }
    Ok((d.keys(), labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_range_reads_across_row_groups() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("v.parquet");
        let mut lab = DictColumn::new(vec!["a".into(), "b".into()]);
        lab.keys = (0..10).map(|i| i % 2).collect();
        let b = batch(vec![
            ("variant".into(), Col::Int((0..10).collect())),
            ("scenario".into(), Col::Dict(lab)),
        ])
        .unwrap();
        std::fs::write(&p, to_bytes_grouped(&b, 3).unwrap()).unwrap();
        for (a, z) in [(2u64, 7u64), (0, 10), (9, 10), (3, 6)] {
            let got: Vec<i64> = read(&p, Some(a..z))
                .unwrap()
                .iter()
                .flat_map(|b| ints(b, "variant").unwrap().values().to_vec())
                .collect();
            assert_eq!(got, (a as i64..z as i64).collect::<Vec<_>>());
        }
        let all = read(&p, None).unwrap();
        let (keys, labels) = dict(&all[0], "scenario").unwrap();
        assert_eq!(labels.value(keys.value(1) as usize), "b");
    }
}
