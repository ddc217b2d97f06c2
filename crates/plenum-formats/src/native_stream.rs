//! The native reader as a stream: the file goes through a few reusable
//! buffers straight into the table's matrices, hashed on the way.
//!
//! Reading a native file used to hold the whole file in memory, then
//! decode a second copy from it: peak memory twice the table, and every
//! page of both faulted in. Here the preamble and the JSON header (small)
//! are read first and the block list is checked against the labels and
//! against the file's length before anything large is allocated. Then two
//! threads share the payload:
//!
//! - a **reader** thread reads pieces of [`PIECE`] bytes and hashes each
//!   (BLAKE3, or SHA-256 in format version 1; in file order), then hands it
//!   over through a bounded channel (buffers come back to it for reuse);
//! - the **calling** thread fills each block's reserved storage
//!   ([`crate::fill::Reserved`]) in column-major order, taking its numbers
//!   (little-endian f64, column-major) from the pieces in file order.
//!   The matrices are never zeroed first (at GLORIA size zeroing Z alone
//!   was a serial second before the stream started), and their pages are
//!   not faulted in one by one at the first write either: before reading
//!   a piece, the reader thread backs the pages that piece's numbers go
//!   to in one call ([`crate::fill::prefault`]), unless a helper thread,
//!   which does the same from the last piece back, got there first; the
//!   faulting (on this VM often the host's too) runs on both cores beside
//!   the decode. Z's validation folds ([`plenum_table::folds`]) are
//!   gathered entry by entry as Z is built.
//!
//! The 32 stored bytes at the end are compared with the digest before the
//! table is validated.
//!
//! Errors are those of the whole-file reader, with the same precedence: a
//! content-hash mismatch is reported in preference to any error found in
//! the header or the block sizes (the rest of the file is then read and
//! hashed only to decide which error to give).

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use plenum_table::{
    Col, ColumnFolds, Extension, ImportedUse, Labels, Mat, MrioTable, TableParts, ValidationPolicy,
};

use crate::error::{FormatError, Result};
use crate::fill::{prefault, Layout, Reserved};
use crate::native::{
    compare_digest, corrupt, expected_blocks, header_end, padding, parse_header, preamble,
    ContentHasher, Header, HASH_LEN, PREAMBLE,
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
    let (h, labels, blocks, read) =
        match read_structure(file, &head, &mut r, content_len, &mut hasher) {
            Ok(s) => s,
            Err(Structure::Io(e)) => return Err(io(e)),
            Err(Structure::Bad(e, read)) => {
                drain(&mut r, content_len - read, &mut hasher).map_err(io)?;
                check_hash(file, &mut r, hasher, io)?;
                return Err(*e);
            }
        };
    // The payload: the reader thread reads and hashes pieces, this thread
    // decodes them into the blocks.
    let payload = content_len - read;
    let reserved: Vec<Reserved> = blocks
        .iter()
        .map(|b| Reserved::new(b.rows, b.cols))
        .collect();
    let dest = Destination::of(&blocks, &reserved, payload);
    let dest = &dest;
    let (full_tx, full_rx) = sync_channel::<Vec<u8>>(2);
    let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(4);
    let produce = move || {
        let mut left = payload;
        while left > 0 {
            let want = PIECE.min(left);
            dest.claim((payload - left) / PIECE);
            let mut buf = empty_rx.try_recv().unwrap_or_default();
            buf.resize(want, 0);
            r.read_exact(&mut buf)?;
            hasher.update(&buf);
            left -= want;
            if full_tx.send(buf).is_err() {
                break; // the decoder stopped: nothing more is needed
            }
        }
        drop(full_tx);
        dest.claim_all(); // the helper need pre-fault nothing more
        let mut stored = [0u8; HASH_LEN];
        r.read_exact(&mut stored)?;
        Ok::<_, std::io::Error>((hasher, stored))
    };
    let mut cur = Cursor {
        rx: full_rx,
        back: empty_tx,
        buf: Vec::new(),
        pos: 0,
        starved: false,
    };
    let (got, built) = if payload <= PIECE {
        // One piece at most (the embedded default is 0.6 MB): read it
        // first, on this thread; the channel holds it. A thread would cost
        // more than it overlaps.
        let got = produce();
        (got, build_blocks(&blocks, reserved, &mut cur))
    } else {
        std::thread::scope(|scope| {
            let reader = scope.spawn(produce);
            // Pre-faults pieces from the last one back, while the reader
            // pre-faults from the first one on: on this VM a fresh page
            // can cost the host's fault too, and the two cores share it.
            scope.spawn(|| dest.claim_from_back());
            let built = build_blocks(&blocks, reserved, &mut cur);
            drop(cur); // closes the channels, so a stopped reader ends
            let got = reader
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the reader thread panicked")));
            (got, built)
        })
    };
    let (hasher, stored) = got.map_err(io)?;
    compare_digest(file, hasher, &stored)?;
    let (blocks, z_folds) = built;
    assemble(file, h, labels, blocks, &z_folds, policy)
}

