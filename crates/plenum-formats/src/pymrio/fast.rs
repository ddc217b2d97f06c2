//! The fast path of text frames: lines split at byte level, rows parsed in
//! parallel straight from the file's bytes. It accepts only files on which
//! the csv path gives the same frame (no quotes, lone carriage returns, byte
//! order marks inside, invalid UTF-8 in labels; every row as wide as the
//! header; every value a finite number [`crate::text::fast_number_prefix`] reads) and returns
//! `None` for anything else, so that the csv path reads it or names the
//! faulty cell. Each row is parsed on its own, so the result does not depend
//! on the number of threads.

use super::{fast_number_prefix, Frame, Mat};

/// A parsed frame with its numbers row-major.
pub(super) struct Parsed {
    row_keys: Vec<Vec<String>>,
    row_lines: Vec<u64>,
    col_keys: Vec<Vec<String>>,
    header_line: u64,
    values: Mat<f64>,
}

/// A line's bytes (without its terminator) and its 1-based number.
pub(super) struct Line<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) number: u64,
}

/// A label as `Row::get` gives it, or `None` where the csv path might
/// read the bytes differently.
fn label(b: &[u8]) -> Option<String> {
    if b.iter().any(|&c| c == b'"' || c == b'\r') {
        return None;
    }
    let s = std::str::from_utf8(b).ok()?;
    if s.contains('\u{feff}') {
        return None;
    }
    Some(s.trim().to_string())
}

fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|&c| c == b'\t')
}

/// The header of a frame.
pub(super) struct Header {
    pub(super) col_keys: Vec<Vec<String>>,
    /// Number of the header's last line.
    pub(super) header_line: u64,
    /// Non-empty lines the header takes: nh, or nh + 1 with pandas'
    /// line of index names (a line whose data fields are all empty,
    /// after two or more header lines).
    lines: usize,
}

/// The header from the first non-empty `lines` of a file (nh of them,
/// and the next one if there is one), or None for what the csv path
/// should read.
fn header(lines: &[Line], nic: usize, nh: usize) -> Option<Header> {
    if nh == 0 || lines.len() < nh {
        return None;
    }
    let width = fields(lines[0].bytes).count();
    if width <= nic {
        return None;
    }
    let mut col_keys = vec![Vec::with_capacity(nh); width - nic];
    for h in &lines[..nh] {
        let hf: Vec<&[u8]> = fields(h.bytes).collect();
        if hf.len() != width {
            return None;
        }
        // Labels of the index columns are checked though unused, as the
        // csv path would refuse them.
        for b in &hf[..nic] {
            label(b)?;
        }
        for (key, b) in col_keys.iter_mut().zip(&hf[nic..]) {
            key.push(label(b)?);
        }
    }
    let mut header = Header {
        col_keys,
        header_line: lines[nh - 1].number,
        lines: nh,
    };
    if nh > 1 {
        if let Some(first) = lines.get(nh) {
            let ff = fields(first.bytes)
                .map(label)
                .collect::<Option<Vec<String>>>()?;
            if ff.iter().skip(nic).all(String::is_empty) {
                header.header_line = first.number;
                header.lines = nh + 1;
            }
        }
    }
    Some(header)
}

/// The header and the body's non-empty lines of a whole file, or None for
/// what the csv path should read.
pub(super) fn split(bytes: &[u8], nic: usize, nh: usize) -> Option<(Header, Vec<Line<'_>>)> {
    let bytes = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        // A byte order mark alone on the first line: left to the csv path.
        Some(rest) if matches!(rest.first(), None | Some(b'\n' | b'\r')) => return None,
        Some(rest) => rest,
        None => bytes,
    };
    // Non-empty lines; csv skips empty ones. A line of blanks is one
    // field, which the width check below sends to the csv path.
    let mut lines = Vec::new();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for (number, end) in (1u64..).zip(ends) {
        let mut l = &bytes[start..end];
        if let [rest @ .., b'\r'] = l {
            l = rest;
        }
        if !l.is_empty() {
            lines.push(Line { bytes: l, number });
        }
        start = end + 1;
    }
    let h = header(&lines, nic, nh)?;
    lines.drain(..h.lines);
    Some((h, lines))
}

