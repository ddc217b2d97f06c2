//! Output folders of the binary: tidy long-format frames (string key
//! columns and one `value` column) as CSV and/or Parquet, and the files a
//! command renders itself, with a manifest.
//!
//! A folder is complete or marked incomplete, never half new and half
//! old (issue 14, defect 4):
//!
//! 1. every file is first written into a staging folder inside the output
//!    folder (`.plenum-staging-PID-K`), so a failure or a kill while the
//!    command works leaves the old folder as it was;
//! 2. when every file is staged, the destinations are checked (a folder
//!    in the way is an error, and nothing has changed yet), the old
//!    `manifest.json` is removed, the files are renamed into place (one
//!    rename each, no copy), and the new manifest, holding the sha256 of
//!    every file, is written last.
//!
//! So a folder with a manifest whose hashes match its files is complete;
//! during the renames, or after a kill between them, there is no manifest.
//! Staging folders of killed runs are removed by the next run into the same
//! folder; SIGINT and SIGTERM remove them at once ([`install_signal_cleanup`]),
//! with every temporary file under way.

use std::cell::{Cell, RefCell};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use plenum_table::MrioTable;

use crate::cli::TidyFormat;

/// `println!` that returns a closed pipe as an `io::Error` (ended quietly by
/// `main`, see [`crate::exit`]) instead of panicking as `println!` does.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::output::print(format_args!("{}\n", format_args!($($t)*)))
    };
}

/// `print!` that returns a closed pipe as an `io::Error` (see [`outln!`]).
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => {
        $crate::output::print(format_args!($($t)*))
    };
}

/// Writes `args` to standard output, returning its error (a closed pipe
/// then ends the command quietly; `print!` would panic instead).
pub fn print(args: std::fmt::Arguments) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.flush()
}

/// A long-format frame: key columns of text, then `value`.
#[derive(Debug, Clone)]
pub struct Frame {
    pub keys: Vec<String>,
    pub rows: Vec<(Vec<String>, f64)>,
}

impl Frame {
    pub fn new(keys: &[&str]) -> Self {
        Self {
            keys: keys.iter().map(|k| k.to_string()).collect(),
            rows: Vec::new(),
        }
    }
    pub fn push(&mut self, keys: &[&str], value: f64) {
        debug_assert_eq!(keys.len(), self.keys.len());
        self.rows
            .push((keys.iter().map(|k| k.to_string()).collect(), value));
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// What a signal must remove: each unfinished output's staging folder and
/// the folders its run created (deepest last).
struct Unfinished {
    id: u64,
    stage: PathBuf,
    created: Vec<PathBuf>,
}

static UNFINISHED: Mutex<Vec<Unfinished>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn unfinished() -> std::sync::MutexGuard<'static, Vec<Unfinished>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes a staging folder and then the folders a run created, if empty.
fn remove_unfinished(u: &Unfinished) {
    let _ = std::fs::remove_dir_all(&u.stage);
    for d in u.created.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// On SIGINT or SIGTERM (and SIGHUP): remove every staging folder, the
/// empty folders the run created and every temporary file under way, then
/// exit with status 130. Outputs already in place are kept as they are.
pub fn install_signal_cleanup() {
    // Without a handler (e.g. one was already set) the default applies:
    // the process ends, and the next run removes what it left.
    let _ = ctrlc::set_handler(|| {
        for u in unfinished().iter() {
            remove_unfinished(u);
        }
        plenum_formats::atomic::remove_temporaries();
        eprintln!("interrupted: unfinished outputs removed, finished ones kept");
        std::process::exit(130);
    });
}

/// `s` safe to print on a terminal: control characters (which a crafted
/// label could use to move the cursor or rewrite the screen) are shown as
/// escapes, e.g. `\u{1b}`; everything else as it is.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    plenum_table::message::escape_controls(s, true)
}

/// `path` with `..` resolved by name where the part before it does not
/// exist (so `--out a/../b` creates only `b`, not an empty `a`); where it
/// exists the file system resolves it (it may be a link).
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_)))
                    && !out.exists() =>
            {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Checks that `dir` can be an output folder, before any work: not a file,
/// and none of `names` a folder inside it.
pub fn check_out_dir(dir: &Path, names: &[&str]) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!(
            "--out {}: this is a file, not a folder; give a folder (it is created if missing)",
            dir.display()
        );
    }
    for n in names {
        let p = dir.join(n);
        if p.is_dir() {
            bail!(
                "--out {}: {} is a folder, where plenum writes the file {n}; remove or rename it, or choose another --out",
                dir.display(),
                p.display()
            );
        }
    }
    Ok(())
}

