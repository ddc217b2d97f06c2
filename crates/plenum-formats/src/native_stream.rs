//! The native reader as a stream: the file goes through one reusable
//! buffer straight into the table's matrices, hashed on the way.
//!
//! Reading a native file used to hold the whole file in memory, then
//! decode a second copy from it: peak memory twice the table, and every
//! page of both faulted in. Here the preamble and the JSON header (small)
//! are read first; the matrices are allocated from the header's block list
//! (checked against the labels and against the file's length before any
//! allocation); then the payload is read in pieces of [`PIECE`] bytes. For
//! each piece, three things run at once on rayon's threads: the next piece
//! is read, this piece is hashed (BLAKE3, or SHA-256 in format version 1;
//! in file order), and this piece
//! is decoded (little-endian f64, column by column, into the blocks in the
//! header's order). The 32 stored bytes at the end are compared with the
//! digest before the table is validated.
//!
//! Errors are those of the whole-file reader, with the same precedence: a
//! content-hash mismatch is reported in preference to any error found in
//! the header or the block sizes (the rest of the file is then read and
//! hashed only to decide which error to give).

use std::io::Read;

use plenum_table::{
    Col, ColumnFolds, Extension, ImportedUse, Labels, Mat, MrioTable, TableParts, ValidationPolicy,
};

use crate::error::{FormatError, Result};
use crate::native::{
    corrupt, expected_blocks, header_end, hex, padding, parse_header, preamble, ContentHasher,
    Header, HASH_LEN, PREAMBLE,
};

/// Bytes per piece of the payload (a multiple of 8: pieces hold whole
/// numbers).
const PIECE: usize = 8 << 20;

/// Reads `len` bytes of a native table from `r` and validates the table.
pub(crate) fn decode<R: Read + Send>(
    file: &str,
    mut r: R,
    len: usize,
    policy: &ValidationPolicy,
) -> Result<MrioTable> {
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            corrupt(file, "the file ended early")
        } else {
            FormatError::io(file, "read", e)
        }
    };
    // Preamble: the same checks, in the same order, as on the whole file.
    let mut head = vec![0u8; PREAMBLE.min(len)];
    r.read_exact(&mut head).map_err(io)?;
    let version = preamble_of_length(file, &head, len)?;
    let mut hasher = ContentHasher::for_version(version);
    hasher.update(&head);
    let content_len = len - HASH_LEN;
    // Header, padding and block sizes; on an error, the hash decides.
    let (h, labels, mut blocks, mut read) =
        match read_structure(file, &head, &mut r, content_len, &mut hasher) {
            Ok(s) => s,
            Err(Structure::Io(e)) => return Err(io(e)),
            Err(Structure::Bad(e, read)) => {
                drain(&mut r, content_len - read, &mut hasher).map_err(io)?;
                check_hash(file, &mut r, hasher, io)?;
                return Err(*e);
            }
        };
    // The payload: read the next piece while this one is hashed and decoded.
    let mut sink = Sink::new(&blocks);
    let mut cur = vec![0u8; PIECE.min(content_len - read)];
    r.read_exact(&mut cur).map_err(io)?;
    read += cur.len();
    let mut next = Vec::with_capacity(PIECE.min(content_len - read));
    loop {
        let want = PIECE.min(content_len - read);
        next.resize(want, 0);
        let (got, ()) = rayon::join(
            || r.read_exact(&mut next),
            || {
                rayon::join(|| hasher.update(&cur), || sink.put(&mut blocks, &cur));
            },
        );
        got.map_err(io)?;
        if want == 0 {
            break;
        }
        read += want;
        std::mem::swap(&mut cur, &mut next);
    }
    check_hash(file, &mut r, hasher, io)?;
    assemble(file, h, labels, blocks, &sink.z_folds, policy)
}

/// Length checks of [`preamble`] given the first bytes and the length;
/// returns the format version.
fn preamble_of_length(file: &str, head: &[u8], len: usize) -> Result<u32> {
    if len < PREAMBLE + HASH_LEN {
        // `preamble` names the magic bytes first, then the length.
        let mut short = head.to_vec();
        short.truncate(len);
        return preamble(file, &short);
    }
    // The whole-file check needs only the first 24 bytes and the length;
    // a stand-in of the right length with these bytes in front gives the
    // same verdict without reading further.
    let mut probe = head.to_vec();
    probe.resize(PREAMBLE + HASH_LEN, 0);
    preamble(file, &probe)
}

enum Structure {
    Io(std::io::Error),
    /// A structural error, and how many content bytes were read.
    Bad(Box<FormatError>, usize),
}

type Parts = (Header, Labels, Vec<Mat<f64>>, usize);

