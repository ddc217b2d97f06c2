//! `plenum sweep`: many variants of the scenarios (scenarios × parameter
//! grids or samples × seeds) split into shards that a scheduler runs as
//! array tasks (Slurm job arrays, Kubernetes Indexed Jobs), then gathered.
//! plenum has no cluster manager of its own: a shard is a plain process
//! told its index, and the sweep folder on a shared file system is the
//! only coordination (see deploy/README.md and docs/scale.md).
//!
//! - [`spec`]: the spec file and its variants; [`layout`]: the sweep
//!   folder; [`pq`]: its Parquet files;
//! - [`plan`], [`run`], [`status`], [`gather`] (+ [`report`]): the commands;
//! - [`eval`]: the one function that evaluates variants.

use std::path::Path;

use anyhow::Result;
use plenum_table::MrioTable;

use crate::cli::SweepCommand;

pub mod eval;
pub mod gather;
pub mod layout;
pub mod plan;
pub mod pq;
pub mod report;
pub mod run;
pub mod spec;
pub mod status;

pub fn sweep(cmd: SweepCommand) -> Result<()> {
    match cmd {
        SweepCommand::Plan(a) => plan::plan(a),
        SweepCommand::Run(a) => run::run(a),
        SweepCommand::Status(a) => status::status(a),
        SweepCommand::Gather(a) => gather::gather(a),
    }
}

/// The embedded default table, or the table at `path` (format detected).
pub fn load_table(path: Option<&Path>) -> Result<MrioTable> {
    match path {
        None => crate::embedded::default_table(),
        Some(p) => {
            let arg = crate::cli::TableArg {
                table: Some(p.to_path_buf()),
                format: crate::cli::InputFormat::Auto,
                allow_zero_output: false,
                balance_rtol: None,
                storage: crate::cli::StorageArg::Auto,
            };
            Ok(crate::source::load(&arg)?.table)
        }
    }
}

/// The run identity of a sweep: sha256 over the plenum version, the table
/// hash, the spec hash (which holds the seeds, grid and sample) and each
/// scenario's name and hash.
pub fn identity(
    version: &str,
    table_hash: &str,
    spec_hash: &str,
    scenarios: &[layout::ScenarioEntry],
) -> String {
    // The shared run identity (plenum_formats::identity::run_id, as plain
    // runs, manifests and the web registry use): a sweep's "scenario text"
    // is its spec's hash and each scenario's name and hash; the seeds are
    // in the spec, so the seed field is 0.
    let mut text = format!("plenum-sweep\n{spec_hash}");
    for s in scenarios {
        text.push_str(&format!("\n{}\t{}", s.name, s.hash));
    }
    plenum_formats::identity::run_id(version, table_hash, &text, 0)
}