/// An output folder and the formats to write into it (see the module
/// docs: staged, then switched into place with the manifest last).
pub struct OutDir {
    dir: PathBuf,
    stage: PathBuf,
    id: u64,
    format: TidyFormat,
    files: RefCell<Vec<String>>,
    done: Cell<bool>,
}

impl OutDir {
    /// Prepares `dir` (created if missing) and its staging folder.
    pub fn create(dir: &Path, format: TidyFormat) -> Result<Self> {
        Self::prepare(dir, format, &[])
    }

    /// [`OutDir::create`], also checking that none of `names`, the files
    /// the command will write, is a folder: call it before the work.
    pub fn prepare(dir: &Path, format: TidyFormat, names: &[&str]) -> Result<Self> {
        let dir = normalise(dir);
        check_out_dir(&dir, names)?;
        // The folders this run creates, shallowest first.
        let mut created = Vec::new();
        let mut a = dir.as_path();
        while !a.as_os_str().is_empty() && !a.exists() {
            created.push(a.to_path_buf());
            match a.parent() {
                Some(p) => a = p,
                None => break,
            }
        }
        created.reverse();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
        remove_stale_stages(&dir);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let stage = dir.join(format!(".plenum-staging-{}-{id}", std::process::id()));
        let u = Unfinished {
            id,
            stage: stage.clone(),
            created,
        };
        if let Err(e) = std::fs::create_dir(&stage) {
            remove_unfinished(&u);
            return Err(e).with_context(|| {
                format!(
                    "cannot create a staging folder in {} (is it writable?)",
                    dir.display()
                )
            });
        }
        unfinished().push(u);
        Ok(Self {
            dir,
            stage,
            id,
            format,
            files: Default::default(),
            done: Cell::new(false),
        })
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `frame` as `<stem>.csv` and/or `<stem>.parquet`.
    pub fn write(&self, stem: &str, frame: &Frame) -> Result<()> {
        let keys: Vec<&str> = frame.keys.iter().map(|s| s.as_str()).collect();
        let tidy = plenum_formats::tidy::TidyFrame::from_rows(
            &keys,
            frame.rows.iter().map(|(k, v)| (k.as_slice(), *v)),
        )?;
        if matches!(self.format, TidyFormat::Csv | TidyFormat::Both) {
            let p = self.stage.join(format!("{stem}.csv"));
            plenum_formats::tidy::write_csv(&tidy, &p)?;
            self.files.borrow_mut().push(format!("{stem}.csv"));
        }
        if matches!(self.format, TidyFormat::Parquet | TidyFormat::Both) {
            let p = self.stage.join(format!("{stem}.parquet"));
            plenum_formats::tidy::write_parquet(&tidy, &p)?;
            self.files.borrow_mut().push(format!("{stem}.parquet"));
        }
        Ok(())
    }

    /// Writes `bytes` as the file `name` and lists it in the manifest; for
    /// outputs a command renders itself.
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<()> {
        plenum_formats::atomic::write_bytes_atomic(&self.stage.join(name), bytes)?;
        self.files.borrow_mut().push(name.to_string());
        Ok(())
    }

    /// Where to write the file `name` for a command that writes it itself
    /// (atomically, in the staging folder); list it with
    /// [`OutDir::add_file`].
    pub fn path(&self, name: &str) -> PathBuf {
        self.stage.join(name)
    }

    /// Lists the file `name`, written by the command itself at
    /// [`OutDir::path`], in the manifest.
    pub fn add_file(&self, name: &str) {
        self.files.borrow_mut().push(name.to_string());
    }

    /// Switches the staged files into place and writes `manifest.json`
    /// last: plenum version, the input table's hash, the command, scenario
    /// hashes, the seed and every file's sha256.
    pub fn manifest(
        &self,
        table: &MrioTable,
        command: &str,
        scenarios: &[(String, String)],
        seed: Option<u64>,
    ) -> Result<()> {
        let hash = plenum_formats::native::table_hash(table);
        self.manifest_with_hash(table, hash, command, scenarios, seed)
    }

    /// [`OutDir::manifest`] with the table's hash computed beforehand
    /// (`plenum_formats::native::table_hash(table)`), e.g. on another thread
    /// while the command ran.
    pub fn manifest_with_hash(
        &self,
        table: &MrioTable,
        table_hash: String,
        command: &str,
        scenarios: &[(String, String)],
        seed: Option<u64>,
    ) -> Result<()> {
        let files = self.files.borrow().clone();
        let mut names: Vec<&str> = files.iter().map(String::as_str).collect();
        names.push("manifest.json");
        // Nothing in the folder has changed yet: a folder in the way of a
        // file is reported with the old folder intact.
        check_out_dir(&self.dir, &names)?;
        let mut sha256 = std::collections::BTreeMap::new();
        for f in &files {
            sha256.insert(
                f.clone(),
                plenum_formats::tidy::sha256_file(&self.stage.join(f))?,
            );
        }
        let m = plenum_formats::tidy::Manifest {
            plenum_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            table_name: table.meta().name.clone(),
            table_hash,
            scenarios: scenarios.to_vec(),
            seed,
            files: files.clone(),
            sha256,
        };
        plenum_formats::tidy::write_manifest(&m, &self.stage.join("manifest.json"))?;
        let old = self.dir.join("manifest.json");
        match std::fs::remove_file(&old) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot replace {}", old.display())),
        }
        for f in files.iter().map(String::as_str).chain(["manifest.json"]) {
            let to = self.dir.join(f);
            std::fs::rename(self.stage.join(f), &to)
                .with_context(|| format!("cannot move {} into place", to.display()))?;
        }
        self.done.set(true);
        let _ = std::fs::remove_dir(&self.stage);
        unfinished().retain(|u| u.id != self.id);
        Ok(())
    }
}

impl Drop for OutDir {
    /// An output that was not finished leaves the folder as it was: the
    /// staging folder goes, and so do the folders this run created, if
    /// empty.
    fn drop(&mut self) {
        let mut list = unfinished();
        if let Some(k) = list.iter().position(|u| u.id == self.id) {
            let u = list.remove(k);
            if !self.done.get() {
                remove_unfinished(&u);
            }
        }
    }
}

/// Removes staging folders in `dir` left by runs that were killed (their
/// process is gone); where processes cannot be looked up, nothing.
fn remove_stale_stages(dir: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(".plenum-staging-") else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !proc.join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_resolves_dotdot_of_missing_folders_only() {
        let d = tempfile::tempdir().expect("tempdir");
        let base = d.path();
        assert_eq!(normalise(&base.join("a/../b")), base.join("b"));
        assert_eq!(normalise(&base.join("./a/./b")), base.join("a/b"));
        std::fs::create_dir(base.join("a")).expect("mkdir");
        assert_eq!(normalise(&base.join("a/../b")), base.join("a/../b"));
        assert_eq!(normalise(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalise(Path::new("a/..")), PathBuf::from("."));
    }
}