/// Reads the header and its padding (hashing them), checks the block
/// list against the labels and the payload's length against the file, and
/// allocates the blocks. `head` is the preamble, whose last 8 bytes are
/// the header's length. Returns the blocks and the content bytes read.
fn read_structure<R: Read>(
    file: &str,
    head: &[u8],
    r: &mut R,
    content_len: usize,
    hasher: &mut ContentHasher,
) -> std::result::Result<Parts, Structure> {
    let h_end =
        header_end(file, head, content_len).map_err(|e| Structure::Bad(Box::new(e), PREAMBLE))?;
    let p_start = (h_end + padding(h_end)).min(content_len);
    let mut text = vec![0u8; p_start - PREAMBLE];
    r.read_exact(&mut text).map_err(Structure::Io)?;
    hasher.update(&text);
    let read = p_start;
    let bad = |e: FormatError| Structure::Bad(Box::new(e), read);
    let h = parse_header(file, &text, h_end, content_len).map_err(bad)?;
    // Labels::new re-checks what deserialisation bypassed.
    let labels = Labels::new(
        h.labels.regions().to_vec(),
        h.labels.sectors().to_vec(),
        h.labels.fd_categories().to_vec(),
        h.labels.va_components().to_vec(),
    )
    .map_err(|e| bad(FormatError::table(file, e)))?;
    let want = expected_blocks(&labels, h.imported_use, &h.extensions);
    if want != h.blocks {
        return Err(bad(corrupt(
            file,
            "the header's block list does not match its labels",
        )));
    }
    let mut total: usize = 0;
    for b in &want {
        total = b
            .rows
            .checked_mul(b.cols)
            .and_then(|c| c.checked_mul(8))
            .and_then(|c| c.checked_add(total))
            .ok_or_else(|| bad(corrupt(file, "block sizes overflow")))?;
    }
    let body = content_len - p_start;
    if total != body {
        return Err(bad(corrupt(
            file,
            format!("the blocks need {total} bytes but {body} are there"),
        )));
    }
    // Sizes agree with the file's length, so these allocations are bounded
    // by what is on disk.
    let blocks = want
        .iter()
        .map(|b| Mat::<f64>::zeros(b.rows, b.cols))
        .collect();
    Ok((h, labels, blocks, read))
}

/// Reads and hashes `n` more bytes, keeping none.
fn drain<R: Read>(r: &mut R, n: usize, hasher: &mut ContentHasher) -> std::io::Result<()> {
    let mut buf = vec![0u8; PIECE.min(n)];
    let mut left = n;
    while left > 0 {
        let k = left.min(buf.len());
        r.read_exact(&mut buf[..k])?;
        hasher.update(&buf[..k]);
        left -= k;
    }
    Ok(())
}

/// Reads the stored digest and compares it with the computed one.
fn check_hash<R: Read>(
    file: &str,
    r: &mut R,
    hasher: ContentHasher,
    io: impl Fn(std::io::Error) -> FormatError,
) -> Result<()> {
    let mut stored = [0u8; HASH_LEN];
    r.read_exact(&mut stored).map_err(io)?;
    let digest = hasher.finalize();
    if digest.as_slice() != stored {
        return Err(corrupt(
            file,
            format!(
                "content hash mismatch (stored {}, computed {})",
                hex(&stored),
                hex(&digest)
            ),
        ));
    }
    Ok(())
}

/// Where the next number of the payload goes: block `b`, element `e` of
/// it in column-major order; and Z's folds for validation
/// ([`plenum_table::folds`]), gathered as each column of Z (block 0) is
/// complete, while it is still in cache.
#[derive(Debug)]
struct Sink {
    b: usize,
    e: usize,
    z_folds: ColumnFolds,
}

impl Sink {
    fn new(blocks: &[Mat<f64>]) -> Self {
        let (r, c) = blocks.first().map_or((0, 0), |z| (z.nrows(), z.ncols()));
        Self {
            b: 0,
            e: 0,
            z_folds: ColumnFolds::new(r, c),
        }
    }

    /// Decodes a piece of whole little-endian f64 into the blocks, a
    /// column's run at a time. The caller checked that the payload's length
    /// is the blocks' total, so the piece never runs past the last block.
    fn put(&mut self, blocks: &mut [Mat<f64>], piece: &[u8]) {
        let mut nums = piece.chunks_exact(8);
        let mut left = piece.len() / 8;
        while left > 0 {
            let Some(m) = blocks.get_mut(self.b) else {
                return;
            };
            let rows = m.nrows();
            let size = rows * m.ncols();
            if self.e >= size {
                self.b += 1;
                self.e = 0;
                continue;
            }
            let (j, i) = (self.e / rows, self.e % rows);
            let run = (rows - i).min(left);
            let col = &mut m.col_as_slice_mut(j)[i..i + run];
            for (d, b) in col.iter_mut().zip(nums.by_ref()) {
                let mut w = [0u8; 8];
                w.copy_from_slice(b);
                *d = f64::from_le_bytes(w);
            }
            if self.b == 0 && i + run == rows {
                self.z_folds.push_column(m.col_as_slice(j));
            }
            self.e += run;
            left -= run;
        }
    }
}

/// The table from its blocks in file order, validated under `policy`.
fn assemble(
    file: &str,
    h: Header,
    labels: Labels,
    blocks: Vec<Mat<f64>>,
    z_folds: &ColumnFolds,
    policy: &ValidationPolicy,
) -> Result<MrioTable> {
    let mut it = blocks.into_iter();
    let mut next = || {
        it.next()
            .ok_or_else(|| corrupt(file, "fewer blocks than the header lists"))
    };
    let z = next()?;
    let y = next()?;
    let xm = next()?;
    let x = Col::<f64>::from_fn(xm.nrows(), |i| xm[(i, 0)]);
    let v = next()?;
    let imported_use = if h.imported_use {
        Some(ImportedUse {
            z: next()?,
            y: next()?,
        })
    } else {
        None
    };
    let mut extensions = Vec::with_capacity(h.extensions.len());
    for e in &h.extensions {
        let f = next()?;
        let f_y = if e.has_f_y { Some(next()?) } else { None };
        extensions.push(Extension {
            name: e.name.clone(),
            stressors: e.stressors.clone(),
            units: e.units.clone(),
            f,
            f_y,
        });
    }
    let parts = TableParts {
        meta: h.meta,
        labels,
        z,
        y,
        x,
        v,
        imported_use,
        extensions,
    };
    MrioTable::new_with_folds(parts, policy, z_folds).map_err(|e| FormatError::table(file, e))
}
