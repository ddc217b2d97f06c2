//! Delimited text (CSV, TSV; plain or gzip-compressed) read into memory with
//! the line of every record, so that every later error can name the file,
//! line, column and labels of a cell.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{FormatError, Result};

/// One record of a delimited file and the 1-based line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub line: u64,
    pub rec: csv::StringRecord,
}

impl Row {
    /// Field `i` (0-based), trimmed of surrounding blanks.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.rec.get(i).map(str::trim)
    }
    /// The first field: the row label in every layout read here.
    pub fn label(&self) -> &str {
        self.get(0).unwrap_or("")
    }
    pub fn len(&self) -> usize {
        self.rec.len()
    }
}

/// A whole delimited file.
#[derive(Debug, Clone)]
pub(crate) struct TextTable {
    /// The name used in errors (the path as given).
    pub file: String,
    pub rows: Vec<Row>,
}

/// Options of [`read_path`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextOptions {
    pub delimiter: u8,
    pub comment: Option<u8>,
}

impl TextOptions {
    pub const CSV: Self = Self {
        delimiter: b',',
        comment: None,
    };
    pub const TSV: Self = Self {
        delimiter: b'\t',
        comment: None,
    };
}

/// Display name of a path for errors.
pub(crate) fn name(path: &Path) -> String {
    path.display().to_string()
}

/// Reads a delimited file; gzip is detected by its magic bytes, not by the
/// file name.
pub(crate) fn read_path(path: &Path, opts: TextOptions) -> Result<TextTable> {
    let (file, bytes) = read_raw(path)?;
    parse(file, &bytes, opts)
}

/// The bytes of a file, gunzipped when gzip's magic bytes start it, and the
/// file's name for errors.
pub(crate) fn read_raw(path: &Path) -> Result<(String, Vec<u8>)> {
    let file = name(path);
    let f = File::open(path).map_err(|e| FormatError::io(&file, "open", e))?;
    // Sized once for a plain file, so that a large table is not copied
    // while the buffer grows.
    let size = f
        .metadata()
        .ok()
        .and_then(|m| usize::try_from(m.len()).ok())
        .unwrap_or(0);
    #[cfg(unix)]
    if size >= PARALLEL_READ_MIN {
        if let Some(bytes) =
            read_parallel(&f, size).map_err(|e| FormatError::io(&file, "read", e))?
        {
            if !(bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
                return Ok((file, bytes));
            }
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .map_err(|e| FormatError::io(&file, "read", e))?;
            return Ok((file, out));
        }
    }
    let mut br = BufReader::with_capacity(1 << 16, f);
    let gz = {
        let head = br
            .fill_buf()
            .map_err(|e| FormatError::io(&file, "read", e))?;
        head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b
    };
    let reader: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(br))
    } else {
        Box::new(br)
    };
    let mut bytes = Vec::with_capacity(if gz { 0 } else { size.saturating_add(1) });
    let mut reader = reader;
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| FormatError::io(&file, "read", e))?;
    Ok((file, bytes))
}

/// Files from this size on are read by [`read_parallel`].
#[cfg(unix)]
const PARALLEL_READ_MIN: usize = 16 << 20;

