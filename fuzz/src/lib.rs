//! Shared pieces of the fuzz targets: the input of a folder reader is one
//! byte string packing several files ([`unpack`]; `.ci/fuzz.sh` packs the
//! test fixtures into seeds), so that the fuzzer mutates contents and names
//! alike; single-file readers get the bytes as one file ([`one_file`]).
//!
//! Packed layout: sections, each `\n@@@ <relative path>\n` then the bytes
//! of the file. Paths are kept inside the folder (letters, digits, `._-/`,
//! no `..`, at most two levels), at most 16 files.

#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The marker before each file's path.
pub const MARK: &[u8] = b"\n@@@ ";

fn safe_path(name: &[u8]) -> Option<PathBuf> {
    let s = std::str::from_utf8(name).ok()?;
    let ok = !s.is_empty()
        && s.len() < 64
        && !s.starts_with('/')
        && s.split('/').count() <= 2
        && s.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b));
    ok.then(|| PathBuf::from(s))
}

/// Writes the packed files of `data` into a fresh temporary folder
/// (`None` if `data` packs no valid file).
pub fn unpack(data: &[u8]) -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().ok()?;
    let mut rest = data;
    let mut n = 0;
    while let Some(i) = find(rest, MARK) {
        rest = &rest[i + MARK.len()..];
        let nl = rest.iter().position(|&b| b == b'\n')?;
        let name = &rest[..nl];
        rest = &rest[nl + 1..];
        let end = find(rest, MARK).unwrap_or(rest.len());
        let body = &rest[..end];
        rest = &rest[end..];
        let Some(rel) = safe_path(name) else { continue };
        let p = dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).ok()?;
        }
        // A name given twice, or a file where a folder is: skip it.
        if std::fs::write(&p, body).is_ok() {
            n += 1;
        }
        if n >= 16 {
            break;
        }
    }
    (n > 0).then_some(dir)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Writes `data` to a file named `name` in a fresh temporary folder.
pub fn one_file(data: &[u8], name: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::tempdir().ok()?;
    let p = dir.path().join(name);
    std::fs::write(&p, data).ok()?;
    Some((dir, p))
}
