//! Tidy outputs of the binary: long-format frames (string key columns and
//! one `value` column) written as CSV and/or Parquet into an output folder,
//! with a manifest. Files are written atomically by plenum-formats.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plenum_table::MrioTable;

use crate::cli::TidyFormat;

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

/// An output folder and the formats to write into it.
pub struct OutDir {
    dir: PathBuf,
    format: TidyFormat,
    files: std::cell::RefCell<Vec<String>>,
}

impl OutDir {
    pub fn create(dir: &Path, format: TidyFormat) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            format,
            files: Default::default(),
        })
    }

    /// Writes `frame` as `<stem>.csv` and/or `<stem>.parquet`.
    pub fn write(&self, stem: &str, frame: &Frame) -> Result<()> {
        let keys: Vec<&str> = frame.keys.iter().map(|s| s.as_str()).collect();
        let tidy = plenum_formats::tidy::TidyFrame::from_rows(
            &keys,
            frame.rows.iter().map(|(k, v)| (k.as_slice(), *v)),
        )?;
        if matches!(self.format, TidyFormat::Csv | TidyFormat::Both) {
            let p = self.dir.join(format!("{stem}.csv"));
            plenum_formats::tidy::write_csv(&tidy, &p)?;
            self.files.borrow_mut().push(format!("{stem}.csv"));
        }
        if matches!(self.format, TidyFormat::Parquet | TidyFormat::Both) {
            let p = self.dir.join(format!("{stem}.parquet"));
            plenum_formats::tidy::write_parquet(&tidy, &p)?;
            self.files.borrow_mut().push(format!("{stem}.parquet"));
        }
        Ok(())
    }

    /// Writes `bytes` as the file `name` (atomically) and lists it in the
    /// manifest; for outputs a command renders itself (e.g. a large CSV).
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<()> {
        plenum_formats::atomic::write_bytes_atomic(&self.dir.join(name), bytes)?;
        self.files.borrow_mut().push(name.to_string());
        Ok(())
    }

    /// Writes the concatenation of `parts` as the file `name` (atomically)
    /// and lists it in the manifest; for a large output rendered in pieces,
    /// without joining them in memory first.
    pub fn write_file_parts(&self, name: &str, parts: &[String]) -> Result<()> {
        plenum_formats::atomic::write_atomic(&self.dir.join(name), |w| {
            parts.iter().try_for_each(|p| w.write_all(p.as_bytes()))
        })?;
        self.files.borrow_mut().push(name.to_string());
        Ok(())
    }

    /// The path of the file `name` in the folder, for a command that
    /// writes it itself (atomically); list it with [`OutDir::add_file`].
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Lists the file `name`, written by the command itself, in the
    /// manifest.
    pub fn add_file(&self, name: &str) {
        self.files.borrow_mut().push(name.to_string());
    }

    /// The formats asked for.
    pub fn format(&self) -> TidyFormat {
        self.format
    }

    /// Writes `manifest.json`: plenum version, the input table's hash, the
    /// command, scenario hashes and the seed.
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
        let m = plenum_formats::tidy::Manifest {
            plenum_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            table_name: table.meta().name.clone(),
            table_hash,
            scenarios: scenarios.to_vec(),
            seed,
            files: self.files.borrow().clone(),
        };
        plenum_formats::tidy::write_manifest(&m, &self.dir.join("manifest.json"))?;
        Ok(())
    }
}
