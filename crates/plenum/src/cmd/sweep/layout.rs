//! The files of a sweep folder and the records in them.
//!
//! ```text
//! DIR/
//!   sweep.json              the manifest (SweepManifest)
//!   spec.toml               the spec as planned
//!   variants.parquet        one row per variant: variant, shard, scenario, seed, set, parameters
//!   scenarios/NAME.toml     scenario files the spec named (shipped ones are in the binary)
//!   shards/shard-00003.parquet       results of shard 3 (written atomically)
//!   shards/shard-00003.json          its record: written after the Parquet, so it marks the shard done
//!   shards/shard-00003.started.json  written when a task starts the shard
//!   shards/shard-00003.failed.json   written when the shard fails (removed when it succeeds)
//!   gathered/               written by `plenum sweep gather`, complete or absent
//! ```

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "plenum-sweep/1";
pub const MANIFEST: &str = "sweep.json";
pub const SPEC: &str = "spec.toml";
pub const VARIANTS: &str = "variants.parquet";
pub const SHARDS: &str = "shards";
pub const GATHERED: &str = "gathered";

/// A scenario of the sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioEntry {
    pub name: String,
    /// Resolved hash of the scenario's texts (plenum-scenario's).
    pub hash: String,
    /// Path inside the sweep folder (`scenarios/NAME.toml`), or None for a
    /// shipped scenario (embedded in the binary; the version check covers it).
    pub file: Option<String>,
}

/// `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    pub format: String,
    pub plenum_version: String,
    pub name: String,
    pub description: String,
    /// sha256 of `spec.toml`.
    pub spec_hash: String,
    /// The run identity of the sweep: version, table hash, spec hash,
    /// scenario hashes, seeds ([`super::identity`]).
    pub identity: String,
    pub table_name: String,
    pub table_hash: String,
    /// None: the embedded default table; else the table's path as planned.
    pub table_path: Option<String>,
    pub scenarios: Vec<ScenarioEntry>,
    pub seeds: Vec<u64>,
    /// Swept parameters, in the order of the variant list's columns.
    pub params: Vec<String>,
    /// Recorded regions (None: each scenario's own) and variables.
    pub regions: Option<Vec<String>>,
    pub variables: Vec<String>,
    pub n_variants: u64,
    pub n_sets: u64,
    pub shard_size: u64,
    pub n_shards: u64,
    /// sha256 of `variants.parquet`.
    pub variants_hash: String,
}

/// `shards/shard-K.json`: a finished shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardRecord {
    pub shard: u64,
    pub first_variant: u64,
    pub n_variants: u64,
    pub rows: u64,
    /// sha256 of the shard's Parquet file.
    pub sha256: String,
    pub identity: String,
    pub plenum_version: String,
    pub table_hash: String,
    /// Loading the table, the economy and the scenarios (the startup
    /// a shard pays once).
    pub seconds_startup: f64,
    /// Calibrations and runs.
    pub seconds_eval: f64,
    /// Calibrations done (one per distinct parameter set in the shard).
    pub calibrations: u64,
    pub threads: usize,
    pub host: String,
}

/// `shards/shard-K.started.json` and `…failed.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardEvent {
    pub shard: u64,
    pub host: String,
    pub pid: u32,
    /// Seconds since the Unix epoch.
    pub at: u64,
    #[serde(default)]
    pub error: Option<String>,
}

/// Paths of one sweep folder.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dir: PathBuf,
    width: usize,
}

impl Layout {
    pub fn new(dir: &Path, n_shards: u64) -> Self {
        let width = n_shards.saturating_sub(1).to_string().len().max(5);
        Self {
            dir: dir.to_path_buf(),
            width,
        }
    }
    pub fn shards(&self) -> PathBuf {
        self.dir.join(SHARDS)
    }
    fn stem(&self, k: u64) -> String {
        format!("shard-{k:0w$}", w = self.width)
    }
    pub fn shard_parquet(&self, k: u64) -> PathBuf {
        self.shards().join(format!("{}.parquet", self.stem(k)))
    }
    pub fn shard_record(&self, k: u64) -> PathBuf {
        self.shards().join(format!("{}.json", self.stem(k)))
    }
    pub fn shard_started(&self, k: u64) -> PathBuf {
        self.shards().join(format!("{}.started.json", self.stem(k)))
    }
    pub fn shard_failed(&self, k: u64) -> PathBuf {
        self.shards().join(format!("{}.failed.json", self.stem(k)))
    }
}

/// Reads `DIR/sweep.json`.
pub fn read_manifest(dir: &Path) -> Result<SweepManifest> {
    let p = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&p).with_context(|| {
        format!(
            "cannot read {}; is {} a folder made by `plenum sweep plan`?",
            p.display(),
            dir.display()
        )
    })?;
    let m: SweepManifest = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a sweep manifest", p.display()))?;
    if m.format != FORMAT {
        bail!(
            "{}: format \"{}\" is not {FORMAT}; plan the sweep again with this plenum",
            p.display(),
            m.format
        );
    }
    Ok(m)
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    plenum_formats::atomic::write_bytes_atomic(path, text.as_bytes())?;
    Ok(())
}

pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: unreadable record", path.display()))
}

/// sha256 of a file's bytes.
pub fn file_hash(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(plenum_formats::tidy::sha256_hex(&bytes))
}

pub fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