/// The numbers of the payload in file order, from the pieces the reader
/// thread sends; each piece goes back to it once used.
struct Cursor {
    rx: Receiver<Vec<u8>>,
    back: SyncSender<Vec<u8>>,
    buf: Vec<u8>,
    pos: usize,
    /// The reader sent no more pieces (it failed); numbers read as 0 and
    /// the reader's error is reported.
    starved: bool,
}

impl Cursor {
    #[inline]
    fn next(&mut self) -> f64 {
        if self.pos + 8 > self.buf.len() && !self.refill() {
            return 0.0;
        }
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.buf[self.pos..self.pos + 8]);
        self.pos += 8;
        f64::from_le_bytes(w)
    }

    /// The next piece (pieces hold whole numbers: PIECE and the payload are
    /// multiples of 8).
    #[cold]
    fn refill(&mut self) -> bool {
        if self.starved {
            return false;
        }
        match self.rx.recv() {
            Ok(next) => {
                let used = std::mem::replace(&mut self.buf, next);
                // The reader may have stopped; then the buffer is dropped.
                let _ = self.back.try_send(used);
                self.pos = 0;
                self.pos + 8 <= self.buf.len()
            }
            Err(_) => {
                self.starved = true;
                false
            }
        }
    }
}

/// Where the payload's numbers go: each block's first number in file
/// order, its count and its storage, and which pieces' storage was
/// claimed for pre-faulting. The reader thread claims each piece before
/// reading it, a helper thread claims pieces from the last one back until
/// it meets a claimed one; each piece is pre-faulted by whoever claims it.
struct Destination {
    blocks: Vec<(usize, usize, Layout)>,
    claimed: Vec<AtomicBool>,
    numbers: usize,
}

impl Destination {
    fn of(infos: &[crate::native::BlockInfo], reserved: &[Reserved], payload: usize) -> Self {
        let mut at = 0;
        let blocks = infos
            .iter()
            .zip(reserved)
            .map(|(b, r)| {
                let first = at;
                at += b.rows * b.cols;
                (first, b.rows * b.cols, r.layout())
            })
            .collect();
        Self {
            blocks,
            claimed: (0..payload.div_ceil(PIECE))
                .map(|_| AtomicBool::new(false))
                .collect(),
            numbers: payload / 8,
        }
    }

    /// Claims piece k; pre-faults its storage unless it was claimed before.
    fn claim(&self, k: usize) -> bool {
        let first = !self.claimed[k].swap(true, Ordering::Relaxed);
        if first {
            let e0 = k * (PIECE / 8);
            self.prefault(e0, (e0 + PIECE / 8).min(self.numbers));
        }
        first
    }

    /// Claims pieces from the last one back, until one was claimed before.
    fn claim_from_back(&self) {
        for k in (0..self.claimed.len()).rev() {
            if !self.claim(k) {
                return;
            }
        }
    }

    /// Marks every piece claimed, pre-faulting none.
    fn claim_all(&self) {
        for c in &self.claimed {
            c.store(true, Ordering::Relaxed);
        }
    }

    /// Pre-faults the storage of the payload's numbers e0..e1 (file order).
    fn prefault(&self, e0: usize, e1: usize) {
        for &(first, count, layout) in &self.blocks {
            let (a, b) = (e0.max(first), e1.min(first + count));
            if a < b {
                let (addr, len) = layout.span(a - first, b - first);
                prefault(addr, len);
            }
        }
    }
}

/// Builds the blocks in file order from `cur` into their reserved storage,
/// gathering Z's folds (block 0) entry by entry.
fn build_blocks(
    infos: &[crate::native::BlockInfo],
    reserved: Vec<Reserved>,
    cur: &mut Cursor,
) -> (Vec<Mat<f64>>, ColumnFolds) {
    let mut folds = ColumnFolds::new(0, 0);
    let mut blocks = Vec::with_capacity(infos.len());
    for (k, (b, r)) in infos.iter().zip(reserved).enumerate() {
        let m = if k == 0 {
            folds = ColumnFolds::new(b.rows, b.cols);
            r.fill_column_major(|| {
                let v = cur.next();
                folds.push_entry(v);
                v
            })
        } else {
            r.fill_column_major(|| cur.next())
        };
        blocks.push(m);
    }
    (blocks, folds)
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

type Parts = (Header, Labels, Vec<crate::native::BlockInfo>, usize);

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
    Ok((h, labels, want, read))
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
    compare_digest(file, hasher, &stored)
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
        z: z.into(),
        y,
        x,
        v,
        imported_use,
        extensions,
    };
    MrioTable::new_with_folds(parts, policy, z_folds).map_err(|e| FormatError::table(file, e))
}
