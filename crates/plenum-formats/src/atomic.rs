//! Atomic file output: write to a temporary file in the destination's
//! folder, flush it to disk, then rename it over the destination, so that a
//! reader never sees a half-written file and a crash leaves the old file (or
//! none) in place.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::error::{FormatError, Result};
use crate::text::name;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The temporary files being written now, so that a signal handler can
/// remove them before the process exits ([`remove_temporaries`]).
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves the list itself intact.
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every temporary file that [`write_atomic`] is writing now. For
/// a SIGINT/SIGTERM handler that exits right after: the destinations keep
/// their old content (or stay absent), and no `.NAME.tmp-*` file is left.
pub fn remove_temporaries() {
    remove_temporaries_where(|_| true);
}

fn remove_temporaries_where(keep_out: impl Fn(&Path) -> bool) {
    for p in live().iter().filter(|p| keep_out(p)) {
        let _ = fs::remove_file(p);
    }
}

fn temp_path(dest: &Path) -> PathBuf {
    let dir = dest.parent().unwrap_or_else(|| Path::new("."));
    let base = dest
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let k = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{base}.tmp-{}-{k}", std::process::id()))
}

/// Writes `dest` atomically; `fill` writes the content into a buffered
/// writer.
pub fn write_atomic(
    dest: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    let tmp = temp_path(dest);
    let file = name(dest);
    live().push(tmp.clone());
    let result = (|| -> std::io::Result<()> {
        let f = File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 16, f);
        fill(&mut w)?;
        w.flush()?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        fs::rename(&tmp, dest)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    live().retain(|p| p != &tmp);
    result.map_err(|e| FormatError::io(file, "write", e))
}

/// Writes `bytes` to `dest` atomically.
pub fn write_bytes_atomic(dest: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(dest, |w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        write_bytes_atomic(&p, b"one").unwrap();
        write_bytes_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let n = fs::read_dir(d.path()).unwrap().count();
        assert_eq!(n, 1);
    }

    #[test]
    fn failed_fill_keeps_old_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        write_bytes_atomic(&p, b"old").unwrap();
        let e = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(e.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    /// A signal handler's cleanup removes the temporary file of a write
    /// under way (and the write then fails, keeping the old file).
    #[test]
    fn remove_temporaries_removes_a_write_under_way() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        write_bytes_atomic(&p, b"old").unwrap();
        let e = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            w.flush()?;
            assert_eq!(fs::read_dir(d.path()).unwrap().count(), 2);
            // Only this test's folder: tests run side by side.
            remove_temporaries_where(|p| p.starts_with(d.path()));
            assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
            Ok(())
        });
        assert!(e.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old");
    }
}
