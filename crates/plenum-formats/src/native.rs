//! plenum's own binary table format (`.plenum`), and the content hash of a
//! table.
//!
//! Layout of format version 2 (all integers little-endian; see
//! `docs/native-format.md` for the full description):
//!
//! | offset | size | content |
//! |---|---|---|
//! | 0 | 8 | magic bytes `PLENUMTB` |
//! | 8 | 4 | format version, u32 (= 2) |
//! | 12 | 4 | flags, u32 (= 0, reserved) |
//! | 16 | 8 | header length H, u64 |
//! | 24 | H | header: UTF-8 JSON with metadata, labels, extensions' labels and the list of blocks |
//! | 24 + H | 0–7 | zero padding to a multiple of 8 |
//! | P | 8 · Σ rows·cols | the blocks, f64 little-endian, each column-major, in the header's order: Z, Y, x, V, (Z_imported, Y_imported), then per extension F, (F_Y) |
//! | end − 32 | 32 | BLAKE3 of every byte before it |
//!
//! Version 1 is the same layout with a SHA-256 trailer; it is still read.
//! Version 2 changed only the trailer's hash, for speed: the trailer is an
//! integrity check read once per load over every byte, and SHA-256 (with
//! the CPU's SHA extensions) runs at 1.0–1.45 GB/s on one core here, while
//! BLAKE3 runs at 5.4 GB/s (measured side by side in BENCHMARKS.md), so at
//! GLORIA size (3.2 GB) the hash alone had capped the reader at ≈ 1.4 GB/s.
//!
//! The reader checks the magic bytes, the version, the header and every
//! block's shape against the labels and the file's length before it
//! allocates, streams the blocks into the matrices while hashing them
//! (module `native_stream`), checks the hash, then validates the table
//! under the caller's policy. Writing is deterministic:
//! the same table gives the same bytes.
//!
//! [`table_hash`] is a SHA-256 over a canonical encoding of what gives the
//! numbers their meaning (labels, currency, unit, import treatment,
//! extension labels and units) and the numbers themselves (−0 written as
//! +0), but not over descriptive metadata (name, year, source, licence,
//! notes), so that renaming a table or reading it from another path keeps
//! its hash. It does not depend on the file's format version, so run ids
//! made from it are unchanged by version 2.

use std::path::Path;

use plenum_table::table::ImportTreatment;
use plenum_table::{Flows, Labels, Mat, Metadata, MrioTable, TableParts, ValidationPolicy};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic::write_bytes_atomic;
use crate::error::{FormatError, Result};
use crate::text::name;

/// The first eight bytes of every native file.
pub const MAGIC: [u8; 8] = *b"PLENUMTB";
/// The format version this crate writes (and the newest it reads).
pub const FORMAT_VERSION: u32 = 2;
/// The oldest format version this crate reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;
/// The conventional file extension.
pub const EXTENSION: &str = "plenum";

pub(crate) const PREAMBLE: usize = 24;
pub(crate) const HASH_LEN: usize = 32;

/// The trailer's hash of a format version: SHA-256 in version 1, BLAKE3
/// from version 2 (see the module docs for why).
pub(crate) enum ContentHasher {
    Sha256(Sha256),
    Blake3(Box<blake3::Hasher>),
}

impl ContentHasher {
    /// The hasher of format `version` (one [`preamble`] accepted).
    pub(crate) fn for_version(version: u32) -> Self {
        if version == 1 {
            Self::Sha256(Sha256::new())
        } else {
            Self::Blake3(Box::default())
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(bytes),
            Self::Blake3(h) => {
                h.update(bytes);
            }
        }
    }