pub(super) fn parse(bytes: &[u8], nic: usize, nh: usize) -> Option<Parsed> {
    let (
        Header {
            col_keys,
            header_line,
            ..
        },
        body,
    ) = split(bytes, nic, nh)?;
    let ncol = col_keys.len();
    let body = &body[..];
    // Rows in blocks of BLOCK lines, in parallel: each block is parsed
    // into a small row-major scratch and copied into its rows of the
    // column-major matrix while still in cache.
    const BLOCK: usize = 16;
    let nrows = body.len();
    // The matrix's pages are first touched by the parsing tasks (see
    // crate::fill), not zeroed on this thread beforehand.
    let (values, keys) = crate::fill::by_row_blocks(nrows, ncol, BLOCK, |i0, blk| {
        let lines = &body[i0..i0 + blk.len()];
        let mut scratch = vec![0.0f64; lines.len() * ncol];
        let keys = lines
            .iter()
            .zip(scratch.chunks_exact_mut(ncol))
            .map(|(line, dst)| row(line.bytes, nic, dst))
            .collect::<Option<Vec<Vec<String>>>>()?;
        Some((keys, blk.write(&scratch)))
    })?;
    let row_keys: Vec<Vec<String>> = keys.into_iter().flatten().collect();
    Some(Parsed {
        row_keys,
        row_lines: body.iter().map(|l| l.number).collect(),
        col_keys,
        header_line,
        values,
    })
}

