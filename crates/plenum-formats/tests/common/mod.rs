//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The crate's mock files.
pub fn mock(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// `../shared/data/<rel>` relative to the workspace root, or `None` after
/// printing the plain SKIPPED line when it is absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if !root.is_dir() {
        eprintln!("SKIPPED: ../shared/data not found");
        return None;
    }
    let p = root.join(rel);
    if !p.exists() {
        eprintln!("SKIPPED: ../shared/data/{rel} not found");
        return None;
    }
    Some(p)
}

/// Copies the mock folder `rel` into a fresh temporary folder.
pub fn copy_mock_dir(rel: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&mock(rel), d.path());
    d
}

pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}
