//! `plenum sweep status DIR`: which shards are done, failed or missing,
//! and the command that finishes the sweep.

use anyhow::Result;

use super::layout::{self, Layout, ShardEvent, SweepManifest};
use super::run::is_done;
use crate::cli::SweepStatusArgs;

/// The state of every shard.
#[derive(Debug, Default, PartialEq)]
pub struct Status {
    pub done: Vec<u64>,
    pub failed: Vec<(u64, String)>,
    /// Missing shards, with a note where a task started one and left no
    /// result (killed, or still running).
    pub missing: Vec<(u64, Option<String>)>,
    pub seconds_eval: f64,
    pub seconds_startup: f64,
    pub variants_done: u64,
}

/// The state of every shard; `verify` reads each shard to check its hash
/// (gather does; `status` checks records and sizes only, so that it stays
/// cheap on a shared file system).
pub fn status_of(dir: &std::path::Path, m: &SweepManifest, verify: bool) -> Status {
    let lay = Layout::new(dir, m.n_shards);
    let mut s = Status::default();
    for k in 0..m.n_shards {
        if let Some(r) = is_done(&lay, m, k, verify) {
            s.done.push(k);
            s.seconds_eval += r.seconds_eval;
            s.seconds_startup += r.seconds_startup;
            s.variants_done += r.n_variants;
        } else if let Ok(f) = layout::read_json::<ShardEvent>(&lay.shard_failed(k)) {
            s.failed.push((k, f.error.unwrap_or_default()));
        } else {
            let note = layout::read_json::<ShardEvent>(&lay.shard_started(k))
                .ok()
                .map(|e| {
                    format!(
                        "started on {} (pid {}) at {}, no result: killed, or still running",
                        e.host, e.pid, e.at
                    )
                });
            s.missing.push((k, note));
        }
    }
    s
}

/// "0-3,5,7-9".
pub fn ranges(ks: &[u64]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ks.len() {
        let mut j = i;
        while j + 1 < ks.len() && ks[j + 1] == ks[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            ks[i].to_string()
        } else {
            format!("{}-{}", ks[i], ks[j])
        });
        i = j + 1;
    }
    out.join(",")
}

pub fn status(args: SweepStatusArgs) -> Result<()> {
    let m = layout::read_manifest(&args.dir)?;
    let s = status_of(&args.dir, &m, false);
    crate::outln!(
        "sweep {} ({} variants, {} shards, identity {}):",
        m.name,
        m.n_variants,
        m.n_shards,
        &m.identity[..12]
    )?;
    crate::outln!(
        "done: {}/{} shards{}",
        s.done.len(),
        m.n_shards,
        if s.done.is_empty() {
            String::new()
        } else {
            format!(" ({})", ranges(&s.done))
        }
    )?;
    let failed: Vec<u64> = s.failed.iter().map(|(k, _)| *k).collect();
    crate::outln!(
        "failed: {}",
        if failed.is_empty() {
            "none".into()
        } else {
            ranges(&failed)
        }
    )?;
    for (k, e) in &s.failed {
        crate::outln!("  shard {k}: {e}")?;
    }
    let missing: Vec<u64> = s.missing.iter().map(|(k, _)| *k).collect();
    crate::outln!(
        "missing: {}",
        if missing.is_empty() {
            "none".into()
        } else {
            ranges(&missing)
        }
    )?;
    for (k, note) in &s.missing {
        if let Some(n) = note {
            crate::outln!("  shard {k}: {n}")?;
        }
    }
    if s.variants_done > 0 {
        crate::outln!(
            "compute so far: {:.1} s in shards ({:.1} s of it startup), {:.1} variants per shard-second",
            s.seconds_eval + s.seconds_startup,
            s.seconds_startup,
            s.variants_done as f64 / (s.seconds_eval + s.seconds_startup).max(1e-9)
        )?;
    }
    let todo: Vec<u64> = failed
        .iter()
        .chain(&missing)
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if todo.is_empty() {
        crate::outln!("complete: next, plenum sweep gather {}", args.dir.display())?;
    } else {
        crate::outln!(
            "to finish: sbatch --array={} deploy/slurm/sweep.sbatch {}   (or plenum sweep run {} --shard K for each)",
            ranges(&todo),
            args.dir.display(),
            args.dir.display()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranges_compress_runs() {
        assert_eq!(super::ranges(&[0, 1, 2, 3, 5, 7, 8, 9]), "0-3,5,7-9");
        assert_eq!(super::ranges(&[4]), "4");
        assert_eq!(super::ranges(&[]), "");
    }
}