/// Reads a file of `size` bytes in 8 MiB pieces on rayon's threads
/// (positional reads into one buffer): copying from the page cache and
/// faulting in the buffer's pages is most of a plain read of a large table.
/// `None` when the file turns out shorter or longer than `size` (changed
/// under us); the caller then reads it sequentially.
#[cfg(unix)]
fn read_parallel(f: &File, size: usize) -> std::io::Result<Option<Vec<u8>>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    const PIECE: usize = 8 << 20;
    let read_piece = |k: usize, dst: &mut [u8]| -> std::io::Result<bool> {
        let mut off = 0;
        while off < dst.len() {
            match f.read_at(&mut dst[off..], (k * PIECE + off) as u64) {
                Ok(0) => return Ok(false),
                Ok(n) => off += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    };
    let mut bytes = vec![0u8; size];
    let complete = bytes
        .par_chunks_mut(PIECE)
        .enumerate()
        .map(|(k, dst)| read_piece(k, dst))
        .try_reduce(|| true, |a, b| Ok(a && b))?;
    let mut probe = [0u8; 1];
    if !complete || f.read_at(&mut probe, size as u64)? != 0 {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// Reads delimited text from memory (used by tests, embedded data and the
/// fallback of fast readers).
pub(crate) fn read_bytes(file: &str, bytes: &[u8], opts: TextOptions) -> Result<TextTable> {
    parse(file.to_string(), bytes, opts)
}

/// Parses delimited text. Line numbers come from the byte offset of each
/// record (the csv crate's own line count skips blank lines).
fn parse(file: String, bytes: &[u8], opts: TextOptions) -> Result<TextTable> {
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // A record's offset may point at blank lines csv skipped before it.
    let line_of = |byte: u64| -> u64 {
        let mut b = byte as usize;
        while b < bytes.len() && (bytes[b] == b'\n' || bytes[b] == b'\r') {
            b += 1;
        }
        newlines.partition_point(|&nl| nl < b) as u64 + 1
    };
    let reader = bytes;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(opts.delimiter)
        .comment(opts.comment)
        .from_reader(reader);
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map_or(0, |p| line_of(p.byte()));
                // A blank line is one empty field; skip it like pandas does.
                if rec.len() == 1 && rec.get(0).is_some_and(|s| s.trim().is_empty()) {
                    continue;
                }
                let mut r = rec.clone();
                if rows.is_empty() {
                    strip_bom(&mut r);
                }
                rows.push(Row { line, rec: r });
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                return Err(csv_error(&file, line, e));
            }
        }
    }
    Ok(TextTable { file, rows })
}

fn strip_bom(r: &mut csv::StringRecord) {
    if let Some(first) = r.get(0) {
        if let Some(rest) = first.strip_prefix('\u{feff}') {
            let mut fields: Vec<String> = r.iter().map(str::to_string).collect();
            fields[0] = rest.to_string();
            *r = csv::StringRecord::from(fields);
        }
    }
}

fn csv_error(file: &str, line: u64, e: csv::Error) -> FormatError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => FormatError::io(file, "read", io),
        csv::ErrorKind::Utf8 { err, .. } => FormatError::Csv {
            file: file.to_string(),
            line,
            message: format!("field {} is not valid UTF-8", err.field() + 1),
            fix: "save the file as UTF-8".into(),
        },
        other => FormatError::Csv {
            file: file.to_string(),
            line,
            message: format!("{other:?}"),
            fix: "check quoting and delimiters on that line".into(),
        },
    }
}

/// Parses a finite number. The label of the column and of the row go into
/// the error, together with `fix`.
pub(crate) fn parse_number(
    file: &str,
    row: &Row,
    col: usize,
    col_label: &str,
    fix: &str,
) -> Result<f64> {
    parse_number_at(file, row, row.label(), col, col_label, fix)
}

/// [`parse_number`] naming the row by a label of several index columns
/// (pymrio's `reg1/food`), not only its first field.
pub(crate) fn parse_number_at(
    file: &str,
    row: &Row,
    row_label: &str,
    col: usize,
    col_label: &str,
    fix: &str,
) -> Result<f64> {
    let Some(s) = row.get(col) else {
        return Err(FormatError::layout(
            file,
            row.line,
            format!(
                "row \"{}\" has {} fields but column {} (\"{}\") is needed",
                row_label,
                row.len(),
                col + 1,
                col_label
            ),
            "make every line as long as the header",
        ));
    };
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(FormatError::cell(
            file.to_string(),
            row.line,
            col + 1,
            col_label.to_string(),
            row_label.to_string(),
            "a finite number",
            s.to_string(),
            fix.to_string(),
        )),
    }
}