/// Bytes of the file at `at..at + len` (fewer at its end).
#[cfg(unix)]
fn read_at(f: &std::fs::File, at: usize, len: usize, buf: &mut Vec<u8>) -> Option<()> {
    use std::os::unix::fs::FileExt;
    // Only new bytes are zeroed: a reused buffer's old contents are
    // overwritten by the read (and cut off after it).
    buf.resize(len, 0);
    let mut got = 0;
    while got < len {
        match f.read_at(&mut buf[got..], (at + got) as u64) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    buf.truncate(got);
    Some(())
}

thread_local! {
    /// The second pass's read buffer, kept by each thread from piece
    /// to piece (a fresh 8 MB buffer per piece is 2 000 fresh pages).
    static PASS2_BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    /// The first pass's read buffer, likewise (rayon's `map_init` makes
    /// one per split of the range, which here is about one per piece).
    static PASS1_BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    /// The second pass's row-major numbers of a piece, likewise: a fresh
    /// multi-megabyte allocation per piece is mapped, faulted in, zeroed by
    /// the kernel and unmapped again (a third of the read's time at
    /// n = 5,000 went to clearing pages).
    static SCRATCH: std::cell::Cell<Vec<f64>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Lines per piece of [`parse_file`]'s first pass.
#[derive(Clone, Copy, Default)]
struct PieceCount {
    /// Line feeds in the piece.
    newlines: usize,
    /// Non-empty lines starting in the piece (the rows it holds).
    rows: usize,
    /// Offset of the piece's first line feed.
    first_newline: Option<usize>,
}

/// Where the pieces of a large file are and the rows each holds: the
/// first pass of [`parse_file`], shared with the sparse reader
/// (`super::sparse`), which parses the same pieces into compressed rows.
#[cfg(unix)]
pub(super) struct Plan {
    f: std::fs::File,
    size: usize,
    piece: usize,
    body_start: usize,
    /// Physical number of the last line before the body.
    number_before: u64,
    /// Where the last line starting in piece k ends.
    line_end: Vec<usize>,
    /// Line feeds before piece k (in the body).
    newlines_before: Vec<usize>,
    /// Rows (non-empty lines) starting in piece k.
    pub(super) lens: Vec<usize>,
    pub(super) col_keys: Vec<Vec<String>>,
    pub(super) header_line: u64,
}

#[cfg(unix)]
impl Plan {
    /// Byte range of piece k.
    fn bounds(&self, k: usize) -> (usize, usize) {
        (
            self.body_start + k * self.piece,
            (self.body_start + (k + 1) * self.piece).min(self.size),
        )
    }

    /// Calls `each` with the bytes (without terminator) and the 1-based
    /// number of every row starting in piece k, in order; None if `each`
    /// does, if the file cannot be read or changed since the first pass.
    pub(super) fn rows_of_piece(
        &self,
        k: usize,
        mut each: impl FnMut(&[u8], u64) -> Option<()>,
    ) -> Option<()> {
        let (s, e) = self.bounds(k);
        let rows = self.lens[k];
        if rows == 0 {
            return Some(());
        }
        let lo = s - 1;
        let hi = self.line_end[k];
        let mut buf = PASS2_BUF.take();
        read_at(&self.f, lo, hi - lo, &mut buf)?;
        if buf.len() != hi - lo {
            return None;
        }
        // The first line starting in the piece.
        let mut p = if buf[0] == b'\n' {
            s
        } else {
            s + memchr::memchr(b'\n', &buf[s - lo..])? + 1
        };
        let mut number = self.number_before
            + self.newlines_before[k] as u64
            + (memchr::memchr_iter(b'\n', &buf[s - lo..p - lo]).count() as u64)
            + 1;
        let mut got = 0;
        while p < e {
            let end = memchr::memchr(b'\n', &buf[p - lo..]).map_or(hi, |q| p + q);
            let mut l = &buf[p - lo..end - lo];
            if let [rest @ .., b'\r'] = l {
                l = rest;
            }
            if !l.is_empty() {
                each(l, number)?;
                got += 1;
            }
            number += 1;
            p = end + 1;
        }
        PASS2_BUF.set(buf);
        (got == rows).then_some(())
    }
}

/// The header of a large file and the first pass over its body: how
/// many rows start in each piece of `piece` bytes (lines are cut as
/// `parse` cuts them: at line feeds, one carriage return stripped, empty
/// lines skipped). None where `parse` would give None.
#[cfg(unix)]
pub(super) fn plan(path: &std::path::Path, nic: usize, nh: usize, piece: usize) -> Option<Plan> {
    use rayon::prelude::*;
    let f = std::fs::File::open(path).ok()?;
    let size = usize::try_from(f.metadata().ok()?.len()).ok()?;
    let piece = piece.max(1);
    // The header: the first nh non-empty lines and, after them, the
    // line that may hold the index names.
    let mut head = Vec::new();
    let mut head_len = (1usize << 20).min(size);
    let header = loop {
        read_at(&f, 0, head_len, &mut head)?;
        if head.len() != head_len {
            return None;
        }
        // A byte order mark or gzip: left to the whole-file path.
        if head.starts_with(b"\xef\xbb\xbf") || head.starts_with(&[0x1f, 0x8b]) {
            return None;
        }
        let mut lines: Vec<(Vec<u8>, u64, usize)> = Vec::new();
        let mut start = 0;
        let mut number = 0u64;
        let mut complete = true;
        while lines.len() < nh + 1 {
            let (end, next) = match memchr::memchr(b'\n', &head[start..]) {
                Some(k) => (start + k, start + k + 1),
                None if head_len == size => (head.len(), head.len()),
                None => {
                    complete = false;
                    break;
                }
            };
            number += 1;
            let mut l = &head[start..end];
            if let [rest @ .., b'\r'] = l {
                l = rest;
            }
            if !l.is_empty() {
                lines.push((l.to_vec(), number, next));
            }
            if next >= head.len() {
                break;
            }
            start = next;
        }
        if complete || head_len == size {
            break lines;
        }
        head_len = (head_len * 2).min(size);
    };
    let lines: Vec<Line> = header
        .iter()
        .map(|(bytes, number, _)| Line {
            bytes,
            number: *number,
        })
        .collect();
    let Header {
        col_keys,
        header_line,
        lines: taken,
    } = self::header(&lines, nic, nh)?;
    // The body starts after the header's last line.
    let body_start = header[taken - 1].2;
    // Physical number of the last line before the body (the body
    // starts right after that line's line feed).
    let number_before = {
        read_at(&f, 0, body_start, &mut head)?;
        if head.len() != body_start {
            return None;
        }
        memchr::memchr_iter(b'\n', &head).count() as u64
    };
    drop(head);
    if body_start > size {
        return None;
    }
    let n_pieces = (size - body_start).div_ceil(piece);
    let bounds = |k: usize| {
        (
            body_start + k * piece,
            (body_start + (k + 1) * piece).min(size),
        )
    };
    // First pass: one byte before and after each piece, so that line
    // starts and empty lines at its edges are seen. The body starts
    // right after a line feed (the header's), so a line starts at p
    // exactly where byte p − 1 is a line feed.
    let counts: Vec<PieceCount> = (0..n_pieces)
        .into_par_iter()
        .map(|k| {
            let (s, e) = bounds(k);
            let lo = s - 1;
            let hi = (e + 1).min(size);
            let mut buf = PASS1_BUF.take();
            read_at(&f, lo, hi - lo, &mut buf)?;
            if buf.len() != hi - lo {
                return None;
            }
            let at = |p: usize| buf[p - lo];
            let mut c = PieceCount::default();
            let empty = |p: usize| {
                at(p) == b'\n' || (at(p) == b'\r' && (p + 1 == size || at(p + 1) == b'\n'))
            };
            for q in memchr::memchr_iter(b'\n', &buf[..e - lo]) {
                let q = lo + q;
                // The line starting after this line feed is in the piece.
                if q + 1 < e && !empty(q + 1) {
                    c.rows += 1;
                }
                if q >= s {
                    c.newlines += 1;
                    c.first_newline.get_or_insert(q);
                }
            }
            PASS1_BUF.set(buf);
            Some(c)
        })
        .collect::<Option<Vec<_>>>()?;
    // Where the last line starting in piece k ends: the first line feed
    // at or after the piece's end, or the end of the file.
    let mut line_end = vec![size; n_pieces];
    let mut next_nl = size;
    for k in (0..n_pieces).rev() {
        line_end[k] = next_nl;
        if let Some(q) = counts[k].first_newline {
            next_nl = q;
        }
    }
    let mut newlines_before = Vec::with_capacity(n_pieces);
    let mut acc = 0usize;
    for c in &counts {
        newlines_before.push(acc);
        acc += c.newlines;
    }
    let lens: Vec<usize> = counts.iter().map(|c| c.rows).collect();
    Some(Plan {
        f,
        size,
        piece,
        body_start,
        number_before,
        line_end,
        newlines_before,
        lens,
        col_keys,
        header_line,
    })
}

/// [`parse`] of a large file without reading it into memory whole: the
/// same result, or None where `parse` would give None (or the file
/// changed while it was read); the caller then reads the file whole.
///
/// The body after the header lines is cut into pieces of `piece`
/// bytes. A first pass ([`plan`]) counts each piece's line feeds and
/// rows; a second pass parses the rows starting in each piece, on the
/// thread pool, straight into their rows of the matrix. Each pass reads
/// the file by positional reads into a few piece-sized buffers, so a
/// 434 MB Z costs no 434 MB buffer (~110 000 fresh pages to fault in).
#[cfg(unix)]
pub(super) fn parse_file(
    path: &std::path::Path,
    nic: usize,
    nh: usize,
    piece: usize,
) -> Option<Parsed> {
    let plan = plan(path, nic, nh, piece)?;
    let ncol = plan.col_keys.len();
    // Second pass: the rows starting in each piece.
    let (values, parts) = crate::fill::by_row_ranges(&plan.lens, ncol, |k, blk| {
        let rows = blk.len();
        let mut keys = Vec::with_capacity(rows);
        let mut numbers = Vec::with_capacity(rows);
        if rows == 0 {
            return Some(((keys, numbers), blk.write(&[])));
        }
        // Every entry is written by `row` before it is read (a short row
        // fails the piece), so the reused buffer's old numbers never show.
        let mut scratch = SCRATCH.take();
        scratch.resize(rows * ncol, 0.0);
        let mut dst = scratch.chunks_exact_mut(ncol);
        plan.rows_of_piece(k, |l, number| {
            keys.push(row(l, nic, dst.next()?)?);
            numbers.push(number);
            Some(())
        })?;
        let written = blk.write(&scratch[..rows * ncol]);
        SCRATCH.set(scratch);
        Some(((keys, numbers), written))
    })?;
    let mut row_keys = Vec::with_capacity(values.nrows());
    let mut row_lines = Vec::with_capacity(values.nrows());
    for (k, n) in parts {
        row_keys.extend(k);
        row_lines.extend(n);
    }
    let Plan {
        col_keys,
        header_line,
        ..
    } = plan;
    Some(Parsed {
        row_keys,
        row_lines,
        col_keys,
        header_line,
        values,
    })
}

/// One body line: its `nic` index labels, its numbers into `dst`.
fn row(line: &[u8], nic: usize, dst: &mut [f64]) -> Option<Vec<String>> {
    row_with(line, nic, dst.len(), |c, v| dst[c] = v)
}

/// One body line of `ncol` numbers: its `nic` index labels, each number
/// given to `put` with its column, in order. The one parser of body lines,
/// so that the dense and the sparse reader accept the same lines.
pub(super) fn row_with(
    line: &[u8],
    nic: usize,
    ncol: usize,
    mut put: impl FnMut(usize, f64),
) -> Option<Vec<String>> {
    let mut rest = line;
    let mut key = Vec::with_capacity(nic);
    for _ in 0..nic {
        let tab = memchr::memchr(b'\t', rest)?;
        key.push(label(&rest[..tab])?);
        rest = &rest[tab + 1..];
    }
    // One pass over the values: each number is parsed where it starts
    // and must end at a tab (or, the last, at the end of the line).
    let last = ncol.checked_sub(1)?;
    for c in 0..ncol {
        let (v, used) = fast_number_prefix(rest)?;
        put(c, v);
        rest = &rest[used..];
        if c < last {
            rest = rest.strip_prefix(b"\t")?;
        }
    }
    rest.is_empty().then_some(key)
}

impl Parsed {
    pub(super) fn into_frame(self, file: String) -> Frame {
        Frame {
            file,
            row_keys: self.row_keys,
            row_lines: self.row_lines,
            col_keys: self.col_keys,
            header_line: self.header_line,
            values: self.values,
            text: Vec::new(),
            folds: None,
        }
    }
}
