//! Tidy long-format outputs: key columns then one `value` column, one row
//! per observation, the layout pandas (`pd.read_csv`, `pd.read_parquet`),
//! R (`readr`, `arrow`) and DuckDB (`read_csv_auto`, `read_parquet`) read
//! directly. CSV and Parquet (Snappy) writers, both atomic, and the
//! `manifest.json` that records how an output folder was made.
//!
//! Numbers are written with Rust's shortest round-trip formatting, so a CSV
//! value parses back to the same `f64` bit for bit, and the same frame
//! always gives the same bytes.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use crate::atomic::{write_atomic, write_bytes_atomic};
use crate::error::{FormatError, Result};
use crate::text::name;

/// A key column: text or integers.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyColumn {
    Text(Vec<String>),
    Int(Vec<i64>),
}

impl KeyColumn {
    fn len(&self) -> usize {
        match self {
            KeyColumn::Text(v) => v.len(),
            KeyColumn::Int(v) => v.len(),
        }
    }
}

/// A long-format frame: named key columns and a `value` column.
#[derive(Debug, Clone, PartialEq)]
pub struct TidyFrame {
    pub keys: Vec<(String, KeyColumn)>,
    pub value: Vec<f64>,
}

impl TidyFrame {
    /// A frame from columns; all must have the length of `value`.
    pub fn new(keys: Vec<(String, KeyColumn)>, value: Vec<f64>) -> Result<Self> {
        for (name, col) in &keys {
            if col.len() != value.len() {
                return Err(FormatError::file(
                    "tidy frame",
                    format!(
                        "key column \"{name}\" has {} rows but value has {}",
                        col.len(),
                        value.len()
                    ),
                    "build every column with one entry per row",
                ));
            }
        }
        Ok(Self { keys, value })
    }

    /// A frame of text keys from rows `(keys, value)`.
    pub fn from_rows<'a, I>(names: &[&str], rows: I) -> Result<Self>
    where
        I: IntoIterator<Item = (&'a [String], f64)>,
    {
        let mut cols: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        let mut value = Vec::new();
        for (k, v) in rows {
            if k.len() != names.len() {
                return Err(FormatError::file(
                    "tidy frame",
                    format!(
                        "a row has {} keys but the frame has {} key columns",
                        k.len(),
                        names.len()
                    ),
                    "give every row one key per column",
                ));
            }
            for (c, s) in cols.iter_mut().zip(k) {
                c.push(s.clone());
            }
            value.push(v);
        }
        Self::new(
            names
                .iter()
                .zip(cols)
                .map(|(n, c)| (n.to_string(), KeyColumn::Text(c)))
                .collect(),
            value,
        )
    }

    pub fn len(&self) -> usize {
        self.value.len()
    }
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }
}

fn csv_field(s: &str, out: &mut String) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends `v` as `{v:?}` writes it (Rust's shortest round-trip form),
/// the text of every value in plenum's CSV outputs, about twice as fast.
///
/// Where it can be proved to give the same digits, the shortest digits come
/// from Ryū (the `ryu` crate) instead of the standard library's Grisu:
/// both give the shortest digits that read back as `v` and, of several,
/// the one nearest `v`; they differ only when two are equally near (Ryū
/// then takes the even one, the standard library the larger, e.g. for
/// 1e15 + 0.25). Such a tie needs `v` to be exactly a decimal of at most
/// 18 significant digits. With v = m·2^e, m odd and e ≤ −27, `v` is
/// m·5^−e / 10^−e, whose odd numerator has at least 19 digits (5^27 has
/// 19), so no tie, and no rounding boundary (an odd multiple of 2^(e−1))
/// is a short decimal either. The layout is the same for both when
/// 1e-4 ≤ |v| < 1e16 (plain decimal; outside it `{:?}` switches to
/// exponent form and Ryū at other points). Every other value goes through
/// `{:?}`. Tested against `{:?}` on millions of seeded values.
pub fn push_f64(out: &mut String, v: f64) {
    let a = v.abs();
    if (1e-4..1e16).contains(&a) {
        let bits = v.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        // Normal numbers only (the range excludes subnormals): m·2^e with
        // the implicit bit, then the trailing zeros of m moved into e.
        let m = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        let e = exp - 1075 + m.trailing_zeros() as i32;
        if e <= -27 {
            let mut b = ryu::Buffer::new();
            out.push_str(b.format_finite(v));
            return;
        }
    }
    use std::fmt::Write as _;
    let _ = write!(out, "{v:?}");
}

/// The CSV text of `frame` (header, then one line per row; NaN as `NaN`).
pub fn to_csv_string(frame: &TidyFrame) -> String {
    let mut out = String::with_capacity(frame.len() * 48);
    for (name, _) in &frame.keys {
        csv_field(name, &mut out);
        out.push(',');
    }
    out.push_str("value\n");
    for i in 0..frame.len() {
        for (_, col) in &frame.keys {
            match col {
                KeyColumn::Text(v) => csv_field(&v[i], &mut out),
                KeyColumn::Int(v) => out.push_str(&v[i].to_string()),
            }
            out.push(',');
        }
        push_f64(&mut out, frame.value[i]);
        out.push('\n');
    }
    out
}

/// Writes `frame` as CSV at `path`, atomically.
pub fn write_csv(frame: &TidyFrame, path: &Path) -> Result<()> {
    write_bytes_atomic(path, to_csv_string(frame).as_bytes())
}

fn batch(frame: &TidyFrame) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, col) in &frame.keys {
        match col {
            KeyColumn::Text(v) => {
                fields.push(Field::new(name, DataType::Utf8, false));
                arrays.push(Arc::new(StringArray::from_iter_values(v.iter())));
            }
            KeyColumn::Int(v) => {
                fields.push(Field::new(name, DataType::Int64, false));
                arrays.push(Arc::new(Int64Array::from(v.clone())));
            }
        }
    }
    fields.push(Field::new("value", DataType::Float64, false));
    arrays.push(Arc::new(Float64Array::from(frame.value.clone())));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// The Parquet bytes of `frame` (Snappy-compressed, one row group).