/// A finite number from a field's bytes, with surrounding spaces, or `None`
/// for anything else: a whole field read through [`fast_number_prefix`],
/// which fast readers use, falling back to the csv path (whose errors name
/// the cell) on `None`.
///
/// It accepts a subset of what `str::trim` + `str::parse::<f64>` accepts and
/// gives the same bits there: fast-float2 rounds correctly, as std does (both
/// Eisel–Lemire with an exact fallback), which the seeded tests below check;
/// only ASCII spaces are trimmed, so other blanks go to the fallback.
#[cfg(test)]
pub(crate) fn fast_number(b: &[u8]) -> Option<f64> {
    match fast_number_prefix(b) {
        Some((v, used)) if used == b.len() => Some(v),
        _ => None,
    }
}

/// The number at the start of `b` (after ASCII spaces) and the bytes it
/// takes with the spaces after it, so that a reader checks the next byte is
/// a delimiter without splitting the line first. fast-float2's `parse` is
/// this prefix parse with a check that nothing is left, so a field read
/// through here gives `fast_number`'s value (the contract is stated and
/// tested there).
#[inline]
pub(crate) fn fast_number_prefix(b: &[u8]) -> Option<(f64, usize)> {
    let lead = b.iter().take_while(|&&c| c == b' ').count();
    let (v, n) = fast_float2::parse_partial::<f64, _>(&b[lead..]).ok()?;
    if !v.is_finite() {
        return None;
    }
    let end = lead + n;
    let trail = b[end..].iter().take_while(|&&c| c == b' ').count();
    Some((v, end + trail))
}

/// Checks that `row` has exactly `want` fields.
pub(crate) fn expect_len(file: &str, row: &Row, want: usize, what: &str) -> Result<()> {
    expect_len_at(file, row, row.label(), want, what)
}