    pub(crate) fn finalize(self) -> [u8; HASH_LEN] {
        match self {
            Self::Sha256(h) => h.finalize().into(),
            Self::Blake3(h) => *h.finalize().as_bytes(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BlockInfo {
    pub(crate) name: String,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ExtensionInfo {
    pub(crate) name: String,
    pub(crate) stressors: Vec<String>,
    pub(crate) units: Vec<String>,
    pub(crate) has_f_y: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Header {
    pub(crate) meta: Metadata,
    pub(crate) labels: Labels,
    pub(crate) imported_use: bool,
    pub(crate) extensions: Vec<ExtensionInfo>,
    pub(crate) blocks: Vec<BlockInfo>,
}

/// The blocks a table with these labels holds, in file order.
pub(crate) fn expected_blocks(
    labels: &Labels,
    imported: bool,
    ext: &[ExtensionInfo],
) -> Vec<BlockInfo> {
    let n = labels.n_industries();
    let nfd = labels.n_fd_columns();
    let b = |name: &str, rows, cols| BlockInfo {
        name: name.to_string(),
        rows,
        cols,
    };
    let mut v = vec![
        b("Z", n, n),
        b("Y", n, nfd),
        b("x", n, 1),
        b("V", labels.va_components().len(), n),
    ];
    if imported {
        v.push(b("Z_imported", n, n));
        v.push(b("Y_imported", n, nfd));
    }
    for e in ext {
        v.push(b(&format!("{}.F", e.name), e.stressors.len(), n));
        if e.has_f_y {
            v.push(b(&format!("{}.F_Y", e.name), e.stressors.len(), nfd));
        }
    }
    v
}

/// Appends a column's numbers as little-endian bytes to `buf` (cleared
/// first) and hands them to `sink`: one column at a time, so that hashing
/// a table never holds a copy of it.
fn put_le<'a>(
    buf: &mut Vec<u8>,
    vals: impl Iterator<Item = &'a f64>,
    canonical: bool,
    sink: &mut impl FnMut(&[u8]),
) {
    buf.clear();
    for v in vals {
        let v = if canonical && *v == 0.0 { 0.0 } else { *v };
        buf.extend_from_slice(&v.to_le_bytes());
    }
    sink(buf);
}

fn mat_le(buf: &mut Vec<u8>, m: &Mat<f64>, canonical: bool, sink: &mut impl FnMut(&[u8])) {
    for j in 0..m.ncols() {
        put_le(buf, m.col(j).iter(), canonical, sink);
    }
}

/// Z as stored, column by column as [`mat_le`] writes a dense one: a
/// sparse Z's columns are filled from its transpose, one column buffer at
/// a time, so that the bytes (and the table's hash) do not depend on the
/// storage and no dense n² copy is made.
fn flows_le(buf: &mut Vec<u8>, z: &Flows, canonical: bool, sink: &mut impl FnMut(&[u8])) {
    let s = match z {
        Flows::Dense(m) => return mat_le(buf, m, canonical, sink),
        Flows::Sparse(s) => s,
    };
    let t = s.transpose();
    let mut col = vec![0.0f64; s.nrows()];
    for j in 0..t.nrows() {
        col.iter_mut().for_each(|c| *c = 0.0);
        let (rows, vals) = t.row(j);
        for (&i, &v) in rows.iter().zip(vals) {
            col[i as usize] = v;
        }
        put_le(buf, col.iter(), canonical, sink);
    }
}

/// The numbers of the table, block after block, each column by column, as
/// little-endian f64 (−0.0 as 0.0 when `canonical`), fed to `sink` in
/// pieces.
fn payload_into(p: &TableParts, canonical: bool, mut sink: impl FnMut(&[u8])) {
    let mut buf = Vec::new();
    let sink = &mut sink;
    flows_le(&mut buf, &p.z, canonical, sink);
    mat_le(&mut buf, &p.y, canonical, sink);
    put_le(&mut buf, p.x.iter(), canonical, sink);
    mat_le(&mut buf, &p.v, canonical, sink);
    if let Some(m) = &p.imported_use {
        mat_le(&mut buf, &m.z, canonical, sink);
        mat_le(&mut buf, &m.y, canonical, sink);
    }
    for e in &p.extensions {
        mat_le(&mut buf, &e.f, canonical, sink);
        if let Some(fy) = &e.f_y {
            mat_le(&mut buf, fy, canonical, sink);
        }
    }
}

/// Bytes of [`payload_into`].
fn payload_len(p: &TableParts) -> usize {
    let m = |m: &Mat<f64>| m.nrows() * m.ncols();
    let mut k = p.z.nrows() * p.z.ncols() + m(&p.y) + p.x.nrows() + m(&p.v);
    if let Some(iu) = &p.imported_use {
        k += m(&iu.z) + m(&iu.y);
    }
    for e in &p.extensions {
        k += m(&e.f) + e.f_y.as_ref().map_or(0, m);
    }
    8 * k
}

fn extension_infos(p: &TableParts) -> Vec<ExtensionInfo> {
    p.extensions
        .iter()
        .map(|e| ExtensionInfo {
            name: e.name.clone(),
            stressors: e.stressors.clone(),
            units: e.units.clone(),
            has_f_y: e.f_y.is_some(),
        })
        .collect()
}

fn json_error(file: &str, e: serde_json::Error) -> FormatError {
    FormatError::file(
        file,
        format!("cannot encode the header: {e}"),
        "report this as a bug of plenum-formats",
    )
}

/// The native encoding of `table`, e.g. to embed it with `include_bytes!`.
pub fn write_native_bytes(table: &MrioTable) -> Result<Vec<u8>> {
    let p = table.parts();
    let ext = extension_infos(p);
    let header = Header {
        meta: p.meta.clone(),
        labels: p.labels.clone(),
        imported_use: p.imported_use.is_some(),
        blocks: expected_blocks(&p.labels, p.imported_use.is_some(), &ext),
        extensions: ext,
    };
    let h = serde_json::to_vec(&header).map_err(|e| json_error("(native bytes)", e))?;
    let pad = (8 - (PREAMBLE + h.len()) % 8) % 8;
    let mut out = Vec::with_capacity(PREAMBLE + h.len() + pad + payload_len(p) + HASH_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(h.len() as u64).to_le_bytes());
    out.extend_from_slice(&h);
    out.extend(std::iter::repeat_n(0u8, pad));
    payload_into(p, false, |b| out.extend_from_slice(b));
    let digest = blake3::hash(&out);
    out.extend_from_slice(digest.as_bytes());
    Ok(out)
}

/// Writes `table` to `path` in the native format, atomically.
pub fn write_native(table: &MrioTable, path: &Path) -> Result<()> {
    let bytes = write_native_bytes(table)?;
    write_bytes_atomic(path, &bytes)
}

/// Reads a native file and validates the table under `policy`.
pub fn read_native(path: &Path, policy: &ValidationPolicy) -> Result<MrioTable> {
    let file = name(path);
    let f = std::fs::File::open(path).map_err(|e| FormatError::io(&file, "read", e))?;
    let len = f
        .metadata()
        .map_err(|e| FormatError::io(&file, "read", e))?
        .len();
    let len = usize::try_from(len).map_err(|_| corrupt(&file, format!("{len} bytes")))?;
    crate::native_stream::decode(&file, f, len, policy)
}

/// Reads a table from native bytes (e.g. embedded with `include_bytes!`).
pub fn read_native_bytes(bytes: &[u8], policy: &ValidationPolicy) -> Result<MrioTable> {
    crate::native_stream::decode("(native bytes)", bytes, bytes.len(), policy)
}

/// Reads only the header of a native file: metadata and labels, cheaply.
pub fn read_native_header(bytes: &[u8]) -> Result<(Metadata, Labels)> {
    let (h, _) = split("(native bytes)", bytes)?;
    Ok((h.meta, h.labels))
}

pub(crate) fn corrupt(file: &str, problem: impl Into<String>) -> FormatError {
    FormatError::file(
        file,
        problem,
        "the file is damaged or truncated; write it again from its source",
    )
}

/// Checks preamble and hash, parses the header; returns it and the payload.
fn split<'a>(file: &str, bytes: &'a [u8]) -> Result<(Header, &'a [u8])> {
    let version = preamble(file, bytes)?;
    verify(file, bytes, version)?;
    header(file, bytes)
}

/// Magic, length, version and flags: the checks before the hash. Returns
/// the format version.
pub(crate) fn preamble(file: &str, bytes: &[u8]) -> Result<u32> {
    if bytes.len() < 8 || bytes[..8] != MAGIC {
        return Err(FormatError::file(
            file,
            "not a plenum native table (the first bytes are not PLENUMTB)",
            "give a file written by plenum's native writer, or name the table's format",
        ));
    }
    if bytes.len() < PREAMBLE + HASH_LEN {
        return Err(corrupt(file, format!("only {} bytes", bytes.len())));
    }
    let u32_at =
        |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
    let version = u32_at(8);
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
        return Err(FormatError::file(
            file,
            format!(
                "format version {version}, but this plenum reads versions \
                 {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}"
            ),
            if version > FORMAT_VERSION {
                "use a newer plenum, or write the table again with this one"
            } else {
                "write the table again with this plenum"
            },
        ));
    }
    let flags = u32_at(12);
    if flags != 0 {
        return Err(corrupt(file, format!("unknown flags {flags:#x}")));
    }
    Ok(version)
}

/// The content's hash (of format `version`) against the stored one (after
/// [`preamble`]).
fn verify(file: &str, bytes: &[u8], version: u32) -> Result<()> {
    let (content, stored) = bytes.split_at(bytes.len() - HASH_LEN);
    let mut h = ContentHasher::for_version(version);
    h.update(content);
    compare_digest(file, h, stored)
}

/// The hasher's digest against the `stored` trailer: the one check, and
/// message, of the whole-file and the streamed reader.
pub(crate) fn compare_digest(file: &str, hasher: ContentHasher, stored: &[u8]) -> Result<()> {
    let digest = hasher.finalize();
    if digest.as_slice() != stored {
        return Err(corrupt(
            file,
            format!(
                "content hash mismatch (stored {}, computed {})",
                hex(stored),
                hex(&digest)
            ),
        ));
    }
    Ok(())
}

/// The header and the payload (after [`preamble`]; unverified).
fn header<'a>(file: &str, bytes: &'a [u8]) -> Result<(Header, &'a [u8])> {
    let content = &bytes[..bytes.len() - HASH_LEN];
    let h_end = header_end(file, bytes, content.len())?;
    let p_start = (h_end + padding(h_end)).min(content.len());
    let header = parse_header(file, &content[PREAMBLE..p_start], h_end, content.len())?;
    Ok((header, &content[p_start..]))
}

/// Where the header ends: the preamble's length plus the header length
/// stored in the preamble's last 8 bytes, within the `content_len` bytes
/// before the hash.
pub(crate) fn header_end(file: &str, preamble: &[u8], content_len: usize) -> Result<usize> {
    let mut hl = [0u8; 8];
    hl.copy_from_slice(&preamble[16..24]);
    let h_len = u64::from_le_bytes(hl);
    usize::try_from(h_len)
        .ok()
        .and_then(|l| l.checked_add(PREAMBLE))
        .filter(|&e| e <= content_len)
        .ok_or_else(|| corrupt(file, format!("header length {h_len} exceeds the file")))
}

/// Zero bytes after a header ending at `h_end`, so that the blocks start
/// at a multiple of 8.
pub(crate) fn padding(h_end: usize) -> usize {
    (8 - h_end % 8) % 8
}

/// The header's JSON and the zero padding after it: `text` is the file
/// from the end of the preamble to the start of the blocks (or to the
/// content's end, if the padding would run past it).
pub(crate) fn parse_header(
    file: &str,
    text: &[u8],
    h_end: usize,
    content_len: usize,
) -> Result<Header> {
    let json = h_end - PREAMBLE;
    let header: Header = serde_json::from_slice(&text[..json]).map_err(|e| {
        corrupt(
            file,
            format!(
                "the header is not valid (JSON line {}, column {}: {e})",
                e.line(),
                e.column()
            ),
        )
    })?;
    if h_end + padding(h_end) > content_len || text[json..].iter().any(|b| *b != 0) {
        return Err(corrupt(file, "bad padding after the header"));
    }
    Ok(header)
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(D[(b >> 4) as usize] as char);
        s.push(D[(b & 15) as usize] as char);
    }
    s
}

#[derive(Serialize)]
struct HashHeader<'a> {
    labels: &'a Labels,
    currency: &'a str,
    unit: &'a str,
    imports: ImportTreatment,
    imported_use: bool,
    extensions: Vec<ExtensionInfo>,
}

/// SHA-256 (lower-case hex) of the table's content; see the module docs for
/// what it covers. Use it in output manifests.
pub fn table_hash(table: &MrioTable) -> String {
    let p = table.parts();
    let hh = HashHeader {
        labels: &p.labels,
        currency: &p.meta.currency,
        unit: &p.meta.unit,
        imports: p.meta.imports,
        imported_use: p.imported_use.is_some(),
        extensions: extension_infos(p),
    };
    // Serialising plain strings, vectors and enums cannot fail; an empty
    // header would still leave the numbers in the hash.
    let h = serde_json::to_vec(&hh).unwrap_or_default();
    let mut d = Sha256::new();
    d.update(b"plenum-table-hash\0v1\0");
    d.update((h.len() as u64).to_le_bytes());
    d.update(&h);
    payload_into(p, true, |b| d.update(b));
    hex(&d.finalize())
}