pub fn to_parquet_bytes(frame: &TidyFrame) -> Result<Vec<u8>> {
    let fail = |m: String| FormatError::file("parquet output", m, "report this as a bug");
    let b = batch(frame).map_err(|e| fail(e.to_string()))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("plenum {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut buf = Vec::new();
    let mut w =
        ArrowWriter::try_new(&mut buf, b.schema(), Some(props)).map_err(|e| fail(e.to_string()))?;
    w.write(&b).map_err(|e| fail(e.to_string()))?;
    w.close().map_err(|e| fail(e.to_string()))?;
    Ok(buf)
}

/// A tidy Parquet file written piece by piece (e.g. one piece per step of
/// a run), so that a long output never sits whole in memory: the writer
/// holds at most one row group (about a million rows) before flushing it.
/// Every piece must have the columns of the frame given to
/// [`ParquetStream::new`].
pub struct ParquetStream<W: std::io::Write + Send> {
    writer: ArrowWriter<W>,
}

impl<W: std::io::Write + Send> ParquetStream<W> {
    /// Starts a file on `w` with the columns (names and kinds) of `like`,
    /// which may be empty.
    pub fn new(w: W, like: &TidyFrame) -> Result<Self> {
        let fail = |m: String| FormatError::file("parquet output", m, "report this as a bug");
        let b = batch(like).map_err(|e| fail(e.to_string()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("plenum {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer =
            ArrowWriter::try_new(w, b.schema(), Some(props)).map_err(|e| fail(e.to_string()))?;
        Ok(Self { writer })
    }

    /// Appends the rows of `piece`.
    pub fn write(&mut self, piece: &TidyFrame) -> std::io::Result<()> {
        let b = batch(piece).map_err(std::io::Error::other)?;
        self.writer.write(&b).map_err(std::io::Error::other)
    }

    /// Writes the footer and returns the underlying writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.writer.into_inner().map_err(std::io::Error::other)
    }
}

/// Writes `frame` as Parquet at `path`, atomically.
pub fn write_parquet(frame: &TidyFrame, path: &Path) -> Result<()> {
    let bytes = to_parquet_bytes(frame)?;
    write_bytes_atomic(path, &bytes)
}

/// What an output folder records about how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub plenum_version: String,
    /// The command that made the folder, e.g. `analyze` or `run`.
    pub command: String,
    pub table_name: String,
    /// sha256 of the input table's canonical encoding
    /// ([`crate::native::table_hash`]).
    pub table_hash: String,
    /// `(name, sha256 of the scenario file's bytes)` for each scenario.
    pub scenarios: Vec<(String, String)>,
    pub seed: Option<u64>,
    /// Files written into the folder, in order.
    pub files: Vec<String>,
    /// sha256 of every file listed in `files` (the manifest itself aside).
    /// The manifest is written last, after every file is in place, so a
    /// folder whose files match these hashes is complete; a folder without
    /// a manifest, or whose files differ, is not.
    #[serde(default)]
    pub sha256: std::collections::BTreeMap<String, String>,
}

/// [`Manifest::sha256`] for the files `files` of folder `dir` (the
/// manifest itself, if listed, aside): call it once every file is in place.
pub fn sha256_files(
    dir: &Path,
    files: &[String],
) -> Result<std::collections::BTreeMap<String, String>> {
    files
        .iter()
        .filter(|f| f.as_str() != "manifest.json")
        .map(|f| Ok((f.clone(), sha256_file(&dir.join(f))?)))
        .collect()
}

/// sha256 of a file's bytes, lower-case hex, read in pieces (outputs can
/// be gigabytes).
pub fn sha256_file(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| FormatError::io(name(path), "read", e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let k = f
            .read(&mut buf)
            .map_err(|e| FormatError::io(name(path), "read", e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes `manifest` as pretty JSON at `path`, atomically.
pub fn write_manifest(manifest: &Manifest, path: &Path) -> Result<()> {
    let text = serde_json::to_string_pretty(manifest).map_err(|e| {
        FormatError::file(
            name(path),
            format!("cannot encode the manifest: {e}"),
            "report this as a bug",
        )
    })?;
    write_atomic(path, |w| {
        use std::io::Write;
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })
}

/// sha256 of `bytes`, lower-case hex (for scenario hashes).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    fn debug_text(v: f64) -> String {
        format!("{v:?}")
    }

    fn fast_text(v: f64) -> String {
        let mut s = String::new();
        super::push_f64(&mut s, v);
        s
    }

    /// `push_f64` writes exactly what `{:?}` writes: on seeded values of
    /// every kind (random bits; full-precision values across and around
    /// the decimal range; values with few significant bits, where ties
    /// live; the known tie 1e15 + 0.25; the range's edges and their
    /// neighbours; sums and products as a model computes them).
    #[test]
    fn push_f64_writes_what_debug_writes() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(16);
        let mut vals: Vec<f64> = vec![
            0.0,
            -0.0,
            1e15 + 0.25,
            1e15 + 0.75,
            0.3,
            0.1 + 0.2,
            896.4127713,
            1.0,
            -1.5,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
        ];
        for edge in [1e-4f64, 1e16, 1e-3, 1e15, 1.0, 2f64.powi(26), 2f64.powi(27)] {
            let mut x = edge;
            for _ in 0..50 {
                x = f64::from_bits(x.to_bits() - 1);
            }
            for _ in 0..100 {
                vals.push(x);
                vals.push(-x);
                x = f64::from_bits(x.to_bits() + 1);
            }
        }
        for _ in 0..400_000 {
            vals.push(f64::from_bits(rng.random::<u64>()));
            // Full precision, 10^-6 .. 10^18.
            let e: f64 = rng.random_range(-6.0..18.0);
            let v = 10f64.powf(e) * if rng.random_bool(0.5) { 1.0 } else { -1.0 };
            vals.push(v);
            // Few significant bits: k / 2^j and k · 2^j.
            let width = rng.random_range(1..54);
            let k = rng.random_range(1u64..1 << width) as f64;
            let j = rng.random_range(0..80);
            vals.push(k / 2f64.powi(j));
            vals.push(k * 2f64.powi(j / 4));
            // As a model computes them.
            let a: f64 = rng.random_range(0.0..1000.0);
            vals.push(a * (1.0 / 365.0) + 1e-9 * a);
        }
        let mut fast = 0;
        for v in vals {
            let want = debug_text(v);
            assert_eq!(fast_text(v), want, "{:#x}", v.to_bits());
            if (1e-4..1e16).contains(&v.abs()) {
                fast += 1;
            }
        }
        assert!(fast > 500_000, "{fast}");
    }

    use super::*;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn frame() -> TidyFrame {
        TidyFrame::new(
            vec![
                (
                    "quarter".into(),
                    KeyColumn::Text(vec!["2024Q1".into(), "2024Q2".into(), "2024Q3".into()]),
                ),
                ("step".into(), KeyColumn::Int(vec![0, 1, 2])),
                (
                    "region".into(),
                    KeyColumn::Text(vec!["CHN".into(), "US,A".into(), "say \"x\"".into()]),
                ),
            ],
            vec![0.1, -2.5e-17, f64::NAN],
        )
        .unwrap()
    }

    #[test]
    fn csv_quotes_and_round_trips_numbers() {
        let s = to_csv_string(&frame());
        let mut lines = s.lines();
        assert_eq!(lines.next(), Some("quarter,step,region,value"));
        assert_eq!(lines.next(), Some("2024Q1,0,CHN,0.1"));
        assert_eq!(lines.next(), Some("2024Q2,1,\"US,A\",-2.5e-17"));
        assert_eq!(lines.next(), Some("2024Q3,2,\"say \"\"x\"\"\",NaN"));
        let v: f64 = "-2.5e-17".parse().unwrap();
        assert_eq!(v.to_bits(), (-2.5e-17f64).to_bits());
    }

    #[test]
    fn parquet_reads_back() {
        let bytes = to_parquet_bytes(&frame()).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
        assert_eq!(batches.len(), 1);
        let b = &batches[0];
        assert_eq!(b.num_rows(), 3);
        let names: Vec<&str> = b
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(names, ["quarter", "step", "region", "value"]);
        let v = b.column(3).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(v.value(0), 0.1);
        let r = b.column(2).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(r.value(1), "US,A");
    }

    #[test]
    fn same_frame_same_bytes() {
        assert_eq!(
            to_parquet_bytes(&frame()).unwrap(),
            to_parquet_bytes(&frame()).unwrap()
        );
        assert_eq!(to_csv_string(&frame()), to_csv_string(&frame()));
    }

    #[test]
    fn mismatched_lengths_rejected() {
        let e = TidyFrame::new(vec![("a".into(), KeyColumn::Int(vec![1]))], vec![]).unwrap_err();
        assert!(e.to_string().contains("\"a\""));
    }

    #[test]
    fn files_written_atomically() {
        let d = tempfile::tempdir().unwrap();
        write_csv(&frame(), &d.path().join("f.csv")).unwrap();
        write_parquet(&frame(), &d.path().join("f.parquet")).unwrap();
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