/// [`expect_len`] naming the row by a label of several index columns.
pub(crate) fn expect_len_at(
    file: &str,
    row: &Row,
    row_label: &str,
    want: usize,
    what: &str,
) -> Result<()> {
    if row.len() != want {
        return Err(FormatError::layout(
            file,
            row.line,
            format!(
                "row \"{}\" has {} fields, expected {} ({})",
                row_label,
                row.len(),
                want,
                what
            ),
            "make every line as long as the header (a missing value is written 0)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_numbers() {
        let t = read_bytes(
            "t.csv",
            b"\xef\xbb\xbf,a,b\nr1,1,2\n\nr2,3,n/a\n",
            TextOptions::CSV,
        )
        .unwrap();
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].label(), "");
        assert_eq!(t.rows[0].get(1), Some("a"));
        assert_eq!(t.rows[2].line, 4);
        let e = parse_number("t.csv", &t.rows[2], 2, "b", "replace with 0")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.csv line 4, column 3 (\"b\", row \"r2\"): expected a finite number, found \"n/a\"; replace with 0"
        );
        assert_eq!(parse_number("t.csv", &t.rows[1], 2, "b", "").unwrap(), 2.0);
        let e = parse_number("t.csv", &t.rows[1], 5, "z", "").unwrap_err();
        assert!(matches!(e, FormatError::Layout { line: 2, .. }), "{e}");
    }

    /// std's reading of a trimmed field, as the csv path does it.
    fn std_number(s: &str) -> Option<f64> {
        s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
    }

    fn same(s: &str) {
        let fast = fast_number(s.as_bytes());
        // As a field followed by others, through the prefix parse.
        let line = format!("{s}\t1.5\tx");
        let pre = fast_number_prefix(line.as_bytes())
            .filter(|&(_, n)| line.as_bytes()[n] == b'\t' && n == s.len())
            .map(|(v, _)| v.to_bits());
        assert_eq!(pre, fast.map(f64::to_bits), "{s:?} in a line");
        match fast {
            Some(v) => assert_eq!(Some(v.to_bits()), std_number(s).map(f64::to_bits), "{s:?}"),
            // Refusing is allowed (the caller falls back), but not for the
            // plain forms every writer uses.
            None => assert!(std_number(s).is_none(), "fast parser refused {s:?}"),
        }
    }

    #[test]
    fn fast_number_matches_std_on_seeded_random_f64() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20240718);
        let mut n = 0;
        while n < 200_000 {
            let v = f64::from_bits(rng.random::<u64>());
            if !v.is_finite() {
                continue;
            }
            n += 1;
            // Rust's shortest round trip, scientific, Python-repr-like 17
            // significant digits, and a fixed form for moderate magnitudes.
            same(&format!("{v:?}"));
            same(&format!("{v:e}"));
            same(&format!("{v:.16e}"));
            same(&format!("{v:.16E}"));
            if v.abs() > 1e-30 && v.abs() < 1e30 {
                same(&format!("{v:.20}"));
            }
        }
        // Values of IO tables: moderate magnitudes, 12 significant digits as
        // pandas writes them, and long decimal strings near halfway points.
        for _ in 0..200_000 {
            let m: f64 = rng.random::<f64>() * 10f64.powi(rng.random_range(-12..12));
            same(&format!("{m:.11e}"));
            same(&format!("{m}"));
            let digits: String = (0..rng.random_range(1..40))
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect();
            let e = rng.random_range(-330..310);
            same(&format!("{digits}e{e}"));
            same(&format!("-0.{digits}"));
            same(&format!(" {digits}.5 "));
        }
    }

    #[test]
    fn fast_number_refuses_what_std_refuses() {
        for s in [
            "", " ", "1e", "1e+", "e5", ".", "-", "+", "1.2.3", "1,5", "0x10", "1_000", "n/a",
            "NaN", "nan", "inf", "-inf", "Infinity", "1e999", "-1e400", "1\r", "1\t2", "\u{a0}1",
            "--1", "+-1", "1e--5", "１",
        ] {
            assert!(fast_number(s.as_bytes()).is_none(), "{s:?}");
        }
        for s in [
            "0",
            "-0",
            "+1",
            "1.",
            ".5",
            "-.5e-3",
            "1E5",
            "1e+05",
            "  7  ",
            "00012",
            "4.9e-324",
            "2.2250738585072011e-308",
            "1.7976931348623157e308",
            "9007199254740993",
        ] {
            assert!(fast_number(s.as_bytes()).is_some(), "{s:?}");
            same(s);
        }
        assert_eq!(
            fast_number(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
    }

    /// A large file is read in parallel pieces, a smaller or changed one
    /// sequentially, with the same bytes either way.
    #[cfg(unix)]
    #[test]
    fn parallel_read_gives_the_file() {
        use rand::{RngCore, SeedableRng};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.txt");
        let mut want = vec![0u8; PARALLEL_READ_MIN + (8 << 20) + 12_345];
        rand_chacha::ChaCha8Rng::seed_from_u64(3).fill_bytes(&mut want);
        std::fs::write(&p, &want).unwrap();
        let (_, got) = read_raw(&p).unwrap();
        assert!(got == want);
        let f = File::open(&p).unwrap();
        assert!(read_parallel(&f, want.len()).unwrap().unwrap() == want);
        // Sizes that no longer match the file.
        assert!(read_parallel(&f, want.len() - 1).unwrap().is_none());
        assert!(read_parallel(&f, want.len() + 1).unwrap().is_none());
        // gzip of a large file is decoded after the parallel read.
        let gz = dir.path().join("big.txt.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &want).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        assert!(std::fs::metadata(&gz).unwrap().len() as usize >= PARALLEL_READ_MIN);
        let (_, got) = read_raw(&gz).unwrap();
        assert!(got == want);
    }

    #[test]
    fn nan_and_inf_are_rejected() {
        let t = read_bytes("t.csv", b"x,NaN,inf,-1e3\n", TextOptions::CSV).unwrap();
        assert!(parse_number("t.csv", &t.rows[0], 1, "a", "").is_err());
        assert!(parse_number("t.csv", &t.rows[0], 2, "b", "").is_err());
        assert_eq!(
            parse_number("t.csv", &t.rows[0], 3, "c", "").unwrap(),
            -1000.0
        );
    }
}
